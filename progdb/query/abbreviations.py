"""Programs that spell out abbreviations (St. -> Street, kg -> kilogram, CA -> California, Jan ->
January): their answers are words the input abbreviates, and an input is never a slip of another
(kmol is no mol)."""
from __future__ import annotations

import re

ABBREVIATIONS = 0.8  # a program of at least MIN_ABBREVIATIONS pairs, this share of which spell out their input,
MIN_ABBREVIATIONS = 4
KEPT_LETTERS = 0.6  # ...keeping on average this share of their letters at most (be been, walk walked are forms)


def spells_out(pairs: list[tuple[str, str]]) -> bool:
    """Do the pairs spell out abbreviations (St. Street, kg kilogram, Jan January): most inputs
    abbreviate their outputs, and no one ending is most of what they drop, as a suffix is most of
    what a form adds (cat cats, big biggest, teach teacher)?"""
    if len(pairs) < MIN_ABBREVIATIONS or sum(abbreviates(a, b) for a, b in pairs) < ABBREVIATIONS * len(pairs):
        return False
    endings = [b.lower()[len(a):] if b.lower().startswith(a.lower()) else f"({a} {b})" for a, b in pairs]
    kept = sum(len(a) / max(1, len(b)) for a, b in pairs) / len(pairs)  # (an abbreviation keeps a few letters)
    return max(endings.count(e) for e in set(endings)) < len(pairs) / 2 and kept <= KEPT_LETTERS


def abbreviates(short: str, long: str) -> bool:
    """Does `short` abbreviate `long`: its letters in order in it, from its first (St. Street, kg
    kilogram, NJ New Jersey, Pkwy Parkway), and fewer of them?"""
    a, b = re.sub(r"[\s.'’-]", "", short.lower()), re.sub(r"[\s.'’-]", "", long.lower())
    if not a.isalpha() or not b.isalpha() or len(a) >= len(b) or a[0] != b[0]:
        return False
    rest = iter(b[1:])
    return all(ch in rest for ch in a[1:])

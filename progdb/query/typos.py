"""Typos: how far a typed word is from a known one, and the nearest known word within a slip or two."""
from __future__ import annotations

import re

from rapidfuzz import process
from rapidfuzz.distance import OSA


def edit_distance(a: str, b: str, limit: int = 2) -> int:
    """Optimal string alignment distance (a swap of neighbours is one edit); limit + 1 past limit."""
    return OSA.distance(a, b, score_cutoff=limit)


def allowed_edits(word: str) -> int:
    """One slip in a short word ("frnace"), two in a long one ("synonim" has one, "abreviaton" two)."""
    return 1 if len(word) <= 6 else 2


def closest(word: str, vocabulary, limit: int | None = None, weight=None) -> str | None:
    """The vocabulary word nearest `word` within its allowed edits; ties go to the heavier word
    (`weight`: word -> count), else to the earlier one."""
    limit = allowed_edits(word) if limit is None else limit
    # rapidfuzz scores the whole vocabulary in C: a request's typo check is read on every query
    hits = process.extract(word, vocabulary, scorer=OSA.distance, score_cutoff=limit, limit=None)
    hits = [(d, -(weight.get(v, 0) if weight else 0), i, v) for v, d, i in hits if v != word]
    return min(hits)[3] if hits else None


def without_doubles(word: str) -> str:
    """The word with each doubled letter single: names are misspelt most at their doubles
    ("marroco" is three slips from morocco, one from it without them; "phillipines")."""
    return re.sub(r"(.)\1+", r"\1", word)

"""A small word program of one suffix answers by that suffix, spelt as English spells it.

A teacher's six pairs of verb -> the person who does it (teach -> teacher, bake -> baker, swim ->
swimmer) are one rule, +er, under English spelling: a silent e dropped before a vowel, a short
word's last consonant doubled, y after a consonant turned to i. Fifty dimensions of GloVe hold no
such offset that six pairs could teach ("paint -> designer?", "run -> driver?"); the rule does
("painter", "runner"). A program answers so only where the rule, learned with each stored pair
hidden in turn, finds as many of them as its arithmetic does, and only with a common word of the
word space (a rule's product that no one writes, "longness", is no answer).
"""
from __future__ import annotations

import re
from dataclasses import dataclass

MAX_SUFFIX = 6    # letters: -er, -ness, -ment, -ation; a longer tail is another word, not a suffix
MIN_FOUND = 2     # pairs the rule must find, each hidden, before it answers: one pair is an anecdote
# One syllable ending in one vowel and one consonant doubles that consonant before a vowel (run ->
# runner, big -> bigger; not w, x or y: player, fixer).
_SHORT = re.compile(r"[^aeiou]*[aeiou][^aeiouwxy]")


def attach(word: str, suffix: str) -> str:
    """The word with the suffix, spelt the English way."""
    if suffix[0] in "aeiouy":
        if word.endswith("e") and (suffix[0] == "e" or not word.endswith("ee")):
            return word[:-1] + suffix            # bake -> baker, free -> freer (see -> seeing)
        if _SHORT.fullmatch(word):
            return word + word[-1] + suffix      # swim -> swimmer
    if re.search(r"[^aeiou]y$", word) and not suffix.startswith("i"):
        return word[:-1] + "i" + suffix          # happy -> happiness (carry -> carrying keeps it)
    return word + suffix


def suffixes_of(word: str, derived: str) -> set[str]:
    """Every suffix that `attach` turns word into derived with (bake -> baker: +r and +er)."""
    stems = {word, word[:-1], word + word[-1:], word[:-1] + "i"}
    return {derived[len(s):] for s in stems
            if s and derived.startswith(s) and 0 < len(derived) - len(s) <= MAX_SUFFIX
            and attach(word, derived[len(s):]) == derived}


@dataclass
class SuffixRule:
    """The suffix most of a program's pairs take, learned from single-word pairs."""
    pairs: list[tuple[str, str]]

    def __post_init__(self):
        self.pairs = [(a.lower(), b.lower()) for a, b in self.pairs
                      if a.isalpha() and b.isalpha() and a.lower() != b.lower()]
        self._of = [suffixes_of(a, b) for a, b in self.pairs]
        self._found: dict[str, bool] | None = None

    def best(self, hidden: str | None = None) -> tuple[str, int] | None:
        """(the suffix most pairs take, how many take it), the `hidden` input's pairs left out; ties
        to the longer suffix (bake, drive and write take +r and +er; teach and swim only +er)."""
        counts: dict[str, int] = {}
        for (a, _), found in zip(self.pairs, self._of):
            if a != hidden:
                for s in found:
                    counts[s] = counts.get(s, 0) + 1
        if not counts:
            return None
        suffix = max(counts, key=lambda s: (counts[s], len(s), s))
        return suffix, counts[suffix]

    def measured(self, hidden: str | None = None) -> tuple[int, int]:
        """How many stored inputs the rule learned from the others spells right, of how many tried
        (the `hidden` input's own fold left out, as WordProgram.measured does)."""
        if self._found is None:
            self._found = {}
            for a, b in self.pairs:
                best = self.best(hidden=a)
                self._found[a] = self._found.get(a, False) or (best is not None and attach(a, best[0]) == b)
        folds = [hit for a, hit in self._found.items() if a != hidden]
        return sum(folds), len(folds)

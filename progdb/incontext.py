"""Programs from examples: in-context prompts ("king: queen, man: woman, boy:") and `which`.

A prompt of demonstrations is a program given by its pairs, as a task vector is in an LLM. The stored
vector program that best predicts the demonstrations' outputs from their inputs is taken when it fits
well; otherwise the demonstrations themselves become a temporary program.
"""
from __future__ import annotations

import re

import numpy as np

from .word_methods import PairSet
from .wordspace import WordSpace

_SEPARATOR = re.compile(r"\s*(?:->|=>|→|:)\s*")
_ARROW = re.compile(r"->|=>|→")
_SEGMENTS = re.compile(r"\s*(?:\n|,|;)\s*")
_MAX_WORDS = 4  # a side of a "word: word" demonstration; longer text is a text program's business
_MAX_WORDS_ARROW = 8  # arrows are rare in prose, so names ("Mount Rushmore National Memorial") may be longer
FIT_THRESHOLD = 0.75  # mean cosine of predicted to true outputs needed to name a stored program
FIT_GAIN = 0.05  # ...and by how much it must beat the demonstrations explaining themselves
IDENTIFY_METHOD = "weighted"


def parse_incontext(prompt: str) -> tuple[list[tuple[str, str]], str] | None:
    """Demonstrations and the query input, or None when the prompt is not in that form.
    The last segment must end in a separator ("boy:" or "boy ->"), so prose is never taken."""
    limit = _MAX_WORDS_ARROW if _ARROW.search(prompt) else _MAX_WORDS
    segments = [s for s in _SEGMENTS.split(prompt.strip()) if s]
    if len(segments) < 2:
        return None
    demos = []
    for seg in segments[:-1]:
        parts = _SEPARATOR.split(seg)
        if len(parts) != 2 or not all(_short(p, limit) for p in parts):
            return None
        demos.append((parts[0].strip(), parts[1].strip()))
    last = segments[-1].rstrip("? ")
    m = re.match(r"^(.*?)\s*(?:->|=>|→|:)$", last)
    if not m or not _short(m.group(1), limit):
        return None
    return demos, m.group(1).strip()


def _short(text: str, limit: int) -> bool:
    return 0 < len(text.split()) <= limit


def rank_programs(space: WordSpace, programs: list, demos: list[tuple[str, str]],
                  leave_out: str | None = None) -> list[tuple[str, float]]:
    """Stored vector programs by how well each predicts the demonstrations: the mean cosine between
    the program's query for each input and the demonstrated output (no pass over the vocabulary)."""
    if not space.usable(demos):
        return []
    ps = PairSet(space, demos)
    ranked = []
    for wp in programs:
        q = wp.fitted(IDENTIFY_METHOD, leave_out).queries(ps.sources)
        q /= np.linalg.norm(q, axis=1, keepdims=True)
        ranked.append((wp.name, round(float(np.mean(np.sum(q * ps.targets, axis=1))), 4)))
    return sorted(ranked, key=lambda t: -t[1])


def self_fit(space: WordSpace, demos: list[tuple[str, str]]) -> float:
    """How well the demonstrations explain themselves: each output predicted from its input plus
    the other demonstrations' mean offset (or from the input alone, for one demonstration).
    A stored program is only worth naming when it explains them clearly better."""
    if not space.usable(demos):
        return 1.0
    ps = PairSet(space, demos)
    n = len(ps.pairs)
    q = ps.sources + (ps.diffs.sum(axis=0) - ps.diffs) / (n - 1) if n > 1 else ps.sources.copy()
    q /= np.linalg.norm(q, axis=1, keepdims=True)
    return round(float(np.mean(np.sum(q * ps.targets, axis=1))), 4)

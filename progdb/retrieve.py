"""Decide which program a key asks for: the nearest one, an interpolation of close ones, or none."""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from .store import KeyHit

# Defaults, overridden by a database's stored calibration (see `progdb calibrate`).
DEFAULT_THRESHOLD = 0.60   # below this best key similarity the answer is "none" (bench/calibrate_threshold.py)
DEFAULT_MARGIN = 0.05      # programs within this of the best are blended
EXACT = 0.97               # a key this close to a stored one is that program alone
TEMPERATURE = 0.02         # softmax temperature of interpolation weights


@dataclass
class ProgramMatch:
    name: str
    score: float
    weight: float
    key: str


@dataclass
class Retrieval:
    mode: str  # nearest | interpolated | none
    programs: list[ProgramMatch] = field(default_factory=list)
    candidates: list[ProgramMatch] = field(default_factory=list)
    threshold: float = DEFAULT_THRESHOLD
    message: str = ""


def best_per_program(hits: list[KeyHit]) -> list[ProgramMatch]:
    """A program scores as its closest key phrasing."""
    best: dict[str, KeyHit] = {}
    for h in hits:
        if h.program not in best or h.score > best[h.program].score:
            best[h.program] = h
    ranked = sorted(best.values(), key=lambda h: (-h.score, h.program))
    return [ProgramMatch(h.program, round(h.score, 4), 0.0, h.key) for h in ranked]


def decide(hits: list[KeyHit], kinds: dict[str, str], threshold: float = DEFAULT_THRESHOLD,
           margin: float = DEFAULT_MARGIN) -> Retrieval:
    ranked = best_per_program(hits)
    if not ranked:
        return Retrieval("none", [], [], threshold, "the database holds no programs")
    top = ranked[0]
    if top.score < threshold:
        return Retrieval("none", [], ranked[:5], threshold,
                         f"nothing stored is close to this prompt (best: {top.name} at "
                         f"{top.score:.2f}, below the threshold {threshold:.2f})")
    close = [m for m in ranked if m.score >= threshold and top.score - m.score <= margin
             and kinds.get(m.name) == kinds.get(top.name)]
    if top.score >= EXACT or len(close) == 1:
        top.weight = 1.0
        return Retrieval("nearest", [top], ranked[:5], threshold)
    logits = np.array([m.score for m in close]) / TEMPERATURE
    weights = np.exp(logits - logits.max())
    weights /= weights.sum()
    for m, w in zip(close, weights):
        m.weight = round(float(w), 4)
    names = ", ".join(f"{m.name} {m.weight:.2f}" for m in close)
    return Retrieval("interpolated", close, ranked[:5], threshold,
                     f"the key falls between programs; blending {names}")

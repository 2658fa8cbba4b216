"""Decide which program a key asks for: the nearest one, an interpolation of close ones, or none.

Programs are scored one of two ways (the database's calibration says which, see `progdb fit`):
  similarity  a program scores as its closest stored key phrasing (cosine)
  classifier  the router's probability for the program (router.py)
The same rule then decides: below the threshold (the classifier's may differ per program, as
`fit` sets it), or nearest a negative program, the answer is "none"; vector or fewshot programs
within the margin of the best are blended; intents never are (two intents cannot be half-run).
"""
from __future__ import annotations

from dataclasses import dataclass, field, replace

import numpy as np

from progdb.storage.store import KeyHit

# Defaults, replaced by a database's stored calibration (`progdb fit`, `progdb show --calibration`).
DEFAULT_THRESHOLD = 0.60   # below this best key similarity the answer is "none" (bench/calibrate_threshold.py)
DEFAULT_MARGIN = 0.05      # programs within this of the best are blended
EXACT = 0.97               # a key this close to a stored one is that program alone
TEMPERATURE = 0.02         # softmax temperature of interpolation weights (similarity scores)
BLENDABLE = ("vector", "fewshot")


@dataclass
class ProgramMatch:
    name: str
    score: float
    weight: float
    key: str
    matched: str = ""  # the prompt's words the key was compared with (the reader's request part)


@dataclass
class Retrieval:
    mode: str  # nearest | interpolated | none
    programs: list[ProgramMatch] = field(default_factory=list)
    candidates: list[ProgramMatch] = field(default_factory=list)
    threshold: float = DEFAULT_THRESHOLD
    message: str = ""
    exact: bool = False  # decided by a key matched (nearly) word for word, not by the scores
    accepted: str = ""  # why a reading whose key matched below the threshold was taken
    accepted_sure: float | None = None  # ...and how sure the learned rule was that it is a request


def below(score: float, threshold: float) -> str:
    """"at 0.64, below the threshold 0.65", with as many decimals as show the two apart (a trial
    read "at 0.650, below the threshold 0.650")."""
    places = next((p for p in (2, 3, 4) if f"{score:.{p}f}" != f"{threshold:.{p}f}"), 4)
    return f"at {score:.{places}f}, below the threshold {threshold:.{places}f}"


def nothing_close(name: str, score: float, threshold: float) -> str:
    """Why nothing answers: the best program's score beside the threshold."""
    return f"nothing stored is close to this prompt (best: {name} {below(score, threshold)})"


def best_per_program(hits: list[KeyHit]) -> list[ProgramMatch]:
    """A program scores as its closest key phrasing."""
    best: dict[str, KeyHit] = {}
    for h in hits:
        if h.program not in best or h.score > best[h.program].score:
            best[h.program] = h
    ranked = sorted(best.values(), key=lambda h: (-h.score, h.program))
    return [ProgramMatch(h.program, round(h.score, 4), 0.0, h.key) for h in ranked]


def by_probability(classes: list[str], probs: np.ndarray, nearest: list[ProgramMatch]) -> list[ProgramMatch]:
    """Programs ranked by the router's probability; each shows its closest key when one was hit
    (`nearest`: best_per_program of the key search)."""
    closest = {m.name: m.key for m in nearest}
    order = np.argsort(-probs, kind="stable")
    return [ProgramMatch(classes[i], round(float(probs[i]), 4), 0.0, closest.get(classes[i], ""))
            for i in order]


def decide(ranked: list[ProgramMatch], kinds: dict[str, str], threshold: float = DEFAULT_THRESHOLD,
           margin: float = DEFAULT_MARGIN, exact: ProgramMatch | None = None,
           temperature: float = TEMPERATURE, offsets: dict[str, float] | None = None) -> Retrieval:
    """`ranked`: programs best first by score; `exact`: the program one of whose keys the prompt
    matches (nearly) word for word, which then wins alone whatever the scores say; `offsets`:
    per program, how far its own threshold sits from `threshold` (calibration.program_offsets)."""
    if not ranked:
        return Retrieval("none", [], [], threshold, "the database holds no programs")
    offsets, base = offsets or {}, threshold
    top = exact or ranked[0]
    threshold = base + offsets.get(top.name, 0.0)  # the best program's own threshold
    if kinds.get(top.name) == "negative":
        return Retrieval("none", [], ranked[:5], threshold,
                         f"the prompt is closest to stored out-of-scope prompts ('{top.name}', {top.score:.2f})")
    if exact is None and top.score < threshold:
        return Retrieval("none", [], ranked[:5], threshold, nothing_close(top.name, top.score, threshold))
    kind = kinds.get(top.name)
    close = [m for m in ranked if m.score >= base + offsets.get(m.name, 0.0) and top.score - m.score <= margin
             and kinds.get(m.name) == kind]
    if exact is not None or kind not in BLENDABLE or len(close) <= 1:
        top.weight = 1.0
        return Retrieval("nearest", [top], ranked[:5], threshold, exact=exact is not None)
    logits = np.array([m.score for m in close]) / temperature
    weights = np.exp(logits - logits.max())
    weights /= weights.sum()
    for m, w in zip(close, weights):
        m.weight = round(float(w), 4)
    names = ", ".join(f"{m.name} {m.weight:.2f}" for m in close)
    return Retrieval("interpolated", close, ranked[:5], threshold,
                     f"the key falls between programs; blending {names}")


def exact_match(nearest: list[ProgramMatch]) -> ProgramMatch | None:
    """The program whose key the prompt matches (nearly) word for word, if any (`nearest`:
    best_per_program of the key search); a copy, so deciding on it leaves the candidates as they are."""
    if nearest and nearest[0].score >= EXACT:
        return replace(nearest[0])
    return None

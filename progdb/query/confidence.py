"""How sure a word program's answer is: stored pairs are certain; a computed answer's chance of
being right is a logistic function of its top candidate's score and lead over the second,
fitted per answer kind on held-out pairs of the built-in programs (bench/answer_confidence.py,
which prints the coefficients below and how well they are calibrated)."""
from __future__ import annotations

import math

# P(right) = sigmoid(coef · features + intercept), per kind of answer (bench/answer_confidence.py).
MODELS = {
    "ranker": {"coef": [3.564, 2.8819], "intercept": -3.6591},
    "geometry": {"coef": [1.659, 2.5072], "intercept": -1.9532},
}
FLOOR = 0.5  # below this a computed answer is shown as "not sure", with its candidates
# Below this none is shown: the request is refused. On the validation prompts every computed answer
# this unsure was wrong, or answered a prompt no program serves ("past tense of New Zealand" 0.03).
REFUSE = 0.15


def features(candidates) -> list[float]:
    """The top candidate's score and its lead over the second."""
    scores = [c.score for c in candidates[:2]] + [0.0, 0.0]
    return [scores[0], scores[0] - scores[1]]


def confidence(kind: str, candidates) -> float | None:
    model = MODELS.get(kind)
    if model is None or not candidates:
        return None
    z = sum(c * f for c, f in zip(model["coef"], features(candidates))) + model["intercept"]
    return round(1 / (1 + math.exp(-z)), 3)


def is_sure(value: float | None) -> bool:
    """An answer without a confidence (a blend, a text) is not flagged; a computed one below FLOOR is."""
    return value is None or value >= FLOOR

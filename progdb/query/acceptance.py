"""Whether a prompt's best reading is a request at all: a learned accept-or-refuse rule.

The hand rules (a key threshold, a stored out-of-scope prompt within a margin, an input that fits)
each look at one piece of evidence. For programs with labelled phrasings (the built-in library's,
or a fit's), a logistic model weighs them together: the key similarity, the input's fit, the
reading's score and its lead over the next program, the nearest stored out-of-scope prompt, how
the input was marked, and the prompt's shape. Its weights were fitted by bench/refusal_model.py on
half A of bench/prompts/validation.jsonl (C and the floor chosen on half B; the test split of
bench/prompts/prompts.jsonl never seen): see docs/evaluation.md.
"""
from __future__ import annotations

import math

FEATURES = ("key", "fit", "score", "negative", "lead", "log_words", "input_share", "span", "explicit",
            "template", "vector", "dropped", "key_share", "key_over_negative")
# Printed by `python bench/refusal_model.py --C 1.0` (2026-11-30): the standardisation, then the model.
MEAN = (0.798493, 0.949672, 0.783683, 0.469518, 0.242707, 2.07829, 0.427232, 0.488189, 0.163386, 0.141732, 0.484252, 0.153543, 0.512751, 0.328975)
SCALE = (0.215429, 0.126746, 0.231459, 0.177344, 0.18616, 0.520769, 0.268211, 0.49986, 0.369717, 0.348775, 0.499752, 0.578526, 0.257178, 0.311035)
WEIGHTS = (1.04267, 0.732952, 1.36375, -0.831163, 0.588695, 0.491392, -0.14392, 0.625172, 1.19562, 0.820041, 0.735742, -0.662966, -0.232565, 1.19608)
BIAS = 0.815404
FLOOR = 0.3  # below this probability the reading is refused (unless its key matched word for word)


def features(key_score: float, fit: float, score: float, negative: float, lead: float, words: int,
             input_words: int, method: str, kind: str | None, dropped: int, key_words: int) -> list[float]:
    """The evidence on one reading, in FEATURES order."""
    words = max(words, 1)
    return [key_score, fit, score, negative, lead, math.log1p(words), input_words / words,
            float(method == "span"), float(method == "explicit"), float(method == "template"),
            float(kind == "vector"), float(dropped), key_words / words, key_score - negative]


def probability(values: list[float]) -> float:
    """How likely the reading is the request it looks like (the model's probability)."""
    z = BIAS + sum(w * (v - m) / s for w, v, m, s in zip(WEIGHTS, values, MEAN, SCALE))
    return 1.0 / (1.0 + math.exp(-z))

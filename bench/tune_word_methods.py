"""Choose the `combined` method's weights on the function-vector word tasks, never on the Google set.

Each task's unique inputs are split in two by a stable hash: weights are chosen by leave-one-out
macro acc@1 on the first half (train) and checked on the second (validation). The Google analogy set
the README reports is not read here.

    .venv/bin/python bench/tune_word_methods.py [--bases=weighted,ridge,ridge-lrcos] [--json]
"""
from __future__ import annotations

import hashlib
import itertools
import json
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from progdb.evaluation.analogy_data import load_relations  # noqa: E402
from progdb.evaluation.word_eval import _accuracy  # noqa: E402
from progdb.words.methods import Extras, Fitted, PairSet, SurfaceRules, features, geometric_pools  # noqa: E402
from progdb.words.space import WordSpace, canonical  # noqa: E402

DATA = Path(__file__).resolve().parents[2] / "shared" / "data" / "function_vectors" / "abstractive"
TASKS = ["singular-plural", "present-past", "country-capital", "country-currency", "person-instrument",
         "person-sport", "antonym", "synonym", "national_parks", "next_item", "prev_item"]
BASES = [a.split("=", 1)[1] for a in sys.argv if a.startswith("--bases=")][0].split(",") \
    if any(a.startswith("--bases=") for a in sys.argv) else ["weighted", "ridge", "ridge-lrcos"]
GRID = {"rule": [0.0, 0.1, 0.2, 0.3, 0.5, 0.75, 1.0, 1.5, 2.0, 3.0], "closed": [0.0, 0.05, 0.1, 0.2, 0.3, 0.5, 1.0],
        "frequency": [0.0, 0.02, 0.05, 0.1, 0.15, 0.2, 0.3]}


def half(items, which):
    return [it for it in items if (hashlib.sha1(it[0].encode()).digest()[0] % 2) == which]


def folds(space, items, base):
    items = [(a, [b for b in bs if b in space and canonical(b) != canonical(a)]) for a, bs in items if a in space]
    items = [(a, bs) for a, bs in items if bs]
    everything = PairSet(space, [(a, b) for a, bs in items for b in bs])
    rules = SurfaceRules(everything.pairs)
    fitted = [Fitted(space, everything.without({a}), base, rules=rules, leave_out=[(a, b) for b in bs])
              for a, bs in items]
    pools = geometric_pools(space, fitted, [a for a, _ in items])
    return items, [features(space, f, a, q, pool) for f, (a, _), (q, pool) in zip(fitted, items, pools)]


def score(space, prepared, extras):
    per_task = {}
    for task, (items, feats) in prepared.items():
        ranked = [ft.top(extras, 5).words for ft in feats]
        per_task[task] = _accuracy(items, ranked, range(len(items)))[0]
    return float(np.mean(list(per_task.values()))), per_task


def main():
    space = WordSpace.load()
    relations = {t: v for t, v in load_relations(DATA).items() if t in TASKS}
    results = {}
    for base in BASES:
        train = {t: folds(space, half(v, 0), base) for t, v in relations.items()}
        val = {t: folds(space, half(v, 1), base) for t, v in relations.items()}
        best = max((Extras(*c) for c in itertools.product(*GRID.values())),
                   key=lambda ex: score(space, train, ex)[0])
        results[base] = {"extras": best.__dict__, "train_macro": score(space, train, best)[0],
                         "val_macro": score(space, val, best)[0], "val_plain": score(space, val, Extras())[0],
                         "val_per_task": score(space, val, best)[1]}
        print(base, json.dumps(results[base]), flush=True)
    if "--json" in sys.argv:
        print(json.dumps(results, indent=1))


if __name__ == "__main__":
    main()

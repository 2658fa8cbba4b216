"""How sure is a word program's computed answer? Fits the answer confidence of progdb/query/confidence.py.

    python bench/answer_confidence.py [--per-program 80]

For every built-in word program, stored inputs (at most --per-program, a fixed sample) are asked
with their own pairs hidden (use_stored=False: the program answers by arithmetic or its ranker, not
memory). A logistic regression per answer kind (ranker, geometry) learns P(right) from the top
candidate's score and its lead over the second, on the inputs of half the programs' pairs (crc32 of
the input); the other half reports how well that probability is calibrated and what the floor
(progdb.confidence.FLOOR) keeps.
"""
from __future__ import annotations

import argparse
import json
import zlib

import numpy as np

from progdb.query.confidence import features
from progdb.db import ProgramDB
from progdb.query.execute import run_vector
from progdb.words.space import canonical


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--per-program", type=int, default=80)
    ap.add_argument("--db", default=None)
    args = ap.parse_args()
    db = ProgramDB(path=args.db)
    rows = []
    for wp in db.catalog.word_programs():
        inputs = sorted(wp.stored, key=lambda x: zlib.crc32(x.encode()))[: args.per_program]
        inputs = [x for x in inputs if x in wp.space]
        for x, out in zip(inputs, run_vector(wp.space, [(wp, 1.0)], inputs, 5, "auto", use_stored=False)):
            if out.answer is None or not out.candidates:
                continue
            right = canonical(out.answer) in {canonical(a) for a in wp.stored[x]}
            rows.append((wp.name, x, out.method, features(out.candidates), right))
    from sklearn.linear_model import LogisticRegression

    fitted = {}
    for kind in ("ranker", "geometry"):
        part = [r for r in rows if r[2] == kind]
        train = [r for r in part if zlib.crc32(r[1].encode()) % 2 == 0]
        test = [r for r in part if zlib.crc32(r[1].encode()) % 2 == 1]
        if len(train) < 20 or len({r[4] for r in train}) < 2:
            continue
        model = LogisticRegression(C=1.0).fit(np.array([r[3] for r in train]), [r[4] for r in train])
        fitted[kind] = {"coef": [round(float(c), 4) for c in model.coef_[0]],
                        "intercept": round(float(model.intercept_[0]), 4)}
        p = model.predict_proba(np.array([r[3] for r in test]))[:, 1]
        y = np.array([r[4] for r in test])
        print(f"{kind}: {len(train)} fit, {len(test)} held out; held-out accuracy {y.mean():.3f}")
        for lo, hi in ((0, .25), (.25, .5), (.5, .75), (.75, 1.01)):
            m = (p >= lo) & (p < hi)
            if m.any():
                print(f"  confidence {lo:.2f}-{min(hi, 1):.2f}: {m.sum():4d} answers, right {y[m].mean():.3f}")
    print(json.dumps(fitted))


if __name__ == "__main__":
    main()

"""Measure where the "none" threshold should sit, on prompts no stored key was written from.

    python bench/calibrate_threshold.py [--db PATH] [--clinc ../shared/data/clinc150/clinc150_train_val.json]

In scope: bench/dev_prompts.tsv (paraphrased requests, two per seeded program).
Out of scope: CLINC150 `val` prompts (CC BY 3.0) of intents no seeded program serves (translate,
definition, spelling and exchange_rate are left out because seeded programs do serve them), plus
CLINC's `oos_val`. Prints, for each threshold, in-scope acceptance (right program), out-of-scope
rejection, and their balanced mean; the best balanced threshold is the default in retrieve.py.
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from progdb.db import ProgramDB  # noqa: E402

SERVED = {"translate", "definition", "spelling", "exchange_rate"}


def main() -> None:
    here = Path(__file__).resolve().parent
    ap = argparse.ArgumentParser()
    ap.add_argument("--db", default=None)
    ap.add_argument("--clinc", default=str(here.parent.parent / "shared/data/clinc150/clinc150_train_val.json"))
    args = ap.parse_args()
    db = ProgramDB(path=args.db)
    # Every result lists the nearest programs with their scores, whatever the decision was.
    pos = [l.split("\t") for l in (here / "dev_prompts.tsv").read_text().splitlines()
           if l.strip() and not l.startswith("#")]
    clinc = json.loads(Path(args.clinc).read_text())
    neg = [t for t, intent in clinc["val"] if intent not in SERVED] + [t for t, _ in clinc["oos_val"]]
    pos_scores, pos_right = [], []
    for program, prompt in pos:
        r = db.query(prompt)
        top = r.candidates[0] if r.candidates else None
        pos_scores.append(top.score if top else 0.0)
        pos_right.append(bool(top) and top.name == program)
    neg_scores = [db.query(t).candidates[0].score for t in neg]
    pos_scores, pos_right, neg_scores = map(np.array, (pos_scores, pos_right, neg_scores))
    print(f"in scope: {len(pos_scores)} prompts, right program at rank 1: {pos_right.mean():.3f}")
    print(f"out of scope: {len(neg_scores)} prompts")
    print("threshold  in-scope-accepted-right  out-of-scope-rejected  balanced")
    for t in np.arange(0.40, 0.81, 0.02):
        acc = float(((pos_scores >= t) & pos_right).mean())
        rej = float((neg_scores < t).mean())
        print(f"  {t:.2f}     {acc:.3f}                    {rej:.3f}                  {(acc + rej) / 2:.3f}")


if __name__ == "__main__":
    main()

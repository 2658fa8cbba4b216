"""Fit the learned accept-or-refuse rule (progdb/query/acceptance.py) and print its constants.

    python bench/refusal_model.py [--db SEEDED] [--C 1.0]

Every prompt of bench/prompts/validation.jsonl (a writer who never saw the keys) and of the dev
split of bench/prompts/prompts.jsonl is read by the seeded database, and the evidence on its best
reading is kept (Reader.evidence). The model is fitted on half A of the validation set (crc32 of
the prompt even): an in-scope prompt whose best reading names its program is "accept", an
out-of-scope prompt "refuse" (an in-scope prompt read as the wrong program is left out). Printed:
the hand rules' and the model's program accuracy and refusal on half B and on dev, at several
floors, and the constants to paste into acceptance.py. The test split is never read.
"""
from __future__ import annotations

import argparse
import json
import zlib
from pathlib import Path

import numpy as np
from sklearn.linear_model import LogisticRegression

from progdb.db import ProgramDB
from progdb.pipeline import KeyLookup

ROOT = Path(__file__).resolve().parents[1]


def collect(db: ProgramDB) -> list[dict]:
    rows = [json.loads(line) | {"set": "validation"} for line in open(ROOT / "bench/prompts/validation.jsonl")]
    rows += [r | {"set": "dev"} for r in map(json.loads, open(ROOT / "bench/prompts/prompts.jsonl"))
             if r["split"] == "dev"]
    reader, cal, out = db.pipeline.reader(), db.calibration(), []
    for r in rows:
        prompt, lookup = r["prompt"], KeyLookup(db.store)
        readings = reader.readings_of(prompt, db.catalog.templates())
        vectors = lookup.embed([x.key for x in readings] + [prompt])
        choices, negative = reader.choose(readings, vectors[:-1], vectors[-1])
        top, values = reader.evidence(choices, negative, len(prompt.split()))
        _, hand = reader.decide(choices, negative, cal["threshold"], cal["margin"], learned_accept=False)
        out.append({"gold": r["program"], "set": r["set"], "half": zlib.crc32(prompt.encode()) % 2,
                    "top": top.program, "hand": hand.programs[0].name if hand.programs else None, "x": values})
    return out


def scores(rows: list[dict], decided: list) -> str:
    ins = [d == r["gold"] for r, d in zip(rows, decided) if r["gold"] is not None]
    oos = [d is None for r, d in zip(rows, decided) if r["gold"] is None]
    return f"program {np.mean(ins):.3f} (n={len(ins)}), refused {np.mean(oos):.3f} (n={len(oos)})"


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--db", default=None, help="a seeded database (default: the user's)")
    ap.add_argument("--C", type=float, default=1.0)
    args = ap.parse_args()
    rows = collect(ProgramDB(path=args.db))
    train = [r for r in rows if r["set"] == "validation" and r["half"] == 0]
    checks = {"validation half B": [r for r in rows if r["set"] == "validation" and r["half"] == 1],
              "dev split": [r for r in rows if r["set"] == "dev"]}
    kept = [r for r in train if r["gold"] is None or r["top"] == r["gold"]]
    x = np.array([r["x"] for r in kept], dtype=float)
    y = np.array([r["gold"] is not None for r in kept])
    mean, scale = x.mean(axis=0), x.std(axis=0) + 1e-9
    model = LogisticRegression(C=args.C, max_iter=5000).fit((x - mean) / scale, y)
    for name, sel in checks.items():
        print(f"{name}: hand rules: {scores(sel, [r['hand'] for r in sel])}")
        p = model.predict_proba((np.array([r["x"] for r in sel], dtype=float) - mean) / scale)[:, 1]
        for floor in (0.25, 0.3, 0.35, 0.4):
            print(f"  learned, floor {floor}: {scores(sel, [r['top'] if q >= floor else None for r, q in zip(sel, p)])}")
    fmt = lambda v: "(" + ", ".join(f"{float(a):.6g}" for a in v) + ")"  # noqa: E731
    print(f"\nMEAN = {fmt(mean)}\nSCALE = {fmt(scale)}\nWEIGHTS = {fmt(model.coef_[0])}\nBIAS = {model.intercept_[0]:.6g}")


if __name__ == "__main__":
    main()

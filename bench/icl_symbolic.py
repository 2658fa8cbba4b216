"""In-context string tasks on held-out pairs: per task, acc@1 of `progdb query` on half 1.

    HF_HUB_OFFLINE=1 .venv/bin/python bench/icl_symbolic.py [--db PATH] [--shots 3 5] [--half 1] [--data DIR]

The eight function-vector string tasks (capitalize, capitalize_first_letter, ..., word_length) are
split by sha1(input) % 2; the search of progdb/query/symbolic.py was designed on half 0, and half 1
is reported. Every pair of the half is asked as an in-context prompt (progdb eval icl's form: one
`input -> output` demonstration a line) with the next K pairs of the same half, in a fixed shuffled
order, as demonstrations, and with the stored-example lookup off (use_stored=False), as
`progdb eval icl` does. Prints a table and, with --json, the figures. Without --db, a scratch
database is seeded in a temporary folder.
"""
from __future__ import annotations

import argparse
import hashlib
import json
import os
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("HF_HUB_OFFLINE", "1")

from progdb.db import ProgramDB  # noqa: E402
from progdb.evaluation.word_eval import icl_prompt  # noqa: E402

TASKS = ["capitalize", "capitalize_first_letter", "capitalize_last_letter", "capitalize_second_letter",
         "lowercase_first_letter", "lowercase_last_letter", "next_capital_letter", "word_length"]
DATA = Path(__file__).resolve().parents[1] / ".." / "shared" / "data" / "function_vectors" / "abstractive"


def half_of(text: str) -> int:
    return int(hashlib.sha1(text.encode()).hexdigest(), 16) % 2


def run_task(db: ProgramDB, pairs: list[tuple[str, str]], shots: int) -> dict:
    order = np.random.default_rng(0).permutation(len(pairs))
    hits, sources, sure_right, sure = 0, Counter(), 0, 0
    for pos, i in enumerate(order):
        text, expected = pairs[i]
        demos = [pairs[order[(pos + d) % len(pairs)]] for d in range(1, shots + 1)]
        try:
            out = db.query(icl_prompt(demos, text), k=1, use_stored=False).outputs[0]
            answer, source = out.answer, out.source
            confident = out.confidence is not None and out.sure
        except Exception as exc:  # an input outside the word space, with no program: wrong
            answer, source, confident = None, type(exc).__name__, False
        right = answer == expected  # exact: case is the task
        hits += right
        sources[source] += 1
        sure += confident
        sure_right += confident and right
    return {"n": len(pairs), "acc1": round(hits / len(pairs), 4), "sources": dict(sources),
            "sure": sure, "sure_right": sure_right}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--db", help="a seeded database (default: a scratch one)")
    ap.add_argument("--shots", type=int, nargs="+", default=[3, 5])
    ap.add_argument("--half", type=int, default=1, choices=[0, 1])
    ap.add_argument("--data", default=str(DATA))
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()
    scratch = None if args.db else tempfile.TemporaryDirectory()
    db = ProgramDB(path=args.db or str(Path(scratch.name) / "db"))
    report = {"half": args.half, "date": time.strftime("%Y-%m-%d"), "per_shots": {}}
    for shots in args.shots:
        per_task = {}
        for task in TASKS:
            rows = json.loads((Path(args.data) / f"{task}.json").read_text())
            pairs = [(r["input"], r["output"]) for r in rows if half_of(r["input"]) == args.half]
            per_task[task] = run_task(db, pairs, shots)
            if not args.json:
                t = per_task[task]
                print(f"K={shots}  {task:<26} n={t['n']:<4} acc@1 {t['acc1']:.3f}  "
                      f"sure {t['sure']} (right {t['sure_right']})  sources {t['sources']}", flush=True)
        report["per_shots"][shots] = per_task
    if args.json:
        print(json.dumps(report, indent=1))


if __name__ == "__main__":
    main()

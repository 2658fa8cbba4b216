"""A user's small word program (10-40 pairs): which method answers the inputs it does not store?

The per-program choice ("auto", words/ranker.py) keeps the learned ranker only when it beats
`combined` on the program's own held-out pairs by a sign test (Z standard deviations). With a
dozen pairs a sign test rarely passes, so small programs answered with `combined` even where the
ranker did better (a trial's 12-pair demonym program: ranker 7 / 12, auto 3 / 12 on countries it
did not store). This measures the choice on small programs drawn from data the seeds are not.

For each function-vector word task (../shared/data) and each size n: DRAWS draws of n pairs
(seeded), the ranker trained on them (no cache), and ASKED other inputs of the task answered
(never a drawn input; an input whose output is a drawn input is skipped too: the asked pair's
reverse). acc@1 of `combined`, of the ranker, and of `auto` under each Z in --z. Tasks are split
in two by sha1 of their name: choose on half "tune", report on half "report". (The shared data
is read from ../shared beside the checkout, or from $PROGDB_SHARED.)

    HF_HUB_OFFLINE=1 OMP_NUM_THREADS=1 .venv/bin/python bench/small_program_methods.py \
        [--sizes 10,15,25,40] [--draws 8] [--z 0,1,2] [--half tune|report|both] [--json FILE]
"""
from __future__ import annotations

import os

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")
os.environ.setdefault("HF_HUB_OFFLINE", "1")

import argparse  # noqa: E402
import hashlib  # noqa: E402
import json  # noqa: E402
import sys  # noqa: E402
from pathlib import Path  # noqa: E402

import numpy as np  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
FV = Path(os.environ.get("PROGDB_SHARED", ROOT.parent / "shared")) / "data" / "function_vectors" / "abstractive"
TASKS = ("antonym", "synonym", "country-capital", "country-currency", "person-instrument", "person-sport",
         "present-past", "singular-plural", "next_item", "prev_item", "national_parks",
         "english-french", "english-german", "english-spanish")
ASKED = 25


def half(task: str) -> str:
    return "tune" if hashlib.sha1(task.encode()).digest()[0] % 2 == 0 else "report"


def task_answers(space, task: str) -> dict[str, set[str]]:
    from progdb.words.space import canonical

    answers: dict[str, set[str]] = {}
    for r in json.loads((FV / f"{task}.json").read_text()):
        a, b = r["input"].strip(), r["output"].strip()
        if space.usable([(a, b)]):
            answers.setdefault(canonical(a), set()).add(canonical(b))
    return answers


def choose(wins: int, losses: int, z: float) -> bool:
    return wins > losses and wins - losses >= z * np.sqrt(wins + losses)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", default="10,15,25,40")
    ap.add_argument("--draws", type=int, default=8)
    ap.add_argument("--z", default="0,1,2")
    ap.add_argument("--half", default="both", choices=("tune", "report", "both"))
    ap.add_argument("--json")
    args = ap.parse_args()
    from progdb.models import word_space
    from progdb.words.methods import Fitted, PairSet, decode
    from progdb.words.ranker import ProgramRanker
    from progdb.words.space import canonical

    space = word_space()
    sizes = [int(s) for s in args.sizes.split(",")]
    zs = [float(z) for z in args.z.split(",")]
    rows = []
    for task in TASKS:
        if args.half != "both" and half(task) != args.half:
            continue
        answers = task_answers(space, task)
        inputs = sorted(answers)
        rng = np.random.default_rng(int(hashlib.sha1(task.encode()).hexdigest()[:8], 16))
        for n in sizes:
            for _ in range(args.draws):
                pick = rng.permutation(len(inputs))
                drawn = [inputs[i] for i in pick[:n]]
                demo = [(a, sorted(answers[a])[0]) for a in drawn]
                seen = set(drawn) | {b for _, b in demo}
                asked = [x for x in (inputs[i] for i in pick[n:]) if x not in seen
                         and not (answers[x] & set(drawn))][:ASKED]
                ranker = ProgramRanker(space, demo, use_cache=False)
                comb = decode(space, [Fitted(space, PairSet(space, demo), "combined")] * len(asked), asked, 1)
                rank = ranker.rank(asked, 1)
                c_hit = [bool(r.words) and canonical(r.words[0]) in answers[x] for r, x in zip(comb, asked)]
                r_hit = [bool(r.words) and canonical(r.words[0]) in answers[x] for r, x in zip(rank, asked)]
                wins = int((ranker.ranker_hits > ranker.combined_hits).sum())
                losses = int((ranker.combined_hits > ranker.ranker_hits).sum())
                row = {"task": task, "half": half(task), "n": n, "combined": float(np.mean(c_hit)),
                       "ranker": float(np.mean(r_hit)), "wins": wins, "losses": losses}
                for z in zs:
                    row[f"auto z={z:g}"] = row["ranker"] if choose(wins, losses, z) else row["combined"]
                rows.append(row)
            part = [r for r in rows if r["task"] == task and r["n"] == n]
            print(f"{task:18s} n={n:3d} " + "  ".join(
                f"{k} {np.mean([r[k] for r in part]):.3f}" for k in part[0] if k not in
                ("task", "half", "n", "wins", "losses")), flush=True)
    keys = [k for k in rows[0] if k not in ("task", "half", "n", "wins", "losses")]
    for h in ("tune", "report"):
        for n in sizes:
            part = [r for r in rows if r["half"] == h and r["n"] == n]
            if not part:
                continue
            # macro over tasks: each task's mean over its draws, then the mean of those
            macro = {k: np.mean([np.mean([r[k] for r in part if r["task"] == t]) for t in {r["task"] for r in part}])
                     for k in keys}
            print(f"half {h} n={n}: " + "  ".join(f"{k} {v:.3f}" for k, v in macro.items()))
    if args.json:
        Path(args.json).write_text(json.dumps(rows, indent=1))


if __name__ == "__main__":
    main()

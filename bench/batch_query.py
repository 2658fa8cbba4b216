"""Batch queries: `progdb query -` / `ProgramDB.query_many` against one query at a time.

    HF_HUB_OFFLINE=1 .venv/bin/python bench/batch_query.py [--db PATH] [--n 600] [--cli 8] [--mix mixed|templated]

Prompts (--mix mixed): the 66 paraphrased requests of bench/dev_prompts.tsv, the first CLINC150
val prompts (out of scope for the seeded library: routed and refused) and templated word requests
("plural of X", "past tense of Y", … over common words), shuffled with a fixed seed, n in all;
--mix templated: the templated requests alone (what a script sends). The database
is a copy of a seeded one (a new one is seeded when --db is not given). Every figure in one run:

1. in process, warm (models loaded, caches filled by one untimed pass): db.query(p) for each
   prompt against list(db.query_many(prompts)); prompts/s of each and the ratio; the answers are
   checked equal.
2. as a user runs it: `progdb query P` as one process per prompt (on --cli prompts) against one
   `progdb query --file F` process over all n; prompts/s and the ratio.
"""
from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CLINC = ROOT.parent / "shared" / "data" / "clinc150" / "clinc150_train_val.json"
WORDS = ("cat", "dog", "house", "city", "child", "mouse", "woman", "leaf", "box", "tree", "go", "run", "eat",
         "see", "swim", "write", "big", "happy", "cold", "fast", "king", "actor", "france", "japan", "kenya")
TEMPLATES = ("plural of {}", "past tense of {}", "opposite of {}", "what is the capital of {}",
             "female of {}", "synonym for {}", "comparative of {}", "{} in french")


def prompts(n: int, mix: str = "mixed") -> list[str]:
    dev = [line.rstrip("\n").split("\t")[1] for line in (ROOT / "bench" / "dev_prompts.tsv").read_text().splitlines()
           if line.strip() and not line.startswith("#")]
    clinc = [text for text, _ in json.loads(CLINC.read_text())["val"]][:n] if CLINC.exists() else []
    words = [t.format(w) for t in TEMPLATES for w in WORDS]
    pool = words if mix == "templated" else dev + clinc[: n // 3] + words
    random.Random(0).shuffle(pool)
    return (pool * (n // len(pool) + 1))[:n]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--db", help="a seeded database to copy (default: seed a new one)")
    ap.add_argument("--n", type=int, default=600)
    ap.add_argument("--cli", type=int, default=8, help="prompts run as one process each")
    ap.add_argument("--mix", choices=("mixed", "templated"), default="mixed",
                    help="mixed: free-text requests, CLINC prompts and templated ones; templated: only "
                    "'plural of X'-style requests (what a script sends)")
    args = ap.parse_args()
    sys.path.insert(0, str(ROOT))
    from progdb.db import ProgramDB

    work = Path(tempfile.mkdtemp(prefix="batch-query-"))
    db_path = work / "db"
    if args.db:
        shutil.copytree(args.db, db_path)
    db = ProgramDB(path=str(db_path))
    asked = prompts(args.n, args.mix)

    def one_at_a_time():
        out = []
        for p in asked:
            try:
                out.append(db.query(p).to_dict())
            except Exception as exc:  # noqa: BLE001 - a failing prompt is an answer too
                out.append(str(exc))
        return out

    def batched():
        return [r.to_dict() if not isinstance(r, Exception) else str(r) for _, r in db.query_many(asked)]

    batched()  # warm: models, rankers, card caches
    t = time.perf_counter()
    single = one_at_a_time()
    t_single = time.perf_counter() - t
    t = time.perf_counter()
    many = batched()
    t_many = time.perf_counter() - t
    same = sum(a == b for a, b in zip(single, many))
    print(f"{args.mix}: in process, {len(asked)} prompts: one at a time {len(asked) / t_single:.1f} prompts/s, "
          f"query_many {len(asked) / t_many:.1f} prompts/s: x{t_single / t_many:.2f} "
          f"({same}/{len(asked)} answers identical)", flush=True)

    exe = str(Path(sys.executable).parent / "progdb")
    env = {**os.environ, "PROGDB_DB": str(db_path)}
    t = time.perf_counter()
    for p in asked[: args.cli]:
        subprocess.run([exe, "query", p], env=env, capture_output=True, check=False)
    per_process = args.cli / (time.perf_counter() - t)
    (work / "prompts.txt").write_text("\n".join(asked) + "\n")
    t = time.perf_counter()
    subprocess.run([exe, "query", "--file", str(work / "prompts.txt")], env=env, capture_output=True, check=False)
    batch_process = len(asked) / (time.perf_counter() - t)
    print(f"as processes: `progdb query P` each {per_process:.2f} prompts/s ({args.cli} prompts), "
          f"`progdb query --file` {batch_process:.1f} prompts/s ({len(asked)} prompts): "
          f"x{batch_process / per_process:.1f}", flush=True)
    shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()

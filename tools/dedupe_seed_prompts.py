"""Drop the built-in library's labelled requests that nearly repeat a prompt of the evaluation set.

    python tools/dedupe_seed_prompts.py [--eval bench/prompts/prompts.jsonl] [--max 0.88]

The two sets were written by different people who saw neither the keys nor each other's set; short
requests still coincide ("plural of mouse"). A training row whose embedding (all-MiniLM-L6-v2)
has a cosine of --max or more with any evaluation prompt is removed from seeds/prompts, so the
evaluation measures requests the router has not learned.
"""
from __future__ import annotations

import argparse
import json
from pathlib import Path

from progdb.db import encoder

ROOT = Path(__file__).resolve().parent.parent


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--eval", default=str(ROOT / "bench" / "prompts" / "prompts.jsonl"))
    ap.add_argument("--max", type=float, default=0.88)
    args = ap.parse_args()
    judged = [json.loads(line)["prompt"] for line in Path(args.eval).read_text(encoding="utf-8").splitlines() if line.strip()]
    judged_vecs = encoder().encode(judged)
    for name in ("paraphrases.jsonl", "out-of-scope.jsonl"):
        path = ROOT / "seeds" / "prompts" / name
        rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
        sims = encoder().encode([r["prompt"] for r in rows]) @ judged_vecs.T
        kept = [r for r, s in zip(rows, sims.max(axis=1)) if s < args.max]
        path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in kept), encoding="utf-8")
        print(f"{name}: kept {len(kept)} of {len(rows)}")


if __name__ == "__main__":
    main()

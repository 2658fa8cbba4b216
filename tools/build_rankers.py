"""Train the word rankers of the seeded vector programs and ship them beside the seeds.

    HF_HUB_OFFLINE=1 OMP_NUM_THREADS=1 python tools/build_rankers.py [--only NAME ...]

--only retrains the named programs and keeps the others' files as they are (the same as a full run
would make them, as it is deterministic).

For every seeds/*.json of kind vector, the ranker that word_ranker.prepare would train when the
program is stored (its bounded sample of at most TRAIN_PAIRS pairs, in the packaged GloVe space) is
trained here, from the seed's own pairs only, and written to seeds/rankers/word-ranker-<digest>.npz
(the digest covers the ranker's version, constants, word space and pairs, as the user cache's files
do). A new database then finds its seeds' rankers ready: seeding trains nothing (antonym and
synonym took 45 s and 67 s of CPU each). Stale files are removed; seeds/rankers/MANIFEST.json
names each file's program and counts. Deterministic: the same seeds, code and word vectors give
the same models (the training time is not stored: it is 0 in these files).
Re-run after changing seeds/*.json or anything in the ranker's digest.
"""
from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")
os.environ.setdefault("HF_HUB_OFFLINE", "1")

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from progdb.ingest.library import load_program_file  # noqa: E402
from progdb.words.ranker import MIN_ITEMS, TRAIN_PAIRS, ProgramRanker, bounded_pairs  # noqa: E402
from progdb.words.space import WordSpace, canonical  # noqa: E402

OUT = ROOT / "seeds" / "rankers"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--only", nargs="+", help="retrain these programs; keep the others' rankers")
    args = ap.parse_args()
    space = WordSpace.load()
    OUT.mkdir(exist_ok=True)
    manifest, keep = {}, set()
    old_manifest = json.loads((OUT / "MANIFEST.json").read_text())["programs"] if args.only else {}
    for path in sorted((ROOT / "seeds").glob("*.json")):
        program = load_program_file(path)
        if program.kind != "vector":
            continue
        if args.only and program.name not in args.only:
            if program.name in old_manifest:
                manifest[program.name] = old_manifest[program.name]
                keep.add(old_manifest[program.name]["file"])
            continue
        sample = bounded_pairs(space, program.pairs(), TRAIN_PAIRS)
        if len({canonical(a) for a, _ in sample}) < MIN_ITEMS:
            continue
        r = ProgramRanker(space, sample, use_cache=False)
        r.train_seconds = 0.0
        name = f"word-ranker-{r.digest()}.npz"
        r._save(OUT / name)
        keep.add(name)
        manifest[program.name] = {"file": name, "pairs": len(r.pairs), "inputs": len(r.inputs),
                                  "choice": r.choice(), "ranker_acc": round(float(r.ranker_hits.mean()), 4),
                                  "combined_acc": round(float(r.combined_hits.mean()), 4)}
        print(program.name, manifest[program.name], file=sys.stderr, flush=True)
    for old in OUT.glob("word-ranker-*.npz"):
        if old.name not in keep:
            old.unlink()
    (OUT / "MANIFEST.json").write_text(json.dumps(
        {"built_by": "tools/build_rankers.py", "from": "seeds/*.json (vector programs), GloVe 6B 50d",
         "programs": manifest}, indent=1) + "\n")


if __name__ == "__main__":
    main()

"""Bulk-import throughput: word pairs/s, and text pairs/s against the raw encoder on the same texts.

    HF_HUB_OFFLINE=1 .venv/bin/python bench/import_speed.py [--words 100000] [--texts 10000] [--server URL]

Word pairs are GloVe words paired with their successor in frequency order (both in the word space,
so the program is a vector program and no sentence is embedded). Text pairs are CLINC150 prompts
(../shared/data) with a rewritten output (fewshot program: every input is embedded and stored as
a record). The encoder's own rate is measured on the same inputs in the same process,
so the ratio is what the import costs on top of embedding (the encoder is timed just before and just
after the import; their mean is the rate). The same rows are imported once more into a new database
with their vectors precomputed: that is what storing costs, and encode / (encode + store) is what a
serial import would reach (`serial_ceiling`). Each import goes into a new database
(embedded in a temporary directory, or a fresh namespace on --server); the re-import of the same
rows (all unchanged) is timed too.
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
import uuid
from pathlib import Path

# The pairs' storing is measured here; the ranker a vector program then learns (bounded, ~100 s at
# 100,000 pairs) is bench/ranker_bound.py's.
os.environ.setdefault("PROGDB_RANKER_AT_WRITE", "0")

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("HF_HUB_OFFLINE", "1")

from progdb.ingest.bulk import Row  # noqa: E402
from progdb.db import ProgramDB, encoder, word_space  # noqa: E402

CLINC = ROOT.parent / "shared" / "data" / "clinc150" / "clinc150_train_val.json"


def word_rows(n: int) -> list[Row]:
    words = [w for w in word_space().words if w.isalpha()][: n + 1]
    return [Row("words.csv", i + 2, "succ", a, b) for i, (a, b) in enumerate(zip(words, words[1:]))]


def text_rows(n: int) -> list[Row]:
    data = json.loads(CLINC.read_text())
    prompts = list(dict.fromkeys(t for split in ("train", "val") for t, _ in data[split]))
    if len(prompts) < n:
        raise SystemExit(f"only {len(prompts)} distinct prompts in {CLINC}")
    return [Row("texts.csv", i + 2, "rewrite", p, f"Please, kindly: {p}") for i, p in enumerate(prompts[:n])]


def open_db(server: str | None) -> ProgramDB:
    if server:
        os.environ["PROGDB_NAMESPACE"] = f"bench-{uuid.uuid4().hex[:8]}"
        return ProgramDB(server=server, seed=False)
    return ProgramDB(path=tempfile.mkdtemp(prefix="progdb-bench-"), seed=False)


def timed_import(db: ProgramDB, rows: list[Row]) -> tuple[float, dict]:
    start = time.perf_counter()
    summary = db.import_pairs(iter(rows))
    return time.perf_counter() - start, summary.to_dict()


def encode_seconds(enc, rows: list[Row]) -> float:
    start = time.perf_counter()
    enc.encode([r.input for r in rows])
    return time.perf_counter() - start


def store_only_seconds(db: ProgramDB, enc, rows: list[Row]) -> float:
    """The same import with every vector already computed (the encoder answers from a dict): what
    the import costs beyond embedding. encode / (encode + this) is the ratio a serial import would
    reach; overlapping the two can beat it only with a core the encoder leaves idle."""
    known = dict(zip([r.input for r in rows], enc.encode([r.input for r in rows])))
    encode = enc.encode
    enc.encode = lambda texts: np.stack([known[t] if t in known else encode([t])[0] for t in texts])  # + the key
    try:
        return timed_import(db, rows)[0]
    finally:
        enc.encode = encode


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--words", type=int, default=100_000)
    ap.add_argument("--texts", type=int, default=10_000)
    ap.add_argument("--server", default=None, help="a chroma server URL instead of an embedded database")
    ap.add_argument("--out", default=str(ROOT / "bench" / "results" / "import_speed.json"))
    args = ap.parse_args()
    results = {"mode": "server" if args.server else "embedded"}

    rows = word_rows(args.words)
    word_space().vector("the")  # the word space loads before timing, as in a warm process
    db = open_db(args.server)
    seconds, summary = timed_import(db, rows)
    again, _ = timed_import(db, rows)
    results["words"] = {"pairs": len(rows), "seconds": round(seconds, 2), "pairs_per_s": round(len(rows) / seconds),
                        "reimport_seconds": round(again, 2), "added": summary["added"]}

    rows = text_rows(args.texts)
    enc = encoder()
    enc.encode([r.input for r in rows[:64]])  # model loaded
    db = open_db(args.server)
    raw_seconds = encode_seconds(enc, rows)
    seconds, summary = timed_import(db, rows)
    raw_seconds = (raw_seconds + encode_seconds(enc, rows)) / 2  # before and after: drift cancels
    raw = len(rows) / raw_seconds
    again, _ = timed_import(db, rows)
    rate = len(rows) / seconds
    store_only = store_only_seconds(open_db(args.server), enc, rows)
    results["texts"] = {"pairs": len(rows), "seconds": round(seconds, 2), "pairs_per_s": round(rate),
                        "encoder_sentences_per_s": round(raw), "ratio_to_encoder": round(rate / raw, 3),
                        "reimport_seconds": round(again, 2), "added": summary["added"],
                        "store_only_seconds": round(store_only, 2),
                        "serial_ceiling": round(raw_seconds / (raw_seconds + store_only), 3)}
    print(json.dumps(results, indent=2))
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(json.dumps(results, indent=2) + "\n")


if __name__ == "__main__":
    main()

"""A fewshot program's nearest examples (its demonstrations) without a filtered scan.

    HF_HUB_OFFLINE=1 .venv/bin/python bench/example_search.py [--total 100000] [--emb PATH]

Stores `--total` real MiniLM embeddings (the corpus bench/store_scale.py embeds and caches in
/tmp/progdb-scale/emb.npy) as example records of programs of 100, 1,000, 2,000 and 50,000 examples
plus one filler program, in one embedded chromadb with progdb's configuration; then, for 100 query
vectors near each program's examples (see near_queries), times Store.nearest_examples(program, v, 20, inputs) — the cheapest of an unfiltered
search with over-fetch, the program's records by id ranked exactly, or the filter — against the
chroma query filtered by `where={"program": …}`, and reports p50/p95 ms and recall@20 against exact
numpy search of the program's own vectors. `--db DIR` keeps the stored examples for a re-run.
"""
from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from progdb.storage.store import Store, example_id  # noqa: E402

SIZES = {"p100": 100, "p1000": 1000, "p2000": 2000, "p10000": 10000, "p50000": 50000}
N = 20


def percentile_ms(times: list[float], q: float) -> float:
    return round(float(np.percentile(times, q)) * 1000, 2)


def near_queries(records: np.ndarray, rng) -> np.ndarray:
    """An input asked of a program resembles its examples: each query is one of its records moved
    to cosine ≈ 0.85 from it (Gaussian noise, renormalised)."""
    noisy = records + rng.normal(0, 0.6 / np.sqrt(records.shape[1]), records.shape)
    return (noisy / np.linalg.norm(noisy, axis=1, keepdims=True)).astype(np.float32)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--total", type=int, default=100_000)
    ap.add_argument("--emb", default="/tmp/progdb-scale/emb.npy")
    ap.add_argument("--queries", type=int, default=100)
    ap.add_argument("--db", default=None, help="a directory to keep the stored examples in (reused if full)")
    args = ap.parse_args()
    emb = np.load(args.emb)[: args.total].astype(np.float32)
    stored = emb[: args.total]
    owner = np.array(["filler"] * len(stored), dtype=object)
    at = 0
    for name, size in SIZES.items():
        owner[at:at + size] = name
        at += size
    texts = [f"text {i}" for i in range(len(stored))]
    store = Store(args.db or tempfile.mkdtemp(prefix="progdb-examples-"))
    start = time.perf_counter()
    if store.cols["examples"].count() != len(stored):
        store._upsert("examples", [example_id(o, t, "x") for o, t in zip(owner, texts)], stored, documents=texts,
                      metadatas=[{"program": o, "output": "x"} for o in owner])
    # the programs' summaries: nearest_examples reads the examples' total from them
    names = [*SIZES, "filler"]
    store._upsert("programs", names, np.ones((len(names), stored.shape[1]), np.float32),
                  metadatas=[{"name": o, "kind": "fewshot", "n_examples": int((owner == o).sum())} for o in names])
    print(f"stored {len(stored):,} examples in {time.perf_counter() - start:.0f} s", file=sys.stderr)
    results = {}
    rng = np.random.default_rng(0)
    for name in SIZES:
        mine = np.flatnonzero(owner == name)
        inputs = [(texts[i], "x") for i in mine]  # the program's pairs
        queries = near_queries(stored[rng.choice(mine, args.queries)], rng)
        rows = {}
        for how, call in (("progdb", lambda v: store.nearest_examples(name, v, N, inputs)),
                          ("filtered", lambda v: store.nearest_examples(name, v, N))):
            times, recall = [], []
            for v in queries:
                t = time.perf_counter()
                hits = call(v)
                times.append(time.perf_counter() - t)
                exact = {texts[i] for i in mine[np.argsort(-(stored[mine] @ v))[:N]]}
                recall.append(len(exact & {h[0] for h in hits}) / N)
            rows[how] = {"p50_ms": percentile_ms(times, 50), "p95_ms": percentile_ms(times, 95),
                         "recall_at_20": round(float(np.mean(recall)), 4)}
        results[name] = {"examples": len(mine), **rows}
        print(name, results[name], file=sys.stderr)
    out = ROOT / "bench" / "results" / "example_search.json"
    out.write_text(json.dumps({"total": len(stored), "results": results}, indent=2) + "\n")
    print("| program's examples (of %s) | progdb p50 / p95 ms | recall@20 | filtered p50 / p95 ms | recall@20 |" % f"{len(stored):,}")
    print("|---:|---:|---:|---:|---:|")
    for r in results.values():
        print(f"| {r['examples']:,} | {r['progdb']['p50_ms']} / {r['progdb']['p95_ms']} | {r['progdb']['recall_at_20']} "
              f"| {r['filtered']['p50_ms']} / {r['filtered']['p95_ms']} | {r['filtered']['recall_at_20']} |")


if __name__ == "__main__":
    main()

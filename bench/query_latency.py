"""Warm in-process query latency on the built-in library, next to one encoder call.

    python bench/query_latency.py [--db PATH] [--repeat 3]

Each prompt of a fixed mix (word requests, text requests, out-of-scope) is asked --repeat times in
one warm process; a fresh KeyLookup each time, so no embedding is reused between runs. The baseline
is one encoder call on one short text, timed in the same process. Reported: p50/p95 per prompt
and the ratio of the p50 to the encoder call, and how many texts a query embeds.
"""
from __future__ import annotations

import argparse
import statistics
import time

from progdb.db import KeyLookup, ProgramDB, encoder

PROMPTS = [
    "plural of cat", "what's the capital of Peru?", "Capital city of Japan please", "wolf -> plural",
    "plurals of cat, dog and mouse", "could you tell me the past tense of run, thanks",
    "synonim for happy", "which state is Denver in", "female lion", "superlative of good",
    "rewrite this like a pirate: where is the nearest train station?",
    "make this formal: hey, can't come tomorrow, sorry",
    "what's the weather tomorrow", "how do I reset my password", "what is venture capital",
]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--db", default=None)
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    db = ProgramDB(path=args.db)
    for p in PROMPTS:  # warm: models, caches, rankers
        db.query(p)
    enc = []
    for i in range(30):
        t = time.perf_counter()
        encoder().encode([f"plural of word{i}"])
        enc.append(time.perf_counter() - t)
    times, texts = [], []
    for _ in range(args.repeat):
        for p in PROMPTS:
            t = time.perf_counter()
            db.query(p, lookup=KeyLookup(db.store))
            times.append(time.perf_counter() - t)
            texts.append(len(set(db.pipeline.reading_texts(p, KeyLookup(db.store)))))  # as prefetch embeds them: once each
    e50 = statistics.median(enc)
    q = sorted(times)
    p50, p95 = statistics.median(q), q[int(0.95 * (len(q) - 1))]
    print(f"one encoder call (one short text): p50 {e50 * 1000:.1f} ms")
    print(f"query: p50 {p50 * 1000:.1f} ms, p95 {p95 * 1000:.1f} ms over {len(q)} queries "
          f"({len(PROMPTS)} prompts x {args.repeat}); p50 = {p50 / e50:.1f}x one encoder call")
    print(f"distinct texts embedded per query: median {statistics.median(texts):.0f}, max {max(texts)}")


if __name__ == "__main__":
    main()

"""Analogy queries/s: gensim KeyedVectors.most_similar vs progdb.word_index, same vectors, same run.

    .venv/bin/python bench/analogy_speed.py [--limit N] [--json] [--sweep]

The Google analogy set (gensim's copy), lower-cased, questions with a word outside the 300k
vocabulary skipped (as evaluate_word_analogies(restrict_vocab=300000) does). 3CosAdd:
answer = the best word for unit(b) - unit(a) + unit(c), a, b and c excluded.

gensim answers one question per call, so it is timed on an evenly spread sample
(--gensim-sample); WordIndex answers every question in batches (--batch). gensim and the
approximate index are timed in 3 interleaved rounds (best round each), so both see the same
background load; exact search in one pass. acc@1 is reported on the gensim sample for all three
and on every question for the two WordIndex paths.

Memory: "scratch" is the peak of Python/numpy allocations (tracemalloc) during one call (one
batch for WordIndex, one question for gensim), above what existed before the call. faiss's own
C++ buffers are not traced; for HNSW search they are a visited table (1 byte per word) and small
heaps per thread. "RSS" is the process's peak resident memory (ru_maxrss) after each stage.
"""
from __future__ import annotations

import argparse
import json
import resource
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from progdb.words import index as word_index  # noqa: E402
from progdb.words.index import WordIndex  # noqa: E402
from progdb.words.space import WordSpace  # noqa: E402

ROUNDS = 3


def load_questions(space: WordSpace) -> tuple[np.ndarray, int]:
    """(questions as rows of word ids a, b, c, d; number skipped for an unknown word)."""
    import gensim

    path = Path(gensim.__file__).parent / "test" / "test_data" / "questions-words.txt"
    rows, skipped = [], 0
    for line in path.read_text(encoding="utf-8").splitlines():
        words = line.lower().split()
        if line.startswith(":") or len(words) != 4:
            continue
        if all(w in space.index for w in words):
            rows.append([space.index[w] for w in words])
        else:
            skipped += 1
    return np.array(rows, dtype=np.int64), skipped


def spread(n: int, m: int) -> np.ndarray:
    """m indices evenly spread over range(n), so every section of the set is represented."""
    return np.unique(np.linspace(0, n - 1, min(n, m)).astype(np.int64))


def rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux: KiB


def scratch_mb(fn) -> float:
    tracemalloc.start()
    base = tracemalloc.get_traced_memory()[0]
    fn()
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return (peak - base) / 2**20


def run_index(index: WordIndex, queries, excl, batch, exact) -> tuple[np.ndarray, float]:
    """Top-1 for every query, in batches of `batch`: (answers, queries/s)."""
    index.search(queries[:64], 1, excl[:64], exact=exact)  # warm-up
    t = time.perf_counter()
    answers = np.concatenate([index.search(queries[i:i + batch], 1, excl[i:i + batch], exact=exact)[0][:, 0]
                              for i in range(0, len(queries), batch)])
    return answers, len(queries) / (time.perf_counter() - t)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--limit", type=int, help="use N questions, evenly spread over the set")
    ap.add_argument("--gensim-sample", type=int, default=1000, help="questions timed with gensim (default 1000)")
    ap.add_argument("--batch", type=int, default=1024, help="WordIndex queries per call (default 1024)")
    ap.add_argument("--sweep", action="store_true", help="also time a range of HNSW efSearch values")
    ap.add_argument("--json", action="store_true", help="print a JSON object instead of the table")
    args = ap.parse_args(argv)

    from gensim.models import KeyedVectors

    space = WordSpace.load()
    qs, skipped = load_questions(space)
    if args.limit:
        qs = qs[spread(len(qs), args.limit)]
    words, m = space.words, space.matrix
    queries = m[qs[:, 1]] - m[qs[:, 0]] + m[qs[:, 2]]  # rows are unit already
    excl = [set(r) for r in qs[:, :3].tolist()]
    sample = spread(len(qs), args.gensim_sample)
    out = {"questions": len(qs), "skipped_oov": skipped, "gensim_sample": len(sample), "batch": args.batch,
           "threads": word_index._threads(), "vocabulary": len(words), "dim": space.dim}

    # gensim on identical vectors
    kv = KeyedVectors(space.dim, dtype=np.float32)
    kv.add_vectors(words, m)
    kv.fill_norms()

    def ask(q):
        return kv.most_similar(positive=[words[q[1]], words[q[2]]], negative=[words[q[0]]],
                               topn=1, restrict_vocab=len(words))[0][0]

    # the index: a cold build into a fresh cache dir, then a load from it
    with tempfile.TemporaryDirectory() as tmp:
        t = time.perf_counter()
        WordIndex.for_space(space, cache_dir=tmp)
        out["index"] = {"type": f"faiss IndexHNSWFlat(M={word_index.HNSW_M}, inner product)",
                        "ef_construction": word_index.EF_CONSTRUCTION, "ef_search": word_index.EF_SEARCH,
                        "build_s": time.perf_counter() - t,
                        "file_mb": sum(f.stat().st_size for f in Path(tmp).iterdir()) / 2**20}
        t = time.perf_counter()
        index = WordIndex.for_space(space, cache_dir=tmp)
        out["index"]["load_s"] = time.perf_counter() - t
    out["index"]["rss_mb"] = rss_mb()

    # Timing in interleaved rounds (a third of the gensim sample, then one approximate pass over
    # every question), best round of each: both then see the same background load.
    ask(qs[0])
    g_answers, g_best, a_best = np.empty(len(sample), np.int64), 0.0, 0.0
    for part in np.array_split(np.arange(len(sample)), ROUNDS):
        t = time.perf_counter()
        g_answers[part] = [space.index[ask(q)] for q in qs[sample[part]]]
        g_best = max(g_best, len(part) / (time.perf_counter() - t))
        approx_answers, qps = run_index(index, queries, excl, args.batch, exact=False)
        a_best = max(a_best, qps)
    exact_answers, e_qps = run_index(index, queries, excl, args.batch, exact=True)
    out["gensim"] = {"qps": g_best, "acc1_sample": float(np.mean(g_answers == qs[sample, 3])),
                     "scratch_mb": scratch_mb(lambda: ask(qs[0])), "rss_mb": rss_mb()}
    for name, exact, answers, qps in (("exact", True, exact_answers, e_qps),
                                      ("approx", False, approx_answers, a_best)):
        out[name] = {"qps": qps, "x_gensim": qps / g_best,
                     "acc1": float(np.mean(answers == qs[:, 3])),
                     "acc1_sample": float(np.mean(answers[sample] == qs[sample, 3])),
                     "top1_agrees_with_exact": float(np.mean(answers == exact_answers)),
                     "scratch_mb": scratch_mb(lambda: index.search(queries[:args.batch], 1,
                                                                   excl[:args.batch], exact=exact)),
                     "rss_mb": rss_mb()}
    out["exact"]["agrees_with_gensim_sample"] = float(np.mean(exact_answers[sample] == g_answers))
    out["approx"]["acc1_drop_points"] = 100 * (out["exact"]["acc1"] - out["approx"]["acc1"])

    if args.sweep:  # each setting with its own gensim round, so each ratio is of the same moment
        out["sweep"] = []
        part = qs[sample[::ROUNDS]]
        for ef in (16, 24, 32, 48, 64, 96, 128):
            index.index.hnsw.efSearch = ef
            t = time.perf_counter()
            for q in part:
                ask(q)
            g_qps = len(part) / (time.perf_counter() - t)
            answers, qps = run_index(index, queries, excl, args.batch, exact=False)
            out["sweep"].append({"ef_search": ef, "qps": qps, "x_gensim": qps / g_qps,
                                 "acc1": float(np.mean(answers == qs[:, 3])),
                                 "top1_agrees_with_exact": float(np.mean(answers == exact_answers))})
        index.index.hnsw.efSearch = word_index.EF_SEARCH

    if args.json:
        print(json.dumps(out, indent=2))
    else:
        print_table(out)
    return 0


def print_table(o: dict) -> None:
    ix = o["index"]
    print(f"{o['questions']:,} Google analogy questions ({o['skipped_oov']} skipped: a word outside the "
          f"{o['vocabulary']:,}-word vocabulary), GloVe {o['dim']}d; gensim timed on {o['gensim_sample']:,} "
          f"of them; WordIndex batches of {o['batch']}, {o['threads']} threads\n")
    print("| method | queries/s | × gensim | acc@1 (all) | acc@1 (gensim sample) | top-1 = exact | scratch MB |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    g = o["gensim"]
    print(f"| gensim most_similar | {g['qps']:,.0f} | 1.0 | – | {100 * g['acc1_sample']:.2f} | "
          f"{100 * o['exact']['agrees_with_gensim_sample']:.2f} | {g['scratch_mb']:.1f} |")
    for name, label in (("exact", "WordIndex exact (numpy)"), ("approx", "WordIndex approximate (faiss)")):
        r = o[name]
        print(f"| {label} | {r['qps']:,.0f} | {r['x_gensim']:.1f} | {100 * r['acc1']:.2f} | "
              f"{100 * r['acc1_sample']:.2f} | {100 * r['top1_agrees_with_exact']:.2f} | {r['scratch_mb']:.1f} |")
    print(f"\nindex: {ix['type']}, efConstruction {ix['ef_construction']}, efSearch {ix['ef_search']}; "
          f"build {ix['build_s']:.1f} s, load from cache {ix['load_s']:.2f} s, file {ix['file_mb']:.1f} MB")
    print(f"acc@1 drop vs exact: {o['approx']['acc1_drop_points']:.2f} points; peak RSS "
          f"{o['approx']['rss_mb']:,.0f} MB (process, gensim's copy of the vectors included)")
    for row in o.get("sweep", []):
        print(f"  efSearch {row['ef_search']:>3}: {row['qps']:>9,.0f} q/s ({row['x_gensim']:.0f}× gensim), "
              f"acc@1 {100 * row['acc1']:.2f}, top-1 = exact {100 * row['top1_agrees_with_exact']:.2f}%")


if __name__ == "__main__":
    sys.exit(main())

"""How progdb's chromadb store scales: insert rate, disk size, warm query latency and recall@10.

For each size N (e.g. 10k, 100k, 1M records) and each mode (embedded PersistentClient, or a
`chroma run` server this script starts on 127.0.0.1 and stops), it:
  1. stores N records into a keys collection through progdb's Store (same HNSW configuration as
     progdb: cosine, M=32, ef_construction=200; metadata {"program", "key"} per record; upserts in
     batches of the client's maximum) and times it; then measures the database's size on disk;
  2. for each ef_search value (set after creation with collection.modify(configuration=
     {"hnsw": {"ef_search": ef}}), then the client or server reopened: chromadb 1.5.9 applies the
     new value only when it loads the index again), runs each held-out query one at a time, warm:
     top-10 and top-50 with include=["metadatas","distances"] (what nearest_keys / route() ask),
     top-10 with include=[] and ["distances"] (what the metadata costs), and progdb's own
     Store.nearest_keys (which also calls count() each time); recall@10 against exact search;
  3. times a where={"program": X} filtered top-10 for a program owning 1% and one owning 50% of
     the records (the filtered-scan cost), with its recall against exact search in that subset;
  4. times exact numpy search (brute-force cosine) on the same matrix, one query and batched.

Vectors. Real 384-d all-MiniLM-L6-v2 embeddings (progdb's encoder) of ~110k distinct short texts:
CLINC150 prompts, SNIPS utterances, function_vectors inputs/outputs, then GloVe vocabulary words to
fill up; embedded once and cached in --cache. Queries are 200 CLINC val prompts not stored. N up to
the corpus size is a random sample of it; beyond it, the whole corpus plus perturbed copies
(origin + Gaussian noise, renormalised to cos --copy-cos with the origin). `--space glove50` uses
the 400k GloVe 6B 50d word vectors instead (queries: 200 held-out words), for a cheaper 1M run.

Each (N, mode) runs in a child process (bounded memory, no shared cache); results are merged into
--out (JSON) and printed as a markdown table. Run from the repository root:

    HF_HUB_OFFLINE=1 .venv/bin/python bench/store_scale.py --prepare      # ~9 min, once
    HF_HUB_OFFLINE=1 .venv/bin/python bench/store_scale.py --sizes 10000,100000 \
        --mode embedded,server --ef 100,200,400,800                        # ~20 min
    HF_HUB_OFFLINE=1 .venv/bin/python bench/store_scale.py --sizes 1000000 --mode embedded \
        --ef 100,200,400,800 --max-insert-min 40                           # ~40 min

1M records hold the 110k real vectors plus 890k perturbed copies (cos 0.85 to their origin, ~0.72
to each other; the real corpus' median nearest-neighbour cos is 0.81). The machine is shared:
every query timing is the median over --repeat passes of 200 queries.
"""
from __future__ import annotations

import argparse
import glob
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
DATA = ROOT.parent / "shared" / "data"
N_QUERIES = 200
SEED = 0


# -- corpus ---------------------------------------------------------------------------------
def _read_json(path: str):
    raw = Path(path).read_bytes()
    try:
        return json.loads(raw.decode("utf-8"))
    except UnicodeDecodeError:  # some SNIPS files are Latin-1
        return json.loads(raw.decode("latin-1"))


def corpus_texts(target: int) -> tuple[list[str], list[str]]:
    """(stored texts, query texts): distinct short texts, queries never among the stored."""
    clinc = _read_json(str(DATA / "clinc150" / "clinc150_train_val.json"))
    val = list(dict.fromkeys(t for t, _ in clinc["val"]))
    queries = val[:: len(val) // N_QUERIES][:N_QUERIES]
    held_out = set(queries)
    sentences = [t for t, _ in clinc["train"] + clinc["oos_train"] + clinc["val"] + clinc["oos_val"]]
    for path in sorted(glob.glob(str(DATA / "snips" / "*" / "*.json"))):
        for intent, rows in _read_json(path).items():
            sentences += ["".join(part["text"] for part in row["data"]).strip() for row in rows]
    for path in sorted(glob.glob(str(DATA / "function_vectors" / "*" / "*.json"))):
        for row in _read_json(path):
            sentences += [str(row["input"]), str(row["output"])]
    stored = [t for t in dict.fromkeys(s for s in sentences if s.strip()) if t not in held_out]
    seen = set(stored) | held_out
    for word in _glove_words():
        if len(stored) >= target:
            break
        if word not in seen:
            seen.add(word)
            stored.append(word)
    return stored, queries


def _glove_words() -> list[str]:
    from progdb.words.space import _default_files, _read_vocabulary

    return _read_vocabulary(_default_files()[1])


def prepare_real(cache: Path, target: int) -> None:
    """Embed the corpus once with progdb's encoder; cache vectors and texts."""
    if (cache / "emb.npy").exists():
        print(f"{cache / 'emb.npy'} exists")
        return
    from progdb.db import encoder

    stored, queries = corpus_texts(target)
    enc = encoder()
    t0, chunks = time.perf_counter(), []
    for i in range(0, len(stored), 5000):
        chunks.append(enc.encode(stored[i:i + 5000]))
        print(f"  embedded {i + len(chunks[-1]):,}/{len(stored):,} "
              f"({(i + len(chunks[-1])) / (time.perf_counter() - t0):.0f}/s)", flush=True)
    cache.mkdir(parents=True, exist_ok=True)
    np.save(cache / "queries.npy", enc.encode(queries))
    (cache / "texts.json").write_text(json.dumps({"stored": stored, "queries": queries}))
    np.save(cache / "emb.npy", np.concatenate(chunks))  # last: its presence means all is there
    print(f"embedded {len(stored):,} texts in {time.perf_counter() - t0:.0f} s ({enc.backend})")


def load_space(cache: Path, space: str) -> tuple[np.ndarray, list[str], np.ndarray]:
    """(stored vectors, their texts, query vectors), all unit-normalised float32."""
    if space == "minilm384":
        texts = json.loads((cache / "texts.json").read_text())
        return np.load(cache / "emb.npy"), texts["stored"], np.load(cache / "queries.npy")
    from progdb.words.space import WordSpace

    ws = WordSpace.load(vocab_limit=10**7)
    rng = np.random.default_rng(SEED)
    held = set(rng.choice(np.arange(1000, len(ws.words)), N_QUERIES, replace=False).tolist())
    keep = np.array([i for i in range(len(ws.words)) if i not in held])
    return ws.matrix[keep], [ws.words[i] for i in keep], ws.matrix[sorted(held)]


def perturbed(origins: np.ndarray, cos: float, rng) -> np.ndarray:
    """Unit vectors at about `cos` to their origin: origin + isotropic noise, renormalised.
    With noise g ~ N(0, s²I_d), cos ≈ 1/sqrt(1 + d s²); two copies of one origin ≈ cos²."""
    d = origins.shape[1]
    sigma = np.sqrt((1.0 / cos**2 - 1.0) / d)
    out = origins + rng.normal(0.0, sigma, origins.shape).astype(np.float32)
    return out / np.linalg.norm(out, axis=1, keepdims=True)


def dataset(cache: Path, space: str, n: int, copy_cos: float):
    """N stored vectors with their key texts, and the query vectors."""
    base, texts, queries = load_space(cache, space)
    rng = np.random.default_rng(SEED)
    if n <= len(base):
        rows = np.sort(rng.choice(len(base), n, replace=False))
        return base[rows], [texts[i] for i in rows], queries
    parts, keys = [base], list(texts)
    while len(keys) < n:
        take = min(len(base), n - len(keys))
        parts.append(perturbed(base[:take], copy_cos, rng))
        copy = len(parts) - 1
        keys += [f"{t} ~{copy}" for t in texts[:take]]
    return np.concatenate(parts), keys, queries


def programs(n: int) -> np.ndarray:
    """A program name per record: 50% 'prog-half', 1% 'prog-1pct', the rest 8 keys per program."""
    order = np.random.default_rng(SEED + 1).permutation(n)
    names = np.empty(n, dtype=object)
    half, pct = n // 2, max(1, n // 100)
    names[order[:half]] = "prog-half"
    names[order[half:half + pct]] = "prog-1pct"
    rest = order[half + pct:]
    names[rest] = [f"p{i // 8:06d}" for i in range(len(rest))]
    return names


# -- measurements ---------------------------------------------------------------------------
def exact_topk(matrix: np.ndarray, queries: np.ndarray, k: int, chunk: int = 50) -> np.ndarray:
    """Row indices of the k nearest stored vectors per query (cosine = dot on unit vectors)."""
    out = []
    for i in range(0, len(queries), chunk):
        sims = queries[i:i + chunk] @ matrix.T
        part = np.argpartition(-sims, k, axis=1)[:, :k]
        order = np.argsort(-np.take_along_axis(sims, part, axis=1), axis=1)
        out.append(np.take_along_axis(part, order, axis=1))
    return np.concatenate(out)


def numpy_latency(matrix: np.ndarray, queries: np.ndarray, repeat: int) -> dict:
    """Exact search timings: one query at a time (p50/p95 of each pass, median over passes)
    and all queries batched (ms per query, median over passes)."""
    singles, batched = [], []
    for _ in range(repeat):
        lat = []
        for q in queries:
            t0 = time.perf_counter()
            exact_topk(matrix, q[None, :], 10)
            lat.append(time.perf_counter() - t0)
        singles.append(_stats(lat))
        t0 = time.perf_counter()
        exact_topk(matrix, queries, 10)
        batched.append((time.perf_counter() - t0) / len(queries))
    return {"p50_ms": float(np.median([p["p50_ms"] for p in singles])),
            "p95_ms": float(np.median([p["p95_ms"] for p in singles])),
            "batched_ms_per_query": float(np.median(batched)) * 1e3, "passes": repeat}


def _stats(seconds: list[float]) -> dict:
    ms = np.asarray(seconds) * 1e3
    return {"p50_ms": float(np.median(ms)), "p95_ms": float(np.percentile(ms, 95)),
            "mean_ms": float(ms.mean()), "n": len(ms)}


def recall(found: list[list[int]], truth: np.ndarray, matrix: np.ndarray, queries: np.ndarray,
           k: int = 10) -> float:
    """recall@k against exact search, tie-aware: a hit counts if it is as near as the exact k-th
    neighbour (the corpus has identical vectors, e.g. "Paris"/"paris" for an uncased encoder)."""
    scores = []
    for f, t, q in zip(found, truth, queries):
        kth = float(matrix[t[k - 1]] @ q)
        sims = matrix[np.asarray(f[:k], dtype=int)] @ q if f else np.zeros(0)
        scores.append(min(k, int((sims >= kth - 1e-5).sum())) / k)
    return float(np.mean(scores))


def timed_queries(col, queries, n_results: int, include: list, where=None, budget_s: float = 1e9):
    """Run the queries one at a time; (latencies in s, row indices found per query)."""
    lat, found, start = [], [], time.perf_counter()
    for q in queries:
        t0 = time.perf_counter()
        res = col.query(query_embeddings=q[None, :], n_results=n_results, include=include, where=where)
        lat.append(time.perf_counter() - t0)
        found.append([int(i.rsplit("/", 1)[1]) for i in res["ids"][0]])
        if time.perf_counter() - start > budget_s:
            break
    return lat, found


class RustTimer:
    """Wraps the embedded client's Rust bindings to time the query call inside chromadb's Rust
    (everything else in collection.query is Python: validation, result conversion)."""

    def __init__(self, bindings):
        self._b, self.seconds = bindings, []

    def __getattr__(self, name):
        return getattr(self._b, name)

    def query(self, *args, **kwargs):
        t0 = time.perf_counter()
        try:
            return self._b.query(*args, **kwargs)
        finally:
            self.seconds.append(time.perf_counter() - t0)


class Session:
    """progdb's Store on an embedded directory or on a `chroma run` server this script starts.

    chromadb 1.5.9 keeps a loaded HNSW index in memory with the ef_search it was loaded with:
    collection.modify(configuration={"hnsw": {"ef_search": ef}}) is stored, but queries keep the
    old value until the index is loaded again (a new process, a new embedded client after
    clear_system_cache(), or a server restart). So set_ef() modifies, then reopens."""

    def __init__(self, mode: str, path: str):
        self.mode, self.path, self.proc, self.rust_timer = mode, path, None, None
        self.open()

    def open(self) -> None:
        from progdb.storage.store import Store

        if self.mode == "server":
            self.proc, url = start_server(self.path, Path(self.path + ".log"))
            self.store = Store(server=url, namespace="scale")
        else:
            self.store = Store(path=self.path, namespace="scale")
            api = self.store.client._server
            self.rust_timer = api.bindings = RustTimer(api.bindings)

    def close(self) -> None:
        if self.proc is not None:
            stop_server(self.proc)
            self.proc = None
        else:
            from chromadb.api.client import SharedSystemClient

            self.store = None
            SharedSystemClient.clear_system_cache()

    def set_ef(self, ef: int) -> dict:
        """Set ef_search, reopen, and time the first query (it loads the index)."""
        self.store.cols["keys"].modify(configuration={"hnsw": {"ef_search": ef}})
        t0 = time.perf_counter()
        self.close()
        self.open()
        reopen = time.perf_counter() - t0
        col = self.store.cols["keys"]
        t0 = time.perf_counter()
        col.query(query_embeddings=np.zeros((1, col_dim(col)), np.float32) + 0.05, n_results=10, include=[])
        first = time.perf_counter() - t0
        return {"configuration_ef_search": (col.configuration_json or {}).get("hnsw", {}).get("ef_search"),
                "reopen_s": reopen, "first_query_s": first}

    @property
    def col(self):
        return self.store.cols["keys"]


def col_dim(col) -> int:
    return len(col.get(limit=1, include=["embeddings"])["embeddings"][0])


def repeated(col, queries, k: int, include: list, repeat: int, timer):
    """`repeat` passes over the queries; stats = median over passes of each pass's p50/p95
    (the machine is shared: a single pass can be perturbed); the ids found in the last pass."""
    passes = []
    for _ in range(repeat):
        if timer is not None:
            timer.seconds.clear()
        lat, found = timed_queries(col, queries, k, include)
        stats = _stats(lat)
        if timer is not None:
            stats["rust_p50_ms"] = float(np.median(timer.seconds) * 1e3)
        passes.append(stats)
    out = {key: float(np.median([p[key] for p in passes])) for key in passes[0] if key != "n"}
    return {**out, "n": len(queries), "passes": repeat, "p50_ms_per_pass": [p["p50_ms"] for p in passes]}, found


def sweep_ef(session: Session, matrix, queries, truth10, ef_values, repeat: int) -> list[dict]:
    """Per ef_search: latency of the query shapes progdb uses, and recall@10."""
    rows = []
    for ef in ef_values:
        row = {"ef_search": ef, **session.set_ef(ef)}
        col, timer = session.col, session.rust_timer
        timed_queries(col, queries[:50], 10, ["metadatas", "distances"])  # warm-up
        for label, k, include in (("top10", 10, ["metadatas", "distances"]),
                                  ("top50", 50, ["metadatas", "distances"]),
                                  ("top10_ids_only", 10, []),
                                  ("top10_distances", 10, ["distances"])):
            row[label], found = repeated(col, queries, k, include, repeat, timer)
            if label == "top10":
                row["recall_at_10"] = recall(found, truth10, matrix, queries)
                row["recall_at_10_same_ids"] = float(np.mean(
                    [len(set(f) & set(t.tolist())) / 10 for f, t in zip(found, truth10)]))
            if label == "top50":
                row["recall_at_10_of_top50"] = recall(found, truth10, matrix, queries)
        lat = []
        for _ in range(repeat):
            for q in queries:
                t0 = time.perf_counter()
                session.store.nearest_keys(q[None, :], 10)
                lat.append(time.perf_counter() - t0)
        row["nearest_keys_top10"] = _stats(lat)
        rows.append(row)
        print(f"    ef={ef}: recall@10 {row['recall_at_10']:.4f}  top10 p50 {row['top10']['p50_ms']:.2f} ms"
              f"  top50 p50 {row['top50']['p50_ms']:.2f} ms  ids-only p50 {row['top10_ids_only']['p50_ms']:.2f}"
              f" ms  (configuration ef_search={row['configuration_ef_search']}, reopen {row['reopen_s']:.1f} s,"
              f" first query {row['first_query_s']:.2f} s)", flush=True)
    return rows


def filtered(col, matrix, names, queries, budget_s: float) -> dict:
    """where={"program": X} top-10 latency and recall within X's records."""
    out = {}
    for program in ("prog-1pct", "prog-half"):
        rows = np.flatnonzero(names == program)
        truth = rows[exact_topk(matrix[rows], queries, 10)]
        timed_queries(col, queries[:3], 10, ["metadatas", "distances"], where={"program": program})
        lat, found = timed_queries(col, queries, 10, ["metadatas", "distances"],
                                   where={"program": program}, budget_s=budget_s)
        out[program] = {"records": int(len(rows)), **_stats(lat),
                        "recall_at_10": recall(found, truth, matrix, queries)}
        print(f"    where program={program} ({len(rows):,} records): p50 {out[program]['p50_ms']:.1f} ms,"
              f" recall@10 {out[program]['recall_at_10']:.3f} over {len(lat)} queries", flush=True)
    return out


def dir_size(path: str) -> int:
    return sum(p.stat().st_size for p in Path(path).rglob("*") if p.is_file())


# -- one case: N records, one mode ------------------------------------------------------------
def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(path: str, log: Path) -> tuple[subprocess.Popen, str]:
    port = free_port()
    chroma = str(Path(sys.executable).parent / "chroma")
    proc = subprocess.Popen([chroma, "run", "--path", path, "--host", "127.0.0.1", "--port", str(port)],
                            stdout=open(log, "w"), stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    import urllib.request

    for _ in range(600):
        try:
            urllib.request.urlopen(f"{url}/api/v2/heartbeat", timeout=1)
            return proc, url
        except OSError:
            if proc.poll() is not None:
                raise RuntimeError(f"chroma run exited: see {log}")
            time.sleep(0.1)
    proc.terminate()
    raise RuntimeError("chroma run did not answer within 60 s")


def stop_server(proc: subprocess.Popen) -> None:
    proc.terminate()
    try:
        proc.wait(timeout=30)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


def insert(store, vectors, keys, names, max_seconds: float) -> dict:
    """Upsert the records through Store._upsert (batches of the client's maximum), in order,
    stopping after max_seconds: "stored" says how many went in."""
    ids = [f"{p}/k/{i}" for i, p in enumerate(names)]
    metas = [{"program": p, "key": k} for p, k in zip(names, keys)]
    step = store.batch * 10
    t0, marks = time.perf_counter(), []
    for i in range(0, len(ids), step):
        s = slice(i, i + step)
        store._upsert("keys", ids[s], vectors[s], metadatas=metas[s])
        marks.append((min(i + step, len(ids)), time.perf_counter() - t0))
        print(f"    stored {marks[-1][0]:,} ({marks[-1][0] / marks[-1][1]:.0f}/s)", flush=True)
        if marks[-1][1] > max_seconds and marks[-1][0] < len(ids):
            print(f"    insertion stopped after {max_seconds / 60:.0f} min", flush=True)
            break
    total, stored = marks[-1][1], marks[-1][0]
    last_n = marks[-1][0] - (marks[-2][0] if len(marks) > 1 else 0)
    last_t = total - (marks[-2][1] if len(marks) > 1 else 0)
    return {"stored": stored, "complete": stored == len(ids), "seconds": total,
            "records_per_s": stored / total, "batch": store.batch,
            "last_chunk_records_per_s": last_n / last_t, "marks": marks}


def run_case(args, n: int, mode: str) -> dict:
    from progdb.storage.store import HNSW

    vectors, keys, queries = dataset(args.cache, args.space, n, args.copy_cos)
    names = programs(n)
    work = tempfile.mkdtemp(prefix=f"scale-{n}-{mode}-", dir=args.cache)
    session = None
    try:
        session = Session(mode, work)
        print(f"  {mode}, {n:,} records ({args.space}, {vectors.shape[1]}-d)", flush=True)
        result = {"n": n, "mode": mode, "space": args.space, "dim": int(vectors.shape[1]), "hnsw": HNSW,
                  "insert": insert(session.store, vectors, keys, names, args.max_insert_min * 60)}
        stored = result["insert"]["stored"]  # all of them, unless the insertion was cut short
        vectors, names = vectors[:stored], names[:stored]
        truth10 = exact_topk(vectors, queries, 10)
        result["count"] = session.col.count()
        t0 = time.perf_counter()
        session.col.query(query_embeddings=queries[:1], n_results=10, include=["metadatas", "distances"])
        result["first_query_after_insert_s"] = time.perf_counter() - t0
        result["disk_bytes_after_insert"] = dir_size(work)
        result["ef_sweep"] = sweep_ef(session, vectors, queries, truth10, args.ef, args.repeat)
        result["filtered_ef_search"] = HNSW["ef_search"]
        session.set_ef(HNSW["ef_search"])
        result["filtered"] = filtered(session.col, vectors, names, queries, args.filter_budget)
        lat = []
        for _ in range(50):  # nearest_keys calls count() before every query
            t0 = time.perf_counter()
            session.col.count()
            lat.append(time.perf_counter() - t0)
        result["count_call"] = _stats(lat)
        if mode == "server":
            lat = []
            for _ in range(100):
                t0 = time.perf_counter()
                session.store.client.heartbeat()
                lat.append(time.perf_counter() - t0)
            result["http_heartbeat"] = _stats(lat)
        session.close()
        session = None
        result["disk_bytes"] = dir_size(work)
        result["numpy_exact"] = numpy_latency(vectors, queries, args.repeat)
        return result
    finally:
        if session is not None:
            session.close()
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)


# -- report ---------------------------------------------------------------------------------
def table(results: list[dict]) -> str:
    head = ("| N | space | mode | insert rec/s | disk MB | ef_search | top-10 p50/p95 ms | top-50 p50/p95 ms "
            "| ids-only p50 ms | rust p50 ms | nearest_keys p50 ms | recall@10 |")
    lines = [head, "|" + "---|" * (head.count("|") - 1)]
    for r in results:
        for i, s in enumerate(r["ef_sweep"]):
            first = i == 0
            lines.append(
                f"| {r['insert']['stored']:,} | {r['space']} | {r['mode']} | "
                f"{r['insert']['records_per_s']:.0f} | {r['disk_bytes'] / 2**20:.0f} | " if first else "| | | | | | "
            )
            rust = s["top10"].get("rust_p50_ms")
            lines[-1] += (f"{s['ef_search']} | {s['top10']['p50_ms']:.2f} / {s['top10']['p95_ms']:.2f} | "
                          f"{s['top50']['p50_ms']:.2f} / {s['top50']['p95_ms']:.2f} | "
                          f"{s['top10_ids_only']['p50_ms']:.2f} | {'' if rust is None else f'{rust:.2f}'} | "
                          f"{s['nearest_keys_top10']['p50_ms']:.2f} | {s['recall_at_10']:.4f} |")
    lines += ["", "| N | space | mode | numpy exact 1 query p50 ms | numpy batched ms/query | "
              "where 1% p50 ms (recall) | where 50% p50 ms (recall) |", "|---|---|---|---|---|---|---|"]
    for r in results:
        f1, f50 = r["filtered"]["prog-1pct"], r["filtered"]["prog-half"]
        lines.append(f"| {r['insert']['stored']:,} | {r['space']} | {r['mode']} | {r['numpy_exact']['p50_ms']:.2f} | "
                     f"{r['numpy_exact']['batched_ms_per_query']:.3f} | {f1['p50_ms']:.1f} ({f1['recall_at_10']:.3f}) | "
                     f"{f50['p50_ms']:.1f} ({f50['recall_at_10']:.3f}) |")
    return "\n".join(lines)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes", default="10000,100000,1000000")
    ap.add_argument("--mode", default="embedded,server")
    ap.add_argument("--ef", default="100,200,400,800")
    ap.add_argument("--space", default="minilm384", choices=("minilm384", "glove50"))
    ap.add_argument("--copy-cos", type=float, default=0.85,
                    help="cos of a perturbed copy to its origin (only for N above the corpus size)")
    ap.add_argument("--corpus", type=int, default=110_000, help="texts to embed (--prepare)")
    ap.add_argument("--cache", type=Path, default=Path("/tmp/progdb-scale"))
    ap.add_argument("--out", type=Path, default=ROOT / "bench" / "results" / "store_scale.json")
    ap.add_argument("--filter-budget", type=float, default=60.0, help="seconds per filtered-query run")
    ap.add_argument("--repeat", type=int, default=3, help="timed passes over the queries per setting")
    ap.add_argument("--max-insert-min", type=float, default=45.0,
                    help="stop inserting after this many minutes and measure what is stored")
    ap.add_argument("--budget-min", type=float, default=60.0, help="start no new case after this")
    ap.add_argument("--prepare", action="store_true", help="only embed the corpus (cached)")
    ap.add_argument("--keep", action="store_true", help="keep the chroma directories")
    ap.add_argument("--case", help=argparse.SUPPRESS)  # "N:mode", run in a child process
    args = ap.parse_args()
    args.ef = [int(x) for x in args.ef.split(",")]
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")
    args.cache.mkdir(parents=True, exist_ok=True)
    if args.space == "minilm384":
        prepare_real(args.cache, args.corpus)
    if args.prepare:
        return
    if args.case:
        n, mode = args.case.split(":")
        out = args.cache / f"case-{args.space}-{n}-{mode}.json"
        out.write_text(json.dumps(run_case(args, int(n), mode)))
        return
    start, results = time.perf_counter(), []
    for n in [int(x) for x in args.sizes.split(",")]:
        for mode in args.mode.split(","):
            if time.perf_counter() - start > args.budget_min * 60:
                print(f"budget of {args.budget_min} min spent: skipping {n:,} {mode}")
                continue
            child = [sys.executable, __file__, *sys.argv[1:], "--case", f"{n}:{mode}"]
            if subprocess.run(child).returncode == 0:
                results.append(json.loads((args.cache / f"case-{args.space}-{n}-{mode}.json").read_text()))
    merge(args.out, results)
    print(table(results))


def merge(path: Path, results: list[dict]) -> None:
    """Add these results to the JSON file, replacing earlier ones for the same (space, N, mode)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    old = json.loads(path.read_text())["results"] if path.exists() else []
    key = lambda r: (r["space"], r["n"], r["mode"])  # noqa: E731
    new = {key(r) for r in results}
    merged = sorted([r for r in old if key(r) not in new] + results, key=key)
    path.write_text(json.dumps({"machine": f"{os.cpu_count()} cores", "results": merged}, indent=1))


if __name__ == "__main__":
    main()

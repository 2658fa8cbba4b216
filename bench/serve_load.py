"""progdb serve under load: warm query latency over HTTP (1 and 8 clients) beside db.query in
process, a batch's prompts/s over HTTP beside db.query_many, then 8 clients querying while another
imports 50,000 pairs.

    HF_HUB_OFFLINE=1 .venv/bin/python bench/serve_load.py [--db PATH] [--pairs 50000] [--text-share 0.2]
                                                        [--clients 8] [--requests 40] [--batch 256]
                                                        [--batch-runs 3] [--json OUT]

--pairs 0 skips the load (3), so the latency and batch figures can be re-run alone.

The database is a copy of a seeded one (a new one is seeded when --db is not given). Every figure
in one run, in this order:

1. in process, warm (one untimed pass), in a new process as the server is: db.query(p), --requests
   times each, for three prompts: a word prompt (a vector program), a prompt for a fewshot program
   (no LLM: the answer is its compiled few-shot prompt) and one no program serves ("none"); p50
   and p95 in ms. Measured again the same way after the server stopped (4).
2. `progdb serve` started on the copy (a subprocess, loopback, a free port), warmed the same way:
   POST /api/query with the same prompts, first from 1 client (--requests each), then from
   --clients concurrent clients (--requests each per client); p50/p95, their ratio to (1) and the
   difference of the p50s. Also, per request, the round trip less the query's own time on the
   server (its Server-Timing header): what HTTP adds, free of the machine's drift between (1)
   and (2) (the goal: at most 3 ms at p50 for the word prompt, 1 client); the same again with the
   standard library's http.client as the client instead of httpx.
2b. batches: --batch prompts (bench/batch_query.py's mixed prompts: paraphrased requests, CLINC150
   prompts when the shared data is there, templated word requests), --batch-runs times each after
   one untimed pass: list(db.query_many(prompts)) in the bench's own process before the server
   started (beside (1)), then POST /api/query
   {"prompts": [...]} from 1 client; prompts/s (best and median run) and their ratio.
3. the load: POST /api/import of --pairs pairs (word pairs for a new vector program and, a
   --text-share of them, short text pairs for a new fewshot program, each of which is embedded)
   as a job, while --clients clients query the three prompts in turn until it is done: the
   import's time and rows/s, the queries answered during it, their failures (must be 0), p50/p95/max
   latency; then, the server stopped, every pair is checked stored once.
4. (1) again, after the server: a drift in the machine's speed shows as a gap between the two.
"""
from __future__ import annotations

import argparse
import http.client
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import urlparse

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from progdb.db import ProgramDB, word_space  # noqa: E402
from progdb.server.launch import Served  # noqa: E402

sys.path.insert(0, str(ROOT / "bench"))
from batch_query import prompts as batch_prompts  # noqa: E402

PROMPTS = {"word": "the plural of goose", "fewshot": "make this formal: hey what's up", "none": "tell me a joke about the weather"}


def pct(values: list[float], q: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(round(q * (len(values) - 1))))] * 1000


def summary(values: list[float]) -> dict:
    return {"n": len(values), "p50_ms": round(pct(values, 0.5), 1), "p95_ms": round(pct(values, 0.95), 1)}


def in_process(path: str, requests: int) -> dict:
    """Measured in a new process, as the server is one: the bench's own process may have seeded
    the database, and carries what that left behind."""
    got = subprocess.run([sys.executable, __file__, "--db", path, "--in-process-only", "--requests", str(requests)],
                         capture_output=True, text=True, env={**os.environ, "HF_HUB_OFFLINE": "1"})
    if got.returncode:
        raise SystemExit(f"the in-process measurement failed: {got.stderr[-2000:]}")
    return json.loads(got.stdout.strip().splitlines()[-1])


def measure_in_process(path: str, requests: int) -> dict:
    db = ProgramDB(path=path)
    out = {}
    for name, prompt in PROMPTS.items():
        result = db.query(prompt)
        assert (result.mode == "none") == (name == "none"), (name, result.mode)
        if name != "none":
            assert result.kind == ("vector" if name == "word" else "fewshot"), (name, result.kind)
        times = []
        for _ in range(requests):
            t = time.perf_counter()
            db.query(prompt)
            times.append(time.perf_counter() - t)
        out[name] = summary(times)
    return out


def ask(http: httpx.Client, prompt: str, added: list[float] | None = None) -> float:
    """One query's round trip; `added` gets it less the query's own time (the Server-Timing header):
    what HTTP and the server add to db.query, measured on the same request."""
    t = time.perf_counter()
    got = http.post("/api/query", json={"prompt": prompt})
    elapsed = time.perf_counter() - t
    if got.status_code != 200:
        raise RuntimeError(f"{got.status_code}: {got.text[:200]}")
    if added is not None:
        added.append(elapsed - query_seconds(got.headers.get("server-timing")))
    return elapsed


def query_seconds(server_timing: str | None) -> float:
    """The query's own time in the server, from its Server-Timing header."""
    own = re.search(r"query;dur=([0-9.]+)", server_timing or "")
    if own is None:
        raise RuntimeError(f"no query time in the Server-Timing header ({server_timing!r})")
    return float(own.group(1)) / 1000


def added_summary(added: list[float]) -> dict:
    return {"added_p50_ms": round(pct(added, 0.5), 2), "added_p95_ms": round(pct(added, 0.95), 2)}


def added_plain_client(url: str, requests: int) -> dict:
    """What HTTP adds (as ask() measures it) with the standard library's http.client as the one
    client: httpx itself takes about a millisecond of a round trip."""
    where = urlparse(url)
    conn = http.client.HTTPConnection(where.hostname, where.port, timeout=300)
    out = {}
    for name, prompt in PROMPTS.items():
        body, added = json.dumps({"prompt": prompt}), []
        for i in range(requests + 1):  # the first warms the connection
            t = time.perf_counter()
            conn.request("POST", "/api/query", body, {"Content-Type": "application/json"})
            got = conn.getresponse()
            got.read()
            elapsed = time.perf_counter() - t
            if got.status != 200:
                raise RuntimeError(f"{got.status}: {got.reason}")
            own = query_seconds(got.getheader("server-timing"))
            if i:
                added.append(elapsed - own)
        out[name] = added_summary(added)
    conn.close()
    return out


def over_http(url: str, clients: int, requests: int) -> dict:
    out = {}
    for name, prompt in PROMPTS.items():
        times: list[float] = []
        added: list[float] = []

        def client() -> None:
            with httpx.Client(base_url=url, timeout=300) as http:
                for _ in range(requests):
                    times.append(ask(http, prompt, added))
        threads = [threading.Thread(target=client) for _ in range(clients)]
        started = time.perf_counter()
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        out[name] = summary(times) | {"per_s": round(len(times) / (time.perf_counter() - started), 1)} \
            | added_summary(added)
    return out


def rates(n: int, times: list[float]) -> dict:
    return {"prompts": n, "runs": len(times), "best_prompts_per_s": round(n / min(times), 1),
            "median_prompts_per_s": round(n / statistics.median(times), 1)}


def batch_in_process(db: ProgramDB, prompts: list[str], runs: int) -> dict:
    list(db.query_many(prompts))  # warm
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        got = list(db.query_many(prompts))
        times.append(time.perf_counter() - t)
    assert len(got) == len(prompts)
    return rates(len(prompts), times)


def batch_over_http(url: str, prompts: list[str], runs: int) -> dict:
    with httpx.Client(base_url=url, timeout=600) as http:
        def post() -> float:
            t = time.perf_counter()
            got = http.post("/api/query", json={"prompts": prompts})
            elapsed = time.perf_counter() - t
            if got.status_code != 200:
                raise RuntimeError(f"{got.status_code}: {got.text[:200]}")
            assert len(got.json()["results"]) == len(prompts)
            return elapsed
        post()  # warm
        return rates(len(prompts), [post() for _ in range(runs)])


def pairs(n: int, text_share: float) -> tuple[list[tuple[str, str, str]], int]:
    words = [w for w in word_space().words[500:] if w.isalpha()]
    n_text = int(n * text_share)
    n_words = n - n_text
    half = len(words) // 2
    assert n_words <= half, "more word pairs than the word space gives"
    rows = [("bench-words", words[i], words[i + half]) for i in range(n_words)]
    text = [("bench-text", f"crate {i} dock {i % 89}", f"CRATE {i} DOCK {i % 89}") for i in range(n_text)]
    step = max(1, n // max(1, n_text))
    for i, row in enumerate(text):
        rows.insert(i * step, row)
    return rows, n_text


def load(url: str, rows: list, clients: int) -> dict:
    csv = "program,input,output\n" + "".join(f"{p},{a},{b}\n" for p, a, b in rows)
    done = threading.Event()
    times: list[float] = []
    failures: list[str] = []
    names = list(PROMPTS.values())

    def client(i: int) -> None:
        with httpx.Client(base_url=url, timeout=600) as http:
            n = i
            while not done.is_set():
                try:
                    times.append(ask(http, names[n % len(names)]))
                except Exception as exc:  # counted: the figure must be 0
                    failures.append(str(exc))
                n += 1

    with httpx.Client(base_url=url, timeout=600) as http:
        started = time.perf_counter()
        job = http.post("/api/import", files={"file": ("bench.csv", csv.encode())}).json()
        threads = [threading.Thread(target=client, args=(i,)) for i in range(clients)]
        for t in threads:
            t.start()
        while True:
            state = http.get(f"/api/jobs/{job['id']}").json()
            if state["state"] in ("done", "failed"):
                break
            time.sleep(0.5)
        elapsed = time.perf_counter() - started
        done.set()
        for t in threads:
            t.join()
    if state["state"] != "done":
        raise SystemExit(f"the import failed: {state['error']}")
    return {"pairs": len(rows), "import_s": round(elapsed, 1), "rows_per_s": round(len(rows) / elapsed),
            "result": {k: state["result"][k] for k in ("added", "updated", "unchanged", "rejected")},
            "queries": len(times), "query_failures": len(failures), "failures_first": failures[:3],
            "query_p50_ms": round(pct(times, 0.5), 1), "query_p95_ms": round(pct(times, 0.95), 1),
            "query_max_ms": round(max(times) * 1000, 1)}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--db", help="A seeded database to copy (default: a new one, seeded).")
    ap.add_argument("--pairs", type=int, default=50_000)
    ap.add_argument("--text-share", type=float, default=0.2)
    ap.add_argument("--clients", type=int, default=8)
    ap.add_argument("--requests", type=int, default=40)
    ap.add_argument("--batch", type=int, default=256, help="Prompts in one POST /api/query batch.")
    ap.add_argument("--batch-runs", type=int, default=3)
    ap.add_argument("--json", help="Write the figures here too.")
    ap.add_argument("--in-process-only", action="store_true", help=argparse.SUPPRESS)  # in_process()'s child
    args = ap.parse_args()
    if args.in_process_only:
        print(json.dumps(measure_in_process(args.db, args.requests)))
        return
    work = Path(tempfile.mkdtemp(prefix="progdb-serve-load-"))
    try:
        path = str(work / "db")
        if args.db:
            shutil.copytree(args.db, path, ignore=shutil.ignore_patterns("progdb.serve"))
        else:
            ProgramDB(path=path)
        report: dict = {"date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()), "args": vars(args),
                        "cpus": os.cpu_count(), "load_average_at_start": os.getloadavg()}
        report["in_process"] = in_process(path, args.requests)
        print("in process", json.dumps(report["in_process"]), flush=True)
        batch = batch_prompts(args.batch)
        report["batch_in_process"] = batch_in_process(ProgramDB(path=path), batch, args.batch_runs)
        print("batch, in process", json.dumps(report["batch_in_process"]), flush=True)
        rows, n_text = pairs(args.pairs, args.text_share) if args.pairs else ([], 0)
        server = Served(["--db", path], work / "serve.log", timeout=300)
        try:
            with httpx.Client(base_url=server.url, timeout=300) as http:
                for prompt in PROMPTS.values():  # warm: models, caches
                    ask(http, prompt)
            report["http_1"] = over_http(server.url, 1, args.requests)
            print("http, 1 client", json.dumps(report["http_1"]), flush=True)
            report["http_1_plain_client"] = added_plain_client(server.url, args.requests)
            print("http, 1 plain client", json.dumps(report["http_1_plain_client"]), flush=True)
            report[f"http_{args.clients}"] = over_http(server.url, args.clients, max(1, args.requests // 2))
            print(f"http, {args.clients} clients", json.dumps(report[f"http_{args.clients}"]), flush=True)
            report["ratio_p50_http1_to_in_process"] = {
                k: round(report["http_1"][k]["p50_ms"] / report["in_process"][k]["p50_ms"], 2) for k in PROMPTS}
            report["http1_minus_in_process_p50_ms"] = {  # the goal: at most 3 ms for the word prompt
                k: round(report["http_1"][k]["p50_ms"] - report["in_process"][k]["p50_ms"], 1) for k in PROMPTS}
            report["batch_http"] = batch_over_http(server.url, batch, args.batch_runs)
            print("batch, http", json.dumps(report["batch_http"]), flush=True)
            report["ratio_batch_http_to_in_process"] = round(
                report["batch_http"]["median_prompts_per_s"] / report["batch_in_process"]["median_prompts_per_s"], 2)
            if args.pairs:
                report["load"] = load(server.url, rows, args.clients)
                print("load", json.dumps(report["load"]), flush=True)
        finally:
            server.stop()
        report["in_process_after"] = in_process(path, args.requests)
        print("in process, after", json.dumps(report["in_process_after"]), flush=True)
        if args.pairs:
            db = ProgramDB(path=path)
            got = db.store.cols["examples"].get(where={"program": "bench-text"}, include=[])
            words = db.get("bench-words")
            report["stored_once"] = (len(got["ids"]) == len(set(got["ids"])) == n_text
                                     and len(words.examples) == len(set(words.pairs())) == args.pairs - n_text)
        report["load_average_at_end"] = os.getloadavg()
        print(json.dumps(report, indent=2))
        if args.json:
            Path(args.json).write_text(json.dumps(report, indent=2) + "\n")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()

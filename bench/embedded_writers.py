"""Several processes on one embedded database (a chromadb PersistentClient directory): what is lost.

    HF_HUB_OFFLINE=1 .venv/bin/python bench/embedded_writers.py [--n 20000] [--rounds 3]

1. Raw chromadb, no lock. Two processes each `add` N random 384-d vectors (batches of 1,000,
   disjoint ids) into one collection of one path at the same moment, --rounds times. A fresh
   process then counts, `get`s every id, reads every vector back (a get that fails is split until
   the ids it fails on are found), queries a spread sample of the records by their own vector
   (top-1 == itself) and reads how many ids the HNSW index file maps. A control writes the same 2N
   records from two processes one after the other, so HNSW recall is not mistaken for loss.
2. progdb's lock. Two `progdb --db PATH --no-seed import FILE --program NAME --quiet` started
   together into a new database, with different N-pair word files (word -> word+s, and back), beside
   one import alone. A fresh process checks every pair, each vector program's offset (the mean of its
   pairs) and that every record of every collection reads back and is found by its own vector.
   2a: the same with two imports of 1,200 text pairs (fewshot programs: 1,200 example vectors each,
   more than chromadb's 1,000-record HNSW flush) into an existing database.
   2b: while a long import of text pairs holds the lock, a second import with PROGDB_LOCK_TIMEOUT=1
   must fail with the lock message and store nothing.
   2c: two processes open (create) one new database path at the same instant, --open-rounds times.
3. Readers during that long import: `progdb list --json`, `progdb query` and a Python probe (card
   against example records, nearest examples) run in a loop. A ProgramDB opened before the import in
   a long-lived process is used after it without reopening (list, query, nearest examples), again
   after another process removed a program, and then imports text pairs itself; fresh processes
   then check whether the long import's vectors survived.

The parent never imports chromadb: every database access is a child process (this file run as
`_worker NAME ...`, or the progdb command), so no in-memory index is shared by accident.
Prints a table; everything measured goes to bench/results/embedded_writers.json.
"""
from __future__ import annotations

import argparse
import csv
import fcntl
import glob
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PY = sys.executable
PROGDB = str(Path(PY).parent / "progdb")
ENV = dict(os.environ, HF_HUB_OFFLINE="1", ANONYMIZED_TELEMETRY="False")
DIM, BATCH = 384, 1000
LOCK_MESSAGE = "another process is writing to this database"


def log(msg: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)


def short(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {exc}".splitlines()[0][:300]


# ---------------------------------------------------------------------------------------------
# Workers: run in child processes (`embedded_writers.py _worker NAME ARGS...`); each prints its
# result as one JSON line starting with "@@".
# ---------------------------------------------------------------------------------------------

class Calls:
    """Calls into chromadb whose failures are the measurement: counted by message, None returned."""

    def __init__(self):
        self.errors: dict[str, int] = {}

    def __call__(self, fn, *args, **kwargs):
        try:
            return fn(*args, **kwargs)
        except Exception as exc:  # noqa: BLE001
            self.errors[short(exc)] = self.errors.get(short(exc), 0) + 1
            return None


def read_vectors(col, ids: list[str], calls: Calls) -> tuple[dict, list[str]]:
    """Every id's stored vector, and the ids whose get fails (a failing get is split in halves, so
    one bad id fails several calls)."""
    got, bad = {}, []

    def go(chunk):
        res = calls(col.get, ids=chunk, include=["embeddings"])
        if res is not None:
            got.update(zip(res["ids"], res["embeddings"]))
        elif len(chunk) == 1:
            bad.append(chunk[0])
        else:
            go(chunk[: len(chunk) // 2])
            go(chunk[len(chunk) // 2:])

    for i in range(0, len(ids), 1000):
        go(ids[i:i + 1000])
    return got, bad


def self_found(col, ids: list[str], vecs, calls: Calls, top: int = 1) -> int:
    """How many of ids come back within the top results of a query by their own vector."""
    found = 0
    for i in range(0, len(ids), 200):
        res = calls(col.query, query_embeddings=vecs[i:i + 200], n_results=top, include=[])
        if res is not None:
            found += sum(1 for j, row in enumerate(res["ids"]) if ids[i + j] in row)
    return found


def index_ids(path: str) -> int | None:
    """How many ids the persisted HNSW index files map (chromadb's index_metadata.pickle), if readable."""
    import pickle

    total = None
    for f in glob.glob(os.path.join(path, "*", "index_metadata.pickle")):
        try:
            with open(f, "rb") as fh:
                total = (total or 0) + len(pickle.load(fh)["id_to_label"])
        except Exception:  # noqa: BLE001 - chromadb's internal format: best effort
            return None
    return total


def _collection(path: str, create: bool = False):
    import chromadb
    from chromadb.config import Settings

    client = chromadb.PersistentClient(path=path, settings=Settings(anonymized_telemetry=False))
    if create:
        return client.get_or_create_collection("bench", embedding_function=None,
                                               configuration={"hnsw": {"space": "cosine"}})
    return client.get_collection("bench")


def _vectors(seed: int, n: int):
    import numpy as np

    return np.random.default_rng(seed).standard_normal((n, DIM)).astype(np.float32)


def _ids(tag: str, n: int) -> list[str]:
    return [f"{tag}-{j}" for j in range(n)]


def w_raw_create(path: str) -> dict:
    _collection(path, create=True)
    return {"ok": True}


def w_raw_add(path: str, tag: str, seed: str, n: str, start_at: str = "0") -> dict:
    """Add n vectors in batches of 1,000 from start_at (a time.time()); a failing batch is recorded
    and the next one tried."""
    n = int(n)
    col = _collection(path)
    vecs, ids = _vectors(int(seed), n), _ids(tag, n)
    time.sleep(max(0.0, float(start_at) - time.time()))
    started, calls = time.time(), Calls()
    for i in range(0, n, BATCH):
        calls(col.add, ids=ids[i:i + BATCH], embeddings=vecs[i:i + BATCH])
    return {"started": started, "seconds": round(time.time() - started, 2),
            "failed_batches": sum(calls.errors.values()), "errors": calls.errors}


def w_raw_check(path: str, writers_json: str, sample: str) -> dict:
    """writers: [[tag, seed, n], ...]. Per writer: ids get() returns, vectors read back equal,
    ids whose get fails, and top-1 self on `sample` records spread over the writer's ids (0: all)."""
    import numpy as np

    calls = Calls()
    col = _collection(path)
    out = {"count": calls(col.count), "index_ids": index_ids(path), "writers": {}, "errors": calls.errors}
    for tag, seed, n in json.loads(writers_json):
        vecs, ids = _vectors(seed, n), _ids(tag, n)
        listed = sum(len(r["ids"]) for i in range(0, n, 1000)
                     if (r := calls(col.get, ids=ids[i:i + 1000], include=[])) is not None)
        got, bad = read_vectors(col, ids, calls)
        want = dict(zip(ids, vecs))
        equal = sum(bool(np.allclose(e, want[k], atol=1e-6)) for k, e in got.items())
        step = max(1, n // int(sample)) if int(sample) else 1
        top1 = self_found(col, ids[::step], vecs[::step], calls)
        out["writers"][tag] = {"n": n, "get": listed, "equal": equal, "unreadable": len(bad),
                               "sampled": len(ids[::step]), "top1": top1}
    return out


def _read_pairs(file: str) -> list[tuple[str, str]]:
    with open(file, newline="", encoding="utf-8") as fh:
        rows = list(csv.reader(fh))
    return [(a, b) for a, b in rows[1:]]


def w_progdb_check(path: str, expect_json: str) -> dict:
    """expect: {"present": {program: csv file}, "absent": [program, ...]}. Each present program's
    pairs against its file (and its offset, or its example records against its card); absent ones
    left no record; every record of every collection reads back and is found by its own vector."""
    import numpy as np

    from progdb.db import ProgramDB, word_space
    from progdb.storage.store import example_id

    expect = json.loads(expect_json)
    calls = Calls()
    out = {"programs": {}, "absent": {}, "collections": {}, "errors": calls.errors}
    db = ProgramDB(path=path, seed=False)
    store = db.store
    listed = calls(lambda: {m["name"]: m["n_examples"] for m in db.list()}) or {}
    out["listed"] = listed
    for name, file in expect.get("present", {}).items():
        want = sorted(_read_pairs(file))
        p = calls(db.get, name)
        if p is None:
            out["programs"][name] = {"missing": True}
            continue
        have = sorted(p.pairs())
        r = {"kind": p.kind, "card_pairs": len(have), "pairs_equal": have == want}
        if p.kind == "vector":
            stored = (calls(store.offsets, [name]) or {}).get(name)
            mean, _ = word_space().mean_offset(have)
            r["offset_ok"] = stored is not None and bool(np.allclose(stored, mean, atol=1e-5))
        else:
            got = calls(store.cols["examples"].get, where={"program": name}, include=["documents", "metadatas"])
            if got is not None:
                records = {i: (m.get("input", d), m["output"])
                           for i, d, m in zip(got["ids"], got["documents"], got["metadatas"])}
                r["records_match_card"] = records == {example_id(name, e.input, e.output): (e.input, e.output)
                                                      for e in p.examples}
        out["programs"][name] = r
    for name in expect.get("absent", []):
        left = [calls(store.cols[c].get, where={"program": name}, include=[]) for c in ("keys", "examples", "offsets")]
        out["absent"][name] = {"listed": name in listed, "records": sum(len(g["ids"]) for g in left if g)}
    for cname, col in store.cols.items():
        got = calls(col.get, include=[])
        if got is None:
            out["collections"][cname] = {"error": True}
            continue
        ids = got["ids"]
        vecs, bad = read_vectors(col, ids, calls)
        readable = [i for i in ids if i in vecs]
        arr = np.asarray([vecs[i] for i in readable], dtype=np.float32)
        # top 3: a program's centroid can equal its only key's vector in another collection, not in this one,
        # but two records of one collection may share a vector (same text), so the own id may come second
        found = self_found(col, readable, arr, calls, top=min(3, len(ids))) if readable else 0
        out["collections"][cname] = {"records": len(ids), "unreadable": len(bad), "found": found}
    return out


def w_probe(path: str, program: str, text: str) -> dict:
    """A reader during a write: the program's card against its example records, and its nearest
    example to one of its inputs."""
    from progdb.db import ProgramDB, encoder
    from progdb.storage.store import example_id

    calls = Calls()
    db = ProgramDB(path=path, seed=False)
    names = [m["name"] for m in db.list()]
    out = {"programs": names, "errors": calls.errors}
    if program in names:
        p = db.get(program)
        ids = set(db.store._ids_of("examples", program))
        card = {example_id(program, e.input, e.output) for e in p.examples}
        out |= {"card_examples": len(card), "records": len(ids), "card_records_missing": len(card - ids)}
        hits = calls(db.store.nearest_examples, program, encoder().encode([text])[0], 1)
        out["nearest_ok"] = bool(hits) and hits[0][0] == text
    return out


def w_longlived(path: str, probes_json: str) -> None:
    """A ProgramDB opened once and kept, answering commands from stdin ('@@' JSON line each):
    look (list, card, nearest examples of a program for some of its inputs, queries), write FILE NAME
    (import pairs), quit."""
    from progdb.ingest.bulk import read_rows
    from progdb.db import ProgramDB, encoder

    probes = json.loads(probes_json)  # {"program": name, "inputs": [...], "queries": [...]}
    db = ProgramDB(path=path, seed=False)

    def reply(obj) -> None:
        print("@@" + json.dumps(obj), flush=True)

    def look() -> dict:
        calls = Calls()
        out = {"list": calls(lambda: {m["name"]: m["n_examples"] for m in db.list()}), "errors": calls.errors}
        name = probes["program"]
        if name in (out["list"] or {}):
            out["card_examples"] = len(db.get(name).examples)
            vecs = encoder().encode(probes["inputs"])
            hits = [calls(db.store.nearest_examples, name, v, 1) for v in vecs]
            out["nearest_found"] = sum(1 for t, h in zip(probes["inputs"], hits) if h and h[0][0] == t)
            out["nearest_of"] = len(vecs)
        out["queries"] = {}
        for prompt in probes["queries"]:
            r = calls(db.query, prompt)
            out["queries"][prompt] = None if r is None else [p.name for p in r.programs]
        return out

    reply(look())
    for line in sys.stdin:
        cmd = line.split()
        if not cmd or cmd[0] == "quit":
            break
        if cmd[0] == "look":
            reply(look())
        elif cmd[0] == "write":
            calls = Calls()
            s = calls(db.import_pairs, read_rows(cmd[1], "csv", cmd[2]))
            reply({"summary": s.to_dict() if s else None, "errors": calls.errors})


def w_open(path: str, start_at: str) -> dict:
    """Open (create) a progdb database at start_at, then list it."""
    from progdb.db import ProgramDB

    time.sleep(max(0.0, float(start_at) - time.time()))
    calls = Calls()
    db = calls(ProgramDB, path=path, seed=False)
    return {"ok": db is not None and calls(db.list) is not None, "errors": calls.errors}


WORKERS = {"raw_create": w_raw_create, "raw_add": w_raw_add, "raw_check": w_raw_check,
           "progdb_check": w_progdb_check, "probe": w_probe, "longlived": w_longlived, "open": w_open}


def worker_main(name: str, args: list[str]) -> None:
    sys.path.insert(0, str(ROOT))
    result = WORKERS[name](*args)
    if result is not None:
        print("@@" + json.dumps(result), flush=True)


# ---------------------------------------------------------------------------------------------
# The parent: starts processes, times them, collects what they print.
# ---------------------------------------------------------------------------------------------

def worker_cmd(name: str, *args) -> list[str]:
    return [PY, str(Path(__file__).resolve()), "_worker", name, *map(str, args)]


def parse_reply(stdout: str) -> dict | None:
    lines = [ln[2:] for ln in stdout.splitlines() if ln.startswith("@@")]
    return json.loads(lines[-1]) if lines else None


def run_worker(name: str, *args, timeout: float = 900) -> dict:
    t = time.monotonic()
    p = subprocess.run(worker_cmd(name, *args), env=ENV, capture_output=True, text=True, timeout=timeout)
    reply = parse_reply(p.stdout)
    if p.returncode != 0 or reply is None:
        return {"worker_failed": p.returncode, "stderr": p.stderr.strip().splitlines()[-1:]}
    return reply | {"worker_seconds": round(time.monotonic() - t, 1)}


def timed(cmd: list[str], env: dict = ENV, timeout: float = 900) -> dict:
    t = time.monotonic()
    p = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=timeout)
    return {"rc": p.returncode, "seconds": round(time.monotonic() - t, 2), "stdout": p.stdout,
            "stderr": p.stderr.strip()}


def start_all(cmds: list[list[str]]) -> list[dict]:
    """Start every command at once and wait for all; each gets rc, wall seconds, output."""
    t0 = time.monotonic()
    procs = [subprocess.Popen(c, env=ENV, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for c in cmds]
    ended = [None] * len(procs)
    while None in ended:  # outputs are small (a JSON summary), so pipes cannot fill up meanwhile
        for i, p in enumerate(procs):
            if ended[i] is None and p.poll() is not None:
                ended[i] = round(time.monotonic() - t0, 2)
        time.sleep(0.05)
    return [{"rc": p.returncode, "seconds": t, "stdout": p.stdout.read(), "stderr": p.stderr.read().strip()}
            for p, t in zip(procs, ended)]


def lock_held(path: Path) -> bool:
    """True while some process holds progdb's write lock (tried without blocking, released at once)."""
    lock = path / "progdb.lock"
    if not lock.exists():
        return False
    with open(lock, "a+") as fh:
        try:
            fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return True
        fcntl.flock(fh, fcntl.LOCK_UN)
        return False


def as_json(stdout: str):
    try:
        return json.loads(stdout)
    except (ValueError, TypeError):
        return None


def last_line(text: str) -> str | None:
    lines = text.strip().splitlines()
    return lines[-1][:300] if lines else None


def make_files(work: Path, n: int, texts: int) -> dict[str, Path]:
    """Word pairs from the GloVe vocabulary (word -> word+s; its plural in the word space first) and
    sentence pairs (8 frequent words and a number -> the same upper-cased) for text programs."""
    sys.path.insert(0, str(ROOT))
    from progdb.words.space import WordSpace

    ws = WordSpace.load()
    words = [w for w in ws.words if w.isalpha() and w.islower() and not w.endswith("s")]
    words.sort(key=lambda w: (w + "s") not in ws.index)  # stable: frequency order within each part
    words = words[:n]
    common = [w for w in ws.words[:20000] if w.isalpha()]
    rng = random.Random(0)

    def sentences(count: int, tag: str) -> list[tuple[str, str]]:
        rows = [" ".join(rng.choice(common) for _ in range(8)) + f" {tag} {i}" for i in range(count)]
        return [(s, s.upper()) for s in rows]

    data = {"plural": [(w, w + "s") for w in words], "singular": [(w + "s", w) for w in words],
            "shout": sentences(texts, "shout"), "echo": sentences(30, "echo"), "late": sentences(1200, "late"),
            "other": sentences(1200, "other")}
    files = {}
    for name, rows in data.items():
        files[name] = work / f"{name}.csv"
        with open(files[name], "w", newline="", encoding="utf-8") as fh:
            csv.writer(fh).writerows([("input", "output"), *rows])
    return files


def import_cmd(db: Path, file: Path, program: str, *extra: str) -> list[str]:
    return [PROGDB, "--db", str(db), "--no-seed", "import", str(file), "--program", program, "--quiet", "--json",
            *extra]


# -- 1: raw chromadb ----------------------------------------------------------------------------

def raw_writers(work: Path, n: int, rounds: int, sample: int) -> dict:
    out = {"rounds": []}
    for r in range(rounds):
        path = work / f"raw{r}"
        run_worker("raw_create", path)
        writers = [[f"r{r}w{w}", 100 * r + w, n] for w in range(2)]
        start_at = time.time() + 3  # both import chromadb and make their vectors, then start together
        procs = start_all([worker_cmd("raw_add", path, tag, seed, n, start_at) for tag, seed, n in writers])
        adds = [parse_reply(p["stdout"]) or {"crashed": p["rc"], "stderr": last_line(p["stderr"])} for p in procs]
        check = run_worker("raw_check", path, json.dumps(writers), sample)
        out["rounds"].append({"writers": adds, "check": check})
        log(f"raw round {r + 1}: unreadable {[w['unreadable'] for w in check.get('writers', {}).values()]}")
        shutil.rmtree(path, ignore_errors=True)
    # control: the same 2N records, one writer after the other
    path = work / "raw-control"
    run_worker("raw_create", path)
    writers = [["c0", 0, n], ["c1", 1, n]]
    adds = [run_worker("raw_add", path, tag, seed, n) for tag, seed, n in writers]
    out["control"] = {"writers": adds, "check": run_worker("raw_check", path, json.dumps(writers), sample)}
    shutil.rmtree(path, ignore_errors=True)
    return out


# -- 2: progdb's lock ---------------------------------------------------------------------------

def locked_writers(work: Path, files: dict, rounds: int) -> tuple[dict, Path]:
    solo_db = work / "solo"  # kept: section 3 starts from it
    solo = timed(import_cmd(solo_db, files["plural"], "plural"))
    out = {"solo": {"rc": solo["rc"], "seconds": solo["seconds"], "summary": as_json(solo["stdout"])}, "rounds": []}
    present = {"plural": str(files["plural"]), "singular": str(files["singular"])}
    for r in range(rounds):
        db = work / f"locked{r}"
        procs = start_all([import_cmd(db, files["plural"], "plural"), import_cmd(db, files["singular"], "singular")])
        imports = [{"rc": p["rc"], "seconds": p["seconds"], "summary": as_json(p["stdout"]),
                    "stderr": last_line(p["stderr"])} for p in procs]
        check = run_worker("progdb_check", db, json.dumps({"present": present}))
        out["rounds"].append({"imports": imports, "check": check})
        log(f"locked round {r + 1}: rc {[i['rc'] for i in imports]}, seconds {[i['seconds'] for i in imports]}")
        shutil.rmtree(db, ignore_errors=True)
    # text programs: every pair is an example record with its vector
    db = work / "locked-text"
    timed([PROGDB, "--db", str(db), "--no-seed", "list"])  # created first: 2c measures creation
    procs = start_all([import_cmd(db, files["late"], "late"), import_cmd(db, files["other"], "other")])
    imports = [{"rc": p["rc"], "seconds": p["seconds"], "summary": as_json(p["stdout"]),
                "stderr": last_line(p["stderr"])} for p in procs]
    check = run_worker("progdb_check", db, json.dumps({"present": {"late": str(files["late"]),
                                                                   "other": str(files["other"])}}))
    out["text"] = {"imports": imports, "check": check}
    log(f"locked text imports: rc {[i['rc'] for i in imports]}, seconds {[i['seconds'] for i in imports]}")
    shutil.rmtree(db, ignore_errors=True)
    return out, solo_db


def opening_together(work: Path, rounds: int) -> list[dict]:
    """Two processes open one new database path at the same instant (what two first commands do)."""
    out = []
    for r in range(rounds):
        db = work / f"new{r}"
        start_at = time.time() + 3
        procs = start_all([worker_cmd("open", db, start_at) for _ in range(2)])
        out.append([parse_reply(p["stdout"]) or {"ok": False, "errors": {last_line(p["stderr"]): 1}} for p in procs])
        shutil.rmtree(db, ignore_errors=True)
    return out


# -- 2b and 3: a long import, a second writer with a short timeout, readers --------------------

def read_once(db: Path, kind: str, text: str, t0: float) -> dict:
    """One reader process: a CLI list, a CLI query, or the Python probe."""
    at = round(time.monotonic() - t0, 2)
    if kind == "probe":
        p = timed(worker_cmd("probe", db, "shout", text), timeout=300)
        state = parse_reply(p["stdout"])
        failed = p["rc"] != 0 or state is None or bool(state.get("errors"))
        error = (last_line(p["stderr"]) if state is None else next(iter(state.get("errors") or {}), None))
        return {"kind": kind, "at": at, "failed": failed, "error": error, "state": state}
    cmd = ([PROGDB, "--db", str(db), "list", "--json"] if kind == "list"
           else [PROGDB, "--db", str(db), "query", f"shout: {text}", "--json"])
    p = timed(cmd, timeout=300)
    r = {"kind": kind, "at": at, "failed": p["rc"] != 0, "error": last_line(p["stderr"]) if p["rc"] else None}
    data = as_json(p["stdout"])
    if kind == "list" and data is not None:
        r["state"] = {m["name"]: m["n_examples"] for m in data}
    elif data is not None:
        r["state"] = {"programs": [m["name"] for m in data["programs"]],
                      "source": data["outputs"][0]["source"] if data["outputs"] else None}
    return r


def long_import(files: dict, db: Path) -> dict:
    """db holds `plural`; a small text program `echo` is added so every collection is in use."""
    out = {"setup_rc": timed(import_cmd(db, files["echo"], "echo"))["rc"]}
    shout = _read_pairs(files["shout"])
    first = shout[0][0]
    probes = {"program": "shout", "inputs": [a for a, _ in shout[:: max(1, len(shout) // 20)]],
              "queries": ["plural: cat", f"echo: {_read_pairs(files['echo'])[0][0]}", f"shout: {first}"]}
    long_lived = subprocess.Popen(worker_cmd("longlived", db, json.dumps(probes)), env=ENV, text=True,
                                  stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE)

    def ask(cmd: str | None) -> dict:
        if cmd:
            long_lived.stdin.write(cmd + "\n")
            long_lived.stdin.flush()
        while line := long_lived.stdout.readline():
            if line.startswith("@@"):
                return json.loads(line[2:])
        return {"long_lived_died": long_lived.poll()}

    out["long_lived"] = {"before": ask(None)}  # opened, listed and queried before the import

    # A: the long import, its program written after every batch of 200, so readers meet many states
    t0 = time.monotonic()
    a = subprocess.Popen(import_cmd(db, files["shout"], "shout", "--batch-size", "200"), text=True,
                         env=dict(ENV, PROGDB_WRITE_EVERY="0"), stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    while not lock_held(db) and a.poll() is None and time.monotonic() - t0 < 120:
        time.sleep(0.05)
    out["lock_taken_after_s"] = round(time.monotonic() - t0, 2)
    # B: a second writer that waits at most 1 s
    b = timed(import_cmd(db, files["singular"], "singular"), dict(ENV, PROGDB_LOCK_TIMEOUT="1"))
    out["second_writer"] = {"rc": b["rc"], "seconds": b["seconds"], "message": last_line(b["stderr"]),
                            "lock_message": LOCK_MESSAGE in b["stderr"], "first_still_running": a.poll() is None}
    readers, kinds = [], ("list", "query", "probe")
    while a.poll() is None:
        readers.append(read_once(db, kinds[len(readers) % 3], first, t0))
    a_out, a_err = a.communicate()
    out["long_import"] = {"rc": a.returncode, "seconds": round(time.monotonic() - t0, 2),
                          "summary": as_json(a_out), "stderr": last_line(a_err)}
    out["readers"] = readers
    out["readers_after"] = [read_once(db, kind, first, t0) for kind in kinds]
    present = {"plural": str(files["plural"]), "echo": str(files["echo"]), "shout": str(files["shout"])}
    out["check_after_import"] = run_worker("progdb_check", db, json.dumps({"present": present, "absent": ["singular"]}))

    # the long-lived process, never reopened: after the import, after a removal, then writing
    out["long_lived"]["after_import"] = ask("look")
    out["remove_by_other_rc"] = timed([PROGDB, "--db", str(db), "remove", "plural"])["rc"]
    out["long_lived"]["after_remove"] = ask("look")
    out["long_lived"]["write"] = ask(f"write {files['late']} late")
    _, err = long_lived.communicate("quit\n", timeout=300)
    out["long_lived"]["stderr"] = last_line(err)
    present = {"echo": str(files["echo"]), "shout": str(files["shout"]), "late": str(files["late"])}
    out["check_after_stale_write"] = run_worker("progdb_check", db,
                                                json.dumps({"present": present, "absent": ["singular", "plural"]}))
    out["readers_after_stale_write"] = [read_once(db, kind, first, t0) for kind in kinds]
    return out


# -- report -------------------------------------------------------------------------------------

def table(res: dict) -> str:
    n, lines = res["n"], []
    add = lines.append
    add(f"1. raw chromadb {res['chromadb']}, no lock: two processes add {n:,} vectors each (384-d, batches of "
        f"1,000) into one collection at once; checked by a fresh process")
    add("| round | writer errors | count() | get(ids) finds | vectors read back equal | read back different "
        "| get fails on | top-1 self (sample) | ids in HNSW file |")
    add("|---|---|---|---|---|---|---|---|---|")
    raw = res["raw"]
    for label, r in [(str(i), r) for i, r in enumerate(raw["rounds"], 1)] + [("one after the other", raw["control"])]:
        c, w = r["check"], list(r["check"].get("writers", {}).values())
        errs = sum(x.get("failed_batches", 0) for x in r["writers"]) if all("failed_batches" in x for x in
                                                                             r["writers"]) else "crashed"
        if not w:
            add(f"| {label} | {errs} | check failed: {c.get('stderr')} |")
            continue
        top1, sampled = sum(x["top1"] for x in w), sum(x["sampled"] for x in w)
        add(f"| {label} | {errs} | {c['count']:,} / {2 * n:,} | {sum(x['get'] for x in w):,} | "
            f"{sum(x['equal'] for x in w):,} | {sum(x['n'] - x['equal'] - x['unreadable'] for x in w):,} | "
            f"{sum(x['unreadable'] for x in w):,} | "
            f"{top1:,} / {sampled:,} ({100 * top1 / max(sampled, 1):.1f}%) | {c['index_ids']} |")
    add("")
    lk = res["locked"]
    add(f"2. two `progdb import` of {n:,} word pairs each, started together into a new database "
        f"(one alone: {lk['solo']['seconds']} s wall)")
    add("| round | exit codes | wall s (plural, singular) | pairs equal | offset = mean of pairs | records found "
        "/ unreadable |")
    add("|---|---|---|---|---|---|")
    for i, r in enumerate(lk["rounds"], 1):
        c = r["check"]
        progs, cols = c.get("programs", {}), c.get("collections", {}).values()
        add(f"| {i} | {' '.join(str(x['rc']) for x in r['imports'])} | "
            f"{', '.join(str(x['seconds']) for x in r['imports'])} | "
            f"{' '.join(str(progs.get(p, {}).get('pairs_equal')) for p in ('plural', 'singular'))} | "
            f"{' '.join(str(progs.get(p, {}).get('offset_ok')) for p in ('plural', 'singular'))} | "
            f"{sum(x.get('found', 0) for x in cols)}/{sum(x.get('records', 0) for x in cols)} / "
            f"{sum(x.get('unreadable', 0) for x in cols)} |")
    tx = lk["text"]
    add("")
    add(f"2a. two `progdb import` of 1,200 text pairs each, started together: exit codes "
        f"{[x['rc'] for x in tx['imports']]}, wall s {[x['seconds'] for x in tx['imports']]}; "
        f"fresh check: {summarise_check(tx['check'])}")
    li = res["long"]
    sw, la = li["second_writer"], li["long_import"]
    after = li["check_after_import"]
    add("")
    add(f"2b. a long import ({(la['summary'] or {}).get('added')} text pairs, batches of 200, {la['seconds']} s, "
        f"exit {la['rc']}) holds the lock; a second import with PROGDB_LOCK_TIMEOUT=1: exit {sw['rc']} after "
        f"{sw['seconds']} s (the long import still running: {sw['first_still_running']}), "
        f"message: \"{sw['message']}\"; its program afterwards: "
        f"{after.get('absent', {}).get('singular')}")
    opened = [p for r in res["opening"] for p in r]
    errors = sorted({m for p in opened for m in p.get("errors", {})})
    add("")
    add(f"2c. two processes open (create) one new database at the same instant, {len(res['opening'])} times: "
        f"{sum(not p['ok'] for p in opened)} of {len(opened)} opens failed"
        + (f" ({' / '.join(errors)})" if errors else ""))
    add("")
    add("3. readers (new processes) during the long import, then once after it")
    add("| reader | runs | failed | what they saw |")
    add("|---|---|---|---|")
    for kind in ("list", "query", "probe"):
        runs = [r for r in li["readers"] if r["kind"] == kind]
        failed = [r for r in runs if r["failed"]]
        if kind == "list":
            seen = "shout n_examples: " + ", ".join(str((r.get("state") or {}).get("shout", "absent")) for r in runs)
        elif kind == "query":
            seen = "routed to: " + ", ".join(str((r.get("state") or {}).get("programs")) for r in runs)
        else:
            states = [r["state"] for r in runs if r.get("state")]
            seen = (f"card examples without records: {sum(s.get('card_records_missing', 0) for s in states)}; "
                    f"nearest example right: {sum(bool(s.get('nearest_ok')) for s in states)}/{len(states)}")
        errors = sorted({r["error"] for r in failed if r["error"]})
        add(f"| {kind} | {len(runs)} | {len(failed)} | {seen}{'; errors: ' + ' / '.join(errors) if errors else ''} |")
    after_runs = li["readers_after"]
    add(f"| after it (list, query, probe) | 3 | {sum(r['failed'] for r in after_runs)} | "
        f"{[r.get('error') for r in after_runs if r['failed']] or 'ok'} |")
    add(f"fresh check after the import: {summarise_check(after)}")
    add("")
    add("   a ProgramDB opened before the import, in a long-lived process, never reopened")
    add("| moment | list() | query routes to | nearest example of shout's inputs | errors |")
    add("|---|---|---|---|---|")
    ll = li["long_lived"]
    for moment in ("before", "after_import", "after_remove"):
        s = ll[moment]
        routes = "; ".join(f"{q.split(':')[0]} -> {r}" for q, r in (s.get("queries") or {}).items())
        near = f"{s['nearest_found']}/{s['nearest_of']}" if "nearest_of" in s else "-"
        add(f"| {moment.replace('_', ' ')} | {s.get('list')} | {routes} | {near} | "
            f"{'; '.join(f'{m} (x{k})' for m, k in (s.get('errors') or {}).items()) or '-'} |")
    w = ll["write"]
    add(f"then it imports 1,200 text pairs itself: {(w.get('summary') or {}).get('added')} added, "
        f"errors {w.get('errors') or '-'}")
    add(f"fresh check afterwards: {summarise_check(li['check_after_stale_write'])}")
    fails = [f"{r['kind']}: {r['error']}" for r in li["readers_after_stale_write"] if r["failed"]]
    add(f"new reader processes afterwards (list, query, probe): {fails or 'ok'}")
    return "\n".join(lines)


def summarise_check(c: dict) -> str:
    if "worker_failed" in c:
        return f"check failed: {c.get('stderr')}"
    def program(name: str, v: dict) -> str:
        text = f"{name}: pairs {'ok' if v.get('pairs_equal') else 'WRONG'}"
        if "records_match_card" in v:
            text += f", records {'ok' if v['records_match_card'] else 'WRONG'}"
        return text

    progs = ", ".join(program(k, v) for k, v in c["programs"].items())
    cols = ", ".join(f"{k} {v.get('found')}/{v.get('records')}" + (f" ({v['unreadable']} unreadable)"
                                                                   if v.get("unreadable") else "")
                     for k, v in c["collections"].items())
    errs = "; ".join(f"{m} (x{k})" for m, k in c.get("errors", {}).items())
    return f"{progs}; records found by their own vector: {cols}" + (f"; errors: {errs}" if errs else "")


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "_worker":
        worker_main(sys.argv[2], sys.argv[3:])
        return
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--n", type=int, default=20000, help="records (section 1) / word pairs (section 2) per writer")
    ap.add_argument("--rounds", type=int, default=3, help="rounds of the two-writer measurements")
    ap.add_argument("--sample", type=int, default=5000,
                    help="records per writer queried by their own vector in section 1 (0: all; the slow part)")
    ap.add_argument("--open-rounds", type=int, default=10, help="times two processes create one new database at once")
    ap.add_argument("--texts", type=int, default=2000, help="text pairs of the long import (encoder-bound)")
    ap.add_argument("--out", default=str(ROOT / "bench" / "results" / "embedded_writers.json"))
    ap.add_argument("--keep", action="store_true", help="keep the temporary databases")
    args = ap.parse_args()
    from importlib.metadata import version

    work = Path(tempfile.mkdtemp(prefix="embedded-writers-"))
    t = time.monotonic()
    res = {"n": args.n, "rounds": args.rounds, "sample": args.sample, "texts": args.texts,
           "chromadb": version("chromadb"), "work": str(work)}
    try:
        files = make_files(work, args.n, args.texts)
        log("1: raw chromadb, two writers at once")
        res["raw"] = raw_writers(work, args.n, args.rounds, args.sample)
        log("2: two progdb imports under the lock")
        res["locked"], solo_db = locked_writers(work, files, args.rounds)
        res["opening"] = opening_together(work, args.open_rounds)
        log("2b/3: a long import, a second writer, readers, a long-lived process")
        res["long"] = long_import(files, solo_db)
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
    res["seconds"] = round(time.monotonic() - t, 1)
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(json.dumps(res, indent=1) + "\n", encoding="utf-8")
    print(table(res))
    print(f"\n{res['seconds']} s; details in {args.out}")


if __name__ == "__main__":
    main()

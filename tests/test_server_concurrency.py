"""progdb serve under concurrency: clients querying while another imports, the server owning its
embedded database (other processes' writes refused, a killed server's marker ignored), and two
servers sharing one chroma server, each seeing the other's writes."""
from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
from itertools import count

import pytest

from progdb.db import ProgramDB, word_space
from serving import ROOT, Served, copy_db, free_port, start_chroma, stop, wait_job

PROMPTS = ["the plural of goose", "translate to french: good morning", "tell me a joke about the weather",
           "what is the capital of italy", "the opposite of happy"]
N_PAIRS, PROGRAMS = 5000, ("load-words", "load-text")


N_TEXT = 1000


def _cli(*args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "PYTHONPATH": str(ROOT)}
    return subprocess.run([sys.executable, "-m", "progdb.cli", *args], capture_output=True, text=True, env=env,
                          timeout=300)


def _pairs() -> list[tuple[str, str, str]]:
    """Word pairs (a vector program) and short text pairs (a fewshot program: each one embedded),
    interleaved."""
    words = [w for w in word_space().words[500:30000] if w.isalpha()]
    n_words = N_PAIRS - N_TEXT
    rows = [("load-words", words[i], words[i + n_words]) for i in range(n_words)]
    text = [("load-text", f"crate {i} dock {i % 89}", f"CRATE {i} DOCK {i % 89}") for i in range(N_TEXT)]
    for i, row in enumerate(text):
        rows.insert(i * 5, row)
    return rows


@pytest.fixture(scope="module")
def served(seeded_path, tmp_path_factory):
    folder = tmp_path_factory.mktemp("serve-load")
    db = copy_db(seeded_path, folder / "db")
    server = Served(["--db", db], folder / "serve.log")
    server.db, server.folder = db, folder
    yield server
    server.kill()


def test_eight_clients_query_while_another_imports_5000_pairs(served):
    rows = _pairs()
    csv = "program,input,output\n" + "".join(f"{p},{a},{b}\n" for p, a, b in rows)
    finished = threading.Event()
    answers: list[list[tuple[int, str, str]]] = [[] for _ in range(8)]
    job_id = {}

    def client(i: int) -> None:
        """Each answer is followed by a look at the job: "running" then means the answer came
        while the import ran (the job was queued before any of these queries, and the worker
        takes its calls in order)."""
        with served.client() as http:
            for n in count(i):
                got = http.post("/api/query", json={"prompt": PROMPTS[n % len(PROMPTS)]})
                state = http.get(f"/api/jobs/{job_id['id']}").json()["state"]
                answers[i].append((got.status_code, got.json().get("mode", got.text), state))
                if finished.is_set():
                    return

    with served.client() as http:
        started = http.post("/api/import", params={"batch_size": 500}, files={"file": ("load.csv", csv.encode())})
        assert started.status_code == 202, started.text
        job_id["id"] = started.json()["id"]
        threads = [threading.Thread(target=client, args=(i,)) for i in range(8)]
        for t in threads:
            t.start()
        job = wait_job(http, started.json(), timeout=600)
        finished.set()
        for t in threads:
            t.join(timeout=300)
        assert job["state"] == "done", job
        assert job["result"]["added"] == N_PAIRS and job["result"]["rejected"] == 0
        assert job["progress"] == {"done": N_PAIRS, "total": N_PAIRS, "stage": ""}
        # every query answered, and each client answered while the import ran
        for got in answers:
            assert all(status == 200 and mode in ("nearest", "interpolated", "none", "intent")
                       for status, mode, _ in got), got
            assert any(state == "running" for _, _, state in got), got
        for name in PROGRAMS:
            card = http.get(f"/api/programs/{name}").json()
            want = sorted((a, b) for p, a, b in rows if p == name)
            assert sorted((e["input"], e["output"]) for e in card["examples"]) == want  # each pair once
        answer = http.post("/api/query", json={"prompt": "load text: crate 7 dock 7"}).json()
        assert answer["programs"][0]["name"] == "load-text"


def test_other_processes_may_not_write_a_served_database(served):
    refused = _cli("--db", served.db, "add", "cli-writes", "-K", "write from the cli", "-e", "a", "b", "-e", "c", "d")
    assert refused.returncode == 2
    line = refused.stderr.strip().splitlines()[-1]
    assert f"served by progdb serve at {served.url}" in line and str(served.proc.pid) in line
    for args in (["remove", "plural"], ["fit", "--set", "threshold=0.5"]):
        assert served.url in _cli("--db", served.db, *args).stderr
    listed = _cli("--db", served.db, "list", "--json")  # reading is fine
    assert listed.returncode == 0 and '"plural"' in listed.stdout
    second = _cli("--db", served.db, "serve", "--port", "0")
    assert second.returncode == 2 and f"already served by progdb serve at {served.url}" in second.stderr
    # the server's URL as --server (a librarian's next try) was "cannot reach the chroma server …: ValueError"
    through = _cli("--server", served.url, "add", "cli-writes", "-e", "a", "b")
    assert through.returncode == 2 and f"--server {served.url}: that is a `progdb serve`, not a chroma server" \
        in through.stderr, through.stderr
    with served.client() as http:
        assert http.get("/api/programs/plural").status_code == 200


def test_a_killed_servers_marker_is_ignored(served):
    served.kill()  # SIGKILL: the marker stays, its lock goes
    assert (served.folder / "db" / "progdb.serve").exists()
    written = _cli("--db", served.db, "add", "cli-writes", "-K", "write from the cli", "-e", "a", "b", "-e", "c", "d")
    assert written.returncode == 0, written.stderr
    db = ProgramDB(path=served.db)
    assert db.get("cli-writes").pairs() == [("a", "b"), ("c", "d")]
    got = db.store.cols["examples"].get(where={"program": "load-text"}, include=["metadatas"])
    assert len(got["ids"]) == len(set(got["ids"])) == N_TEXT  # each text pair of the import: one record
    assert len(db.get("load-words").examples) == N_PAIRS - N_TEXT


def test_two_servers_over_one_chroma_server_see_each_others_writes(chroma_server, tmp_path):
    env = {"PROGDB_NAMESPACE": "serve-shared"}
    a = Served(["--server", chroma_server, "--no-seed"], tmp_path / "a.log", env=env)
    b = Served(["--server", chroma_server, "--no-seed"], tmp_path / "b.log", env=env)
    try:
        with a.client() as one, b.client() as two:
            prompt = {"prompt": "make it loud: good morning"}
            assert two.post("/api/query", json=prompt).json()["mode"] == "none"  # b's caches are built now
            program = {"name": "loud", "kind": "fewshot", "keys": ["make it loud"],
                       "examples": [["hello there", "HELLO THERE"], ["see you", "SEE YOU"]]}
            assert one.post("/api/programs", json=program).status_code == 201
            assert [p["name"] for p in two.get("/api/programs").json()] == ["loud"]
            answer = two.post("/api/query", json=prompt).json()
            assert answer["mode"] != "none" and answer["programs"][0]["name"] == "loud"
            assert two.post("/api/programs", json=program).status_code == 409

            job = wait_job(two, two.post("/api/import", params={"program": "loud", "filename": "more.tsv"},
                                         content=b"good night\tGOOD NIGHT\n").json())
            assert job["state"] == "done" and job["result"]["added"] == 1
            assert len(one.get("/api/programs/loud").json()["examples"]) == 3
            assert one.delete("/api/programs/loud").status_code == 200
            assert two.get("/api/programs/loud").status_code == 404
            assert two.post("/api/query", json=prompt).json()["mode"] == "none"
    finally:
        a.stop()
        b.stop()


def test_two_servers_growing_one_program_at_once_lose_no_pair(chroma_server, tmp_path):
    """A tester's two servers over one chroma server each grew one program a pair a call, at once:
    every call answered 200 "grew", and half the pairs were gone (each server merged into the card
    it had last seen). A grow now reads the card under the program's lease."""
    env = {"PROGDB_NAMESPACE": "serve-grow"}
    a = Served(["--server", chroma_server, "--no-seed"], tmp_path / "a.log", env=env)
    b = Served(["--server", chroma_server, "--no-seed"], tmp_path / "b.log", env=env)
    try:
        with a.client() as one:
            program = {"name": "shout", "kind": "fewshot", "keys": ["shout {text}"], "examples": [["seed", "SEED"]]}
            assert one.post("/api/programs", json=program).status_code == 201
        failures = []

        def grow(server: Served, tag: str) -> None:
            with server.client() as client:
                for i in range(8):
                    r = client.post("/api/programs/shout/grow", json={"examples": [[f"{tag} {i}", f"{tag.upper()} {i}"]]})
                    if r.status_code != 200:
                        failures.append(r.text)

        threads = [threading.Thread(target=grow, args=(s, t)) for s, t in ((a, "from a"), (b, "from b"))]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert not failures, failures
        with b.client() as two:
            stored = {e[0] if isinstance(e, list) else e["input"] for e in two.get("/api/programs/shout").json()["examples"]}
        assert stored == {"seed"} | {f"from {s} {i}" for s in "ab" for i in range(8)}, sorted(stored)
    finally:
        a.stop()
        b.stop()


def test_three_imports_into_one_program_at_once_on_a_chroma_server_lose_no_pair(chroma_server, tmp_path):
    """A data engineer ran three `progdb --server URL import cN.csv --program conc-test &` at once:
    each said "2 added", and the program kept the last one's pairs (each rebased its pairs on the
    program as its own catalog had read it, before the others wrote)."""
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "PYTHONPATH": str(ROOT), "PROGDB_NAMESPACE": "import-at-once"}
    cli = [sys.executable, "-m", "progdb.cli", "--server", chroma_server, "--no-seed"]
    months = [("Jan", "January"), ("Feb", "February"), ("Mar", "March"), ("Apr", "April"), ("Jun", "June"),
              ("Jul", "July"), ("Aug", "August"), ("Sep", "September")]
    files = []
    for i in range(4):
        files.append(tmp_path / f"c{i}.csv")
        files[-1].write_text("".join(f"{a},{b}\n" for a, b in months[2 * i: 2 * i + 2]))
    first = subprocess.run([*cli, "import", str(files[0]), "--program", "conc"], env=env, capture_output=True,
                           text=True, timeout=300)
    assert first.returncode == 0, first.stderr
    procs = [subprocess.Popen([*cli, "import", str(f), "--program", "conc"], env=env, stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True) for f in files[1:]]
    for proc in procs:
        out, err = proc.communicate(timeout=300)
        assert proc.returncode == 0 and "2 added" in out, (out, err)
    shown = subprocess.run([*cli, "show", "conc", "--json"], env=env, capture_output=True, text=True, timeout=300)
    stored = {e[0] if isinstance(e, list) else e["input"] for e in json.loads(shown.stdout)["examples"]}
    assert stored == {a for a, _ in months}, sorted(stored)


def test_a_store_that_cannot_be_reached_is_503_and_the_server_recovers(tmp_path):
    """A tester stopped the chroma server under `progdb serve --server`: every route, /api/health
    too, answered 500 internal. A monitor needs to tell an outage from a bug; the server recovers
    when the store is back, without a restart."""
    port = free_port()
    chroma = start_chroma(tmp_path, port)
    server = Served(["--server", f"http://127.0.0.1:{port}", "--no-seed"], tmp_path / "serve.log",
                    env={"PROGDB_NAMESPACE": "outage"})
    try:
        with server.client() as client:
            assert client.get("/api/health").status_code == 200
            stop(chroma)
            for method, path, body in [("GET", "/api/health", None), ("GET", "/api/programs", None),
                                       ("POST", "/api/query", {"prompt": "plural of cat"})]:
                r = client.request(method, path, json=body)
                assert r.status_code == 503 and r.json()["error"] == "store_unavailable", (path, r.text)
            chroma = start_chroma(tmp_path, port)
            assert client.get("/api/health").status_code == 200
    finally:
        server.stop()
        stop(chroma)

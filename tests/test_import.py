"""Bulk import of pairs: every format, idempotence, bad input, crash safety and two writers, on a
real chromadb (embedded and `chroma run`) with the real models."""
from __future__ import annotations

import csv
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

from progdb.ingest.bulk import read_rows
from progdb.cli import cli
from progdb.db import ProgramDB, word_space
from progdb.errors import ProgdbError


PROGDB = shutil.which("progdb", path=str(Path(sys.executable).parent)) or "progdb"


def run(*args):
    return CliRunner().invoke(cli, [str(a) for a in args])


def _pairs(db, name):
    return sorted(db.get(name).pairs())


def _write(path: Path, text: str | bytes) -> Path:
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path


def test_every_pairs_format(tmp_path):
    d = tmp_path
    files = {
        "csv": _write(d / "a.csv", "program,input,output\nfem,duke,duchess\nfem,lord,lady\n"),
        "tsv": _write(d / "b.tsv", "input\toutput\nprince\tprincess\n"),
        "jsonl": _write(d / "c.jsonl", '{"input": "king", "output": "queen"}\n\n{"program": "pl", "input": "cat", '
                                       '"output": "cats"}\n'),
        "json": _write(d / "d.json", json.dumps([{"input": "dog", "output": "dogs", "program": "pl"}])),
        "analogy": _write(d / "e.txt", "# attribution\n: capital-world\nathens greece baghdad iraq\n"),
        "fv": _write(d / "country_currency.json", json.dumps([{"input": "Japan", "output": "yen"}])),
    }
    bats = d / "bats" / "1_inflectional"
    bats.mkdir(parents=True)
    _write(bats / "I01 noun plural.txt", "horse\thorses/horsies\nbox\tboxes\n")
    expected = {
        "csv": [("fem", 2, "duke", "duchess"), ("fem", 3, "lord", "lady")],
        "tsv": [("fem", 2, "prince", "princess")],
        "jsonl": [("fem", 1, "king", "queen"), ("pl", 3, "cat", "cats")],
        "json": [("pl", 1, "dog", "dogs")],
        "analogy": [("capital-world", 3, "athens", "greece"), ("capital-world", 3, "baghdad", "iraq")],
        "fv": [("country-currency", 1, "Japan", "yen")],
    }
    fmt_of = {"csv": None, "tsv": None, "jsonl": None, "json": None, "analogy": None, "fv": "fv"}  # None: detected
    for fmt, path in files.items():
        rows = list(read_rows(path, fmt_of[fmt], program="fem"))
        assert [(r.program, r.line, r.input, r.output) for r in rows] == expected[fmt], fmt
    rows = list(read_rows(d / "bats"))
    assert [(r.program, r.input, r.output) for r in rows] == [("i01-noun-plural", "horse", "horses"),
                                                              ("i01-noun-plural", "horse", "horsies"),
                                                              ("i01-noun-plural", "box", "boxes")]
    # All of them at once, into a new database: mixed formats in one command.
    db = str(d / "db")
    r = run("--db", db, "--no-seed", "import", *files.values(), d / "bats", "--program", "fem", "--json")
    assert r.exit_code == 0, r.output
    summary = json.loads(r.stdout)
    assert summary["added"] == 12 and summary["rejected"] == 0
    # (auto-detected, the fv file is plain json: its rows have no program, so they take --program)
    assert sorted(summary["created"]) == ["capital-world", "fem", "i01-noun-plural", "pl"]
    listed = {p["name"]: p for p in json.loads(run("--db", db, "list", "--json").stdout)}
    assert listed["fem"]["n_examples"] == 5 and listed["fem"]["kind"] == "vector"
    assert run("--db", db, "import", files["fv"], "--format", "fv").output.startswith("1 added")
    assert json.loads(run("--db", db, "show", "capital-world", "--json").stdout)["keys"] == ["capital world"]


def test_reimport_adds_nothing_and_one_output_updates_in_place(tmp_path):
    db = ProgramDB(path=str(tmp_path / "db"), seed=False)
    text = tmp_path / "style.csv"
    rows = [("formalize", f"hey there, this is note number {i} for ya", f"Good day. This is note number {i} for you.")
            for i in range(30)]
    with open(text, "w", newline="") as fh:
        csv.writer(fh).writerows([("program", "input", "output")] + rows)
    first = db.import_pairs(read_rows(text), batch_size=7)
    assert (first.added, first.updated, first.unchanged, first.created) == (30, 0, 0, ["formalize"])
    assert db.get("formalize").kind == "fewshot"
    again = db.import_pairs(read_rows(text), batch_size=7)
    assert (again.added, again.updated, again.unchanged, again.created) == (0, 0, 30, [])
    rows[3] = ("formalize", rows[3][1], "Greetings. Here is note number 3.")
    with open(text, "w", newline="") as fh:
        csv.writer(fh).writerows([("program", "input", "output")] + rows)
    # A new output for a stored input is a pair of its own, beside the first...
    changed = db.import_pairs(read_rows(text))
    assert (changed.added, changed.updated, changed.unchanged) == (1, 0, 29)
    assert len(db.get("formalize").examples) == 31
    # ...unless the input keeps one output: then it replaces the input's pairs.
    changed = db.import_pairs(read_rows(text), one_output=True)
    assert (changed.added, changed.updated, changed.unchanged) == (0, 1, 29)
    program = db.get("formalize")
    assert len(program.examples) == 30 and dict(program.pairs())[rows[3][1]] == rows[3][2]
    # One example record per pair, the updated one in place: what demonstrations are chosen from.
    records = db.store.cols["examples"].get(where={"program": "formalize"}, include=["metadatas"])
    assert len(records["ids"]) == 30
    assert {m["input"]: m["output"] for m in records["metadatas"]}[rows[3][1]] == rows[3][2]


def test_pairs_added_to_a_seeded_vector_program_update_its_offset(tmp_path):
    db = ProgramDB(path=str(tmp_path / "db"), seed=False)
    db.add(name="fem", keys=["female of {word}"], examples=[("king", "queen"), ("man", "woman")])
    more = _write(tmp_path / "more.tsv", "boy\tgirl\nuncle\taunt\nking\tqueen\n")
    s = db.import_pairs(read_rows(more, program="fem"))
    assert (s.added, s.unchanged) == (2, 1)
    stored = db.store.offsets(["fem"])["fem"]
    expected, n = word_space().mean_offset(db.get("fem").pairs())
    assert n == 4 and np.allclose(stored, expected, atol=1e-5)
    assert db.query("female of nephew").outputs[0].answer == "niece"


@pytest.mark.parametrize("content,message", [
    (b"", "empty file"),
    (b"input,output\n", "no pairs (only a header)"),
    (b"\x00\x01\x02binary", "binary file"),
    ("input\toutput\ncat\tkitten\n".encode("utf-16"), "UTF-16 text (Excel's \"Unicode Text\"); save it as UTF-8"),
    (b"program,input,output\nfem,duke\n", "line 2: field 'output' is missing"),
    (b"program,input,output\nfem,,duchess\n", "line 2: field 'input' is empty"),
    (b"program,input,output\nfem,duke,   \n", "line 2: field 'output' is empty"),
    (b"program,input,output\nfem,duke,duchess,extra\n", "line 2: expected 3 columns, found 4"),
    (b"program,input,output\nfem,\"duke,duchess\n", "line 2: a quote (\") is opened and not closed"),
    (b"program,input,output\nBad Name,duke,duchess\n", "line 2: field 'program': 'Bad Name'"),
    (b"program,input,output\nfem,duke,duchess\nfem,caf\x81,x\n", "line 3: not UTF-8 text"),
    (b"program,input,output\nfem,duke," + b"x" * 500_000 + b"\n", "line 2: line longer than"),
    (b"program,input,output\nfem,duke," + b"x" * 150_000 + b"\n", "line 2: field 'output' is 150,000 characters"),
])
def test_bad_rows_stop_the_import_naming_file_and_line(tmp_path, content, message):
    f = _write(tmp_path / "pairs.csv", content)
    db = str(tmp_path / "db")
    r = run("--db", db, "--no-seed", "import", f)
    assert r.exit_code == 2 and str(f) in r.stderr and message in r.stderr, r.output
    assert r.stdout == "" and r.stderr.strip().splitlines()[-1].startswith("Error: ")
    assert json.loads(run("--db", db, "list", "--json").stdout) == []  # nothing of the bad batch stored


def test_a_two_column_file_without_program_is_named_after_the_file(tmp_path):
    """A user's own csv: its header names its columns, not the known input,output; the file's name
    is the program's, and a file without a header keeps its first row."""
    db = str(tmp_path / "db")
    emoji = _write(tmp_path / "emoji.csv", "word,emoji\nhappy,😀\nsad,😢\nfire,🔥\n")
    r = run("--db", db, "--no-seed", "import", emoji)
    assert r.exit_code == 0 and "3 added" in r.stdout and "created 1 program(s): emoji" in r.stdout, r.output
    plural = _write(tmp_path / "my_plurals.csv", "cat,cats\nmouse,mice\n")
    assert run("--db", db, "import", plural).exit_code == 0
    cards = {p["name"]: p for p in json.loads(run("--db", db, "list", "--json").stdout)}
    assert set(cards) == {"emoji", "my-plurals"}
    pairs = json.loads(run("--db", db, "show", "emoji", "--json").stdout)["examples"]
    assert [(e["input"], e["output"]) for e in pairs] == [("happy", "😀"), ("sad", "😢"), ("fire", "🔥")]
    pairs = json.loads(run("--db", db, "show", "my-plurals", "--json").stdout)["examples"]
    assert [(e["input"], e["output"]) for e in pairs] == [("cat", "cats"), ("mouse", "mice")]
    other = _write(tmp_path / "more.csv", "word,emoji\nlove,❤️\n")  # --program names it; the header still goes
    r = run("--db", db, "import", other, "--program", "emoji")
    assert r.exit_code == 0 and "1 added" in r.stdout, r.output
    # a file named for its rows, in the plural: "element,symbol" was stored as a pair
    for name, text in (("elements.csv", "element,symbol\nHydrogen,H\nHelium,He\n"),
                       ("baby-animals.tsv", "Animal\tYoung\ncat\tkitten\ndog\tpuppy\n")):
        r = run("--db", db, "import", _write(tmp_path / name, text))
        assert r.exit_code == 0 and r.stdout.startswith("2 added"), r.output


def test_no_create_and_skip_bad_write_the_rejects(tmp_path):
    db = str(tmp_path / "db")
    assert run("--db", db, "--no-seed", "add", "fem", "--key", "female of {word}", "--example", "king", "queen"
               ).exit_code == 0
    f = _write(tmp_path / "p.csv", "program,input,output\nfem,duke,duchess\nghost,a,b\nfem,lord,\nfem,earl,countess\n")
    r = run("--db", db, "import", f, "--no-create")
    assert r.exit_code == 2 and "line 3: program 'ghost' does not exist (--no-create)" in r.output
    rejects = tmp_path / "rejects.jsonl"
    r = run("--db", db, "import", f, "--no-create", "--skip-bad", "--rejects", rejects, "--json")
    assert r.exit_code == 0, r.output
    assert json.loads(r.stdout)["added"] == 2 and json.loads(r.stdout)["rejected"] == 2
    bad = [json.loads(line) for line in rejects.read_text().splitlines()]
    assert [(b["line"], b["reason"]) for b in bad] == [(3, "program 'ghost' does not exist (--no-create)"),
                                                      (4, "field 'output' is empty")]
    assert bad[0]["file"] == str(f) and bad[1]["text"] == "fem,lord,"
    names = [p["name"] for p in json.loads(run("--db", db, "list", "--json").stdout)]
    assert names == ["fem"]


def test_a_spreadsheets_rows_of_bare_commas_are_no_rows(tmp_path):
    """Excel saves the empty rows under a table as ",": they stopped the import, "field 'input' is empty"."""
    db = str(tmp_path / "db")
    f = tmp_path / "nouns.csv"
    f.write_bytes("\ufeffNoun,Adjective\r\nfog,foggy\r\n,\r\nhope,hopeful\r\n,\r\n\"\",\"\"\r\n".encode())
    r = run("--db", db, "--no-seed", "import", str(f), "--program", "noun-adjective")
    assert r.exit_code == 0 and "2 added, 0 updated, 0 unchanged, 0 rejected" in r.output, r.output
    assert [e.input for e in ProgramDB(path=db).get("noun-adjective").examples] == ["fog", "hope"]


def test_a_hobbyists_hand_typed_files_read_as_typed(tmp_path):
    """Files a person types in a spreadsheet, as a trial's were: a tab-separated file saved as .csv
    ("line 1: field 'output' is missing"), an empty column past the pair ("Hop,Aroma," stored
    Hop -> Aroma), a header of two kinds of things over things ("Style<TAB>Country" over
    "Stout<TAB>Ireland" was stored as a pair, silently), and a comma typed inside a field."""
    def pairs(name: str, text: str, program: str) -> list:
        rows = list(read_rows(_write(tmp_path / name, text), program=program))
        return [(r.input, r.output) if hasattr(r, "input") else r.reason for r in rows]

    assert pairs("beers.csv", "Style\tCountry\nLambic\tBelgium\nBock\tGermany\n", "beer-origin") == \
        [("Lambic", "Belgium"), ("Bock", "Germany")]
    assert pairs("beers.tsv", "Style\tCountry\r\nStout\tIreland\r\nPilsner\tCzechia\r\n", "beer-origin") == \
        [("Stout", "Ireland"), ("Pilsner", "Czechia")]
    assert pairs("hops.csv", "Hop,Aroma,\r\nCentennial,floral,\r\nSimcoe,pine,\r\n", "hop-aroma") == \
        [("Centennial", "floral"), ("Simcoe", "pine")]
    # a pair of names under a pair of names is still data (no rule tells them from a header)
    assert pairs("capitals.csv", "France,Paris\nGermany,Berlin\n", "capital") == [("France", "Paris"), ("Germany", "Berlin")]
    # ...and a kind over a thing, as in a program of kinds, too
    assert pairs("kinds.csv", "Country,Nation\nCity,Town\n", "synonyms") == [("Country", "Nation"), ("City", "Town")]
    [reason] = [p for p in pairs("hops2.csv", "Hop,Aroma\nSimcoe,pine, resin\n", "hop-aroma") if isinstance(p, str)]
    assert reason == 'expected 2 columns, found 3 (a field holding a \',\' is written in quotes: ' \
                     '"Simcoe,pine", resin or Simcoe,"pine, resin")', reason
    # the field split may be the first as well: both ways are shown (a bookshop's message was hinted wrong)
    [reason] = [p for p in pairs("order.csv", "message,reply\nwhere is my order, it is late,Late delivery\n", "order")
                if isinstance(p, str)]
    assert '"where is my order, it is late",Late delivery' in reason, reason


def test_a_bad_batch_keeps_the_batches_before_it(tmp_path):
    db = ProgramDB(path=str(tmp_path / "db"), seed=False)
    lines = ["program,input,output"] + [f"fem,w{i},x{i}" for i in range(10)] + ["fem,broken"]
    f = _write(tmp_path / "p.csv", "\n".join(lines) + "\n")
    with pytest.raises(ProgdbError, match=r"line 12: field 'output' is missing .*the 10 rows before its batch"):
        db.import_pairs(read_rows(f), batch_size=5)
    assert len(db.get("fem").examples) == 10
    assert db.import_pairs(read_rows(f), batch_size=5, skip_bad=True).unchanged == 10


def _big_word_file(path: Path, n: int) -> list[tuple[str, str]]:
    words = [w for w in word_space().words[2000:] if w.isalpha()][: n + 1]
    pairs = list(zip(words[:-1], words[1:]))
    with open(path, "w", newline="") as fh:
        csv.writer(fh).writerows([("program", "input", "output")] + [("succ", a, b) for a, b in pairs])
    return pairs


def test_kill_9_mid_import_then_rerun_stores_every_pair_once(tmp_path):
    """A 100k-pair import killed at a random point, then run again: complete, each pair once, the
    program's offset that of its pairs. Repeated with different kill points."""
    pairs = _big_word_file(tmp_path / "big.csv", 100_000)
    env = dict(os.environ, HF_HUB_OFFLINE="1", PROGDB_WRITE_EVERY="0")
    rng = random.Random(7)
    partial = []
    for round_ in range(3):
        db = str(tmp_path / f"db{round_}")
        cmd = [PROGDB, "--db", db, "--no-seed", "import", str(tmp_path / "big.csv"),
               "--batch-size", "4000", "--quiet"]
        proc = subprocess.Popen(cmd, env=dict(env, PROGDB_IMPORT_TRACE="1"), stdout=subprocess.DEVNULL,
                                stderr=subprocess.PIPE, text=True)
        # After the first write (so a crash can lose something), at a random moment: often mid-write.
        line = proc.stderr.readline()
        assert line.startswith("progdb: creating a new database at "), line  # said before any work
        assert proc.stderr.readline().strip() == "progdb: written"
        time.sleep(rng.uniform(0.0, 1.5))
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        done = subprocess.run(cmd + ["--json"], env=env, capture_output=True, text=True, timeout=600)
        assert done.returncode == 0, done.stderr
        summary = json.loads(done.stdout)
        assert summary["added"] + summary["unchanged"] == len(pairs) and summary["updated"] == 0
        partial.append(summary["unchanged"])  # what the killed run had stored
        reopened = ProgramDB(path=db)
        stored = reopened.get("succ").pairs()
        assert len(stored) == len(pairs) and sorted(stored) == sorted(pairs)
        expected, _ = word_space().mean_offset(stored)
        assert np.allclose(reopened.store.offsets(["succ"])["succ"], expected, atol=1e-5)
    # The kills landed mid-import (not before the first write, not after the last), at least once.
    assert any(0 < n < len(pairs) for n in partial), partial


def test_two_processes_importing_into_one_server_lose_nothing(chroma_server, tmp_path):
    env = dict(os.environ, HF_HUB_OFFLINE="1", PROGDB_NAMESPACE=f"two-writers-{os.getpid()}")
    files = []
    for w in range(2):
        f = tmp_path / f"w{w}.csv"
        rows = [("program", "input", "output")] + [(f"style-{w}", f"sentence {i} from writer {w}",
                                                    f"SENTENCE {i} FROM WRITER {w}") for i in range(150)]
        with open(f, "w", newline="") as fh:
            csv.writer(fh).writerows(rows)
        files.append(f)
    procs = [subprocess.Popen([PROGDB, "--server", chroma_server, "--no-seed", "import",
                               str(f), "--batch-size", "50", "--quiet"], env=env, stderr=subprocess.PIPE)
             for f in files]
    for p in procs:
        assert p.wait(timeout=600) == 0, p.stderr.read().decode()
    db = ProgramDB(server=chroma_server, namespace=env["PROGDB_NAMESPACE"])
    for w in range(2):
        assert len(db.get(f"style-{w}").examples) == 150
        got = db.store.cols["examples"].get(where={"program": f"style-{w}"}, include=[])
        assert len(got["ids"]) == 150
    # and each stored example is findable by search
    from progdb.db import encoder
    hit = db.store.nearest_examples("style-1", encoder().encode(["sentence 77 from writer 1"])[0], 1)
    assert hit[0][0] == "sentence 77 from writer 1"


@pytest.mark.parametrize("kind", ["fewshot", "vector"])
def test_two_processes_importing_into_one_program_on_a_server_lose_nothing(chroma_server, tmp_path, kind):
    """Both write the same program at the same time, a write after every batch: each write takes
    the program's lease and rebases on the other's version, so the union of pairs is stored."""
    env = dict(os.environ, HF_HUB_OFFLINE="1", PROGDB_WRITE_EVERY="0",
               PROGDB_NAMESPACE=f"same-program-{kind}-{os.getpid()}")
    words = [w for w in word_space().words[:30000] if w.isalpha()]
    expected = {}  # (input, output) -> None: a pair is its input and output (an input may have two)
    files = []
    for w in range(2):
        if kind == "fewshot":
            rows = [(f"sentence {i} from writer {w}", f"SENTENCE {i} FROM WRITER {w}") for i in range(400)]
        else:
            rows = list(zip(words[w::2][:6000], words[w + 1::2][:6000]))
        rows += [("a shared first input", "a shared output")] if kind == "fewshot" else [("cat", "cats")]
        expected.update(dict.fromkeys(rows))
        f = tmp_path / f"w{w}.csv"
        with open(f, "w", newline="") as fh:
            csv.writer(fh).writerows([("program", "input", "output")] + [("shared", a, b) for a, b in rows])
        files.append(f)
    procs = [subprocess.Popen([PROGDB, "--server", chroma_server, "--no-seed", "import", str(f),
                               "--batch-size", "50" if kind == "fewshot" else "500", "--quiet"],
                              env=env, stderr=subprocess.PIPE) for f in files]
    for p in procs:
        assert p.wait(timeout=600) == 0, p.stderr.read().decode()
    db = ProgramDB(server=chroma_server, namespace=env["PROGDB_NAMESPACE"])
    program = db.get("shared")
    assert program.kind == kind
    assert sorted(program.pairs()) == sorted(expected)
    if kind == "fewshot":
        got = db.store.cols["examples"].get(where={"program": "shared"}, include=["metadatas"])
        assert sorted((m["input"], m["output"]) for m in got["metadatas"]) == sorted(expected)
    else:
        mean, _ = word_space().mean_offset(list(expected))
        assert np.allclose(db.store.offsets(["shared"])["shared"], mean, atol=1e-5)
    names = [c.name if hasattr(c, "name") else c for c in db.store.client.list_collections()]
    assert not [n for n in names if n.startswith(env["PROGDB_NAMESPACE"] + "-lease-")]  # all released


def test_a_json_list_is_read_one_item_at_a_time(tmp_path, monkeypatch):
    """Items keep the line they start on, across chunk boundaries; a broken file names its line;
    reading never holds the whole list."""
    import tracemalloc

    import progdb.ingest.bulk as bulk

    f = _write(tmp_path / "p.json", '[\n {"input": "a", "output": "b"},\n {"input": "cé", "output": "d"}\n]')
    for chunk in (3, 7, 1 << 20):
        monkeypatch.setattr(bulk, "JSON_CHUNK", chunk)
        assert [(r.line, r.input, r.output) for r in read_rows(f, "json", "p")] == [(2, "a", "b"), (3, "cé", "d")]
    broken = _write(tmp_path / "b.json", '[{"input": "a", "output": "b"},\n {"input": "c" "output": "d"}]')
    with pytest.raises(ProgdbError, match=r"b.json, line 2: not valid JSON"):
        list(read_rows(broken, "json", "p"))
    with pytest.raises(ProgdbError, match=r"line 1: not valid JSON \(the list is not closed; the file ends inside the list"):
        list(read_rows(_write(tmp_path / "open.json", '[{"input": "a", "output": "b"}'), "json", "p"))
    monkeypatch.setattr(bulk, "JSON_CHUNK", 1 << 20)
    big = tmp_path / "big.json"
    with open(big, "w") as fh:
        fh.write("[" + ",\n".join(json.dumps({"input": f"in {i} " * 8, "output": f"out {i} " * 8})
                                  for i in range(200_000)) + "]")
    tracemalloc.start()
    try:
        assert sum(1 for _ in read_rows(big, "json", "p")) == 200_000
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < big.stat().st_size / 4, (peak, big.stat().st_size)


def _add_first(db: ProgramDB, n: int) -> None:
    db.add(name="first", kind="fewshot", keys=["make it formal"],
           examples=[(f"gimme item number {i} now", f"Please give me item {i}.") for i in range(n)])


def _shout_file(tmp_path: Path, n: int) -> Path:
    """A csv of n text pairs for the program 'shout'."""
    f = tmp_path / "shout.csv"
    with open(f, "w", newline="") as fh:
        csv.writer(fh).writerows([("program", "input", "output")] + [
            ("shout", f"please say sentence number {i} loudly", f"PLEASE SAY SENTENCE NUMBER {i} LOUDLY")
            for i in range(n)])
    return f


def test_a_long_lived_process_sees_and_keeps_another_process_writes(tmp_path):
    """chromadb holds each index in the memory of every process that opened it: a process that
    opened the database before another one wrote must reopen before reading or writing, or its
    next write overwrites the other's vectors (bench/embedded_writers.py measured it)."""
    from progdb.db import encoder

    path = tmp_path / "db"
    env = dict(os.environ, HF_HUB_OFFLINE="1")
    mine = ProgramDB(path=str(path), seed=False)  # opened, written and searched before the other process writes
    _add_first(mine, 100)
    assert mine.store.nearest_examples("first", encoder().encode(["gimme item number 3 now"])[0], 1)
    f = _shout_file(tmp_path, 300)
    subprocess.run([PROGDB, "--db", str(path), "import", str(f), "--quiet"], env=env, check=True, timeout=600)
    # this process now reads the other's program, searches included
    vec = encoder().encode(["please say sentence number 7 loudly"])[0]
    assert mine.store.nearest_examples("shout", vec, 1)[0][0] == "please say sentence number 7 loudly"
    assert [p["name"] for p in mine.list()] == ["first", "shout"]
    # and writes without destroying it
    mine.add(name="whisper", kind="fewshot", keys=["say it quietly"],
             examples=[(f"tell me secret number {i}", f"psst, secret {i}") for i in range(300)])
    check = ("import sys, numpy as np; from progdb.db import ProgramDB, encoder\n"
             "db = ProgramDB(path=sys.argv[1], seed=False)\n"
             "for name in ('first', 'shout', 'whisper'):\n"
             "    texts = [e.input for e in db.get(name).examples]\n"
             "    vecs = encoder().encode(texts)\n"
             "    found = sum(db.store.nearest_examples(name, v, 1)[0][0] == t for t, v in zip(texts, vecs))\n"
             "    print(name, found, len(texts))\n")
    out = subprocess.run([sys.executable, "-c", check, str(path)], env=env, capture_output=True, text=True,
                         timeout=600)
    assert out.returncode == 0, out.stderr[-2000:]
    assert out.stdout.split("\n")[:3] == ["first 100 100", "shout 300 300", "whisper 300 300"], out.stdout



def test_a_quoted_field_may_hold_new_lines_as_spreadsheets_write_them(tmp_path):
    """Excel writes a cell's new lines inside its quotes: the row was refused as an unclosed quote,
    and --skip-bad stored its second half as a pair."""
    db = str(tmp_path / "db")
    f = _write(tmp_path / "replies.csv", 'question,answer\n"Where is my refund?\nI returned the shoes.","Thanks, it ships today."\n'
               '"Hi,\n\nmy order is late","Sorry, it is on the way."\n5" screen,five inch screen\n')
    r = run("--db", db, "--no-seed", "import", f, "--program", "sup")
    assert r.exit_code == 0 and r.stdout.startswith("3 added"), r.output
    pairs = [(e["input"], e["output"]) for e in json.loads(run("--db", db, "show", "sup", "--json").stdout)["examples"]]
    assert pairs == [("Where is my refund?\nI returned the shoes.", "Thanks, it ships today."),
                     ("Hi,\n\nmy order is late", "Sorry, it is on the way."), ('5" screen', "five inch screen")]
    unclosed = _write(tmp_path / "bad.csv", 'input,output\n"never closed,x\ncat,cats\n')
    r = run("--db", db, "import", unclosed, "--program", "bad")
    assert r.exit_code == 2 and "bad.csv, line 2" in r.output and "not closed" in r.output, r.output


def test_the_header_option_and_what_a_data_engineer_s_files_hold(tmp_path):
    db = str(tmp_path / "db")
    hosts = _write(tmp_path / "hosts.csv", "hostname,datacenter\nweb-1.prod,lon1\nweb-2.prod,fra1\n")
    r = run("--db", db, "--no-seed", "import", hosts, "--header")
    assert r.exit_code == 0 and r.stdout.startswith("2 added"), r.output
    pairs = [(e["input"], e["output"]) for e in json.loads(run("--db", db, "show", "hosts", "--json").stdout)["examples"]]
    assert pairs == [("web-1.prod", "lon1"), ("web-2.prod", "fra1")]
    words = _write(tmp_path / "words.csv", "input,output\ncat,cats\n")  # --no-header: a first row of data, whatever it says
    assert run("--db", db, "import", words, "--no-header", "--program", "w").stdout.startswith("2 added")
    # numbers, as pandas writes them, and src/tgt keys
    nums = _write(tmp_path / "status.jsonl", '{"input": 200, "output": "OK"}\n{"src": "404", "tgt": "Not Found"}\n')
    r = run("--db", db, "import", nums, "--program", "status")
    assert r.exit_code == 0 and r.stdout.startswith("2 added"), r.output


def test_rejects_are_kept_to_mend_and_a_file_of_bad_rows_imports_nothing(tmp_path):
    db = str(tmp_path / "db")
    latin = tmp_path / "latin.csv"
    latin.write_bytes(b"input,output\ncaf\x81,coffee shop\n")  # (a byte Windows-1252 leaves undefined)
    rejects = tmp_path / "rejects.jsonl"
    # --rejects alone sets bad rows aside (it was ignored, and the import stopped at the first)
    r = run("--db", db, "--no-seed", "import", str(latin), "--program", "x", "--rejects", str(rejects))
    assert r.exit_code == 1 and "0 added, 0 updated, 0 unchanged, 1 rejected" in r.stdout, r.output  # nothing imported
    bad = json.loads(rejects.read_text().splitlines()[0])
    assert bad["line"] == 2 and bad["text"] == "caf\\x81,coffee shop"  # the line, its bad byte escaped, to mend


def test_pairs_piped_into_import_are_read_as_a_file_of_them(tmp_path):
    """`cat team.txt | progdb import - --program team` said "line 1: not valid JSON": stdin was read
    only as a `progdb export` file. Piped pairs are now told by their lines, as a file's are."""
    db = str(tmp_path / "db")
    env = dict(os.environ, HF_HUB_OFFLINE="1")

    def pipe(text: str, *args: str) -> subprocess.CompletedProcess:
        return subprocess.run([PROGDB, "--db", db, "--no-seed", "import", "-", *args], input=text, env=env,
                              capture_output=True, text=True, timeout=300)

    done = pipe("jb -> Jonathan Barker\nmo -> Maureen O'Donnell\n", "--program", "team")
    assert done.returncode == 0 and "2 added" in done.stdout, done.stderr
    done = pipe('{"input": "rook", "output": "straight lines"}\n', "--program", "chess")
    assert done.returncode == 0 and "1 added" in done.stdout, done.stderr
    done = pipe("input,output\nking,one square\nqueen\n", "--program", "chess")
    assert done.returncode == 2 and "<stdin>, line 3: field 'output' is missing" in done.stderr, done.stderr
    assert "progdb-stdin" not in done.stderr  # the spooled copy is never named
    done = pipe("jb -> Jonathan Barker\n")
    assert done.returncode == 2 and "need --program" in done.stderr, done.stderr
    done = pipe("", "--program", "team")
    assert done.returncode == 2 and "<stdin>: empty" in done.stderr, done.stderr
    # an export piped back in is still a whole program
    exported = subprocess.run([PROGDB, "--db", db, "--no-seed", "export", "team"], env=env, capture_output=True,
                              text=True, timeout=300).stdout
    other = str(tmp_path / "other")
    done = subprocess.run([PROGDB, "--db", other, "--no-seed", "import", "-"], input=exported, env=env,
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0 and "imported 1 program (" in done.stdout, done.stderr
    assert sorted(ProgramDB(path=other).get("team").pairs()) == [("jb", "Jonathan Barker"), ("mo", "Maureen O'Donnell")]

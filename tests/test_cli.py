"""Each command through click, plus the real entry points in subprocesses."""
import json
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from progdb.cli import cli

ROOT = Path(__file__).resolve().parent.parent


def run(*args, input=None):
    return CliRunner().invoke(cli, list(args), input=input)


def test_list_and_show_seeded(seeded_path):
    r = run("--db", seeded_path, "list", "--json")
    assert r.exit_code == 0, r.output
    rows = json.loads(r.stdout)
    names = {row["name"] for row in rows}
    assert len(rows) >= 25
    for required in ("plural", "male-to-female", "past-tense", "present-participle", "comparative",
                     "superlative", "adjective-to-adverb", "opposite", "antonym", "synonym",
                     "nationality-adjective", "country-capital", "country-currency", "city-to-state",
                     "person-instrument", "person-sport", "english-french", "english-german",
                     "english-spanish", "capitalize", "shakespearean", "formal", "plain-english", "casual"):
        assert required in names
    assert set(rows[0]) == {"name", "kind", "n_keys", "n_examples", "description"}
    text = run("--db", seeded_path, "list").output
    assert text.splitlines()[0].split()[:4] == ["name", "kind", "keys", "examples"]
    shown = json.loads(run("--db", seeded_path, "show", "plural", "--json").stdout)
    assert shown["name"] == "plural" and shown["license"] and shown["source"]
    assert {"input": "mouse", "output": "mice"} in shown["examples"]
    assert "plural (vector)" in run("--db", seeded_path, "show", "plural").output


def test_query_text_json_and_explain(seeded_path):
    r = run("--db", seeded_path, "query", "past tense of go")
    assert r.exit_code == 0 and "go -> went" in r.output
    d = json.loads(run("--db", seeded_path, "query", "past tense of tweet", "-k", "3", "--json").stdout)
    assert d["mode"] == "nearest" and len(d["outputs"][0]["candidates"]) == 3  # (computed: a stored answer has none)
    e = run("--db", seeded_path, "query", "past tense of go", "--explain").output
    assert "1. parse" in e and "2. retrieve" in e and "3. execute" in e and "went" in e
    none = run("--db", seeded_path, "query", "what's the weather in Oslo")
    assert none.exit_code == 1 and none.output.startswith("no program:")


def test_add_show_remove_export_import(tmp_path):
    db = str(tmp_path / "db")
    pairs = tmp_path / "pairs.csv"
    pairs.write_text("input,output\nbrother,sister\nson,daughter\nuncle,aunt\n")
    r = run("--db", db, "--no-seed", "add", "fem", "--key", "female of {word}", "--key", "girl version of {word}",
            "--example", "king", "queen", "--examples", str(pairs), "-d", "male to female")
    assert r.exit_code == 0, r.output
    assert "added fem (vector, 3 keys, 4 examples)" in r.output  # its two keys and its name, "fem"
    assert json.loads(run("--db", db, "show", "fem", "--json").stdout)["keys"] == [
        "female of {word}", "girl version of {word}", "fem"]
    assert json.loads(run("--db", db, "list", "--json").stdout)[0]["n_examples"] == 4
    assert run("--db", db, "query", "female of nephew").output.splitlines()[1].startswith("nephew -> niece")
    grown = run("--db", db, "add", "fem", "--key", "feminine of {word}", "--example", "duke", "duchess")
    assert grown.exit_code == 0 and grown.output.startswith("grew fem (+1 key, +1 example")
    assert run("--db", db, "add", "fem", "--key", "feminine {word}", "--example", "duke", "duchess",
               "--replace").exit_code == 0
    assert json.loads(run("--db", db, "show", "fem", "--json").stdout)["keys"] == ["feminine {word}", "fem"]
    out = tmp_path / "all.jsonl"
    assert run("--db", db, "export", "-o", str(out)).exit_code == 0
    db2 = str(tmp_path / "db2")
    assert run("--db", db2, "--no-seed", "import", str(out)).exit_code == 0
    assert run("--db", db2, "export").stdout == out.read_text()
    assert run("--db", db, "remove", "fem").output == "removed fem\n"
    assert json.loads(run("--db", db, "list", "--json").stdout) == []
    assert "no program named 'fem'" in run("--db", db, "remove", "fem").output


def test_one_wrong_pair_is_removed_and_the_program_kept(tmp_path):
    """A hobbyist's typo in one pair had no way out but removing the whole program."""
    db = str(tmp_path / "db")
    pairs = tmp_path / "lang.csv"
    pairs.write_text("extension,language\n.py,Python\n.rs,Rust\n.go,Ruby\n.rb,Ruby\n")
    assert run("--db", db, "--no-seed", "import", str(pairs), "--program", "lang", "-q").exit_code == 0
    assert run("--db", db, "query", "lang .go").output.splitlines()[1].startswith(".go -> Ruby")
    missing = run("--db", db, "remove", "lang", "--input", ".java")
    assert missing.exit_code == 2 and "no example with input '.java'" in missing.output
    dropped = run("--db", db, "remove", "lang", "--input", ".GO")
    assert dropped.exit_code == 0 and dropped.output == "removed lang: .go -> Ruby\nlang keeps 3 examples\n"
    card = json.loads(run("--db", db, "show", "lang", "--json").stdout)
    assert [e["input"] for e in card["examples"]] == [".py", ".rs", ".rb"]
    assert run("--db", db, "add", "lang", "--example", ".go", "Go").exit_code == 0
    assert run("--db", db, "query", "lang .go").output.splitlines()[1].startswith(".go -> Go")


def test_add_program_file(tmp_path):
    prog = tmp_path / "shout.yaml"
    prog.write_text("name: shout\nkeys: ['shout {text}']\ndescription: Shout it.\n"
                    "examples:\n  - {input: hi there, output: HI THERE!}\n  - {input: go on, output: GO ON!}\n")
    r = run("--db", str(tmp_path / "db"), "--no-seed", "add", "--file", str(prog))
    assert r.exit_code == 0 and "added shout (fewshot, 1 key, 2 examples)" in r.output
    # The file alone, positionally, in JSON as well; then it compiles from what it stores.
    card = {"name": "whisper", "keys": ["whisper {text}"], "description": "Whisper it.",
            "examples": [{"input": "HI THERE", "output": "hi there..."}, {"input": "GO ON", "output": "go on..."}]}
    (tmp_path / "whisper.json").write_text(json.dumps(card))
    r = run("--db", str(tmp_path / "db"), "add", str(tmp_path / "whisper.json"))
    assert r.exit_code == 0 and "added whisper (fewshot, 1 key, 2 examples)" in r.output
    doc = json.loads(run("--db", str(tmp_path / "db"), "compile", "whisper STOP NOW", "--format", "json").stdout)
    assert doc["program"] == "whisper" and doc["messages"][0]["content"].startswith("Whisper it.")
    assert {e["input"] for e in doc["examples"]} == {"HI THERE", "GO ON"}
    bad = tmp_path / "bad.yaml"
    bad.write_text("name: bad\nkeys: ['x {text}']\nexamples:\n  - {input: a}\n")
    r = run("--db", str(tmp_path / "db"), "add", str(bad))
    assert r.exit_code == 2 and str(bad) in r.output and "example 1" in r.output


@pytest.mark.parametrize("content,message", [
    ("", "empty file"),
    # a comma left out says so: a spreadsheet user reads "missing" as an empty cell
    ("input,output\nking,queen\nCeltic Glasgow\n", "line 3: field 'output' is missing (expected 2 columns "
                                                   "separated by ',', found 1)"),
    ("input,output\nking,\n", "line 2: field 'output' is empty"),
    ('{"input": "a", "output": "b"}\n{"input": "c"}\n', "line 2: field 'output' is missing"),
    ("king,queen,prince\n", "line 1: expected 2 columns"),
])
def test_bad_examples_file_names_file_line_field(tmp_path, content, message):
    f = tmp_path / ("pairs.jsonl" if content.startswith("{") else "pairs.csv")
    f.write_text(content)
    r = run("--db", str(tmp_path / "db"), "--no-seed", "add", "p", "--key", "k {word}", "--examples", str(f))
    assert r.exit_code == 2
    assert str(f) in r.stderr and message in r.stderr
    assert r.stderr.strip().splitlines()[-1].startswith("Error: ") and len(r.stdout.strip().splitlines()) == 0


def test_binary_and_wrong_encoding_files(tmp_path):
    f = tmp_path / "pairs.csv"
    f.write_bytes(b"\x00\x01\x02binary")
    assert "binary file" in run("--db", str(tmp_path / "db"), "--no-seed", "add", "p", "--key", "k",
                                "--examples", str(f)).output
    # (Windows-1252, as Excel saves a CSV, is read: test_first_hour; bytes it leaves undefined are no text)
    f.write_bytes(b"input,output\ncaf\x81\x8d,coffee\n")
    assert "line 2: not UTF-8" in run("--db", str(tmp_path / "db"), "--no-seed", "add", "p", "--key", "k",
                                      "--examples", str(f)).output


def _subprocess(*args, **kw):
    return subprocess.run([sys.executable, *args], capture_output=True, text=True, cwd=ROOT, timeout=300, **kw)


def test_checkout_entry_point_errors_are_one_line(tmp_path):
    p = _subprocess("cli.py", "--db", str(tmp_path / "db"), "--no-seed", "show", "nosuch")
    assert p.returncode == 2
    assert p.stderr.strip().splitlines()[-1] == "Error: no program named 'nosuch'"
    assert "Traceback" not in p.stderr


def test_list_does_not_load_the_models(seeded_path):
    code = ("import sys; from progdb.cli import cli\n"
            f"cli(['--db', {seeded_path!r}, 'list'], standalone_mode=False)\n"
            "print('HEAVY' if {'torch', 'sentence_transformers'} & set(sys.modules) else 'LIGHT')")
    p = _subprocess("-c", code)
    assert p.returncode == 0, p.stderr
    assert p.stdout.strip().endswith("LIGHT")


def test_environment_selects_the_database(seeded_path, tmp_path):
    p = subprocess.run([sys.executable, "cli.py", "list", "--json"], capture_output=True, text=True, cwd=ROOT,
                       env={**__import__("os").environ, "PROGDB_DB": seeded_path}, timeout=300)
    assert p.returncode == 0 and len(json.loads(p.stdout)) >= 25


def test_server_mode_from_the_command_line(chroma_server, tmp_path):
    f = tmp_path / "pairs.tsv"
    f.write_text("walk\twalked\njump\tjumped\nplay\tplayed\nlook\tlooked\n")
    r = run("--server", chroma_server, "--no-seed", "add", "pastish", "--key", "pastify {word}", "--examples", str(f))
    assert r.exit_code == 0, r.output
    d = json.loads(run("--server", chroma_server, "query", "pastify talk", "--json").stdout)
    assert d["programs"][0]["name"] == "pastish" and d["outputs"][0]["answer"] == "talked"
    down = run("--server", "http://127.0.0.1:1", "list").output  # (chromadb's reason, not a bare "ValueError")
    assert "cannot reach the chroma server at http://127.0.0.1:1 (is `chroma run` serving there? ValueError: " in down
    # a server's URL given as --db was "the folder http: does not exist"
    r = run("--db", chroma_server, "list")
    assert r.exit_code == 2 and f"--db {chroma_server}: a URL, not a folder (a chroma server is given as --server " \
        f"{chroma_server})" in r.output, r.output


def test_a_program_file_without_keys_is_found_by_its_name_as_add_name_is(tmp_path):
    """`progdb add NAME` needs no key; a program file without "keys" was refused, and its message
    hid the real fault (an empty example)."""
    db = str(tmp_path / "db")
    f = tmp_path / "blurb.json"
    f.write_text(json.dumps({"name": "product-blurb", "kind": "fewshot",
                             "examples": [{"input": "linen shirt, 3 colours", "output": "Breathe easy in linen."}]}))
    r = CliRunner().invoke(cli, ["--db", db, "--no-seed", "add", str(f)])
    assert r.exit_code == 0, r.output
    assert json.loads(CliRunner().invoke(cli, ["--db", db, "show", "product-blurb", "--json"]).stdout)["keys"] == \
        ["product blurb"]
    f.write_text(json.dumps({"name": "bad", "examples": [{"input": "", "output": "x"}]}))
    r = CliRunner().invoke(cli, ["--db", db, "add", str(f)])
    assert r.exit_code == 2 and "example 1: field 'input' is empty" in r.output, r.output


def test_serving_beyond_loopback_without_a_token_is_warned():
    from progdb.cli import exposure_warning

    assert exposure_warning("127.0.0.1", None) is None and exposure_warning("127.0.0.2", None) is None
    assert exposure_warning("::1", None) is None and exposure_warning("localhost", None) is None
    assert "PROGDB_TOKEN is not set" in exposure_warning("0.0.0.0", None)
    assert exposure_warning("0.0.0.0", "secret") is None

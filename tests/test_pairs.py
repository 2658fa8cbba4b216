"""A pair is (program, input, output): several outputs of one input all stored and answered, re-import
unchanged, --one-output, BATS alternatives, and a database of the old layout (one example record per
input, its id hashing the input) migrated on open; real chromadb (embedded and `chroma run`), real
models."""
from __future__ import annotations

import csv
import hashlib
import json
from pathlib import Path

import numpy as np
from click.testing import CliRunner

from progdb.ingest.bulk import read_rows
from progdb.cli import cli
from progdb.db import ProgramDB, encoder, word_space
from progdb.report import result_text
from progdb.storage.store import PAIR_ID, SCHEMA, example_id


def run(*args):
    return CliRunner().invoke(cli, [str(a) for a in args])


def _csv(path: Path, rows) -> Path:
    with open(path, "w", newline="") as fh:
        csv.writer(fh).writerows([("program", "input", "output")] + list(rows))
    return path


def _records(db: ProgramDB, name: str) -> tuple[list[str], list[tuple[str, str]]]:
    """The program's example records: ids, and (input, output) sorted."""
    got = db.store.cols["examples"].get(where={"program": name}, include=["metadatas"])
    return got["ids"], sorted((m["input"], m["output"]) for m in got["metadatas"])


def _reopen(db: ProgramDB) -> ProgramDB:
    if db.path:
        return ProgramDB(path=db.path, seed=False)
    return ProgramDB(server=db.store.server, seed=False, namespace=db.store.namespace)


def test_every_output_of_an_input_is_stored_answered_and_averaged(empty_db, tmp_path):
    db = empty_db
    db.add(name="syn", keys=["a synonym of {word}"], examples=[("big", "large")])
    words = [w for w in word_space().words[1000:1400] if w.isalpha()]
    rows = [("syn", "big", "large"), ("syn", "big", "huge"), ("syn", "big", "huge")]  # stored, new, repeated
    rows += [("syn", words[i], words[i + 1 + j]) for i in range(0, 60, 4) for j in range(3)]  # 3 outputs an input
    rows += rows[3:20]  # exact repeats
    f = _csv(tmp_path / "syn.csv", rows)
    distinct = list(dict.fromkeys((a, b) for _, a, b in rows))
    first = db.import_pairs(read_rows(f), batch_size=16)
    assert (first.added, first.updated, first.unchanged) == (len(distinct) - 1, 0, len(rows) - len(distinct) + 1)
    again = db.import_pairs(read_rows(f), batch_size=16)
    assert (again.added, again.updated, again.unchanged) == (0, 0, len(rows))
    program = db.get("syn")
    assert sorted(program.pairs()) == sorted(distinct) and len(program.examples) == len(distinct)
    assert [b for a, b in program.pairs() if a == "big"] == ["large", "huge"]
    # The offset is the mean over every pair, several outputs of an input included.
    expected, n = word_space().mean_offset(distinct)
    assert n == len(distinct)
    assert np.allclose(db.store.offsets(["syn"])["syn"], expected, atol=1e-5)
    # The methods and the ranker learn from every pair.
    wp = db.catalog.word_program(program)
    assert sorted(wp.pairs.pairs) == sorted(distinct)
    assert wp.ranker() is not None and sorted(wp.ranker().pairs) == sorted(distinct)
    # A stored input answers with all of its outputs.
    r = db.query("a synonym of big")
    out = r.outputs[0]
    assert (out.source, out.answer, out.answers) == ("stored", "large", ["large", "huge"])
    assert "big -> large / huge (stored example)" in result_text(r).splitlines()
    assert r.to_dict()["outputs"][0]["answers"] == ["large", "huge"]
    # one_output: a new output for a stored input replaces every output it had
    one = db.import_pairs(read_rows(_csv(tmp_path / "one.csv", [("syn", "big", "enormous")])), one_output=True)
    assert (one.added, one.updated, one.unchanged) == (0, 1, 0)
    pairs = db.get("syn").pairs()
    assert [b for a, b in pairs if a == "big"] == ["enormous"] and len(pairs) == len(distinct) - 1
    expected, _ = word_space().mean_offset(pairs)
    assert np.allclose(db.store.offsets(["syn"])["syn"], expected, atol=1e-5)


def test_text_pairs_have_a_record_each_and_one_output_replaces(empty_db, tmp_path):
    db = empty_db
    texts = [(f"hey there, this is note number {i} for ya", f"Good day. This is note number {i} for you.")
             for i in range(12)]
    db.add(name="style", kind="fewshot", keys=["make it formal: {text}"], examples=texts[:1])
    second = (texts[0][0], "Hello. This is note number 0.")
    rows = [("style", a, b) for a, b in texts] + [("style", *second), ("style", *texts[1])]
    f = _csv(tmp_path / "style.csv", rows)
    s = db.import_pairs(read_rows(f), batch_size=5)
    assert (s.added, s.updated, s.unchanged) == (12, 0, 2)
    assert (0, 0, 14) == (lambda s: (s.added, s.updated, s.unchanged))(db.import_pairs(read_rows(f), batch_size=5))
    ids, pairs = _records(db, "style")
    assert pairs == sorted(texts + [second]) and len(ids) == 13
    assert sorted(ids) == sorted(example_id("style", a, b) for a, b in texts + [second])
    # Both outputs of the input are demonstrations (each a record, with the input's embedding)...
    vec = encoder().encode([texts[0][0]])[0]
    near = db.store.nearest_examples("style", vec, 2, db.get("style").pairs())
    assert sorted((a, b) for a, b, _, _ in near) == sorted([texts[0], second]) and min(x[2] for x in near) > 0.99
    # ...and both answer the input.
    out = db.query(f"make it formal: {texts[0][0]}").outputs[0]
    assert (out.source, out.answer, out.answers) == ("stored", texts[0][1], [texts[0][1], second[1]])
    # one_output: the input's two pairs give way to the new one, their records too.
    third = (texts[0][0], "Greetings. This is note zero.")
    one = _csv(tmp_path / "one.csv", [("style", *third), ("style", *texts[5])])
    s = db.import_pairs(read_rows(one), one_output=True)
    assert (s.added, s.updated, s.unchanged) == (0, 1, 1)
    assert db.import_pairs(read_rows(one), one_output=True).unchanged == 2
    program = db.get("style")
    assert [b for a, b in program.pairs() if a == texts[0][0]] == [third[1]] and len(program.examples) == 12
    ids, pairs = _records(db, "style")
    assert pairs == sorted(texts[1:] + [third]) and len(ids) == 12


def test_bats_alternatives_each_a_pair_and_the_cli(tmp_path):
    d = tmp_path / "bats"
    d.mkdir()
    (d / "I02 noun plural_irreg.txt").write_text("octopus\toctopi/octopuses\nmouse\tmice\ncactus\tcacti/cactuses\n",
                                                 encoding="utf-8")
    db = str(tmp_path / "db")
    r = run("--db", db, "--no-seed", "import", d, "--json")
    assert r.exit_code == 0, r.output
    assert json.loads(r.stdout)["added"] == 5
    assert run("--db", db, "import", d).output.startswith("0 added, 0 updated, 5 unchanged")
    shown = json.loads(run("--db", db, "show", "i02-noun-plural-irreg", "--json").stdout)
    assert [(e["input"], e["output"]) for e in shown["examples"]] == [
        ("octopus", "octopi"), ("octopus", "octopuses"), ("mouse", "mice"), ("cactus", "cacti"), ("cactus", "cactuses")]
    # The text and --json answers of a stored input with two outputs.
    assert run("--db", db, "add", "syn", "--key", "synonym of {word}", "--example", "big", "large").exit_code == 0
    f = tmp_path / "syn.tsv"
    f.write_text("big\thuge\n", encoding="utf-8")
    assert run("--db", db, "import", f, "-p", "syn").output.startswith("1 added, 0 updated, 0 unchanged")
    r = run("--db", db, "query", "synonym of big")
    assert "big -> large / huge (stored example)" in r.output.splitlines(), r.output
    out = json.loads(run("--db", db, "query", "synonym of big", "--json").stdout)["outputs"][0]
    assert (out["answer"], out["answers"]) == ("large", ["large", "huge"])
    # --one-output
    f.write_text("big\tenormous\n", encoding="utf-8")
    r = run("--db", db, "import", f, "-p", "syn", "--one-output")
    assert r.output.startswith("0 added, 1 updated, 0 unchanged"), r.output
    assert "big -> enormous (stored example)" in run("--db", db, "query", "synonym of big").output


def _old_id(program: str, text: str) -> str:
    """An example record's id before a pair was (program, input, output): the input's hash."""
    return f"{program}/e/{hashlib.sha1(text.encode('utf-8')).hexdigest()[:16]}"


def test_a_database_of_the_old_layout_is_migrated_on_open(empty_db, tmp_path):
    db = empty_db
    texts = [(f"please write sentence number {i} politely", f"Would you kindly write sentence {i}?") for i in range(8)]
    db.add(name="polite", kind="fewshot", keys=["say it politely: {text}"], examples=texts)
    db.add(name="fem", keys=["female of {word}"], examples=[("king", "queen"), ("man", "woman")])
    # The old layout, built directly: one record per input, its id hashing the input; schema 1.
    col = db.store.cols["examples"]
    got = col.get(where={"program": "polite"}, include=["metadatas", "embeddings"])
    col.delete(ids=got["ids"])
    col.add(ids=[_old_id("polite", m["input"]) for m in got["metadatas"]], embeddings=got["embeddings"],
            metadatas=got["metadatas"])
    programs = db.store.cols["programs"]
    programs.modify(metadata={**programs.metadata, "progdb_schema": 1})
    db.store.wrote()
    assert db.store.needs_migration()

    opened = _reopen(db)
    assert opened.store.schema() == SCHEMA and not opened.store.needs_migration()
    ids, pairs = _records(opened, "polite")
    assert sorted(ids) == sorted(example_id("polite", a, b) for a, b in texts) and pairs == sorted(texts)
    vec = encoder().encode([texts[3][0]])[0]
    hit = opened.store.nearest_examples("polite", vec, 1, opened.get("polite").pairs())
    assert hit[0][:2] == texts[3] and hit[0][2] > 0.99
    assert opened.query("female of king").outputs[0].answers == ["queen"]
    out = opened.query(f"say it politely: {texts[2][0]}").outputs[0]
    assert (out.source, out.answers) == ("stored", [texts[2][1]])
    # A record of the old layout written after the migration (an older progdb) is replaced by the
    # next import, which adds a second output of an input and leaves no duplicate.
    col = opened.store.cols["examples"]
    stray = col.get(ids=[example_id("polite", *texts[2])], include=["metadatas", "embeddings"])
    col.add(ids=[_old_id("polite", texts[2][0])], embeddings=stray["embeddings"], metadatas=stray["metadatas"])
    second = (texts[0][0], "Might you write sentence zero?")
    s = opened.import_pairs(read_rows(_csv(tmp_path / "more.csv", [("polite", *second), ("polite", *texts[1])])))
    assert (s.added, s.updated, s.unchanged) == (1, 0, 1)
    ids, pairs = _records(opened, "polite")
    assert pairs == sorted(texts + [second]) and all(PAIR_ID.fullmatch(i) for i in ids)
    assert _reopen(opened).store.schema() == SCHEMA  # migrated once
    opened.remove("polite")
    assert _records(opened, "polite")[0] == []


def test_a_program_of_categories_is_told_from_one_of_pairs():
    from progdb.query.categories import Categories

    assert Categories.of(["refund", "invoice", "password", "login", "delivery", "crash"],
                         ["billing", "billing", "accounts", "accounts", "shipping", "engineering"])
    assert not Categories.of(["hydrogen", "oxygen", "iron", "gold"], ["h", "o", "fe", "au"])  # one to one
    assert not Categories.of(["a", "b", "c"], ["x", "x", "x"])  # three pairs say nothing of categories
    # a word with two stored answers is one input, not two sharing a category
    assert not Categories.of(["be", "be", "go", "run"], ["was", "were", "went", "ran"])
    # more answers than inputs, some shared: a setter's clue abbreviations are no categories
    assert not Categories.of(["about", "about", "about", "circa", "round", "ring", "ring", "doctor", "doctor"],
                             ["c", "ca", "re", "c", "o", "o", "ring", "dr", "mo"])

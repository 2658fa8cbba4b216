"""The paths a new user takes in their first hour, the way they take them: at a terminal (a real
pseudo-terminal), with their own small files, a new or mistyped --db, and scripts that read exit
codes. Each test here failed on the main of 2026-11-29."""
import json
import os
import pty
import re
import select
import shutil
import stat
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from progdb.cli import cli

PROGDB = str(Path(sys.executable).parent / "progdb")


def run(*args, input=None):
    return CliRunner().invoke(cli, list(args), input=input)


def _readable(fd: int, timeout: float) -> bool:
    """poll, not select: a long test run's descriptors pass select's limit of 1024 ("filedescriptor
    out of range in select()")."""
    poller = select.poll()
    poller.register(fd, select.POLLIN)
    return bool(poller.poll(timeout * 1000))


def in_terminal(args: list[str], cwd: Path, timeout: float = 300, env: dict | None = None) -> tuple[int, str]:
    """Run the installed `progdb` with stdin, stdout and stderr on a pseudo-terminal, as a person
    at a terminal runs it; returns the exit status and everything it drew."""
    master, slave = pty.openpty()
    proc = subprocess.Popen([PROGDB, *args], stdin=slave, stdout=slave, stderr=slave, cwd=cwd,
                            env={**os.environ, "TERM": "xterm", "COLUMNS": "100", **(env or {})}, close_fds=True)
    os.close(slave)
    chunks = []
    while True:
        if not _readable(master, timeout):
            proc.kill()
            raise AssertionError(f"progdb {' '.join(args)} drew nothing for {timeout} s: {b''.join(chunks)!r}")
        try:
            data = os.read(master, 65536)
        except OSError:  # EIO: the child closed the terminal
            break
        if not data:
            break
        chunks.append(data)
    os.close(master)
    return proc.wait(timeout=60), b"".join(chunks).decode("utf-8", "replace")


@pytest.fixture
def own_db(seeded_path, tmp_path) -> str:
    """A copy of the seeded database that a test may write to."""
    path = tmp_path / "db"
    shutil.copytree(seeded_path, path)
    return str(path)


# -- 1. import at a terminal -------------------------------------------------------------------

def test_import_draws_a_progress_bar_on_a_terminal(tmp_path):
    pairs = tmp_path / "pairs.csv"
    pairs.write_text("input,output\n" + "".join(f"w{i},v{i}\n" for i in range(3000)))
    status, screen = in_terminal(["--db", str(tmp_path / "db"), "--no-seed", "import", str(pairs), "--program", "x",
                                  "--batch-size", "500", "--format", "csv"], tmp_path)
    assert status == 0, screen
    assert "NameError" not in screen and "importing" in screen and "rows/s" in screen, screen
    assert "3,000 added, 0 updated, 0 unchanged, 0 rejected" in screen
    assert "created 1 program(s): x" in screen
    # The bar's length counted the header line too; it ends full on the rows read (3000/3000), not 3000/3001
    # nor 3001/3001 (a data engineer read it as a row too many).
    last = screen.rsplit("importing", 1)[-1]
    assert "3000/3000" in last and "3001" not in last, screen[-400:]


# -- typing prompts at a terminal ---------------------------------------------------------------

def typed_session(args: list[str], lines: list[str], cwd: Path, env: dict, end: bytes = b"\x04") -> tuple[int, str]:
    """Run the installed `progdb` on a pseudo-terminal and type each line after its "> " prompt,
    then `end` (Ctrl-D); returns the exit status and everything drawn."""
    master, slave = pty.openpty()
    proc = subprocess.Popen([PROGDB, *args], stdin=slave, stdout=slave, stderr=slave, cwd=cwd, close_fds=True,
                            env={**os.environ, "TERM": "xterm", "COLUMNS": "100", **env})
    os.close(slave)
    screen = b""

    def read_until(done) -> None:
        nonlocal screen
        while not done():
            if not _readable(master, 300):
                proc.kill()
                raise AssertionError(f"nothing drawn for 300 s: {screen.decode('utf-8', 'replace')[-500:]}")
            try:
                screen += os.read(master, 65536)
            except OSError:  # EIO: the child closed the terminal
                return

    for line in lines + [None]:  # (each prompt starts a line: "mouse -> mice" holds no prompt)
        asked = screen.count(b"\n> ")
        read_until(lambda: screen.count(b"\n> ") > asked and screen.endswith(b"\n> "))
        os.write(master, line.encode() + b"\n" if line is not None else end)
    read_until(lambda: proc.poll() is not None and not _readable(master, 0.2))
    os.close(master)
    return proc.wait(timeout=60), screen.decode("utf-8", "replace")


def test_query_without_a_prompt_at_a_terminal_answers_each_line_typed(seeded_path, tmp_path):
    """A person asking one thing after another paid a new process's seconds for each answer
    (`progdb query` without a prompt was a usage error): at a terminal it now answers each line
    typed, with the models loaded once, until Ctrl-D or exit."""
    state = {"XDG_STATE_HOME": str(tmp_path / "state")}
    status, screen = typed_session(["--db", seeded_path, "query"],
                                   ["plural of mouse", "", "what's the weather in Oslo", "kign - man + woman",
                                    "plural of", "make this formal: gonna be late", "list", "help"], tmp_path, state)
    assert status == 0, screen
    assert "37 programs in" in screen and "Ctrl-D or exit leaves" in screen, screen
    answers = screen.split("\n> ")
    assert "mouse -> mice" in answers[1], screen
    assert "no program:" in answers[3], screen  # (the empty line asked nothing: a new prompt)
    assert "king -> queen" in answers[4] and "read kign -> king" in answers[4], screen
    assert "gives it no input" in answers[5], screen
    # a compiled prompt ends in an open <output-…> tag for the LLM; the session says where it ends
    # (the next "> " had followed the tag as if part of it)
    assert answers[6].replace("\r", "").rstrip().endswith(">\n(end of the compiled prompt)"), screen
    # "list" and "help" are no prompts: a person finding their way was told "no program" for both
    assert "plural  (vector)  Give the plural form of a noun." in answers[7] and "no program" not in answers[7], screen
    assert "`list` shows the programs" in answers[8] and "no program" not in answers[8], screen
    # the lines typed are kept for the arrow keys of the next session
    assert "plural of mouse" in (tmp_path / "state" / "progdb" / "query_history").read_text()
    # "exit" leaves too; --json answers in JSON, a line each
    status, screen = typed_session(["--db", seeded_path, "query", "--json"], ["past tense of go", "exit"],
                                   tmp_path, state, end=b"")
    assert status == 0 and '"answer": "went"' in screen.replace("\r", ""), screen
    # without a terminal a prompt is still required (a script piping nothing gets a usage error, exit 2)
    r = run("--db", seeded_path, "query")
    assert r.exit_code == 2 and "give a PROMPT" in r.output, r.output


# -- 5. exit codes ----------------------------------------------------------------------------

def test_exit_codes_answer_none_error(seeded_path):
    assert run("--db", seeded_path, "query", "past tense of go").exit_code == 0
    none = run("--db", seeded_path, "query", "what's the weather in Oslo")
    assert none.exit_code == 1 and none.output.startswith("no program:")
    # a refusal runs nothing, so it reads no inputs: JSON shows the prompt whole, not fragments
    refused = json.loads(run("--db", seeded_path, "query", "--json", "what's the weather in Oslo").stdout)
    assert refused["mode"] == "none" and refused["inputs"] == [] and refused["key"] == "what's the weather in Oslo"
    bad = run("--db", seeded_path, "query", "plural of qwxzzy")
    assert bad.exit_code == 2 and "qwxzzy: error:" in bad.output
    assert run("--db", seeded_path, "show", "no-such-program").exit_code == 2
    assert "Exit status: 0 every prompt answered; 1 no answer (no program fits" in run("query", "--help").output
    assert "Exit status:" in run("--help").output


def test_exit_code_of_the_real_command(seeded_path, tmp_path):
    env = {**os.environ, "PROGDB_DB": seeded_path}
    p = subprocess.run([PROGDB, "query", "what's the weather in Oslo"], capture_output=True, text=True, env=env)
    assert p.returncode == 1 and p.stdout.startswith("no program:"), p.stderr
    p = subprocess.run([PROGDB, "add", "x", "--key", "bad {slot"], capture_output=True, text=True, env=env)
    assert p.returncode == 2 and p.stderr.count("\n") == 1 and "unclosed '{'" in p.stderr


# -- 10. batch mode ---------------------------------------------------------------------------

def test_query_dash_reads_one_prompt_per_line(seeded_path, tmp_path):
    prompts = ["past tense of go", "", "plural of qwxzzy", "what's the weather in Oslo", "plural of mouse"]
    r = run("--db", seeded_path, "query", "-", input="\n".join(prompts) + "\n")
    lines = [json.loads(line) for line in r.output.splitlines()]
    assert [d["prompt"] for d in lines] == prompts  # a line out per line in, blank lines too (paste lines them up)
    assert lines[0]["outputs"][0]["answer"] == "went" and lines[4]["outputs"][0]["answer"] == "mice"
    assert lines[1] == {"prompt": "", "error": "the prompt is empty"}
    assert lines[2]["outputs"][0]["source"] == "error" and lines[3]["mode"] == "none"
    assert r.exit_code == 2  # the worst of 0, 2, 1, 0 (a blank line counts for nothing)
    blank_ends = run("--db", seeded_path, "query", "-", input="\n\nplural of mouse\n\n")
    assert [json.loads(x)["prompt"] for x in blank_ends.output.splitlines()] == ["", "", "plural of mouse", ""]
    assert blank_ends.exit_code == 0
    # a comment line heads a group of prompts: it is no prompt ("# plurals" was asked as one)
    commented = run("--db", seeded_path, "query", "-", input="# plurals\nplural of mouse\n  # the end\n")
    assert [json.loads(x) for x in commented.output.splitlines()][::2] == [
        {"prompt": "# plurals", "comment": True}, {"prompt": "  # the end", "comment": True}]
    assert commented.exit_code == 0
    # a JSON lines file holds prompts of several lines (an app's batch): each line's "prompt" is asked
    lines = json.dumps({"prompt": "plural of goose\nthanks"}) + "\n" + json.dumps({"prompt": "past tense of go"}) + "\n"
    batch = [json.loads(x) for x in run("--db", seeded_path, "query", "-", input=lines).output.splitlines()]
    assert [d["prompt"] for d in batch] == ["plural of goose\nthanks", "past tense of go"]
    assert [d["outputs"][0]["answer"] for d in batch] == ["geese", "went"]
    f = tmp_path / "prompts.txt"
    f.write_text("past tense of go\nwhat's the weather in Oslo\n")
    r = run("--db", seeded_path, "query", "--file", str(f))
    assert r.exit_code == 1 and len(r.output.splitlines()) == 2
    # the batch answers what the one-at-a-time query answers
    one = json.loads(run("--db", seeded_path, "query", "--json", "past tense of go").stdout)
    assert json.loads(r.output.splitlines()[0]) == one


# -- 4. BATS as distributed -------------------------------------------------------------------

def test_eval_analogies_and_import_on_a_bats_shaped_folder(tmp_path):
    root = tmp_path / "BATS_3.0"
    (root / "1_Inflectional_morphology").mkdir(parents=True)
    (root / "3_Encyclopedic_semantics").mkdir()
    (root / "metadata.json").write_text(json.dumps({"categories": ["1_Inflectional_morphology"], "version": "3.0"}))
    (root / "1_Inflectional_morphology" / "I01 [noun - plural_reg].txt").write_text(
        "".join(f"{w}\t{w}s\n" for w in ("cat", "dog", "car", "road", "tree", "bird", "hand", "house")))
    (root / "3_Encyclopedic_semantics" / "E01 [country - capital].txt").write_text(
        "france\tparis\ngermany\tberlin\njapan\ttokyo\nitaly\trome\nspain\tmadrid\negypt\tcairo\n")
    r = run("eval", "analogies", str(root), "--json", "-m", "average")
    assert r.exit_code == 0, r.output
    report = json.loads(r.stdout)
    assert set(report["per_category"]) == {"I01 [noun - plural_reg]", "E01 [country - capital]"}
    imported = run("--db", str(tmp_path / "db"), "--no-seed", "import", str(root), "--json")
    assert imported.exit_code == 0, imported.output
    assert json.loads(imported.stdout)["added"] == 14
    # BATS's file names make programs of one hyphen a gap (an embeddings student got e05-animal---young)
    assert sorted(json.loads(imported.stdout)["created"]) == ["e01-country-capital", "i01-noun-plural-reg"]
    # every question, what was predicted and where the accepted answer ranked (a paper's table)
    r = run("eval", "analogies", str(root), "-m", "average", "--predictions", str(tmp_path / "pred.jsonl"))
    assert r.exit_code == 0, r.output
    asked = [json.loads(line) for line in (tmp_path / "pred.jsonl").read_text().splitlines()]
    assert len(asked) == 14 and {q["category"] for q in asked} == set(report["per_category"])
    cat = next(q for q in asked if q["input"] == "cat")
    assert cat["accepted"] == ["cats"] and len(cat["predicted"]) == 5 and cat["method"] == "average"
    assert cat["rank"] == (cat["predicted"].index("cats") + 1 if "cats" in cat["predicted"] else None)


# -- 6. growing a program ---------------------------------------------------------------------

def test_add_grows_an_existing_program_and_replace_says_what_it_drops(tmp_path):
    db = str(tmp_path / "db")
    pairs = tmp_path / "pairs.csv"
    pairs.write_text("input,output\nking,queen\nbrother,sister\nson,daughter\n")
    assert run("--db", db, "--no-seed", "import", str(pairs), "--program", "fem").exit_code == 0
    assert json.loads(run("--db", db, "show", "fem", "--json").stdout)["keys"] == ["fem"]
    r = run("--db", db, "add", "fem", "--key", "female of {word}", "-d", "The female form of a word.",
            "--example", "uncle", "aunt")
    assert r.exit_code == 0, r.output
    assert r.output.startswith("grew fem (+1 key, +1 example, a description; now vector, 2 keys, 4 examples)")
    card = json.loads(run("--db", db, "show", "fem", "--json").stdout)
    assert card["keys"] == ["fem", "female of {word}"] and card["description"] == "The female form of a word."
    assert {"input": "uncle", "output": "aunt"} in card["examples"] and len(card["examples"]) == 4
    assert run("--db", db, "add", "fem", "--key", "female of {word}").output.startswith("unchanged fem")
    r = run("--db", db, "add", "fem", "--key", "feminine {word}", "--example", "duke", "duchess", "--replace")
    # (its name stays one of its keys, as a new program's is: a teacher's replaced program lost it)
    assert r.exit_code == 0 and "dropped 1 key and 4 examples" in r.output, r.output
    assert json.loads(run("--db", db, "show", "fem", "--json").stdout)["keys"] == ["feminine {word}", "fem"]


# -- 7. export --------------------------------------------------------------------------------

def test_export_by_name_to_a_file_it_will_not_clobber(tmp_path):
    db = str(tmp_path / "db")
    for name, pair in (("fem", ("king", "queen")), ("plur", ("cat", "cats"))):
        assert run("--db", db, "--no-seed", "add", name, "--key", f"{name} of {{word}}", "--example", *pair,
                   "--example", "dog", "dogs" if name == "plur" else "bitch").exit_code == 0
    one = run("--db", db, "export", "plur")
    assert one.exit_code == 0 and [json.loads(x)["name"] for x in one.output.splitlines()] == ["plur"]
    mistaken = run("--db", db, "export", "backup.jsonl")
    assert mistaken.exit_code == 2 and "progdb export -o backup.jsonl" in mistaken.output
    users = tmp_path / "pairs.csv"
    users.write_text("input,output\nmine,precious\n")
    clobber = run("--db", db, "export", "-o", str(users))
    assert clobber.exit_code == 2 and "already exists" in clobber.output
    assert users.read_text() == "input,output\nmine,precious\n"
    out = tmp_path / "backup.jsonl"
    old = os.umask(0o022)
    try:
        assert run("--db", db, "export", "-o", str(out)).exit_code == 0
    finally:
        os.umask(old)
    assert stat.S_IMODE(out.stat().st_mode) == 0o644
    assert [json.loads(x)["name"] for x in out.read_text().splitlines()] == ["fem", "plur"]
    assert run("--db", db, "export", "-o", str(out), "--force", "fem").exit_code == 0
    assert len(out.read_text().splitlines()) == 1


# -- 8. validation ----------------------------------------------------------------------------

def test_bad_input_is_one_clear_line_and_stores_nothing(tmp_path):
    db = str(tmp_path / "db")
    assert run("--db", db, "--no-seed", "list").exit_code == 0
    long_name = run("--db", db, "add", "x" * 10_000, "--key", "k", "--example", "a", "b")
    assert long_name.exit_code == 2 and "10,000 characters, at most 64" in long_name.output
    missing = run("--db", db, "add", "bad/nope.yaml")
    assert missing.exit_code == 2 and missing.output == "Error: bad/nope.yaml: no such file\n"
    unclosed = run("--db", db, "add", "fem", "--key", "female of {word", "--example", "king", "queen")
    assert unclosed.exit_code == 2 and "unclosed '{'" in unclosed.output
    sentences = run("--db", db, "add", "talk", "--kind", "vector", "--key", "say {text}",
                    "--example", "I will see you tomorrow morning then", "See you tomorrow morning, then!",
                    "--example", "the meeting has moved to thursday afternoon", "Meeting moved: Thursday pm")
    assert sentences.exit_code == 2 and "use --kind fewshot" in sentences.output
    truncated = tmp_path / "prog.json"
    truncated.write_text('{"name": "x", "keys": ["x {word}"], "examples": [{"input": "a", "out')
    r = run("--db", db, "add", str(truncated))
    assert r.exit_code == 2 and r.output.rstrip().endswith("is the file cut short?)"), r.output
    assert json.loads(run("--db", db, "list", "--json").stdout) == []


def test_db_path_that_is_a_file_or_has_no_parent(tmp_path):
    afile = tmp_path / "notes.txt"
    afile.write_text("mine\n")
    r = run("--db", str(afile), "list")
    assert r.exit_code == 2 and r.output == f"Error: --db {afile}: exists and is not a directory\n"
    typo = tmp_path / "no-such-folder" / "db"
    r = run("--db", str(typo), "list")
    assert r.exit_code == 2 and "does not exist" in r.output and not typo.parent.exists()
    r = CliRunner(env={"PROGDB_DB": str(typo)}).invoke(cli, ["list"])
    assert r.exit_code == 2 and "does not exist" in r.output and not typo.parent.exists()
    busy = tmp_path / "home"
    busy.mkdir()
    (busy / "thesis.tex").write_text("x")
    r = run("--db", str(busy), "--no-seed", "list")
    assert r.exit_code == 2 and "not a progdb database" in r.output
    assert sorted(p.name for p in busy.iterdir()) == ["thesis.tex"]


def test_a_db_two_slips_from_another_is_its_own_name(tmp_path):
    """A teacher's `--db db_plain` beside their db_main was refused as a slip of it: a mistyped
    name is one slip from the one meant."""
    main = tmp_path / "db_main"
    assert run("--db", str(main), "--no-seed", "add", "x", "--key", "x of {word}", "--example", "a", "b").exit_code == 0
    plain = tmp_path / "db_plain"
    r = run("--db", str(plain), "--no-seed", "list")
    assert r.exit_code == 0 and "did you mean" not in r.output and plain.exists(), r.output


def test_a_mistyped_db_beside_the_users_database_is_pointed_to_it_not_seeded(own_db):
    """`--db mydv` beside `mydb`: a command that only reads would answer from a fresh built-in
    library without the user's programs; it says which database was meant and makes none."""
    mine = Path(own_db).parent / "mydb"
    shutil.move(own_db, mine)
    run("--db", str(mine), "add", "fem", "--key", "female of {word}", "--example", "king", "queen",
        "--example", "actor", "actress")
    typo = mine.parent / "mydv"
    for command in (["list"], ["query", "female of lion"], ["show", "fem"]):
        r = run("--db", str(typo), *command)
        assert r.exit_code == 2 and r.output == (
            f"Error: --db {typo}: no database there; did you mean {mine}? ({command[0]} makes no new database "
            "beside one of a near name; add or import creates one)\n"), r.output
        assert not typo.exists()
    # a command that writes makes it, and says what it may be a slip of
    r = run("--db", str(typo), "--no-seed", "add", "x", "--key", "x of {word}", "--example", "a", "b")
    assert r.exit_code == 0 and f"progdb: note: --db {typo} is new, beside {mine}" in r.stderr, r.output
    shutil.rmtree(typo)
    # a teacher's "db2" and "db" beside "db1" were slips too (names of three letters, numbered names)
    (mine.parent / "db1").mkdir()
    (mine.parent / "db1" / "progdb.lock").write_text("")
    for slip in ("db2", "db", "dbl"):
        r = run("--db", str(mine.parent / slip), "list")
        assert r.exit_code == 2 and f"did you mean {mine.parent / 'db1'}?" in r.output, r.output
    # a name no slip away, or the next of a numbered series asked for empty: a new database, as before
    for other in (mine.parent / "scratch", mine.parent / "mydb2"):
        r = run("--db", str(other), "--no-seed", "list")
        assert r.exit_code == 0 and other.is_dir(), r.output
    (mine.parent / "run1").mkdir()
    (mine.parent / "run1" / "progdb.lock").write_text("")
    r = run("--db", str(mine.parent / "run2"), "--no-seed", "list")
    assert r.exit_code == 0, r.output
    # an engineer's `add` to "dv" beside their "db" stored the pair in a new database, unnoted (a short name)
    (mine.parent / "db").mkdir()
    (mine.parent / "db" / "progdb.lock").write_text("")
    r = run("--db", str(mine.parent / "dv"), "--no-seed", "add", "x", "--key", "x of {word}", "--example", "a", "b")
    assert r.exit_code == 0 and f"progdb: note: --db {mine.parent / 'dv'} is new, beside {mine.parent / 'db'}" \
        in r.stderr, r.output
    # a nurse's `add` to "Db" beside their "db" made a second database, unnoted (case alone differs)
    r = run("--db", str(mine.parent / "Db"), "--no-seed", "add", "x", "--key", "x of {word}", "--example", "a", "b")
    assert r.exit_code == 0 and f"progdb: note: --db {mine.parent / 'Db'} is new, beside {mine.parent / 'db'}" \
        in r.stderr, r.output
    # a fan's query to "--db …/nfl" beside their "…/db" (no slip) seeded a second database, unnoted
    r = run("--db", str(mine.parent / "nfl"), "query", "plural of cat")
    assert r.exit_code == 0 and f"progdb: note: --db {mine.parent / 'nfl'} is new, beside the database " in r.stderr, \
        r.stderr


# -- 9. no silent surprises --------------------------------------------------------------------

def test_a_new_database_is_announced_on_stderr(tmp_path):
    p = subprocess.run([PROGDB, "--db", str(tmp_path / "new"), "--no-seed", "list"], capture_output=True, text=True)
    assert p.returncode == 0 and p.stdout.startswith("no programs")
    assert p.stderr.startswith(f"progdb: creating a new database at {tmp_path / 'new'}, empty (--no-seed)")
    again = subprocess.run([PROGDB, "--db", str(tmp_path / "new"), "list"], capture_output=True, text=True)
    assert again.stderr == ""


def test_shadowing_a_built_in_key_is_warned_and_the_readme_example_answers_niece(own_db):
    r = subprocess.run([PROGDB, "--db", own_db, "add", "fem", "--key", "female of {word}", "--example", "king",
                        "queen", "--example", "brother", "sister"], capture_output=True, text=True)
    assert r.returncode == 0 and r.stdout == "added fem (vector, 2 keys, 2 examples)\n", r.stderr  # its key and its name
    # Two pairs: the nearest pair alone used to answer with its own output (nephew -> sister).
    lines = run("--db", own_db, "query", "female of uncle").output.splitlines()
    assert lines[0].startswith("fem ") and lines[1].startswith("uncle -> aunt"), lines
    assert run("--db", own_db, "query", "female of nephew").output.splitlines()[1] != "nephew -> sister"
    r = subprocess.run([PROGDB, "--db", own_db, "add", "my-plural", "--key", "plural of {word}", "--example", "cat",
                        "cats", "--example", "dog", "dogs"], capture_output=True, text=True)
    assert r.returncode == 0
    assert "warning: key 'plural of {word}' is nearly the same as key 'plural of {word}' of program 'plural'" \
        in r.stderr
    # said once, when the key is added: an analyst's every later `add` repeated it about keys already there
    r = subprocess.run([PROGDB, "--db", own_db, "add", "my-plural", "--key", "pluralise {word} for me", "--example",
                        "fox", "foxes"], capture_output=True, text=True)
    assert r.returncode == 0 and "plural of {word}' is nearly the same" not in r.stderr, r.stderr


def test_a_users_two_pair_text_program_without_a_description_reads_its_own_key(own_db):
    """An emoji program from two pairs: the compiled prompt's instruction is the owner's key, not
    a fragment of the request ("emoji for a"), and a two-word input stays whole even though
    another program's phrasings use "day"."""
    r = subprocess.run([PROGDB, "--db", own_db, "add", "emoji", "--key", "emoji for {text}", "--example", "pizza",
                        "🍕", "--example", "dog", "🐶"], capture_output=True, text=True)
    assert r.returncode == 0 and r.stdout == "added emoji (fewshot, 2 keys, 2 examples)\n", r.stderr
    lines = run("--db", own_db, "query", "emoji for a sunny day").output.splitlines()
    assert lines[0].startswith("emoji ") and lines[1].startswith("note: 'sunny day' is not stored; no LLM") \
        and lines[2] == "Emoji for the input.", lines[:3]
    assert lines[-3:-1] == ["sunny day", lines[-4].replace("<input-", "</input-")], lines[-5:]
    lines = run("--db", own_db, "query", "give me the emoji for cat").output.splitlines()
    assert lines[2] == "Emoji for the input." and "cat" in lines, lines
    lines = run("--db", own_db, "query", "emoji for this: a rainy night").output.splitlines()
    assert "rainy night" in lines and not any(line.startswith("this:") for line in lines), lines  # "this:" points at it


def test_a_users_own_csv_at_a_terminal_becomes_a_program_asked_in_their_words(own_db, tmp_path):
    """emoji.csv with its own header (word,emoji), imported at a terminal without --program: the
    program is named after the file, the header is not a pair, and requests that wrap the input
    in "turn … into", "convert … to" answer the stored emoji, not the words around it."""
    (tmp_path / "emoji.csv").write_text("word,emoji\nhappy,😀\nsad,😢\nlove,❤️\nfire,🔥\n", encoding="utf-8")
    status, drawn = in_terminal(["--db", own_db, "import", "emoji.csv"], cwd=tmp_path)
    assert status == 0 and "4 added" in drawn and "created 1 program(s): emoji" in drawn, drawn
    for prompt, stored in [("turn sad into an emoji", "sad -> 😢"), ("convert love to emoji", "love -> ❤️"),
                           ("emoji for fire", "fire -> 🔥")]:
        lines = run("--db", own_db, "query", prompt).output.splitlines()
        assert lines[0].startswith("emoji ") and lines[1] == f"{stored} (stored example)", (prompt, lines[:3])
    lines = run("--db", own_db, "query", "turn angry into an emoji").output.splitlines()
    assert "angry" in lines and "word" not in lines, lines  # the new input, and no header pair, in the prompt
    # A compiled prompt says first that it is one (no LLM is configured), at a terminal and in a
    # script's JSON (a translator's script took 35 lines of tags for an answer); a stored answer does not.
    status, drawn = in_terminal(["--db", own_db, "query", "turn angry into an emoji"], cwd=tmp_path)
    assert status == 0 and drawn.splitlines()[1].startswith(
        "note: 'angry' is not stored; no LLM is configured, so this is the compiled prompt"), drawn
    assert "ready to send" in _json_query(own_db, "turn angry into an emoji")["outputs"][0]["note"]
    status, drawn = in_terminal(["--db", own_db, "query", "emoji for fire"], cwd=tmp_path)
    assert status == 0 and "fire -> 🔥" in drawn and "no LLM" not in drawn, drawn


def test_add_without_a_key_is_found_by_its_name_as_import_does(tmp_path):
    db = str(tmp_path / "db")
    r = subprocess.run([PROGDB, "--db", db, "--no-seed", "add", "baby-animal", "--example", "cat", "kitten",
                        "--example", "dog", "puppy"], capture_output=True, text=True)
    assert r.returncode == 0 and r.stdout == "added baby-animal (vector, 1 key, 2 examples)\n", r
    assert "no --key given: baby-animal is found by its name, 'baby animal'" in r.stderr, r.stderr
    assert json.loads(run("--db", db, "show", "baby-animal", "--json").stdout)["keys"] == ["baby animal"]


def test_output_cut_short_by_head_is_no_error(seeded_path, tmp_path):
    """`progdb list | head -1` under pipefail: the reader left early, which is not "no answer"."""
    for command in ("list", "show plural", "export"):
        r = subprocess.run(["bash", "-o", "pipefail", "-c", f"'{PROGDB}' --db '{seeded_path}' {command} | head -1"],
                           capture_output=True, text=True, cwd=tmp_path)
        assert r.returncode == 0 and len(r.stdout.splitlines()) == 1 and r.stderr == "", (command, r)


def test_a_global_option_after_the_command_says_where_it_goes(seeded_path):
    r = run("query", "--db", seeded_path, "plural of cat")
    assert r.exit_code == 2 and "--db is progdb's own option: put it before the command" in r.output, r.output


def test_the_first_query_on_a_new_machine_says_what_it_waits_for(tmp_path):
    """An empty cache, as after `pip install`: the first query seeds a database and prepares the
    encoder (a one-time ONNX export), and a person at the terminal is told both before the wait;
    the next query has nothing to prepare and says nothing."""
    env = {"XDG_CACHE_HOME": str(tmp_path / "cache")}
    status, drawn = in_terminal(["--db", str(tmp_path / "db"), "query", "plural of cat"], tmp_path, env=env)
    assert status == 0, drawn
    assert "progdb: creating a new database at" in drawn and "about 20 seconds the first time" in drawn
    assert "progdb: preparing the sentence encoder: once per machine" in drawn
    assert "cat -> cats (stored example)" in drawn
    status, drawn = in_terminal(["--db", str(tmp_path / "db"), "query", "plural of dog"], tmp_path, env=env)
    assert status == 0 and "progdb:" not in drawn and "dog -> dogs" in drawn, drawn


def test_a_users_own_text_program_takes_the_marked_text_whole(own_db, tmp_path):
    """A four-pair `polite` program: "make this polite: stop emailing me" compiled the input `stop
    emailing`, cutting the user's text at a word like "me", which its own inputs end on."""
    (tmp_path / "polite.jsonl").write_text("".join(json.dumps({"input": a, "output": b}) + "\n" for a, b in [
        ("give me the report", "Could you please send me the report when you have a moment?"),
        ("you're wrong", "I think there may be a different way to look at this."),
        ("stop calling me", "I'd appreciate it if we could keep in touch by email instead."),
        ("this is bad", "I think this could be improved in a few places.")]), encoding="utf-8")
    assert run("--db", own_db, "import", str(tmp_path / "polite.jsonl")).exit_code == 0
    for prompt, text in [("make this polite: stop emailing me", "stop emailing me"), ("make this polite: call me", "call me")]:
        r = subprocess.run([PROGDB, "--db", own_db, "query", "--json", prompt], capture_output=True, text=True)
        out = json.loads(r.stdout)
        assert out["programs"][0]["name"] == "polite" and out["inputs"] == [text], (prompt, out["programs"], out["inputs"])
    # Named and marked, though its one key, "polite", is far from the words (0.56 < 0.60).
    r = subprocess.run([PROGDB, "--db", own_db, "query", "--json", "say this more politely: thanks for nothing"],
                       capture_output=True, text=True)
    out = json.loads(r.stdout)
    assert out["programs"] and out["programs"][0]["name"] == "polite", out


def test_a_support_desks_text_programs_take_their_requests_not_their_opposites(own_db):
    """A helpdesk's refund-decline took "approve this refund request and write a reply: …" (0.81):
    the reply drafted would refuse the refund the agent wants to grant. Its to-english, past its
    threshold, was refused as english-german's way back for "translate this German email into
    English: …"."""
    run("--db", own_db, "add", "refund-decline", "--kind", "fewshot",
        "--key", "draft a polite reply declining this refund request: {text}",
        "--key", "politely refuse this customer's refund request: {text}",
        "--example", "I want a refund, the bike arrived late", "I'm sorry for the delay; as the bike arrived "
        "undamaged we can't offer a refund, but here is a 10% voucher.",
        "--example", "Refund me, I changed my mind after 60 days", "Thank you for riding with us; our 30-day "
        "window has passed, so we can't refund this order, but we can help you sell it on.")
    run("--db", own_db, "add", "to-english", "--kind", "fewshot",
        "--key", "translate this customer message to English: {text}",
        "--key", "what does this message say in English: {text}",
        "--example", "Hallo, wo ist meine Bestellung?", "Hello, where is my order?",
        "--example", "Bonjour, le vélo est cassé.", "Hello, the bike is broken.")
    decline = _json_query(own_db, "draft a polite reply declining this refund request: I want my money back")
    assert decline["programs"][0]["name"] == "refund-decline", decline["message"]
    approve = _json_query(own_db, "approve this refund request and write a reply: I'd like my money back please")
    assert not any(p["name"] == "refund-decline" for p in approve["programs"]), approve
    german = _json_query(own_db, "translate this German email into English: Ich warte noch auf mein Paket.")
    assert german["programs"] and german["programs"][0]["name"] == "to-english", german["message"]


def test_spreadsheet_csvs_import_as_people_save_them(own_db, tmp_path):
    """Files a new user had: a ';'-separated csv (as spreadsheets save it in many locales), a
    header with a notes column, a `word,emoji` header in a file not named after it, and an
    abbreviations file whose answers are phrases (text, not word arithmetic)."""
    files = {"semi.csv": "abbr;meaning\nttyl;talk to you later\nidk;I don't know\n",
             "three.csv": "input,output,notes\nsmile,😀,happy face\nsad,😢,\n",
             "faces.csv": "word,emoji\nstar,⭐\nmoon,🌙\n",
             "abbrev.tsv": "asap\tas soon as possible\nfyi\tfor your information\nbrb\tbe right back\n"
                           "imo\tin my opinion\nlol\tlaughing out loud\n"}
    for name, text in files.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
        r = run("--db", own_db, "import", str(tmp_path / name))
        assert r.exit_code == 0 and "0 rejected" in r.output, (name, r.output)
    shown = {name: run("--db", own_db, "show", name).output for name in ("semi", "three", "faces", "abbrev")}
    assert "ttyl  ->  talk to you later" in shown["semi"] and "abbr" not in shown["semi"], shown["semi"]
    assert "smile  ->  😀" in shown["three"] and "happy face" not in shown["three"], shown["three"]
    assert "star  ->  ⭐" in shown["faces"] and "word  ->" not in shown["faces"], shown["faces"]
    assert shown["abbrev"].startswith("abbrev (fewshot)"), shown["abbrev"]
    # A headerless file keeps its first row.
    (tmp_path / "plain.csv").write_text("cat,cats\ndog,dogs\n", encoding="utf-8")
    assert "2 added" in run("--db", own_db, "import", str(tmp_path / "plain.csv")).output


def test_a_stored_answer_shows_no_arithmetic_and_a_name_is_not_shown_in_pieces(seeded_path):
    """A new user read "mouse -> mice (stored example)" above "candidates: mouses 1.90, mice 0.79"
    and "Buenos Aires 0.83, Aires 0.83, Buenos 0.83": the stored answer stands alone (no arithmetic
    runs for it: not in --json nor --explain either), and a computed answer's ranking lists a name whole."""
    lines = run("--db", seeded_path, "query", "plural of mouse").output.splitlines()
    assert lines[1:] == ["mouse -> mice (stored example)"], lines
    explained = run("--db", seeded_path, "query", "--explain", "capital of Rio de Janeiro").output
    ranked = next(line for line in explained.splitlines() if line.strip().startswith("candidates:"))
    names = [c.strip().rsplit(" ", 1)[0] for c in ranked.split(":", 1)[1].split(", ")]
    assert "Buenos Aires" in names and "Buenos" not in names and "Aires" not in names, ranked
    stored = _json_query(seeded_path, "capital of Argentina")["outputs"][0]
    assert (stored["answer"], stored["source"], stored["candidates"]) == ("Buenos Aires", "stored", []), stored


def test_a_bad_name_or_shots_is_one_line_about_itself(tmp_path):
    """A new user's `add Bad_Name!` printed a note on how the program is found before the name's
    error, and `--shots -1` blamed --budget too."""
    db = str(tmp_path / "db")
    r = subprocess.run([PROGDB, "--db", db, "--no-seed", "add", "Bad_Name!", "--example", "a", "b"],
                       capture_output=True, text=True)
    assert r.returncode == 2 and "note:" not in r.stderr and "'Bad_Name!'" in r.stderr, r.stderr
    r = subprocess.run([PROGDB, "--db", db, "--no-seed", "query", "--shots", "-1", "plural of cat"],
                       capture_output=True, text=True)
    assert r.returncode == 2 and r.stderr.strip() == "Error: --shots must be at least 0 (got -1)", r.stderr


def test_a_users_slang_program_answers_what_a_word_means(own_db, tmp_path):
    """"what does X mean" is no request for a built-in program, but a user's slang program is
    made for it (the rule refused "what does sus mean" in a second trial)."""
    (tmp_path / "slang.csv").write_text("slang,meaning\nsus,suspicious\nsalty,bitter or upset\n"
                                        "ghosted,stopped replying\nbet,okay or sure\n", encoding="utf-8")
    assert run("--db", own_db, "import", str(tmp_path / "slang.csv")).exit_code == 0
    r = subprocess.run([PROGDB, "--db", own_db, "query", "--json", "what does sus mean"], capture_output=True, text=True)
    out = json.loads(r.stdout)
    assert out["programs"] and out["programs"][0]["name"] == "slang" and out["inputs"] == ["sus"], out
    assert run("--db", own_db, "query", "what does antonym mean?").exit_code == 1


def test_a_prompt_may_start_with_a_dash_and_a_text_with_a_greeting(seeded_path):
    r = subprocess.run([PROGDB, "--db", seeded_path, "query", "-ing form of run"], capture_output=True, text=True)
    assert r.returncode == 0 and "run -> running" in r.stdout, (r.stdout, r.stderr)
    r = subprocess.run([PROGDB, "--db", seeded_path, "query", "--json", "Hi team, the report is late.\n\nmake it formal"],
                       capture_output=True, text=True)
    assert json.loads(r.stdout)["inputs"] == ["Hi team, the report is late."], r.stdout[:300]


def test_make_demo_ends_well_with_its_honest_no_program(own_db):
    """`make demo`'s last prompt gets "no program", exit status 1, and make reported the demo as
    failed ("make: *** [Makefile] Error 1") to a new user."""
    root = Path(__file__).resolve().parents[1]
    if not (root / ".venv" / "bin" / "progdb").exists():
        pytest.skip("the Makefile's .venv is not this checkout's environment")
    r = subprocess.run(["make", "-s", "-C", str(root), "demo"], capture_output=True, text=True,
                       env={**os.environ, "PROGDB_DB": own_db}, timeout=600)
    assert r.returncode == 0 and "no program: " in r.stdout and "Error" not in r.stderr, (r.stdout[-500:], r.stderr)


# -- the eleventh session's two trials ------------------------------------------------------------

def _json_query(db: str, prompt: str) -> dict:
    r = subprocess.run([PROGDB, "--db", db, "query", "--json", prompt], capture_output=True, text=True)
    return json.loads(r.stdout)


def test_two_requests_in_one_prompt_get_two_answers(seeded_path):
    """"plural of mouse and past tense of go" answered "mouse -> mice" and "past -> pasts (stored
    example)": the second request was read as a second noun. A list of inputs stays one request."""
    r = subprocess.run([PROGDB, "--db", seeded_path, "query", "plural of mouse and past tense of go"],
                       capture_output=True, text=True)
    assert r.returncode == 0 and r.stdout.splitlines() == [
        "plural  [nearest, key match 1.00]", "mouse -> mice (stored example)",
        "past-tense  [nearest, key match 1.00]", "go -> went (stored example)"], r.stdout
    out = _json_query(seeded_path, "capital of peru? also currency of peru")
    assert out["programs"][0]["name"] == "country-capital" and [a["programs"][0]["name"] for a in out["also"]] == \
        ["country-currency"], out["also"]
    both = _json_query(seeded_path, "comparative and superlative of big")
    assert [both["outputs"][0]["answer"], both["also"][0]["outputs"][0]["answer"]] == ["bigger", "biggest"]
    for one in ("capital of France and Germany", "translate cat and dog to french", "past tense of go and see"):
        out = _json_query(seeded_path, one)
        assert out["also"] == [] and len(out["inputs"]) == 2, (one, out["inputs"], out["also"])


def test_a_voice_assistants_transcripts(seeded_path, tmp_path):
    """Speech-to-text, one transcript a line (`query --file`): "hey computer whats the plural of
    child" answered computers, sure; "whats the capital of italy and whats the capital of spain"
    answered Madrid alone and "whats the past tense of go and whats the past tense of see" was refused;
    an unknown word's error output said sure: true; "can you tell me a secret" answered secrets."""
    lines = ["hey computer whats the plural of child", "ok computer what state is boston in",
             "whats the capital of italy and whats the capital of spain",
             "whats the past tense of go and whats the past tense of see",
             "what comes after monday and what comes before monday",
             "what is love and what is hate", "whats the weather and whats the time", "plural of qwxzzy",
             "can you tell me a riddle", "can you tell me a secret", "whats the plural and past tense of walk",
             "explain the difference between weather and climate"]
    (tmp_path / "transcripts.txt").write_text("\n".join(lines) + "\n")
    r = subprocess.run([PROGDB, "--db", seeded_path, "query", "--file", str(tmp_path / "transcripts.txt")],
                       capture_output=True, text=True)
    out = {o["prompt"]: o for o in map(json.loads, r.stdout.splitlines())}

    def answers(o):
        return [x["answer"] for one in [o] + o["also"] for x in one["outputs"]]
    assert answers(out[lines[0]]) == ["children"] and answers(out[lines[1]]) == ["Massachusetts"]
    assert answers(out[lines[2]]) == ["Rome", "Madrid"] and answers(out[lines[3]]) == ["went", "saw"]
    assert answers(out[lines[4]]) == ["tuesday", "sunday"]
    assert out[lines[5]]["mode"] == out[lines[6]]["mode"] == "none"  # parallel questions, neither a request
    error = out[lines[7]]["outputs"][0]
    assert error["source"] == "error" and error["sure"] is False
    # an article is no request: "a" was read as plural's key, "riddle -> middle -> middles", sure
    assert out[lines[8]]["mode"] == out[lines[9]]["mode"] == "none"
    assert answers(out[lines[10]]) == ["walks", "walked"] and out[lines[11]]["mode"] == "none"
    # a request pointing at a text, then the text, with no colon between (refused; "english …" the input)
    for prompt, program, text in (("make this sound like a pirate time for bed everybody", "pirate", "time for bed everybody"),
                                  ("say this in plain english the aforementioned child shall attend", "plain-english",
                                   "the aforementioned child shall attend")):
        r = json.loads(subprocess.run([PROGDB, "--db", seeded_path, "query", "--json", prompt],
                                      capture_output=True, text=True).stdout)
        assert r["programs"][0]["name"] == program and r["inputs"] == [text], (prompt, r["message"], r["inputs"])


def test_a_word_newer_than_the_word_space_is_no_typo_and_gets_its_spelling_rule(seeded_path):
    """A data scientist's loop over words: "past tense of retweet" said "read retweet -> retreat",
    retreated, sure; unfriend became friend, refactor reactor. A prefix and a common word is a word;
    the word space lacks it, so the program's spelling rule answers, as sure as the rule is precise."""
    from progdb import ProgramDB

    db = ProgramDB(path=seeded_path)
    for prompt, answer in (("past tense of retweet", "retweeted"), ("past tense of unfriend", "unfriended"),
                           ("past tense of refactor", "refactored"), ("plural of selfie", "selfies")):
        r = db.query(prompt)
        out = r.outputs[0]
        assert r.corrections == [] and (out.answer, out.source) == (answer, "symbolic"), (prompt, r.corrections, out)
        assert out.sure and 0.8 <= out.confidence < 1.0
    # gibberish has no precise rule: the word space's error, not sure
    out = db.query("plural of qwxzzy").outputs[0]
    assert out.source == "error" and not out.sure


def test_a_compound_inflects_as_its_stored_head_does(seeded_path):
    """A researcher's "past tense of overfit" answered overfited, sure (the +ed rule); "plural of
    stepchild" cosseted, "past tense of outdo" outdone, "plural of superwoman" supermen (a slip of
    superman). A compound the program does not store takes its head's stored answer, where the rule
    holds for the program's own stored compounds; it does not for antonyms (unkind is not un + cruel)."""
    from progdb import ProgramDB
    from progdb.words.compounds import CompoundHeads

    db = ProgramDB(path=seeded_path)
    for prompt, answer, head in (("past tense of overfit", "overfitted", "fit"), ("plural of stepchild", "stepchildren",
                                 "child"), ("past tense of outdo", "outdid", "do"),
                                 ("plural of superwoman", "superwomen", "woman"),
                                 ("past participle of overdo", "overdone", "do")):
        r = db.query(prompt)
        out = r.outputs[0]
        assert r.corrections == [] and (out.answer, out.source) == (answer, "symbolic"), (prompt, r.corrections, out)
        assert out.sure and 0.9 <= out.confidence < 1.0 and f"a compound of '{head}'" in out.note, out
    assert db.query("opposite of unkind").outputs[0].source != "symbolic"
    antonyms = db.pipeline.catalog.word_program(db.get("antonym"))
    assert antonyms.heads().precision() < 0.1 and antonyms.heads().answer("unfair") is None
    # measured, the asked word's own pairs are hidden and its head still answers (over + take)
    measured = db.query("past tense of overtake", use_stored=False).outputs[0]
    assert (measured.answer, measured.source) == ("overtook", "symbolic"), measured
    assert CompoundHeads({"fit": ["fitted"], "overfit": ["overfitted"]}).precision() == 0.0  # too few to tell
    # a form of two words, which a space of single words cannot give: "comparative of interesting"
    # was *intriguing?*; where the program's stored words of its kind do not take it, no rule
    for prompt, answer in (("comparative of interesting", "more interesting"), ("superlative of famous", "most famous")):
        out = db.query(prompt).outputs[0]
        assert (out.answer, out.source) == (answer, "symbolic") and out.sure and "before the word" in out.note, out
    assert db.query("comparative of big").outputs[0].answer == "bigger"
    assert db.pipeline.catalog.word_program(db.get("comparative")).phrases().answer("tall") is None


def test_a_name_misspelt_at_its_doubled_letters_is_read_and_sure(seeded_path):
    """"capital of marroco" was an error, exit 2 (three slips from morocco); "phillipines" and
    "Lichtenstien" were read but not sure (two letters apart). A doubled letter is the commonest
    slip in a name, and two slips in a long name leave it plain; a short word two slips away
    stays a guess ("orcling", test_a_marketers_and_a_translators_requests)."""
    for prompt, answer in (("capital of marroco", "Morocco -> Rabat (stored example)"),
                           ("capital of phillipines", "Philippines -> Manila (stored example)"),
                           ("capital of Lichtenstien", "Liechtenstein -> Vaduz (stored example)")):
        r = run("--db", seeded_path, "query", prompt)
        assert r.exit_code == 0 and answer in r.output and "?" not in r.output, (prompt, r.output)


def test_a_quiz_writers_requests(seeded_path):
    """A pub-quiz writer's session: "Q: capital of Ceylon" and "cap of NZ" were capitalize's
    (Ceylon -> Ceylon, confidence 1.00): the request is country-capital's word for word, and a
    program only like its key does not take it; "Q:" split no two requests; an answer was a word of
    a name ("Aires?", its candidates Buenos Aires); "at 0.650, below the threshold 0.650"."""
    lines = "".join(json.dumps({"prompt": p}) + "\n" for p in (
        "Q: capital of Ceylon", "cap of NZ", "Q: capital of Chile; nationality of Chile", "capital of Rio de Janeiro",
        "largest city in Canada", "capitalize paris"))
    out = subprocess.run([PROGDB, "--db", seeded_path, "query", "--json", "-"], input=lines, capture_output=True,
                         text=True)
    ceylon, nz, chile, rio, largest, paris = (json.loads(line) for line in out.stdout.splitlines())
    for r, name in ((ceylon, "Ceylon"), (nz, "NZ")):
        assert r["mode"] == "none" and f"'{name}' does not look like any of its inputs" in r["message"], r["message"]
        assert "country-capital" in r["message"]
    both = chile["outputs"] + [o for also in chile["also"] for o in also["outputs"]]
    assert [(o["input"], o["answer"]) for o in both] == [("Chile", "Santiago"), ("Chile", "Chilean")], chile
    guess = rio["outputs"][0]
    assert guess["answer"] == "Buenos Aires" and not guess["sure"], guess  # a guess, but a name, not "Aires"
    assert [c["answer"] for c in guess["candidates"]].count("Buenos Aires") == 1
    assert largest["mode"] == "none" and "at 0.6496, below the threshold 0.6500" in largest["message"], largest["message"]
    assert paris["outputs"][0]["answer"] == "Paris"  # capitalize's own request


def test_a_spanish_speakers_request_words(seeded_path):
    """A learner whose first language is Spanish: "plural de mouse" answered *luna?* (the input "de
    mouse"), "sinónimo de happy", "pasado de eat", "femenino de king" were refused, "como se dice
    'butterfly' en alemán" went to english-spanish. The request words are read as English ones, and
    said; "Rio de Janeiro" keeps its de. A common word is no name: "adjective for power" was
    nationality-adjective's *Powerful*, sure."""
    from progdb import ProgramDB

    db = ProgramDB(path=seeded_path)
    for prompt, program, pair in (("plural de mouse", "plural", ("mouse", "mice")),
                                  ("plural de: mouse", "plural", ("mouse", "mice")),
                                  ("sinónimo de happy", "synonym", ("happy", "cheerful")),
                                  ("pasado de eat", "past-tense", ("eat", "ate")),
                                  ("femenino de king", "male-to-female", ("king", "queen")),
                                  ("comparativo de bad", "comparative", ("bad", "worse")),
                                  ("como se dice 'butterfly' en alemán", "english-german", ("butterfly", "Schmetterling")),
                                  # a question's head (a Colombian student's was refused, nothing close)
                                  ("cual es el pasado de drink", "past-tense", ("drink", "drank")),
                                  ("qual é a capital da frança", "country-capital", ("France", "Paris"))):
        r = db.query(prompt)
        assert r.programs and r.programs[0].name == program, (prompt, r.message)
        out = r.outputs[0]
        assert (out.input, out.answer, out.source) == (*pair, "stored") and out.confidence == 1.0, (prompt, out)
    assert "sinónimo -> synonym" in db.query("sinónimo de happy").corrections
    assert db.query("what state is Rio de Janeiro in").inputs == ["Rio de Janeiro"]
    for prompt in ("adjective for power", "adj of success"):
        assert db.query(prompt).mode == "none", prompt
    assert db.query("nationality of china").outputs[0].answer == "Chinese"  # a name typed lower-case
    assert db.query("capital of turkey").outputs[0].answer == "Ankara"  # a word, and a name


def test_an_analysts_lookup_tables_answer_their_rows_and_refuse_others(own_db, tmp_path):
    """An analyst's spreadsheets as programs: "category of SKU-9999" was read as the stored SKU-1099
    and answered as stored, sure (another product); "who manages payroll" guessed *Gabe?* from a
    table of names that arithmetic cannot relate; "what city is DEN" was refused as city-to-state's
    way back though airport-city stores DEN."""
    (tmp_path / "dept.csv").write_text("department,manager\nFinance,Priya Raman\nMarketing,Tom Becker\n"
                                       "Sales,Ana Lopez\nEngineering,Raj Patel\nLegal,Mia Wong\nSupport,Sam Ortiz\n"
                                       "Design,Lea Kim\nOperations,Ben Cole\n", encoding="utf-8")
    (tmp_path / "sku.csv").write_text("sku,category\n" + "".join(f"SKU-{n},{c}\n" for n, c in (
        (1099, "Pet Supplies"), (1042, "Electronics"), (1023, "Garden"), (1050, "Toys"), (1061, "Kitchen"))),
        encoding="utf-8")
    (tmp_path / "airports.tsv").write_text("Airport Code\tCity\nDEN\tDenver\nPDX\tPortland\nLHR\tLondon\n"
                                           "MIA\tMiami\nDFW\tDallas\n", encoding="utf-8")
    for name, file, key in (("dept-managers", "dept.csv", "who manages {word}"),
                            ("sku-category", "sku.csv", "category of {word}"),
                            ("airport-city", "airports.tsv", "what city is airport {word}")):
        assert run("--db", own_db, "import", str(tmp_path / file), "--program", name).exit_code == 0
        assert run("--db", own_db, "add", name, "--key", key).exit_code == 0
    lines = "".join(json.dumps({"prompt": p}) + "\n" for p in (
        "category of SKU-9999", "category of SKU-1042", "who manages payroll", "who manages finance",
        "what city is DEN", "what city is lhr"))
    out = subprocess.run([PROGDB, "--db", own_db, "query", "--json", "-"], input=lines, capture_output=True, text=True)
    sku, stored_sku, payroll, finance, den, lhr = (json.loads(line) for line in out.stdout.splitlines())
    assert sku["corrections"] == [] and not (sku["outputs"] and sku["outputs"][0]["source"] == "stored"), sku
    assert stored_sku["outputs"][0]["answer"] == "Electronics"
    assert payroll["mode"] == "none" and "too unsure to give" in payroll["message"], payroll["message"]
    assert finance["outputs"][0]["answer"] == "Priya Raman"
    assert [(r["outputs"][0]["answer"], r["programs"][0]["name"]) for r in (den, lhr)] == [
        ("Denver", "airport-city"), ("London", "airport-city")], (den["message"], lhr["message"])
    # a program whose arithmetic holds keeps its guesses: the README's two-pair fem
    assert run("--db", own_db, "add", "fem", "--key", "female of {word}", "--example", "king", "queen",
               "--example", "brother", "sister").exit_code == 0
    guess = _json_query(own_db, "female of nephew")["outputs"][0]
    assert guess["source"] == "vector" and guess["confidence"] >= 0.3, guess


def test_a_home_assistants_intents_keep_opposite_commands_apart_and_fill_key_slots(own_db):
    """A voice assistant's own intents: "turn on the bedroom light" went to lights-off (its phrasing
    "turn the bedroom lights off" at 0.89), "unlock the house" to lock-doors ("lock up the house");
    and "play {song}" filled no song: slots came only from annotated examples."""
    for name, keys in (("lights-on", ["turn on the lights", "lights on", "switch on the light in the {room}",
                                      "turn the living room lights on"]),
                       ("lights-off", ["turn off the lights", "lights off", "switch off the light in the {room}",
                                       "turn the bedroom lights off"]),
                       ("lock-doors", ["lock the doors", "lock the front door", "lock up the house"]),
                       ("unlock-doors", ["unlock the front door", "unlock the doors", "let me in"]),
                       ("play-music", ["play some music", "play {song}", "put on my playlist"])):
        args = [a for k in keys for a in ("-K", k)]
        assert run("--db", own_db, "add", name, "--kind", "intent", *args).exit_code == 0
    lines = "".join(json.dumps({"prompt": p}) + "\n" for p in (
        "turn on the bedroom light", "turn off the bedroom light", "unlock the house", "lock the house",
        "play Bohemian Rhapsody", "switch on the light in the kitchen", "switch on the light in the hall please"))
    out = subprocess.run([PROGDB, "--db", own_db, "query", "--json", "-"], input=lines, capture_output=True, text=True)
    results = [json.loads(line) for line in out.stdout.splitlines()]
    assert [r["programs"][0]["name"] if r["programs"] else None for r in results] == [
        "lights-on", "lights-off", "unlock-doors", "lock-doors", "play-music", "lights-on", "lights-on"], \
        [r["message"] for r in results]
    assert results[4]["slots"] == {"song": "Bohemian Rhapsody"} and results[5]["slots"] == {"room": "kitchen"}
    assert results[6]["slots"] == {"room": "hall"}  # a slot at the end leaves the thanks out
    # a status question between two intents is a coin toss (0.803 against 0.801), and says so
    close = _json_query(own_db, "is the front door locked")
    assert "a close call: 'lock-doors' is nearly as close" in close["message"], close["message"]
    assert "close call" not in _json_query(own_db, "unlock the doors")["message"]


def test_an_apps_json_lines_and_program_files(own_db, tmp_path, monkeypatch):
    """An app developer's batch: a JSON line with a misspelt field ran as a prompt (fix-grammar got
    the input `me is happy"}`), and its "id" was not echoed; "write a tweet" (no text) answered
    mode nearest with no outputs, which an app reading `mode` took for an answer; `add notes.txt`
    made a program named notes.txt."""
    lines = (json.dumps({"id": 7, "prompt": "plural of mouse"}) + "\n" + json.dumps({"text": "plural of goose"}) + "\n"
             + json.dumps({"prompt": "make this formal"}) + "\n" + json.dumps({"id": 9}) + "\n")
    out = subprocess.run([PROGDB, "--db", own_db, "query", "--json", "-"], input=lines, capture_output=True, text=True)
    mouse, bad, empty, no_prompt = (json.loads(line) for line in out.stdout.splitlines())
    assert out.returncode == 2 and mouse["id"] == 7 and mouse["outputs"][0]["answer"] == "mice", out.stdout
    assert bad == {"prompt": None, "error": '<stdin>:2: a JSON line needs a "prompt" string (its fields: "text")'}, bad
    assert no_prompt["id"] == 9 and no_prompt["prompt"] is None, no_prompt  # (its id echoed, as an answer's is)
    assert empty["mode"] == "none" and empty["programs"] == [] and empty["outputs"] == [], empty
    assert "names 'formal' but gives it no input" in empty["message"], empty["message"]
    (tmp_path / "notes.txt").write_text("hello\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    r = run("--db", own_db, "add", "notes.txt")
    assert r.exit_code == 2 and "a program file is .json, .yaml or .yml" in r.output, r.output
    assert "notes.txt" not in run("--db", own_db, "list").output


def test_another_inputs_stored_answer_is_a_guess_in_a_one_to_one_program(own_db):
    """A data scientist's element-symbol of ten pairs answered "silver -> Au (confidence 0.53)", sure:
    gold's symbol. A program of one output per input that answers what it stores for another input
    is guessing (and, while another candidate is left, not answering: a setter's "february -> jan?" was
    january's); a program of shared outputs (currencies) is not."""
    from progdb import ProgramDB

    db = ProgramDB(path=own_db)
    db.add(name="element-symbol", keys=["chemical symbol for {word}", "symbol of {word}"],
           examples=[("sodium", "Na"), ("iron", "Fe"), ("gold", "Au"), ("oxygen", "O"), ("carbon", "C"),
                     ("helium", "He"), ("calcium", "Ca"), ("nitrogen", "N"), ("zinc", "Zn"), ("tin", "Sn")])
    # (and its arithmetic finds none of its ten pairs with each hidden: no answer at all now)
    r = db.query("chemical symbol for silver")
    assert r.mode == "none" and "best guess for 'silver'" in r.message and "too unsure to give" in r.message, r.message
    assert "(Au?" not in r.message  # (gold's symbol is no answer for silver while another is)
    assert db.pipeline.catalog.word_program(db.get("element-symbol")).one_to_one
    assert not db.pipeline.catalog.word_program(db.get("country-currency")).one_to_one


def test_a_users_program_serves_the_library_out_of_scope_prompts_it_asks_for(own_db):
    """A user's country-language (four pairs, one key, "language spoken in {word}"): "what language
    do they speak in brazil" and "what language is spoken in brazil" were refused as "closest to stored
    out-of-scope prompts (1.00)": the library stores that question as one it does not serve."""
    from progdb import ProgramDB

    db = ProgramDB(path=own_db)
    db.add(name="country-language", keys=["language spoken in {word}"],
           examples=[("france", "french"), ("brazil", "portuguese"), ("germany", "german"), ("japan", "japanese")])
    for prompt in ("what language do they speak in brazil", "what language do they speak in Brazil?",
                   "what language is spoken in brazil"):
        r = db.query(prompt)
        assert r.mode == "nearest" and r.outputs[0].answer == "portuguese", (prompt, r.message)
    assert db.query("what is the capital gains tax rate").mode == "none"


def test_a_crossword_solvers_clues(seeded_path, tmp_path):
    """Clues as a crossword prints them: the letter count became the input ("Capital of Bhutan (7)"
    -> "Bhutan (7 -> Feb?"); real rare verbs were read as slips of stored ones ("past tense of
    smite" -> site -> sited, stored example), and rare nouns were refused as unlike every stored noun
    ("plural of chateau"), though a plural takes any noun."""
    clues = {"Capital of Bhutan (7)": "Thimphu", "What is the capital of Liechtenstein? (5)": "Vaduz",
             "Plural of crisis, 6 letters": "crises", "Male duck (5)": "drake",
             "What is the past tense of slink?": None, "Past tense of gird": None, "Past tense of smite": None,
             "What is the plural of chateau?": None, "plural of seraph": None}
    (tmp_path / "clues.txt").write_text("\n".join(clues) + "\n")
    r = subprocess.run([PROGDB, "--db", seeded_path, "query", "--file", str(tmp_path / "clues.txt")],
                       capture_output=True, text=True)
    out = {o["prompt"]: o for o in map(json.loads, r.stdout.splitlines())}
    for clue, answer in clues.items():
        o = out[clue]
        assert o["corrections"] == [] and len(o["inputs"]) <= 1, (clue, o["inputs"], o["corrections"])
        if answer is not None:
            assert o["outputs"][0]["answer"] == answer, (clue, o["outputs"])
    for clue in ("What is the plural of chateau?", "plural of seraph", "What is the past tense of slink?"):
        assert out[clue]["mode"] == "nearest", (clue, out[clue]["message"])
    # a program of names still knows what is none of its inputs
    assert _json_query(seeded_path, "capital of the moon")["mode"] == "none"


def test_an_editors_short_texts_and_foreign_please(seeded_path, tmp_path):
    """A copy editor's requests: "translate to French: Thank you." was refused naming english-german
    (the thanks after the colon was cut as politeness, so "French" became the input); "En français
    svp: Thank you for your letter." compiled the input "svp: Thank"."""
    cases = {"translate to French: Thank you.": ("english-french", "Thank you."),
             "casual pls: Thank you.": ("casual", "Thank you."),
             "En français svp: Thank you for your letter.": ("english-french", "Thank you for your letter."),
             "auf Deutsch bitte: Thank you for your letter.": ("english-german", "Thank you for your letter."),
             "en español por favor: Our office is closed today.": ("english-spanish", "Our office is closed today."),
             "plural of: cat, thanks": ("plural", "cat")}
    (tmp_path / "requests.txt").write_text("\n".join(cases) + "\n")
    r = subprocess.run([PROGDB, "--db", seeded_path, "query", "--file", str(tmp_path / "requests.txt")],
                       capture_output=True, text=True)
    for o in map(json.loads, r.stdout.splitlines()):
        program, text = cases[o["prompt"]]
        assert o["programs"] and o["programs"][0]["name"] == program and o["inputs"] == [text], \
            (o["prompt"], o["message"], o["inputs"])


def test_a_users_program_is_not_refused_for_what_the_seeds_do_not_serve(own_db):
    """After the README tour's country-language, "what language do they speak in brazil" (its key,
    word for word) was refused: a stored out-of-scope prompt of the built-in library is that prompt."""
    assert run("--db", own_db, "import", "docs/examples/languages.csv", "--program", "country-language").exit_code == 0
    assert run("--db", own_db, "add", "country-language", "--key", "what language do they speak in {word}").exit_code == 0
    out = _json_query(own_db, "what language do they speak in brazil")
    assert out["mode"] != "none" and out["programs"][0]["name"] == "country-language", out["message"]
    assert out["outputs"][0]["answer"] == "portuguese"


def test_a_marked_text_is_compiled_as_typed(seeded_path):
    """Quotes inside the text were taken out, a polite last word ("cheers", "thx") was cut off, and
    "make this formal: Thanks!" had no input at all."""
    for prompt, text in [('make this formal: tell him "no way" and leave', 'tell him "no way" and leave'),
                         ("make this formal: I'm sorry, cheers.", "I'm sorry, cheers."),
                         ("make this formal: lol ok thx", "lol ok thx"),
                         ("make this formal: Thanks!", "Thanks!"),
                         ('in plain english: The party of the first part (hereinafter "Lessor") shall pay.',
                          'The party of the first part (hereinafter "Lessor") shall pay.')]:
        out = _json_query(seeded_path, prompt)
        assert out["inputs"] == [text] and text in out["compiled"][0]["text"], (prompt, out["inputs"])
    # a word program still loses the thanks, and reads a quoted word inside a slot as the input
    assert _json_query(seeded_path, "plural of: cat, thanks")["inputs"] == ["cat"]
    assert _json_query(seeded_path, "need the German for 'hospital' asap")["inputs"] == ["hospital"]


def test_a_list_after_a_colon_is_several_inputs_and_a_long_phrase_no_word(seeded_path):
    for prompt in ("plural of cat, dog, mouse", "plural of: cat, dog, mouse"):
        out = _json_query(seeded_path, prompt)
        assert [o["answer"] for o in out["outputs"]] == ["cats", "dogs", "mice"], (prompt, out["inputs"])
    assert _json_query(seeded_path, "capitalize these: apple, river, candle")["inputs"] == ["apple", "river", "candle"]
    # four words no plural's input has, and no talk after "wisdom": not "wisdoms", but a compound whose last word
    # inflects, as plural's stored compounds do (it was refused before session 39)
    out = _json_query(seeded_path, "plural of wisdom teeth removal cost")
    assert [o["answer"] for o in out["outputs"]] == ["wisdom teeth removal costs"], out["outputs"]


def test_real_words_are_not_read_as_slips_and_opposites_are_not_blended(seeded_path):
    """"male of cow" was read "male of now", "agent noun of lie" as "like"; "number after 9" blended
    next-item with previous-item and answered 7."""
    for prompt in ("male of cow", "what is the plural of cow"):
        assert "cow -> now" not in run("--db", seeded_path, "query", prompt).output
    out = _json_query(seeded_path, "number after 9")
    assert [m["name"] for m in out["programs"]] == ["next-item"] and out["outputs"][0]["answer"] == "10"
    out = _json_query(seeded_path, "what day comes after monday")
    assert out["mode"] != "none" and out["outputs"][0]["answer"] == "tuesday", out["message"]
    scores = [c["score"] for c in out["candidates"]]
    assert scores == sorted(scores, reverse=True)  # --json lists candidates by similarity, as --explain


def test_pairs_files_people_jot_down_are_read_as_meant(own_db, tmp_path):
    """A .txt of `bet -> okay, agreed` was read as csv (two cells and an extra), stored as the pair
    `bet -> okay` + `agreed`; `add --examples` read a file otherwise than `import`; sentences
    labelled with a word became a word-arithmetic program."""
    (tmp_path / "slang.txt").write_text("bet -> okay, agreed\nmid -> mediocre, average\n# a comment\n", encoding="utf-8")
    r = run("--db", own_db, "import", str(tmp_path / "slang.txt"))
    assert r.exit_code == 0 and "2 added" in r.output and "created 1 program(s): slang" in r.output, r.output
    shown = run("--db", own_db, "show", "slang").output
    assert shown.startswith("slang (fewshot)") and "bet  ->  okay, agreed" in shown, shown
    (tmp_path / "faces.csv").write_text("word,emoji\nstar,⭐\nmoon,🌙\n", encoding="utf-8")
    assert run("--db", own_db, "add", "faces", "--examples", str(tmp_path / "faces.csv")).exit_code == 0
    assert "word  ->" not in run("--db", own_db, "show", "faces").output  # the header, as import reads it
    (tmp_path / "tickets.csv").write_text("my phone cracked,tech_support\nrefund pls,refund\n"
                                          "my order never came,delivery\n", encoding="utf-8")
    assert run("--db", own_db, "import", str(tmp_path / "tickets.csv")).exit_code == 0
    assert run("--db", own_db, "show", "tickets").output.startswith("tickets (fewshot)")


def test_compile_says_no_program_as_query_does_and_an_export_imports_twice(own_db, tmp_path):
    r = subprocess.run([PROGDB, "--db", own_db, "compile", "what's the weather in Oslo"], capture_output=True, text=True)
    assert r.returncode == 1 and r.stdout.startswith("no program:"), (r.returncode, r.stdout, r.stderr)
    as_json = run("--db", own_db, "compile", "what's the weather in Oslo", "--format", "json")
    assert as_json.exit_code == 1 and json.loads(as_json.stdout)["program"] is None  # a script's json.loads works
    assert run("--db", own_db, "export", "-o", str(tmp_path / "backup.jsonl"), "plural").exit_code == 0
    copy = str(tmp_path / "copy")
    # the second time changes nothing, is no error, and says so
    for said in ("imported 1 program (7 keys)\n", "imported 0 programs (0 keys), 1 unchanged\n"):
        r = run("--db", copy, "--no-seed", "import", str(tmp_path / "backup.jsonl"))
        assert r.exit_code == 0 and r.output.endswith(said), r.output


def test_eval_failures_show_what_an_out_of_scope_prompt_was_answered(seeded_path, tmp_path):
    (tmp_path / "p.jsonl").write_text(json.dumps({"prompt": "plural of cat", "program": None, "inputs": [],
                                                  "answers": [], "split": "test"}) + "\n", encoding="utf-8")
    r = run("--db", seeded_path, "eval", "prompts", str(tmp_path / "p.jsonl"), "--failures")
    assert "-> ['cats']" in r.output, r.output


def test_more_questions_about_words_are_no_requests(seeded_path):
    """Answered with a 'not sure' junk word in the second trial: plural of *used*, *invented*, *data*."""
    for prompt in ("what is the plural form used for", "who invented the word plural", 'is "data" singular or plural',
                   # a student's and a learner's, answered *explained*, *endings*, *clumsy*, *storyline*, sure
                   "explain what a past participle is", "what is the rule for making plurals of words ending in y",
                   "plural rule for words finish in y", "meaning of the word awkward", "is alot a word",
                   "is 'alot' one word", "when use 'a' or 'an'", "correct my sentence: I have 25 years"):
        r = run("--db", seeded_path, "query", prompt)
        # refused as a question about language, or before that, as near the library's out-of-scope prompts
        assert r.exit_code == 1 and r.output.startswith("no program: "), (prompt, r.output)
    assert "plain-english" in run("--db", seeded_path, "query", "explain this in plain english: The lessee shall "
                                  "indemnify the lessor.").output.splitlines()[0]


def test_this_pointing_at_the_text_is_the_requests_word(seeded_path):
    """"pirate this the ship leaves at dawn" compiled `this the ship …`; "simplify this please. The
    …" compiled `this please. The …`."""
    assert _json_query(seeded_path, "pirate this the ship leaves at dawn")["inputs"] == ["the ship leaves at dawn"]
    out = _json_query(seeded_path, "simplify this please. The implementation of the aforementioned policy "
                                   "shall be effectuated forthwith.")
    assert out["inputs"][0].startswith("The implementation"), out["inputs"]
    assert _json_query(seeded_path, "make this formal: this is a test")["inputs"] == ["this is a test"]


def test_a_teachers_questions(seeded_path):
    """A third trial, a teacher's: "V2 of begin" answered *begun*, "give me the plural and past
    tense of walk" chained the two into *strolling?*, "plural of knife also opposite of happy"
    dropped the second, "be" was no input, and "plural of information" was *informations*."""
    answers = {"v2 of begin": ["began"], "V3 of eat": ["eaten"], "second form of go": ["went"],
               "give me the plural and past tense of walk": ["walks", "walked"],
               "past tense and past participle of drink": ["drank", "drunk"],
               "plural of knife also opposite of happy": ["knives", "unhappy"],
               "-ing form of be": ["being"], "plural of information": ["information"]}
    for prompt, want in answers.items():
        out = _json_query(seeded_path, prompt)
        got = [o["answer"] for r in [out] + out["also"] for o in r["outputs"]]
        assert got == want and out["prompt"] == prompt, (prompt, got, [a["prompt"] for a in out["also"]])


def test_a_text_keeps_its_opening_quote_and_runs_on_after_a_question(seeded_path, own_db, tmp_path):
    """A fourth trial's texts: one that starts with a quote lost it; after "…formally?" only the
    first sentence was compiled; a user's ticket text with commas became three inputs."""
    for prompt, text in [('make this formal: "hi all," she said, "see you at 5"', '"hi all," she said, "see you at 5"'),
                         ("could you rewrite this email formally? hey, running late, sorry!! thanks",
                          "hey, running late, sorry!! thanks"),
                         ("make this sound like a pirate? Payment received. Thank you", "Payment received. Thank you")]:
        assert _json_query(seeded_path, prompt)["inputs"] == [text], prompt
    (tmp_path / "tickets.csv").write_text('input,output\nmy card was charged twice,billing\nrefund pls,billing\n'
                                          '"app is slow, crashes too",technical\n', encoding="utf-8")
    assert run("--db", own_db, "import", str(tmp_path / "tickets.csv")).exit_code == 0
    for prompt, text in [("tickets: cant do that, not supported, sorry", "cant do that, not supported, sorry"),
                         ("tickets: Refund please, thanks", "Refund please, thanks")]:
        assert _json_query(own_db, prompt)["inputs"] == [text], prompt


def test_a_spreadsheet_export_with_a_free_text_header_and_notes_imports(own_db, tmp_path):
    """`Customer reply draft,Polished reply,Notes` failed every row: its first column was read as
    the program."""
    (tmp_path / "reply-polish.csv").write_text(
        'Customer reply draft,Polished reply,Notes\ncant do that,"Unfortunately, that is not something we support.",v1\n'
        "pls wait,Thank you for your patience.,\n", encoding="utf-8")
    r = run("--db", own_db, "import", str(tmp_path / "reply-polish.csv"))
    assert r.exit_code == 0 and "2 added" in r.output and "0 rejected" in r.output, r.output
    shown = run("--db", own_db, "show", "reply-polish").output
    assert "pls wait  ->  Thank you for your patience." in shown and "Customer" not in shown, shown


# -- the twelfth session's new users ---------------------------------------------------------

def test_the_male_of_a_female_word_and_the_direction_of_opposites(seeded_path):
    """"male of queen" was refused or answered with another female word (0 of 36 in a trial):
    there was no female-to-male program. Of two opposite programs the one the request's own
    words name goes first: "but for a woman" is male-to-female's however near MiniLM puts
    "but for a man"; "what letter comes after z" is next-item's though only previous-item stores z."""
    for prompt, program, answer in [("male of queen", "female-to-male", "king"),
                                    ("masculine of actress", "female-to-male", "actor"),
                                    ("what do you call a male cow", "female-to-male", "bull"),
                                    ("male counterpart of aunt", "female-to-male", "uncle"),
                                    ("female of king", "male-to-female", "queen"),
                                    ("widower but for a woman?", "male-to-female", "widow")]:
        out = _json_query(seeded_path, prompt)
        assert out["programs"][0]["name"] == program and out["outputs"][0]["answer"] == answer, (prompt, out["programs"])
    for prompt, program in [('what letter comes after "z"', "next-item"), ('what letter comes before "a"', "previous-item")]:
        assert _json_query(seeded_path, prompt)["programs"][0]["name"] == program, prompt


def test_a_request_after_its_text_gets_the_text_whole(seeded_path):
    """With the request after the text on one line, 1 of 10 texts came through whole: "hey can u
    send it before 5? -- make this formal pls" compiled `send it before 5`."""
    for prompt, program, text in [
            ("hey can u send it before 5? -- make this formal pls", "formal", "hey can u send it before 5?"),
            ("can we move the call to 4? make this formal", "formal", "can we move the call to 4?"),
            ("Please find attached the invoice for March. Make it casual.", "casual",
             "Please find attached the invoice for March."),
            ("Please remit the outstanding balance forthwith. <- in plain english", "plain-english",
             "Please remit the outstanding balance forthwith."),
            ("Hi, welcome to our store! now make it pirate", "pirate", "Hi, welcome to our store!"),
            ("Hi all — quick update. The API migration finished overnight. Next update at 3pm. Summarize in bullets",
             "bullet-summary", "Hi all — quick update. The API migration finished overnight. Next update at 3pm."),
            ("See you tomorrow! (in french pls)", "english-french", "See you tomorrow!"),
            ("Could you translate this into Spanish for our website footer? The shop is closed on Sundays.",
             "english-spanish", "The shop is closed on Sundays."),
            ("title case this pls - how to write better prompts for customer support bots", "headline-case",
             "how to write better prompts for customer support bots")]:
        out = _json_query(seeded_path, prompt)
        assert out["programs"][0]["name"] == program and out["inputs"] == [text] and not out["corrections"], \
            (prompt, out["programs"], out["inputs"], out["corrections"])
        assert text in out["compiled"][0]["text"]


def test_two_requests_for_one_program_and_a_second_about_its(seeded_path):
    """"capital of france and capital of spain" answered France alone; "whats the capital of spain
    and whats its currency" only Madrid."""
    out = _json_query(seeded_path, "capital of france and capital of spain")  # (one list, or a second request)
    answers = [o["answer"] for r in [out, *out["also"]] for o in r["outputs"]]
    assert answers == ["Paris", "Madrid"], answers
    out = _json_query(seeded_path, "whats the capital of spain and whats its currency")
    assert out["outputs"][0]["answer"] == "Madrid" and out["also"][0]["programs"][0]["name"] == "country-currency"
    assert out["also"][0]["outputs"][0]["answer"].lower().startswith("euro")
    # a second request naming nothing asks about the first's input (it was dropped, or read "the")
    for prompt, second in (("wats the capital of japan and whats the currency", "yen"),
                           ("capital of peru and the currency?", "Sol (PEN)")):
        out = _json_query(seeded_path, prompt)
        assert out["also"] and out["also"][0]["outputs"][0]["answer"] == second, (prompt, out["also"])


def test_a_row_number_column_and_a_header_of_labels_are_not_pairs(own_db, tmp_path):
    """`id,message,reply` made programs named id, 1 and 2 (even with --program); a header of two
    labels over rows of sentences (`Message,Reply`, `Product facts,Zesty copy`) was stored as a pair."""
    files = {"tickets.csv": "id,message,reply\n1,Where is my order?,It ships tomorrow.\n2,Can I return it?,Yes.\n",
             "numbered.csv": "1,Where is my order?,It ships tomorrow.\n2,Can I return it?,Yes.\n",
             "support.csv": "Message,Reply\nWhere is my order?,It ships tomorrow.\nCan I return it?,Yes.\n",
             "copy.tsv": "Product facts\tZesty copy\nA mug that keeps tea hot\tYour tea, forever toasty!\n",
             # lower-case words over names and marks (it was stored as the pair extension -> language)
             "lang.csv": "extension,language\n.py,Python\n.rs,Rust\n",
             # capitalised labels over lower-case words, pasted from a spreadsheet (stored as Verb -> Person)
             "sheet.tsv": "Verb\tPerson\nbake\tbaker\nfarm\tfarmer\n"}
    for name, text in files.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
        r = run("--db", own_db, "import", str(tmp_path / name), "--program", name.split(".")[0])
        assert r.exit_code == 0 and "created 1 program(s)" in r.output and "0 rejected" in r.output, (name, r.output)
        shown = run("--db", own_db, "show", name.split(".")[0]).output
        first = text.splitlines()[1].split("\t" if name.endswith("tsv") else ",")
        assert f"{first[-2]}  ->  {first[-1]}" in shown and "Message" not in shown and "facts" not in shown, shown
        assert "extension" not in shown and "Verb" not in shown, shown
    # two words over two words is a pair of data, as before
    (tmp_path / "caps.csv").write_text("France,Paris\nGermany,Berlin\n", encoding="utf-8")
    assert "2 added" in run("--db", own_db, "import", str(tmp_path / "caps.csv"), "--program", "caps").output
    (tmp_path / "plurals.csv").write_text("cat,cats\nice cream,ice creams\n", encoding="utf-8")
    assert "2 added" in run("--db", own_db, "import", str(tmp_path / "plurals.csv"), "--program", "pl").output


def test_a_mistyped_program_name_is_named_on_import(own_db, tmp_path):
    """`import verbs.csv --program plurl` made a new program silently; the pairs were lost to `plural`."""
    (tmp_path / "more.csv").write_text("cactus,cacti\n", encoding="utf-8")
    r = run("--db", own_db, "import", str(tmp_path / "more.csv"), "--program", "plurl")
    assert r.exit_code == 0 and "did you mean 'plural'?" in r.stderr and "progdb remove plurl" in r.stderr, r.output
    r = run("--db", own_db, "import", str(tmp_path / "more.csv"), "--program", "succulents")
    assert r.exit_code == 0 and "did you mean" not in r.output
    # ...and on add (a teacher's baby-animals beside baby-animal), but a whole word more is another program
    r = run("--db", own_db, "add", "past-tenses", "--example", "go", "went")
    assert r.exit_code == 0 and "did you mean 'past-tense'? (`progdb remove past-tenses` undoes it)" in r.stderr, r.output
    r = run("--db", own_db, "add", "three-bullet-summary", "--example", "a b c d e f", "- a b\n- c d\n- e f")
    assert r.exit_code == 0 and "did you mean" not in r.output, r.output
    # ...and on show (a data engineer's "show acronym" of acronyms)
    r = run("--db", own_db, "show", "plurall")
    assert r.exit_code == 2 and "no program named 'plurall'; did you mean 'plural'?" in r.output, r.output
    # ...and on remove (a localiser's "remove ui-terms-dee --input Save" named none)
    for args in (["remove", "plurall", "--yes"], ["remove", "plurall", "--input", "cat", "--yes"]):
        r = run("--db", own_db, *args)
        assert r.exit_code == 2 and "no program named 'plurall'; did you mean 'plural'?" in r.output, (args, r.output)


def test_an_import_names_repeated_rows_and_pairs_outside_the_word_space(own_db, tmp_path):
    """A student's CSV with a row pasted twice and a misspelt word imported silently: the repeat was
    counted unchanged, and the misspelt pair stored where the arithmetic never uses it."""
    (tmp_path / "agents.csv").write_text("input,output\nwalk,walker\nswim,swimmer\nwalk,walker\n"
                                         "teach,teachr\nrun,runner\n", encoding="utf-8")
    r = run("--db", own_db, "import", str(tmp_path / "agents.csv"), "--program", "agents")
    assert r.exit_code == 0 and "4 added, 0 updated, 1 unchanged" in r.stdout, r.output
    assert "agents.csv line 4 repeats line 2 (walk -> walker)" in r.stderr, r.stderr
    assert "agents: 1 pair has a word outside the word space (" in r.stderr and "line 5: teach -> teachr)" in r.stderr
    # again: every row is unchanged, none of them new, so nothing to say
    r = run("--db", own_db, "import", str(tmp_path / "agents.csv"), "--program", "agents", "--json")
    assert json.loads(r.stdout)["unchanged"] == 5 and "note" not in r.stderr, r.output
    # add says it of the pairs it is given, and not of a text program's
    r = run("--db", own_db, "add", "agents", "--example", "bake", "bakxer", "--example", "sing", "singer")
    assert r.exit_code == 0 and "(bake -> bakxer)" in r.stderr and "singer" not in r.stderr, r.output
    r = run("--db", own_db, "add", "replies", "--example", "thx so much", "Thank you very much.")
    assert r.exit_code == 0 and "outside the word space" not in r.stderr, r.output


def test_a_lower_case_header_of_kinds_is_no_pair(own_db, tmp_path):
    """A teacher's "verb,person" over "sing,singer" was stored as the pair verb -> person."""
    (tmp_path / "doers.csv").write_text("verb,person\nsing,singer\npaint,painter\n", encoding="utf-8")
    r = run("--db", own_db, "import", str(tmp_path / "doers.csv"), "--program", "doers")
    assert r.exit_code == 0 and "2 added" in r.stdout and "read as a pair" not in r.stderr, r.output
    (tmp_path / "plurals.csv").write_text("cat,cats\ndog,dogs\n", encoding="utf-8")
    r = run("--db", own_db, "import", str(tmp_path / "plurals.csv"), "--program", "my-plurals")
    assert r.exit_code == 0 and "2 added" in r.stdout and "'cat,cats' is read as a pair" in r.stderr, r.output


def test_young_animals_and_agent_nouns_are_in_the_library(seeded_path, tmp_path):
    """A quiz writer's "what do you call a baby kangaroo" and a teacher's "a person who sings is called
    a..." found no program. Their inflected words ask for the base ("lies", "swans"), as the card's
    base_forms says, where the library's inflection programs keep the form they are asked about."""
    for prompt, program, answer in [("what do you call a baby kangaroo", "animal-young", "joey"),
                                    ("young of a swan", "animal-young", "cygnet"),
                                    ("whats a person who lies called", "agent-noun", "liar"),
                                    ("what do you call someone who paints", "agent-noun", "painter"),
                                    ("past tense of stopping", "gerund-to-past", "stopped")]:
        out = _json_query(seeded_path, prompt)
        assert out["programs"][0]["name"] == program and out["outputs"][0]["answer"] == answer, (prompt, out["message"])
    # an animal it stores no young for is no guess ("baby rhino" was "nickelback?")
    out = _json_query(seeded_path, "do you know what a baby rhino is called?")
    assert not any(o.get("answer") for o in out["outputs"]), out["outputs"]
    (tmp_path / "bad.json").write_text(json.dumps({"name": "x", "keys": ["x of {word}"], "base_forms": "yes",
                                                   "examples": [["a", "b"]]}))
    r = run("--db", str(tmp_path / "db"), "--no-seed", "add", str(tmp_path / "bad.json"))
    assert r.exit_code == 2 and "field 'base_forms': expected true or false" in r.output, r.output


def test_a_refusal_as_a_library_programs_way_back_names_the_users_nearest(own_db):
    """A teacher's "catalogue in american english" was refused as english-spanish's way back, and
    their british-to-american went unnamed; a key that passed was said "0.62, below the threshold 0.60"."""
    r = run("--db", own_db, "add", "british-to-american", "--key", "american spelling of {word}", "--example",
            "colour", "color", "--example", "centre", "center", "--example", "organise", "organize")
    assert r.exit_code == 0, r.output
    out = _json_query(own_db, "catalogue in american english")
    if out["mode"] == "none":
        assert "your nearest program: british-to-american" in out["message"], out["message"]
        nearest = out["message"].split("your nearest program: ")[1]
        score, threshold = (float(x) for x in re.findall(r"(\d\.\d+)", nearest.split("key match")[-1])[-2:])
        assert score < threshold, nearest
    else:
        assert out["programs"][0]["name"] == "british-to-american", out


def test_a_prompt_typed_without_query_is_pointed_to_it(seeded_path):
    """A quiz writer's "progdb capital of peru" said only "No such command 'capital'"."""
    r = run("--db", seeded_path, "capital", "of", "peru")
    assert r.exit_code == 2 and 'To ask it as a prompt: progdb query "capital of peru"' in r.output, r.output
    r = run("--db", seeded_path, "qurey", "x")  # a slip of a command is still that command's
    assert "Did you mean 'query'?" in r.output and "as a prompt" not in r.output, r.output


def test_a_teachers_small_program_of_one_suffix_spells_new_words(own_db):
    """A teacher's six pairs of verb -> the person who does it answered "paint -> designer?" and
    "run -> driver?": 50-d arithmetic learns no +er from six pairs (agent-noun is built in now). A small
    program's suffix, spelt as English spells it, answers, and says so; a rule's product that is another
    word ("see -> seed") is not given."""
    pairs = [("kind", "kindness"), ("dark", "darkness"), ("sad", "sadness"), ("weak", "weakness"), ("soft", "softness")]
    r = run("--db", own_db, "add", "ness-noun", "--key", "ness noun of {word}", "--key", "the quality of being {word}",
            *[x for a, b in pairs for x in ("--example", a, b)])
    assert r.exit_code == 0 and "ness-noun's pairs take one suffix, +ness (5 of its 5 pairs" in r.stderr, r.output
    for prompt, answer in [("ness noun of happy", "happiness"), ("ness noun of bold", "boldness"),
                           ("the quality of being calm", "calmness")]:
        out = _json_query(own_db, prompt)
        assert out["programs"][0]["name"] == "ness-noun" and out["outputs"][0]["answer"] == answer, (prompt, out["outputs"])
        assert "a spelling rule of its pairs: +ness" in out["outputs"][0]["note"]
    r = run("--db", own_db, "add", "my-past", "--key", "simple past of {word}", "--example", "walk", "walked",
            "--example", "jump", "jumped", "--example", "play", "played", "--example", "look", "looked")
    assert r.exit_code == 0, r.output
    assert _json_query(own_db, "simple past of stop")["outputs"][0]["answer"] == "stopped"
    for verb, not_this in [("see", "seed"), ("put", "putted"), ("sing", "singed")]:
        out = _json_query(own_db, f"simple past of {verb}")["outputs"][0]
        assert out["answer"] != not_this or not out["sure"], out


def test_a_common_word_is_no_slip_of_a_request_word_it_starts_differently_from(seeded_path):
    """A quiz writer's "what is a baby hare called" read hare -> are ("people from are called") and
    answered "baby -> babies", stored and sure."""
    out = _json_query(seeded_path, "what is a baby hare called")
    assert out["mode"] == "none" or "hare -> are" not in json.dumps(out["corrections"]), out
    assert _json_query(seeded_path, "whats the capital of frnace")["outputs"][0]["answer"] == "Paris"
    # a word the word space knows, one slip from a stored name and near it in meaning, is its other spelling
    # ("kazakstan" answered Almaty?, a guess; Iran beside Iraq is no slip: both are stored)
    assert _json_query(seeded_path, "capital of kazakstan")["outputs"][0]["answer"] == "Astana"
    assert _json_query(seeded_path, "capital of iran")["outputs"][0]["answer"] == "Tehran"


def test_a_long_adjective_compares_with_more_and_most(seeded_path):
    """"comparative of beautiful" answered *prettier*, "superlative of 'expensive'" *cheapest*: the
    lexicons list no -er form for them, and the arithmetic has no two-word answer."""
    for prompt, answer in [("what's the comparative for beautiful", "more beautiful"),
                           ("superlative of 'expensive' please", "most expensive"),
                           ("comparative of big", "bigger"), ("superlative of good", "best")]:
        out = _json_query(seeded_path, prompt)
        assert out["outputs"][0]["answer"] == answer and out["outputs"][0]["source"] == "stored", (prompt, out["outputs"])


def test_k_candidates_are_shown_and_method_has_a_short_option(seeded_path):
    """`-k 10` still printed five candidates; `query -m combined` was "No such option"."""
    r = subprocess.run([PROGDB, "--db", seeded_path, "query", "past tense of tweet", "-k", "8", "-m", "combined"],
                       capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    line = next(x for x in r.stdout.splitlines() if x.strip().startswith("candidates:"))
    assert len(line.split(":", 1)[1].split(",")) == 8, line


def test_a_support_leads_pasted_messages(seeded_path):
    """"translate to german we are closed on sunday" (no colon) was refused with `closed on sunday`
    read; a customer's "why …?" before a request was refused as a question about language."""
    for prompt, program, text in [
            ("translate to german we are closed on sunday", "english-german", "we are closed on sunday"),
            ("translate into spanish the store closes at 9pm tonight", "english-spanish",
             "the store closes at 9pm tonight"),
            ("why is this taking so long? make this polite", "formal", "why is this taking so long?")]:
        out = _json_query(seeded_path, prompt)
        assert out["mode"] != "none" and out["programs"][0]["name"] == program and out["inputs"] == [text], \
            (prompt, out["message"], out["inputs"])
    # "title case" is capitalize's key word for word, but a text is headline-case's alone (it was a blend)
    out = _json_query(seeded_path, "title case: how to reset your password in three easy steps")
    assert [p["name"] for p in out["programs"]] == ["headline-case"], out["programs"]
    assert _json_query(seeded_path, "title case london")["outputs"][0]["answer"] == "London"
    for near_miss in ("casual dinner ideas for 6 people on a budget", "why do scientists write in passive voice",
                      "what does 'shiver me timbers' mean"):
        assert _json_query(seeded_path, near_miss)["mode"] == "none", near_miss


def test_every_format_an_error_names_is_accepted_by_format(tmp_path):
    """A blank file's error listed `arrows` among the formats, and `--format arrows` was refused."""
    (tmp_path / "jotted.txt").write_text("brb -> be right back\nidk -> I don't know\n", encoding="utf-8")
    r = run("--db", str(tmp_path / "db"), "--no-seed", "import", str(tmp_path / "jotted.txt"), "--format", "arrows",
            "--program", "slang")
    assert r.exit_code == 0 and "2 added" in r.output, r.output


def test_ctrl_c_during_an_import_exits_130_and_says_what_stays(tmp_path):
    """Ctrl-C printed "Aborted!" and exited 1, the status of "no answer"."""
    import signal
    import time

    pairs = tmp_path / "pairs.csv"
    pairs.write_text("input,output\n" + "".join(f"w{i},v{i}\n" for i in range(200_000)))
    master, slave = pty.openpty()
    proc = subprocess.Popen([PROGDB, "--db", str(tmp_path / "db"), "--no-seed", "import", str(pairs), "--program", "x",
                             "--batch-size", "1000"], stdin=slave, stdout=slave, stderr=slave, close_fds=True,
                            env={**os.environ, "TERM": "xterm", "COLUMNS": "100"})
    os.close(slave)
    screen = b""
    deadline = time.monotonic() + 300
    while b"rows/s" not in screen and time.monotonic() < deadline:  # the bar has drawn: the import runs
        if _readable(master, 5):
            screen += os.read(master, 65536)
    proc.send_signal(signal.SIGINT)
    while True:
        try:
            data = os.read(master, 65536) if _readable(master, 60) else b""
        except OSError:
            break
        if not data:
            break
        screen += data
    os.close(master)
    assert proc.wait(timeout=60) == 130
    text = screen.decode("utf-8", "replace")
    assert "progdb: interrupted; what was stored stays" in text and "Aborted!" not in text, text[-500:]


def test_a_refusal_of_a_prompt_with_a_colon_reads_no_inputs(seeded_path):
    r = json.loads(run("--db", seeded_path, "query", "--json", "weather report: sunny in Oslo, 20 degrees").stdout)
    assert r["mode"] == "none" and r["inputs"] == [] and r["parse_method"] == "whole", (r["mode"], r["inputs"])


def test_a_word_a_users_program_stores_is_no_typo(own_db):
    """"past tense of rebase" read "rebase -> rebate" though the user's git-verbs stores rebase."""
    # re + base is a word, no slip of "rebate": the library's past-tense spells it
    assert "rebase -> rebased" in run("--db", own_db, "query", "past tense of rebase").output
    assert run("--db", own_db, "add", "git-verbs", "--key", "git past tense of {word}", "--example", "rebase", "rebased",
               "--example", "commit", "committed").exit_code == 0
    r = json.loads(run("--db", own_db, "query", "--json", "past tense of rebase").stdout)
    assert r["corrections"] == [] and r["inputs"] == ["rebase"], (r["corrections"], r["inputs"])


def test_a_refusal_names_the_key_that_matched_when_no_input_fits(own_db):
    """--explain listed 'units' at 1.00 and the refusal said nothing stored was close (best: headline-case)."""
    assert run("--db", own_db, "add", "units", "--key", "what does {word} stand for", "--example", "km", "kilometre",
               "--example", "kg", "kilogram").exit_code == 0
    r = run("--db", own_db, "query", "what does km stand for and what does kg stand for")
    assert r.exit_code == 0 and "km -> kilometre (stored example)" in r.output and "kg -> kilogram" in r.output, r.output
    r = run("--db", own_db, "query", "what does this stand for and what does that stand for")
    assert r.exit_code == 1 and "'what does stand for' are like the phrasings of 'units' (key match 1.00)" in r.output, \
        r.output


def test_a_refusal_names_the_closest_key_and_explain_shows_what_it_was_compared_with(seeded_path):
    """A support developer measured the cosines themselves: a refusal said "best: headline-case at
    0.38" with previous-item at 0.62 above it in the candidates, and --explain's "best key
    similarity" was not the cosine of the key it printed to their message (it is to a part of it)."""
    for prompt in ("who won the super bowl last year", "the tracking link you sent doesnt work, where is my package"):
        r = json.loads(run("--db", seeded_path, "query", "--json", prompt).stdout)
        top = max(r["candidates"], key=lambda c: c["score"])
        named = (f"best: {top['name']} at {top['score']:.2f}", f"'{top['name']}' (key match {top['score']:.2f})")
        assert r["mode"] == "none" and any(n in r["message"] for n in named), (r["message"], top)
        assert all(c["matched"] for c in r["candidates"])
    explained = run("--db", seeded_path, "query", "--explain", "who won the super bowl last year").output
    assert "cosine of its best key to the prompt's words it was compared with" in explained
    line = next(x for x in explained.splitlines() if "previous-item" in x and "via key" in x)
    assert " ~ 'last year'" in line, line


def test_a_stored_question_asked_word_for_word_is_answered(own_db, tmp_path):
    """A quiz writer's Question,Answer file: asking a stored question as stored got "nothing stored
    is close to this prompt"."""
    quiz = tmp_path / "quiz.csv"
    quiz.write_text("Question,Answer\nWhat is the tallest mountain in Africa?,Kilimanjaro\n"
                    "How many states are in the USA?,50\n")
    assert run("--db", own_db, "import", str(quiz), "--program", "pubquiz").exit_code == 0
    for prompt, answer in (("What is the tallest mountain in Africa?", "Kilimanjaro"),
                           ("how many states are in the usa?", "50")):
        r = json.loads(run("--db", own_db, "query", "--json", prompt).stdout)
        assert r["programs"][0]["name"] == "pubquiz" and r["outputs"][0]["answer"] == answer, (r["mode"], r["message"])
        assert r["parse_method"] == "stored"


def test_a_users_small_programs_answer_what_they_store_as_people_ask(own_db, tmp_path):
    """A hobbyist's own programs (2026-12-01): file-ext stores ".rs" (reading cut the dot, so it was
    never found), emoji and chess-moves store words a typo missed, and http-status's
    "what does {word} mean" took "status code 401" and "http 429" whole, though 401 and 429 are stored."""
    (tmp_path / "file-ext.csv").write_text("extension,language\n.rs,Rust\n.py,Python\n.java,Java\n.go,Go\n"
                                           ".cpp,C++\n.kt,Kotlin\n", encoding="utf-8")
    (tmp_path / "emoji.json").write_text(json.dumps([{"input": w, "output": e} for w, e in [
        ("rocket", "🚀"), ("pizza", "🍕"), ("fire", "🔥"), ("heart", "❤️")]]), encoding="utf-8")
    (tmp_path / "http-status.csv").write_text("code,meaning\n401,Unauthorized - you need to log in\n"
                                              "404,Not Found - the resource does not exist\n"
                                              "429,Too Many Requests - slow down\n", encoding="utf-8")
    for name, keys in [("file-ext", ["what language is {word}"]), ("emoji", ["emoji for {word}", "{word} emoji"]),
                       ("http-status", ["what does {word} mean", "status code {word}", "http status {word}"])]:
        file = next(tmp_path.glob(f"{name}.*"))
        assert run("--db", own_db, "import", str(file), "--program", name).exit_code == 0
        assert run("--db", own_db, "add", name, *[a for k in keys for a in ("--key", k)]).exit_code == 0
    for prompt, line in [("what language is .rs", ".rs -> Rust (stored example)"),
                         ('what language is ".java"', ".java -> Java (stored example)"),
                         ("emoji for rocekt", "rocket -> 🚀 (stored example)"),
                         ("pizaa emoji", "pizza -> 🍕 (stored example)"),
                         ("fire as an emoji", "fire -> 🔥 (stored example)"),
                         ("what does status code 401 mean", "401 -> Unauthorized - you need to log in (stored example)"),
                         ("what does http 429 mean", "429 -> Too Many Requests - slow down (stored example)")]:
        out = run("--db", own_db, "query", prompt).output
        assert line in out.splitlines(), (prompt, out)


def test_a_backup_restored_into_a_new_seeded_database_says_what_differs(own_db, seeded_path, tmp_path):
    """An operator's full export, imported into a database seeded later, met a built-in program that
    had changed since: "program 'bullet-summary' already exists (use --replace …)". The message now
    says the programs differ, and names both ways out."""
    assert run("--db", own_db, "add", "plural", "--key", "pluralize my word {word}").exit_code == 0
    backup = tmp_path / "backup.jsonl"
    assert run("--db", own_db, "export", "-o", str(backup)).exit_code == 0
    fresh = str(tmp_path / "fresh")
    shutil.copytree(seeded_path, fresh)
    r = run("--db", fresh, "import", str(backup))
    assert r.exit_code == 2 and "1 program(s) of the file already exist here, stored otherwise: plural" in r.output
    assert "--replace" in r.output and "--no-seed" in r.output and "--program NAME" in r.output
    # one program of the backup alone (a developer restoring the one they removed, trial D): the
    # other programs of the file are left as they are
    pirate = json.loads(run("--db", fresh, "show", "pirate", "--json").output)
    assert run("--db", fresh, "remove", "pirate", "--yes").exit_code == 0
    r = run("--db", fresh, "import", str(backup), "--program", "pirate")
    assert r.exit_code == 0 and r.output == f"imported 1 program ({len(pirate['keys'])} keys)\n", r.output
    assert json.loads(run("--db", fresh, "show", "pirate", "--json").output) == pirate
    assert "pluralize my word {word}" not in json.loads(run("--db", fresh, "show", "plural", "--json").output)["keys"]
    r = run("--db", fresh, "import", str(backup), "--program", "pirat")
    assert r.exit_code == 2 and "no program 'pirat' in the file; did you mean 'pirate'?" in r.output, r.output
    assert run("--db", fresh, "import", str(backup), "--replace").exit_code == 0
    assert "pluralize my word {word}" in json.loads(run("--db", fresh, "show", "plural", "--json").output)["keys"]
    clean = str(tmp_path / "clean")
    r = run("--db", clean, "--no-seed", "import", str(backup))
    assert r.exit_code == 0, r.output


def test_growing_a_program_says_when_its_description_changes(tmp_path):
    """A second program file of the same name grew the first and silently swapped its description
    (its few-shot instruction): "grew emoji" and nothing more."""
    db = str(tmp_path / "db")
    assert run("--db", db, "--no-seed", "add", "emoji", "--kind", "fewshot", "--description", "Turn a word into an emoji.",
               "--example", "fire", "🔥").exit_code == 0
    r = run("--db", db, "--no-seed", "add", "emoji", "--description", "ascii emoticons", "--example", "smile", ":)")
    assert r.exit_code == 0 and "grew emoji" in r.output
    assert "note: emoji's description is now 'ascii emoticons' (it was 'Turn a word into an emoji.'" in r.output
    # --replace without -d drops the instruction too: the note says so (it named only keys and examples)
    r = run("--db", db, "add", "emoji", "--example", "smile", ":)", "--replace")
    assert r.exit_code == 0 and "dropped 0 keys and 1 example and its description of the old emoji" in r.stderr, r.output


def test_a_learners_and_a_testers_prompts(seeded_path):
    """A language learner's and a sceptical tester's first hour: "plural of mother in law" answered
    mother -> mothers (stored), "third-person singular present of do" present -> presents, "past of
    lie (say not true)" took `lie (say`, "participle of write" blended to *writing*, Glacier National
    Park went to city-to-state (*California?*), "capital of espain" was an error, "french fries recipe"
    compiled a French translation, "capitalization rules for titles" a capitalization."""
    answered = {"plural of mother in law": ("plural", "mothers-in-law"),
                "plural from criterion": ("plural", "criteria"),
                "participle of write": ("past-participle", "written"),
                "what's a female horse called": ("male-to-female", "mare"),
                "third-person singular present of do": ("third-person-singular", "does"),
                "he form of do": ("third-person-singular", "does"),
                "which state is Glacier National Park in": ("national-park-state", "Montana"),
                "capital of espain": ("country-capital", "Madrid"),
                "plural of aircraft": ("plural", "aircraft")}
    refused = ["french fries recipe", "capitalization rules for titles"]
    prompts = list(answered) + refused + ["past of lie (say not true)", "rewrite this more professionally: sorry im late lol"]
    r = run("--db", seeded_path, "query", "-", input="\n".join(prompts) + "\n")
    got = {d["prompt"]: d for d in map(json.loads, r.output.splitlines())}
    for prompt, (program, answer) in answered.items():
        out = got[prompt]
        assert (out["programs"][0]["name"], out["outputs"][0]["answer"]) == (program, answer), (prompt, out["outputs"])
    for prompt in refused:
        assert got[prompt]["mode"] == "none", (prompt, got[prompt].get("programs"))
    assert got["past of lie (say not true)"]["inputs"] == ["lie"]
    assert got["rewrite this more professionally: sorry im late lol"]["programs"][0]["name"] == "formal"


def test_an_app_builders_texts_reach_their_program_whole(own_db):
    """An app builder's own text programs, asked as their users ask: "2021/6/7\\nin iso format please"
    gave the input `7`, "12/25/2023 -> iso 8601" `12/25/2023 ->`; a request after " -- " or in brackets
    stayed in the text, and a sentence before an arrow lost its greeting."""
    assert run("--db", own_db, "import", str(Path(__file__).with_name("data") / "app_programs.jsonl")).exit_code == 0
    asked = {"2021/6/7\nin iso format please": ("iso-date", "2021/6/7"),
             "Tuesday, 9 January 2024\nin iso format please": ("iso-date", "Tuesday, 9 January 2024"),
             "12/25/2023 -> iso 8601": ("iso-date", "12/25/2023"),
             "we dont ship to PO boxes (make it a polite support reply)": ("support-reply", "we dont ship to PO boxes"),
             "Hey! Your order is delayed. Sorry!! -- rewrite as a polite customer support reply":
                 ("support-reply", "Hey! Your order is delayed. Sorry!!"),
             "Hi! The item is discontinued. -> polite support reply": ("support-reply", "Hi! The item is discontinued.")}
    lines = "".join(json.dumps({"prompt": p}) + "\n" for p in asked)
    got = [json.loads(x) for x in run("--db", own_db, "query", "-", input=lines).output.splitlines()]
    for out, (prompt, (program, text)) in zip(got, asked.items()):
        assert (out["programs"][0]["name"], out["inputs"]) == (program, [text]), (prompt, out["inputs"])
    # a built-in translator's request before a colon: the text after it is the input, not talk
    out = _json_query(own_db, "translate this into Spanish for our website footer: All prices include VAT.")
    assert (out["programs"][0]["name"], out["inputs"]) == ("english-spanish", ["All prices include VAT."])


def test_a_support_bots_routes_beside_the_library_and_fit_keeps_the_library(own_db):
    """A chatbot developer's routes (intents, a few utterances each) on the seeded database:
    "i want my money back" was refused (its whole reading drops "i want" as talk, 0.58 < 0.60), and
    `fit` with its default classifier made the library read no input or typo ("whats the capital of
    frnace" became an error; "what are your store hours" answered *each*). Fit now picks the
    reader's similarity when the database holds programs that take inputs, and says so when told
    the classifier."""
    data = Path(__file__).with_name("data")
    assert run("--db", own_db, "import", str(data / "support_routes.jsonl")).exit_code == 0
    asked = {"i want my money back": "refund-request", "i want to speak to a real person not a bot": "talk-to-human"}
    for prompt, program in asked.items():
        out = _json_query(own_db, prompt)
        assert out["programs"] and out["programs"][0]["name"] == program, (prompt, out.get("message"))
    from progdb.db import ProgramDB

    library = ProgramDB(path=own_db).store.labelled_with_vectors()[1]
    r = run("--db", own_db, "fit", str(data / "support_fit.json"))
    assert r.exit_code == 0 and r.output.startswith("router similarity"), r.output
    # the fit calibrates the user's routes and learns their prompts; the library keeps its labelled
    # requests and its threshold
    # (a restaurant bot's fit wiped them and set 0.36 for all: "book a flight to barcelona" answered
    # english-spanish's vuelo, sure)
    db = ProgramDB(path=own_db)
    cal = db.calibration()
    assert cal["threshold"] == 0.65 and set(cal["program_thresholds"]) == {
        "refund-request", "talk-to-human", "order-tracking"}, cal
    assert db.store.labelled_with_vectors()[1][:len(library)] == library  # and the fit's prompts after them
    assert _json_query(own_db, "book a flight to barcelona for two")["mode"] == "none"
    out = _json_query(own_db, "whats the capital of frnace")
    assert out["outputs"][0]["answer"] == "Paris" and out["corrections"] == ["frnace -> France"]
    assert _json_query(own_db, "what are your store hours")["mode"] == "none"
    assert _json_query(own_db, "i want my money back")["programs"][0]["name"] == "refund-request"
    told = subprocess.run([PROGDB, "--db", own_db, "fit", str(data / "support_fit.json"), "--router", "classifier"],
                          capture_output=True, text=True)
    assert told.returncode == 0 and "--router similarity" in told.stderr, told.stderr


def test_a_request_for_a_programs_way_back_is_refused_and_says_so(seeded_path, own_db):
    """A translator asked "translate 'papillon' to English" and got english-french's compiled prompt
    (French of a French word); "singular of cacti" answered plural's *masculine?*; "convert to
    passive: …" ran passive-to-active. A program's card names the words its way back asks for
    (`reverse`): such a request is not that program's, and the refusal says why. The way there
    is still the program's."""
    back = ["translate 'papillon' to English", "singular of cacti", "what is the singular form of mice",
            "german to english: Handschuh", "'geese' is the plural of what?",
            "convert to passive: The chef prepares every dish by hand.", "which country has Lima as its capital",
            "un-pirate this: Ahoy matey, we be settin' sail at dawn", "convert WARNING to lowercase"]
    forth = {"how do you say butterfly in French": "english-french", "plural of cactus": "plural",
             "english to german: glove": "english-german", "what's the capital of Peru": "country-capital",
             "convert to active: The dish was prepared by the chef.": "passive-to-active",
             "rewrite this in Shakespearean English: see you at the station tomorrow": "shakespearean"}
    lines = "".join(json.dumps({"prompt": p}) + "\n" for p in back + list(forth))
    r = subprocess.run([PROGDB, "--db", seeded_path, "query", "-"], input=lines, capture_output=True, text=True)
    got = [json.loads(x) for x in r.stdout.splitlines()]
    for prompt, out in zip(back, got):
        assert out["mode"] == "none", (prompt, out.get("programs"))
    assert "but it asks for 'to English': the program's way back" in got[0]["message"], got[0]["message"]
    for (prompt, program), out in zip(forth.items(), got[len(back):]):
        assert out["programs"] and out["programs"][0]["name"] == program, (prompt, out.get("message"))
    # a user's own program says its way back with --reverse
    add = run("--db", own_db, "add", "hex-to-decimal", "--key", "convert hex {word} to decimal",
              "--key", "hex to decimal {word}", "--example", "ff", "255", "--example", "10", "16",
              "--example", "1f", "31", "--reverse", "hex")
    assert add.exit_code == 0, add.output
    assert _json_query(own_db, "convert hex ff to decimal")["outputs"][0]["answer"] == "255"
    out = _json_query(own_db, "convert 255 to hex")
    assert out["mode"] == "none" and "hex-to-decimal" in out["message"], out
    assert json.loads(run("--db", own_db, "export", "hex-to-decimal").output)["reverse"] == ["hex"]


def test_a_first_row_of_two_words_is_said_to_be_a_pair_and_add_takes_header(own_db, tmp_path):
    """A game developer's mobs.csv began `monster,element`: import stored it as a pair without a
    word ("9 added"), and `add --examples` had no --header. A first row of two lower-case words is
    either, so import and add say how it was read, and add takes --header as import does."""
    (tmp_path / "mobs.csv").write_text("monster,element\ngoblin,earth\nimp,fire\n", encoding="utf-8")
    r = subprocess.run([PROGDB, "--db", own_db, "import", str(tmp_path / "mobs.csv")], capture_output=True, text=True)
    # (two words naming kinds over two that do not are read as column names, and said so; a teacher's
    # "verb,person" had been stored as a pair)
    assert r.returncode == 0 and "2 added" in r.stdout, r.stdout + r.stderr
    assert "the first row 'monster,element' is read as column names (--no-header reads it as a pair)" in r.stderr, r.stderr
    (tmp_path / "plurals.csv").write_text("goblin,goblins\nimp,imps\n", encoding="utf-8")
    r = subprocess.run([PROGDB, "--db", own_db, "import", str(tmp_path / "plurals.csv")], capture_output=True, text=True)
    assert r.returncode == 0 and "2 added" in r.stdout, r.stdout + r.stderr
    assert "the first row 'goblin,goblins' is read as a pair (--header reads it as column names)" in r.stderr, r.stderr
    r = subprocess.run([PROGDB, "--db", own_db, "add", "mob-element", "--key", "element of {word}",
                        "--examples", str(tmp_path / "mobs.csv"), "--header"], capture_output=True, text=True)
    assert r.returncode == 0 and "2 examples" in r.stdout and "read as a pair" not in r.stderr, r.stdout + r.stderr
    (tmp_path / "emoji.csv").write_text("word,emoji\nhappy,x\n", encoding="utf-8")  # a known header: nothing to say
    r = subprocess.run([PROGDB, "--db", own_db, "import", str(tmp_path / "emoji.csv")], capture_output=True, text=True)
    assert r.returncode == 0 and "1 added" in r.stdout and "read as a pair" not in r.stderr, r.stdout + r.stderr
    # an analyst's sheets: "department,manager" over names was read as a header while the note said
    # a pair; "Department","Manager","Notes" was stored as a pair (a program's name may start data)
    (tmp_path / "dept.csv").write_text("department,manager\nFinance,Priya Raman\nSales,Ana Lopez\n", encoding="utf-8")
    (tmp_path / "staff.csv").write_text('"Department","Manager","Notes"\n"Legal","Mia Wong","tier 1, tier 2"\n'
                                        '"Design","Lea Kim",""\n', encoding="utf-8")
    (tmp_path / "words.csv").write_text("plural,note,notes\nplural,cat,cats\n", encoding="utf-8")
    for file, added in (("dept.csv", "2 added"), ("staff.csv", "2 added"), ("words.csv", "0 updated")):
        r = subprocess.run([PROGDB, "--db", own_db, "import", str(tmp_path / file)], capture_output=True, text=True)
        assert r.returncode == 0 and added in r.stdout and "read as a pair" not in r.stderr, (file, r.stdout, r.stderr)
    assert "Department" not in run("--db", own_db, "show", "staff").output
    assert "note  ->  notes" in run("--db", own_db, "show", "plural", "--limit", "100000").output


def test_a_teachers_country_names_with_marks_and_a_common_word_typo(seeded_path):
    """A geography teacher's "capital of Türkiye" was refused (Turkiye was read as Turkey), and
    "capital of hungry" too: hungry is a word, one letter from Hungary, and the rule that keeps
    optimist from becoming optimism took it for another ending of the same word."""
    asked = {"capital of Türkiye": "Ankara", "currency of Türkiye": "Turkish Lira (TRY)", "capital of hungry": "Budapest"}
    lines = "".join(json.dumps({"prompt": p}) + "\n" for p in asked)
    r = subprocess.run([PROGDB, "--db", seeded_path, "query", "-"], input=lines, capture_output=True, text=True)
    for (prompt, answer), out in zip(asked.items(), map(json.loads, r.stdout.splitlines())):
        assert out["outputs"] and out["outputs"][0]["answer"] == answer, (prompt, out.get("message"))
    assert _json_query(seeded_path, "antonym: optimist")["outputs"][0]["input"] == "optimist"
    # a US state, what city-to-state answers, is no country: "capital of Texas" answered *Kansas?*
    for prompt in ("capital of Texas", "currency of Ohio", "what state is Paris in"):
        assert _json_query(seeded_path, prompt)["mode"] == "none", prompt
    assert _json_query(seeded_path, "capital of Georgia")["outputs"][0]["answer"] == "Tbilisi"


def test_a_marketers_and_a_translators_requests(seeded_path):
    """A marketer's texts lost their label ("Update:") or took request words ("pls 🙏"), bracketed
    requests were cut at the bracket, and edits the library lacks went to the nearest style
    ("dense legalese" -> formal); a translator got German for "polish for beer" and English-to-X
    prompts for German-to-Spanish; a game's word "orcling" was answered *rulings*, sure."""
    served = {
        "[active voice] The bridge was designed by a team of engineers from Delft.":
            ("passive-to-active", "The bridge was designed by a team of engineers from Delft."),
        "French pls 🇫🇷 Where is the nearest pharmacy? I have a terrible headache.":
            ("english-french", "Where is the nearest pharmacy? I have a terrible headache."),
        "casual pls 🙏 Some users experienced login issues this morning. The issue has been resolved.":
            ("casual", "Some users experienced login issues this morning. The issue has been resolved."),
        "can you make this more casual? Update: our store hours are changing. We open at 9 from June 3.":
            ("casual", "Update: our store hours are changing. We open at 9 from June 3."),
        "Our clinic needs this sign in Spanish: Please turn off your phone in the waiting room.":
            ("english-spanish", "Please turn off your phone in the waiting room."),
    }
    refused = ['polish for "beer"', "portuguese: bread", "german to spanish: Hund",
               "Rewrite this in dense legalese: You can't sublet the apartment without asking me first.",
               "convert this to all lowercase: Welcome To The Annual Spring Gala At The Plaza Hotel"]
    lines = "".join(json.dumps({"prompt": p}) + "\n" for p in [*served, *refused, "plural of orcling"])
    r = subprocess.run([PROGDB, "--db", seeded_path, "query", "-"], input=lines, capture_output=True, text=True)
    got = [json.loads(x) for x in r.stdout.splitlines()]
    for (prompt, (program, text)), out in zip(served.items(), got):
        assert out["programs"] and (out["programs"][0]["name"], out["inputs"]) == (program, [text]), (prompt, out)
    for prompt, out in zip(refused, got[len(served):]):
        assert out["mode"] == "none", (prompt, out.get("programs"), out.get("inputs"))
    guess = got[-1]["outputs"][0]
    assert guess["answer"] == "rulings" and not guess["sure"] and "two letters apart" in guess["note"], guess


def test_a_learners_marked_sentence_and_a_second_question_with_also(seeded_path):
    """A learner's "french pls: how much is this?" was translated as *much* (a stored word inside the
    marked sentence), and "capital of peru? and the currency also" read "also" as the country."""
    out = _json_query(seeded_path, "french pls: how much is this?")
    assert (out["programs"][0]["name"], out["inputs"]) == ("english-french", ["how much is this?"]), out
    out = _json_query(seeded_path, "capital of peru? and the currency also")
    assert out["outputs"][0]["answer"] == "Lima" and out["also"][0]["inputs"] == ["Peru"], out["also"]


def test_a_researcher_computes_what_is_stored_with_no_stored(seeded_path):
    """A researcher could not study the arithmetic from `query`: "king - man + woman" and "plural of
    mouse" were answered from stored pairs. --no-stored hides the input's pairs, as the evaluations do."""
    out = json.loads(subprocess.run([PROGDB, "--db", seeded_path, "query", "--json", "--no-stored", "plural of mouse"],
                                    capture_output=True, text=True).stdout)["outputs"][0]
    assert out["source"] == "vector" and out["method"] in ("ranker", "geometry"), out
    assert _json_query(seeded_path, "plural of mouse")["outputs"][0]["source"] == "stored"


def test_a_shops_own_text_programs_take_their_requests_from_the_library_and_keep_the_qualifiers(own_db):
    """A marketer's formal-email and three-bullet-summary lost "make this formal: …" and "3 bullets"
    to the library's formal and bullet-summary (1.00 against 0.72); "under 50 words" never reached the
    compiled prompt; "make this a tweet: Cork yoga mats, non-slip" was two inputs."""
    assert run("--db", own_db, "add", "formal-email", "-K", "make this a formal email: {text}",
               "-K", "rewrite in a professional email tone: {text}",
               "-d", "Rewrite a casual message as a polite, formal email in our shop's voice.",
               "-e", "hey ur order is late sorry", "Dear customer, we apologise: your order is delayed.",
               "-e", "cant do engraving anymore", "Dear customer, we regret that engraving is no longer offered."
               ).exit_code == 0
    assert run("--db", own_db, "add", "tweet", "-K", "turn this into a tweet: {text}", "-K", "write a tweet for {text}",
               "-d", "Turn a product description into a tweet for our shop.",
               "-e", "Hand-poured soy candle, cedar and bergamot", "Cedar + bergamot 🕯️ #candles",
               "-e", "Organic cotton tote bag, inside pocket", "Meet your new everyday bag 🍋 #totebag").exit_code == 0
    mine = _json_query(own_db, "make this formal, under 50 words: ur discount code didn't work bc it expired")
    assert mine["programs"][0]["name"] == "formal-email", mine["message"]
    # ...and says so: an app reads in `message` that a program added took a request the library served
    assert "your 'formal-email' (key match " in mine["message"] and "is taken over the library's 'formal' (key match " \
        in mine["message"], mine["message"]
    instruction = mine["compiled"][0]["instruction"]
    assert "Request: make this formal, under 50 words." in instruction, instruction
    tweet = _json_query(own_db, "can u make this a tweet: Cork yoga mats, non-slip")
    assert (tweet["programs"][0]["name"], tweet["inputs"]) == ("tweet", ["Cork yoga mats, non-slip"]), tweet
    assert "Request:" not in tweet["compiled"][0]["instruction"]  # it asks nothing the program does not say
    slotted = _json_query(own_db, "write a tweet for: Cork yoga mats, non-slip")
    assert slotted["slots"] == {"text": "Cork yoga mats, non-slip"}, slotted["slots"]  # (it kept the ": ")
    # the library keeps what the user's programs do not specialise, and a list stays a list
    assert _json_query(own_db, "make this less formal: Dear customer, we regret the delay")["programs"][0]["name"] == "casual"
    assert _json_query(own_db, "capitalize these: apple, river")["inputs"] == ["apple", "river"]
    # a question is no text handed over: words picked out of it are no email to rewrite
    for question in ("what's a good headline length for emails", "how many followers do we have on twitter"):
        out = _json_query(own_db, question)
        assert out["mode"] == "none", (question, out["programs"], out["inputs"])


def test_an_input_typed_without_its_accents_is_the_stored_one(own_db, tmp_path):
    """A data engineer's city-country stores Zürich and Kraków: "which country is zurich in" was a guess."""
    (tmp_path / "city-country.csv").write_text("city,country\nZürich,Switzerland\nKraków,Poland\nİstanbul,Turkey\n"
                                               "Lyon,France\nReykjavík,Iceland\n", encoding="utf-8")
    assert run("--db", own_db, "import", str(tmp_path / "city-country.csv")).exit_code == 0
    assert run("--db", own_db, "add", "city-country", "-K", "which country is {word} in").exit_code == 0
    for typed, stored, country in (("zurich", "Zürich", "Switzerland"), ("krakow", "Kraków", "Poland")):
        out = _json_query(own_db, f"which country is {typed} in")
        assert (out["outputs"][0]["answer"], out["outputs"][0]["source"]) == (country, "stored"), out
        assert f"{typed} -> {stored}" in out["message"], out["message"]
    # a name the user's program stores is its to answer, not a guess of the library's national-park-state
    out = _json_query(own_db, "where is Reykjavík")
    assert (out["programs"][0]["name"], out["outputs"][0]["answer"]) == ("city-country", "Iceland"), out


def test_a_users_small_program_reads_an_inflected_input_as_its_stored_base(own_db):
    """A data engineer's animal-group stores crow -> murder: "what is a group of crows called" was
    refused (its guess for 'crows' too unsure), and a student's agent-noun missed "who drives"."""
    assert run("--db", own_db, "add", "animal-group", "-K", "what is a group of {word} called",
               "-e", "crow", "murder", "-e", "owl", "parliament", "-e", "whale", "pod", "-e", "lion", "pride").exit_code == 0
    assert run("--db", own_db, "add", "agent-noun", "-K", "what do you call a person who {word}",
               "-e", "teach", "teacher", "-e", "drive", "driver", "-e", "bake", "baker").exit_code == 0
    for prompt, (typed, base, answer) in {"what is a group of crows called": ("crows", "crow", "murder"),
                                          "what do you call a person who drives": ("drives", "drive", "driver"),
                                          "what do you call a person who teaches": ("teaches", "teach", "teacher")}.items():
        out = _json_query(own_db, prompt)
        got = out["outputs"][0]
        assert (got["answer"], got["source"], got["sure"]) == (answer, "stored", True), (prompt, got)
        assert f"{typed} -> {base}" in out["message"], out["message"]
    # the library's programs ask about the forms themselves
    assert _json_query(own_db, "past tense of walked")["inputs"] == ["walked"]


def test_a_users_program_answers_a_short_request_about_an_input_it_stores(own_db):
    """A data engineer's acronyms store KPI: "expand KPI" (0.56 to "expand the acronym {word}") was
    refused below the threshold 0.60, though the database holds the answer."""
    assert run("--db", own_db, "add", "acronyms", "-K", "what does {word} stand for", "-K", "expand the acronym {word}",
               "-e", "KPI", "key performance indicator", "-e", "ETA", "estimated time of arrival").exit_code == 0
    out = _json_query(own_db, "expand KPI")
    assert (out["outputs"][0]["answer"], out["outputs"][0]["source"]) == ("key performance indicator", "stored"), out
    # a common word it does not store, or a request no nearer, is still refused
    assert _json_query(own_db, "expand the garden")["mode"] == "none"


def test_a_game_masters_own_programs_take_their_own_requests(own_db, tmp_path):
    """A hobbyist's programs of a few pairs each: "say this like a tavern keeper: we are closed", the
    program's own key word for word, was refused at 0.58 (a text program with short sentences for
    inputs read "we are closed" as words and names: it starts on a stop word); "where is stout
    from" was refused as a national park's, though beer-origin, near it as a whole, stores Stout."""
    assert run("--db", own_db, "add", "tavern-voice", "-K", "say this like a tavern keeper: {text}",
               "-e", "Hello, welcome to the inn.", "Well met, traveller! Come in from the cold.",
               "-e", "We're out of rooms tonight.", "Sorry, friend, every bed's taken this eve.",
               "-e", "That will be five silver.", "Five silver pieces, if ye please.").exit_code == 0
    beers = tmp_path / "beer-origin.tsv"
    beers.write_text("Style\tCountry\r\nStout\tIreland\r\nPilsner\tCzechia\r\nSaison\tBelgium\r\n")
    assert "3 added" in run("--db", own_db, "import", str(beers)).output  # (the header is no pair)
    assert run("--db", own_db, "add", "beer-origin", "-K", "where does {word} beer come from").exit_code == 0
    out = _json_query(own_db, "say this like a tavern keeper: we are closed")
    assert (out["programs"][0]["name"], out["inputs"]) == ("tavern-voice", ["we are closed"]), out["message"]
    out = _json_query(own_db, "where is stout from")
    assert (out["programs"][0]["name"], out["outputs"][0]["answer"]) == ("beer-origin", "Ireland"), out["message"]
    # two words picked out of a request are no sentence to rewrite
    assert _json_query(own_db, "play some tavern music")["mode"] == "none"


def test_a_linguistics_students_own_relations_are_asked_in_their_words(own_db, tmp_path):
    """A student's programs of five pairs: "what language is spoken in spain" was refused as
    english-spanish's reading of "spoken", though their country-language's key matched at 0.75;
    "what's the young of a bear called" read "bear called"; "cat is to kitten as pig is to ?" gave
    the guess (0.07) that "what do you call a baby pig" refused as too unsure, and exited 0."""
    assert run("--db", own_db, "add", "country-language", "-K", "what language do they speak in {word}",
               "-K", "language of {word}", *[a for p in ("france french", "germany german", "italy italian",
                                                        "japan japanese", "russia russian") for a in ("-e", *p.split())]
               ).exit_code == 0
    out = _json_query(own_db, "what language is spoken in spain")
    assert (out["programs"][0]["name"], out["inputs"]) == ("country-language", ["spain"]), out["message"]
    babies = tmp_path / "baby_animals.csv"
    babies.write_text("animal,baby\ncat,kitten\ndog,puppy\ncow,calf\nsheep,lamb\nowl,owlet\n")
    assert "5 added" in run("--db", own_db, "import", str(babies), "--program", "baby-animal").output
    assert run("--db", own_db, "add", "baby-animal", "-K", "what do you call a baby {word}",
               "-K", "the young of a {word}").exit_code == 0
    assert _json_query(own_db, "what's the young of a bear called")["inputs"] == ["bear"]
    # (a pig's young is the library's animal-young's stored piglet now: a rhino's is stored nowhere)
    r = run("--db", own_db, "query", "what do you call a baby rhino")
    asked = run("--db", own_db, "query", "cat is to kitten as rhino is to ?")
    assert r.exit_code == asked.exit_code == 1 and "too unsure to give" in asked.output, (r.output, asked.output)


def test_a_us_date_is_one_input_however_it_is_asked(own_db):
    """"03/04/2025 to iso" was read as the input "03", the rest of the date left to the request (a
    developer's program of dates, asked by a teammate)."""
    assert run("--db", own_db, "add", "us-date-to-iso", "-K", "US date to ISO: {text}",
               "-e", "03/04/2025", "2025-03-04", "-e", "12/31/2024", "2024-12-31", "-e", "7/4/2023", "2023-07-04").exit_code == 0
    out = _json_query(own_db, "03/04/2025 to iso")
    assert (out["programs"][0]["name"], out["outputs"][0]["answer"]) == ("us-date-to-iso", "2025-03-04"), out
    # a word is no date: "what's the ISO standard for dates" was compiled with "standard" for its input
    assert _json_query(own_db, "what's the ISO standard for dates")["mode"] == "none"


def test_the_compiled_request_is_the_users_words_as_typed(seeded_path):
    """An editor's "Would you mind rewriting this more formally?" reached the LLM as "Request: mind
    rewriting this more formally." and "formalise" as "formalize": the request as read, not as typed."""
    out = _json_query(seeded_path, "Would you mind rewriting this more formally? I can't come tomorrow, sorry.")
    assert out["programs"][0]["name"] == "formal", out["message"]
    assert "Request: Would you mind rewriting this more formally." in out["compiled"][0]["instruction"], out["compiled"]
    out = _json_query(seeded_path, "formalise: hey can't make it tomorrow")
    assert "Request: formalise." in out["compiled"][0]["instruction"], out["compiled"]
    # the input left out takes its quotes along ("for ' '?" was left)
    out = _json_query(seeded_path, "hey, what's the French word for 'kitchen'? thanks!")
    assert "what's the French word for? thanks." in out["compiled"][0]["instruction"], out["compiled"]


def test_ctrl_c_in_a_session_drops_the_line_typed_and_the_session_goes_on(seeded_path, tmp_path):
    import signal
    import time

    master, slave = pty.openpty()
    proc = subprocess.Popen([PROGDB, "--db", seeded_path, "query"], stdin=slave, stdout=slave, stderr=slave,
                            close_fds=True, env={**os.environ, "TERM": "xterm", "XDG_STATE_HOME": str(tmp_path)})
    os.close(slave)
    screen = b""

    def read_until(done, limit: float = 300) -> None:
        nonlocal screen
        deadline = time.monotonic() + limit
        while not done() and time.monotonic() < deadline:
            if _readable(master, 1):
                screen += os.read(master, 65536)

    read_until(lambda: screen.endswith(b"\n> "))
    os.write(master, b"plural of ca")
    read_until(lambda: screen.endswith(b"plural of ca"))
    # A person's Ctrl-C comes after the echo, not within microseconds of it: CPython's input() checks
    # signals only when its wait for a key is interrupted, so a SIGINT that lands while readline is
    # still handling the last key is seen at the next key (on a busy machine, 1 run in 4 here)
    time.sleep(1)
    proc.send_signal(signal.SIGINT)  # (what Ctrl-C sends, where the terminal is the process's own)
    read_until(lambda: b"(Ctrl-D or exit leaves)" in screen and screen.endswith(b"\n> "))
    os.write(master, b"plural of dog\n")
    read_until(lambda: b"dog -> dogs" in screen and screen.endswith(b"\n> "))
    os.write(master, b"\x04")
    assert proc.wait(timeout=60) == 0
    os.close(master)
    text = screen.decode("utf-8", "replace")
    assert "dog -> dogs" in text and "caplural" not in text, text[-600:]


def test_fit_teaches_a_users_program_how_colleagues_ask_for_it(own_db):
    """A product manager's programs, known by two or three keys each, were refused when colleagues
    asked in their own words ("how bad is this issue: login fails on Safari", best 0.49 < 0.60), and
    `fit` on a seeded database only lowered the programs' threshold (0.41), so more out-of-scope
    prompts were answered. A fit now learns each labelled prompt's request, its input left out, as a
    phrasing of its program; the threshold stays the default, and the library keeps its own."""
    add = run("--db", own_db, "add", "ticket-priority", "--key", "what priority is this ticket: {text}",
              "--key", "set the priority for: {text}", "-d", "Triage a support ticket as P1, P2 or P3.",
              "--example", "Site down for all users", "P1", "--example", "Typo on the pricing page", "P3",
              "--example", "Export is slow for large workspaces", "P2")
    assert add.exit_code == 0, add.output
    unseen = {"how urgent is this bug: checkout button missing on mobile": "checkout button missing on mobile",
              "triage this: password reset emails arrive an hour late": "password reset emails arrive an hour late",
              "how bad is this issue: login fails on Safari": "login fails on Safari"}
    for prompt in unseen:
        assert _json_query(own_db, prompt)["mode"] == "none", prompt
    from progdb.db import ProgramDB

    library = ProgramDB(path=own_db).store.labelled_with_vectors()[1]
    r = run("--db", own_db, "fit", str(Path(__file__).with_name("data") / "triage_fit.json"))
    assert r.exit_code == 0 and "learned 10" in r.output, r.output
    for prompt, text in unseen.items():
        out = _json_query(own_db, prompt)
        assert out["programs"] and (out["programs"][0]["name"], out["inputs"]) == ("ticket-priority", [text]), \
            (prompt, out.get("message"))
    # what was learned: the requests ("how bad is this report"), no input's words; the library's stay first
    learned = ProgramDB(path=own_db).store.labelled_with_vectors()[1]
    assert learned[:len(library)] == library
    assert "how bad is this report" in learned[len(library):] and \
        not any("Gmail" in t or "avatars" in t for t in learned[len(library):])
    for prompt, program in {"plural of mouse": "plural", "make this formal: gonna be late": "formal"}.items():
        assert _json_query(own_db, prompt)["programs"][0]["name"] == program
    for prompt in ("how many tickets are open", "what's the weather in paris"):
        assert _json_query(own_db, prompt)["mode"] == "none", prompt


def test_a_support_leads_ticket_language_takes_a_ticket_whole(own_db):
    """A support lead's ticket-language program (its inputs are greetings and sentences, commas and all):
    "ticket language? Goedemiddag, mijn facturen kloppen niet" compiled two prompts, one per half;
    "rewrite in our house style: Ticket escalated. …" read `Ticket communication` as a request for it;
    "detect language: …" was taken below the threshold with no reason given."""
    data = Path(__file__).with_name("data") / "ticket_languages.jsonl"
    assert run("--db", own_db, "import", str(data), "--program", "ticket-language").exit_code == 0
    assert run("--db", own_db, "add", "ticket-language", "--key", "what language is this ticket in: {text}").exit_code == 0
    out = _json_query(own_db, "ticket language? Goedemiddag, mijn facturen kloppen niet")
    assert (out["programs"][0]["name"], out["inputs"]) == ("ticket-language", ["Goedemiddag, mijn facturen kloppen niet"])
    out = _json_query(own_db, "detect language: Hallo, ich wurde zweimal belastet")
    assert out["programs"][0]["name"] == "ticket-language" and "names the program ('language'" in out["accepted"], out
    out = _json_query(own_db, "rewrite in our house style: Ticket escalated. Await further communication.")
    assert all(p["name"] != "ticket-language" for p in out["programs"]), out
    # a word's gender in a language is a question about French, not a word to translate
    assert _json_query(own_db, "what's the gender of table in french")["mode"] == "none"


def test_a_bookshops_order_status_program_runs_alone_on_its_customers_messages(own_db, tmp_path):
    """A bookshop developer's order-status (five rows of their CSV, two keys): "categorize this email:
    …" ran a blend with the library's bullet-summary (0.665 against 0.661), whose bullet-list examples
    went into the prompt; "triage this ticket - I was charged twice for one order" read the word
    `order` as the request and cut it from the message."""
    data = Path(__file__).with_name("data") / "order_status.csv"
    status, drawn = in_terminal(["--db", own_db, "import", str(data), "--program", "order-status"], cwd=tmp_path)
    assert status == 0 and "5 added" in drawn, drawn
    assert run("--db", own_db, "add", "order-status", "--key", "what reply category fits this customer message: {text}",
               "--key", "categorise this customer message: {text}").exit_code == 0
    out = _json_query(own_db, 'categorize this email: "can you cancel my order before it ships?"')
    assert out["mode"] == "nearest" and [p["name"] for p in out["programs"]] == ["order-status"], out["programs"]
    assert out["inputs"] == ["can you cancel my order before it ships?"]
    out = _json_query(own_db, "triage this ticket - I was charged twice for one order")
    assert not any(i.endswith("for one") for i in out["inputs"]), out["inputs"]


def test_a_students_small_relation_reads_the_animal_not_the_question(own_db):
    """A student's animal-young (six pairs of their CSV): "what's a young goat called?" read the input
    `goat called` ("called" is the question's), and the answer to a stored animal stays stored."""
    data = Path(__file__).with_name("data") / "animal_young.csv"
    added = run("--db", own_db, "add", "my-animal-young", "--key", "baby {word}", "--key", "young of {word}",
                "--examples", str(data))  # (the library's is animal-young now)
    # its arithmetic finds none of its six pairs: said when it is stored, not found out query by query
    assert added.exit_code == 0 and "my-animal-young's arithmetic finds 0 of its 6 pairs" in added.output, added.output
    out = _json_query(own_db, "what's a young goat called?")
    assert out["inputs"] == ["goat"], out
    # a withheld guess still shows what the arithmetic ranked (a student wants the ranking, refused or not)
    assert out["mode"] != "none" or "; candidates: " in out["message"], out["message"]
    out = _json_query(own_db, "baby dog")
    assert (out["inputs"], out["outputs"][0]["answer"]) == (["dog"], "puppy"), out


def test_a_copywriters_small_programs_read_their_shorthand_and_field_labels(own_db):
    """A copywriter's subject-line (two examples, one key) and brand-category (five pairs): "subj line
    pls: …" was refused ("subj" is in no dictionary; it starts one request word); "Write a subject
    line. Body: …" put the field's label "Body:" into the email; "what kind of product is a canon"
    offered "the" as its best guess; a slogan asked in far words named only the library's nearest
    program, not the user's they could give more keys."""
    assert run("--db", own_db, "add", "subject-line", "--key", "write a subject line for this email: {text}",
               "--example", "Hi Jo, your order has shipped and should arrive Thursday.", "Your order is on its way",
               "--example", "Invoice 2093 is now 14 days overdue. Could you check with accounts?",
               "Overdue: invoice 2093").exit_code == 0
    out = _json_query(own_db, "subj line pls: Thanks for meeting with us yesterday, here are the next steps.")
    assert [p["name"] for p in out["programs"]] == ["subject-line"], out
    assert "subj -> subject" in out["corrections"], out["corrections"]
    assert out["inputs"] == ["Thanks for meeting with us yesterday, here are the next steps."]
    out = _json_query(own_db, "Write a subject line. Body: Our summer sale starts Monday with 30% off everything.")
    assert out["inputs"] == ["Our summer sale starts Monday with 30% off everything."], out
    # a label that is the text's own first words stays in it
    out = _json_query(own_db, "make this more casual? Update: our opening hours change next week")
    assert out["inputs"] == ["Update: our opening hours change next week"], out

    assert run("--db", own_db, "add", "brand-category", "--key", "what kind of product is {word}",
               *[a for pair in (("rolex", "watch"), ("nikon", "camera"), ("xbox", "console"), ("prius", "car"),
                                ("kleenex", "tissue")) for a in ("--example", *pair)]).exit_code == 0
    out = _json_query(own_db, "what kind of product is a canon")
    answers = [c["answer"] for o in out["outputs"] for c in o["candidates"]] or [out["message"]]
    assert out["inputs"] == ["canon"] and not {"the", "a", "of", "and"} & set(answers), out

    out = _json_query(own_db, "Need a slogan for this product: handmade leather wallet, lifetime warranty")
    assert out["mode"] == "none" and "your nearest program: " in out["message"], out["message"]


def test_a_quiz_writers_refusal_says_the_key_passed_and_the_input_did_not(own_db):
    """A quiz writer's element-symbol (eight pairs): "symbol for mercury" listed the program at 0.676
    against the threshold 0.60 in --explain, then said "best: element-symbol at 0.55, below the
    threshold": the reading's key match less its input's fit, which the refusal now says."""
    pairs = [("hydrogen", "H"), ("oxygen", "O"), ("iron", "Fe"), ("gold", "Au"), ("silver", "Ag"),
             ("sodium", "Na"), ("carbon", "C"), ("lead", "Pb")]
    assert run("--db", own_db, "add", "element-symbol", "--key", "chemical symbol for {word}",
               *[a for pair in pairs for a in ("--example", *pair)]).exit_code == 0
    out = _json_query(own_db, "symbol for mercury")  # its key passed; its input's fit took the reading below
    assert out["mode"] == "none" and "the request reads as 'element-symbol' (key match 0.6" in out["message"] \
        and "'mercury' fits its inputs at 0.8" in out["message"] and "the two put the reading at 0.5" in out["message"], out
    # (a fit that high is no "unlike the inputs it stores": a librarian read "fit 0.92" as very alike)
    assert 'add "symbol for {word}" to its keys' in out["message"], out
    out = _json_query(own_db, "symbol of iron")
    assert out["outputs"][0]["answer"] == "Fe" and out["outputs"][0]["source"] == "stored", out


def test_clubs_named_after_their_city_still_make_a_word_program(own_db, tmp_path):
    """A quiz writer's clubs: Liverpool -> Liverpool and Barcelona -> Barcelona beside two that change
    made a text program, where teams.csv without them made a word program; a pair that keeps its
    word is a word program's too, and alone (paris -> Paris) still a string program's."""
    clubs = tmp_path / "clubs.csv"
    clubs.write_text("team,city\nArsenal,London\nLiverpool,Liverpool\nBarcelona,Barcelona\nJuventus,Turin\n")
    assert run("--db", own_db, "import", str(clubs), "--program", "club-city").exit_code == 0
    caps = tmp_path / "caps.csv"
    caps.write_text("word,capitalised\nparis,Paris\nmonday,Monday\njohn,John\n")
    assert run("--db", own_db, "import", str(caps), "--program", "caps").exit_code == 0
    kinds = {p["name"]: p["kind"] for p in json.loads(run("--db", own_db, "list", "--json").stdout)}
    assert (kinds["club-city"], kinds["caps"]) == ("vector", "fewshot"), kinds


def test_a_support_assistants_summary_requests(own_db, tmp_path):
    """A support-assistant developer's "tl;dr this ticket: …" was refused (MiniLM knows no "tl;dr":
    0.50 to their "summarise this support ticket"), and "give me a one-line summary of this customer
    message: …" was compiled for plain-english, whose instruction then contradicted the request:
    "customer" was read as how to rewrite, and plain-english's phrasings hold "customer"."""
    (tmp_path / "summary.csv").write_text(
        "ticket,summary\n"
        "\"Parcel tracking says out for delivery for four days, I need it Saturday\",\"Parcel stuck for four days; "
        "needed by Saturday.\"\n"
        "\"I was charged twice for order 5521, please refund one\",\"Double charge on order 5521; wants one refunded.\"\n"
        "\"The app logs me out every time I open the camera\",\"App logs the user out when the camera opens.\"\n")
    run("--db", own_db, "import", str(tmp_path / "summary.csv"), "--program", "ticket-summary")
    run("--db", own_db, "add", "ticket-summary", "--key", "summarise this support ticket: {text}",
        "--key", "summary of this ticket: {text}")
    tldr = _json_query(own_db, "tl;dr this ticket: customer says invoice 2231 charged twice, wants refund")
    assert tldr["programs"] and tldr["programs"][0]["name"] == "ticket-summary", tldr["message"]
    assert "tl;dr -> summarize" in tldr["corrections"] and tldr["inputs"] == [
        "customer says invoice 2231 charged twice, wants refund"]
    summary = _json_query(own_db, "give me a one-line summary of this customer message: The courier left my "
                                  "parcel at the wrong address")
    assert not any(p["name"] == "plain-english" for p in summary["programs"]), summary


def test_two_of_a_users_text_programs_nearly_as_close_are_a_close_call(own_db):
    """"classify the tone of this message: …" compiled the user's neutral-tone rewrite (its name, a
    key, matched by "tone" at 0.64), its instruction contradicting the request, and nothing said that
    their ticket-sentiment was nearly as near (0.59): the close call is said."""
    run("--db", own_db, "add", "ticket-sentiment", "--kind", "fewshot",
        "--key", "what is the sentiment of this ticket: {text}", "--key", "classify the sentiment of: {text}",
        "--example", "My order arrived broken and nobody answers", "negative",
        "--example", "Thanks, the replacement came quickly!", "positive",
        "--example", "I'd like to change my delivery address", "neutral")
    run("--db", own_db, "add", "neutral-tone", "--kind", "fewshot",
        "--key", "make this angry message neutral: {text}", "--key", "rewrite this in a calm neutral tone: {text}",
        "--example", "WHERE IS MY ORDER?!?! You people are a joke", "I have not received my order yet. Where is it?",
        "--example", "Are you idiots? I was charged twice!!", "I was charged twice. Please refund the duplicate.")
    r = _json_query(own_db, "classify the tone of this message: ok fine, whatever, just cancel it")
    other = {"neutral-tone": "ticket-sentiment", "ticket-sentiment": "neutral-tone"}[r["programs"][0]["name"]]
    assert f"a close call: your '{other}' is" in r["outputs"][0]["note"], r["outputs"][0]
    # asked in its own words, each is taken with no close call
    for prompt, name in (("classify the sentiment of: the refund came fast, thanks", "ticket-sentiment"),
                         ("neutral tone: you people are useless, where is my refund", "neutral-tone")):
        r = _json_query(own_db, prompt)
        assert r["programs"][0]["name"] == name and "close call" not in (r["outputs"][0]["note"] or ""), r


def test_a_small_program_of_categories_answers_one_of_them(own_db):
    """A support desk's issue type -> team (six pairs, four teams) guessed "chargeback -> auditor?",
    "bug -> developed?": arithmetic has no offset to learn from categories. The nearest stored input's
    category answers now (chargeback is near invoice: billing), no surer than that finds the program's
    own pairs with each one hidden; a one-to-one program (element -> symbol) is no program of categories."""
    assert run("--db", own_db, "add", "issue-team", "--key", "which team handles {word}",
               *[a for pair in (("refund", "billing"), ("invoice", "billing"), ("password", "accounts"),
                                ("login", "accounts"), ("delivery", "shipping"), ("crash", "engineering"))
                 for a in ("--example", *pair)]).exit_code == 0
    for word, team in (("chargeback", "billing"), ("bug", "engineering"), ("username", "accounts"),
                       ("shipment", "shipping")):
        out = _json_query(own_db, f"which team handles {word}")["outputs"][0]
        assert out["answer"] == team and out["method"] == "categories", out
        assert {c["answer"] for c in out["candidates"]} == {"billing", "accounts", "shipping", "engineering"}, out
        assert "gets 4 of its 6 stored pairs right, each left out in turn" in out["note"] and out["confidence"] <= 5 / 8, out
    stored = _json_query(own_db, "which team handles refund")["outputs"][0]
    assert stored["answer"] == "billing" and stored["source"] == "stored", stored


def test_a_three_pair_program_whose_arithmetic_finds_none_guesses_only_as_a_guess(own_db):
    """An embeddings student's animal-young of three pairs answered "young of pig -> peppa?": a guess, not
    sure, capped at 1 / 5 by its pairs (0 of 3 found with each hidden; three pairs are little to learn
    from, and a word-family's "angry -> anger?" is right), and said so; with six pairs found 0 of 6 its
    guesses are refused (test_a_students_small_relation_reads_the_animal_not_the_question)."""
    added = run("--db", own_db, "add", "my-young", "--key", "young of {word}", "--example", "cat", "kitten",
                "--example", "dog", "puppy", "--example", "cow", "calf")
    assert added.exit_code == 0, added.output
    # (a pig, a hippo: the library's animal-young stores piglet and no hippo's young; ours guesses)
    out = _json_query(own_db, "young of hippo")["outputs"][0]
    assert not out["sure"] and out["confidence"] <= 0.2 and "gets 0 of its 3 stored pairs right" in out["note"], out
    assert _json_query(own_db, "young of dog")["outputs"][0]["answer"] == "puppy"

def test_a_users_stored_title_is_not_a_longer_title_it_begins(own_db, tmp_path):
    """A quiz writer's film -> director table answered "who directed the godfather part ii" with The
    Godfather's director, sure, reading "part ii" as the request's words: the stored name was the
    start of a longer one. Now the longer one is the input, which it does not store, while a name the request's words
    follow ("… for my film class", "… please") still is."""
    (tmp_path / "films.json").write_text(json.dumps({
        "name": "film-director", "keys": ["who directed {text}", "director of {text}"],
        "examples": [{"input": "Jaws", "output": "Steven Spielberg"}, {"input": "The Godfather",
                     "output": "Francis Ford Coppola"}, {"input": "Psycho", "output": "Alfred Hitchcock"}]}),
        encoding="utf-8")
    assert run("--db", own_db, "add", str(tmp_path / "films.json")).exit_code == 0
    sequel = _json_query(own_db, "who directed the godfather part ii")
    assert sequel["inputs"] == ["godfather part ii"], sequel  # (three pairs: a guess, not sure, or none)
    assert not any(o["source"] == "stored" or o["sure"] for o in sequel["outputs"]), sequel
    for prompt, answer in (("who directed the godfather", "Francis Ford Coppola"),
                           ("who directed jaws for my film class", "Steven Spielberg"),
                           ("director of psycho please", "Alfred Hitchcock")):
        out = _json_query(own_db, prompt)["outputs"][0]
        assert out["answer"] == answer and out["source"] == "stored", (prompt, out)


def test_a_city_name_several_states_share_answers_each_state(seeded_path):
    """"what state is springfield in" answered Missouri alone, the most populous Springfield; a quiz
    wants each (the state capital's first), and a name one state holds still answers one."""
    out = _json_query(seeded_path, "what state is springfield in")["outputs"][0]
    assert out["answers"][0] == "Illinois" and {"Missouri", "Massachusetts"} <= set(out["answers"]), out
    assert _json_query(seeded_path, "which state is portland in")["outputs"][0]["answers"] == ["Oregon", "Maine"]
    assert _json_query(seeded_path, "which state is denver in")["outputs"][0]["answers"] == ["Colorado"]


def test_a_setters_abbreviations_answer_no_other_words_stored_abbreviation(own_db, tmp_path):
    """A crossword setter's abbreviations (a YAML program file, ten pairs) answered "abbrev of february"
    with *jan?* and "sergeant" with *lt?*, the right word second: what it stores for another input
    was ranked first. Now the next candidate answers, still a guess, and the note names the other's."""
    (tmp_path / "abbrev.yaml").write_text("name: abbreviation\nkeys:\n  - \"abbreviation for {word}\"\n"
                                          "  - \"abbrev of {word}\"\nexamples:\n" + "".join(
        f"  - {{input: {a}, output: {b}}}\n" for a, b in (
            ("kilogram", "kg"), ("centimetre", "cm"), ("doctor", "dr"), ("mister", "mr"), ("saint", "st"),
            ("avenue", "ave"), ("professor", "prof"), ("january", "jan"), ("lieutenant", "lt"),
            ("captain", "capt"))), encoding="utf-8")
    assert run("--db", own_db, "add", str(tmp_path / "abbrev.yaml")).exit_code == 0
    for prompt, answer, other in (("abbrev of february", "feb", "jan"),
                                  ("what's the abbreviation for sergeant", "sgt", "lt")):
        out = _json_query(own_db, prompt)["outputs"][0]
        assert out["answer"] == answer and not out["sure"], out
        assert f"{other} is what it stores for another input" in out["note"], out
        assert out["candidates"][-1]["answer"] == other, out


def test_a_writing_teachers_files_and_mistakes_at_a_terminal(tmp_path):
    """A writing teacher's session: a missing file at a terminal printed "FileNotFoundError: [Errno 2]"
    (the progress bar counted its lines first); a new spreadsheet's header alone ("Notes,Email", BOM and
    CRLF) became the pair Notes -> Email; --program 'plain words.csv' was a bad field on every row (and,
    with --skip-bad, every good row was rejected); an empty file drew a "0/1" bar."""
    db = str(tmp_path / "db")
    status, screen = in_terminal(["--db", db, "--no-seed", "import", "mine/nofile.csv", "--program", "x"], tmp_path)
    assert status == 2 and "mine/nofile.csv: no such file or folder" in screen and "Errno" not in screen, screen
    (tmp_path / "header.csv").write_bytes("\ufeffNotes,Email\r\n".encode("utf-8"))
    status, screen = in_terminal(["--db", db, "--no-seed", "import", "header.csv", "--program", "x"], tmp_path)
    assert status == 2 and "header.csv: no pairs (only a header)" in screen, screen
    (tmp_path / "empty.csv").write_text("", encoding="utf-8")
    status, screen = in_terminal(["--db", db, "--no-seed", "import", "empty.csv", "--program", "x"], tmp_path)
    assert status == 2 and "empty file" in screen and "0/1" not in screen, screen
    (tmp_path / "notes.csv").write_text("notes,email\nmeet at 3,See you at 3.\n", encoding="utf-8")
    r = subprocess.run([PROGDB, "--db", "notes-db", "--no-seed", "import", "notes.csv", "--program", "plain words.csv",
                        "--skip-bad"], cwd=tmp_path, capture_output=True, text=True)
    assert r.returncode == 2 and r.stderr.count("\n") == 1, r.stderr
    assert "--program 'plain words.csv': a name is lower-case letters" in r.stderr and "plain-words.csv?" in r.stderr
    assert not (tmp_path / "notes-db").exists()  # (refused before a database was made for it)


def test_a_setters_spreadsheet_header_and_new_list_names(tmp_path):
    """A crossword setter's CSV, as Excel saves it, headed "Animal,Collective noun" (a two-word column
    name) was imported as the pair Animal -> Collective noun; adding animal-sound asked "did you mean
    animal-young?", and groups4 "did you mean groups3?": a whole word or a number apart is no slip."""
    db = str(tmp_path / "db")
    (tmp_path / "collective.csv").write_bytes("\ufeffAnimal,Collective noun\r\ncrow,murder\r\nlion,pride\r\n"
                                              "owl,parliament\r\n,\r\n,\r\n".encode("utf-8"))
    assert run("--db", db, "--no-seed", "import", str(tmp_path / "collective.csv"),
               "--program", "collective-noun").exit_code == 0
    from progdb import ProgramDB
    assert [a for a, _ in ProgramDB(path=db).get("collective-noun").pairs()] == ["crow", "lion", "owl"]
    for name in ("animal-young", "groups3"):
        assert run("--db", db, "add", name, "--example", "cat", "kitten").exit_code == 0
    for name, near in (("animal-sound", None), ("groups4", None), ("anmal-young", "animal-young")):
        r = subprocess.run([PROGDB, "--db", db, "add", name, "--example", "dog", "bark"], capture_output=True, text=True)
        assert r.returncode == 0 and ("did you mean" in r.stderr) == (near is not None), (name, r.stderr)


def test_a_text_request_without_its_text_says_where_the_text_goes(seeded_path):
    """"make this formal" and "rewrite like a pirate:" with nothing after them were refused without
    saying what was missing; `which` on two sentences answered an offset of word programs."""
    for prompt, said in (("make this formal", "(give the text after a colon: \"make this formal: TEXT\")"),
                         ("rewrite like a pirate:", "nothing follows the prompt's colon")):
        r = _json_query(seeded_path, prompt)
        assert r["mode"] == "none" and said in r["message"], r["message"]
    r = subprocess.run([PROGDB, "--db", seeded_path, "which", "The chef cooked the meal.",
                        "The meal was cooked by the chef."], capture_output=True, text=True)
    assert r.returncode == 2 and "'The chef cooked the meal.' is a text" in r.stderr, r.stderr


def test_a_person_who_does_a_verb_no_program_stores_is_its_agent_noun(seeded_path):
    """"a person who sculpts" was refused (read `sculpts`, unlike agent-noun's inputs) while "agent noun
    of sculpt" answered sculptor: the -s form of a commoner word is read as that word."""
    for prompt in ("a person who sculpts", "what do you call someone who sculpts"):
        r = _json_query(seeded_path, prompt)
        assert r["inputs"] == ["sculpt"] and r["outputs"][0]["answer"] == "sculptor", r
    # ...and a verb with its object is the verb ("a man who hunts animals" was read whole and refused)
    for prompt, verb, noun in (("someone who bakes bread", "bake", "baker"), ("a man who hunts animals", "hunt", "hunter")):
        r = _json_query(seeded_path, prompt)
        assert r["inputs"] == [verb] and r["outputs"][0]["answer"] == noun, r


def test_a_teachers_closing_question_is_not_the_text_and_a_capitalised_day_answers_capitalised(own_db):
    """A writing teacher's "my thesis is: … school. thoughts?" sent "thoughts?" to the model as part of
    the thesis; "what day comes after Tuesday" answered "wednesday", as the card stores it."""
    assert run("--db", own_db, "add", "thesis-feedback", "--kind", "fewshot", "--key", "my thesis is: {text}",
               "--key", "feedback on my thesis: {text}",
               "--example", "Dogs are good.", "Too broad: say which dogs, and good for what.",
               "--example", "Social media harms teens' sleep.", "Clear and arguable; name the evidence you will use.",
               ).exit_code == 0
    for prompt, text in (("my thesis is: Video games should be taught in school. thoughts?",
                          "Video games should be taught in school."),
                         ("feedback on my thesis: Cities should ban cars. What do you think?",
                          "Cities should ban cars."),
                         ("my thesis is: Why do we sleep? Science has no answer yet.",
                          "Why do we sleep? Science has no answer yet.")):
        r = _json_query(own_db, prompt)
        assert r["programs"][0]["name"] == "thesis-feedback" and r["inputs"] == [text], r
    out = _json_query(own_db, "what day comes after Tuesday")["outputs"][0]
    assert (out["answer"], out["source"]) == ("Wednesday", "stored"), out
    assert _json_query(own_db, "what comes after march")["outputs"][0]["answer"] == "april"


def test_a_web_developers_programs_keep_their_texts_and_leave_the_librarys_requests(own_db):
    """A web developer's friendlier (a rewrite close to the library's casual) took "rewrite this
    casually: …", which names casual, and nothing said so; its keys "make it warmer: {text}" and a
    dash read "Your account is locked." as "account is locked"; a list of seven words to plural was
    refused ("none of its other words is an input"), six answered."""
    assert run("--db", own_db, "add", "friendlier", "--kind", "fewshot", "-d", "Rewrite a curt message so it "
               "sounds friendlier and warmer, keeping its meaning.", "--key", "make this sound friendlier: {text}",
               "--key", "make this friendlier: {text}", "--key", "rewrite this in a friendly tone: {text}",
               "--key", "make it warmer: {text}",
               "--example", "Your order is delayed.", "Just a heads-up: your order is running a little late!",
               "--example", "Send the invoice by Friday.", "Could you send the invoice over by Friday? Thanks!",
               "--example", "We cannot answer your question.", "Sorry, we can't help with that one.").exit_code == 0
    casual = _json_query(own_db, "rewrite this casually: Please be advised that the office will be closed on Monday.")
    assert casual["programs"][0]["name"] == "casual", casual
    for prompt, text in (("make it warmer: Your account is locked.", "Your account is locked."),
                         ("make this friendlier - This field is required.", "This field is required.")):
        r = _json_query(own_db, prompt)
        assert (r["programs"][0]["name"], r["inputs"]) == ("friendlier", [text]), r
    words = ["cat", "dog", "house", "mouse", "child", "box", "city", "wolf", "leaf", "knife"]
    r = _json_query(own_db, "plural of " + ", ".join(words))
    assert r["inputs"] == words and r["outputs"][-1]["answer"] == "knives", r


def test_a_students_small_lists_guess_no_pieces_of_names_and_mend_a_wrong_pair(own_db):
    """A 16-year-old's four-pair book -> author answered "who wrote harry potter" with *John?* and split
    "pride and prejudice" into two books; adding "silver Ag" to mend "silver Si" kept both; the
    small-list note came again on every add; "capital of italy n currency of india" was refused."""
    r = subprocess.run([PROGDB, "--db", own_db, "add", "book-author", "--key", "who wrote {word}",
                        *[a for pair in (("hamlet", "William Shakespeare"), ("the hobbit", "J.R.R. Tolkien"),
                                         ("1984", "George Orwell"), ("frankenstein", "Mary Shelley"))
                          for a in ("--example", *pair)]], capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    out = _json_query(own_db, "who wrote harry potter")["outputs"][0]
    assert out["answer"] is None and "names of several words" in out["error"], out
    # no answer, exit 1, as a refusal is (a teacher's "who invented the airplane" was an error, exit 2)
    r = subprocess.run([PROGDB, "--db", own_db, "query", "who wrote harry potter"], capture_output=True, text=True)
    assert r.returncode == 1 and "harry potter: no answer:" in r.stdout, (r.returncode, r.stdout)
    title = _json_query(own_db, "who wrote pride and prejudice")
    assert len(title["inputs"]) <= 1, title  # one title (or none), never "pride" and "prejudice"
    assert _json_query(own_db, "who wrote hamlet")["outputs"][0]["answer"] == "William Shakespeare"

    def add(*args):
        r = subprocess.run([PROGDB, "--db", own_db, "add", "element-symbol", *args], capture_output=True, text=True)
        assert r.returncode == 0, r.stderr
        return r.stderr

    first = add("--key", "symbol for {word}", *[a for pair in (("oxygen", "O"), ("gold", "Au"), ("iron", "Fe"),
                                                                ("sodium", "Na"), ("silver", "Si")) for a in ("--example", *pair)])
    assert "arithmetic finds 0 of its 5 pairs" in first, first
    grown = add("--example", "silver", "Ag")
    assert "'silver' now answers Si / Ag" in grown and "--one-output" in grown, grown
    assert "arithmetic finds" not in grown  # (said once, when it was added)
    # two outputs given at once are both meant: no note (a setter's "--example nothing O --example nothing NIL")
    assert "now answers" not in add("--example", "tin", "Sn", "--example", "tin", "Stannum")
    add("--example", "silver", "Ag", "--one-output")
    assert _json_query(own_db, "symbol for silver")["outputs"][0]["answers"] == ["Ag"]
    both = _json_query(own_db, "capital of italy n currency of india")
    answers = [o["answer"] for r in [both] + both["also"] for o in r["outputs"]]
    assert answers == ["Rome", "rupee"], both


def test_a_refusal_near_a_users_text_program_offers_the_wording_as_a_key(own_db):
    """A web developer's friendlier (keys "make this friendlier: {text}", …) refused "can you soften
    this: …" and named the program, but not what to do; once the offered phrasing was added, the
    request reached it, and "soften this message: …" took the text after the colon, not a span
    run across it ("message: we need")."""
    assert run("--db", own_db, "add", "friendlier", "--kind", "fewshot", "-d", "Rewrite a curt message so it "
               "sounds friendlier.", "--key", "make this sound friendlier: {text}", "--key", "make this friendlier: {text}",
               "--example", "Your order is delayed.", "Just a heads-up: your order is running a little late!",
               "--example", "Send the invoice by Friday.", "Could you send the invoice over by Friday? Thanks!").exit_code == 0
    refused = _json_query(own_db, "can you soften this: Payment is overdue. Pay now.")
    assert refused["mode"] == "none", refused
    offered = refused["message"].split(', add "')[1].split('" to its keys')[0]
    assert offered == "soften this: {text}", refused["message"]
    # ...but not for a program too far to be meant (a researcher's uk-us was offered "what's the {word} in Oslo")
    pairs = [("colour", "color"), ("harbour", "harbor"), ("centre", "center"), ("theatre", "theater"),
             ("travelled", "traveled"), ("organise", "organize"), ("realise", "realize"), ("defence", "defense"),
             ("grey", "gray"), ("aluminium", "aluminum")]
    assert run("--db", own_db, "add", "uk-us", "--key", "american spelling of {word}", "--key", "us spelling of {word}",
               *[a for p in pairs for a in ("--example", *p)]).exit_code == 0
    far = _json_query(own_db, "what's the weather in Oslo")
    assert far["mode"] == "none" and "uk-us at 0.41" in far["message"] and "to its keys" not in far["message"], \
        far["message"]
    r = subprocess.run([PROGDB, "--db", own_db, "add", "friendlier", "--key", offered], capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    for prompt, text in (("can you soften this: Payment is overdue. Pay now.", "Payment is overdue. Pay now."),
                         ("please soften this message - we need the report now", "we need the report now")):
        out = _json_query(own_db, prompt)
        assert (out["programs"][0]["name"], out["inputs"]) == ("friendlier", [text]), out
    # "n" joins a list as "and" does (a student's text speak), and a list's last word after a comma is an
    # item, stored or not (a span "cat, dog," left "tulip" out as talk)
    plural = _json_query(own_db, "plural of cat n dog")
    assert [o["answer"] for o in plural["outputs"]] == ["cats", "dogs"], plural
    listed = _json_query(own_db, "plural of cat, dog, tulip")
    assert listed["inputs"] == ["cat", "dog", "tulip"] and listed["outputs"][-1]["answer"] == "tulips", listed
    towns = _json_query(own_db, "what states are Atlanta, Nashville and Detroit in")
    assert towns["inputs"] == ["Atlanta", "Nashville", "Detroit"], towns  # ("n" is a word, not the N of Nashville)


def test_an_analysts_spreadsheet_export_loses_no_column_unsaid(own_db, tmp_path):
    """A data analyst's raw export (SKU,Product Name,Category, with a trailing comma) stored its
    header as the pair "SKU -> Product Name" and left Category out without a word; a trailing empty
    cell on one row of a two-column file was an error; --skip-bad named its rejects only in a file."""
    export = tmp_path / "products_export.csv"
    export.write_text("SKU,Product Name,Category,\nHL-1001,blue desk lamp,Lighting,\nHL-1002,brass floor lamp,Lighting,\n"
                      "FN-2003,oak bookshelf,Furniture,\nKT-3001,bamboo cutting board,Kitchen,\n", encoding="utf-8")
    r = subprocess.run([PROGDB, "--db", own_db, "import", str(export), "--program", "sku-name"],
                       capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    assert "each pair is SKU -> Product Name, and Category is left out" in r.stderr and "--columns" in r.stderr, r.stderr
    sounds = tmp_path / "animal-sounds.csv"  # a small table made by import is told what `add` tells it
    sounds.write_text("animal,sound\ndog,bark\ncat,meow\ncow,moo\nlion,roar\nduck,quack\npig,oink\n", encoding="utf-8")
    r = subprocess.run([PROGDB, "--db", own_db, "import", str(sounds)], capture_output=True, text=True)
    assert r.returncode == 0 and "answers only the inputs it stores" in r.stderr, r.stderr
    r = subprocess.run([PROGDB, "--db", own_db, "import", str(export), "--program", "sku-category", "--columns",
                        "SKU,Category"], capture_output=True, text=True)
    assert r.returncode == 0 and "left out" not in r.stderr, r.stderr
    shown = subprocess.run([PROGDB, "--db", own_db, "export", "sku-category"], capture_output=True, text=True).stdout
    pairs = [(e["input"], e["output"]) for e in json.loads(shown)["examples"]]
    assert pairs == [("HL-1001", "Lighting"), ("HL-1002", "Lighting"), ("FN-2003", "Furniture"),
                     ("KT-3001", "Kitchen")], pairs  # (no header pair)
    r = subprocess.run([PROGDB, "--db", own_db, "import", str(export), "--program", "x", "--columns", "1,Categry"],
                       capture_output=True, text=True)
    assert r.returncode == 2 and "'Categry' is no column" in r.stderr and "SKU, Product Name, Category" in r.stderr, r.stderr

    messy = tmp_path / "products.csv"
    messy.write_text("garden hose,Outdoor\npatio umbrella,Outdoor,\ncharcoal grill,\ndesk fan,Electronics\n", encoding="utf-8")
    r = subprocess.run([PROGDB, "--db", own_db, "import", str(messy), "--program", "product-kind", "--skip-bad",
                        "--rejects", str(tmp_path / "rejects.jsonl")], capture_output=True, text=True)
    assert r.returncode == 0 and r.stdout.startswith("3 added"), (r.stdout, r.stderr)  # (the trailing comma is none)
    assert "line 3: field 'output' is empty" in r.stderr, r.stderr  # said at the terminal, not only in the file

    # a pair mended with --one-output, then the old file imported again: the second output is said
    codes = tmp_path / "codes.tsv"
    codes.write_text("code\tcountry\nAT\tAustralia\nDE\tGermany\n", encoding="utf-8")
    assert run("--db", own_db, "import", str(codes), "--program", "country-code").exit_code == 0
    assert run("--db", own_db, "add", "country-code", "-e", "AT", "Austria", "--one-output").exit_code == 0
    r = subprocess.run([PROGDB, "--db", own_db, "import", str(codes), "--program", "country-code"],
                       capture_output=True, text=True)
    assert "line 2: AT -> Austria / Australia" in r.stderr and "--one-output" in r.stderr, r.stderr


def _answered_no(args: list[str]) -> tuple[int, bytes]:
    """Run progdb at a terminal, answer "n" to its [y/N] question: its exit status and what it drew."""
    master, slave = pty.openpty()
    proc = subprocess.Popen([PROGDB, *args], stdin=slave, stdout=slave, stderr=slave, close_fds=True,
                            env={**os.environ, "TERM": "xterm"})
    os.close(slave)
    screen = b""
    while b"[y/N]" not in screen:
        assert _readable(master, 120), screen
        screen += os.read(master, 65536)
    os.write(master, b"n\n")
    status = proc.wait(timeout=60)
    os.close(master)
    return status, screen


def test_a_program_file_imports_whole_and_remove_asks_at_a_terminal(own_db, tmp_path):
    """An engineer's ticket-summary.json (name, keys, description, examples) imported as bare pairs
    named after the file, its keys lost; `remove` deleted a whole program (the built-in plural, for
    one trial) with no question asked."""
    card = tmp_path / "ticket-summary.json"
    card.write_text(json.dumps({"name": "ticket-summary", "description": "Summarise a support ticket in one line.",
                                "keys": ["summarise this support ticket: {text}", "tl;dr this ticket: {text}"],
                                "examples": [{"input": "Hi, the app logs me out every hour since the update.",
                                              "output": "App logs users out hourly since update."},
                                             {"input": "I was charged twice for March, please refund one.",
                                              "output": "Double charge for March; refund requested."}]}), encoding="utf-8")
    r = subprocess.run([PROGDB, "--db", own_db, "import", str(card)], capture_output=True, text=True)
    assert r.returncode == 0 and "added ticket-summary (fewshot, 2 keys, 2 examples)" in r.stdout, (r.stdout, r.stderr)
    out = _json_query(own_db, "tl;dr this ticket: the export button does nothing")
    assert (out["programs"][0]["name"], out["inputs"]) == ("ticket-summary", ["the export button does nothing"]), out
    # "ticket" is the text the request points at, not ticket-summary's name: a near miss, refused
    assert _json_query(own_db, "rate the sentiment of this ticket: you people are useless")["mode"] == "none"
    assert "nothing follows the prompt's colon" in _json_query(own_db, "summarise this ticket:")["message"]

    status, screen = _answered_no(["--db", own_db, "remove", "ticket-summary"])
    assert status == 1 and b"remove ticket-summary (2 keys, 2 examples" in screen, screen
    assert "ticket-summary" in [p["name"] for p in json.loads(run("--db", own_db, "list", "--json").output)]
    # ...and before a pair goes (a copywriter's `remove jargon-buster --input "Circle Back"` asked nothing)
    text = "I was charged twice for March, please refund one."
    status, screen = _answered_no(["--db", own_db, "remove", "ticket-summary", "--input", text])
    assert status == 1 and b"remove 1 pair of ticket-summary (I was charged twice for March" in screen, screen
    assert f"{text}  ->  Double charge" in run("--db", own_db, "show", "ticket-summary").output
    assert run("--db", own_db, "remove", "ticket-summary").exit_code == 0  # (no terminal: no question)


def test_a_learners_and_an_analysts_prompts_read_as_they_meant(own_db):
    """From four trials: unquoted words are one prompt; a code typed in capitals is an input, not the
    word "it"; a code one program stores is its; a phrasal verb's last word is no talk; a country
    names a language only for a word to say; grammar questions and "paris is to france as tokyo is to
    ?" beside a user's program that only fits the pairs."""
    r = subprocess.run([PROGDB, "--db", own_db, "query", "plural", "of", "cat"], capture_output=True, text=True)
    assert r.returncode == 0 and "cat -> cats" in r.stdout, (r.stdout, r.stderr)
    codes = [("IT", "Italy"), ("IN", "India"), ("DE", "Germany"), ("FR", "France"), ("BR", "Brazil"), ("JP", "Japan")]
    assert run("--db", own_db, "add", "country-code", "--key", "country for code {word}", "--key",
               "which country is {word}", *[a for pair in codes for a in ("--example", *pair)]).exit_code == 0
    for prompt, answer in (("IT is which country?", "Italy"), ("country code IN", "India")):
        out = _json_query(own_db, prompt)
        assert [o["answer"] for o in out["outputs"]] == [answer], out
    back = _json_query(own_db, "paris is to france as tokyo is to ?")
    assert [o["answer"] for o in back["outputs"]] == ["Japan"], back

    assert run("--db", own_db, "add", "phrasal-verbs", "--kind", "fewshot", "--key", "phrasal verb {phrase}",
               "--key", "meaning of {phrase}", *[a for pair in (("give up", "stop trying"), ("look after", "take care of"),
                                                                ("run out of", "have no more"), ("put off", "postpone"),
                                                                ("turn down", "refuse"), ("carry on", "continue"))
                                                 for a in ("--example", *pair)]).exit_code == 0
    out = _json_query(own_db, "phrasal verb: get along with")
    assert (out["programs"][0]["name"], out["inputs"]) == ("phrasal-verbs", ["get along with"]), out
    for prompt in ("what is the present perfect?", "conjugate the verb 'to be' please", "what's the weather in germany",
                   "what's the vat rate in germany"):
        assert _json_query(own_db, prompt)["mode"] == "none", prompt
    assert _json_query(own_db, "conjugate say for 'she'")["outputs"][0]["answer"] == "says"

    # a code one of the user's programs stores is that program's, not another's of theirs asked the same way
    assert run("--db", own_db, "add", "product-category", "--key", "what category is {word}",
               *[a for pair in (("desk lamp", "Lighting"), ("floor lamp", "Lighting"), ("oak bookshelf", "Furniture"),
                                ("office chair", "Furniture"), ("cutting board", "Kitchen"), ("frying pan", "Kitchen"))
                 for a in ("--example", *pair)]).exit_code == 0
    assert run("--db", own_db, "add", "sku-category", "--kind", "fewshot", "--key", "category of sku {word}",
               *[a for pair in (("HL-1001", "Lighting"), ("FN-2003", "Furniture"), ("KT-3001", "Kitchen"))
                 for a in ("--example", *pair)]).exit_code == 0
    out = _json_query(own_db, "what category is FN-2003")
    assert (out["programs"][0]["name"], out["outputs"][0]["answer"]) == ("sku-category", "Furniture"), out
    # --json piped is one line (JSON lines when appended); at a terminal it is indented
    r = subprocess.run([PROGDB, "--db", own_db, "query", "--json", "plural of cat"], capture_output=True, text=True)
    assert r.stdout.count("\n") == 1 and json.loads(r.stdout)["outputs"][0]["answer"] == "cats", r.stdout


def test_a_fit_on_a_few_labelled_requests_keeps_their_answers(own_db, tmp_path):
    """An engineer's fit of 13 requests for five programs and 5 out-of-scope prompts chose 0.82:
    each out-of-scope prompt counted as much as three right answers (rates, not requests), and 5 of
    their 25 prompts, one of the fit's own, were refused after it."""
    programs = {
        "ticket-summary": (["summarise this support ticket: {text}", "tl;dr this ticket: {text}"],
                           [("Hi, the app logs me out every hour since the update.", "App logs users out hourly."),
                            ("I was charged twice for March, please refund one.", "Double charge for March.")]),
        "release-tweet": (["turn these release notes into a tweet: {text}", "tweet about this launch: {text}"],
                          [("v1.8: Added calendar sync.", "v1.8 is here: calendar sync!"),
                           ("New: team templates.", "Team templates just landed!")]),
        "bug-severity": (["how severe is this bug: {text}", "severity of this bug report: {text}"],
                         [("Checkout fails with a 500 error since the deploy.", "critical"),
                          ("The settings icon is 2px off.", "low")]),
    }
    for name, (keys, pairs) in programs.items():
        assert run("--db", own_db, "add", name, "--kind", "fewshot", *[a for k in keys for a in ("--key", k)],
                   *[a for p in pairs for a in ("--example", *p)]).exit_code == 0
    labelled = {"val": [["summarise this ticket: customer cannot reset password", "ticket-summary"],
                        ["one-liner for the triage queue: app crashes on login", "ticket-summary"],
                        ["can you tl;dr this support email: my invoices are wrong", "ticket-summary"],
                        ["tweet the release: dark mode is here", "release-tweet"],
                        ["announce this on twitter: we launched the iOS widget", "release-tweet"],
                        ["what priority is this bug: signup form rejects plus signs", "bug-severity"],
                        ["how bad is this report: emails to Gmail bounce", "bug-severity"]],
                "oos_val": [["summarise the following release notes: dark mode, csv export", "oos"],
                            ["which bug is the most severe", "oos"], ["how do I write a changelog", "oos"],
                            ["write a tweet about our company offsite", "oos"]]}
    (tmp_path / "labelled.json").write_text(json.dumps(labelled), encoding="utf-8")
    r = run("--db", own_db, "fit", str(tmp_path / "labelled.json"), "--format", "clinc", "--split", "val", "--json")
    assert r.exit_code == 0, r.output
    report = json.loads(r.output)
    assert report["threshold"] <= 0.7, report  # (0.82 before: every right answer out of fold but two refused)
    for prompt, name in labelled["val"]:
        out = _json_query(own_db, prompt)
        assert out["programs"] and out["programs"][0]["name"] == name, (prompt, out["message"])
    # the report names the labelled prompts that, asked now, get another answer (three trials could not tell)
    asked = {m["prompt"]: m for m in report["missed"]}
    for prompt, name in labelled["val"]:
        assert prompt not in asked, asked[prompt]
    for prompt, _ in labelled["oos_val"]:
        out = _json_query(own_db, prompt)
        assert (prompt in asked) == (out["mode"] != "none"), (prompt, asked.get(prompt), out["mode"])
    r = run("--db", own_db, "fit", str(tmp_path / "labelled.json"), "--format", "clinc", "--split", "val")
    assert f"asked now, {len(report['missed'])} of the 11 labelled prompts get another answer" in r.output, r.output


def test_a_researchers_and_an_engineers_prompts_get_no_confident_wrong_answer(own_db):
    """A researcher's "what instrument does coltrane play" came back *piano*, sure (John plays the
    saxophone, Alice the piano); "baby of a platypus" read "of a platypus"; "whats the capital and the
    currency of Colombia" ran a chain (Colombian Peso -> Bogota?); an engineer's changelog text lost its
    label ("…item? chore(deps): bump axios"); `export` of a slip named no program meant."""
    out = _json_query(own_db, "what instrument does coltrane play")
    assert out["outputs"][0]["answer"] is None and "John Coltrane -> saxophone" in out["outputs"][0]["error"], out
    assert _json_query(own_db, "what instrument does john coltrane play")["outputs"][0]["answer"] == "saxophone"
    assert _json_query(own_db, "baby of a platypus")["inputs"] in (["platypus"], []), "baby of a platypus"
    both = _json_query(own_db, "whats the capital and the currency of Colombia")
    programs = [r["programs"][0]["name"] for r in [both] + both["also"]]
    assert programs == ["country-capital", "country-currency"], both
    assert run("--db", own_db, "add", "changelog-entry", "--kind", "fewshot", "--key",
               "turn this commit message into a changelog entry: {text}",
               "--example", "fix(ui): modal closes on Escape", "Fixed: Escape now closes dialogs.",
               "--example", "feat(api): webhooks for task.completed", "Added: task.completed webhook.").exit_code == 0
    out = _json_query(own_db, "could you convert this commit message to a changelog item? chore(deps): bump axios to 1.6.8")
    assert out["inputs"] == ["chore(deps): bump axios to 1.6.8"], out
    r = run("--db", own_db, "export", "changelog-entri")
    assert r.exit_code == 2 and "did you mean 'changelog-entry'" in r.output, r.output


def test_another_name_of_a_country_is_the_country_a_program_stores(seeded_path, own_db):
    """A learner's "capital of Alemania" was read as Albania (*Tirana?*), "capital of the US" answered
    *U.s.?*, "capital of Holland" *Stratford?*: the names people type for a country are read as the
    stored one, said so, and answered as surely as the stored pair; the pronoun "us" is no country."""
    for prompt, read, answer in [("capital of Alemania", "Alemania -> Germany", "Berlin"),
                                 ("what's the capital of the US", "US -> United States", "Washington, D.C."),
                                 ("capital of Holland", "Holland -> Netherlands", "Amsterdam"),
                                 ("which currency do they use in Deutschland", "Deutschland -> Germany", "Euro (EUR)")]:
        out = _json_query(seeded_path, prompt)
        assert out["corrections"] == [read] and out["outputs"][0]["answer"] == answer, out
        assert out["outputs"][0]["sure"], out
    assert "United States" not in json.dumps(_json_query(seeded_path, "what's the capital of us")["corrections"])
    # a user's own table of countries is read the same way
    r = subprocess.run([PROGDB, "--db", own_db, "add", "national-dish", "--key", "national dish of",
                        "--example", "Germany", "bratwurst", "--example", "Italy", "pizza",
                        "--example", "Japan", "sushi"], capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    out = _json_query(own_db, "national dish of Deutschland")
    assert out["outputs"][0]["answer"] == "bratwurst" and out["corrections"] == ["Deutschland -> Germany"], out


def _imported(db: str, path: Path, text: str, program: str) -> subprocess.CompletedProcess:
    """Write a user's file and import it into their program, as they would at a shell."""
    path.write_text(text, encoding="utf-8")
    return subprocess.run([PROGDB, "--db", db, "import", str(path), "--program", program], capture_output=True, text=True)


def test_the_left_out_columns_note_says_what_the_import_does(own_db, tmp_path):
    """A localiser's 5-column TSV (en fr domain status note) was told "column 3, 4, 5 are left out",
    then refused: "line 1: expected 3 columns, found 5" (a first cell like a program's name read the
    rows as program,input,output); a teacher's two-column file with one stray comma was told "column 3
    is left out", then refused for that row; a `;` export with a Status column said nothing."""
    glossary = "en\tfr\tdomain\tstatus\tnote\nSettings\tParamètres\tUI\tvalidated\t\n" \
               "Sign in\tSe connecter\tUI\tvalidated\t\nSave\tEnregistrer\tUI\tdraft\tcheck\n"
    r = _imported(own_db, tmp_path / "glossary_en_fr.tsv", glossary, "ui-fr")
    assert r.returncode == 0 and r.stdout.startswith("3 added"), (r.stdout, r.stderr)
    assert "each pair is en -> fr, and domain, status are left out" in r.stderr, r.stderr
    semi = "Source term (en-US);Target term (de-DE);Part of speech;Status;Comment\n" \
           "Settings;Einstellungen;noun;Approved;plural in UI\nSign in;Anmelden;verb;Approved;\n"
    r = _imported(own_db, tmp_path / "glossary_de.csv", semi, "ui-de")
    assert r.returncode == 0 and "Part of speech, Status are left out" in r.stderr, r.stderr
    stray = "Country,Capital\nBolivia,Sucre, La Paz\nNetherlands,Amsterdam\n"
    r = _imported(own_db, tmp_path / "capitals.csv", stray, "caps")
    assert r.returncode == 2 and "line 2: expected 2 columns, found 3" in r.stderr, r.stderr
    assert "left out" not in r.stderr, r.stderr  # (the row is an error, not a column)
    # a chat log's export, a row number first: its header was stored as the pair id -> message
    log = "id,message,reply,channel\n1,where is my order,Let me check that for you,web\n" \
          "2,cancel my sub,I have cancelled it,email\n"
    r = _imported(own_db, tmp_path / "chat.csv", log, "chat-reply")
    assert r.returncode == 0 and r.stdout.startswith("2 added"), (r.stdout, r.stderr)
    assert "each pair is message -> reply, and channel is left out" in r.stderr, r.stderr
    shown = subprocess.run([PROGDB, "--db", own_db, "show", "chat-reply"], capture_output=True, text=True).stdout
    assert "where is my order  ->  Let me check that for you" in shown and "id  ->" not in shown, shown
    # an engineer's signal table, lower-case labels over numbers: it made programs named num, 1, 2, 9 and 15
    signals = "num,name,default action\n1,SIGHUP,terminate\n2,SIGINT,terminate\n" \
              "9,SIGKILL,terminate (cannot be caught)\n15,SIGTERM,terminate\n"
    r = _imported(own_db, tmp_path / "signals.csv", signals, "signal-name")
    assert r.returncode == 0 and "created 1 program(s): signal-name" in r.stdout, (r.stdout, r.stderr)
    assert "each pair is num -> name, and default action is left out" in r.stderr, r.stderr
    assert _json_query(own_db, "signal name 9")["outputs"][0]["answer"] == "SIGKILL"
    out = _json_query(own_db, "sig 15")  # (a common word, read as the start of their own key's "signal")
    assert out["corrections"] == ["sig -> signal"] and out["outputs"][0]["answer"] == "SIGTERM", out


def test_a_prompt_the_users_fit_labels_out_of_scope_is_refused(own_db, tmp_path):
    """A teacher's fit labelled "when was the radio invented" out of scope beside their inventors (key
    "who invented the {word}") and reported out-of-scope recall 1.0, yet the prompt still answered the
    stored *Guglielmo Marconi*, sure: a library rule forgave a stored out-of-scope prompt near a user's
    own key asked of its input, and it forgave the user's own label too. (That prompt is now refused
    unfitted, as a question none of the keys asks; one asked as no question stands in for it.) A data
    engineer's labelled "what month is it" was still answered by their key "what month is {word}"."""
    r = subprocess.run([PROGDB, "--db", own_db, "add", "invention-inventor", "--key", "who invented the {word}",
                        "--key", "who came up with the {word}",
                        "-e", "telephone", "Alexander Graham Bell", "-e", "radio", "Guglielmo Marconi",
                        "-e", "light bulb", "Thomas Edison", "-e", "dynamite", "Alfred Nobel",
                        "-e", "telescope", "Galileo Galilei"], capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    assert _json_query(own_db, "the radio was invented in which year")["outputs"][0]["answer"] == "Guglielmo Marconi"
    labelled = tmp_path / "labelled.json"
    labelled.write_text(json.dumps({"val": [
        ["the radio was invented by who", "invention-inventor"], ["who made the first telephone", "invention-inventor"],
        ["which person invented dynamite", "invention-inventor"], ["who is credited with the light bulb", "invention-inventor"],
        ["the radio was invented in which year", "oos"], ["how does a telescope work", "oos"],
        ["what is the population of france", "oos"], ["who invented the wheel", "oos"]]}), encoding="utf-8")
    r = subprocess.run([PROGDB, "--db", own_db, "fit", str(labelled)], capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    assert _json_query(own_db, "the radio was invented in which year")["mode"] == "none"
    # (and one their key reads word for word: a data engineer's "what month is it" beside "what month is {word}")
    assert _json_query(own_db, "who invented the wheel")["mode"] == "none"
    assert _json_query(own_db, "when was the radio invented")["mode"] == "none"
    out = _json_query(own_db, "who invented the radio")
    assert out["outputs"][0]["answer"] == "Guglielmo Marconi", out


def test_a_crossword_solvers_own_word_programs(own_db, tmp_path):
    """A crossword solver's programs: "spoons backwards" was read as "spoon" (a base their reversal
    program does not store) and answered *noops*, sure; "collective noun for wolves" was refused though
    wolf -> pack is stored (an irregular plural); `which cat clowder` was an error though their program
    stores the pair; a header "British<TAB>American<TAB>notes" was stored as a pair."""
    r = subprocess.run([PROGDB, "--db", own_db, "add", "reversed-words", "--kind", "fewshot", "--key", "{text} backwards",
                        "-e", "stressed", "desserts", "-e", "drawer", "reward", "-e", "star", "rats"],
                       capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    out = _json_query(own_db, "spoons backwards")
    assert out["inputs"] == ["spoons"] and out["outputs"][0]["answer"] == "snoops", out
    # ...nor does a word program of theirs read a base it does not store (the docs' promise)
    assert run("--db", own_db, "add", "word-backwards", "--key", "{word} reversed", "-e", "stressed", "desserts",
               "-e", "drawer", "reward", "-e", "diaper", "repaid").exit_code == 0
    out = _json_query(own_db, "spoons reversed")
    assert "spoon" not in out["inputs"] and "spoons -> spoon" not in out["corrections"], out
    nouns = tmp_path / "collective_nouns.csv"
    nouns.write_text("animal,group\ncrow,murder\nwolf,pack\ngoose,gaggle\nlion,pride\ncat,clowder\nowl,parliament\n",
                     encoding="utf-8")
    assert subprocess.run([PROGDB, "--db", own_db, "import", str(nouns), "--program", "collective-nouns"],
                          capture_output=True, text=True).returncode == 0
    assert run("--db", own_db, "add", "collective-nouns", "--key", "collective noun for {word}").exit_code == 0
    for prompt, read, answer in [("collective noun for wolves", "wolves -> wolf (as plural has it)", "pack"),
                                 ("collective noun for geese", "geese -> goose (as plural has it)", "gaggle")]:
        out = _json_query(own_db, prompt)
        assert out["corrections"] == [read] and out["outputs"][0]["answer"] == answer and out["outputs"][0]["sure"], out
    r = subprocess.run([PROGDB, "--db", own_db, "which", "cat", "clowder"], capture_output=True, text=True)
    assert r.returncode == 0 and "collective-nouns  (stores every pair)" in r.stdout, (r.stdout, r.stderr)
    # a program of texts storing the pair is listed too (an engineer's `which 22 ssh`: "none stores them")
    assert subprocess.run([PROGDB, "--db", own_db, "add", "port-service", "--kind", "fewshot", "-e", "22", "ssh",
                           "-e", "25", "smtp", "-e", "53", "dns"], capture_output=True, text=True).returncode == 0
    r = subprocess.run([PROGDB, "--db", own_db, "which", "22", "ssh"], capture_output=True, text=True)
    assert r.returncode == 0 and r.stdout.startswith("        port-service  (stores every pair)"), (r.stdout, r.stderr)
    words = tmp_path / "brit_yank.tsv"
    words.write_text("British\tAmerican\tnotes\nlorry\ttruck\t\njumper\tsweater\talso pullover\nnappy\tdiaper\t\n",
                     encoding="utf-8")
    r = subprocess.run([PROGDB, "--db", own_db, "import", str(words), "--program", "brit-yank"], capture_output=True, text=True)
    assert r.returncode == 0 and r.stdout.startswith("3 added"), (r.stdout, r.stderr)


def test_a_localisers_glossaries_are_asked_in_their_own_words(own_db, tmp_path):
    """A localiser's ui-terms-de (key "german term for {text}") stores "Sign in -> Anmelden": "german term
    for Sign in" answered the library's *schild* for "sign", sure (German, not in the program's name,
    read as a language it does not translate into); "fr glossary: dropdown" blended their French and
    German glossaries, whose examples then contradicted each other."""
    de = tmp_path / "ui-terms-de.csv"
    de.write_text("en,de\nSettings,Einstellungen\nSign in,Anmelden\nSign out,Abmelden\nSave,Speichern\n"
                  "Cancel,Abbrechen\nSearch,Suchen\nProfile,Profil\n", encoding="utf-8")
    fr = tmp_path / "ui-terms-fr.csv"
    fr.write_text("en,fr\nSettings,Paramètres\nSign in,Se connecter\nSign out,Se déconnecter\nSave,Enregistrer\n"
                  "Cancel,Annuler\nSearch,Rechercher\nProfile,Profil\n", encoding="utf-8")
    for path, lang, code in ((de, "german", "de"), (fr, "french", "fr")):
        assert subprocess.run([PROGDB, "--db", own_db, "import", str(path), "--program", path.stem],
                              capture_output=True, text=True).returncode == 0
        assert run("--db", own_db, "add", path.stem, "--key", f"{lang} term for {{text}}",
                   "--key", f"{code} glossary: {{text}}").exit_code == 0
    out = _json_query(own_db, "german term for Sign in")
    assert out["programs"][0]["name"] == "ui-terms-de" and out["outputs"][0]["answer"] == "Anmelden", out
    out = _json_query(own_db, "french term for Sign out")
    assert out["programs"][0]["name"] == "ui-terms-fr" and out["outputs"][0]["answer"] == "Se déconnecter", out
    out = _json_query(own_db, "fr glossary: dropdown")
    assert [p["name"] for p in out["programs"]] == ["ui-terms-fr"], out
    assert "Einstellungen" not in json.dumps(out["compiled"], ensure_ascii=False), out
    assert _json_query(own_db, "german word for dog")["outputs"][0]["answer"] == "Hund"  # the library's still
    # another localiser's wordings named French where the German glossary matched: "whats Settings in
    # french ui" answered *Einstellungen*, sure, below the threshold (key match 0.58 against the French's 0.97),
    # and "french ui term for Upload" (stored in the German one only) *Hochladen*
    subprocess.run([PROGDB, "--db", own_db, "add", "ui-terms-de", "--example", "Upload", "Hochladen"], check=True,
                   capture_output=True)
    for name, lang in (("ui-terms-de", "german"), ("ui-terms-fr", "french")):
        assert run("--db", own_db, "add", name, "--key", f"what is {{text}} in the {lang} UI").exit_code == 0
    for prompt, program, answer in (("whats Settings in french ui", "ui-terms-fr", "Paramètres"),
                                    ("what's Cancel in the French UI", "ui-terms-fr", "Annuler"),
                                    ("french ui term for Upload", "ui-terms-fr", None),
                                    ("whats Settings in german ui", "ui-terms-de", "Einstellungen")):
        out = _json_query(own_db, prompt)
        assert out["programs"][0]["name"] == program, (prompt, out["programs"])
        assert (out["outputs"][0]["answer"] if answer else out["compiled"]) and \
            (answer is None or out["outputs"][0]["answer"] == answer), (prompt, out["outputs"])
    # `which` of a pair of each glossary was "'Enregistrer' is not in the word space", exit 2
    r = run("--db", own_db, "which", "Save", "Enregistrer", "Cancel", "Abbrechen")
    assert r.exit_code == 0 and "ui-terms-fr  (stores 1 of the 2 pairs)" in r.output \
        and "ui-terms-de  (stores 1 of the 2 pairs)" in r.output, r.output
    # ...and a pair none stores, a word outside the word space, is no error (exit 2) but none fitting (exit 1)
    r = run("--db", own_db, "which", "refund", "reembolso")
    assert r.exit_code == 1 and r.output.startswith("no stored program fits these pairs: none stores them, and "
                                                    "'reembolso' is not in the word space"), r.output


def test_a_teachers_country_table_takes_countries_other_tables_answer(own_db, tmp_path):
    """A teacher's country-language refused Italy, Austria and Russia ("none of its other words is an
    input that program takes") because their river-country answers them; and Portugal answered
    *Italian?* over the top-scored Portuguese, "what it stores for another input" (Brazil), though the
    table stores Spanish twice."""
    rivers = tmp_path / "rivers.csv"
    rivers.write_text("River,Country\nNile,Egypt\nTiber,Italy\nVolga,Russia\nDanube,Austria\nLoire,France\n"
                      "Thames,England\nAmazon,Brazil\n", encoding="utf-8")
    langs = tmp_path / "languages.csv"
    langs.write_text("Country,Language\nBrazil,Portuguese\nMexico,Spanish\nArgentina,Spanish\nFrance,French\n"
                     "Germany,German\nJapan,Japanese\nChina,Mandarin\nEgypt,Arabic\nIran,Persian\nNetherlands,Dutch\n"
                     "Kenya,Swahili\n", encoding="utf-8")
    for path, name, key in ((rivers, "river-country", "which country does the {word} flow through"),
                            (langs, "country-language", "what language do they speak in {word}")):
        assert subprocess.run([PROGDB, "--db", own_db, "import", str(path), "--program", name],
                              capture_output=True, text=True).returncode == 0
        assert run("--db", own_db, "add", name, "--key", key).exit_code == 0
    for country, language in (("italy", "Italian"), ("russia", "Russian"), ("portugal", "Portuguese")):
        out = _json_query(own_db, f"what language do they speak in {country}")
        assert out["programs"] and out["programs"][0]["name"] == "country-language", out
        assert out["outputs"][0]["answer"] == language, out
    # a question none of a table's keys asks is not its: "how long is the nile river" answered *Egypt*, stored,
    # sure; "where does the nile flow" asks a place, as "which country" does
    out = _json_query(own_db, "how long is the nile river")
    assert out["mode"] == "none" and "it asks 'how long', which none of its keys asks" in out["message"], out
    assert _json_query(own_db, "where does the loire river flow")["outputs"][0]["answer"] == "France"


def test_a_chatbot_developers_two_requests_of_one_message(own_db):
    """A chatbot developer's "classify intent and extract the order number: pls cancel order 99812" was
    one blend of their two programs (the examples of both mixed, "Request: extract the order number");
    and "intent? can i change …" was refused as having no input "that program takes", though the
    program takes any text."""
    for name, key, pairs in (
            ("message-intent", "classify intent: {text}", [("where is my order", "order_status"),
                                                           ("i want a refund", "refund"), ("cancel my order", "cancel_order")]),
            ("order-number", "extract the order number: {text}", [("hi my order 100234 never came", "100234"),
                                                                  ("Order #B-20931 arrived broken!!", "B-20931"),
                                                                  ("where is my stuff", "NONE")])):
        r = subprocess.run([PROGDB, "--db", own_db, "add", name, "--kind", "fewshot", "--key", key,
                            *[a for pair in pairs for a in ("-e", *pair)]], capture_output=True, text=True)
        assert r.returncode == 0, r.stderr
    out = _json_query(own_db, "classify intent and extract the order number: pls cancel order 99812")
    asked = [out] + out["also"]
    assert [(a["mode"], a["programs"][0]["name"], a["inputs"]) for a in asked] == [
        ("nearest", "message-intent", ["pls cancel order 99812"]),
        ("nearest", "order-number", ["pls cancel order 99812"])], asked
    refused = _json_query(own_db, "intent? can i change the delivery adress on my order")
    assert refused["mode"] == "none" and 'a text goes after a colon: "intent: …"' in refused["message"], refused
    # a developer's question about a field is no customer's message ("…is null, why" was order-number's at 0.93)
    assert _json_query(own_db, "the order number field in the api response is null, why")["mode"] == "none"
    # a word of their own key is typed on purpose: "summarise" was read as a slip of summarize
    assert run("--db", own_db, "add", "complaint-summary", "--kind", "fewshot", "--key", "summarise this complaint: {text}",
               "-e", "I ordered 2 mugs, one came smashed", "One of two mugs arrived broken.").exit_code == 0
    out = _json_query(own_db, "summarise this complaint: my parcel came two weeks late")
    assert out["programs"][0]["name"] == "complaint-summary" and out["corrections"] == [], out


def test_a_program_files_slips_are_named(own_db, tmp_path):
    """A YAML key typed unquoted with a colon (`- summarize complaint: {text}`) was "key 2 is empty",
    though it is not (YAML read it as a mapping); `example:` was an unknown field with no hint."""
    card = tmp_path / "complaint-summary.yaml"
    card.write_text("name: complaint-summary\nkind: fewshot\nkeys:\n  - summarize this complaint\n"
                    "  - summarize complaint: {text}\nexample:\n  - [the box was crushed, crushed box]\n",
                    encoding="utf-8")
    r = subprocess.run([PROGDB, "--db", own_db, "add", str(card)], capture_output=True, text=True)
    assert r.returncode == 2 and "unknown field 'example' (did you mean 'examples'?)" in r.stderr, r.stderr
    card.write_text(card.read_text(encoding="utf-8").replace("example:", "examples:"), encoding="utf-8")
    r = subprocess.run([PROGDB, "--db", own_db, "add", str(card)], capture_output=True, text=True)
    assert r.returncode == 2 and 'key 2 reads as a mapping' in r.stderr and \
        '- "summarize complaint: {text}"' in r.stderr, r.stderr
    # a chat log's JSON lines name their own fields: the error says which, and --columns reads them
    log = tmp_path / "replies.jsonl"
    log.write_text('{"message": "where is my order", "reply": "Let me check that for you."}\n'
                   '{"message": "refund pls", "reply": "Sorry to hear that, I can help."}\n', encoding="utf-8")
    r = subprocess.run([PROGDB, "--db", own_db, "import", str(log), "--program", "polite-reply"], capture_output=True, text=True)
    assert r.returncode == 2 and "(its fields: message, reply; --columns message,reply reads those two)" in r.stderr, r.stderr
    r = subprocess.run([PROGDB, "--db", own_db, "import", str(log), "--program", "polite-reply", "--columns",
                        "message,reply"], capture_output=True, text=True)
    assert r.returncode == 0 and r.stdout.startswith("2 added"), (r.stdout, r.stderr)


def test_a_chain_through_a_small_program_is_no_surer_than_its_arithmetic(own_db, tmp_path):
    """A researcher's animal-sound (ten pairs, none of which arithmetic finds) refused each unstored
    animal as too unsure, yet "what sound does the letter c make" ran next-item, then animal-sound,
    and answered "c -> d -> f", sure (confidence 0.66): a chain's step took the geometry's confidence
    without the program's own measure."""
    pairs = ["dog bark", "cat meow", "cow moo", "duck quack", "lion roar", "pig oink", "sheep baa",
             "horse neigh", "snake hiss", "owl hoot"]
    (tmp_path / "sounds.txt").write_text("".join(f"{p.replace(' ', ' -> ')}\n" for p in pairs), encoding="utf-8")
    r = subprocess.run([PROGDB, "--db", own_db, "import", str(tmp_path / "sounds.txt"), "--program", "animal-sound"],
                       capture_output=True, text=True)
    assert r.returncode == 0 and "10 added" in r.stdout, (r.stdout, r.stderr)
    subprocess.run([PROGDB, "--db", own_db, "add", "animal-sound", "--key", "what sound does a {word} make"],
                   capture_output=True, text=True, check=True)
    r = subprocess.run([PROGDB, "--db", own_db, "query", "--json", "what sound does the letter c make"],
                       capture_output=True, text=True)
    out = json.loads(r.stdout)
    assert r.returncode == 1 and out["mode"] == "none" and "too unsure" in out["message"], (r.returncode, out)
    # a stored step still answers, and a library chain stays sure
    assert _json_query(own_db, "what sound does a dog make")["outputs"][0]["answer"] == "bark"
    out = _json_query(own_db, "the plural of the feminine of king")
    assert out["mode"] == "composed" and out["outputs"][0]["answer"] == "queens" and out["outputs"][0]["sure"], out


def test_a_word_program_keeps_its_kind_as_pairs_are_removed_or_added(own_db, tmp_path):
    """A teacher's make-or-do was made a word program (10 of its 19 pairs words, its header's pair
    among them); `remove make-or-do --input collocation` then failed, "kind vector, but only 9 of its 18
    pairs are words … use --kind fewshot", an option remove has not, and so did adding "the laundry":
    the program could neither lose its bad pair nor take a phrase."""
    rows = ["collocation\tverb", "homework\tdo", "a mistake\tmake", "the dishes\tdo", "a decision\tmake",
            "friends\tmake", "exercise\tdo", "business\tdo", "a phone call\tmake", "progress\tmake", "your best\tdo",
            "a favour\tdo", "noise\tmake", "money\tmake", "research\tdo", "housework\tdo", "an effort\tmake",
            "the shopping\tdo", "a cake\tmake"]
    (tmp_path / "make_or_do.tsv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    r = subprocess.run([PROGDB, "--db", own_db, "import", str(tmp_path / "make_or_do.tsv"), "--program", "make-or-do"],
                       capture_output=True, text=True)
    assert r.returncode == 0 and "19 added" in r.stdout, (r.stdout, r.stderr)
    assert "make-or-do             vector" in subprocess.run([PROGDB, "--db", own_db, "list"], capture_output=True,
                                                             text=True).stdout
    r = subprocess.run([PROGDB, "--db", own_db, "remove", "make-or-do", "--input", "collocation"],
                       capture_output=True, text=True)
    assert r.returncode == 0 and "keeps 18 examples" in r.stdout, (r.stdout, r.stderr)
    r = subprocess.run([PROGDB, "--db", own_db, "add", "make-or-do", "-e", "the laundry", "do"], capture_output=True, text=True)
    assert r.returncode == 0 and "now vector" in r.stdout, (r.stdout, r.stderr)
    assert _json_query(own_db, "make or do: the laundry")["outputs"][0]["answer"] == "do"
    # a request that says "make" is no collocation: the library's comparative refused, make-or-do took it
    subprocess.run([PROGDB, "--db", own_db, "add", "make-or-do", "--key", "make or do: {word}"], capture_output=True,
                   text=True, check=True)
    assert _json_query(own_db, "make a lesson plan about comparatives")["mode"] == "none"
    # asking for vector by name, for a new program of sentences, is still refused
    r = subprocess.run([PROGDB, "--db", own_db, "add", "replies", "--kind", "vector", "-e", "where is my order",
                        "it ships tomorrow", "-e", "can i return it", "yes within thirty days"], capture_output=True, text=True)
    assert r.returncode == 2 and "kind vector, but only 0 of its 2 pairs" in r.stderr, r.stderr


def test_a_program_of_numbers_or_codes_takes_no_words(own_db):
    """An engineer's port-service (key "port {word}", every input a number) answered "port of call" with
    a compiled prompt for 'call', and errno-fix (inputs EACCES, ENOSPC …) took "how do i fix a memory
    leak" and "fix my kubernetes cluster": a word fills a template's slot, but no port is a word and no
    errno two words."""
    subprocess.run([PROGDB, "--db", own_db, "add", "port-service", "--kind", "fewshot", "--key", "port {word}",
                    "--key", "what runs on port {word}", "-e", "22", "ssh", "-e", "53", "dns", "-e", "5432", "postgresql",
                    "-e", "6379", "redis"], capture_output=True, text=True, check=True)
    subprocess.run([PROGDB, "--db", own_db, "add", "errno-fix", "--kind", "fewshot", "--key", "how do i fix {word}",
                    "--key", "fix for {word}", "-e", "ENOSPC", "disk full: df -h, clear logs or grow the volume",
                    "-e", "EACCES", "permission denied: check the file's owner and mode",
                    "-e", "EADDRINUSE", "something else holds the port: ss -ltnp, stop it or change the port"],
                   capture_output=True, text=True, check=True)
    for prompt in ("port of call", "how do i fix a memory leak", "fix my kubernetes cluster"):
        out = _json_query(own_db, prompt)
        assert out["mode"] == "none", (prompt, out["programs"], out["inputs"])
    assert _json_query(own_db, "port 5432")["outputs"][0]["answer"] == "postgresql"
    # talk after the slot's word is no part of it ("whats http 418 again" read '418 again')
    assert _json_query(own_db, "whats on port 5432 again")["outputs"][0]["answer"] == "postgresql"
    out = _json_query(own_db, "how do i fix eaddrinuse")
    assert out["programs"][0]["name"] == "errno-fix" and out["outputs"][0]["source"] == "stored", out
    out = _json_query(own_db, "how do i fix ENOENT")  # an errno it does not store: its compiled prompt
    assert out["programs"][0]["name"] == "errno-fix" and out["compiled"][0]["input"] == "ENOENT", out


def test_a_users_own_key_is_never_read_as_its_way_back(own_db):
    """A copywriter added the key "de-jargon: {word}" to jargon-buster, and "de-jargon: incentivize" (a
    stored pair) was then refused: "it asks for 'de-jargon': the program's way back" (de- undoes a
    program, as "un-pirate this" does)."""
    r = subprocess.run([PROGDB, "--db", own_db, "add", "jargon-buster", "--key", "plain word for {word}",
                        "--key", "de-jargon: {word}", "-e", "utilize", "use", "-e", "leverage", "use",
                        "-e", "incentivize", "encourage", "-e", "synergy", "teamwork"], capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    out = _json_query(own_db, "de-jargon: incentivize")
    assert out["mode"] == "nearest" and out["outputs"][0]["answer"] == "encourage", (out["mode"], out["message"])
    # a British spelling of a stored word is that word, no guess ("utilise" answered *use?*, not sure)
    out = _json_query(own_db, "plain word for utilise")
    assert out["corrections"] == ["utilise -> utilize"] and out["outputs"][0]["sure"], out["outputs"]


def test_a_users_narrower_program_leaves_the_librarys_stored_input_to_it(own_db, tmp_path):
    """A teacher's verb-forms (28 irregular verbs; keys "V3 of {word}", "what's the 3rd form of {word}")
    answered "3rd form of tread" with its guess *treads?* though past-participle stores *trodden*: the two
    keys matched alike (0.98713 each), and a hair's difference read as "your key matched closer"."""
    verbs = [("be", "been"), ("begin", "begun"), ("break", "broken"), ("bring", "brought"), ("buy", "bought"),
             ("choose", "chosen"), ("come", "come"), ("do", "done"), ("drink", "drunk"), ("drive", "driven"),
             ("eat", "eaten"), ("fall", "fallen"), ("fly", "flown"), ("forget", "forgotten"), ("give", "given"),
             ("go", "gone"), ("know", "known"), ("ride", "ridden"), ("ring", "rung"), ("see", "seen")]
    (tmp_path / "verbs.csv").write_text("".join(f"{a},{b}\n" for a, b in verbs), encoding="utf-8")
    assert subprocess.run([PROGDB, "--db", own_db, "import", str(tmp_path / "verbs.csv"), "--program", "verb-forms"],
                          capture_output=True, text=True).returncode == 0
    subprocess.run([PROGDB, "--db", own_db, "add", "verb-forms", "--key", "V3 of {word}", "--key", "third form of {word}",
                    "--key", "what's the 3rd form of {word}"], capture_output=True, text=True, check=True)
    for prompt in ("3rd form of tread", "what's the 3rd form of tread"):
        out = _json_query(own_db, prompt)
        assert out["programs"][0]["name"] == "past-participle" and out["outputs"][0]["answer"] == "trodden", \
            (prompt, out["programs"], out["outputs"])
    out = _json_query(own_db, "what's the 3rd form of ring")  # (its own stored pair is its own)
    assert out["programs"][0]["name"] == "verb-forms" and out["outputs"][0]["answer"] == "rung", out["programs"]


def test_a_json_map_of_inputs_to_outputs_imports(own_db, tmp_path):
    """An engineer's ports.json, a plain map ({"22": "ssh", …}), was refused: "expected a JSON list of
    {"input", "output"} objects"; they converted it with jq."""
    ports = tmp_path / "ports.json"
    ports.write_text('{\n  "22": "ssh",\n  "5432": "postgresql",\n  "6379": ["redis", "redis-server"]\n}\n', encoding="utf-8")
    r = subprocess.run([PROGDB, "--db", own_db, "import", str(ports), "--program", "port-service"], capture_output=True, text=True)
    assert r.returncode == 0 and r.stdout.startswith("4 added"), (r.stdout, r.stderr)
    shown = subprocess.run([PROGDB, "--db", own_db, "show", "port-service"], capture_output=True, text=True).stdout
    assert "5432  ->  postgresql" in shown and "6379  ->  redis-server" in shown, shown
    nested = tmp_path / "nested.json"
    nested.write_text('{"ssh": {"port": 22}}', encoding="utf-8")
    r = subprocess.run([PROGDB, "--db", own_db, "import", str(nested), "--program", "x"], capture_output=True, text=True)
    assert r.returncode == 2 and "or a map of inputs to outputs" in r.stderr, r.stderr


def test_comment_lines_and_a_title_row_are_no_rows(own_db, tmp_path):
    """A researcher's hypernym TSV with "# birds" lines stopped at line 1 ("field 'output' is missing"),
    and a teacher's `;` export under a one-cell title ("Comparatives") was refused at line 1 with the
    delimiter read as ','. A row starting "#" that holds a delimiter is data ("#tbt,throwback thursday")."""
    files = {"hyp.tsv": "# hypernyms, my pilot set\nviolin\tinstrument\n# birds\nsparrow\tbird\nsalmon\tfish\n",
             "comparatives.csv": "Comparatives\nadjective;comparative\nbig;bigger\nsmall;smaller\n",
             "tags.csv": "#tbt,throwback thursday\n#fomo,fear of missing out\n"}
    for name, text in files.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
        r = subprocess.run([PROGDB, "--db", own_db, "import", str(tmp_path / name)], capture_output=True, text=True)
        assert r.returncode == 0 and "0 rejected" in r.stdout, (name, r.stdout, r.stderr)
    shown = run("--db", own_db, "show", "hyp").output
    assert "sparrow  ->  bird" in shown and "#" not in shown.split("examples")[1], shown
    shown = run("--db", own_db, "show", "comparatives").output
    assert "big  ->  bigger" in shown and "adjective  ->" not in shown and "Comparatives  ->" not in shown, shown
    assert "#tbt  ->  throwback thursday" in run("--db", own_db, "show", "tags").output


def test_a_question_pointing_at_a_short_sentence_marks_it_as_the_text(own_db, tmp_path):
    """A copywriter's fit labelled "can you make this less cold? Your account is locked." for their
    friendlier, and the prompt was still refused after it: a question pointing at "this" marked a
    text after it of five words or more, and "Your account is locked." has four."""
    card = tmp_path / "friendlier.yaml"
    card.write_text("name: friendlier\nkind: fewshot\ndescription: Rewrite product copy so it sounds warm and human.\n"
                    "keys:\n  - \"make this friendlier: {text}\"\n  - \"warmer tone: {text}\"\nexamples:\n"
                    "  - input: Invalid password.\n    output: Hmm, that password didn't work. Want to try again?\n"
                    "  - input: Your trial expires in 3 days.\n    output: Just a heads-up, your trial wraps up in 3 days.\n",
                    encoding="utf-8")
    assert subprocess.run([PROGDB, "--db", own_db, "add", "friendlier", "--file", str(card)], capture_output=True,
                          text=True).returncode == 0
    out = _json_query(own_db, "could you make this friendlier? Your card was declined.")
    assert out["programs"][0]["name"] == "friendlier" and out["inputs"] == ["Your card was declined."], \
        (out["mode"], out["message"], out["inputs"])
    # a question about what a program makes is told no colon to add ("what is a subject line" was told to
    # give "what is a subject line: TEXT")
    assert subprocess.run([PROGDB, "--db", own_db, "add", "subject-line", "--kind", "fewshot", "--key",
                           "subject line for: {text}", "-e", "Our office moves to Leeds next month, details inside.",
                           "We're moving to Leeds", "-e", "The team offsite is on 12 June, RSVP by Friday.",
                           "Offsite 12 June: RSVP by Friday"], capture_output=True, text=True).returncode == 0
    for prompt in ("what is a subject line", "how long should a subject line be"):
        out = _json_query(own_db, prompt)
        assert out["mode"] == "none" and "after a colon" not in out["message"], (prompt, out["message"])
    # ...and a colon with nothing after it gives no text: the words before it were read as one
    # ("subject line for this email:" compiled a subject line for "line for this email")
    out = _json_query(own_db, "make this friendlier for the signup page:")
    assert out["mode"] == "none" and "goes after the colon" in out["message"], (out["programs"], out["inputs"])


def test_a_program_whose_pairs_keep_no_stem_never_guesses_the_inputs_own_form(own_db, tmp_path):
    """A researcher's BATS hypernyms guessed "orchid -> orchids?": the arithmetic's nearest word to a
    noun is often its plural, which no hypernym is (plural's pairs keep their stems; these keep none)."""
    pairs = [("dog", "canine"), ("dog", "mammal"), ("dog", "animal"), ("cat", "feline"), ("cat", "mammal"),
             ("cat", "animal"), ("oak", "tree"), ("oak", "plant"), ("rose", "flower"), ("rose", "plant"), ("hammer", "tool"),
             ("apple", "fruit"), ("apple", "food"), ("carrot", "vegetable"), ("carrot", "food"), ("piano", "instrument"),
             ("car", "vehicle"), ("shirt", "garment"), ("shirt", "clothing"), ("chair", "furniture"), ("sparrow", "bird"),
             ("sparrow", "animal"), ("salmon", "fish"), ("salmon", "animal"), ("guitar", "instrument"),
             ("truck", "vehicle"), ("tulip", "flower"), ("daisy", "flower"), ("lily", "flower")]
    (tmp_path / "hyp.txt").write_text("".join(f"{a} -> {b}\n" for a, b in pairs), encoding="utf-8")
    assert subprocess.run([PROGDB, "--db", own_db, "import", str(tmp_path / "hyp.txt"), "--program", "hypernyms"],
                          capture_output=True, text=True).returncode == 0
    subprocess.run([PROGDB, "--db", own_db, "add", "hypernyms", "--key", "hypernym of {word}"], capture_output=True,
                   text=True, check=True)
    out = _json_query(own_db, "hypernym of orchid")
    guesses = [c["answer"] for o in out["outputs"] for c in o["candidates"]]
    assert guesses and "orchids" not in guesses, guesses
    assert _json_query(own_db, "plural of orchid")["outputs"][0]["answer"] == "orchids"


def test_add_with_nothing_to_add_is_an_error(own_db):
    """`add sigs3` alone made a program of nothing but its name (exit 0), which then answered no prompt
    and was named "a close call: your 'sigs3' is closer" beside the engineer's real program."""
    r = run("--db", own_db, "add", "sigs3")
    assert r.exit_code == 2 and "add sigs3: nothing to add" in r.output, r.output
    assert "sigs3" not in run("--db", own_db, "list").output


def test_a_request_naming_a_library_program_whole_is_not_taken_over(own_db):
    """"headline case: how to write a better error message" ran a copywriter's shorten-headline (key
    match 0.65, "taken over the library's 'headline-case' (key match 1.00)"), whose instruction says
    sentence case: it specialises headline-case and shares a word of its name."""
    r = subprocess.run([PROGDB, "--db", own_db, "add", "shorten-headline", "--kind", "fewshot",
                        "--key", "shorten this headline: {text}", "--key", "make this headline shorter: {text}",
                        "-d", "Shorten a headline, keep the hook, sentence case.",
                        "-e", "The Ultimate Guide To Writing Error Messages That Users Actually Understand",
                        "Writing error messages people understand",
                        "-e", "Announcing the launch of our brand new and improved pricing plans for small businesses",
                        "New pricing for small businesses"], capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    out = _json_query(own_db, "headline case: how to write a better error message")
    assert out["programs"][0]["name"] == "headline-case", (out["programs"], out["message"])
    out = _json_query(own_db, "shorten this headline: How We Rebuilt Our Help Centre From Scratch In Three Months")
    assert out["programs"][0]["name"] == "shorten-headline", out["programs"]


def test_a_spreadsheets_header_and_title_rows_are_no_pairs(tmp_path):
    """A student's TSV of diminutives ("base dim suffix" over "pig piglet -let") made ten programs
    named base, pig, book, … with --program ignored, and an engineer's "abbr unit system" five; a
    teacher's title row saved with its comma ("Continents quiz - Year 8,") stopped the import at line 1,
    her "Country, Highest mountain, Height (m)" header was stored as a pair, and `--columns 1,2` stored
    a header as a pair without a word."""
    db = str(tmp_path / "db")
    files = {"diminutives.tsv": ("diminutive", "# diminutives, from a sample\nbase\tdim\tsuffix\npig\tpiglet\t-let\n"
                                 "book\tbooklet\t-let\nduck\tduckling\t-ling\ngoose\tgosling\t-ling\n", "pig", "base"),
             "units.tsv": ("unit-name", "abbr\tunit\tsystem\nkg\tkilogram\tmetric\ng\tgram\tmetric\n"
                           "lb\tpound\timperial\noz\tounce\timperial\n", "kg", "abbr"),
             "continents.csv": ("continent", "Continents quiz - Year 8,\nCountry,Continent\nPeru,South America\n"
                                "Kenya,Africa\nJapan,Asia\n", "Peru", "Country"),
             "mountains.tsv": ("highest-mountain", "Country\tHighest mountain\tHeight (m)\nNepal\tMount Everest\t8849\n"
                               "Japan\tMount Fuji\t3776\nItaly\tMonte Bianco\t4808\n", "Nepal", "Country"),
             # (a Spanish teacher's conjugation table stored "Infinitive -> yo"; a developer's "iso2 -> dial_code")
             "preterite.csv": ("preterite-yo", "Infinitive,yo,tú,él/ella/usted,nosotros\ntener,tuve,tuviste,tuvo,tuvimos\n"
                               "hacer,hice,hiciste,hizo,hicimos\nir,fui,fuiste,fue,fuimos\n", "tener", "Infinitive"),
             "codes.csv": ("calling-code", "iso2,dial_code\nPT,+351\nBR,+55\nDE,+49\n", "PT", "iso2")}
    for name, (program, text, first, header) in files.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
        r = subprocess.run([PROGDB, "--db", db, "--no-seed", "import", str(tmp_path / name), "--program", program],
                           capture_output=True, text=True)
        assert r.returncode == 0 and f"created 1 program(s): {program}" in r.stdout, (name, r.stdout, r.stderr)
        shown = run("--db", db, "show", program).output
        assert f"{first}  ->" in shown and f"{header}  ->" not in shown, (name, shown)
        if name == "diminutives.tsv":
            assert "each pair is base -> dim, and suffix is left out" in r.stderr, r.stderr
    assert sorted(p["name"] for p in json.loads(run("--db", db, "list", "--json").stdout)) == \
        ["calling-code", "continent", "diminutive", "highest-mountain", "preterite-yo", "unit-name"]
    r = run("--db", db, "import", str(tmp_path / "units.tsv"), "--program", "unit-again", "--columns", "1,2")
    assert r.exit_code == 0 and "abbr  ->" not in run("--db", db, "show", "unit-again").output, r.output
    (tmp_path / "bad.csv").write_text("cat,\ndog,dogs\n", encoding="utf-8")  # one word and a comma is a bad pair
    assert "bad.csv, line 1: field 'output' is empty" in run("--db", db, "import", str(tmp_path / "bad.csv")).output
    with zipfile.ZipFile(tmp_path / "quiz.xlsx", "w") as book:  # (an Excel workbook is a zip of XML files)
        book.writestr("[Content_Types].xml", "<Types/>")
    r = run("--db", db, "import", str(tmp_path / "quiz.xlsx"))
    assert r.exit_code == 2 and "an Excel workbook, not a pairs file; save the sheet as CSV" in r.output, r.output
    with zipfile.ZipFile(tmp_path / "spellings.docx", "w") as doc:  # (a librarian's list typed in Word)
        doc.writestr("[Content_Types].xml", "<Types/>")
    r = run("--db", db, "import", str(tmp_path / "spellings.docx"))
    assert r.exit_code == 2 and "a Word document, not a pairs file; save it as plain text (.txt)" in r.output, r.output
    # a program file's YAML error says the parser's reason (a developer's unquoted ": " was "not valid YAML")
    (tmp_path / "commit-message.yaml").write_text("name: commit-message\ndescription: Turn a diff: into a message\n"
                                                  "keys: [commit message for {text}]\n", encoding="utf-8")
    r = run("--db", db, "add", str(tmp_path / "commit-message.yaml"))
    assert r.exit_code == 2 and "line 2: not valid YAML (mapping values are not allowed here)" in r.output, r.output


def test_a_program_that_spells_out_abbreviations_answers_with_words_they_abbreviate(own_db, tmp_path):
    """A data engineer's street-suffix (St -> Street, Blvd -> Boulevard) guessed "Pkwy -> Panhandle?",
    Parkway third; their state-name (AL -> Alabama) let "state code MT full name" go to national-park-state;
    unit-name guessed "mph -> kph?". Arithmetic's guesses are now only words the input abbreviates, as
    sure as that finds the program's own pairs; a two-letter code fits a table of two-letter codes."""
    streets = "St.,Street\nSt,Street\nAve,Avenue\nBlvd,Boulevard\nRd,Road\nDr,Drive\nLn,Lane\nCt,Court\n" \
              "Pl,Place\nSq,Square\nHwy,Highway\nTer,Terrace\nCir,Circle\n"
    states = "AL,Alabama\nAK,Alaska\nAZ,Arizona\nCA,California\nCO,Colorado\nCT,Connecticut\nFL,Florida\n" \
             "GA,Georgia\nIL,Illinois\nMA,Massachusetts\nMI,Michigan\nNY,New York\nOH,Ohio\nOR,Oregon\n" \
             "PA,Pennsylvania\nTX,Texas\nWA,Washington\n"
    units = "kg,kilogram\ng,gram\nmg,milligram\nkm,kilometre\nm,metre\ncm,centimetre\nmi,mile\nft,foot\n" \
            "gal,gallon\nhr,hour\nmin,minute\n"
    for name, text, key in (("street-suffix", streets, "expand {word}"),
                            ("state-name", states, "expand state code {word}"),
                            ("unit-name", units, "unit name for {word}")):
        assert _imported(own_db, tmp_path / f"{name}.csv", text, name).returncode == 0
        assert run("--db", own_db, "add", name, "--key", key).exit_code == 0
    out = _json_query(own_db, "expand Pkwy")
    assert out["programs"][0]["name"] == "street-suffix" and out["outputs"][0]["answer"] == "Parkway", out
    out = _json_query(own_db, "state code MT full name")
    assert out["programs"][0]["name"] == "state-name" and out["outputs"][0]["answer"] == "Montana", out
    out = _json_query(own_db, "unit name for mph")["outputs"][0]
    assert out["answer"] is None and "abbreviates" in out["error"], out


def test_a_students_own_programs_beside_the_librarys(own_db, tmp_path):
    """A morphology student's ness-noun (+ness, every pair) guessed "tall -> height?" and read their
    demonstration "tall: tallness" as "illness"; their city-demonym lost "demonym of lisbon" to the
    library's Portuguese, sure (Lisbon read as Portugal, as country-capital pairs them); a teacher's
    own country table read "brasil" as no country, and "capital of peru and continent of peru" asked
    their continent table about "continent of peru"."""
    ness = "happy,happiness\ndark,darkness\nkind,kindness\nweak,weakness\nsad,sadness\nill,illness\nfit,fitness\n" \
           "empty,emptiness\nthick,thickness\nready,readiness\nlazy,laziness\n"
    cities = "London,Londoner\nParis,Parisian\nBerlin,Berliner\nMoscow,Muscovite\nVienna,Viennese\nMadrid,Madrilenian\n" \
             "Venice,Venetian\nGlasgow,Glaswegian\nRome,Roman\nAthens,Athenian\n"
    continents = "Peru,South America\nBrazil,South America\nKenya,Africa\nJapan,Asia\nFrance,Europe\nChile,South America\n"
    for name, text, key in (("ness-noun", ness, "ness noun of {word}"), ("city-demonym", cities, "demonym of {word}"),
                            ("country-continent", continents, "what continent is {word} in")):
        assert _imported(own_db, tmp_path / f"{name}.csv", text, name).returncode == 0
        assert run("--db", own_db, "add", name, "--key", key).exit_code == 0
    out = _json_query(own_db, "ness noun of tall")["outputs"][0]
    assert out["answer"] == "tallness" and not out["sure"], out
    shown = subprocess.run([PROGDB, "--db", own_db, "query", "tall: tallness, bold:"], capture_output=True, text=True)
    assert "illness" not in shown.stdout + shown.stderr and "diagnosis" not in shown.stdout, shown
    out = _json_query(own_db, "demonym of lisbon")
    assert out["programs"][0]["name"] == "city-demonym" and not out["outputs"][0]["sure"], out
    out = _json_query(own_db, "what continent is brasil in")
    assert out["outputs"][0]["answer"] == "South America" and "brasil -> Brazil" in out["message"], out
    both = _json_query(own_db, "capital of peru and continent of peru")
    assert [r["outputs"][0]["answer"] for r in [both] + both["also"]] == ["Lima", "South America"], both


def test_a_support_leads_requests_and_questions(own_db):
    """A support lead's "soften this reply, customer is upset: …" went to their angry-customer-reply
    though "soften this reply: {text}" is empathetic-reply's key (the talk after the request was read
    as the request); "how do we make our onboarding flow friendlier" compiled a casual rewrite of
    "how do we make our onboarding flow"; `which` of a stored pair of texts was an error."""
    for name, key, pair in (("empathetic-reply", "soften this reply: {text}",
                             ("Your refund was denied.", "I'm sorry, I know this isn't the answer you hoped for.")),
                            ("angry-customer-reply", "reply to an upset customer: {text}",
                             ("This is the third time it broke!", "I'm so sorry it broke again; here's what we'll do."))):
        assert run("--db", own_db, "add", name, "--kind", "fewshot", "--key", key, "--example", *pair).exit_code == 0
    out = _json_query(own_db, "soften this reply, customer is upset: As stated in my last email, the item is "
                              "non-returnable.")
    assert out["programs"][0]["name"] == "empathetic-reply", out
    out = _json_query(own_db, "how do we make our onboarding flow friendlier")
    assert out["mode"] == "none" and "asks for advice (how to do something" in out["message"], out
    assert _json_query(own_db, "how can i make this friendlier: see you tmrw")["inputs"] == ["see you tmrw"]
    # ...nor whether to (a developer's ticket-urgency classified "to upgrade to python 3.12" as a ticket)
    assert run("--db", own_db, "add", "ticket-urgency", "--kind", "fewshot", "--key", "how urgent is this ticket: {text}",
               "--key", "how urgent", "--example", "Checkout returns 500 for everyone", "high",
               "--example", "Typo on the about page", "low").exit_code == 0
    for prompt in ("how urgent is it to upgrade to python 3.12", "should we upgrade to python 3.12 now"):
        out = _json_query(own_db, prompt)
        assert out["mode"] == "none", (prompt, out["programs"], out["inputs"])
    out = _json_query(own_db, "how urgent is this ticket: webhooks delayed by two hours")
    assert out["programs"][0]["name"] == "ticket-urgency" and out["inputs"] == ["webhooks delayed by two hours"], out
    # (a product manager's `which "<bug title>" P3` was an error, "is a text", though their program stores it)
    r = run("--db", own_db, "which", "Your refund was denied.", "I'm sorry, I know this isn't the answer you hoped for.")
    assert r.exit_code == 0 and "empathetic-reply" in r.output and "stores every pair" in r.output, r.output


def test_a_chemistry_teachers_units_keep_their_capitals_and_their_letters(own_db, tmp_path):
    """A chemistry teacher's units table stored mg (milligram) and mL: "what does Mg stand for" answered
    *milligram*, sure (Mg is magnesium; the lookup ignored capitals), and "kmol" was read as a slip of
    the stored "mol", *mole*, sure (a unit a thousand times larger). A Spanish teacher's "is spanish
    hard" got *duro*, sure."""
    units = "mL,millilitre\nmg,milligram\nkg,kilogram\nL,litre\ng,gram\nmol,mole\nmmol,millimole\n" \
            "cm,centimetre\nmm,millimetre\nkPa,kilopascal\n"
    assert _imported(own_db, tmp_path / "units.txt", units.replace(",", " -> "), "lab-units").returncode == 0
    assert run("--db", own_db, "add", "lab-units", "--key", "what does {word} stand for").exit_code == 0
    assert _json_query(own_db, "what does mg stand for")["outputs"][0]["answer"] == "milligram"
    assert _json_query(own_db, "what does ml stand for")["outputs"][0]["answer"] == "millilitre"  # (typed in haste)
    for prompt in ("what does Mg stand for", "what does MG stand for"):
        out = _json_query(own_db, prompt)["outputs"][0]
        assert out["source"] != "stored" and not out["sure"], (prompt, out)
    out = subprocess.run([PROGDB, "--db", own_db, "query", "--json", "what does kmol stand for"], capture_output=True,
                         text=True)
    assert "kmol -> mol" not in out.stdout and "mole" not in out.stdout, out.stdout
    assert _json_query(own_db, "is spanish hard")["mode"] == "none"


def test_a_teachers_vocabulary_leaves_the_librarys_stored_word_to_it(own_db, tmp_path):
    """A Spanish teacher's food-vocab (keys "{word} in spanish", "how do you say {word} in spanish")
    took "¿cómo se dice butterfly en español?" from english-spanish, which stores butterfly: its key
    matched 0.98 beside english-spanish's reading on top at 0.96, though english-spanish's "en
    español" matches word for word (its guess was *stipa?*)."""
    food = "English\tSpanish\napple\tmanzana\npineapple\tpiña\nstrawberry\tfresa\ncarrot\tzanahoria\n" \
           "bread\tpan\ncheese\tqueso\nchicken\tpollo\nrice\tarroz\negg\thuevo\nmilk\tleche\ncoffee\tcafé\n"
    assert _imported(own_db, tmp_path / "food.tsv", food, "food-vocab").returncode == 0
    assert run("--db", own_db, "add", "food-vocab", "--key", "{word} in spanish", "--key",
               "how do you say {word} in spanish", "--key", "spanish for {word}").exit_code == 0
    for prompt, program, answer in (("¿cómo se dice butterfly en español?", "english-spanish", "mariposa"),
                                    ("how do you say butterfly in spanish", "english-spanish", "mariposa"),
                                    ("¿cómo se dice cheese en español?", "food-vocab", "queso"),
                                    ("how do you say apple in spanish", "food-vocab", "manzana"),
                                    # (a parent's "cofee in italian" was read as co- + "fee", no slip)
                                    ("how do you say cofee in spanish", "food-vocab", "café")):
        out = _json_query(own_db, prompt)
        assert (out["programs"][0]["name"], out["outputs"][0]["answer"]) == (program, answer), (prompt, out["programs"])


def test_a_researchers_and_a_librarians_lists_import_as_typed(own_db, tmp_path):
    """A researcher's "cat<TAB>kitten" first row was read as a header, unsaid (17 of 18 pairs), and
    "puppy/pup" stored as one answer unsaid; "wheel:car" and "sky blue" lines were "cannot tell the
    format; give --format" though --format was given; --program was left for a .txt file's name; a
    JSON list's error advised --columns, which then refused a json file. A librarian's "neighbour =
    neighbor" list failed the same way, and the title line of her arrows list was stored as a pair."""
    def imported(name: str, text: str, *options: str) -> subprocess.CompletedProcess:
        (tmp_path / name).write_text(text, encoding="utf-8")
        return subprocess.run([PROGDB, "--db", own_db, "import", str(tmp_path / name), *options],
                              capture_output=True, text=True)

    def pairs(program: str) -> list[list[str]]:
        return [[e["input"], e["output"]] for e in json.loads(run("--db", own_db, "show", program, "--json").output)["examples"]]

    young = "cat\tkitten\ndog\tpuppy/pup\ncow\tcalf\nhorse\tfoal/colt/filly\nsheep\tlamb\ngoat\tkid\n"
    r = imported("animal_young.tsv", young, "--program", "young-mine")
    assert r.returncode == 0 and "6 added" in r.stdout, r.stdout + r.stderr
    assert "the first row 'cat\tkitten' is read as a pair" in r.stderr, r.stderr
    assert "an output such as 'puppy/pup' (dog) is stored whole, as one answer; --format bats reads 'a/b' as two " \
        "answers" in r.stderr, r.stderr
    r = imported("animal_young.tsv", young, "--program", "young-bats", "--format", "bats")
    assert r.returncode == 0 and "created 1 program(s): young-bats" in r.stdout, r.stdout + r.stderr
    assert ["dog", "pup"] in pairs("young-bats") and ["horse", "filly"] in pairs("young-bats")

    for name, text in (("part_whole.txt", "wheel:car\npetal:flower\nfinger:hand\n"),
                       ("thing_colour.txt", "sky blue\ngrass green\nblood red\n"),
                       ("spellings.txt", "neighbour = neighbor\nbehaviour = behavior\njewellery = jewelry\n")):
        program = name.split(".")[0].replace("_", "-") + "-mine"
        for options in ((), ("--format", "arrows")):
            r = imported(name, text, "--program", program, *options)
            assert r.returncode == 0 and "give --format" not in r.stderr, (name, options, r.stdout + r.stderr)
        assert len(pairs(program)) == 3 and pairs(program)[0] in (["wheel", "car"], ["sky", "blue"],
                                                                  ["neighbour", "neighbor"]), pairs(program)
    r = imported("thing_colour.txt", "sky blue\ngrass green\n", "--program", "x-colour", "--format", "csv")
    assert r.returncode == 2 and "give --format" not in r.stderr, r.stderr  # (its rows' shape is the error)

    r = imported("british.txt", "British -> American spellings (my list)\n\ncolour -> color\nhonour -> honor\n"
                 "favour -> favor\n", "--program", "british-mine")
    assert r.returncode == 0 and "the first line 'British -> American spellings (my list)' is read as the list's " \
        "title, not a pair" in r.stderr, r.stderr
    assert pairs("british-mine") == [["colour", "color"], ["honour", "honor"], ["favour", "favor"]]

    # a parent's list under a title without an arrow, alternatives after a slash (stored as one answer, the
    # program became one of texts); a teacher's "Collective nouns (animals)" over "crow = murder" likewise
    r = imported("famiglia.txt", "Family words - parole di famiglia\nmother = mamma / madre\nfather = papa / padre\n"
                 "sister = sorella\n", "--program", "family-mine")
    assert r.returncode == 0 and "the first line 'Family words - parole di famiglia' is read as the list's title" \
        in r.stderr, r.stdout + r.stderr
    assert pairs("family-mine") == [["mother", "mamma"], ["mother", "madre"], ["father", "papa"], ["father", "padre"],
                                    ["sister", "sorella"]]
    r = imported("collective.txt", "Collective nouns (animals)\ncrow = murder\nowl = parliament\nlion = pride\n",
                 "--program", "collective-mine")
    assert r.returncode == 0 and pairs("collective-mine")[0] == ["crow", "murder"], r.stdout + r.stderr
    for name in ("nosuchfile.csv", "nosuchfile.txt"):  # (a FileNotFoundError was printed)
        r = subprocess.run([PROGDB, "--db", own_db, "import", str(tmp_path / name)], capture_output=True, text=True)
        assert r.returncode == 2 and r.stderr.strip().endswith(f"{name}: no such file or folder"), r.stderr

    tickets = '[\n  {"ticket": "Checkout returns 500", "urgency": "high"},\n  {"ticket": "Typo on the about page", ' \
              '"urgency": "low"}\n]\n'
    r = imported("tickets.json", tickets, "--program", "urgency-mine")
    assert r.returncode == 2 and "--columns ticket,urgency reads those two" in r.stderr, r.stderr
    r = imported("tickets.json", tickets, "--program", "urgency-mine", "--columns", "ticket,urgency")
    assert r.returncode == 0 and pairs("urgency-mine") == [["Checkout returns 500", "high"],
                                                           ["Typo on the about page", "low"]], r.stderr


def test_a_researchers_copy_of_a_library_relation_leaves_its_stored_words_to_it(own_db, tmp_path):
    """A researcher's baby-animal (BATS's animal - young, its pairs animal-young's; key "young of {word}")
    answered "young of a goose" with its guess *pimples?*, though animal-young stores goose -> gosling."""
    pairs = [("cat", "kitten"), ("dog", "puppy"), ("cow", "calf"), ("horse", "foal"), ("sheep", "lamb"), ("goat", "kid"),
             ("pig", "piglet"), ("duck", "duckling"), ("bear", "cub"), ("lion", "cub"), ("deer", "fawn"),
             ("kangaroo", "joey"), ("frog", "tadpole"), ("owl", "owlet"), ("swan", "cygnet")]
    assert _imported(own_db, tmp_path / "baby-animal.tsv", "".join(f"{a}\t{b}\n" for a, b in pairs),
                     "baby-animal").returncode == 0
    assert run("--db", own_db, "add", "baby-animal", "--key", "young of {word}",
               "--key", "what is a baby {word} called").exit_code == 0
    out = _json_query(own_db, "young of a goose")
    assert (out["programs"][0]["name"], out["outputs"][0]["answer"]) == ("animal-young", "gosling"), out["programs"]
    assert "the library's 'animal-young' stores goose" in out["message"], out["message"]
    out = _json_query(own_db, "young of a swan")  # (its own stored pair is its own)
    assert (out["programs"][0]["name"], out["outputs"][0]["answer"]) == ("baby-animal", "cygnet"), out["programs"]


def test_a_thing_named_with_its_article_is_asked_about(own_db, tmp_path):
    """"what colour is an orange" of a researcher's thing-colour (its own key, word for word) was refused
    as its way back ("'orange' is what thing-colour answers": it stores carrot -> orange)."""
    pairs = "sky blue\ngrass green\nblood red\nsnow white\ncoal black\ncarrot orange\nbanana yellow\nleaf green\n"
    assert _imported(own_db, tmp_path / "thing_colour.txt", pairs, "thing-colour").returncode == 0
    assert run("--db", own_db, "add", "thing-colour", "--key", "what colour is {word}").exit_code == 0
    out = _json_query(own_db, "what colour is an orange")
    assert out["mode"] != "none" and out["programs"][0]["name"] == "thing-colour" and out["inputs"] == ["orange"], out
    out = _json_query(own_db, "what colour is a carrot")
    assert out["outputs"][0]["answer"] == "orange", out
    # a slip of a word of the user's own key is read as that word, as the library's are ("colur" was read
    # as co- + "lur", a prefixed word the word space lacks, and the request refused)
    out = _json_query(own_db, "whats the colur of a bananna")
    assert out["outputs"][0]["answer"] == "yellow" and "colur -> colour" in out["message"], out


def test_a_librarians_two_pair_program_asked_in_her_words(own_db):
    """A librarian's two-pair nicknames (Robert -> Bob, William -> Bill; key "nickname for {word}"):
    "nick name for Robert" was refused with "'Robert' is unlike the inputs it stores (fit 0.92)" (the
    key word typed as two, the fit blamed though it was high) and no key to add."""
    assert run("--db", own_db, "add", "nicknames", "--key", "nickname for {word}", "--example", "Robert", "Bob",
               "--example", "William", "Bill").exit_code == 0
    out = _json_query(own_db, "nick name for Robert")
    assert out["outputs"][0]["answer"] == "Bob" and "nick name -> nickname" in out["message"], out
    out = _json_query(own_db, "could you tell me the nickname for William please")
    assert out["outputs"][0]["answer"] == "Bill", out


def test_a_product_managers_templates_route_requests_not_their_words(own_db):
    """A product manager's prompt templates: "schedule a meeting with dana for thursday 3pm" compiled
    their meeting-summary (its key "meeting summary" matched 0.62 through "meeting"), and "what's new
    text for the app store: faster sync, bug fixes" their bug-severity (a key "bug fixes" cut from the
    tail of the text after the colon)."""
    for name, keys, pair in (
            ("meeting-summary", ["summarise this meeting: {text}", "meeting summary: {text}"],
             ("Ana: ship Friday. Bo: QA owner.", "- Ship Friday\n- QA: Bo")),
            ("bug-severity", ["bug severity: {text}", "how severe is this bug: {text}"],
             ("Checkout down for all users", "P0")),
            ("release-note", ["draft a release note for: {text}", "write release notes for {text}"],
             ("dark mode; fix tz bug", "You can now switch to dark mode, and a time-zone bug is fixed."))):
        options = [o for k in keys for o in ("--key", k)]
        assert run("--db", own_db, "add", name, "--kind", "fewshot", *options, "--example", *pair).exit_code == 0
    for prompt in ("schedule a meeting with dana for thursday 3pm",
                   "what's new text for the app store: faster sync, bug fixes"):
        out = _json_query(own_db, prompt)
        assert out["mode"] == "none" or out["programs"][0]["name"] == "release-note", (prompt, out["programs"])
    out = _json_query(own_db, "summarise this meeting: Ana ships Friday; Bo owns QA")
    assert out["programs"][0]["name"] == "meeting-summary" and out["inputs"] == ["Ana ships Friday; Bo owns QA"], out
    out = _json_query(own_db, "how severe is this bug: checkout fails, bug fixes pending")
    assert out["programs"][0]["name"] == "bug-severity", out
    # a text ending on a quoted word keeps its closing quote (a developer's ticket lost it: "… of 'annual")
    out = _json_query(own_db, "how severe is this bug - typo on the pricing page, says 'anual' instead of 'annual'")
    assert out["inputs"] == ["typo on the pricing page, says 'anual' instead of 'annual'"], out["inputs"]


def test_a_code_in_capitals_is_no_slip_of_another_code(own_db, tmp_path):
    """An SRE's signal table: "SIGABRT signal number?" was read as the stored SIGALRM and answered 14,
    stored and sure (SIGTSTP as SIGSTOP, SIGIOT as SIGINT): another letter in a code is another code."""
    signals = "SIGHUP\t1\nSIGINT\t2\nSIGKILL\t9\nSIGTERM\t15\nSIGALRM\t14\nSIGSTOP\t19\nSIGSEGV\t11\nSIGUSR1\t10\n"
    assert _imported(own_db, tmp_path / "signals.tsv", signals, "signal-number").returncode == 0
    assert run("--db", own_db, "add", "signal-number", "--key", "{word} signal number").exit_code == 0
    for prompt, read_as in (("SIGABRT signal number?", "SIGALRM"), ("SIGTSTP signal number", "SIGSTOP"),
                            ("SIGIOT signal number", "SIGINT")):
        out = _json_query(own_db, prompt)
        assert f"-> {read_as}" not in out["message"] and out["inputs"] == [prompt.split()[0]] and \
            not any(o.get("sure") for o in out.get("outputs", [])), (prompt, out)
    out = _json_query(own_db, "SIGKIL signal number")  # (a letter dropped is still a slip)
    assert out["outputs"][0]["answer"] == "9" and "SIGKIL -> SIGKILL" in out["message"], out


def test_fit_reads_json_lines_and_labels_written_with_underscores(own_db, tmp_path):
    """A data scientist's intents.jsonl ({"text", "intent"}, as the server's fit takes them) was "line 2:
    not valid JSON" (read as CLINC's one object), and the label order_status "has no program" beside
    their order-status."""
    for name, keys in (("order-status", ["where is my order", "track my order", "has my package shipped yet"]),
                       ("refund-request", ["i want a refund", "refund my last purchase please"])):
        assert run("--db", own_db, "add", name, "--kind", "intent", *[o for k in keys for o in ("--key", k)]).exit_code == 0
    labelled = tmp_path / "intents.jsonl"
    labelled.write_text('{"text": "where is my parcel", "intent": "order_status"}\n'
                        '{"text": "money back for my last order please", "intent": "refund_request"}\n'
                        '{"text": "what is the weather in paris", "intent": "oos"}\n', encoding="utf-8")
    r = run("--db", own_db, "fit", str(labelled))  # (CLINC's "oos" label, as a banking router wrote it, is null's)
    assert r.exit_code == 0 and "n 3 n_out_of_scope 1" in r.output, r.output
    # (their "threshold 0.6" beside show --calibration's 0.65 was read as a contradiction)
    assert "threshold 0.6 is your programs' own (threshold_of lists them); the library keeps 0.65" in r.output, r.output
    labelled.write_text('{"text": "refund pls", "intent": "refund_requst"}\n', encoding="utf-8")
    r = run("--db", own_db, "fit", str(labelled))
    assert r.exit_code == 2 and "intent 'refund_requst' has no program 'refund_requst' in this database; did you mean " \
        "'refund-request'?" in r.output, r.output
    # a refusal near their ticket-priority offered "priority {text} class" as a key (a text amid a phrasing)
    examples = [("The whole site is down and nobody can log in", "high"), ("I was charged twice for my order", "high"),
                ("Can you change the color of my invoice template?", "low"),
                ("How do I add a second user to my account", "medium"), ("Is there a dark mode?", "low"),
                ("My discount code did not apply at checkout", "medium")]
    assert run("--db", own_db, "add", "ticket-priority", "--kind", "fewshot", "-d", "Classify a customer support ticket "
               "as high, medium or low priority.", "--key", "priority of this ticket: {text}", "--key",
               "triage this: {text}", *[o for pair in examples for o in ("--example", *pair)]).exit_code == 0
    out = _json_query(own_db, "priority mail vs first class")
    assert out["mode"] == "none" and "{text} class" not in out["message"], out["message"]
    # `eval prompts` on their own prompts file ("expect", "input") scored right answers 0, unsaid
    mine = tmp_path / "prompts.jsonl"
    mine.write_text('{"prompt": "plural of goose", "expect": ["geese"], "program": "plural", "input": "goose"}\n',
                    encoding="utf-8")
    r = run("--db", own_db, "eval", "prompts", str(mine))
    assert r.exit_code == 2 and "line 1: field 'expect': did you mean 'answers'?" in r.output, r.output
    mine.write_text('{"prompt": "plural of goose", "answers": [["geese"]], "program": "plural", "inputs": ["goose"], '
                    '"near_miss": false}\n', encoding="utf-8")
    assert run("--db", own_db, "eval", "prompts", str(mine)).exit_code == 0


def test_an_excel_csv_saved_on_windows_is_read_with_its_accents(own_db, tmp_path):
    # Excel's "CSV (Comma delimited)" on Windows writes Windows-1252: every accented line was rejected
    # as "not UTF-8 text", and the import stored nothing
    sheet = tmp_path / "french-words.csv"
    sheet.write_bytes("english,french\ncoffee,café\nnaive,naïve\nbread,pain\n".encode("cp1252"))
    result = subprocess.run([PROGDB, "--db", own_db, "import", str(sheet)], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert "3 added" in result.stdout, result.stdout
    assert "is not UTF-8: its accented lines (line 2: 'coffee,café') are read as Windows-1252" in result.stderr
    shown = subprocess.run([PROGDB, "--db", own_db, "show", "french-words"], capture_output=True, text=True).stdout
    assert "coffee  ->  café" in shown and "naive  ->  naïve" in shown, shown
    # a UTF-8 file says nothing of it
    utf8 = tmp_path / "more-words.csv"
    utf8.write_text("english,french\ntea,thé\n", encoding="utf-8")
    result = subprocess.run([PROGDB, "--db", own_db, "import", str(utf8)], capture_output=True, text=True)
    assert result.returncode == 0 and "Windows-1252" not in result.stderr, result.stderr


def test_importing_a_mistyped_file_name_makes_no_database(tmp_path):
    result = subprocess.run([PROGDB, "--db", str(tmp_path / "db"), "import", str(tmp_path / "wrods.csv")],
                            capture_output=True, text=True)
    assert result.returncode == 2
    assert result.stderr.strip().endswith("wrods.csv: no such file or folder"), result.stderr
    assert not (tmp_path / "db").exists()  # (a new, seeded database was left behind the typo)


def test_an_option_given_as_the_db_path_is_an_error_not_a_database(tmp_path):
    # a journalist typed "progdb --db --db mps.db query …" and got a new database named "--db"
    result = subprocess.run([PROGDB, "--db", "--db", str(tmp_path / "db"), "list"], capture_output=True, text=True,
                            cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr.strip().endswith("Error: --db needs a path, not the option '--db'"), result.stderr
    assert list(tmp_path.iterdir()) == []


def test_a_threshold_set_by_hand_keeps_the_others_and_goes_with_its_program(own_db):
    # a crossword setter set one program's threshold and the fit's two others were dropped, unsaid, to
    # the library's 0.65; a removed program's threshold stayed in show --calibration
    for name in ("clue-abbrevs", "homophones"):
        assert run("--db", own_db, "add", name, "--example", "sailor", "AB", "--example", "river", "R").exit_code == 0
    assert run("--db", own_db, "fit", "--set", 'program_thresholds={"clue-abbrevs": 0.7, "homophones": 0.75}').exit_code == 0
    result = run("--db", own_db, "fit", "--set", 'program_thresholds={"clue-abbrevs": 0.72}')
    assert result.exit_code == 0, result.output
    assert "program_thresholds clue-abbrevs 0.72, homophones 0.75 (your programs' own; the library keeps 0.65)" \
        in result.output
    assert run("--db", own_db, "remove", "homophones", "--yes").exit_code == 0
    shown = run("--db", own_db, "show", "--calibration").output
    assert 'program_thresholds: {"clue-abbrevs": 0.72}' in shown, shown


def test_a_flashcard_apps_export_is_read_with_its_header_and_meanings(own_db, tmp_path):
    # a student's phone app exports front,back,tags: the header was stored as the pair front -> back, and
    # "estantería; librero" as one answer
    cards = tmp_path / "notebook.csv"
    cards.write_text('front,back,tags\nbookshelf,"estantería; librero",casa\nfolder,carpeta,oficina\n', encoding="utf-8")
    result = run("--db", own_db, "import", str(cards), "--program", "vocab")
    assert result.exit_code == 0, result.output
    assert "3 added" in result.output and "left out" not in result.output, result.output
    shown = run("--db", own_db, "show", "vocab").output
    assert "bookshelf  ->  estantería\n" in shown and "bookshelf  ->  librero\n" in shown, shown
    assert "front" not in shown, shown
    # a header in the learner's own language: palabra -> significado was stored as a pair
    spanish = tmp_path / "cuaderno.csv"
    spanish.write_text("palabra;significado;tema\nbeach;playa;viajes\nriver;río;naturaleza\n", encoding="utf-8")
    result = run("--db", own_db, "import", str(spanish), "--program", "vocab")
    assert result.exit_code == 0 and "2 added" in result.output, result.output
    assert "palabra" not in run("--db", own_db, "show", "vocab").output


def _crossword_db(own_db):
    """A crossword setter's three programs, from their own files, with their keys."""
    data = Path(__file__).with_name("data") / "crossword"
    for name, ext in (("clue-abbrevs", "json"), ("homophones", "txt"), ("misdirection", "txt")):
        result = run("--db", own_db, "import", str(data / f"{name}.{ext}"), "--program", name)
        assert result.exit_code == 0, result.output
    keys = {"clue-abbrevs": ["crossword abbreviation for {word}", "abbreviation for {word} in clues"],
            "homophones": ["homophone of {word}", "sounds like {word}"],
            "misdirection": ["cryptic meaning of {word}", "what does {word} mean in a crossword"]}
    for name, ks in keys.items():
        assert run("--db", own_db, "add", name, *[a for k in ks for a in ("--key", k)]).exit_code == 0
    return data


def test_a_fit_on_a_few_prompts_keeps_the_setters_own_requests(own_db):
    # six out-of-scope prompts put the setter's threshold at 0.80, and "crossword abbrev for sailor" (0.78),
    # answered before the fit, was refused after it; a teacher's six did the same
    data = _crossword_db(own_db)
    result = subprocess.run([PROGDB, "--db", own_db, "fit", str(data / "fit.jsonl")], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    threshold = float(re.search(r"^router similarity threshold ([\d.]+)", result.stdout).group(1))
    alone = float(re.search(r"your 6 out-of-scope prompts alone put it at ([\d.]+), drawn toward 0.6 for so few",
                            result.stdout).group(1))
    assert 0.6 < threshold < 0.7 < alone, result.stdout
    sailor = _json_query(own_db, "crossword abbrev for sailor")
    assert sailor["programs"][0]["name"] == "clue-abbrevs" and sailor["outputs"][0]["answers"] == ["AB", "TAR", "OS"]
    for oos in ("best dictionary for crosswords?", "list of homophone indicators?"):
        assert _json_query(own_db, oos)["mode"] == "none", oos


def test_a_setters_abbreviations_are_no_categories(own_db):
    # 25 abbreviations with 41 answers were read as categories: "nothing" was given C?, the category of
    # "about", though the import had said the program answers only what it stores
    data = Path(__file__).with_name("data") / "crossword"
    result = subprocess.run([PROGDB, "--db", own_db, "import", str(data / "clue-abbrevs.json"), "--program",
                             "clue-abbrevs"], capture_output=True, text=True)
    assert "so it answers only the inputs it stores" in result.stderr, result.stderr
    out = _json_query(own_db, "clue abbrevs for nothing")
    assert out["mode"] == "none" and "its best guess for 'nothing' is too unsure to give" in out["message"], out


@pytest.mark.parametrize("prompt", ["who handles billing disputes", "who deals with chargebacks",
                                    "tell me a joke en español", "can you tell me a story in german",
                                    "tell me a story about a baby elephant"])
def test_a_question_about_someone_or_a_thing_to_make_is_refused(own_db, prompt):
    # a support lead's agents were answered "handler", sure (agent-noun's "someone who {word} is called"
    # matched by the one word "who"); a student's joke was translated, "broma", sure
    out = _json_query(own_db, prompt)
    assert out["mode"] == "none", out


def test_a_capital_asked_backwards_is_not_a_teachers_continents(own_db):
    # "nairobi" was read as Kenya (country-capital's pair) and the teacher's country-continent, at 0.55
    # beside country-capital's 0.89, answered Africa, sure, "yours is the one meant when nearly as close"
    pairs = [("Kenya", "Africa"), ("Peru", "South America"), ("France", "Europe"), ("Japan", "Asia"),
             ("Egypt", "Africa"), ("Chile", "South America")]
    assert run("--db", own_db, "add", "country-continent", *[a for p in pairs for a in ("--example", *p)],
               "--key", "which continent is {word} in").exit_code == 0
    out = _json_query(own_db, "which country has nairobi as its capital")
    assert out["mode"] == "none" and "it stores Kenya -> Nairobi" in out["message"], out
    assert _json_query(own_db, "which continent is Kenya in")["outputs"][0]["answer"] == "Africa"


def test_a_setters_lists_with_dashes_and_a_stray_line(own_db, tmp_path):
    # "flower - river" lines "cannot tell the format", even with --format arrows; a three-word line among
    # two-word pairs made the whole file "cannot tell the format", with no line named
    dashed = tmp_path / "misdirection.txt"
    dashed.write_text("# cryptic misdirection - word - what it means in a clue\nflower - river\nbanker - river\n"
                      "number - anaesthetic\nbutter - goat\n")
    result = run("--db", own_db, "import", str(dashed))
    assert result.exit_code == 0 and "4 added" in result.output, result.output
    assert "banker  ->  river" in run("--db", own_db, "show", "misdirection").output
    stray = tmp_path / "homophones.txt"
    stray.write_text("flour flower\nknight night\nto too two\nrain reign\nmail male\n")
    result = run("--db", own_db, "import", str(stray))
    assert result.exit_code == 2 and f"{stray}, line 3: expected 'input -> output'" in result.output, result.output
    assert "or two words" in result.output
    assert "4 added" in run("--db", own_db, "import", str(stray), "--skip-bad", "--rejects",
                            str(tmp_path / "bad.jsonl")).output


def test_a_classifiers_compiled_prompt_shows_each_of_its_labels(own_db):
    # a support lead's urgency program: the nearest four demonstrations were high, high, medium, medium,
    # and the LLM never saw "low"
    tickets = [("Site is down for all users since 9am, nobody can log in", "high"),
               ("Payment page throws error 500 for every customer", "high"),
               ("Checkout fails for everyone paying by card", "high"),
               ("My order arrived damaged, I need a replacement before the weekend", "medium"),
               ("The export to CSV is slow for large accounts", "medium"),
               ("Refund has not arrived after ten days", "medium"),
               ("Can you change the font on my invoice PDF?", "low"),
               ("Please add a dark mode some day", "low"),
               ("Typo on the about page", "low")]
    result = run("--db", own_db, "add", "ticket-urgency", "--kind", "fewshot",
                 "--description", "Classify a support ticket's urgency as high, medium or low.",
                 "--key", "how urgent is this ticket: {text}", *[a for t in tickets for a in ("--example", *t)])
    assert result.exit_code == 0, result.output
    out = _json_query(own_db, "how urgent is this ticket: checkout broken for paypal users only")
    shown = [e["output"] for e in out["compiled"][0]["examples"]]
    assert len(shown) == 4 and set(shown) == {"high", "medium", "low"}, shown


def test_a_sentence_to_translate_is_the_users_program_of_sentences(own_db):
    # a support lead's canned replies in Spanish (sentences): "translate to spanish: <a new macro>" went to
    # english-spanish, whose pairs are words (its input fit 0.75, the lead's 1.00)
    data = Path(__file__).with_name("data") / "support"
    result = run("--db", own_db, "import", str(data / "canned-reply-es.tsv"))
    assert result.exit_code == 0, result.output
    assert run("--db", own_db, "add", "canned-reply-es", "--key", "translate this canned reply to spanish: {text}",
               "--key", "spanish version of this macro: {text}").exit_code == 0
    out = _json_query(own_db, "translate to spanish: We will call you tomorrow morning.")
    assert out["programs"][0]["name"] == "canned-reply-es", out["message"]
    assert "the input fits yours better" in out["message"], out["message"]
    word = _json_query(own_db, "translate to spanish: butterfly")
    assert word["programs"][0]["name"] == "english-spanish" and word["outputs"][0]["answer"] == "mariposa"


def test_a_learners_notebook_asked_in_her_words(own_db):
    # a student's flashcards, English -> Spanish, with her keys: "what does succeed mean in spanish" read
    # 'mean' (the key "{word} in spanish", "what does succeed" dropped as talk); "what is carpeta in
    # english" compiled English -> Spanish for carpeta, which she stores as folder's answer; a grammar
    # question went to her list, "what's the gender of in spanish"
    data = Path(__file__).with_name("data") / "learner"
    assert run("--db", own_db, "import", str(data / "notebook.csv"), "--program", "vocab").exit_code == 0
    assert run("--db", own_db, "add", "vocab", "--key", "what does {word} mean in spanish", "--key", "{word} in spanish",
               "--key", "my vocab: {word}").exit_code == 0
    out = _json_query(own_db, "what does succeed mean in spanish")
    assert out["inputs"] == ["succeed"], (out["inputs"], out["message"])
    back = _json_query(own_db, "what is carpeta in english")
    assert back["mode"] == "none" and "it stores folder -> carpeta" in back["message"], back
    assert _json_query(own_db, "what's the gender of mesa in spanish")["mode"] == "none"
    assert _json_query(own_db, "what does bookshelf mean in spanish")["outputs"][0]["answers"] == ["estantería", "librero"]
    # a verb she lists with its "to" is asked without it
    assert _json_query(own_db, "achieve in spanish")["outputs"][0]["answer"] == "lograr, alcanzar"
    # an analogy the other way round: english-spanish stores kitchen -> cocina too, but only her list stores
    # carpeta as an answer ("butterfly -> olympic?" was her analogy's answer)
    analogy = _json_query(own_db, "cocina is to kitchen as carpeta is to ?")
    assert analogy["programs"][0]["name"] == "vocab" and analogy["outputs"][0]["answer"] == "folder", analogy["message"]


def test_explain_marks_an_input_cut_from_the_middle_of_a_request(own_db):
    # a teacher read "via key … ~ 'the is the currency of which country'" as a broken key
    shown = run("--db", own_db, "query", "--explain", "the yen is the currency of which country").output
    assert "~ 'the is the currency of which country' (read as 'the {yen} is the currency of which country')" in shown, \
        shown
    assert "(read as" not in run("--db", own_db, "query", "--explain", "what is the currency of japan").output


def test_a_banks_intents_take_what_the_library_left_out_of_scope(own_db):
    # a banking router's transfer_money ("transfer $100 to my savings") was refused for "transfer 300 to
    # savings": the library's out-of-scope "transfer 200 dollars to savings" was nearer (0.83 against 0.826)
    data = Path(__file__).with_name("data") / "banking"
    assert run("--db", own_db, "import", str(data / "intents_clinc.json"), "--format", "clinc").exit_code == 0
    for prompt, intent in (("transfer 300 to savings", "transfer_money"),
                           ("move 200 from checking to savings", "transfer_money")):
        out = _json_query(own_db, prompt)
        assert out["mode"] != "none" and out["programs"][0]["name"] == intent, (prompt, out["message"])
    assert _json_query(own_db, "what is the weather tomorrow")["mode"] == "none"


def test_a_journalists_small_tables_invent_no_fact(own_db):
    # ten MPs by party: "what party is tony blair in" was given *Liberal Democrat?* by the category of the
    # nearest stored name, which finds 2 of 10 (the commonest party alone finds 4); "what's the population of
    # india" was population-rank's 1, sure, its key "population rank of {word}" matched at 0.69
    mps = [("Keir Starmer", "Labour"), ("Rishi Sunak", "Conservative"), ("Ed Davey", "Liberal Democrat"),
           ("Nigel Farage", "Reform UK"), ("Rachel Reeves", "Labour"), ("Kemi Badenoch", "Conservative"),
           ("Angela Rayner", "Labour"), ("Jeremy Hunt", "Conservative"), ("Stephen Flynn", "SNP"),
           ("Yvette Cooper", "Labour"), ("James Cleverly", "Conservative"), ("Carla Denyer", "Green")]
    assert run("--db", own_db, "add", "mp-party", *[a for p in mps for a in ("--example", *p)],
               "--key", "what party is {word} in").exit_code == 0
    out = _json_query(own_db, "what party is tony blair in")
    assert out["mode"] == "none" or not out["outputs"][0]["answer"], out
    ranks = [("India", "1"), ("China", "2"), ("United States", "3"), ("Indonesia", "4"), ("Pakistan", "5")]
    assert run("--db", own_db, "add", "population-rank", *[a for p in ranks for a in ("--example", *p)],
               "--key", "population rank of {word}").exit_code == 0
    refused = _json_query(own_db, "what's the population of india")
    assert refused["mode"] == "none" and "never says its 'rank'" in refused["message"], refused["message"]
    assert _json_query(own_db, "population rank of india")["outputs"][0]["answer"] == "1"


def test_a_childs_doubled_letter_is_read_as_the_stored_word(own_db):
    # "grown up word for bigg" guessed *mitu?*: "bigg" is in the word space (rank 86k), so no typo of the
    # stored big
    pairs = [("big", "enormous"), ("small", "tiny"), ("happy", "delighted"), ("sad", "miserable")]
    assert run("--db", own_db, "add", "grown-up-words", *[a for p in pairs for a in ("--example", *p)],
               "--key", "grown up word for {word}").exit_code == 0
    out = _json_query(own_db, "grown up word for bigg")
    assert out["corrections"] == ["bigg -> big"] and out["outputs"][0]["answer"] == "enormous", out


def test_a_teachers_rhymes_asked_by_her_own_key_read_the_other_way(own_db):
    # "what rhymes with hat" was refused: 'hat' is what rhymes answers (cat -> hat); a setter's homophones
    # likewise. Asked by the program's own key, the pair is read backwards, marked not sure; asked otherwise,
    # still refused with the pair
    pairs = [("cat", "hat"), ("dog", "log"), ("bee", "tree"), ("moon", "spoon")]
    assert run("--db", own_db, "add", "rhymes", *[a for p in pairs for a in ("--example", *p)],
               "--key", "what rhymes with {word}").exit_code == 0
    out = _json_query(own_db, "what rhymes with hat")
    assert out["outputs"][0]["answer"] == "cat" and out["outputs"][0]["sure"] is False, out
    assert "read the other way" in out["message"], out["message"]
    assert _json_query(own_db, "what rhymes with cat")["outputs"][0]["sure"] is True
    assert _json_query(own_db, "hat rhymes with what")["mode"] == "none"


# -- a localisation engineer, a pharmacy technician, a linguist and an HR coordinator (2026-12-05) --------------

def _glossaries(own_db) -> None:
    """A game studio's German glossary (a translation tool's TSV) and French strings (a JSON map), with
    the keys the engineer gave them."""
    data = Path(__file__).with_name("data") / "localisation"
    for name, file, lang in (("ui-terms-de", "glossary_en-de.tsv", "german"), ("ui-terms-fr", "strings_fr.json", "french")):
        assert run("--db", own_db, "import", str(data / file), "--program", name).exit_code == 0
        keys = [f"{lang} for {{text}}", f"what is {{text}} in {lang}", f"how do you say {{text}} in {lang}"]
        assert run("--db", own_db, "add", name, *[a for k in keys for a in ("--key", k)]).exit_code == 0


def test_a_status_question_is_no_translation_request(own_db):
    # "is our french translation finished yet" was english-french's *terminé*, sure; a pharmacist's "does
    # generic advil work as well as the brand" their brand-generic's *ibuprofen*, sure, and still after a fit;
    # "who translated the french menus" compiled english-french for "menus"
    data = Path(__file__).with_name("data") / "pharmacy"
    assert run("--db", own_db, "import", str(data / "brand_generic.csv"), "--program", "brand-generic").exit_code == 0
    for prompt, asks in (("is our french translation finished yet", "whether something is so"),
                         ("is the german translation done", "whether something is so"),
                         ("does generic advil work as well as the brand", "whether something is so|words of its name, apart"),
                         ("is generic tylenol as good as the brand", "whether something is so"),
                         ("who translated the french menus", "who did something")):
        out = _json_query(own_db, prompt)  # (or, as well, the words of brand-generic's name apart)
        assert out["mode"] == "none" and any(f"the prompt asks {a}" in out["message"] or a in out["message"]
                                             for a in asks.split("|")), (prompt, out["message"])
    # a question put to the one asked is a request; so is the user's own key asked word for word
    assert _json_query(own_db, "is there a generic for advil")["outputs"][0]["answer"] == "ibuprofen"
    assert _json_query(own_db, "do you know the plural of mouse")["outputs"][0]["answer"] == "mice"
    assert run("--db", own_db, "add", "noun-check", "--kind", "fewshot", "--key", "is {word} a noun",
               "--example", "cat", "yes", "--example", "run", "no").exit_code == 0
    assert _json_query(own_db, "is cat a noun")["outputs"][0]["answer"] == "yes"
    # (an intent is a question about something: "is the front door locked" still routes, as test_…intents has it)


def test_a_glossary_takes_its_own_words_from_the_library_translators(own_db):
    # "translate 'Continue' to german" was the library's lower-case *fortsetzen*, though the glossary's keys say
    # "german" too and it stores Continue; "what's the french for Options menu" was cut to the stored Options
    # (sure); "de translation of 'Back'" was ui-terms-fr's Retour (its key came nearer, 0.55 against 0.53)
    _glossaries(own_db)
    out = _json_query(own_db, "translate 'Continue' to german")
    assert out["programs"][0]["name"] == "ui-terms-de" and out["outputs"][0]["answer"] == "Fortsetzen", out
    menu = _json_query(own_db, "what's the french for Options menu")
    assert menu["inputs"] == ["Options menu"] and menu["outputs"][0]["source"] == "compiled", menu["inputs"]
    assert _json_query(own_db, "french for Options")["outputs"][0]["answer"] == "Options"
    back = _json_query(own_db, "de translation of 'Back'")
    assert back["programs"][0]["name"] == "ui-terms-de" and back["outputs"][0]["answer"] == "Zurück", back["programs"]
    # the library still translates what the glossary does not store
    assert _json_query(own_db, "translate to german: cat")["outputs"][0]["answer"] == "Katze"


def test_a_pharmacists_exports_read_as_kept(own_db, tmp_path):
    # a title line over " - " lines was stored as a pair ("Element symbols -> chem tutoring"); a header alone
    # ("Brand Name,Generic Name") was one pair; "Allegra®" from an Excel export was found only typed with its ®;
    # "generic for Lipitor 20mg" was refused ("'Lipitor 20mg' does not look like any of its inputs")
    data = Path(__file__).with_name("data") / "pharmacy"
    result = subprocess.run([PROGDB, "--db", own_db, "import", str(data / "elements.txt"), "--program", "element-symbol"],
                            capture_output=True, text=True)
    assert result.returncode == 0 and "the first line 'Element symbols - chem tutoring' is read as the list's title" \
        in result.stderr and result.stdout.startswith("22 added"), (result.stdout, result.stderr)
    # ...and read the other way round: symbol -> element
    assert run("--db", own_db, "import", str(data / "elements.txt"), "--program", "symbol-element",
               "--columns", "2,1").exit_code == 0
    assert "  Na  ->  Sodium" in run("--db", own_db, "show", "symbol-element").output
    result = run("--db", own_db, "import", str(data / "header_only.csv"), "--program", "brand-generic")
    assert result.exit_code == 2 and "header_only.csv: no pairs (only a header)" in result.output, result.output
    assert run("--db", own_db, "import", str(data / "more-brands-excel.csv"), "--program", "brand-generic").exit_code == 0
    assert run("--db", own_db, "add", "brand-generic", "--key", "generic for {word}").exit_code == 0
    for prompt, answer, note in (("generic for allegra", "fexofenadine", ["allegra -> Allegra®"]),
                                 ("generic for claritin d", "loratadine/pseudoephedrine", ["claritin d -> Claritin-D®"])):
        out = _json_query(own_db, prompt)
        assert out["outputs"][0]["answer"] == answer and out["corrections"] == note, (prompt, out["outputs"], out["corrections"])
    assert run("--db", own_db, "import", str(data / "brand_generic.csv"), "--program", "brand-generic").exit_code == 0
    for prompt, answer in (("generic for Lipitor 20mg", "atorvastatin"), ("generic for zoloft 50 mg", "sertraline")):
        out = _json_query(own_db, prompt)
        assert out["mode"] != "none" and out["outputs"][0]["answer"] == answer, (prompt, out["message"])


def test_an_arrow_with_nothing_after_it_is_a_bad_row(tmp_path):
    # "donkey ->" was stored with the answer "->" (and, first in a file, read as its title)
    data = Path(__file__).with_name("data") / "linguist"
    db = str(tmp_path / "db")
    rejects = tmp_path / "bad.jsonl"
    result = run("--db", db, "--no-seed", "import", str(data / "bad_sounds.txt"), "--program", "animal-sound",
                 "--skip-bad", "--rejects", str(rejects))
    assert result.exit_code == 0 and "2 added" in result.output and "2 rejected" in result.output, result.output
    bad = [json.loads(line) for line in rejects.read_text().splitlines()]
    assert [(b["line"], b["reason"]) for b in bad][-1] == (4, "nothing after its '->'"), bad
    owl = tmp_path / "owl.txt"
    owl.write_text("owl -> \ncat -> meow\ndog -> woof\n", encoding="utf-8")
    result = run("--db", db, "--no-seed", "import", str(owl), "--program", "animal-sound", "--skip-bad",
                 "--rejects", str(tmp_path / "rejects.jsonl"))
    assert result.exit_code == 0 and "2 added" in result.output and "1 rejected" in result.output, result.output
    assert "->  ->" not in run("--db", db, "show", "animal-sound").output


def test_a_person_who_recruits_is_a_recruiter(seeded_path):
    # agent-noun stored recruit -> recruit first (WordNet's noun recruit, one recruited), and answered it, sure
    out = _json_query(seeded_path, "what do you call a person who recruits")
    assert out["outputs"][0]["answer"] == "recruiter", out["outputs"]
    assert _json_query(seeded_path, "a person who cooks")["outputs"][0]["answer"] == "cook"  # (no cooker)


def test_json_says_a_failed_prompt_on_stdout(seeded_path):
    # query --json of an in-context prompt outside the word space printed nothing on stdout (an error line only)
    r = subprocess.run([PROGDB, "--db", seeded_path, "query", "--json", "hund: hündchen, haus: häuschen, baum:"],
                       capture_output=True, text=True)
    assert r.returncode == 2
    out = json.loads(r.stdout)
    assert out["prompt"] == "hund: hündchen, haus: häuschen, baum:" and "not in the word space" in out["error"], out


def test_an_hr_coordinators_two_questions_and_titles(own_db):
    # "what does PTO stand for and which dept is a recruiter in" was refused (the other order answered both);
    # "which dept does the paralegal sit in" read "paralegal sit" (Legal?, not sure), Paralegal being stored
    data = Path(__file__).with_name("data") / "hr"
    assert run("--db", own_db, "import", str(data / "job-titles.csv"), "--program", "job-dept").exit_code == 0
    assert run("--db", own_db, "import", str(data / "abbreviations.csv"), "--program", "hr-abbrev").exit_code == 0
    for name, keys in (("job-dept", ["which department is a {word} in", "what dept is {word} in", "department for {word}"]),
                       ("hr-abbrev", ["what does {word} stand for", "what does {word} mean", "expand {word}"])):
        assert run("--db", own_db, "add", name, *[a for k in keys for a in ("--key", k)]).exit_code == 0
    out = _json_query(own_db, "what does PTO stand for and which dept is a recruiter in")
    answers = [out["outputs"][0]["answer"]] + [a["outputs"][0]["answer"] for a in out["also"]]
    assert answers == ["paid time off", "HR"], (out["message"], answers)
    out = _json_query(own_db, "which dept does the paralegal sit in")
    assert out["inputs"] == ["paralegal"] and out["outputs"][0]["answer"] == "Legal" and out["outputs"][0]["sure"], out


def test_a_fit_learns_no_phrasing_of_question_words_alone(own_db, tmp_path):
    # "whats PTO" taught hr-abbrev the phrasing "whats", which every "whats …" matched at 1.00; a bartender's
    # "whats in a paloma", then learned whole, answered no drink ("names 'spirit' but gives it no input")
    data = Path(__file__).with_name("data") / "hr"
    assert run("--db", own_db, "import", str(data / "abbreviations.csv"), "--program", "hr-abbrev").exit_code == 0
    assert run("--db", own_db, "add", "spirit", "--key", "base spirit of a {word}", "--example", "Margarita", "Tequila",
               "--example", "Mojito", "White Rum", "--example", "Paloma", "Tequila").exit_code == 0
    labelled = tmp_path / "colleagues.jsonl"
    labelled.write_text('{"text": "whats PTO", "intent": "hr-abbrev"}\n'
                        '{"text": "what does OKR stand for", "intent": "hr-abbrev"}\n'
                        '{"text": "whats in a negroni", "intent": "spirit"}\n'
                        '{"text": "whats the weather", "intent": null}\n', encoding="utf-8")
    r = run("--db", own_db, "fit", str(labelled))
    assert r.exit_code == 0 and "not learned as phrasings (2: question words and an input, nothing of a request's " \
        "own): 'whats PTO'; 'whats in a negroni'" in r.output, r.output
    from progdb.db import ProgramDB
    db = ProgramDB(path=own_db)
    labels, texts, _ = db.store.labelled_with_vectors()
    mine = {t.lower() for label, t in zip(labels, texts) if label in ("hr-abbrev", "spirit")}
    assert mine and not mine & {"whats", "whats pto", "whats in a negroni", "whats in a"}, mine
    assert _json_query(own_db, "whats a good lunch spot")["mode"] == "none"


def test_growing_a_stored_program_from_python_says_how(own_db):
    # db.add(name=…, examples=…) of a stored program said "field 'keys': a program needs at least one key"
    from progdb.db import ProgramDB
    from progdb.errors import ProgdbError
    db = ProgramDB(path=own_db)
    with pytest.raises(ProgdbError, match=r"program 'plural' already exists \(add\(\.\.\., grow=True\)"):
        db.add(name="plural", examples=[("cactus", "cacti")])
    assert db.add(name="plural", examples=[("cactus", "cacti")], grow=True).name == "plural"


def test_word_pairs_stored_as_texts_say_so(tmp_path):
    # a linguist's diminutives became a program of texts, unsaid: every word it did not store printed a prompt
    data = Path(__file__).with_name("data") / "linguist"
    r = subprocess.run([PROGDB, "--db", str(tmp_path / "db"), "--no-seed", "import", str(data / "diminutivos.txt"),
                        "--program", "diminutive"], capture_output=True, text=True)
    assert r.returncode == 0
    assert "note: diminutive is a program of texts: " in r.stderr and "a word it does not store is answered by an " \
        "LLM (--llm), without one by the prompt it would send" in r.stderr, r.stderr


# -- a DevOps engineer, a food blogger and a museum educator (2026-12-05, second round) ----------------------

def _ports(own_db) -> Path:
    data = Path(__file__).with_name("data") / "devops"
    assert run("--db", own_db, "import", str(data / "ports.csv"), "--program", "ports").exit_code == 0
    assert run("--db", own_db, "import", str(data / "http_status.tsv"), "--program", "http-status").exit_code == 0
    for name, keys in (("ports", ["port {word}", "svc on {word}", "what runs on port {word}"]),
                       ("http-status", ["http {word}", "status code {word}"])):
        assert run("--db", own_db, "add", name, *[a for k in keys for a in ("--key", k)]).exit_code == 0
    return data


def test_an_engineers_lookups_of_several_numbers_and_actions(own_db):
    # "port 22, 80, 443" answered 22 alone (the later numbers read as a strength of the stored 22), as did
    # "http 404 and 502"; "open port 443 in the firewall" was 443 -> https, sure, exit 0
    _ports(own_db)
    for prompt, answers in (("port 22, 80, 443", ["ssh", "http", "https"]), ("http 404 and 502", ["Not Found", "Bad Gateway"]),
                            ("svc on 6379 and 5432", ["redis", "postgresql"])):
        out = _json_query(own_db, prompt)
        assert [o["answer"] for o in out["outputs"]] == answers, (prompt, out["inputs"])
    for prompt, verb in (("open port 443 in the firewall", "open"), ("close port 6379 on the bastion", "close")):
        out = _json_query(own_db, prompt)
        assert out["mode"] == "none" and f"the request asks to '{verb}', which none of the phrasings of 'ports'" \
            in out["message"], (prompt, out["message"])
    for prompt in ("give me port 22", "show port 22"):  # asked to be told: a lookup
        assert _json_query(own_db, prompt)["outputs"][0]["answer"] == "ssh", prompt


def test_a_map_piped_from_a_script_is_read_as_a_map(own_db):
    # `./gen_runbooks.sh | progdb import - --program runbooks` read the map as JSON lines: "field 'input' is
    # missing … --columns E1001,E1002 reads those two"; a first row's note named stdin's temporary copy
    data = _ports(own_db)
    r = subprocess.run([PROGDB, "--db", own_db, "import", "-", "--program", "runbooks"],
                       input=(data / "runbooks.json").read_text(), capture_output=True, text=True)
    assert r.returncode == 0 and r.stdout.startswith("9 added"), (r.stdout, r.stderr)
    r = subprocess.run([PROGDB, "--db", own_db, "import", "-", "--program", "what-runs"],
                       input=(data / "ports.csv").read_text(), capture_output=True, text=True)
    assert "progdb: <stdin>: the first row 'port,service' is read as column names" in r.stderr, r.stderr
    # a JSON line of its own is still a pair, not a map of "input" and "output"
    r = subprocess.run([PROGDB, "--db", own_db, "import", "-", "--program", "one"],
                       input='{"input": "a", "output": "b"}\n', capture_output=True, text=True)
    assert r.returncode == 0 and "  a  ->  b" in run("--db", own_db, "show", "one").output


def test_a_food_bloggers_two_requests_and_her_own_words(own_db):
    # "plural of tomato and uk word for eggplant" answered tomatoes and "uk -> uks (confidence 0.94)": the second
    # request's one word, "uk", was too short to be a request word; "plural of courgette" read courgette (her
    # us-uk's answer) as a typo of corvette; "add us-uk --example okra okra" noted "0 of its 1 pairs …"
    data = Path(__file__).with_name("data") / "food"
    assert run("--db", own_db, "import", str(data / "us-uk.csv"), "--program", "us-uk").exit_code == 0
    assert run("--db", own_db, "add", "us-uk", "--key", "whats the uk word for {word}", "--key",
               "what do brits call {word}").exit_code == 0
    for prompt in ("plural of tomato and uk word for eggplant", "uk word for eggplant and plural of tomato"):
        out = _json_query(own_db, prompt)
        answers = {out["outputs"][0]["answer"]} | {a["outputs"][0]["answer"] for a in out["also"]}
        assert answers == {"tomatoes", "aubergine"}, (prompt, answers)
    out = _json_query(own_db, "plural of courgette")
    assert out["corrections"] == [] and out["outputs"][0]["answer"] == "courgettes", out["outputs"]
    r = subprocess.run([PROGDB, "--db", own_db, "add", "okra", "--example", "okra", "okra"], capture_output=True, text=True)
    assert r.returncode == 0 and "program of texts" not in r.stderr, r.stderr


def test_a_museum_educators_painters_and_paintings(own_db):
    # "when was the starry night painted" was her painting-painter's Vincent van Gogh, sure (a table of titles kept
    # as texts was not asked "which question" as a word program is); "dali" was no stored Salvador Dalí;
    # "who painted le dejeuner sur lherbe" compiled a prompt whose first example was Le Déjeuner sur l'herbe
    data = Path(__file__).with_name("data") / "museum"
    assert run("--db", own_db, "import", str(data / "paintings.csv"), "--program", "painting-painter").exit_code == 0
    assert run("--db", own_db, "import", str(data / "painters.json"), "--program", "painter-movement",
               "--columns", "painter,movement").exit_code == 0
    assert run("--db", own_db, "add", "painting-painter", "--key", "who painted {text}").exit_code == 0
    assert run("--db", own_db, "add", "painter-movement", "--key", "what movement was {word}").exit_code == 0
    out = _json_query(own_db, "when was the starry night painted")
    assert out["mode"] == "none" and "it asks 'when', which none of its keys asks" in out["message"], out["message"]
    out = _json_query(own_db, "who painted the starry night")  # (its own key's "who" question: asked so)
    assert out["outputs"][0]["answer"] == "Vincent van Gogh", out["message"]
    out = _json_query(own_db, "what movement was dali")
    assert out["corrections"] == ["dali -> Salvador Dalí"] and out["outputs"][0]["answer"] == "Surrealism", out
    for typed, title in (("le dejeuner sur lherbe", "Le Déjeuner sur l'herbe"), ("impression sunrise", "Impression: Sunrise")):
        out = _json_query(own_db, f"who painted {typed}")
        assert out["corrections"] == [f"{typed} -> {title}"] and out["outputs"][0]["source"] == "stored", out


# -- a paralegal and a physics teacher (2026-12-05, third round) -------------------------------------------------

def test_a_physics_teachers_symbols_are_read_in_their_case(own_db):
    # her unit symbols store s, m and K: "what unit is S" was s's *second*, sure (S is the siemens), "k" kelvin
    # (k is kilo), "M" metre (M is mega); her prefixes' 10^-6 and 10^6 were one category to the word space
    data = Path(__file__).with_name("data") / "physics"
    assert run("--db", own_db, "import", str(data / "unit-symbols.csv"), "--program", "unit-symbol").exit_code == 0
    assert run("--db", own_db, "add", "unit-symbol", "--key", "what unit is {word}").exit_code == 0
    for typed, answer in (("s", "second"), ("K", "kelvin"), ("pa", "pascal"), ("Pa", "pascal")):
        out = _json_query(own_db, f"what unit is {typed}")
        assert out["outputs"][0]["answer"] == answer and out["outputs"][0]["source"] == "stored", (typed, out["outputs"])
    for typed in ("S", "k", "M"):
        out = _json_query(own_db, f"what unit is {typed}")
        assert out["mode"] == "none" or out["outputs"][0]["source"] != "stored", (typed, out["outputs"])
    r = subprocess.run([PROGDB, "--db", own_db, "import", str(data / "prefixes.txt"), "--program", "si-prefix"],
                       capture_output=True, text=True)
    assert r.returncode == 0 and "categories" not in r.stderr, r.stderr  # (nine prefixes, nine answers)
    assert "  micro  ->  10^-6" in run("--db", own_db, "show", "si-prefix").output


def test_one_wrong_answer_of_an_input_is_removed_alone(own_db):
    # "remove unit-symbol --input W" asked to remove both W -> watt and the typo W -> wat; the good pair went too
    assert run("--db", own_db, "add", "unit-symbol", "--example", "W", "watt", "--example", "W", "wat",
               "--example", "N", "newton").exit_code == 0
    r = run("--db", own_db, "remove", "unit-symbol", "--input", "W", "--output", "wat", "-y")
    assert r.exit_code == 0 and "removed unit-symbol: W -> wat" in r.output, r.output
    shown = run("--db", own_db, "show", "unit-symbol").output
    assert "  W  ->  watt" in shown and "wat\n" not in shown.replace("watt", ""), shown
    r = run("--db", own_db, "remove", "unit-symbol", "--input", "W", "--output", "volt", "-y")
    assert r.exit_code == 2 and "has no pair W -> volt (its outputs for 'W': watt)" in r.output, r.output


def test_a_key_too_broad_is_removed_alone(own_db):
    # a paralegal's "what is {text}" took "What is the weather in Boston?" and only `add --replace` (their
    # pairs typed again) could take it back
    assert run("--db", own_db, "add", "latin-terms", "--key", "what is {text}", "--key", "what does {text} mean",
               "--example", "pro bono", "for the public good, without charge",
               "--example", "prima facie", "at first sight").exit_code == 0
    assert _json_query(own_db, "What is the weather in Boston?")["programs"][0]["name"] == "latin-terms"
    status, screen = _answered_no(["--db", own_db, "remove", "latin-terms", "--key", "what is {text}"])
    assert status == 1 and b"remove 1 key of latin-terms ('what is {text}')?" in screen, screen
    r = run("--db", own_db, "remove", "latin-terms", "--key", "What is  {text}")  # (typed loosely)
    assert r.exit_code == 0 and r.output == ("removed latin-terms: key 'what is {text}'\n"
                                             "latin-terms keeps 2 keys: what does {text} mean; latin terms\n"), r.output
    assert _json_query(own_db, "What is the weather in Boston?")["mode"] == "none"
    out = _json_query(own_db, "what does prima facie mean")
    assert out["outputs"][0]["answer"] == "at first sight" and out["outputs"][0]["source"] == "stored", out
    r = run("--db", own_db, "remove", "latin-terms", "--key", "what is {text}")
    assert r.exit_code == 2 and "has no key 'what is {text}' (its keys: what does {text} mean; latin terms)" in r.output
    r = run("--db", own_db, "remove", "latin-terms", "--key", "what does {text} mean", "--key", "latin terms")
    assert r.exit_code == 2 and "without a key; nothing was removed" in r.output, r.output
    assert len(json.loads(run("--db", own_db, "show", "latin-terms", "--json").output)["keys"]) == 2


# -- a bartender, a family historian, a music teacher, a sports-stats hobbyist (2026-12-05, fourth round) ---------

def test_notes_app_and_markdown_lists_import_as_their_pairs(own_db):
    # a bartender's "- oz: ounce" was stored as "- oz"; a music teacher's "- **Forte** (f) – loud" could not be
    # told a format (.md), and as .txt kept its marks; "what does dim mean in music" then found no stored "Diminuendo (dim.)"
    data = Path(__file__).with_name("data")
    r = subprocess.run([PROGDB, "--db", own_db, "import", str(data / "bar" / "bar abbrevs.txt"), "--program", "shorthand"],
                       capture_output=True, text=True)
    assert r.returncode == 0 and "17 added" in r.stdout, (r.stdout, r.stderr)
    shown = run("--db", own_db, "show", "shorthand", "--limit", "20").output
    assert "  oz  ->  ounce" in shown and "  dbl strain  ->  double strain" in shown and "  - oz" not in shown, shown
    r = subprocess.run([PROGDB, "--db", own_db, "import", str(data / "music" / "italian-terms.md"), "--program", "music-terms"],
                       capture_output=True, text=True)
    assert r.returncode == 0 and "17 added" in r.stdout, (r.stdout, r.stderr)
    shown = run("--db", own_db, "show", "music-terms", "--limit", "20").output
    assert "  Largo  ->  very slow, broad" in shown and "  Forte (f)  ->  loud" in shown and "*" not in shown, shown
    assert run("--db", own_db, "add", "music-terms", "--key", "what does {text} mean in music").exit_code == 0
    for typed, meaning in (("dim", "gradually getting softer"), ("forte", "loud"), ("pp", "very soft"),
                           ("cresc.", "gradually getting louder"), ("Largo", "very slow, broad")):
        out = _json_query(own_db, f"what does {typed} mean in music")
        assert out["outputs"][0]["answer"] == meaning and out["outputs"][0]["source"] == "stored", (typed, out)


def test_a_row_wider_than_its_header_is_bad_with_columns_too(own_db, tmp_path):
    # with --columns Cocktail,Glass, "Penicillin,Scotch,Rocks, with a big cube" was stored as Penicillin -> Rocks
    # and its note dropped without a word (without --columns the same file stopped at it)
    sheet = tmp_path / "Cocktails.csv"
    sheet.write_text("Cocktail,Base Spirit,Glass\r\nMargarita,Tequila,Coupe\r\nPenicillin,Scotch,Rocks, with a big cube\r\n"
                     "Mojito,White Rum,Highball,\r\n", encoding="utf-8")
    r = run("--db", own_db, "import", str(sheet), "--columns", "Cocktail,Glass", "--program", "glass")
    assert r.exit_code == 2 and "line 3: expected 3 columns, found 4" in r.output, r.output
    r = run("--db", own_db, "import", str(sheet), "--columns", "Cocktail,Glass", "--program", "glass", "--skip-bad")
    assert r.exit_code == 0 and "2 added" in r.output, r.output  # (Mojito's empty last cell is none)


def test_a_fit_keeps_a_text_programs_own_phrasing(own_db):
    # after a bartender's fit, "menu copy: gin, cucumber, elderflower, tonic" (their key "menu copy: {text}") was
    # refused: "the request asks to 'gin', which none of the phrasings of 'menu-copy' asks"
    data = Path(__file__).with_name("data") / "bar"
    assert run("--db", own_db, "import", str(data / "my-bar.jsonl")).exit_code == 0
    assert run("--db", own_db, "fit", str(data / "staff-asks.jsonl")).exit_code == 0
    out = _json_query(own_db, "menu copy: gin, cucumber, elderflower, tonic")
    assert out["mode"] == "nearest" and out["programs"][0]["name"] == "menu-copy", out
    assert out["inputs"] == ["gin, cucumber, elderflower, tonic"], out


def test_a_question_is_no_order_to_a_users_program(own_db):
    # "What is the present-day name of Ragusa?" was refused: "the request asks to 'present'"; "Grandfather was
    # born in Lemberg…", "asks to 'grandfather'"
    assert run("--db", own_db, "add", "place-names", "--key", "what is the modern name of {word}",
               "--key", "what is {word} called today", "--example", "Ragusa", "Dubrovnik", "--example", "Bombay",
               "Mumbai", "--example", "Lemberg", "Lviv", "--example", "Danzig", "Gdańsk").exit_code == 0
    out = _json_query(own_db, "What is the present-day name of Ragusa?")
    assert out["outputs"][0]["answer"] == "Dubrovnik", out
    out = _json_query(own_db, "Grandfather was born in Lemberg, what is it called now?")
    assert "asks to" not in (out.get("message") or ""), out


def test_a_family_historians_questions_find_what_they_store(own_db):
    # "Could you tell me what 'cordwainer' means?" was refused (their key "what does the occupation {text} mean",
    # 0.47); "What did a cooper do and what is Bombay called today?" read "cooper do" as a place (*Johnson?*)
    data = Path(__file__).with_name("data") / "genealogy"
    for file, name in (("occupations.csv", "old-occupations"), ("place_names.csv", "place-names")):
        assert run("--db", own_db, "import", str(data / file), "--program", name).exit_code == 0
    assert run("--db", own_db, "add", "old-occupations", "--key", "what did a {text} do", "--key",
               "what did a {text} do for a living", "--key", "what was a {text}", "--key",
               "what does the occupation {text} mean", "--key", "what did the occupation {text} mean").exit_code == 0
    assert run("--db", own_db, "add", "place-names", "--key", "what is {word} called today").exit_code == 0
    out = _json_query(own_db, "Could you tell me what 'cordwainer' means?")
    assert out["outputs"][0]["answer"] == "shoemaker" and out["outputs"][0]["source"] == "stored", out
    assert _json_query(own_db, "Could you tell me what cordwainer means?")["mode"] == "none"  # (unquoted: as before)
    out = _json_query(own_db, "What did a cooper do and what is Bombay called today?")
    assert [out["outputs"][0]["answer"]] + [a["outputs"][0]["answer"] for a in out["also"]] == \
        ["barrel maker", "Mumbai"], (out["inputs"], out["also"])
    r = run("--db", own_db, "which", "Danzig", "Gdansk")  # (stored as Gdańsk: typed without its accent)
    assert r.exit_code == 0 and "place-names  (stores every pair)" in r.output.splitlines()[0], r.output
    out = _json_query(own_db, "plural of presure")  # (a letter typed once for twice, in a word the word space has)
    assert out["inputs"] == ["pressure"] and out["outputs"][0]["answer"] == "pressures", out


def test_a_fitted_program_removed_and_restored_is_the_users_again(own_db, tmp_path):
    # a family historian removed their fitted parish-latin and imported it back from a backup: "what does obiit
    # mean" (stored) went to their old-occupations as a compiled prompt, the fit's phrasings having made
    # parish-latin read as a library program; before, a stored answer was noted "your 'old-occupations' is closer"
    data = Path(__file__).with_name("data") / "genealogy"
    for file, name in (("latin.txt", "parish-latin"), ("occupations.csv", "old-occupations"), ("place_names.csv", "place-names")):
        assert run("--db", own_db, "import", str(data / file), "--program", name).exit_code == 0
    assert run("--db", own_db, "add", "old-occupations", "--key", "what did a {text} do", "--key", "what means",
               "--key", "what was a {text}").exit_code == 0
    assert run("--db", own_db, "add", "parish-latin", "--key", "what does {text} mean").exit_code == 0
    assert run("--db", own_db, "fit", str(data / "my_questions.jsonl")).exit_code == 0
    out = _json_query(own_db, "what does obiit mean")
    assert out["outputs"][0]["answer"] == "died" and not out["outputs"][0]["note"], out["outputs"]
    backup = tmp_path / "backup.jsonl"
    assert run("--db", own_db, "export", "parish-latin", "-o", str(backup)).exit_code == 0
    assert run("--db", own_db, "remove", "parish-latin", "-y").exit_code == 0
    assert run("--db", own_db, "import", str(backup)).exit_code == 0
    out = _json_query(own_db, "what does obiit mean")
    assert out["programs"][0]["name"] == "parish-latin" and out["outputs"][0]["answer"] == "died", out


def test_a_request_labelled_out_of_scope_is_so_of_another_input(own_db):
    # a music teacher's fit labelled "what does the cello do in an orchestra" out of scope; "what does the oboe do in
    # an orchestra" was then oboe -> Woodwind, stored and sure (refused before the fit), and only the cello refused
    data = Path(__file__).with_name("data") / "music"
    for args in (("import", str(data / "italian-terms.md"), "--program", "music-terms"),
                 ("import", str(data / "instruments.csv"), "--program", "instrument-family"),
                 ("import", str(data / "composers.json"), "--columns", "composer,era", "--program", "composer-era"),
                 ("add", "instrument-family", "--key", "what family is the {word} in", "--key",
                  "which family does the {word} belong to"),
                 ("fit", str(data / "colleagues.jsonl"))):
        r = run("--db", own_db, *args)
        assert r.exit_code == 0, (args, r.output)
    out = _json_query(own_db, "what does the oboe do in an orchestra")
    assert out["mode"] == "none" and "it asks what 'what does the cello do in an orchestra' asks, of another input" \
        in out["message"], out
    for prompt in ("what family is the oboe in", "which family does the tuba belong to"):
        out = _json_query(own_db, prompt)
        assert out["programs"][0]["name"] == "instrument-family" and out["outputs"][0]["source"] == "stored", out
    # "bach" was *Classical?* beside the stored "J.S. Bach" (its surname read only where most names had two words)
    assert run("--db", own_db, "add", "composer-era", "--key", "what era is {word} from").exit_code == 0
    out = _json_query(own_db, "what era is bach from")
    assert out["outputs"][0]["answer"] == "Baroque" and out["outputs"][0]["source"] == "stored", out


def test_a_table_of_players_and_categories_as_a_fan_asks_it(own_db):
    # "pos of saquon" was an error (Saquon Barkley stored; "pos of kelce" found Travis Kelce); "position of the
    # moon tonight" answered *Tomorrow?*, "what conference is MIA in" *Audina?*, "pos of travis" *Dt?*
    data = Path(__file__).with_name("data") / "sports"
    assert run("--db", own_db, "import", str(data / "players.jsonl"), "--columns", "player,pos",
               "--program", "player-position").exit_code == 0
    assert run("--db", own_db, "add", "player-position", "--key", "pos of {word}", "--key", "position of {word}").exit_code == 0
    for typed, position in (("saquon", "RB"), ("tyreek", "WR"), ("kelce", "TE")):
        out = _json_query(own_db, f"pos of {typed}")
        assert out["outputs"][0]["answer"] == position and out["outputs"][0]["source"] == "stored", (typed, out)
    positions = {"QB", "RB", "WR", "TE", "K"}
    for prompt in ("pos of travis", "pos of derrick henry", "position of the moon tonight"):
        answered = _json_query(own_db, prompt)  # (refused, or a category guessed: no better than QB for all)
        for out in answered["outputs"]:
            assert out["answer"] in positions | {None} and not out["sure"], (prompt, out)
            assert {c["answer"] for c in out["candidates"]} <= positions or out["answer"] is None, (prompt, out)


def test_a_wine_shops_grapes_and_glossary_as_staff_ask(own_db):
    # "where is grüner from" was refused beside the stored Grüner Veltliner (Wachau the top guess at 0.90), "define
    # VV" compiled a prompt beside the stored "Old vines (VV)"
    data = Path(__file__).with_name("data") / "wine"
    assert run("--db", own_db, "import", str(data / "grapes.csv"), "--columns", "1,2", "--program", "grape-region").exit_code == 0
    assert run("--db", own_db, "add", "grape-region", "--key", "where is {word} from").exit_code == 0
    assert run("--db", own_db, "import", str(data / "wine-glossary.md"), "--program", "wine-terms").exit_code == 0
    assert run("--db", own_db, "add", "wine-terms", "--key", "define {text}").exit_code == 0
    for prompt, answer in (("where is grüner from", "Wachau"), ("where is gruner from", "Wachau"),
                           ("define VV", "vines usually 35+ years old, giving lower yields and more concentration"),
                           ("define MLF", "a second fermentation turning sharp malic acid into softer lactic acid; gives "
                                          "a buttery note")):
        out = _json_query(own_db, prompt)
        assert out["outputs"][0]["answer"] == answer and out["outputs"][0]["source"] == "stored", (prompt, out)
    out = _json_query(own_db, "where is pinot from")  # (Noir or Grigio: no one of them)
    assert out["mode"] == "none" or out["outputs"][0]["source"] != "stored", out


def test_a_help_desks_files_and_replies(own_db):
    # "issue type<TAB>assignment group" and "Terse reply -> polite version (examples from QA reviews, Q1)" were stored
    # as pairs; "polite version: not our problem, call the vendor" was two texts to make polite
    data = Path(__file__).with_name("data") / "helpdesk"
    r = subprocess.run([PROGDB, "--db", own_db, "import", str(data / "assignment-groups.tsv"), "--program", "team"],
                       capture_output=True, text=True)
    assert r.returncode == 0 and "18 added" in r.stdout, (r.stdout, r.stderr)
    r = subprocess.run([PROGDB, "--db", own_db, "import", str(data / "polite-replies.txt"), "--program", "polite-reply"],
                       capture_output=True, text=True)
    assert r.returncode == 0 and "7 added" in r.stdout and "is read as the list's title" in r.stderr, (r.stdout, r.stderr)
    shown = run("--db", own_db, "show", "team", "--limit", "30").output + run("--db", own_db, "show", "polite-reply").output
    assert "issue type" not in shown and "Terse reply" not in shown, shown
    assert run("--db", own_db, "add", "polite-reply", "--key", "polite version: {text}").exit_code == 0
    out = _json_query(own_db, "polite version: not our problem, call the vendor")
    assert out["programs"][0]["name"] == "polite-reply" and out["inputs"] == ["not our problem, call the vendor"], out
    # "vpn error 691 reply" compiled their error-replies for "vpn" (691 stored); "whats MFA" was refused ("what's MFA?"
    # answered)
    assert run("--db", own_db, "import", str(data / "jira-export-errors.csv"), "--columns", "Error Code,Customer Response",
               "--program", "error-replies").exit_code == 0
    assert run("--db", own_db, "add", "error-replies", "--key", "error {text} reply").exit_code == 0
    out = _json_query(own_db, "vpn error 691 reply")
    assert out["inputs"] == ["691"] and out["outputs"][0]["source"] == "stored", out
    assert run("--db", own_db, "import", str(data / "glossary.md"), "--program", "it-glossary").exit_code == 0
    assert run("--db", own_db, "add", "it-glossary", "--key", "what is {text}", "--key", "what does {text} mean").exit_code == 0
    for prompt in ("whats MFA", "what's MFA?"):
        out = _json_query(own_db, prompt)
        assert out["outputs"][0]["source"] == "stored" and out["inputs"][0].startswith("MFA"), (prompt, out)


def test_a_latin_teachers_numbered_list_and_a_name_said_apart(own_db):
    # "perfect score on the latin test, what grade is that" was latin-perfect's (its name key "latin perfect"),
    # compiled for "grade", exit 0
    data = Path(__file__).with_name("data") / "latin"
    r = subprocess.run([PROGDB, "--db", own_db, "import", str(data / "vocab.txt"), "--program", "latin-vocab"],
                       capture_output=True, text=True)
    assert r.returncode == 0 and "is read as the list's title" in r.stderr, (r.stdout, r.stderr)
    assert "  amo  ->  I love" in run("--db", own_db, "show", "latin-vocab").output
    assert run("--db", own_db, "import", str(data / "principal_parts.csv"), "--columns", "present,perfect",
               "--program", "latin-perfect").exit_code == 0
    assert run("--db", own_db, "add", "latin-perfect", "--key", "perfect of {word}").exit_code == 0
    out = _json_query(own_db, "perfect score on the latin test, what grade is that")
    assert out["mode"] == "none", out
    for prompt in ("perfect of amo", "latin perfect of amo"):
        assert _json_query(own_db, prompt)["outputs"][0]["answer"] == "amavi", prompt


def test_a_bakerys_prices_are_stored_not_guessed(own_db):
    # "how much is a croissant" was the stored Almond Croissant's £3.10, sure (read as a surname); once Scone and Victoria
    # Sponge were added, "how much is a baguette" guessed *£3.25?* (2 of 16 found, as the commonest price alone finds 3)
    data = Path(__file__).with_name("data") / "bakery"
    assert run("--db", own_db, "import", str(data / "square-prices.csv"), "--program", "price").exit_code == 0
    assert run("--db", own_db, "add", "price", "--key", "how much is a {text}", "--example", "Scone", "£2.40",
               "--example", "Victoria Sponge", "£18.00").exit_code == 0
    out = _json_query(own_db, "how much is a croissant")  # (the one stored of its kind: a guess at what was meant)
    assert out["inputs"] == ["Almond Croissant"] and not out["outputs"][0]["sure"] and \
        "the one stored of its kind" in out["outputs"][0]["note"], out
    for prompt in ("how much is a baguette", "how much is a bloomer"):
        out = _json_query(own_db, prompt)
        assert out["mode"] == "none" or out["outputs"][0]["answer"] is None, (prompt, out)


def test_a_markdown_table_from_notion_imports_as_its_pairs(own_db):
    # a translator's glossary, a table copied from Notion: "cannot tell the format"; as --format csv, "line 3: field
    # 'output' is missing"
    data = Path(__file__).with_name("data") / "translator"
    r = run("--db", own_db, "import", str(data / "glossary-it.md"), "--program", "glossary-it")
    assert r.exit_code == 0 and "20 added" in r.output, r.output
    shown = run("--db", own_db, "show", "glossary-it", "--limit", "30").output
    assert "  invoice  ->  fattura" in shown and "  VAT number  ->  partita IVA" in shown and "English" not in shown, shown
    assert run("--db", own_db, "add", "glossary-it", "--key", "italian for {word}", "--key",
               "how do you say {word} in italian", "--key", "{word} in italian").exit_code == 0
    out = _json_query(own_db, "italian for invoice")
    assert out["outputs"][0]["answer"] == "fattura" and out["outputs"][0]["source"] == "stored", out
    # "whats the italian for 'quote' (the price one)" read "price"; "what's refund in italian" was refused (a word out
    # of a question, for a glossary that stores phrases of up to five words)
    out = _json_query(own_db, "whats the italian for 'quote' (the price one)")
    assert out["outputs"][0]["answer"] == "preventivo", out
    out = _json_query(own_db, "what's refund in italian")
    assert out["programs"][0]["name"] == "glossary-it" and out["inputs"] == ["refund"], out


def test_a_broken_bullet_under_a_title_is_named_by_its_line(own_db):
    # a nurse educator's "• tab –" on line 3 was reported at line 1 (the title, then rejected with --skip-bad too);
    # a title "Abbrevs 2" was stored as the pair Abbrevs -> 2
    data = Path(__file__).with_name("data") / "nursing"
    for file in ("more-abbrevs.txt", "abbrevs-2.txt"):
        r = subprocess.run([PROGDB, "--db", own_db, "import", str(data / file), "--program", "med-abbrev"],
                           capture_output=True, text=True)
        assert r.returncode == 2 and f"{file}, line 3: nothing after its '–'" in r.stderr and \
            "is read as the list's title" in r.stderr, r.stderr
    r = subprocess.run([PROGDB, "--db", own_db, "import", str(data / "abbrevs-2.txt"), "--program", "med-abbrev",
                        "--skip-bad"], capture_output=True, text=True)
    assert r.returncode == 0 and "2 added" in r.stdout and "1 rejected" in r.stdout, (r.stdout, r.stderr)
    shown = run("--db", own_db, "show", "med-abbrev").output
    assert "  bsa  ->  body surface area" in shown and "Abbrevs" not in shown, shown
    # "what is the meaning of prn in nursing" compiled a prompt for "prn in nursing", prn -> as needed stored
    assert run("--db", own_db, "import", str(data / "med-abbrevs.txt"), "--program", "med-abbrev").exit_code == 0
    assert run("--db", own_db, "add", "med-abbrev", "--key", "what does {word} mean", "--key", "what is {word}").exit_code == 0
    out = _json_query(own_db, "what is the meaning of prn in nursing")
    assert out["outputs"][0]["answer"] == "as needed" and out["outputs"][0]["source"] == "stored", out


def test_a_translators_program_takes_no_library_request_by_its_name(own_db):
    # "make this formal: hey, sending u the quote later" went to a translator's formal-it through its name key
    # "formal it" (0.76 against the library formal's 1.00): "yours is the one meant when nearly as close"
    assert run("--db", own_db, "add", "formal-it", "--key", "formal italian: {text}", "--key",
               "make this formal business italian: {text}", "--description", "Turn informal English into formal Italian.",
               "--example", "hi, got your email, will get back to u tmrw", "Gentile Cliente, confermiamo la ricezione "
               "della Sua email e Le risponderemo domani.", "--example", "sorry the invoice is late, sending it now",
               "Ci scusiamo per il ritardo nell'invio della fattura, che Le trasmettiamo ora.").exit_code == 0
    out = _json_query(own_db, "make this formal: hey, sending u the quote later")
    assert out["programs"][0]["name"] == "formal", out["programs"]
    out = _json_query(own_db, "formal italian: hey, sending u the quote later")
    assert out["programs"][0]["name"] == "formal-it", out["programs"]


def test_a_document_named_but_not_given_is_asked_for(own_db):
    # "summarize the Smith deposition transcript" compiled a paralegal's clause-summary for the words
    # "Smith deposition transcript"; a word program's "plural of the report" still answers
    data = Path(__file__).with_name("data") / "legal"
    assert run("--db", own_db, "add", str(data / "clause_summary.yaml")).exit_code == 0
    out = _json_query(own_db, "summarize the Smith deposition transcript")
    assert out["mode"] == "none" and "the prompt points at a text it does not give ('the Smith deposition " \
        "transcript')" in out["message"], out["message"]
    assert _json_query(own_db, "plural of the report")["outputs"][0]["answer"] == "reports"


# -- session 39: a baker's and a teacher's words ------------------------------------------------

def test_a_compound_of_words_inflects_its_last_word(seeded_path):
    # "plural of ice cream" guessed *chocolate?*, "plural of chocolate chip cookie" refused ("none of its other
    # words is an input that program takes"): plural's stored compounds of words ("coffee maker" -> coffee
    # makers) change their last word alone, so a compound is answered as its last word is
    from progdb import ProgramDB
    from progdb.words.compounds import CompoundHeads

    db = ProgramDB(path=seeded_path)
    for prompt, answer, how in (("plural of ice cream", "ice creams", "stored"),
                                ("plural of chocolate chip cookie", "chocolate chip cookies", "stored"),
                                ("plural of chocolate brownie", "chocolate brownies", "computed")):
        out = db.query(prompt).outputs[0]
        assert out.answer == answer and out.sure and f"as its last word: {answer.split()[-1][:4]}" in out.note \
            and f"({how})" in out.note, (prompt, out)
    # a list is no compound, nor is a phrase with a joining word; a program of single words has no such rule
    assert [o.answer for o in db.query("plural of cat and dog").outputs] == ["cats", "dogs"]
    assert [o.answer for o in db.query("plurals of ice cream and bus stop").outputs] == ["ice creams", "bus stops"]
    assert db.query("plural of cup of tea").outputs[0].answer != "cup of teas"
    assert CompoundHeads({"nanny goat": ["billy goat"], "ewe": ["ram"], "hen": ["rooster"]}).last_word_rule("ice cream") is None
    mine = CompoundHeads({"bus stop": ["bus stops"], "ice cream": ["ice creams"], "cake": ["cakes"]})
    assert mine.last_word_rule("cream cake") == pytest.approx(2 / 3) and mine.last_word_rule("ice cream") is None


def test_a_rare_word_is_no_slip_of_a_phrasings_example(seeded_path):
    # "plural of scone" answered *sparkled?*: scone was read as a slip of "shone", a word of one past-tense
    # phrasing ("past tense of ? shined or shone"); a known word is a slip only of a request's words
    from progdb import ProgramDB

    db = ProgramDB(path=seeded_path)
    r = db.query("plural of scone")
    assert r.corrections == [] and r.outputs[0].answer == "scones", (r.corrections, r.outputs[0])
    for prompt, fixed in (("plurl of tomato", "plurl -> plural"), ("synonim for happy", "synonim -> synonym"),
                          ("antonim of hot", "antonim -> antonym")):
        assert fixed in db.query(prompt).corrections, prompt


def test_a_word_of_address_at_the_end_is_no_input(seeded_path):
    # "plural of goose sir" guessed *moose?* of "goose sir"; "capital of peru, sir" answered sir -> Walpole?
    from progdb import ProgramDB

    db = ProgramDB(path=seeded_path)
    for prompt, answers in (("plural of goose sir", ["geese"]), ("capital of peru, sir", ["Lima"]),
                            ("whats the opposite of hot bro", ["cold"]), ("plural of goose thanks mate", ["geese"])):
        assert [o.answer for o in db.query(prompt).outputs] == answers, prompt
    assert db.query("synonym for mate").outputs[0].input == "mate"  # an input due after "for" is the input


def test_a_lists_title_is_no_pair_however_it_is_split(own_db):
    # a nursery's "when to sow - nursery list" over "sweet pea - October" was stored as a pair, and "when to sow"
    # answered "nursery list", sure; a phone note's "Sowing 2026" over lines of marks of every kind, "Sowing -> 2026"
    data = Path(__file__).with_name("data") / "nursery"
    for name, title, pairs in (("sowing.txt", "when to sow - nursery list", 15), ("phone-notes.txt", "Sowing 2026", 5)):
        r = run("--db", own_db, "import", str(data / name), "--program", name.split(".")[0])
        assert r.exit_code == 0 and f"the first line '{title}' is read as the list's title" in r.output, r.output
        assert f"{pairs} added" in r.output, r.output
    assert _json_query(own_db, "when do i sow sweet peas")["outputs"][0]["answer"] == "October"


def test_a_comment_after_a_hash_is_no_part_of_an_answer(own_db):
    # a traveller's Obsidian notes: "dormir: dormí   # NOT durmí" was stored with its comment as the answer, and
    # the section's "preterite:   # yo form!!" is the list's title
    data = Path(__file__).with_name("data") / "spanish"
    r = run("--db", own_db, "import", str(data / "preterite.txt"), "--program", "spanish-preterite")
    assert r.exit_code == 0 and "24 added" in r.output and "'preterite:   # yo form!!' is read as the list's title" in r.output
    pairs = json.loads(run("--db", own_db, "show", "spanish-preterite", "--json").output)["examples"]
    assert {"input": "dormir", "output": "dormí"} in pairs and not any("#" in p["output"] for p in pairs)


def test_a_two_column_header_of_kinds_is_no_pair(own_db):
    # a recruiter's "Job Title;Department" over "Head of People;Human Resources" (a European Excel export) was
    # stored as the pair Job Title -> Department under any program name but job-department
    data = Path(__file__).with_name("data") / "hr"
    r = run("--db", own_db, "import", str(data / "new-titles.csv"), "--program", "title-dept")
    assert r.exit_code == 0 and "4 added" in r.output, r.output
    pairs = json.loads(run("--db", own_db, "show", "title-dept", "--json").output)["examples"]
    assert {"input": "Head of People", "output": "Human Resources"} in pairs
    assert not any(p["input"] == "Job Title" for p in pairs)


def test_a_request_for_a_neutral_word_is_no_gender_swap(own_db):
    # "gender neutral word for chairman" answered male-to-female's chairwoman, sure, even beside a recruiter's own
    # program; "female version of chairman" still does
    out = _json_query(own_db, "gender neutral word for chairman")
    assert out["mode"] == "none" and "'neutral'" in out["message"], out["message"]
    assert _json_query(own_db, "female version of chairman")["outputs"][0]["answer"] == "chairwoman"
    assert run("--db", own_db, "add", "neutral-terms", "--key", "gender neutral word for {word}", "--example", "chairman",
               "chair", "--example", "fireman", "firefighter", "--example", "policeman", "police officer").exit_code == 0
    out = _json_query(own_db, "gender neutral word for chairman")
    assert out["programs"][0]["name"] == "neutral-terms" and out["outputs"][0]["answer"] == "chair", out


def test_a_countrys_other_names_reach_a_users_table_and_a_stem_is_no_other_verb(own_db):
    # a travel blogger's dialling codes store USA and UK: "country code for America", "… britain" gave no answer,
    # "dialling code for united states" a chain; "dial code for spain" was refused as asking "to 'dial'"
    data = Path(__file__).with_name("data") / "spanish"
    assert run("--db", own_db, "import", str(data / "dialling-codes.txt"), "--program", "dialling-code").exit_code == 0
    assert run("--db", own_db, "add", "dialling-code", "--key", "dialling code for {word}").exit_code == 0
    for prompt, answer in (("dialling code for America", "+1"), ("dialling code for britain", "+44"),
                           ("dialling code for united states", "+1"), ("dial code for spain", "+34")):
        out = _json_query(own_db, prompt)
        assert out["outputs"][0]["answer"] == answer and out["outputs"][0]["sure"], (prompt, out["message"], out["outputs"])


def test_a_chemists_words_spelt_the_other_way_and_a_keys_second_slot(own_db):
    # "formula of copper sulphate" guessed *Magnesite?* beside the stored Copper sulfate; "sulfur" (stored Sulphur)
    # and "phosphorous" were refused; "convert 1 atm to kPa" was refused under the key "convert {input} to {unit}"
    # (its key read as "convert to kPa"), as was "how many joules in 1 cal"
    data = Path(__file__).with_name("data") / "chemistry"
    for name, program, *columns in (("elements.tsv", "element-symbol"), ("conversions.txt", "unit-conversion"),
                                    ("compounds_from_dave.json", "compound-formula", "--columns", "compound,formula")):
        assert run("--db", own_db, "import", str(data / name), "--program", program, *columns).exit_code == 0, name
    assert run("--db", own_db, "add", "compound-formula", "--key", "formula of {word}").exit_code == 0
    assert run("--db", own_db, "add", "element-symbol", "--key", "symbol for {word}").exit_code == 0
    assert run("--db", own_db, "add", "unit-conversion", "--key", "convert {input} to {unit}", "--key",
               "how many {unit} in {input}").exit_code == 0
    for prompt, answer in (("formula of copper sulphate", "CuSO4"), ("symbol for sulfur", "S"),
                           ("symbol for phosphorous", "P"), ("formula of sulfuric acid", "H2SO4"),
                           ("convert 1 atm to kPa", "101.325 kPa"), ("how many joules in 1 cal", "4.184 J")):
        out = _json_query(own_db, prompt)
        assert out["outputs"] and out["outputs"][0]["answer"] == answer and out["outputs"][0]["sure"], \
            (prompt, out["message"], out["outputs"])
    # the library keeps the asker's spelling: "plural of colour" is colours
    assert _json_query(own_db, "plural of colour")["outputs"][0]["answer"] == "colours"


def test_a_nurserys_plurals_and_names_in_quotes(own_db):
    # "when do i sow runner beans" was unsure of the stored runner bean, "latin name for allium" missed the stored
    # alliums, "hardiness of rosa 'peace'" read "peace"; "whn do i sow basil" was refused at 0.599
    assert run("--db", own_db, "add", "sow-month", "--key", "when do i sow {word}", "--example", "runner bean", "May",
               "--example", "sweet pea", "October", "--example", "basil", "April", "--example", "alliums", "September",
               "--example", "Rosa 'Peace'", "November").exit_code == 0
    for prompt, answer in (("when do i sow runner beans", "May"), ("when do i sow allium", "September"),
                           ("when do i sow rosa peace", "November"), ("whn do i sow basil", "April")):
        out = _json_query(own_db, prompt)
        assert out["outputs"] and out["outputs"][0]["answer"] == answer and out["outputs"][0]["sure"], \
            (prompt, out["message"], out["outputs"])


def test_a_request_saying_what_a_text_is_for_gives_no_text(own_db):
    # "write a job ad for a senior java developer" compiled a recruiter's inclusive rewriter for "for a senior java
    # developer"; a travel blogger's "instagram caption for my portugal trip" compiled a caption of "portugal trip"
    assert run("--db", own_db, "add", "inclusive-language", "--key", "make this job ad inclusive: {text}",
               "--example", "We need a young, energetic salesman to join our team.",
               "We need an energetic salesperson to join our team.",
               "--example", "The ideal candidate is a digital native who can hit the ground running.",
               "The ideal candidate is comfortable with digital tools and can get started quickly.").exit_code == 0
    assert run("--db", own_db, "add", "instagram-caption", "--key", "instagram caption", "--key",
               "turn this into an instagram caption: {text}", "--example",
               "Ferry to Isla del Sol was freezing but the lake was so blue",
               "Freezing fingers, bluest water I've ever seen 💙 #LakeTiticaca", "--example",
               "Day 3 in Oaxaca, ate mole negro at the market and got lost twice", "Oaxaca, you have my heart ❤️ #Oaxaca"
               ).exit_code == 0
    for prompt, purpose in (("write a job ad for a senior java developer", "for a senior java developer"),
                            ("instagram caption for my portugal trip", "for my portugal trip")):
        out = _json_query(own_db, prompt)
        assert out["mode"] == "none" and f"says what a text is for ('{purpose}')" in out["message"], (prompt, out)
    for prompt, program in (("make this job ad inclusive: we need a young rockstar ninja", "inclusive-language"),
                            ("turn this into an instagram caption: ferry ride for my birthday", "instagram-caption")):
        out = _json_query(own_db, prompt)
        assert out["programs"][0]["name"] == program and out["compiled"], (prompt, out["message"])


def test_a_yaml_file_of_notes_imports_as_pairs(own_db, tmp_path):
    # a traveller's Obsidian notes, a YAML map of sections: "cannot tell the format" (and as arrows, its countries'
    # fields stopped it); a section of pairs is a program of its name, an entry of fields a bad row, named
    data = Path(__file__).with_name("data") / "spanish"
    r = run("--db", own_db, "import", str(data / "spanish-notes.yaml"))
    assert r.exit_code == 2 and "line 28: 'Spain' holds fields (currency, code), not one answer" in r.output, r.output
    r = run("--db", own_db, "import", str(data / "spanish-notes.yaml"), "--skip-bad", "--rejects",
            str(tmp_path / "rejects.jsonl"))
    assert r.exit_code == 0 and "24 added" in r.output and "created 1 program(s): preterite" in r.output, r.output
    pairs = json.loads(run("--db", own_db, "show", "preterite", "--json").output)["examples"]
    assert {"input": "dormir", "output": "dormí"} in pairs  # (its comment is YAML's: no part of the answer)
    flat = tmp_path / "verbs.yaml"
    flat.write_text("hablar: hablé\nser: [fui, era]\n", encoding="utf-8")
    assert run("--db", own_db, "import", str(flat)).exit_code == 0
    pairs = json.loads(run("--db", own_db, "show", "verbs", "--json").output)["examples"]
    assert {"input": "ser", "output": "era"} in pairs and len(pairs) == 3


def test_request_words_typed_with_letters_swapped_or_missing(own_db):
    # a recruiter's "what dose OKR stnd for" was refused: "dose" is a word ("what" said nothing beside it), and "stnd"
    # was read as the commoner request word "send" rather than the "stand" a phrasing has before "for"
    assert run("--db", own_db, "add", "hr-acronyms", "--key", "what does {text} stand for", "--example", "OKR",
               "Objectives and Key Results", "--example", "PTO", "Paid Time Off").exit_code == 0
    out = _json_query(own_db, "what dose OKR stnd for")
    assert out["outputs"][0]["answer"] == "Objectives and Key Results", out["message"]
    assert {"dose -> does", "stnd -> stand"} <= set(out["corrections"]), out["corrections"]


def test_a_history_teachers_events_asked_around_their_names(own_db):
    # "when did constantinople fall" guessed *1204?* beside the stored Fall of Constantinople (1453, listed last as
    # "another input's"), "when did the bastille get stormed" *1653?*; "capital of the eastern roman empire" answered
    # the stored Roman Empire's Rome, sure; "past tense of sieze" read "size" (sized, sure)
    data = Path(__file__).with_name("data") / "history"
    assert run("--db", own_db, "import", str(data / "events.csv"), "--program", "event-year").exit_code == 0
    assert run("--db", own_db, "import", str(data / "states.csv"), "--program", "state-capital").exit_code == 0
    assert run("--db", own_db, "add", "event-year", "--key", "when was the {word}", "--key",
               "what year was the {word}").exit_code == 0
    assert run("--db", own_db, "add", "state-capital", "--key", "capital of {word}").exit_code == 0
    for prompt, answer in (("when did constantinople fall", "1453"), ("when did the bastille get stormed", "1789")):
        out = _json_query(own_db, prompt)
        assert out["outputs"] and out["outputs"][0]["answer"] == answer and out["outputs"][0]["sure"], \
            (prompt, out["message"], out["outputs"])
    out = _json_query(own_db, "capital of the eastern roman empire")["outputs"][0]
    assert not out["sure"] and "without the 'eastern' before it" in out["note"], out
    assert _json_query(own_db, "capital of the roman empire")["outputs"][0]["sure"]
    out = _json_query(own_db, "past tense of sieze")
    assert out["outputs"][0]["answer"] == "seized" and "sieze -> seize" in out["corrections"], out["corrections"]


def test_a_learners_translator_takes_no_question_about_the_language(own_db):
    # a Korean learner's english-korean (a flashcard deck read the other way) took "whats the weather in seoul"
    # (input "weather"), "tell me a joke in korean" ("joke"), "how many people speak korean" ("people"); the deck's
    # "house; home" was stored as one input, and "what does 사과 mean in english" compiled for "what does 사과 mean"
    data = Path(__file__).with_name("data") / "korean"
    assert run("--db", own_db, "import", str(data / "korean_vocab.csv"), "--program", "english-korean",
               "--columns", "Back,Front").exit_code == 0
    assert run("--db", own_db, "import", str(data / "korean_vocab.csv"), "--program", "korean-english",
               "--columns", "Front,Back").exit_code == 0
    assert run("--db", own_db, "add", "english-korean", "--key", "{word} in korean", "--key",
               "how do you say {word} in korean").exit_code == 0
    assert run("--db", own_db, "add", "korean-english", "--key", "{word} in english").exit_code == 0
    for prompt in ("whats the weather in seoul", "tell me a joke in korean", "how many people speak korean"):
        out = _json_query(own_db, prompt)
        assert out["mode"] == "none", (prompt, out["programs"], out["inputs"])
    for prompt, answer in (("how do you say home in korean", "집"), ("house in korean", "집"),
                           ("what does 사과 mean in english", "apple"), ("how do you say apple in korean", "사과")):
        out = _json_query(own_db, prompt)
        assert out["outputs"] and out["outputs"][0]["answer"] == answer, (prompt, out["message"], out["outputs"])


def test_an_estate_agents_slashed_abbreviation_and_a_key_of_question_words(own_db):
    # "w/d meaning" read "w" and "d", two compiled prompts, beside the stored W/D; a key "whats {word}" took
    # "whats the capital of canada" and nothing said so when it was added
    r = run("--db", own_db, "add", "listing-abbrev", "--key", "{word} meaning", "--example", "W/D", "washer/dryer",
            "--example", "HOA", "homeowners association", "--example", "BR", "bedroom")
    assert r.exit_code == 0
    out = _json_query(own_db, "w/d meaning")
    assert [o["answer"] for o in out["outputs"]] == ["washer/dryer"], out["outputs"]
    r = subprocess.run([PROGDB, "--db", own_db, "add", "listing-abbrev", "--key", "whats {word}"], capture_output=True,
                       text=True)
    assert r.returncode == 0 and "warning: key 'whats {word}' is question words and a slot alone" in r.stderr, r.stderr
    r = subprocess.run([PROGDB, "--db", own_db, "add", "listing-abbrev", "--key", "whats {word} on a listing"],
                       capture_output=True, text=True)
    assert "question words and a slot alone" not in r.stderr, r.stderr


def test_a_mechanics_codes_asked_for_something_else_and_two_questions(own_db):
    # "what tyre pressure for 700x25c" answered the stored ETRTO 25-622, sure, at key match 0.55 (a stored code
    # is answered from 0.5); "what does RD stand for and etrto for 29x2.2" dropped the RD question ("etrto", no
    # word of the word space, was no request word)
    data = Path(__file__).with_name("data") / "bikes"
    assert run("--db", own_db, "import", str(data / "tyres.tsv"), "--program", "tyre-etrto").exit_code == 0
    assert run("--db", own_db, "import", str(data / "shop-notes.txt"), "--program", "shop-shorthand").exit_code == 0
    assert run("--db", own_db, "add", "tyre-etrto", "--key", "etrto for {text}", "--key", "what's the etrto of {text}",
               "--key", "what etrto is a {text} tyre").exit_code == 0
    assert run("--db", own_db, "add", "shop-shorthand", "--key", "what does {word} stand for").exit_code == 0
    for prompt in ("what tyre pressure for 700x25c", "where can i buy a 29x2.2 tyre"):
        out = _json_query(own_db, prompt)
        assert out["mode"] == "none" or not any(o["sure"] for o in out["outputs"]), (prompt, out["outputs"])
    assert _json_query(own_db, "etrto for 700x25c")["outputs"][0]["answer"] == "25-622"
    # ...typed as people write it, with spaces ("700 x 25c" was read as 25c)
    assert _json_query(own_db, "etrto for 700 x 25c")["outputs"][0]["answer"] == "25-622"
    for prompt in ("what does RD stand for and etrto for 29x2.2", "etrto for 29x2.2 and what does RD stand for"):
        out = _json_query(own_db, prompt)
        answers = [o["answer"] for o in out["outputs"]] + [o["answer"] for a in out["also"] for o in a["outputs"]]
        assert sorted(answers) == ["56-622", "rear derailleur"], (prompt, answers)


def test_a_mistyped_file_to_import_is_named_beside_the_one_meant(tmp_path):
    # a chemistry teacher's "import elemnts.tsv" said only "no such file or folder", though a mistyped --db gets a
    # "did you mean"
    (tmp_path / "elements.tsv").write_text("Hydrogen\tH\nHelium\tHe\n", encoding="utf-8")
    r = subprocess.run([PROGDB, "--db", str(tmp_path / "db"), "--no-seed", "import", str(tmp_path / "elemnts.tsv"),
                        "--program", "element-symbol"], capture_output=True, text=True)
    assert r.returncode == 2 and f"did you mean {tmp_path / 'elements.tsv'}?" in r.stderr, r.stderr
    assert not (tmp_path / "db").exists()  # (no database made for a file that is not there)

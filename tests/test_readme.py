"""The README is executable: every `$ progdb …` transcript in README.md and docs/*.md is run, and
must print what it shows.

A transcript is a fenced block whose lines start with `$ progdb`; the lines after a command, up to
the next command, are its output (stdout and stderr, as a terminal shows them). Elided output is
marked: a line that starts with `…` (after its indent) stands for any number of lines (`…(three more turns)…`), and
an expected line ending in ` …` matches any line that starts with the text before it. A `# comment`
at the end of a command is the shell's. A page's blocks run in order, as a reader who follows it
runs them: in one scratch folder, against one copy of the seeded database (seeded once per test
run), with the repository's docs/examples/ copied in, so no transcript writes a tracked file and
what the tour adds early (`fem`) is there when a later block queries.
"""
from __future__ import annotations

import os
import shlex
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from progdb.errors import ProgdbError

ROOT = Path(__file__).resolve().parent.parent
PROGDB = str(Path(sys.executable).parent / "progdb")
ELIDED = "…"


@dataclass
class Step:
    command: str
    expected: list[str]


@dataclass
class Transcript:
    where: str  # file:line of the block
    steps: list[Step]


def transcripts(path: Path) -> list[Transcript]:
    found, block, start = [], None, 0
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if line.startswith("```"):
            if block is None:
                block, start = [], n
                continue
            steps = _steps(block)
            if steps:
                found.append(Transcript(f"{path.relative_to(ROOT)}:{start}", steps))
            block = None
        elif block is not None:
            block.append(line)
    return found


def _steps(lines: list[str]) -> list[Step]:
    if not any(line.startswith("$ progdb") for line in lines):
        return []
    steps: list[Step] = []
    for line in lines:
        if line.startswith("$ "):
            steps.append(Step(line[2:], []))
        elif steps:
            steps[-1].expected.append(line.rstrip())
        else:
            raise AssertionError(f"output before the first command: {line!r}")
    return steps


def matches(expected: list[str], actual: list[str]) -> bool:
    """Line by line; `…`-lines skip any number of lines, a ` …` ending matches a prefix."""
    if not expected:
        return not actual
    head, rest = expected[0], expected[1:]
    if head.lstrip().startswith(ELIDED):
        return any(matches(rest, actual[i:]) for i in range(len(actual) + 1))
    if not actual:
        return False
    if head.endswith(" " + ELIDED):
        ok = actual[0].startswith(head[:-len(ELIDED)].rstrip())
    else:
        ok = actual[0].rstrip() == head
    return ok and matches(rest, actual[1:])


PAGES = {md.name: transcripts(md) for md in [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]}
PAGES = {name: found for name, found in PAGES.items() if found}
ALL = [t for found in PAGES.values() for t in found]


def test_the_readme_has_transcripts():
    assert len(ALL) >= 6 and sum(len(t.steps) for t in ALL) >= 15


def test_elision_rules():
    assert matches(["a", "…(two more)…", "d"], ["a", "b", "c", "d"])
    assert matches(["a", "…", "b"], ["a", "b"])
    assert matches(["a", "  …(indented)…", "b"], ["a", "x", "b"])
    assert not matches(["a", "b"], ["a", "b", "c"])
    assert matches(["cand: x 1.0, …"], ["cand: x 1.0, y 0.5"])
    assert not matches(["cand: x 1.0, …"], ["cand: z 1.0"])


@pytest.fixture(scope="module")
def template(seeded_path, tmp_path_factory) -> Path:
    """The seeded database, copied once so that blocks copy a database no other test opens."""
    path = tmp_path_factory.mktemp("readme") / "seeded"
    shutil.copytree(seeded_path, path)
    return path


@pytest.mark.parametrize("page", list(PAGES))
def test_transcripts(page: str, template: Path, tmp_path: Path):
    shutil.copytree(template, tmp_path / "db")
    shutil.copytree(ROOT / "docs" / "examples", tmp_path / "docs" / "examples")
    env = {**os.environ, "PROGDB_DB": str(tmp_path / "db"), "PYTHONUNBUFFERED": "1", "COLUMNS": "100"}
    env.pop("PROGDB_SERVER", None)
    wrong = []
    for transcript in PAGES[page]:
        for step in transcript.steps:
            argv = shlex.split(step.command, comments=True)
            assert argv[0] == "progdb", step.command
            p = subprocess.run([PROGDB, *argv[1:]], cwd=tmp_path, env=env, stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT, text=True, timeout=600)
            actual = p.stdout.rstrip("\n").splitlines() if p.stdout.strip() else []
            if not matches(step.expected, actual):  # every mismatch of the page, not just the first
                wrong.append(f"{transcript.where}: `$ {step.command}` (exit {p.returncode}) printed:\n" +
                             "\n".join(actual) + "\n--- the page shows:\n" + "\n".join(step.expected))
    assert not wrong, "\n\n".join(wrong)


def test_python_api_example(template: Path, tmp_path: Path):
    """The README's Python API block, on a copy of the seeded database (its LLM line needs a server)."""
    from progdb import ProgramDB

    shutil.copytree(template, tmp_path / "db")
    db = ProgramDB(path=str(tmp_path / "db"))
    db.add(name="fem", keys=["female of {word}"], examples=[("king", "queen"), ("boy", "girl")])
    r = db.query("female of nephew")
    assert (r.mode, r.programs[0].name, r.outputs[0].answer) == ("nearest", "fem", "niece")
    assert (r.outputs[0].sure, f"{r.outputs[0].confidence:.2f}") == (False, "0.38")
    assert db.add(name="fem", examples=[("duke", "duchess")], grow=True).pairs()[-1] == ("duke", "duchess")
    with pytest.raises(ProgdbError, match=r"grow=True"):  # a stored name, neither grown nor replaced
        db.add(name="fem", keys=["female of {word}"], examples=[("duke", "duchess")])
    r = db.query("what's the weather in Oslo")
    assert (r.mode, r.programs, r.outputs) == ("none", [], [])
    assert db.compile("make this sound like Shakespeare: see you soon").compiled[0].messages
    assert db.get("fem").keys == ["female of {word}"] and "fem" in {p["name"] for p in db.list()}
    assert '"name":"fem"' in db.export()
    db.remove("fem")
    readme = (ROOT / "README.md").read_text()
    assert "r.mode, r.programs[0].name, r.outputs[0].answer   # ('nearest', 'fem', 'niece')" in readme
    assert "# False, 0.38: a best guess" in readme and 'grow=True)' in readme

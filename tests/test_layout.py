"""The layout holds: no import cycles (between modules, and between the parts the picture draws),
models loaded in one place, every module saying what it is, and docs/architecture.md drawn from
the code as it is. The import graph is read statically, function-local imports included."""
from __future__ import annotations

import ast
import importlib.util
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
_spec = importlib.util.spec_from_file_location("draw_architecture", ROOT / "tools" / "draw_architecture.py")
draw = importlib.util.module_from_spec(_spec)
sys.modules["draw_architecture"] = draw
_spec.loader.exec_module(draw)


def _cycle(edges: dict[str, set[str]]) -> list[str] | None:
    state: dict[str, int] = {}
    path: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        path.append(node)
        for nxt in sorted(edges.get(node, ())):
            if state.get(nxt) == 1:
                return path[path.index(nxt):] + [nxt]
            if nxt not in state and (found := visit(nxt)):
                return found
        state[node] = 2
        path.pop()
        return None

    for node in sorted(edges):
        if node not in state and (found := visit(node)):
            return found
    return None


def test_the_import_graph_reads_function_local_imports():
    edges = draw.graph()
    assert "progdb.ingest.importer" in edges["progdb.db"]  # imported inside ProgramDB.import_pairs only
    assert "progdb.models" in edges["progdb.cli"]  # imported inside a command only
    assert _cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]


def test_no_module_imports_itself_back():
    assert _cycle(draw.graph()) is None


def test_no_two_parts_import_each_other():
    assert _cycle(draw.parts_graph()) is None


def test_models_load_in_one_place():
    """Only progdb/models.py builds the encoder or loads the word space, and it imports nothing that uses them."""
    builders = []
    for name, path in draw.modules().items():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call):
                f = node.func
                if (isinstance(f, ast.Name) and f.id == "Encoder") or \
                        (isinstance(f, ast.Attribute) and f.attr == "load" and getattr(f.value, "id", "") == "WordSpace"):
                    builders.append(name)
    assert builders == ["progdb.models", "progdb.models"]
    assert draw.graph()["progdb.models"] == {"progdb.text.encoder", "progdb.words.space"}
    users = {m for m, deps in draw.graph().items() if "progdb.models" in deps}
    below = {"progdb.text.encoder", "progdb.words.space"} | draw.graph()["progdb.text.encoder"] | \
        draw.graph()["progdb.words.space"]
    assert not users & below


def test_every_module_says_what_it_is():
    missing = [name for name, path in draw.modules().items() if not draw.first_line(path)]
    assert missing == []


def test_the_architecture_picture_is_drawn_from_the_code():
    assert (ROOT / "docs" / "architecture.md").read_text(encoding="utf-8") == draw.draw(), \
        "docs/architecture.md is out of date: run python tools/draw_architecture.py"


def test_the_facade_keeps_its_public_verbs():
    """ProgramDB is the public API: the layout moved code behind it, never a verb out of it."""
    from progdb.db import ProgramDB

    verbs = {"add", "grow", "remove", "get", "list", "export", "import_", "import_pairs", "import_labelled",
             "settings", "calibration", "set_calibration", "fit", "route", "route_prompts", "read",
             "slots_for", "query", "query_many", "compile", "candidates", "which", "key_neighbours",
             "detect_kind"}
    assert verbs <= {name for name in dir(ProgramDB) if not name.startswith("_")}


def test_the_readme_is_a_front_door():
    """Figures and details live in docs/; the README keeps to 250 lines."""
    assert len((ROOT / "README.md").read_text(encoding="utf-8").splitlines()) <= 250

"""`progdb plot` and `progdb map`: the files written, and what the figures show (checked against
independent numpy computations on the seeded database)."""
import json
import os
import shutil
from itertools import combinations

import numpy as np
import pytest
from click.testing import CliRunner

from progdb.plots import commands as plot_commands
from progdb.plots import draw as plots
from progdb.cli import cli
from progdb.db import ProgramDB, encoder, word_space
from progdb.errors import ProgdbError

PNG = b"\x89PNG\r\n\x1a\n"


def run(*args):
    return CliRunner().invoke(cli, list(args))


def lowest_cosines(inputs: np.ndarray, outputs: np.ndarray, k: int) -> list[int]:
    """The k pairs whose offset has the lowest cosine with the mean offset, computed here afresh."""
    offsets = outputs.astype(np.float64) - inputs
    mean = offsets.mean(axis=0)
    cos = offsets @ mean / (np.linalg.norm(offsets, axis=1) * np.linalg.norm(mean))
    return sorted(np.argsort(cos, kind="stable")[:k].tolist())


def artists(fig, gid):
    return [a for ax in fig.axes for a in ax.get_children() if a.get_gid() == gid]


def assert_png(path):
    data = path.read_bytes()
    assert data.startswith(PNG) and len(data) > 20_000


# -- projection ----------------------------------------------------------------------------------------
def test_pca_is_the_svd_of_the_centred_points():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(30, 6)) * [5, 3, 1, 1, 1, 1]
    proj = plots.fit_pca(x)
    centred = x - x.mean(axis=0)
    _, s, vt = np.linalg.svd(centred, full_matrices=False)
    assert np.allclose(np.abs(proj.points(x)), np.abs(centred @ vt[:2].T))
    assert proj.explained == pytest.approx(tuple(s[:2] ** 2 / (s ** 2).sum()))
    assert proj.axis_labels()[0].startswith("PC1 (") and "% of variance)" in proj.axis_labels()[0]
    assert np.allclose(plots.fit_pca(-x).axes, proj.axes)  # signs fixed: same picture either way round


def test_choose_pairs_keeps_outliers_then_the_first():
    cos = np.array([0.9, 0.1, 0.8, 0.05, 0.7, 0.95])
    assert plots.choose_pairs(cos, 4, 2) == ([0, 1, 2, 3], [3, 1])
    assert plots.choose_pairs(cos, 1, 2) == ([3], [3])


# -- one program -------------------------------------------------------------------------------------
def test_vector_program_pairs_outliers_and_file(seeded, tmp_path):
    data = plot_commands.pair_data(seeded, "plural", limit=30)
    space = word_space()
    usable = space.usable(seeded.get("plural").pairs())
    inputs = np.vstack([space.vector(a) for a, _ in usable])
    outputs = np.vstack([space.vector(b) for _, b in usable])
    expected = {usable[i] for i in lowest_cosines(inputs, outputs, 5)}
    assert len(data.arrows) == 30 and data.n_usable == len(usable) and data.n_pairs == len(seeded.get("plural").examples)
    assert {data.arrows[i].pair for i in data.outliers} == expected
    # The bold arrow is the program's stored offset.
    stored = seeded.store.offsets(["plural"])["plural"]
    assert np.allclose(data.offset, stored, atol=1e-5)
    fig = plots.draw_pairs(data)
    assert artists(fig, "pairs")[0].N == 30
    labelled = {t.get_text() for t in artists(fig, "outlier")}
    assert labelled == {f"{data.arrows[i].label}  ({data.arrows[i].cosine:.2f})" for i in data.outliers}
    out = plots.save(fig, tmp_path / "plural.png")
    assert_png(out)
    assert os.listdir(tmp_path) == ["plural.png"]  # no temporary file left


def test_limit_below_the_outliers_draws_only_outliers(seeded):
    data = plot_commands.pair_data(seeded, "male-to-female", limit=3)
    assert len(data.arrows) == 3 and len(data.outliers) == 3
    assert data.summary()["arrows"] == 3


def test_fewshot_program_in_key_space_as_svg(seeded, tmp_path):
    data = plot_commands.pair_data(seeded, "shakespearean")
    pairs = seeded.get("shakespearean").pairs()
    assert data.space.startswith("key space") and len(data.arrows) == len(pairs) == 21
    inputs = encoder().encode([a for a, _ in pairs])
    outputs = encoder().encode([b for _, b in pairs])
    expected = {pairs[i] for i in lowest_cosines(inputs, outputs, plots.outlier_count(21))}
    assert {data.arrows[i].pair for i in data.outliers} == expected
    out = plots.save(plots.draw_pairs(data), tmp_path / "shakespearean.svg")
    text = out.read_text()
    assert "<svg" in text[:500] and text.rstrip().endswith("</svg>") and len(text) > 20_000


def test_plot_through_the_cli(seeded_path, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    r = run("--db", seeded_path, "plot", "male-to-female")
    assert r.exit_code == 0, r.output
    assert r.output.strip() == "male-to-female.png"
    assert_png(tmp_path / "male-to-female.png")
    r = run("--db", seeded_path, "plot", "past-tense", "--limit", "12", "--out", "pt.svg", "--json")
    assert r.exit_code == 0, r.output
    summary = json.loads(r.stdout)
    assert summary["out"] == "pt.svg" and summary["arrows"] == 12 and len(summary["outliers"]) == 5
    assert (tmp_path / "pt.svg").read_text().lstrip().startswith("<?xml")


# -- two programs ------------------------------------------------------------------------------------
def test_compare_cosine_is_the_stored_offsets_cosine(seeded, seeded_path, tmp_path):
    data = plot_commands.compare_data(seeded, "comparative", "superlative", limit=15)
    a, b = (seeded.store.offsets([n])[n] for n in ("comparative", "superlative"))
    assert data.cosine == pytest.approx(float(a @ b / (np.linalg.norm(a) * np.linalg.norm(b))), abs=1e-6)
    assert f"{data.cosine:.2f}" in data.title
    assert [len(v) for v in data.arrows.values()] == [15, 15]
    out = plots.save(plots.draw_compare(data), tmp_path / "cmp.pdf")
    assert out.read_bytes().startswith(b"%PDF-")
    r = run("--db", seeded_path, "plot", "--compare", "plural", "past-tense", "--out", str(tmp_path / "c.png"),
            "--json")
    assert r.exit_code == 0, r.output
    assert json.loads(r.stdout)["programs"] == ["plural", "past-tense"]
    assert_png(tmp_path / "c.png")


# -- the map ---------------------------------------------------------------------------------------------
def test_map_query_lines_carry_the_query_weights(seeded, tmp_path):
    prompt = "comparative or superlative of big"
    result = seeded.query(prompt)
    assert result.mode == "interpolated"
    data = plot_commands.map_data(seeded, prompt)
    assert [(ln.name, ln.weight) for ln in data.lines] == [(m.name, m.weight) for m in result.programs]
    assert all(ln.retrieved for ln in data.lines) and "interpolated" in data.title
    assert data.radius > 0 and data.threshold == result.threshold
    # Ringed: the programs whose closest key clears the threshold, recomputed from the stored keys.
    labels, _, vectors = seeded.store.keys_with_vectors()
    best = {}
    for name, cos in zip(labels, vectors @ encoder().encode([result.key])[0]):
        best[name] = max(best.get(name, -1.0), float(cos))
    assert sorted(data.clearing) == sorted(n for n, c in best.items() if c >= result.threshold)
    assert {m.name for m in result.programs} <= set(data.clearing)
    fig = plots.draw_map(data)
    assert sorted(t.get_text() for t in artists(fig, "weight")) == sorted(f"{m.weight:.2f}" for m in result.programs)
    assert {t.get_text() for t in artists(fig, "label")} == {row["name"] for row in seeded.list()}
    assert len(artists(fig, "threshold")) == 1 and len(artists(fig, "query-line")) == len(result.programs)
    assert_png(plots.save(fig, tmp_path / "map.png"))


def test_map_radius_is_the_stated_approximation():
    # Points at known cosines from the query along one axis of a plane: distances are kept, so the
    # circle's radius is exactly the distance of a point at the threshold.
    cosines = np.array([0.9, 0.7, 0.5, 0.3, 0.1, -0.2])
    flat = np.sqrt(2 - 2 * cosines)
    assert plots.abstention_radius(flat, cosines, 0.6) == pytest.approx(np.sqrt(2 - 2 * 0.6))
    assert plots.abstention_radius(flat * 3, cosines, 0.6) == pytest.approx(3 * np.sqrt(0.8))


def test_map_of_an_unanswered_query_says_none(seeded):
    data = plot_commands.map_data(seeded, "what's the weather in Oslo")
    assert data.mode == "none" and "none" in data.title and data.clearing == []
    assert data.lines and not any(ln.retrieved for ln in data.lines)
    assert all(ln.label.startswith("cos ") for ln in data.lines)


def test_map_through_the_cli(seeded_path, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    r = run("--db", seeded_path, "map")
    assert r.exit_code == 0, r.output
    assert r.output.strip() == "progdb-map.png"
    assert_png(tmp_path / "progdb-map.png")
    r = run("--db", seeded_path, "map", "--query", "translate to french or spanish: cat", "--out", "q.png", "--json")
    assert r.exit_code == 0, r.output
    summary = json.loads(r.stdout)
    assert summary["programs"] == len(summary["labels"]) >= 25 and summary["query"]["mode"] == "interpolated"
    assert sum(line["weight"] for line in summary["query"]["lines"]) == pytest.approx(1.0, abs=1e-3)


@pytest.fixture(scope="module")
def crowded_db(seeded_path, tmp_path_factory):
    """The seeded database and 20 programs more: 53 labels to place."""
    path = str(tmp_path_factory.mktemp("crowded") / "db")
    shutil.copytree(seeded_path, path)
    db = ProgramDB(path=path)
    topics = ["recipes", "weather", "invoices", "poems", "emails", "jokes", "tweets", "lyrics", "contracts",
              "reviews", "headlines", "riddles", "menus", "essays", "letters", "slogans", "limericks",
              "speeches", "captions", "haiku"]
    for topic in topics:
        db.add(name=f"{topic}-style", keys=[f"rewrite this in the style of {topic}: {{text}}",
                                            f"make it sound like {topic}"],
               examples=[("the meeting is at noon", f"{topic} about a meeting at noon")], kind="fewshot")
    return db


def test_labels_do_not_overlap_at_fifty_programs(crowded_db):
    data = plot_commands.map_data(crowded_db, "make it sound like poems")
    assert len(data.points) >= 50
    fig = plots.draw_map(data)
    boxes = plots.label_boxes(fig)
    assert len(boxes) == len(data.points)
    frame = fig.axes[0].get_window_extent(fig.canvas.get_renderer())
    for a, b in combinations(boxes + plots.label_boxes(fig, "weight"), 2):
        assert not a.overlaps(b), (a, b)
    for box in boxes:
        assert frame.x0 <= box.x0 and box.x1 <= frame.x1 and frame.y0 <= box.y0 and box.y1 <= frame.y1


# -- errors and files --------------------------------------------------------------------------------------
@pytest.mark.parametrize("args, message", [
    (["plot", "no-such-program"], "no program named 'no-such-program'"),
    (["plot", "plural", "--out", "plural.jpg"], "unknown image format '.jpg'"),
    (["plot", "plural", "--out", "plural"], "unknown image format '(none)'"),
    (["plot", "plural", "--out", "missing-dir/plural.png"], "the directory missing-dir does not exist"),
    (["map", "--out", "missing-dir/map.svg"], "missing-dir/map.svg: cannot write"),
    (["plot", "plural", "--limit", "0"], "--limit must be at least 1"),
    (["plot"], "give a program NAME or --compare A B"),
    (["plot", "plural", "--compare", "plural", "past-tense"], "give a program NAME or --compare A B"),
    (["plot", "--compare", "plural", "shakespearean"], "'shakespearean' is of kind fewshot"),
    (["plot", "--compare", "plural", "plural"], "give two different programs"),  # was chromadb's DuplicateIDError
    (["map", "--query", "king: queen, man:"], "in-context demonstrations"),
])
def test_errors_are_one_line(seeded_path, tmp_path, monkeypatch, args, message):
    monkeypatch.chdir(tmp_path)
    r = run("--db", seeded_path, *args)
    assert r.exit_code == 2, r.output
    lines = r.output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: ") and message in lines[0], r.output
    assert os.listdir(tmp_path) == []


def test_unwritable_directory_is_named(seeded_path, tmp_path):
    """A read-only directory is refused before any work; root may write into one, so as root the
    test writes into /proc instead, where the write itself fails."""
    if os.geteuid() != 0:
        locked = tmp_path / "locked"
        locked.mkdir()
        locked.chmod(0o500)
        try:
            r = run("--db", seeded_path, "plot", "plural", "--out", str(locked / "p.png"))
        finally:
            locked.chmod(0o700)
        assert r.exit_code == 2 and f"the directory {locked} is not writable" in r.output
    else:
        r = run("--db", seeded_path, "plot", "plural", "--out", "/proc/p.png")
        assert r.exit_code == 2 and r.output.startswith("Error: /proc/p.png: cannot write ("), r.output
    assert len(r.output.strip().splitlines()) == 1


def test_a_failed_write_keeps_the_old_file(seeded, tmp_path, monkeypatch):
    out = tmp_path / "p.png"
    out.write_bytes(b"old")
    fig = plots.draw_pairs(plot_commands.pair_data(seeded, "comparative", limit=5))

    def broken(fh, **kwargs):
        fh.write(b"half a file")
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(fig, "savefig", broken)
    with pytest.raises(ProgdbError, match="p.png: cannot write .No space left on device."):
        plots.save(fig, out)
    assert out.read_bytes() == b"old" and os.listdir(tmp_path) == ["p.png"]


def test_a_program_without_pairs_in_the_space(seeded, tmp_path, monkeypatch):
    from progdb import models as db_module
    from progdb.words.space import WordSpace

    tiny = WordSpace(np.eye(3, dtype=np.float32), ["red", "green", "blue"])
    monkeypatch.setattr(db_module, "word_space", lambda: tiny)
    n = len(seeded.get("plural").examples)
    with pytest.raises(ProgdbError, match=f"program 'plural': none of its {n} pairs are in the word space"):
        plot_commands.pair_data(seeded, "plural")
    empty = ProgramDB(path=str(tmp_path / "db"), seed=False)
    empty.add(name="bare", keys=["do the bare thing to {text}"], kind="fewshot")
    with pytest.raises(ProgdbError, match="program 'bare' has no example pairs to plot"):
        plot_commands.pair_data(empty, "bare")
    empty.add(name="greet", keys=["hello there", "good morning"], kind="intent")
    with pytest.raises(ProgdbError, match="program 'greet' is of kind intent"):
        plot_commands.pair_data(empty, "greet")
    assert [p.kind for p in plot_commands.map_data(empty).points] == ["fewshot", "intent"]

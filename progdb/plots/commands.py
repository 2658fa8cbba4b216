"""The `plot` and `map` commands: pictures of programs (draw.py computes and draws them).

cli.py adds them to its group with `commands.register(cli, _db)`; this module imports nothing
from cli.py, so there is no import cycle. The *_data functions read the database and return what a
figure shows, for the commands and for the tests.
"""
from __future__ import annotations

import json

import click
import numpy as np

from progdb import models
from progdb.plots import draw as plots
from progdb.errors import ProgdbError

KEY_SPACE = "key space (all-MiniLM-L6-v2)"


# -- what is drawn, from the database -------------------------------------------------------------------
def _word_embed(space):
    return lambda texts: np.vstack([space.vector(t) for t in texts])


def _text_embed(texts):
    return models.encoder().encode_cached(list(texts))


def _vector_pairs(program, space) -> list[tuple[str, str]]:
    usable = space.usable(program.pairs())
    if not usable:
        raise ProgdbError(f"program '{program.name}': none of its {len(program.examples)} pairs are in the "
                          f"word space ({space.name}): nothing to plot")
    return usable


def pair_data(db, name: str, limit: int = plots.DEFAULT_LIMIT) -> plots.PairPlot:
    """A vector program's pairs in word space; a fewshot program's in key space (only its first
    TEXT_POOL pairs: each one is embedded to find the outliers, and encoding is the slow part)."""
    program = db.get(name)
    if program.kind in ("intent", "negative"):
        raise ProgdbError(f"program '{name}' is of kind {program.kind}: its examples are prompts to route, "
                          "not pairs to plot (progdb map shows it among the others)")
    if not program.examples:
        raise ProgdbError(f"program '{name}' has no example pairs to plot")
    n = len(program.examples)
    if program.kind == "vector":
        space = models.word_space()
        return plots.pair_plot(name, "vector", _vector_pairs(program, space), _word_embed(space),
                               f"word space ({space.name})", limit, n, "in the word space")
    pool = program.pairs()[: plots.TEXT_POOL]
    which = f"embedded (the first {len(pool)} of {n})" if len(pool) < n else "embedded"
    return plots.pair_plot(name, program.kind, pool, _text_embed, KEY_SPACE, limit, n, which)


def compare_data(db, a: str, b: str, limit: int = plots.DEFAULT_LIMIT) -> plots.ComparePlot:
    """Two vector programs: their stored offsets, and their pairs in one shared plane."""
    if a == b:
        raise ProgdbError(f"--compare: give two different programs (got '{a}' twice)")
    programs = [db.get(a), db.get(b)]
    for p in programs:
        if p.kind != "vector":
            raise ProgdbError(f"--compare: program '{p.name}' is of kind {p.kind}; only vector programs have "
                              "an offset in word space")
    stored = db.store.offsets([a, b])
    for name in (a, b):
        if name not in stored:
            raise ProgdbError(f"--compare: program '{name}' has no stored offset")
    space = models.word_space()
    pairs = {p.name: _vector_pairs(p, space) for p in programs}
    return plots.compare_plot((a, b), np.vstack([stored[a], stored[b]]), pairs, _word_embed(space),
                              space.name, limit)


def map_query(db, prompt: str, labels: list[str], key_vectors: np.ndarray) -> plots.MapQuery:
    """Run the query, embed its key the way routing did (models.encoder().encode), and score every
    program by its closest key (`labels`, `key_vectors`: every stored key), as the similarity
    router does."""
    result = db.query(prompt)
    if result.mode == "in-context" or not result.key:
        raise ProgdbError(f"--query: '{prompt}' is read as in-context demonstrations, which are not routed by "
                          "a key: it has no place on the map")
    vector = models.encoder().encode([result.key])[0]
    scores: dict[str, float] = {}
    for name, cos in zip(labels, key_vectors @ vector):
        scores[name] = max(scores.get(name, -1.0), float(cos))
    return plots.MapQuery(prompt, result.key, vector, result.mode, result.threshold,
                          [(m.name, m.score, m.weight) for m in result.programs],
                          [(m.name, m.score) for m in result.candidates], scores,
                          threshold_is_cosine=result.router != "classifier")


def map_data(db, prompt: str | None = None) -> plots.MapPlot:
    labels, _, vectors = db.store.keys_with_vectors()
    with_keys = set(labels)
    programs = [(row["name"], row["kind"]) for row in db.list() if row["name"] in with_keys]
    if not programs:
        raise ProgdbError("the database holds no programs to map")
    rows = plots.centroids(labels, vectors, [name for name, _ in programs])
    query = None if prompt is None else map_query(db, prompt, labels, vectors)
    return plots.map_plot(programs, rows, query)


# -- the commands -----------------------------------------------------------------------------------------
json_option = click.option("--json", "as_json", is_flag=True, help="Print what was plotted as JSON.")
out_option = click.option("--out", "-o", metavar="FILE",
                          help="The image to write: .png, .svg or .pdf, by its suffix.")


def _write(fig_data, draw, out: str, as_json: bool) -> None:
    path = plots.save(draw(fig_data), out)
    if as_json:
        click.echo(json.dumps({"out": str(path), **fig_data.summary()}, ensure_ascii=False, indent=2))
    else:
        click.echo(str(path))


def plot_command(get_db) -> click.Command:
    @click.command("plot", short_help="Draw a program's pairs as arrows, or compare two programs' offsets.")
    @click.argument("name", required=False)
    @click.option("--compare", nargs=2, metavar="A B", default=None,
                  help="Two vector programs' offsets side by side, with their cosine.")
    @out_option
    @click.option("--limit", default=plots.DEFAULT_LIMIT, show_default=True,
                  help="Pairs drawn (per program); the outliers are always among them.")
    @json_option
    @click.pass_context
    def plot(ctx, name, compare, out, limit, as_json):
        """Draw program NAME's example pairs as arrows from input to output in a 2-D PCA of word space
        (vector programs) or key space (fewshot), its mean offset in bold and the pairs least like
        it labelled; or, with --compare A B, two programs' offsets. Prints the file written
        [default: NAME.png, A-vs-B.png]."""
        if bool(name) == bool(compare):
            raise ProgdbError("plot: give a program NAME or --compare A B (not both)")
        if limit < 1:
            raise ProgdbError("--limit must be at least 1")
        out = str(plots.check_out(out or (f"{compare[0]}-vs-{compare[1]}.png" if compare else f"{name}.png")))
        if compare:
            _write(compare_data(get_db(ctx), compare[0], compare[1], limit), plots.draw_compare, out, as_json)
        else:
            _write(pair_data(get_db(ctx), name, limit), plots.draw_pairs, out, as_json)

    return plot


def map_command(get_db) -> click.Command:
    @click.command("map", short_help="Draw every program in key space; --query shows where a prompt lands.")
    @out_option
    @click.option("--query", "prompt", metavar="PROMPT",
                  help="Place a prompt's key too, with lines to the programs it retrieves and the threshold.")
    @json_option
    @click.pass_context
    def map_(ctx, out, prompt, as_json):
        """Draw every program as a point in a 2-D PCA of key space (its keys' centroid), coloured by
        kind; with --query, where the prompt's key falls and what it retrieves. Prints the file
        written [default: progdb-map.png]."""
        out = str(plots.check_out(out or "progdb-map.png"))
        _write(map_data(get_db(ctx), prompt), plots.draw_map, out, as_json)

    return map_


def register(cli: click.Group, get_db) -> None:
    """Add `plot` and `map` to the group; get_db(ctx) returns the ProgramDB."""
    cli.add_command(plot_command(get_db))
    cli.add_command(map_command(get_db))

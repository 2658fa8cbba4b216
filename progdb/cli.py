"""The `progdb` command: one click group, each command a thin layer over ProgramDB."""
from __future__ import annotations

import contextlib
import difflib
import json
import os
import re
import sys
import tempfile
import time
from collections import deque
from pathlib import Path

import click

from progdb.plots import commands as plot_commands
from progdb.errors import ProgdbError
from progdb.text.fewshot import DEFAULT_BUDGET
from progdb.words.methods import DEFAULT_METHOD, METHODS


# Exit codes, as grep has them: scripts can tell an answer from none from a failure.
EXIT_OK, EXIT_NONE, EXIT_ERROR = 0, 1, 2
EXIT_INTERRUPTED = 130  # Ctrl-C, as a shell reports SIGINT
EXIT_CODES_HELP = ("Exit status: 0 every prompt answered; 1 no answer (no program fits, the program got no "
                   "input, or an input's best guess is too unsure to give); 2 an error (bad usage or input, a word outside the word "
                   "space, an unreachable LLM). A batch exits with the worst status of its prompts.")


class CommandError(click.ClickException):
    """A failure: one line on stderr, exit status 2."""
    exit_code = EXIT_ERROR


GLOBAL_OPTIONS = ("--db", "--server", "--no-seed")  # progdb's own options, given before the command


class ProgdbGroup(click.Group):
    """Every failure is one line on stderr and exit status 2, never a traceback
    (set PROGDB_DEBUG=1 to see one)."""

    def resolve_command(self, ctx, args):
        for option, value in (("--db", ctx.params.get("path")), ("--server", ctx.params.get("server"))):
            # "progdb --db --db mps query …" made a database named "--db": an option is no path
            if value and value.startswith("-") and not os.path.exists(value):
                raise click.UsageError(f"{option} needs a {'path' if option == '--db' else 'URL'}, "
                                       f"not the option '{value}'", ctx)
        try:
            return super().resolve_command(ctx, args)
        except click.UsageError as exc:
            # "progdb capital of peru": a prompt typed without its command
            if "No such command" in exc.message and args and \
                    not difflib.get_close_matches(args[0], self.list_commands(ctx)):  # (click says "Did you mean")
                exc.message += f" To ask it as a prompt: progdb query \"{' '.join(args)}\""
            raise

    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except ProgdbError as exc:
            if os.environ.get("PROGDB_DEBUG"):
                raise
            raise CommandError(str(exc)) from None
        except click.NoSuchOption as exc:
            if exc.option_name in GLOBAL_OPTIONS and exc.ctx is not None and exc.ctx.parent is not None:
                # "progdb query --db x ...": say where the option goes, not only that it is unknown here
                exc.message += (f" ({exc.option_name} is progdb's own option: put it before the command, "
                                f"progdb {exc.option_name} … {exc.ctx.info_name} …)")
            raise
        except click.ClickException as exc:
            if type(exc) is click.ClickException:
                exc.exit_code = EXIT_ERROR
            raise
        except BrokenPipeError:
            # `progdb list | head` is not an error. Click would exit 1 ("no answer" here); the
            # reader has gone, so what is left to print goes nowhere (Python's advice for SIGPIPE).
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            raise click.exceptions.Exit(0) from None
        except click.exceptions.Exit:
            raise
        except (click.Abort, KeyboardInterrupt):
            # Ctrl-C: exit 130, as shells report SIGINT, not 1 ("no answer"). What an import stored stays
            # (each batch is whole), and running it again skips it.
            again = "; what was stored stays, and the same import again adds the rest" \
                if ctx.invoked_subcommand == "import" else ""
            click.echo(f"\nprogdb: interrupted{again}", err=True)
            raise click.exceptions.Exit(EXIT_INTERRUPTED) from None
        except Exception as exc:  # an unexpected failure still gets one readable line
            if os.environ.get("PROGDB_DEBUG"):
                raise
            text = " ".join(f"{type(exc).__name__}: {exc}".split())
            raise CommandError(text if len(text) <= 300 else text[:299] + "…") from None


def _db(ctx: click.Context):
    """Open the database on first use, so `--help` never touches it. Creating one is never a
    surprise: it is announced on stderr (where, what is seeded, about how long) before it starts."""
    root = ctx.find_root()
    obj = root.obj
    if obj.get("db") is None:
        from progdb.db import ProgramDB

        _check_mistyped_db(obj["path"], root.invoked_subcommand, obj["seed"])

        def notice(text: str) -> None:
            click.echo(f"progdb: {text}", err=True)

        obj["db"] = ProgramDB(path=obj["path"], server=obj["server"], seed=obj["seed"], notice=notice)
        if sys.stderr.isatty():  # a person waiting at a terminal hears why; scripts' stderr stays quiet
            from progdb import models

            models.encoder().notice = notice
    return obj["db"]


# Commands that only read: given a --db that does not exist beside one a slip away, they point there
# instead of seeding a new database that would answer without the user's programs.
READING_COMMANDS = {"query", "list", "show", "which", "export", "compile", "serve", "plot", "map"}
# Words of a key that say nothing of what is asked: a key of these and a slot reads any question
BROAD_KEY_WORDS = frozenset("what whats what's is are was the a an of for me tell give show please pls define "
                            "explain which who how about".split())


def _check_mistyped_db(path: str | None, command: str | None, seed: bool = True) -> None:
    from progdb.query.typos import edit_distance
    from progdb.storage.locking import near_database

    def slipped(typed: str, name: str) -> bool:  # one slip: db_plain is another name beside db_main
        return edit_distance(typed, name) <= 1

    reading = command in READING_COMMANDS and seed  # (--no-seed asks for a new, empty database: run2 beside run1)
    near = near_database(Path(path), slipped, next_ones=not reading) if path and command else None
    if near is not None and reading:
        raise ProgdbError(f"--db {path}: no database there; did you mean {near}? ({command} makes no new "
                          "database beside one of a near name; add or import creates one)")
    if near is not None:  # a command that writes makes the new database, and says what it may be a slip of
        click.echo(f"progdb: note: --db {path} is new, beside {near}: if that is the one meant, "
                   f"`rm -r {path}` undoes this", err=True)
    elif reading and path:
        # ...and a query a new one beside any other (a fan's "--db …/nfl" for their "…/db" seeded a second, unnoted)
        other = near_database(Path(path), lambda typed, name: True, next_ones=False)
        if other is not None:
            click.echo(f"progdb: note: --db {path} is new, beside the database {other}: if that is the one meant, "
                       f"`rm -r {path}` undoes this", err=True)


def _echo_json(data) -> None:
    """Indented at a terminal; one line when piped or written to a file (`>> answers.jsonl` makes JSON
    lines, as `query -` writes them: three trials' scripts appended multi-line objects)."""
    click.echo(json.dumps(data, ensure_ascii=False, indent=2 if sys.stdout.isatty() else None))


json_option = click.option("--json", "as_json", is_flag=True, help="Print JSON instead of text.")
shots_option = click.option("--shots", default=4, show_default=True, help="Examples in a compiled few-shot prompt.")
budget_option = click.option("--budget", default=DEFAULT_BUDGET, show_default=True, metavar="CHARS",
                             help="Characters a compiled few-shot prompt may take; demonstrations that do not "
                             "fit are left out.")


@click.group(cls=ProgdbGroup, context_settings={"help_option_names": ["-h", "--help"]}, epilog=EXIT_CODES_HELP)
@click.option("--db", "path", envvar="PROGDB_DB", metavar="PATH",
              help="Embedded database directory [env PROGDB_DB; default: the user data directory].")
@click.option("--server", envvar="PROGDB_SERVER", metavar="URL",
              help="A chroma server (`chroma run`), e.g. http://127.0.0.1:8000 [env PROGDB_SERVER].")
@click.option("--no-seed", is_flag=True, help="Create a new database empty instead of seeding the built-in programs.")
@click.version_option(package_name="progdb")
@click.pass_context
def cli(ctx, path, server, no_seed):
    """progdb: a vector database of programs.

    Register transform programs with their example pairs, then query them with free-text prompts:
    the prompt is split into a program key and inputs, the key retrieves a program (or an
    interpolation of close ones, or honestly none), and the program runs.
    """
    if path and server:
        raise click.UsageError("use --db or --server, not both")
    ctx.obj = {"path": path, "server": server, "seed": not no_seed, "db": None}


@cli.command()
@click.argument("name", required=False)
@click.option("--key", "-K", "keys", multiple=True, metavar="TEXT",
              help="A phrasing of the request; repeat for more. {slot} marks where inputs go.")
@click.option("--description", "-d", default="", help="What the program does (a fewshot prompt's instruction).")
@click.option("--kind", type=click.Choice(["auto", "vector", "fewshot", "intent", "negative"]), default=None,
              help="auto: vector when most pairs are in the word space, else fewshot; intent: only routed "
              "to; negative: prompts that must route nowhere.  [default: auto; a grown program keeps its kind]")
@click.option("--example", "-e", "examples", nargs=2, multiple=True, metavar="IN OUT", help="One example pair.")
@click.option("--examples", "examples_file", type=click.Path(dir_okay=False), metavar="FILE",
              help="Example pairs from a csv, tsv, jsonl or json file.")
@click.option("--file", "-f", "program_file", type=click.Path(dir_okay=False), metavar="FILE",
              help="A whole program from a JSON or YAML file (fields as in seeds/).")
@click.option("--source", default=None, help="Where the examples come from.")
@click.option("--license", "license_", default=None, help="The examples' licence.")
@click.option("--opposite", default=None, metavar="NAME",
              help="The program a request for less of this one asks for (\"less formal\" -> casual).")
@click.option("--reverse", multiple=True, metavar="WORD",
              help="A word a request for this program's way back asks for (plural: --reverse singular); "
              "such requests are not this program's. Repeatable.")
@click.option("--header/--no-header", default=None,
              help="--examples csv/tsv: the first row is a header (column names), or a pair (default: told from the row).")
@click.option("--replace", is_flag=True, help="Replace a program of the same name with exactly what is given "
              "(its old keys and examples go).")
@click.option("--one-output", is_flag=True, help="A given input's output replaces the ones it has (mends a wrong "
              "pair: --example silver Ag --one-output); without it an input keeps every output it is given.")
@json_option
@click.pass_context
def add(ctx, name, keys, description, kind, examples, examples_file, program_file, source, license_, opposite,
        reverse, header, replace, one_output, as_json):
    """Register a program NAME with its keys and example pairs, or a whole program file:
    `progdb add my-program.yaml` (JSON or YAML with name, keys, description, examples, as in seeds/).

    NAME already stored: its program grows (new keys and pairs are added, a description given
    replaces the old one), unless --replace."""
    from dataclasses import replace as with_fields

    from progdb.ingest.bulk import examples_from_file
    from progdb.program import Example, Program, key_from_name, key_slots, key_text, validate, with_name_key
    from progdb.ingest.library import load_program_file
    from progdb.query.wording import words_of

    if not program_file and name and (name.endswith((".json", ".yaml", ".yml")) or "/" in name):
        if not Path(name).is_file():
            raise ProgdbError(f"{name}: no such file" if not Path(name).exists() else f"{name}: not a file")
        program_file, name = name, None
    elif name and not program_file and _is_file(name):  # "add notes.txt" made a program named notes.txt
        raise ProgdbError(f"{name}: a program file is .json, .yaml or .yml (pairs in a file: `progdb import {name} "
                          "--program NAME`, or `add NAME --examples FILE`)")
    if program_file:
        program = load_program_file(Path(program_file))
        if name:
            program.name = name
    else:
        if not name:
            raise ProgdbError("add: give a program NAME (or --file FILE)")
        program = Program(name=name, kind="auto", keys=[], description=description or "")
    program.keys += [k for k in keys if k not in program.keys]
    program.examples += [Example(a, b) for a, b in examples]
    if examples_file:
        _say_first_row_reading(examples_file, header, program.name)
        program.examples += examples_from_file(examples_file, program.name, header)
    if kind:
        program.kind = kind
    if description:
        program.description = description
    if source is not None:
        program.source = source
    if license_ is not None:
        program.license = license_
    if opposite is not None:
        program.opposite = opposite
    if reverse:
        program.reverse = list(dict.fromkeys(program.reverse + list(reverse)))
    if not program_file and not (keys or examples or examples_file or description or kind or source or license_
                                 or opposite or reverse):
        # (`add sigs3` alone made a program of nothing but its name, which then answered no prompt)
        raise ProgdbError(f"add {name}: nothing to add; give it pairs (--example IN OUT, --examples FILE), keys "
                          "(--key \"… {word}\"), a --description, or a program --file")
    db = _db(ctx)
    before = _stored_or_none(db, program.name)
    if (before is None or replace) and not program.keys and program.kind not in ("intent", "negative"):
        # As import does: a new program given no phrasing is found by its name (a name that is no
        # name is said first: "Bad_Name!" gets no note before its error).
        program = with_fields(program, keys=[key_from_name(program.name)])
        validate(program)
        click.echo(f"note: no --key given: {program.name} is found by its name, '{program.keys[0]}' "
                   "(add phrasings with --key)", err=True)
    elif (before is None or replace) and not program_file and program.kind not in ("intent", "negative"):
        # ...and with phrasings too; --replace makes it new again (a teacher's replaced program lost its name key)
        program = with_fields(program, keys=with_name_key(program.keys, program.name))
    if before is not None and not replace:
        stored, change = db.grow(program, kind_given=bool(kind) or bool(program_file), one_output=one_output)
        fields = ("description", "opposite", "reverse", "kind", "source", "license")
        action = "grew" if any(change.values()) or any(getattr(stored, f) != getattr(before, f) for f in fields) \
            else "unchanged"
    else:
        stored, change = db.add(program, replace=replace), None
        action = "replaced" if before is not None else "added"
        if before is None and not as_json:
            _note_near_names(db, [stored.name], importing=False)  # "baby-animals" beside baby-animal
    for key in program.keys:
        if stored.kind in ("vector", "fewshot") and key_slots(key) and not set(words_of(key_text(key))) - BROAD_KEY_WORDS:
            # an estate agent's "whats {word}" took "whats the capital of canada" and "whats the weather" as theirs
            click.echo(f"warning: key '{key}' is question words and a slot alone: it reads any question asked so "
                       f"(\"{key_text(key)} the capital of canada\" as {stored.name}'s); a word of what it asks keeps "
                       f"it to yours (\"{key} in real estate\")", err=True)
    for key, other, other_key, score in db.key_neighbours(stored, before=None if replace else before):
        click.echo(f"warning: key '{key}' is nearly the same as key '{other_key}' of program '{other}' "
                   f"(similarity {score:.2f}): prompts that match both go to either "
                   "(`progdb query --explain` shows which)", err=True)
    if action != "unchanged":
        # (said once: when the program is new, or grows while it was answering: a student read it on every add)
        if before is None or replace or not _unanswerable(db, before):
            _note_unanswerable(db, stored)
        if before is None and kind in (None, "auto"):
            _note_words_as_texts(db, stored)
        _note_outside_space(stored, program.examples)
        if change is not None and not one_output:
            _note_second_outputs(stored, program.examples)
    if as_json:
        _echo_json({"name": stored.name, "kind": stored.kind, "n_keys": len(stored.keys),
                    "n_examples": len(stored.examples), "action": action, "replaced": action == "replaced",
                    **({"added_keys": change["keys"], "added_examples": change["examples"]} if change else {})})
        return
    now = f"{stored.kind}, {_count(len(stored.keys), 'key')}, {_count(len(stored.examples), 'example')}"
    if change is not None:
        described = ", a description" if stored.description and not before.description else ""  # (a new one: said)
        swapped = f", {change['replaced']} replaced" if change.get("replaced") else ""
        click.echo(f"{action} {stored.name} (+{_count(change['keys'], 'key')}, +{_count(change['examples'], 'example')}"
                   f"{swapped}{described}; now {now})")
        for field in ("description", "kind"):  # a program file of the same name changes what the program does
            if getattr(before, field) and getattr(stored, field) != getattr(before, field):
                click.echo(f"note: {stored.name}'s {field} is now '{getattr(stored, field)}' (it was "
                           f"'{getattr(before, field)}'; --replace swaps the whole program)", err=True)
        return
    click.echo(f"{action} {stored.name} ({now})")
    if before is not None:
        lost_keys = len([k for k in before.keys if k not in stored.keys])
        kept = {(e.input, e.output) for e in stored.examples}
        lost = len([e for e in before.examples if (e.input, e.output) not in kept])
        # (a fewshot program's description is its instruction: one replaced without -d is gone)
        gone = " and its description" if before.description and not stored.description else ""
        if lost_keys or lost or gone:
            click.echo(f"note: --replace dropped {_count(lost_keys, 'key')} and {_count(lost, 'example')}{gone} of the old {stored.name} "
                       "(without --replace, add grows a program)", err=True)


def _note_second_outputs(stored, given) -> None:
    """An input given a new output keeps its old ones ("silver -> Si / Ag"): say so, and how a wrong
    pair is mended (a student added silver Ag to fix silver Si and got both)."""
    from progdb.program import outputs_by_input

    outputs = outputs_by_input(stored.pairs())
    now = outputs_by_input([(e.input, e.output) for e in given])
    for e in {e.input.strip().lower(): e for e in given}.values():
        held = outputs.get(e.input.strip().lower(), [])
        # (not where every output is one given now: a setter's "--example nothing O --example nothing NIL")
        if len(held) > 1 and e.output in held and not set(held) <= set(now.get(e.input.strip().lower(), [])):
            click.echo(f"note: '{e.input}' now answers {' / '.join(held)} (an input keeps every output it is "
                       f"given; --one-output makes '{e.output}' its only one)", err=True)


def _unanswerable(db, program) -> bool:
    """Was the note below due for the program as it was (so a grown program is not told again)?"""
    try:
        return _note_unanswerable(db, program, say=False)
    except ProgdbError:
        return False


def _note_unanswerable(db, program, say: bool = True) -> bool:
    """A small vector program whose arithmetic finds too few of its own pairs will refuse every input
    it does not store (its guesses are capped below the refusal floor): said when it is stored, not
    discovered query by query (a student's six-pair animal-young refused every new animal). Unless its
    pairs take one suffix, which then answers (execute._suffixed, by the same measure): said instead."""
    from progdb.query.confidence import REFUSE
    from progdb.query.execute import DEFAULT_METHOD, measured_cap

    if program.kind != "vector":
        return False
    wp = db.pipeline.catalog.word_program(program)
    taken = wp.suffix_taken(DEFAULT_METHOD)
    if taken is not None:
        suffix, right, tried, _ = taken
        if say:
            click.echo(f"note: {program.name}'s pairs take one suffix, +{suffix} ({right} of its {tried} pairs "
                       "spelt by it, each left out in turn): a word it does not store is spelt by it, where that makes "
                       "a common word near it in meaning", err=True)
        return True
    found = wp.measured(DEFAULT_METHOD)
    cats = wp.categories()
    by_category = cats.measured() if cats is not None else None
    if by_category and by_category[1] and (found is None or by_category[0] >= found[0]) and \
            measured_cap(*by_category) >= REFUSE:
        # (a setter was told their abbreviations answer only what they store, then given "nothing -> C?")
        if say:
            click.echo(f"note: {program.name}'s outputs are categories, each of several inputs: a word it does not "
                       f"store gets the category of the stored word nearest it, which finds {by_category[0]} of its "
                       f"{by_category[1]} stored pairs when each is left out (its answers say how sure they are)",
                       err=True)
        return True
    if found is not None and measured_cap(*found) < REFUSE:
        if say:
            click.echo(f"note: {program.name}'s arithmetic finds {found[0]} of its {found[1]} pairs when each is "
                       "left out and worked out from the others, so it answers only the inputs it stores (more "
                       "pairs, or --kind fewshot with an LLM, can help)", err=True)
        return True
    return False


def _note_words_as_texts(db, program) -> None:
    """A new program of word pairs that became a program of texts (most of its pairs have a word outside
    the word space: "perro -> perrito"), and no string rule spells them all: say how it answers a word
    it does not store (a researcher's diminutives printed compiled prompts, unexplained)."""
    from progdb import models

    pairs = [(e.input, e.output) for e in program.examples]
    if program.kind != "fewshot" or not pairs or any(len(a.split()) > 1 or len(b.split()) > 1 for a, b in pairs) \
            or db.pipeline.catalog.symbolic(program.name) is not None:
        return
    lacking = models.word_space().lacking(pairs)
    if not lacking:  # (its pairs are words that keep their word, okra -> okra: no arithmetic to miss)
        return
    click.echo(f"note: {program.name} is a program of texts: {len(lacking)} of its {len(pairs)} pairs have a word "
               f"outside the word space ({_listed([f'{a} -> {b}' for a, b in lacking])}), so no arithmetic learns "
               "from them; a word it does not store is answered by an LLM (--llm), without one by the prompt it would "
               "send", err=True)


def _note_outside_space(program, given) -> None:
    """A word program's given pairs with a word outside the word space: stored, answered as
    stored, but its arithmetic cannot learn from them (a typo in a pair is the usual cause)."""
    from progdb import models

    if program.kind != "vector":
        return
    lacking = models.word_space().lacking(list(dict.fromkeys((e.input, e.output) for e in given)))
    if lacking:
        _say_outside_space(program.name, [f"{a} -> {b}" for a, b in lacking])


def _say_outside_space(name: str, pairs: list[str]) -> None:
    count = "1 pair has" if len(pairs) == 1 else f"{len(pairs)} pairs have"
    click.echo(f"note: {name}: {count} a word outside the word space ({_listed(pairs)}); answered as stored, "
               "the arithmetic cannot learn from " + ("it" if len(pairs) == 1 else "them"), err=True)


def _listed(items: list[str], shown: int = 3) -> str:
    return "; ".join(items[:shown]) + ("; …" if len(items) > shown else "")


def _stored_or_none(db, name: str):
    try:
        return db.get(name)
    except ProgdbError:
        return None


@cli.command("list")
@json_option
@click.pass_context
def list_(ctx, as_json):
    """List the programs: name, kind, number of keys and examples."""
    rows = _db(ctx).list()
    if as_json:
        _echo_json(rows)
        return
    if not rows:
        click.echo("no programs (add one with `progdb add`)")
        return
    width = max(len(r["name"]) for r in rows)
    click.echo(f"{'name':<{width}}  {'kind':<8}  {'keys':>5}  {'examples':>8}  description")
    for r in rows:
        click.echo(f"{r['name']:<{width}}  {r['kind']:<8}  {r['n_keys']:>5}  {r['n_examples']:>8}  {r['description']}")


@cli.command()
@click.argument("name", required=False)
@click.option("--limit", default=10, show_default=True, help="Examples to print (text output only).")
@click.option("--calibration", is_flag=True, help="Show how keys are routed (set by `progdb fit`) instead.")
@json_option
@click.pass_context
def show(ctx, name, limit, calibration, as_json):
    """Show one program whole (or the database's routing calibration)."""
    if calibration:
        cal = _db(ctx).calibration()
        if as_json:
            _echo_json(cal)
        else:
            for k, v in cal.items():
                click.echo(f"{k}: {json.dumps(v) if isinstance(v, dict) else v}")
        return
    if not name:
        raise ProgdbError("show: give a program NAME (or --calibration)")
    program = _db(ctx).get(name)
    if as_json:
        _echo_json(program.card())
        return
    click.echo(f"{program.name} ({program.kind})")
    if program.description:
        click.echo(f"  {program.description}")
    click.echo("keys:")
    for k in program.keys:
        click.echo(f"  - {k}")
    click.echo(f"examples ({len(program.examples)}):")
    for e in program.examples[:limit]:
        click.echo(f"  {_one_line(e.input)}  ->  {_one_line(e.output)}")
    if len(program.examples) > limit:
        click.echo(f"  ... {len(program.examples) - limit} more (--limit N, or --json)")
    if program.source:
        click.echo(f"source: {program.source}")
    if program.license:
        click.echo(f"license: {program.license}")


def _one_line(text: str, width: int = 70) -> str:
    flat = " / ".join(line.strip() for line in text.splitlines() if line.strip())
    return flat if len(flat) <= width else flat[: width - 1] + "…"


@cli.command()
@click.argument("name")
@click.option("--input", "inputs", multiple=True, metavar="TEXT",
              help="Remove only the example pairs of this input (repeatable); the program stays.")
@click.option("--output", "output", metavar="TEXT", help="With --input: only its pair of this output (a wrong "
              "second answer: --input W --output wat), its others kept.")
@click.option("--key", "keys", multiple=True, metavar="TEXT",
              help="Remove only this key (repeatable; a key too broad: \"what is {text}\"); pairs and other keys stay.")
@click.option("--yes", "-y", is_flag=True, help="Remove without asking (a terminal is asked first, pairs too).")
@json_option
@click.pass_context
def remove(ctx, name, inputs, output, keys, yes, as_json):
    """Remove a program and all its records, or, with --input, only some of its example pairs, or,
    with --key, only some of its keys."""
    if output is not None and not inputs:
        raise click.UsageError("--output names one pair of an --input: give --input too")
    if keys and inputs:
        raise click.UsageError("--key and --input remove one thing each: run remove once for keys, once for pairs")
    if keys:
        if not yes and sys.stdin.isatty() and sys.stdout.isatty():
            shown = "; ".join(f"'{k}'" for k in keys)
            if not click.confirm(f"remove {_count(len(keys), 'key')} of {name} ({shown})?", default=False, err=True):
                click.echo("nothing removed", err=True)
                raise SystemExit(EXIT_NONE)
        program, dropped_keys = _db(ctx).drop_keys(name, list(keys))
        if as_json:
            _echo_json({"program": name, "removed_keys": dropped_keys, "keys": program.keys})
            return
        for key in dropped_keys:
            click.echo(f"removed {name}: key '{key}'")
        click.echo(f"{name} keeps {_count(len(program.keys), 'key')}: {'; '.join(program.keys[:6])}"
                   + (" …" if len(program.keys) > 6 else ""))
        return
    if not inputs:
        if not yes and sys.stdin.isatty() and sys.stdout.isatty():  # a person typed it: a whole program goes
            _confirm_removal(_db(ctx), name)
        _db(ctx).remove(name)
        if as_json:
            _echo_json({"removed": name})
        else:
            click.echo(f"removed {name}")
        return
    if not yes and sys.stdin.isatty() and sys.stdout.isatty():  # a person typed it: say which pairs go
        pairs = _db(ctx).pairs_of(name, list(inputs), output)
        shown = ", ".join(f"{_one_line(a, 30)} -> {_one_line(b, 30)}" for a, b in pairs[:5]) + \
            (" …" if len(pairs) > 5 else "")
        if not click.confirm(f"remove {_count(len(pairs), 'pair')} of {name} ({shown})?", default=False, err=True):
            click.echo("nothing removed", err=True)
            raise SystemExit(EXIT_NONE)
    program, dropped = _db(ctx).drop_pairs(name, list(inputs), output)
    if as_json:
        _echo_json({"program": name, "removed_pairs": [list(p) for p in dropped], "examples": len(program.examples)})
        return
    for a, b in dropped:
        click.echo(f"removed {name}: {a} -> {b}")
    click.echo(f"{name} keeps {_count(len(program.examples), 'example')}")


def _confirm_removal(db, name: str) -> None:
    """Ask before a whole program goes: two trials removed one (the built-in plural among them)
    with no question asked and no word on how to bring it back."""
    from progdb.paths import seeds_dir

    program = db.get(name)  # (a missing name: its error, with a did-you-mean)
    built_in = (seeds_dir() / f"{name}.json").is_file()
    back = "a new database has it again" if built_in else "`progdb export` first keeps a copy"
    if not click.confirm(f"remove {name} ({'built-in, ' if built_in else ''}{_count(len(program.keys), 'key')}, "
                         f"{_count(len(program.examples), 'example')}; {back})?", default=False, err=True):
        click.echo("nothing removed", err=True)
        raise SystemExit(EXIT_NONE)


@cli.command()
@click.argument("names", nargs=-1, metavar="[NAME]...")
@click.option("--output", "-o", "file", type=click.Path(dir_okay=False), metavar="FILE",
              help="Write to FILE instead of stdout (an existing FILE only with --force).")
@click.option("--force", is_flag=True, help="Overwrite an existing --output FILE.")
@click.pass_context
def export(ctx, names, file, force):
    """Write programs as JSON lines (one program card a line): every program, or the NAMEs given,
    to stdout or --output FILE. `progdb import FILE` reads it back."""
    db = _db(ctx)
    if names:
        stored = {r["name"] for r in db.list()}
        for name in names:
            if name not in stored:
                if "." in name or "/" in name:
                    raise ProgdbError(f"export: no program named '{name}' (to write a file: progdb export -o {name})")
                db.get(name)  # its error names the program meant: "did you mean 'false-friends'?"
                raise ProgdbError(f"export: no program named '{name}'")
    text = db.export(names=list(names) or None)
    if not file or file == "-":
        click.echo(text, nl=False)
        return
    target = Path(file)
    if target.exists() and not force:
        raise ProgdbError(f"{file}: already exists (--force to overwrite it)")
    _write_atomically(target, text)
    click.echo(f"exported {text.count(chr(10))} programs to {file}", err=True)


def _write_atomically(target: Path, text: str) -> None:
    """Written beside the target, then renamed: a reader never sees half a file. The file gets the
    mode a plain `open` would give it (the umask's, or the replaced file's), not mkstemp's 0600."""
    try:
        mode = target.stat().st_mode & 0o777 if target.exists() else 0o666 & ~_umask()
        fd, tmp = tempfile.mkstemp(dir=target.parent if str(target.parent) else ".", prefix=f".{target.name}.")
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                fh.write(text)
            os.chmod(tmp, mode)
            os.replace(tmp, target)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
    except OSError as exc:
        raise ProgdbError(f"{target}: cannot write ({exc.strerror})") from None


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


@cli.command("import")
@click.argument("files", nargs=-1, required=True, type=click.Path(allow_dash=True))
@click.option("--format", "fmt", default="auto", show_default=True,
              type=click.Choice(["auto", "csv", "tsv", "jsonl", "json", "analogy", "bats", "fv", "arrows", "markdown",
                                 "yaml", "progdb", "clinc", "snips"]),
              help="auto: from each file (a `progdb export` file, or pairs as csv/tsv/jsonl/json/analogy/bats). "
              "Pairs formats: see the README. progdb: JSON lines from `progdb export`; clinc: CLINC150 JSON; "
              "snips: the SNIPS benchmark folder (one intent program per intent).")
@click.option("--program", "-p", default=None,
              help="Pairs files: the program rows without a program column go to [default: the file's name, "
              "e.g. emoji for emoji.csv]. A `progdb export` file: the one program of it to import.")
@click.option("--no-create", is_flag=True, help="Pairs for a program that does not exist are bad rows.")
@click.option("--one-output", is_flag=True,
              help="One output per input: a new output for a stored input replaces it (counted updated).")
@click.option("--batch-size", default=5000, show_default=True, help="Rows checked, embedded and stored together.")
@click.option("--skip-bad", is_flag=True, help="Store the good rows and write the bad ones, with reasons, to --rejects.")
@click.option("--rejects", default="progdb-rejects.jsonl", show_default=True, type=click.Path(dir_okay=False),
              help="Where --skip-bad writes the bad rows (JSON lines: file, line, reason, text).")
@click.option("--quiet", "-q", is_flag=True, help="No progress bar (there is none when stderr is not a terminal); "
              "the summary is still printed.")
@click.option("--header/--no-header", default=None,
              help="csv/tsv: the first row is a header (its first two columns the input and output), or "
              "data [default: told from the row: known column names, the file's name, labels over texts].")
@click.option("--columns", metavar="IN,OUT", default=None,
              help="csv/tsv: the input's and the output's columns, by the header's names or numbers from 1 "
              "(--columns 1,3; --columns \"SKU,Category\") [default: the first two]; JSON lines: the two fields "
              "(--columns message,reply); a jotted list (a -> b, a - b): 2,1 reads its lines the other way round.")
@click.option("--split", default="train", show_default=True,
              help="clinc/snips: which split to import (clinc: train, val, …; snips: train, train_full, …).")
@click.option("--replace", is_flag=True, help="progdb/clinc/snips: replace programs that already exist.")
@json_option
@click.pass_context
def import_(ctx, files, fmt, program, no_create, one_output, batch_size, skip_bad, rejects, quiet, header, columns,
            split, replace, as_json):
    """Import example pairs, or whole programs, from FILES.

    Pairs (csv/tsv with a header `program,input,output` or `input,output`, or none; jsonl, json,
    analogy, bats, fv) are merged into their programs (rows without a program column: --program,
    or the file's name): the same pair again changes nothing, a new output for
    a stored input is added beside its others (--one-output: replaces them), and a program that
    does not exist is created (its name is its first key) unless --no-create. A bad row stops the
    import before anything of its batch is stored, naming file, line and reason (--skip-bad keeps
    going). A `progdb export` file (nothing is stored
    if any line is bad) and --format clinc/snips (one `intent` program per intent) import programs.
    FILE `-` reads stdin, as a file (pairs need --program)."""
    if program is not None:
        _check_program_option(program)  # (before a new database is made for it)
    missing = next((f for f in files if f != "-" and not Path(f).exists()), None)
    if missing:  # (a mistyped file name left a new, seeded database behind it)
        folder = Path(missing).parent
        near = difflib.get_close_matches(Path(missing).name, sorted(p.name for p in folder.iterdir()), n=1, cutoff=0.75) \
            if folder.is_dir() else []  # ("elemnts.tsv" beside elements.tsv: a teacher got no hint, as --db gives)
        raise ProgdbError(f"{missing}: no such file or folder" + (f" (did you mean {folder / near[0]}?)" if near else ""))
    db = _db(ctx)
    if files.count("-") > 1:
        raise click.UsageError("stdin (-) can be read once")
    piping = "-" in files  # (no folder made otherwise: an import killed mid-way left empty ones in /tmp)
    with tempfile.TemporaryDirectory(prefix="progdb-stdin-") if piping else contextlib.nullcontext() as spool:
        # Pairs piped in are read as a file of them would be (its format told from its lines);
        # messages name <stdin>, not the spooled copy.
        stdin = _spool_stdin(Path(spool)) if piping else None
        if stdin and not stdin.stat().st_size:
            raise ProgdbError("<stdin>: empty (nothing was piped in)")
        try:
            _import_files(ctx, db, [str(stdin) if f == "-" else f for f in files], fmt, program, no_create,
                          one_output, batch_size, skip_bad, rejects, quiet, header, split, replace, as_json,
                          str(stdin) if stdin else None, _columns_option(columns))
        except ProgdbError as exc:
            raise ProgdbError(str(exc).replace(str(stdin), "<stdin>") if stdin else str(exc)) from None


def _spool_stdin(folder: Path) -> Path:
    """stdin copied to a file, in chunks (a pipe may be larger than memory)."""
    path = folder / "stdin"
    with open(path, "wb") as out:
        while chunk := sys.stdin.buffer.read(1 << 20):
            out.write(chunk)
    return path


def _count(n: int, noun: str) -> str:
    """"1 example", "3 examples"."""
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


def _check_program_option(name: str) -> None:
    """--program NAME is checked once, as an option, not as a field of every row it names."""
    from progdb.program import MAX_NAME, NAME_RE

    if len(name) > MAX_NAME or not NAME_RE.match(name):
        suggestion = re.sub(r"[^a-z0-9._-]+", "-", name.lower()).strip("-._")[:MAX_NAME]
        raise ProgdbError(f"--program '{name}': a name is lower-case letters, digits, '.', '_' or '-', at most "
                          f"{MAX_NAME} characters" + (f" (--program {suggestion}?)" if NAME_RE.match(suggestion) else ""))


def _columns_option(columns: str | None) -> tuple[str, str] | None:
    """--columns IN,OUT as its two parts."""
    if columns is None:
        return None
    parts = [c.strip() for c in columns.split(",")]
    if len(parts) != 2 or not all(parts):
        raise click.BadParameter(f"'{columns}': give two columns, IN,OUT (e.g. 1,3 or \"SKU,Category\")",
                                 param_hint="--columns")
    return parts[0], parts[1]


def _import_files(ctx, db, files, fmt, program, no_create, one_output, batch_size, skip_bad, rejects, quiet, header,
                  split, replace, as_json, piped, columns=None):
    from progdb.ingest.bulk import PAIR_FORMATS

    kinds = [(f, fmt if fmt != "auto" else _detect(f)) for f in files]
    cards = [f for f, k in kinds if k == "card"]
    if cards:  # a program file (name, keys, examples) is added whole, as `progdb add FILE` adds it
        if len(files) > 1 or program is not None:
            raise ProgdbError(f"{cards[0]}: a program file is imported on its own, without --program "
                              f"(or `progdb add {cards[0]}`)")
        ctx.invoke(add, name=cards[0], replace=replace, one_output=one_output, as_json=as_json)
        return
    if program is None and any(f == piped and k in PAIR_FORMATS for f, k in kinds):
        raise ProgdbError("<stdin>: pairs piped in need --program NAME (a file's pairs go to its name)")
    whole = [(f, k) for f, k in kinds if k not in PAIR_FORMATS]
    if whole and len(files) > 1:
        raise ProgdbError(f"{whole[0][0]}: a {whole[0][1]} file is imported on its own, not with pairs files")
    if whole:
        f, k = whole[0]
        if k == "progdb":  # a program stored exactly as the file has it is left alone, and said so
            changed: list[str] = []
            every = db.import_(f, replace=replace, changed_names=changed, only=program)
            stored = set(changed)
            programs = [p for p in every if p.name in stored]
        else:
            every = programs = db.import_labelled(f, k, split, replace=replace)
        unchanged = len(every) - len(programs)
        if as_json:
            _echo_json({"imported": [p.name for p in programs], "unchanged": unchanged})
        else:
            click.echo(f"imported {_count(len(programs), 'program')} ({_count(sum(len(p.keys) for p in programs), 'key')})"
                       + (f", {unchanged} unchanged" if unchanged else ""))
        return
    if ctx.get_parameter_source("rejects") != click.core.ParameterSource.DEFAULT:
        skip_bad = True  # asking where bad rows go is asking to set them aside
    summary = _import_pairs(db, kinds, program, not no_create, batch_size, skip_bad, rejects, quiet, one_output,
                            header, piped, columns)
    stored_nothing = summary.rejected and not (summary.added or summary.updated or summary.unchanged)
    if as_json:
        _echo_json(summary.to_dict() | ({"rejects_file": rejects} if summary.rejected else {}))
        ctx.exit(EXIT_NONE if stored_nothing else EXIT_OK)
    line = (f"{summary.added:,} added, {summary.updated:,} updated, {summary.unchanged:,} unchanged, "
            f"{summary.rejected:,} rejected")
    if summary.rejected:
        line += f" (written to {rejects})"
    click.echo(line)
    if summary.created:
        click.echo(f"created {len(summary.created)} program(s): {', '.join(summary.created)}")
        _note_near_names(db, summary.created)
        _note_name_only_keys(db, summary.created)
        for name in summary.created:  # (as `add` says it: a small table's new inputs get no answer)
            _note_unanswerable(db, db.get(name))
            _note_words_as_texts(db, db.get(name))
    _note_rows_to_check(summary, piped)
    if stored_nothing:
        ctx.exit(EXIT_NONE)  # every row was bad: nothing imported


def _note_rows_to_check(summary, piped) -> None:
    """Rows stored as asked that a user may not have meant: a repeated row, and a word program's
    pair with a word outside the word space (answered as stored; its arithmetic cannot use it)."""
    def where(row, first: bool) -> str:
        name = "<stdin>" if row.file == piped else row.file
        return f"{name} line {row.line}" if first else f"line {row.line}"

    repeats = [f"{where(r, i == 0)} repeats line {first} ({r.input} -> {r.output})"
               for i, (r, first) in enumerate(summary.repeated)]
    if repeats:
        many = f"{len(repeats)} rows repeat an earlier row: " if len(repeats) > 1 else ""
        click.echo(f"note: {many}{_listed(repeats)}; a pair is stored once", err=True)
    for name, rows in summary.outside_space.items():
        _say_outside_space(name, [f"{where(r, i == 0)}: {r.input} -> {r.output}" for i, r in enumerate(rows)])
    seconds = [f"{where(r, i == 0)}: {r.input} -> {' / '.join(held + [r.output])}"
               for i, (r, held) in enumerate(summary.second_outputs)]
    if seconds:
        many = f"{len(seconds)} stored inputs now have a second output: " if len(seconds) > 1 else \
            "a stored input now has a second output: "
        click.echo(f"note: {many}{_listed(seconds)} (an input keeps every output it is given; --one-output "
                   "replaces them)", err=True)


def _detect(file: str) -> str:
    from progdb.ingest.bulk import detect_format
    from progdb.ingest.library import is_program_file

    path = Path(file)
    if is_program_file(path):
        return "card"
    if path.suffix.lower() in (".jsonl", "") and path.is_file():  # (stdin is spooled to a file without a suffix)
        with open(path, "rb") as fh:
            first = fh.readline(65536)
        try:
            if {"name", "keys"} <= set(json.loads(first)):
                return "progdb"
        except (ValueError, TypeError):
            # a card of thousands of pairs is one line longer than that: its head says what it is
            if re.match(rb'\s*\{\s*"name"\s*:\s*"[^"]*"\s*,\s*"kind"\s*:', first) and b'"keys"' in first:
                return "progdb"
    return detect_format(path) if path.exists() else "csv"


def _note_near_names(db, created: list[str], importing: bool = True) -> None:
    """A mistyped --program ("plurl") made a new program silently: name the one it may have meant
    (a slip or two away: three-bullet-summary is no slip of bullet-summary)."""
    from progdb.query.typos import allowed_edits, closest

    others = [p["name"] for p in db.list() if p["name"] not in created]
    for name in created:
        near = closest(name, others, allowed_edits(name))
        if near and not _another_word_or_number(name, near):
            click.echo(f"note: '{name}' is a new program; did you mean '{near}'? (`progdb remove {name}` undoes "
                       "it" + ("; --no-create makes a program that does not exist an error)" if importing else ")"),
                       err=True)


def _another_word_or_number(name: str, near: str) -> bool:
    """Two names a whole word or a number apart are two programs, not a slip: animal-sound beside
    animal-young (sound is two slips from young, more than a five-letter word's one), groups4 beside groups3."""
    from progdb.query.typos import allowed_edits, edit_distance

    if re.sub(r"\d+", "", name) == re.sub(r"\d+", "", near):
        return True
    mine, theirs = re.split(r"[-_.]", name), re.split(r"[-_.]", near)
    differ = [(a, b) for a, b in zip(mine, theirs) if a != b]
    return len(mine) == len(theirs) and len(differ) == 1 and \
        edit_distance(*differ[0], limit=3) > allowed_edits(differ[0][1])


def _note_name_only_keys(db, created: list[str]) -> None:
    """A program an import created has its name for its only key: say so, or a user wonders why
    "female of lion" does not find female-animal."""
    from progdb.program import key_from_name

    for name in created:
        program = db.get(name)
        if program.keys == [key_from_name(name)]:
            slot = "{text}" if program.kind == "fewshot" else "{word}"
            click.echo(f"note: {name} is found by its name alone ('{program.keys[0]}'); "
                       f"add how people ask for it: progdb add {name} --key \"... {slot}\"", err=True)


def _say_first_row_reading(path, header, program, fmt=None, shown=None) -> None:
    """A first row of two lower-case words is a pair or a header, and no rule tells: say which it was read as.
    shown: the name the file is said by (stdin's copy is "<stdin>")."""
    from progdb.ingest.bulk import first_row_reading, title_line

    title = title_line(Path(path)) if fmt == "arrows" and Path(path).is_file() else None
    if title:  # (a librarian's title was stored as a pair, unsaid)
        click.echo(f"progdb: {shown or path}: the first line '{title}' is read as the list's title, not a pair", err=True)
    reading = first_row_reading(path, header, program, fmt)
    if reading and reading[1]:
        click.echo(f"progdb: {shown or path}: the first row '{reading[0]}' is read as column names (--no-header reads it "
                   "as a pair)", err=True)
    elif reading:
        click.echo(f"progdb: {shown or path}: the first row '{reading[0]}' is read as a pair (--header reads it as column "
                   "names)", err=True)


def _import_pairs(db, kinds, program, create, batch_size, skip_bad, rejects, quiet, one_output=False, header=None,
                  piped=None, columns=None):
    """Stream every file's rows into the database, with a progress bar on a terminal."""
    from itertools import chain

    from progdb.ingest.bulk import columns_left_out, legacy_encoded, read_rows, slashed_answer

    for f, k in kinds:
        said = "<stdin>" if f == piped else f  # (stdin is read from a copy: its notes name stdin)
        legacy = legacy_encoded(f) if k in ("csv", "tsv", "arrows", "markdown") else None
        if legacy:  # (an Excel CSV saved on Windows: every accented line was rejected as "not UTF-8")
            click.echo(f"note: {said} is not UTF-8: its accented lines (line {legacy[0]}: "
                       f"'{legacy[1]}') are read as Windows-1252, as Excel saves a CSV; check the accents "
                       "with progdb show, or save it as \"CSV UTF-8\"", err=True)
        _say_first_row_reading(f, header, program, k, shown=said)
        left = None if columns else columns_left_out(f, header, k)
        if left:  # (no column is lost unsaid)
            click.echo(f"note: {left.replace(f, said)}", err=True)
        slashed = slashed_answer(f) if k == "tsv" else None
        if slashed:
            click.echo(f"note: {said}: an output such as '{slashed[1]}' ({slashed[0]}) is "
                       "stored whole, as one answer; --format bats reads 'a/b' as two answers", err=True)
    rows = chain.from_iterable(read_rows(f, k, program, name_by_stem=True, header=header, columns=columns)
                               for f, k in kinds)
    reject_fh = None
    first_rejects: list[str] = []  # said at the terminal too: the file holds them all
    rejected = 0

    def on_reject(r):
        nonlocal reject_fh, rejected
        rejected += 1
        if len(first_rejects) < SHOWN_REJECTS:
            where = "<stdin>" if r.file == piped else r.file
            first_rejects.append(f"{where if not first_rejects else ''} line {r.line}: {r.reason}".strip())
        if reject_fh is None:
            try:
                reject_fh = open(rejects, "w", encoding="utf-8")
            except OSError as exc:
                raise ProgdbError(f"{rejects}: cannot write ({exc.strerror})") from None
        reject_fh.write(json.dumps({"file": "<stdin>" if r.file == piped else r.file, "line": r.line,
                                    "reason": r.reason, "text": r.text},
                                   ensure_ascii=False) + "\n")

    options = dict(create=create, batch_size=batch_size, skip_bad=skip_bad, on_reject=on_reject, one_output=one_output)
    try:
        total = 0 if quiet or not sys.stderr.isatty() else sum(_count_lines(Path(f)) for f, _ in kinds)
        if not total:  # (no terminal to draw on, or an empty file: no "0/1" bar)
            return db.import_pairs(rows, **options)
        started = time.monotonic()
        done = 0  # rows so far; click draws the bar (and calls `rate`) on entry, before any update

        def rate(_):
            return f"{done / max(time.monotonic() - started, 1e-6):,.0f} rows/s" if done else None

        with click.progressbar(length=max(total, 1), label="importing", file=sys.stderr, show_eta=True,
                               show_pos=True, item_show_func=rate) as bar:
            def advance(n: int) -> None:
                nonlocal done
                done += n
                bar.update(n)

            summary = db.import_pairs(rows, progress=advance, **options)
            # The length counted lines: a header or blank lines are no rows, so the bar ends on the
            # rows read ("3000/3000" for a header and 3,000 rows, not 3001).
            bar.length = max(done, 1)
            bar.update(bar.length - bar.pos)
            bar.render_progress()  # (an update of no steps draws nothing: the new length is drawn here)
            return summary
    finally:
        if reject_fh:
            reject_fh.close()
        if first_rejects:
            more = rejected - len(first_rejects)
            click.echo(f"note: rejected {'; '.join(first_rejects)}" + (f" (and {more} more: the rejects file holds "
                       "them all)" if more else ""), err=True)


SHOWN_REJECTS = 3  # bad rows named at the terminal when --skip-bad sets them aside


def _count_lines(path: Path) -> int:
    """Lines in a file or folder, read in blocks: the progress bar's length."""
    if not path.exists():
        return 0  # (read_rows says so, in the user's words)
    files = sorted(path.rglob("*.txt")) if path.is_dir() else [path]
    n = 0
    for f in files:
        with open(f, "rb") as fh:
            while block := fh.read(1 << 20):
                n += block.count(b"\n")
    return n


@cli.command()
@click.argument("file", required=False, type=click.Path(exists=True))
@click.option("--format", "fmt", type=click.Choice(["auto", "clinc", "snips", "jsonl"]), default="auto", show_default=True,
              help="auto: a folder is SNIPS, a .jsonl file JSON lines of {\"text\", \"intent\"} (intent null: out of "
              "scope), any other file CLINC150's JSON.")
@click.option("--split", default="val", show_default=True, help="The labelled split to calibrate on (clinc, snips).")
@click.option("--router", type=click.Choice(["auto", "classifier", "similarity"]), default="auto", show_default=True,
              help="classifier: a light classifier over the stored keys (whole prompts); similarity: the reader's "
              "key cosines, inputs and typos read; auto: the classifier for a database of intents alone, else similarity.")
@click.option("--learn/--no-learn", default=True, show_default=True,
              help="Also learn from these prompts (thresholds then chosen out of fold): the classifier the prompts, "
              "the similarity router beside the built-in library their requests as the programs' phrasings.")
@click.option("--set", "settings", multiple=True, metavar="FIELD=VALUE",
              help="Set a calibration field by hand instead (router, threshold, margin, router_threshold, router_margin, "
              "program_thresholds as JSON {program: threshold} (the similarity router's own thresholds of programs), "
              "router_offsets as JSON {program: offset} (the classifier's)).")
@json_option
@click.pass_context
def fit(ctx, file, fmt, split, router, learn, settings, as_json):
    """Calibrate routing on labelled prompts (out-of-scope ones included) and store it.

    Chooses the abstention threshold that maximises in-scope accuracy + out-of-scope recall on
    FILE's split; `progdb show --calibration` shows the result. With --learn, the prompts are
    also kept in the database in place of the last fit's: the classifier learns them, and the
    similarity router beside the built-in library their requests (inputs left out) as the
    programs' phrasings; each prompt's score for the thresholds comes from a router that did not
    learn it (5 folds)."""
    db = _db(ctx)
    if settings:
        values = {}
        for item in settings:
            name, sep, value = item.partition("=")
            if not sep:
                raise ProgdbError(f"--set '{item}': expected FIELD=VALUE")
            values[name.strip()] = value.strip()
        report = db.set_calibration(**values)
    elif file:
        from progdb.routing.fit import auto_router
        from progdb.routing.labelled import read_labelled

        if router == "classifier" and auto_router(db.catalog.kinds()) != "classifier":
            click.echo("progdb: note: the classifier routes whole prompts, so the programs that take inputs "
                       "(the built-in library's) will read no input, typo or second request; "
                       "`progdb fit --router similarity` (the default here) keeps them", err=True)
        rows = read_labelled(file, fmt, split)
        report = db.fit(rows, router, learn)
        report["missed"] = _still_missed(db, rows) if len(rows) <= MISSED_CHECK else None
    else:
        raise ProgdbError("fit: give a labelled FILE (or --set FIELD=VALUE)")
    if as_json:
        _echo_json(report)
        return
    click.echo(" ".join(f"{k} {v}" for k, v in report.items() if not isinstance(v, (dict, list))))
    if settings and report.get("program_thresholds"):  # (a setter could not tell what the others were left at)
        click.echo("program_thresholds " + ", ".join(f"{p} {t}" for p, t in report["program_thresholds"].items())
                   + f" (your programs' own; the library keeps {report['threshold']})")
    # (a data scientist read "threshold 0.6" beside show's 0.65; a database with no library has none to keep)
    if report.get("own_thresholds") and file and "threshold_of" in report:
        alone = report.get("threshold_alone") or {}
        drawn = f"; your {alone['out_of_scope_prompts']} out-of-scope prompts alone put it at {alone['threshold']}, " \
            "drawn toward 0.6 for so few" if alone and alone["threshold"] != report["threshold"] else ""
        click.echo(f"threshold {report['threshold']} is your programs' own (threshold_of lists them{drawn}); the "
                   f"library keeps {db.calibration()['threshold']}")
    if report.get("unlearned"):
        click.echo(f"not learned as phrasings ({len(report['unlearned'])}: question words and an input, nothing of "
                   f"a request's own): " + "; ".join(repr(p) for p in report["unlearned"][:5])
                   + (" …" if len(report["unlearned"]) > 5 else ""))
    missed = report.get("missed")
    if missed is not None:  # (three trials read the figures and could not tell which prompts went wrong)
        click.echo(f"asked now, {len(missed)} of the {report['n']} labelled prompts get another answer than their label"
                   + (":" if missed else " (the figures above are each prompt routed by a fit that did not see it"
                                          + ("; by its request's similarity alone, where a query also weighs the inputs "
                                             "your programs store)" if report.get("threshold_of") is not None else ")")))
        for m in missed:
            click.echo(f"  {m['prompt']!r}: labelled {m['label'] or 'out of scope'}, now {m['now'] or 'refused'}")


MISSED_CHECK = 500  # fit asks its labelled prompts again when there are at most this many (a user's file, not CLINC's)


def _still_missed(db, rows) -> list[dict]:
    """The labelled prompts the database, as fitted, routes elsewhere than their label (the fit's own
    figures are out of fold: each prompt scored by a router that did not learn it)."""
    from progdb.routing.labelled import program_name

    missed = []
    for row, (prompt, result) in zip(rows, db.query_many([r.text for r in rows])):
        label = program_name(row.intent) if row.intent else None
        now = None if isinstance(result, ProgdbError) or result.mode == "none" or not result.programs \
            else result.programs[0].name
        if now != label:
            missed.append({"prompt": prompt, "label": label, "now": now})
    return missed


class PromptCommand(click.Command):
    """A command whose PROMPT may start with a dash: "-ing form of run" holds a space, which no
    option does, so it is the prompt (put after "--" for click), not the options -i -n -g."""

    def parse_args(self, ctx, args):
        prompts = [a for a in args if a.startswith("-") and not a.startswith("--") and " " in a]
        if prompts and "--" not in args:
            args = [a for a in args if a not in prompts] + ["--"] + prompts
        return super().parse_args(ctx, args)


@cli.command(cls=PromptCommand, epilog=EXIT_CODES_HELP)
@click.argument("prompt", nargs=-1)  # unquoted words are one prompt: `progdb query plural of cat`
@click.option("--file", "prompts_file", type=click.Path(dir_okay=False, allow_dash=True), metavar="FILE",
              help="Answer every line of FILE as a prompt (- for stdin), one JSON line each; the same as PROMPT -.")
@click.option("-k", "k", default=5, show_default=True, help="Candidates to return per input.")
@shots_option
@budget_option
@click.option("--method", "-m", type=click.Choice(METHODS), default=DEFAULT_METHOD, show_default=True,
              help="Vector programs: how the answer is found (see `progdb eval analogies` and the README).")
@click.option("--llm", "llm_url", metavar="URL", default=None,
              help="An OpenAI-compatible LLM's base URL, e.g. http://127.0.0.1:8080/v1: fewshot programs run there "
              "[env PROGDB_LLM_URL; the API key only from env PROGDB_LLM_API_KEY].")
@click.option("--model", default=None, help="The model name sent to the LLM [env PROGDB_LLM_MODEL].")
@click.option("--timeout", type=float, default=None, help="Seconds to wait for the LLM's reply "
              "[env PROGDB_LLM_TIMEOUT; default 60].")
@click.option("--explain", is_flag=True, help="Print each stage: parse, retrieve, execute.")
@click.option("--no-stored", "no_stored", is_flag=True,
              help="Vector programs: answer by arithmetic alone, the input's stored pairs (and their reverses) "
              "hidden, as the evaluations do: king - man + woman computed, not looked up.")
@json_option
@click.pass_context
def query(ctx, prompt, prompts_file, k, shots, budget, method, llm_url, model, timeout, explain, no_stored, as_json):
    """Answer PROMPT: find the program it asks for and run it on its inputs.

    At a terminal without PROMPT, a session: each line you type is answered, the models loaded
    once (Ctrl-D or exit leaves). Without an LLM a fewshot program's output is its compiled
    prompt; with one, the LLM's reply.
    `progdb query -` (or --file FILE) answers one prompt per line, embedding them in batches, and
    writes one JSON object per line (the fields of --json, or {"prompt", "error"} for a prompt
    that fails)."""
    from progdb.text.llm import Endpoint
    from progdb.report import explain_text, result_text

    prompt = " ".join(prompt) if prompt else None
    if prompt is not None and prompts_file is not None:
        raise click.UsageError("give a PROMPT or --file FILE, not both")
    session = prompt is None and prompts_file is None and sys.stdin.isatty()
    if prompt is None and prompts_file is None and not session:
        raise click.UsageError("give a PROMPT (or - / --file FILE for one prompt per line)")
    llm = Endpoint.configured(llm_url, model, timeout)
    options = dict(k=k, shots=shots, method=method, llm=llm, budget=budget)
    if no_stored:
        options["use_stored"] = False
    if prompt == "-" or prompts_file is not None:
        ctx.exit(_query_lines(_db(ctx), prompts_file or "-", options))

    def answer(text: str) -> int:
        try:
            result = _db(ctx).query(text, **options)
        except ProgdbError as exc:
            if as_json:  # a prompt that fails is JSON too, as `query -` writes it (a script reads stdout)
                _echo_json({"prompt": text, "error": str(exc)})
                return EXIT_ERROR
            raise CommandError(str(exc)) from None
        if as_json:
            _echo_json(result.to_dict())
        elif explain:
            click.echo(explain_text(result))
        else:
            click.echo(result_text(result))  # (a compiled prompt's note, first, says it is one)
            if session and any(out.source == "compiled" for out in result.outputs):
                # it ends in an open <output-…> tag for the LLM to fill: the next "> " is not part of it
                click.echo("(end of the compiled prompt)\n", err=True)
        return exit_status(result)

    if session:  # a person at a terminal typed `progdb query`: answer each line they type
        from progdb import session as typed

        db = _db(ctx)
        ctx.exit(typed.run(db, answer, f"{len(db.catalog.kinds())} programs in {db.store.location}"))
    ctx.exit(answer(prompt))



llm_options = [
    click.option("--llm", "llm_url", metavar="URL", default=None,
                 help="An OpenAI-compatible LLM's base URL, e.g. http://127.0.0.1:8080/v1: fewshot programs run there "
                 "[env PROGDB_LLM_URL; the API key only from env PROGDB_LLM_API_KEY]."),
    click.option("--model", default=None, help="The model name sent to the LLM [env PROGDB_LLM_MODEL]."),
    click.option("--timeout", type=float, default=None, help="Seconds to wait for the LLM's reply "
                 "[env PROGDB_LLM_TIMEOUT; default 60]."),
]


@cli.command()
@click.option("--host", default="127.0.0.1", show_default=True,
              help="The interface to listen on (loopback unless you say otherwise).")
@click.option("--port", default=8765, show_default=True, type=click.IntRange(0, 65535), help="The port.")
@llm_options[0]
@llm_options[1]
@llm_options[2]
@click.option("--refuse-unserved", is_flag=True,
              help="/v1/chat/completions: refuse a prompt no program serves instead of forwarding it to --llm.")
@click.pass_context
def serve(ctx, host, port, llm_url, model, timeout, refuse_unserved):
    """Serve the database over HTTP until Ctrl-C: progdb's JSON API under /api (OpenAPI document at
    /openapi.json), an OpenAI-compatible endpoint under /v1, and a page at /.

    The server owns the database and keeps the models warm: while it runs, other processes may not
    write an embedded --db (they are told its URL). With PROGDB_TOKEN set, every API call
    but /api/health needs `Authorization: Bearer <token>`. --port 0 takes a free port."""
    import contextlib
    import signal
    import socket

    import uvicorn

    from progdb.server.app import create_app
    from progdb.server.service import Service
    from progdb.storage.locking import serve_marker
    from progdb.text.llm import Endpoint

    llm = Endpoint.configured(llm_url, model, timeout)
    db = _db(ctx)
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
    except OSError as exc:
        raise ProgdbError(f"cannot listen on {host}:{port} ({exc.strerror})") from None
    port = sock.getsockname()[1]
    url = f"http://{f'[{host}]' if family == socket.AF_INET6 else host}:{port}"
    # uvicorn re-raises SIGTERM once it has shut down: exit through the finally blocks (the marker goes)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    with serve_marker(db.path, url) if db.path else contextlib.nullcontext():
        app = create_app(Service(db, llm, refuse_unserved), token=os.environ.get("PROGDB_TOKEN"))
        click.echo(f"progdb: serving {db.store.location} on {url} (Ctrl-C stops)", err=True)
        warning = exposure_warning(host, os.environ.get("PROGDB_TOKEN"))
        if warning:
            click.echo(f"progdb: warning: {warning}", err=True)
        uvicorn.Server(uvicorn.Config(app, log_level="warning")).run(sockets=[sock])

def exposure_warning(host: str, token: str | None) -> str | None:
    """What a server on a host other than loopback, without a token, exposes; None when it is safe."""
    import ipaddress

    try:
        loopback = host == "localhost" or ipaddress.ip_address(host).is_loopback
    except ValueError:  # a host name other than localhost
        loopback = False
    if loopback or token:
        return None
    return (f"{host} is not loopback and PROGDB_TOKEN is not set: anyone who can reach this port can read "
            "and change the database")


def exit_status(result) -> int:
    """0 answered; 1 no answer (no program, or no input); 2 an input that failed. A prompt of two
    requests: the worse of the two."""
    return max([_one_status(result)] + [_one_status(a) for a in getattr(result, "also", [])])


def _one_status(result) -> int:
    from progdb.query.execute import no_answer

    if any(o.source == "error" and not no_answer(o) for o in result.outputs):
        return EXIT_ERROR
    if result.mode == "none" or any(map(no_answer, result.outputs)) or \
            (result.kind != "intent" and not result.outputs and not result.compiled):
        return EXIT_NONE
    return EXIT_OK


def _is_file(name: str) -> bool:
    try:
        return Path(name).is_file()
    except OSError:  # a name too long to be a path is none
        return False


def _prompt_of_line(line: str) -> tuple[str, dict]:
    """A line's prompt: the line, or the "prompt" of a JSON object line (JSON lines, as an app writes
    them: a prompt that holds new lines, "2021/6/7\\nin iso format", fits on one line), and what of
    the object is echoed back (its "id"). A JSON object without a "prompt" string is an error (a
    misspelt field was run as a prompt: `{"text": …` went to a program with the input `me is happy"}`)."""
    if line.lstrip().startswith("{"):
        try:
            record = json.loads(line)
        except ValueError:
            return line, {}
        if isinstance(record, dict):
            if not isinstance(record.get("prompt"), str):
                got = ", ".join(f'"{k}"' for k in record) or "none"
                error = ProgdbError(f'a JSON line needs a "prompt" string (its fields: {got})')
                error.echo = {"id": record["id"]} if "id" in record else {}  # (an app matches answers by id)
                raise error
            return record["prompt"], {"id": record["id"]} if "id" in record else {}
    return line, {}


def _query_lines(db, source: str, options: dict) -> int:
    """One prompt per line in (or a JSON object line's "prompt"), one JSON line per line out, in
    order. A blank line's is {"prompt": "", "error": "the prompt is empty"} and a comment's
    ("# plurals") {"prompt": line, "comment": true}, so output lines match input lines; neither
    counts in the exit status. Returns the worst exit status of the prompts."""
    try:
        fh = click.open_file(source, "r", encoding="utf-8")
    except OSError as exc:
        raise ProgdbError(f"{source}: cannot read ({exc.strerror})") from None
    worst = EXIT_OK
    skipped = deque()  # per prompt handed to query_many, the records of the lines skipped just before it
    echoed = deque()  # per prompt, what of its JSON line is echoed back ({"id": …})

    def prompts():
        nonlocal worst
        before = []
        for number, line in enumerate(fh, 1):
            text = line.rstrip("\r\n")
            if not text.strip():
                before.append({"prompt": "", "error": "the prompt is empty"})
            elif re.match(r"\s*#(\s|$)", text):
                before.append({"prompt": text, "comment": True})
            else:
                try:
                    prompt, echo = _prompt_of_line(text)
                except ProgdbError as exc:
                    before.append({**getattr(exc, "echo", {}), "prompt": None,
                                   "error": f"{'<stdin>' if source == '-' else source}:{number}: {exc}"})
                    worst = max(worst, EXIT_ERROR)
                    continue
                skipped.append(before)
                echoed.append(echo)
                before = []
                yield prompt
        skipped.append(before)  # the lines skipped after the last prompt

    def echo_skipped(records: list) -> None:
        for record in records:
            click.echo(json.dumps(record, ensure_ascii=False))

    with fh:
        for prompt, result in db.query_many(prompts(), **options):
            echo_skipped(skipped.popleft())
            if isinstance(result, ProgdbError):
                record, status = {"prompt": prompt, "error": str(result)}, EXIT_ERROR
            else:
                record, status = result.to_dict(), exit_status(result)
            worst = max(worst, status)
            click.echo(json.dumps({**echoed.popleft(), **record}, ensure_ascii=False))
        echo_skipped(skipped.popleft() if skipped else [])
    return worst


@cli.command("compile")
@click.argument("prompt")
@shots_option
@budget_option
@click.option("--format", "fmt", type=click.Choice(["text", "messages", "json"]), default="text", show_default=True,
              help="text: the prompt as one text; messages: chat messages (JSON); json: program, text, "
              "messages and examples.")
@click.pass_context
def compile_(ctx, prompt, shots, budget, fmt):
    """Print only the few-shot prompt PROMPT compiles to, and run nothing (a dry run to pipe anywhere).

    One prompt per input: several inputs print as a JSON list (messages, json) or separated by a form feed."""
    db = _db(ctx)
    result = db.query(prompt, shots=shots, budget=budget, compile_only=True)
    # As query says it, with query's exit status 1: no program, or no input, is an answer, not an error.
    if result.mode == "none" or not result.compiled:
        message = (f"no program: {result.message}" if result.mode == "none" else
                   f"{result.programs[0].name}: the prompt gives the program no input to compile")
        if fmt == "text":
            click.echo(message)
        else:  # a script reading JSON gets JSON: {"program": null, "message": …}
            _echo_json({"program": result.programs[0].name if result.programs else None, "message": message})
        ctx.exit(1)
    names = ", ".join(m.name for m in result.programs)
    docs = [{"program": names, "text": c.text, "messages": c.messages, "examples": c.examples}
            for c in result.compiled]
    if fmt == "text":
        click.echo("\n\f\n".join(d["text"] for d in docs))
        return
    if fmt == "messages":
        docs = [d["messages"] for d in docs]
    # a document to read or paste into a request, piped or not (not a record of a stream: _echo_json)
    click.echo(json.dumps(docs[0] if len(docs) == 1 else docs, ensure_ascii=False, indent=2))


@cli.group("eval")
def eval_():
    """Measure progdb on public data (no database needed for `analogies`)."""


@eval_.command("analogies")
@click.argument("path", type=click.Path(exists=True))
@click.option("--method", "-m", "methods", multiple=True, default=[DEFAULT_METHOD], show_default=True,
              type=click.Choice(METHODS + ("all",)), help="Method to evaluate (repeatable; 'all' for every one).")
@click.option("--predictions", type=click.Path(dir_okay=False, writable=True), default=None,
              help="Also write every question asked to this file, one JSON line each: its category, input, "
                   "accepted answers, the top 5 predicted and the rank of the first accepted one (null: none).")
@json_option
def eval_analogies(path, methods, predictions, as_json):
    """Leave-one-out acc@1/acc@5 of word programs built from PATH's categories alone.

    PATH is a questions-words file (`: section` then `a b c d`), a BATS-style folder (one .txt per
    relation, `word<TAB>answer1/answer2`) or function-vector JSON files (`[{input, output}]`)."""
    from progdb.evaluation.analogy_data import load_relations
    from progdb import models
    from progdb.evaluation.word_eval import evaluate

    relations = load_relations(path)
    methods = list(METHODS) if "all" in methods else list(dict.fromkeys(methods))
    try:
        sink = open(predictions, "w", encoding="utf-8") if predictions else None
    except OSError as exc:
        raise ProgdbError(f"{predictions}: cannot write ({exc.strerror})") from None
    record = (lambda q: sink.write(json.dumps(q, ensure_ascii=False) + "\n")) if sink else None
    try:
        reports = [evaluate(models.word_space(), relations, m, record=record) for m in methods]
    finally:
        if sink:
            sink.close()
    if as_json:
        data = [r.to_dict() for r in reports]
        _echo_json(data[0] if len(data) == 1 else data)
        return
    for r in reports:
        click.echo(f"method {r.method}: micro acc@1 {r.micro_acc1:.3f}, macro acc@1 {r.macro_acc1:.3f}, "
                   f"micro acc@5 {r.micro_acc5:.3f} over {sum(c.n for c in r.per_category.values())} pairs"
                   # (3 pairs read acc@1 0.167: six questions, not three)
                   + ("; each asked from every other pair of its relation, a rate over those questions"
                      if r.method == "add" else ""))
        width = max(len(n) for n in r.per_category)
        click.echo(f"  {'category':<{width}}  {'n':>5}  acc@1  acc@5  skipped")
        for name, c in r.per_category.items():
            click.echo(f"  {name:<{width}}  {c.n:>5}  {c.acc1:.3f}  {c.acc5:.3f}  {c.skipped:>7}")


@eval_.command("icl")
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True))
@click.option("--shots", "-K", default=3, show_default=True, help="Demonstrations in each prompt.")
@click.option("--split", type=click.Choice(["report", "tune", "all"]), default="all", show_default=True,
              help="Which pairs are asked: 'report' (a fixed fifth: sha1 of the canonical input, fold 0 "
                   "of 5; report figures, never tune on it), 'tune' (the other four fifths) or 'all'.")
@json_option
@click.pass_context
def eval_icl(ctx, paths, shots, split, as_json):
    """In-context prompts on function-vector JSON files (tasks named by file stem): each pair is
    asked with SHOTS other pairs of its task as demonstrations, against this database with the
    asked pair hidden: the input's stored pairs, and the reverses of its pairs and of its accepted
    answers, neither answer nor teach any program or the word ranker (the program is measured,
    not the database's memory)."""
    from progdb.evaluation.analogy_data import load_relations
    from progdb.evaluation.word_eval import evaluate_icl

    if shots < 1:
        raise ProgdbError("--shots must be at least 1")
    relations = {}
    for path in paths:
        relations.update(load_relations(path))
    progress = None if as_json else (lambda name, t: click.echo(f"  {name:<24} n={t['n']:<5} acc@1 {t['acc1']:.3f}"))
    report = evaluate_icl(_db(ctx), relations, shots, progress, split)
    if as_json:
        _echo_json(report)
    else:
        click.echo(f"shots {shots}, split {split}: micro acc@1 {report['micro_acc1']:.3f}, "
                   f"macro acc@1 {report['macro_acc1']:.3f}")


@eval_.command("prompts")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@click.option("--split", default="test", show_default=True, help="Split to report ('all' for every split).")
@click.option("--failures", is_flag=True, help="Also list the prompts answered wrongly.")
@json_option
@click.pass_context
def eval_prompts(ctx, file, split, failures, as_json):
    """Natural prompts against this database: right program, right inputs, right answer, and
    out-of-scope prompts refused; beside them the plain similarity router on the same prompts.

    FILE is JSON lines: {"prompt", "program" (null when no program serves it), "inputs",
    "answers" (per input, the accepted answers), "split"}; bench/prompts/prompts.jsonl is ours."""
    from progdb.evaluation.prompt_eval import evaluate_prompts, read_prompts

    rows = read_prompts(file)
    if split != "all":
        rows = [r for r in rows if r["split"] == split]
        if not rows:
            raise ProgdbError(f"{file}: no prompts in the split '{split}'")
    report = evaluate_prompts(_db(ctx), rows)
    if as_json:
        _echo_json(report)
        return
    for name, s in report["splits"].items():
        b = s["baseline"]
        intents = f"{s['n_intent']} intent, " if s["n_intent"] else ""
        click.echo(f"split {name}: {s['n']} prompts ({s['n_word']} word, {s['n_text']} text, {intents}"
                   f"{s['n_out_of_scope']} out of scope)")
        rows = [("", "progdb", "similarity router"),
                ("word: program", s["word"]["program"], b["word_program"]),
                ("word: input", s["word"]["input"], None),
                ("word: answer", s["word"]["answer"], None),
                ("text: program", s["text"]["program"], b["text_program"]),
                ("text: program+input", s["text"]["answer"], None)]
        rows += [("intent: program", s["intent"]["program"], b["intent_program"])] if s["n_intent"] else []
        rows += [("out of scope refused", s["out_of_scope_refused"], b["out_of_scope_refused"])]
        for label, ours, theirs in rows:
            click.echo(f"  {label:<22}{_num(ours):>8}{_num(theirs):>20}")
    if failures:
        for d in report["prompts"]:
            wrong = d.get("answer_ok") is False if d["want"] else not d["refused"]
            if wrong:
                click.echo(f"  line {d['line']}: {d['prompt']!r}: want {d['want']}, got {d.get('program')} "
                           f"{d.get('inputs')} -> {str(d.get('answers', ''))[:60]}")


def _num(value) -> str:
    return "-" if value is None else value if isinstance(value, str) else f"{value:.3f}"


@eval_.command("routes")
@click.argument("file", type=click.Path(exists=True))
@click.option("--format", "fmt", type=click.Choice(["clinc", "snips"]), default="clinc", show_default=True)
@click.option("--train-split", default="train", show_default=True, help="Stored as intent programs.")
@click.option("--fit-split", default="val", show_default=True, help="Calibrates the abstention ('' for none).")
@click.option("--test-split", default="test", show_default=True, help="Reported (its prompts that are also "
              "training prompts are left out).")
@click.option("--router", type=click.Choice(["classifier", "similarity"]), default="classifier", show_default=True)
@click.option("--learn/--no-learn", default=True, show_default=True,
              help="As `fit`: the classifier also learns from the fit split's prompts.")
@json_option
def eval_routes(file, fmt, train_split, fit_split, test_split, router, learn, as_json):
    """Routing with abstention, measured in a throwaway database: in-scope accuracy, out-of-scope
    recall and precision, macro F1 (out-of-scope as one more class)."""
    from progdb.evaluation.routes import eval_routes as run

    report = run(file, fmt, train_split, fit_split or None, test_split, router, learn)
    if as_json:
        _echo_json(report)
    else:
        click.echo(f"{report['n']} prompts: in-scope accuracy {report['in_scope_accuracy']}, out-of-scope "
                   f"recall {report['oos_recall']}, precision {report['oos_precision']}, macro F1 {report['macro_f1']}")


@eval_.command("split")
@click.argument("path", type=click.Path(exists=True))
@click.option("--format", "fmt", type=click.Choice(["snips"]), default="snips", show_default=True)
@click.option("--train-split", default="train", show_default=True)
@click.option("--test-split", default="validate", show_default=True)
@click.option("--router", type=click.Choice(["classifier", "similarity"]), default="classifier", show_default=True)
@click.option("--templates", is_flag=True, help="Fill slots from the intent's templates first (measured "
              "worse than the tagger alone; see the README).")
@json_option
def eval_split(path, fmt, train_split, test_split, router, templates, as_json):
    """Splitting prompts into intent and slots, measured in a throwaway database: intent accuracy,
    slot precision/recall/F1 (exact span and slot name)."""
    from progdb.evaluation.routes import eval_split as run

    report = run(path, fmt, train_split, test_split, router, templates)
    if as_json:
        _echo_json(report)
    else:
        click.echo(f"{report['n']} prompts: intent accuracy {report['intent_accuracy']}, slot precision "
                   f"{report['slot_precision']}, recall {report['slot_recall']}, F1 {report['slot_f1']}")


@cli.command()
@click.argument("words", nargs=-1, required=True)
@click.option("-k", "k", default=5, show_default=True, help="Programs to list.")
@json_option
@click.pass_context
def which(ctx, words, k, as_json):
    """Which stored programs turn A into B (and C into D …)? `progdb which king queen man woman`."""
    if len(words) % 2:
        raise ProgdbError("give words in pairs: progdb which A B [C D ...]")
    pairs = list(zip(words[::2], words[1::2]))
    ranked = _db(ctx).which(pairs, k)
    # Nothing stores the pairs and no offset lines up well: the list is no answer (a quiz writer read
    # "0.504 female-to-male" for kitten -> cat as one; tweet -> tweeted scores gerund-to-past first).
    fits = any(stores for _, _, stores in ranked) or any(score >= WHICH_FITS for _, score, _ in ranked)
    if as_json:
        _echo_json({"pairs": pairs, "fits": fits,
                    "programs": [{"name": n, "score": s, "stores": st == "every pair",
                                  "stores_reversed": st == "every pair reversed",
                                  **({"stores_some": st} if st.endswith(" pairs") else {})} for n, s, st in ranked]})
    elif not ranked:  # (a support lead's "which refund reembolso" was an error, exit 2)
        from progdb import models

        space = models.word_space()
        outside = next(w for w in words if w not in space)
        click.echo(f"no stored program fits these pairs: none stores them, and '{outside}' is not in the word space "
                   f"({space.name}), so no offset can be measured")
    else:
        if not fits:
            click.echo(f"no stored program fits these pairs: none stores them, and no offset lines up at "
                       f"{WHICH_FITS} or more (the nearest, for what they are worth):")
        for name, score, stores in ranked:  # (no score: a word the word space does not hold, the pairs stored)
            click.echo(f"{'' if score is None else format(score, '6.3f'):>6}  {name}"  # a negative score lines up
                       + (f"  (stores {stores})" if stores else ""))
    if not fits:
        ctx.exit(EXIT_NONE)


WHICH_FITS = 0.6  # a program that stores none of the pairs fits them from this score (one pair's offset is noisy)


plot_commands.register(cli, _db)  # plot and map


def main() -> None:
    try:
        cli(prog_name="progdb")
    except BrokenPipeError:  # `progdb list | head` is not an error
        sys.stderr.close()
        sys.exit(0)


if __name__ == "__main__":  # python -m progdb.cli
    main()

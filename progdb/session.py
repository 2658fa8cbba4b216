"""`progdb query` at a terminal without a prompt: a session that answers a prompt a line.

A new process pays seconds before its answer (importing chromadb, loading the encoder, the word
space and the request reader's tables); a session pays them once, and loads them while the first
prompt is being typed, so each answer after takes milliseconds (bench/startup.py)."""
from __future__ import annotations

import contextlib
import threading
from pathlib import Path
from typing import Callable

import click

from progdb.program import SLOT_RE, input_slots, key_slots

LEAVE = {"exit", "quit", r"\q", ":q"}  # besides Ctrl-D
HELP = {"help", "?", "list"}  # no prompt a program serves: what a person types to find their way
HISTORY_LINES = 1000
WARM_PROGRAMS = 200  # programs asked while waiting, at most: a large database warms the rest as asked


def warm(db) -> None:
    """Load what every query reads: the encoder, the request reader and the stored keys' templates."""
    from progdb import models

    models.encoder().encode(["warm"])
    if db.catalog.kinds():
        db.pipeline.reader()
        db.catalog.templates()


def asking_for(program) -> str | None:
    """A request for the program in its own words (its first key, given its first example's input):
    asked while the session waits, it reads and runs the program once, so a person's first request
    for it finds its tables built."""
    if not program.keys:
        return None
    key, given = program.keys[0], program.examples[0].input if program.examples else ""
    slots = key_slots(key)
    if not slots:
        return f"{key} {given}".strip()
    return SLOT_RE.sub(lambda m: given if m.group(1) in input_slots(slots) else m.group(1), key)


class Warmer(threading.Thread):
    """Runs warm-up steps while the person types; a query waits for the step under way, not the rest."""

    def __init__(self, steps: list[Callable[[], object]]):
        super().__init__(daemon=True)
        self.steps, self.lock, self.free = steps, threading.Lock(), threading.Event()
        self.free.set()
        self.stopping = False

    def run(self) -> None:
        for step in self.steps:
            self.free.wait()  # (not while a query runs)
            if self.stopping:
                return
            with self.lock:
                try:
                    step()
                except Exception:  # a query meets the same failure, and reports it
                    pass

    def stop(self) -> None:
        """No more steps; the one under way ends first (the process leaves no native call midway)."""
        self.stopping = True
        self.free.set()
        self.join(timeout=30)

    @contextlib.contextmanager
    def paused(self):
        self.free.clear()
        try:
            with self.lock:
                yield
        finally:  # (a query that fails or is interrupted lets the warm-up go on)
            self.free.set()


def warm_steps(db) -> list[Callable[[], object]]:
    """The models and reader first, then one request for each program (the first WARM_PROGRAMS), as listed."""
    def ask(name: str) -> None:
        prompt = asking_for(db.catalog.get(name))
        if prompt:
            db.query(prompt)
    names = sorted(db.catalog.kinds())[:WARM_PROGRAMS]
    return [lambda: warm(db)] + [lambda name=name: ask(name) for name in names]


def _history_file() -> Path:
    from platformdirs import user_state_dir

    return Path(user_state_dir("progdb")) / "query_history"


def _line_editing() -> Callable[[], None]:
    """Arrow keys and a history kept between sessions, where Python has readline; returns what
    saves the history at the end."""
    try:
        import readline
    except ImportError:  # (no readline on this Python: input() still reads lines)
        return lambda: None
    path = _history_file()
    try:
        readline.read_history_file(path)
    except OSError:
        pass
    readline.set_history_length(HISTORY_LINES)

    def save() -> None:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            readline.write_history_file(path)
        except OSError:
            pass
    return save


def _guide(db, asked: str) -> None:
    """`help`: what a line can be; `list`: the programs a prompt can ask for, one a line."""
    if asked == "list":
        for row in db.list():
            click.echo(f"{row['name']}  ({row['kind']})  {row['description'] or ''}".rstrip())
        return
    click.echo("Type a request as you would ask a person: plural of mouse; rewrite this like a pirate: hello\n"
               "friend; man is to woman as king is to ?. `list` shows the programs, `exit` or Ctrl-D leaves;\n"
               "options apply to the whole session, given as it starts: progdb query --explain")


def run(db, answer: Callable[[str], object], where: str) -> int:
    """Answer each line typed with answer(prompt) until Ctrl-D or exit; returns the exit status, 0."""
    warmer = Warmer(warm_steps(db))
    warmer.start()
    save_history = _line_editing()
    click.echo(f"progdb: {where}; type a prompt and press Enter (help shows how, Ctrl-D or exit leaves)", err=True)
    try:
        while True:
            try:
                prompt = input("> ").strip()
            except EOFError:
                click.echo()
                break
            except KeyboardInterrupt:  # Ctrl-C drops the line typed, as a shell does
                click.echo("\n(Ctrl-D or exit leaves)", err=True)
                continue
            if not prompt:
                continue
            if prompt.lower() in LEAVE:
                break
            if prompt.lower() in HELP:
                _guide(db, prompt.lower())
                continue
            try:
                with warmer.paused():
                    answer(prompt)
            except KeyboardInterrupt:
                click.echo("\nprogdb: interrupted", err=True)
            except click.ClickException as exc:
                click.echo(f"Error: {exc.format_message()}", err=True)
    finally:
        warmer.stop()
        save_history()
    return 0

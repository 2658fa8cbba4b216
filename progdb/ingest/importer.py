"""Bulk import into a ProgramDB: batches of rows merged into their programs, idempotently.

A pair is its program, input and output: the same pair again is unchanged, anything else is added (an
input may have several outputs: synonyms, antonyms, BATS answers). With one_output, an input keeps one
output: a new output for a stored input replaces its pairs (updated). Each batch is checked whole before
any of it is stored, so a bad row stops the import before its batch (earlier batches stay stored
and a re-run skips them as unchanged), unless skip_bad keeps the good rows and reports the rest.
A program touched is written every few seconds and at the end, its card last (store.write_program), so a
process killed at any point leaves every program at a consistent earlier state, and re-running the
same command completes it.
"""
from __future__ import annotations

import os
import sys
import time
import uuid
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import ExitStack
from dataclasses import dataclass, field
from functools import partial
from itertools import islice
from typing import Callable, Iterable, Iterator

import numpy as np

from progdb import models
from progdb.ingest.bulk import Reject, Row
from progdb.errors import ProgdbError
from progdb.program import Example, Program, key_from_name, key_text, validate

DEFAULT_BATCH = 5000
# Seconds between writes of a program's card (each rewrites the whole card); PROGDB_WRITE_EVERY=0
# writes after every batch (the crash test uses it to kill mid-write).
WRITE_EVERY = float(os.environ.get("PROGDB_WRITE_EVERY", "5"))
# Example pairs embedded and stored per writer job: the last chunk's store is the part of an
# import that nothing overlaps.
CHUNK = 1000


@dataclass
class ImportSummary:
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: int = 0
    created: list[str] = field(default_factory=list)
    programs: list[str] = field(default_factory=list)
    vector_programs: list[str] = field(default_factory=list)  # of programs: those whose ranker a write prepares
    # Rows a user may want to look at (said after the counts, never refused): a row repeating an
    # earlier row of this import (row, the line it repeats), and per word program the pairs it
    # added with a word outside the word space (its arithmetic cannot learn from them).
    repeated: list[tuple[Row, int]] = field(default_factory=list)
    outside_space: dict[str, list[Row]] = field(default_factory=dict)
    # A row giving an input stored before this import another output (AT -> Austria, then the old file's
    # AT -> Australia again): both are kept, as `add` keeps them, and said
    second_outputs: list[tuple[Row, list[str]]] = field(default_factory=list)

    def to_dict(self) -> dict:
        return {"added": self.added, "updated": self.updated, "unchanged": self.unchanged,
                "rejected": self.rejected, "created": self.created, "programs": self.programs,
                "repeated": [{"file": r.file, "line": r.line, "repeats_line": first} for r, first in self.repeated],
                "outside_word_space": {name: [{"file": r.file, "line": r.line, "input": r.input, "output": r.output}
                                              for r in rows] for name, rows in self.outside_space.items()}}


class _Target:
    """One program being imported into: its card as last read or written (and that write's
    revision), the pairs merged since the last write, and (vector programs) the running sum of
    usable offsets, so a write costs the changed pairs, not all of them."""
    def __init__(self, program: Program, full: bool, rev: str | None, one_output: bool = False):
        self.full, self.rev = full, rev  # full: the next write stores the whole program
        self.one_output = one_output  # a new output for a stored input replaces its pairs
        # (old pair or None, new pair or None): added (None, new), replaced (old, new), removed (old, None)
        self.changed: list[tuple[Example | None, Example | None]] = []
        self.rows_added: dict[tuple[str, str], tuple[str, int]] = {}  # this import's new pairs: (file, line)
        self._load(program)

    def _load(self, program: Program) -> None:
        self.program = program
        self.at: dict[str, list[int]] = {}  # input -> positions of its pairs in program.examples
        self.seen: set[tuple[str, str]] = set()  # the program's (input, output) pairs
        for i, e in enumerate(program.examples):
            self.at.setdefault(e.input, []).append(i)
            self.seen.add((e.input, e.output))
        self.holes = False  # removed pairs leave None in program.examples until compact()
        self.offset_sum, self.offset_n = None, 0

    def merge(self, row: Row, summary: ImportSummary | None = None) -> None:
        pair, new = (row.input, row.output), Example(row.input, row.output)
        at = self.at.get(row.input)
        examples = self.program.examples
        if self.one_output and at and not (len(at) == 1 and examples[at[0]].output == row.output):
            # The input's pairs give way to the new one, which takes the first one's place.
            for n, j in enumerate(at):
                self.seen.discard((examples[j].input, examples[j].output))
                self.changed.append((examples[j], new if n == 0 else None))
                examples[j] = new if n == 0 else None
            self.holes |= len(at) > 1
            self.at[row.input] = at[:1]
            self.seen.add(pair)
            what = "updated"
        elif pair in self.seen:
            what = "unchanged"
            first = self.rows_added.get(pair)
            if summary is not None and first is not None and first[0] == row.file:
                summary.repeated.append((row, first[1]))
        else:
            held = [examples[j].output for j in at or () if examples[j] is not None]
            if summary is not None and held and not any((row.input, o) in self.rows_added for o in held):
                summary.second_outputs.append((row, held))  # a stored input's new output: said, not hidden
            self.at.setdefault(row.input, []).append(len(examples))
            examples.append(new)
            self.seen.add(pair)
            self.changed.append((None, new))
            if summary is not None:  # (not a rebase's merge of pending pairs)
                self.rows_added[pair] = (row.file, row.line)
            what = "added"
        if summary is not None:
            setattr(summary, what, getattr(summary, what) + 1)

    def compact(self) -> None:
        """Drop the places of removed pairs (before the program is written)."""
        if self.holes:
            self.program.examples = [e for e in self.program.examples if e is not None]
            self.at = {}
            for i, e in enumerate(self.program.examples):
                self.at.setdefault(e.input, []).append(i)
            self.holes = False

    def to_store(self) -> list[Example]:
        """The example pairs the next write stores: all of them (full), else the changed ones
        still in the program, each once."""
        if self.full:
            pairs = ((e.input, e.output) for e in self.program.examples if e is not None)
        else:
            pairs = ((new.input, new.output) for _, new in self.changed
                     if new is not None and (new.input, new.output) in self.seen)
        return [Example(a, b) for a, b in dict.fromkeys(pairs)]

    def removed(self) -> list[tuple[str, str]]:
        """The pairs replaced or removed since the last write (their records must go)."""
        return list(dict.fromkeys((old.input, old.output) for old, _ in self.changed
                                  if old is not None and (old.input, old.output) not in self.seen))

    def rebase(self, stored: Program | None, rev: str | None) -> None:
        """Another process wrote this program since we read it: our pending pairs go on top of
        what it stored (a program it created meanwhile is extended, not replaced)."""
        pending = [new for _, new in self.changed if new is not None]
        if stored is not None:
            self._load(stored)
            self.changed, self.full = [], False
            for e in pending:
                self.merge(Row("", 0, stored.name, e.input, e.output))
        self.rev = rev

    def offset(self, space) -> np.ndarray:
        """The mean offset of all usable pairs, kept up to date from the changed pairs."""
        if self.offset_sum is None:
            mean, n = space.mean_offset(self.program.pairs())
            self.offset_sum, self.offset_n = mean.astype(np.float64) * n, n
        else:
            for old, new in self.changed:
                for pair, sign in ((old, -1), (new, 1)):
                    if pair is not None and space.usable([(pair.input, pair.output)]):
                        self.offset_sum += sign * (space.vector(pair.output) - space.vector(pair.input))
                        self.offset_n += sign
        if not self.offset_n:
            raise ProgdbError(f"program '{self.program.name}': none of its pairs are in the word space")
        return (self.offset_sum / self.offset_n).astype(np.float32)


class _Writer:
    """Runs store jobs in order in a background thread, so embedding the next texts overlaps
    storing the last ones. After a failed job the rest are skipped (a card must never be written
    after its examples failed to store); the failure is raised by the next submit or wait. At most
    MAX_PENDING jobs wait, which bounds the vectors held in memory."""
    MAX_PENDING = 3

    def __init__(self):
        self.pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="progdb-writer")
        self.pending: list[Future] = []
        self.failed = False

    def wait(self, keep: int = 0) -> None:
        while len(self.pending) > keep:
            self.pending.pop(0).result()  # re-raises the job's error here

    def submit(self, job: Callable[[], None]) -> None:
        self.wait(keep=self.MAX_PENDING - 1)
        self.pending.append(self.pool.submit(self._run, job))

    def _run(self, job: Callable[[], None]) -> None:
        if self.failed:
            return
        try:
            job()
        except BaseException:
            self.failed = True
            raise

    def close(self) -> None:
        try:
            self.wait()
        finally:
            self.pool.shutdown(wait=True)


def batched(items: Iterable, n: int) -> Iterator[list]:
    it = iter(items)
    while batch := list(islice(it, n)):
        yield batch


def import_rows(db, rows: Iterable[Row | Reject], *, create: bool = True, batch_size: int = DEFAULT_BATCH,
                skip_bad: bool = False, on_reject: Callable[[Reject], None] | None = None,
                progress: Callable[[int], None] | None = None, one_output: bool = False,
                rankers: bool = True) -> ImportSummary:
    """Merge rows into their programs (see the module's note). `on_reject` receives each bad row
    when skip_bad is set; `progress` the number of rows of each finished batch; `one_output`: an
    input keeps one output, a new one replacing what it had (counted updated); `rankers` False:
    the caller trains the written vector programs' rankers (summary.vector_programs names them)."""
    if batch_size < 1:
        raise ProgdbError("--batch-size must be at least 1")
    summary = ImportSummary()
    targets: dict[str, _Target] = {}
    kinds = db.catalog.kinds()
    writer = _Writer()
    last_write = time.monotonic()
    try:
        for batch in batched(rows, batch_size):
            good, bad = _check(batch, targets, kinds, create)
            if bad and not skip_bad:
                _write(db, targets.values(), writer)  # the good batches before this one
                writer.wait()
                done = summary.added + summary.updated + summary.unchanged
                before = f"; the {done:,} rows before its batch are stored" if done else ""
                raise ProgdbError(f"{bad[0].message()} (nothing from this batch was stored{before}; "
                                  "--skip-bad stores the good rows)")
            for r in bad:
                summary.rejected += 1
                if on_reject:
                    on_reject(r)
            for r in good:
                target = targets.get(r.program)
                if target is None:
                    target = targets[r.program] = _open(db, r.program, kinds, summary, one_output)
                target.merge(r, summary)
            # Text pairs are written every batch (embedding them is the work the writer overlaps);
            # word pairs every few seconds (each write rewrites the card).
            texts_waiting = any(t.program.kind != "vector" and len(t.changed) >= batch_size for t in targets.values())
            if texts_waiting or time.monotonic() - last_write >= WRITE_EVERY:
                _write(db, targets.values(), writer)
                last_write = time.monotonic()
            if progress:
                progress(len(batch))
        _write(db, targets.values(), writer)
    finally:
        writer.close()
        db._reset_caches()
    from progdb.words.ranker import prepare  # the ranker of each vector program written is learned now (bounded)

    summary.vector_programs = sorted(name for name, t in targets.items() if t.program.kind == "vector")
    for name in summary.vector_programs:
        if rankers:
            prepare(models.word_space(), targets[name].program.pairs())
        outside = _outside_space(name, targets[name].rows_added)
        if outside:
            summary.outside_space[name] = outside
    summary.programs = sorted(targets)
    return summary


def _outside_space(name: str, rows_added: dict[tuple[str, str], tuple[str, int]]) -> list[Row]:
    """The rows of pairs with a side the word space lacks a word of (stored, answered as stored,
    but no part of the program's arithmetic)."""
    return [Row(*rows_added[pair], name, *pair) for pair in models.word_space().lacking(list(rows_added))]


def _check(batch: list, targets: dict, kinds: dict, create: bool) -> tuple[list[Row], list[Reject]]:
    good, bad = [], []
    for r in batch:
        if isinstance(r, Reject):
            bad.append(r)
        elif r.program not in targets and r.program not in kinds and not create:
            bad.append(Reject(r.file, r.line, f"program '{r.program}' does not exist (--no-create)"))
        elif kinds.get(r.program) in ("intent", "negative"):
            bad.append(Reject(r.file, r.line, f"program '{r.program}' is an {kinds[r.program]}: its keys are "
                              "prompts, not pairs"))
        else:
            good.append(r)
    return good, bad


def _open(db, name: str, kinds: dict, summary: ImportSummary, one_output: bool = False) -> _Target:
    from progdb.storage.store import PAIR_ID

    if name in kinds:
        program = db.get(name)
        # Records written before example ids hashed their pair (a database an older progdb
        # wrote after this one migrated it) are rewritten whole once, so none is left behind.
        legacy = program.kind == "fewshot" and any(
            not PAIR_ID.fullmatch(i) for i in db.store._ids_of("examples", name))
        return _Target(program, full=legacy, rev=db.store.revision(name), one_output=one_output)
    summary.created.append(name)
    return _Target(Program(name=name, kind="auto", keys=[key_from_name(name)]), full=True, rev=None,
                   one_output=one_output)


def _write(db, targets: Iterable[_Target], writer: _Writer) -> None:
    """Each changed program: a new one whole, an existing one by its changed pairs, card last.
    Example texts are embedded CHUNK at a time, each chunk stored by the writer thread while the
    next is embedded, so only the last chunk's store is not overlapped. The store calls run under
    each program's lease (server), after a check that no other process wrote the program
    meanwhile (else our pairs are put on top of its version)."""
    todo = [t for t in targets if t.changed or t.full]
    if not todo:
        return
    for t in todo:
        t.compact()
        if t.program.kind == "auto":
            t.program.kind = db.detect_kind(t.program)
        validate(t.program)
    vectors: dict[str, np.ndarray] = {}
    texts = [key_text(k) for t in todo if t.full for k in t.program.keys]
    texts += [e.input for t in todo if t.program.kind == "fewshot" for e in t.to_store()][:CHUNK]
    if texts:
        _embed(texts, vectors)  # meanwhile the writer stores the previous write's last chunk

    writer.wait()
    with ExitStack() as leases:
        for name in sorted(t.program.name for t in todo):
            leases.enter_context(db._leased(name))
        writes = [_prepare(db, t, vectors) for t in todo]
        held = leases.pop_all()  # released by the writer, once the cards are stored

    def cards() -> None:
        with held:
            for _, card in writes:
                db.store.write_program(*card)
            db.store.wrote()  # readers of an embedded path reopen and see this write
        if os.environ.get("PROGDB_IMPORT_TRACE"):  # the crash test kills the process after a write
            print("progdb: written", file=sys.stderr, flush=True)

    try:
        for (examples, card), t in zip(writes, todo):
            for chunk in batched(examples, CHUNK):
                inputs = [e.input for e in chunk]
                writer.submit(partial(db.store.write_examples, t.program.name, inputs,
                                      [e.output for e in chunk], _embed(inputs, vectors)))
                for text in inputs:
                    vectors.pop(text, None)
    except BaseException:
        held.close()
        raise
    writer.submit(cards)


def _embed(texts: list[str], known: dict[str, np.ndarray]) -> np.ndarray:
    """The texts' vectors, embedding only those not in `known` (which keeps them)."""
    missing = [t for t in dict.fromkeys(texts) if t not in known]
    if missing:
        known.update(zip(missing, models.encoder().encode(missing)))
    return np.stack([known[t] for t in texts])


def _prepare(db, t: _Target, vectors: dict) -> tuple[list[Example], tuple]:
    """The examples to store and the arguments of the program's store.write_program, taken now
    (the import goes on changing the target while the writer stores them)."""
    rev = db.store.revision(t.program.name)
    if rev != t.rev:
        db.store.sync()  # (the catalog holds the program as this process read it, before the other write)
        t.rebase(db.get(t.program.name) if rev is not None else None, rev)
    t.compact()
    p = t.program
    examples = t.to_store() if p.kind == "fewshot" else []
    removed = t.removed() if p.kind == "fewshot" else []
    offset = t.offset(models.word_space()) if p.kind == "vector" else None
    key_vecs = _embed([key_text(k) for k in p.keys], vectors) if t.full else db.store.centroid(p.name)
    t.rev = uuid.uuid4().hex
    summary = {**p.summary(), "rev": t.rev}
    card = (p.to_json(), summary, list(p.keys), key_vecs, [e.input for e in examples],
            [e.output for e in examples], None, offset, t.full, removed)
    t.changed, t.full = [], False
    return examples, card

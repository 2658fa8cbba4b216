"""Bulk import into a ProgramDB: batches of rows merged into their programs, idempotently.

A pair is identified by its program and input: the same pair again is unchanged, the same input with
a new output updates the pair in place, anything else is added. Each batch is checked whole before
any of it is stored, so a bad row stops the import before its batch (earlier batches stay stored
and a re-run skips them as unchanged), unless skip_bad keeps the good rows and reports the rest.
A program touched is written every few seconds and at the end, its card last (store.write_program), so a
process killed at any point leaves every program at a consistent earlier state, and re-running the
same command completes it.
"""
from __future__ import annotations

import os
import re
import sys
import time
from dataclasses import dataclass, field
from itertools import islice
from typing import Callable, Iterable, Iterator

import numpy as np

from .bulk import Reject, Row
from .errors import ProgdbError
from .program import Example, Program, key_text

DEFAULT_BATCH = 5000
# Seconds between writes of a program's card (each rewrites the whole card); PROGDB_WRITE_EVERY=0
# writes after every batch (the crash test uses it to kill mid-write).
WRITE_EVERY = float(os.environ.get("PROGDB_WRITE_EVERY", "5"))
LEGACY_FREE = re.compile(r".*/e/[0-9a-f]{16}")


@dataclass
class ImportSummary:
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: int = 0
    created: list[str] = field(default_factory=list)
    programs: list[str] = field(default_factory=list)

    def to_dict(self) -> dict:
        return {"added": self.added, "updated": self.updated, "unchanged": self.unchanged,
                "rejected": self.rejected, "created": self.created, "programs": self.programs}


class _Target:
    """One program being imported into: its card as stored, the pairs merged since the last write,
    and (vector programs) the running sum of usable offsets, so a write costs the changed pairs,
    not all of them."""

    def __init__(self, program: Program, new: bool):
        self.program, self.new = program, new
        self.index = {}
        for i, e in enumerate(program.examples):
            self.index.setdefault(e.input, i)
        self.changed: list[tuple[Example | None, Example]] = []  # (old pair or None, new pair)
        self.offset_sum, self.offset_n = None, 0

    def merge(self, row: Row, summary: ImportSummary) -> None:
        at = self.index.get(row.input)
        new = Example(row.input, row.output)
        if at is None:
            self.index[row.input] = len(self.program.examples)
            self.program.examples.append(new)
            self.changed.append((None, new))
            summary.added += 1
        elif self.program.examples[at].output != row.output:
            self.changed.append((self.program.examples[at], new))
            self.program.examples[at] = new
            summary.updated += 1
        else:
            summary.unchanged += 1

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


def batched(items: Iterable, n: int) -> Iterator[list]:
    it = iter(items)
    while batch := list(islice(it, n)):
        yield batch


def import_rows(db, rows: Iterable[Row | Reject], *, create: bool = True, batch_size: int = DEFAULT_BATCH,
                skip_bad: bool = False, on_reject: Callable[[Reject], None] | None = None,
                progress: Callable[[int], None] | None = None) -> ImportSummary:
    """Merge rows into their programs (see the module's note). `on_reject` receives each bad row
    when skip_bad is set; `progress` the number of rows of each finished batch."""
    if batch_size < 1:
        raise ProgdbError("--batch-size must be at least 1")
    summary = ImportSummary()
    targets: dict[str, _Target] = {}
    kinds = db._kind_map()
    last_write = time.monotonic()
    for batch in batched(rows, batch_size):
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
        if bad and not skip_bad:
            _write(db, targets.values())  # the good batches before this one
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
                target = targets[r.program] = _open(db, r.program, kinds, summary)
            target.merge(r, summary)
        if time.monotonic() - last_write >= WRITE_EVERY:
            _write(db, targets.values())
            last_write = time.monotonic()
        if progress:
            progress(len(batch))
    _write(db, targets.values())
    summary.programs = sorted(targets)
    return summary


def _open(db, name: str, kinds: dict, summary: ImportSummary) -> _Target:
    if name in kinds:
        program = db.get(name)
        # Records written before example ids hashed their input are rewritten whole once, so an
        # updated pair cannot leave its old record behind.
        legacy = program.kind == "fewshot" and any(
            not LEGACY_FREE.fullmatch(i) for i in db.store._ids_of("examples", name))
        return _Target(program, new=legacy)
    summary.created.append(name)
    # Its name becomes its first key ("english-to-pig-latin" -> "english to pig latin").
    key = " ".join(name.replace("-", " ").replace("_", " ").replace(".", " ").split())
    return _Target(Program(name=name, kind="auto", keys=[key if key_text(key) else name]), new=True)


def _write(db, targets: Iterable[_Target]) -> None:
    """Each changed program: a new one whole, an existing one by its changed pairs, card last."""
    from .db import encoder, word_space

    wrote = False
    for t in targets:
        if not (t.changed or t.new):
            continue
        p, wrote = t.program, True
        if t.new:
            if p.kind == "auto":
                p.kind = db.detect_kind(p)
            db._add_many([p], replace=True)
            t.new = False
            if p.kind == "vector":
                t.changed = []
                t.offset(word_space())  # start the running sum
        else:
            offset = t.offset(word_space()) if p.kind == "vector" else None
            ex = [new for _, new in t.changed] if p.kind == "fewshot" else []
            vecs = encoder().encode([e.input for e in ex]) if ex else []
            summary = {"name": p.name, "kind": p.kind, "n_keys": len(p.keys), "n_examples": len(p.examples),
                       "description": p.description}
            db.store.write_program(p.to_json(), summary, list(p.keys), db.store.centroid(p.name),
                                   [e.input for e in ex], [e.output for e in ex], vecs, offset, full=False)
        t.changed = []
    if wrote:
        db._reset_caches()
        if os.environ.get("PROGDB_IMPORT_TRACE"):  # the crash test kills the process after a write
            print("progdb: written", file=sys.stderr, flush=True)

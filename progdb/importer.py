"""Bulk import into a ProgramDB: batches of rows merged into their programs, idempotently.

A pair is identified by its program and input: the same pair again is unchanged, the same input with
a new output updates the pair in place, anything else is added. Each batch is checked whole before
any of it is stored, so a bad row stops the import before its batch (earlier batches stay stored
and a re-run skips them as unchanged), unless skip_bad keeps the good rows and reports the rest.
Each program touched by a batch is written once per batch, its card last (store.write_program), so a
process killed at any point leaves every program at a consistent earlier state, and re-running the
same command completes it.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from itertools import islice
from typing import Callable, Iterable, Iterator

from .bulk import Reject, Row
from .errors import ProgdbError
from .program import Example, Program, key_text

DEFAULT_BATCH = 5000
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
    """One program being imported into: its card as stored plus the pairs merged so far."""

    def __init__(self, program: Program, new: bool):
        self.program, self.new = program, new
        self.index = {}
        for i, e in enumerate(program.examples):
            self.index.setdefault(e.input, i)
        self.changed: list[Example] = []

    def merge(self, row: Row, summary: ImportSummary) -> None:
        at = self.index.get(row.input)
        if at is None:
            self.index[row.input] = len(self.program.examples)
            self.program.examples.append(Example(row.input, row.output))
            summary.added += 1
        elif self.program.examples[at].output != row.output:
            self.program.examples[at] = Example(row.input, row.output)
            summary.updated += 1
        else:
            summary.unchanged += 1
            return
        self.changed.append(self.program.examples[self.index[row.input]])


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
            stored = f"; the {summary.added + summary.updated + summary.unchanged:,} rows before its batch are " \
                     "stored" if targets else ""
            raise ProgdbError(f"{bad[0].message()} (nothing from this batch was stored{stored}; "
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
        _write(db, [t for t in targets.values() if t.changed or t.new])
        if progress:
            progress(len(batch))
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


def _write(db, targets: list[_Target]) -> None:
    """Each changed program: new programs whole, existing ones by their changed pairs (card last)."""
    from .db import encoder, word_space

    for t in targets:
        p = t.program
        if t.new:
            if p.kind == "auto":
                p.kind = db.detect_kind(p)
            db._add_many([p], replace=True)
            t.new = False
        else:
            offset = None
            if p.kind == "vector":
                offset, used = word_space().mean_offset(p.pairs())
                if not used:
                    raise ProgdbError(f"program '{p.name}': none of its pairs are in the word space")
            ex = t.changed if p.kind == "fewshot" else []
            vecs = encoder().encode([e.input for e in ex]) if ex else []
            summary = {"name": p.name, "kind": p.kind, "n_keys": len(p.keys), "n_examples": len(p.examples),
                       "description": p.description}
            db.store.write_program(p.to_json(), summary, list(p.keys), db.store.centroid(p.name),
                                   [e.input for e in ex], [e.output for e in ex], vecs, offset, full=False)
        t.changed = []
    db._reset_caches()

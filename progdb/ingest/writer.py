"""Whole programs written to the store: validated, their kind decided, every embedding computed
before the first write (so a failure stores nothing), each written under its lease."""
from __future__ import annotations

from contextlib import nullcontext
from pathlib import Path
from typing import IO, Callable

import numpy as np

from progdb import models
from progdb.errors import ProgdbError
from progdb.program import Program, key_text, outputs_by_input, parse_card, validate
from progdb.storage.locking import program_lease
from progdb.storage.store import Store

PHRASE_WORDS = 4  # "Mount Rushmore National Memorial"; longer sides are text
ANSWER_WORDS = 2  # "Buenos Aires"; arithmetic answers a word or a name, never "for your information"
VECTOR_SHARE = 0.5  # auto kind: vector when more than this share of pairs live in word space


def word_pairs(program: Program) -> tuple[int, int]:
    """(pairs that are words or short phrases of the word space the pair changes, all pairs):
    sentences are text, even when every word of them is in the word space, and so are answers of
    more than ANSWER_WORDS words (fyi -> for your information: an abbreviation program is text)."""
    pairs = program.pairs()
    short = [(a, b) for a, b in pairs if len(a.split()) <= PHRASE_WORDS and len(b.split()) <= ANSWER_WORDS
             and not _phrase(a) and not _phrase(b)]
    space = models.word_space()
    changed = len(space.usable(short))
    # A pair that keeps its word is one of a word program's too, beside as many that change theirs
    # (Liverpool -> Liverpool among a club's cities made a text program); alone, it is a string
    # program's (paris -> Paris).
    kept = sum(1 for a, b in short if a.strip().lower() == b.strip().lower() and a in space)
    return changed + (kept if changed and changed >= kept else 0), len(pairs)


# Words that make a few lower-case words a phrase or a sentence ("my phone cracked", "go away"),
# where a capitalised name keeps them ("Bosnia and Herzegovina", "Isle of Man").
_FUNCTION_WORDS = frozenset("""a an the my your our their his her its this that these those i me you we us they
them he him she it is are was were be been am do does did not no to of in on at for with from and or but so
pls please away up out off down over into onto through around across apart""".split())  # (particles: "call off" is a phrase)


def _phrase(side: str) -> bool:
    """A side that is a phrase or a list, not a word or a name: "okay, agreed", "my phone cracked"."""
    words = side.split()
    if "," in side or ";" in side:
        return True
    if len(words) < 2 or all(w[:1].isupper() or w in ("and", "of", "the", "de") for w in words):
        return False
    return any(w.lower().strip(".?!") in _FUNCTION_WORDS for w in words)


def detect_kind(program: Program) -> str:
    """vector when most pairs are words (or short phrases) of the word space that the pair
    changes (word_pairs); fewshot otherwise, and without pairs."""
    inside, total = word_pairs(program)
    return "vector" if total and inside > VECTOR_SHARE * total else "fewshot"


def check_vector(program: Program) -> None:
    """A program forced to be vector must mostly be words of the word space: sentence pairs
    stored as arithmetic would answer nonsense."""
    inside, total = word_pairs(program)
    if total and inside <= VECTOR_SHARE * total:
        raise ProgdbError(f"program '{program.name}': kind vector, but only {inside} of its {total} pairs "
                          "are words of the word space that the pair changes; use --kind fewshot (or auto)")


def embedded_texts(programs: list[Program]) -> list[str]:
    """The texts a program's records embed, in order: its keys, then a fewshot program's inputs."""
    texts = []
    for p in programs:
        texts += [key_text(k) for k in p.keys]
        if p.kind == "fewshot":
            texts += [e.input for e in p.examples]
    return texts


def write_programs(store: Store, programs: list[Program], replace: bool,
                   embed: Callable[[list[str]], np.ndarray] | None = None, rankers: bool = True,
                   leased: bool = False, kinds_kept: bool = False) -> list[Program]:
    """Store programs (the caller holds the database's write lock); embed: how texts become
    vectors (default: the encoder; the seeds read shipped ones, benchmarks use the disk cache);
    rankers: learn each vector program's ranker now (the seeds' ship in seeds/rankers: a query
    loads the one it needs); leased: the caller holds the programs' leases (a lease is no lock
    its holder may take again); kinds_kept: each program keeps the kind it is stored with (pairs
    added or removed), which check_vector does not judge again: a teacher's make-or-do, vector with
    10 of its 19 pairs words, could neither lose its header's pair nor take a phrase ("the laundry")."""
    seen = set()
    for p in programs:
        validate(p)
        if p.name in seen:
            raise ProgdbError(f"program '{p.name}' appears twice")
        seen.add(p.name)
        if not replace and store.card(p.name) is not None:
            raise ProgdbError(f"program '{p.name}' already exists (use --replace to replace it)")
    offsets = {}
    for p in programs:
        if p.kind == "auto":
            p.kind = detect_kind(p)
        elif p.kind == "vector" and not kinds_kept:
            check_vector(p)
        if p.kind == "vector":
            offset, used = models.word_space().mean_offset(p.pairs())
            if not used:
                raise ProgdbError(f"program '{p.name}': none of its pairs are in the word space; "
                                  "use --kind fewshot")
            offsets[p.name] = offset
    vectors = (embed or models.encoder().encode)(embedded_texts(programs))
    at = 0
    for p in programs:
        nk = len(p.keys)
        key_vecs = vectors[at: at + nk]
        at += nk
        ex = p.examples if p.kind == "fewshot" else []
        ex_vecs = vectors[at: at + len(ex)]
        at += len(ex)
        with nullcontext() if leased else program_lease(store, p.name):
            store.write_program(p.to_json(), p.summary(), list(p.keys), key_vecs,
                                [e.input for e in ex], [e.output for e in ex], ex_vecs, offsets.get(p.name))
    from progdb.words.ranker import prepare  # a vector program's ranker is learned now, not by its first query

    for p in programs:
        if p.kind == "vector" and rankers:
            prepare(models.word_space(), p.pairs())
    return programs


def merged(old: Program, program: Program, kind_given: bool, one_output: bool = False) -> tuple[Program, dict]:
    """`program` merged into the stored `old`: new keys and pairs are added, a non-empty
    description, source, licence, opposite or reverse replaces the stored one, the kind changes only when
    `kind_given`; `one_output`: a given input's new output replaces its stored ones (a wrong pair
    mended: silver -> Ag, not Si / Ag). Returns the merged program and what changed ({"keys": n,
    "examples": n, "replaced": n})."""
    new = Program(name=old.name, kind=program.kind if kind_given else old.kind, keys=list(old.keys),
                  examples=list(old.examples), description=program.description or old.description,
                  source=program.source or old.source, license=program.license or old.license,
                  opposite=program.opposite or old.opposite, reverse=program.reverse or old.reverse,
                  base_forms=program.base_forms or old.base_forms)
    new_keys = [k for k in dict.fromkeys(program.keys) if k not in old.keys]
    given = outputs_by_input(program.pairs()) if one_output else {}
    replaced = [e for e in old.examples if e.output not in given.get(e.input.strip().lower(), (e.output,))]
    new.examples = [e for e in new.examples if e not in replaced]
    known = {(e.input, e.output) for e in new.examples}
    new_examples = []
    for e in program.examples:
        if (e.input, e.output) not in known:
            known.add((e.input, e.output))
            new_examples.append(e)
    new.keys += new_keys
    new.examples += new_examples
    return new, {"keys": len(new_keys), "examples": len(new_examples), "replaced": len(replaced)}


def key_neighbours(store: Store, program: Program, floor: float = 0.9,
                   before: Program | None = None) -> list[tuple[str, str, str, float]]:
    """Keys of other programs nearly the same as this program's keys (cosine ≥ floor):
    (this key, other program, its key, cosine). Such programs compete for the same prompts.
    `before`: the program as it was stored, whose keys were warned about when they were added (a
    user's every `add` repeated a warning about keys already there)."""
    old = set(before.keys) if before is not None else set()
    keys = [k for k in program.keys if key_text(k) and k not in old]
    if not keys:
        return []
    found = []
    for key, hits in zip(keys, store.nearest_keys(models.encoder().encode([key_text(k) for k in keys]), 10)):
        for h in hits:
            if h.program != program.name and h.score >= floor:
                found.append((key, h.program, h.key, h.score))
                break
    return found


def read_cards(source: str | Path | IO[str]) -> list[Program]:
    """Programs exported by `export` (JSON lines), every line checked."""
    label = str(getattr(source, "name", source))
    if isinstance(source, (str, Path)):
        try:
            text = Path(source).read_text(encoding="utf-8")
        except UnicodeDecodeError:
            raise ProgdbError(f"{source}: not UTF-8 text") from None
        except OSError as exc:
            raise ProgdbError(f"{source}: cannot read ({exc.strerror})") from None
    else:
        text = source.read()
    programs = [parse_card(line, f"{label}, line {n}") for n, line in enumerate(text.splitlines(), 1) if line.strip()]
    if not programs:
        raise ProgdbError(f"{label}: no programs in the file")
    return programs

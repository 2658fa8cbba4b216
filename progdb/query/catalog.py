"""The stored programs as the other parts read them: each card read and parsed once per change, the
kinds, the templates, the word programs. Everything here is derived from the store and forgotten on
every write, this process's or another's (reset)."""
from __future__ import annotations

import hashlib
from dataclasses import replace

from progdb import models
from progdb.errors import ProgdbError
from progdb.program import Program, outputs_by_input, parse_card
from progdb.query import retrieve, symbolic
from progdb.query.execute import WordProgram
from progdb.query.parse import Template, compile_template
from progdb.query.typos import allowed_edits, closest
from progdb.query.wording import without_marks
from progdb.storage.store import Store, fewshot_examples

# Word programs are process-wide: the same card makes the same one, whichever database holds it.
_word_programs: dict[str, WordProgram] = {}


def copied(program: Program) -> Program:
    """A copy a caller may change (the examples list is new; Example records are shared and
    never changed in place)."""
    return replace(program, keys=list(program.keys), examples=list(program.examples))


def _unchanged(stored: Program, program: Program) -> bool:
    """Is `program` a copy of the stored one, unchanged (copies share its Example records)?"""
    # list == compares in C and takes shared records as equal without comparing their fields
    return (program.kind == stored.kind and program.keys == stored.keys and program.description == stored.description
            and program.examples == stored.examples)

ONE_WAY_SHARE = 0.1  # a program at most this share of whose outputs are also its inputs goes one way


class Catalog:
    def __init__(self, store: Store):
        self.store = store
        self._cards: dict[str, tuple[bytes, Program]] = {}
        self.reset()

    def reset(self) -> None:
        self._templates: list[Template] | None = None
        self._blendable: list[Template] | None = None  # the templates of programs that take inputs
        self._summaries: list[dict] | None = None
        self._kinds: dict[str, str] | None = None
        self._vector: list[WordProgram] | None = None
        self._stored: dict[str, dict[str, list[str]]] | None = None
        self._outputs: dict[str, dict[str, list[str]]] = {}
        self._askers: dict[str, dict[str, str]] = {}
        self._current: dict[str, Program] = {}  # the cards as stored now (a write resets them)

    def not_stored(self, name: str) -> ProgdbError:
        """The error for a name no program has, naming the one meant ("show acronym" of a stored acronyms)."""
        near = closest(name, sorted(self.kinds()), allowed_edits(name)) or next(
            (n for n in sorted(self.kinds()) if len(name) >= 4 and name != n and n.startswith(name[:-1])), None)
        return ProgdbError(f"no program named '{name}'" + (f"; did you mean '{near}'?" if near else ""))

    def get(self, name: str) -> Program:
        if name not in self._current:  # read from the store once per state: a large card is 200 kB
            card = self.store.card(name)
            if card is None:
                raise self.not_stored(name)
            # Parsing and checking a large card costs milliseconds a query; the same card parses the same.
            digest = hashlib.sha1(card.encode()).digest()
            cached = self._cards.get(name)
            if cached is None or cached[0] != digest:
                # validated when written: checking 100,000 pairs again costs a first query 0.3 s
                cached = self._cards[name] = (digest, parse_card(card, f"stored program '{name}'", check=False))
            self._current[name] = cached[1]
        return copied(self._current[name])

    def digest(self, name: str) -> bytes:
        """The sha1 of the program's card as stored (what the caches of derived things are keyed by)."""
        self.get(name)
        return self._cards[name][0]

    def _programs(self) -> list[dict]:
        if self._summaries is None:  # (reading every program's summary costs milliseconds)
            self._summaries = self.store.summaries()
        return self._summaries

    def kinds(self) -> dict[str, str]:
        if self._kinds is None:
            self._kinds = {m["name"]: m["kind"] for m in self._programs()}
        return self._kinds

    def fewshot_examples(self) -> int:
        """How many example records the fewshot programs hold, read once per database state."""
        return fewshot_examples(self._programs())

    def templates(self, program: str | None = None) -> list[Template]:
        """Templates of transform programs (what parse matches), or of one program."""
        if self._templates is None:
            compiled = (compile_template(p, k) for p, k in self.store.all_keys())
            self._templates = [t for t in compiled if t is not None]
        if program is not None:
            return [t for t in self._templates if t.program == program]
        if self._blendable is None:  # (asked on every query)
            kinds = self.kinds()
            self._blendable = [t for t in self._templates if kinds.get(t.program) in retrieve.BLENDABLE]
        return self._blendable

    def word_program(self, program: Program) -> WordProgram:
        cached = self._cards.get(program.name)
        if cached is not None and _unchanged(cached[1], program):
            digest = "card:" + cached[0].hex()  # as stored: no need to serialise 5,000 pairs to know it
        else:
            digest = hashlib.sha1(program.to_json().encode()).hexdigest()
        if digest not in _word_programs:
            _word_programs[digest] = WordProgram(program, models.word_space())
        return _word_programs[digest]

    def word_programs(self) -> list[WordProgram]:
        if self._vector is None:
            self._vector = [self.word_program(self.get(name)) for name, kind in self.kinds().items()
                            if kind == "vector"]
        return self._vector

    def outputs_of(self, name: str) -> dict[str, list[str]]:
        """One program's stored inputs (lower-case) with their outputs, kept until the next write."""
        if name not in self._outputs:
            self._outputs[name] = outputs_by_input(self.get(name).pairs())
        return self._outputs[name]

    def asked_for(self, name: str, answer: str) -> str | None:
        """The stored input a one-way program answers with `answer`, when `answer` is no input of its
        own: "Nairobi" for country-capital is Kenya's answer, not a question. None for a program
        whose outputs are mostly inputs too (synonym, next-item: they go both ways)."""
        if name not in self._askers:
            stored = self.outputs_of(name)
            askers = {}
            for a, b in self.get(name).pairs():
                askers.setdefault(b.strip().lower(), a)
            both_ways = sum(b in stored for b in askers)
            self._askers[name] = askers if both_ways <= ONE_WAY_SHARE * len(askers) else {}
        low = answer.strip().lower()
        return None if low in self.outputs_of(name) else self._askers[name].get(low)

    def stored_outputs(self) -> dict[str, dict[str, list[str]]]:
        """Per program that takes inputs (vector and fewshot), each stored input (lower-case) with
        its outputs: what in-context demonstrations are looked up in."""
        if self._stored is None:
            self._stored = {name: self.outputs_of(name) for name, kind in self.kinds().items()
                            if kind in retrieve.BLENDABLE}
        return self._stored

    def holders(self, demos: list[tuple[str, str]]) -> list[str]:
        """The programs that store every demonstration as one of their pairs (an output given
        capitalised as its input is matches a lower-case stored one: Monday -> Tuesday; one typed
        in lower case, a capitalised one: france -> french, unless the case was all it changed)."""
        def holds(outputs: dict[str, list[str]], a: str, b: str) -> bool:
            stored = outputs.get(a.strip().lower(), ())
            return b in stored or (a[:1].isupper() and any(b == s[:1].upper() + s[1:] for s in stored)) \
                or (b.islower() and b != a.strip().lower() and any(b == s.lower() for s in stored)) \
                or (b.isascii() and any(not s.isascii() and without_marks(s) == b for s in stored))  # Gdansk: Gdańsk

        return [name for name, outputs in self.stored_outputs().items() if all(holds(outputs, a, b) for a, b in demos)]

    def symbolic(self, name: str) -> symbolic.Found | None:
        """The string program that reproduces the program's stored pairs (checked on a deterministic
        sample of at most symbolic.MAX_CHECK), or None; searched once per card (symbolic.for_program)."""
        return symbolic.for_program(self.digest(name).hex(), lambda: self.get(name).pairs())

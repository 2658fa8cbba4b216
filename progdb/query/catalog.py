"""The stored programs as the other parts read them: each card parsed once per change, the kinds,
the templates, the word programs. Everything here is derived from the store and forgotten on every
write (reset)."""
from __future__ import annotations

import hashlib

from progdb import models
from progdb.errors import ProgdbError
from progdb.program import Program, parse_card
from progdb.query import retrieve
from progdb.query.execute import WordProgram
from progdb.query.parse import Template, compile_template
from progdb.storage.store import Store

# Word programs are process-wide: the same card makes the same one, whichever database holds it.
_word_programs: dict[str, WordProgram] = {}


def copied(program: Program) -> Program:
    """A copy a caller may change (the examples list is new; Example records are shared and
    never changed in place)."""
    return Program(name=program.name, kind=program.kind, keys=list(program.keys), examples=list(program.examples),
                   description=program.description, source=program.source, license=program.license)


class Catalog:
    def __init__(self, store: Store):
        self.store = store
        self._cards: dict[str, tuple[bytes, Program]] = {}
        self.reset()

    def reset(self) -> None:
        self._templates: list[Template] | None = None
        self._kinds: dict[str, str] | None = None
        self._vector: list[WordProgram] | None = None

    def get(self, name: str) -> Program:
        card = self.store.card(name)
        if card is None:
            raise ProgdbError(f"no program named '{name}'")
        # Parsing and checking a large card costs milliseconds a query; the same card parses the same.
        digest = hashlib.sha1(card.encode()).digest()
        cached = self._cards.get(name)
        if cached is None or cached[0] != digest:
            # validated when written: checking 100,000 pairs again costs a first query 0.3 s
            cached = self._cards[name] = (digest, parse_card(card, f"stored program '{name}'", check=False))
        return copied(cached[1])

    def kinds(self) -> dict[str, str]:
        if self._kinds is None:
            self._kinds = {m["name"]: m["kind"] for m in self.store.summaries()}
        return self._kinds

    def templates(self, program: str | None = None) -> list[Template]:
        """Templates of transform programs (what parse matches), or of one program."""
        if self._templates is None:
            compiled = (compile_template(p, k) for p, k in self.store.all_keys())
            self._templates = [t for t in compiled if t is not None]
        if program is not None:
            return [t for t in self._templates if t.program == program]
        kinds = self.kinds()
        return [t for t in self._templates if kinds.get(t.program) in retrieve.BLENDABLE]

    def word_program(self, program: Program) -> WordProgram:
        digest = hashlib.sha1(program.to_json().encode()).hexdigest()
        if digest not in _word_programs:
            _word_programs[digest] = WordProgram(program, models.word_space())
        return _word_programs[digest]

    def word_programs(self) -> list[WordProgram]:
        if self._vector is None:
            self._vector = [self.word_program(self.get(name)) for name, kind in self.kinds().items()
                            if kind == "vector"]
        return self._vector

"""What a measured query hides from the programs it uses, so that its answer measures a program
rather than the database's memory of the pair asked about.

A Holdout for input x with outputs Y hides, in every stored program the query may use:
* every stored pair whose input is x (the asked pair among them), and
* every stored pair y -> x for y in Y (the asked pair's reverse: antonyms come both ways, and a
  stored "cold -> hot" read backwards answers "hot -> cold").
The callers add to Y the stored outputs of x in the programs they use (`with_outputs`), so the
reverse of any pair of x is hidden even when the asker knows no answer. Hidden pairs neither
answer (no stored lookup) nor teach: they leave a program's fitted method, its spelling rules and
the learned ranker's evidence (query/execute.py, words/ranker.py).

A Holdout is passed where `use_stored` is (`ProgramDB.query(use_stored=Holdout.of(x, answers))`)
and is falsy, so every path that only asks "may stored pairs answer?" reads it as use_stored=False.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable

from progdb.words.space import canonical


@dataclass(frozen=True)
class Holdout:
    input: str  # canonical
    outputs: frozenset[str] = frozenset()  # canonical: y -> input is hidden for each

    @classmethod
    def of(cls, text: str, outputs: Iterable[str] = ()) -> "Holdout":
        return cls(canonical(text), frozenset(canonical(o) for o in outputs))

    def with_outputs(self, outputs: Iterable[str]) -> "Holdout":
        more = frozenset(canonical(o) for o in outputs) - self.outputs
        return Holdout(self.input, self.outputs | more) if more else self

    def hides(self, a: str, b: str) -> bool:
        """Whether the stored pair a -> b is hidden (a and b canonical)."""
        return a == self.input or (b == self.input and a in self.outputs)

    def __bool__(self) -> bool:  # stands for use_stored=False
        return False


def holdout_for(use_stored, text: str) -> Holdout | None:
    """The Holdout of input `text` under a query's `use_stored` (True: none; False: the input's
    own pairs, and their reverses once the caller adds the stored outputs; a Holdout of this
    input: itself)."""
    if isinstance(use_stored, Holdout):
        return use_stored if use_stored.input == canonical(text) else Holdout.of(text)
    return None if use_stored else Holdout.of(text)

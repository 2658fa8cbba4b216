"""A small word program of categories answers with one of its categories.

A user's table of issue types -> teams, brands -> categories or SKUs -> product lines has a few
outputs, each standing for several inputs. Arithmetic (b - a + c) has no offset to learn there: a
support desk's six pairs answered "chargeback -> auditor?", "bug -> developed?". Such a program's
answer for an unstored input is the category of the stored inputs nearest it in word space
(chargeback is near refund and invoice: billing), taken only where that finds at least as many of the
program's own pairs, each hidden in turn, as its arithmetic does.
"""
from __future__ import annotations

import numpy as np

SHARED = 0.5    # a program whose stored inputs share their output with another input, at least this share of them...
MIN_INPUTS = 4  # ...and of at least this many inputs (two pairs say nothing of categories), is one of categories


class Categories:
    """A program's stored inputs as unit vectors, each with its category (the output, canonical)."""

    def __init__(self, sources: np.ndarray, inputs: list[str], outputs: list[str]):
        self.sources, self.inputs, self.outputs = sources, inputs, outputs
        self._measured: dict[str, bool] | None = None

    @staticmethod
    def of(inputs: list[str], outputs: list[str]) -> bool:
        """Do these pairs (canonical input, canonical output) make a program of categories? Issue type
        -> team: refund and invoice are billing's, password and login accounts', delivery shipping's."""
        by_output: dict[str, set[str]] = {}
        for a, b in zip(inputs, outputs):
            by_output.setdefault(b, set()).add(a)
        kinds = set(inputs)
        shared = {a for ins in by_output.values() if len(ins) >= 2 for a in ins}
        # (fewer categories than inputs: a setter's 25 abbreviations have 41 answers, several an input,
        # some shared, "about" C/CA/RE and "circa" C; "nothing" was given C?, the category of "about")
        return len(kinds) >= MIN_INPUTS and len(shared) >= SHARED * len(kinds) and len(by_output) < len(kinds)

    def ranked(self, vector: np.ndarray, hidden: str | None = None) -> list[tuple[str, float, str]]:
        """Each category by its nearest stored input's cosine to the vector, with that input, best
        first; the `hidden` input's pairs take no part (a measured query, a leave-one-out fold)."""
        sims = self.sources @ vector
        best: dict[str, tuple[float, str]] = {}
        for a, b, s in zip(self.inputs, self.outputs, sims):
            if a != hidden and s > best.get(b, (-2.0, ""))[0]:
                best[b] = (float(s), a)
        return sorted(((b, s, a) for b, (s, a) in best.items()), key=lambda t: -t[1])

    def base_rate(self) -> float:
        """The share of stored inputs in the commonest category: what always answering it finds, which
        the nearest category must beat to say anything (a journalist's ten MPs by party were found 2 of
        10, and "boris johnson" was given *Liberal Democrat?*)."""
        by_output: dict[str, set[str]] = {}
        for a, b in zip(self.inputs, self.outputs):
            by_output.setdefault(b, set()).add(a)
        return max(len(ins) for ins in by_output.values()) / max(len(set(self.inputs)), 1)

    def measured(self, hidden: str | None = None) -> tuple[int, int]:
        """How many stored inputs the nearest category finds with each one's pairs hidden, of how
        many tried (the `hidden` input's own fold left out, as WordProgram.measured does)."""
        if self._measured is None:
            self._measured = {}
            for a, row in zip(self.inputs, self.sources):
                if a in self._measured:
                    continue
                ranked = self.ranked(row, hidden=a)
                own = {b for x, b in zip(self.inputs, self.outputs) if x == a}
                self._measured[a] = bool(ranked) and ranked[0][0] in own
        folds = [hit for a, hit in self._measured.items() if a != hidden]
        return sum(folds), len(folds)

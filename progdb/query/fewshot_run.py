"""A query's few-shot work: the instruction (the request's parameters filled), then per input the
compiled prompt of the nearest demonstrations and, with an LLM configured, its reply."""
from __future__ import annotations

import re

import numpy as np

from progdb import models
from progdb.program import Program, input_slots, key_slots, key_text
from progdb.query.catalog import Catalog
from progdb.query.execute import Output
from progdb.query.parse import Parsed, fill
from progdb.text.fewshot import (Candidate, Compiled, compile_prompt, fixed_size, instruction_for, labels_of,
                                  pool_size, select)
from progdb.text.llm import Endpoint


WORD_EXAMPLES = 3  # a program whose example inputs are at most this many words holds words, not sentences


_SUBJECT = frozenset("i we you he she they it this there".split())


def _sentence(text: str) -> bool:
    """More words than a short phrase, or a short clause with its subject or its full stop: "I am a
    teacher" is a sentence, as "where is the nearest bus stop" is; "the red car", "I love you" are phrases."""
    words = text.split()
    return len(words) > WORD_EXAMPLES + 1 or (len(words) > WORD_EXAMPLES and (
        words[0].lower() in _SUBJECT or text.rstrip()[-1:] in ".?!"))


class Demonstrations:
    """A program's examples nearest an input in key space: a fewshot program's are stored records;
    a vector program's (its few-shot form) are embedded on first use, with the disk cache."""

    def __init__(self, catalog: Catalog):
        self.store, self.catalog = catalog.store, catalog
        self._vectors: dict = {}

    def _example_vectors(self, program: Program) -> np.ndarray:
        key = (program.name, len(program.examples), hash(tuple(e.input for e in program.examples)))
        if key not in self._vectors:
            self._vectors[key] = models.encoder().encode_cached([e.input for e in program.examples])
        return self._vectors[key]

    def each_label(self, program: Program, vec: np.ndarray, shots: int) -> list[Candidate]:
        """A classifier's nearest example of each of its labels, nearest first ([] for other programs)."""
        labels = labels_of(program, shots)
        if labels is None:
            return []
        vecs = self._example_vectors(program)
        scores = vecs @ (vec / (np.linalg.norm(vec) or 1.0))
        best: dict[str, int] = {}
        for j, e in enumerate(program.examples):
            if e.output not in best or scores[j] > scores[best[e.output]]:
                best[e.output] = j
        return sorted((Candidate(program.examples[j].input, program.examples[j].output, program.name,
                                 float(scores[j]), vecs[j]) for j in best.values()), key=lambda c: -c.score)

    def nearest(self, program: Program, vec: np.ndarray, n: int) -> list[Candidate]:
        if program.kind == "fewshot":
            return [Candidate(i, o, program.name, s, v) for i, o, s, v in
                    self.store.nearest_examples(program.name, vec, n, program.pairs(),
                                                self.catalog.fewshot_examples())]
        vecs = self._example_vectors(program)
        scores = vecs @ (vec / (np.linalg.norm(vec) or 1.0))
        top = np.argsort(-scores, kind="stable")[:n]
        return [Candidate(program.examples[j].input, program.examples[j].output, program.name,
                          float(scores[j]), vecs[j]) for j in top]


def typed_request(parsed: Parsed) -> str:
    """The request as the user typed it: the prompt without its input text ("Would you mind rewriting
    this more formally?", "formalise:"), not as it was read (the reading's key dropped "Would you"
    and spelt "formalize"); the reading's key when an input is not there word for word."""
    text = parsed.prompt
    for given in parsed.inputs:
        if not given or given not in text:
            return parsed.key
        # (with the quotes around it: "what's the French word for 'kitchen'?" left "for ' '?")
        text = re.sub(r"[\"'“‘]?" + re.escape(given) + r"[\"'”’]?", " ", text, count=1)
    text = re.sub(r"\s+([?.!,;:])", r"\1", " ".join(text.split()))
    return text.strip(" :\"'“”‘’") or parsed.key


class FewshotRun:
    def __init__(self, demonstrations: Demonstrations, programs: list[tuple[Program, float]], parsed: Parsed,
                 shots: int, budget: int, embed, llm: Endpoint | None, stored: dict[str, list[str]], program=None):
        """stored: the lead program's stored inputs (lower-case) with their outputs, what answers
        before any LLM; empty when stored pairs may not answer (or several programs blend)."""
        self.demonstrations, self.programs, self.shots, self.budget = demonstrations, programs, shots, budget
        self.embed, self.llm = embed, llm
        lead = programs[0][0]
        # A template's other slots are parameters ("in the style of {author}"); its input slot's
        # value is not, even when reading cleaned it ("a sunny day" -> "sunny day").
        inputs = input_slots(key_slots(parsed.template)) if parsed.template else []
        params = {s: v for s, v in parsed.slots.items() if s not in inputs and v not in parsed.inputs}
        request = key_text(fill(parsed.template, params)) if parsed.template else typed_request(parsed)
        self.instruction = instruction_for(lead, params, request)
        if len(programs) > 1:
            names = ", ".join(f"{p.name} ({w:.0%})" for p, w in programs)
            self.instruction += f" (Blended from the programs {names}; the examples are mixed in that proportion.)"
        self.stored = stored
        self.lead = lead
        self.compiled: list[Compiled] = []
        self.program = program  # the string program that reproduces the program's stored pairs (symbolic.Found)

    def compile(self, text: str) -> Compiled:
        vec = self.embed([text])[0]
        pools = [(p.name, w, self.demonstrations.nearest(p, vec, pool_size(self.shots) + 1))
                 for p, w in self.programs]
        room = self.budget - fixed_size(self.instruction, text)
        # A classifier shows each of its labels: a support lead's urgency program showed high, high, medium,
        # medium and never "low", the nearest four being of two labels
        first = self.demonstrations.each_label(self.lead, vec, self.shots) if len(self.programs) == 1 else []
        chosen, notes = select(pools, vec, self.shots, max(room, 0), exclude=text, first=first)
        if room <= 0:
            notes = [f"the input alone fills the budget of {self.budget:,} characters: no demonstrations"]
        examples = [{"input": c.input, "output": c.output, "program": c.program, "score": round(c.score, 4)}
                    for c in chosen]
        compiled = compile_prompt(self.instruction, examples, text, notes)
        self.compiled.append(compiled)
        return compiled

    def run(self, text: str) -> Output:
        """A database answers what it holds; then the string program that reproduces the stored
        pairs, exact and local, even with an LLM configured; otherwise the LLM's reply, or the
        prompt itself."""
        answer = self.program.run(text) if self.program is not None else None
        if answer is not None and text.strip().lower() not in self.stored:
            return Output(text, answer, "symbolic", confidence=1.0,
                          note=f"runs as a string program: {self.program.describe()}")
        compiled = self.compile(text)
        if text.strip().lower() in self.stored:
            answers = self.stored[text.strip().lower()]
            return Output(text, answers[0], "stored", answers=list(answers), confidence=1.0)
        note = None
        # A word program (a word translator) asked about a sentence says so. The examples are read
        # only for a sentence: english-french's 3,759 take about 1 ms, not to be spent on every query.
        if _sentence(text) and self.lead.examples and \
                all(len(e.input.split()) <= WORD_EXAMPLES for e in self.lead.examples):
            note = (f"{self.lead.name}'s examples are words and short phrases; this input is a sentence, "
                    "so the demonstrations are words")
        if self.llm is None:
            # said first, in the text and in JSON: a script or a person reading no terminal's stderr
            # took 35 lines of tags for an answer ("what's the French for cheese")
            unstored = f"'{text.strip()}' is not stored; " if len(text.split()) <= WORD_EXAMPLES else ""
            ready = f"{unstored}no LLM is configured, so this is the compiled prompt, ready to send (--llm URL runs it)"
            return Output(text, compiled.text, "compiled", note="; ".join(filter(None, [ready, note])))
        return Output(text, self.llm.chat(compiled.messages), "llm", note=note)

    def fallback(self, failed: Output) -> Output:
        """A vector program's input outside the word space, answered by the program's few-shot form."""
        if self.llm is None:
            failed.error += " (with an LLM configured, --llm, the program's few-shot form would answer it)"
            return failed
        out = self.run(failed.input)
        out.note = f"{failed.error}: answered by the program's few-shot form on the LLM"
        return out

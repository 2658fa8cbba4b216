"""Run a retrieved program on its inputs.

Vector programs run by arithmetic in word space; fewshot programs compile a prompt from their
instruction and the stored examples nearest to the input.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from .errors import ProgdbError
from .program import Program
from .wordspace import WordSpace, tokens

METHODS = ("weighted", "average")
DEFAULT_METHOD = "weighted"
PAIR_TEMPERATURE = 0.1  # softmax(cos / T) over pairs: the pairs nearest the input count most


@dataclass
class Candidate:
    answer: str
    score: float


@dataclass
class Output:
    input: str
    answer: str | None
    source: str  # stored | vector | compiled | error
    candidates: list[Candidate] = field(default_factory=list)
    error: str | None = None


@dataclass
class Compiled:
    instruction: str
    examples: list[dict]
    input: str
    text: str
    messages: list[dict]


class PairMatrix:
    """A vector program's usable pairs as unit vectors, kept per process for reuse."""

    def __init__(self, program: Program, space: WordSpace):
        usable = space.usable(program.pairs())
        if not usable:
            raise ProgdbError(f"program '{program.name}': none of its pairs are in the word space")
        self.sources = np.stack([space.vector(a) for a, _ in usable])
        self.targets = np.stack([space.vector(b) for _, b in usable])
        self.diffs = self.targets - self.sources
        self.mean = self.diffs.mean(axis=0)
        self.stored = {}
        for a, b in program.pairs():
            self.stored.setdefault(a.strip().lower(), b)
        outputs = [b for _, b in program.pairs()]
        self.capitalised = sum(o[:1].isupper() for o in outputs) > len(outputs) / 2

    def offsets(self, xs: np.ndarray, method: str) -> np.ndarray:
        """One offset per input row."""
        if method == "average":
            return np.repeat(self.mean[None, :], len(xs), axis=0)
        logits = (xs @ self.sources.T) / PAIR_TEMPERATURE
        w = np.exp(logits - logits.max(axis=1, keepdims=True))
        w /= w.sum(axis=1, keepdims=True)
        return w @ self.diffs


def run_vector(space: WordSpace, programs: list[tuple[PairMatrix, float]], inputs: list[str], k: int,
               method: str = DEFAULT_METHOD) -> list[Output]:
    """All inputs in one pass over the word matrix; blended programs add their weighted offsets."""
    if method not in METHODS:
        raise ProgdbError(f"unknown method '{method}' (choose from {', '.join(METHODS)})")
    outputs: list[Output | None] = [None] * len(inputs)
    known = []
    for i, text in enumerate(inputs):
        missing = space.missing(text)
        if missing:
            outputs[i] = Output(text, None, "error", error=f"'{missing[0]}' is not in the word space "
                                f"({space.name}, {len(space.words):,} words)")
        else:
            known.append(i)
    if known:
        xs = np.stack([space.vector(inputs[i]) for i in known])
        offset = sum(w * pm.offsets(xs, method) for pm, w in programs)
        exclude = [set(tokens(inputs[i])) for i in known]
        neighbours = space.nearest(xs + offset, k, exclude)
        lead = programs[0][0]
        for i, near in zip(known, neighbours):
            cands = [Candidate(_case(n.word, lead.capitalised), round(n.score, 4)) for n in near]
            stored = lead.stored.get(inputs[i].strip().lower()) if len(programs) == 1 else None
            if stored is not None:
                # A database answers what it holds: a stored pair beats arithmetic.
                outputs[i] = Output(inputs[i], stored, "stored", cands)
            else:
                outputs[i] = Output(inputs[i], cands[0].answer if cands else None, "vector", cands)
    return outputs  # type: ignore[return-value]


def _case(word: str, capitalised: bool) -> str:
    """GloVe 6B is lower-case; programs whose outputs are names get them capitalised back."""
    return " ".join(w[:1].upper() + w[1:] for w in word.split(" ")) if capitalised else word


def instruction_for(program: Program, params: dict[str, str], request: str | None) -> str:
    """The program's description, plus the request with its parameters filled, when it has any."""
    base = program.description or (request or program.keys[0])
    if params and request:
        return f"{base.rstrip('.')}. Request: {request}."
    return base


def compile_prompt(instruction: str, examples: list[dict], text: str) -> Compiled:
    """Plain text and chat messages from the same parts, so both say the same thing."""
    blocks = [instruction, ""]
    messages = [{"role": "system", "content": instruction}]
    for ex in examples:
        blocks += [f"Input: {ex['input']}", f"Output: {ex['output']}", ""]
        messages += [{"role": "user", "content": ex["input"]}, {"role": "assistant", "content": ex["output"]}]
    blocks += [f"Input: {text}", "Output:"]
    messages.append({"role": "user", "content": text})
    return Compiled(instruction, examples, text, "\n".join(blocks), messages)


def allocate_shots(weights: list[float], shots: int) -> list[int]:
    """Demonstrations per program in proportion to weight; the top program always gets one."""
    raw = np.array(weights) * shots
    counts = np.floor(raw).astype(int)
    for i in np.argsort(-(raw - counts))[: shots - counts.sum()]:
        counts[i] += 1
    if shots and counts[0] == 0:
        counts[0], counts[int(np.argmax(counts))] = 1, counts[int(np.argmax(counts))] - 1
    return counts.tolist()

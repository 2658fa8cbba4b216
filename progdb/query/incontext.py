"""Programs from examples: in-context prompts ("king: queen, man: woman, boy:") and `which`.

A prompt of demonstrations is a program given by its pairs, as a task vector is in an LLM. The stored
vector program that best predicts the demonstrations' outputs from their inputs is taken when it fits
well, better than the demonstrations explain themselves and better than any other program;
otherwise the demonstrations themselves become a temporary program.
"""
from __future__ import annotations

import re

import numpy as np

from progdb import models
from progdb.errors import ProgdbError
from progdb.program import Example, Program
from progdb.query.execute import WordProgram, run_vector
from progdb.query.result import QueryResult
from progdb.query.retrieve import ProgramMatch
from progdb.text.fewshot import compile_prompt, example_size, fixed_size
from progdb.words.holdout import Holdout, holdout_for
from progdb.words.methods import PairSet
from progdb.words.space import WordSpace

_SEPARATOR = re.compile(r"\s*(?:->|=>|→|:)\s*")
_ARROW = re.compile(r"->|=>|→")
_SEGMENTS = re.compile(r"\s*(?:\n|,|;)\s*")
_MAX_WORDS = 4  # a side of a "word: word" demonstration; longer text is a text program's business
_MAX_WORDS_ARROW = 8  # arrows are rare in prose, so names ("Mount Rushmore National Memorial") may be longer
# Chosen with bench/icl_identify.py, retired: docs/research.md on half 0 of the function-vector pairs (sha1 of the input).
# Demonstrations both stored in a program and new to it were measured (negatives: relations no program holds).
FIT_THRESHOLD = 0.65  # score (fit less any shortfall of lead, see rank_programs) needed to name a stored program
FIT_GAIN = 0.05  # ...and by how much it must beat the demonstrations explaining themselves
LEAD = 0.1  # the fit a program must lead every other program by to keep its whole fit
IDENTIFY_METHOD = "weighted"


def parse_incontext(prompt: str) -> tuple[list[tuple[str, str]], str] | None:
    """Demonstrations and the query input, or None when the prompt is not in that form.
    The last segment must end in a separator ("boy:" or "boy ->"), so prose is never taken."""
    limit = _MAX_WORDS_ARROW if _ARROW.search(prompt) else _MAX_WORDS
    segments = [s for s in _SEGMENTS.split(prompt.strip()) if s]
    if len(segments) < 2:
        return None
    demos = []
    for seg in segments[:-1]:
        parts = _SEPARATOR.split(seg)
        if len(parts) != 2 or not all(_short(p, limit) for p in parts):
            return None
        demos.append((parts[0].strip(), parts[1].strip()))
    last = segments[-1].rstrip("? ")
    m = re.match(r"^(.*?)\s*(?:->|=>|→|:)$", last)
    if not m or not _short(m.group(1), limit):
        return None
    return demos, m.group(1).strip()


def _short(text: str, limit: int) -> bool:
    return 0 < len(text.split()) <= limit


def rank_programs(space: WordSpace, programs: list, demos: list[tuple[str, str]],
                  leave_out: Holdout | str | None = None) -> list[tuple[str, float]]:
    """Stored vector programs by how well each predicts the demonstrations (see _fit; no pass over
    the vocabulary), less what each lacks of a LEAD over the best other program: one pair such as
    monday: tuesday fits next-item and previous-item alike, and a tie names neither. `leave_out`
    (an input, or a Holdout) hides pairs from every program (words/holdout.py)."""
    if not space.usable(demos):
        return []
    ps = PairSet(space, demos)
    fits = np.array([_fit(wp.fitted(IDENTIFY_METHOD, leave_out).queries(ps.sources), ps) for wp in programs])
    if len(fits) > 1:
        top2 = np.sort(fits)[-2:]
        lead = fits - np.where(fits == top2[1], top2[0], top2[1])
        fits = fits - np.maximum(0.0, LEAD - lead)
    ranked = [(wp.name, round(float(f), 4)) for wp, f in zip(programs, fits)]
    return sorted(ranked, key=lambda t: -t[1])


def self_fit(space: WordSpace, demos: list[tuple[str, str]]) -> float:
    """How well the demonstrations explain themselves: each output predicted from its input plus
    the other demonstrations' mean offset (or from the input alone, for one demonstration, which
    then shows no direction of change). A stored program is only worth naming when it explains
    them clearly better."""
    if not space.usable(demos):
        return 1.0
    ps = PairSet(space, demos)
    n = len(ps.pairs)
    q = ps.sources + (ps.diffs.sum(axis=0) - ps.diffs) / (n - 1) if n > 1 else ps.sources.copy()
    return round(_fit(q, ps), 4)


def _fit(q: np.ndarray, ps: PairSet) -> float:
    """Mean over the pairs of cos(prediction, output) and cos(prediction - input, output - input). The
    first alone is high for every program when input and output are close words (monday, tuesday);
    the second asks whether the program moves the input the demonstrated way."""
    near = np.sum(q * ps.targets, axis=1) / np.linalg.norm(q, axis=1)
    moved = q - ps.sources
    direction = np.sum(moved * ps.diffs, axis=1) / (np.linalg.norm(moved, axis=1) * np.linalg.norm(ps.diffs, axis=1)
                                                   + 1e-9)
    return float(np.mean(near + direction) / 2)


# -- in-context prompts, run ------------------------------------------------------------------------
def answer(catalog, prompt: str, demos: list[tuple[str, str]], text: str, k: int, method: str,
           use_stored: bool | Holdout) -> QueryResult:
    """The stored program the demonstrations name when one fits (rank_programs), else the
    demonstrations themselves as a temporary program, run on `text`. use_stored=False or a Holdout:
    the input's stored pairs and their reverses are hidden from every program (words/holdout.py)."""
    space = models.word_space()
    programs = catalog.word_programs()
    hide = holdout_for(use_stored, text)
    if hide is not None:  # any program may answer: the reverses of the input's pairs in each are hidden
        hide = hide.with_outputs(o for wp in programs for o in wp.stored.get(text.strip().lower(), ()))
    ranked = rank_programs(space, programs, demos, hide)
    candidates = [ProgramMatch(n, s, 0.0, "in-context demonstrations") for n, s in ranked[:5]]
    result = QueryResult(prompt, "", [text], {}, "in-context", None, "in-context", "", FIT_THRESHOLD,
                         [], candidates, kind="vector")
    own = self_fit(space, demos)
    if ranked and ranked[0][1] >= max(FIT_THRESHOLD, own + FIT_GAIN):
        name, score = ranked[0]
        result.mode, result.programs = "nearest", [ProgramMatch(name, score, 1.0, "in-context demonstrations")]
        result.message = f"the demonstrations fit the stored program '{name}' (fit {score:.2f})"
        program = catalog.word_program(catalog.get(name))
    else:
        usable = space.usable(demos)
        if not usable:
            bad = next(w for pair in demos for w in pair if w not in space)
            raise ProgdbError(f"in-context prompt: '{bad}' is not in the word space ({space.name})")
        best = (f" (best: {ranked[0][0]} at {ranked[0][1]:.2f}; the pairs fit themselves at {own:.2f})"
                if ranked else "")
        result.message = f"no stored program fits the demonstrations{best}; their own pairs are the program"
        result.programs = [ProgramMatch("in-context", 1.0, 1.0, "in-context demonstrations")]
        program = WordProgram(Program(name="in-context", kind="vector", keys=["in-context"],
                                      examples=[Example(a, b) for a, b in demos]), space)
    result.outputs = run_vector(space, [(program, 1.0)], [text], k, method, use_stored if hide is None else hide)
    return result


def compile_demonstrations(prompt: str, demos: list[tuple[str, str]], text: str, budget: int) -> QueryResult:
    """An in-context prompt's demonstrations are its few-shot examples, as given."""
    examples = [{"input": a, "output": b, "program": "in-context", "score": 1.0} for a, b in demos]
    instruction = "Give the output for the last input, following the pattern of the examples."
    room, kept = budget - fixed_size(instruction, text), 0
    for ex in examples:  # the first ones, in the order given, while they fit
        room -= example_size(ex["input"], ex["output"])
        if room < 0:
            break
        kept += 1
    notes = [f"{kept} of {len(examples)} demonstrations fit"] if kept < len(examples) else []
    compiled = compile_prompt(instruction, examples[:kept], text, notes)
    return QueryResult(prompt, "", [text], {}, "in-context", None, "in-context", "", 0.0,
                       [ProgramMatch("in-context", 1.0, 1.0, "in-context demonstrations")], [],
                       kind="fewshot", compiled=[compiled])

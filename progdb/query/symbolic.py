"""String programs found from examples: a small DSL searched exhaustively, FlashFill-style.

A program is one of
  * a letter: the character at a position (first, second, third, last, second-to-last), moved on
    or back in the alphabet by one (or not), in its own case, upper- or lower-cased;
  * the text: a slice of the input (up to three characters off either end), unchanged, upper-,
    lower-, title-cased or with its first letter upper-cased, or reversed, between a constant prefix and suffix (which
    adds, removes or replaces an affix);
  * its length, in digits;
  * a whole number, counted on or back by one or two (1999 -> 2000);
  * a constant (only when every output is the same, from three examples on).
Every program is checked against every example; those that reproduce all of them exactly are
kept, the simplest first. The space is fixed (under 200 programs, the constants of the text
programs read off the first example), so a search costs a few hundred string operations per
example.
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass
from string import ascii_lowercase, ascii_uppercase

MIN_EXAMPLES = 2  # a program found from fewer examples is a guess, not evidence
MIN_CONSTANT = 3  # ...and a constant answer needs more
MAX_AFFIX = 8  # characters of a constant prefix or suffix
MAX_CHECK = 300  # examples a stored program's pairs are checked on (a deterministic sample)
SURE_FROM = 3  # examples reproduced from which a program's answer is certain (see confidence)

_POSITIONS = {0: "first", 1: "second", 2: "third", -1: "last", -2: "second-to-last"}
_CASES = ("same", "upper", "lower", "title", "capitalize")
_CASE_WORDS = {"same": "", "upper": "upper-cased", "lower": "lower-cased", "capitalize": "with its first letter upper-cased",
               "title": "with each word's first letter upper-cased"}


def _case(text: str, case: str) -> str:
    if case == "upper":
        return text.upper()
    if case == "lower":
        return text.lower()
    if case == "capitalize":
        return text[:1].upper() + text[1:]
    if case == "title":  # "fishing pole" -> "Fishing Pole"; the rest of each word as it is
        return " ".join(w[:1].upper() + w[1:] for w in text.split(" "))
    return text


def _shift(ch: str, step: int) -> str | None:
    """The letter `step` places on in the alphabet (z wraps to a); None for a non-letter."""
    for alphabet in (ascii_lowercase, ascii_uppercase):
        i = alphabet.find(ch)
        if i >= 0 and ch:
            return alphabet[(i + step) % 26]
    return None


@dataclass(frozen=True)
class Letter:
    position: int
    step: int  # 0, +1 (the next letter), -1 (the previous letter)
    case: str

    cost = property(lambda self: 1 + abs(self.step) + (self.case != "same") * 0.5 + (self.position not in (0, -1)) * 0.25)

    def run(self, text: str) -> str | None:
        if len(text) <= self.position or len(text) < -self.position:
            return None
        ch = text[self.position]
        if self.step:
            ch = _shift(ch, self.step)
            if ch is None:
                return None
        return _case(ch, self.case)

    def describe(self) -> str:
        what = f"the {_POSITIONS[self.position]} letter"
        if self.step:
            what = f"the letter {'after' if self.step > 0 else 'before'} {what}"
        return what + (f", {_CASE_WORDS[self.case]}" if self.case != "same" else "")


@dataclass(frozen=True)
class Text:
    start: int  # characters dropped from the start
    end: int  # ...and from the end
    case: str
    reverse: bool = False
    prefix: str = ""
    suffix: str = ""

    @property
    def cost(self) -> float:
        return ((self.start > 0) + (self.end > 0) + (self.case != "same") * 0.5 + self.reverse
                + sum(1 + len(a) / 10 for a in (self.prefix, self.suffix) if a))

    def core(self, text: str) -> str | None:
        if self.start + self.end >= len(text):
            return None
        part = text[self.start:len(text) - self.end]
        return _case(part[::-1] if self.reverse else part, self.case)

    def run(self, text: str) -> str | None:
        core = self.core(text)
        return None if core is None else self.prefix + core + self.suffix

    def describe(self) -> str:
        parts = ["the input"]
        if self.start or self.end:
            cut = [f"{n} character{'s' * (n > 1)} off the {side}" for n, side in ((self.start, "start"), (self.end, "end")) if n]
            parts = ["the input with " + " and ".join(cut)]
        if self.reverse:
            parts.append("reversed")
        if self.case != "same":
            parts.append(_CASE_WORDS[self.case])
        if self.prefix:
            parts.append(f"after '{self.prefix}'")
        if self.suffix:
            parts.append(f"followed by '{self.suffix}'")
        if parts == ["the input"]:
            return "the input, unchanged"
        return ", ".join(parts)


@dataclass(frozen=True)
class Length:
    cost = 1.0

    def run(self, text: str) -> str:
        return str(len(text))

    def describe(self) -> str:
        return "its length in characters"


@dataclass(frozen=True)
class Count:
    step: int
    cost = property(lambda self: 1 + abs(self.step) * 0.5)

    def run(self, text: str) -> str | None:
        return str(int(text) + self.step) if text.isdigit() and int(text) + self.step >= 0 else None

    def describe(self) -> str:
        return f"the number {'plus' if self.step > 0 else 'minus'} {abs(self.step)}"


_COUNTS = [Count(step) for step in (1, -1, 2, -2)]


@dataclass(frozen=True)
class Constant:
    value: str
    cost = 4.0

    def run(self, text: str) -> str:
        return self.value

    def describe(self) -> str:
        return f"always '{self.value}'"


_LETTERS = [Letter(p, s, c) for p in _POSITIONS for s in (0, 1, -1) for c in _CASES[:3]]


def _texts(first_in: str, first_out: str) -> list[Text]:
    """The text programs whose constants the first example fixes: each slice and case of its input
    found inside its output, with the rest of the output as prefix and suffix."""
    found = []
    for reverse in (False, True):
        for case in _CASES:
            for start in range(4):
                for end in range(4):
                    core = Text(start, end, case, reverse).core(first_in)
                    if not core:
                        continue
                    at = first_out.find(core)
                    while at >= 0:
                        prefix, suffix = first_out[:at], first_out[at + len(core):]
                        if len(prefix) <= MAX_AFFIX and len(suffix) <= MAX_AFFIX:
                            found.append(Text(start, end, case, reverse, prefix, suffix))
                        at = first_out.find(core, at + 1)
    return found


@dataclass
class Found:
    """The simplest program that reproduces every example, and how sure its answers are."""
    program: object
    examples: int  # how many examples it reproduces (all of them)
    rivals: list  # the other programs that reproduce them all, simplest first

    def run(self, text: str) -> str | None:
        return self.program.run(text)

    def describe(self) -> str:
        return self.program.describe()

    def candidates(self, text: str) -> list[tuple[str, float]]:
        """The answers of the programs within one step of the simplest, each with its share of
        their weight (2^-cost), most likely first."""
        close = [self.program] + [p for p in self.rivals if p.cost <= self.program.cost + 1]
        weight: dict[str, float] = {}
        for p in close:
            out = p.run(text)
            if out is not None:
                weight[out] = weight.get(out, 0.0) + 2.0 ** -p.cost
        total = sum(weight.values()) or 1.0
        return sorted(((a, round(w / total, 3)) for a, w in weight.items()), key=lambda t: -t[1])

    def confidence(self, text: str) -> float:
        """1 when SURE_FROM examples or more were reproduced and every program within one step of
        the simplest (cost + 1) gives the same answer; otherwise the share of those programs
        (weighted 2^-cost) that agree with the simplest, times 0.8 below SURE_FROM examples."""
        answer = self.run(text)
        share = dict(self.candidates(text)).get(answer, 0.0)
        if self.examples < SURE_FROM:
            return round(0.8 * share, 3)
        return 1.0 if share == 1.0 else share


def synthesize(examples: list[tuple[str, str]], text: str | None = None) -> Found | None:
    """The simplest program that reproduces every example exactly (None: fewer than MIN_EXAMPLES
    examples, or no program of the space reproduces them; also None when it cannot run on `text`)."""
    examples = [(a, b) for a, b in examples if a is not None and b is not None]
    if len(examples) < MIN_EXAMPLES:
        return None
    (a0, b0) = examples[0]
    pool: list = [p for p in _LETTERS if len(b0) == 1] + _texts(a0, b0) + [Length()] + \
        [p for p in _COUNTS if a0.isdigit()]
    if len(examples) >= MIN_CONSTANT:
        pool.append(Constant(b0))
    kept = [p for p in pool if all(p.run(a) == b for a, b in examples)]
    if text is not None:
        kept = [p for p in kept if p.run(text) is not None]
    kept = [p for p in kept if not _trivial(p, examples)]
    if not kept:
        return None
    kept.sort(key=lambda p: p.cost)
    return Found(kept[0], len(examples), kept[1:])


def _trivial(program, examples) -> bool:
    """A text program that keeps none of its input (a constant in disguise) unless the outputs
    are all the same."""
    return isinstance(program, Text) and all(program.core(a) == "" for a, _ in examples)


def sample(pairs: list[tuple[str, str]], n: int = MAX_CHECK) -> list[tuple[str, str]]:
    """At most n pairs, chosen by the sha1 of the input (the same pairs for the same program)."""
    if len(pairs) <= n:
        return list(pairs)
    return sorted(pairs, key=lambda p: hashlib.sha1(p[0].encode()).hexdigest())[:n]


_of_cards: dict[str, Found | None] = {}


def shape(text: str) -> str | None:
    """The inputs a string program may answer inside a word program: whole numbers and single
    letters, whose pairs follow a rule (7 -> 8, b -> c) that vector arithmetic does not extrapolate
    (1999 -> 1998). Words are the arithmetic's and the spelling rules' business."""
    if text.isdigit():
        return "number"
    if len(text) == 1 and text.isalpha():
        return "letter"
    return None


MIN_SHAPED = 5  # pairs of the input's shape a rule must reproduce to answer for a word program


def for_shape(pairs: list[tuple[str, str]], text: str) -> Found | None:
    """The string program that reproduces every stored pair whose input has `text`'s shape (at
    least MIN_SHAPED of them, a deterministic sample of at most MAX_CHECK) and runs on `text`."""
    kind = shape(text)
    if kind is None:
        return None
    same = [(a, b) for a, b in pairs if shape(a) == kind]
    if len(same) < MIN_SHAPED:
        return None
    return synthesize(sample(same), text)


def for_program(digest: str, pairs) -> Found | None:
    """The program that reproduces a stored program's pairs (a deterministic sample of at most
    MAX_CHECK; `pairs` is called only on a miss), cached per card digest: a card's program is
    searched once per process."""
    if digest not in _of_cards:
        _of_cards[digest] = synthesize(sample(pairs()))
    return _of_cards[digest]

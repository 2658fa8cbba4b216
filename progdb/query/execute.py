"""Run a retrieved program on its inputs.

Vector programs run by arithmetic in word space (fewshot programs: see fewshot.py).
"""
from __future__ import annotations

import os
import re
from collections import Counter
from dataclasses import dataclass, field

import numpy as np

from progdb.query import symbolic
from progdb.query.abbreviations import abbreviates, spells_out
from progdb.query.categories import Categories
from progdb.query.suffixes import MIN_FOUND, SuffixRule, attach
from progdb.query.confidence import confidence, is_sure
from progdb.errors import ProgdbError
from progdb.program import Program, case_matters, outputs_by_input, typed_as_stored
from progdb.query.wording import FUNCTION_WORDS  # (frequent enough to sit near any query vector: "canon -> the")
from progdb.words.compounds import CompoundHeads
from progdb.words.holdout import Holdout, holdout_for
from progdb.words.phrases import PhraseForms
from progdb.words.methods import DEFAULT_METHOD, GEOMETRY_OF, METHODS, Extras, Fitted, PairSet, SurfaceRules, decode
from progdb.words.space import WordSpace, canonical, tokens

ONE_TO_ONE = 0.9  # a program whose outputs are this share distinct, and as few of them inputs, maps one to one
ANOTHERS_ANSWER = 0.5  # ...and its computed answer that it stores for another input is worth half its confidence
SEQUENCE = 0.8  # a program whose outputs are this often its inputs too walks a sequence (next-item)
NAMES_OF_WORDS = 0.8  # a program whose answers are this often several words answers names (book -> author)
STORED_LEAD = 0.75  # a blend whose first program has this much weight answers that program's stored pairs
SPARE_CANDIDATES = 5  # decoded beyond -k, for the candidates a word program's filters drop
ABBREVIATION_REACH = 200  # a program of abbreviations answers with the best of this many decoded words its input abbreviates
SMALL_PROGRAM = 100  # a program of fewer stored inputs has its arithmetic measured on them before a guess is trusted
# (animal-young, 54 inputs: its arithmetic finds 3 of them, so "baby rhino" is no "nickelback?"; 0.4 s, once a process)


@dataclass
class Candidate:
    answer: str
    score: float
    # why it stands where its score would not put it ("another input's": what the program stores for
    # another input, listed last; "by rule": a spelling rule's answer, scored by the rule's measure)
    remark: str = ""


TOO_UNSURE = "is too unsure to give"  # an output error that is no failure: the input has no answer (exit 1)
LEFT_OUT = "each left out in turn"  # how a small program's own pairs test it, in plain words


def candidate_list(out: "Output", n: int = 5) -> str:
    """The best n candidates as shown, a name's single words left out where the name itself is shown
    (Buenos Aires, not also Buenos and Aires): an answer's, and a guess withheld as too unsure."""
    names = {w for c in out.candidates[:n] if " " in c.answer for w in c.answer.split()}
    shown = [c for c in out.candidates if " " in c.answer or c.answer not in names][:n]
    return ", ".join(f"{c.answer} {c.score:.2f}" + (f" ({c.remark})" if c.remark else "") for c in shown)


UNSTORED_NAME = "it gives only the names it stores"  # ...nor is a name arithmetic cannot spell (exit 1)


def no_answer(out: "Output") -> bool:
    """An input whose best guess was too unsure to give, or a name a program of names does not store:
    no answer, as a refusal is, not an error ("who invented the airplane" of a teacher's inventors)."""
    return out.source == "error" and (TOO_UNSURE in (out.error or "") or UNSTORED_NAME in (out.error or ""))


@dataclass
class Output:
    input: str
    answer: str | None
    source: str  # stored | vector | symbolic (a string program) | composed | compiled (no LLM) | llm | error
    candidates: list[Candidate] = field(default_factory=list)
    error: str | None = None
    chain: list[str] = field(default_factory=list)  # composed programs: input, then each step's answer
    note: str | None = None  # e.g. a vector program answered by its few-shot form on the LLM
    answers: list[str] = field(default_factory=list)  # source "stored": every stored output of the input
    method: str | None = None  # a computed answer: "ranker" or "geometry"
    confidence: float | None = None  # P(right): 1 for a stored pair, calibrated for a computed one (confidence.py)
    sure: bool = True  # False: the confidence is below confidence.FLOOR; the answer is a best guess

    def __post_init__(self):
        if self.source in ("error", "compiled"):
            self.sure = False  # no answer to give: an app that reads `sure` alone must not take it


class WordProgram:
    """A vector program's pairs in word space, with its methods fitted on demand (kept per process)."""

    def __init__(self, program: Program, space: WordSpace):
        pairs = program.pairs()
        try:
            self.pairs = PairSet(space, pairs)
        except ProgdbError:
            raise ProgdbError(f"program '{program.name}': none of its pairs are in the word space") from None
        self.space, self.name = space, program.name
        self.rules = SurfaceRules(self.pairs.pairs)
        self._fitted: dict[str, Fitted] = {}
        self._ranker = False  # not trained yet (None: too few pairs)
        self.note: str | None = None  # why the method asked for did not answer
        self.stored = outputs_by_input(pairs)  # lower-case input -> its stored outputs, in order
        # (where capitals tell inputs apart, mL and mg, a typed "Mg" is none of them: see stored_for)
        self.typed = {a.strip() for a, _ in pairs} if case_matters(a for a, _ in pairs) else None
        self.lower_inputs = {a.strip() for a, _ in pairs if a.strip().islower()}  # stored as "tuesday", not "Japan"
        # People by their last names, for a program mostly of names of several words (see _names_sharing)
        names = list(dict.fromkeys(a.strip() for a, _ in pairs if len(a.split()) >= 2))
        self.names_by_last: dict[str, list[str]] = {}
        if len(names) >= PEOPLE_SHARE * len(self.stored):
            for name in names:
                self.names_by_last.setdefault(name.split()[-1].lower().strip(".,"), []).append(name)
        # A sequence's answers are its inputs too (days, months, letters): "Tuesday" asks in the case it answers
        self.sequence = sum(canonical(b) in self.stored for _, b in pairs) >= SEQUENCE * len(pairs)
        self.spelling: dict[str, str] = {}  # lower-case output -> as the program writes it
        for _, b in pairs:
            self.spelling.setdefault(canonical(b), b)
        # ...whole, marks and all: a category is its output as written ("10^-6" and "10^6" are one to the word space)
        self.as_written = {b.strip().lower(): b.strip() for _, b in reversed(pairs)}
        outputs = [b for _, b in pairs]
        # A program whose answers are never function words never answers one: brand -> category guessed "the"
        self.answers_function_words = any(canonical(b) in FUNCTION_WORDS for b in outputs)
        # A program none of whose pairs keeps its input's stem never answers with a form of the input:
        # a researcher's hypernyms guessed "orchid -> orchids?" (plural and past-tense keep theirs)
        self.keeps_stems = any(_same_stem(canonical(a), canonical(b)) for a, b in pairs)
        # A program that spells out abbreviations (St -> Street, kg -> kilogram, CA -> California) answers
        # only with words its input abbreviates: a data engineer's "Pkwy" guessed *Panhandle*, Parkway third
        self.expands = spells_out(pairs)
        self.capitalised = sum(o[:1].isupper() for o in outputs) > len(outputs) / 2
        # Answers that are names of several words (book -> author): arithmetic's single words are pieces of them
        self.names_of_words = sum(len(o.split()) >= 2 for o in outputs) >= NAMES_OF_WORDS * len(outputs)
        # One input, one output of its own (element -> symbol, city -> team; not currencies or antonyms)
        ins, outs = {canonical(a) for a, _ in pairs}, {canonical(b) for b in outputs}
        self.output_set = outs
        # (in a small table one output given twice shows outputs are shared: a teacher's country-language
        # stores Spanish for Mexico and Argentina, so Portuguese is an answer for Portugal, not Brazil's alone)
        distinct = len(outs) == len(outputs) if len(outputs) < SMALL_PROGRAM else len(outs) >= ONE_TO_ONE * len(outputs)
        self.one_to_one = distinct and len(outs & ins) <= (1 - ONE_TO_ONE) * len(outs)
        self._shaped: dict[str, list[tuple[str, list[str]]]] = {}  # see shaped()
        self._heads: CompoundHeads | None = None  # see heads()
        self._phrases: PhraseForms | None = None  # see phrases()
        self._fragments: dict[str, str] | None = None  # see spell()
        self._measured: dict[str, dict[str, bool]] = {}  # see measured()
        self._categories: Categories | None | bool = False  # see categories()
        self._suffix: SuffixRule | None | bool = False  # see suffix_rule()
        self._by_input: dict[str, list[int]] = {}  # canonical input / output -> usable pairs (Holdout)
        self._by_output: dict[str, list[int]] = {}
        for i, (a, b) in enumerate(self.pairs.pairs):
            self._by_input.setdefault(canonical(a), []).append(i)
            self._by_output.setdefault(canonical(b), []).append(i)

    def stored_for(self, text: str) -> list[str] | None:
        """The input's stored outputs, case aside unless its capitals matter here ("Mg" is no "mg")."""
        if self.typed is not None and not typed_as_stored(text, self.typed):
            return None
        return self.stored.get(text.strip().lower())

    def reach(self, k: int) -> int:
        """How many words to decode for k answers: many more where only words the input abbreviates answer."""
        return max(k, ABBREVIATION_REACH) if self.expands else k

    def answers_abbreviated(self, text: str) -> bool:
        """Are this program's answers for the input only words it abbreviates? (A function word is no
        abbreviation: "what month is it" of a month-name is no "it -> Itself".)"""
        return self.expands and canonical(text) not in FUNCTION_WORDS

    def answerable(self, word: str) -> bool:
        """Can the word space's token be one of this program's answers? Not punctuation or a clitic
        (_has_word), nor a function word unless the program answers with one."""
        return _has_word(word) and (self.answers_function_words or word not in FUNCTION_WORDS)

    def answers_another(self, text: str, answer: str) -> bool:
        """Is `answer` what this one-to-one program stores for an input other than `text`?"""
        own = canonical(text)
        return self.one_to_one and any(canonical(self.pairs.pairs[j][0]) != own
                                       for j in self._by_output.get(canonical(answer), ()))

    def shaped(self, kind: str) -> list[tuple[str, list[str]]]:
        """The stored inputs of one shape (symbolic.shape) with their outputs; listed once per process,
        so a query does not walk every stored pair."""
        if kind not in self._shaped:
            self._shaped[kind] = [(a, outs) for a, outs in self.stored.items() if symbolic.shape(a) == kind]
        return self._shaped[kind]

    def measured(self, method: str, hidden: str = "") -> tuple[int, int] | None:
        """How many of a small program's stored inputs its arithmetic answers right with that input's
        pairs hidden (leave one out), of how many tried; the `hidden` input's own fold left out (a
        measured query must not learn from its own answer). None for a program of SMALL_PROGRAM
        inputs or more, whose calibrated confidence stands: a user's table of names (department ->
        manager) is no relation in word space, and its guesses ("payroll -> Gabe?") are no answers."""
        if len(self.stored) >= SMALL_PROGRAM:
            return None
        if method not in self._measured:
            asked, folds = [], []
            for a in self.stored:
                try:  # (an analogy's one pair, or a pair and its reverse, leave nothing to learn from)
                    fold = self.fitted(method, Holdout.of(a)) if a in self.space else None
                except ProgdbError:
                    fold = None
                if fold is not None:
                    asked.append(a)
                    folds.append(fold)
            ranked = decode(self.space, folds, asked, self.reach(1)) if asked else []
            found = [[w for w in r.words if not self.answers_abbreviated(a) or abbreviates(a, w)]
                     for a, r in zip(asked, ranked)]
            self._measured[method] = {a: bool(words) and canonical(words[0]) in {canonical(o) for o in self.stored[a]}
                                      for a, words in zip(asked, found)}
        folds = [hit for a, hit in self._measured[method].items() if a != hidden]
        return (sum(folds), len(folds)) if folds else None

    def by_chance(self, method: str, hidden: str = "") -> int:
        """How many of the inputs `measured` tried the commonest output of the others answers right (each
        left out): what arithmetic finds by chance in a table whose outputs repeat (a bakery's prices: 2 of 16
        found, as "£3.25" for everything would). 0 where no output repeats."""
        asked = [a for a in self._measured.get(method, {}) if a != hidden]
        counts = Counter(canonical(o) for a in asked for o in self.stored[a])
        hits = 0
        for a in asked:
            own = {canonical(o) for o in self.stored[a]}
            others = counts - Counter(own)
            top = max(others.values(), default=0)
            hits += top > 1 and any(others[o] == top for o in own)
        return hits

    def categories(self) -> Categories | None:
        """A small program of categories (issue type -> team: categories.py), else None."""
        if self._categories is False:
            inputs = [canonical(a) for a, _ in self.pairs.pairs]
            outputs = [b.strip().lower() for _, b in self.pairs.pairs]  # (a physics teacher's 10^-6 was "10 6", as 10^6)
            self._categories = Categories(self.pairs.sources, inputs, outputs) \
                if len(self.stored) < SMALL_PROGRAM and Categories.of(inputs, outputs) else None
        return self._categories

    def suffix_rule(self) -> SuffixRule | None:
        """A small program's suffix under English spelling (suffixes.py), else None."""
        if self._suffix is False:
            self._suffix = SuffixRule(self.pairs.pairs) if len(self.stored) < SMALL_PROGRAM else None
        return self._suffix

    def suffix_taken(self, method: str, hidden: str = "") -> tuple[str, int, int, int] | None:
        """(suffix, pairs it spells, pairs tried, pairs the arithmetic finds), each with its pair hidden
        and the `hidden` input's left out, when the suffix rule answers for this program: it finds
        MIN_FOUND pairs or more, and as many as the arithmetic (whose own count is helped by its
        spelling bonus, which finds bake -> baker from drive -> driver but nothing for "paint")."""
        rule = self.suffix_rule()
        best = rule.best(hidden=hidden) if rule is not None else None
        if best is None:
            return None
        right, tried = rule.measured(hidden)
        arithmetic = self.measured(method, hidden)
        found = arithmetic[0] if arithmetic is not None else 0
        return (best[0], right, tried, found) if right >= MIN_FOUND and found <= right else None

    def phrases(self) -> PhraseForms:
        """The rule of a form made with a word before the input ("more interesting"), read once."""
        if self._phrases is None:
            self._phrases = PhraseForms(self.stored)
        return self._phrases

    def heads(self) -> CompoundHeads:
        """The compound rule measured on the program's stored pairs (once per process)."""
        if self._heads is None:
            self._heads = CompoundHeads(self.stored)
        return self._heads

    def ranker(self):
        """The program's learned ranker (trained when the program is written, cached on disk), None
        for small programs, and None with a note when none is trained and the program is too large
        to train one now (ranker.QUERY_TRAIN_PAIRS): a query never waits on unbounded work."""
        if self._ranker is False:
            from progdb.words.ranker import QUERY_TRAIN_PAIRS, NotTrained, ranker_for

            try:
                self._ranker = ranker_for(self.space, self.pairs.pairs, train_up_to=QUERY_TRAIN_PAIRS)
            except NotTrained:
                self.note = ("answered with `combined`: this program's word ranker is not trained yet "
                             "(it is trained when the program is added or imported)")
                return None
        return self._ranker

    def resolve(self, method: str, leave_out: str | None = None) -> str:
        from progdb.words.ranker import resolve_method

        return resolve_method(method, self.ranker() if method in GEOMETRY_OF else None, leave_out)

    def hidden(self, hide: Holdout) -> list[int]:
        """The usable pairs a Holdout hides in this program: its input's pairs, and the reverses of
        those and of the Holdout's outputs."""
        own = self._by_input.get(hide.input, [])
        answers = hide.outputs | {canonical(self.pairs.pairs[i][1]) for i in own}
        back = [i for i in self._by_output.get(hide.input, ()) if canonical(self.pairs.pairs[i][0]) in answers]
        return sorted({*own, *back})

    def fitted(self, method: str, hide: Holdout | str | None = None) -> Fitted:
        """The method fitted on every pair, or, for a measured query, on every pair the Holdout
        `hide` leaves (an input alone: Holdout.of(input)), so the program is measured rather than
        its memory: hidden pairs leave the fitted offsets, the spelling rules and the ranker's
        evidence."""
        if isinstance(hide, str):
            hide = Holdout.of(hide)
        held = hide.input if hide is not None else None
        method = self.resolve(method, held)
        if method == "ranker":
            from progdb.words.ranker import RankerFitted

            drop = self.hidden(hide) if hide is not None else []
            return RankerFitted(self.fitted("combined", hide), self.ranker(), held,
                                [self.pairs.pairs[i] for i in drop])
        if hide is not None:
            drop = self.hidden(hide)
            if drop:
                gone = set(drop)
                fold = self.pairs.keep([i for i in range(len(self.pairs.pairs)) if i not in gone])
                return Fitted(self.space, fold, method, self.rules, [self.pairs.pairs[i] for i in drop])
        if method not in self._fitted:
            self._fitted[method] = Fitted(self.space, self.pairs, method, self.rules)
        return self._fitted[method]

    def spell(self, word: str) -> str:
        """GloVe 6B is lower-case: answers take the program's own spelling, or its capitalisation;
        a word of one stored name of several words is that name ("aires" is Buenos Aires)."""
        if word in self.spelling:
            return self.spelling[word]
        if self._fragments is None:
            self._fragments = _fragments_of(self.spelling)
        return self._fragments.get(word) or _case(word, self.capitalised)


class Blend(Fitted):
    """Interpolated programs: the input plus the weighted sum of each program's offset. Spelling
    rules and closed sets belong to one program, so a blend is decoded by geometry alone."""

    def __init__(self, parts: list[tuple[Fitted, float]]):
        lead = parts[0][0]
        self.space, self.ps, self.method, self.parts = lead.space, lead.ps, "blend", parts
        self.extras, self.prob, self.rules, self.leave_out = Extras(), None, None, []
        self.closed_set, self.closed_rate = set(), 0.0

    def queries(self, xs: np.ndarray) -> np.ndarray:
        return xs + sum(w * (f.queries(xs) - xs) for f, w in self.parts)


PEOPLE_SHARE = 0.8  # a program this share of whose inputs are names of several words is of people
MAX_SHARED_SHOWN = 4  # stored names shown when a surname is several people's


def _names_sharing(wp: WordProgram, text: str) -> list[str]:
    """The stored names, as typed, that end in a one-word input not stored itself, where they answer
    differently, for a program mostly of names of several words (people): "coltrane" is John's and
    Alice's. (A program of words is not asked: plural's "polar bear" and "teddy bear" make no "bear".)"""
    low = text.strip().lower()
    if " " in low or not low.isalpha() or low in wp.stored:
        return []
    names = wp.names_by_last.get(low, [])
    return names if len({tuple(wp.stored[n.lower()]) for n in names}) > 1 else []


def run_vector(space: WordSpace, programs: list[tuple[WordProgram, float]], inputs: list[str], k: int,
               method: str = DEFAULT_METHOD, use_stored: bool | Holdout = True,
               exclude: frozenset[str] = frozenset()) -> list[Output]:
    """All inputs in one pass over the word matrix; blended programs add their weighted offsets.
    With use_stored=False the stored pairs of an input and their reverses neither answer nor teach
    (the program is measured); a Holdout of an input hides those and the reverses of its answers.
    exclude: words never answered (an analogy's own words, as gensim's most_similar leaves them out)."""
    if method not in METHODS:
        raise ProgdbError(f"unknown method '{method}' (choose from {', '.join(METHODS)})")
    outputs: list[Output | None] = [None] * len(inputs)
    known, fitted = [], []
    lead = programs[0][0]
    # A blend led by one program (weight >= STORED_LEAD) still answers what that program holds:
    # "the letter before b" is a pair previous-item stores, whatever next-item adds.
    led = len(programs) == 1 or programs[0][1] >= STORED_LEAD
    for i, text in enumerate(inputs):
        stored = lead.stored_for(text) if led and use_stored else None
        if stored:
            # A database answers what it holds: a stored pair beats arithmetic (all of its outputs), and
            # no arithmetic runs for it (its ranking was shown only by --explain, a word matrix's pass
            # for nothing; also a word GloVe lacks: "Eswatini -> Mbabane")
            answers = _in_typed_case(text, stored) if lead.sequence and text.strip().lower() in lead.lower_inputs \
                else stored
            outputs[i] = Output(text, answers[0], "stored", [], answers=answers, confidence=1.0)
            continue
        shared = _names_sharing(lead, text) if led and use_stored is True else []
        if len(shared) > 1:  # "coltrane": John plays saxophone, Alice piano; arithmetic guessed piano, sure
            said = "; ".join(f"{name} -> {' / '.join(lead.stored[name.lower()])}" for name in shared[:MAX_SHARED_SHOWN])
            outputs[i] = Output(text, None, "error", error=f"'{text.strip()}' is the last name of {len(shared)} stored "
                                f"names ({said}): which one is meant, a guess {TOO_UNSURE}; ask for one by name")
            continue
        missing = space.missing(text)
        hide = holdout_for(use_stored, text)
        if len(programs) == 1 and not (use_stored is True and lead.stored_for(text)):
            ruled = _compound(lead, text, hide) or _phrase_form(lead, text, hide) or \
                _by_last_word(space, lead, text, k, method, use_stored)
            if ruled:  # a compound of a stored head ("outdo"), a form of two words ("more interesting")
                outputs[i] = ruled
                continue
        if missing:
            spelt = _spelling_rule(lead, text) if len(programs) == 1 and use_stored is True else None
            # (an SRE read "'5003' is not in the word space" as a crash: it is an input the program lacks)
            outputs[i] = spelt or Output(text, None, "error", error=f"'{missing[0]}' is not in the word space "
                                         f"({space.name}, {len(space.words):,} words), and no stored pair holds it")
            continue
        if hide is not None:  # the reverses of the input's stored pairs, in any program used
            hide = hide.with_outputs(o for wp, _ in programs for o in wp.stored.get(text.strip().lower(), ()))
        # A blend is decoded by geometry alone, so its programs need no ranker (see Blend).
        m = GEOMETRY_OF.get(method, method) if len(programs) > 1 else method
        parts = [(wp.fitted(m, hide), w) for wp, w in programs]
        known.append(i)
        fitted.append(parts[0][0] if len(parts) == 1 else Blend(parts))
    banned = [set(exclude) for _ in known] if exclude else None
    # (a few more than k decoded: those no answer or a repeat in another case are dropped below, and -k 10 listed 8)
    reach = lead.reach(k + SPARE_CANDIDATES) if len(programs) == 1 else k + SPARE_CANDIDATES
    for pos, (i, ranked) in enumerate(zip(known, decode(space, fitted, [inputs[i] for i in known], reach,
                                                        banned=banned) if known else [])):
        # Punctuation and clitics are in the word space (";", "'m"), never an answer: "capital of the USA" listed ";".
        own = canonical(inputs[i])
        cands = _once([Candidate(lead.spell(w), s) for w, s in zip(ranked.words, ranked.scores)
                       if lead.answerable(w) and (lead.keeps_stems or not _same_stem(own, w))])
        spelling_out = len(programs) == 1 and lead.answers_abbreviated(own)
        spelt = [c for c in cands if abbreviates(own, c.answer)] if spelling_out else cands
        if not spelt:  # "mph": no word it abbreviates is near enough (a unit of three words)
            outputs[i] = Output(inputs[i], None, "error", cands[:k], error=(
                f"{lead.name} spells out abbreviations, and none of the words arithmetic finds is one '{inputs[i].strip()}' "
                f"abbreviates ({', '.join(c.answer for c in cands[:3])}): a guess {TOO_UNSURE}"))
            continue
        if spelling_out and getattr(fitted[pos], "ranker", None) is not None:
            # the ranker's chances given that the answer spells the input out (its measure caps them below)
            total = sum(c.score for c in spelt) or 1.0
            spelt = [Candidate(c.answer, round(c.score / total, 4)) for c in spelt]
        cands = spelt[:k]
        rule = _shape_rule(lead, inputs[i], use_stored) if len(programs) == 1 else None
        category = _category(lead, inputs[i], method) if rule is None and len(programs) == 1 else None
        if rule is None and category is None and len(programs) == 1:
            category = _suffixed(lead, inputs[i], method, cands)
        if rule is not None:
            answer = rule.run(inputs[i])
            value = rule.confidence(inputs[i])
            outputs[i] = Output(inputs[i], answer, "symbolic", [Candidate(a, c) for a, c in rule.candidates(inputs[i])]
                                + [c for c in cands if c.answer != answer], confidence=value, sure=is_sure(value),
                                note=f"a string rule: {rule.describe()} (its {rule.examples} stored pairs of this "
                                     "shape all follow it)")
        elif category is not None:
            outputs[i] = category
        elif len(programs) == 1 and cands and lead.categories() is not None and \
                not any(canonical(c.answer) in lead.output_set for c in cands):
            # "pos of derrick henry" -> Cb?, "position of the moon tonight" -> Tomorrow?: a table of categories (QB,
            # RB, WR) answers one of them, and arithmetic found none (a guess of confidence 0: refused as too unsure)
            outputs[i] = Output(inputs[i], cands[0].answer, "vector", cands, confidence=0.0, sure=False,
                                note=f"{lead.name}'s answers are its categories, and arithmetic finds none of them")
        elif lead.names_of_words and len(programs) == 1 and cands and not any(
                " " in c.answer or canonical(c.answer) in lead.output_set for c in cands):
            # "who wrote harry potter" -> John?: a user's book-author answers "William Shakespeare", "Mary
            # Shelley"; a word of the word space is a piece of such a name, no answer
            outputs[i] = Output(inputs[i], None, "error", cands, error=(
                f"{lead.name}'s answers are names of several words, and arithmetic finds single words "
                f"({', '.join(c.answer for c in cands[:3])}): {UNSTORED_NAME}"))
        else:
            kind = "ranker" if getattr(fitted[pos], "ranker", None) is not None else "geometry"
            found = cands
            if len(programs) == 1 and lead.categories() is not None:
                # its categories alone, "travis" -> QB? not Dt? (as sure as the arithmetic's own list is)
                cands = [c for c in cands if canonical(c.answer) in lead.output_set]
            # silver -> Au, february -> jan: what a program of one output per input stores for another
            # input is no answer for this one; in a small table (a user's) while another candidate is,
            # those go last (a library program's other candidates are often junk: "capital of Rio de
            # Janeiro" would be *Plata?*, not Buenos Aires?, a guess either way)
            others = [c.answer for c in cands if len(programs) == 1 and lead.answers_another(inputs[i], c.answer)]
            top_other = cands[0].answer if cands and cands[0].answer in others else None
            demoted = top_other is not None and len(others) < len(cands) and len(lead.stored) < SMALL_PROGRAM
            if demoted:
                cands = [c for c in cands if c.answer not in others] + \
                    [Candidate(c.answer, c.score, "another input's") for c in cands if c.answer in others]
            outputs[i] = Output(inputs[i], cands[0].answer if cands else None, "vector", cands, method=kind)
            outputs[i].confidence = confidence(kind, [c for c in cands if c.answer not in others] if demoted else found)
            if method in GEOMETRY_OF and len(programs) == 1:
                outputs[i].note = lead.note
            if len(programs) == 1:
                _cap_by_measure(outputs[i], lead, method, inputs[i])
            if top_other is not None:
                if not demoted:  # the answer is another input's: a guess
                    outputs[i].confidence *= ANOTHERS_ANSWER
                outputs[i].note = "; ".join(filter(None, [outputs[i].note, f"{top_other} is what it stores for "
                                                          "another input"]))
            outputs[i].sure = is_sure(outputs[i].confidence)
    return outputs  # type: ignore[return-value]


def _in_typed_case(typed: str, stored: list[str]) -> list[str]:
    """Lower-case outputs of a word typed capitalised that a sequence program stores in lower case,
    capitalised as it was typed: "what day comes after Tuesday" is Wednesday (the card stores tuesday
    -> wednesday; a user's brazil -> portuguese stays as stored); other outputs (NASA) are as stored."""
    word = typed.strip()
    if len(word) == 1 and word.isupper():  # a letter: "what comes after C" is D
        return [o.upper() if len(o) == 1 and o.islower() else o for o in stored]
    if not (word[:1].isupper() and word[1:].islower() and word.isalpha()):
        return stored
    return [o[:1].upper() + o[1:] if o.isalpha() and o.islower() else o for o in stored]


SPELLING_RULE_FLOOR = 0.8  # a word the word space lacks is answered by a spelling rule this precise


def _spelling_rule(wp: WordProgram, text: str) -> Output | None:
    """A word newer or rarer than the word space ("retweet", "selfie", "upvote") answered by the
    spelling rule of the program's pairs that fits it best (+ed, +s), as sure as that rule's
    precision on the pairs like it; None when no rule is that precise ("sus" -> suser, 0.75)."""
    word = text.strip()
    if not re.fullmatch(r"[A-Za-z]+(?:-[A-Za-z]+)*", word):
        return None
    ranked = sorted(wp.rules.candidates(word).items(), key=lambda c: -c[1])
    if not ranked or ranked[0][1] < SPELLING_RULE_FLOOR:
        return None
    answer, precision = ranked[0]
    return Output(text, answer, "symbolic", [Candidate(a, round(s, 4)) for a, s in ranked[:5]],
                  note=f"'{word}' is not in the word space: a spelling rule of the program's pairs answers it",
                  confidence=round(precision, 4), sure=is_sure(precision))


def _category(wp: WordProgram, text: str, method: str) -> Output | None:
    """A small program of categories answers an unstored input with the category of the stored input
    nearest it (categories.py), where that finds at least as many of its pairs, each hidden, as its
    arithmetic does; as sure as the geometry's confidence, capped by that measure."""
    cats = wp.categories() if method == DEFAULT_METHOD else None  # (a method asked for by name is run)
    if cats is None:
        return None
    held = canonical(text)
    right, tried = cats.measured(held)
    arithmetic = wp.measured(method, held)
    if not tried or (arithmetic is not None and arithmetic[0] > right) or right <= cats.base_rate() * tried:
        return None
    ranked = cats.ranked(wp.space.vector(text), hidden=held)
    candidates = [Candidate(wp.as_written.get(b, b), round(s, 4)) for b, s, _ in ranked]
    value = min(confidence("geometry", candidates) or 0.0, measured_cap(right, tried))
    category, _, nearest = ranked[0]
    return Output(text, candidates[0].answer, "vector", candidates, method="categories",
                  confidence=round(value, 4), sure=is_sure(value),
                  note=f"one of its {len(ranked)} categories: the stored input nearest '{text.strip()}' is "
                       f"'{nearest}' ({wp.as_written.get(category, category)}); the nearest category gets {right} of its {tried} "
                       f"stored pairs right, {LEFT_OUT}")


COMMON_WORDS = 50_000  # a suffix rule's product answers surely only if it is among this many commonest words...
RELATED = 0.35  # ...and this close to the word in word space: see -> "seed" (0.27), say -> "sayed" (0.09) are
                # other words; paint -> painter is 0.38, sad -> sadness 0.66
RARE_SPELLING = 0.45  # ...or, where the word it spells is rare or unknown there, a guess this sure at most


def _suffixed(wp: WordProgram, text: str, method: str, cands: list[Candidate]) -> Output | None:
    """A small program whose pairs take one suffix (teach -> teacher, swim -> swimmer) answers an
    unstored word with it (suffixes.py), where the rule finds as many of its pairs, each hidden, as
    its arithmetic does and spells a word near it in meaning or none the word space knows; as sure as that
    measure allows, and a guess where the word is rare or unknown."""
    word = text.strip().lower()
    taken = wp.suffix_taken(method, canonical(text)) if method == DEFAULT_METHOD and word.isalpha() else None
    if taken is None:
        return None
    suffix, right, tried, arithmetic = taken
    answer = attach(word, suffix)
    if word not in wp.space.index or (answer in wp.space.index and wp.space.similarity(word, answer) < RELATED):
        return None
    value = measured_cap(right, tried)
    note = f"a spelling rule of its pairs: +{suffix} (it spells {right} of its {tried} stored pairs right, {LEFT_OUT}; " \
           f"its arithmetic gets {arithmetic})"
    if wp.space.index.get(answer, COMMON_WORDS) >= COMMON_WORDS:
        # a rare word or none the word space has ("tallness"): the rule's spelling, as a guess
        value = min(value, RARE_SPELLING)
        note += f"; '{answer}' is no common word, so it is a guess"
    return Output(text, wp.spell(answer), "symbolic",
                  [Candidate(wp.spell(answer), round(value, 4), "by rule")] +
                  [c for c in cands if canonical(c.answer) != answer],
                  confidence=round(value, 4), sure=is_sure(value), note=note)


def measured_cap(right: int, tried: int) -> float:
    """How sure a small program's computed answer may be, from its leave-one-out folds: a rule of
    succession, (right + 1) / (tried + 2). Not 0 where it found none: three pairs are little to learn
    from with one hidden, and a three-pair word-family that found 0 of 3 guesses "angry -> anger?" right
    (a three-pair animal-young's "young of pig -> peppa?" is as hedged, at 1 / 5)."""
    return (right + 1) / (tried + 2)


def _cap_by_measure(out: Output, wp: WordProgram, method: str, text: str) -> None:
    """A small program's computed answer is no surer than its arithmetic is on its own pairs (a
    rule of succession over the leave-one-out folds): "who manages payroll" -> Gabe? was 0.31 from a
    table of twelve names none of which arithmetic finds; now 0.07, too unsure to give."""
    found = wp.measured(method, canonical(text))
    if found is None or out.confidence is None:
        return
    right, tried = found
    chance = wp.by_chance(method, canonical(text))
    cap = measured_cap(max(right - chance, 0), tried)
    if out.confidence > cap:
        out.confidence = round(cap, 4)
        out.note = "; ".join(filter(None, [out.note, f"its arithmetic gets {right} of its {tried} stored pairs "
                                                     f"right, {LEFT_OUT}" + (f", and its commonest answer alone would get "
                                                                             f"{chance}" if chance else "")]))


def _compound(wp: WordProgram, text: str, hide: Holdout | None) -> Output | None:
    """A compound the program does not store answered as its stored head is (outdo -> outdid as
    do -> did), as sure as the rule is on the program's stored compounds; None where it does not
    hold (see compounds.py)."""
    found = wp.heads().answer(text.strip(), hide)
    if found is None:
        return None
    answers, head, value = found
    return Output(text, answers[0], "symbolic", [Candidate(a, round(value, 4)) for a in answers],
                  note=f"a compound of '{head}', answered as {head} -> {wp.stored[head][0]} is stored (the rule "
                       f"holds for {value:.0%} of this program's stored compounds)",
                  confidence=round(value, 4), sure=is_sure(value))


def _by_last_word(space: WordSpace, wp: WordProgram, text: str, k: int, method: str,
                  use_stored: bool | Holdout) -> Output | None:
    """A compound of two to four words answered as its last word is ("ice cream" -> ice creams as
    cream -> creams), where the program's stored compounds of words all change their last word alone."""
    value = wp.heads().last_word_rule(text.strip())
    if value is None:
        return None
    words = text.split()
    out = run_vector(space, [(wp, 1.0)], [words[-1]], k, method, use_stored)[0]
    if out.answer is None:
        return None
    lead = " ".join(words[:-1]) + " "
    confidence = round(value * (out.confidence if out.confidence is not None else 1.0), 4)
    how = "stored" if out.source == "stored" else "computed"
    return Output(text, lead + out.answer, out.source if out.source != "stored" else "symbolic",
                  [Candidate(lead + c.answer, c.score, c.remark) for c in out.candidates],
                  answers=[lead + a for a in out.answers], method=out.method, confidence=confidence,
                  sure=is_sure(confidence),
                  note=f"as its last word: {words[-1]} -> {out.answer} ({how})")


def _phrase_form(wp: WordProgram, text: str, hide: Holdout | None) -> Output | None:
    """A form made with a word before the input ("more interesting"), which arithmetic in a space of
    single words cannot give, where the program's stored pairs of the word's kind take it (phrases.py)."""
    found = wp.phrases().answer(text.strip(), hide.input if hide is not None else "")
    if found is None:
        return None
    answer, value, context = found
    return Output(text, answer, "symbolic", [Candidate(answer, round(value, 4))],
                  note=f"'{wp.phrases().lead.strip()}' before the word, as this program's stored words "
                       f"{context} take it", confidence=round(value, 4), sure=is_sure(value))


def _shape_rule(wp: WordProgram, text: str, use_stored) -> symbolic.Found | None:
    """A string program that every stored pair of the input's shape follows (numbers, single
    letters: 1999 -> 2000 where arithmetic says 1998). Measured (use_stored not True), the pairs
    that hold the input as input or output are left out."""
    word = text.strip()
    kind = symbolic.shape(word)
    if kind is None:
        return None
    low = word.lower()
    pairs = [(a, outs[0]) for a, outs in wp.shaped(kind)
             if use_stored is True or (a != low and low not in (o.lower() for o in outs))]
    return symbolic.for_shape(pairs, word)


def run_chain(space: WordSpace, programs: list[WordProgram], text: str, k: int, method: str = DEFAULT_METHOD,
              use_stored: bool = True) -> Output:
    """Composed programs ("the plural of the feminine of king"): offsets add, as function vectors
    do: each step starts from the previous step's query vector. Each step is also decoded, so the
    chain can be shown and the next program's spelling rules apply to a word (queen → queens)."""
    first = run_vector(space, [(programs[0], 1.0)], [text], k, method, use_stored)[0]
    if first.answer is None:
        return first
    chain = [text, first.answer]
    asked, method = method, GEOMETRY_OF.get(method, method)  # the steps are decoded from vectors, by geometry
    start = programs[0].fitted(method).queries(space.vector(text)[None, :])
    out = first
    for wp in programs[1:]:
        previous = chain[-1]
        if previous not in space:
            break
        stored = wp.stored.get(previous.strip().lower()) if use_stored else None
        if stored:  # a step the database holds is answered from it: queen -> queens
            out = Output(text, stored[0], "composed", [Candidate(a, 1.0) for a in stored], confidence=out.confidence)
            out.sure = is_sure(out.confidence)  # as sure as the steps before it
            chain.append(out.answer)
            start = space.vector(out.answer)[None, :] if out.answer in space else wp.fitted(method).queries(start)
            continue
        ranked = decode(space, [wp.fitted(method)], [previous], k, starts=start,
                        banned=[set(tokens(w)) for w in chain[:-1]])[0]
        cands = [Candidate(wp.spell(w), s) for w, s in zip(ranked.words, ranked.scores) if wp.answerable(w)]
        # A chain is as sure as its least sure step.
        steps = [c for c in (out.confidence, confidence("geometry", cands)) if c is not None]
        out = Output(text, cands[0].answer if cands else None, "composed", cands,
                     confidence=min(steps) if steps else None)
        # (and a small program's step no surer than its arithmetic on its own pairs: "what sound does the
        # letter c make" ran next-item, then a user's animal-sound, whose arithmetic finds none, sure of "f")
        _cap_by_measure(out, wp, asked, previous)
        out.sure = is_sure(out.confidence)
        if out.answer is None:
            break
        chain.append(out.answer)
        start = wp.fitted(method).queries(start)
    out.input, out.chain, out.source = text, chain, "composed"
    return out


def _fragments_of(spelling: dict[str, str]) -> dict[str, str]:
    """Each word (of four letters or more) of exactly one stored output of several words, that is no
    stored output itself, to that output: the word space decodes "Buenos Aires" as aires too."""
    owners: dict[str, set[str]] = {}
    for low, written in spelling.items():
        for word in low.split(" ") if " " in low else ():
            if len(word) >= 4 and word not in spelling:
                owners.setdefault(word, set()).add(written)
    return {w: next(iter(o)) for w, o in owners.items() if len(o) == 1}


def _case(word: str, capitalised: bool) -> str:
    """GloVe 6B is lower-case; programs whose outputs are names get them capitalised back."""
    return " ".join(w[:1].upper() + w[1:] for w in word.split(" ")) if capitalised else word


def _once(cands: list[Candidate]) -> list[Candidate]:
    """Each answer at its first (best) place: a name's word and the name are one answer."""
    kept: dict[str, Candidate] = {}
    for c in cands:
        kept.setdefault(c.answer, c)
    return list(kept.values())


def _same_stem(a: str, b: str) -> bool:
    """Are two words forms of one (orchid, orchids; tread, treads), not two words?"""
    if a == b or " " in a or " " in b or abs(len(a) - len(b)) > 3:
        return False
    return len(os.path.commonprefix([a, b])) >= max(4, min(len(a), len(b)) - 1)


def _has_word(text: str) -> bool:
    """Is the word space's token a word? Not punctuation (";"), nor a clitic ("'m", "'s": "noun of
    happy" guessed *'m*)."""
    return text[:1].isalnum()

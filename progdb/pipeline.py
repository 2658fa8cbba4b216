"""A query, one way through: understand (parse and retrieve: the request and its program),
then execute (the program runs on the inputs). Batches share their embedding and search work."""
from __future__ import annotations

import re
from itertools import islice
from typing import Iterable, Iterator

import numpy as np

from progdb import models
from progdb.query.catalog import Catalog
from progdb.errors import ProgdbError
from progdb.program import Program
from progdb.query import country_names, incontext
from progdb.query.compose import composition
from progdb.query.confidence import REFUSE, is_sure
from progdb.query.typos import edit_distance, without_doubles
from progdb.query.execute import (DEFAULT_METHOD, LEFT_OUT, TOO_UNSURE, Output, WordProgram, candidate_list, no_answer,
                                  run_chain, run_vector)
from progdb.query.parse import Parsed, candidate_cuts, match_template, parse, split_explicit
from progdb.query.reader import CLOSE_KEYS, ONE_OF_ITS_KIND, Choice, Reader, base_form_in, plural_stored, words_of
from progdb.query.wording import (ASKS_ABOUT, LANGUAGES, QUESTION_OPENER, STOP, absent_text, asked_to_make, asks_about_language,
                                  asks_how_to, asks_whether, grammar_asked, name_parts, purpose_only, spelt_otherwise, typed_text,
                                  without_quiz_label)
from progdb.query.result import QueryResult, Request
from progdb.query.retrieve import BLENDABLE, EXACT, ProgramMatch, Retrieval
from progdb.routing.phrasings import refused_requests, requests_of
from progdb.routing.routes import FIT_NEGATIVE, ROUTE_HITS, Routes
from progdb.storage.store import Store
from progdb.text.fewshot import DEFAULT_BUDGET
from progdb.text.llm import Endpoint
from progdb.threads import one_blas_thread
from progdb.query.fewshot_run import WORD_EXAMPLES, Demonstrations, FewshotRun


class KeyLookup:
    """Key texts embedded and looked up among the stored keys once per text: one query embeds
    its candidate cuts together, and a batch of prompts (query_many) embeds and searches all of
    theirs in a few large calls instead of one small call per prompt."""

    KEEP = 50_000  # texts remembered across a batch's chunks (~80 MB of vectors)

    def __init__(self, store: Store):
        self.store = store
        self.vectors: dict[str, np.ndarray] = {}
        self.hits: dict[str, list] = {}
        self.readings: dict[str, list] = {}  # a prompt's readings, computed for a batch's prefetch

    def trim(self) -> None:
        """Forget the oldest texts beyond KEEP (dicts keep insertion order), and readings a
        chunk left untaken."""
        self.readings.clear()
        for table in (self.vectors, self.hits):
            for text in list(islice(table, max(0, len(table) - self.KEEP))):
                del table[text]

    def prefetch(self, texts: list[str], search: bool = True) -> None:
        todo = [t for t in dict.fromkeys(texts) if t not in self.vectors]
        if todo:
            self.vectors.update(zip(todo, models.encoder().encode(todo)))
        if search:
            todo = [t for t in dict.fromkeys(texts) if t not in self.hits]
            if todo:
                self.hits.update(zip(todo, self.store.nearest_keys(self.embed(todo), ROUTE_HITS)))

    def embed(self, texts: list[str]) -> np.ndarray:
        self.prefetch(texts, search=False)
        return np.stack([self.vectors[t] for t in texts])

    def nearest(self, texts: list[str]) -> list[list]:
        """Each text's ROUTE_HITS nearest stored keys, best first."""
        self.prefetch(texts)
        return [self.hits[t] for t in texts]

    def score_keys(self, texts: list[str]) -> list[float]:
        return [h[0].score if h else 0.0 for h in self.nearest(texts)]


_NO_INPUT = frozenset("the a an this that one".split())  # what a second request's input may be but is not ("and the currency?")
_PRONOUN = re.compile(r"\b(?:its|it|their|them|there)\b", re.I)  # "… and what do you call someone from there"


# "capital of italy n currency of india", "past tense of tweet y plural de mouse" (two_requests)
_SPEAK_JOIN = re.compile(r"\w\s+(?:n|\+|y|et|und)\s+\w", re.I)
# "tell me a joke en español" asks for a joke; "give me an apple in spanish" may ask the word
TOLD_OR_WRITTEN = ("told", "written", "sung")
OWN_KEY_BACKWARDS = 0.97  # a user's own key matched this closely asks its stored answer the other way on purpose
BACKWARDS_CONFIDENCE = 0.4  # ...answered by the pair read backwards, not sure: the relation may go one way only


def _parallel(head: str, tail: str) -> bool:
    """Both halves open as questions with the same word ("what comes after monday and what comes
    before monday"): two questions, as a child asks them of a speaker."""
    a, b = QUESTION_OPENER.match(head), QUESTION_OPENER.match(tail)
    return bool(a and b) and a.group(1).lower() == b.group(1).lower()


def _input_each(inputs: list[str], head: str, tail: str) -> bool:
    """Does a list read across two questions take an input from each ("What did a cooper do and what is
    Bombay called today?" was place-names' "cooper do" and Bombay)?"""
    def within(text: str, part: str) -> bool:
        return re.search(r"(?<!\w)" + re.escape(text.lower()) + r"(?!\w)", part.lower()) is not None
    return len(inputs) >= 2 and any(within(i, head) for i in inputs) and any(within(i, tail) for i in inputs)


def _swallowed(head: str, key: str, reader: Reader) -> bool:
    """The whole prompt's key holds a word of the first half that is no request word: that half's
    input, read as a word of the key ("plural of index and plural of appendix" read the key "plural
    of index and plural of", "index" being plural-sounding, and answered appendix alone)."""
    rest = set(words_of(head)) - reader.request_words(head) - STOP
    return bool(rest & set(words_of(key)))


def _about_first(second: str, first_input: str) -> str:
    """A second request about the first's input names it: "… and what's its currency" asks for
    Spain's currency. A pronoun stands for a word or a name, not for a text."""
    if len(first_input.split()) > 3:
        return second
    return _PRONOUN.sub(lambda m: first_input + ("'s" if m.group(0).lower() in ("its", "their") else ""), second, count=1)


class _VectorJob:
    """A word program's run, waiting for its outputs (query_many runs many at once)."""

    def __init__(self, result: QueryResult, programs: list[tuple[WordProgram, float]], fewshot: FewshotRun,
                 options: tuple, library: WordProgram | None = None, modifiers: dict[str, str] | None = None):
        self.result, self.programs, self.fewshot = result, programs, fewshot
        self.options = options  # run_vector's k, method, use_stored
        self.library = library  # the library program that stores the inputs a user's program would guess
        self.modifiers = modifiers or {}  # an input -> a word of its own left before it in the request

    def run(self) -> None:
        self.finish(run_vector(models.word_space(), self.programs, self.result.inputs, *self.options))

    def _guesses_poorly(self) -> bool:
        """Does the user's program find fewer than half of its own pairs, each left out in turn, over
        enough of them to tell (TABLE_PAIRS)?"""
        found = self.programs[0][0].measured(self.options[1])
        return found is not None and found[1] >= TABLE_PAIRS and 2 * found[0] < found[1]

    def finish(self, outputs: list[Output]) -> None:
        if self.library is not None and not any(o.sure for o in outputs) and self._guesses_poorly():
            # the user's table answers what it can; its guesses give way to the library's stored pairs
            # (a user's two-pair fem, a sketch of the relation, still shows its own arithmetic)
            mine = self.programs[0][0].name
            self.programs = [(self.library, 1.0)]
            outputs = run_vector(models.word_space(), self.programs, self.result.inputs, *self.options)
            self.result.programs = [ProgramMatch(self.library.name, self.result.programs[0].score, 1.0,
                                                 self.result.programs[0].key, self.result.programs[0].matched)]
            self.result.message = "; ".join(filter(None, [self.result.message, (
                f"the library's '{self.library.name}' stores {', '.join(self.result.inputs)}, which your '{mine}' "
                "(the same pairs where both hold one) could only guess")]))
        for i, out in enumerate(outputs):
            if out.source == "error" and not no_answer(out):  # a word outside the word space: the few-shot form,
                outputs[i] = self.fewshot.fallback(out)  # if an LLM runs it (not a name several people share)
        _doubt_two_slips(outputs, self.result.corrections)
        _doubt_a_real_word(outputs, self.result.corrections, models.word_space().index)
        _doubt_one_of_its_kind(outputs, self.result.corrections)
        _doubt_a_guessed_request(outputs, self.result.accepted_sure)
        _doubt_a_word_left_before(outputs, self.modifiers)
        self.result.outputs = outputs
        self.result.compiled = self.fewshot.compiled
        refuse_too_unsure(self.result, self.programs[0][0].name)


def _texts_to_embed(reader, readings: list, prompt: str, lookup: KeyLookup) -> list[str]:
    """The readings' keys and the prompt as typed, in that order, then the texts marked after a colon
    (a text program's few-shot selection embeds its input: in the same call, not a second one; no
    longer than the prompt, so the batch pads no further); those a stored phrasing is word for word
    take its stored vector in the lookup, not an encoder call ("superlative of")."""
    texts = [r.key for r in readings] + [prompt]
    marked = {i for r in readings if r.method == "explicit" for i in r.inputs if len(i.split()) >= MARKED_TEXT_WORDS}
    texts += sorted(marked - set(texts))
    lookup.vectors.update(reader.stored_vectors(texts))
    return texts


def refuse_too_unsure(result: QueryResult, program: str) -> None:
    """An input whose best guess is below REFUSE has no answer; when every input's is, the result
    is "none", honestly, however the program was reached (its key, or an analogy's pairs)."""
    outputs = result.outputs
    unsure = [i for i, o in enumerate(outputs) if o.confidence is not None and o.confidence < REFUSE]
    if unsure and len(unsure) < len(outputs):  # one of several inputs: that one has no answer
        for i in unsure:
            o = outputs[i]
            outputs[i] = Output(o.input, None, "error", o.candidates, error=(
                f"its best guess {TOO_UNSURE} ({o.answer}?, confidence {o.confidence:.3f} < {REFUSE}"
                f"{_measured(o)}{_ranked(o)})"))
    if outputs and len(unsure) == len(outputs):  # a guess this unsure is no answer: "none", honestly
        first = outputs[unsure[0]]
        result.mode, result.programs, result.kind, result.outputs = "none", [], None, []
        result.message = "; ".join(filter(None, [result.message, (
            f"the request reads as '{program}', but its best guess for '{first.input}' {TOO_UNSURE} "
            f"({first.answer}?, confidence {first.confidence:.3f} < {REFUSE}{_measured(first)}"
            f"{_ranked(first)})")]))


def _measured(output: Output) -> str:
    """Why a small program's guess is capped, when it is: "; its arithmetic finds 0 of its 3 stored
    pairs right, each left out in turn" (a confidence of 0.000 alone says nothing)."""
    why = [part for part in (output.note or "").split("; ") if LEFT_OUT in part]
    return f"; {why[0]}" if why else ""


def _ranked(output: Output) -> str:
    """A withheld guess's candidates, as an answer shows them: what the arithmetic ranked (a
    student of embeddings wants them, refused or not)."""
    shown = candidate_list(output)
    return f"; candidates: {shown}" if shown else ""


CLOSE_CALL = 0.02  # an intent this near the routed one's score makes the route a close call, said so
TABLE_PAIRS = 6  # a user's program measured on this many of its pairs or more is a table, not a sketch of a relation
TWO_SLIPS = 0.4  # an input read as a word two letters away is a guess at the word: its answer's confidence times this
LONG_NAME = 10  # ...unless the word is this long: two slips leave "Lichtenstien" plainly Liechtenstein


TEXT_WORDS = 5  # a program whose stored inputs run to this many words (the median) rewrites texts, not words


def _rewrites_texts(program) -> bool:
    """Are the program's stored inputs texts (sentences, notes) rather than words and names?"""
    counts = sorted(len(e.input.split()) for e in program.examples)
    return bool(counts) and counts[len(counts) // 2] >= TEXT_WORDS


def _doubt_two_slips(outputs: list[Output], corrections: list[str]) -> None:
    """An answer for an input read as a word two letters from what was typed is a guess at the
    reading, however sure the answer: "plural of orcling" (a game's word) answered *rulings*, stored,
    sure; "past participle of prendre" *prepared*. One slip ("frnace", "marroco") stays sure, as do two
    in a long name."""
    doubtful = {}
    for c in corrections:
        typed, _, read = c.partition(" -> ")
        # a doubled letter is the commonest slip in a name: "phillipines" is one slip from philippines
        slips = edit_distance(without_doubles(typed.lower()), without_doubles(read.lower()), 2)
        if read and " " not in typed + read and slips >= 2 and len(read) < LONG_NAME and \
                not country_names.is_other_name(typed, read) and not spelt_otherwise(typed, read) and \
                base_form_in(typed, {read.lower(): read}) != read:  # ("teaches" read as the stored teach is no slip,
            # nor "sulfur" the stored Sulphur: a spelling of the other side of the Atlantic)
            doubtful[read] = typed
    for out in outputs:
        if out.input in doubtful and out.confidence is not None and out.source != "error":
            out.confidence *= TWO_SLIPS
            out.sure = is_sure(out.confidence)
            out.note = "; ".join(filter(None, [out.note, f"read '{doubtful[out.input]}' as '{out.input}', "
                                                         "two letters apart: a guess at the word"]))


REAL_WORD = 0.4  # an input read as another word though the typed one is a word too: this sure at most (not sure)


def _doubt_a_real_word(outputs: list[Output], corrections: list[str], words) -> None:
    """A rare word read as a stored one a slip away is a guess, not a typo fixed: a crossword's
    "comparative of sere" answered *surer* (read as sure), "present participle of singe" *singling*,
    stored, sure. Names stay sure ("phillipines" is a misspelling the word space holds too)."""
    doubtful = {read: typed for typed, _, read in (c.partition(" -> ") for c in corrections)
                if read and read == read.lower() and typed.lower() in words and " " not in typed + read
                and base_form_in(typed, {read: read}) != read and plural_stored(typed, {read: read}) != read
                # ("crows" read as a stored crow is no guess, "allium" as the stored alliums,
                and not spelt_otherwise(typed, read)}  # nor "utilise" as the stored utilize)
    for out in outputs:
        if out.input in doubtful and out.confidence is not None and out.source != "error" and out.confidence > REAL_WORD:
            out.confidence = REAL_WORD
            out.sure = is_sure(out.confidence)
            out.note = "; ".join(filter(None, [out.note, f"'{doubtful[out.input]}' is a word too: read as "
                                                         f"'{out.input}', a guess at what was meant"]))


def _doubt_one_of_its_kind(outputs: list[Output], corrections: list[str]) -> None:
    """A kind read as the one stored thing of it is a guess at what was meant: a bakery's "how much is a croissant"
    answered its Almond Croissant's £3.10, sure ("allergens in the brownie", its one Chocolate Brownie, is likelier)."""
    doubtful = {c.partition(" -> ")[2].removesuffix(ONE_OF_ITS_KIND): c.partition(" -> ")[0]
                for c in corrections if c.endswith(ONE_OF_ITS_KIND)}
    for out in outputs:
        if out.input in doubtful and out.source not in ("error", "compiled", "llm") and \
                (out.confidence is None or out.confidence > REAL_WORD):
            out.confidence = REAL_WORD
            out.sure = is_sure(out.confidence)
            out.note = "; ".join(filter(None, [out.note, f"read '{doubtful[out.input]}' as your '{out.input}', the one "
                                                         "stored of its kind: a guess at what was meant"]))


GUESSED_REQUEST = 0.5  # a request taken below the threshold this unsure is itself a guess: no answer of it is sure


_MEANING = re.compile(r"\bmean(?:s|ing)?\b", re.I)  # "what does frater mean in Latin?" of a genealogist's parish-latin


def _doubt_a_word_left_before(outputs: list[Output], modifiers: dict[str, str]) -> None:
    """An input read without a word of its own before it is a guess at what was meant: "capital of the
    eastern roman empire" answered a history teacher's stored Roman Empire -> Rome, sure."""
    for out in outputs:
        word = modifiers.get(out.input)
        if word and out.confidence is not None and out.source != "error" and out.confidence > REAL_WORD:
            out.confidence = REAL_WORD
            out.sure = is_sure(out.confidence)
            out.note = "; ".join(filter(None, [out.note, f"read '{out.input}' without the '{word}' before it: a guess "
                                                         "at what was meant"]))


def _doubt_a_guessed_request(outputs: list[Output], accepted_sure: float | None) -> None:
    """"wheel is part of a" read as past-participle at 0.57 (the learned rule 0.40 sure) answered
    *wheeled*, a stored pair, sure: the answer is sure only when the request is. A compiled prompt
    (or an LLM's reply), never sure, says its request was read below the threshold: it acts all the
    same ("which of our products is this complaint about? …" was formal's at 0.53)."""
    if accepted_sure is None:
        return
    for out in outputs:
        if out.source in ("compiled", "llm"):  # it acts all the same: say the program is a guess
            out.note = "; ".join(filter(None, [f"the request was read below the threshold ({accepted_sure:.2f} sure "
                                                  "it asks for this program)", out.note]))
    if accepted_sure >= GUESSED_REQUEST:
        return
    for out in outputs:
        if out.sure and out.source != "error":
            out.sure = False
            out.note = "; ".join(filter(None, [out.note, f"the request itself is a guess (read below the "
                                                         f"threshold, {accepted_sure:.2f} sure)"]))


def _key_texts(prompt: str, templates) -> list[str]:
    """The key texts the classifier path embeds for this prompt: its parsed key, or the whole
    prompt and every candidate cut's key (as parse asks score_keys)."""
    found = match_template(prompt, templates) or split_explicit(prompt)
    if found:
        return [found.key]
    whole = parse(prompt, [], None)
    return [whole.key] + [c.key for c in candidate_cuts(prompt)]


CLEAR_REQUEST = 0.9  # a prompt's second request matches its program's phrasings at least this well
MARKED_TEXT_WORDS = 3  # a marked text this long is embedded with the readings (_texts_to_embed)
# Two requests joined by "and" before one text's colon (_two_requests_of_one_text), each of a few words
_REQUESTS_THEN_TEXT = re.compile(r"^\s*([^:\n]+?)\s+(?:and|&)\s+([^:\n]+?)\s*:\s*(\S.*)$", re.S | re.I)
MAX_SHARED_REQUEST_WORDS = 6


class QueryPipeline:
    def __init__(self, catalog: Catalog, routes: Routes, library_out_of_scope=frozenset):
        """library_out_of_scope(): the built-in library's out-of-scope prompts (a user's fit's are
        told apart from them: the reader forgives the library's, never the user's)."""
        self.catalog, self.routes, self.store = catalog, routes, catalog.store
        self.library_out_of_scope = library_out_of_scope
        self.demonstrations = Demonstrations(self.catalog)
        self.reset()

    def reset(self) -> None:
        self._reader: Reader | None = None

    # -- understand: parse and retrieve ------------------------------------------------------------
    def reader(self) -> Reader:
        """The programs as the request reader sees them: their phrasings (keys, and the prompts a
        fit learned from), stored out-of-scope prompts, and each program's stored inputs."""
        if self._reader is None:
            self._reader = self._new_reader()
        return self._reader

    def _new_reader(self, unfitted: bool = False) -> Reader:
        """unfitted: without the phrasings a fit taught a user's programs (a new fit reads its prompts
        as the programs' keys alone, not as the last fit's requests)."""
        kinds = self.catalog.kinds()
        names = sorted(kinds)
        index = {n: i for i, n in enumerate(names)}
        learned = self.routes.learned()
        # a user's programs a fit taught phrasings to are still the user's (their threshold, their rules)
        fitted = self.routes.calibration()["program_thresholds"]
        if unfitted:
            kept = [i for i, label in enumerate(learned[0]) if label not in fitted]
            learned = ([learned[0][i] for i in kept], [learned[1][i] for i in kept], learned[2][kept])
        labels, texts, vectors = self.routes.router_rows(learned)
        negative = [kinds.get(label) == "negative" or label == FIT_NEGATIVE for label in labels]
        keep = [i for i, neg in enumerate(negative) if not neg and labels[i] in index]
        negatives = vectors[[i for i, neg in enumerate(negative) if neg]] if any(negative) else \
            np.zeros((0, vectors.shape[1] if vectors.size else 384), dtype=np.float32)
        # (a user's fit's out-of-scope prompts, not the library's: those are a user's program's once it is asked)
        library = self.library_out_of_scope()
        users_own = np.array([texts[i] not in library for i, neg in enumerate(negative) if neg], dtype=bool)
        cards = {n: self.catalog.get(n) for n in names}
        inputs = {n: [e.input for e in cards[n].examples] for n, k in kinds.items() if k in BLENDABLE}
        opposites = {n: card.opposite for n, card in cards.items() if card.opposite}
        reverses = {n: card.reverse for n, card in cards.items() if card.reverse}
        base_forms = {n for n, card in cards.items() if card.base_forms}
        outputs = {n: [e.output for e in cards[n].examples] for n, k in kinds.items() if k in BLENDABLE}
        library_learned = set(learned[0]) - set(fitted)
        # the user's out-of-scope prompts that ask about an input of theirs ask it of any other input too
        refused = refused_requests([texts[i] for i, neg in enumerate(negative) if neg and texts[i] not in library],
                                   {n: ins for n, ins in inputs.items() if n not in library_learned})
        refused_vectors = models.encoder().encode([r for _, r in refused]) if refused else None
        return Reader(names, kinds, np.array([index[labels[i]] for i in keep], dtype=np.int64),
                      [texts[i] for i in keep], vectors[keep], negatives, inputs,
                      models.word_space(), library_learned, opposites,
                      embed=lambda texts: models.encoder().encode(texts), reverses=reverses,
                      outputs=outputs, base_forms=base_forms, fit_negatives=users_own,
                      refused_requests=([p for p, _ in refused], refused_vectors) if refused else None)

    def phrasings(self, rows: list[tuple[str, str | None]]) -> list[str]:
        """Each labelled prompt (prompt, its program) as a phrasing of its program, read by the
        programs' keys and the library alone (routing/phrasings.py): what a fit learns."""
        return requests_of(self._new_reader(unfitted=True), self.catalog.templates(), rows)

    def reading_texts(self, prompt: str, lookup: KeyLookup) -> list[str]:
        """The texts read() embeds for a prompt (query_many embeds a batch's together); the
        readings wait in the lookup for read() to take."""
        reader = self.reader()
        readings = lookup.readings[prompt] = reader.worth_reading(reader.readings_of(prompt, self.catalog.templates()))
        return [t for t in _texts_to_embed(reader, readings, prompt, lookup) if t not in lookup.vectors]

    def read(self, prompt: str, lookup: KeyLookup, cal: dict) -> Request:
        """The similarity path: the reader chooses the program and its input together (reader.py)."""
        choices = []
        if self.catalog.kinds():
            reader = self.reader()
            asked = reader.stored_question(prompt)
            if asked:  # the prompt is a stored input, word for word: its program answers it
                name, text = asked
                match = ProgramMatch(name, 1.0, 1.0, "its stored input")
                return Request(Parsed(prompt, "", [text], method="stored"),
                               Retrieval("nearest", [match], [match], cal["threshold"],
                                         f"the prompt is an input '{name}' stores"))
            readings = lookup.readings.pop(prompt, None) or \
                reader.worth_reading(reader.readings_of(prompt, self.catalog.templates()))
            vectors = lookup.embed(_texts_to_embed(reader, readings, prompt, lookup))
            choices, negative = reader.choose(readings, vectors[:len(readings)], vectors[len(readings)])
        if not choices:
            return Request(parse(prompt, [], None),
                           Retrieval("none", [], [], cal["threshold"], "the database holds no programs"))
        taken, decision = reader.decide(choices, negative, cal["threshold"], cal["margin"], words=len(prompt.split()),
                                        own=cal.get("program_thresholds"))
        backed = taken if taken.back else max((ch for ch in choices if ch.back), key=lambda ch: ch.key_score, default=None)
        if decision.mode == "none" and backed is not None:
            # "Nairobi is the capital of which country": the stored pair says more than the way back; a word
            # of the prompt that the program answers, when the reading took another ("which country uses the yen")
            program = [(self.catalog.get(backed.program), 1.0)]
            asked = [backed.reading.inputs] if backed.reading.inputs else []
            asked += [[w] for w in re.findall(r"[^\W\d_][\w'-]*", prompt) if w.lower() not in STOP]
            backwards = next(filter(None, (self._asked_backwards(program, a) for a in asked)), None)
            decision.message = backwards or decision.message
        if decision.mode != "none" and ":" in prompt and not prompt.split(":", 1)[1].strip() and \
                reader.takes_phrases(decision.programs[0].name):
            # "subject line for this email:" and nothing after its first colon: the words before it are the
            # request's, not the text (they were read as the text, "line for this email"); a text after a
            # colon may end on one of its own ("… ### Input:")
            decision = Retrieval("none", [], decision.candidates, decision.threshold,
                                 f"the prompt names '{decision.programs[0].name}' but gives it no input (the text "
                                 "to work on goes after the colon)")
        if decision.mode != "none" and reader.labelled_out_of_scope(vectors[len(readings)]):
            # "what month is it", labelled out of scope by the user's fit, asked word for word: refused,
            # though their month-name's key "what month is {word}" reads it
            decision = Retrieval("none", [], decision.candidates, decision.threshold,
                                 "the prompt is one your fit labelled out of scope")
        made = asked_to_make(prompt) if decision.mode != "none" and (decision.programs[0].name in reader.learned or
                                                                     reader.of_a_language(decision.programs[0].name)) else None
        asked = [i.lower() for i in taken.reading.inputs]
        if made and (made.writing or made.done in TOLD_OR_WRITTEN and made.thing.split()[-1] in asked):
            # "tell me a joke en español" asks for a joke, in Spanish: not for english-spanish's "joke"
            decision = Retrieval("none", [], decision.candidates, decision.threshold,
                                 f"the prompt asks to be {made.done} {made.thing} (something made), not for "
                                 f"'{decision.programs[0].name}' of " + ", ".join(f"'{i}'" for i in taken.reading.inputs))
        whether = self._asks_whether(prompt, taken, decision.programs[0].name) if decision.mode != "none" else None
        if whether:  # "is our french translation finished yet" is no english-french request for "finished"
            decision = Retrieval("none", [], decision.candidates, decision.threshold, (
                f"the prompt asks {whether}, not for '{decision.programs[0].name}' of "
                + ", ".join(f"'{i}'" for i in taken.reading.inputs)))
        if decision.mode != "none" and self._asks_about_language(prompt, taken.reading, decision.programs[0].name):
            decision = Retrieval("none", [], decision.candidates, decision.threshold,
                                 "the prompt asks about language (why, how many, what a word means), "
                                 "not for a program's answer")
        if decision.mode == "none":  # a refused prompt has no program, so no inputs: it is read whole
            return Request(Parsed(prompt, " ".join(prompt.split()), [], method="whole"), decision, taken.corrections)
        parsed = taken.reading.parsed(prompt)
        if reader.takes_phrases(decision.programs[0].name):
            parsed.inputs = typed_text(parsed.inputs, prompt)
        return Request(parsed, decision, taken.corrections)

    def _asks_whether(self, prompt: str, taken: Choice, program: str) -> str | None:
        """What a question whether something is so, or who did it (wording.asks_whether), asks: no
        program of words or texts is asked for its output, unless its keys ask so ("who painted {text}",
        a user's "is {word} a noun"), the question names it, or the request marks a text to work on
        ("does this sound formal: …"). None when the prompt asks for the program."""
        if self.catalog.kinds().get(program) not in BLENDABLE:
            return None
        marked = taken.reading.method == "explicit" and self.reader().takes_phrases(program)
        # (nor one whose question names the program: "is exit a false friend? what it means" of false-friends)
        named = re.search(r"\b" + r"[\s-]+".join(re.escape(w.removesuffix("s")) + "s?" for w in name_parts(program))
                          + r"\b", prompt, re.I)
        # (nor a program whose own keys ask so: "who painted {text}" is asked "who painted the scream")
        asks_so = any(asks_whether(k) for k in self.catalog.get(program).keys)
        return None if marked or named or asks_so or taken.key_score >= EXACT else asks_whether(prompt)

    def _asks_about_language(self, prompt: str, reading, program: str) -> bool:
        """A built-in transform program is never asked "why …"; an intent may be ("how much is in my
        account"), and a user's own program may be made for it (slang: "what does sus mean"). A text
        the request marks may ask "why …" itself: "why is this taking so long? make this polite"."""
        reader = self.reader()
        asked = prompt
        if reading.method == "explicit" and reader.takes_phrases(program):
            for text in reading.inputs:
                asked = asked.replace(text, " ")
        if self.catalog.kinds().get(program) not in BLENDABLE:
            return False
        if program in reader.learned:
            return asks_about_language(asked)
        if reader.of_a_language(program) and reading.method != "template" and asks_about_language(asked) and \
                not _MEANING.search(asked):  # (what a word means is what a glossary of a language is asked)
            return True  # "how many people speak korean" is no Korean learner's english-korean of "people"
        # a user's vocabulary list is asked a grammar question only by a key that asks it ("what's the gender
        # of mesa in spanish" was compiled for a student's vocab as "what's the gender of in spanish")
        grammar = [w for w in grammar_asked(asked) if w not in STOP and w not in LANGUAGES]
        keys = {w for k in self.catalog.get(program).keys for w in words_of(k)}
        return bool(grammar) and not any(w in keys for w in grammar)

    def classify(self, prompt: str, lookup: KeyLookup, cal: dict) -> Request:
        """A fitted classifier's routing (intent databases): parse, then route the key; a cut that
        routes to no program or to an intent gives way to the whole prompt."""
        def routed(key: str) -> Retrieval:
            return self.routes.route([key], lookup.embed([key]), cal=cal, hits=lookup.nearest([key]))[0]

        parsed = parse(prompt, self.catalog.templates(), lookup.score_keys)
        decision = routed(parsed.key)
        if parsed.method == "cut" and self._routes_whole(decision):
            # A cut serves programs that take inputs; an intent takes the whole prompt, and the
            # classifier was fitted and calibrated on whole prompts: "what is the boiling point of
            # lead" is no 'repeat' because its first word is a stored key.
            whole = parse(prompt, [], None)
            whole_decision = routed(whole.key)
            if self._routes_whole(whole_decision):
                parsed, decision = whole, whole_decision
        return Request(parsed, decision)

    def _routes_whole(self, decision: Retrieval) -> bool:
        """No program, or an intent: what a whole prompt routes to."""
        return decision.mode == "none" or self.catalog.kinds().get(decision.programs[0].name) == "intent"

    def understand(self, prompt: str, lookup: KeyLookup, cal: dict) -> Request:
        return self.read(prompt, lookup, cal) if cal["router"] == "similarity" else self.classify(prompt, lookup, cal)

    def two_requests(self, prompt: str, whole: Request, lookup: KeyLookup, cal: dict) -> list[Request] | None:
        """"plural of mouse and past tense of go": two requests, each read on its own, when both
        halves read as requests with inputs and the whole prompt's reading missed the second: its
        request words became inputs ("past tense" as a second noun) or were left out as talk
        ("capital of peru? also currency of peru"). None for one request ("translate cat and
        dog to french": the whole reading's key holds "french")."""
        if cal["router"] != "similarity" or whole.parsed.method == "stored" or not self.catalog.kinds():
            return None  # (a database of no programs has no reader)
        shared_text = self._two_requests_of_one_text(prompt, lookup, cal)
        if shared_text:
            return shared_text
        reader = self.reader()
        key_words = reader.request_words(whole.parsed.key)
        input_words = reader.request_words(" ".join(whole.parsed.inputs))
        whole_inputs = {w for text in whole.parsed.inputs for w in re.findall(r"\w+", text.lower())}
        for head, tail, shared in reader.request_halves(without_quiz_label(prompt)):
            # "whats the capital of italy and whats the capital of spain": two questions asked alike
            # (the whole reading took Spain alone, or was refused), or two asked of one input ("whats
            # the plural and past tense of walk"); other prompts refused whole stay refused
            # ("explain the difference between X and Y")
            parallel = _parallel(head, tail)
            # (a join in text-speak, "n" or "+", joins two requests, never a thing asked about: "capital of
            # italy n currency of india" is refused whole)
            # (or two questions each opened of its own: "what does PTO stand for and which dept is a recruiter in",
            # refused whole, was answered the other way round)
            asked_twice = bool(QUESTION_OPENER.match(head) and QUESTION_OPENER.match(tail))
            if whole.decision.mode == "none" and not (parallel or asked_twice or shared or _SPEAK_JOIN.search(prompt)):
                continue
            asked = reader.request_words(tail)
            # missed: the second's request words are inputs or left out, or its input is ("capital of
            # france and capital of spain" read France alone)
            missed = asked & input_words or not asked <= key_words or \
                not whole_inputs & set(re.findall(r"\w+", tail.lower())) or _swallowed(head, whole.parsed.key, reader) or \
                (asked_twice and _input_each(whole.parsed.inputs, head, tail))
            if not shared and not missed and not parallel:
                continue
            first = self.read(head, lookup, cal)
            if first.parsed.inputs:
                tail = _about_first(tail, first.parsed.inputs[0])
            parts = [first, self.read(tail, lookup, cal)]
            if first.parsed.inputs and len(first.parsed.inputs[0].split()) <= 3 and \
                    all(i.strip().lower() in _NO_INPUT for i in parts[1].parsed.inputs):
                # "… and whats the currency": a second request naming nothing asks about the first's input
                parts[1] = self.read(f"{tail.rstrip(' ?.!')} of {first.parsed.inputs[0]}", lookup, cal)
            # each half a clear request of its own: "…in Hungary? going there next month" is talk
            if all(r.decision.mode != "none" and r.parsed.inputs and self._clear_request(r, reader, cal)
                   for r in parts) and \
                    (not shared or parts[0].decision.programs[0].name != parts[1].decision.programs[0].name):
                return parts
        return None

    @staticmethod
    def _clear_request(request: Request, reader: Reader, cal: dict) -> bool:
        """A half of a prompt is a request of its own: it matches its program's phrasings closely, or
        it asks an input the program stores ("continent of peru" of a teacher's table, at 0.86)."""
        match = request.decision.programs[0]
        held = reader.stored.get(match.name, {})
        return match.score >= CLEAR_REQUEST or (match.score >= cal["threshold"] and
                                                all(i.strip().lower() in held for i in request.parsed.inputs))

    def _two_requests_of_one_text(self, prompt: str, lookup: KeyLookup, cal: dict) -> list[Request] | None:
        """"classify intent and extract the order number: pls cancel order 99812": two requests of the
        text after the colon, each read with it (it was one blend of the two programs, whose examples
        mixed answered neither), when each reads as a clear request of its own program."""
        m = _REQUESTS_THEN_TEXT.match(prompt)
        if not m or max(len(m.group(1).split()), len(m.group(2).split())) > MAX_SHARED_REQUEST_WORDS:
            return None
        parts = [self.read(f"{request}: {m.group(3)}", lookup, cal) for request in (m.group(1), m.group(2))]
        if all(r.decision.mode == "nearest" and r.parsed.inputs and r.decision.programs[0].score >= CLEAR_REQUEST
               for r in parts) and parts[0].decision.programs[0].name != parts[1].decision.programs[0].name:
            return parts
        return None

    # -- the query, whole ------------------------------------------------------------------------
    def query(self, prompt: str, k: int = 5, shots: int = 4, method: str = DEFAULT_METHOD,
              use_stored: bool = True, llm: Endpoint | None = None, budget: int = DEFAULT_BUDGET,
              compile_only: bool = False, lookup: KeyLookup | None = None, cal: dict | None = None,
              defer: list | None = None) -> QueryResult:
        with one_blas_thread():
            return self._query(prompt, k, shots, method, use_stored, llm, budget, compile_only, lookup, cal, defer)

    def _query(self, prompt: str, k: int, shots: int, method: str, use_stored: bool, llm: Endpoint | None,
               budget: int, compile_only: bool, lookup: KeyLookup | None, cal: dict | None,
               defer: list | None) -> QueryResult:
        if not prompt or not prompt.strip():
            raise ProgdbError("the prompt is empty")
        if k < 1:
            raise ProgdbError("-k must be at least 1")
        if shots < 0:
            raise ProgdbError(f"--shots must be at least 0 (got {shots})")
        if budget < 1:
            raise ProgdbError(f"--budget must be at least 1 (got {budget})")
        demos = incontext.parse_incontext(prompt)
        if demos:
            if compile_only:
                return incontext.compile_demonstrations(prompt, *demos, budget=budget)
            result = incontext.answer_either_way(self.catalog, prompt, *demos, k=k, method=method,
                                                 use_stored=use_stored, llm=llm, budget=budget)
            if result.mode != "in-context" and result.programs:  # a stored program's guess, as asked by its key
                refuse_too_unsure(result, result.programs[0].name)
            return result
        lookup = lookup or KeyLookup(self.store)
        cal = cal or self.routes.calibration()
        request = self.understand(prompt, lookup, cal)
        requests = self.two_requests(prompt, request, lookup, cal) or [request]
        results = [self.execute(r, cal, lookup, k, shots, method, use_stored, None if compile_only else llm,
                                budget, compile_only, defer) for r in requests]
        if results[0].mode == "none" and prompt.rstrip().endswith(":") and "colon" not in results[0].message:
            # "passive voice:" and nothing after it: the text was left out, whatever the request was near
            results[0].message += "; nothing follows the prompt's colon (the text to work on goes after it)"
        results[0].also = results[1:]  # the second request's result, shown after the first
        results[0].prompt = prompt  # (the whole prompt, as asked: a batch's lines match their answers)
        return results[0]

    def execute(self, request: Request, cal: dict, lookup: KeyLookup, k: int, shots: int, method: str,
                use_stored: bool, llm: Endpoint | None, budget: int, compile_only: bool,
                defer: list | None, chains: bool = True) -> QueryResult:
        """The request's program run on its inputs (or, compile_only, its few-shot prompt compiled);
        `chains`: a key that names two word programs runs both (not for a program pinned by name)."""
        parsed, decision = request.parsed, request.decision
        # (a refused prompt's corrections were of a reading not taken: "how old r u" read no "r")
        corrections = request.corrections if decision.mode != "none" else []
        result = QueryResult(parsed.prompt, parsed.key, parsed.inputs, parsed.slots, parsed.method, parsed.template,
                             decision.mode, decision.message, decision.threshold, decision.programs,
                             decision.candidates, router=cal["router"], corrections=corrections,
                             accepted=decision.accepted or None, accepted_sure=decision.accepted_sure)
        if corrections:
            result.message = "; ".join(filter(None, ["read " + ", ".join(corrections), result.message]))
        if decision.mode == "none":
            return result
        if self.catalog.kinds().get(decision.programs[0].name) == "intent":
            if compile_only:
                raise ProgdbError(f"'{decision.programs[0].name}' is an intent: it is routed to, not compiled")
            return self._fill_intent(result, decision.programs[0].name, parsed)
        programs = [(self.catalog.get(m.name), m.weight) for m in decision.programs]
        result.kind = programs[0][0].kind
        if not parsed.inputs:  # a refusal, as an app reads one: nothing ran ("write a tweet")
            result.mode, result.programs, result.kind = "none", [], None
            # (what it blended or matched is moot: nothing was given to it)
            names = " or ".join(f"'{p.name}'" for p, _ in programs)
            # (say where the input goes: "make this passive" then "make this passive: The meal was cooked.")
            # (not for a question about the thing: "what is a subject line" asks what one is, not for one)
            where = f" (give the text after a colon: \"{parsed.prompt.strip().rstrip(':').strip()}: TEXT\")" \
                if programs[0][0].kind == "fewshot" and len(parsed.prompt.split()) <= 8 and \
                not ASKS_ABOUT.match(parsed.prompt) else ""
            result.message = "; ".join(filter(None, ["read " + ", ".join(corrections) if corrections else "",
                                                     f"the prompt names {names} but gives it no input{where}"]))
            return result
        sentences = bool(programs) and programs[0][0].name in self.reader().sentences_stored
        absent = absent_text(parsed.prompt, parsed.inputs, sentences) if parsed.method != "explicit" else None
        if absent:  # "make this email more formal": the email is not here, and its word is no input
            # (a refusal reads no inputs: the prompt whole, as any refusal shows it)
            result.mode, result.programs, result.kind, result.key, result.inputs = "none", [], None, parsed.prompt, []
            result.message = (f"the prompt points at a text it does not give ('{absent}'); give the text after a "
                              f"colon: {parsed.prompt.strip().rstrip('?.!')}: …")
            return result
        purpose = purpose_only(parsed.prompt, parsed.inputs) if result.kind == "fewshot" and parsed.method not in ("explicit", "template") \
            and _rewrites_texts(programs[0][0]) else None
        if purpose:  # "write a job ad for a senior java developer" gives a recruiter's inclusive rewriter no job ad
            result.mode, result.programs, result.kind, result.key, result.inputs = "none", [], None, parsed.prompt, []
            result.message = (f"the prompt says what a text is for ('{purpose}') but gives no text to rewrite; give "
                              f"the text after a colon: {parsed.prompt.strip().rstrip('?.!')}: …")
            return result
        if result.kind == "fewshot" and parsed.method not in ("explicit", "template") and asks_how_to(parsed.prompt):
            # "how do we make our onboarding flow friendlier" asks for advice: its words are no text to rewrite
            # (a program's own key asks as it says: "how do i fix {word}" of an engineer's errno-fix)
            result.mode, result.programs, result.kind, result.key, result.inputs = "none", [], None, parsed.prompt, []
            result.message = (f"the prompt asks for advice (how to do something, or whether to) and gives no text "
                              f"to rewrite; give the text after a colon: {parsed.prompt.strip().rstrip('?.!')}: …")
            return result
        # (a thing named with its article, "what colour is an orange", is asked about, whatever else the
        # word is: a researcher's thing-colour stores carrot -> orange)
        articled = any(re.match(r"(?i)an?\s", v) for v in (parsed.slots or {}).values())
        backwards = self._asked_backwards(programs, parsed.inputs) if use_stored and not articled else None
        if backwards and self._own_key_backwards(programs, decision):
            # "what rhymes with hat" by a teacher's own key "what rhymes with {word}", her rhymes storing cat -> hat:
            # a relation her key says goes both ways (rhymes, homophones), read the other way, not sure of it
            program = programs[0][0]
            result.outputs = [_read_backwards(program, text) for text in parsed.inputs]
            result.message = "; ".join(filter(None, [result.message, (
                f"'{parsed.inputs[0]}' is what {program.name} answers (it stores "
                f"{_stored_pair(program, parsed.inputs[0], result.outputs[0].answer)}), asked by its own key: read "
                "the other way, a guess that the relation goes both ways")]))
            return result
        if backwards:  # "Canberra is the capital of which country?"
            result.mode, result.programs, result.kind, result.message = "none", [], None, backwards
            return result
        # A fewshot program that a string program reproduces runs as that program, LLM or not (symbolic.py).
        program = self.catalog.symbolic(programs[0][0].name) if len(programs) == 1 and result.kind == "fewshot" else None
        stored = self.catalog.outputs_of(programs[0][0].name) if len(programs) == 1 and use_stored else {}
        fewshot = FewshotRun(self.demonstrations, programs, parsed, shots, budget, lookup.embed, llm, stored, program)
        if compile_only:
            result.compiled = [fewshot.compile(text) for text in parsed.inputs]
            return result
        if result.kind == "vector":
            chain = chains and composition(self.catalog, parsed, decision, lookup.embed, lookup.score_keys,
                                           cal["threshold"])
            if chain:
                steps = [self.catalog.word_program(self.catalog.get(m.name)) for m in chain[0]]
                out = run_chain(models.word_space(), steps, chain[1], k, method, use_stored)
                # a chain that undoes itself was no chain: "opposite with un/in/im: correct" is not
                # opposite then antonym (correct -> incorrect -> correct)
                if (out.answer or "").strip().lower() != chain[1].strip().lower():
                    result.mode, result.programs, result.inputs = "composed", chain[0], [chain[1]]
                    result.message = "runs " + " then ".join(m.name for m in chain[0])
                    result.outputs = [out]
                    refuse_too_unsure(result, chain[0][-1].name)
                    return result
            library = self.reader().library_storing(programs[0][0].name, parsed.inputs) \
                if len(programs) == 1 and use_stored is True else None  # (an evaluation's hidden pairs stay hidden)
            job = _VectorJob(result, [(self.catalog.word_program(p), w) for p, w in programs], fewshot,
                             (k, method, use_stored), library and self.catalog.word_program(self.catalog.get(library)),
                             self.reader().words_left_before(parsed.prompt, parsed.inputs, programs[0][0].name))
            if defer is not None:  # query_many runs the jobs of a batch together
                defer.append(job)
                return result
            job.run()
        else:
            result.outputs = [fewshot.run(text) for text in parsed.inputs]
            _doubt_a_guessed_request(result.outputs, result.accepted_sure)
            _doubt_a_word_left_before(result.outputs, self.reader().words_left_before(
                parsed.prompt, parsed.inputs, programs[0][0].name))
            _doubt_one_of_its_kind(result.outputs, result.corrections)
            rival = self._close_call_between_own(result)
            # (a stored answer is no call: "what does obiit mean" was their parish-latin's stored *died*, noted
            # "your 'old-occupations' is closer")
            for out in result.outputs if rival else []:
                if out.source != "stored":
                    out.note = "; ".join(filter(None, [out.note, rival]))
            result.compiled = fewshot.compiled
        return result

    def _close_call_between_own(self, result: QueryResult) -> str | None:
        """Two of the user's text programs nearly as close to the request: said, as an intent's close
        call is: "classify the tone of this message: …" compiled their neutral-tone rewrite (its name,
        a key, at 0.64), their ticket-sentiment at 0.59 unsaid; the compiled prompt alone would not tell
        them. "Close" as the reader's keys are (CLOSE_KEYS), against the key match the header shows."""
        learned = self.reader().learned
        if result.mode != "nearest" or not result.programs or result.programs[0].name in learned:
            return None
        chosen, mine, kinds = result.programs[0].name, result.programs[0].score, self.catalog.kinds()
        rival = next((c for c in result.candidates if c.name != chosen and c.name not in learned
                      and kinds.get(c.name) == "fewshot"), None)
        if rival is None or mine - rival.score > CLOSE_KEYS:
            return None
        nearness = "closer" if rival.score > mine else "nearly as close"
        return f"a close call: your '{rival.name}' is {nearness} (key match {rival.score:.3f} against {mine:.3f})"

    def _asked_backwards(self, programs: list[tuple[Program, float]], inputs: list[str]) -> str | None:
        """Why a word program is not run, when every input is an answer it stores and no input of
        its own (catalog.asked_for): the request goes the other way. None otherwise. A user's fewshot
        program of words is one too ("what is carpeta in english" of a student's folder -> carpeta was
        compiled for an LLM as English to Spanish)."""
        if len(programs) != 1:
            return None
        program = programs[0][0]
        if program.kind != "vector" and not (program.kind == "fewshot" and program.name not in self.reader().learned
                                             and _of_words(program)):
            return None
        name = program.name
        stored = [self.catalog.asked_for(name, text) for text in inputs]
        if not stored or not all(stored):
            return None
        return (f"'{inputs[0]}' is what {name} answers, not what it asks: it stores "
                f"{_stored_pair(program, inputs[0], stored[0])}")

    def _own_key_backwards(self, programs: list[tuple[Program, float]], decision: Retrieval) -> bool:
        """Is the program a user's, asked by one of its own keys word for word (nothing but its key
        and the input)? Then an answer it stores is asked the other way on purpose."""
        return len(programs) == 1 and programs[0][0].name not in self.reader().learned and \
            bool(decision.programs) and decision.programs[0].score >= OWN_KEY_BACKWARDS

    def _fill_intent(self, result: QueryResult, name: str, parsed: Parsed) -> QueryResult:
        spans = self.routes.slots_for(name, parsed.prompt)
        text = parsed.prompt
        result.kind = "intent"
        result.entities = [{"slot": s, "value": text[a:b], "start": a, "end": b} for a, b, s in spans]
        result.slots = {}
        for e in result.entities:
            result.slots.setdefault(e["slot"], e["value"])
        result.inputs = [e["value"] for e in result.entities]
        result.message = (f"routes to the intent '{name}'" +
                          (f" with {len(spans)} slot{'s' * (len(spans) != 1)}" if spans else ""))
        kinds = self.catalog.kinds()
        chosen = next((c.score for c in result.candidates if c.name == name), None)
        rival = next((c for c in result.candidates if c.name != name and kinds.get(c.name) == "intent"), None)
        if chosen is not None and rival is not None and chosen - rival.score <= CLOSE_CALL:
            # "is the front door locked" went to unlock-doors at 0.803, lock-doors 0.801: an app must
            # be able to tell a coin toss from a route
            result.message += (f"; a close call: '{rival.name}' is nearly as close ({rival.score:.3f} against "
                               f"{chosen:.3f})")
        return result

    def query_many(self, prompts: Iterable[str], batch: int = 256,
                   **options) -> Iterator[tuple[str, QueryResult | ProgdbError]]:
        lookup = KeyLookup(self.store)  # shared by the chunks: prompts repeat their key texts
        items = iter(prompts)
        for chunk in iter(lambda: list(islice(items, batch)), []):
            lookup.trim()
            templates = self.catalog.templates()
            cal = self.routes.calibration()
            texts = []
            for prompt in chunk:
                if prompt.strip() and not incontext.parse_incontext(prompt):
                    texts += (self.reading_texts(prompt, lookup) if cal["router"] == "similarity"
                              else _key_texts(prompt, templates))
            lookup.prefetch(texts, search=cal["router"] != "similarity")
            answers: list[QueryResult | ProgdbError] = []
            jobs: list[_VectorJob] = []
            for prompt in chunk:
                try:
                    answers.append(self.query(prompt, lookup=lookup, cal=cal, defer=jobs, **options))
                except ProgdbError as exc:
                    answers.append(exc)
            # Word programs run once per program (or blend) over all of the chunk's inputs: one
            # pass over the word matrix instead of one per prompt.
            groups: dict[tuple, list[_VectorJob]] = {}
            for job in jobs:
                groups.setdefault((tuple((id(wp), w) for wp, w in job.programs), job.options), []).append(job)
            for group in groups.values():
                inputs = [text for job in group for text in job.result.inputs]
                outputs = iter(run_vector(models.word_space(), group[0].programs, inputs, *group[0].options))
                for job in group:
                    job.finish([next(outputs) for _ in job.result.inputs])
            yield from zip(chunk, answers)


def _of_words(program: Program) -> bool:
    """A program whose pairs are words and short phrases, both sides (a vocabulary list, not texts)."""
    return bool(program.examples) and all(
        len(e.input.split()) <= WORD_EXAMPLES and len(e.output.split()) <= WORD_EXAMPLES for e in program.examples)


def _askers(program: Program, answer: str) -> list[tuple[str, str]]:
    """The stored pairs whose output is `answer` (ignoring case), in order."""
    low = answer.strip().lower()
    return [(a, b) for a, b in program.pairs() if b.strip().lower() == low]


def _stored_pair(program: Program, answer: str, asker: str) -> str:
    """"Japan -> yen", the answer as stored (a teacher's "New Zealand -> Kiwi" was said "-> kiwi", as she
    typed it), and how many other inputs have it ("what country uses the euro" named Bulgaria alone)."""
    pairs = _askers(program, answer)
    stored = next((b for a, b in pairs if a == asker), answer.strip())
    others = list(dict.fromkeys(a for a, _ in pairs if a != asker))
    more = f" and {len(others)} more ({', '.join(others[:3])}{', …' if len(others) > 3 else ''})" if others else ""
    return f"{asker} -> {stored}{more}"


def _read_backwards(program: Program, text: str) -> Output:
    """An answer a user's program stores, asked by its own key, read the other way: not sure."""
    askers = list(dict.fromkeys(a for a, _ in _askers(program, text)))
    return Output(text, askers[0], "stored", answers=askers, confidence=BACKWARDS_CONFIDENCE, sure=False,
                  note=f"read backwards: {program.name} stores {askers[0]} -> {text.strip()}")


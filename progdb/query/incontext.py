"""Programs from examples: in-context prompts ("king: queen, man: woman, boy:") and `which`.

A prompt of demonstrations is a program given by its pairs, as a task vector is in an LLM. The stored
vector program that best predicts the demonstrations' outputs from their inputs is taken when it fits
well, better than the demonstrations explain themselves and better than any other program, and a
stored program (vector or fewshot) that stores every demonstration is named by them; then a string
program that reproduces every demonstration (symbolic.py, docs/symbolic.md); otherwise the
demonstrations themselves become a temporary program (or, with an LLM, are sent to it).
"""
from __future__ import annotations

import re

import numpy as np

from progdb import models
from progdb.errors import ProgdbError
from progdb.program import Example, Program
from progdb.query import symbolic
from progdb.query.confidence import is_sure
from progdb.query.execute import Candidate, Output, WordProgram, run_vector
from progdb.query.result import QueryResult
from progdb.query.retrieve import ProgramMatch
from progdb.query.typos import closest
from progdb.query.wording import QUESTION_WORDS, STOP
from progdb.text.fewshot import DEFAULT_BUDGET, compile_prompt, example_size, fixed_size
from progdb.words.holdout import Holdout, holdout_for
from progdb.words.methods import PairSet
from progdb.words.space import WordSpace

_SEPARATOR = re.compile(r"\s*(?:->|=>|→|:)\s*")
_ARROW = re.compile(r"->|=>|→")
_SEGMENTS = re.compile(r"\s*(?:\n|,|;)\s*|\s+/\s+")  # "hot => cold / up => down / left =>" too
_MAX_WORDS = 4  # a side of a "word: word" demonstration; longer text is a text program's business
_MAX_WORDS_ARROW = 8  # arrows are rare in prose, so names ("Mount Rushmore National Memorial") may be longer
# Chosen with bench/icl_identify.py, retired: docs/research.md on half 0 of the function-vector pairs (sha1 of the input).
# Demonstrations both stored in a program and new to it were measured (negatives: relations no program holds).
FIT_THRESHOLD = 0.65  # score (fit less any shortfall of lead, see rank_programs) needed to name a stored program
FIT_GAIN = 0.05  # ...and by how much it must beat the demonstrations explaining themselves
LEAD = 0.1  # the fit a program must lead every other program by to keep its whole fit
IDENTIFY_METHOD = "weighted"


# An analogy as people write one: its first pair is the demonstration, the third word the input.
_ASKED = r"\s*(?:\?|_+|x|what|which|…|\.\.\.)?\s*[?.!]*\s*$"
_WHAT = r"(?:what|which(?:\s+\w+)?|\?|_+|x)"
_FEW = r"[\w'-]+(?:\s+[\w'-]+){0,2}?"  # a word or a name of up to three
_ANALOGIES = [
    # "paris is to france as tokyo is to ?", "... like tokyo is to what"
    re.compile(r"^\s*(?:(?:complete|solve)(?:\s+the)?(?:\s+analogy)?\s*[:,]?\s*)?(?P<a>.+?)\s+is\s+to\s+(?P<b>.+?)"
               r"\s+(?:as|like)\s+(?P<c>.+?)\s+is\s+to" + _ASKED, re.I),
    # "what is to dog as kitten is to cat": the asked word first, so the pair is cat -> kitten, applied to dog
    re.compile(r"^\s*" + _WHAT + r"\s+is\s+to\s+(?P<c>.+?)\s+(?:as|like)\s+(?P<b>.+?)\s+is\s+to\s+(?P<a>.+?)\s*[?.!]*\s*$",
               re.I),
    # "kitten is to cat as what is to dog": likewise
    re.compile(r"^\s*(?P<b>.+?)\s+is\s+to\s+(?P<a>.+?)\s+(?:as|like)\s+" + _WHAT + r"\s+is\s+to\s+(?P<c>.+?)\s*[?.!]*\s*$",
               re.I),
    # "man:woman::king:?", "man : woman :: king : ?", "man : woman = king : ?"
    re.compile(r"^\s*(?P<a>[^:=]+?)\s*:\s*(?P<b>[^:=]+?)\s*(?:::|=)\s*(?P<c>[^:=]+?)\s*:" + _ASKED, re.I),
    # "if athens is greece, then madrid is what?"
    re.compile(r"^\s*if\s+(?P<a>.+?)\s+is\s+(?:to\s+)?(?P<b>.+?)\s*,?\s+(?:then\s+)?(?P<c>.+?)\s+is\s+(?:to\s+)?"
               + _WHAT + r"\s*[?.!]*\s*$", re.I),
    # "if boy is girl then what is nephew", "if boy is girl, what's nephew?"
    # (words, not a clause: "if it is raining then what is the capital of france" is none)
    re.compile(r"^\s*if\s+(?!(?:it|this|that|there|he|she|they|i|you|we)\s)(?P<a>" + _FEW + r")\s+is\s+(?:to\s+)?"
               r"(?P<b>" + _FEW + r")\s*,?\s+(?:then\s+)?(?:what|which)(?:\s+is|'s|s)\s+(?:to\s+)?(?P<c>" + _FEW + r")"
               r"\s*[?.!]*\s*$", re.I),
]
# Vector arithmetic, which arithmetic_reading also reads the other way
_MINUS = r"\s*(?:[-−–]|\bminus\b)\s*"  # "king - man + woman", "king minus man plus woman"
_PLUS = r"\s*(?:\+|\bplus\b)\s*"
_ARITHMETIC = [
    # "king - man + woman": the pair man -> woman, applied to king
    re.compile(r"^\s*(?:what(?:\s+is|'s|s)\s+)?(?P<c>[\w'-]+?)" + _MINUS + r"(?P<a>[\w'-]+?)" + _PLUS + r"(?P<b>[\w'-]+)"
               r"\s*(?:=|≈|equals)?" + _ASKED, re.I),
    # "king + woman - man", as gensim's positive and negative words are written too
    re.compile(r"^\s*(?:what(?:\s+is|'s|s)\s+)?(?P<c>[\w'-]+?)" + _PLUS + r"(?P<b>[\w'-]+?)" + _MINUS + r"(?P<a>[\w'-]+)"
               r"\s*(?:=|≈|equals)?" + _ASKED, re.I),
]
# gensim's questions-words line asked: "athens greece berlin ?" (three words, none a function word:
# "plural of cat ?" is a request)
_WORD = r"[^\W\d_][\w'\-]*"
_GENSIM_LINE = re.compile(r"^\s*(?P<a>" + _WORD + r")\s+(?P<b>" + _WORD + r")\s+(?P<c>" + _WORD + r")\s+(?:\?+|_+)\s*$",
                          re.I)
_ANALOGIES = _ANALOGIES + _ARITHMETIC  # tried in this order: the arithmetic forms last
# Arithmetic as papers write it: "vec(king) - vec(man) + vec(woman)", "x = king - man + woman, x = ?"
_VEC = re.compile(r"\b(?:vec|v|emb|embedding)\s*\(\s*[\"'“‘]?([\w'-]+?)[\"'”’]?\s*\)", re.I)
_NAMED_RESULT = re.compile(r"^\s*[a-z]\s*=\s*(.+?)(?:\s*[,;]\s*[a-z]\s*=\s*\?+)?\s*$", re.I)


def _as_sum(prompt: str) -> str:
    """The prompt without a paper's notation around its words and its result's name, for _ARITHMETIC."""
    text = _VEC.sub(r"\1", prompt)
    m = _NAMED_RESULT.match(text)
    return m.group(1) if m else text


def _demo_words(demos: list[tuple[str, str]]) -> frozenset[str]:
    """The demonstrations' own words, which are no answer, as gensim's most_similar leaves an
    analogy's words out."""
    return frozenset(w.lower() for pair in demos for w in pair)


def parse_analogy(prompt: str) -> tuple[list[tuple[str, str]], str] | None:
    """"a is to b as c is to ?", "a:b::c:?", "c - a + b" and the like (_ANALOGIES): the pair a -> b
    and the input c."""
    for pattern in _ANALOGIES:
        m = pattern.match(_as_sum(prompt) if pattern in _ARITHMETIC else prompt)
        if m and all(_short(m.group(g), _MAX_WORDS) for g in "abc"):
            return [(m.group("a").strip(), m.group("b").strip())], m.group("c").strip()
    m = _GENSIM_LINE.match(prompt)
    if m and not any(m.group(g).lower() in STOP | QUESTION_WORDS for g in "abc"):
        return [(m.group("a"), m.group("b"))], m.group("c")
    return None


def arithmetic_reading(prompt: str) -> tuple[list[tuple[str, str]], str] | None:
    """"c - a + b" read the other way: the pair a -> c applied to b, the same vector (gensim's
    positive c and b, negative a). "athens - greece + norway" is country-capital's greece -> athens
    on norway, not a pair greece -> norway on athens. An analogy too, as b - a + c is c - a + b: "man
    is to king as woman is to ?" is male-to-female's man -> woman on king (it was read only as a pair
    man -> king, which no program stores: queen?, not sure). None for any other form."""
    for pattern in _ARITHMETIC:
        m = pattern.match(_as_sum(prompt))
        if m and all(_short(m.group(g), _MAX_WORDS) for g in "abc"):
            return [(m.group("a").strip(), m.group("c").strip())], m.group("b").strip()
    analogy = parse_analogy(prompt)
    if analogy and len(analogy[0]) == 1:
        (a, b), c = analogy[0][0], analogy[1]
        return [(a, c)], b
    return None


def parse_incontext(prompt: str) -> tuple[list[tuple[str, str]], str] | None:
    """Demonstrations and the query input, or None when the prompt is not in that form.
    The last segment must end in a separator ("boy:" or "boy ->"), so prose is never taken."""
    analogy = parse_analogy(prompt)
    if analogy:
        return analogy
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
           use_stored: bool | Holdout, llm=None, budget: int = DEFAULT_BUDGET) -> QueryResult:
    """The demonstrations run on `text`, in this order:
    1. a stored program the demonstrations name (one that stores every demonstration, else the one
       rank_programs names) answers `text` from its stored pairs when it holds it;
    2. a named vector program runs, unless it misses a demonstration a string program
       (symbolic.py) reproduces exactly; a named fewshot program runs as the string program that
       reproduces its stored pairs, if one does;
    3. a string program that reproduces every demonstration;
    4. with an LLM, the demonstrations compiled and sent; without one, the demonstrations as their
       own word program, with its confidence (a best guess is marked "not sure").
    use_stored=False or a Holdout: the input's stored pairs and their reverses are hidden from every
    program (words/holdout.py)."""
    space = models.word_space()
    programs = catalog.word_programs()
    hide = holdout_for(use_stored, text)
    if hide is not None:  # any program may answer: the reverses of the input's pairs in each are hidden
        hide = hide.with_outputs(o for wp in programs for o in wp.stored.get(text.strip().lower(), ()))
    measured = use_stored if hide is None else hide  # what the word programs may read of the stored pairs
    ranked = rank_programs(space, programs, demos, hide)
    candidates = [ProgramMatch(n, s, 0.0, "in-context demonstrations") for n, s in ranked[:5]]
    result = QueryResult(prompt, "", [text], {}, "in-context", None, "in-context", "", FIT_THRESHOLD,
                         [], candidates, kind="vector")
    own = self_fit(space, demos)
    found = symbolic.synthesize(demos, text)
    if found is not None and _no_word(space, found.run(text), text, demos):
        found = None  # "studies" -> "studi" by the demonstrations' rule; their outputs are all words
    named, score, how = _named(catalog, demos, ranked, own, text if use_stored else None)
    # A program storing every demonstration reversed, and the answer, is surer than one whose pairs
    # the demonstrations only fit: an analyst's country-code (fit 0.67) took "paris is to france as
    # tokyo is to ?", which country-capital stores the other way
    back = _way_back(catalog, demos, text) if use_stored is True and \
        (named is None or (how == "fit" and score < SURE_FIT)) else None
    if back is not None:
        named = None
    if named:
        kind = catalog.kinds()[named]
        result.mode, result.kind = "nearest", kind
        result.programs = [ProgramMatch(named, score, 1.0, "in-context demonstrations")]
        result.fit = f"fit {score:.2f}" if how == "fit" else f"stores {len(demos)} of {len(demos)} demonstrations"
        why = f"fit {score:.2f}" if how == "fit" else "it stores every demonstration"
        result.message = f"the demonstrations fit the stored program '{named}' ({why})"
        stored = catalog.stored_outputs()[named].get(text.strip().lower()) if use_stored else None
        if stored and kind != "vector":  # a vector program answers its stored pairs itself, with candidates
            result.outputs = [Output(text, stored[0], "stored", answers=list(stored), confidence=1.0)]
            return _cased(result)
        if kind == "vector":
            wp = catalog.word_program(catalog.get(named))
            if stored or found is None or _reproduces(space, wp, demos, method):
                # (its stored pairs answer as ever; its arithmetic leaves the demonstrations' words
                # out: "what is to dog as kitten is to cat" answered "cat")
                result.outputs = run_vector(space, [(wp, 1.0)], [text], k, method, measured,
                                            exclude=_demo_words(demos))
                return _cased(result)
            result.message += ", but it misses a demonstration that a string program reproduces"
        else:
            own_program = catalog.symbolic(named)
            if own_program is not None and own_program.run(text) is not None:
                out = _symbolic_output(own_program, text, sure=True)
                out.note = f"'{named}' runs as a string program: {own_program.describe()}"
                result.outputs = [out]
                return result
            if found is None:
                return _unexplained(result, space, demos, text, k, method, measured, llm, budget, ranked, own, catalog)
    if back is not None:  # "paris is to france as tokyo is to ?": country-capital's pairs, read the other way
        name, inputs, stored_as = back
        result.mode, result.kind = "nearest", catalog.kinds()[name]
        result.programs = [ProgramMatch(name, 1.0, 1.0, "in-context demonstrations, reversed")]
        result.fit = f"stores {len(demos)} of {len(demos)} demonstrations the other way"
        result.message = (f"the demonstrations are the way back of the stored program '{name}' "
                          "(it stores each of them reversed)")
        result.outputs = [Output(text, inputs[0], "stored", answers=inputs, confidence=1.0,
                                 note=f"'{name}' stores {inputs[0]} -> {stored_as}")]
        return result
    if found is not None:
        n = len(demos)
        result.mode, result.kind = "in-context", "symbolic"
        result.programs = [ProgramMatch("symbolic", 1.0, 1.0, "in-context demonstrations")]
        result.fit = f"reproduces {n} of {n} demonstrations"
        result.message = "; ".join(filter(None, [result.message if named else "",
                                                  f"a string program reproduces every demonstration: {found.describe()}"]))
        result.outputs = [_symbolic_output(found, text)]
        return result
    return _unexplained(result, space, demos, text, k, method, measured, llm, budget, ranked, own, catalog)


def answer_either_way(catalog, prompt: str, demos: list[tuple[str, str]], text: str, **options) -> QueryResult:
    """answer(), and for "c - a + b" the other reading of the same vector too (arithmetic_reading):
    the one that names a stored program with the surer answer. A misspelt word is read as the
    frequent word it is a slip from ("kign - man + woman"), and said."""
    fixes: list[str] = []
    spelled = _spelled(demos, text, fixes)
    if fixes:
        try:  # (a word the word space lacks may still be stored, or a string program's: "araignée")
            typed = answer(catalog, prompt, demos, text, **options)
            if typed.outputs and typed.outputs[0].source != "error":
                return typed
        except ProgdbError:
            pass
    result = answer(catalog, prompt, *spelled, **options)
    other = arithmetic_reading(prompt)
    if other:
        turned = answer(catalog, prompt, *_spelled(*other, []), **options)
        if _surer(turned) > _surer(result):
            result = turned
    if fixes:
        result.corrections = fixes
        result.message = "; ".join(filter(None, ["read " + ", ".join(fixes), result.message]))
    return result


TYPO_VOCABULARY = 50_000  # the word space's most frequent words: what a slip is read as


def _spelled(demos: list[tuple[str, str]], text: str, fixes: list[str]) -> tuple[list[tuple[str, str]], str]:
    """The demonstrations and input with each word the word space lacks read as the frequent word
    it is one slip from (two in a long word); `fixes` gets "kign -> king"."""
    space = models.word_space()
    typed = {w.lower() for pair in demos for w in pair} | {text.lower()}
    common = set(space.words[:TYPO_VOCABULARY])
    # A side whose other words are no common words is typed in another vocabulary: a parent's "cane: dog,
    # gatto: cat, mucca:" is Italian, and "mucca" no slip of "mecca"
    sides = ([a for a, _ in demos] + [text], [b for _, b in demos])

    def foreign(word: str, side: int) -> bool:
        return any(w.lower() not in common for w in sides[side] if w != word and re.fullmatch(r"[A-Za-z]+", w))

    def fix(word: str, side: int) -> str:
        if len(word) < 4 or not re.fullmatch(r"[A-Za-z]+", word) or word in space or foreign(word, side):
            return word
        if any(len(w) >= 3 and w != word.lower() and word.lower().startswith(w) for w in typed):
            return word  # a form of another word typed, no slip: "tall: tallness" is no "illness"
        right = closest(word.lower(), space.words[:TYPO_VOCABULARY])
        if right is None:
            return word
        fixes.append(f"{word} -> {right}")
        return right

    return [(fix(a, 0), fix(b, 1)) for a, b in demos], fix(text, 0)


def _surer(result: QueryResult) -> tuple[bool, float]:
    """How an answer ranks against another reading's: a named stored program first, then its confidence."""
    out = result.outputs[0] if result.outputs else None
    return result.mode == "nearest", out.confidence if out is not None and out.confidence is not None else 0.0


def _named(catalog, demos, ranked, own: float, text: str | None) -> tuple[str | None, float, str]:
    """The stored program the demonstrations name, its score and how it was named: the one
    program that stores every demonstration (among several, the one ranked best, else the one
    that stores `text`, unless text is None: an evaluation's asked input chooses nothing; "stores",
    its score its rank_programs fit, or 1 for a fewshot program),
    otherwise the vector program rank_programs puts first when it fits well enough, or when it
    stores `text` and fits better than the demonstrations explain themselves ("fit")."""
    scores, holders = dict(ranked), catalog.holders(demos)
    # A program that stores a demonstration's input with other outputs only is not the one shown:
    # "one : three :: five : ?" is no next-item (one -> two), "hot : colder" no comparative.
    ranked = [(name, score) for name, score in ranked if not _contradicted(catalog, name, demos)]
    if ranked and ranked[0][1] >= max(FIT_THRESHOLD, own + FIT_GAIN) and (not holders or ranked[0][0] in holders):
        return ranked[0][0], ranked[0][1], "fit"
    if len(holders) > 1:
        best = max(scores.get(h, -1.0) for h in holders)
        top = [h for h in holders if scores.get(h, -1.0) == best]
        if len(top) > 1 and text is not None:
            top = [h for h in top if text.strip().lower() in catalog.stored_outputs()[h]] or top
        holders = top if len(top) == 1 else []
    if holders:
        return holders[0], scores.get(holders[0], 1.0), "stores"
    # Up to one LEAD below the threshold, the program ranked first still answers what it stores,
    # when it leads the others clearly and explains the demonstrations better than they explain
    # themselves: "hot => cold / up => down / left =>" is antonym's (0.59, the next 0.37, the pairs'
    # own 0.53), and antonym stores left -> right. (happy -> glad, big -> large: antonym leads
    # synonym by 0.05 only, and names nothing.)
    second = ranked[1][1] if len(ranked) > 1 else 0.0
    if ranked and text is not None and ranked[0][1] >= max(own + FIT_GAIN, FIT_THRESHOLD - LEAD) \
            and ranked[0][1] - second >= LEAD \
            and text.strip().lower() in catalog.stored_outputs().get(ranked[0][0], {}):
        return ranked[0][0], ranked[0][1], "fit"
    return None, 0.0, ""


def _way_back(catalog, demos: list[tuple[str, str]], text: str) -> tuple[str, list[str], str] | None:
    """The one program that stores every demonstration reversed and `text` as an output (asked when
    none is named by the demonstrations the right way round), the stored inputs whose output is `text`,
    and that output as stored: what its way back answers. None when no one program does."""
    low = text.strip().lower()
    found = []
    for name in catalog.holders([(b, a) for a, b in demos]):
        pairs = [(i, o) for i, o in catalog.get(name).pairs() if o.strip().lower() == low]
        if pairs:
            found.append((name, list(dict.fromkeys(i for i, _ in pairs)), pairs[0][1]))
    # (of several storing the demonstrations reversed, the one that stores the input as an answer: a
    # student's "mariposa is to butterfly as carpeta is to ?" is her vocab's, english-spanish stores
    # butterfly -> mariposa too)
    return found[0] if len(found) == 1 else None


SURE_FIT = 0.8  # a stored program the demonstrations fit this well is theirs, whoever stores them the other way

CONTRADICTING_DEMOS = 2  # at most this many demonstrations are contradicted by a program storing them otherwise


def _contradicted(catalog, name: str, demos: list[tuple[str, str]]) -> bool:
    """Does the program store the input of each of one or two demonstrations it knows (an analogy's
    pair is the user's whole request), none of them with the output shown? More demonstrations say
    what they mean by their many pairs: one of a word's other answers ("big: large" beside a stored
    big -> huge), or a noisy pair, contradicts nothing then (on the function-vector tasks at K = 5
    the rule cost person-instrument 0.33 -> 0.25 and synonym 0.086 -> 0.075)."""
    if len(demos) > CONTRADICTING_DEMOS:
        return False
    held = catalog.stored_outputs().get(name, {})
    known = [(held[a.strip().lower()], b.strip().lower()) for a, b in demos if a.strip().lower() in held]
    return bool(known) and all(b not in {o.lower() for o in outs} for outs, b in known)


def _cased(result: QueryResult) -> QueryResult:
    """A stored answer to a capitalised input, capitalised as the input is (Friday -> Saturday)."""
    text = result.inputs[0]
    for out in result.outputs:
        if out.source == "stored" and text[:1].isupper() and out.answer and out.answer.islower():
            out.answers = [a[:1].upper() + a[1:] for a in out.answers]
            out.answer = out.answers[0] if out.answers else out.answer[:1].upper() + out.answer[1:]
    return result


def _reproduces(space: WordSpace, wp: WordProgram, demos: list[tuple[str, str]], method: str) -> bool:
    """Whether a vector program gives every demonstration's output: stored, or as its first answer."""
    todo = [(a, b) for a, b in demos if b.strip().lower() not in
            [o.lower() for o in wp.stored.get(a.strip().lower(), [])]]
    if not todo:
        return True
    # Stored pairs may answer: these are the demonstrations' inputs, given in the prompt, never the
    # asked one (whose pairs answer() hides when measuring).
    outs = run_vector(space, [(wp, 1.0)], [a for a, _ in todo], 1, method, True)
    return all(o.answer is not None and o.answer.lower() == b.strip().lower() for o, (_, b) in zip(outs, todo))


RARE_ANSWER = 50_000  # a string rule's answer past this frequency rank, and far rarer than its input...
RARER = 10            # ...by this factor, is no word ("studies" -> "studi", rank 90,634; studies ~2,000)


def _no_word(space: WordSpace, answer: str | None, text: str, demos) -> bool:
    """A string program's answer that is no word, for demonstrations whose outputs all are words:
    the rule only fits the spelling of the examples. Unknown to the word space, or rare and far
    rarer than the input (a word's inflection is about as common as the word)."""
    if not answer or not answer.isalpha() or not all(b.lower() in space for _, b in demos):
        return False
    rank, own = space.index.get(answer.lower()), space.index.get(text.strip().lower())
    return rank is None or (own is not None and rank > RARE_ANSWER and rank > RARER * (own + 1))


def _symbolic_output(found: symbolic.Found, text: str, sure: bool = False) -> Output:
    """A string program's answer; certain for a stored program's (it reproduces its stored pairs),
    otherwise as sure as symbolic.Found.confidence says."""
    value = 1.0 if sure else found.confidence(text)
    cands = [Candidate(a, s) for a, s in found.candidates(text)]
    return Output(text, found.run(text), "symbolic", cands, confidence=value, sure=is_sure(value))


def _unexplained(result: QueryResult, space: WordSpace, demos, text: str, k: int, method: str,
                 measured: bool | Holdout, llm, budget: int, ranked, own: float, catalog) -> QueryResult:
    """No program reproduces the demonstrations: an LLM's reply to them when one is configured,
    otherwise the demonstrations as their own word program (its answer with its confidence).
    measured: what the word programs may read of the stored pairs (answer()'s)."""
    best = (f" (best: {ranked[0][0]} at {ranked[0][1]:.2f}; the pairs fit themselves at {own:.2f})"
            if ranked else "")
    if result.mode == "in-context":
        result.message = f"no stored program fits the demonstrations{best}; their own pairs are the program"
        if ranked and _contradicted(catalog, ranked[0][0], demos):
            held = catalog.stored_outputs()[ranked[0][0]]
            a = next(a for a, _ in demos if a.strip().lower() in held)
            result.message = (f"the demonstrations look like '{ranked[0][0]}' (fit {ranked[0][1]:.2f}), but it stores "
                              f"{a} -> {held[a.strip().lower()][0]}, not what they show; their own pairs are the program")
    if llm is not None:
        compiled = compile_demonstrations(result.prompt, demos, text, budget).compiled[0]
        result.compiled = [compiled]
        result.kind = "fewshot"
        if result.mode == "in-context":
            result.programs = [ProgramMatch("in-context", 1.0, 1.0, "in-context demonstrations")]
        result.outputs = [Output(text, llm.chat(compiled.messages), "llm",
                                 note="the demonstrations, compiled, answered by the LLM")]
        return result
    usable = space.usable(demos)
    if not usable and result.mode != "in-context":  # a named fewshot program, as it runs without an LLM
        compiled = compile_demonstrations(result.prompt, demos, text, budget).compiled[0]
        result.compiled, result.kind = [compiled], "fewshot"
        result.message += "; it cannot run here (no LLM configured, --llm): the compiled demonstrations"
        result.outputs = [Output(text, compiled.text, "compiled")]
        return result
    if not usable:
        bad = next((w for pair in demos for w in pair if w not in space), None)
        if bad is None:  # "orange:orange::lemon:?": every pair maps a word to itself, no change to learn
            raise ProgdbError("in-context prompt: the demonstrations change nothing ("
                              + ", ".join(f"{a} -> {b}" for a, b in demos) + "), so there is no relation to apply")
        raise ProgdbError(f"in-context prompt: '{bad}' is not in the word space ({space.name}), and no string "
                          "program reproduces the demonstrations (with an LLM configured, --llm, it would answer)")
    if result.mode == "in-context":
        result.programs = [ProgramMatch("in-context", own, 1.0, "in-context demonstrations")]
        result.fit = f"fit {own:.2f}"
    else:
        result.message += "; it cannot run here (no LLM configured): the demonstrations' own pairs answer"
    program = WordProgram(Program(name="in-context", kind="vector", keys=["in-context"],
                                  examples=[Example(a, b) for a, b in demos]), space)
    # ("apple: red, banana:" is not "red")
    result.outputs = run_vector(space, [(program, 1.0)], [text], k, method, measured, exclude=_demo_words(demos))
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

"""Every reading of a prompt: the ways it may split into a request (a key text) and its input(s).

The reader (reader.py) scores each reading against each program; this module only proposes them:
the stored key templates that match, explicit structure (a colon, a dash, quotes, a request on its
own last line, an arrow "wolf -> plural", an exercise's gap "I ___ (go)"), every cut into a key part
and an input part, every short span of the prompt taken as the input(s), and the readings of what
follows a separator when talk precedes it ("for my worksheet: plural of cactus").
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Callable

from progdb.query.parse import WHAT_CALLED, Parsed, Template, _clean_key, match_template, split_explicit
from progdb.query.wording import (CLAUSE_BREAK, DASH, LANGUAGES, LIST_WORD, MAX_LIST_WORDS, MAX_SPAN_WORDS, QUOTED, SEPARATOR,
                                  SPAN_EDGE_STOP, TALK, WORD, as_typed, clean_input, clean_text, is_name, list_items,
                                  quoted_within, split_list, strip_politeness, unquote)

MAX_DROPPED = 4        # talk a span's key may leave out, in words
MAX_NAME_WORDS = 6     # a span longer than MAX_SPAN_WORDS only as a capitalised name ("Craters of the Moon National Monument")
MAX_SPAN_PROMPT = 14   # longer prompts are texts to transform: cut, not spanned
MAX_KEY_WORDS = 12     # a cut's key part ("rewrite this in the style of Shakespeare:")
_SLASHED = re.compile(r"[^\W\d_]{1,4}/[^\W\d_]{1,4}")  # "w/d", "a/c": an abbreviation, or two words of a list
MAX_TEMPLATE_LIST = 60  # words in a list a word program's template takes (an app's product list)
MAX_ASIDE_REQUEST = 6  # a request this short is read without an aside in brackets after it
# A verb people ask about, a stop word elsewhere: it ends a request as its input ("he form of do").
ASKED_VERBS = frozenset("do does did is are was were have has had".split())
_LANGUAGE = frozenset("english british american us uk".split())  # "… in English" is talk, "… in Vietnam" is not

_ARROW_REQUEST = re.compile(r"^\s*([^\n]+?)\s*(?:->|=>|→)\s*([^\n]+?)\s*[?.!]*$")
# A request after its text: after a separator ("-- make this formal", "<- rewrite casually", "--> spanish"),
# the last sentence ("… for March. Make it casual.") or in closing brackets ("(in french pls)").
_TRAILING_SEP = re.compile(r"\s(?:-{1,2}>?|<-{1,2}|=>|→|[—–|])\s")
_SENTENCE_BREAK = re.compile(r"(?<=[.!?])\s+(?=\S)")
_TRAILING_PARENS = re.compile(r"\s*\((?P<key>[^()]{2,40})\)\s*$")
MAX_TRAILING_KEY_WORDS = 8
_JOINS_NEXT = frozenset("in into to of a an the as like my our your their his her its".split())  # a word no text ends on: it joins what follows
_RUNS_ON = _JOINS_NEXT | {"for", "with", "so"}
# ...nor on a word that counts or points at what follows: "… charged twice for one | order" is no request `order`
_TEXT_RUNS_ON = _RUNS_ON | frozenset("one each every some any this that these those per about from at by".split())
_ARTICLE_ONLY = re.compile(r"\W*(?:(?:a|an|the)\W*)+", re.I)
_QUESTION_OPENING = re.compile(r"^(\S+)(?:\s+\S+){0,4}\?\s+\S+\s+\S+")  # a few words up to a "?", then a text
_POINTED_QUESTION = re.compile(
    r"^(.{2,200}?\b(?:(?:this|these|the following|my)\s+(?:sentences?|text|email|message|paragraph|lines?|phrase|note)|"
    r"the following)\b[^?]*)\?\s+(\S+(?:\s+\S+){2,}.*)$"
    # ...or "this"/"it" alone, before a text of five words or more ("Could you turn this into title case for
    # the blog? why our customers love …"; not "can you make this shorter? thanks a lot man")
    r"|^(.{2,200}?\b(?:this|it)\b[^?]*)\?\s+(\S+(?:\s+\S+){4,}.*)$"
    # ...or a shorter sentence, capitalised and ended ("can you make this less cold? Your account is locked.")
    r"|^(.{2,200}?\b(?:this|it)\b[^?]*)\?\s+((?!(?:thanks?|cheers|please|pls)\b)(?-i:[A-Z])\S*(?:\s+\S+){2,}[.!])$",
    re.S | re.I)
_SENTENCE_END = re.compile(r"[?!]")  # inside a span: it ran past the end of a question
# Inside a slot: words of the request, its ":" or "?", then a text ("our website footer: All prices …";
# not "this: a rainy night", whose pointer reading cleans)
_SLOT_PAST_SEPARATOR = re.compile(r"^\s*\S+\s+\S.*?\w[:?]\s+\S+\s+\S")


@dataclass
class Reading:
    key: str
    inputs: list[str]
    method: str                      # template | explicit | span | cut | whole
    template: str | None = None
    template_program: str | None = None
    slots: dict[str, str] = field(default_factory=dict)
    corrections: list[str] = field(default_factory=list)  # typos read as other words on the way
    dropped: int = 0  # words of the prompt left out of both key and inputs (talk around the request)
    quoted: bool = False  # every input is a phrase the user quoted

    @property
    def signature(self) -> tuple:
        """Readings that differ only in case are one reading."""
        return self.key.lower(), tuple(x.lower() for x in self.inputs)

    def parsed(self, prompt: str) -> Parsed:
        return Parsed(prompt, self.key, list(self.inputs), dict(self.slots), self.method, self.template,
                      self.template_program)


_TRAILING_TALK = re.compile(r"\s+(?:again|pls|plz|asap|thanks|thx|ty|lol|please|ok|okay)\W*$", re.I)


def _without_trailing_talk(text: str) -> str:
    """A slot without the talk that ends it ("418 again" -> 418); as typed when there is none."""
    return _TRAILING_TALK.sub("", text)


def propose(prompt: str, templates: list[Template], word_program: Callable[[str], bool],
            text_names: list[re.Pattern], nested: bool = False) -> list[Reading]:
    """Every reading of the prompt (module docstring); word_program(name): does the program take words
    and names rather than texts; text_names: the patterns that name the text programs."""
    out: list[Reading] = []
    request = strip_politeness(prompt)
    text = unquote(request)
    arrow = _ARROW_REQUEST.match(text)
    if arrow and not re.search(r"->|=>|→", arrow.group(2)) and not re.search(r"[.!?]\s*$", arrow.group(1)):
        left, right = clean_text(arrow.group(1)), _clean_key(arrow.group(2))
        # "wolf -> plural": the input, then what to do with it (a text before the arrow, and a
        # sentence "Hi! The item is discontinued. -> polite reply", is read as typed, greeting and
        # all, by _trailing_request_reading)
        if left and right:
            items = split_list(left) if len(left.split()) <= MAX_LIST_WORDS else []  # a text is one input
            if len(items) > 1 or len(left.split()) <= MAX_SPAN_WORDS:
                out.append(Reading(right, items if len(items) > 1 else [left], "explicit"))
            out.append(Reading(_clean_key(arrow.group(1)), [clean_text(arrow.group(2))], "explicit"))
    marked = [m.group(1) or m.group(2) for m in QUOTED.finditer(request)]  # the phrases the user quoted
    quoted = {q.strip() for q in marked}
    first = _TARGET_FIRST.match(request)  # a language named first: "in french, how do you say cat"
    for source in dict.fromkeys([prompt.strip(), request, _target_last(first) or request]):
        folded = source.casefold()
        # "plural of cat, dog, house, mouse, child, box, city": a prompt too long to span (below) has its
        # list read by the template (a shorter one's items are spans)
        long = len([w for w in WORD.findall(source) if w not in {"?", "!"}]) > MAX_SPAN_PROMPT
        for t in templates:
            if not t.may_match(folded):
                continue  # (as match_template tests it: without a call per template)
            m = match_template(source, [t])
            if m and any(_SLOT_PAST_SEPARATOR.search(v) for v in m.inputs):
                continue  # a slot ran past the request's end: "translate {this} into Spanish for {our footer: All …}"
            if m and all(m.inputs):
                # (a quoted phrase is the user's as typed: "translate "the bill please" to french")
                inputs = [v.strip() if v.strip() in quoted and len(v.split()) >= 3 else clean_text(v) or v
                          for v in m.inputs]
                if word_program(t.program):  # a program of words, not texts
                    inputs = [quoted_within(v, marked) for v in inputs]
                    # "baby of a platypus" by the template "baby {word}": the slot's "of a" is the request's
                    inputs = [clean_input(v[3:]) or v if v.lower().startswith("of ") and len(v.split()) <= 3 and
                              not m.key.lower().rstrip().endswith(" of") else v for v in inputs]
                out.append(Reading(m.key, inputs, "template", m.template, m.template_program, m.slots,
                                   quoted=all(v.strip() in quoted for v in inputs)))
                trimmed = [v if v.strip() in quoted else _without_trailing_talk(v) for v in inputs]
                if word_program(t.program) and trimmed != inputs and all(trimmed):
                    # "whats http 418 again": the slot took the talk after the word (the scores choose)
                    out.append(Reading(m.key, trimmed, "template", m.template, m.template_program, m.slots))
                items = list_items(inputs, MAX_TEMPLATE_LIST) if long and word_program(t.program) else []
                if items:
                    out.append(Reading(m.key, items, "template", m.template, m.template_program, m.slots))
    explicit = split_explicit(request)
    if explicit and first and _ASKS_AFTER_TARGET.match(first.group(3)):
        explicit = None  # "in french, how do you say cat": a request after the comma, no text to translate
    pointed = _POINTED_QUESTION.match(request)
    if pointed and not explicit and _clean_key(pointed.group(1) or pointed.group(3) or pointed.group(5)):
        # "Can you translate this sentence to Spanish? The formal dinner is on Friday.": a
        # question that points at a text, then the text.
        out.append(Reading(_clean_key(pointed.group(1) or pointed.group(3) or pointed.group(5)),
                           [(pointed.group(2) or pointed.group(4) or pointed.group(6)).strip()], "explicit"))
    if explicit:
        inputs = as_typed(explicit.inputs, prompt)
        out.append(Reading(explicit.key, inputs, "explicit"))
        items = list_items(inputs)
        if items:  # "capitalize these: apple, river, candle": three words (choose() asks whose)
            out.append(Reading(explicit.key, items, "explicit"))
        # "... it sounds like a robot wrote it, make it casual: It is ...": the request is
        # the last clause before the colon; the talk before it is left out.
        clauses = re.split(r"(?<=[,;.!?])\s+", explicit.key)
        # ...or a question, then the text from a label of its own, which holds the colon: "… to a changelog
        # item? chore(deps): bump axios" (the scores choose: "can you help? make formal: …" is a request's)
        if _text_label(clauses, request) and len(inputs) == 1:
            asked = _clean_key(" ".join(clauses[:-1]))
            if asked and len(asked.split()) >= 3:
                out.append(Reading(asked, [f"{clauses[-1]}: {inputs[0]}"], "explicit"))
        for k in range(1, len(clauses)):
            # ...or the first clauses, the talk after them: "soften this reply, customer is upset: As stated …"
            for key in (_clean_key(" ".join(clauses[k:])), _clean_key(" ".join(clauses[:k]))):
                if key:
                    # Counted as the most talk a span may leave out: the talk's length is no evidence.
                    out.append(Reading(key, inputs, "explicit",
                                       dropped=min(MAX_DROPPED, len(explicit.key.split()) - len(key.split()))))
    else:
        out += _dash_reading(request)
    out += _last_line_reading(prompt)  # the text leads: a greeting in it is the text's
    out += _gap_fill_readings(request)
    out += _trailing_request_reading(prompt)
    # "ing form of 'lie' (like lie down)": the quoted word used in an aside, in brackets after
    # the request, left out (another aside may ask too: "opposite of 'probable' (the un/im one)").
    # So is any aside after a short request that quotes nothing: "past of lie (say not true)".
    aside = None if nested else _TRAILING_PARENS.search(request)
    before = len(request[:aside.start()].split()) if aside else 0
    if aside and before >= 2 and (
            any(re.search(r"\b" + re.escape(q.strip().lower()) + r"\b", aside.group("key").lower()) for q in marked)
            or (not marked and before <= MAX_ASIDE_REQUEST)):
        for r in propose(request[:aside.start()], templates, word_program, text_names, nested=True):
            r.dropped = min(MAX_DROPPED, r.dropped + len(aside.group("key").split()))
            out.append(r)
    # "for my park passport book: which state has Mammoth Cave National Park?": talk, then a
    # whole request after the separator, read as a prompt of its own, the talk left out.
    talk = None if nested else _talk_then_request(request)
    if talk:
        words, tail = talk
        for r in propose(tail, templates, word_program, text_names, nested=True):
            r.dropped = min(MAX_DROPPED, r.dropped + words)
            out.append(r)
    # A quoted word is a candidate input even where a span would leave it to the key ("the 3rd
    # person singular present of 'be'"); read as a span, not marked: near misses quote words
    # too ("is 'data' plural or singular?"). Whole quoted phrases only, not apostrophes.
    if marked and all(len(q.split()) <= MAX_SPAN_WORDS for q in marked):
        key = _clean_key(QUOTED.sub(" ", request))
        if key:
            out.append(Reading(key, [q.strip() if len(q.split()) >= 3 else clean_input(q) or q for q in marked],
                               "span", quoted=True))
    tokens = [m for m in WORD.finditer(text) if m.group() not in {"?", "!"}]
    words = [m.group() for m in tokens]
    n = len(words)

    def between(i: int, j: int) -> str:  # the prompt's own text from word i to word j-1
        return text[tokens[i].start():tokens[j - 1].end()]

    def without(i: int, j: int) -> str:
        return text[:tokens[i].start()] + " " + text[tokens[j - 1].end():]

    out.append(Reading(_clean_key(text), [], "whole"))
    short = n <= MAX_SPAN_PROMPT
    # "plain english pls: The aforementioned ...": the words before a separator belong to the
    # request, so a cut whose text would start before it ("pls: The ...") is not made...
    sep = SEPARATOR.search(text)
    sep_word = sum(t.end() <= sep.start() for t in tokens) if sep else None
    if sep_word is not None and not 1 <= sep_word <= MAX_KEY_WORDS:
        sep_word = None
    # The first word after the separator (past a "-" or ":" that is a word of its own).
    text_word = sum(t.start() < sep.end() for t in tokens) if sep_word is not None else None
    lines = _line_starts(request, n)
    for i in range(1, n):  # cuts: key first or input first; a text input may be long
        if _in_glued_run(text, tokens[i].start()):
            continue  # not inside a date or a time: "03/ | 04/2025 to iso"
        # In a short prompt, an input of a few words is a span's business (below).
        # ...nor one whose key runs a word or two past it ("in a formal register? We").
        crosses = sep_word is not None and i != sep_word and i - sep_word <= 2
        # A text on lines of its own ends at a line: "...drinks.\nnow say it like a pirate"
        # does not give "now" to the text.
        mid_line = bool(lines) and i not in lines and i != sep_word
        if i <= MAX_KEY_WORDS and not (short and n - i <= MAX_SPAN_WORDS) and not crosses \
                and not (mid_line and max(lines) > i):
            # A request ending on its target, a text program's name, marks the text after it as
            # a colon would: "translate to german | we are closed on sunday" (not "casual dinner ideas").
            rest = clean_text(between(i, n))
            named = i >= 2 and words[i - 2].lower() in ("to", "into", "in") and \
                any(r.fullmatch(words[i - 1]) for r in text_names) and \
                not any(r.fullmatch(f"{words[i - 1]} {words[i]}") for r in text_names) and \
                len(rest.split()) > MAX_SPAN_WORDS and not re.search(r"[.!?]", between(i, min(n, i + 2))) and \
                not _ASKS_AFTER_TARGET.match(rest)
            # (nor "say this in plain | english the …": the name runs on)
            # (not "put this in active | voice. The patients …": the name's phrase runs on)
            out.append(Reading(_clean_key(between(0, i)), [rest], "explicit" if named else "cut"))
        # ...nor a text that ends on the key's first word ("… at 3pm. Summarize in | bullets").
        # ...nor a key cut from the tail of a text after a colon: "what's new text for the app store: faster
        # sync, bug fixes" is no request for "bug fixes" (a key-last cut starts at the colon, if after it).
        inside_text = text_word is not None and i > text_word
        if n - i <= MAX_KEY_WORDS and not (short and i <= MAX_SPAN_WORDS) and not (mid_line and min(lines) < i) \
                and words[i - 1].lower() not in _TEXT_RUNS_ON and not inside_text:
            out.append(Reading(_clean_key(between(i, n)), [clean_text(between(0, i))], "cut"))
    # A quoted phrase is one input: "good morning" is not read as "good" (no span inside it).
    lowered = [w.lower() for w in words]
    quoted = []  # (first word, end) of each quoted phrase of several words
    for m in QUOTED.finditer(request):
        phrase = [w.group().lower() for w in WORD.finditer(m.group(1) or m.group(2))]
        if len(phrase) > 1:
            quoted += [(i, i + len(phrase)) for i in range(n - len(phrase) + 1)
                       if lowered[i:i + len(phrase)] == phrase]
    called = bool(WHAT_CALLED.match(request))
    if short:
        for i in range(n):
            for j in range(i + 1, min(n, i + MAX_LIST_WORDS) + 1):
                span = words[i:j]
                if (span[0].lower() in SPAN_EDGE_STOP or span[-1].lower() in SPAN_EDGE_STOP or
                        not span[0][:1].isalnum() or span[-1] == ":") and \
                        not (j == n == i + 1 and span[0].lower() in ASKED_VERBS) and \
                        not (j == i + 1 and len(span[0]) >= 2 and span[0].isupper() and not text.isupper()):
                    continue  # "a monk" is read as "monk": the article stays with the key (a verb ends a request:
                    # "… of do"; no input ends on the colon that marks a text: "… our website footer: All prices …")
                listed = j - i > 1 and bool(LIST_WORD.search(" ".join(span)))
                named = j - i <= MAX_NAME_WORDS and is_name(span)
                if j - i > MAX_SPAN_WORDS and not (listed or named):
                    continue
                if any(a <= i and j <= b and (i, j) != (a, b) for a, b in quoted):
                    continue
                if called and span[-1].lower() == "called":
                    continue  # "what's a young goat called": "called" is the question's, no input's
                if text_word is not None and (i >= text_word and not (i == text_word and j == n) or i < text_word < j):
                    continue  # a word picked out of the text after the request's "?" or ":", or run across it
                joined = between(i, j)
                if _glued(text, tokens[i].start(), tokens[j - 1].end()):
                    continue  # "7" of "2021/6/7": a date's part is no input
                if _SENTENCE_END.search(joined) or joined.count("(") != joined.count(")"):
                    continue  # "think? always mix", "lie (say": an input does not run on past a question or into an aside
                items = split_list(joined) if listed else [clean_input(joined)]
                if not items or any(len(it.split()) > MAX_SPAN_WORDS and not is_name(it.split())
                                    or it.count("(") != it.count(")") for it in items):
                    continue
                # The key is the rest of the prompt; or only the words before (after) the
                # input, when what follows (precedes) it is talk: "... of crisis for my essay".
                keys = {_clean_key(without(i, j)): 0}
                # (a text after a colon is the input, never talk: "… for our website footer: All prices include VAT.")
                talk_after = j < n and (_talk_tail(words[j:]) or (not words[j][:1].isalnum() and words[j] != ":")
                                        or CLAUSE_BREAK.search(text[tokens[j - 1].start():tokens[j].start()])
                                        or "or" in (w.lower() for w in words[j:]))
                # ("and mongoose" after "goose, moose" is the list's last item, not talk to leave out)
                last_item = j + 1 < n and words[j].lower() in ("and", "&", ",") and \
                    (n - j == 2 or (n - j <= 4 and is_name(words[j + 1:])))
                # (nor "tulip" after a list that ends on its comma: "plural of cat, dog, tulip")
                last_item = last_item or (listed and span[-1] == "," and n - j == 1 and words[j][:1].isalnum())
                if talk_after and not last_item and i >= 2 and n - j <= MAX_DROPPED:
                    keys.setdefault(_clean_key(text[:tokens[i].start()]), n - j)
                if i > 0 and n - j >= 2 and i <= MAX_DROPPED:
                    keys.setdefault(_clean_key(text[tokens[j - 1].end():]), i)
                # (a word with a slash in it is one too, where a program stores it so: "w/d meaning" asks for W/D)
                whole = [clean_input(joined)] if listed and _SLASHED.fullmatch(joined.strip()) else None
                for key, dropped in keys.items():
                    if key:
                        out.append(Reading(key, items, "span", dropped=dropped))
                        if whole:
                            out.append(Reading(key, whole, "span", dropped=dropped))
    seen: dict[tuple, int] = {}
    unique: list[Reading] = []
    texts = [q.lower().split() for q in marked if len(q.split()) >= QUOTED_TEXT_WORDS]
    for r in out:
        if not (r.key and all(r.inputs)) or _request_runs_on(r) or _ARTICLE_ONLY.fullmatch(r.key):
            continue  # (an article is no request: "can you tell me a riddle" read "a" as plural's key)
        if r.method in ("cut", "span") and any(_holds_words(r.key, q) for q in texts):
            continue  # a phrase the user quoted is no request's words: '… positive or negative? "Would recommend to my team"'
        if r.signature not in seen:
            seen[r.signature] = len(unique)
            unique.append(r)
        elif r.method == "explicit" and unique[seen[r.signature]].method == "template" and \
                any(len(i.split()) > MAX_SPAN_WORDS for i in r.inputs) and \
                word_program(unique[seen[r.signature]].template_program):
            # a text the separator marks ("Where is the station? in German please") is marked
            # for every program, not only for a word program's template (a text program's
            # template keeps its slots: "rewrite the following {form} …: {text}")
            unique[seen[r.signature]] = r
    return unique


QUOTED_TEXT_WORDS = 3  # a quoted phrase this long is the user's text, never a key's words


def _holds_words(key: str, words: list[str]) -> bool:
    """Does the key hold these words in a row?"""
    have = [w.group().lower() for w in WORD.finditer(key) if w.group()[:1].isalnum()]
    return any(have[i:i + len(words)] == words for i in range(len(have) - len(words) + 1))


_DIGITS_GLUED = re.compile(r"\d[/:]|[/:]\d")


def _glued(text: str, start: int, end: int) -> bool:
    """A span cut out of a run of digits and slashes or colons ("7" or "03/" of "2021/6/7" and
    "03/04/2025", "10" of "10:30"): either edge falls inside such a run."""
    return _in_glued_run(text, start) or _in_glued_run(text, end)


def _in_glued_run(text: str, at: int) -> bool:
    """Does position `at` fall inside a run of digits and slashes or colons, with no space on either side?"""
    if not 0 < at < len(text) or text[at - 1].isspace() or text[at].isspace():
        return False
    run = re.search(r"\S*$", text[:at]).group() + re.match(r"\S*", text[at:]).group()
    return bool(_DIGITS_GLUED.search(run))


def _talk_tail(tail: list[str]) -> bool:
    """Words after an input that may be talk left out of the request ("for my essay", "in English",
    "asap"), not words the input runs on with: "of do" ("third-person singular present of do" is no
    "present"), a place ("the war in Vietnam" is no "war")."""
    first = tail[0].lower()
    if first not in TALK or first == "of":
        return False
    return not (first in ("in", "from", "at", "on") and
                any(w[:1].isupper() and w.lower() not in _LANGUAGE for w in tail[1:]))


# A language named first, then the request: "in french, how do you say cat"
_TARGET_FIRST = re.compile(r"^\s*(in|into)\s+(" + "|".join(LANGUAGES) + r")\s*,\s*(\S.*)$", re.I | re.DOTALL)


# A request for a translation after its target, no text to translate: "[in french,] how do you say cat"
_ASKS_AFTER_TARGET = re.compile(r"\s*(?:how\s+(?:do|would|can|could|should|will)\s+(?:i|you|we|one|u)\s+say|"
                                r"what(?:'s|s|\s+is)\s+the\s+(?:\w+\s+)?word\s+for|translate)\b", re.I)


def _target_last(first: re.Match | None) -> str:
    """The request whose language was named first (`first`: _TARGET_FIRST's match) with the language
    moved to its end, as templates have it; "" when none was named first."""
    return f"{first.group(3).rstrip(' ?.!')} {first.group(1)} {first.group(2)}" if first else ""


def _talk_then_request(request: str) -> tuple[int, str] | None:
    """(the words before the first separator, the short request after it), when both are there."""
    sep = SEPARATOR.search(request)
    if not sep:
        return None
    head, tail = request[:sep.start()].split(), request[sep.end():].strip()
    if 1 <= len(head) <= MAX_KEY_WORDS and 2 <= len(tail.split()) <= MAX_SPAN_PROMPT and not _ASKING.match(head[0]):
        return len(head), tail
    return None


# A head that asks is no talk before a request: "what's new text for the app store: faster sync, bug fixes"
# asks for a text of its list (read as talk, "bug fixes" went to a product manager's bug-severity)
_ASKING = re.compile(r"\W*(?:what|how|which|who|can|could|would|will|write|make|give|draft|turn)(?:'s|s)?$", re.I)


def _line_starts(request: str, n: int) -> set[int]:
    """The word indices (of the request's n words, as readings() counts them) that begin its
    second and later lines; empty for one line."""
    starts, k = set(), 0
    for line in request.strip().split("\n"):
        count = sum(m.group() not in {"?", "!"} for m in WORD.finditer(unquote(line)))
        if k and count:
            starts.add(k)
        k += count
    return starts if k == n else set()


def _last_line_reading(request: str) -> list[Reading]:
    """A request on the last line, after the text: "The flowers were planted by volunteers.\n^
    change to active voice pls"."""
    head, _, last = request.strip().rpartition("\n")
    key = _clean_key(strip_politeness(last.strip(" ^")))
    # (a text of one token is a text too: "2021/6/7\nin iso format please")
    if head.strip() and key and len(key.split()) <= MAX_KEY_WORDS and \
            (len(head.split()) > len(key.split()) or len(head.split()) == 1):
        return [Reading(key, [head.strip()], "explicit")]
    return []


_BLANK = re.compile(r"_{2,}|\.{3,}|…")  # the gap of an exercise sentence
_GAP_WORD = re.compile(r"\(\s*([^\W\d_][\w'\-]*(?:\s+[^\W\d_][\w'\-]*)?)\s*\)")  # "(go)", "(look up)"


def _gap_fill_readings(request: str) -> list[Reading]:
    """An exercise sentence: "Yesterday I ___ (write) a letter. What's the past form?". The word in
    brackets beside the blank is the input, whatever the sentence holds; the request is the
    sentence, or the question after it."""
    blanks, words = list(_BLANK.finditer(request)), list(_GAP_WORD.finditer(request))
    if len(blanks) != 1 or len(words) != 1 or "_" not in blanks[0].group() and words[0].start() - blanks[0].end() > 2:
        return []  # ("..." is a blank only just before the bracket: "I ... (go)"; it may be an ellipsis)
    word = words[0].group(1)
    rest = request[:words[0].start()] + " " + request[words[0].end():]
    rest = _BLANK.sub(" ", rest)
    keys = [_clean_key(rest)]
    after = max(blanks[0].end(), words[0].end())
    question = re.split(r"[.,;:!?]\s", request[after:] + " ", maxsplit=1)
    if len(question) == 2 and _clean_key(question[1]):
        keys.append(_clean_key(question[1]))  # the question after the sentence: "… a letter. What's the past form?"
    return [Reading(key, [word], "explicit") for key in dict.fromkeys(keys) if key]


def _trailing_request_reading(prompt: str) -> list[Reading]:
    """The text first, as typed, then a short request after its last sentence or a separator:
    "hey can u send it before 5? -- make this formal pls", "Please find attached the invoice.
    Make it casual.", "See you tomorrow! (in french pls)". The greeting and the "?" are the text's."""
    text = prompt.strip()
    out = []
    # (brackets or a separator mark the request; a sentence break only when the text is the longer part)
    cuts = [(_TRAILING_PARENS.search(text), True, True), (_last_match(_TRAILING_SEP, text), False, True),
            (_last_match(_SENTENCE_BREAK, text), False, False)]
    for cut, in_brackets, marked in cuts:
        if not cut:
            continue
        head, tail = text[:cut.start()].strip(), cut.group("key") if in_brackets else text[cut.end():]
        key = _clean_key(strip_politeness(tail))
        if key and len(key.split()) <= MAX_TRAILING_KEY_WORDS and len(head.split()) >= 3 and \
                (marked or len(head.split()) > len(key.split())) and all(r.key != key for r in out):
            out.append(Reading(key, [head], "explicit"))
    return out


def _request_runs_on(reading: Reading) -> bool:
    """A text input that opens with the request's own last words, up to its "?": "turn this into
    title case | for the blog? why our customers …", "translate this into Spanish for | our website
    footer? The shop …" (the text is what follows the "?")."""
    if reading.method == "explicit" or len(reading.inputs) != 1:
        return False
    opening = _QUESTION_OPENING.match(reading.inputs[0])
    key_words = reading.key.lower().split()
    return bool(opening) and (opening.group(1).lower() in _RUNS_ON or bool(key_words) and key_words[-1] in _RUNS_ON)


def _last_match(pattern: re.Pattern, text: str) -> re.Match | None:
    found = None
    for found in pattern.finditer(text):
        pass
    return found


def _text_label(clauses: list[str], request: str) -> bool:
    """Is the explicit key's last clause, after a question, a label its text starts with ("chore(deps)" in
    "…item? chore(deps): bump axios"): two words at most, right before the colon, no talk ("…list?
    thanks!\nA small startup …" is no label)?"""
    if len(clauses) < 2 or not clauses[-2].endswith("?"):
        return False
    last = clauses[-1]
    return len(last.split()) <= 2 and (last[-1:].isalnum() or last.endswith(")")) and \
        last.lower() not in TALK and re.search(re.escape(last) + r":", request) is not None


def _dash_reading(request: str) -> list[Reading]:
    """A dash marks a text as a colon does: "make this casual -- The meeting has been moved ..."."""
    dash = DASH.search(request)
    if not dash:
        return []
    head, tail = _clean_key(request[:dash.start()]), request[dash.end():].strip()
    if head and len(head.split()) <= MAX_KEY_WORDS and len(tail.split()) > MAX_SPAN_WORDS:
        return [Reading(head, [tail], "explicit")]
    return []

"""Read a prompt as a request: which program it asks for, and which input(s) it gives.

People wrap a request in politeness, articles, quotes and possessives, ask for several words at
once ("plurals of cat and dog"), put the input first ("wolf -> plural") and misspell words. The
reader proposes readings of the prompt (a key text and its inputs): the stored key templates that
match, explicit structure (a colon, a dash, quotes, a request on its own last line), every cut
into a key part and an input part, every short span of the prompt taken as the input(s), and the
readings of what follows a separator when talk precedes it ("for my worksheet: plural of cactus").
All the readings' key texts are embedded in one encoder call.
Each (program, reading) pair then scores as how well the key text matches the program's stored
phrasings, less a penalty for inputs that do not look like the program's inputs (a capital wants
a country: "venture" fits none of its inputs). The best pair wins; the answer is "none" when no
reading's key reaches a program, when an input fits no program the key reaches, or when the
prompt is closer to stored out-of-scope prompts than to any program.
"""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field, replace

import numpy as np
from rapidfuzz import process
from rapidfuzz.distance import OSA

from progdb.query import acceptance
from progdb.query.parse import Parsed, Template, _clean_key, match_template, split_explicit
from progdb.query.retrieve import DEFAULT_THRESHOLD, EXACT, ProgramMatch, Retrieval, decide, nothing_close
from progdb.words.ranker import sample_order

FIT_WEIGHT = 0.5       # how much a poorly fitting input costs a reading (key similarity units)
FIT_FLOOR = 0.30       # below this an input fits no program: "none" rather than a junk answer
MAX_SLIP_WORDS = 8     # a common word read as a request word's slip only in prompts this short
TEXT_TAKER_GAP = 0.05  # a program of texts this near a program of words takes a text (see _prefer_text_takers)
NAMED_BONUS = 0.1      # a request that names the program and marks its text: "say this more politely: …"
EXPLICIT_BONUS = 0.05  # a stored template, a colon, a new line or quotes mark the input: trust them a little
MARKED_FIT = 0.75      # a text the user marked, for a program an LLM runs ("in German please: where is ...")
TEMPLATE_PHRASE_FIT = 0.9  # a phrase in the program's own template ("how do you say {word} in French": thank you)
NEG_MARGIN = 0.05      # "none" when a stored out-of-scope prompt comes this close to the best program
SEED_THRESHOLD = 0.65  # the built-in library's key threshold (NEG_MARGIN and it: chosen on the dev split of bench/prompts)
MAX_DROPPED = 4        # talk a span's key may leave out, in words
DROP_COST = 0.03       # per word of talk a reading leaves out ("... for my essay"), at most four
OWN_WORD_FIT = 0.6     # "past tense of the verb fight": "tense" is the request's word, not the input
NO_INPUT_FIT = 0.5     # a transform program named without any input
CONTENDERS = 8         # programs always scored reading by reading, by their best key match...
CONTENDER_GAP = 0.25   # ...and any other this close to the best match
OWN_KEY = 0.999        # a reading's key is word for word one of the program's own...
OWNER_GAP = 0.15       # ...and another program's match this far behind cannot take that reading
CLOSE_KEYS = 0.1       # keys this close in similarity leave the choice to who stores the input...
STORED_ELSEWHERE = 0.1  # ...at this cost to a program that does not store it
MAX_SPAN_WORDS = 4     # one input of a word program ("Mount Rushmore National Memorial")
MAX_NAME_WORDS = 6     # ...or a capitalised name ("Craters of the Moon National Monument")
MAX_LIST_WORDS = 12    # "cat, dog, mouse and horse"
MAX_SPAN_PROMPT = 14   # longer prompts are texts to transform: cut, not spanned
MAX_KEY_WORDS = 12     # a cut's key part ("rewrite this in the style of Shakespeare:")
FEW_INPUTS = 10        # a program with this many stored inputs has its fit judged half as strictly
FEW_PHRASINGS = 12     # a program with fewer phrasings: all their words are its request words (_stored_within)
OWN_WORD_PHRASINGS = 5  # a program with this many phrasings: its request words are those in two of them
KNN = 3                # an input fits as the mean cosine of its nearest stored inputs
INPUT_SAMPLE = 2500    # ...searched among at most this many of them (a bounded sample): no query waits on a program's size
STORED_QUESTION_WORDS = 3  # a prompt this long that one program stores as an input is that input
FIT_CACHE = 20_000     # (program, input) fits remembered between queries, at most
TYPO_RANK = 50_000     # a word rarer than this (or unknown) that is one slip from a key word is a typo
RARE_INPUT_RANK = 100_000  # an input the word space knows is a typo only past this (phillipines 137k, tener 85k)
GENERIC_TAIL = 5       # names ending alike ("... National Park") whose short form ("Acadia") names one of them
TYPO_TARGETS = 1000    # stored inputs a misspelt input is compared with, per first (second) letter

_QUOTE = re.compile(r"(?<![\w])['\"“”‘’`]+|['\"“”‘’`]+(?![\w])")
_POLITE_HEAD = re.compile(
    r"^(?:(?:hey|hi|hello|ok|okay|so|um+|uh|please|pls|plz|yo|quick question)\b[\s,!.:-]*)+", re.I)
_ASK_HEAD = re.compile(
    r"^(?:(?:could|can|would|will)\s+(?:you|u)\s+(?:(?:please|kindly|pls|possibly|just)[\s,]+)*"
    r"(?:(?:tell|give|show|let)\s+me(?:\s+know)?|say|find|get\s+me|help\s+me\s+with)?[\s,:]*"
    r"|(?:(?:please|kindly|pls)[\s,]+)+(?:tell|give|show)\s+me[\s,:]*"
    r"|i(?:'d|\s+would)\s+like\s+(?:to\s+know\s+)?|i\s+(?:want|need)\s+(?:to\s+know\s+)?"
    r"|do\s+you\s+know\s+|(?:tell|give|show)\s+me\s+)", re.I)
_POLITE_TAIL = re.compile(
    r"(?:[\s,.!?:;-]*\b(?:please|pls|plz|thanks|thank\s+you|thx|ty|cheers|kindly|"
    r"thanks\s+(?:a\s+lot|so\s+much|in\s+advance)|thank\s+you\s+(?:so|very)\s+much)\b)+[\s.!?]*$", re.I)
_QUOTED = re.compile(r"[\"“”]([^\"“”]+)[\"“”]|(?<!\w)['‘’]([^'‘’]+)['‘’](?!\w)")
_ARROW_REQUEST = re.compile(r"^\s*([^\n]+?)\s*(?:->|=>|→)\s*([^\n]+?)\s*[?.!]*$")
_LIST_SPLIT = re.compile(r"\s*(?:,\s*(?:and|or|&)?\s*|\s+(?:and|or|&)\s+|\s*/\s*|\s*;\s*)\s*", re.I)
_LIST_WORD = re.compile(r"(?:^|\s)(?:,|and|or|&|/|;)(?:\s|$)", re.I)
_LEADING = re.compile(r"^(?:(?:the|a|an|this|that|these|those|my|your|our|their|his|her|its)\s+|"
                      r"(?:word|noun|verb|adjective|adverb|term|country|city|name|phrase)\s+)+", re.I)
_POINTER = re.compile(r"^(?:this|these|that|it|the\s+following)(?:\s+(?:text|sentence|phrase|line|message|email|"
                      r"paragraph|words?))?\s*:\s*(?=\S)"
                      # ...or, in lower case (not a text's "This week: …"), at what it is: "these facts:", "this ticket:"
                      r"|^(?-i:this|these|the\s+following)(?:\s+[a-z]+){1,2}\s*:\s*(?=\S)", re.I)  # words pointing at the text after the colon
# "pirate this the ship leaves at dawn", "simplify this please. The …": "this" points at the text
# that follows, whose first word no "this" can stand before (an article, or a sentence begun anew).
_POINTER_BARE = re.compile(r"^(?:this|these)(?:,?\s+(?:please|pls|plz))?(?:\s+(?=(?:the|a|an|my|our|your|their|his|her)\s)"
                           r"|\s*[.,!]\s+(?=[A-Z]))", re.I)
_DASH = re.compile(r"\s--?\s|\s?[—–]\s?")  # "headline please -- a rare white whale ..."
_QUOTE_CHARS = "'\"“”‘’`"
_MARKS_NOT_APOSTROPHE = _QUOTE_CHARS.replace("'", "")  # (an apostrophe is also in "we'll")
_TYPED_GAP = r"(?:\s|[" + re.escape(_QUOTE_CHARS) + r"])+"  # what reading may have made one space of
_SEPARATOR_BEFORE = re.compile(r"(?:[:?→]|\n|\s[-=]>)\s*$")  # a request's end, just before its text (a dash may end talk)
_SEPARATOR = re.compile(r"[:?]\s|" + _DASH.pattern)  # "pls: The ...", "... a formal register? We ..."
# A request after its text: after a separator ("-- make this formal", "<- rewrite casually", "--> spanish"),
# the last sentence ("… for March. Make it casual.") or in closing brackets ("(in french pls)").
_TRAILING_SEP = re.compile(r"\s(?:-{1,2}>?|<-{1,2}|=>|→|[—–|])\s")
_SENTENCE_BREAK = re.compile(r"(?<=[.!?])\s+(?=\S)")
_TRAILING_PARENS = re.compile(r"\s*\((?P<key>[^()]{2,40})\)\s*$")
MAX_TRAILING_KEY_WORDS = 8
_JOINS_NEXT = frozenset("in into to of a an the as like".split())  # a word no text ends on: it joins what follows
_RUNS_ON = _JOINS_NEXT | {"for", "with", "so"}
_QUESTION_OPENING = re.compile(r"^(\S+)(?:\s+\S+){0,4}\?\s+\S+\s+\S+")  # a few words up to a "?", then a text
_NAME_JOINS = frozenset("of the de du la le von van".split())
_POINTED_QUESTION = re.compile(
    r"^(.{2,200}?\b(?:(?:this|these|the following|my)\s+(?:sentences?|text|email|message|paragraph|lines?|phrase|note)|"
    r"the following)\b[^?]*)\?\s+(\S+(?:\s+\S+){2,}.*)$"
    # ...or "this"/"it" alone, before a text of five words or more ("Could you turn this into title case for
    # the blog? why our customers love …"; not "can you make this shorter? thanks a lot man")
    r"|^(.{2,200}?\b(?:this|it)\b[^?]*)\?\s+(\S+(?:\s+\S+){4,}.*)$", re.S | re.I)
_TOKEN = re.compile(r"[^\W_]+")  # a word or a number, as the clause and value checks count them
_SENTENCE_END = re.compile(r"[?!]")  # inside a span: it ran past the end of a question
_POSSESSIVE = re.compile(r"(?<=\w)['’]s?$")
_WORD = re.compile(r"[^\W_]+(?:['’\-.][^\W_]+)*\.?|[^\w\s]", re.UNICODE)
# A question about language, not a request to run a program: "why do some words have no antonym",
# "how many plurals does English have", "what does antonym mean", "what's the difference between
# a national park and a national monument", "is it rude to be casual at work". ("What does this
# mean in simple words? …" asks for plain English: a pointer is no word asked about.)
_ABOUT_LANGUAGE = re.compile(
    r"^\s*(?:(?:hey|so|ok|okay|and|but)[,\s]+)?(?:why\b|how (?:many|much)\b|"
    r"what(?:'s|s| is| are)? the (?:difference|meaning)\b|what (?:does|do) (?!this\b|that\b|it\b|these\b)\S+ mean\b|"
    r"is it (?:ok|okay|rude|correct|wrong|better|bad)\b|should i\b|who (?:invented|coined|created|made up)\b|"
    r"is (?:the word )?\S+ (?:a )?(?:singular or plural|plural or singular)\b|"
    r"is (?:the word )?\S+ an? (?:adjective|adverb|noun|verb) or an? (?:adjective|adverb|noun|verb)\b|what(?:'s| is) (?:the )?\w+(?: form)? used for\s*\??\s*$)",
    re.I)


def asks_about_language(prompt: str) -> bool:
    return bool(_ABOUT_LANGUAGE.search(prompt))


# Words that ask rather than name: in a several-word input they mark a request's words ("turn sad
# into", "convert love"), whichever program is asked.
_QUESTION = frozenset("is are was were what which who whom how why when where do does did can could would should will "
                      "i you we me my please turn convert change transform translate into".split())
_CONTRACTIONS = frozenset("whats thats hows whos wheres whens dont cant doesnt isnt wont youre theyre".split())
_STOP = frozenset("""a an the of for in on to is are was be what what's whats which who how do does
    did it its this that and or with as at by from me my you your please word form i we he she they
    can could should would will not""".split())


# Where one request ends and a second begins: "plural of mouse and past tense of go", "capital of
# peru; currency of peru", "capital of peru? also its currency".
_REQUEST_JOIN = re.compile(r"\s*;\s*|,?\s+(?:and|&)\s+(?:also\s+|then\s+)?|,?\s+also\s+|,\s*then\s+|"
                           r"[?.!]\s+(?:and\s+)?(?:also\s+)?", re.I)
MAX_TWO_REQUEST_WORDS = 20  # longer prompts hold texts, whose "and" joins no requests
MAX_SHARED_HEAD_WORDS = 5   # "give me the plural" (and past tense of walk)

# Words that may start talk after an input ("... asap", "... for my essay"), as may a choice
# offered ("... Switzerland Zurich or Geneva?"); a content word there is the input's own ("wisdom
# teeth removal cost" is not "wisdom" and talk).
_SPAN_EDGE_STOP = _STOP - {"be"}  # an input may not start or end on these ("be" is a verb people ask about)
_TALK = _STOP | frozenset("asap pls plz thanks thx ty lol now quickly quick again too also here ok okay real "
                          "really ever".split())
# Text-speak in a short request (a text to rewrite keeps its words), read as the words it stands for
# (no typo: no note), where its neighbours say it is that word: "how do u say thank you in french",
# "wats the plural of octopus"; the letter u in "what comes after u" stays a letter.
_TEXT_SPEAK = {"wat": "what", "wut": "what", "wats": "what's", "wuts": "what's", "u": "you", "r": "are", "ur": "your"}
_SPEAK_BEFORE = {"u": frozenset("do did can could would will have are r thank".split()),
                 "r": frozenset("what how where who which wat wut".split())}
_SPEAK_AFTER = {"u": frozenset("say know tell make give spell call write translate pls please plz".split()),
                "r": frozenset("u you the".split())}
_PRONOUNS = frozenset("i you me we us it he she him her they them".split())  # a phrase may start or end on one: "thank you"
_FILLER = frozenset("pls plz thx ty lol lmao asap".split())  # no input at all: "translate to german pls: ..."
# Words that are talk or a question's at an input's edge, never the input's own ("wats apple", "hospital asap")
_EDGE_NOISE = _FILLER | _CONTRACTIONS | frozenset(_TEXT_SPEAK) | {"what", "what's"}  # (not "thanks": "thanks for nothing")
_PHRASE_EDGES = _EDGE_NOISE | (_STOP - _PRONOUNS)  # no phrase starts or ends on these ("fire as an")
_CLAUSE_BREAK = re.compile(r"[,;:?!.\-–—]")  # "Hungary? going there next month": what follows is talk


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


@dataclass
class Choice:
    """One program for one reading, and why it scored as it did."""
    program: str
    reading: Reading
    key_score: float      # best cosine of the reading's key text to the program's phrasings
    fit: float            # how well the inputs look like the program's inputs (0..1)
    score: float          # key_score less the fit penalty
    key: str              # the program's phrasing that matched
    corrections: list[str] = field(default_factory=list)


# -- text clean-up --------------------------------------------------------------------------------
def strip_politeness(text: str) -> str:
    """The request without greetings, "could you please tell me" and trailing thanks."""
    t = text.strip()
    for _ in range(3):
        before = t
        t = _POLITE_HEAD.sub("", t).strip()
        t = _ASK_HEAD.sub("", t).strip()
        t = _POLITE_TAIL.sub("", t).strip()
        if t == before:
            break
    return t or text.strip()


def unquote(text: str) -> str:
    """Quotes around words removed, apostrophes inside words ("what's", "Turkey's") kept."""
    return " ".join(_QUOTE.sub(" ", text).split())


def clean_input(text: str) -> str:
    """An input without surrounding punctuation, leading articles ("a monk") and a possessive
    ("Turkey's")."""
    t = unquote(text).strip(" \t\n?!.,;:-–—()[]")
    t = _LEADING.sub("", t).strip()
    t = _POSSESSIVE.sub("", t).strip()
    return t.strip(" \t\n?!.,;:-–—()[]")


def split_list(text: str) -> list[str]:
    """'cat, dog and mouse' -> three inputs; a single item stays one."""
    parts = [clean_input(p) for p in _LIST_SPLIT.split(text)]
    return [p for p in parts if p]


def _speaks(word: str, before: str | None, after: str | None) -> bool:
    """Whether a text-speak word stands for its word here (see _TEXT_SPEAK)."""
    if word in _SPEAK_BEFORE:
        return before in _SPEAK_BEFORE[word] or after in _SPEAK_AFTER[word]
    return word != "ur" or (after is not None and before not in ("of", "in", "from", "to"))


def _plain_words(text: str) -> list[str]:
    """A text's words in lower case, without the punctuation around them ("located?" -> located)."""
    return [w for w in (w.strip(".,;:!?\"'()“”‘’") for w in text.lower().split()) if w]


# -- typos ------------------------------------------------------------------------------------------
def edit_distance(a: str, b: str, limit: int = 2) -> int:
    """Optimal string alignment distance (a swap of neighbours is one edit); limit + 1 past limit."""
    return OSA.distance(a, b, score_cutoff=limit)


def allowed_edits(word: str) -> int:
    """One slip in a short word ("frnace"), two in a long one ("synonim" has one, "abreviaton" two)."""
    return 1 if len(word) <= 6 else 2


def closest(word: str, vocabulary, limit: int | None = None, weight=None) -> str | None:
    """The vocabulary word nearest `word` within its allowed edits; ties go to the heavier word
    (`weight`: word -> count), else to the earlier one."""
    limit = allowed_edits(word) if limit is None else limit
    # rapidfuzz scores the whole vocabulary in C: a request's typo check is read on every query
    hits = process.extract(word, vocabulary, scorer=OSA.distance, score_cutoff=limit, limit=None)
    hits = [(d, -(weight.get(v, 0) if weight else 0), i, v) for v, d, i in hits if v != word]
    return min(hits)[3] if hits else None


class Reader:
    """The database's programs as the reader sees them; built once per database state."""

    def __init__(self, programs: list[str], kinds: dict[str, str], key_programs: np.ndarray,
                 key_texts: list[str], key_vectors: np.ndarray, negatives: np.ndarray,
                 inputs: dict[str, list[str]], space, learned: set[str], opposites: dict[str, str] | None = None):
        """programs: names in a fixed order; key_programs[i]: the index of key i's program;
        negatives: embeddings of stored out-of-scope prompts; inputs: each program's stored inputs;
        learned: the programs with labelled phrasings (a fit's or the seeds'); opposites: a
        program's opposite, where its card names one that is stored."""
        self.programs, self.kinds, self.learned = programs, kinds, learned
        self.opposites = {p: o for p, o in (opposites or {}).items() if o in kinds}
        self._less_of = {p: _less_of(p) for p in self.opposites}
        # A text program is named by its whole name or by a part no other program's name has:
        # "translate this into german: …" names english-german ("english" names four programs).
        parts = Counter(w for p in programs for w in set(_name_parts(p)))
        self._named = {p: _named(p, [w for w in _name_parts(p) if parts[w] == 1 and len(w) >= 4 and w not in _STOP]
                                 if kinds.get(p) == "fewshot" else [])
                       for p in programs}
        self._text_names = [self._named[p] for p in programs if kinds.get(p) == "fewshot"]
        order = np.argsort(key_programs, kind="stable")
        self.key_programs = key_programs[order]
        self.key_texts = [key_texts[i] for i in order]
        self.key_vectors = key_vectors[order]
        self.starts = np.flatnonzero(np.r_[True, self.key_programs[1:] != self.key_programs[:-1]])
        self.has_keys = self.key_programs[self.starts]
        self.negatives = negatives
        self.space = space
        self.word_rank = space.index  # the word space's rows are in frequency order
        self.stored = {p: {i.strip().lower(): i for i in ins} for p, ins in inputs.items()}
        self.lengths = {p: _length_profile(ins) for p, ins in inputs.items()}
        self.input_words = {p: {w for i in ins for w in _plain_words(i)} for p, ins in inputs.items()}
        self.lists_stored = {p for p, ins in inputs.items() if any("," in i for i in ins)}  # inputs like "a, b"
        # The words like "me" that a program's own inputs start or end on ("stop calling me"): a
        # reading that does the same is no request's words around a name for it.
        self.stop_edges = {p: _stop_edges(ins) for p, ins in inputs.items()}
        self._input_vecs: dict[str, np.ndarray | None] = {}
        self._fits: dict[tuple[str, str], float] = {}
        self._corrected: dict[tuple[str, str], str | None] = {}
        self._targets: dict[str, tuple[dict[str, list[str]], dict[str, list[str]]]] = {}
        self._short_names: dict[str, dict[str, list[str]]] = {}
        self._cleaned: dict[str, dict[str, str]] = {}
        self._letters: dict[str, list[str]] | None = None
        self.key_word_count: Counter[str] = Counter()  # in how many phrasings a word appears
        # The words that follow a word in some phrasing ("past" -> tense), and those that lead it.
        self.key_followers: dict[str, set[str]] = {}
        self.key_leaders: dict[str, set[str]] = {}
        per_program: dict[str, Counter[str]] = {}
        phrasings: Counter[str] = Counter()
        for p_index, t in zip(self.key_programs, self.key_texts):
            low = _words_of(t)
            words = set(low)
            per_program.setdefault(programs[p_index], Counter()).update(words)
            phrasings[programs[p_index]] += 1
            self.key_word_count.update(words)
            for a, b in zip(low, low[1:]):
                self.key_followers.setdefault(a, set()).add(b)
                self.key_leaders.setdefault(b, set()).add(a)
        # Per program, the words of its requests: of a program with several phrasings, those in two
        # or more ("tense" for past-tense), not an example's input that one paraphrase names
        # ("cactus" in "plural of cactus?", which made "plural for cactus pls" no request).
        self.own_key_words: dict[str, set[str]] = {
            p: {w for w, n in words.items() if n >= 2 or phrasings[p] < OWN_WORD_PHRASINGS}
            for p, words in per_program.items()}
        # The words around a stored input that leave it the input (_stored_within): joining words, talk,
        # and the program's request words that none of its inputs holds: every word of a few phrasings
        # (a user's "status code {word}"), those in two of many ("poem" in one of antonym's is no request word).
        self._filler = {p: (_STOP | _EDGE_NOISE | ((set(words) if phrasings[p] < FEW_PHRASINGS else
                                                    {w for w, n in words.items() if n >= 2})
                                                   - self.input_words.get(p, set()))) - _PRONOUNS
                        for p, words in per_program.items()}
        # Of two opposite programs, the words in two or more of one's phrasings and in none of the
        # other's: female, woman, feminine against male, man, masculine; after, next against before.
        self._direction = {p: {w for w, n in per_program.get(p, Counter()).items()
                               if n >= 2 and w not in _STOP and w not in per_program.get(o, Counter())}
                           for p, o in self.opposites.items()}
        self.key_words = self._real_key_words()
        self._key_word_set = set(self.key_words)

    def _real_key_words(self) -> list[str]:
        """Words of the stored phrasings that are words, not their writers' typos: common ones, and
        rarer ones the word space knows that several phrasings use ("antonym", "superlative" and
        "participle" rank past TYPO_RANK), unless one slip from a common one ("wich")."""
        common = [w for w in self.key_word_count if len(w) >= 3 and self.word_rank.get(w, 10 ** 9) < TYPO_RANK]
        rare = [w for w, n in self.key_word_count.items() if len(w) >= 3 and n >= 2 and w in self.word_rank
                and self.word_rank[w] >= TYPO_RANK and closest(w, common, 1) is None]
        return sorted(common + rare)

    # -- two requests in one prompt -------------------------------------------------------------
    def request_halves(self, prompt: str) -> list[tuple[str, str, bool]]:
        """Where a short prompt may hold two requests: (first, second, shares the input) at each join
        both of whose sides have a request's word and two words or more, or whose first side is a
        few words asking for the second's input ("comparative and superlative of big"). "capital of
        France and Germany" has none: "Germany" is an input, not a request (the halves are read to
        decide the rest)."""
        text = prompt.strip()
        if "\n" in text or ":" in text or len(text.split()) > MAX_TWO_REQUEST_WORDS:
            return []
        halves = []
        for m in _REQUEST_JOIN.finditer(text):
            head, tail = text[:m.start()].strip(), text[m.end():].strip()
            if not (self.request_words(head) and self._asks(tail)):
                continue
            if len(head.split()) >= 2:
                halves.append((head, tail, False))
            # "(give me the) comparative and superlative of big": both ask for big, the second says
            # so; read when the first half has no input of its own
            words = tail.split()
            of = next((i for i, w in enumerate(words) if w.lower() in _STOP), None)
            if of and len(head.split()) <= MAX_SHARED_HEAD_WORDS:
                halves.append((" ".join([head] + words[of:]), tail, True))
        return halves

    def _asks(self, text: str) -> bool:
        return len(text.split()) >= 2 and bool(self.request_words(text))

    def request_words(self, text: str) -> set[str]:
        """The words of a text that stored phrasings use, stop words aside ("past", "tense", "capital")."""
        return {w for w in _words_of(text) if w in self._key_word_set and w not in _STOP}

    def asks_for(self, program: str, key: str) -> bool:
        """Does a reading's key hold one of the program's own request words, or a form of one
        ("plural", "plurals"; not "cactus", which one of its paraphrases names)?"""
        own = self.own_key_words.get(program, set()) - _STOP
        return any(w in own or any(len(o) >= 4 and w.startswith(o) for o in own) for w in _words_of(key))

    # -- typos ---------------------------------------------------------------------------------
    def correct_key_words(self, text: str) -> tuple[str, list[str]]:
        """Misspelt request words ("plurl", "synonim") replaced by the stored phrasings' word; and
        a common word one slip from a request word, when a phrasing has that word beside the same
        neighbour ("past tens of" -> tense, as in "past tense"; "wat sport dose" -> what, does)."""
        notes = []
        matches = list(re.finditer(r"[A-Za-z]+", text))
        words = [m.group(0).lower() for m in matches]
        position = {m.start(): i for i, m in enumerate(matches)}  # a match's word index, for its neighbours
        # Slips of common words are looked for in short requests only: a text to rewrite keeps its
        # words ("approved by the board" is no "bard").
        slips = len(words) <= MAX_SLIP_WORDS and not _QUOTED.search(text) and ":" not in text

        # A text after its request's separator is the user's data ("title case this pls - … support
        # bots" is no "boss"): only the request before it is read for typos.
        sep = _SEPARATOR.search(text)
        text_from = sep.end() if sep and self.request_words(text[:sep.start()]) else len(text)
        # A word the user quoted is typed on purpose: "is 'alot' one word" is not about "plot".
        quoted = [m.span() for m in _QUOTED.finditer(text)]

        def fix(m: re.Match) -> str:
            w = m.group(0)
            lw = w.lower()
            i = position[m.start()]
            if lw in _TEXT_SPEAK and slips and m.start() < text_from \
                    and _speaks(lw, words[i - 1] if i else None, words[i + 1] if i + 1 < len(words) else None):
                return _TEXT_SPEAK[lw]
            if m.start() >= text_from or lw in self._key_word_set or lw in _CONTRACTIONS or \
                    any(a <= m.start() < b for a, b in quoted):
                return w
            if w[:1].isupper() and any(0 <= j < len(matches) and matches[j].group(0)[:1].isupper() for j in (i - 1, i + 1)):
                return w  # a word of a name ("Jaco Pastorius" is no "jack")
            if self.word_rank.get(lw, 10 ** 9) < TYPO_RANK or len(lw) < 4:
                right = self._slip_in_context(lw, words[i - 1] if i else None,
                                              words[i + 1] if i + 1 < len(words) else None) if slips else None
                if right is not None:
                    notes.append(f"{w} -> {right}")
                    return right
                return w
            right = closest(lw, self.key_words, None if lw not in self.word_rank else 1, self.key_word_count)
            if right is None or (lw in self.word_rank and lw.startswith(right)):
                return w  # a rare form of a key word ("plurals") is that word, not a typo
            notes.append(f"{w} -> {right}")
            return right

        return re.sub(r"[A-Za-z]+", fix, text), notes

    def _slip_in_context(self, word: str, before: str | None, after: str | None) -> str | None:
        """The request word one slip from a common word, if a phrasing has it beside the same
        neighbour; None otherwise (most common words are just words)."""
        if len(word) < 3:
            return None
        # A neighbour like "of" or "is" says nothing: "male of cow" is no "male of now".
        before, after = (None if w in _STOP else w for w in (before, after))
        beside = self.key_followers.get(before, set()) | self.key_leaders.get(after, set())
        # A word that holds the request word is another word (sports, Germany), as is its plural.
        beside = {w for w in beside if w in self._key_word_set and not word.startswith(w) and w + "s" != word}
        return closest(word, sorted(beside), 1, self.key_word_count)

    def stored_question(self, prompt: str) -> tuple[str, str] | None:
        """(program, the input as stored) when the whole prompt, of three words or more, is an input
        that exactly one program stores ("What is the tallest mountain in Africa?" in a user's quiz
        pairs): the database answers what it holds, whatever its keys say."""
        low = prompt.strip().lower()
        if len(low.split()) < STORED_QUESTION_WORDS:
            return None
        holders = [(p, held[low]) for p, held in self.stored.items() if low in held]
        return holders[0] if len(holders) == 1 else None

    def correct_input(self, program: str, text: str) -> str | None:
        """A misspelt input ("frnace") as the program's stored input or a common word, or None.
        A word the word space knows is corrected only when it is rare (past RARE_INPUT_RANK: GloVe
        holds common misspellings, "phillipines", "embarass") and one or two slips from a more
        frequent stored input of the program."""
        low = text.lower()
        if any(low in held for held in self.stored.values()):
            return None  # a program stores it as typed: a word ("rebase" in a user's git-verbs), no typo
        whole = self._short_names_of(program).get(low, [])
        if len(whole) == 1:
            return whole[0]  # "yellowstone" is the one stored "Yellowstone National Park"
        if " " in low:
            return self._correct_name(program, low)
        rank = self.word_rank.get(low)
        if len(low) < 4 or (rank is not None and rank < RARE_INPUT_RANK):
            return None
        if (program, low) not in self._corrected:
            stored = self.stored.get(program, {})
            nearby = self._typo_targets(program)
            candidates = {k: stored[k] for k in {*nearby[0].get(low[0], ()), *nearby[1].get(low[1], ())}}
            if rank is not None:  # a real, if rare, word: only a more frequent stored input replaces it
                candidates = {k: v for k, v in candidates.items() if self.word_rank.get(k, 10 ** 9) < rank}
            # Ties go to the more frequent input.
            hit = closest(low, sorted(candidates), weight={k: -self.word_rank.get(k, 10 ** 9) for k in candidates})
            right = candidates[hit] if hit is not None else None
            if right is None and rank is None and self.kinds.get(program) == "vector":
                right = closest(low, self._common_by_letter().get(low[:1], []))
            self._corrected[(program, low)] = right
        return self._corrected[(program, low)]

    def _correct_name(self, program: str, low: str) -> str | None:
        """A stored name with one of its words misspelt ("Dizzy Gilespie" for Dizzy Gillespie): the
        other words as stored, the misspelt one (of five letters or more) no common word, within its
        allowed slips; None unless exactly one stored name is that close."""
        if (program, low) not in self._corrected:
            words = low.split()
            stored = self.stored.get(program, {})
            hits = []
            for k in self._typo_targets(program)[0].get(low[0], ()):
                theirs = k.split()
                diff = [i for i, (a, b) in enumerate(zip(words, theirs)) if a != b]
                if len(theirs) != len(words) or len(diff) != 1:
                    continue
                typed, right = words[diff[0]], theirs[diff[0]]
                if len(right) >= 5 and self.word_rank.get(typed, 10 ** 9) >= RARE_INPUT_RANK and \
                        edit_distance(typed, right, allowed_edits(right)) <= allowed_edits(right):
                    hits.append(stored[k])
            self._corrected[(program, low)] = hits[0] if len(hits) == 1 else None
        return self._corrected[(program, low)]

    def _cleaned_stored(self, program: str) -> dict[str, str]:
        """The program's stored inputs that reading would clean to another text (".rs", "the Prof"),
        by that text (rs, prof), where it is no stored input itself. Built once per program."""
        if program not in self._cleaned:
            stored = self.stored.get(program, {})
            cleaned = {}
            for low, original in stored.items():
                short = clean_input(low).lower()
                if short and short != low and short not in stored:
                    cleaned.setdefault(short, original)
            self._cleaned[program] = cleaned
        return self._cleaned[program]

    def _stored_within(self, program: str, text: str) -> str | None:
        """The one stored input of the program inside a few typed words whose other words are the
        request's (its phrasings' words that no input holds, joining words, talk): "http 429" of
        "what does {word} mean" is the stored 429. None when the text is stored itself, or holds a
        word of its own (a pronoun: "i love you" is no "love")."""
        words = text.split()
        stored = self.stored.get(program, {})
        if len(words) < 2 or len(words) > MAX_SPAN_WORDS + 2 or text.strip().lower() in stored:
            return None
        low = [w.lower().strip(".,;:!?\"'") for w in words]
        filler = self._filler.get(program, _STOP | _EDGE_NOISE)
        for n in range(len(words) - 1, 0, -1):
            for i in range(len(words) - n + 1):
                span = " ".join(low[i:i + n])
                if span in stored and all(w in filler for w in low[:i] + low[i + n:]):
                    return stored[span]
        return None

    def _short_names_of(self, program: str) -> dict[str, list[str]]:
        """The program's stored names by their short form, the name less a tail of two words or more
        that GENERIC_TAIL of its names end with ("Acadia" of "Acadia National Park"): people name a
        park without "National Park". Built once per program."""
        if program not in self._short_names:
            names = [(original, k.split()) for k, original in self.stored.get(program, {}).items() if len(k.split()) >= 3]
            tails = Counter(" ".join(w[i:]) for _, w in names for i in range(1, len(w) - 1))
            short: dict[str, list[str]] = {}
            for original, w in names:
                for i in range(1, len(w) - 1):
                    if tails[" ".join(w[i:])] >= GENERIC_TAIL:
                        short.setdefault(" ".join(w[:i]), []).append(original)
                        break
            self._short_names[program] = {k: v for k, v in short.items() if k not in self.stored.get(program, {})}
        return self._short_names[program]

    def _typo_targets(self, program: str) -> tuple[dict[str, list[str]], dict[str, list[str]]]:
        """The program's stored inputs by first letter and by second letter (a slip keeps
        one of the two), each list its TYPO_TARGETS most frequent: a typo is compared with a bounded
        number of inputs whatever the program's size. Built once per program."""
        if program not in self._targets:
            words = sorted((k for k in self.stored.get(program, {}) if len(k) >= 2),
                           key=lambda k: (self.word_rank.get(k, 10 ** 9), k))
            by_first: dict[str, list[str]] = {}
            by_second: dict[str, list[str]] = {}
            for k in words:
                for index, letter in ((by_first, k[0]), (by_second, k[1])):
                    bucket = index.setdefault(letter, [])
                    if len(bucket) < TYPO_TARGETS:
                        bucket.append(k)
            self._targets[program] = (by_first, by_second)
        return self._targets[program]

    def _common_by_letter(self) -> dict[str, list[str]]:
        if self._letters is None:
            self._letters = {}
            for w in self.space.words[:TYPO_RANK]:
                if w.isalpha():
                    self._letters.setdefault(w[:1], []).append(w)
        return self._letters

    # -- input fit -------------------------------------------------------------------------------
    def _vectors_of_inputs(self, program: str) -> np.ndarray | None:
        """Word-space vectors of a bounded, deterministic sample of the program's stored inputs
        (the first INPUT_SAMPLE in words.ranker.sample_order that the word space knows)."""
        if program not in self._input_vecs:
            # One hash per input; the word space is asked about the sample only (as bounded_pairs).
            sample = []
            for text in sorted(self.stored.get(program, {}).values(), key=sample_order):
                rows = self.space.rows(text)
                if rows is not None:
                    sample.append(rows)
                    if len(sample) == INPUT_SAMPLE:
                        break
            self._input_vecs[program] = self.space.vectors(sample) if sample else None
        return self._input_vecs[program]

    def input_fit(self, program: str, text: str) -> float:
        """1 for a stored input; a word program: the mean cosine (word space) of the input to its
        nearest stored inputs; a text program: whether the input's length is like its inputs'.
        Remembered: the same span recurs in many readings and many queries."""
        key = (program, text)
        if key not in self._fits:
            if len(self._fits) >= FIT_CACHE:
                self._fits.clear()
            self._fits[key] = self._input_fit(program, text)
        return self._fits[key]

    def _input_fit(self, program: str, text: str) -> float:
        kind = self.kinds.get(program)
        if kind in ("intent", "negative"):
            return 1.0
        low = text.strip().lower()
        if low in self.stored.get(program, {}):
            return 1.0
        if low in _FILLER:
            return 0.0
        listed = program not in self.lists_stored and len(_list_items([text])) > 1
        if kind == "vector":
            if listed:
                return 0.0  # "cat, dog, mouse" is three inputs (another reading), not a word
            vecs = self._vectors_of_inputs(program)
            # ...and as many words as its own inputs have, give or take: "wisdom teeth removal cost" is no plural's
            if vecs is None or len(low.split()) > min(MAX_SPAN_WORDS, self.lengths.get(program, (1, 1000))[1]):
                return 0.0
            if text not in self.space:
                # An unknown word is no evidence either way: the program is still the one asked
                # for, and its answer an error that says so (or the LLM's, with --llm).
                return FIT_FLOOR if len(low.split()) == 1 else 0.0
            sims = vecs @ self.space.vector(text)
            k = min(KNN, len(sims))
            top = float(max(0.0, np.partition(sims, len(sims) - k)[-k:].mean()))
            # A few pairs say little about what a program's inputs look like: a user's two-pair
            # program is not outbid by a seed that happens to store the input.
            n = len(vecs)
            top = 1.0 - (1.0 - top) * n / (n + FEW_INPUTS)
            if self._request_words(program, low):
                top *= 0.5
            # Word programs take words and names; "what is venture" is a request's words.
            return top * 0.25 if " " in low and any(w in _STOP for w in low.split()) else top
        lo, hi = self.lengths.get(program, (1, 1000))
        n = len(text.split())
        fit = 1.0 if lo <= n <= hi else 0.6
        if hi <= 12:  # inputs of words and names, not texts
            if listed:
                fit *= 0.5  # three words to capitalize are three inputs
            own = self.input_words.get(program, ())
            if self._request_words(program, low) or (low in _QUESTION and low not in own):
                fit *= 0.5  # "Boston located", "convert": a request's word its inputs never use
            part = len(low) >= 4 and all(w in own for w in _plain_words(low))  # "located?" is the word "located"
            if part:
                fit = 0.6  # words of its stored inputs: "Yellowstone" of "Yellowstone National Park"
            firsts, lasts = self.stop_edges.get(program, ((), ()))
            words = low.split()  # (a text's last word "me." is no stop word: it ends a sentence)
            if len(words) > 1 and (words[0] in _EDGE_NOISE or words[-1] in _EDGE_NOISE):
                fit *= 0.25  # "wats apple", "hospital asap": talk, not the word to translate
            elif len(words) > 1 and not part and ((words[0] in _STOP and words[0] not in firsts) or
                                                  (words[-1] in _STOP and words[-1] not in lasts)):
                fit *= 0.25  # "Boston located in" is a name and a request's words
        return fit

    def takes_texts(self, program: str) -> bool:
        """Are the program's inputs texts (some longer than a dozen words), not words and names?"""
        return self.kinds.get(program) == "fewshot" and self.lengths.get(program, (1, 1000))[1] > 12

    def takes_phrases(self, program: str) -> bool:
        """Are the program's inputs phrases or texts ("my card was charged twice"), not single words?"""
        return self.kinds.get(program) == "fewshot" and self.lengths.get(program, (1, 1000))[1] > 4

    def _request_words(self, program: str, low: str) -> bool:
        """Does a several-word input hold a question's word ("is", "which") or a word of the stored
        phrasings ("located", "plural") that none of the program's own inputs holds? A program
        with few inputs says little about which words its inputs use: only its own phrasings'
        words count against them (a user's emoji program takes "sunny day", though next-item's
        phrasings say "day")."""
        words = _plain_words(low)
        own = self.input_words.get(program, ())
        asks = self._key_word_set if len(self.stored.get(program, ())) >= FEW_INPUTS \
            else self.own_key_words.get(program, set()) & self._key_word_set
        return len(words) > 1 and any((w in _QUESTION or w in asks) and w not in own for w in words)

    # -- readings -----------------------------------------------------------------------------------
    def readings_of(self, prompt: str, templates: list[Template]) -> list[Reading]:
        """The prompt's readings as typed, and, when some word looks like a misspelt request word
        ("plurl"), the readings of the corrected prompt too: the scores choose ("Seatle" is a
        city's misspelling, not a request word's)."""
        out = self.readings(prompt, templates)
        fixed, notes = self.correct_key_words(prompt)
        if fixed != prompt:
            seen = {r.signature for r in out}
            for r in self.readings(fixed, templates):
                if r.signature not in seen:
                    r.corrections = list(notes)
                    out.append(r)
        return out

    def readings(self, prompt: str, templates: list[Template], nested: bool = False) -> list[Reading]:
        out: list[Reading] = []
        request = strip_politeness(prompt)
        text = unquote(request)
        arrow = _ARROW_REQUEST.match(text)
        if arrow and not re.search(r"->|=>|→", arrow.group(2)):
            left, right = _clean_text(arrow.group(1)), _clean_key(arrow.group(2))
            # "wolf -> plural": the input, then what to do with it (a text before the arrow is read
            # as typed, greeting and all, by _trailing_request_reading)
            if left and right:
                items = split_list(left) if len(left.split()) <= MAX_LIST_WORDS else []  # a text is one input
                if len(items) > 1 or len(left.split()) <= MAX_SPAN_WORDS:
                    out.append(Reading(right, items if len(items) > 1 else [left], "explicit"))
                out.append(Reading(_clean_key(arrow.group(1)), [_clean_text(arrow.group(2))], "explicit"))
        marked = [m.group(1) or m.group(2) for m in _QUOTED.finditer(request)]  # the phrases the user quoted
        quoted = {q.strip() for q in marked}
        for source in dict.fromkeys([prompt.strip(), request]):
            folded = source.casefold()
            for t in templates:
                if not t.may_match(folded):
                    continue  # (as match_template tests it: without a call per template)
                m = match_template(source, [t])
                if m and all(m.inputs):
                    inputs = [_clean_text(v) or v for v in m.inputs]
                    if self.lengths.get(t.program, (1, 1000))[1] <= 12:  # a program of words, not texts
                        inputs = [_quoted_within(v, marked) for v in inputs]
                    out.append(Reading(m.key, inputs, "template", m.template, m.template_program, m.slots,
                                       quoted=all(v.strip() in quoted for v in inputs)))
        explicit = split_explicit(request)
        pointed = _POINTED_QUESTION.match(request)
        if pointed and not explicit and _clean_key(pointed.group(1) or pointed.group(3)):
            # "Can you translate this sentence to Spanish? The formal dinner is on Friday.": a
            # question that points at a text, then the text.
            out.append(Reading(_clean_key(pointed.group(1) or pointed.group(3)),
                               [(pointed.group(2) or pointed.group(4)).strip()], "explicit"))
        if explicit:
            inputs = _as_typed(explicit.inputs, prompt)
            out.append(Reading(explicit.key, inputs, "explicit"))
            items = _list_items(inputs)
            if items:  # "capitalize these: apple, river, candle": three words (choose() asks whose)
                out.append(Reading(explicit.key, items, "explicit"))
            # "... it sounds like a robot wrote it, make it casual: It is ...": the request is
            # the last clause before the colon; the talk before it is left out.
            clauses = re.split(r"(?<=[,;.!?])\s+", explicit.key)
            for k in range(1, len(clauses)):
                key = _clean_key(" ".join(clauses[k:]))
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
        aside = None if nested else _TRAILING_PARENS.search(request)
        if aside and len(request[:aside.start()].split()) >= 2 and \
                any(re.search(r"\b" + re.escape(q.strip().lower()) + r"\b", aside.group("key").lower()) for q in marked):
            for r in self.readings(request[:aside.start()], templates, nested=True):
                r.dropped = min(MAX_DROPPED, r.dropped + len(aside.group("key").split()))
                out.append(r)
        # "for my park passport book: which state has Mammoth Cave National Park?": talk, then a
        # whole request after the separator, read as a prompt of its own, the talk left out.
        talk = None if nested else _talk_then_request(request)
        if talk:
            words, tail = talk
            for r in self.readings(tail, templates, nested=True):
                r.dropped = min(MAX_DROPPED, r.dropped + words)
                out.append(r)
        # A quoted word is a candidate input even where a span would leave it to the key ("the 3rd
        # person singular present of 'be'"); read as a span, not marked: near misses quote words
        # too ("is 'data' plural or singular?"). Whole quoted phrases only, not apostrophes.
        if marked and all(len(q.split()) <= MAX_SPAN_WORDS for q in marked):
            key = _clean_key(_QUOTED.sub(" ", request))
            if key:
                out.append(Reading(key, [clean_input(q) or q for q in marked], "span"))
        tokens = [m for m in _WORD.finditer(text) if m.group() not in {"?", "!"}]
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
        sep = _SEPARATOR.search(text)
        sep_word = sum(t.end() <= sep.start() for t in tokens) if sep else None
        if sep_word is not None and not 1 <= sep_word <= MAX_KEY_WORDS:
            sep_word = None
        # The first word after the separator (past a "-" or ":" that is a word of its own).
        text_word = sum(t.start() < sep.end() for t in tokens) if sep_word is not None else None
        lines = _line_starts(request, n)
        for i in range(1, n):  # cuts: key first or input first; a text input may be long
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
                rest = _clean_text(between(i, n))
                named = i >= 2 and words[i - 2].lower() in ("to", "into", "in") and \
                    any(r.fullmatch(words[i - 1]) for r in self._text_names) and \
                    len(rest.split()) > MAX_SPAN_WORDS and not re.search(r"[.!?]", between(i, min(n, i + 2)))
                # (not "put this in active | voice. The patients …": the name's phrase runs on)
                out.append(Reading(_clean_key(between(0, i)), [rest], "explicit" if named else "cut"))
            # ...nor a text that ends on the key's first word ("… at 3pm. Summarize in | bullets").
            if n - i <= MAX_KEY_WORDS and not (short and i <= MAX_SPAN_WORDS) and not (mid_line and min(lines) < i) \
                    and words[i - 1].lower() not in _JOINS_NEXT:
                out.append(Reading(_clean_key(between(i, n)), [_clean_text(between(0, i))], "cut"))
        # A quoted phrase is one input: "good morning" is not read as "good" (no span inside it).
        lowered = [w.lower() for w in words]
        quoted = []  # (first word, end) of each quoted phrase of several words
        for m in _QUOTED.finditer(request):
            phrase = [w.group().lower() for w in _WORD.finditer(m.group(1) or m.group(2))]
            if len(phrase) > 1:
                quoted += [(i, i + len(phrase)) for i in range(n - len(phrase) + 1)
                           if lowered[i:i + len(phrase)] == phrase]
        if short:
            for i in range(n):
                for j in range(i + 1, min(n, i + MAX_LIST_WORDS) + 1):
                    span = words[i:j]
                    if span[0].lower() in _SPAN_EDGE_STOP or span[-1].lower() in _SPAN_EDGE_STOP or \
                            not span[0][:1].isalnum():
                        continue  # "a monk" is read as "monk": the article stays with the key
                    listed = j - i > 1 and bool(_LIST_WORD.search(" ".join(span)))
                    named = j - i <= MAX_NAME_WORDS and _is_name(span)
                    if j - i > MAX_SPAN_WORDS and not (listed or named):
                        continue
                    if any(a <= i and j <= b and (i, j) != (a, b) for a, b in quoted):
                        continue
                    if text_word is not None and i >= text_word and not (i == text_word and j == n):
                        continue  # a word picked out of the text after the request's "?" or ":"
                    joined = between(i, j)
                    if _SENTENCE_END.search(joined):
                        continue  # "think? always mix": an input does not run on past a question
                    items = split_list(joined) if listed else [clean_input(joined)]
                    if not items or any(len(it.split()) > MAX_SPAN_WORDS and not _is_name(it.split())
                                        for it in items):
                        continue
                    # The key is the rest of the prompt; or only the words before (after) the
                    # input, when what follows (precedes) it is talk: "... of crisis for my essay".
                    keys = {_clean_key(without(i, j)): 0}
                    if j < n and i >= 2 and n - j <= MAX_DROPPED and (words[j].lower() in _TALK or not words[j][:1].isalnum()
                                                                      or _CLAUSE_BREAK.search(text[tokens[j - 1].start():tokens[j].start()])
                                                                      or "or" in (w.lower() for w in words[j:])):
                        keys.setdefault(_clean_key(text[:tokens[i].start()]), n - j)
                    if i > 0 and n - j >= 2 and i <= MAX_DROPPED:
                        keys.setdefault(_clean_key(text[tokens[j - 1].end():]), i)
                    for key, dropped in keys.items():
                        if key:
                            out.append(Reading(key, items, "span", dropped=dropped))
        seen: dict[tuple, int] = {}
        unique: list[Reading] = []
        for r in out:
            if not (r.key and all(r.inputs)) or _request_runs_on(r):
                continue
            if r.signature not in seen:
                seen[r.signature] = len(unique)
                unique.append(r)
            elif r.method == "explicit" and unique[seen[r.signature]].method == "template" and \
                    any(len(i.split()) > MAX_SPAN_WORDS for i in r.inputs) and \
                    self.lengths.get(unique[seen[r.signature]].template_program, (1, 1000))[1] <= 12:
                # a text the separator marks ("Where is the station? in German please") is marked
                # for every program, not only for a word program's template (a text program's
                # template keeps its slots: "rewrite the following {form} …: {text}")
                unique[seen[r.signature]] = r
        return unique

    # -- scoring ------------------------------------------------------------------------------------
    def key_scores(self, vectors: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Per reading and program, the best cosine to its phrasings; and every phrasing's cosine
        (which phrasing matched is looked up for the contending programs only: _matched_phrasings)."""
        sims = vectors @ self.key_vectors.T
        return np.maximum.reduceat(sims, self.starts, axis=1), sims

    def _matched_phrasings(self, sims: np.ndarray, c: int) -> np.ndarray:
        """Per reading, the index of program column c's phrasing it matched best."""
        end = self.starts[c + 1] if c + 1 < len(self.starts) else sims.shape[1]
        return self.starts[c] + np.argmax(sims[:, self.starts[c]:end], axis=1)

    def choose(self, readings: list[Reading], vectors: np.ndarray, whole_vector: np.ndarray,
               shortlist: int = 4) -> tuple[list[Choice], float]:
        """Every (program, reading) scored, best first, and the prompt's best similarity to a stored
        out-of-scope prompt (0 when none are stored)."""
        best, sims = self.key_scores(vectors)
        whole = next((r.key for r in readings if r.method == "whole"), "")
        marked_texts = {(r.key.lower(), i) for r in readings if r.method == "explicit" for i in r.inputs}
        choices: list[Choice] = []
        for c in self._contenders(best):
            phrasing = self._matched_phrasings(sims, c)
            program = self.programs[self.has_keys[c]]
            kind = self.kinds.get(program)
            column = best[:, c]
            for r in np.argsort(-column)[:shortlist * 3]:
                reading = readings[r]
                if kind == "fewshot" and reading.method == "span" and self._cut_from_marked(reading, marked_texts):
                    continue
                if reading.method == "explicit" and len(reading.inputs) > 1 and (self.takes_texts(program) or (
                        program in self.lists_stored and not all(_is_name(i.split()) or " " not in i for i in reading.inputs))):
                    continue  # a marked text with commas is one text to rewrite, not a list (names and words are)
                if kind in ("intent", "negative"):
                    # An intent takes the whole prompt (its slots are tagged later): a reading that
                    # leaves words out would route what is left ("reset my router password" read
                    # "reset my password", account-login at 1.00).
                    if reading.method != "whole" and not _whole_clauses(reading.key, whole) and \
                            not _drops_only_values(reading.key, whole):
                        continue
                    fit, inputs, notes = 1.0, [], []
                elif not reading.inputs:
                    fit, inputs, notes = NO_INPUT_FIT, [], []
                else:
                    fit, inputs, notes = self._fit_all(program, reading.inputs, reading.quoted)
                    if reading.method == "span" and self.lengths.get(program, (1, 1))[1] > 12:
                        fit = min(fit, 0.6)  # a few words picked out of a prompt are seldom the text to rewrite
                # A colon or quotes mark the input for any program; a template only for its own.
                marked = reading.method == "explicit" or (reading.method == "template" and
                                                          reading.template_program == program)
                if kind == "fewshot" and marked and (reading.method == "explicit" or reading.quoted):
                    # An LLM runs it on whatever the user marked: a word program's examples do
                    # not make a sentence to translate a poor input.
                    fit = max(fit, MARKED_FIT)
                elif kind == "fewshot" and marked and len(inputs) == 1 and self._phrase_in_template(program, inputs[0]):
                    fit = max(fit, TEMPLATE_PHRASE_FIT)  # "how do you say {word} in French" takes "thank you"
                score = (float(column[r]) - FIT_WEIGHT * (1.0 - fit) + (EXPLICIT_BONUS if marked else 0.0)
                         - min(DROP_COST * reading.dropped, 4 * DROP_COST))
                if reading.method == "explicit" and self._named[program].search(reading.key):
                    score += NAMED_BONUS
                chosen = Reading(reading.key, inputs, reading.method, reading.template, reading.template_program,
                                 reading.slots, reading.corrections + notes, reading.dropped)
                choices.append(Choice(program, chosen, float(column[r]), fit, score,
                                      self.key_texts[phrasing[r]], reading.corrections + notes))
        for ch in choices:
            if ch.program in self.opposites and self._asks_less(ch.program, ch.reading.key):
                # "less formal pls", "too formal, fix it", "informal": the key's words are formal's,
                # the request is for its opposite (MiniLM puts "informal" beside "formal").
                ch.program = self.opposites[ch.program]
        self._prefer_named(choices)
        self._prefer_key_owner(choices)
        choices = self._prefer_text_takers(choices)
        self._prefer_who_stores(choices)
        # Scores equal but for float noise tie: "french translation of" then beats "french" (1.0 each).
        choices.sort(key=lambda ch: (-round(ch.score, 6), -round(ch.key_score, 6), -len(ch.reading.key)))
        negative = float((self.negatives @ whole_vector).max()) if len(self.negatives) else 0.0
        return choices, negative

    def _phrase_in_template(self, program: str, text: str) -> bool:
        """A few words a program's own template took, as a phrase: no talk or joining word at their
        edges ("fire as an" of "{word} as an emoji"), none of the program's request words ("status
        code 401" of "what does {word} mean"), no list ("red, blue and green" is three inputs)."""
        words = text.lower().split()
        return 0 < len(words) <= MAX_SPAN_WORDS and words[0] not in _PHRASE_EDGES and words[-1] not in _PHRASE_EDGES \
            and not self._request_words(program, text.lower()) and not _list_items([text])

    @staticmethod
    def _cut_from_marked(reading: Reading, marked_texts: set[tuple[str, str]]) -> bool:
        """Words cut out of the text the user marked, by the same request: "make this polite: stop
        emailing me" read as `stop emailing`. A text program takes the marked text whole. (A span
        whose request is inside the marked text is another reading: "for my book: which state has
        Mammoth Cave National Park?")"""
        key = reading.key.lower()
        return any(k == key and i in text and i != text for i in reading.inputs for k, text in marked_texts)

    def _asks_less(self, program: str, key: str) -> bool:
        """The key asks for less of the program ("less formal", "informal"), not less of its opposite."""
        other = self.opposites[program]
        return bool(self._less_of[program].search(key)) and not (
            other in self._less_of and self._less_of[other].search(key))

    def _prefer_named(self, choices: list[Choice]) -> None:
        """Of a program and its opposite on one reading, the one the request names goes first:
        MiniLM puts "rewrite in a formal tone" nearer casual's "Rewrite in a friendly tone", "but for
        a woman" nearer "but for a man". A program is named by its name's parts (a text program's)
        or by its direction words: "after" asks next-item though only previous-item stores z."""
        by_reading = {(ch.program, ch.reading.signature): ch for ch in choices}
        for ch in choices:
            other = self.opposites.get(ch.program)
            twin = by_reading.get((other, ch.reading.signature)) if other else None
            if twin is not None and twin.score <= ch.score and self._names(other, ch.reading.key) \
                    and not self._names(ch.program, ch.reading.key):
                ch.score = twin.score - 1e-6

    @staticmethod
    def _prefer_key_owner(choices: list[Choice]) -> None:
        """A reading whose key is one of a program's own keys word for word is that program's to
        answer or refuse: "capital of wakanda" went to capitalize ('capitalise' 0.80 to "capital
        of") and answered Wakanda, sure, because country-capital's input fit was poor."""
        owner: dict[tuple, Choice] = {}
        for ch in choices:
            if ch.key_score >= OWN_KEY and (ch.reading.signature not in owner
                                            or ch.score > owner[ch.reading.signature].score):
                owner[ch.reading.signature] = ch
        for ch in choices:
            top = owner.get(ch.reading.signature)
            if top is not None and ch.key_score < OWN_KEY - OWNER_GAP and ch.score >= top.score:
                ch.score = top.score - 1e-6

    def _prefer_text_takers(self, choices: list[Choice]) -> list[Choice]:
        """A text goes to a program that takes texts when one is nearly as near as a program of
        words: "title case: the lord of the rings" is headline-case's, not capitalize's (whose
        "title case {word}" matches word for word), nor a blend of the two."""
        best: dict[tuple, dict[bool, float]] = {}
        for ch in choices:
            if any(len(i.split()) > MAX_SPAN_WORDS for i in ch.reading.inputs) and self.kinds.get(ch.program) == "fewshot":
                side = best.setdefault(ch.reading.signature, {})
                texts = self.takes_phrases(ch.program)
                side[texts] = max(side.get(texts, -1.0), ch.score)
        beaten = {sig for sig, side in best.items()
                  if True in side and False in side and side[False] - TEXT_TAKER_GAP <= side[True] < side[False]}
        return [ch for ch in choices if not (ch.reading.signature in beaten and self.kinds.get(ch.program) == "fewshot"
                                             and not self.takes_phrases(ch.program))]

    def _names(self, program: str, key: str) -> bool:
        return bool(self._named[program].search(key)) or bool(self._direction.get(program, set()) & set(_words_of(key)))

    def _contenders(self, best: np.ndarray) -> list[int]:
        """The programs (columns) worth scoring reading by reading: the CONTENDERS whose keys match
        some reading best, and any other within CONTENDER_GAP of the best match. A program further
        behind cannot win, come second or blend (a fitting input and marks add at most
        EXPLICIT_BONUS). Scoring them all took a long prompt's many readings times every program:
        on bench/query_latency.py's prompts the mean warm query fell from 77 to 52 ms (the median
        unchanged), and the validation prompts' outcomes are the same."""
        if best.size == 0:
            return []
        top = best.max(axis=0)
        order = np.argsort(-top, kind="stable")
        floor = float(top[order[0]]) - CONTENDER_GAP
        return sorted(int(c) for i, c in enumerate(order) if i < CONTENDERS or top[c] >= floor)

    def _prefer_who_stores(self, choices: list[Choice]) -> None:
        """Two programs whose keys both match the request: the one that stores its inputs takes it
        from a text program that does not ("which US state is Savannah in": city-to-state stores
        Savannah; national-park-state's phrasing matches a little better, and a text program's
        input fit says nothing against a city). A word program's input fit already weighs its
        inputs, and a user's two-pair program keeps its own key against a seed that stores more."""
        read = []  # (choice, its inputs lower-cased, whether its program stores them all)
        storing: dict[tuple, float] = {}  # inputs -> the best key score of a program storing them
        for ch in choices:
            ins = tuple(i.strip().lower() for i in ch.reading.inputs)
            held = self.stored.get(ch.program, {})
            stores = bool(ins) and all(i in held for i in ins)
            read.append((ch, ins, stores))
            if stores:
                storing[ins] = max(storing.get(ins, 0.0), ch.key_score)
        for ch, ins, stores in read:
            # (a stored name of several words is evidence for a word program too: "Rocky Mountain
            # National Park" is no city)
            if not stores and ins in storing and storing[ins] >= ch.key_score - CLOSE_KEYS \
                    and (self.kinds.get(ch.program) != "vector" or any(" " in i for i in ins)):
                ch.score -= STORED_ELSEWHERE
        # A stored name holds the words a template left out of it: "where is {text} national park"
        # read "Zion"; the program stores "Zion National Park", which the request typed whole.
        best: dict[str, Choice] = {}  # per program, its best reading
        for ch, _, _ in read:
            if ch.program not in best or ch.score > best[ch.program].score:
                best[ch.program] = ch
        for ch, ins, stores in read:
            top = best[ch.program]
            if stores and ch is not top and len(ins) == len(top.reading.inputs) and any(" " in i for i in ins) and \
                    all(t.strip().lower() in i and t.strip().lower() != i for t, i in zip(top.reading.inputs, ins)):
                ch.score, ch.key_score = top.score + 1e-6, top.key_score  # the template's match, the whole name

    def _threshold(self, program: str, threshold: float) -> float:
        """A program known only by its own few keys is judged by the default threshold: the seeded
        one was chosen for programs with dozens of labelled phrasings each."""
        return threshold if program in self.learned else min(threshold, DEFAULT_THRESHOLD)

    def evidence(self, choices: list[Choice], negative: float, words: int) -> tuple[Choice, list[float]]:
        """The best reading whose inputs fit (else the best of all), and the evidence on it that
        the learned accept-or-refuse rule weighs (acceptance.features)."""
        fitting = [ch for ch in choices if ch.fit >= FIT_FLOOR] or choices
        top = fitting[0]
        second = next((ch for ch in fitting if ch.program != top.program), None)
        values = acceptance.features(top.key_score, top.fit, top.score, negative,
                                     top.score - (second.score if second else 0.0), words,
                                     sum(len(i.split()) for i in top.reading.inputs), top.reading.method,
                                     self.kinds.get(top.program), top.reading.dropped, len(top.reading.key.split()))
        return top, values

    def decide(self, choices: list[Choice], negative: float, threshold: float, margin: float,
               words: int | None = None, learned_accept: bool = True) -> tuple[Choice, Retrieval]:
        """The reading taken, and its program, a blend of close ones, or "none" (with the reason).
        words: the prompt's length in words; with it, a program with labelled phrasings is
        accepted or refused by the learned rule (acceptance.py), other programs by the hand rules."""
        # Shown scores are key similarities; the order is the readings' (fit and marks counted).
        candidates: list[ProgramMatch] = []
        for ch in choices:
            if ch.program not in {c.name for c in candidates}:
                candidates.append(ProgramMatch(ch.program, round(ch.key_score, 4), 0.0, ch.key))
        if learned_accept and words is not None:
            top, values = self.evidence(choices, negative, words)
            if top.program in self.learned and self.kinds.get(top.program) in ("vector", "fewshot"):
                sure = acceptance.probability(values)
                # A key matched word for word with an input that fits is taken whatever the model
                # says: "Spanish for 'good morning'" is no near miss because some stored
                # out-of-scope prompt asks for a translation too.
                if sure < acceptance.FLOOR and not (top.key_score >= EXACT and top.fit >= FIT_FLOOR):
                    return top, Retrieval("none", [], candidates[:5], threshold,
                                          self._refusal(top, choices, negative, threshold, sure))
                return top, self._blend(top, choices, threshold, margin, candidates, accepted=True)
        # The best reading whose inputs fit; the best of all only to say why nothing fits.
        top = next((ch for ch in choices if ch.fit >= FIT_FLOOR), choices[0])
        if top.key_score < self._threshold(top.program, threshold):
            top = choices[0]
        # The stored out-of-scope prompts say what the built-in library does not serve; a user's
        # program that is asked by its own key, word for word, serves it now ("what language do
        # they speak in brazil" once country-language is added), and any other of its requests
        # must be nearer a stored out-of-scope prompt than to its key, not merely as near.
        exact = top.key_score >= EXACT and top.fit >= FIT_FLOOR
        margin_to_negatives = NEG_MARGIN if top.program in self.learned else 0.0
        if negative >= max(top.score - margin_to_negatives, threshold) and not (exact and top.program not in self.learned):
            return top, Retrieval("none", [], candidates[:5], threshold,
                             f"the prompt is closest to stored out-of-scope prompts ({negative:.2f})")
        threshold = self._threshold(top.program, threshold)
        # "say this more politely: you're wrong" names the user's program `polite` and marks its
        # text: that is a request for it, however far its one key ("polite") is from the words.
        asked_by_name = top.reading.method == "explicit" and bool(self._named[top.program].search(top.reading.key))
        if top.key_score < threshold and not asked_by_name:
            return top, Retrieval("none", [], candidates[:5], threshold, _none_close(top, choices, threshold))
        if top.fit < FIT_FLOOR:
            shown = ", ".join(repr(i) for i in top.reading.inputs)
            return top, Retrieval("none", [], candidates[:5], threshold,
                             f"the request reads as '{top.program}', but {shown} does not look like "
                             f"any of its inputs (fit {top.fit:.2f})")
        return top, self._blend(top, choices, threshold, margin, candidates)

    @staticmethod
    def _refusal(top: Choice, choices: list[Choice], negative: float, threshold: float, sure: float) -> str:
        """Why the learned rule refused, in the words of the evidence that weighed most."""
        if top.key_score < threshold:
            return _none_close(top, choices, threshold)
        if negative >= top.score - NEG_MARGIN:
            return f"the prompt is closest to stored out-of-scope prompts ({negative:.2f})"
        return (f"the prompt does not read as a request for '{top.program}' (key match {top.key_score:.2f}, "
                f"input fit {top.fit:.2f}; sure {sure:.2f} < {acceptance.FLOOR})")

    def _blend(self, top: Choice, choices: list[Choice], threshold: float, margin: float,
               candidates: list[ProgramMatch], accepted: bool = False) -> Retrieval:
        """The taken reading's program, or a blend with the other programs on the same reading
        (retrieve.decide); `accepted`: the learned rule took the reading, so no threshold refuses it."""
        ranked, seen = [], set()
        for ch in choices:
            same = ch.reading.key == top.reading.key and ch.reading.inputs == top.reading.inputs
            if same and ch.fit >= FIT_FLOOR and ch.program not in seen:
                seen.add(ch.program)
                ranked.append(ProgramMatch(ch.program, round(ch.score, 4), 0.0, ch.key))
        if not ranked:  # an accepted reading whose input fits no program well: the taken program alone
            ranked = [ProgramMatch(top.program, round(top.score, 4), 0.0, top.key)]
        ranked.sort(key=lambda m: -m.score)  # by the reading's score: a fitting input counts
        # Half formal, half casual is neither: a program is never blended with its opposite; and
        # one the request names ("rewrite this formally") is blended only with others it names
        # ("comparative or superlative of big").
        ranked = [m for m in ranked if self.opposites.get(ranked[0].name) != m.name]
        names_several = False
        if self._named[ranked[0].name].search(top.reading.key):
            ranked = [m for m in ranked if self._named[m.name].search(top.reading.key)]
            names_several = len(ranked) > 1  # "translate to french or spanish": a blend of the two asked
        exact = replace(ranked[0]) if ranked[0].score >= EXACT and not names_several else None
        decision = decide(ranked, self.kinds, min(threshold, ranked[0].score) if accepted else threshold, margin, exact)
        similarity = {ch.program: ch.key_score for ch in reversed(choices)
                      if ch.reading.key == top.reading.key and ch.reading.inputs == top.reading.inputs}
        for m in decision.programs:
            m.score = round(similarity.get(m.name, m.score), 4)
        decision.candidates = candidates[:5]
        return decision

    def _own_word(self, program: str, text: str) -> bool:
        """A one-word input that is a word of the program's own phrasings ("tense" for past-tense)
        is more likely the request's word than its input."""
        return " " not in text and text.lower() in self.own_key_words.get(program, ())

    def _fit_all(self, program: str, inputs: list[str], quoted: bool = False) -> tuple[float, list[str], list[str]]:
        """How well the inputs fit, and the inputs (misspelt ones corrected when that fits better;
        a quoted word that fits is as the user typed it)."""
        fits, fixed, notes = [], [], []
        held = self.stored.get(program, {})
        for text in inputs:
            # Reading cleans an input ("the Prof" -> Prof, ".rs" -> rs): a stored input it cleaned is that input.
            text = self._cleaned_stored(program).get(text.strip().lower(), text)
            inner = self._stored_within(program, text)
            if inner is not None:  # "status code 401", "fire as an": the stored input and request words
                notes.append(f"{text} -> {inner}")
                text = inner
            fit = self.input_fit(program, text)
            # (a text program fits any word: "emoji for rocekt" is still its stored rocket's typo,
            # when the word space does not know it)
            if fit < 0.95 or (text.strip().lower() not in held and text not in self.space and not quoted):
                right = self.correct_input(program, text)
                if right is not None:
                    better = self.input_fit(program, right)
                    if better > fit or (better == fit and right.strip().lower() in held):
                        notes.append(f"{text} -> {right}")
                        text, fit = right, better
            fits.append(fit * (OWN_WORD_FIT if self._own_word(program, text) else 1.0))
            fixed.append(text)
        # A list fits as its items on average: one unusual word in "cat, wolf and ox" does not
        # make the list someone else's.
        return sum(fits) / len(fits), fixed, notes


def _whole_clauses(key: str, whole: str) -> bool:
    """Whether a reading's key is whole clauses of the prompt, talk at their ends aside ("Is it too
    late to cancel? The driver hasn't …", "nvm dont want the food anymore, cancel it"): an intent may
    be asked in one clause, but not by a clause with words cut out of it ("reset my [router]
    password")."""
    def core(words: list[str]) -> list[str]:
        while words and words[0] in _TALK:
            words = words[1:]
        while words and words[-1] in _TALK:
            words = words[:-1]
        return words

    want = core(_words_of(key))
    if not want:
        return False
    clauses = [_words_of(c) for c in _CLAUSE_BREAK.split(whole)]
    return any(core([w for c in clauses[i:j] for w in c]) == want
               for i in range(len(clauses)) for j in range(i + 1, len(clauses) + 1))


def _drops_only_values(key: str, whole: str) -> bool:
    """Whether the words a key leaves out of the prompt are values an intent's slots hold, or talk:
    names, numbers ("what will the weather be in [Oslo] on [Friday]", "where is order [48213]"),
    not words of the request ("reset my [router] password")."""
    left = Counter(w.lower() for w in _TOKEN.findall(key))
    dropped = []
    for n, w in enumerate(_TOKEN.findall(whole)):
        if left[w.lower()] > 0:
            left[w.lower()] -= 1
        else:
            dropped.append((n, w))
    return bool(dropped) and all(any(c.isdigit() for c in w) or w.lower() in _TALK or (n > 0 and w[:1].isupper())
                                 for n, w in dropped)


def _none_close(top: Choice, choices: list[Choice], threshold: float) -> str:
    """Why nothing was taken when the reading taken matches no key: nothing is close, or a key
    matched but with no input that fits ("what does km stand for and what does kg stand for")."""
    matched = max(choices, key=lambda ch: ch.key_score)
    if matched.key_score >= threshold and matched.fit < FIT_FLOOR:
        return (f"the request reads as '{matched.program}' (key match {matched.key_score:.2f}), but no reading of "
                f"the prompt both matches its key and gives it an input that fits")
    return nothing_close(top.program, top.key_score, threshold)


def _words_of(text: str) -> list[str]:
    """A phrasing's or a request's words, lower-cased: letters only ("español" is one word)."""
    return re.findall(r"[^\W\d_]+", text.lower())


def _talk_then_request(request: str) -> tuple[int, str] | None:
    """(the words before the first separator, the short request after it), when both are there."""
    sep = _SEPARATOR.search(request)
    if not sep:
        return None
    head, tail = request[:sep.start()].split(), request[sep.end():].strip()
    if 1 <= len(head) <= MAX_KEY_WORDS and 2 <= len(tail.split()) <= MAX_SPAN_PROMPT:
        return len(head), tail
    return None


def _quoted_within(value: str, marked: list[str]) -> str:
    """The one phrase the user quoted in a slot's value with a word or two of talk around it
    ("need the German for 'hospital' asap", "the word 'hello'"): the quotes mark the input. Not
    when the words around it ask something ("the female of 'lion'" is a request of its own)."""
    inside = [q.strip() for q in marked if q.strip() and q.strip() in value]
    if len(inside) == 1 and inside[0] != value.strip():
        rest = value.replace(inside[0], " ").strip(" " + _QUOTE_CHARS).lower().split()
        if len(rest) <= 2 and "of" not in rest:
            return clean_input(inside[0]) or inside[0]
    return value


def _list_items(inputs: list[str]) -> list[str]:
    """The items of one input that is a short list of words ("apple, river and candle"); else []."""
    if len(inputs) != 1 or len(inputs[0].split()) > MAX_LIST_WORDS or not _LIST_WORD.search(inputs[0].replace(",", " , ")):
        return []
    items = split_list(inputs[0])
    return items if len(items) > 1 and all(len(i.split()) <= MAX_SPAN_WORDS for i in items) else []


def typed_text(inputs: list[str], prompt: str) -> list[str]:
    """A text program's input as the user typed it. Reading takes quotes off words and joins lines
    ("tell him "no way" and leave" -> "tell him no way and leave"), and takes a polite word off the
    end ("I'm sorry, cheers."), which is right for a word but not for a text to rewrite: the typed
    span is put back with its quotes, and a text that starts right after the request's separator
    (":", "?", a new line) runs to the prompt's end ("make this formal: Thanks!", "… formally? hey,
    running late, sorry!! thanks")."""
    typed = split_explicit(prompt.strip())
    marked = typed.inputs[0] if typed and len(typed.inputs) == 1 and prompt.rstrip().endswith(typed.inputs[0]) else None
    if not inputs:
        return [marked] if marked else []
    out = []
    for text in inputs:
        words = unquote(text).split()
        found = re.search(_TYPED_GAP.join(map(re.escape, words)), prompt) if words else None
        if found:
            start, end = found.span()
            span = prompt[start:end]
            opening = start > 0 and prompt[start - 1] in _QUOTE_CHARS
            closing = end < len(prompt) and prompt[end] in _QUOTE_CHARS
            if opening and closing and not any(q in span for q in _MARKS_NOT_APOSTROPHE):
                out.append(span)  # 'this? "The new policy was approved." thanks': the quotes mark the text
                continue
            while start > 0 and prompt[start - 1] in _QUOTE_CHARS:
                start -= 1  # '"hi all," she said': the opening quote is the text's
            if len(inputs) == 1 and not opening and _SEPARATOR_BEFORE.search(prompt[:start]):
                end = len(prompt.rstrip())  # the text after the separator is the rest of the prompt
            span = prompt[start:end]
            if _closes_quote(span, prompt[end:]):
                span += prompt[end]  # the text ends on a quoted phrase: keep its closing quote ("is 'final'")
            text = span
        if marked and len(inputs) == 1 and marked != text and (marked.startswith(text) or marked.endswith(text)):
            text = marked  # the polite end, or the greeting that opens it ("…: Hi,\nthe sale …"), is the text's own
        out.append(text)
    return out


_CLOSING = {'"': '"', "'": "'", "`": "`", "”": "“", "’": "‘"}  # a closing quote and its opening


def _closes_quote(span: str, after: str) -> bool:
    """The text continues `after` with the closing quote of a phrase it opened: "… is 'final" + "' -- …"."""
    close = after[:1]
    if close not in _CLOSING or re.match(r".\w", after):
        return False
    opened = len(re.findall(r"(?<!\w)" + re.escape(_CLOSING[close]), span))
    closed = len(re.findall(re.escape(close) + r"(?!\w)", span)) if close != _CLOSING[close] else 0
    return opened > closed if close != _CLOSING[close] else opened % 2 == 1


def _as_typed(inputs: list[str], prompt: str) -> list[str]:
    """A marked text as the user typed it: the polite tail taken off the request belongs to a
    text ("Got your package, all good, cheers.")."""
    typed = split_explicit(prompt.strip())
    if typed and len(inputs) == len(typed.inputs) == 1 and len(inputs[0].split()) > MAX_SPAN_WORDS \
            and typed.inputs[0].startswith(inputs[0]):
        return typed.inputs
    return inputs


def _line_starts(request: str, n: int) -> set[int]:
    """The word indices (of the request's n words, as readings() counts them) that begin its
    second and later lines; empty for one line."""
    starts, k = set(), 0
    for line in request.strip().split("\n"):
        count = sum(m.group() not in {"?", "!"} for m in _WORD.finditer(unquote(line)))
        if k and count:
            starts.add(k)
        k += count
    return starts if k == n else set()


def _last_line_reading(request: str) -> list[Reading]:
    """A request on the last line, after the text: "The flowers were planted by volunteers.\n^
    change to active voice pls"."""
    head, _, last = request.strip().rpartition("\n")
    key = _clean_key(last.strip(" ^"))
    if head.strip() and key and len(key.split()) <= MAX_KEY_WORDS and len(head.split()) > len(key.split()):
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
    cuts = [(_TRAILING_PARENS.search(text), True), (_last_match(_TRAILING_SEP, text), False),
            (_last_match(_SENTENCE_BREAK, text), False)]
    for cut, in_brackets in cuts:
        if not cut:
            continue
        head, tail = text[:cut.start()].strip(), cut.group("key") if in_brackets else text[cut.end():]
        key = _clean_key(strip_politeness(tail))
        if key and len(key.split()) <= MAX_TRAILING_KEY_WORDS and len(head.split()) >= 3 and \
                len(head.split()) > len(key.split()) and all(r.key != key for r in out):
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


def _dash_reading(request: str) -> list[Reading]:
    """A dash marks a text as a colon does: "make this casual -- The meeting has been moved ..."."""
    dash = _DASH.search(request)
    if not dash:
        return []
    head, tail = _clean_key(request[:dash.start()]), request[dash.end():].strip()
    if head and len(head.split()) <= MAX_KEY_WORDS and len(tail.split()) > MAX_SPAN_WORDS:
        return [Reading(head, [tail], "explicit")]
    return []


def _is_name(words: list[str]) -> bool:
    """Capitalised words, joined by small ones: "Statue of Liberty National Monument"."""
    return len(words) >= 2 and all(w[:1].isupper() or (0 < k < len(words) - 1 and w in _NAME_JOINS)
                                   for k, w in enumerate(words))


def _stop_edges(inputs: list[str]) -> tuple[set[str], set[str]]:
    """The stop words the inputs of two words or more start on, and those they end on."""
    split = [w for w in (i.lower().split() for i in inputs) if len(w) > 1]
    return {w[0] for w in split if w[0] in _STOP}, {w[-1] for w in split if w[-1] in _STOP}


def _name_parts(name: str) -> list[str]:
    """A program's name in words: english-german -> english, german."""
    return re.split(r"[-_.]", name.lower())


def _name_words(name: str) -> str:
    """A program's name as a pattern of words: "plain-english" matches "plain English"."""
    return r"[\s-]+".join(map(re.escape, _name_parts(name)))


def _named(name: str, parts: list[str] = ()) -> re.Pattern:
    """The program's name (or one of the given parts of it) as words of a request: "formal",
    "formally" (not "informal")."""
    words = "|".join([_name_words(name)] + [re.escape(w) for w in parts])
    return re.compile(r"\b(?:" + words + r")(?:ly)?\b", re.I)


def _less_of(name: str) -> re.Pattern:
    """Words asking for less of a program, by its name: "less formal", "too formal", "not so
    formal", "informal(ly)", "unformal" (but not "in formal English")."""
    return re.compile(r"(?:\b(?:less|too|not(?:\s+so|\s+too)?|overly|over)\s+|\b(?:in|un|non-?))"
                      + _name_words(name) + r"(?:ly)?\b", re.I)


def _clean_text(text: str) -> str:
    """A cut's input part: a text keeps its words; a short one loses articles and quotes."""
    # A text keeps its own ending (it is the user's data), but not a separator: "Hot Springs National Park - what state".
    t = re.sub(r"\s+(?:--?|[—–])$", "", text.strip().lstrip(",;:-–— "))
    t = _POINTER.sub("", t) or t  # "add emojis to {text}" read "this: happy birthday mom"
    t = _POINTER_BARE.sub("", t) or t
    return clean_input(t) if len(t.split()) <= MAX_SPAN_WORDS else t


def _length_profile(inputs: list[str]) -> tuple[int, int]:
    """The range of word counts a text program's inputs take (a little wider than stored)."""
    if not inputs:
        return 1, 1000
    counts = sorted(len(i.split()) for i in inputs)
    hi = counts[-1 - len(counts) // 20]  # the longest but the top 5%
    return (1, hi + 2) if hi <= 8 else (2, 10 ** 6)

"""Read a prompt as a request: which program it asks for, and which input(s) it gives.

People wrap a request in politeness, articles, quotes and possessives, ask for several words at
once ("plurals of cat and dog"), put the input first ("wolf -> plural") and misspell words. The
reader takes the readings of the prompt (a key text and its inputs) that readings.py proposes, and
those of the prompt with its misspelt request words corrected (typos.py; wording.py holds the word
lists and the clean-up of an input). All the readings' key texts are embedded in one encoder call.
Each (program, reading) pair then scores as how well the key text matches the program's stored
phrasings, less a penalty for inputs that do not look like the program's inputs (a capital wants
a country: "venture" fits none of its inputs). The best pair wins; the answer is "none" when no
reading's key reaches a program, when an input fits no program the key reaches, or when the
prompt is closer to stored out-of-scope prompts than to any program.
"""
from __future__ import annotations

import os
import re
from collections import Counter
from dataclasses import dataclass, field, replace
from functools import lru_cache

import numpy as np

from progdb.query import acceptance, country_names, romance
from progdb.query.abbreviations import spells_out
from progdb.query.parse import Template
from progdb.query.readings import Reading, propose
from progdb.query.retrieve import DEFAULT_THRESHOLD, EXACT, ProgramMatch, Retrieval, below, decide, nothing_close
from progdb.program import key_from_name
from progdb.query.typos import allowed_edits, closest, edit_distance, without_doubles
from progdb.query.wording import (ASKS_ABOUT, CONTRACTIONS, EDGE_NOISE, ENDONYMS, FILLER, FUNCTION_WORDS, LANGUAGES,
                                  MAX_SPAN_WORDS, PHRASE_EDGES, PRONOUNS, QUESTION_OPENER, QUESTION_WORDS, QUOTED, SEPARATOR,
                                  STOP, TALK, TEXT_SPEAK,
                                  TLDR, SHORT_FORMS, SHORT_FORM_LEAD,
                                  SHORT_AFTER, DIGIT_WORDS, NUMBER_BEFORE, clean_input, drops_only_values,
                                  is_name, less_pattern, list_items, manner_words, name_parts, name_pattern, plain_words, speaks,
                                  stop_edges, whole_clauses, without_marks, words_of, OPPOSITE, contradicts, opposes,
                                  LANGUAGE_OF_CODE, PLACE_OR_PERSON, REWRITE_TALK, SPECIFIC_QUESTIONS, question_asked, spelling_variants)
from progdb.query.targets import WayBack, asked_for_pattern, target_pattern
from progdb.words import compounds
from progdb.words.ranker import sample_order

FIT_WEIGHT = 0.5       # how much a poorly fitting input costs a reading (key similarity units)
FIT_FLOOR = 0.30       # below this an input fits no program: "none" rather than a junk answer
MAX_SLIP_WORDS = 8     # a common word read as a request word's slip only in prompts this short
STORED_PART_TIE = 0.02  # a stored input read this near a reading that holds it and more words is the one meant
TEXT_TAKER_GAP = 0.05  # a program of texts this near a program of words takes a text (see _prefer_text_takers)
NAMED_BONUS = 0.1      # a request that names the program and marks its text: "say this more politely: …"
EXPLICIT_BONUS = 0.05  # a stored template, a colon, a new line or quotes mark the input: trust them a little
MARKED_FIT = 0.75      # a text the user marked, for a program an LLM runs ("in German please: where is ...")
TEMPLATE_PHRASE_FIT = 0.9  # a phrase in the program's own template ("how do you say {word} in French": thank you)
NEG_MARGIN = 0.05      # "none" when a stored out-of-scope prompt comes this close to the best program
_SAYING = {"say", "says", "said", "translate", "translated", "translation", "word", "words", "call", "called",
           "spell", "spelled", "spelt", "write", "mean", "means", "meaning", "phrase", "speak", "speaks"}
_POINTED = re.compile(r"\b(?:this|that|these|those)\s+$", re.I)  # a text pointed at: "… of this ticket: …"
MAX_SUGGESTED_KEY = 12  # words of a prompt a refusal offers as a user's new phrasing; a longer one is no key
_TEXT_AFTER = re.compile(r"\s*:\s+|\s+[-–—]+\s+|\s*\n\s*")  # where a request's text begins
# ...or its question mark, for a key to suggest ("priority for this one? customer wants …": not "… customer {text}")
_TEXT_AFTER_ASKED = re.compile(r"\s*:\s+|\s+[-–—]+\s+|\s*\n\s*|(?<=\?)\s+")
SEED_THRESHOLD = 0.65  # the built-in library's key threshold (NEG_MARGIN and it: chosen on the dev split of bench/prompts)

DROP_COST = 0.03       # per word of talk a reading leaves out ("... for my essay"), at most four
OWN_WORD_FIT = 0.6     # "past tense of the verb fight": "tense" is the request's word, not the input
NO_INPUT_FIT = 0.5     # a transform program named without any input
CONTENDERS = 8         # programs always scored reading by reading, by their best key match...
CONTENDER_GAP = 0.25   # ...and any other this close to the best match
OWN_KEY = 0.999        # a reading's key is word for word one of the program's own...
OWNER_GAP = 0.15       # ...and another program's match this far behind cannot take that reading
UNFIT_OWNER_KEY = 0.95  # a key matched this near whose input fits not at all: no lookalike takes the input
CLOSE_KEYS = 0.1       # keys this close in similarity leave the choice to who stores the input...
STORED_NAME_KEYS = 0.2  # ...as do keys this close, for a name of several words ("what does Wayne Gretzky play")
STORED_ELSEWHERE = 0.1  # ...at this cost to a program that does not store it
OWN_STORED_KEYS = 0.45  # a user's program storing the input, its key this near, beats one the input does not fit

FEW_INPUTS = 10        # a program with this many stored inputs has its fit judged half as strictly
FEW_PHRASINGS = 12     # a program with fewer phrasings: all their words are its request words (_stored_within)
OWN_WORD_PHRASINGS = 5  # a program with this many phrasings: its request words are those in two of them
KNN = 3                # an input fits as the mean cosine of its nearest stored inputs
INPUT_SAMPLE = 2500    # ...searched among at most this many of them (a bounded sample): no query waits on a program's size
UNLIKE_INPUTS = 100    # a program storing this many inputs knows what they look like: an input that fits
UNLIKE_QUANTILE = 0.02  # ...worse than all but this share of its own inputs fit each other is none of them
UNLIKE_ROWS = 200      # (the share measured on this many of its inputs, against the sample: bounded)
# A question a traveller asks to have translated: "where is the bathroom", "how are you", "what
# time is it" are the phrase to translate, not a request's words.
# (Not a question about doing or learning: "how do you form the past tense in Spanish", "how long
# does it take to learn French" ask about the language.)
_QUESTION_PHRASE = re.compile(r"(?!how\s+(?:do|does|did|can|could|would|should|long)\b)"
                              r"(?!what\s+(?:is|are)\s+(?:the\s+|an?\s+)?\S+\s*$)"  # "what is {carburetor} in french"
                              r"(?!what(?:'s|s|\s+is)\s+the\s+(?:\w+\s+)?word\s+for\b)"  # "what is the word for {bread}"
                              r"(?!what\s+(?:do|does|would|can|could)\s+(?:you|i|we|u|one)\s+(?:say|call|write)\b)"
                              r"(?:where|what|how|when|who|why|which|can|could|do|does|is|are|will|would)\s+"
                              r"(?:is|are|was|were|do|does|did|can|could|will|would|much|many|time|old|far|long|"
                              r"you|i|we|it|this|that|there|your|my|the)\s+\S")
MAX_QUESTION_WORDS = 8
STORED_QUESTION_WORDS = 3  # a prompt this long that one program stores as an input is that input
FIT_CACHE = 20_000     # (program, input) fits remembered between queries, at most
TYPO_RANK = 50_000     # a word rarer than this (or unknown) that is one slip from a key word is a typo
WORD_PREFIXES = ("re", "un", "over", "under", "out", "pre", "mis", "dis", "non", "up", "de", "co", "back")
PREFIXED_STEM_RANK = 50_000  # ...followed by a word at least this common
SHORT_STEM_RANK = 10_000  # ...or, of three letters after a prefix of three or more, this common ("overfit")
NAME_APART = 0.8  # ...and one matched below this by its name's words apart, not as a phrase, is not asked for
NAME_KEY_ALONE = 0.75  # a user's program matched below this by its name key alone must be asked its whole name
LIKE_INPUTS = 0.8  # an input's fit this high is like the stored inputs: a refusal blames the key, not it
CLAIMED = 0.8  # a stored out-of-scope prompt this close to a user's program's key and input is its request
CLAIM_CHECK = 0.6  # ...looked for when the prompt is at least this close to some stored out-of-scope prompt
CONTRADICTED = 0.8     # an intent all of whose phrasings say the prompt's opposite action matches this much less
STORED_ASK = 0.5      # a user's program asked about an input it stores (no common word) this closely answers it
STORED_NEAR = 0.4     # ...or any input it stores, its key this close and the whole prompt past its threshold
# ...or this close, when the user quoted the input ("could you tell me what 'cordwainer' means?", 0.47)
STORED_QUOTED_ASK = 0.45
# A reading of a user's program this close to a request their fit labelled out of scope (another input in its
# place), and closer than to the program's keys, is that request
REFUSED_REQUEST = 0.85
REWRITE_WORDS = 6  # an answer of this many words or more, twice its input's, is a rewrite (a sentence), not a name
# The library's programs of word forms: a form they store is read as its base for a program storing
# the base ("collective noun for wolves", "geese")
INFLECTIONS = ("plural", "past-tense", "past-participle", "present-participle", "third-person-singular",
               "comparative", "superlative")
CONTRADICTING = 0.5  # two programs storing this share of the same inputs, each answered otherwise, never blend
NAMES_ANSWERED = 0.8   # a program whose outputs are this often several words answers names (execute.NAMES_OF_WORDS)
USERS_TIE = 0.05      # a user's program this near the library program on top is the one meant
SPECIALISES = 0.65    # a user's keys this near a library program's phrasings: it specialises that program
SPECIALISED_TIE = 0.35  # ...and is meant when this near it, past its own threshold
FITS_BETTER = 0.2     # a user's program whose input fits this much better than the library's (a sentence to a word
FITS_BETTER_TIE = 0.3  # translator) is meant when this near it, past its own threshold, on the same input
AGREEING = 0.5        # a user's program this share of whose pairs a library program stores is a part of it
HINT_REACH = 0.18      # a refusal offers the prompt's wording as a key of a user's program this near its threshold
USERS_OWN_FIT = 0.6    # a user's program taken where the library's on top was refused: its input fits this well
CLOSER_KEY = 0.005     # ...and its key nearer the request by more than this is theirs whatever the library stores
USERS_FIT_TIE = 0.1   # ...its input fitting nearly as well ("adj for wales" is nationality-adjective's, not danger -> dangerous's)
OPPOSED = 0.5          # a user's program whose keys and name say only the prompt's opposite action ("approve" a refund-decline)
COMMON_NAMES = 0.2     # a program of names of which this share are common words (Finance) holds no proper names
VARIANT_COSINE = 0.85  # a word no program stores, a slip from a stored input and this close, is its spelling
RARE_INPUT_RANK = 100_000  # an input the word space knows is a typo only past this (phillipines 137k, tener 85k)
DOUBLED_RANK = 50_000  # ...or past this, a stored input with a letter typed twice (bigg 86k: big)
COMMON_FIRSTS = 0.3  # names more of whose first words than this are common words name things, not people
PEOPLE_SHARE = 0.8     # a program of names this share of which are two words or more names people (a surname names one)
GENERIC_TAIL = 5       # names ending alike ("... National Park") whose short form ("Acadia") names one of them
TYPO_TARGETS = 1000    # stored inputs a misspelt input is compared with, per first (second) letter
NAMES_STORED, NAME_SHARE = 5, 0.9  # a program of at least 5 inputs, 90% of them capitalised, stores names...
NOT_A_NAME_FIT = 0.25  # ...which a common word typed in lower case fits this well (below FIT_FLOOR)
COMMON_PHRASE_WORDS = 3  # a program of proper names takes no unstored phrase of this many common words,
COMMON_RANK = 20_000   # ...each among the word space's this many commonest (two make names: "long beach")
BARE_KEY_FIT = 0.25    # a text program's one-word key beside an unmarked phrase ("french fries recipe")
ONE_WORD_TEXT_FIT = 0.25  # one word, unmarked, for a program whose inputs are texts
LABELLED = 0.98  # a prompt this near one the user's fit labelled out of scope is that prompt (refused)
SHARED_ANSWERS = 0.25  # a program storing this share of its inputs among another's answers takes the rest too
ANOTHERS_NAME = " has it)"  # how a correction ends that read an input as what another program pairs it with
ONE_OF_ITS_KIND = " (the one stored of its kind)"  # ...and one that read a kind as the one stored thing of it
SAME_CODE_FIT = 0.9  # a code of the letters every stored input is ("MT" of a table of state codes)
# Words asking what a stored input means, around it in any program's request: "what does 사과 mean" (in english)
_ASKED_MEANING = frozenset("mean means meaning stand stands definition define".split())
# ...and a question of what one word means is about that word, for a translator too: "what does 사과 mean"
_MEANING_ASKED = re.compile(r"(?:what(?:'s|\s+is|\s+does|\s+do)?\s+)?(?:the\s+meaning\s+of\s+)?\S+(?:\s+mean|\s+means)?", re.I)
# Nouns that name what any lookup gives, in any program's request: "de translation of 'Back'" of a localiser's ui-terms-de
_ASKED_OF_ANY = frozenset("translation translations version term word name answer code abbreviation".split())
_INTENSIFIERS = frozenset("very really so too quite super extremely pretty most more".split())  # ("opposite of very hot")
_QUESTION_LEADS = frozenset("what how where when who which why".split())  # (_slip_in_context: "what dose")
# Words asking for neither of two opposite ways ("gender neutral", "inclusive"): no request to either
NEITHER_WAY = frozenset("neutral inclusive unisex genderless nonbinary non-binary".split())
SWAPPED_FIRST = 10 ** 10  # (a weight past any rank: a slip of two letters swapped wins a tie)
COMPOUND_FIT = 0.95  # a compound of words fits as its last word, a little below an input stored whole

# Where one request ends and a second begins: "plural of mouse and past tense of go", "capital of
# peru; currency of peru", "capital of peru? also its currency".
# (and in text-speak, "n" and "+": "capital of italy n currency of india"; and a learner's own language's:
# "past tense of tweet y plural de mouse")
_REQUEST_JOIN = re.compile(r"\s*;\s*|,?\s+(?:and|&|n|\+|y|et|und)\s+(?:also\s+|then\s+)?|,?\s+also\s+|,\s*then\s+|"
                           r"[?.!]\s+(?:and\s+)?(?:also\s+)?", re.I)
_TWO_TARGETS = re.compile(r"^(.*\S)\s+(in|into|to)\s+(%s)\s*(?:,\s*|\s+)(?:and|&|or)\s+(?:in\s+|into\s+|to\s+)?(%s)\s*[?.!]*$"
                          % ("|".join(LANGUAGES), "|".join(LANGUAGES)), re.I)
MAX_TWO_REQUEST_WORDS = 20  # longer prompts hold texts, whose "and" joins no requests
MAX_SHARED_HEAD_WORDS = 5   # "give me the plural" (and past tense of walk)


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
    back: str = ""        # what the request asks for instead, when it asks for the program's way back
    elsewhere: str = ""   # what it asks for that is another program's way back (a guess below the threshold is refused)
    targeted: bool = False  # a text marked (or pointed at) whose request ends naming this program: "… in Spanish: …"
    unheld: str = ""      # how the request asks a text rewritten, in words none of the program's phrasings hold
    unnamed: bool = False  # a library translator asked without its language ("what time is it in madrid")
    like_refused: tuple[float, str] = (0.0, "")  # its request's cosine to a user-labelled out-of-scope one, that prompt


class Reader:
    """The database's programs as the reader sees them; built once per database state."""

    def __init__(self, programs: list[str], kinds: dict[str, str], key_programs: np.ndarray,
                 key_texts: list[str], key_vectors: np.ndarray, negatives: np.ndarray,
                 inputs: dict[str, list[str]], space, learned: set[str], opposites: dict[str, str] | None = None,
                 embed=None, reverses: dict[str, list[str]] | None = None, outputs: dict[str, list[str]] | None = None,
                 base_forms: set[str] | None = None, fit_negatives: np.ndarray | None = None,
                 refused_requests: tuple[list[str], np.ndarray] | None = None):
        """programs: names in a fixed order; key_programs[i]: the index of key i's program;
        negatives: embeddings of stored out-of-scope prompts; inputs: each program's stored inputs;
        learned: the programs with labelled phrasings (a fit's or the seeds'); opposites: a
        program's opposite, where its card names one that is stored; embed(texts): sentence vectors
        (the out-of-scope prompts a user's program asks for, _negative); reverses: the words a
        request for a program's way back asks for, by its card (plural: singular); outputs: each
        program's stored outputs (a name one program answers is no input of another: Texas);
        refused_requests: the out-of-scope prompts a user's fit labelled that hold an input of theirs, and
        the vectors of their requests without it (refused_requests_of)."""
        self.programs, self.kinds, self.learned = programs, kinds, learned
        self._refused_texts, self._refused_vectors = refused_requests or ([], None)
        self._own: dict[str, float] = {}  # programs' own thresholds, set per decision (decide)
        self._languages: dict[str, set[str]] = {}  # a translator's language words (_language_words)
        self._countries: dict[str, set[str]] = {}  # the countries that speak its language (_countries_speaking)
        self._base_threshold = DEFAULT_THRESHOLD  # ...and the database's (decide)
        self._folded: dict[str, dict[str, str]] = {}  # per program, its accented stored inputs (_folded_stored)
        self._lower_words: set[str] | None = None  # _library_words
        self._singles: dict[str, dict[str, list[str]]] = {}  # _by_single_letters
        self._open_changed: dict[str, dict[str, bool]] = {}  # _last_word_inflects
        self._other_country_names: dict[str, dict[str, str]] = {}  # _countries_stored
        self._names_by_word: dict[str, dict[str, list[str]]] = {}  # _named_around
        self._translators: dict[str, bool] = {}  # own_translator
        self._kinds: dict[str, dict[str, str]] = {}  # _one_of_kind
        self._shadows: dict[str, tuple[str, float] | None] = {}  # per user program, the library program it specialises
        self._action_words: dict[str, set[str]] = {}  # per user program, the words of its keys and name (_opposed)
        self._intents = any(k == "intent" for k in kinds.values())
        self.opposites = {p: o for p, o in (opposites or {}).items() if o in kinds}
        self._less_of = {p: less_pattern(p) for p in self.opposites}
        # A program's way back: its card's reverse words, and any language its name does not hold;
        # built when a query first reads the program (a process's first query reads a few, not all)
        self._reverses = reverses or {}
        self._way_back: dict[str, WayBack] = {}
        self._agreeing: dict[tuple[str, str], bool] = {}  # (a user's program, a library one): _agrees
        self._own_languages: dict[str, set[str]] = {}  # a user's program: the languages its name and keys say
        # Every program's way back: what a request asks for that the programs say none of them does
        # ("in dense legalese", "into an email"); a program that is only near such a request is no answer.
        unserved = sorted({w for words in (reverses or {}).values() for w in words})
        self._unserved = asked_for_pattern(unserved) if unserved else None
        # A text program is named by its whole name or by a part no other program's name has:
        # "translate this into german: …" names english-german ("english" names four programs).
        parts = Counter(w for p in programs for w in set(name_parts(p)))
        self._named = {p: name_pattern(p, [w for w in name_parts(p) if parts[w] == 1 and len(w) >= 4 and w not in STOP]
                                 if kinds.get(p) == "fewshot" else [])
                       for p in programs}
        self._text_names = [self._named[p] for p in programs if kinds.get(p) == "fewshot"]
        # A text program's name asked for as the request's target, at its end: "… this sign in Spanish: …"
        self._target_named = {p: target_pattern([" ".join(name_parts(p))] + [w for w in name_parts(p) if parts[w] == 1
                                                 and len(w) >= 4 and w not in STOP]) for p in programs if kinds.get(p) == "fewshot"}
        order = np.argsort(key_programs, kind="stable")
        self.key_programs = key_programs[order]
        self.key_texts = [key_texts[i] for i in order]
        self.key_vectors = key_vectors[order]
        self._vector_of_key: dict[str, np.ndarray] | None = None  # see stored_vectors
        self.starts = np.flatnonzero(np.r_[True, self.key_programs[1:] != self.key_programs[:-1]])
        self.has_keys = self.key_programs[self.starts]
        self.negatives = negatives
        # which of them a user's fit labelled out of scope (the rest are the library's): those stay so
        self.fit_negatives = np.zeros(len(negatives), dtype=bool) if fit_negatives is None else fit_negatives
        self.space = space
        self.word_rank = space.index  # the word space's rows are in frequency order
        self.stored = {p: {i.strip().lower(): i for i in ins} for p, ins in inputs.items()}
        self._stored_anywhere = set().union(*self.stored.values()) if self.stored else set()  # (every input, once)
        # Programs an inflected word asks for its base: a user's, and the library's whose card says so
        self._base_forms = {p for p in programs if p not in learned} | (base_forms or set())
        self.lengths = {p: _length_profile(ins) for p, ins in inputs.items()}
        self.input_words = {p: {w for i in ins for w in plain_words(i)} for p, ins in inputs.items()}
        self.lists_stored = {p for p, ins in inputs.items() if any("," in i for i in ins)}  # inputs like "a, b"
        # Text programs whose inputs are sentences, however short ("We're out of rooms tonight."):
        # an input is read as a text, not as words and names ("we are closed" starts on a stop word)
        self.sentences_stored = {p for p, ins in inputs.items() if kinds.get(p) == "fewshot" and ins and
                                 2 * sum(len(i.split()) >= 3 and i.rstrip()[-1:] in ".!?" for i in ins) >= len(ins)}
        # Programs whose every input holds a digit (dates, sizes, codes): a text without one is none of them.
        self.digits_stored = {p for p, ins in inputs.items() if len(ins) >= 2 and all(any(c.isdigit() for c in i) for i in ins)}
        # Programs whose every input is one code in capitals (EPERM, ECONNREFUSED, SKU-1099): several words,
        # or a common word in lower case, are none of them ("fix my kubernetes cluster" is no errno).
        self.codes_stored = {p for p, ins in inputs.items()
                             if len(ins) >= 2 and all(_CAPITALS_CODE.fullmatch(i.strip()) or _CODE.fullmatch(i.strip())
                                                      for i in ins)}  # (or of digits: 691, 0x80070005, ERR_CERT…)
        # ...of which every one holds a digit or an underscore: a word of letters alone is none ("vpn error 691 reply")
        self.marked_codes = {p for p in self.codes_stored if all(re.search(r"[\d_]", i) for i in inputs[p])}
        # Programs whose every input is a short code of capitals of one length (state codes AL, AK; currencies
        # USD): another such code fits them as a stored one does, whatever word space says ("state code MT").
        self.letter_codes = {p: len(ins[0].strip()) for p, ins in inputs.items()
                             if len(ins) >= MIN_LETTER_CODES and len({len(i.strip()) for i in ins}) == 1
                             and all(_LETTER_CODE.fullmatch(i.strip()) for i in ins)}
        # Programs whose inputs are names (national parks): a common word in lower case is none of them.
        self.names_stored = {p for p, ins in inputs.items()
                             if len(ins) >= NAMES_STORED and sum(i[:1].isupper() for i in ins) >= NAME_SHARE * len(ins)}
        # The words like "me" that a program's own inputs start or end on ("stop calling me"): a
        # reading that does the same is no request's words around a name for it.
        self.stop_edges = {p: stop_edges(ins) for p, ins in inputs.items()}
        # Programs of texts whose answers are sentences, each longer than its input ("reboot and try again" ->
        # "Could you please restart your computer …"): a marked text with commas is one text to them
        self.rewriters = {p for p, outs in (outputs or {}).items() if kinds.get(p) == "fewshot" and outs and
                          2 * sum(len(o.split()) >= REWRITE_WORDS and len(o.split()) > 2 * len(i.split())
                                  for i, o in zip(inputs.get(p, []), outs)) > len(outs)}
        # The names each program of names answers (states, capitals): another program of names that
        # does not store one as an input is not asked about it ("capital of Texas" is no country's)
        self._answered_names = {p: {o.strip().lower() for o in outs if o[:1].isupper()}
                                for p, outs in (outputs or {}).items() if p in self.names_stored}
        self._others_names: dict[str, set[str]] = {}
        # Programs whose answers are names of several words (a user's book -> author): their inputs are
        # titles and names, so "romeo and juliet" is one of them, not two
        self.answers_names = {p for p, outs in (outputs or {}).items()
                              if outs and sum(len(o.split()) >= 2 for o in outs) >= NAMES_ANSWERED * len(outs)}
        # Each program of names' pairs, and per program the names other programs give its inputs (_name_forms)
        self._name_pairs = {p: list(zip(inputs.get(p, []), outs)) for p, outs in (outputs or {}).items()
                            if p in self.names_stored}
        self._forms: dict[str, dict[str, tuple[str, str]]] = {}
        self._pairs = {p: (inputs.get(p, []), (outputs or {}).get(p, [])) for p in inputs}  # (_contradicts)
        # The answers a user's programs store are words as typed too ("courgette", a food blogger's, was read as
        # the typo of corvette): no typo (_corrected_input)
        self._users_answers = {o.strip().lower() for p, (_, outs) in self._pairs.items() if p not in learned for o in outs}
        # Tables of abbreviations (units, street types): one letter apart is another entry, no slip (kmol, mol)
        self.abbreviation_tables = {p for p, (ins, outs) in self._pairs.items() if spells_out(list(zip(ins, outs)))}
        self._contradiction: dict[tuple[str, str], bool] = {}
        self._questions: dict[str, set[str]] = {}  # per user word program, the questions its phrasings ask
        # The library's inflection pairs, read the other way on first need (_irregular_base)
        self._inflections = {p: self._pairs[p] for p in INFLECTIONS if p in learned and p in self._pairs}
        self._irregular: dict[str, dict[str, str]] | None = None  # form -> {base: the program storing the pair}
        self._common: set[str] | None = None  # see _common_words()
        self._proper: set[str] = set()
        self._input_vecs: dict[str, np.ndarray | None] = {}
        self._unlike_floors: dict[str, float | None] = {}
        self._embed = embed
        self._fits: dict[tuple[str, str], float] = {}
        self._corrected: dict[tuple[str, str], str | None] = {}
        self._targets: dict[str, tuple[dict[str, list[str]], dict[str, list[str]]]] = {}
        self._short_names: dict[str, dict[str, list[str]]] = {}
        self._surnames: dict[str, dict[str, str]] = {}
        self._cleaned: dict[str, dict[str, str]] = {}
        self._letters: dict[str, list[str]] | None = None
        self.key_word_count: Counter[str] = Counter()  # in how many phrasings a word appears
        # The words that follow a word in some phrasing ("past" -> tense), and those that lead it.
        self.key_followers: dict[str, set[str]] = {}
        self.key_leaders: dict[str, set[str]] = {}
        per_program: dict[str, Counter[str]] = {}
        manner: dict[str, set[str]] = {}
        phrasings: Counter[str] = Counter()
        for p_index, t in zip(self.key_programs, self.key_texts):
            low = words_of(t)
            words = set(low)
            per_program.setdefault(programs[p_index], Counter()).update(words)
            manner.setdefault(programs[p_index], set()).update(manner_words(t))
            phrasings[programs[p_index]] += 1
            self.key_word_count.update(words)
            for a, b in zip(low, low[1:]):
                self.key_followers.setdefault(a, set()).add(b)
                self.key_leaders.setdefault(b, set()).add(a)
        # Per program, the words of its requests: of a program with several phrasings, those in two
        # or more ("tense" for past-tense), not an example's input that one paraphrase names
        # ("cactus" in "plural of cactus?", which made "plural for cactus pls" no request).
        # The words a phrasing says how to rewrite with, read as a request's are (_unheld): "Rewrite
        # my tweet as a pirate" asks for a pirate, not a tweet.
        self._phrasing_words = manner
        self._said_by = {p: set(words) for p, words in per_program.items()}  # every word of a program's phrasings
        self.own_key_words: dict[str, set[str]] = {
            p: {w for w, n in words.items() if n >= 2 or phrasings[p] < OWN_WORD_PHRASINGS}
            for p, words in per_program.items()}
        # The word classes a program's phrasings and name speak of ("adverb", "tense"): a request for
        # another ("noun form of decide") is not that program's (synonym stores decide -> choose)
        self.classes_named: dict[str, set[str]] = {p: {w for w in name_parts(p) if w in WORD_CLASSES} for p in programs}
        for p_index, t in zip(self.key_programs, self.key_texts):
            self.classes_named[programs[p_index]] |= _classes_asked(t)
        # The words around a stored input that leave it the input (_stored_within): joining words, talk,
        # and the program's request words that none of its inputs holds: every word of a few phrasings
        # (a user's "status code {word}"), those in two of many ("poem" in one of antonym's is no request word).
        self._filler = {p: (STOP | EDGE_NOISE | ((set(words) if phrasings[p] < FEW_PHRASINGS else
                                                    {w for w, n in words.items() if n >= 2})
                                                   - self.input_words.get(p, set()))) - PRONOUNS
                        for p, words in per_program.items()}
        # Of two opposite programs, the words in two or more of one's phrasings and in none of the
        # other's: female, woman, feminine against male, man, masculine; after, next against before.
        self._direction = {p: {w for w, n in per_program.get(p, Counter()).items()
                               if n >= 2 and w not in STOP and w not in per_program.get(o, Counter())}
                           for p, o in self.opposites.items()}
        self.key_words = self._real_key_words()
        self._own_words = sorted({w for p, words in self.own_key_words.items() if p not in self.learned
                                  for w in words if len(w) >= 3} | {w for p in programs if p not in self.learned
                                                                    for w in name_parts(p) if len(w) >= 3})
        self._key_word_set = set(self.key_words)
        # A word the word space knows is read as a slip only of a request word (in two of a program's
        # phrasings, or of a program with few): "plural of scone" is no "shone" of one past-tense phrasing's example.
        request_words = {w for words in self.own_key_words.values() for w in words}
        self._request_key_words = [w for w in self.key_words if w in request_words]

    def _real_key_words(self) -> list[str]:
        """Words of the stored phrasings that are words, not their writers' typos: common ones, and
        rarer ones the word space knows that several phrasings use ("antonym", "superlative" and
        "participle" rank past TYPO_RANK), unless one slip from a common one ("wich"); and the words
        of a user's keys that the word space knows."""
        common = [w for w in self.key_word_count if len(w) >= 3 and self.word_rank.get(w, 10 ** 9) < TYPO_RANK]
        rare = [w for w, n in self.key_word_count.items() if len(w) >= 3 and n >= 2 and w in self.word_rank
                and self.word_rank[w] >= TYPO_RANK and closest(w, common, 1) is None]
        # ...and a word of a user's own keys, as typed on purpose ("summarise" is no slip of summarize), however
        # short ("uk" of a food blogger's "whats the uk word for {word}")
        own = {w for p, words in self.own_key_words.items() if p not in self.learned for w in words
               if len(w) >= 2 and w in self.word_rank and w not in STOP}
        # ...or in its name too, a term of the trade the word space lacks ("etrto" of a mechanic's tyre-etrto: "what
        # does RD stand for and etrto for 29x2.2" asks twice)
        named = {w for p, words in self.own_key_words.items() if p not in self.learned
                 for w in words & set(name_parts(p)) if len(w) >= 3 and w.isalpha() and w not in STOP}
        return sorted(set(common + rare) | own | named)

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
        two = _TWO_TARGETS.match(text)
        if two:  # "how do you say beer in german and spanish": the request asked of each language
            halves.append((f"{two[1]} {two[2]} {two[3]}", f"{two[1]} {two[2]} {two[4]}", True))
        for m in _REQUEST_JOIN.finditer(text):
            head, tail = text[:m.start()].strip(), text[m.end():].strip()
            # "capital of peru and currency": a second request may be its one request word
            # (two questions each opened of its own are two, in whatever words: a user's "what did a {text} do")
            asked_twice = bool(QUESTION_OPENER.match(head) and QUESTION_OPENER.match(tail)) and len(tail.split()) >= 2
            if not (asked_twice or self.request_words(head) and (self._asks(tail) or self._one_request_word(tail))):
                continue
            if len(head.split()) >= 2:
                halves.append((head, tail, False))
            # "(give me the) comparative and superlative of big": both ask for big, the second says
            # so; read when the first half has no input of its own
            words = tail.split()
            of = next((i for i, w in enumerate(words) if i and w.lower() in STOP), None)  # (past "the currency")
            if of and len(head.split()) <= MAX_SHARED_HEAD_WORDS:
                halves.append((" ".join([head] + words[of:]), tail, True))
        return halves

    def _asks(self, text: str) -> bool:
        return len(text.split()) >= 2 and bool(self.request_words(text))

    def _one_request_word(self, text: str) -> bool:
        return len(words_of(text)) == 1 and bool(self.request_words(text))

    def request_words(self, text: str) -> set[str]:
        """The words of a text that stored phrasings use, stop words aside ("past", "tense", "capital")."""
        return {w for w in words_of(text) if w in self._key_word_set and w not in STOP}

    def asks_for(self, program: str, key: str) -> bool:
        """Does a reading's key hold one of the program's own request words, or a form of one
        ("plural", "plurals"; not "cactus", which one of its paraphrases names)?"""
        own = self.own_key_words.get(program, set()) - STOP
        return any(w in own or any(len(o) >= 4 and w.startswith(o) for o in own) for w in words_of(key))

    # -- typos ---------------------------------------------------------------------------------
    def correct_key_words(self, text: str) -> tuple[str, list[str]]:
        """Misspelt request words ("plurl", "synonim") replaced by the stored phrasings' word; and
        a common word one slip from a request word, when a phrasing has that word beside the same
        neighbour ("past tens of" -> tense, as in "past tense"; "wat sport dose" -> what, does)."""
        # "plural de mouse", "sinónimo de happy": a Spanish speaker's request words, read first
        sep = SEPARATOR.search(text)
        text_from = sep.end() if sep and self.request_words(text[:sep.start()]) else len(text)
        request, notes = romance.in_english(text[:text_from], lambda w: w in self._key_word_set,
                                            text_from < len(text))
        text = request + text[text_from:]
        head = text.split(":", 1)[0]
        tldr = TLDR.search(head)
        if tldr:
            notes.append(f"{tldr.group(0)} -> summarize")
            text = head[:tldr.start()] + "summarize" + text[tldr.end():]
        matches = list(re.finditer(r"[A-Za-z]+", text))
        words = [m.group(0).lower() for m in matches]
        position = {m.start(): i for i, m in enumerate(matches)}  # a match's word index, for its neighbours
        # Slips of common words are looked for in short requests only: a text to rewrite keeps its
        # words ("approved by the board" is no "bard").
        slips = len(words) <= MAX_SLIP_WORDS and not QUOTED.search(text) and ":" not in text

        # A text after its request's separator is the user's data ("title case this pls - … support
        # bots" is no "boss"): only the request before it is read for typos.
        sep = SEPARATOR.search(text)
        text_from = sep.end() if sep and self.request_words(text[:sep.start()]) else len(text)
        # A word the user quoted is typed on purpose: "is 'alot' one word" is not about "plot".
        quoted = [m.span() for m in QUOTED.finditer(text)]

        def fix(m: re.Match) -> str:
            w = m.group(0)
            lw = w.lower()
            i = position[m.start()]
            if lw in TEXT_SPEAK and slips and m.start() < text_from \
                    and speaks(lw, words[i - 1] if i else None, words[i + 1] if i + 1 < len(words) else None):
                return TEXT_SPEAK[lw]
            if slips and i + 1 < len(words) and m.start() < text_from:
                right = SHORT_FORMS.get(lw) if all(w in SHORT_FORM_LEAD for w in words[:i]) \
                    else SHORT_AFTER.get((words[i - 1], lw)) if i else None
                if right is not None:
                    notes.append(f"{w} -> {right}")
                    return right
            if m.start() >= text_from or lw in self._key_word_set or lw in CONTRACTIONS or \
                    any(a <= m.start() < b for a, b in quoted):
                return w
            if w[:1].isupper() and any(0 <= j < len(matches) and matches[j].group(0)[:1].isupper() for j in (i - 1, i + 1)):
                return w  # a word of a name ("Jaco Pastorius" is no "jack")
            if self.word_rank.get(lw, 10 ** 9) < TYPO_RANK or len(lw) < 4:
                right = self._slip_in_context(lw, words[i - 1] if i else None,
                                              words[i + 1] if i + 1 < len(words) else None) if slips else None
                right = right or (self._shortened_own_key_word(lw) if slips and m.start() < text_from else None)
                if right is not None:
                    notes.append(f"{w} -> {right}")
                    return right
                return w
            if self._prefixed_word(lw):
                return w  # "retweet" is no "tweet" of a phrasing
            glued = self._glued_key_words(lw)
            if glued is not None:
                notes.append(f"{w} -> {glued}")
                return glued
            # (an unknown word: first the request words a phrasing has beside its neighbours, "stnd for" is
            # "stand for", not the commoner "send")
            beside = self.key_followers.get(words[i - 1] if i else "", set()) | \
                self.key_leaders.get(words[i + 1] if i + 1 < len(words) else "", set())
            right = ((closest(lw, sorted(beside & self._key_word_set)) or closest(lw, self.key_words, None, self.key_word_count))
                     if lw not in self.word_rank else
                     closest(lw, self._request_key_words, 1, self.key_word_count)) or self._shortened_key_word(lw)
            if right is None or (lw in self.word_rank and lw.startswith(right)):
                return w  # a rare form of a key word ("plurals") is that word, not a typo
            notes.append(f"{w} -> {right}")
            return right

        def digit(m: re.Match) -> str:
            before, d = m.group(1), m.group(2)
            if before.lower() in self._key_word_set and before.lower() not in NUMBER_BEFORE:
                notes.append(f"{d} -> {DIGIT_WORDS[d]}")
                return f"{before} {DIGIT_WORDS[d]} "
            return m.group(0)

        def joined(m: re.Match) -> str:  # "nick name for Elizabeth": the key word "nickname", typed as two
            a, b = m.group(1), m.group(2)
            whole = (a + b).lower()
            if whole not in self._key_word_set or b.lower() in self.key_followers.get(a.lower(), ()):
                return m.group(0)
            notes.append(f"{a} {b} -> {whole}")
            return whole

        fixed = re.sub(r"[A-Za-z]+", fix, text)
        if slips:
            fixed = re.sub(r"\b([A-Za-z]+) ([42]) (?=[A-Za-z])", digit, fixed)
            fixed = re.sub(r"\b([A-Za-z]{3,}) ([A-Za-z]{3,})\b", joined, fixed)
        return fixed, notes

    def _shortened_key_word(self, word: str) -> str | None:
        """The one request word that a word no dictionary holds starts ("subj line" -> subject); None
        when it starts none or several."""
        return None if word in self.word_rank else _one_word_starting(word, self.key_words)

    def _shortened_own_key_word(self, word: str) -> str | None:
        """The one word of a user's keys that a short word starts ("sig 15" -> signal, of an engineer's
        signal-name): a common word too, so read only as the start of their own request word."""
        return None if word in self._own_words else _one_word_starting(word, self._own_words)

    def _glued_key_words(self, word: str) -> str | None:
        """Two request words typed as one, that some phrasing has side by side: "pasttense" -> "past
        tense", "thirdperson" -> "third person"; None otherwise."""
        for i in range(2, len(word) - 1):
            if word[i:] in self.key_followers.get(word[:i], ()):
                return f"{word[:i]} {word[i:]}"
        return None

    def _slip_in_context(self, word: str, before: str | None, after: str | None) -> str | None:
        """The request word one slip from a common word, if a phrasing has it beside the same
        neighbour; None otherwise (most common words are just words)."""
        if len(word) < 3:
            return None
        # A neighbour like "of", "is" or "pls" says nothing: "male of cow" is no "male of now",
        # "form of fog pls" no "form of for".
        asked = before if before in _QUESTION_LEADS else None
        before, after = (None if w in STOP or w in FILLER else w for w in (before, after))
        beside = self.key_followers.get(before, set()) | self.key_leaders.get(after, set())
        # ...but after a question word, two letters swapped are a slip of what a phrasing asks: "what dose OKR
        # stnd for" is "what does …" (not "what form" of "what from")
        swapped = {w for w in self.key_followers.get(asked, ()) if sorted(w) == sorted(word) and w[0] == word[0]}
        # A word that holds the request word is another word (sports, Germany), as is its plural; and
        # a common word keeps its first letter (a quiz's "baby hare called" is no "are called").
        beside = {w for w in beside if w in self._key_word_set and not word.startswith(w) and w + "s" != word
                  and w[0] == word[0]}
        return closest(word, sorted(beside), 1, self.key_word_count) or \
            (next(iter(swapped)) if len(swapped) == 1 and edit_distance(word, next(iter(swapped)), 1) == 1 else None)

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
        frequent stored input of the program. Its digits are never changed: SKU-9999 is no slip of
        the stored SKU-1099, but another product."""
        right = self._corrected_input(program, text)
        if right is not None and re.findall(r"\d", right) != re.findall(r"\d", text):
            return None
        if right is not None and _a_code(text) and not _slip_of_typing(text.lower(), right.lower()):
            return None  # a code in capitals that another letter makes is another code: SIGABRT is no SIGALRM
        return right

    def _corrected_input(self, program: str, text: str) -> str | None:
        low = text.lower()
        if program in self.abbreviation_tables:
            return None  # "kmol" is no slip of the stored "mol", but a unit a thousand times larger
        if not low.isascii():  # "Türkiye" is read as typed without its marks ("Turkiye" -> Turkey)
            plain = without_marks(low)
            if plain != low and plain.isascii():
                if plain in self.stored.get(program, {}):
                    return self.stored[program][plain]
                return self._corrected_input(program, plain)
        rank = self.word_rank.get(low)
        stored = self.stored.get(program, {})
        if low.endswith("ed") and (rank is None or rank >= RARE_INPUT_RANK):
            # a learner's regular past of an irregular verb is that verb ("V3 of layed" was read as the
            # stored "layer", one slip away; "buyed" as "buyer")
            base = next((b for b in (low[:-2], low[:-1]) if b in stored), None)
            if base is not None:
                return stored[base]
        # A common word is no typo, unless it is unlike every input of the program and one slip
        # from one of them: "capital of columbia" is Colombia's (though cities store Columbia).
        unlike = rank is not None and rank < RARE_INPUT_RANK and self._unlike(program, text)
        if (low in self._stored_anywhere or low in self._users_answers) and not unlike:
            return None  # a program stores it as typed: a word ("rebase" in a user's git-verbs), no typo
        whole = self._short_names_of(program).get(low, [])
        if len(whole) == 1 and not unlike:
            return whole[0]  # "yellowstone" is the one stored "Yellowstone National Park"
        if " " in low:
            return self._correct_name(program, low)
        variant = self._variant_spelling(program, low) if rank is not None and not unlike else None
        if variant is not None:
            return variant
        if rank is not None and rank >= DOUBLED_RANK:
            # a letter typed twice, or once for twice, in a rare word the word space knows: "grown up word
            # for bigg" is a teacher's stored big (it guessed *mitu?*), "plural of presure" the stored
            # pressure (not pre- + sure)
            doubled = [k for k in self._by_single_letters(program).get(without_doubles(low), ())
                       if k != low and self.word_rank.get(k, 10 ** 9) < rank]
            if len(doubled) == 1:
                return stored[doubled[0]]
        if len(low) < 4 or (rank is not None and rank < RARE_INPUT_RANK and not unlike) or self._prefixed_word(low) \
                or (low.isalpha() and compounds.split(low, self.stored.get(program, {}))):
            return None  # superwoman is super + the stored woman, not a slip from superman
        if (program, low) not in self._corrected:
            stored = self.stored.get(program, {})
            nearby = self._typo_targets(program)
            # (and by the second letter first: a letter put before the word, "espain")
            candidates = {k: stored[k] for k in {*nearby[0].get(low[0], ()), *nearby[1].get(low[1], ()),
                                                 *nearby[0].get(low[1], ())}}
            if rank is not None and not unlike:  # a real, if rare, word: only a more frequent stored input replaces it
                candidates = {k: v for k, v in candidates.items() if self.word_rank.get(k, 10 ** 9) < rank}
            # Ties go to two letters swapped ("sieze" is seize, not the commoner size), then to the more frequent input.
            hit = closest(low, sorted(candidates), 1 if unlike else None,
                          weight={k: -self.word_rank.get(k, 10 ** 9) + (SWAPPED_FIRST if sorted(k) == sorted(low) else 0)
                                  for k in candidates})
            if hit is None and rank is None:  # no word at all: compared without doubled letters
                single = {without_doubles(k): k for k in sorted(candidates, reverse=True)}
                near = closest(without_doubles(low), sorted(single))
                hit = single[near] if near is not None else None
            if unlike and hit is not None and len(os.path.commonprefix([low, hit])) >= max(len(low), len(hit)) - 2:
                hit = None  # another ending is another word, not a slip: optimist is no optimism (hungry is hungary)
            right = candidates[hit] if hit is not None else None
            if right is None and rank is None and self.kinds.get(program) == "vector":
                right = closest(low, self._common_by_letter().get(low[:1], []))
            self._corrected[(program, low)] = right
        return self._corrected[(program, low)]

    def _named_around(self, program: str, text: str, prompt: str) -> str | None:
        """The one stored name of several words holding the typed words, whose other words the prompt
        says around them: "when did constantinople fall" is the stored Fall of Constantinople, "when did
        the bastille get stormed" Storming of the Bastille; None when none or several are."""
        typed = [w for w in plain_words(text) if w not in FUNCTION_WORDS and w not in _HAPPENING]
        if not typed or len(typed) > 3 or not prompt:
            return None
        if program not in self._names_by_word:
            by_word: dict[str, list[str]] = {}
            for low in self.stored.get(program, {}):
                words = [w for w in plain_words(low) if w not in FUNCTION_WORDS]
                if 2 <= len(words) <= 4:
                    for w in set(words):
                        by_word.setdefault(w, []).append(low)
            self._names_by_word[program] = by_word
        said = [w for w in plain_words(prompt) if w not in FUNCTION_WORDS]
        found = set()
        for low in {n for t in typed for n in self._names_by_word[program].get(t, [])}:
            words = [w for w in plain_words(low) if w not in FUNCTION_WORDS]
            # each typed word one of the name's (or a form of it: "bastille get stormed"), each of the name's said
            # (its words in another order are it too: "constantinople fall")
            if all(any(_same_word(t, w) for w in words) for t in typed) and \
                    all(any(_same_word(w, s) for s in said) for w in words) and typed != words:
                found.add(self.stored[program][low])
        return found.pop() if len(found) == 1 else None

    def _spelt_the_other_way(self, program: str, low: str) -> str | None:
        """The one stored input that the typed words spell the other way, British or American, one word
        of them: "copper sulphate" of Copper sulfate, "sulfur" of Sulphur; None when none or several are."""
        stored = self.stored.get(program, {})
        if low in stored or len(low) < 4:
            return None
        words = low.split()
        found = {stored[k] for i, w in enumerate(words) if len(w) >= 4 for v in spelling_variants(w)
                 if (k := " ".join(words[:i] + [v] + words[i + 1:])) in stored}
        return found.pop() if len(found) == 1 else None

    def _by_single_letters(self, program: str) -> dict[str, list[str]]:
        """The program's stored inputs by their spelling with each doubled letter single (built once per program)."""
        if program not in self._singles:
            self._singles[program] = {}
            for k in self.stored.get(program, {}):
                self._singles[program].setdefault(without_doubles(k), []).append(k)
        return self._singles[program]

    def _variant_spelling(self, program: str, low: str) -> str | None:
        """The one stored input that a word no program stores spells another way: within its allowed
        slips and close in word space ("kazakstan" is Kazakhstan at 0.88; Iran and Iraq, 0.80, are
        both stored, and "hungry" is no Hungary at 0.20)."""
        if len(low) < 5:
            return None
        stored = self.stored.get(program, {})
        targets = self._typo_targets(program)[0].get(low[0], ())
        # (the slips first: they are counted in C, the word space's lookups are not)
        near = [k for k in targets if k.isalpha() and edit_distance(low, k, allowed_edits(k)) <= allowed_edits(k)
                and k in self.space and self.space.similarity(low, k) >= VARIANT_COSINE]
        return stored[near[0]] if len(near) == 1 else None

    def _prefixed_word(self, low: str) -> bool:
        """A prefix and a common word ("retweet", "unfriend", "refactor", "overfit"): a word the word
        space is too old or too small to hold, not a slip ("retweet" was read as the stored retreat)."""
        # (a stem of three letters is a common word's after a prefix of three letters or more: "overfit";
        # "colur" is no co- + "lur", nor "cofee" co- + "fee", but slips of colour and coffee)
        return any(low.startswith(p) and len(low) - len(p) >= 3 and self.word_rank.get(low[len(p):], RARE_INPUT_RANK)
                   < (PREFIXED_STEM_RANK if len(low) - len(p) >= 4 else SHORT_STEM_RANK if len(p) >= 3 else 0)
                   for p in WORD_PREFIXES)

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
        or that people type with spaces for hyphens ("mother in law") or without a verb's "to" ("to
        achieve"), by that text (rs, prof, mother in law, achieve), where it is no stored input itself.
        Built once per program."""
        if program not in self._cleaned:
            stored = self.stored.get(program, {})
            cleaned = {}
            for low, original in stored.items():
                # ... and those typed with spaces for their hyphens: "mother in law" is the stored mother-in-law
                # ...and a verb listed with its "to" ("to achieve -> lograr"), asked without it
                # ...and a name with quotes in it typed without them: "rosa peace" is the stored Rosa 'Peace'
                unquoted = " ".join(re.sub(r"['\"‘’“”]", " ", low).split()) if re.search(r"\s['\"‘“]", low) else low
                for short in (clean_input(low).lower(), low.replace("-", " "), low.removeprefix("to "), unquoted):
                    if short and short != low and short not in stored:
                        cleaned.setdefault(short, original)
            # ...and a glossary's term by itself or by its abbreviation: "Forte (f)" is asked as forte or f,
            # "Diminuendo (dim.)" as dim, "Old vines (VV)" as VV (a qualifier in brackets is none: "bank (river)")
            glossed: dict[str, set[str]] = {}
            for original in stored.values():
                term = _GLOSSED.fullmatch(original.strip())
                if term:
                    typed, short = term["term"].lower(), term["short"].lower()
                    aliases = (typed, short) if _abbreviates(short, typed) or _ACRONYM.fullmatch(term["short"]) else (typed,)
                    for alias in aliases:
                        glossed.setdefault(alias.rstrip(".").strip(), set()).add(original)
            for short, originals in glossed.items():
                if len(originals) == 1 and short and short not in stored:
                    cleaned.setdefault(short, next(iter(originals)))
            self._cleaned[program] = cleaned
        return self._cleaned[program]

    def _name_forms(self, program: str) -> dict[str, tuple[str, str]]:
        """For a program of names, the names other programs of names store as the answer for one of its
        inputs, each to that input ("japanese" -> Japan, by nationality-adjective's Japan -> Japanese),
        where one input has that answer; with the program that stores it. Built once per program."""
        if program not in self._forms:
            held = self.stored.get(program, {})
            found: dict[str, set[str]] = {}
            for other, pairs in self._name_pairs.items():
                if other != program:
                    for i, o in pairs:
                        if o[:1].isupper() and i.strip().lower() in held and o.strip().lower() not in held:
                            found.setdefault(o.strip().lower(), set()).add((held[i.strip().lower()], other))
            self._forms[program] = {o: min(ins) for o, ins in found.items()  # (min: the same note every run)
                                    if len({name for name, _ in ins}) == 1}
        return self._forms[program]

    def _folded_stored(self, program: str) -> dict[str, str]:
        """The program's stored inputs with accents, trademark signs, hyphens or other marks, by their letters
        without them ("Claritin-D®" by "claritin d"; built once per program)."""
        if program not in self._folded:
            # (without_marks, as _corrected_input reads a typed accent the other way: "türkiye")
            plain = {low: _folded(low) for low in self.stored.get(program, {})}
            self._folded[program] = {bare: self.stored[program][low] for low, bare in plain.items() if bare != low}
        return self._folded[program]

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
        filler = self._filler.get(program, STOP | EDGE_NOISE) | _ASKED_MEANING
        # (an amount after it qualifies it, as a strength a drug's name: "Lipitor 20mg", "zoloft 50 mg")
        amount = {j for j, w in enumerate(low) if _AMOUNT.fullmatch(w) or (_NUMBER.fullmatch(w) and low[j + 1: j + 2] and
                                                                        _UNIT.fullmatch(low[j + 1]))}
        amount |= {j + 1 for j in amount if _NUMBER.fullmatch(low[j])}  # (the unit after a bare number: "50 mg")
        # (and the field it is asked in, at the end: "what is the meaning of prn in nursing")
        amount |= {len(low) - 2, len(low) - 1} if len(low) >= 3 and low[-2] == "in" else set()
        for n in range(len(words) - 1, 0, -1):
            for i in range(len(words) - n + 1):
                span = " ".join(low[i:i + n])
                if span in stored and all(low[j] in filler or (j > i and j in amount)
                                          for j in [*range(i), *range(i + n, len(low))]):
                    return stored[span]
        return None

    def _short_names_of(self, program: str) -> dict[str, list[str]]:
        """The program's stored names by their short form, the name less a tail of two words or more
        that GENERIC_TAIL of its names end with ("Acadia" of "Acadia National Park"), or with that
        tail's initials ("Acadia NP"): people name a park without "National Park". Built once per
        program."""
        if program not in self._short_names:
            names = [(original, k.split()) for k, original in self.stored.get(program, {}).items() if len(k.split()) >= 3]
            tails = Counter(" ".join(w[i:]) for _, w in names for i in range(1, len(w) - 1))
            short: dict[str, list[tuple[int, str]]] = {}
            for original, w in names:
                for i in range(1, len(w) - 1):
                    tail = tails[" ".join(w[i:])]
                    if tail >= GENERIC_TAIL:
                        short.setdefault(" ".join(w[:i]), []).append((tail, original))
                        # and with the tail's initials: "Great Smoky Mountains NP"
                        initials = " ".join(w[:i]) + " " + "".join(t[0] for t in w[i:])
                        short.setdefault(initials, []).append((tail, original))
                        break
            # Names that share a short form and an answer are one for a request: "Denali" is Denali
            # National Park (the commoner tail) and Denali National Preserve, both in Alaska.
            answer = dict(self._name_pairs.get(program, []))
            for k, named in short.items():
                if len({answer.get(o, o) for _, o in named}) == 1:
                    short[k] = [max(named)]
            self._short_names[program] = {k: [o for _, o in v] for k, v in short.items()
                                          if k not in self.stored.get(program, {})}
        return self._short_names[program]

    def _irregular_base(self, text: str, held: dict[str, str]) -> tuple[str, str] | None:
        """(the stored word, the program storing the pair) when the text is a form of exactly one
        stored word as the library's inflection programs store it ("wolves" of wolf, "geese" of
        goose): a collector's collective-nouns stores wolf, and "collective noun for wolves" asks
        for wolf. Regular forms need no table (base_form_in)."""
        if self._irregular is None:
            self._irregular = {}
            for name, (ins, outs) in self._inflections.items():
                for base, form in zip(ins, outs):
                    self._irregular.setdefault(form.strip().lower(), {}).setdefault(base.strip().lower(), name)
        bases = self._irregular.get(text.strip().lower(), {})
        found = {(held[b], name) for b, name in bases.items() if b in held}
        return found.pop() if len(found) == 1 else None

    def _surnames_of(self, program: str) -> dict[str, str]:
        """For a program of people's names (most of two words or more), its stored names by their
        last word, where every name ending in it has one answer: "hendrix" is the stored Jimi Hendrix;
        "coltrane" is none (John plays saxophone, Alice piano). People name the famous by surname, and
        by a first name that is rare (no "john"); any name of two words by a rare first or last word ("grüner"
        is the stored Grüner Veltliner). Built once per program."""
        if program not in self._surnames:
            held = self.stored.get(program, {})
            names = [n for n in held if len(n.split()) >= 2]
            found: dict[str, set[str]] = {}
            if program in self.names_stored:
                answer = {i.strip().lower(): o for i, o in self._name_pairs.get(program, [])}
                people = self._people(program)

                def rare(word: str) -> bool:
                    return self.word_rank.get(without_marks(word), 10 ** 9) >= TYPO_RANK
                for n in names:
                    person = people or bool(_INITIALS_FIRST.match(n))
                    last = n.split()[-1].strip(".,")
                    # (a thing's last word after a known word is its kind, rare or not: "croissant" of Almond Croissant;
                    # a name of rare words is a name by either: Grüner Veltliner)
                    if len(last) >= 3 and last.isalpha() and last not in held and \
                            (person or (rare(last) and rare(n.split()[0]))):
                        for typed in {last, without_marks(last)}:  # ("dali" of Salvador Dalí: no one types the accent)
                            found.setdefault(typed, set()).add(n)
                    # ...and by a first name no common word is: "pos of saquon" is the stored Saquon Barkley
                    first = n.split()[0]
                    if len(first) >= 4 and first.isalpha() and first not in held and rare(first):
                        for typed in {first, without_marks(first)}:
                            found.setdefault(typed, set()).add(n)
                self._surnames[program] = {last: held[min(ns)] for last, ns in found.items()
                                           if len({answer.get(n) for n in ns}) == 1}
            else:
                self._surnames[program] = {}
        return self._surnames[program]

    def _people(self, program: str) -> bool:
        """Are the program's stored names people's: most of two words or more, few of whose first words are common
        words (a bakery's "Almond Croissant" is no Mr Croissant; a name after initials is a person's either way)?"""
        held = self.stored.get(program, {})
        names = [n for n in held if len(n.split()) >= 2]
        firsts = [n.split()[0].strip(".,") for n in names]
        return len(names) >= PEOPLE_SHARE * len(held) and \
            sum(f in self._library_words() for f in firsts) < COMMON_FIRSTS * len(firsts)

    def _one_of_kind(self, program: str) -> dict[str, str]:
        """For a program of things' names (not people's: _surnames_of), its stored names by their last word, the
        kind, where one name alone ends in it: "brownie" is a bakery's one Chocolate Brownie, "croissant" its
        Almond Croissant (a guess at what was meant: pipeline doubts it). Built once per program."""
        if program not in self._kinds:
            held = self.stored.get(program, {})
            found: dict[str, set[str]] = {}
            if program in self.names_stored and not self._people(program):
                for n in held:
                    words = n.split()
                    if len(words) >= 2 and words[-1].isalpha() and len(words[-1]) >= 3 and words[-1] not in held:
                        found.setdefault(words[-1], set()).add(n)
            self._kinds[program] = {kind: held[next(iter(ns))] for kind, ns in found.items() if len(ns) == 1}
        return self._kinds[program]

    def _library_words(self) -> set[str]:
        """The words the library's word programs store in lower case (almond, lemon, tom): common words."""
        if self._lower_words is None:
            self._lower_words = {low for p, held in self.stored.items() if self.kinds.get(p) == "vector" and p in self.learned
                                 for low, typed in held.items() if typed[:1].islower()}
        return self._lower_words

    def _first_name_before(self, program: str, surname: str, prompt: str, stored: str) -> bool:
        """Does the prompt name someone else of that surname: a word before it that is neither the
        stored name's nor a request's ("keith moon", not "does moon", "instrument moon")?"""
        words = plain_words(prompt)
        low = surname.strip().lower()
        if low not in words or words.index(low) == 0:
            return False
        before = words[words.index(low) - 1]
        return before not in stored.lower().split() and before not in STOP | EDGE_NOISE and \
            before not in self.own_key_words.get(program, ())

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

    def _unlike_below(self, program: str) -> float | None:
        """The fit below which an input is unlike the program's own ("capital of the moon", "currency
        of love"): how well all but UNLIKE_QUANTILE of its stored inputs fit their nearest others.
        Only for a program of names (countries, cities, people: a class its inputs nearly close): one
        of common words takes any word of its kind, rare ones too ("plural of chateau", "past tense of
        smite" were refused, or read as "site"); and not for a program of few inputs (a user's
        two-pair program says little about its inputs)."""
        if program not in self._unlike_floors:
            vecs = self._vectors_of_inputs(program)
            floor = None
            if vecs is not None and len(vecs) >= UNLIKE_INPUTS and program in self.names_stored:
                sims = vecs[:UNLIKE_ROWS] @ vecs.T
                sims[sims > 0.9999] = -1.0  # itself, and inputs the word space reads alike
                own = np.sort(sims, axis=1)[:, -KNN:].mean(axis=1)
                floor = float(np.quantile(own, UNLIKE_QUANTILE))
            self._unlike_floors[program] = floor
        return self._unlike_floors[program]

    def _nearest_inputs(self, vecs: np.ndarray, text: str) -> float:
        """The mean cosine (word space) of a word the space knows to its KNN nearest stored inputs."""
        sims = vecs @ self.space.vector(text)
        k = min(KNN, len(sims))
        return float(max(0.0, np.partition(sims, len(sims) - k)[-k:].mean()))

    def _unlike(self, program: str, text: str) -> bool:
        """Is a word the space knows unlike every input of a program that stores many (_unlike_below)?"""
        below = self._unlike_below(program) if self.kinds.get(program) == "vector" else None
        return below is not None and text in self.space and \
            self._nearest_inputs(self._vectors_of_inputs(program), text) < below

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

    def _countries_stored(self, program: str) -> dict[str, str]:
        """The program's stored inputs that name a country otherwise than in English (USA, UK), by its
        English name: "America" and "Britain" are read as a table's USA and UK (built once per program)."""
        if program not in self._other_country_names:
            self._other_country_names[program] = country_names.stored_countries(self.stored.get(program, {}))
        return self._other_country_names[program]

    def _last_word_inflects(self, program: str, low: str) -> bool:
        """A compound of two to four words, of a program whose stored compounds of words all change
        their last word alone (plural's "coffee maker" -> coffee makers): it fits as its last word."""
        if program not in self._open_changed:
            ins, outs = self._pairs.get(program, ([], []))
            self._open_changed[program] = compounds.last_word_changed(
                {i.strip().lower(): [o] for i, o in zip(ins, outs)})
        # (talk is no word of a compound: "plural of goose thanks mate" asks for goose)
        return not any(w in TALK or w in EDGE_NOISE for w in low.split()) and \
            compounds.holds_for_last_word(self._open_changed[program], low)

    def _longest_input(self, program: str) -> int:
        """The word count of a word program's longest inputs (the top 5% aside): one word more is a
        name's or a compound's ("polar bear" for a program of single words), two more a phrase's
        ("baby shower gift ideas" is no baby animal)."""
        return self.lengths.get(program, (1, 1000))[1] - LENGTH_SLACK

    def _input_fit(self, program: str, text: str) -> float:
        kind = self.kinds.get(program)
        if kind in ("intent", "negative"):
            return 1.0
        low = text.strip().lower()
        if low in self.stored.get(program, {}):
            return 1.0
        if low in FILLER:
            return 0.0
        if self.letter_codes.get(program) == len(text.strip()) and _LETTER_CODE.fullmatch(text.strip()):
            return SAME_CODE_FIT
        if program in self.names_stored and low in self._names_others_answer(program):
            return 0.0  # "capital of Texas": a state, what city-to-state answers, is none of its countries
        if self._not_its_shape(program, text):
            return FIT_FLOOR * 0.9
        if kind == "vector" and text.strip() == low and low in self._common_words(program):
            return FIT_FLOOR * 0.9  # "adjective for power": a word programs of words store, and no name
        if kind == "vector" and text.strip() == low and len(low.split()) >= COMMON_PHRASE_WORDS and \
                self._common_words(program) and all(self.word_rank.get(w, COMMON_RANK) < COMMON_RANK for w in low.split()):
            return FIT_FLOOR * 0.9  # "state of the union address date": common words, typed as no name is
        listed = program not in self.lists_stored and len(list_items([text])) > 1
        if kind == "vector" and " " in low and self._last_word_inflects(program, low):
            # "ice cream" for plural, as cream (execute._by_last_word), a little below an input stored whole
            return COMPOUND_FIT * self.input_fit(program, low.split()[-1])
        if kind == "vector":
            if listed:
                return 0.0  # "cat, dog, mouse" is three inputs (another reading), not a word
            vecs = self._vectors_of_inputs(program)
            # ...and as many words as its own inputs have, give or take: "wisdom teeth removal cost" is no plural's
            if vecs is None or len(low.split()) > min(MAX_SPAN_WORDS, self._longest_input(program) + 1):
                return 0.0
            if text not in self.space:
                # An unknown word is no evidence either way: the program is still the one asked
                # for, and its answer an error that says so (or the LLM's, with --llm).
                return FIT_FLOOR if len(low.split()) == 1 else 0.0
            top = self._nearest_inputs(vecs, text)
            below = self._unlike_below(program)
            if below is not None and top < below:
                return min(top, FIT_FLOOR * 0.9)  # none of its inputs: "none", not a guess ("Apollo?")
            # A few pairs say little about what a program's inputs look like: a user's two-pair
            # program is not outbid by a seed that happens to store the input.
            n = len(vecs)
            top = 1.0 - (1.0 - top) * n / (n + FEW_INPUTS)
            if self._request_words(program, low):
                top *= 0.5
            # Word programs take words and names; "what is venture" is a request's words.
            return top * 0.25 if " " in low and any(w in STOP for w in low.split()) else top
        lo, hi = self.lengths.get(program, (1, 1000))
        n = len(text.split())
        if program in self.sentences_stored:
            lo = max(lo, 3)  # (two words picked out of "play some tavern music" are no sentence)
        fit = 1.0 if lo <= n <= hi else 0.6
        if n == 1 and lo > 1 and hi > 12:
            fit = ONE_WORD_TEXT_FIT  # "what makes a good issue title": a program of texts takes no "good"
        if hi <= 12 and program not in self.sentences_stored:  # inputs of words and names, not texts
            if listed:
                fit *= 0.5  # three words to capitalize are three inputs
            own = self.input_words.get(program, ())
            asked = self._asks_to_translate(program, low)  # whole: no request's words
            if not asked and (self._request_words(program, low) or (low in QUESTION_WORDS and low not in own)):
                fit *= 0.5  # "Boston located", "convert": a request's word its inputs never use
            part = len(low) >= 4 and all(w in own for w in plain_words(low))  # "located?" is the word "located"
            if part:
                fit = 0.6  # words of its stored inputs: "Yellowstone" of "Yellowstone National Park"
            elif program in self.names_stored and text.strip() == low and low in self.space:
                fit = min(fit, NOT_A_NAME_FIT)  # "what state is my package in": no park's name
            firsts, lasts = self.stop_edges.get(program, ((), ()))
            words = low.split()  # (a text's last word "me." is no stop word: it ends a sentence)
            if len(words) == 1 and low in FUNCTION_WORDS and low not in self.stored.get(program, {}):
                fit *= 0.25  # "make a worksheet about make and do": no collocation is "about"
            elif len(words) > 1 and (words[0] in EDGE_NOISE or words[-1] in EDGE_NOISE):
                fit *= 0.25  # "wats apple", "hospital asap": talk, not the word to translate
            elif len(words) > 1 and not part and not asked and ((words[0] in _EDGE_STOP and words[0] not in firsts) or
                                                  (words[-1] in _EDGE_STOP and words[-1] not in lasts)):
                fit *= 0.25  # "Boston located in" is a name and a request's words ("i love you" is a phrase)
        return fit

    def _not_its_shape(self, program: str, text: str) -> bool:
        """Is the text unlike every input of a program of numbers or codes? "what's the ISO standard for
        dates": no "standard" is a date; "what does EPERM mean" asks no HTTP status (a word the word space
        lacks is no evidence, but a program of numbers takes none); "how do i fix a memory leak": no errno
        is two words, nor "memory"."""
        if program in self.digits_stored and not any(c.isdigit() for c in text):
            return True
        low = text.strip().lower()
        common = text.strip() == low and self.word_rank.get(low, COMMON_RANK) < COMMON_RANK
        return program in self.codes_stored and (" " in low or common or (program in self.marked_codes and low.isalpha()))

    def _common_words(self, program: str) -> set[str]:
        """For a program of proper names, the words that word programs of common words store lower-case
        (power, turkey) and that no program of names stores (Turkey is a country); none for a program
        of other names, whose inputs are common words capitalised (a user's Finance, Payroll)."""
        if self._common is None:
            words = {low for p, held in self.stored.items() if self.kinds.get(p) == "vector"
                     and p not in self.names_stored for low, typed in held.items() if typed[:1].islower()}
            names = set().union(*(self.stored[p] for p in self.names_stored if p in self.stored))
            self._proper = {p for p in self.names_stored if p in self.stored and
                            len(words & set(self.stored[p])) <= COMMON_NAMES * len(self.stored[p])}
            self._common = words - names
        return self._common if program in self._proper else set()

    def _names_others_answer(self, program: str) -> set[str]:
        """The names other programs of names answer that no program of names stores as an input
        (Texas; not Italy, an answer of a teacher's river-country and an input of country-capital: "what
        language do they speak in italy" asks their country-language about it)."""
        if program not in self._others_names:
            # (nor the answers of a program whose answers it takes: a student's city-demonym stores London and
            # Paris, country-capital's answers, so Lisbon is one of its inputs too)
            held = set(self.stored.get(program, {}))
            others = set().union(*(names for p, names in self._answered_names.items()
                                   if p != program and len(names & held) < max(2, SHARED_ANSWERS * len(held))))
            asked = set().union(*(self.stored[p] for p in self.names_stored if p in self.stored))
            self._others_names[program] = others - asked
        return self._others_names[program]

    @staticmethod
    @lru_cache(maxsize=4096)  # (asked of every reading's program)
    def _translates(program: str) -> bool:
        """Does the program translate (a language in its name: english-french, a user's en-italian)?"""
        return any(w in LANGUAGES for w in name_parts(program))

    def _language_words(self, program: str) -> set[str]:
        """The words that name a translator's language: its name's ("spanish"), those of its
        phrasings no other program's phrasings use ("espanol": without accents), and the countries whose
        nationality a program of names stores as that language (Spain -> Spanish)."""
        if program not in self._languages:
            others = set().union(*(self.own_key_words.get(p, set()) for p in self.programs if p != program))
            own = {without_marks(w) for w in self.own_key_words.get(program, set()) - others if w not in STOP and len(w) > 2}
            languages = set(name_parts(program)) & set(LANGUAGES)
            self._languages[program] = own | languages | self._countries_speaking(program) | \
                {e for e, lang in ENDONYMS.items() if lang in languages}
        return self._languages[program]

    def _countries_speaking(self, program: str) -> set[str]:
        """The countries whose nationality a program of names stores as a translator's language (read
        once per program: a query naming a language asks it, and the pairs are thousands)."""
        if program not in self._countries:
            languages = set(name_parts(program)) & set(LANGUAGES)
            self._countries[program] = {i.strip().lower() for pairs in self._name_pairs.values() for i, o in pairs
                                         if o.strip().lower() in languages}
        return self._countries[program]

    def _asks_to_translate(self, program: str, text: str) -> bool:
        """Is the text a question to translate ("where is the bathroom") for a program that translates?"""
        return self._translates(program) and bool(_QUESTION_PHRASE.match(text.strip().lower()))

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
        words = plain_words(low)
        own = self.input_words.get(program, ())
        asks = self._key_word_set if len(self.stored.get(program, ())) >= FEW_INPUTS \
            else self.own_key_words.get(program, set()) & self._key_word_set
        return len(words) > 1 and any((w in QUESTION_WORDS or w in asks) and w not in own for w in words)

    # -- readings -----------------------------------------------------------------------------------
    def readings_of(self, prompt: str, templates: list[Template]) -> list[Reading]:
        """The prompt's readings as typed, and, when some word looks like a misspelt request word
        ("plurl"), the readings of the corrected prompt too: the scores choose ("Seatle" is a
        city's misspelling, not a request word's)."""
        out = self.readings(prompt, templates)
        spelt = _APOSTROPHE_LESS.sub(lambda m: m.group(0)[:-1] + "'s", prompt)
        if spelt != prompt:  # "whats MFA" as "what's MFA": the embedding sets them apart (0.48 against 0.64)
            seen = {r.signature for r in out}
            out += [r for r in self.readings(spelt, templates) if r.signature not in seen]
        fixed, notes = self.correct_key_words(prompt)
        if fixed != prompt:
            seen = {r.signature for r in out}
            for r in self.readings(fixed, templates):
                if r.signature not in seen:
                    r.corrections = list(notes)
                    out.append(r)
        return out

    def stored_vectors(self, texts: list[str]) -> dict[str, np.ndarray]:
        """The texts that are a stored phrasing word for word ("plural of", a template's key), with the
        vector stored for it: a query need not embed what the database holds (half the texts of
        "superlative of good")."""
        if self._vector_of_key is None:
            self._vector_of_key = {t: self.key_vectors[i] for i, t in enumerate(self.key_texts)}
        return {t: self._vector_of_key[t] for t in texts if t in self._vector_of_key}

    def worth_reading(self, readings: list[Reading]) -> list[Reading]:
        """The readings worth embedding: all of them, unless one is a stored key word for word with
        inputs its program stores ("what's the capital of Peru?"); then a span or a cut of the prompt
        cannot beat it, and only the template, whole and marked readings are read (a query embeds
        half the texts: docs/performance.md)."""
        def word_for_word(r: Reading) -> bool:  # no other words but "what's the": "Q: capital of Chile;
            # nationality of Chile" is no "nationality of {word}"
            other = {w for w in words_of(r.key) if len(w) > 1} - set(words_of(r.template or ""))
            return not other - STOP - EDGE_NOISE

        # (nor one that left talk out: "capital of peru? also currency of peru" is read whole, two requests)
        sure = any(r.method == "template" and r.inputs and not r.corrections and not r.dropped and
                   word_for_word(r) and all(i.strip().lower() in self.stored.get(r.template_program, {})
                                            for i in r.inputs)
                   for r in readings)
        return [r for r in readings if r.method in ("template", "whole", "explicit")] if sure else readings

    def readings(self, prompt: str, templates: list[Template]) -> list[Reading]:
        """The prompt's readings as typed (readings.propose)."""
        return propose(prompt, templates, lambda p: self.lengths.get(p, (1, 1000))[1] <= 12, self._text_names)

    # -- scoring ------------------------------------------------------------------------------------
    def column_of(self, program: str) -> int:
        """The program's column in key_scores()."""
        return int(np.flatnonzero(self.has_keys == self.programs.index(program))[0])

    def key_scores(self, vectors: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Per reading and program, the best cosine to its phrasings; and every phrasing's cosine
        (which phrasing matched is looked up for the contending programs only: _matched_phrasings)."""
        sims = vectors @ self.key_vectors.T
        return np.maximum.reduceat(sims, self.starts, axis=1), sims

    def _uncontradicted(self, c: int, row: np.ndarray, typed: np.ndarray | None, text: str) -> tuple[float, int]:
        """Program column c's best phrasing for a request (and the prompt as typed) among those
        that do not say the opposite action (wording.contradicts), and its index; when every one
        does, the best of them worth CONTRADICTED of its cosine: "turn on the bedroom light" is no
        request for lights-off, however near its "turn the bedroom lights off"."""
        start = self.starts[c]
        end = self.starts[c + 1] if c + 1 < len(self.starts) else row.shape[0]
        scores = row[start:end] if typed is None else np.maximum(row[start:end], typed[start:end])
        fine = [j for j in range(end - start) if not contradicts(text, self.key_texts[start + j])]
        if fine:
            j = max(fine, key=lambda j: scores[j])
            return float(scores[j]), start + j
        j = int(np.argmax(scores))
        return float(scores[j]) * CONTRADICTED, start + j

    def _opposed(self, program: str, request: str) -> bool:
        """Does the request say an action whose opposite the program's own keys and name say
        (wording.opposes)? Its words are read once per program."""
        if program not in self._action_words:
            words = set(words_of(program.replace("-", " ").replace("_", " ")))
            for text in self._key_texts_of(program):
                words |= set(words_of(text))
            self._action_words[program] = words
        return opposes(request, self._action_words[program])

    def _key_texts_of(self, program: str) -> list[str]:
        """The program's stored phrasings (its keys, and the library's labelled requests for it)."""
        return [self.key_texts[j] for j in np.flatnonzero(self.key_programs == self.programs.index(program))]

    def _matched_phrasings(self, sims: np.ndarray, c: int) -> np.ndarray:
        """Per reading, the index of program column c's phrasing it matched best."""
        end = self.starts[c + 1] if c + 1 < len(self.starts) else sims.shape[1]
        return self.starts[c] + np.argmax(sims[:, self.starts[c]:end], axis=1)

    def choose(self, readings: list[Reading], vectors: np.ndarray, whole_vector: np.ndarray,
               shortlist: int = 4) -> tuple[list[Choice], float]:
        """Every (program, reading) scored, best first, and the prompt's best similarity to a stored
        out-of-scope prompt (0 when none are stored)."""
        best, sims = self.key_scores(vectors)
        # An intent is matched by the prompt as typed too: its phrasings are whole prompts, "I want
        # a refund", whose "I want" the whole reading leaves out as talk ("i want my money back")
        typed_all = whole_vector[None, :] @ self.key_vectors.T if self._intents else None
        typed = np.maximum.reduceat(typed_all, self.starts, axis=1) if self._intents else None
        whole = next((r.key for r in readings if r.method == "whole"), "")
        prompt = max((r.key for r in readings if r.method == "whole"), key=len, default="")
        marked_texts = {(r.key.lower(), i) for r in readings if r.method == "explicit" for i in r.inputs}
        # the phrases a template took whole ("plural of {our new product line}"): a word picked out of
        # one, other words of it left behind, is no input ("plural of our new line": `product`)
        phrases = [i.lower().split() for r in readings if r.method == "template" for i in r.inputs if " " in i.strip()]
        said = {without_marks(w) for w in {w for r in readings for w in words_of(r.key)} | set(words_of(prompt))}
        refused = vectors @ self._refused_vectors.T if self._refused_texts else None
        choices: list[Choice] = []
        for c in self._contenders(np.vstack([best, typed]) if self._intents else best):
            phrasing = self._matched_phrasings(sims, c)
            program = self.programs[self.has_keys[c]]
            kind = self.kinds.get(program)
            column = best[:, c]
            for r in np.argsort(-column)[:shortlist * 3]:
                reading = readings[r]
                key_score = float(column[r])
                if kind in ("vector", "fewshot") and program not in self.learned and self._opposed(program, reading.key):
                    key_score *= OPPOSED  # the request says the opposite of what the user's program does
                if kind == "fewshot" and reading.method == "span" and self._cut_from_marked(reading, marked_texts):
                    continue
                if kind == "vector" and reading.method == "span" and phrases and self._inside_phrase(program, reading, phrases):
                    continue
                if kind == "vector" and self._other_class(program, reading.key):
                    continue
                label = reading.method == "explicit" and len(reading.inputs) == 1 and \
                    self._label_before_colon(program, reading.key)
                if label:  # "make this more casual? Update: our hours …": the colon is the text's own
                    reading = _with_label(reading, label, prompt)
                if reading.method in ("explicit", "span") and len(reading.inputs) > 1 and (
                        (reading.method == "explicit" and (self.takes_texts(program) or program in self.rewriters)) or (
                        program in self.lists_stored and not all(is_name(i.split()) or " " not in i for i in reading.inputs))):
                    # a marked text with commas is one text to rewrite, not a list (names and words are); a
                    # program whose own inputs hold commas takes "ticket language? Goedemiddag, mijn facturen
                    # kloppen niet" whole, marked or not
                    continue
                if len(reading.inputs) == 2 and program in self.answers_names and program not in self.learned \
                        and "," not in whole and not self._stores_all(program, reading.inputs):
                    continue  # "who wrote pride and prejudice": one title, not two books
                if reading.method == "explicit" and len(reading.inputs) > 1 and _ONE_TEXT.search(reading.key):
                    continue  # "make this a tweet: Cork yoga mats, non-slip": "this" points at one text
                if reading.inputs and reading.method in ("span", "cut") and _DANGLING.search(whole) and \
                        all(self._own_word(program, i) for i in reading.inputs):
                    continue  # "past tense of" gives no input: "tense" is the request's own word
                if kind in ("intent", "negative"):
                    # An intent takes the whole prompt (its slots are tagged later): a reading that
                    # leaves words out would route what is left ("reset my router password" read
                    # "reset my password", account-login at 1.00).
                    if reading.method != "whole" and not whole_clauses(reading.key, whole) and \
                            not drops_only_values(reading.key, whole):
                        continue
                    fit, inputs, notes = 1.0, [], []
                    if reading.method == "whole":
                        key_score = max(key_score, float(typed[0, c]))
                    if kind == "intent" and set(words_of(reading.key)) & OPPOSITE.keys():
                        key_score, matched = self._uncontradicted(c, sims[r], typed_all[0] if reading.method == "whole"
                                                                  else None, reading.key)
                        phrasing[r] = matched
                elif not reading.inputs:
                    fit, inputs, notes = NO_INPUT_FIT, [], []
                else:
                    fit, inputs, notes = self._fit_all(program, reading.inputs, reading.quoted,
                                                       marked=(reading.method == "explicit" or reading.quoted)
                                                       and kind == "fewshot", prompt=whole)
                    if reading.method == "span" and self.lengths.get(program, (1, 1))[1] > 12 and \
                            not _points_then_text(reading, whole):
                        fit = min(fit, 0.6)  # a few words picked out of a prompt are seldom the text to rewrite
                    if reading.method in ("span", "cut") and self.takes_phrases(program) and program not in self.learned \
                            and (_ASKS_A_QUESTION.match(whole) or _ASKS_WHY.search(whole)) \
                            and not _points_then_text(reading, whole) \
                            and not reading.quoted and not all(_CODE.fullmatch(i.strip()) for i in reading.inputs) \
                            and not (key_score >= OWN_KEY and self.lengths.get(program, (2, 2))[0] == 1 and
                                     all(" " not in i.strip() for i in reading.inputs)):
                        # (a word, though, asked by a phrasing word for word, of a glossary that stores words beside its
                        # phrases: "what's refund in italian" of "{word} in italian"; not "how long can an iOS button label be")
                        # ...and out of a question, never, for a user's program of texts: "what are the pros
                        # and cons of shopify vs etsy" is no review for review-pros-cons (a quoted text
                        # or a code is asked about: "how would you explain TOKEN_EXPIRED to a customer")
                        fit = 0.0
                    if kind == "fewshot" and reading.method == "span" and " " not in reading.key.strip() and \
                            len(inputs) == 1 and len(inputs[0].split()) >= 2 and \
                            inputs[0].strip().lower() not in self.stored.get(program, {}):
                        # One word beside a phrase, unmarked, names a thing, not a request:
                        # "french fries recipe", "capitalization rules for titles" ("french: good night" is marked)
                        fit = min(fit, BARE_KEY_FIT)
                    if reading.method in ("span", "cut") and len(inputs) == 1 and len(inputs[0].split()) >= 2 and \
                            self._translates(program) and _language_before(reading.inputs[0], whole):
                        # a language word just before a phrase is its adjective: "french press vs pour over
                        # coffee", "german shepherd puppies for sale" (not "french: good night", marked)
                        fit = min(fit, BARE_KEY_FIT)
                # A colon or quotes mark the input for any program; a template only for its own.
                marked = reading.method == "explicit" or (reading.method == "template" and
                                                          reading.template_program == program)
                # (the program's own template that marks its text with a colon marks it as a colon does:
                # "extract the order number: {text}" takes "pls cancel order 99812")
                if kind == "fewshot" and marked and (reading.method == "explicit" or reading.quoted or
                                                     _COLON_SLOT.search(reading.template or "")):
                    # An LLM runs it on whatever the user marked: a word program's examples do
                    # not make a sentence to translate a poor input.
                    fit = max(fit, MARKED_FIT)
                elif kind == "fewshot" and marked and len(inputs) == 1 and self._phrase_in_template(program, inputs[0]):
                    fit = max(fit, TEMPLATE_PHRASE_FIT)  # "how do you say {word} in French" takes "thank you"
                # (a clause of talk beside a request the program holds word for word, before the text's colon,
                # costs nothing: "soften this reply, customer is upset: …" is a support lead's own "soften this
                # reply: {text}"; a list's other items are no talk: "superlatives of small, hot and funny")
                talk = 0.0 if key_score >= EXACT and reading.method == "explicit" else \
                    min(DROP_COST * reading.dropped, 4 * DROP_COST)
                score = key_score - FIT_WEIGHT * (1.0 - fit) + (EXPLICIT_BONUS if marked else 0.0) - talk
                if reading.method == "explicit" and self._named[program].search(reading.key):
                    score += NAMED_BONUS
                chosen = Reading(reading.key, inputs, reading.method, reading.template, reading.template_program,
                                 reading.slots, reading.corrections + notes, reading.dropped, reading.quoted)
                named = self._target_named.get(program)
                targeted = named is not None and fit >= FIT_FLOOR and bool(named.search(reading.key)) and \
                    (reading.method == "explicit" or (_points_then_text(reading, whole) and
                                                      bool(_POINTED_AT.search(reading.key))))
                choices.append(Choice(program, chosen, key_score, fit, score,
                                      self.key_texts[phrasing[r]], reading.corrections + notes, targeted=targeted))
                if refused is not None and program not in self.learned and reading.inputs:
                    like = int(np.argmax(refused[r]))
                    choices[-1].like_refused = (float(refused[r, like]), self._refused_texts[like])
        # A library translator is asked in its language: "what time is it in madrid" is none (another
        # language named is refused as such: "dog in polish"; a code names one: "de: glove")
        unnamed_languages = set() if said & _ANY_LANGUAGE or _LANGUAGE_CODE.match(prompt) else \
            {p for p in {ch.program for ch in choices}
             if p in self.learned and self._translates(p) and (not said & self._language_words(p) or (
                 # a country alone names its language only for a word to say: "how do you say hi in germany",
                 # not "what's the weather in germany"
                 not said & (self._language_words(p) - self._countries_speaking(p)) and not said & _SAYING))
             # ...and so is a user's, unless by its own key word for word or by its language's code ("es macro: …"):
             # "whats the weather in seoul" is no Korean learner's english-korean of "weather"
             or (self.own_translator(p) and not self._own_languages_of(p) & {LANGUAGE_OF_CODE.get(w) for w in said})}
        asked: dict[tuple[str, str], tuple[str, str, str]] = {}  # (program, request) -> (back, elsewhere, unheld)
        manners: dict[str, list[str]] = {}  # request -> its manner words, read once for every program
        for ch in choices:
            # what the request asks, read on the prompt without its text ("rewrite as a regular sentence,
            # not a headline: …" is also read `not a headline`), or whole when its inputs are words
            prompt_or_key = _without_texts(prompt, ch.reading.inputs)
            if (ch.program, prompt_or_key) not in asked:
                # a short request is read whole: "singular of cacti" also read as `singular` of "plural of"
                way_back = self._way_back_of(ch.program)
                back = way_back.asks_back(prompt_or_key, prompt) if way_back is not None else ""
                if back and self._in_own_keys(ch.program, back):
                    back = ""  # a copywriter's key "de-jargon: {word}" asks jargon-buster, not to undo it
                back = back or self._asks_another_question(ch.program, prompt) or \
                    self._names_another_language(ch.program, prompt_or_key)
                elsewhere = self._asks_unserved(ch.program, prompt_or_key) if self._unserved is not None and \
                    not back else ""
                unheld = ""
                if prompt_or_key != prompt and self._reads_manner(ch.program):
                    if prompt_or_key not in manners:
                        manners[prompt_or_key] = manner_words(prompt_or_key)
                    unheld = self._unheld(ch.program, manners[prompt_or_key])
                asked[ch.program, prompt_or_key] = back, elsewhere, unheld
            ch.back, ch.elsewhere, ch.unheld = asked[ch.program, prompt_or_key]
            if ch.back:  # "translate 'papillon' to English", "singular of cacti": not english-french's, plural's
                ch.fit, ch.score = 0.0, ch.score - FIT_WEIGHT * ch.fit
            ch.unnamed = ch.program in unnamed_languages and (ch.program in self.learned or ch.key_score < EXACT)
            if ch.program in self.opposites and self._asks_less(ch.program, ch.reading.key):
                # "less formal pls", "too formal, fix it", "informal": the key's words are formal's,
                # the request is for its opposite (MiniLM puts "informal" beside "formal").
                ch.program = self.opposites[ch.program]
        self._prefer_named(choices)
        self._prefer_key_owner(choices)
        choices = self._prefer_text_takers(choices)
        self._prefer_who_stores(choices)
        self._prefer_whole_template(choices)
        # Scores equal but for float noise tie: "french translation of" then beats "french" (1.0 each).
        choices.sort(key=lambda ch: (-round(ch.score, 6), -round(ch.key_score, 6), -len(ch.reading.key)))
        return choices, self._negative(choices, whole_vector)

    def _negative(self, choices: list[Choice], whole_vector: np.ndarray) -> float:
        """The prompt's cosine to the nearest stored out-of-scope prompt. One that is the leading
        reading's own request, when its program is a user's unfitted one, is no longer out of scope:
        "what language do brazilians speak in brazil" once the user adds country-language is near
        the library's out-of-scope "what language do they speak in Brazil", which is that program's
        key asked of the prompt's input (one more text embedded, only then). A prompt the user's fit
        labelled out of scope stays so, however near their program's key it is."""
        if not len(self.negatives):
            return 0.0
        sims = self.negatives @ whole_vector
        top = _first_fitting(choices) if choices else None
        # (an intent takes no input: its phrasing alone is what it claims; a bank's transfer_money was refused
        # as the library's out-of-scope "transfer …", 0.83 against its own 0.826)
        claims = top is not None and top.program not in self.learned and \
            (bool(top.reading.inputs) or self.kinds.get(top.program) == "intent")
        if claims and self._embed is not None and sims.max() >= CLAIM_CHECK:
            request = f"{top.key} {top.reading.inputs[0]}" if top.reading.inputs else top.key
            asked = np.asarray(self._embed([request]))[0]
            # (not one the user labelled out of scope: "when was the radio invented" beside their inventors)
            sims = np.where((self.negatives @ asked >= CLAIMED) & ~self.fit_negatives, -1.0, sims)
        return float(sims.max())

    def labelled_out_of_scope(self, whole_vector: np.ndarray) -> bool:
        """Is the prompt, word for word, one the user's fit labelled out of scope?"""
        labelled = self.negatives[self.fit_negatives] if len(self.negatives) else self.negatives
        return bool(len(labelled)) and float((labelled @ whole_vector).max()) >= LABELLED

    def _phrase_in_template(self, program: str, text: str) -> bool:
        """A few words a program's own template took, as a phrase: no talk or joining word at their
        edges ("fire as an" of "{word} as an emoji"), none of the program's request words ("status
        code 401" of "what does {word} mean"), no list ("red, blue and green" is three inputs)."""
        if self._asks_to_translate(program, text):
            return len(text.split()) <= MAX_QUESTION_WORDS  # "how do you say {word} in Spanish": what time is it
        if self._not_its_shape(program, text):
            return False  # "port of call" of "port {word}": a program of numbers takes no word
        words = text.lower().split()
        own = [w for w in plain_words(text) if w not in PRONOUNS]  # (a phrase's pronouns are its own: "i love you")
        if self._translates(program):  # a phrase to translate holds any words but the translator's own request's
            asks = any(w in QUESTION_WORDS or w in self.own_key_words.get(program, ()) for w in own)  # ("thank you very much")
        else:
            asks = self._request_words(program, " ".join(own))
        return 0 < len(words) <= MAX_SPAN_WORDS and words[0] not in PHRASE_EDGES and words[-1] not in PHRASE_EDGES \
            and not asks and not list_items([text])

    @staticmethod
    def _cut_from_marked(reading: Reading, marked_texts: set[tuple[str, str]]) -> bool:
        """Words cut out of the text the user marked, by the same request: "make this polite: stop
        emailing me" read as `stop emailing`. A text program takes the marked text whole. (A span
        whose request is inside the marked text is another reading: "for my book: which state has
        Mammoth Cave National Park?")"""
        key = reading.key.lower()
        if any(k == key and i in text and i != text for i in reading.inputs for k, text in marked_texts):
            return True
        # nor, where the marked text's request asks to rewrite it, a request made of the text's own words:
        # "rewrite in our house style: Ticket escalated. Await further communication." read as `Ticket
        # communication` of a ticket-language program
        said = words_of(key)
        return any(set(words_of(k)) & _ASKS_REWRITE and said and set(said) <= set(words_of(text))
                   and all(i.lower() in text.lower() for i in reading.inputs) for k, text in marked_texts)

    def _asks_less(self, program: str, key: str) -> bool:
        """The key asks for less of the program ("less formal", "informal"), not less of its opposite."""
        other = self.opposites[program]
        return bool(self._less_of[program].search(key)) and not (
            other in self._less_of and self._less_of[other].search(key))

    def _inside_phrase(self, program: str, reading: Reading, phrases: list[list[str]]) -> bool:
        """The reading's one input is words from the middle of a phrase a template took, with words
        on both sides that are more than stop words, talk and the program's request words ("new
        product line"; not "'crisis' for my essay", "make pretty"), or, for a user's program, the start
        of one that goes on at once ("the godfather part ii")."""
        if len(reading.inputs) != 1:
            return False
        words = reading.inputs[0].lower().split()
        own = self.own_key_words.get(program, set())
        real = lambda side: sum(w not in STOP and w not in FILLER and w not in own for w in side)  # noqa: E731
        for phrase in phrases:
            for i in range(0, len(phrase) - len(words) + 1):
                if phrase[i:i + len(words)] != words:
                    continue
                after = phrase[i + len(words):]
                if i == 0:
                    # at the start, for a user's program, a name that the phrase goes on from, no joining
                    # word between: "the godfather part ii" is no stored The Godfather ("jaws for my class" is)
                    if after and real(after[:1]) and program not in self.learned:
                        return True
                elif (after and real(phrase[:i]) and real(after)) or (not after and real(phrase[:i]) >= 2):
                    return True  # (at the end, after two words of the phrase: "our new product line")
        return False

    def _other_class(self, program: str, key: str) -> bool:
        """Does the request ask for a word class the program's phrasings never name ("noun form of")?"""
        return bool(_classes_asked(key) - self.classes_named.get(program, set()))

    def _in_own_keys(self, program: str, words: str) -> bool:
        """Are these words in one of a user's program's own keys, as typed there?"""
        if program in self.learned:
            return False
        pattern = re.compile(r"(?<!\w)" + re.escape(words) + r"(?!\w)", re.I)
        return any(pattern.search(t) for t in self._key_texts_of(program))

    def _names_another_language(self, program: str, request: str) -> str:
        """The language a request names where a user's program of one language is not asked: "whats
        Settings in french ui" is no ui-terms-de's (named by its code, or a language in its name or
        keys), however the request is worded ("french ui term for Upload" got the German, sure)."""
        if program in self.learned:
            return ""  # (the library's translators: their way back and unnamed_languages)
        own = self._own_languages_of(program)
        named = [ENDONYMS.get(w, w) for w in words_of(request) if w in _ANY_LANGUAGE and w != "english"]
        return named[0] if own and named and not own & set(named) else ""

    def words_left_before(self, prompt: str, inputs: list[str], program: str) -> dict[str, str]:
        """Each input read with a word of its own left before it in the request, none of the program's
        phrasings' nor a word of talk: "eastern" of "capital of the eastern roman empire" (input -> word)."""
        said = self._said_or_named(program)
        found = {}
        for text in inputs:
            m = re.search(r"([^\W\d_]+)\s+" + re.escape(text.strip()) + r"(?!\w)", prompt, re.I) if text.strip() else None
            word = m.group(1).lower() if m else ""
            # (nor a request word shortened: "school dist avery ranch" of "school district")
            if len(word) > 2 and word in self.word_rank and not any(w.startswith(word) for w in said) and \
                    word not in _REQUEST_TALK and word not in FUNCTION_WORDS and word not in _INTENSIFIERS \
                    and word not in LANGUAGES and word not in WORD_CLASSES and \
                    word.removesuffix("s") not in WORD_CLASSES:  # ("comparative of the adverb well")
                found[text] = word
        return found

    def of_a_language(self, program: str) -> bool:
        """Is the program a user's of a language other than English, by its name or keys (korean-english)?"""
        return program not in self.learned and self.kinds.get(program) in ("vector", "fewshot") and \
            bool(self._own_languages_of(program) - {"english"})

    def own_translator(self, program: str) -> bool:
        """Is the program a user's translator: of a language other than English that every one of its phrasings
        names (english-korean's "{word} in korean"; not a spanish-preterite asked "preterite of {word}")?"""
        if program not in self._translators:
            languages = self._own_languages_of(program) - {"english"}
            self._translators[program] = program not in self.learned and \
                self.kinds.get(program) in ("vector", "fewshot") and bool(languages) and \
                all(languages & {LANGUAGE_OF_CODE.get(w, w) for w in words_of(k)} for k in self._key_texts_of(program))
        return self._translators[program]

    def _own_languages_of(self, program: str) -> set[str]:
        """The languages a program's name says, by name or code (a localiser's ui-terms-de), and a
        user's program's keys ("german term for {text}"), read once per program."""
        if program not in self._own_languages:
            parts = {LANGUAGE_OF_CODE.get(w, w) for w in name_parts(program)}
            if program not in self.learned:
                parts |= self.own_key_words.get(program, set())
            self._own_languages[program] = parts & set(LANGUAGES)
        return self._own_languages[program]

    def _way_back_of(self, program: str) -> WayBack | None:
        """The program's way back (a word or a text program's), built once: its card's reverse words,
        and the languages it is not asked in (_own_languages_of)."""
        if program not in self._way_back:
            if self.kinds.get(program) not in ("vector", "fewshot"):
                return None
            own = self._own_languages_of(program)
            self._way_back[program] = WayBack(program, list(self._reverses.get(program, [])),
                                              tuple(w for w in LANGUAGES if w not in own))
        return self._way_back[program]

    def _label_before_colon(self, program: str, key: str) -> str:
        """The words before a colon end in a label that starts the text ("Update", "Reminder", "Meet
        Ember Roast"), after a request that ended ("…more casual? Update: …", "make this formal please
        Reminder: …"): a capitalised word or three after a sentence's end or a please, none of them
        the program's request words ("Hey! Rewrite this formally: …" marks its text)."""
        m = _LABEL_TAIL.search(key)
        label = m and (m.group(1) or m.group(2))
        if not label or set(words_of(label)) & self.own_key_words.get(program, set()) or \
                self._named[program].search(label) or label.lower() in TALK or _FIELD_NAME.fullmatch(label):
            return ""
        return label

    def _asks_unserved(self, program: str, text: str) -> str:
        """What the text asks for that is some program's way back and none of this program's name
        words ("in dense legalese" for formal; "in plain english" is still plain-english's)."""
        m = self._unserved.search(text)
        if not m:
            return ""
        asked = m.group(0).lower()
        return "" if any(w in asked for w in name_parts(program) if len(w) >= 3) else m.group(0).strip()

    def _reads_manner(self, program: str) -> bool:
        """Is the program one whose request's manner words are read (_unheld)? The library's text
        programs only: their phrasings are many, a user's one key says too little."""
        return program in self.learned and self.kinds.get(program) == "fewshot"

    def _unheld(self, program: str, asked: list[str]) -> str:
        """The words saying how to rewrite the text (`asked`, wording.manner_words), when none of them
        is the program's: in none of its phrasings, no form of a word there ("plainer", "polished")
        and no slip of one. "make this shorter: …" is near formal's "make this more formal", and
        "make it sound old-fashioned: …" near casual's "make it sound relaxed", but neither asks for
        what they do."""
        own = self._phrasing_words.get(program, set())
        if not asked or any(_holds_word(own, w) for w in asked):
            return ""
        return " ".join(asked)

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
        of") and answered Wakanda, sure, because country-capital's input fit was poor. And an input
        that fits no input of a program its key matches nearly word for word (UNFIT_OWNER_KEY) fits
        no lookalike further behind either: "what is the capital gains tax rate" is no
        capitalising of "gains tax rate"."""
        owner: dict[tuple, Choice] = {}
        near: dict[tuple, Choice] = {}
        for ch in choices:
            sig = ch.reading.signature
            if ch.key_score >= OWN_KEY and (sig not in owner or ch.score > owner[sig].score):
                owner[sig] = ch
            if ch.key_score >= UNFIT_OWNER_KEY and (sig not in near or ch.key_score > near[sig].key_score):
                near[sig] = ch
        for ch in choices:
            top = owner.get(ch.reading.signature)
            if top is not None and ch.key_score < OWN_KEY - OWNER_GAP and ch.score >= top.score:
                ch.score = top.score - 1e-6
            matched = near.get(ch.reading.signature)
            if matched is not None and matched.fit < FIT_FLOOR and ch.key_score < matched.key_score - OWNER_GAP:
                ch.fit = min(ch.fit, matched.fit)

    def _prefer_whole_template(self, choices: list[Choice]) -> None:
        """A user's own template that reads every word of the request, its input fitting, beats a
        reading that leaves words out as talk: "what does succeed mean in spanish" is a student's "what
        does {word} mean in spanish" of succeed, not "{word} in spanish" of 'mean' with "what does
        succeed" dropped."""
        whole = [ch for ch in choices if ch.reading.method == "template" and ch.reading.template_program == ch.program
                 and ch.program not in self.learned and ch.key_score >= EXACT and not ch.reading.dropped
                 and ch.fit >= FIT_FLOOR]
        if not whole:
            return
        best = max(ch.score for ch in whole)
        for ch in choices:
            if ch.reading.dropped and ch.score >= best:
                ch.score = best - 1e-6

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
        return bool(self._named[program].search(key)) or bool(self._direction.get(program, set()) & set(words_of(key)))

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
            stores = self._stores_all(ch.program, ch.reading.inputs)
            read.append((ch, ins, stores))
            if stores:
                storing[ins] = max(storing.get(ins, 0.0), ch.key_score)
        for ch, ins, stores in read:
            # (a stored name of several words is evidence for a word program too: "Rocky Mountain
            # National Park" is no city)
            close = STORED_NAME_KEYS if any(" " in i for i in ins) else CLOSE_KEYS
            if not stores and ins in storing and storing[ins] >= ch.key_score - close \
                    and (self.kinds.get(ch.program) != "vector" or any(" " in i for i in ins)):
                ch.score -= STORED_ELSEWHERE
            # An input one of the user's programs stores, asked in words near its keys, is that program's,
            # not another of theirs that does not store it: "what category is FN-2003" is their sku-category's
            # (key match 0.60), not product-category's, whose key matched whole; "what means 'embarazada' in
            # english?" is false-friends', not phrasal-verbs' ("meaning of {phrase}")
            elif stores and ch.program not in self.learned and ch.key_score >= OWN_STORED_KEYS and \
                    any(o.reading.inputs == ch.reading.inputs and not o_stores and o.program not in self.learned
                        and o.score > ch.score for o, _, o_stores in read):
                ch.score = max(o.score for o, i, _ in read if i == ins) + STORED_ELSEWHERE
        # An input the user quoted and their program stores is the one meant, of its readings and their other
        # programs': "whats the italian for 'quote' (the price one)" read "price" (0.74), or a rewriter's whole
        # "quote (the price one" (0.73), over the quoted, stored quote (0.71)
        for ch, ins, stores in read:
            if stores and ch.reading.quoted and ch.program not in self.learned and ch.key_score >= OWN_STORED_KEYS:
                ch.score = max(ch.score, max(o.score for o, _, _ in read if o.program not in self.learned) + 1e-6)
        # ...and an input stored whole beats its pieces read as a list, the key alike: "w/d meaning" is an estate
        # agent's stored W/D, not "w" and "d"
        pieces: dict[tuple[str, str], list[tuple[float, tuple]]] = {}  # (program, key) -> readings of a list not stored
        for ch, ins, stores in read:
            if not stores and len(ins) > 1:
                pieces.setdefault((ch.program, ch.reading.key), []).append((ch.score, ins))
        for ch, ins, stores in read:
            if stores and len(ins) == 1:
                split = [score for score, parts in pieces.get((ch.program, ch.reading.key), ())
                         if score >= ch.score and all(p in ins[0] for p in parts)]
                if split:
                    ch.score = max(split) + 1e-6
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
            # ...and a stored input is no more than it, read nearly as well: "which dept does the paralegal sit in"
            # read "paralegal sit" (0.775) over the stored Paralegal (0.774)
            # (of a program of words, one word more: a phrase to translate is whole, "welcome to the team")
            elif stores and ch is not top and top.score - ch.score <= STORED_PART_TIE and \
                    self.kinds.get(ch.program) == "vector" and not self._stores_all(top.program, top.reading.inputs) and \
                    _part_of(ch.reading.inputs, top.reading.inputs) and \
                    sum(len(i.split()) for i in top.reading.inputs) == sum(len(i.split()) for i in ch.reading.inputs) + 1:
                ch.score = top.score + 1e-6

    def _none_close(self, top: Choice, choices: list[Choice], threshold: float) -> str:
        """Why nothing was taken when the reading taken matches no key: nothing is close, or a key
        matched but with no input that fits ("what does km stand for and what does kg stand for")."""
        matched = max(choices, key=lambda ch: ch.key_score)
        threshold = self._threshold(matched.program, threshold)  # its own: a user's program's is lower
        if matched.back and matched.key_score >= threshold:
            return self._unfit_said(matched, choices)
        if matched.key_score >= threshold and matched.fit < FIT_FLOOR:
            # (which words matched, when they are not the whole request: "fix the grammar: Me and him goes
            # to the shop yesterday" read as previous-item, by 'the day before'-like words a user cannot guess)
            # (said in plain words: a weather question's refusal read "no reading of the prompt both matches
            # its key and gives it an input that fits")
            words = matched.reading.key.strip(" ?.!:")
            said = f"its words '{words}' are" if matched.reading.inputs and words else "the request is"
            # (a program of texts takes any text: what it missed is a text marked as one)
            why = "none of its other words is an input that program takes"
            if self.takes_phrases(matched.program) and matched.program not in self.learned and words:
                why = "it reads as a question about what the program makes, and gives it no text" \
                    if ASKS_ABOUT.match(words) else \
                    f"none of its other words is marked as the text (a text goes after a colon: \"{words}: …\")"
            return (f"nothing stored answers this prompt: {said} like the phrasings of '{matched.program}' (key match "
                    f"{matched.key_score:.2f}), but {why}")
        # the closest key of all, as the candidates list it, unless it passed and lost on other grounds,
        # beside that program's own threshold (the library's 0.65, not a user's program's 0.60)
        best = matched if matched.key_score < threshold else top
        message = nothing_close(best.program, best.key_score, self._threshold(best.program, self._base_threshold))
        return message + (self._your_nearest(choices, best.program) if best.program in self.learned else "")

    def _unheld_refusal(self, top: Choice, choices: list[Choice]) -> str:
        return (f"the request reads as '{top.program}' (key match {top.key_score:.2f}), but none of its phrasings "
                f"asks for '{top.unheld}'" + self._your_nearest(choices, top.program))

    def _unfit_said(self, top: Choice, choices: list[Choice]) -> str:
        """_unfit's refusal, and beside a library program's the user's nearest ("catalogue in american
        english" read as english-spanish's way back, and the teacher's british-to-american went unnamed)."""
        return _unfit(top) + (self._your_nearest(choices, top.program) if top.program in self.learned else "")

    def _your_nearest(self, choices: list[Choice], refused: str) -> str:
        """A user's program beaten by the library's, said beside the library's refusal: its keys are the
        ones they can add to ("a one-line summary of this customer message" was refused as no request
        plain-english's phrasings hold, and their ticket-summary went unnamed)."""
        own = max((ch for ch in choices if ch.program not in self.learned), key=lambda ch: ch.key_score, default=None)
        if own is None or own.program == refused:
            return ""
        threshold = self._threshold(own.program, self._base_threshold)
        if own.key_score < threshold:
            # (a wording to add only for a program near enough to be meant: "what's the weather in Oslo" was
            # offered as a key of a researcher's uk-us, at 0.41)
            hint = self._wording_as_key(own, choices) if own.key_score >= threshold - HINT_REACH else ""
            return f"; your nearest program: {own.program} {below(own.key_score, threshold)}" + hint
        # its key passed, and its input's fit took the reading below ("0.62, below the threshold 0.60" read as a slip)
        if own.score < threshold:
            return (f"; your nearest program: {own.program} (key match {own.key_score:.2f}, its reading "
                    f"{below(own.score, threshold)})")
        # ...or past it, and another reason refused it ("its reading at 0.63, below the threshold 0.60" was said)
        inputs = ", ".join(f"'{i}'" for i in own.reading.inputs)
        return (f"; your nearest program: {own.program} (key match {own.key_score:.2f}"
                + (f", its input {inputs} fitting at {own.fit:.2f})" if inputs else ")"))

    def _wording_as_key(self, own: Choice, choices: list[Choice]) -> str:
        """The prompt as a phrasing of the user's program, its input a slot: what they can add for
        this wording to reach it ("can you soften this: {text}"; their three keys all said
        "friendlier", and the refusal named the program but not what to do)."""
        whole = _whole_key(choices)
        slot = "{text}" if self.kinds.get(own.program) == "fewshot" else "{word}"
        head, *text = _TEXT_AFTER_ASKED.split(whole, maxsplit=1) if slot == "{text}" else [""]
        if text and len(text[0].split()) >= 2:  # a text after a colon or a dash: "can you soften this: …"
            key = f"{head.strip()} {slot}" if head.rstrip().endswith("?") else f"{head.strip()}: {slot}"
        else:  # the input the reading found, where it is whole words of the prompt
            inputs = [i for i in own.reading.inputs if i.strip()]
            found = re.search(rf"(?<!\S){re.escape(inputs[0])}(?![\w'])", whole) if len(inputs) == 1 else None
            key = (whole[:found.start()] + slot + whole[found.end():]).strip() if found else ""
        if slot == "{text}" and not key.startswith(slot) and not key.endswith(slot):
            return ""  # (a text is at a request's end or start: "priority {text} class" is no phrasing)
        words = len(key.split())
        # (said as an if: the nearest program may be no kin of the request, "what's the weather in berlin"
        # beside a short-label, and the user knows whether it asks for it)
        # (two words beside the slot at least: "collective {word}" and "what {word}" would take in anything
        # that starts so, "collective worship rota", "what runs on port 5432")
        return f' (if it asks for {own.program}, add "{key}" to its keys for this wording to reach it)' \
            if 3 <= words <= MAX_SUGGESTED_KEY else ""

    def _threshold(self, program: str, threshold: float) -> float:
        """A program known only by its own few keys is judged by the default threshold: the seeded
        one was chosen for programs with dozens of labelled phrasings each."""
        if program in self._own:
            return self._own[program]
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
               words: int | None = None, learned_accept: bool = True,
               own: dict[str, float] | None = None) -> tuple[Choice, Retrieval]:
        """The reading taken, and its program, a blend of close ones, or "none" (with the reason).
        words: the prompt's length in words; with it, a program with labelled phrasings is
        accepted or refused by the learned rule (acceptance.py), other programs by the hand rules.
        own: programs' own thresholds (a user's fit on a seeded database), over `threshold`."""
        either = [ch for ch in choices if not self._neither_way(ch)]
        if len(either) < len(choices):  # "gender neutral word for chairman" is no male-to-female's (chairwoman, sure)
            neither = next(ch for ch in choices if self._neither_way(ch))
            if not either:
                return neither, Retrieval("none", [], _closest_keys(choices)[:5], threshold, _neither_said(neither))
            top, decision = self._taken(either, negative, threshold, margin, words, learned_accept, own)
            if decision.mode == "none" and neither.key_score > top.key_score:
                decision.message = _neither_said(neither)
                return neither, decision
        else:
            top, decision = self._taken(choices, negative, threshold, margin, words, learned_accept, own)
        like, labelled = top.like_refused
        if decision.mode != "none" and like >= REFUSED_REQUEST and like > top.key_score:
            # "what does the oboe do in an orchestra" after a music teacher's fit labelled "what does the cello do in
            # an orchestra" out of scope: the same request of another stored instrument (Woodwind, sure, before)
            return top, Retrieval("none", [], decision.candidates, decision.threshold, (
                f"it asks what '{labelled}' asks, of another input, which your fit labelled out of scope (request "
                f"match {like:.2f}, above its key match {top.key_score:.2f} to '{top.program}')"))
        return top, decision

    def _neither_way(self, choice: Choice) -> bool:
        """A request to a program of one way of two (male-to-female) for neither way, a word none of its
        phrasings says: "gender neutral word for chairman", "inclusive term for fireman"."""
        return choice.program in self.opposites and any(
            w in NEITHER_WAY and w not in self._said_by.get(choice.program, ()) for w in words_of(choice.reading.key))

    def _taken(self, choices: list[Choice], negative: float, threshold: float, margin: float,
               words: int | None, learned_accept: bool, own: dict[str, float] | None) -> tuple[Choice, Retrieval]:
        """decide's reading and decision, before a request the user's fit labelled out of scope is weighed."""
        self._own = own or {}
        self._base_threshold = threshold
        if self._own and any(ch.program in self._own and ch.fit >= FIT_FLOOR and ch.key_score >= self._own[ch.program]
                             for ch in choices):
            # a fitted program past its own threshold beats a library program short of the library's
            choices = [ch for ch in choices
                       if ch.program in self._own or ch.key_score >= self._threshold(ch.program, threshold)]
        top, decision = self._decide(choices, negative, threshold, margin, words, learned_accept)
        if decision.mode != "none" and top.unnamed:  # (refused when taken: it is no rival's lead to take away)
            decision = Retrieval("none", [], decision.candidates, decision.threshold,
                                 f"the request reads as '{top.program}', but names no language it translates into")
        held = (self._users_stored_input(choices, threshold) or self._users_own(top, choices, negative, threshold)) \
            if decision.mode == "none" and not top.back else None
        if decision.mode != "none" and self._by_part_of_its_name(top):
            # "schedule a meeting with dana for thursday 3pm" is no request for a product manager's
            # meeting-summary, whose name key "meeting summary" it matched at 0.62 through "meeting"
            head = words_of(key_from_name(top.program))[-1]
            return top, Retrieval("none", [], decision.candidates, threshold, (
                f"the request reads as '{top.program}' only through a word of its name (key match "
                f"{top.key_score:.2f} to '{top.key}'), and never says its '{head}'"))
        if decision.mode != "none" and self._by_its_name_apart(top):
            # "perfect score on the latin test, what grade is that" was a Latin teacher's latin-perfect (its name key
            # "latin perfect" at 0.79), compiled for "grade"
            return top, Retrieval("none", [], decision.candidates, threshold, (
                f"the request reads as '{top.program}' only through the words of its name, apart (key match "
                f"{top.key_score:.2f} to '{top.key}'), not through a phrasing of it"))
        verb = self._acts_unsaid(top, choices) if decision.mode != "none" else ""
        if verb:  # "open port 443 in the firewall" is no lookup in an engineer's ports table (443 -> https, sure)
            return top, Retrieval("none", [], decision.candidates, threshold, (
                f"the request asks to '{verb}', which none of the phrasings of '{top.program}' asks (key match "
                f"{top.key_score:.2f}): it looks up what it stores"))
        over = None
        if decision.mode != "none" and top.program in self.learned and top.program not in self._own:
            preferred = self._users_first(top, choices, threshold)
            held = preferred[0] if preferred[0] is not choices[0] else None
            over = top if held is not None and held.key_score < top.key_score else None
        if held is not None:  # the user's program alone: it is no blend with the library's it was preferred to
            taken = self._blend(held, [c for c in choices if c.program == held.program], threshold, margin,
                                _closest_keys(choices), accepted=True)
            if over is not None and taken.mode != "none":
                # (an app reads it from `message`: a program the user adds may take a request the library
                # served, "rewrite this casually: …" a friendlier rewrite, and nothing said so)
                why = f"the input fits yours better (fit {held.fit:.2f} against {over.fit:.2f})" \
                    if held.fit >= over.fit + FITS_BETTER else "yours is the one meant when nearly as close"
                taken.message = "; ".join(filter(None, [taken.message, (
                    f"your '{held.program}' (key match {held.key_score:.2f}) is taken over the library's "
                    f"'{over.program}' (key match {over.key_score:.2f}): {why}")]))
            return held, taken
        return top, decision

    def _decide(self, choices: list[Choice], negative: float, threshold: float, margin: float,
                words: int | None, learned_accept: bool) -> tuple[Choice, Retrieval]:
        candidates = _closest_keys(choices)
        matched, fitting = max(choices, key=lambda ch: ch.key_score), _first_fitting(choices)
        if matched.back and fitting.key_score < matched.key_score and not self._stores_inputs(fitting, threshold) and \
                not self._named[fitting.program].search(fitting.reading.key) and \
                not self._users_past_threshold(fitting, threshold):  # "french for weapon" names its program
            # the request is nearest a program it asks the way back of: another program only near
            # it is no answer ("convert this to all lowercase: …" is not headline-case's)
            return matched, Retrieval("none", [], candidates[:5], threshold, self._unfit_said(matched, choices))
        if self._resembles_only(matched, fitting):
            return matched, Retrieval("none", [], candidates[:5], threshold, self._unfit_said(matched, choices))
        if learned_accept and words is not None:
            top, values = self.evidence(choices, negative, words)
            if top.program in self.learned and self.kinds.get(top.program) in ("vector", "fewshot"):
                sure = acceptance.probability(values)
                # A key matched word for word with an input that fits is taken whatever the model
                # says: "Spanish for 'good morning'" is no near miss because some stored
                # out-of-scope prompt asks for a translation too.
                if top.back or (sure < acceptance.FLOOR and not (top.key_score >= EXACT and top.fit >= FIT_FLOOR)
                                and not top.targeted):
                    return top, Retrieval("none", [], candidates[:5], threshold,
                                          self._refusal(top, choices, negative, threshold, sure))
                if top.elsewhere and (top.key_score < threshold or self._asks_unsaid(top)):
                    return top, Retrieval("none", [], candidates[:5], threshold, _unserved_refusal(top, threshold))
                if top.unheld:
                    return top, Retrieval("none", [], candidates[:5], threshold, self._unheld_refusal(top, choices))
                verb = self._unsaid_verb(top) if top.key_score < threshold else ""
                if verb:  # "sort these numbers: 5, 3, 9, 1" is no next-item's, though its inputs fit
                    return top, Retrieval("none", [], candidates[:5], threshold, (
                        f"the request reads as '{top.program}' (key match {top.key_score:.2f}, below the threshold "
                        f"{threshold:.2f}), but it asks to '{verb}', which none of its phrasings asks"))
                if top.reading.key.strip(" ?.!,").lower() == "who" and top.reading.inputs:
                    # "who handles billing disputes" asks who does it, not what such a person is called: its
                    # one word "who" matched "someone who {word} is called", and a support lead's agents were
                    # answered "handler", sure ("what do you call someone who handles …" still asks)
                    return top, Retrieval("none", [], candidates[:5], threshold, (
                        f"the request asks who does something, a question about someone; '{top.program}' matched "
                        f"only its word 'who' (key match {top.key_score:.2f}) and gives the word for such a person "
                        f"(\"what do you call someone who …\")"))
                decision = self._blend(top, choices, threshold, margin, candidates, accepted=True)
                if decision.mode != "none" and top.key_score < threshold:
                    decision.accepted_sure = round(sure, 3)
                    decision.accepted = (f"the learned accept-or-refuse rule is {sure:.2f} sure (at least "
                                         f"{acceptance.FLOOR}) that it asks for '{top.program}': the reading taken matches "
                                         f"a key at {top.key_score:.2f}, its input fits at {top.fit:.2f}")
                return top, decision
        # The best reading whose inputs fit; the best of all only to say why nothing fits.
        top = _first_fitting(choices)
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
        named = self._named[top.program].search(top.reading.key) if top.reading.method == "explicit" else None
        # (a part of its name that the request points at is the text's noun, not the program's name: "rate
        # the sentiment of this ticket: …" does not ask for ticket-summary)
        asked_by_name = named is not None and not (
            top.program not in self.learned and " " not in named.group(0).strip() and "-" in top.program and
            _POINTED.search(top.reading.key[:named.start()]) is not None)
        if top.key_score < threshold and not asked_by_name:
            return top, Retrieval("none", [], candidates[:5], threshold, self._none_close(top, choices, threshold))
        if top.fit < FIT_FLOOR:
            return top, Retrieval("none", [], candidates[:5], threshold, self._unfit_said(top, choices))
        if top.elsewhere and top.key_score < threshold:
            return top, Retrieval("none", [], candidates[:5], threshold, _unserved_refusal(top, threshold))
        if top.unheld:
            return top, Retrieval("none", [], candidates[:5], threshold, self._unheld_refusal(top, choices))
        decision = self._blend(top, choices, threshold, margin, candidates)
        if asked_by_name and top.key_score < threshold and decision.mode != "none":  # say why (--explain, JSON)
            decision.accepted = f"the request names the program ('{named.group(0)}' of {top.program})"
        return top, decision

    def _users_stored_input(self, choices: list[Choice], threshold: float) -> Choice | None:
        """A user's program asked about an input it stores, typed as no common word is ("expand KPI" of
        a user's acronyms; not "group of geese": geese is a common word), its key matched at STORED_ASK
        or more though short of the threshold; or any input it stores, where the prompt as a whole
        matches its key past its own threshold ("where is stout from" of a user's beer-origin,
        refused as a national park's): the database answers what it holds. The best such choice, or None."""
        whole = {ch.program: ch.key_score for ch in choices if ch.reading.method == "whole"}
        for ch in choices:
            if ch.program in self.learned or self.kinds.get(ch.program) not in ("vector", "fewshot") or \
                    ch.key_score < STORED_NEAR or not ch.reading.inputs or ch.back:
                continue
            asked = STORED_QUOTED_ASK if ch.reading.quoted else STORED_ASK
            if (ch.key_score >= asked and self._holds_typed(ch) and not self._asks_of_it_unsaid(ch)) or \
                    (whole.get(ch.program, 0.0) >= self._threshold(ch.program, threshold) and
                     self._stores_all(ch.program, ch.reading.inputs)):
                return self._named_rival(ch, choices)
        return None

    def _named_rival(self, ch: Choice, choices: list[Choice]) -> Choice:
        """Of two of the user's programs storing the input typed, the one whose name the request says:
        "de translation of 'Back'" is ui-terms-de's, though ui-terms-fr's key came nearer (0.55 against 0.53)."""
        return next((c for c in choices if c.program != ch.program and c.reading.inputs == ch.reading.inputs and
                     c.program not in self.learned and c.key_score >= STORED_ASK and self._holds_typed(c) and
                     _says_name(c.program, c.reading.key) and not _says_name(ch.program, ch.reading.key)), ch)

    def _users_own(self, top: Choice, choices: list[Choice], negative: float, threshold: float) -> Choice | None:
        """A user's program past its own threshold, its input fitting, when the library program read
        on top was refused: "what language is spoken in spain" is a user's country-language's (its
        key "what language do they speak in {word}" at 0.75), though english-spanish's reading of
        "spoken" came first and was refused. Not when a stored out-of-scope prompt is nearer the
        prompt than its key is."""
        if top.program not in self.learned:
            return None
        for ch in choices:
            # (its input fitting well: "make a lesson plan about comparatives" is no collocation of a
            # teacher's make-or-do, whose key "make or do" the word "make" matched at 0.68)
            if self.kinds.get(ch.program) in ("vector", "fewshot") and ch.reading.inputs and \
                    self._users_past_threshold(ch, threshold) and ch.fit >= USERS_OWN_FIT and \
                    ch.key_score > negative and not ch.elsewhere and not ch.unheld:
                return ch
        return None

    def _stores_all(self, program: str, inputs: list[str], empty: bool = False) -> bool:
        """Does the program store every input (as typed, case aside)? `empty`: the answer for no inputs."""
        held = self.stored.get(program, {})
        return all(i.strip().lower() in held for i in inputs) if inputs else empty

    def _asks_of_it_unsaid(self, choice: Choice) -> str:
        """A word of the request, short of the threshold, that asks something of a stored input none of the
        program's phrasings or its name says: "what tyre pressure for 700x25c" of a mechanic's tyre-etrto
        (its stored 25-622 was answered, sure), "where can i buy a 29x2.2 tyre"; "" when none does
        ("expand KPI": asking verbs ask any lookup)."""
        said = self._said_or_named(choice.program)
        return next((w for w in words_of(choice.reading.key) if len(w) > 2 and w.isalpha() and w not in _REQUEST_TALK
                     and w not in said and w.removesuffix("s") not in said and w not in _ASKED_OF_ANY), "")

    def _said_or_named(self, program: str) -> set[str]:
        """Every word of the program's phrasings and of its name."""
        return self._said_by.get(program, set()) | set(name_parts(program))

    def _holds_typed(self, choice: Choice) -> bool:
        """Does the choice's program store every input, each typed as no common word is (KPI, Reykjavík)?"""
        held = self.stored.get(choice.program, {})
        if any(c.endswith(ANOTHERS_NAME) for c in choice.corrections):
            return False  # (no input typed: "which country has nairobi as its capital" read Kenya, a teacher's continents')
        return bool(choice.reading.inputs) and all(
            i.strip().lower() in held and (i.strip() != i.strip().lower() or
                                           self.word_rank.get(i.strip().lower(), 10 ** 9) >= TYPO_RANK)
            for i in choice.reading.inputs)

    def _users_first(self, top: Choice, choices: list[Choice], threshold: float) -> list[Choice]:
        """The choices with a user's program first where it is asked nearly as closely as the library
        program `top` that would answer (who added "formal-email" means theirs, not the library's
        formal), or stores the input as typed where `top` does not. Not where the library stores the
        inputs and the user's program does not (a user's small female-animal is no reason to guess
        what male-to-female stores). The choices unchanged when no user's program qualifies."""
        # (an input read as the country another program pairs it with stores nothing as typed: "demonym of
        # lisbon" is a user's city-demonym's, not nationality-adjective's Portugal)
        read_as_another = any(c.endswith(ANOTHERS_NAME) for c in top.corrections)
        library_stores = self._stores_all(top.program, top.reading.inputs, empty=True) and not read_as_another
        named = self._named[top.program].search(top.reading.key)  # "rewrite this casually": casual's
        library_key = max([top.key_score] + [c.key_score for c in choices if c.program == top.program
                                             and c.fit >= FIT_FLOOR and c.reading.inputs == top.reading.inputs])
        for ch in choices:
            # (not by a reading that cuts the input the library's took: "what's the french for Options menu" is no
            # request for a glossary's stored Options, whose reading left "menu" in the key at 0.69 against 0.99)
            if ch.key_score < top.key_score - USERS_TIE and _part_of(ch.reading.inputs, top.reading.inputs):
                continue
            if not library_stores and ch.program not in self.learned and ch.key_score >= STORED_ASK and \
                    not ch.back and self.kinds.get(ch.program) in ("vector", "fewshot") and self._holds_typed(ch):
                # "where is Reykjavík": a user's city-country stores it, national-park-state only guesses
                ch = self._named_rival(ch, choices)
                return [replace(ch, score=max(ch.score, top.score) + 1e-4)] + [c for c in choices if c is not ch]
            # (the library's hundreds of phrasings outscore a user's two keys: a program that
            # specialises the one on top, "formal-email" of formal, may trail it further)
            shadow = self.shadowed(ch.program) if ch.program not in self.learned else None
            specialises = shadow is not None and shadow[0] == top.program and shadow[1] >= SPECIALISES
            # (nor where the request names a word of the library program's name that is none of the user's:
            # "headline case: …" is headline-case's, though a copywriter's shorten-headline shares "headline";
            # "make this formal: …" is still a shop's formal-email's)
            # (a word of the library's name that the user's own keys say too is theirs as well, asked of an input they
            # store: "translate 'Continue' to german" names english-german, and a glossary whose keys say "german for
            # {text}"; not a student's word list asked "translate to spanish: the library closes at nine")
            theirs = self._said_by.get(ch.program, set()) if self._stores_all(ch.program, ch.reading.inputs) else set()
            tie = SPECIALISED_TIE if specialises and \
                not (named and not _names_a_part(ch.program, ch.reading.key) and
                     not any(w.lower() in theirs for w in words_of(named.group(0)))) and \
                not _names_beyond(top.program, ch.program, top.reading.key, theirs) else USERS_TIE
            if ch.fit >= top.fit + FITS_BETTER and ch.reading.inputs == top.reading.inputs:
                # "translate to spanish: We will call you tomorrow morning." is a support lead's canned-reply-es's
                # (sentences, fit 1.00, key 0.75), not english-spanish's, whose pairs are words (fit 0.75, key 1.00)
                tie = max(tie, FITS_BETTER_TIE)
            if ch.key == key_from_name(ch.program) and top.key_score >= OWN_KEY:
                # its name in words is no phrasing to take a library program's own from: "make this formal: …" went to a
                # translator's formal-it through "formal it" (0.76 against formal's 1.00)
                tie = USERS_TIE
            if ch.key_score < top.key_score - tie:
                continue
            users = ch.program not in self.learned and self.kinds.get(ch.program) in ("vector", "fewshot")
            # (a word's fit says whose input it is; a text's, mostly its length against two examples'.
            # A user's key matched closer than the library's is theirs whatever the library stores: "the
            # noun from the word 'angry'" is a teacher's word-family's, not synonym's, which stores angry)
            # (a tie is no closer: both keys read "3rd form of"; nor is a key closer than the library program's
            # best reading of the same input: "¿cómo se dice butterfly en español?" matches english-spanish's
            # "en español" word for word, though its reading on top matched 0.96 beside a user's food-vocab's 0.98)
            closer = ch.key_score > library_key + CLOSER_KEY
            least = top.fit - USERS_FIT_TIE if self.kinds.get(ch.program) == "vector" and not closer and \
                not read_as_another else FIT_FLOOR
            # (nor where the user's program specialises the library's that stores the input, which it
            # does not: a teacher's 28-verb verb-forms guessed "tread -> treads?"; past-participle stores trodden)
            narrower = specialises and self._agrees(ch.program, top.program)
            if users and ch.fit >= max(FIT_FLOOR, least) and \
                    ch.key_score >= self._threshold(ch.program, threshold) and not ch.back and \
                    not (library_stores and (not closer or narrower) and not self._stores_inputs(ch, threshold)):
                first = replace(ch, score=max(ch.score, top.score) + 1e-4)  # (ranked first where scores rank)
                return [first] + [c for c in choices if c is not ch]
        return choices

    def shadowed(self, program: str) -> tuple[str, float] | None:
        """The library program a user's program specialises, and how near: the one whose phrasings
        its keys come nearest (each key's best match, averaged). Read once per program."""
        if program not in self._shadows:
            self._shadows[program] = None
            index = self.programs.index(program)
            mine = self.key_vectors[self.key_programs == index]
            if len(mine) and program not in self.learned:
                sims = mine @ self.key_vectors.T
                near = [(float(sims[:, self.key_programs == self.programs.index(p)].max(axis=1).mean()), p)
                        for p in self.learned if self.kinds.get(p) == self.kinds.get(program)]
                if near:
                    score, library = max(near)
                    self._shadows[program] = (library, score)
        return self._shadows[program]

    def _by_its_name_apart(self, top: Choice) -> bool:
        """Is a user's program matched by its name key alone, not word for word, through the name's words
        apart in the request ("perfect score on the latin test" of latin-perfect), not as the phrase it is?"""
        name = key_from_name(top.program)
        if top.program in self.learned or top.key != name or top.key_score >= NAME_APART or len(words_of(name)) < 2:
            return False  # (closer, they say what it does: "write a changelog line for this bug" of bug-to-changelog, 0.85)
        typed = " ".join(words_of(" ".join([top.reading.key] + top.reading.inputs)))
        return " ".join(words_of(name)) not in typed and all(w in typed.split() for w in words_of(name))

    def _by_part_of_its_name(self, top: Choice) -> bool:
        """Is a user's program asked by a key that holds its name, matched loosely, the request
        holding a word of the name but not its last, the name's head ("meeting" of meeting-summary;
        "what's the population of india" of population-rank, whose key "population rank of {word}"
        matched at 0.69, answered 1, sure; "shelter of a beaver" names animal-shelter's, "classify
        urgency" ticket-urgency's; a form of a word counts: "summarize" for summary)?"""
        if top.program in self.learned or top.key_score >= NAME_KEY_ALONE:
            return False
        name = key_from_name(top.program)
        named = [w for w in words_of(name) if w not in STOP and len(w) > 2]
        # (its name as a phrase of a word program's key: "unlock the house" of a home assistant's unlock-doors,
        # "unlock the doors", is asked in other words; "commit msg for: …" of a developer's commit-message, a
        # text program, abbreviates its name)
        phrase = self.kinds.get(top.program) == "vector" and \
            re.search(rf"(?<!\w){re.escape(name.lower())}(?!\w)", top.key.lower()) is not None
        if len(named) < 2 or not (top.key == name or phrase):
            return False
        said = set(words_of(" ".join([top.reading.key] + top.reading.inputs)))
        held = [w for w in named if any(s[:5] == w[:5] for s in said)]
        return bool(held) and named[-1] not in held

    def library_storing(self, program: str, inputs: list[str]) -> str | None:
        """The library word program a user's word program specialises (its keys near the library's
        phrasings, its pairs the library's), when it stores the inputs the user's does not: what
        answers where the user's can only guess (a researcher's 24-pair baby-animal guessed *pimples?*
        for "young of a goose", which animal-young stores). None otherwise."""
        if program in self.learned or self.kinds.get(program) != "vector" or not inputs or \
                self._stores_all(program, inputs):
            return None
        shadow = self.shadowed(program)
        if shadow is None or shadow[1] < SPECIALISES or self.kinds.get(shadow[0]) != "vector" or \
                not self._agrees(program, shadow[0]) or not self._stores_all(shadow[0], inputs):
            return None
        return shadow[0]

    def _stores_inputs(self, choice: Choice, threshold: float) -> bool:
        """Is the choice's program a user's, asked (its key past its threshold) about inputs it
        stores? ("what city is DEN" is a user's airport-city's stored DEN, whatever way back of
        city-to-state the words ask for; "noun form of 'happy'" is no request for the library's
        synonym, which stores happy among thousands.)"""
        return choice.program not in self.learned and self._stores_all(choice.program, choice.reading.inputs) and \
            choice.key_score >= self._threshold(choice.program, threshold)

    def _users_past_threshold(self, choice: Choice, threshold: float) -> bool:
        """A user's program asked past its threshold, its input fitting: the library program whose way
        back the request asks for is no reason to refuse it ("translate this German email into
        English: …" is the user's to-english at 0.654, not english-german's way back)."""
        return choice.program not in self.learned and choice.fit >= FIT_FLOOR and not choice.back and \
            choice.key_score >= self._threshold(choice.program, threshold)

    def _resembles_only(self, matched: Choice, fitting: Choice) -> bool:
        """Is `fitting`, a library program, only like the key that `matched` is word for word, on the
        same inputs, which do not fit matched? Then the request is matched's, and unfit: "Q: capital
        of Ceylon" and "cap of NZ" were capitalize's (capitalise ~ Q: capital of; initial cap ~ cap
        of), sure."""
        # (a phrase: "state" alone is a word many programs' keys hold, "-> state" a park's; a user's
        # "adjective form of the noun" is asked for by "adjective form of fool")
        return (matched.key_score >= EXACT > fitting.key_score and matched.fit < FIT_FLOOR
                and len(matched.reading.key.split()) >= 2 and fitting.program != matched.program
                and fitting.program in self.learned and fitting.fit >= FIT_FLOOR
                and [i.lower() for i in fitting.reading.inputs] == [i.lower() for i in matched.reading.inputs]
                and not self._named[fitting.program].search(fitting.reading.key))

    def _refusal(self, top: Choice, choices: list[Choice], negative: float, threshold: float, sure: float) -> str:
        """Why the learned rule refused, in the words of the evidence that weighed most."""
        matched = max(choices, key=lambda ch: ch.key_score)
        if matched.back and matched.key_score >= max(threshold, top.key_score):
            return self._unfit_said(matched, choices)  # the request reads as the program's way back
        if top.key_score < threshold:
            return self._none_close(top, choices, threshold)
        if negative >= top.score - NEG_MARGIN:
            return f"the prompt is closest to stored out-of-scope prompts ({negative:.2f})"
        if top.fit < FIT_FLOOR and (top.reading.inputs or top.back):
            return self._unfit_said(top, choices)
        return (f"the prompt does not read as a request for '{top.program}' (key match {top.key_score:.2f}, "
                f"input fit {top.fit:.2f}; read as a request for it with confidence {sure:.2f}, below "
                f"{acceptance.FLOOR})")

    def _blend(self, top: Choice, choices: list[Choice], threshold: float, margin: float,
               candidates: list[ProgramMatch], accepted: bool = False) -> Retrieval:
        """The taken reading's program, or a blend with the other programs on the same reading
        (retrieve.decide); `accepted`: the learned rule took the reading, so no threshold refuses it."""
        ranked, seen = [], set()
        for ch in choices:
            same = ch.reading.key == top.reading.key and ch.reading.inputs == top.reading.inputs
            if same and ch.fit >= FIT_FLOOR and ch.program not in seen:
                seen.add(ch.program)
                ranked.append(ProgramMatch(ch.program, round(ch.score, 4), 0.0, ch.key, ch.reading.key))
        if not ranked:  # an accepted reading whose input fits no program well: the taken program alone
            ranked = [ProgramMatch(top.program, round(top.score, 4), 0.0, top.key, top.reading.key)]
        ranked.sort(key=lambda m: -m.score)  # by the reading's score: a fitting input counts
        # Half formal, half casual is neither: a program is never blended with its opposite; and
        # one the request names ("rewrite this formally") is blended only with others it names
        # ("comparative or superlative of big").
        ranked = [m for m in ranked if self.opposites.get(ranked[0].name) != m.name]
        # A user's program is no blend with the library's, nor the library's with a user's: their
        # tasks merely sound alike ("categorize this email" is a user's order-status, not half a summary).
        users = ranked[0].name not in self.learned
        ranked = [m for m in ranked if (m.name not in self.learned) == users]
        names_several = False
        if self._named[ranked[0].name].search(top.reading.key):
            ranked = [m for m in ranked if self._named[m.name].search(top.reading.key)]
            names_several = len(ranked) > 1  # "translate to french or spanish": a blend of the two asked
        else:  # ...nor, unasked, with one that answers its stored inputs otherwise: a localiser's German and
            # French glossaries store the same terms, and their examples mixed contradict each other
            ranked = ranked[:1] + [m for m in ranked[1:] if not self._contradicts(ranked[0].name, m.name)]
        exact = replace(ranked[0]) if ranked[0].score >= EXACT and not names_several else None
        decision = decide(ranked, self.kinds, min(threshold, ranked[0].score) if accepted else threshold, margin, exact)
        matched = max(choices, key=lambda ch: ch.key_score)
        if decision.mode == "none" and not accepted and not top.reading.inputs and matched.program == top.program \
                and matched.reading.inputs and matched.key_score >= threshold and matched.fit < FIT_FLOOR:
            # (the prompt read whole, because the reading that matched a key gave an input unlike the stored ones:
            # "team name for ari" said "best: team-name at 0.40" beside --explain's 1.000)
            shown = ', '.join(repr(i[:40]) for i in matched.reading.inputs)
            decision.message = (f"the request reads as '{matched.program}' (key match {matched.key_score:.2f}), but "
                                f"{shown} is unlike any input it stores (fit {matched.fit:.2f})")
        elif decision.mode == "none" and not accepted and top.key_score >= threshold and top.reading.inputs:
            # the key passed; the input's fit took the reading below ("symbol for mercury" listed a user's
            # program at 0.68 in --explain, then said "best: element-symbol at 0.55")
            shown = ', '.join(repr(i[:40]) for i in top.reading.inputs)
            # (a fit of 0.92 is no "unlike": a librarian's key matched 0.61 and the fit's small cost was the rest)
            fit = f"but {shown} is unlike the inputs it stores (fit {top.fit:.2f}), which puts" if top.fit < LIKE_INPUTS \
                else f"and {shown} fits its inputs at {top.fit:.2f}: the two put"
            hint = self._wording_as_key(top, choices) if top.program not in self.learned else ""
            decision.message = (f"the request reads as '{top.program}' (key match {top.key_score:.2f}), {fit} the "
                                f"reading {below(round(top.score, 4), threshold)}{hint}")
        decision.threshold = threshold  # (the threshold, not the score an accepted reading was let through at)
        similarity = {ch.program: ch.key_score for ch in reversed(choices)
                      if ch.reading.key == top.reading.key and ch.reading.inputs == top.reading.inputs}
        for m in decision.programs:
            m.score = round(similarity.get(m.name, m.score), 4)
        shown = candidates[:5]
        if top.program not in {c.name for c in shown}:  # the program taken is always among them
            shown[-1:] = [next(c for c in candidates if c.name == top.program)]
        decision.candidates = shown
        return decision

    def _asks_unsaid(self, choice: Choice) -> bool:
        """Does what the request asks for instead (choice.elsewhere, "which country") name a thing none of
        the program's phrasings names, its key matched loosely? "which country is the Douro in" read as
        national-park-state's "which state is {text} in" at 0.65, and compiled "which country is the in"."""
        said = self._said_by.get(choice.program, set())
        words = words_of(choice.elsewhere)
        if not words or words[0] not in ("which", "what"):
            return False  # (a question's thing, not "in Mexico City" of "translate to Spanish for my coworker in …")
        asked = [w for w in words if w not in STOP and w not in QUESTION_WORDS]
        return choice.key_score < EXACT and bool(asked) and not any(
            w in said or w.removesuffix("s") in said for w in asked)

    def _acts_unsaid(self, top: Choice, choices: list[Choice]) -> str:
        """The verb a request to a user's program opens with, when it asks to do something none of the
        program's phrasings says ("open", "close", "restart"), not to be told or given a thing; "" otherwise.
        A verb is a word the library's past-tense stores as an input (no library: no such check)."""
        verbs = self.stored.get("past-tense")
        # (an intent is asked in any words: "switch on the lights" of one keyed "lights on")
        # (nor one that says a phrasing of its own word for word: "menu copy: gin, cucumber, …" of a bartender's
        # "menu copy: {text}", whose fit left "gin" first in the whole reading's key)
        if not verbs or top.program in self.learned or top.reading.method == "explicit" or \
                self.kinds.get(top.program) not in ("vector", "fewshot") or \
                (top.reading.method == "template" and top.key_score >= OWN_KEY):
            return ""
        whole = _whole_key(choices)
        words = words_of(whole)
        at = next((i for i, w in enumerate(words) if w not in TALK and w not in _REQUEST_LEADS), len(words))
        if at == len(words) or any(w in _ASKED_OF for w in words[:at]):
            return ""  # a question, not an order: "what is the present-day name of Ragusa"
        first, after = words[at], words[at + 1] if at + 1 < len(words) else ""
        if after in _ASKED_OF or re.search(rf"\b{first}-", whole.lower()):
            return ""  # a noun: "grandfather was born in …", "present-day"
        typed = {w.lower() for i in top.reading.inputs for w in i.split()}
        if first not in verbs or first in ASKING_VERBS or first in REWRITE_TALK or first in QUESTION_WORDS or \
                first in typed or first in self.stored.get(top.program, {}) or \
                any(w.startswith(first) for w in self._said_by.get(top.program, ())):
            return ""  # (nor one of its words' stem: "dial code for spain" of "dialling code for {word}")
        return first

    def _unsaid_verb(self, choice: Choice) -> str:
        """The word a request before a colon starts with ("sort these numbers: …"), when no phrasing of
        the program holds it: it asks for something else than the program does (a developer's list of
        numbers was answered by next-item, sure, through "numbers")."""
        if choice.reading.method != "explicit":
            return ""
        # (its first word past the talk that leads a request: "would you mind rewriting this more formally?")
        first = next((w for w in words_of(choice.reading.key) if w not in TALK and w not in QUESTION_WORDS
                      and w not in _REQUEST_LEADS), "")
        said = self._said_by.get(choice.program, set())
        if not first.isalpha() or first in said or any(w.startswith(first[:4]) for w in said if len(first) >= 5):
            return ""  # ("pluralise" beside "plural")
        return first

    def _asks_another_question(self, program: str, prompt: str) -> str:
        """A user's word program asked a question none of its phrasings asks: "how long is the nile
        river" of a teacher's river-country ("which country is the {word} in"), "when was the radio
        invented" of their inventors ("who invented the {word}"). Its question words ("how long") when
        its phrasings ask others, "" otherwise (a program none of whose phrasings asks, "river country",
        or a "what"/"which" question, which asks anything)."""
        # (a program of names, not sentences, kept as texts is asked so too: "when was the starry night painted" of a
        # museum educator's painting-painter, whose key "who painted {text}" it matched at 0.85)
        if program in self.learned or self.kinds.get(program) not in ("vector", "fewshot") or \
                program in self.sentences_stored:
            return ""
        asked = question_asked(prompt)
        if asked is None or asked == "what":
            return ""
        if program not in self._questions:
            own = {question_asked(t) for t, p in zip(self.key_texts, self.key_programs) if self.programs[p] == program}
            self._questions[program] = own - {None}
        own = self._questions[program]
        # (a "which country" program is asked where a river flows, or who: its kind of thing names a place or
        # a person; not how long, when or why)
        if not own or asked in own or (asked in PLACE_OR_PERSON and own == {"what"}):
            return ""
        return asked

    def _contradicts(self, a: str, b: str) -> bool:
        """Do two programs store many of the same inputs (CONTRADICTING of the smaller's), most of them
        (CONTRADICTING) answered otherwise? (German and French share "Profil"; read once per pair.)"""
        if (a, b) not in self._contradiction:
            ins_a, ins_b = self._pairs_by_input(a), self._pairs_by_input(b)
            shared = [x for x in ins_a if x in ins_b]
            differ = sum(not ins_a[x] & ins_b[x] for x in shared)
            self._contradiction[a, b] = self._contradiction[b, a] = bool(shared) and \
                len(shared) >= CONTRADICTING * min(len(ins_a), len(ins_b)) and differ >= CONTRADICTING * len(shared)
        return self._contradiction[a, b]

    def _agrees(self, mine: str, library: str) -> bool:
        """Do most of a user's program's pairs stand in the library program too (its 28 irregular verbs
        are past-participle's; a teacher's word-family's decide -> decision is no synonym's)?"""
        if (mine, library) not in self._agreeing:  # (read once per pair: a library program holds thousands)
            ins_a, ins_b = self._pairs_by_input(mine), self._pairs_by_input(library)
            agree = sum(bool(outs & ins_b.get(x, set())) for x, outs in ins_a.items())
            self._agreeing[mine, library] = bool(ins_a) and agree >= AGREEING * len(ins_a)
        return self._agreeing[mine, library]

    def _pairs_by_input(self, program: str) -> dict[str, set[str]]:
        found: dict[str, set[str]] = {}
        ins, outs = self._pairs.get(program, ([], []))
        for x, y in zip(ins, outs):
            found.setdefault(x.strip().lower(), set()).add(y.strip().lower())
        return found

    def _own_word(self, program: str, text: str) -> bool:
        """A one-word input that is a word of the program's own phrasings ("tense" for past-tense)
        is more likely the request's word than its input; a stop word of them is no request word ("do"
        of "he form of do")."""
        low = text.lower()
        return " " not in text and low in self.own_key_words.get(program, ()) and low not in STOP

    def _fit_all(self, program: str, inputs: list[str], quoted: bool = False,
                 marked: bool = False, prompt: str = "") -> tuple[float, list[str], list[str]]:
        """How well the inputs fit, and the inputs (misspelt ones corrected when that fits better;
        a quoted word that fits is as the user typed it). prompt: the whole prompt, where a surname
        is read as its stored name only when no other first name stands before it."""
        fits, fixed, notes = [], [], []
        held = self.stored.get(program, {})
        for text in inputs:
            # Reading cleans an input ("the Prof" -> Prof, ".rs" -> rs): a stored input it cleaned is that input.
            text = self._cleaned_stored(program).get(text.strip().lower(), text)
            # ...and a code typed with spaces in it: "700 x 25c" is a mechanic's stored 700x25c
            spaced = "".join(text.split()).lower()
            if " " in text.strip() and spaced in held and any(c.isdigit() for c in spaced):
                text = held[spaced]
            unaccented = None if text.strip().lower() in held else self._folded_stored(program).get(_folded(text.strip().lower()))
            if unaccented:  # "zurich" is the stored Zürich, "istanbul" the stored İstanbul
                notes.append(f"{text} -> {unaccented}")
                text = unaccented
            # (a user's table, in their spelling; the library's answers keep the asker's: "plural of colour" is colours)
            other = None if program in self.learned else self._spelt_the_other_way(program, text.strip().lower())
            if other:  # "copper sulphate" is a chemistry teacher's stored Copper sulfate, "sulfur" their Sulphur
                notes.append(f"{text} -> {other}")
                text = other
            named = None if text.strip().lower() in held or program not in self.names_stored else \
                self._name_forms(program).get(text.strip().lower())
            if named:  # "japanese currency": the stored Japan, whose nationality another program stores
                notes.append(f"{text} -> {named[0]} (as {named[1]}{ANOTHERS_NAME}")  # (no typo: no doubt of one)
                text = named[0]
            country = country_names.stored_name(text, held, self._countries_stored(program))
            if country:  # "capital of Alemania", "currency of the US": the stored Germany, United States
                notes.append(f"{text} -> {country}")
                text = country
            surname = None if text.strip().lower() in held else self._surnames_of(program).get(text.strip().lower())
            if surname and self._first_name_before(program, text, prompt, surname):
                surname = None  # "keith moon played what" is no stored Warren Moon
            if surname:  # "what does hendrix play": the one stored Jimi Hendrix
                notes.append(f"{text} -> {surname}")
                text = surname
            kind = None if surname or text.strip().lower() in held else self._one_of_kind(program).get(text.strip().lower())
            if kind and not self._first_name_before(program, text, prompt, kind):  # "allergens in the brownie"
                notes.append(f"{text} -> {kind}{ONE_OF_ITS_KIND}")
                text = kind
            irregular = None if program not in self._base_forms or text.strip().lower() in held or \
                base_form_in(text, held) else self._irregular_base(text, held)
            if irregular:  # "collective noun for wolves": the stored wolf, as plural stores the pair (no typo)
                notes.append(f"{text} -> {irregular[0]} (as {irregular[1]} has it)")
                text = irregular[0]
            # (a commoner base it does not store only for a library program of base forms, "a person who
            # sculpts"; a user's reads a form only as a stored word's: "spoons backwards" is no "spoon")
            base = None if program not in self._base_forms or text.strip().lower() in held else \
                base_form_in(text, held) or (common_base(text, self.word_rank) if program in self.learned else None)
            words = text.split()
            if base is None and program in self._base_forms and program in self.learned and 2 <= len(words) <= 3 \
                    and words[0].lower().endswith("s") and re.search(r"\bwho\s+" + re.escape(text), prompt, re.I):
                # a verb and its object after "who", for a library program of base forms: "someone who bakes
                # bread" asks agent-noun for bake (not a user's "queens of the stone age": no stored Queen;
                # nor "who coached Michael Jordan", a question about someone; nor "what do baby ducks eat")
                base = base_form_in(words[0], held) or common_base(words[0], self.word_rank)
            if base is None and program not in self.learned and text.strip().lower() not in held:
                base = plural_stored(text, held)  # "allium" of a nursery's stored alliums
            if base:  # a user's collective-noun stores crow: "a group of crows" asks for it; agent-noun lie: "who lies"
                notes.append(f"{text} -> {base}")
                text = base
            # (a text the user marked for a program of texts is the text: "french pls: how much is this?" is no *much*)
            # (nor is a traveller's question: "how do you say how are you in spanish" is no *tú*)
            whole = (marked and len(text.split()) > 2) or (self._asks_to_translate(program, text) and not (
                program not in self.learned and _MEANING_ASKED.fullmatch(text.strip())))  # (a user's glossary)
            inner = None if whole else self._stored_within(program, text)
            if inner is not None:  # "status code 401", "fire as an": the stored input and request words
                # (words only dropped around it are no reading to note: "read of turkey -> Turkey")
                if not re.search(r"(?<!\w)" + re.escape(inner.lower()) + r"(?!\w)", text.lower()):
                    notes.append(f"{text} -> {inner}")
                text = inner
            around = None if inner is not None or text.strip().lower() in held else \
                self._named_around(program, text, prompt)
            if around:  # "when did constantinople fall": a history teacher's stored Fall of Constantinople
                notes.append(f"{text} -> {around}")
                text = around
            fit = self.input_fit(program, text)
            # (a text program fits any word: "emoji for rocekt" is still its stored rocket's typo,
            # when the word space does not know it)
            if fit < 0.95 or (text.strip().lower() not in held and text not in self.space and not quoted) or \
                    (program in self.names_stored and _INITIALS_TAIL.search(text) and text.strip().lower() not in held):
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


# Verbs that ask to be told or shown a thing, which any lookup is asked with ("find the port for redis")
ASKING_VERBS = frozenset("give show tell find list get look name say translate convert expand spell check define "
                         "explain lookup search identify recall remind".split())
_REQUEST_LEADS = frozenset("mind kindly please just help try go let quickly also now then me us i you we".split())
# Words that make a question of what follows them, or a subject of what comes before ("what is the
# present-day name", "grandfather was born"): an order opens with its verb.
_ASKED_OF = frozenset("what which who whom whose how why when where is are was were am been has had does did".split())
# The words of any request that ask, point or talk, saying nothing of what is asked (words_left_before, _asks_of_it_unsaid)
_REQUEST_TALK = STOP | TALK | QUESTION_WORDS | ASKING_VERBS | REWRITE_TALK | _REQUEST_LEADS | _ASKED_MEANING


_INITIALS_FIRST = re.compile(r"(?:[a-z]\.\s?)+\s*\S")  # "j.s. bach", "c. p. e. bach" (stored names, lower-cased)
_APOSTROPHE_LESS = re.compile(r"\b(?:what|where|who|how|when|that)s\b", re.I)  # "whats", typed without its apostrophe
_ACRONYM = re.compile(r"[A-Z]{2,6}\.?")  # "Old vines (VV)": letters in capitals name the term in any language
_GLOSSED = re.compile(r"(?P<term>[^()]+?)\s*\((?P<short>[^()]+)\)")  # "forte (f)", "diminuendo (dim.)"


# Words that say a thing happened, around an event's name: "when did the bastille get stormed"
_HAPPENING = frozenset("get got gets getting happen happened happens take took place occur occurred".split())


def _same_word(a: str, b: str) -> bool:
    """One word, or two forms of it ("storming", "stormed"; "fall", "falls"): equal, or sharing their first
    five letters and all but three of the longer's."""
    if a == b:
        return True
    common = len(os.path.commonprefix([a, b]))
    return common >= 5 and common >= max(len(a), len(b)) - 3


def _neither_said(choice: Choice) -> str:
    word = next(w for w in words_of(choice.reading.key) if w in NEITHER_WAY)
    return (f"the request asks for a '{word}' word, and '{choice.program}' gives one of a pair of opposites (key "
            f"match {choice.key_score:.2f} to '{choice.key}'), not a '{word}' one")


def _abbreviates(short: str, term: str) -> bool:
    """Is SHORT an abbreviation of TERM: shorter, its first letter the term's and every letter one of the
    term's ("cresc." of crescendo, "mf" of mezzo forte, "pp" of pianissimo; not "river" of bank)?"""
    letters, within = short.rstrip(".").replace(" ", ""), term.replace(" ", "")
    return letters.isalpha() and len(letters) < len(within) and letters[0] == within[0] and set(letters) <= set(within)


def _a_code(text: str) -> bool:
    """A word typed in capitals, of four characters or more ("SIGABRT", "ECONNRESET")."""
    return len(text) >= 4 and " " not in text and text.isupper()


def _slip_of_typing(typed: str, stored: str) -> bool:
    """One letter dropped, doubled or added, or two side by side swapped: not one letter for another."""
    if abs(len(typed) - len(stored)) == 1:
        short, long = sorted((typed, stored), key=len)
        return any(long[:i] + long[i + 1:] == short for i in range(len(long)))
    return len(typed) == len(stored) and any(
        typed[:i] + typed[i + 1] + typed[i] + typed[i + 2:] == stored for i in range(len(typed) - 1))


def _language_before(phrase: str, whole: str) -> bool:
    """Is a language's name (or English) typed just before the phrase in `whole`, nothing between?
    (One pattern compiled once: this is asked of every reading a translator is given.)"""
    low = phrase.strip().lower()
    return any(whole[m.end():].lower().startswith(low) for m in _LANGUAGE_WORD.finditer(whole))


_COLON_SLOT = re.compile(r":\s*\{text\}")  # a template marking its text with a colon
# A code or identifier, never a question's words: TOKEN_EXPIRED, ERR-402, 0x80070005
_CODE = re.compile(r"(?=\S*[_\d])[\w.\-/:]{3,}|[A-Z][A-Z0-9]{2,}(?:[_\-][A-Z0-9]+)*")
_ANY_LANGUAGE = frozenset(LANGUAGES) | {"english"} | frozenset(ENDONYMS)
_LANGUAGE_WORD = re.compile(r"\b(?:" + "|".join(sorted(_ANY_LANGUAGE)) + r")\s+", re.I)
_LANGUAGE_CODE = re.compile(r"^\s*[a-z]{2}\s*:\s*\S", re.I)  # "de: glove", "ES: window"
# A name ending in its kind's initials ("Great Smoky Mountains NP"): the stored name's short form (_short_names_of)
_INITIALS_TAIL = re.compile(r"\s[A-Z]{2,4}\s*$")
# A request that ends where its input would start: "what is the plural of", "synonym for?"
_DANGLING = re.compile(r"\b(?:of|for|to|into)\s*[?.!:]*\s*$", re.I)  # ("which country is krakow in" is whole)
# A question asked, not a text handed over: a text program's words picked out of it are no text.
_ASKS_A_QUESTION = re.compile(r"^\W*(?:what|what's|whats|how|why|when|where|who|which|is|are|does|do|should|"
                              r"can i|can we)\b", re.I)
# ...or ends asking why: "the order number field in the api response is null, why" (no order's message)
_ASKS_WHY = re.compile(r",\s*(?:why|how come)\s*\??\s*$", re.I)


# Words that name a class of words (a request for a form names one: "noun form of", "adverb for")
WORD_CLASSES = frozenset("noun verb adjective adverb pronoun preposition participle gerund".split())
_CLASSES = "|".join(sorted(WORD_CLASSES))
_CLASS_ASKED = re.compile(r"\b(" + _CLASSES + r")s?\s+(?:form\s+|forms\s+|version\s+)?(?:of|for)\b"
                          r"|\b(?:as|into)\s+(?:an?\s+)?(" + _CLASSES + r")s?\b", re.I)


@lru_cache(maxsize=4096)
def _classes_asked(text: str) -> frozenset[str]:
    """The word classes a request asks for: "noun form of", "adverb for", "as an adjective" (not
    "synonym for the noun", which says what its input is). Remembered: a reading's key is asked
    of every program near it."""
    return frozenset((a or b).lower() for a, b in _CLASS_ASKED.findall(text))


def _whole_key(choices: list[Choice]) -> str:
    """The prompt as its whole reading's key (cleaned of politeness, as readings are), or ""."""
    return next((ch.reading.key for ch in choices if ch.reading.method == "whole"), "")


def _says_name(program: str, request: str) -> bool:
    """Does the request say a word of the program's name, however short ("de" of ui-terms-de)?"""
    return any(re.search(r"(?<!\w)" + re.escape(w) + r"(?!\w)", request, re.I) for w in name_parts(program) if w not in STOP)


def _names_a_part(program: str, request: str) -> bool:
    """Does the request say a word of the program's name ("make this formal" of formal-email; not
    "rewrite this casually" of friendlier)?"""
    return any(re.search(r"\b" + re.escape(w) + r"(?:ly)?\b", request, re.I) for w in name_parts(program) if len(w) >= 4)


def _one_word_starting(word: str, words: list[str]) -> str | None:
    """The one of these words that the word (three letters or more) starts, two letters short of it at
    least ("subj" -> subject); None when it starts none or several."""
    if len(word) < 3:
        return None
    longer = [k for k in words if k.startswith(word) and len(k) >= len(word) + 2]
    return longer[0] if len(longer) == 1 else None


def _names_beyond(program: str, other: str, request: str, others_words: set[str] = frozenset()) -> bool:
    """Does the request say a word of the program's name that is no word of the other's name (nor of
    others_words, its phrasings') ("case" of headline-case beside shorten-headline)?"""
    theirs = set(name_parts(other)) | others_words
    return any(re.search(r"\b" + re.escape(w) + r"\b", request, re.I)
               for w in name_parts(program) if len(w) >= 3 and w not in theirs)


def base_form_in(text: str, held: dict[str, str]) -> str | None:
    """The stored word an inflected one is a form of ("crows" of crow, "drives" of drive, "studies"
    of study, "baking" of bake), when exactly one such base is stored; None otherwise ("a person who
    lies" asks agent-noun for lie; "plural of crows" is crow's)."""
    found = {held[b] for b in _bases_of(text) if b in held}
    return found.pop() if len(found) == 1 else None


def plural_stored(text: str, held: dict[str, str]) -> str | None:
    """The one stored plural of a word (or a compound's last word) typed in the singular: "allium" of
    alliums, "runner bean" of runner beans, "peony" of peonies; None otherwise."""
    low = " ".join(text.strip().lower().split())
    if not re.fullmatch(r"[a-z]{3,}(?: [a-z]+){0,2}", low):
        return None
    found = {held[f] for f in (low + "s", low + "es", low[:-1] + "ies" if low.endswith("y") else "") if f in held}
    return found.pop() if len(found) == 1 else None


def common_base(text: str, rank: dict[str, int]) -> str | None:
    """The one commoner word an -s form is of, for a program that stores neither: "sculpts" of sculpt
    ("a person who sculpts" asks agent-noun for sculpt), "sharks" of shark; None when none or several
    are (or the word is commoner than each: "news" is no form of new)."""
    low = text.strip().lower()
    if not low.endswith("s"):
        return None
    own = rank.get(low, 10 ** 9)
    found = {b for b in _bases_of(low, endings=("ies", "es", "s")) if rank.get(b, 10 ** 9) < own}
    return found.pop() if len(found) == 1 else None


def _bases_of(text: str, endings=("ies", "es", "s", "ied", "ed", "ing")) -> set[str]:
    """The words an inflected one may be a form of, by its ending (of four letters or more); of a
    compound of two or three words, by its last word's ("sweet peas" of sweet pea)."""
    low = text.strip().lower()
    head, _, last = low.rpartition(" ")
    if head and len(low.split()) <= 3 and re.fullmatch(r"[a-z]+(?: [a-z]+)*", head):
        return {f"{' '.join(head.split())} {b}" for b in _bases_of(last, endings)}
    if not re.fullmatch(r"[a-z]{4,}", low):
        return set()
    bases = set()
    for ending, swaps in (("ies", ("y",)), ("es", ("", "e")), ("s", ("",)), ("ied", ("y",)), ("ed", ("", "e")),
                          ("ing", ("", "e"))):
        if ending in endings and low.endswith(ending):
            stem = low[:-len(ending)]
            bases |= {stem + s for s in swaps}
            if ending in ("ed", "ing") and len(stem) > 2 and stem[-1] == stem[-2]:
                bases.add(stem[:-1])  # "running" of run, "stopped" of stop
    return bases


_POINTING = re.compile(r"\b(?:this|it)\b", re.I)
# (a verb's object: "say this in plain english …", not "is it legal to pirate …")
_ASKS_REWRITE = frozenset("rewrite rephrase reword make turn convert translate change write put say".split())
_POINTED_AT = re.compile(r"\b(?:say|make|put|turn|rewrite|write|translate|convert|change|read)\s+(?:this|it)\b", re.I)
# A request pointing at one thing: what follows its colon is one text, commas and all ("these" lists).
_ONE_TEXT = re.compile(r"\b(?:this|it)\b(?!.*\b(?:these|those|each|every|all|words|list)\b)", re.I)
_EDGE_STOP = STOP - PRONOUNS  # a phrase to translate may start or end on a pronoun: "i love you", "thank you"
# A label that names the text's field, not its first words: "Write a subject line. Body: Our sale …"
_FIELD_NAME = re.compile(r"(?:the\s+|my\s+)?(?:(?:email|message|mail|letter|post)\s+)?(?:body|text|input|content|"
                         r"email|message|sentence|paragraph|draft|original)", re.I)
_LABEL_TAIL = re.compile(r"(?:[?!.]|\b(?:please|pls|plz))\s+([A-Z][\w'’-]*(?:\s+[\w'’-]+){0,2})\s*$"
                         # ...or one word in lower case after a question ended: a commit's "refactor:", "fix:"
                         r"|[?!]\s+([a-z][\w'’-]*)\s*$")


def _points_then_text(reading: Reading, whole: str) -> bool:
    """A request that points at a text, then the text, unmarked, as speech-to-text writes it ("make
    this sound like a pirate time for bed everybody"): the key starts the prompt, the input ends it."""
    low, key = whole.lower(), reading.key.lower()
    return len(reading.inputs) == 1 and bool(_POINTING.search(key)) and low.startswith(key) and \
        low.endswith(reading.inputs[0].lower())


def _unfit(top: Choice) -> str:
    if top.back and not top.reading.inputs:  # "what is the plural of": nothing asked of it, either way
        return f"the prompt names '{top.program}' but gives it no input"
    other = [w for w in words_of(top.back) if w in LANGUAGES and w not in name_parts(top.program)]
    if top.back and other:  # "dog in polish" is no program's: english-german is only the nearest
        return (f"the request reads as '{top.program}', but it asks for '{top.back}': no program here "
                f"translates into {other[0].title()}")
    if top.back in SPECIFIC_QUESTIONS:  # "how long is the nile river" of a river-country
        return (f"the request reads as '{top.program}', but it asks '{top.back}', which none of its keys "
                "asks")
    if top.back:
        return (f"the request reads as '{top.program}', but it asks for '{top.back}': the program's way "
                "back or another target, which no program's keys here ask for")
    shown = ", ".join(repr(i) for i in top.reading.inputs)
    return f"the request reads as '{top.program}', but {shown} does not look like any of its inputs (fit {top.fit:.2f})"


def _with_label(reading: Reading, label: str, prompt: str) -> Reading:
    """The reading with its text started at the label before the colon, as typed."""
    m = re.search(re.escape(label) + r"(\s*:\s*)", prompt)
    return replace(reading, inputs=[label + (m.group(1) if m else ": ") + reading.inputs[0]])


def _without_texts(prompt: str, inputs: list[str]) -> str:
    """The prompt less its inputs of more words than a word program's: the request's words."""
    for text in inputs:
        if len(text.split()) > MAX_SPAN_WORDS:  # (the whole prompt's reading ends without its full stop)
            prompt = prompt.replace(text if text in prompt else text.rstrip(".!?…"), " … ")
    return prompt


def _unserved_refusal(top: Choice, threshold: float) -> str:
    how = below(top.key_score, threshold) if top.key_score < threshold else \
        f"at {top.key_score:.2f}, and none of its phrasings asks it"
    return (f"the request asks for '{top.elsewhere}', which no program here does (the nearest, "
            f"'{top.program}', matches {how})")


def _holds_word(words: set[str], word: str) -> bool:
    """Is the word one of these, a form of one (the same first five letters: "polished" of "polish",
    "plainer" of "plain"), or a slip of one ("arrr" of "arr")?"""
    return word in words or (len(word) >= 5 and any(len(w) >= 5 and w[:5] == word[:5] for w in words)) or \
        closest(word, words) is not None


_NUMBER = re.compile(r"\d+(?:[.,]\d+)?")
_UNIT = re.compile(r"(?:mg|mcg|µg|g|kg|ml|l|iu|mm|cm|m|oz|lbs?|%)")  # a strength's or a size's (not a list's "80, 443")
_AMOUNT = re.compile(_NUMBER.pattern + _UNIT.pattern)  # "20mg", "0.5%"


def _folded(text: str) -> str:
    """A name as _folded_stored looks it up: no accents, no trademark sign, hyphens as spaces, no other
    marks ("Le Déjeuner sur l'herbe" by "le dejeuner sur lherbe", "Impression: Sunrise" by "impression sunrise")."""
    return " ".join(re.sub(r"[^\w\s-]", "", without_marks(text)).replace("-", " ").split())


def _part_of(inputs: list[str], others: list[str]) -> bool:
    """Are the inputs fewer words of the others ("Options" of "Options menu")?"""
    mine, theirs = [w.lower() for i in inputs for w in i.split()], [w.lower() for i in others for w in i.split()]
    return 0 < len(mine) < len(theirs) and all(w in theirs for w in mine)


def _first_fitting(choices: list[Choice]) -> Choice:
    """The best reading whose inputs fit; the best of all when none does (to say why nothing fits)."""
    return next((ch for ch in choices if ch.fit >= FIT_FLOOR), choices[0])


def _closest_keys(choices: list[Choice]) -> list[ProgramMatch]:
    """Each program's closest key match over all readings, closest first: what --explain and a
    refusal show (the reading taken may be another: its input's fit counts too)."""
    best: dict[str, Choice] = {}
    for ch in choices:
        if ch.program not in best or ch.key_score > best[ch.program].key_score:
            best[ch.program] = ch
    return [ProgramMatch(ch.program, round(ch.key_score, 4), 0.0, ch.key, ch.reading.key)
            for ch in sorted(best.values(), key=lambda ch: -ch.key_score)]


LENGTH_SLACK = 2  # a text program's inputs may run this many words past its stored ones


_CAPITALS_CODE = re.compile(r"(?=[^a-z]*[A-Z])[A-Z0-9][A-Z0-9_.\-]*")  # one code in capitals: EPERM, E11000, SKU-1099
_LETTER_CODE = re.compile(r"[A-Z]{2,4}")  # a short code of letters: MT, USD
MIN_LETTER_CODES = 4


def _length_profile(inputs: list[str]) -> tuple[int, int]:
    """The range of word counts a text program's inputs take (a little wider than stored)."""
    if not inputs:
        return 1, 1000
    counts = sorted(len(i.split()) for i in inputs)
    hi = counts[-1 - len(counts) // 20]  # the longest but the top 5%
    return (1, hi + LENGTH_SLACK) if hi <= 8 else (2, 10 ** 6)

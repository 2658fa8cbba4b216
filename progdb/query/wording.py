"""How people word a request, and an input cleaned of it: the word lists and patterns the reader
reads by (stop words, talk, text-speak, quotes, separators) and the clean-up of an input (politeness,
articles, possessives, quotes; a list split into its items; a text put back as it was typed)."""
from __future__ import annotations

import re
import unicodedata
from collections import Counter
from typing import NamedTuple

from progdb.query.parse import split_explicit

MAX_SPAN_WORDS = 4     # one input of a word program ("Mount Rushmore National Memorial")
MAX_LIST_WORDS = 12    # "cat, dog, mouse and horse"

_QUOTE = re.compile(r"(?<![\w])['\"“”‘’`]+|['\"“”‘’`]+(?![\w])")
_POLITE_HEAD = re.compile(
    r"^(?:(?:hey|hi|hello|ok|okay|so|um+|uh|please|pls|plz|yo|quick question|"
    r"like(?=[\s,]+(?:what|whats|what's|how|which|who)\b))\b(?!-\w)[\s,!.:-]*)+", re.I)  # "so like whats …" (not Yo-Yo Ma)
# An assistant addressed by its name before the request, as speech-to-text writes it ("hey computer
# whats the plural of child" read computer as the input): the name is followed by a question or a command.
_ADDRESS = re.compile(
    r"^(?:hey|hi|hello|ok|okay|yo)[\s,]+[a-z]+[\s,!.:-]+(?=(?:what|whats|what's|how|can|could|would|will|tell|"
    r"give|say|make|rewrite|translate|turn|change|convert|spell|is|are|which|who|where|please|pls|um+|uh|so|"
    r"i|do|does)\b)", re.I)
_ASK_HEAD = re.compile(
    r"^(?:(?:could|can|would|will)\s+(?:you|u)\s+(?:(?:please|kindly|pls|possibly|just)[\s,]+)*"
    r"(?:(?:tell|give|show|let)\s+me(?:\s+know)?|say|find|get\s+me|help\s+me\s+with)?[\s,:]*"
    r"|(?:(?:please|kindly|pls)[\s,]+)+(?:tell|give|show)\s+me[\s,:]*"
    r"|i(?:'d|\s+would)\s+like\s+(?:to\s+know\s+)?|i\s+(?:want|need)\s+(?:to\s+know\s+)?"
    r"|do\s+you\s+know\s+|(?:tell|give|show)\s+me\s+)", re.I)
# A crossword clue's letter count after the request: "Capital of Bhutan (7)", "synonym for happy, 7 letters"
_LETTER_COUNT = re.compile(r"(?:\s*\(\s*\d+(?:\s*[,-]\s*\d+)*\s*(?:letters?)?\s*\)|[\s,;:-]+\d+\s+letters?(?:\s+long)?)"
                           r"\s*[?.!]*\s*$", re.I)
_QUIZ_LABEL = re.compile(r"^(?:q|question)\s*\d*\s*[:.)]\s*", re.I)  # "Q: capital of Chile", "Question 3: …"
# Thanks, please, or a word of address at a request's end: "plural of goose sir", "…, thanks mate"
_POLITE_TAIL = re.compile(
    r"(?:[\s,.!?:;-]*\b(?:please|pls|plz|thanks|thank\s+you|thx|ty|cheers|kindly|sir|ma'?am|madam|mate|buddy|bro|dude|"
    r"thanks\s+(?:a\s+lot|so\s+much|in\s+advance)|thank\s+you\s+(?:so|very)\s+much)\b)+[\s.!?]*$", re.I)
# A word after which the input is due: "spanish word for cheers" asks for cheers, it thanks no one.
_INPUT_DUE = re.compile(r"\b(?:for|of|say|is|translate|translated)\s*$", re.I)


def _polite_tail(text: str) -> re.Match | None:
    tail = _POLITE_TAIL.search(text)
    return None if tail is None or _INPUT_DUE.search(text[:tail.start()]) else tail


QUOTED = re.compile(r"[\"“”]([^\"“”]+)[\"“”]|(?<!\w)['‘’]([^'‘’]+)['‘’](?!\w)")
# (a slash between digits is a date's: "12/25/2023" is one input)
_LIST_SPLIT = re.compile(r"\s*(?:,\s*(?:(?:and|or|n)\b|&|\+)?\s*|\s+(?:and|or|&|n|\+)\s+|\s*(?<!\d)/\s*|\s*/(?!\d)\s*|\s*;\s*)\s*", re.I)
LIST_WORD = re.compile(r"(?:^|\s)(?:,|and|or|&|n|\+|/|;)(?:\s|$)", re.I)  # ("cat n dog": text speak's "and")
_LEADING = re.compile(r"^(?:(?:the|a|an|this|that|these|those|my|your|our|their|his|her|its)\s+|"
                      r"(?:word|noun|verb|adjective|adverb|term|country|city|name|phrase)\s+)+", re.I)
# A work's kind before its title: "the book Dracula", "the film 'Jaws'" (not "book club": a title is capitalised or quoted)
_WORK_KIND = re.compile(r"^(?:book|novel|film|movie|song|album|poem|play|opera|painting|show|series)\s+(?=[A-Z\"'“‘])")
_POINTER = re.compile(r"^(?:this|these|that|it|the\s+following)(?:\s+(?:text|sentence|phrase|line|message|email|"
                      r"paragraph|words?))?\s*:\s*(?=\S)"
                      # ...or, in lower case (not a text's "This week: …"), at what it is: "these facts:", "this ticket:"
                      r"|^(?-i:this|these|the\s+following)(?:\s+[a-z]+){1,2}\s*:\s*(?=\S)", re.I)  # words pointing at the text after the colon
# "pirate this the ship leaves at dawn", "simplify this please. The …": "this" points at the text
# that follows, whose first word no "this" can stand before (an article, or a sentence begun anew).
_POINTER_BARE = re.compile(r"^(?:this|these)(?:,?\s+(?:please|pls|plz))?(?:\s+(?=(?:the|a|an|my|our|your|their|his|her)\s)"
                           r"|\s*[.,!]\s+(?=[A-Z]))", re.I)
DASH = re.compile(r"\s--?\s|\s?[—–]\s?")  # "headline please -- a rare white whale ..."
_QUOTE_CHARS = "'\"“”‘’`"
_MARKS_NOT_APOSTROPHE = _QUOTE_CHARS.replace("'", "")  # (an apostrophe is also in "we'll")
_TYPED_GAP = r"(?:\s|[" + re.escape(_QUOTE_CHARS) + r"])+"  # what reading may have made one space of
_SEPARATOR_BEFORE = re.compile(r"(?:[:?→]|\n|\s[-=]>)\s*$")  # a request's end, just before its text (a dash may end talk)
SEPARATOR = re.compile(r"[:?]\s|" + DASH.pattern)  # "pls: The ...", "... a formal register? We ..."
_NAME_JOINS = frozenset("of the de du la le von van".split())
_TOKEN = re.compile(r"[^\W_]+")  # a word or a number, as the clause and value checks count them
# Languages a request may ask for: a program whose name holds none of them does not translate
# into them ("polish for 'beer'" is no english-german request, "plural of 'casa' in spanish" no plural's)
LANGUAGES = ("french", "german", "spanish", "italian", "portuguese", "dutch", "chinese", "mandarin", "cantonese",
             "japanese", "korean", "arabic", "russian", "ukrainian", "polish", "czech", "hungarian", "romanian",
             "swedish", "norwegian", "danish", "finnish", "greek", "turkish", "hebrew", "latin", "hindi", "urdu",
             "bengali", "persian", "farsi", "vietnamese", "thai", "indonesian", "malay", "tagalog", "swahili",
             "catalan", "welsh", "irish", "esperanto")
# A language's code in a program's name ("ui-terms-de", "glossary-fr") names its language
LANGUAGE_OF_CODE = {"de": "german", "fr": "french", "es": "spanish", "it": "italian", "pt": "portuguese",
                    "nl": "dutch", "pl": "polish", "sv": "swedish", "da": "danish", "fi": "finnish",
                    "ru": "russian", "ja": "japanese", "zh": "chinese", "ko": "korean", "tr": "turkish"}
# Languages by their own names, as people type them without accents ("en francais: …", "auf deutsch")
ENDONYMS = {"francais": "french", "deutsch": "german", "espanol": "spanish", "castellano": "spanish",
            "italiano": "italian", "portugues": "portuguese", "nederlands": "dutch", "polski": "polish",
            "svenska": "swedish", "norsk": "norwegian", "dansk": "danish", "suomi": "finnish", "cymraeg": "welsh"}
_POSSESSIVE = re.compile(r"(?<=\w)['’]s?$")
WORD = re.compile(r"[^\W_]+(?:['’\-.][^\W_]+)*\.?|[^\w\s]", re.UNICODE)
# A question about language, not a request to run a program: "why do some words have no antonym",
# "how many plurals does English have", "what does antonym mean", "what's the difference between
# a national park and a national monument", "is it rude to be casual at work". ("What does this
# mean in simple words? …" asks for plain English: a pointer is no word asked about.)
_GRAMMAR_TERM = (r"(?:nouns?|adjectives?|adverbs?|verbs?|tenses?|plurals?|singulars?|comparatives?|superlatives?|"
                 r"antonyms?|synonyms?|participles?|gerunds?|pronouns?|prepositions?|perfect|progressive|continuous|"
                 r"infinitives?|imperatives?|subjunctive|conditionals?)\b")  # (a learner's "what is the present perfect?")
_ABOUT_LANGUAGE = re.compile(
    r"^\s*(?:(?:hey|so|ok|okay|and|but)[,\s]+)?(?:why\b|how (?:many|much)\b|"
    r"what(?:'s|s| is| are)? the (?:difference|meaning)\b|what (?:does|do) (?!this\b|that\b|it\b|these\b)\S+ mean\b|"
    r"what (?:does|do) (?:the )?(?:idiom|phrase|expression|saying|word|term) (?:\"[^\"]+\"|'[^']+'|“[^”]+”|\S+) mean\b|"
    r"what (?:does|do) (?:\"[^\"]+\"|'[^']+'|“[^”]+”) mean\b|"
    r"what does it mean (?:to|when|if)\b|"
    # a word's history or sound, not a form of it: "what is the etymology of plural" was plural's *etymologies*
    r"(?:what(?:'s|s| is| are) )?(?:the )?(?:etymology|origins?|pronunciation|definition) of (?:the )?(?:word |term )?\S+\s*[?.!]*\s*$|"
    r"is it (?:ok|okay|rude|correct|wrong|better|bad)\b|should i\b|who (?:invented|coined|created|made up)\b|"
    r"is (?:the word )?\S+ (?:a )?(?:singular or plural|plural or singular)\b|"
    r"is (?:the word )?\S+ an? (?:adjective|adverb|noun|verb) or an? (?:adjective|adverb|noun|verb)\b|what(?:'s| is) (?:the )?\w+(?: form)? used for\s*\??\s*$|"
    r"explain (?:to me )?(?:what|how|why|when|the (?:rule|difference))\b|(?:the )?meaning of\b|is (?:the word )?\S+ a (?:real )?word\b|"
    r"is (?:the word )?\S+ (?:one word|two words|correct|right|wrong|spelled (?:right|correctly|wrong)|proper english|grammatical)\b|"
    r"when (?:do (?:i|you) |should (?:i|you) |to |(?:i|you) )?use\b|(?:correct|check|fix) my (?:sentence|grammar|english|spelling)\b|"
    # a teacher's: "how do I teach past tense", "what is a plural noun", "explain plural nouns to my
    # class", "is opposite an adjective"
    r"how (?:do|can|should|would) (?:i|you|we) (?:teach|learn|explain|practi[cs]e|remember|study)\b|"
    # a learner's: "what's the best way to learn french", "is german hard to learn"
    r"(?:what(?:'s|s| is) )?(?:the )?(?:best|easiest|fastest|quickest) way to (?:learn|study|practi[cs]e|master|memori[sz]e)\b|"
    r"is \S+ (?:hard|difficult|easy|tough) to (?:learn|master|speak|pronounce)\b|"
    # ...and of a language named, without "to learn": a Spanish teacher's "is spanish hard"
    r"is (?:" + "|".join(LANGUAGES) + r"|english) (?:so |really |very )?(?:hard|difficult|easy|tough)\s*[?.!]*\s*$|"
    r"what(?:'s|s| is| are) (?:an? |the )?(?:\w+ )?" + _GRAMMAR_TERM + r"\s*[?.!]*\s*$|"
    r"what(?:'s|s| is| are) the (?:\w+ ){1,2}tenses?\s*[?.!]*\s*$|"  # "what is the past perfect tense"
    r"explain (?:to me )?(?:\w+ )?" + _GRAMMAR_TERM + r"|is (?:the word )?\S+ an? " + _GRAMMAR_TERM + r"\s*[?.!]*\s*$)",
    re.I)
# A grammar rule asked about anywhere: "what is the rule for making plurals of words ending in y",
# "plural rule for words finish in y", "rule for the ing when double consonant"
_LANGUAGE_RULE = re.compile(r"\brules?\s+(?:for|of|about|when|with)\b|"
                            r"\b(?:all|every)\s+(?:the\s+|its\s+)?(?:tenses|forms|persons)\b|"  # a table: "conjugate to be in all tenses"
                            # ...and a verb conjugated for no one person nor the past: "conjugate the verb 'to be' please"
                            r"\bconjugat\w*\b(?!.*\b(?:for|with)\s+['\"‘“]?(?:he|she|it|i|you|we|they)\b)(?!.*\bpast\b)", re.I)


# A phrase asked in a language: "how much is this in french" is a traveller's, no count asked about
_PHRASE_IN_LANGUAGE = re.compile(r"^\s*how (?:much|many)\b.*\b(?:in|into|to)\s+(?:" + "|".join(LANGUAGES) + r")\s*[?.!]*\s*$", re.I)
# A grammar term of another language asked about: "what's the subjunctive in spanish"
_FOREIGN_GRAMMAR = re.compile(r"^\s*what(?:'s|s| is| are) (?:an? |the )?(?:\w+ )?(?:subjunctive|conjugations?|preterite|"
                              # a word's gender or article: "what's the gender of table in french"
                              r"imperfect|(?:genders?|articles?)(?:\s+(?:of|for)\s+(?:the\s+word\s+)?\S+)?|cases?|"
                              + _GRAMMAR_TERM + r")"
                              r"\s+in\s+(?:" + "|".join(LANGUAGES) + r")\s*[?.!]*\s*$", re.I)


# "tell me a joke en español", "write me a poem in french": a request to be told or given something made
_MADE_FOR_ME = re.compile(r"^\W*(?:(?:can|could|would|will)\s+(?:you|u)\s+|please\s+|pls\s+)*"
                          r"(tell|give|write|sing|send|make|show)\s+(?:me|us)\s+(?:a|an|another|some)\s+([a-z]+)\b", re.I)


class AskedToMake(NamedTuple):
    done: str      # "told", "given" …
    thing: str     # "a joke", "an apple"
    writing: bool  # a text to write ("a story"), never a word program's answer


def asked_to_make(prompt: str) -> AskedToMake | None:
    """Where the prompt asks to be told or given a thing ("tell me a joke …"), that thing: what is asked
    for, not an input (a student's joke was translated, "broma", sure; "tell me a story about a baby
    elephant" was animal-young's calf). None otherwise."""
    m = _MADE_FOR_ME.match(prompt)
    if not m:
        return None
    thing = m.group(2).lower()
    return AskedToMake(_DONE[m.group(1).lower()], ("an " if thing[0] in "aeiou" else "a ") + thing,
                       thing.removesuffix("s") in WRITINGS)


# Things written for someone, never a word program's answer: "tell me a story about …", "write me a poem on …"
WRITINGS = frozenset("story joke poem song riddle fact tale limerick haiku essay letter email speech rhyme "
                     "recipe quote quiz lullaby".split())


_DONE = {"tell": "told", "give": "given", "write": "written", "sing": "sung", "send": "sent", "make": "made",
         "show": "shown"}


def grammar_asked(prompt: str) -> list[str]:
    """The words of a grammar question about another language ("what's the gender of mesa in spanish":
    gender, of, mesa …), [] for any other prompt: a user's vocabulary list is asked it only by a key
    that says so."""
    m = _FOREIGN_GRAMMAR.search(prompt)
    return words_of(m.group(0)) if m else []


def asks_about_language(prompt: str) -> bool:
    if _PHRASE_IN_LANGUAGE.search(prompt):
        return False
    return bool(_ABOUT_LANGUAGE.search(prompt) or _LANGUAGE_RULE.search(prompt) or _FOREIGN_GRAMMAR.search(prompt))


# A question whether something is so, of someone or something other than the one asked ("is our french
# translation finished yet", "does generic advil work as well as the brand"), or who did a thing ("who
# translated the french menus"): neither asks a program for its output. A request may be put as a question
# to the one asked ("do you know the plural of mouse", "is there a word for …"): those are not these.
_WHETHER = re.compile(r"^\W*(?:is|are|was|were|does|do|did|has|have|should|isn'?t|aren'?t|doesn'?t|don'?t|didn'?t)\s+"
                      r"(?!(?:you|u|ya|there|it|anyone|anybody|someone|somebody)\b)[^\W\d_]", re.I)
_WHO_DID = re.compile(r"^\W*who\s+(?:[a-z]+ed|wrote|made|built|drew|sang|said|won|gave|took|began|led|ran|did|came|found|"
                      r"invented|spoke|told|chose|sent|bought|sold|broke|left|paid)\b", re.I)


def asks_whether(prompt: str) -> str | None:
    """What the prompt asks, when it asks whether something is so or who did a thing (above)."""
    return "whether something is so" if _WHETHER.search(prompt) else \
        "who did something" if _WHO_DID.search(prompt) else None


# Words that ask rather than name: in a several-word input they mark a request's words ("turn sad
# into", "convert love"), whichever program is asked.
QUESTION_WORDS = frozenset("is are was were what which who whom how why when where do does did can could would should will "
                      "i you we me my please turn convert change transform translate into".split())
# A question or request's first word ("what did a cooper do", "tell me …"): two of them joined are two requests
QUESTION_OPENER = re.compile(r"^\W*(what'?s|what|whats|which|who|how|where|when|give|tell)\b", re.I)
CONTRACTIONS = frozenset("whats thats hows whos wheres whens dont cant doesnt isnt wont youre theyre".split())
STOP = frozenset("""a an the of for in on to is are was be what what's whats which who how do does
    did it its this that and or with as at by from me my you your please word form i we he she they
    can could should would will not""".split())

# Closed-class words (articles, pronouns, prepositions, conjunctions, auxiliaries): frequent enough to
# sit near any query vector, so a small program's arithmetic offers them ("canon -> the"), and none is an
# input of a program of words that does not store it ("make a worksheet about make and do").
FUNCTION_WORDS = frozenset("""a an the this that these those my your his her its our their i me you he him she it we
    us they them who whom which what whose and or but nor so if of in on at to for with from by about as into onto
    than then there here is are was were be been being am do does did has have had not no""".split())

# An input may not start or end on these ("be" is a verb people ask about; "has" is no input of "which
# state has the most national parks", though a request may end on it: readings.ASKED_VERBS).
SPAN_EDGE_STOP = (STOP - {"be"}) | {"has", "have", "had", "am"}
# Words that may start talk after an input ("... asap", "... for my essay"), as may a choice
# offered ("... Switzerland Zurich or Geneva?"); a content word there is the input's own ("wisdom
# teeth removal cost" is not "wisdom" and talk).
TALK = STOP | frozenset("asap pls plz thanks thx ty lol now quickly quick again too also here ok okay real "
                          "really ever".split())
# Words any request to rewrite a text may hold, beside talk: asking, pointing at the text, naming
# it. They say nothing of how to rewrite it ("make this email sound …", "turn it into something …").
REWRITE_TALK = frozenset("""make makes made rewrite rewriting rewritten write writing written rephrase reword turn
    convert change put say said sound sounds sounding look looks read give get want need help does fix
    text texts sentence sentences paragraph paragraphs message messages email emails note notes line lines words
    version copy post letter piece passage these those something thing stuff more less bit little much way very
    just some like into onto following below above there out off over hey hi hello thank you your our us may
    might must let mind kindly actually basically literally""".split())
# Whom or what a text is for: "for my boss", "to our customers" (not "to sound less unsure").
_AUDIENCE = re.compile(r"\b(?:for|to)\s+(?:a|an|the|my|our|your|his|her|their|some)\b[^,.;:!?\n]*", re.I)


# A word after a possessive names the text or a person, not how to rewrite it ("my tweet", "our
# boss"), as does one after a pointer that the request goes on past ("this tweet as a pirate", "this
# complaint is about"; not "make this shorter").
_TEXT_NAMED = re.compile(r"\b(?:my|our|your|his|her|their)\s+[^\W\d_]+|"
                         r"\b(?:this|that|these|those)\s+[^\W\d_]+(?=\s+(?:as|is|into|like|sounds?|looks?|reads?)\b)|"
                         # the words before a text's name say which text ("this customer message"), not how
                         r"\b(?:this|that|these|those|my|our|your|his|her|their|the)\s+(?:[^\W\d_]+\s+){1,2}"
                         r"(?:message|e-?mail|text|ticket|note|letter|post|tweet|paragraph|sentence|review|comment|"
                         r"essay|article|document|memo|complaint)s?\b", re.I)


def manner_words(request: str) -> list[str]:
    """The words of a request to rewrite a text (or of a program's phrasing) that may say how:
    "shorter" of "make this shorter: …", "snarky spin" of "give this a snarky spin for our meme
    page: …", "pirate" of "make my tweet sound like a pirate wrote it"."""
    return [w for w in words_of(_TEXT_NAMED.sub(" ", _AUDIENCE.sub(" ", request)))
            if w not in TALK and w not in REWRITE_TALK and len(w) > 2 and not w.isdigit()]


# Text-speak in a short request (a text to rewrite keeps its words), read as the words it stands for
# (no typo: no note), where its neighbours say it is that word: "how do u say thank you in french",
# "wats the plural of octopus"; the letter u in "what comes after u" stays a letter.
TEXT_SPEAK = {"wat": "what", "wut": "what", "wats": "what's", "wuts": "what's", "u": "you", "r": "are", "ur": "your",
              "ppl": "people", "whn": "when", "wht": "what", "whr": "where"}  # (vowels dropped on a phone: "whn do i sow basil")
_SPEAK_BEFORE = {"u": frozenset("do did can could would will have are r thank".split()),
                 "r": frozenset("what how where who which wat wut".split())}
_SPEAK_AFTER = {"u": frozenset("say know tell make give spell call write translate pls please plz".split()),
                "r": frozenset("u you the".split())}
# "tl;dr this ticket: …" asks for a summary; MiniLM reads "tl;dr" as no word it knows (0.50 to
# "summarise this support ticket"). Read as "summarize" before the request's colon, with a note.
TLDR = re.compile(r"\btl\s?;?\s?dr\b", re.I)
PRONOUNS = frozenset("i you me we us it he she him her they them".split())  # a phrase may start or end on one: "thank you"
# A request word shortened as people type it on a phone ("pl of goose", "cap of peru", "adj for
# netherlands"), read as that word at the start of a short request only: "plural of cap" keeps its cap.
SHORT_FORMS = {"pl": "plural", "plur": "plural", "cap": "capital", "adj": "adjective", "adv": "adverb",
               "syn": "synonym", "opp": "opposite", "ant": "antonym", "fem": "feminine", "masc": "masculine",
               "comp": "comparative", "sup": "superlative", "nat": "nationality", "curr": "currency"}
SHORT_FORM_LEAD = frozenset("what what's whats wat wats the a an".split())  # may come before one ("whats the pl of")
# "past part of sing" is the participle's: a shortened word read by the word before it.
SHORT_AFTER = {("past", "part"): "participle", ("present", "part"): "participle", ("pres", "part"): "participle"}
# A digit standing for a word between a request's words: "synonym 4 happy", "english 2 spanish"
# (never after a word that takes a number: "what comes after 4 in", "page 2 of").
DIGIT_WORDS = {"4": "for", "2": "to"}
NUMBER_BEFORE = frozenset("after before than plus minus times of is are by to from and or at the number page "
                          "chapter grade top over under about".split())
FILLER = frozenset("pls plz thx ty lol lmao asap also".split())  # no input at all: "translate to german pls: ..."
# Words that are talk or a question's at an input's edge, never the input's own ("wats apple", "hospital asap")
# (not "thanks": "thanks for nothing"; "again": "whats on port 5432 again")
EDGE_NOISE = FILLER | CONTRACTIONS | frozenset(TEXT_SPEAK) | {"what", "what's", "again"}
PHRASE_EDGES = EDGE_NOISE | (STOP - PRONOUNS)  # no phrase starts or ends on these ("fire as an")
CLAUSE_BREAK = re.compile(r"[,;:?!.\-–—]")  # "Hungary? going there next month": what follows is talk


# -- text clean-up --------------------------------------------------------------------------------
def polite_tail_dropped(text: str) -> str:
    """The text without a trailing "please", "thanks" (kept when nothing else is left)."""
    tail = _polite_tail(text)
    return text[:tail.start()].rstrip() if tail and tail.start() > 0 else text


def strip_politeness(text: str) -> str:
    """The request without greetings, "could you please tell me", a quiz's "Q:", trailing thanks and
    a crossword clue's letter count ("(7)", ", 7 letters")."""
    t = text.strip()
    for _ in range(3):
        before = t
        t = _ADDRESS.sub("", t).strip()
        t = _POLITE_HEAD.sub("", t).strip()
        t = without_quiz_label(t)
        t = _ASK_HEAD.sub("", t).strip()
        tail = _polite_tail(t)
        if tail and not re.search(r":|--?|–|—", tail.group(0)):  # after a separator the
            t = t[:tail.start()].strip()  # thanks is the text: "translate to French: Thank you.", "… -- thanks!!"
        t = _LETTER_COUNT.sub("", t).strip()
        if t == before:
            break
    return t or text.strip()


def without_quiz_label(text: str) -> str:
    """The prompt without a quiz's "Q:" or "Question 3:" before it."""
    return _QUIZ_LABEL.sub("", text.strip())


_TRADEMARKS = str.maketrans("", "", "®™©℠")  # (a name exported from a spreadsheet keeps them: "Allegra®")


def without_marks(text: str) -> str:
    """Letters without their accents, names without a trademark sign: "türkiye" -> "turkiye",
    "antónimo" -> "antonimo", "Allegra®" -> "Allegra"."""
    if text.isascii():  # (most text: no decomposition to walk, and this is asked of every reading)
        return text
    text = text.translate(_TRADEMARKS)
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))


def unquote(text: str) -> str:
    """Quotes around words removed, apostrophes inside words ("what's", "Turkey's") kept."""
    return " ".join(_QUOTE.sub(" ", text).split())


# A text the prompt points at and does not give: "make this email more formal", "translate my resume
# into german" (a text given after it is marked: a colon, a new line, quotes, a dash)
_ABSENT_TEXT = re.compile(r"\b(?:this|that|these|those|my|our|your|his|her|their)\s+(?:[a-z]+\s+)?"
                          r"(?:e-?mails?|mails?|messages?|texts?|letters?|websites?|site|web\s?page|pages?|documents?|docs?|"
                          r"articles?|essays?|paragraphs?|posts?|tweets?|reviews?|reports?|files?|pdfs?|resumes?|cvs?|"
                          r"memos?|notes|stor(?:y|ies)|poems?|speech|papers?|announcement|draft|complaint|bio|caption|"
                          r"slides?|chapters?|lyrics|script)\b", re.I)
_MARKED_TEXT = re.compile(r"[:\n\"“”«»]|\s[-–—]\s|[.?!]\s+\S")
# ...and, to a program of sentences, a document named with "the" ("summarize the Smith deposition transcript")
_ABSENT_DOCUMENT = re.compile(r"\bthe\s+(?:[\w'’-]+\s+){0,3}(?:e-?mails?|documents?|reports?|files?|pdfs?|memos?|"
                              r"transcripts?|depositions?|contracts?|agreements?|minutes|briefs?|filings?|articles?|"
                              r"essays?|speech|draft|script|chapters?)\b", re.I)


def absent_text(prompt: str, inputs: list[str], sentences: bool = False) -> str | None:
    """The words that point at a text the prompt does not give ("this email"; for a program of
    sentences, "the … transcript" too), where an input read holds them, or None ("for my essay, the
    plural of 'crisis'" gives its input)."""
    if _MARKED_TEXT.search(prompt):
        return None
    found = _ABSENT_TEXT.search(prompt) or (_ABSENT_DOCUMENT.search(prompt) if sentences else None)
    noun = found.group(0).split()[-1].lower() if found else None
    return found.group(0) if noun and any(noun in plain_words(i) for i in inputs) else None


# What a text is for, said in place of the text: "write a job ad for a senior java developer", "caption ideas for a
# photo of my dog" (a few words and a purpose, no sentence of their own)
_PURPOSE = r"(?:for|about)\s+(?:a|an|the|my|our|your|his|her|their|this|that|some)\s+"
_PURPOSE_ONLY = re.compile(r"^(?:[^\W\d_]+\s+){0,2}?(?P<purpose>" + _PURPOSE + r"[^,.;:!?\n]+)$", re.I)
PURPOSE_WORDS = 8  # ...of this many words at most


def purpose_only(prompt: str, inputs: list[str]) -> str | None:
    """The purpose a request says instead of a text ("for a photo of my dog", "for my portugal trip"), where
    it is the one input read (or its words before it, at the prompt's end), or None."""
    if len(inputs) != 1 or len(inputs[0].split()) > PURPOSE_WORDS or inputs[0].strip()[:1].isupper():
        return None  # (a name is the thing asked about: "abbreviation for the Court of Appeals for the Federal Circuit")
    found = _PURPOSE_ONLY.match(inputs[0].strip()) or \
        re.search(rf"(?P<purpose>{_PURPOSE}{re.escape(inputs[0].strip())})\W*$", prompt, re.I)
    return found["purpose"] if found else None


def clean_input(text: str) -> str:
    """An input without surrounding punctuation, leading articles ("a monk"), a work's kind before
    its title ("the book Dracula") and a possessive ("Turkey's")."""
    t = unquote(text).strip(" \t\n?!.,;:-–—()[]")
    t = _LEADING.sub("", t).strip()
    t = unquote(_WORK_KIND.sub("", t)).strip()
    t = _POSSESSIVE.sub("", t).strip()
    return t.strip(" \t\n?!.,;:-–—()[]")


def split_list(text: str) -> list[str]:
    """'cat, dog and mouse' -> three inputs; a single item stays one."""
    parts = [clean_input(p) for p in _LIST_SPLIT.split(text)]
    return [p for p in parts if p]


def speaks(word: str, before: str | None, after: str | None) -> bool:
    """Whether a text-speak word stands for its word here (see TEXT_SPEAK)."""
    if word in _SPEAK_BEFORE:
        return before in _SPEAK_BEFORE[word] or after in _SPEAK_AFTER[word]
    return word != "ur" or (after is not None and before not in ("of", "in", "from", "to"))


def plain_words(text: str) -> list[str]:
    """A text's words in lower case, without the punctuation around them ("located?" -> located)."""
    return [w for w in (w.strip(".,;:!?\"'()“”‘’") for w in text.lower().split()) if w]


def whole_clauses(key: str, whole: str) -> bool:
    """Whether a reading's key is whole clauses of the prompt, talk at their ends aside ("Is it too
    late to cancel? The driver hasn't …", "nvm dont want the food anymore, cancel it"): an intent may
    be asked in one clause, but not by a clause with words cut out of it ("reset my [router]
    password")."""
    def core(words: list[str]) -> list[str]:
        while words and words[0] in TALK:
            words = words[1:]
        while words and words[-1] in TALK:
            words = words[:-1]
        return words

    want = core(words_of(key))
    if not want:
        return False
    clauses = [words_of(c) for c in CLAUSE_BREAK.split(whole)]
    return any(core([w for c in clauses[i:j] for w in c]) == want
               for i in range(len(clauses)) for j in range(i + 1, len(clauses) + 1))


def drops_only_values(key: str, whole: str) -> bool:
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
    return bool(dropped) and all(any(c.isdigit() for c in w) or w.lower() in TALK or (n > 0 and w[:1].isupper())
                                 for n, w in dropped)


def words_of(text: str) -> list[str]:
    """A phrasing's or a request's words, lower-cased: letters only ("español" is one word)."""
    return re.findall(r"[^\W\d_]+", text.lower())


def quoted_within(value: str, marked: list[str]) -> str:
    """The one phrase the user quoted in a slot's value with a word or two of talk around it
    ("need the German for 'hospital' asap", "the word 'hello'"): the quotes mark the input. Not
    when the words around it ask something ("the female of 'lion'" is a request of its own)."""
    inside = [q.strip() for q in marked if q.strip() and q.strip() in value]
    if len(inside) == 1 and inside[0] != value.strip():
        rest = value.replace(inside[0], " ").strip(" " + _QUOTE_CHARS).lower().split()
        if len(rest) <= 2 and "of" not in rest:
            return clean_input(inside[0]) or inside[0]
    return value


def list_items(inputs: list[str], max_words: int = MAX_LIST_WORDS) -> list[str]:
    """The items of one input that is a short list of words ("apple, river and candle"); else []."""
    if len(inputs) != 1 or len(inputs[0].split()) > max_words or not LIST_WORD.search(inputs[0].replace(",", " , ")):
        return []
    items = split_list(inputs[0])
    if len(items) == 2 and "," not in inputs[0] and min(len(i.split()) for i in items) >= 3:
        return []  # two clauses of a sentence: "the store opens at eight and closes at ten"
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
    dash = DASH.search(prompt) if typed is None else None
    # a dash marks a text as a colon does ("sound nicer please - This field is required."), where reading
    # took all of it (not "road trip — Arches National Park is in which state?": a name in a question)
    dashed = prompt[dash.end():].strip() if dash else None
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
        elif len(inputs) == 1 and any(m and m != text and clean_text(m) == clean_text(text) for m in (marked, dashed)):
            # ...and so is what reading took off both ends ("make it warmer: Your account is locked.")
            text = marked if marked and clean_text(marked) == clean_text(text) else dashed
        out.append(_ASKED_OF_READER.sub("", text) or text)
    return out


# A last sentence that asks the reader, not the text's: "my thesis is: Video games should be taught in
# school. thoughts?", "… what do you think?" (a text's own question, "Can you help?", stays)
_ASKED_OF_READER = re.compile(
    r"(?<=[.!?])\s+(?:(?:any\s+)?(?:thoughts|feedback|ideas|suggestions|comments)|what\s+do\s+you\s+think|"
    r"(?:is\s+(?:it|this|that)|does\s+(?:it|this|that)\s+(?:sound|look|read))\s+(?:ok|okay|good|right|fine|better))"
    r"\s*\?+\s*$", re.I)


_CLOSING = {'"': '"', "'": "'", "`": "`", "”": "“", "’": "‘"}  # a closing quote and its opening


def _closes_quote(span: str, after: str) -> bool:
    """The text continues `after` with the closing quote of a phrase it opened: "… is 'final" + "' -- …"."""
    close = after[:1]
    if close not in _CLOSING or re.match(r".\w", after):
        return False
    opened = len(re.findall(r"(?<!\w)" + re.escape(_CLOSING[close]), span))
    # (one mark for both: a closing one ends a word, "says 'anual' instead of 'annual" closed one of two)
    closed = len(re.findall(("(?<=\\w)" if close == _CLOSING[close] else "") + re.escape(close) + r"(?!\w)", span))
    return opened > closed


def as_typed(inputs: list[str], prompt: str) -> list[str]:
    """A marked text as the user typed it: the polite tail taken off the request belongs to a
    text ("Got your package, all good, cheers.")."""
    typed = split_explicit(prompt.strip())
    if typed and len(inputs) == len(typed.inputs) == 1 and len(inputs[0].split()) > MAX_SPAN_WORDS \
            and typed.inputs[0].startswith(inputs[0]):
        return typed.inputs
    return inputs


def is_name(words: list[str]) -> bool:
    """Capitalised words, joined by small ones: "Statue of Liberty National Monument"."""
    return len(words) >= 2 and all(w[:1].isupper() or (0 < k < len(words) - 1 and w in _NAME_JOINS)
                                   for k, w in enumerate(words))


def stop_edges(inputs: list[str]) -> tuple[set[str], set[str]]:
    """The stop words the inputs of two words or more start on, and those they end on; every stop
    word, where half of them do (phrasal verbs end on particles: "get along with" is one of them
    though no stored verb ends on "with")."""
    split = [w for w in (i.lower().split() for i in inputs) if len(w) > 1]
    firsts, lasts = [w[0] for w in split if w[0] in STOP], [w[-1] for w in split if w[-1] in STOP]
    particles = sum(w[-1] in STOP or w[-1] in _PARTICLES for w in split)
    return (set(STOP) if split and len(firsts) * 2 >= len(split) else set(firsts),
            set(STOP) if split and particles * 2 >= len(split) else set(lasts))


_PARTICLES = {"up", "down", "out", "off", "on", "over", "across", "away", "back", "along", "around", "through",
              "in", "into", "after", "by", "about", "for", "with", "to", "of"}  # a phrasal verb's last word


def name_parts(name: str) -> list[str]:
    """A program's name in words: english-german -> english, german."""
    return re.split(r"[-_.]", name.lower())


def _name_words(name: str) -> str:
    """A program's name as a pattern of words: "plain-english" matches "plain English"."""
    return r"[\s-]+".join(map(re.escape, name_parts(name)))


def name_pattern(name: str, parts: list[str] = ()) -> re.Pattern:
    """The program's name (or one of the given parts of it) as words of a request: "formal",
    "formally" (not "informal")."""
    words = "|".join([_name_words(name)] + [re.escape(w) for w in parts])
    return re.compile(r"\b(?:" + words + r")(?:ly)?\b", re.I)


def less_pattern(name: str) -> re.Pattern:
    """Words asking for less of a program, by its name: "less formal", "too formal", "not so
    formal", "informal(ly)", "unformal" (but not "in formal English")."""
    return re.compile(r"(?:\b(?:less|too|not(?:\s+so|\s+too)?|overly|over)\s+|\b(?:in|un|non-?))"
                      + _name_words(name) + r"(?:ly)?\b", re.I)


def clean_text(text: str) -> str:
    """A cut's input part: a text keeps its words; a short one loses articles and quotes."""
    # A text keeps its own ending (it is the user's data), but not a separator: "Hot Springs National Park - what state",
    # "12/25/2023 -> iso 8601".
    t = re.sub(r"\s+(?:--?|[—–]|[-=]>|→)$", "", text.strip().lstrip(",;:-–— "))
    t = _POINTER.sub("", t) or t  # "add emojis to {text}" read "this: happy birthday mom"
    t = _POINTER_BARE.sub("", t) or t
    return clean_input(t) if len(t.split()) <= MAX_SPAN_WORDS else t


# Words that name opposite actions or states: a user's intent whose phrasing says one and a prompt
# that says the other are opposite commands, however close their sentence vectors ("turn on the
# bedroom light" matched lights-off's "turn the bedroom lights off" at 0.89; "unlock the house"
# lock-doors' "lock up the house").
OPPOSITE_ACTIONS = (("on", "off"), ("lock", "unlock"), ("locked", "unlocked"), ("open", "close"), ("open", "shut"),
                    ("opened", "closed"), ("start", "stop"), ("up", "down"), ("enable", "disable"),
                    ("increase", "decrease"), ("raise", "lower"), ("louder", "quieter"), ("brighter", "dimmer"),
                    ("warmer", "cooler"), ("add", "remove"), ("arm", "disarm"), ("play", "pause"), ("mute", "unmute"),
                    ("subscribe", "unsubscribe"), ("cancel", "renew"), ("bright", "dark"), ("activate", "deactivate"),
                    # a support desk's replies: "approve this refund request" is no request for refund-decline
                    *((yes, no) for yes in ("approve", "approving", "accept", "accepting", "grant", "granting")
                      for no in ("decline", "declining", "reject", "rejecting", "refuse", "refusing", "deny", "denying")))
OPPOSITE: dict[str, set[str]] = {}
for _a, _b in OPPOSITE_ACTIONS:
    OPPOSITE.setdefault(_a, set()).add(_b)
    OPPOSITE.setdefault(_b, set()).add(_a)


def opposes(request: str, program_words: set[str]) -> bool:
    """Does the request say an action whose opposite a program's keys and name say, and never the
    action itself? ("approve this refund request" of a refund-decline whose keys all decline)"""
    said = set(words_of(request)) & OPPOSITE.keys()
    return any(w not in program_words and OPPOSITE[w] & program_words for w in said)


def contradicts(prompt: str, phrasing: str) -> bool:
    """Does the phrasing say an action's opposite where the prompt says the action?"""
    said, key = set(words_of(prompt)), set(words_of(phrasing))
    return any(w not in key and any(o in key and o not in said for o in OPPOSITE[w]) for w in said & OPPOSITE.keys())


# The question a request starts with (reader._asks_another_question)
_HOW_MUCH = ("long", "many", "much", "old", "far", "big", "tall", "high", "deep")
_QUESTION = re.compile(r"^\W*(?:(?:so|and|but|ok|okay|hey|hi),?\s+)?(how (?:" + "|".join(_HOW_MUCH) + r")|"
                       r"who(?:m|se)?|when|where|why|what year|what|which)\b", re.I)
# The questions a user's word program may be asked that none of its keys asks (_asks_another_question)
SPECIFIC_QUESTIONS = frozenset({"who", "when", "where", "why"} | {f"how {w}" for w in _HOW_MUCH})
PLACE_OR_PERSON = frozenset({"where", "who"})  # asked of a "which country" program: its kind of thing is a place or a person
_SAME_QUESTION = {"whom": "who", "whose": "who", "what year": "when", "which": "what"}


def question_asked(text: str) -> str | None:
    """The question a request starts with, as a class ("which" asks as "what" does; "what year" as
    "when"), or None."""
    m = _QUESTION.match(text)
    if not m:
        return None
    q = " ".join(m.group(1).lower().split())
    return _SAME_QUESTION.get(q, q)


# British spellings and their American forms: one word spelt two ways, no slip ("utilise" is "utilize")
# A word spelt the British and the American way (and a chemist's -ous for -us), each way: utilise utilize,
# colour color, centre center, catalogue catalog, travelled traveled, sulphate sulfate, haem heme, phosphorous phosphorus
_SPELLING_SWAPS = (("ise", "ize"), ("ising", "izing"), ("isation", "ization"), ("yse", "yze"), ("ysing", "yzing"),
                   ("our", "or"), ("tre", "ter"), ("ogue", "og"), ("lled", "led"), ("lling", "ling"), ("ller", "ler"),
                   ("ph", "f"), ("ae", "e"), ("oe", "e"), ("ence", "ense"), ("ous", "us"))


def spelling_variants(word: str) -> set[str]:
    """The word spelt the other way, one swap at a time, never in its first two letters ("photo" is no
    "foto"): "sulphur" -> sulfur, "sulfate" -> sulphate, "colour" -> color."""
    found = set()
    for a, b in _SPELLING_SWAPS:
        for old, new in ((a, b), (b, a)):
            start = word.find(old, 2)
            while start > 0:
                found.add(word[:start] + new + word[start + len(old):])
                start = word.find(old, start + 1)
    found.discard(word)
    return found


def spelt_otherwise(a: str, b: str) -> bool:
    """Are two words one word spelt the British and the American way (utilise, utilize; colour, color)?"""
    a, b = a.lower(), b.lower()
    if a == b or min(len(a), len(b)) < 5:  # (four is no British "for")
        return False
    return b in spelling_variants(a)


# A question about a thing rather than a request for it: "what is a subject line", "how long should a
# headline be" name a user's program of texts and give it no text, nor ask for one
ASKS_ABOUT = re.compile(r"^\W*(?:what(?:'s|\s+is|\s+are|s)|how\s+(?:long|many|much|do|does|should)|why|is|are|"
                        r"should|does|do)\b", re.I)


# A question asking how to do a thing, which gives no text to rewrite: "how do we make our onboarding
# flow friendlier" (a text program's reading took "how do we make our onboarding flow" as its text);
# a verb of saying introduces a text ("how do I say I can't come tomorrow politely")
_ADVICE = re.compile(r"^\W*(?:how\s+(?:do|can|could|should|would|might)\s+(?:i|we|you|one|they|u)|how\s+to|"
                     r"what(?:'s|\s+is)\s+the\s+best\s+way\s+to|any\s+tips\s+(?:on|for)|"
                     # ("how urgent is it to upgrade to python 3.12" went to a developer's ticket-urgency as a ticket)
                     r"how\s+\w+\s+is\s+it\s+to|is\s+it\s+(?:worth|ok|okay|safe|wise|necessary|urgent)\s+to|"
                     r"should\s+(?:i|we)|(?:do|must)\s+(?:i|we)\s+(?:need|have)\s+to)\s+(\w+)(?:\s+(\w+))?", re.I)
_SAYING = frozenset("say said write phrase word put tell ask rewrite reword rephrase express translate spell turn change "
                    "convert answer reply respond explain describe summarize summarise define".split())


def asks_how_to(prompt: str) -> bool:
    """A question for advice that marks no text ("how do we make our onboarding flow friendlier")."""
    found = _ADVICE.match(prompt)
    if not found or _MARKED_TEXT.search(prompt) or QUOTED.search(prompt):
        return False
    verb = found.group(2) if found.group(1).lower() in ("really", "just", "best") or \
        found.group(1).lower().endswith("ly") else found.group(1)
    return (verb or "").lower() not in _SAYING

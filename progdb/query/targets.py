"""What a request asks for, as its target: the words that name where a request goes ("to English",
"in the singular", "make it passive", "which country"), a program's way back (a card's `reverse`
words), a language a translator does not give or translate from, and a text program named as the
target of a marked text ("… this sign in Spanish: …"). The reader asks, per program, whether a
request is that program's or its way back (WayBack.asks_back)."""
from __future__ import annotations

import re
from functools import lru_cache

from progdb.query.wording import LANGUAGES, STOP, name_parts

# (words between a preposition and its target; "to this email" points at the text, it asks for no email)
_NOT_POINTING = r"(?:(?!(?:this|that|these|those|my|your|our|his|her|their)\b)\S+\s+)"
# (a target ends the request: "make it passive", "in the singular", "in everyday English:", not "make this email to …")
_ENDS_REQUEST = (r"(?=\s*(?:$|[?.!,:;)…]|(?:please|pls|plz|voice|form|language|words?|speak|talk|english|style|tone|"
                 r"version|case|letters?|body|instead|for|with)\b))")
# (nor is a word the request points at: "summarise this email for me", "simplify this jargon for a customer")
_AFTER_NO_POINTER = "".join(f"(?<!{w} )" for w in ("this", "that", "these", "those", "my", "your", "our", "his", "her", "their"))
_AS_WHAT = r"(?:word|form|version|translation|meaning|equivalent|term|tense|voice|adjective|verb|noun)s?"
_NEGATED = re.compile(r"\b(?:less|not|too|non|never|without|no\s+longer)\s+(?:so\s+|very\s+)?[\w-]+", re.I)
_PUNCT = " :?.!,;"


def asked_for_pattern(words: list[str]) -> re.Pattern:
    """Words as what a request asks for, not as what it is given: "to english", "into a proper
    sentence", "in the singular", "in everyday English:", "which country", "singular of",
    "english translation of", "make it passive", "name a national park", "lowercase: WARNING"."""
    w = "(?:" + "|".join(r"[\s-]+".join(map(re.escape, x.lower().split())) for x in words) + r")(?:s|es)?"
    return re.compile(
        r"\b(?:to|into|as)\s+" + _NOT_POINTING + r"{0,2}" + w + r"\b"
        r"|\bin\s+" + _NOT_POINTING + r"{0,2}" + w + _ENDS_REQUEST +
        r"|\b(?:which|what)\s+" + w + r"\b"
        r"|\b" + _AFTER_NO_POINTER + w + r"\s+(?:" + _AS_WHAT + r"\s+)?(?:for|of)\b"
        r"|\bmake\s+(?:it|this|that|them|these|those)\s+(?:\S+\s+)?" + w + _ENDS_REQUEST +
        r"|\b(?:name|list|give\s+me)\s+(?:a\s+few\s+|a\s+|an\s+|some\s+|the\s+|few\s+|\d+\s+)?(?:\S+\s+)?" + w + r"\b"
        r"|^\W*" + w + r"(?:\s+" + _AS_WHAT + r")?\s*(?:[:?]|$|please\b|pls\b)", re.I)


@lru_cache(maxsize=None)
def _shared_asked_for(words: tuple[str, ...]) -> re.Pattern:
    return asked_for_pattern(list(words))


def _first(a: re.Match | None, b: re.Match | None) -> re.Match | None:
    """The match that starts first (as one pattern of both lists would find it), a's on a tie."""
    if a is None or b is None:
        return a or b
    return b if b.start() < a.start() else a


def target_pattern(words: list[str]) -> re.Pattern | None:
    """A request that ends asking for one of the words as its target: "… in Spanish", "Spanish
    version", "German translation pls" (a text's colon follows)."""
    if not words:
        return None
    w = "(?:" + "|".join(r"[\s-]+".join(map(re.escape, x.split())) for x in words) + ")"
    return re.compile(r"(?:\b(?:in|into|to)\s+" + w + r"|\b" + w + r"\s+(?:version|translation|style)|^\W*" + w +
                      r")(?:\s+(?:please|pls|plz))?\W*$", re.I)


class WayBack:
    """A program's way back as a request asks for it: its card's reverse words (and the languages
    its name does not hold), unless the request also asks for the program's own name words
    ("english to french"); a request to undo it ("un-pirate this"); one asking what a word is the
    program of ("'geese' is the plural of what?"); for a translator, another language to
    translate from ("german to spanish: Hund")."""

    def __init__(self, program: str, reverse: list[str], languages: tuple[str, ...] = ()):
        """reverse: the card's words for the way back; languages: those the program does not
        translate into, which read as a way back too."""
        back_words = {w for r in list(reverse) + list(languages) for w in r.lower().split()}
        forth = [w for w in name_parts(program) if len(w) >= 3 and w not in STOP and w not in back_words]
        self.back = asked_for_pattern(reverse) if reverse else None
        # (most programs share one list of languages: its pattern is compiled once, not per program)
        self.languages = _shared_asked_for(languages) if languages else None
        self.forth = asked_for_pattern(forth) if forth else None
        self.undo = re.compile(r"\b(?:un|de)-?(?:" + "|".join(map(re.escape, forth)) + r")", re.I) if forth else None
        self.of_what = re.compile(r"\b(?:" + "|".join(map(re.escape, forth)) + r")\s+of\s*(?:what|which\s+\w+)?\W*$",
                                  re.I) if forth else None
        first = name_parts(program)[0]  # a translator's first language is what it translates from
        others = [w for w in LANGUAGES + ("english",) if w != first]
        self.source = re.compile(r"\bfrom\s+(?:" + "|".join(others) + r")\b|^\W*(?:" + "|".join(others) +
                                 r")\s+(?:to|into|->|→|=>)\s", re.I) if first in LANGUAGES + ("english",) else None

    def asks_back(self, request: str, prompt: str) -> str:
        """The words of the request (a short prompt's whole, a long one's without its text) that
        ask for the way back, or "" when it asks for the program."""
        request = _NEGATED.sub(" ", request)  # "make it less passive", "active not passive": no target
        m = _first(self.back and self.back.search(request), self.languages and self.languages.search(request))
        if m and not (self.forth and self.forth.search(request)):
            return m.group(0).strip(_PUNCT)
        m = self.source.search(request) if self.source else None
        if m is None and self.undo is not None:
            m = self.undo.search(request) or self.of_what.search(prompt)
        return m.group(0).strip(_PUNCT) if m else ""

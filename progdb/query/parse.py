"""Split a prompt into a program key and its inputs.

In order: the `{slot}` templates of stored keys (most specific match wins), explicit structure
(a new line, `key: input`, quoted inputs), then an embedding-guided cut: the split whose key part
best matches a stored key (the key may come before or after the inputs).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cached_property
from typing import Callable

from progdb.program import SLOT_RE, input_slots, key_slots

_END_PUNCT = "?.!;, \t\n"
_VALUE_STRIP = _END_PUNCT + "\"'“”"  # what a slot value loses at either end
_FILLER_WORDS = 3  # words a template tolerates in front of it ("please", "hey, what's")
_MAX_CUT_INPUT_WORDS = 8
# "what's the young of a bear called": the question's last word is no part of the slot's value
WHAT_CALLED = re.compile(r"\s*(?:what|what's|whats|what is)\b.*\bcalled\W*$", re.I | re.S)
_CALLED = re.compile(r"\s+called$", re.I)
# The asker of a key's question is whoever types it: "how do you say {word} in French" is also typed
# "how do I say …", "how do we say …" (it was read "thank" of "how do I say thank you in french").
_ASKS = frozenset("do does did would could can should will".split())
_ASKER = r"(?:you|i|we|u)"
_ASKING = r"(?:%s)" % "|".join(sorted(_ASKS))  # ... however it asks: "how would I say …"


@dataclass
class Parsed:
    prompt: str
    key: str
    inputs: list[str]
    slots: dict[str, str] = field(default_factory=dict)
    method: str = "whole"  # template | explicit | cut | whole
    template: str | None = None
    template_program: str | None = None
    spans: list[tuple[int, int, str]] = field(default_factory=list)  # template slots in the prompt


@dataclass
class Template:
    program: str
    key: str
    pattern: str
    literal_chars: int
    inputs: list[str]
    words: tuple[str, ...] = ()  # the key's literal words, case-folded: a prompt lacking one cannot match

    @cached_property
    def regex(self) -> re.Pattern:
        # compiled when a prompt first holds all the literal words: a process's first query
        # compiled all ~250 stored keys' patterns for the few it could match
        return re.compile(self.pattern, re.IGNORECASE | re.DOTALL)

    def may_match(self, folded_prompt: str) -> bool:
        """A cheap test before the regex: every literal word is somewhere in the (case-folded) prompt."""
        return all(w in folded_prompt for w in self.words)


def compile_template(program: str, key: str) -> Template | None:
    slots = key_slots(key)
    if not slots:
        return None
    parts = SLOT_RE.split(key)  # literal, slot, literal, slot, ..., literal
    pattern = [r"^(?:\S+\s+){0,%d}?" % _FILLER_WORDS if parts[0].strip() else "^"]
    seen = set()
    literal_words = []  # case-folded, the asker's "you" aside: a prompt lacking one cannot match
    for i, part in enumerate(parts):
        if i % 2 == 0:
            words = part.split()
            literal_words += [w.casefold() for j, w in enumerate(words) if not _asker(words, j) and not _asker(words, j + 1)]
            lit = r"\s+".join(_ASKER if _asker(words, j) else _ASKING if _asker(words, j + 1) else re.escape(w)
                              for j, w in enumerate(words))
            if lit:
                # a spaced literal ends at a word's edge: "workplace of a {word}" takes no "n actor" of "an actor"
                lead = (r"\s*" + (r"\b" if words[0][:1].isalnum() else "")) if part[:1].isspace() or i == 0 else ""
                trail = ((r"\b" if words[-1][-1:].isalnum() else "") + r"\s*") if part[-1:].isspace() else ""
                pattern.append(lead + lit + trail)
            elif part:
                pattern.append(r"\s+")
        else:
            if part in seen:  # a repeated slot must repeat its value
                pattern.append(rf"(?P={part})")
                continue
            seen.add(part)
            last = i == len(parts) - 2
            pattern.append(rf"(?P<{part}>.+)" if last else rf"(?P<{part}>.+?)")
    pattern.append(r"[\s?.!]*$")
    literal = sum(len(p.strip()) for p in parts[::2])
    return Template(program, key, "".join(pattern), literal, input_slots(slots), tuple(literal_words))


def _asker(words: list[str], j: int) -> bool:
    """Is words[j] the "you" a question asks with ("how do you say")?"""
    return j < len(words) and words[j].casefold() == "you" and j > 0 and words[j - 1].casefold() in _ASKS


def _clean_value(raw: str) -> str:
    """A slot value without surrounding quotes and punctuation; a text of three words or more keeps
    its own final ?, ! or . ("Hello, how are you doing today?" is the text to rewrite)."""
    raw = re.sub(r"^\s*:\s*", "", raw)  # "write a tweet for: Cork …": the colon ends the request, not the value
    value = raw.strip().strip(_VALUE_STRIP)
    if len(value.split()) >= 3:
        kept = raw.strip().strip("\"'“” \t\n").rstrip(",; ")
        if value in kept and kept.endswith(("?", "!", ".")):
            return kept[kept.index(value):]
    return value


def match_template(prompt: str, templates: list[Template]) -> Parsed | None:
    """The matching template with the most literal text; ties go to the earlier stored key."""
    best = None
    folded = prompt.casefold()
    called = bool(WHAT_CALLED.match(prompt))  # "what's the young of a bear called": "called" is the question's
    for t in templates:
        if not t.may_match(folded):
            continue  # a literal word of the key is missing: its regex cannot match
        m = t.regex.match(prompt.strip())
        if not m:
            continue
        values = {k: _clean_value(v) for k, v in m.groupdict().items()}
        if called:
            values = {k: _CALLED.sub("", v) for k, v in values.items()}
        if any(not v for v in values.values()):
            continue
        # Text matched by neither literal nor slot (filler words) counts against the template,
        # so the most specific phrasing wins.
        filler = len(prompt.strip()) - sum(len(v) for v in m.groupdict().values()) - t.literal_chars
        score = t.literal_chars * 2 - max(filler, 0)
        if best is None or score > best[0]:
            best = (score, t, values, m)
    if best is None:
        return None
    _, t, values, m = best
    inputs = [values[s] for s in t.inputs]
    # The key is the prompt without its slots' values, filler words included: "comparative or
    # superlative of big" must not pass for "superlative of"; as a stored key is embedded without its
    # slots, "convert 1 atm to kPa" is "convert to" of "convert {input} to {unit}" (not "convert to kPa").
    offset = len(prompt) - len(prompt.lstrip())
    key = prompt.strip()
    for start, end in sorted((m.span(slot) for slot in m.groupdict()), reverse=True):
        key = key[:start] + " " + key[end:]
    spans = []
    for slot, raw in m.groupdict().items():
        start = offset + m.start(slot) + raw.find(values[slot])  # cleaning only trims the ends
        spans.append((start, start + len(values[slot]), slot))
    return Parsed(prompt, _clean_key(key), inputs, values, "template", t.key, t.program, sorted(spans))


def fill(template: str, values: dict[str, str]) -> str:
    """Fill the named slots; slots without a value stay as they are."""
    return SLOT_RE.sub(lambda m: values.get(m.group(1), m.group(0)), template)


# A request in brackets before its text ("[active voice] The bridge was …"), or a short one ended by
# emoji ("French pls 🇫🇷 Where is the nearest pharmacy?", "casual pls 🙏 Some users …")
_BRACKETED = re.compile(r"^[\[(]([^\])\n]{2,60})[\])]\s*(\S.*)$", re.DOTALL)
_EMOJI = "[\U0001F000-\U0001FAFF\u2600-\u27BF\uFE0F\u200D]"
_EMOJI_ENDED = re.compile(r"^([^:\n]{2,60}?)\s*" + _EMOJI + r"+\s+(\S.*)$", re.DOTALL)


def split_explicit(prompt: str) -> Parsed | None:
    text = prompt.strip()
    for marked in (_BRACKETED, _EMOJI_ENDED):
        m = marked.match(text)
        if m and len(m.group(1).split()) <= 6 and len(m.group(2).split()) >= 3 and (key := _marked_key(m.group(1))):
            return Parsed(prompt, key, [m.group(2).strip()], method="explicit")
    colon = re.match(r"^([^:\n]{2,200}?):\s+(.+)$", text, re.DOTALL)
    if "\n" in text:
        head, rest = text.split("\n", 1)
        # (a colon on the first line marks the text from there: "pirate speak: Hi,\nthe sale …")
        if head.strip() and rest.strip() and not (colon and len(colon.group(1)) + 1 < len(head.rstrip())):
            return Parsed(prompt, _marked_key(head), [rest.strip()], method="explicit")
    quoted = re.findall(r'"([^"]+)"|“([^”]+)”', text)
    if quoted and colon and not re.search(r'["“]', colon.group(1)):
        quoted = []  # 'make this formal: tell him "no way"': the quotes are inside the marked text
    if quoted:
        inputs = [a or b for a, b in quoted]
        key = re.sub(r'"[^"]+"|“[^”]+”', " ", text)
        if key := _marked_key(key):
            return Parsed(prompt, key, [i.strip() for i in inputs], method="explicit")
    if colon and (key := _marked_key(colon.group(1))):
        return Parsed(prompt, key, [colon.group(2).strip()], method="explicit")
    return None


# (and a "please" of the language asked for: "En français svp: …", "auf Deutsch bitte: …")
_PLEASE = r"please|pls|plz|svp|stp|s'il (?:vous|te) pla[iî]t|bitte|por favor|porfa|per favore|prego"
_KEY_FILLER = re.compile(r"^(?:(?:" + _PLEASE + r")\b[\s,]*)+|(?:[\s,]*\b(?:" + _PLEASE + r"|thx|asap|lol))+$", re.I)


def _clean_key(text: str) -> str:
    return " ".join(text.split()).strip(_END_PUNCT + ":")


def _marked_key(text: str) -> str:
    """The request before a colon or marks, without "pls" or "asap" at its ends ("translate to
    german pls: ..."), which only pull its embedding away from the stored phrasings."""
    key = _clean_key(text)
    return _KEY_FILLER.sub("", key).strip(_END_PUNCT + ":") or key


def candidate_cuts(prompt: str) -> list[Parsed]:
    """Every split of the prompt into a key part and an input part, either way round."""
    words = prompt.strip().strip(_END_PUNCT).split()
    cuts = []
    for i in range(1, len(words)):
        head, tail = " ".join(words[:i]), " ".join(words[i:])
        if len(words) - i <= _MAX_CUT_INPUT_WORDS:
            cuts.append(Parsed(prompt, _clean_key(head), [tail.strip(_END_PUNCT)], method="cut"))
        if i <= _MAX_CUT_INPUT_WORDS:
            cuts.append(Parsed(prompt, _clean_key(tail), [head.strip(_END_PUNCT)], method="cut"))
    return [c for c in cuts if c.key and c.inputs[0]]


def parse(prompt: str, templates: list[Template], score_keys: Callable[[list[str]], list[float]] | None) -> Parsed:
    """`score_keys` maps candidate key texts to their best similarity with a stored key; without
    it (batch routing) a prompt with neither template nor explicit structure stays whole."""
    found = match_template(prompt, templates) or split_explicit(prompt)
    if found:
        return found
    whole = Parsed(prompt, _clean_key(prompt), [], method="whole")
    cuts = candidate_cuts(prompt)
    if not cuts or score_keys is None:
        return whole
    scores = score_keys([whole.key] + [c.key for c in cuts])
    # A cut must explain the prompt better than no cut at all ("what is my balance" is a whole
    # request, "plural of cat" is a key and an input); ties go to the longer key.
    best = max(range(len(cuts)), key=lambda i: (round(scores[i + 1], 3), len(cuts[i].key)))
    return cuts[best] if scores[best + 1] > scores[0] else whole

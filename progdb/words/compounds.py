"""A compound inflects as its head does: outdo -> outdid as do -> did, stepchild -> stepchildren
as child -> children, overfit -> overfitted as fit -> fitted.

A word a program does not store is split into a prefix and a head the program stores; the prefix
is a productive English prefix (over-, under-, out-, re-, ...) or, from three letters on, another
input of the program (fire + fly). Whether the rule holds is the program's own business: it is
measured on the program's stored compounds (97% of past-tense's 233, 98% of plural's 482, none of
antonym's: unrelated is not un + unrelated) and used only where it holds.

A compound of two to four words ("ice cream", "chocolate chip cookie") inflects its last word, where
every stored one of the program does so (plural's "coffee maker" -> coffee makers, "trash can" -> trash
cans; not female-to-male's "nanny goat" -> billy goat, nor a past tense's "give up" -> gave up).
"""
from __future__ import annotations

PREFIXES = frozenset(
    "over under out up down re mis fore with by un step grand great after back off super sub inter counter "
    "dis non".split())
MIN_COMPOUNDS = 20  # a program shows the rule on this many of its own compounds before it is used
FLOOR = 0.9  # ...and is right on this share of them
# A phrase with one of these is a list ("cat and dog") or inflects its first word ("cups of tea"): no compound
JOINING_WORDS = frozenset("and or n nor but of the a an to in on at for with from by as".split())
MAX_OPEN_WORDS = 4  # "wisdom teeth removal cost"
MIN_OPEN = 2  # stored compounds of several words, each changing its last word alone, before the rule is used


def split(word: str, stored: dict[str, list[str]]) -> tuple[str, str] | None:
    """The word as prefix + the longest stored head (lower-case word), or None."""
    for i in range(2, len(word) - 1):
        prefix, head = word[:i], word[i:]
        if head in stored and (prefix in PREFIXES or (len(prefix) >= 3 and len(head) >= 3 and prefix in stored)):
            return prefix, head
    return None


class CompoundHeads:
    """The rule over one program's stored pairs (lower-case input -> outputs): which of its stored
    compounds it reproduces, counted once."""

    def __init__(self, stored: dict[str, list[str]]):
        self.stored = stored
        self.right: dict[str, bool] = {}
        for word, outputs in stored.items():
            parts = split(word, stored) if word.isalpha() else None
            if parts:
                prefix, head = parts
                self.right[word] = (prefix + stored[head][0]).lower() in {o.lower() for o in outputs}
        self.hits = sum(self.right.values())
        self.open = last_word_changed(stored)

    def precision(self, leave_out: str = "") -> float:
        """The share of stored compounds the rule reproduces (but `leave_out`'s), 0 below MIN_COMPOUNDS."""
        n = len(self.right) - (leave_out in self.right)
        hits = self.hits - self.right.get(leave_out, False)
        return hits / (n + 1) if n >= MIN_COMPOUNDS else 0.0

    def answer(self, word: str, hidden=None) -> tuple[list[str], str, float] | None:
        """The word's answers as its head's (prefix kept as typed), the head, and the rule's precision;
        None when the word is no compound of a stored head, the head's pairs are `hidden` (a
        Holdout's), or the rule does not hold for this program."""
        low = word.lower()
        parts = split(low, self.stored) if low.isalpha() else None
        if parts is None:
            return None
        prefix, head = parts
        outputs = [o for o in self.stored[head] if hidden is None or not hidden.hides(head, o.lower())]
        value = self.precision(low)
        if not outputs or value < FLOOR:
            return None
        return [word[:len(prefix)] + o for o in outputs], head, value

    def last_word_rule(self, phrase: str) -> float | None:
        """How sure the rule is that a compound of two to four words inflects its last word alone ("ice
        cream" -> ice creams): the one-word rule's precision where it holds, else the share of the
        program's stored compounds of words that follow it; None where the rule does not apply."""
        low = phrase.lower()
        if not holds_for_last_word(self.open, low):
            return None
        n = len(self.open) - (low in self.open)
        return max(self.precision(), n / (n + 1))


def last_word_changed(stored: dict[str, list[str]]) -> dict[str, bool]:
    """Of the stored inputs of two to four words, whether the answer changes the last word alone."""
    changed = {}
    for phrase, outputs in stored.items():
        words = phrase.split()
        if 2 <= len(words) <= MAX_OPEN_WORDS and all(w.isalpha() for w in words) and outputs:
            out = outputs[0].lower().split()
            changed[phrase] = len(out) == len(words) and out[:-1] == words[:-1] and out[-1] != words[-1]
    return changed


def holds_for_last_word(changed: dict[str, bool], phrase: str) -> bool:
    """Is PHRASE (lower case) a compound of two to four words of letters, of a program whose stored
    compounds (MIN_OPEN or more, PHRASE's own left out) all change their last word alone?"""
    words = phrase.split()
    if not 2 <= len(words) <= MAX_OPEN_WORDS or not all(w.isalpha() and w not in JOINING_WORDS for w in words):
        return False
    others = [v for k, v in changed.items() if k != phrase]
    return len(others) >= MIN_OPEN and all(others)

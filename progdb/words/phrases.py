"""A form made with a word before the input: the comparative "more modern", the superlative "most
interesting", which long adjectives take where short ones take -er and -est.

The word space holds single words, so arithmetic cannot give such a form ("comparative of modern"
answered *more classical?*, of interesting *intriguing?*). A program whose stored outputs are often
one word put before the input ("more " in 153 of comparative's 471 pairs) has the rule; which words
take it is read off the inputs' endings ("-ful", "-ous", "-ive" take "more"; "-ppy" does not) and,
where an ending has too few pairs, their syllables (69 of comparative's 74 inputs of three take
"more"; unhappy, lovely and the other -y words do not), and the rule answers a word only where the
pairs of its context take it nearly always.
"""
from __future__ import annotations

import re
from collections import Counter

MIN_PAIRS = 5  # the stored pairs of a lead word, and of an ending, the rule is read from at least
FLOOR = 0.9  # ...and the share of an ending's pairs that take the lead word for the rule to answer

def contexts(word: str) -> list[str]:
    """A word's contexts, narrowest first: its last three letters, its syllables (three or more
    alike, a final -y apart), its last two letters ("-ng" holds long and strong, not interesting)."""
    syllables = min(len(re.findall(r"[aeiouy]+", word.rstrip("e"))), 3)
    counted = {1: "one syllable", 2: "two syllables", 3: "three syllables or more"}.get(syllables, "no vowel")
    return [f"ending in -{word[-3:]}", f"of {counted}{', ending in -y' if word.endswith('y') else ''}",
            f"ending in -{word[-2:]}"]


class PhraseForms:
    """The rule over one program's stored pairs (lower-case input -> outputs)."""

    def __init__(self, stored: dict[str, list[str]]):
        words = {a: outs[0].lower() for a, outs in stored.items() if a.isalpha() and outs}
        leads = Counter(out[: -len(a)] for a, out in words.items() if out.endswith(" " + a) and " " not in out[: -len(a) - 1])
        self.lead, count = leads.most_common(1)[0] if leads else ("", 0)
        self.taken: dict[str, list[int]] = {}  # ending -> [inputs that take the lead word, inputs]
        self.took: dict[str, bool] = {}
        if count < MIN_PAIRS:
            self.lead = ""
            return
        for a, out in words.items():
            self.took[a] = out == self.lead + a
            for context in contexts(a):
                counts = self.taken.setdefault(context, [0, 0])
                counts[0] += self.took[a]
                counts[1] += 1

    def answer(self, word: str, hidden: str = "") -> tuple[str, float, str] | None:
        """The lead word and the word ("more interesting"), how sure the rule is in the word's
        narrowest context of MIN_PAIRS pairs, and that context; None where the program has no such
        rule or the context's pairs do not take it. `hidden`: an input whose own pair is left out of
        the counts (a measured query)."""
        low = word.lower()
        if not self.lead or not low.isalpha():
            return None
        hidden_contexts = contexts(hidden) if hidden in self.took else []
        for context in contexts(low):
            took, seen = self.taken.get(context, (0, 0))
            if context in hidden_contexts:
                took, seen = took - self.took[hidden], seen - 1
            if seen >= MIN_PAIRS:
                return (self.lead + word, took / (seen + 1), context) if took >= FLOOR * seen else None
        return None

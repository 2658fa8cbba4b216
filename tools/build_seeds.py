"""Build the word-level seed programs in seeds/ from public data.

    python tools/build_seeds.py [--data ../shared/data]

Sources (every pair available is used, none sampled):
  * function-vector task pairs (MIT, Todd et al. 2024), as shipped in ../shared/data/function_vectors
  * the Google analogy set (Mikolov et al. 2013) inside gensim: gensim/test/test_data/questions-words.txt
    (distributed with gensim, Apache-2.0)
Translation pairs are fewshot programs: measured on an 80/20 split of their in-vocabulary pairs,
word arithmetic in English GloVe translated 1-3% of words correctly, and most outputs are not in
its vocabulary at all.
The fewshot style programs in seeds/ are written by hand and are not touched by this script.
It rewrites the cards whole (--only NAME: that card alone): then run tools/build_lexicon_pairs.py (it appends the lexicon pairs)
and tools/build_rankers.py.
"""
from __future__ import annotations

import argparse
import json
import os
from pathlib import Path

FV_SOURCE = ("function-vector task pairs, Todd et al. 2024, 'Function Vectors in Large Language Models' "
             "(github.com/ericwtodd/function_vectors @ fb9eac7, dataset_files/abstractive/{task}.json; "
             "the 80% share published in progdb's shared data)")
FV_LICENSE = "MIT (Copyright (c) 2023 Eric Todd)"
GOOGLE_SOURCE = ("Google analogy test set, Mikolov et al. 2013, section '{section}' "
                 "(questions-words.txt as distributed in gensim/test/test_data)")
GOOGLE_LICENSE = "Apache-2.0 (word2vec / gensim distribution)"

# name: (kind, description, keys, [("fv", task) | ("google", section, reversed?)])
PROGRAMS = {
    "plural": ("vector", "Give the plural form of a noun.", [
        "what is the plural of {word}", "plural of {word}", "make {word} plural",
        "the plural form of {word}", "pluralize {word}", "{word} in the plural", "more than one {word}",
    ], [("google", "gram8-plural", False), ("fv", "singular-plural")]),
    "male-to-female": ("vector", "Give the female counterpart of a male word.", [
        "the feminine of {word}", "what is the feminine of {word}", "female version of {word}",
        "female equivalent of {word}", "{word} but female", "the woman's form of {word}", "feminine form of {word}",
    ], [("google", "family", False)]),
    "female-to-male": ("vector", "Give the male counterpart of a female word.", [
        "the masculine of {word}", "what is the masculine of {word}", "male version of {word}",
        "male equivalent of {word}", "{word} but male", "the man's form of {word}", "masculine form of {word}",
    ], [("google", "family", True)]),
    "past-tense": ("vector", "Give the past tense of a verb.", [
        "past tense of {word}", "what is the past tense of {word}", "put {word} in the past tense",
        "{word} in the past tense", "simple past of {word}", "conjugate {word} in the past",
    ], [("fv", "present-past")]),
    "gerund-to-past": ("vector", "Turn an -ing form into the simple past.", [
        "from the -ing form {word} to the simple past", "past tense of the gerund {word}",
        "turn the -ing form {word} into the past tense", "gerund to past tense: {word}",
    ], [("google", "gram7-past-tense", False)]),
    "present-participle": ("vector", "Give the present participle (-ing form) of a verb.", [
        "present participle of {word}", "the -ing form of {word}", "what is the present participle of {word}",
        "gerund of {word}", "{word} with -ing", "continuous form of {word}",
    ], [("google", "gram5-present-participle", False)]),
    "third-person-singular": ("vector", "Give the third-person singular present of a verb.", [
        "third person singular of {word}", "he/she form of {word}", "conjugate {word} for he or she",
        "what is the third person singular of {word}", "present tense for it: {word}",
    ], [("google", "gram9-plural-verbs", False)]),
    "comparative": ("vector", "Give the comparative form of an adjective.", [
        "comparative of {word}", "what is the comparative of {word}", "comparative form of {word}",
        "{word} comparative", "the -er form of {word}", "more {word} in one word",
    ], [("google", "gram3-comparative", False)]),
    "superlative": ("vector", "Give the superlative form of an adjective.", [
        "superlative of {word}", "what is the superlative of {word}", "superlative form of {word}",
        "{word} superlative", "the -est form of {word}", "most {word} in one word",
    ], [("google", "gram4-superlative", False)]),
    "adjective-to-adverb": ("vector", "Turn an adjective into its adverb.", [
        "adverb of {word}", "adverb form of {word}", "what is the adverb of {word}",
        "turn {word} into an adverb", "the -ly form of {word}", "adjective to adverb: {word}", "adverb for {word}",
    ], [("google", "gram1-adjective-to-adverb", False)]),
    "opposite": ("vector", "Give the negated form of an adjective (un-, in-, im-).", [
        "negated form of {word}", "negate {word} with a prefix", "{word} with un- or in-",
        "the un- form of {word}", "add a negative prefix to {word}", "prefix negation of {word}",
    ], [("google", "gram2-opposite", False)]),
    "antonym": ("vector", "Give a word of opposite meaning.", [
        "antonym of {word}", "what is the antonym of {word}", "opposite of {word}",
        "what is the opposite of {word}", "a word that means the opposite of {word}", "the reverse of {word}",
    ], [("fv", "antonym")]),
    "synonym": ("vector", "Give a word of the same meaning.", [
        "synonym of {word}", "what is a synonym for {word}", "another word for {word}",
        "a word that means the same as {word}", "synonym for {word}", "similar word to {word}",
    ], [("fv", "synonym")]),
    "nationality-adjective": ("vector", "Give the nationality adjective of a country.", [
        "nationality of {word}", "nationality adjective for {word}", "people from {word} are called",
        "what do you call someone from {word}", "adjective for the country {word}", "demonym of {word}",
    ], [("google", "gram6-nationality-adjective", False)]),
    "country-capital": ("vector", "Give the capital city of a country.", [
        "capital of {word}", "what is the capital of {word}", "the capital city of {word}",
        "{word} capital", "which city is the capital of {word}", "seat of government of {word}",
    ], [("google", "capital-common-countries", True), ("google", "capital-world", True),
        ("fv", "country-capital")]),
    "country-currency": ("vector", "Give the currency of a country.", [
        "currency of {word}", "what is the currency of {word}", "what money do they use in {word}",
        "the official currency of {word}", "{word} currency", "which currency does {word} use",
    ], [("google", "currency", False), ("fv", "country-currency")]),
    "city-to-state": ("vector", "Give the US state a city is in.", [
        "which state is {word} in", "state of {word}", "what state is the city {word} in",
        "the US state of {word}", "{word} is in which state", "city to state: {word}",
    ], [("google", "city-in-state", False)]),
    "person-instrument": ("vector", "Give the instrument a musician plays.", [
        "what instrument does {word} play", "instrument of {word}", "which instrument did {word} play",
        "{word} plays which instrument", "the instrument played by {word}", "musician to instrument: {word}",
    ], [("fv", "person-instrument")]),
    "person-sport": ("vector", "Give the sport an athlete plays.", [
        "what sport does {word} play", "sport of {word}", "which sport did {word} play",
        "{word} plays which sport", "the sport played by {word}", "athlete to sport: {word}",
    ], [("fv", "person-sport")]),
    "english-french": ("fewshot", "Translate an English word into French.", [
        "translate {word} to French", "translate {word} into French", "{word} in French",
        "what is {word} in French", "French for {word}", "how do you say {word} in French",
        "English to French: {word}",
    ], [("fv", "english-french")]),
    "english-german": ("fewshot", "Translate an English word into German.", [
        "translate {word} to German", "translate {word} into German", "{word} in German",
        "what is {word} in German", "German for {word}", "how do you say {word} in German",
        "English to German: {word}",
    ], [("fv", "english-german")]),
    "english-spanish": ("fewshot", "Translate an English word into Spanish.", [
        "translate {word} to Spanish", "translate {word} into Spanish", "{word} in Spanish",
        "what is {word} in Spanish", "Spanish for {word}", "how do you say {word} in Spanish",
        "English to Spanish: {word}",
    ], [("fv", "english-spanish")]),
    "capitalize": ("fewshot", "Capitalize the first letter of the word.", [
        "capitalize {word}", "capitalise {word}", "capitalize the first letter of {word}",
        "{word} with a capital letter", "uppercase the first letter of {word}", "title case {word}",
    ], [("fv", "capitalize")]),
    "next-item": ("vector", "Give the next item in a well-known sequence (numbers, days, months, letters).", [
        "what comes after {word}", "next after {word}", "the next item after {word}",
        "what follows {word}", "successor of {word}", "{word} then what",
    ], [("fv", "next_item")]),
    "previous-item": ("vector", "Give the previous item in a well-known sequence (numbers, days, months, letters).", [
        "what comes before {word}", "the item before {word}", "what precedes {word}",
        "predecessor of {word}", "the one before {word}", "previous to {word}",
    ], [("fv", "prev_item")]),
    "national-park-state": ("fewshot", "Give the US state a national park or monument is in.", [
        "which state is the national park {text} in", "where is {text} national park",
        "state of the national monument {text}", "{text} is in which state",
        "in which US state is {text}", "national park to state: {text}",
    ], [("fv", "national_parks")]),
}

# Programs whose cards name each other as opposites: never blended or chained, and "less X" asks for the other.
OPPOSITES = {"male-to-female": "female-to-male", "next-item": "previous-item"}


def opposite_of(name: str) -> str | None:
    return OPPOSITES.get(name) or next((a for a, b in OPPOSITES.items() if b == name), None)


def google_sections(path: Path) -> dict[str, list[tuple[str, str]]]:
    sections: dict[str, list[tuple[str, str]]] = {}
    current = None
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith(":"):
            current = line[1:].strip()
            sections[current] = []
        elif line.strip():
            a, b, c, d = line.split()
            for pair in ((a, b), (c, d)):
                if pair not in sections[current]:
                    sections[current].append(pair)
    return sections


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    here = Path(__file__).resolve().parent.parent
    ap.add_argument("--data", default=str(here.parent / "shared" / "data"))
    ap.add_argument("--out", default=str(here / "seeds"))
    ap.add_argument("--only", action="append", metavar="NAME", help="rewrite only this card (repeatable)")
    args = ap.parse_args()
    import gensim

    google = google_sections(Path(os.path.dirname(gensim.__file__)) / "test" / "test_data" / "questions-words.txt")
    fv_dir = Path(args.data) / "function_vectors" / "abstractive"
    for name, (kind, description, keys, sources) in PROGRAMS.items():
        if args.only and name not in args.only:
            continue
        pairs, seen, provenance, licences = [], set(), [], []
        for src in sources:
            if src[0] == "fv":
                rows = [(r["input"], r["output"]) for r in json.loads((fv_dir / f"{src[1]}.json").read_text())]
                provenance.append(FV_SOURCE.format(task=src[1]))
                licences.append(FV_LICENSE)
            else:
                rows = [(b, a) if src[2] else (a, b) for a, b in google[src[1]]]
                provenance.append(GOOGLE_SOURCE.format(section=src[1]) + (" (pairs reversed)" if src[2] else ""))
                licences.append(GOOGLE_LICENSE)
            for a, b in rows:
                a, b = a.strip(), b.strip()
                if a and b and (a.lower(), b.lower()) not in seen:
                    seen.add((a.lower(), b.lower()))
                    pairs.append({"input": a, "output": b})
        card = {"name": name, "kind": kind, "description": description,
                **({"opposite": opposite_of(name)} if opposite_of(name) else {}), "keys": keys,
                "examples": pairs, "source": "; ".join(provenance),
                "license": "; ".join(dict.fromkeys(licences))}
        out = Path(args.out) / f"{name}.json"
        out.write_text(json.dumps(card, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
        print(f"{out}: {len(pairs)} pairs")


if __name__ == "__main__":
    main()

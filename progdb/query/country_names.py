"""Other names of a country (Holland, Burma, Alemania, Deutschland, "US"): the English names a
program may store it under. The table is seeds/names/country-names.json (tools/build_country_names.py,
from countryinfo and CLDR): names only, never answers, so a held-out country stays hidden."""
from __future__ import annotations

import json
from functools import lru_cache

from progdb.paths import seeds_dir
from progdb.query.wording import without_marks


@lru_cache(maxsize=1)
def _table() -> dict[str, dict]:
    path = seeds_dir() / "names" / "country-names.json"
    return json.loads(path.read_text(encoding="utf-8"))["names"] if path.exists() else {}


def english_names(text: str) -> list[str]:
    """The English names of the country `text` names, or [] ("us" is no country: a code is read
    only as typed, "US")."""
    plain = text if text.isascii() else without_marks(text).replace("’", "'")  # (most text is ASCII: no NFKD)
    entry = _table().get(" ".join(plain.split()).lower())
    if entry is None or ("as_typed" in entry and text.strip() != entry["as_typed"]):
        return []
    return entry["country"]


def stored_name(text: str, held: dict[str, str], countries: dict[str, str] | None = None) -> str | None:
    """The stored input (held: lower case -> as stored) that is the same country as `text`, which
    the program does not store as typed: "Alemania" -> Germany; None when none is. countries: the
    program's stored inputs by the country they name (stored_countries), where it stores another name
    of it ("America" of a table storing USA)."""
    if text.strip().lower() in held:
        return None
    for name in english_names(text):
        if name.lower() in held:
            return held[name.lower()]
        if countries and name.lower() in countries:
            return countries[name.lower()]
    return None


def stored_countries(held: dict[str, str]) -> dict[str, str]:
    """A program's stored inputs that name a country by another name than its English one (USA, UK,
    Holland), by that English name (lower case): "united states" -> USA."""
    found = {}
    for stored in held.values():
        for name in english_names(stored.strip()):
            if name.lower() not in held:
                found.setdefault(name.lower(), stored)
    return found


def is_other_name(typed: str, read: str) -> bool:
    """Was `read` another name for what was typed (no slip to doubt)? "Holland" of Netherlands, "America" of USA."""
    names = english_names(typed)
    return read in names or bool(set(english_names(read)) & set(names))

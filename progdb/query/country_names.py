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


def stored_name(text: str, held: dict[str, str]) -> str | None:
    """The stored input (held: lower case -> as stored) that is the same country as `text`, which
    the program does not store as typed: "Alemania" -> Germany; None when none is."""
    if text.strip().lower() in held:
        return None
    for name in english_names(text):
        if name.lower() in held:
            return held[name.lower()]
    return None


def is_other_name(typed: str, read: str) -> bool:
    """Was `read` another name for what was typed (no slip to doubt)?"""
    return read in english_names(typed)

"""Where progdb's shipped files are: the built-in library's seeds (packaged, or beside the package
in a checkout), which also hold the shipped rankers and labelled prompts."""
from __future__ import annotations

import os
from pathlib import Path


def seeds_dir() -> Path:
    """`PROGDB_SEEDS`, else the seeds packaged with progdb (or beside it in a checkout)."""
    override = os.environ.get("PROGDB_SEEDS")
    if override:
        return Path(override)
    package = Path(__file__).resolve().parent  # progdb/
    packaged = package / "seeds"
    if packaged.is_dir():
        return packaged
    return package.parent / "seeds"

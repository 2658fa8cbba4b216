"""Derived data on disk (~/.cache/progdb): embeddings, routers, taggers, word clusters.

Every file there can be rebuilt from the database or the packaged models, and is written whole or
not at all, so a process killed mid-write or two processes writing at once leave no half file.
"""
from __future__ import annotations

import os
from contextlib import contextmanager
from pathlib import Path


def cache_file(name: str) -> Path:
    from platformdirs import user_cache_dir

    return Path(user_cache_dir("progdb")) / name


@contextmanager
def written(path: Path):
    """A temporary path beside `path`, renamed onto it when the block succeeds."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        yield tmp
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)

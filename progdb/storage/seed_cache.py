"""A freshly seeded database, kept in the cache (~/.cache/progdb) and copied for the next one.

Seeding writes the built-in library's records into chromadb one by one, most of the time of a new
database (`bench/seed_time.py`). The result depends only on the seeds, the encoder and the
versions of progdb's layout and chromadb, so the first new embedded database of a machine leaves
a copy of itself here, named by a digest of those, and later new databases start as a copy of it.
"""
from __future__ import annotations

import hashlib
import os
import shutil
from pathlib import Path

from progdb.storage.cache import cache_file

VERSION = 1
DONE = ".progdb-seeded"  # written last: a copy without it is incomplete and never used


def template_path(seeds: Path, namespace: str, model: str, schema: int) -> Path:
    import chromadb

    h = hashlib.sha256(f"seeded v{VERSION} {namespace} {model} {schema} {chromadb.__version__}".encode())
    for path in sorted(p for p in seeds.rglob("*") if p.is_file()):
        h.update(str(path.relative_to(seeds)).encode() + b"\x00" + path.read_bytes())
    return cache_file(f"seeded-{h.hexdigest()[:20]}")


def restore(template: Path, target: Path) -> bool:
    """Copy a complete template into the new database's (empty) folder; False when there is none."""
    if not (template / DONE).exists():
        return False
    try:
        shutil.copytree(template, target, dirs_exist_ok=True, ignore=shutil.ignore_patterns(DONE, "progdb.lock"))
    except OSError:
        shutil.rmtree(target, ignore_errors=True)
        target.mkdir(parents=True, exist_ok=True)
        return False
    return True


def save(source: Path, template: Path) -> None:
    """Keep a copy of a just-seeded database (best effort: a cache that cannot be written only
    costs the next database its time)."""
    if (template / DONE).exists():
        return
    tmp = template.with_name(f".{template.name}.{os.getpid()}.tmp")
    try:
        shutil.copytree(source, tmp, ignore=shutil.ignore_patterns("progdb.lock"))
        (tmp / DONE).write_text("complete\n")
        os.replace(tmp, template)
    except OSError:
        pass
    finally:
        shutil.rmtree(tmp, ignore_errors=True)

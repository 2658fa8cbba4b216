"""Time to create a new seeded database, in new processes, three ways.

    python bench/seed_time.py

  cold      a fresh cache folder: the library is written record by record (its texts come embedded
            in seeds/vectors.npz; before 2026-12-01 they were embedded here, about a minute)
  warm      the cache an earlier new database left, less its seeded copy: written record by record
  copied    a seeded copy in the cache (seed_cache.py): the new database starts as a copy of it
Each is the wall time of `python -c "ProgramDB(path=new)"`, next to the same process doing nothing
but importing progdb.db (the floor every command pays).
"""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def run(code: str, env: dict) -> float:
    t = time.perf_counter()
    subprocess.run([sys.executable, "-c", code], env=env, check=True)
    return time.perf_counter() - t


def main() -> None:
    work = Path(tempfile.mkdtemp())
    cache = work / "cache"
    env = {**os.environ, "XDG_CACHE_HOME": str(cache), "HF_HUB_OFFLINE": "1"}
    new = "from progdb.db import ProgramDB; ProgramDB(path=%r)"
    floor = run("import progdb.db", env)
    cold = run(new % str(work / "a"), env)
    for p in cache.glob("progdb/seeded-*"):
        shutil.rmtree(p)
    warm = run(new % str(work / "b"), env)
    copied = run(new % str(work / "c"), env)
    print(f"import only {floor:.1f} s; new seeded database: cold {cold:.1f} s, warm {warm:.1f} s, "
          f"copied {copied:.1f} s")
    shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()

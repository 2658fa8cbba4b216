"""Where a database lives and who may write it: the default path, the checks on a new path, one
writer per embedded directory (a file lock), a program's write lease on a server, and the marker
of a `progdb serve` that owns an embedded directory (other processes may not write it)."""
from __future__ import annotations

import fcntl
import json
import os
import re
import socket
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Callable

from progdb.errors import ProgdbError
from progdb.storage.lease import lock_timeout

LOCK_FILE = "progdb.lock"
SERVE_FILE = "progdb.serve"  # {"url", "pid", "host"} of the server that owns the directory


def default_db_path() -> str:
    env = os.environ.get("PROGDB_DB")
    if env:
        return env
    from platformdirs import user_data_dir

    return str(Path(user_data_dir("progdb")) / "db")


def check_new_path(path: Path, chosen: bool) -> None:
    """A database directory about to be created: a chosen one (--db, PROGDB_DB) must have an
    existing parent folder, so a mistyped path is an error rather than a new database; the
    default location is created with its parents."""
    if path.exists() and not path.is_dir():
        raise ProgdbError(f"--db {path}: exists and is not a directory")
    if path.is_dir() and any(path.iterdir()) and not (path / LOCK_FILE).exists():
        raise ProgdbError(f"--db {path}: a folder that holds other files, not a progdb database")
    if chosen and not path.parent.is_dir():
        raise ProgdbError(f"--db {path}: the folder {path.parent} does not exist (a new database is created "
                          "only inside an existing folder)")


def near_database(path: Path, slipped: Callable[[str, str], bool], next_ones: bool = True) -> Path | None:
    """A database beside a `path` that does not exist, whose name the typed one `slipped` from (case
    aside): "mydv" for "mydb". A command that only reads is pointed there rather than making a new
    database for a mistyped --db. next_ones: names that differ only in their digits are other
    databases (test2 beside test1 is the next one), not slips; a command that only reads has no use
    for a new one, and a teacher's "db2" and "db" were slips of "db1". (A short name is a slip as a
    long one is: an engineer's `add` to "dv" beside "db" stored a pair in a new database, unnoted.)"""
    name = path.name.lower()
    if path.exists() or not path.parent.is_dir():
        return None
    for sibling in sorted(path.parent.iterdir()):
        other = sibling.name.lower()
        # (a name differing in case alone is a slip too: a nurse's "Db" beside their "db" made a second database)
        if (sibling / LOCK_FILE).exists() and slipped(name, other) and \
                (not next_ones or name == other or re.sub(r"\d", "", name) != re.sub(r"\d", "", other)):
            return sibling
    return None


@contextmanager
def directory_lock(path: str):
    """The database directory's writer lock: a second writer waits, then gives up with a clear error."""
    with open(Path(path) / LOCK_FILE, "a+") as fh:
        deadline = time.monotonic() + lock_timeout()
        while True:
            try:
                fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() > deadline:
                    raise ProgdbError(f"{path}: another process is writing to this database; "
                                      "use a chroma server for several writers") from None
                time.sleep(0.2)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


@contextmanager
def program_lease(store, name: str):
    """Server: the program's write lease, so this write does not interleave with an import's."""
    lease = store.lease(name)
    lease.acquire(lock_timeout())
    try:
        yield
    finally:
        lease.release()


def _serve_lock(fh, kind: int) -> bool:
    try:
        fcntl.flock(fh, kind | fcntl.LOCK_NB)
        return True
    except BlockingIOError:
        return False


def server_of(path: str) -> dict | None:
    """The live `progdb serve` that owns this directory ({"url", "pid", "host"}), or None. The
    server holds a lock on its marker file while it runs, so a marker left by a killed server is
    stale whatever its pid (and ignored); this process's own marker does not count."""
    marker = Path(path) / SERVE_FILE
    try:
        fh = open(marker, "r", encoding="utf-8")
    except OSError:
        return None
    with fh:
        try:
            owner = json.loads(fh.read() or "{}")
        except ValueError:
            owner = {}
        if owner.get("pid") == os.getpid() and owner.get("host") == socket.gethostname():
            return None
        if _serve_lock(fh, fcntl.LOCK_SH):  # nobody holds it: the server is gone
            fcntl.flock(fh, fcntl.LOCK_UN)
            return None
    return owner or {"url": "?", "pid": "?"}


def check_not_served(path: str) -> None:
    """A write to an embedded directory that a `progdb serve` owns is refused: two processes
    writing one chromadb directory lose vectors, and the server's caches would not know."""
    owner = server_of(path)
    if owner is not None:
        raise ProgdbError(f"{path}: served by progdb serve at {owner.get('url')} (pid {owner.get('pid')}); "
                          "write through it, or stop it first")


@contextmanager
def serve_marker(path: str, url: str):
    """While the block runs, this process owns the directory: the marker names its URL and pid,
    and is removed at exit (a killed server's marker is ignored: its lock went with it)."""
    owner = server_of(path)
    if owner is not None:
        raise ProgdbError(f"{path}: already served by progdb serve at {owner.get('url')} (pid {owner.get('pid')})")
    marker = Path(path) / SERVE_FILE
    fh = open(marker, "a+", encoding="utf-8")
    try:
        if not _serve_lock(fh, fcntl.LOCK_EX):
            raise ProgdbError(f"{path}: another progdb serve is starting on this database")
        fh.seek(0)
        fh.truncate()
        fh.write(json.dumps({"url": url, "pid": os.getpid(), "host": socket.gethostname()}))
        fh.flush()
        try:
            yield
        finally:
            marker.unlink(missing_ok=True)
    finally:
        fh.close()

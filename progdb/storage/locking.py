"""Where a database lives and who may write it: the default path, the checks on a new path, one
writer per embedded directory (a file lock), and a program's write lease on a server."""
from __future__ import annotations

import fcntl
import os
import time
from contextlib import contextmanager
from pathlib import Path

from progdb.errors import ProgdbError
from progdb.storage.lease import lock_timeout

LOCK_FILE = "progdb.lock"


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

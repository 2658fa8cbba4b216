"""Per-program write leases on a chroma server, so two processes importing into one program
lose nothing.

chroma has no transactions, but a collection name is unique: creating the collection
`{namespace}-lease-{digest of the program}` is an atomic test-and-set, and deleting it releases
the lease. The holder renews the lease's expiry (collection metadata) from a heartbeat thread;
a process killed while holding one leaves it to expire (TTL seconds), after which a waiter reaps it.
Reaping and releasing act on the collection's id (rename by id, then delete the new name), never
on its name, so nobody can delete a lease that a third process has just created.
Expiry compares wall clocks: the writers' clocks must agree to within a few seconds.
"""
from __future__ import annotations

import hashlib
import os
import socket
import threading
import time
import uuid

from progdb.errors import ProgdbError

TTL = 30.0  # seconds a lease outlives its last heartbeat
HEARTBEAT = 5.0


def lock_timeout() -> float:
    """Seconds a writer waits for a lease or the embedded lock file before giving up."""
    return float(os.environ.get("PROGDB_LOCK_TIMEOUT", "60"))


class Lease:
    def __init__(self, client, namespace: str, program: str):
        digest = hashlib.sha1(program.encode("utf-8")).hexdigest()[:16]
        self.client, self.program = client, program
        self.name = f"{namespace}-lease-{digest}"
        self.token = uuid.uuid4().hex
        self.holder = f"{socket.gethostname()}:{os.getpid()}"
        self._collection = None
        self._stop = threading.Event()
        self._beat = None

    def acquire(self, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while True:
            try:
                self._collection = self.client.create_collection(
                    self.name, embedding_function=None, metadata=self._metadata())
                break
            except Exception as exc:
                if "already exists" not in str(exc):
                    raise
            self._reap_if_expired()
            if time.monotonic() > deadline:
                raise ProgdbError(f"program '{self.program}': another writer ({self._current_holder()}) "
                                  f"holds it for longer than {timeout:g} s (PROGDB_LOCK_TIMEOUT)")
            time.sleep(0.1)
        self._stop.clear()
        self._beat = threading.Thread(target=self._heartbeat, daemon=True)
        self._beat.start()

    def release(self) -> None:
        self._stop.set()
        if self._beat is not None:
            self._beat.join()
        if self._collection is not None:
            _remove(self.client, self._collection, f"{self.name}-released-{self.token}")
            self._collection = None

    def _metadata(self) -> dict:
        return {"holder": self.holder, "token": self.token, "expires": time.time() + TTL}

    def _heartbeat(self) -> None:
        while not self._stop.wait(HEARTBEAT):
            try:
                self._collection.modify(metadata=self._metadata())
            except Exception:
                return  # reaped after a stall: the next write's revision check catches it

    def _current(self):
        try:
            return self.client.get_collection(self.name, embedding_function=None)
        except Exception:
            return None

    def _current_holder(self) -> str:
        current = self._current()
        return (current.metadata or {}).get("holder", "?") if current is not None else "?"

    def _reap_if_expired(self) -> None:
        current = self._current()
        if current is None or (current.metadata or {}).get("expires", 0) > time.time():
            return
        _remove(self.client, current, f"{self.name}-reaped-{(current.metadata or {}).get('token', 'x')}")


def _remove(client, collection, new_name: str) -> None:
    """Delete this collection (by id) even if another process is doing the same."""
    try:
        collection.modify(name=new_name)  # by id: fails if it is already gone
        client.delete_collection(new_name)
    except Exception:
        pass  # another process removed it first


class NoLease:
    """Embedded databases: the database-wide file lock already makes writers take turns."""

    def acquire(self, timeout: float) -> None:
        pass

    def release(self) -> None:
        pass

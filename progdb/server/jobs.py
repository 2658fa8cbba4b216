"""Jobs: long work (import, fit) that a client starts and then polls: state, progress, result or error."""
from __future__ import annotations

import itertools
import threading
import time
import uuid
from collections import OrderedDict
from typing import Callable, TypeVar

T = TypeVar("T")
KEEP = 200  # finished jobs remembered (the oldest are forgotten first)


class Job:
    def __init__(self, kind: str, total: int | None = None):
        self.id = uuid.uuid4().hex[:12]
        self.kind, self.state = kind, "queued"
        self.done, self.total = 0, total  # progress: rows (import) so far, of total
        self.stage = ""  # what it does now, in a few words
        self.result: dict | None = None
        self.error: dict | None = None  # {"error": code, "message": one line}
        self.created, self.started, self.finished = time.time(), None, None
        self.slice: Callable[[], None] = lambda: None  # set by the service: answer waiting reads
        self.on_error: Callable[[BaseException], dict] | None = None

    def advance(self, n: int) -> None:
        """n more units done; then the reads waiting are answered before the next slice."""
        self.done += n
        self.slice()

    def alongside(self, fn: Callable[[], T]) -> T:
        """fn() on a thread of its own (CPU work that needs no database), the reads waiting being
        answered meanwhile; its result, or its exception raised here."""
        out: dict = {}

        def target() -> None:
            try:
                out["result"] = fn()
            except BaseException as exc:  # raised in the job below
                out["error"] = exc
        thread = threading.Thread(target=target, name=f"progdb-job-{self.id}", daemon=True)
        thread.start()
        while thread.is_alive():
            thread.join(0.05)
            self.slice()
        if "error" in out:
            raise out["error"]
        return out["result"]

    def run(self, work: Callable[["Job"], object]) -> None:
        self.state, self.started = "running", time.time()
        try:
            self.result = work(self)
            self.state = "done"
        except Exception as exc:
            self.error = self.on_error(exc) if self.on_error else {"error": "internal", "message": str(exc)}
            self.state = "failed"
        finally:
            self.finished = time.time()

    def to_dict(self) -> dict:
        return {"id": self.id, "kind": self.kind, "state": self.state,
                "progress": {"done": self.done, "total": self.total, "stage": self.stage},
                "result": self.result, "error": self.error, "created": self.created,
                "started": self.started, "finished": self.finished}


class Jobs:
    def __init__(self):
        self._jobs: OrderedDict[str, Job] = OrderedDict()
        self._lock = threading.Lock()

    def new(self, kind: str, total: int | None = None) -> Job:
        job = Job(kind, total)
        with self._lock:
            self._jobs[job.id] = job
            finished = [j for j in self._jobs.values() if j.state in ("done", "failed")]
            for old in itertools.islice(finished, max(0, len(finished) - KEEP)):
                del self._jobs[old.id]
        return job

    def get(self, job_id: str) -> Job | None:
        with self._lock:
            return self._jobs.get(job_id)

    def all(self) -> list[Job]:
        with self._lock:
            return list(self._jobs.values())

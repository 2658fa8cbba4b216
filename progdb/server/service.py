"""The server's one owner of the database: every ProgramDB call runs on one worker thread, in
order, so the embedded chromadb has a single reader and writer; long work runs as jobs in slices,
between which the reads waiting are answered."""
from __future__ import annotations

import asyncio
import queue
import threading
from collections import deque
from concurrent.futures import Future
from dataclasses import dataclass
from typing import Callable, TypeVar

from progdb.db import ProgramDB
from progdb.server.jobs import Job, Jobs
from progdb.text.llm import Endpoint

T = TypeVar("T")


@dataclass
class _Task:
    fn: Callable[[], object]
    future: Future
    write: bool  # writes (and jobs) never run between another job's slices


class Service:
    def __init__(self, db: ProgramDB, llm: Endpoint | None = None, refuse_unserved: bool = False):
        """llm: the upstream LLM (fewshot programs run there; unserved prompts are forwarded there
        unless refuse_unserved)."""
        self.db, self.llm, self.refuse_unserved = db, llm, refuse_unserved
        self.jobs = Jobs()
        self._queue: queue.Queue[_Task | None] = queue.Queue()
        self._held: deque[_Task] = deque()  # writes that arrived during a job, in order
        self._in_job = False
        self._thread = threading.Thread(target=self._run, name="progdb-db", daemon=True)
        self._thread.start()

    # -- from the event loop ----------------------------------------------------------------
    async def call(self, fn: Callable[..., T], *args, **kwargs) -> T:
        """fn(*args, **kwargs) on the database's worker thread, awaited: a read, which may also run
        between the slices of a running job."""
        return await self._submit(lambda: fn(*args, **kwargs), write=False)

    async def write(self, fn: Callable[..., T], *args, **kwargs) -> T:
        """A write on the worker thread: it waits for a running job to finish."""
        return await self._submit(lambda: fn(*args, **kwargs), write=True)

    def start_job(self, kind: str, work: Callable[[Job], object], total: int | None = None,
                  on_error: Callable[[BaseException], dict] | None = None) -> Job:
        """Queue work(job) to run on the worker; the job's state and result are kept in self.jobs.
        work calls job.advance(n) between its slices; on_error words a failure ({"error", "message"})."""
        job = self.jobs.new(kind, total)
        job.slice, job.on_error = self._between_slices, on_error
        self._queue.put(_Task(lambda: self._run_job(job, work), Future(), write=True))
        return job

    async def _submit(self, fn: Callable[[], T], write: bool) -> T:
        future: Future = Future()
        self._queue.put(_Task(fn, future, write))
        return await asyncio.wrap_future(future)

    def close(self) -> None:
        self._queue.put(None)
        self._thread.join()

    # -- on the worker ------------------------------------------------------------------------
    def _run(self) -> None:
        while True:
            task = self._held.popleft() if self._held else self._queue.get()
            if task is None:
                return
            self._execute(task)

    def _execute(self, task: _Task) -> None:
        if not task.future.set_running_or_notify_cancel():
            return
        try:
            self.db.store.sync()  # another process's writes to a shared chroma server
            result = task.fn()
        except BaseException as exc:  # handed to the awaiting request
            task.future.set_exception(exc)
        else:
            task.future.set_result(result)

    def _run_job(self, job: Job, work: Callable[[Job], object]) -> None:
        self._in_job = True
        try:
            job.run(work)
        finally:
            self._in_job = False

    def _between_slices(self) -> None:
        """The reads waiting now run (those that came since wait for the next slice); writes wait
        until the job ends (the job holds the write lock)."""
        for _ in range(self._queue.qsize()):
            try:
                task = self._queue.get_nowait()
            except queue.Empty:
                return
            if task is None or task.write:
                self._held.append(task)
            else:
                self._execute(task)

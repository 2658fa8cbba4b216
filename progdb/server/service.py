"""The server's one owner of the database: every ProgramDB call runs on one worker thread, in
order, so the embedded chromadb has a single reader and writer; long work runs in slices between
which queries are answered."""
from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor
from typing import Callable, TypeVar

from progdb.db import ProgramDB
from progdb.text.llm import Endpoint

T = TypeVar("T")


class Service:
    def __init__(self, db: ProgramDB, llm: Endpoint | None = None, refuse_unserved: bool = False):
        """llm: the upstream LLM (fewshot programs run there; unserved prompts are forwarded there
        unless refuse_unserved)."""
        self.db, self.llm, self.refuse_unserved = db, llm, refuse_unserved
        self._worker = ThreadPoolExecutor(max_workers=1, thread_name_prefix="progdb-db")

    async def call(self, fn: Callable[..., T], *args, **kwargs) -> T:
        """fn(*args, **kwargs) on the database's worker thread, awaited."""
        return await asyncio.get_running_loop().run_in_executor(self._worker, lambda: fn(*args, **kwargs))

    def close(self) -> None:
        self._worker.shutdown(wait=True)

"""One BLAS thread while a prompt is read and run.

A query's matrix products are small (a dozen readings against 1,600 key phrasings; one word
against the word matrix). OpenBLAS splits them over every core anyway, and its threads wait on
each other and on whatever else the machine runs: on 2 cores a warm query's p50 was 1.8-4.5x
slower with them than with one thread (bench/query_latency.py, docs/performance.md). The limit
holds only while a query runs, so a caller's own numpy work, and the large products of a batch's
word programs (Pipeline.query_many), keep every core.
"""
from __future__ import annotations

from contextlib import AbstractContextManager

_controller = None


def one_blas_thread() -> AbstractContextManager:
    global _controller
    if _controller is None:  # found once: which BLAS libraries this process has loaded
        from threadpoolctl import ThreadpoolController

        _controller = ThreadpoolController()
    return _controller.limit(limits=1, user_api="blas")

"""Test helper: a real `progdb serve` in a subprocess on a free loopback port (progdb.server.launch),
a copy of a database for it, and waiting for its jobs."""
from __future__ import annotations

import shutil
import time
from pathlib import Path

import httpx

from progdb.server.launch import Served

__all__ = ["ROOT", "Served", "copy_db", "wait_job"]

ROOT = Path(__file__).resolve().parent.parent


def copy_db(source: str, target: Path) -> str:
    """A copy of a database directory (without a running server's marker)."""
    shutil.copytree(source, target, ignore=shutil.ignore_patterns("progdb.serve"))
    return str(target)


def wait_job(client: httpx.Client, job: dict, timeout: float = 300) -> dict:
    """Poll a job until it is done or failed."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        got = client.get(f"/api/jobs/{job['id']}")
        assert got.status_code == 200, got.text
        state = got.json()
        if state["state"] in ("done", "failed"):
            return state
        time.sleep(0.2)
    raise AssertionError(f"job {job['id']} did not finish: {state}")

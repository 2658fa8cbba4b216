"""Test helper: a real `progdb serve` in a subprocess on a free loopback port (progdb.server.launch),
a copy of a database for it, and waiting for its jobs."""
from __future__ import annotations

import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx

from progdb.server.launch import Served

__all__ = ["ROOT", "Served", "copy_db", "free_port", "start_chroma", "stop", "wait_job"]

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


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_chroma(folder: Path, port: int) -> subprocess.Popen:
    """`chroma run` on loopback over folder/db, its log in folder/server.log, once it accepts connections."""
    chroma = shutil.which("chroma", path=str(Path(sys.executable).parent)) or shutil.which("chroma")
    if chroma is None:
        raise AssertionError("the `chroma` command (from chromadb) is not installed")
    log = open(folder / "server.log", "a")
    proc = subprocess.Popen([chroma, "run", "--path", str(folder / "db"), "--host", "127.0.0.1", "--port", str(port)],
                            stdout=log, stderr=subprocess.STDOUT)
    log.close()
    deadline = time.time() + 60
    while time.time() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return proc
        except OSError:
            if proc.poll() is not None:
                raise AssertionError(f"chroma run exited: {(folder / 'server.log').read_text()[-500:]}") from None
            time.sleep(0.3)
    proc.kill()
    raise AssertionError("chroma run did not start within 60 s")


def stop(proc: subprocess.Popen) -> None:
    proc.terminate()
    try:
        proc.wait(timeout=15)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()

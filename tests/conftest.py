"""Shared fixtures: one seeded embedded database for the session, and a real `chroma run` server."""
from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

os.environ["HF_HUB_OFFLINE"] = "1"
os.environ["ANONYMIZED_TELEMETRY"] = "False"
# Rankers of the programs tests write are not trained at write time (word_ranker.prepare): a query
# trains small ones; tests/test_word_ranker.py turns it on where it is tested.
os.environ.setdefault("PROGDB_RANKER_AT_WRITE", "0")

from progdb.db import ProgramDB  # noqa: E402


@pytest.fixture(scope="session")
def seeded_path(tmp_path_factory) -> str:
    path = str(tmp_path_factory.mktemp("seeded") / "db")
    ProgramDB(path=path)  # seeds on first use
    return path


@pytest.fixture(scope="session")
def seeded(seeded_path) -> ProgramDB:
    """Read-only by convention: tests that write use their own database."""
    return ProgramDB(path=seeded_path)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def chroma_server(tmp_path_factory):
    """A real chroma server on loopback, started for the tests and stopped after them."""
    chroma = shutil.which("chroma", path=str(Path(sys.executable).parent)) or shutil.which("chroma")
    if chroma is None:
        pytest.fail("the `chroma` command (from chromadb) is not installed")
    port = _free_port()
    data = tmp_path_factory.mktemp("chroma-server")
    log = open(data / "server.log", "w")
    proc = subprocess.Popen([chroma, "run", "--path", str(data / "db"), "--host", "127.0.0.1",
                             "--port", str(port)], stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    deadline = time.time() + 60
    while time.time() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                break
        except OSError:
            if proc.poll() is not None:
                pytest.fail(f"chroma run exited: {(data / 'server.log').read_text()[-500:]}")
            time.sleep(0.3)
    else:
        proc.kill()
        pytest.fail("chroma run did not start within 60 s")
    yield url
    proc.terminate()
    try:
        proc.wait(timeout=15)
    except subprocess.TimeoutExpired:
        proc.kill()
    log.close()


_counter = iter(range(10**6))


@pytest.fixture(params=["embedded", "server"])
def empty_db(request, tmp_path) -> ProgramDB:
    """An empty database in each storage mode. Server databases get their own collection
    namespace (one per test), so tests never see each other's programs."""
    if request.param == "embedded":
        return ProgramDB(path=str(tmp_path / "db"), seed=False)
    url = request.getfixturevalue("chroma_server")
    return ProgramDB(server=url, seed=False, namespace=f"test{next(_counter)}")

"""Shared fixtures: one seeded embedded database for the session, and a real `chroma run` server."""
from __future__ import annotations

import os

import pytest

os.environ["HF_HUB_OFFLINE"] = "1"
os.environ["ANONYMIZED_TELEMETRY"] = "False"
# Rankers of the programs tests write are not trained at write time (word_ranker.prepare): a query
# trains small ones; tests/test_word_ranker.py turns it on where it is tested.
os.environ.setdefault("PROGDB_RANKER_AT_WRITE", "0")

from progdb.db import ProgramDB  # noqa: E402
from serving import free_port, start_chroma, stop  # noqa: E402


@pytest.fixture(scope="session")
def seeded_path(tmp_path_factory) -> str:
    path = str(tmp_path_factory.mktemp("seeded") / "db")
    ProgramDB(path=path)  # seeds on first use
    return path


@pytest.fixture(scope="session")
def seeded(seeded_path) -> ProgramDB:
    """Read-only by convention: tests that write use their own database."""
    return ProgramDB(path=seeded_path)


@pytest.fixture(scope="session")
def chroma_server(tmp_path_factory):
    """A real chroma server on loopback, started for the tests and stopped after them."""
    port = free_port()
    try:
        proc = start_chroma(tmp_path_factory.mktemp("chroma-server"), port)
    except AssertionError as exc:
        pytest.fail(str(exc))
    yield f"http://127.0.0.1:{port}"
    stop(proc)


_counter = iter(range(10**6))


@pytest.fixture(params=["embedded", "server"])
def empty_db(request, tmp_path) -> ProgramDB:
    """An empty database in each storage mode. Server databases get their own collection
    namespace (one per test), so tests never see each other's programs."""
    if request.param == "embedded":
        return ProgramDB(path=str(tmp_path / "db"), seed=False)
    url = request.getfixturevalue("chroma_server")
    return ProgramDB(server=url, seed=False, namespace=f"test{next(_counter)}")

"""A bounded schema-driven fuzz of `progdb serve`: schemathesis cases from its /openapi.json, over real HTTP.

Each test starts its own server on its own copy of the seeded database (so deleting, importing and
fitting are harmless), auth ON (PROGDB_TOKEN set, the header sent) or OFF. Every operation of the
document gets a few generated cases (positive and negative), within a wall-clock budget; no response
may be a 5xx, and every error under /api is the one JSON shape {"error": code, "message": one line}.
"""
from __future__ import annotations

import time

import httpx
import pytest

schemathesis = pytest.importorskip("schemathesis")
from hypothesis import HealthCheck, Phase, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402
from schemathesis import GenerationMode  # noqa: E402

from progdb.words.methods import METHODS  # noqa: E402

from serving import Served, copy_db  # noqa: E402

TOKEN = "fuzz-token"
LIMITS = {"PROGDB_MAX_BODY": "20000", "PROGDB_MAX_IMPORT": "20000", "PROGDB_MAX_PROMPTS": "8"}
EXAMPLES = 8  # generated cases per operation
BUDGET_S = 75  # per server: operations not reached within it are reported, not fuzzed


def problems_of(case, response, api: bool) -> list[str]:
    """What is wrong with one response: a 5xx, or an /api error not in the JSON error shape."""
    where = f"{case.method} {case.formatted_path}"
    out = []
    if response.status_code >= 500:
        out.append(f"{where}: {response.status_code} {response.text[:300]} (body {case.body!r:.300})")
    elif api and response.status_code >= 400:
        try:
            body = response.json()
        except ValueError:
            body = None
        if not (isinstance(body, dict) and isinstance(body.get("error"), str)
                and isinstance(body.get("message"), str) and "\n" not in body["message"]):
            out.append(f"{where}: {response.status_code} not the error shape: {response.text[:300]}")
    return out


def fuzz(server: Served, token: str | None) -> tuple[list[str], list[str], int]:
    """Every operation, EXAMPLES cases each; (problems, operations fuzzed, requests made)."""
    schema = schemathesis.openapi.from_url(f"{server.url}/openapi.json", timeout=60)
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    problems: list[str] = []
    done: list[str] = []
    calls = [0]
    statuses: dict[str, tuple] = {}
    deadline = time.monotonic() + BUDGET_S
    for result in schema.get_all_operations():
        operation = result.ok()
        label = f"{operation.method.upper()} {operation.path}"
        if time.monotonic() > deadline:
            problems.append(f"{label}: not reached within {BUDGET_S} s")
            continue

        strategies = [operation.as_strategy(), operation.as_strategy(GenerationMode.NEGATIVE)]
        if "{name}" in operation.path:  # a stored program's name too, not only names that are not there
            strategies.append(operation.as_strategy(path_parameters={"name": "plural"}))

        @given(case=st.one_of(strategies))
        @settings(max_examples=EXAMPLES, deadline=None, database=None, derandomize=True,
                  phases=[Phase.explicit, Phase.generate], suppress_health_check=list(HealthCheck))
        def one(case):
            response = case.call(base_url=server.url, headers=headers, timeout=120)
            calls[0] += 1
            statuses[label] = statuses.get(label, ()) + (response.status_code,)
            problems.extend(problems_of(case, response, operation.path.startswith("/api")))

        one()
        done.append(label)
    for label, got in statuses.items():
        print(label, sorted(got))
    return problems, done, calls[0]


@pytest.fixture
def server(seeded_path, tmp_path, request):
    token = request.param
    db = copy_db(seeded_path, tmp_path / "db")
    served = Served(["--db", db], tmp_path / "serve.log", env={"PROGDB_TOKEN": token or "", **LIMITS})
    served.token = token
    yield served
    served.stop()


@pytest.mark.parametrize("server", [TOKEN, None], ids=["auth-on", "auth-off"], indirect=True)
def test_no_generated_request_gets_a_5xx(server):
    problems, done, calls = fuzz(server, server.token)
    assert not problems, "\n".join(problems)
    assert len(done) >= 15 and "POST /api/query" in done, done
    assert calls >= len(done)
    # the jobs the fuzz started (fits, imports) end as done or as a client's error, never `internal`
    headers = {"Authorization": f"Bearer {server.token}"} if server.token else {}
    with httpx.Client(base_url=server.url, headers=headers, timeout=60) as http:
        deadline = time.monotonic() + 60
        while True:
            jobs = http.get("/api/jobs").json()
            if all(j["state"] in ("done", "failed") for j in jobs) or time.monotonic() > deadline:
                break
            time.sleep(0.5)
    internal = [j for j in jobs if j["state"] == "failed" and j["error"]["error"] == "internal"]
    assert not internal, [(j["kind"], j["error"], j.get("params")) for j in internal]
    print("jobs", [(j["kind"], j["state"], (j["error"] or {}).get("error")) for j in jobs])
    # the server is still up and answering
    assert httpx.get(f"{server.url}/api/health", timeout=60).status_code == 200


# The document says only "a string" of a prompt; these reach past validation into the database:
# any text (control characters, surrogates' neighbours, other scripts), every option in range.
PROMPT = st.text(st.characters(codec="utf-8"), min_size=1, max_size=120)
OPTIONS = st.fixed_dictionaries({}, optional={"k": st.integers(1, 50), "shots": st.integers(0, 100),
                                              "budget": st.integers(1, 1_000_000), "method": st.sampled_from(METHODS)})


@pytest.mark.parametrize("server", [None], ids=["auth-off"], indirect=True)
def test_any_prompt_text_is_answered_without_a_5xx(server):
    problems: list[str] = []
    with server.client(timeout=120) as http:
        def post(path: str, body: dict) -> None:
            got = http.post(path, json=body)
            if got.status_code >= 500:
                problems.append(f"{path} {body!r:.300}: {got.status_code} {got.text[:300]}")

        @given(prompt=PROMPT, options=OPTIONS)
        @settings(max_examples=15, deadline=None, database=None, derandomize=True,
                  phases=[Phase.explicit, Phase.generate], suppress_health_check=list(HealthCheck))
        def one(prompt, options):
            post("/api/query", {"prompt": prompt, **options})
            post("/api/compile", {"prompt": prompt, **{k: v for k, v in options.items() if k in ("shots", "budget")}})
            post("/v1/chat/completions", {"model": "progdb", "messages": [{"role": "user", "content": prompt}]})

        @given(prompts=st.lists(PROMPT, min_size=1, max_size=8))
        @settings(max_examples=5, deadline=None, database=None, derandomize=True,
                  phases=[Phase.explicit, Phase.generate], suppress_health_check=list(HealthCheck))
        def batch(prompts):
            post("/api/query", {"prompts": prompts})

        one()
        batch()
    assert not problems, "\n".join(problems)

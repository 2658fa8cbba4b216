"""progdb serve's JSON API over real HTTP: a `progdb serve` subprocess on a copy of the seeded
database, with a token and small limits; every endpoint, auth, the error codes, the job flow."""
from __future__ import annotations

import json
import re
from pathlib import Path

import httpx
import pytest

from serving import Served, copy_db, wait_job

TOKEN = "s3cret-token"
LIMITS = {"PROGDB_MAX_BODY": "20000", "PROGDB_MAX_IMPORT": "50000", "PROGDB_MAX_PROMPTS": "40"}


@pytest.fixture(scope="module")
def served(seeded_path, tmp_path_factory):
    folder = tmp_path_factory.mktemp("serve-api")
    db = copy_db(seeded_path, folder / "db")
    server = Served(["--db", db], folder / "serve.log", env={"PROGDB_TOKEN": TOKEN, **LIMITS})
    server.db = db
    yield server
    server.stop()


@pytest.fixture(scope="module")
def api(served):
    with served.client(TOKEN) as client:
        yield client


def error_of(response: httpx.Response, status: int, code: str) -> str:
    assert response.status_code == status, response.text
    body = response.json()
    assert body["error"] == code, body
    assert body["message"] and "\n" not in body["message"]
    return body["message"]


# -- auth -------------------------------------------------------------------------------------
def test_health_and_the_openapi_document_need_no_token(served):
    health = httpx.get(f"{served.url}/api/health")
    assert health.status_code == 200 and health.json()["status"] == "ok" and health.json()["programs"] > 10
    doc = httpx.get(f"{served.url}/openapi.json").json()
    for path in ("/api/query", "/api/compile", "/api/programs", "/api/programs/{name}", "/api/programs/{name}/grow",
                 "/api/export", "/api/calibration", "/api/import", "/api/fit", "/api/jobs", "/api/jobs/{job_id}"):
        assert path in doc["paths"], path
    # no page that needs a CDN: FastAPI's /docs was blank on a machine offline
    assert httpx.get(f"{served.url}/docs").status_code == 404


@pytest.mark.parametrize("headers", [{}, {"Authorization": "Bearer wrong"}, {"Authorization": TOKEN}])
def test_the_api_needs_the_token(served, headers):
    for method, path in (("GET", "/api/programs"), ("POST", "/api/query"), ("GET", "/api/jobs"),
                         ("POST", "/api/import"), ("DELETE", "/api/programs/plural")):
        got = httpx.request(method, f"{served.url}{path}", headers=headers, json={"prompt": "plural of cat"})
        error_of(got, 401, "unauthorized")
    assert httpx.get(f"{served.url}/api/programs/plural", headers={"Authorization": f"Bearer {TOKEN}"}).status_code == 200


# -- query and compile ---------------------------------------------------------------------------
def test_query_one_prompt_as_the_cli_gives_it(api):
    got = api.post("/api/query", json={"prompt": "the plural of goose", "k": 3})
    assert got.status_code == 200, got.text
    body = got.json()
    assert body["mode"] == "nearest" and body["programs"][0]["name"] == "plural"
    assert body["outputs"][0]["answer"] == "geese" and len(body["outputs"][0]["candidates"]) <= 3
    # the query's own time, so a client can tell what HTTP added: positive, and within the round trip
    own = float(re.fullmatch(r"query;dur=([0-9.]+)", got.headers["server-timing"]).group(1))
    assert 0 < own < got.elapsed.total_seconds() * 1000
    assert api.post("/api/query", json={"prompt": "tell me a joke about cats"}).json()["mode"] == "none"


def test_query_a_batch_in_order_with_a_failing_prompt_in_place(api):
    prompts = ["the plural of goose", " ", "what is the capital of france"] * 15  # 45 > 40: too many
    error_of(api.post("/api/query", json={"prompts": prompts}), 413, "too_many_prompts")
    got = api.post("/api/query", json={"prompts": prompts[:39], "method": "average"})
    assert got.status_code == 200, got.text
    results = got.json()["results"]
    assert [r["prompt"] for r in results] == prompts[:39]
    assert results[0]["outputs"][0]["answer"] == "geese"
    assert results[1]["error"] and "mode" not in results[1]
    assert results[2]["programs"][0]["name"] == "country-capital"


def test_query_options_are_checked(api):
    error_of(api.post("/api/query", json={"prompt": "plural of cat", "k": 0}), 422, "invalid_request")
    error_of(api.post("/api/query", json={"prompt": "plural of cat", "method": "magic"}), 422, "invalid_request")
    error_of(api.post("/api/query", json={"prompt": "plural of cat", "prompts": ["x"]}), 422, "invalid_request")
    error_of(api.post("/api/query", json={}), 422, "invalid_request")
    error_of(api.post("/api/query", json={"prompts": []}), 422, "invalid_request")
    error_of(api.post("/api/query", json={"prompt": "plural of cat", "shots": "many"}), 422, "invalid_request")
    error_of(api.post("/api/query", json={"prompt": "plural of cat", "colour": "red"}), 422, "invalid_request")
    # a misspelt field is named as the one meant ({"promt": …} got "Extra inputs are not permitted")
    message = error_of(api.post("/api/query", json={"promt": "plural of cat"}), 422, "invalid_request")
    assert "did you mean 'prompt'?" in message, message


def test_a_web_developers_mistakes_are_said_in_the_apis_words(api):
    """A web developer read "text: Extra inputs are not permitted" for {"text": …}, and
    "examples.0.tuple[str, str].1: Field required" for a pair with its output left out; and
    /api/programs/friendly got no "did you mean" for their friendlier."""
    message = error_of(api.post("/api/query", json={"text": "plural of cat"}), 422, "invalid_request")
    assert message.startswith("text: no such field (this endpoint takes prompt, prompts"), message
    message = error_of(api.post("/api/programs", json={"name": "half-pair", "keys": ["half {word}"],
                                                        "examples": [["cat"]]}), 422, "invalid_request")
    assert message == "examples[0][1]: missing", message
    assert api.post("/api/programs", json={"name": "friendlier", "keys": ["make this friendlier: {text}"],
                                           "examples": [["Send it.", "Could you send it? Thanks!"]]}).status_code == 201
    message = error_of(api.get("/api/programs/friendly"), 404, "not_found")
    assert "did you mean 'friendlier'?" in message, message
    assert api.delete("/api/programs/friendlier").status_code in (200, 204)


def test_compile_gives_the_few_shot_prompt(api):
    got = api.post("/api/compile", json={"prompt": "translate to french: good morning", "shots": 2})
    assert got.status_code == 200, got.text
    body = got.json()
    assert body["program"] == "english-french" and len(body["compiled"]) == 1
    one = body["compiled"][0]
    assert "good" in one["text"] and one["messages"][-1]["role"] == "user" and len(one["examples"]) == 2
    assert "no program" in error_of(api.post("/api/compile", json={"prompt": "tell me a joke about cats"}),
                                    400, "bad_request")


# -- malformed requests -------------------------------------------------------------------------
def test_malformed_requests_are_4xx_json(api, served):
    error_of(api.post("/api/query", content=b'{"prompt": "cut', headers={"content-type": "application/json"}),
             400, "bad_json")
    error_of(api.post("/api/query", content=b"\xff\xfe not json", headers={"content-type": "application/json"}),
             400, "bad_json")
    error_of(api.post("/api/query", content=b"prompt=x", headers={"content-type": "text/plain"}), 422, "invalid_request")
    # curl -d without -H: the message says what to send
    form = api.post("/api/query", content=b'{"prompt": "plural of cat"}',
                    headers={"content-type": "application/x-www-form-urlencoded"})
    assert "Content-Type: application/json" in error_of(form, 422, "invalid_request")
    error_of(api.post("/api/query", json=["a", "list"]), 422, "invalid_request")
    assert "empty" in error_of(api.post("/api/query", content=b"", headers={"content-type": "application/json"}),
                               400, "bad_json")
    # a JSON type is the field's own: "3" is no number, "yes" no bool (they were taken as 3 and true)
    assert error_of(api.post("/api/query", json={"prompt": "plural of cat", "k": "3"}), 422,
                    "invalid_request").startswith("k:")
    error_of(api.post("/api/programs", json={"name": "x-y", "keys": ["x y"], "replace": "yes"}), 422, "invalid_request")
    error_of(api.get("/api/nothing-here"), 404, "not_found")
    error_of(api.patch("/api/query", json={}), 405, "method_not_allowed")
    error_of(api.get("/api/jobs/0123456789ab"), 404, "not_found")
    error_of(api.post("/api/calibration", json={"threshold": "high"}), 400, "bad_request")
    error_of(api.post("/api/calibration", json={"bogus": 1}), 400, "bad_request")
    error_of(api.post("/api/calibration", json={}), 422, "invalid_request")


def test_bodies_over_the_limit_are_413(api):
    big = {"prompt": "x" * 30000}
    error_of(api.post("/api/query", json=big), 413, "too_large")

    def chunks():  # no Content-Length: the limit is met while reading
        yield b'{"prompt": "'
        for _ in range(30):
            yield b"y" * 1000
        yield b'"}'
    error_of(api.post("/api/query", content=chunks(), headers={"content-type": "application/json"}), 413, "too_large")
    error_of(api.post("/api/import?program=big", files={"file": ("big.csv", b"a,b\n" * 20000)}), 413, "too_large")
    error_of(api.post("/api/import?program=big&filename=big.csv", content=(b"a,b\n" * 1000 for _ in range(20))),
             413, "too_large")
    assert api.post("/api/query", json={"prompt": "plural of cat"}).status_code == 200  # still serving


# -- programs -----------------------------------------------------------------------------------
def test_a_program_is_added_grown_replaced_exported_and_removed(api):
    listed = {p["name"] for p in api.get("/api/programs").json()}
    assert {"plural", "country-capital", "english-french"} <= listed
    card = api.get("/api/programs/plural").json()
    assert card["name"] == "plural" and card["kind"] == "vector" and len(card["examples"]) > 100
    error_of(api.get("/api/programs/no-such-program"), 404, "not_found")

    body = {"name": "zorblax-speak", "kind": "fewshot", "keys": ["say it in zorblax"], "description": "Say it in Zorblax.",
            "examples": [["hello there", "ahoy there"], {"input": "my friend", "output": "me hearty"}]}
    added = api.post("/api/programs", json=body)
    assert added.status_code == 201, added.text
    # (its key and its name, "zorblax speak", as `progdb add` stores them)
    assert added.json() | {"warnings": []} == {"name": "zorblax-speak", "kind": "fewshot", "n_keys": 2, "n_examples": 2,
                                                "action": "added", "replaced": False, "warnings": []}
    assert "already exists" in error_of(api.post("/api/programs", json=body), 409, "exists")
    grown = api.post("/api/programs/zorblax-speak/grow", json={"keys": ["translate into zorblax"],
                                                              "examples": [["yes indeed", "aye aye"]]}).json()
    assert (grown["action"], grown["n_keys"], grown["n_examples"], grown["added_examples"]) == ("grew", 3, 3, 1)
    error_of(api.post("/api/programs/not-there/grow", json={"examples": [["a", "b"]]}), 404, "not_found")
    answer = api.post("/api/query", json={"prompt": "translate into zorblax: good morning"}).json()
    assert answer["programs"][0]["name"] == "zorblax-speak"

    dropped = api.delete("/api/programs/zorblax-speak/examples", params={"input": "Yes indeed"})
    assert dropped.json() == {"program": "zorblax-speak", "removed_pairs": [["yes indeed", "aye aye"]], "examples": 2}
    assert "no example with input 'nope'" in error_of(
        api.delete("/api/programs/zorblax-speak/examples", params={"input": "nope"}), 400, "bad_request")
    assert len(api.get("/api/programs/zorblax-speak").json()["examples"]) == 2
    replaced = api.put("/api/programs/zorblax-speak", json={"keys": ["speak zorblax"], "examples": [["hi", "ahoy"]]})
    assert replaced.json()["action"] == "replaced" and replaced.json()["n_examples"] == 1
    exported = api.get("/api/export", params={"name": "zorblax-speak"})
    assert exported.headers["content-type"].startswith("application/x-ndjson")
    cards = [json.loads(line) for line in exported.text.splitlines()]
    assert [c["keys"] for c in cards] == [["speak zorblax"]]
    assert len(api.get("/api/export").text.splitlines()) == len(listed) + 1
    error_of(api.get("/api/export", params={"name": "nope"}), 404, "not_found")

    assert "must be" in error_of(api.post("/api/programs", json={"name": "Bad Name!", "keys": ["k"]}), 400,
                                 "bad_request")
    error_of(api.put("/api/programs/a-name", json={"name": "other-name", "keys": ["k"]}), 422, "invalid_request")
    assert api.delete("/api/programs/zorblax-speak").json() == {"removed": "zorblax-speak"}
    error_of(api.delete("/api/programs/zorblax-speak"), 404, "not_found")


def test_a_fewshot_program_without_examples_answers_not_500(api):
    """A tester's program of a description and a key, no examples: its query, compile, /v1 and any
    batch holding it answered 500 ("Expected IDs to be a non-empty list")."""
    body = {"name": "noex-shout", "kind": "fewshot", "keys": ["noex shout {text}"], "description": "Say it loudly."}
    assert api.post("/api/programs", json=body).status_code == 201
    try:
        batch = api.post("/api/query", json={"prompts": ["plural of cat", "noex shout hello there"]})
        assert batch.status_code == 200, batch.text
        one, two = batch.json()["results"]
        assert one["outputs"][0]["answer"] == "cats" and two["programs"][0]["name"] == "noex-shout"
        assert "Say it loudly." in two["outputs"][0]["answer"] and "hello there" in two["outputs"][0]["answer"]
        assert api.post("/api/compile", json={"prompt": "noex shout hello there"}).status_code == 200
    finally:
        api.delete("/api/programs/noex-shout")


def test_calibration_is_shown_and_set(api):
    before = api.get("/api/calibration").json()
    assert {"router", "threshold", "router_threshold"} <= set(before)
    after = api.post("/api/calibration", json={"router_margin": 0.07, "program_thresholds": {"plural": 0.7}}).json()
    assert after["router_margin"] == 0.07 and after["program_thresholds"] == {"plural": 0.7}
    assert api.get("/api/calibration").json() == after
    # a program's threshold set by hand leaves the others' (a setter's one dropped the fit's two others);
    # null drops a program's own
    both = api.post("/api/calibration", json={"program_thresholds": {"synonym": 0.72}}).json()
    assert both["program_thresholds"] == {"plural": 0.7, "synonym": 0.72}
    assert api.post("/api/calibration", json={"program_thresholds": {"synonym": None}}).json()[
        "program_thresholds"] == {"plural": 0.7}
    # (a product manager set router_offsets, which the similarity router never reads, and saw no change)
    assert "program_thresholds" in error_of(api.post("/api/calibration", json={"router_offsets": {"plural": 0.01}}),
                                            400, "bad_request")
    assert "did you mean 'plural'?" in error_of(api.post("/api/calibration", json={"program_thresholds": {"plurl": 0.7}}),
                                                400, "bad_request")
    assert api.post("/api/calibration", json={"router": "classifier", "router_offsets": {"plural": 0.01}}).status_code == 200
    api.post("/api/calibration", json={"router": before["router"], "router_margin": before["router_margin"],
                                       "router_offsets": {"plural": None}, "program_thresholds": {"plural": None}})
    assert api.get("/api/calibration").json()["program_thresholds"] == {}


# -- jobs: import and fit -----------------------------------------------------------------------
def test_an_uploaded_pairs_file_is_imported_by_a_job(api):
    csv = "program,input,output\n" + "".join(f"loud-words,word number {i},WORD NUMBER {i}\n" for i in range(60))
    started = api.post("/api/import", files={"file": ("loud.csv", csv.encode())})
    assert started.status_code == 202, started.text
    assert started.headers["location"] == f"/api/jobs/{started.json()['id']}"
    assert started.json()["kind"] == "import" and started.json()["state"] in ("queued", "running", "done")
    job = wait_job(api, started.json())
    assert job["state"] == "done", job
    assert job["progress"] == {"done": 60, "total": 60, "stage": ""}
    result = job["result"]
    assert (result["added"], result["rejected"], result["created"], result["file"]) == (60, 0, ["loud-words"], "loud.csv")
    assert len(api.get("/api/programs/loud-words").json()["examples"]) == 60
    # rows without a program column go to the file's name, as `progdb import` has them
    named = wait_job(api, api.post("/api/import", files={"file": ("sun-moon.csv", b"sun,moon\nday,night\n")}).json())
    assert named["state"] == "done" and named["result"]["created"] == ["sun-moon"], named
    api.delete("/api/programs/sun-moon")
    assert any(j["id"] == job["id"] for j in api.get("/api/jobs").json())

    # the same rows again, streamed as the body: nothing changes
    again = wait_job(api, api.post("/api/import", params={"filename": "loud.csv"}, content=csv.encode()).json())
    assert (again["result"]["added"], again["result"]["unchanged"]) == (0, 60)


def test_a_bad_pairs_file_is_400_naming_file_line_and_field(api):
    bad = b"input,output\nsun,moon\nday,\n"
    got = api.post("/api/import", params={"program": "opposites-x"}, files={"file": ("pairs.csv", bad)})
    message = error_of(got, 400, "bad_file")
    assert message.startswith("pairs.csv, line 3: field 'output' is empty") and "nothing was stored" in message
    assert (got.json()["file"], got.json()["line"]) == ("pairs.csv", 3)
    # (a raw body has no name to name its program by; a file's name does, as on the command line)
    assert "field 'program' is missing (add a program column or give program=NAME)" in error_of(
        api.post("/api/import", content=b"sun,moon\n"), 400, "bad_file")
    assert "line 2" in error_of(api.post("/api/import", params={"filename": "p.jsonl"},
                                         content=b'{"input": "a", "output": "b", "program": "x-y"}\n{"input": \n'),
                                400, "bad_file")
    error_of(api.post("/api/import", files={"file": ("bin.csv", b"\x00\x01\x02")}), 400, "bad_file")
    error_of(api.post("/api/import", content=b""), 400, "bad_file")
    error_of(api.post("/api/import", files={"other": ("p.csv", b"a,b\n")}), 422, "invalid_request")
    error_of(api.post("/api/import", params={"format": "xml"}, content=b"a,b\n"), 422, "invalid_request")
    error_of(api.post("/api/import", params={"batch_size": 0}, content=b"a,b\n"), 422, "invalid_request")
    error_of(api.get("/api/programs/opposites-x"), 404, "not_found")

    # skip_bad: the good rows are stored, the bad listed
    job = wait_job(api, api.post("/api/import", params={"program": "opposites-x", "skip_bad": "true"},
                                 files={"file": ("pairs.csv", bad)}).json())
    assert job["state"] == "done", job
    assert (job["result"]["added"], job["result"]["rejected"]) == (1, 1)
    assert job["progress"]["done"] == job["progress"]["total"] == 2, job["progress"]  # (it said 6 of 2)
    assert job["result"]["rejects"][0] | {"text": ""} == {"file": "pairs.csv", "line": 3,
                                                           "reason": "field 'output' is empty", "text": ""}
    api.delete("/api/programs/opposites-x")


def test_a_failing_import_job_says_why(api):
    """What only the database can tell (here: --no-create) fails the job, not the upload."""
    job = wait_job(api, api.post("/api/import", params={"program": "not-stored-yet", "create": "false",
                                                        "filename": "rows.tsv"}, content=b"a\tb\n").json())
    assert job["state"] == "failed" and job["result"] is None
    assert job["error"]["error"] == "bad_request"
    assert job["error"]["message"].startswith("rows.tsv, line 1: program 'not-stored-yet' does not exist")


def test_an_export_file_imports_whole_programs(api):
    card = {"name": "tiny-export", "kind": "fewshot", "keys": ["make it tiny"], "description": "",
            "examples": [{"input": "a big house", "output": "a tiny house"}]}
    job = wait_job(api, api.post("/api/import", files={"file": ("programs.jsonl", json.dumps(card).encode())}).json())
    assert job["state"] == "done" and job["result"] == {"imported": ["tiny-export"], "unchanged": 0}
    assert api.get("/api/programs/tiny-export").json()["examples"] == card["examples"]
    again = wait_job(api, api.post("/api/import", files={"file": ("programs.jsonl", json.dumps(card).encode())}).json())
    # the same programs again: left as they are, no error, and said as the CLI says it
    assert again["state"] == "done" and again["result"] == {"imported": [], "unchanged": 1}, again
    changed = {**card, "description": "another"}
    failed = wait_job(api, api.post("/api/import", files={"file": ("programs.jsonl", json.dumps(changed).encode())}).json())
    assert failed["state"] == "failed" and "tiny-export" in failed["error"]["message"]
    assert "line 1" in error_of(api.post("/api/import", params={"format": "progdb"},
                                         files={"file": ("programs.jsonl", b'{"name": "x"}\n')}), 400, "bad_file")
    # a new program without keys is found by its name, as `progdb add NAME` is (an export card needs its keys)
    keyless = api.post("/api/programs", json={"name": "tiny-blurb", "kind": "fewshot", "examples": [["a", "b"]]})
    assert keyless.status_code == 201 and api.get("/api/programs/tiny-blurb").json()["keys"] == ["tiny blurb"]
    api.delete("/api/programs/tiny-blurb")
    api.delete("/api/programs/tiny-export")


def test_a_developers_files_over_http_as_the_cli_takes_them(api):
    """Trial D's files: a YAML program file (the CLI imports it; the upload was "cannot tell the
    format"), one program restored from a backup of two whose other one changed since, and the
    job's rows and errors in the API's words, naming the file as sent (not the server's copy)."""
    yaml_card = b"name: lang-codes\nkeys:\n  - 'language of code {word}'\nexamples:\n  - [de, German]\n  - [fr, French]\n"
    job = wait_job(api, api.post("/api/import", files={"file": ("lang-codes.yaml", yaml_card)}).json())
    assert job["state"] == "done", job
    assert job["result"] | {"warnings": []} == {"name": "lang-codes", "kind": "vector", "n_keys": 1, "n_examples": 2,
                                                "action": "added", "replaced": False, "warnings": [],
                                                "file": "lang-codes.yaml", "format": "program"}
    grown = wait_job(api, api.post("/api/import", files={"file": ("lang-codes.yaml", yaml_card.replace(
        b"[fr, French]", b"[pt, Portuguese]"))}).json())
    assert grown["result"]["action"] == "grew" and grown["result"]["n_examples"] == 3, grown
    assert error_of(api.post("/api/import", files={"file": ("bad.yaml", b"name: x\nkeys: [a\n")}),
                    400, "bad_file").startswith("bad.yaml, line 3: not valid YAML")

    backup = api.get("/api/export", params={"name": ["lang-codes", "tiny-other"]})
    assert backup.status_code == 404  # (no tiny-other yet)
    api.post("/api/programs", json={"name": "tiny-other", "examples": [["sun", "moon"]]})
    backup = api.get("/api/export", params={"name": ["lang-codes", "tiny-other"]}).content
    api.post("/api/programs/tiny-other/grow", json={"examples": [["day", "night"]]})  # changed since the backup
    api.delete("/api/programs/lang-codes")
    failed = wait_job(api, api.post("/api/import", files={"file": ("backup.jsonl", backup)}).json())
    message = failed["error"]["message"]
    assert failed["state"] == "failed" and "tiny-other" in message and "replace=true" in message, failed
    assert "program=NAME imports one program" in message and "--replace" not in message and "--program" not in message
    restored = wait_job(api, api.post("/api/import", params={"program": "lang-codes"},
                                      files={"file": ("backup.jsonl", backup)}).json())
    assert restored["result"] == {"imported": ["lang-codes"], "unchanged": 0}, restored
    assert len(api.get("/api/programs/lang-codes").json()["examples"]) == 3
    assert len(api.get("/api/programs/tiny-other").json()["examples"]) == 2  # (left as it was)

    rows = b"input,output\nzq9x,first\nit,Italian\nit,Italian\n"
    job = wait_job(api, api.post("/api/import", params={"program": "lang-codes"},
                                 files={"file": ("more-codes.csv", rows)}).json())
    assert job["result"]["outside_word_space"]["lang-codes"][0]["file"] == "more-codes.csv", job
    assert job["result"]["repeated"][0]["file"] == "more-codes.csv", job
    no_create = wait_job(api, api.post("/api/import", params={"program": "lang-codez", "create": "false"},
                                       files={"file": ("more-codes.csv", rows)}).json())
    assert "(create=false)" in no_create["error"]["message"] and "--" not in no_create["error"]["message"], no_create
    for name in ("lang-codes", "tiny-other"):
        api.delete(f"/api/programs/{name}")


def test_fit_runs_as_a_job(api):
    before = api.get("/api/calibration").json()
    prompts = [{"text": t, "intent": None} for t in ("tell me a joke", "what time is it", "book a flight to rome")]
    prompts += [{"text": t, "intent": "plural"} for t in ("plural of cat", "what is the plural of dog")]
    job = wait_job(api, api.post("/api/fit", json={"prompts": prompts, "router": "similarity", "learn": False}).json())
    assert job["state"] == "done", job
    assert job["kind"] == "fit" and job["result"]["router"] == "similarity"
    failed = wait_job(api, api.post("/api/fit", json={"prompts": [{"text": "x", "intent": "no-such-intent"}]}).json())
    assert failed["state"] == "failed" and "no-such-intent" in failed["error"]["message"]
    error_of(api.post("/api/fit", json={"prompts": []}), 422, "invalid_request")
    # only out-of-scope prompts, with the classifier's per-program thresholds: done, not `internal`
    # (an IndexError the schema fuzz found, tests/test_server_fuzz.py)
    oos = [{"text": t, "intent": None} for t in ("tell me a joke", "what time is it")]
    job = wait_job(api, api.post("/api/fit", json={"prompts": oos, "router": "classifier", "learn": False}).json())
    assert job["state"] == "done", job
    api.post("/api/calibration", json={k: v for k, v in before.items() if k != "router_offsets"})


def test_the_server_marks_its_database_while_it_runs(served):
    """Last: the server stops (SIGTERM, as Ctrl-C would) and takes its marker with it."""
    marker = json.loads((Path(served.db) / "progdb.serve").read_text())
    assert marker["url"] == served.url and marker["pid"] == served.proc.pid
    served.stop()
    assert served.proc.returncode == 0
    assert not (Path(served.db) / "progdb.serve").exists()

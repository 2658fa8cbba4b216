"""The OpenAI-compatible endpoint of `progdb serve`: a real server (uvicorn on a free loopback port,
over a copy of the seeded database), the official `openai` client as the caller, and a recording
chat-completions server on loopback as the upstream LLM."""
from __future__ import annotations

import json
import logging
import os
import shutil
import socket
import subprocess
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import httpx
import openai
import pytest
import uvicorn

from progdb.db import ProgramDB
from progdb.server.app import create_app
from progdb.server.service import Service
from progdb.text.llm import Endpoint

KEY = "sk-upstream-0123456789abcdef"
POEM = "The sun is out, the sky is blue, I wrote this little song for you"
REPLY = "Hark, the sun doth shine upon thee!"
UNSERVED = "write a short story about a lighthouse keeper who adopts a seagull"


class Upstream:
    """A chat-completions server that records every request (path, headers, JSON body) and replies
    with `reply` (as SSE chunks, three words at a time, when asked to stream), or with `fail`:
    (status, JSON body)."""

    def __init__(self):
        self.requests: list[dict] = []
        self.reply, self.fail = REPLY, None
        self.gate: threading.Event | None = None  # set: each request waits for it before the reply
        outer = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_POST(self):
                body = json.loads(self.rfile.read(int(self.headers.get("Content-Length", 0))))
                outer.requests.append({"path": self.path, "headers": dict(self.headers), "json": body})
                if outer.gate is not None:
                    outer.gate.wait(30)
                if outer.fail is not None:
                    return self._send(outer.fail[0], "application/json", json.dumps(outer.fail[1]).encode())
                if not body.get("stream"):
                    reply = {"id": "up-1", "object": "chat.completion", "created": 1, "model": body.get("model", "m"),
                             "choices": [{"index": 0, "message": {"role": "assistant", "content": outer.reply},
                                          "finish_reason": "stop"}],
                             "usage": {"prompt_tokens": 7, "completion_tokens": 5, "total_tokens": 12}}
                    return self._send(200, "application/json", json.dumps(reply).encode())
                words = outer.reply.split(" ")
                pieces = [" ".join(words[i:i + 3]) + (" " if i + 3 < len(words) else "") for i in range(0, len(words), 3)]
                chunks = [{"role": "assistant", "content": ""}] + [{"content": p} for p in pieces]
                data = b""
                for i, delta in enumerate(chunks + [{}]):
                    chunk = {"id": "up-2", "object": "chat.completion.chunk", "created": 1, "model": "m",
                             "choices": [{"index": 0, "delta": delta, "finish_reason": None if i < len(chunks) else "stop"}]}
                    data += b"data: " + json.dumps(chunk).encode() + b"\n\n"
                self._send(200, "text/event-stream", data + b"data: [DONE]\n\n")

            def _send(self, status, kind, data):
                self.send_response(status)
                self.send_header("Content-Type", kind)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args):
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/v1"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def close(self):
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture(scope="module")
def upstream():
    s = Upstream()
    yield s
    s.close()


@pytest.fixture(scope="module")
def served(seeded_path, tmp_path_factory, upstream):
    """progdb's app on uvicorn in a thread, over its own copy of the seeded database; the tests
    set its upstream LLM (svc.llm) and --refuse-unserved (svc.refuse_unserved) as they need."""
    path = tmp_path_factory.mktemp("served") / "db"
    shutil.copytree(seeded_path, path)
    svc = Service(ProgramDB(path=str(path)))
    app = create_app(svc)
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=0, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    while not server.started:
        time.sleep(0.05)
    port = server.servers[0].sockets[0].getsockname()[1]
    yield svc, app, f"http://127.0.0.1:{port}/v1"
    server.should_exit = True
    thread.join()


@pytest.fixture
def server(served, upstream):
    """The server with an upstream LLM (model 'llama-3', key KEY) and unserved prompts forwarded;
    the upstream's record starts empty."""
    svc, app, url = served
    svc.llm = Endpoint(upstream.url, "llama-3", timeout=20, api_key=KEY)
    svc.refuse_unserved, app.state.token = False, None
    upstream.requests.clear()
    upstream.reply, upstream.fail, upstream.gate = REPLY, None, None
    yield svc, app, url
    if upstream.gate is not None:
        upstream.gate.set()


@pytest.fixture
def client(server):
    return openai.OpenAI(base_url=server[2], api_key="not-needed", max_retries=0)


def chat(client, prompt, model="progdb", **options):
    return client.chat.completions.with_raw_response.create(
        model=model, messages=[{"role": "user", "content": prompt}], **options)


def streamed(client, prompt, model="progdb"):
    chunks = list(client.chat.completions.create(model=model, messages=[{"role": "user", "content": prompt}],
                                                 stream=True))
    return "".join(c.choices[0].delta.content or "" for c in chunks if c.choices), chunks


def test_a_word_program_answers_from_the_database(client, upstream):
    raw = chat(client, "what is the plural of mouse")
    reply = raw.parse()
    assert reply.choices[0].message.content == "mice"
    assert reply.choices[0].finish_reason == "stop" and reply.model == "progdb"
    assert raw.headers["x-progdb-program"] == "plural"
    meta = reply.model_extra["progdb"]
    assert meta["program"] == "plural" and meta["kind"] == "vector" and meta["mode"] == "nearest"
    assert meta["source"] in ("stored", "vector") and meta["confidence"] is not None
    assert upstream.requests == []  # the database answered; the LLM was not asked


def test_several_inputs_give_one_line_each(client):
    reply = chat(client, "plural of cat, dog and mouse").parse()
    assert reply.choices[0].message.content.splitlines() == ["cats", "dogs", "mice"]
    assert reply.model_extra["progdb"]["inputs"] == ["cat", "dog", "mouse"]


def test_a_best_guess_is_marked_in_the_content(client):
    # a help desk's bot showed a guessed team, "network", as a fact (the terminal: "webcam -> network?")
    reply = chat(client, "superlative of zesty").parse()
    out = reply.model_extra["progdb"]["outputs"][0]
    assert out["sure"] is False and reply.choices[0].message.content.endswith("?"), (reply.choices[0].message.content, out)
    assert chat(client, "plural of mouse").parse().choices[0].message.content == "mice"  # (a stored answer as it is)


def test_every_stored_answer_is_in_the_content(client):
    # a Korean learner's 눈 -> eye / snow came back from /v1 as "eye" alone; the terminal prints both
    reply = chat(client, "past tense of travel").parse()
    assert reply.choices[0].message.content == "traveled / travelled", reply.choices[0].message.content


def test_two_requests_give_both_answers(client):
    # a fan's "kc team and pos of kelce" replied the team alone; the command line answered both
    reply = chat(client, "plural of mouse and past tense of go").parse()
    assert reply.choices[0].message.content.splitlines() == ["mice", "went"]
    meta = reply.model_extra["progdb"]
    assert [(o["input"], o["program"]) for o in meta["outputs"]] == [("mouse", "plural"), ("go", "past-tense")]


def test_a_fewshot_program_runs_its_compiled_prompt_on_the_upstream(client, upstream, seeded):
    prompt = f"make this sound like Shakespeare: {POEM}"
    raw = chat(client, prompt)
    reply = raw.parse()
    assert reply.choices[0].message.content == REPLY
    assert raw.headers["x-progdb-program"] == "shakespearean" and raw.headers["x-progdb-source"] == "llm"
    meta = reply.model_extra["progdb"]
    assert (meta["program"], meta["kind"], meta["source"]) == ("shakespearean", "fewshot", "llm")
    assert reply.usage.total_tokens == 12  # the upstream's usage comes back
    assert len(upstream.requests) == 1
    sent = upstream.requests[0]
    assert sent["path"] == "/v1/chat/completions"
    assert sent["headers"]["Authorization"] == f"Bearer {KEY}"
    assert sent["json"]["model"] == "llama-3"
    assert sent["json"]["messages"] == seeded.compile(prompt).compiled[0].messages  # the compiled few-shot prompt
    assert KEY not in raw.http_response.text and KEY not in str(raw.headers)


def test_the_database_answers_while_the_upstream_thinks(client, upstream):
    """The upstream call runs off the database's worker thread: a word query is answered while a
    fewshot prompt's upstream request is still open."""
    upstream.gate = threading.Event()
    replies = []
    waiting = threading.Thread(target=lambda: replies.append(chat(client, f"make this sound like Shakespeare: {POEM}")))
    waiting.start()
    while not upstream.requests:  # the upstream holds the request until the gate opens
        time.sleep(0.02)
    assert chat(client, "plural of goose").parse().choices[0].message.content == "geese"
    assert not replies  # still waiting on the upstream
    upstream.gate.set()
    waiting.join()
    assert replies[0].parse().choices[0].message.content == REPLY


def test_a_word_outside_the_word_space_runs_the_programs_fewshot_form(client, server, upstream):
    word = "flibbertigibbetzz"
    reply = chat(client, word, model="progdb/plural").parse()
    assert reply.choices[0].message.content == REPLY
    assert reply.model_extra["progdb"]["source"] == "llm"
    sent = upstream.requests[0]["json"]["messages"]
    assert sent[0]["role"] == "system" and word in sent[-1]["content"]
    server[0].llm = None
    with pytest.raises(openai.UnprocessableEntityError) as err:
        chat(client, word, model="progdb/plural")
    error = err.value.response.json()["error"]
    assert error["code"] == "program_failed" and "word space" in error["message"]


def test_an_unserved_prompt_is_forwarded_as_it_came(client, upstream):
    messages = [{"role": "system", "content": "You are terse."},
                {"role": "user", "content": "hello"},
                {"role": "assistant", "content": "Hi."},
                {"role": "user", "content": UNSERVED}]
    raw = client.chat.completions.with_raw_response.create(model="progdb", messages=messages, temperature=0.3,
                                                            max_tokens=40)
    reply = raw.parse()
    assert reply.choices[0].message.content == REPLY and reply.id == "up-1"  # the upstream's own reply
    meta = reply.model_extra["progdb"]
    assert meta["program"] is None and meta["mode"] == "none" and meta["source"] == "upstream"
    assert "x-progdb-program" not in raw.headers and raw.headers["x-progdb-source"] == "upstream"
    sent = upstream.requests[0]["json"]
    assert sent["messages"] == messages  # the client's whole conversation
    assert sent["temperature"] == 0.3 and sent["max_tokens"] == 40 and sent["model"] == "llama-3"
    assert upstream.requests[0]["headers"]["Authorization"] == f"Bearer {KEY}"


def test_an_unserved_prompt_is_refused_with_refuse_unserved(client, server, upstream):
    server[0].refuse_unserved = True
    with pytest.raises(openai.UnprocessableEntityError) as err:
        chat(client, UNSERVED)
    assert err.value.status_code == 422
    body = err.value.response.json()
    assert body["error"]["code"] == "unserved" and "--refuse-unserved" in body["error"]["message"]
    assert upstream.requests == []
    assert chat(client, "plural of goose").parse().choices[0].message.content == "geese"  # programs still answer


def test_without_an_llm_only_the_database_answers(client, server, upstream):
    server[0].llm = None
    assert chat(client, "plural of goose").parse().choices[0].message.content == "geese"
    with pytest.raises(openai.UnprocessableEntityError) as err:
        chat(client, UNSERVED)
    assert err.value.response.json()["error"]["code"] == "unserved" and "--llm" in err.value.message
    with pytest.raises(openai.UnprocessableEntityError) as err:
        chat(client, f"make this sound like Shakespeare: {POEM}")
    error = err.value.response.json()["error"]
    assert error["code"] == "llm_not_configured" and "shakespearean" in error["message"]
    assert "--llm" in error["message"]
    assert upstream.requests == []


def test_the_model_pins_one_program(client, upstream, server):
    svc, llm = server[0], server[0].llm
    reply = chat(client, "goose", model="progdb/plural").parse()
    assert reply.choices[0].message.content == "geese" and reply.model == "progdb/plural"
    assert reply.model_extra["progdb"]["program"] == "plural"
    # The same words, routed freely, are no request for 'plural'; pinned, they are its input.
    reply = chat(client, "what is the plural of mouse", model="progdb/plural").parse()
    assert reply.choices[0].message.content == "mice"
    # a list is every word of it: "cactus", near a paraphrase "plural of cactus?", was read as the
    # request, and goose and ox alone answered
    reply = chat(client, "goose, ox, cactus", model="progdb/plural").parse()
    assert reply.choices[0].message.content.splitlines()[:2] == ["geese", "oxen"]
    assert len(reply.choices[0].message.content.splitlines()) == 3, reply.choices[0].message.content
    # a list a program of texts stores each of is each of them (a glossary's "Save, Load, Back" was one text,
    # compiled, and refused without an LLM); one it does not store all of stays one text
    svc.llm = None
    reply = chat(client, "cat, house, bread", model="progdb/english-french").parse()
    assert reply.choices[0].message.content.splitlines() == ["chat", "maison", "pain"], reply.choices[0].message.content
    assert reply.model_extra["progdb"]["inputs"] == ["cat", "house", "bread"]
    svc.llm = llm
    # pinned, it runs alone: no chain of plural then past-tense ("joysticks"); the whole prompt is its
    # input, and a past tense of "plural of mouse" is too unsure to give
    reply = chat(client, "plural of mouse", model="progdb/past-tense").parse()
    assert reply.model_extra["progdb"]["mode"] == "none" and "too unsure" in reply.model_extra["progdb"]["message"], \
        reply.model_extra
    reply = chat(client, POEM, model="progdb/shakespearean").parse()
    assert reply.choices[0].message.content == REPLY
    assert reply.model_extra["progdb"]["program"] == "shakespearean"
    assert POEM in upstream.requests[-1]["json"]["messages"][-1]["content"]
    with pytest.raises(openai.NotFoundError) as err:
        chat(client, "goose", model="progdb/no-such-program")
    assert err.value.response.json()["error"]["code"] == "model_not_found"
    with pytest.raises(openai.NotFoundError) as err:  # a slip of a program's name says which was meant
        chat(client, "goose", model="progdb/shakespearian")
    assert "did you mean 'progdb/shakespearean'?" in err.value.response.json()["error"]["message"]


def test_streaming_a_local_answer(client, server):
    text, chunks = streamed(client, "plural of cat and dog")
    assert text == "cats\ndogs"
    assert chunks[0].model_extra["progdb"]["program"] == "plural"
    assert chunks[-1].choices[0].finish_reason == "stop"
    with httpx.stream("POST", server[2] + "/chat/completions",
                      json={"model": "progdb", "stream": True,
                            "messages": [{"role": "user", "content": "plural of cat"}]}) as r:
        assert r.headers["content-type"].startswith("text/event-stream")
        assert r.headers["x-progdb-program"] == "plural"
        events = [line for line in r.iter_lines() if line]
    assert all(e.startswith("data: ") for e in events) and events[-1] == "data: [DONE]"


def test_streaming_a_forwarded_answer(client, upstream):
    text, chunks = streamed(client, f"make this sound like Shakespeare: {POEM}")
    assert text == REPLY and len(chunks) > 3  # the upstream's stream, passed on as it came
    assert chunks[0].model_extra["progdb"]["source"] == "llm"
    assert upstream.requests[0]["json"]["stream"] is True
    assert upstream.requests[0]["json"]["messages"][-1]["content"].count(POEM) == 1

    upstream.requests.clear()
    text, chunks = streamed(client, UNSERVED)
    assert text == REPLY and chunks[0].id == "up-2"
    assert chunks[0].model_extra["progdb"]["source"] == "upstream"
    assert upstream.requests[0]["json"]["messages"] == [{"role": "user", "content": UNSERVED}]


def test_models_lists_progdb_and_every_program(client, seeded):
    ids = [m.id for m in client.models.list()]
    assert ids[0] == "progdb"
    assert sorted(ids[1:]) == sorted(f"progdb/{p['name']}" for p in seeded.list())
    assert client.models.retrieve("progdb/plural").id == "progdb/plural"
    with pytest.raises(openai.NotFoundError):
        client.models.retrieve("progdb/no-such-program")


def test_errors_come_in_openais_shape(server):
    url = server[2]
    r = httpx.post(url + "/chat/completions", json={"model": "progdb", "messages": []})
    assert r.status_code == 400 and set(r.json()["error"]) >= {"message", "type", "code"}
    assert r.json()["error"]["type"] == "invalid_request_error"
    r = httpx.post(url + "/chat/completions", content=b"{not json", headers={"Content-Type": "application/json"})
    assert r.status_code == 400 and r.json()["error"]["code"] == "invalid_json"
    r = httpx.post(url + "/chat/completions", json={"model": "progdb", "messages": [{"role": "system", "content": "x"}]})
    assert r.status_code == 400 and "user message" in r.json()["error"]["message"]
    r = httpx.get(url + "/no-such-route")
    assert r.status_code == 404 and r.json()["error"]["code"] == "not_found"


def test_a_token_guards_the_endpoint(server):
    server[1].state.token = "s3cret"
    with pytest.raises(openai.AuthenticationError) as err:
        chat(openai.OpenAI(base_url=server[2], api_key="wrong", max_retries=0), "plural of cat")
    assert err.value.response.json()["error"]["type"] == "authentication_error"
    good = openai.OpenAI(base_url=server[2], api_key="s3cret", max_retries=0)
    assert chat(good, "plural of cat").parse().choices[0].message.content == "cats"


def test_an_upstream_failure_is_a_502_and_the_key_never_shows(client, upstream, caplog):
    upstream.fail = (401, {"error": {"message": f"invalid api key {KEY}"}})
    with caplog.at_level(logging.DEBUG):
        with pytest.raises(openai.APIStatusError) as err:
            chat(client, f"make this sound like Shakespeare: {POEM}")
        assert err.value.status_code == 502
        error = err.value.response.json()["error"]
        assert error["type"] == "upstream_error" and "HTTP 401" in error["message"]
        assert KEY not in err.value.response.text and "[PROGDB_LLM_API_KEY]" in error["message"]
        upstream.fail = (400, {"error": {"message": "max_tokens is too large"}})
        with pytest.raises(openai.BadRequestError) as err:
            chat(client, UNSERVED, max_tokens=10 ** 9)  # the client's own mistake, forwarded: a 400
        assert "max_tokens is too large" in err.value.response.json()["error"]["message"]
    assert KEY not in caplog.text


def test_an_intent_answers_with_its_name_and_slots(client, server, upstream):
    db = server[0].db  # the server is idle between requests: the test writes its database directly
    db.add(name="book-flight", kind="intent",
           keys=["book a flight to {city}", "I need a plane ticket to {city}", "fly me to {city}"])
    try:
        raw = chat(client, "book a flight to Paris")
        reply = raw.parse()
        assert json.loads(reply.choices[0].message.content)["intent"] == "book-flight"
        assert raw.headers["x-progdb-program"] == "book-flight" and raw.headers["x-progdb-source"] == "intent"
        assert reply.model_extra["progdb"]["kind"] == "intent"
        assert upstream.requests == []
    finally:
        db.remove("book-flight")


def test_progdb_serve_wires_llm_model_key_and_refuse_unserved(seeded_path, tmp_path, upstream, seeded):
    """The command line, end to end: `progdb serve --llm URL --model M --refuse-unserved` with the
    key in PROGDB_LLM_API_KEY; the key shows in neither a reply nor the server's output."""
    path = tmp_path / "db"
    shutil.copytree(seeded_path, path)
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = {**os.environ, "PROGDB_LLM_API_KEY": KEY, "HF_HUB_OFFLINE": "1"}
    env.pop("PROGDB_TOKEN", None)
    proc = subprocess.Popen([sys.executable, "-c", "from progdb.cli import main; main()", "--db", str(path), "serve",
                             "--port", str(port), "--llm", upstream.url, "--model", "m1", "--refuse-unserved"],
                            env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    upstream.requests.clear()
    upstream.reply, upstream.fail, upstream.gate = REPLY, None, None
    try:
        base = f"http://127.0.0.1:{port}"
        for _ in range(3000):  # the models load first (a bound, not a timing check)
            assert proc.poll() is None, proc.stdout.read()
            try:
                if httpx.get(base + "/api/health").status_code == 200:
                    break
            except httpx.TransportError:
                pass
            time.sleep(0.1)
        else:
            pytest.fail("progdb serve did not come up")
        client = openai.OpenAI(base_url=base + "/v1", api_key="unused", max_retries=0)
        prompt = f"make this sound like Shakespeare: {POEM}"
        raw = chat(client, prompt)
        assert raw.parse().choices[0].message.content == REPLY
        sent = upstream.requests[0]
        assert sent["headers"]["Authorization"] == f"Bearer {KEY}" and sent["json"]["model"] == "m1"
        assert sent["json"]["messages"] == seeded.compile(prompt).compiled[0].messages
        with pytest.raises(openai.UnprocessableEntityError):
            chat(client, UNSERVED)
        assert len(upstream.requests) == 1 and KEY not in raw.http_response.text
        # the JSON API's failure names the LLM's trouble, as /v1 does, not the operator's URL
        upstream.fail = (500, {"error": {"message": "overloaded"}})
        failed = httpx.post(base + "/api/query", json={"prompt": prompt}, timeout=120)
        assert failed.status_code == 502 and failed.json()["error"] == "llm_error", failed.text
        assert failed.json()["message"].startswith("the LLM: HTTP 500") and upstream.url not in failed.text
        batch = httpx.post(base + "/api/query", json={"prompts": [prompt]}, timeout=120).json()["results"]
        assert batch[0]["error"].startswith("the LLM: HTTP 500") and upstream.url not in batch[0]["error"]
    finally:
        proc.terminate()
        output, _ = proc.communicate(timeout=60)
    assert KEY not in output

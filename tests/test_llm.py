"""Running compiled prompts on an LLM: a real HTTP server on 127.0.0.1, started by the test, speaks
the chat-completions protocol and records what it received."""
from __future__ import annotations

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from click.testing import CliRunner

from progdb.cli import cli
from progdb.errors import ProgdbError
from progdb.text.llm import Endpoint

KEY = "sk-test-0123456789abcdef"
POEM = "The sun is out, the sky is blue, I wrote this little song for you"


def _completion(text: str) -> dict:
    return {"id": "x", "object": "chat.completion",
            "choices": [{"index": 0, "message": {"role": "assistant", "content": text}, "finish_reason": "stop"}]}


class ChatServer:
    """Replies from a script of (status, body, headers, delay) steps (the last one repeats) and
    keeps every request: path, headers and decoded JSON body."""

    def __init__(self):
        self.script = [(200, _completion("Hark, the sun doth shine!"), {}, 0.0)]
        self.requests: list[dict] = []
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                outer.requests.append({"path": self.path, "headers": dict(self.headers),
                                       "json": json.loads(body)})
                step = outer.script[min(len(outer.requests), len(outer.script)) - 1]
                status, reply, headers, delay = step
                time.sleep(delay)
                data = json.dumps(reply).encode() if not isinstance(reply, bytes) else reply
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(data)))
                    for k, v in headers.items():
                        self.send_header(k, v)
                    self.end_headers()
                    self.wfile.write(data)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up (the timeout test)

            def log_message(self, *args):
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/v1"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def close(self):
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def server():
    s = ChatServer()
    yield s
    s.close()


@pytest.fixture
def no_llm_env(monkeypatch):
    for var in ("PROGDB_LLM_URL", "PROGDB_LLM_MODEL", "PROGDB_LLM_API_KEY", "PROGDB_LLM_TIMEOUT"):
        monkeypatch.delenv(var, raising=False)


def test_query_sends_the_compiled_messages_and_returns_the_reply(seeded, server, monkeypatch, no_llm_env):
    monkeypatch.setenv("PROGDB_LLM_API_KEY", KEY)
    llm = Endpoint.configured(server.url, "llama-3")
    r = seeded.query(f"rewrite the following poem in the style of Shakespeare: {POEM}", shots=3, llm=llm)
    assert len(server.requests) == 1
    got = server.requests[0]
    assert got["path"] == "/v1/chat/completions"
    assert got["headers"]["Authorization"] == f"Bearer {KEY}"
    assert got["json"]["model"] == "llama-3" and got["json"]["temperature"] == 0
    assert got["json"]["messages"] == r.compiled[0].messages  # exactly what compile shows
    assert [m["role"] for m in got["json"]["messages"]] == ["system"] + ["user", "assistant"] * 3 + ["user"]
    assert POEM in got["json"]["messages"][-1]["content"]
    out = r.outputs[0]
    assert out.source == "llm" and out.answer == "Hark, the sun doth shine!"
    assert KEY not in json.dumps(r.to_dict())


def test_no_key_no_authorization_header_and_no_model_when_unset(seeded, server, no_llm_env):
    seeded.query(f"make this sound like Shakespeare: {POEM}", llm=Endpoint.configured(server.url))
    got = server.requests[0]
    assert "Authorization" not in got["headers"] and "model" not in got["json"]


def test_stored_example_is_answered_without_calling_the_llm(seeded, server, no_llm_env):
    stored = seeded.get("shakespearean").examples[0]
    r = seeded.query(f"make this sound like Shakespeare: {stored.input}", llm=Endpoint.configured(server.url))
    assert r.outputs[0].source == "stored" and r.outputs[0].answer == stored.output
    assert server.requests == []


def test_429_and_5xx_are_retried_a_bounded_number_of_times(server, no_llm_env):
    server.script = [(503, {"error": {"message": "loading model"}}, {}, 0.0),
                     (429, {"error": "slow down"}, {"Retry-After": "0"}, 0.0),
                     (200, _completion("ok"), {}, 0.0)]
    llm = Endpoint(server.url, backoff=0.01)
    assert llm.chat([{"role": "user", "content": "hi"}]) == "ok"
    assert len(server.requests) == 3

    server.requests.clear()
    server.script = [(500, {"error": {"message": "boom"}}, {}, 0.0)]
    with pytest.raises(ProgdbError) as err:
        Endpoint(server.url, retries=2, backoff=0.01).chat([{"role": "user", "content": "hi"}])
    assert len(server.requests) == 3  # one try and two retries, then a clear error
    assert str(err.value) == f"LLM endpoint {server.url}/chat/completions: HTTP 500 after 3 attempts: boom"


def test_client_errors_are_not_retried_and_the_key_never_shows(server, monkeypatch, no_llm_env):
    monkeypatch.setenv("PROGDB_LLM_API_KEY", KEY)
    server.script = [(401, {"error": {"message": f"invalid key {KEY}"}}, {}, 0.0)]
    with pytest.raises(ProgdbError) as err:
        Endpoint.configured(server.url).chat([{"role": "user", "content": "hi"}])
    assert len(server.requests) == 1
    message = str(err.value)
    assert KEY not in message and "HTTP 401" in message and "PROGDB_LLM_API_KEY" in message
    assert server.url in message
    assert KEY not in repr(Endpoint.configured(server.url))


def test_a_retry_after_longer_than_we_wait_fails_at_once(server, no_llm_env):
    server.script = [(429, {"error": "quota"}, {"Retry-After": "3600"}, 0.0)]
    with pytest.raises(ProgdbError, match="HTTP 429"):
        Endpoint(server.url).chat([{"role": "user", "content": "hi"}])
    assert len(server.requests) == 1


def test_timeout_names_the_endpoint(server, no_llm_env):
    server.script = [(200, _completion("late"), {}, 2.0)]
    with pytest.raises(ProgdbError) as err:
        Endpoint(server.url, timeout=0.3).chat([{"role": "user", "content": "hi"}])
    assert str(err.value).startswith(f"LLM endpoint {server.url}/chat/completions: no reply within 0.3 s")


def test_unreachable_and_malformed_endpoints_are_clear_errors(server, no_llm_env):
    closed = ChatServer()
    url = closed.url
    closed.close()
    with pytest.raises(ProgdbError, match=f"LLM endpoint {url}/chat/completions: cannot connect"):
        Endpoint(url).chat([{"role": "user", "content": "hi"}])
    server.script = [(200, {"not": "a completion"}, {}, 0.0)]
    with pytest.raises(ProgdbError, match="not a chat completion"):
        Endpoint(server.url).chat([{"role": "user", "content": "hi"}])
    with pytest.raises(ProgdbError, match="with its scheme"):
        Endpoint.configured("127.0.0.1:8080/v1")


def test_word_outside_the_word_space_falls_back_to_the_fewshot_form(seeded, server, no_llm_env):
    server.script = [(200, _completion("qwxzzies"), {}, 0.0)]
    r = seeded.query("plural of qwxzzy", llm=Endpoint.configured(server.url))
    out = r.outputs[0]
    assert out.source == "llm" and out.answer == "qwxzzies"
    assert "not in the word space" in out.note and "few-shot form" in out.note
    sent = server.requests[0]["json"]["messages"]
    plural = {(e.input, e.output) for e in seeded.get("plural").examples}
    shown = list(zip([m["content"] for m in sent[1:-1:2]], [m["content"] for m in sent[2:-1:2]]))
    assert len(shown) == 4 and all((r.compiled[0].examples[i]["input"], a) in plural for i, (_, a) in enumerate(shown))
    assert seeded.get("plural").description in sent[0]["content"]
    # In-vocabulary words stay offline: vector arithmetic, no request.
    server.requests.clear()
    assert seeded.query("plural of cat", llm=Endpoint.configured(server.url)).outputs[0].answer == "cats"
    assert server.requests == []


def test_without_an_llm_the_fallback_is_offered_not_taken(seeded, no_llm_env):
    out = seeded.query("plural of qwxzzy").outputs[0]
    assert out.source == "error" and "--llm" in out.error


def test_cli_query_with_llm_from_env(seeded_path, server, monkeypatch, no_llm_env):
    monkeypatch.setenv("PROGDB_LLM_URL", server.url)
    monkeypatch.setenv("PROGDB_LLM_MODEL", "qwen")
    monkeypatch.setenv("PROGDB_LLM_API_KEY", KEY)
    r = CliRunner().invoke(cli, ["--db", seeded_path, "query", f"make this sound like Shakespeare: {POEM}"])
    assert r.exit_code == 0, r.output
    assert "Hark, the sun doth shine!" in r.output and KEY not in r.output
    assert server.requests[0]["json"]["model"] == "qwen"

    server.script = [(500, {"error": {"message": f"bad key {KEY}"}}, {}, 0.0)]
    r = CliRunner().invoke(cli, ["--db", seeded_path, "query", f"make this sound like Shakespeare: {POEM}",
                                 "--timeout", "5"])
    assert r.exit_code == 2 and KEY not in r.output
    assert r.output.strip().startswith(f"Error: LLM endpoint {server.url}/chat/completions: HTTP 500")

"""The OpenAI-compatible endpoint under /v1: chat completions answered by the program a prompt asks for, other prompts forwarded to the upstream LLM, the programs listed as models."""
from __future__ import annotations

import asyncio
import json
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import AsyncIterator
from urllib.parse import quote

from fastapi import APIRouter, Depends, Request
from fastapi.responses import JSONResponse, StreamingResponse

from progdb.db import ProgramDB
from progdb.errors import ProgdbError
from progdb.pipeline import KeyLookup
from progdb.query.execute import DEFAULT_METHOD
from progdb.query.parse import Parsed
from progdb.query.reader import FIT_FLOOR
from progdb.query.wording import clean_input, split_list
from progdb.query.result import QueryResult
from progdb.query.result import Request as Read
from progdb.query.retrieve import ProgramMatch, Retrieval
from progdb.query.typos import allowed_edits, closest
from progdb.server.deps import service
from progdb.server.service import Service
from progdb.text.fewshot import DEFAULT_BUDGET
from progdb.text.llm import Endpoint, LLMError

router = APIRouter()

MODEL = "progdb"  # routes freely; "progdb/<name>" pins one program
PIN = MODEL + "/"
TYPES = {401: "authentication_error", 403: "permission_error", 429: "rate_limit_error"}


class OpenAIError(Exception):
    """An error answered in OpenAI's shape: {"error": {"message", "type", "code", "param"}}."""

    def __init__(self, status: int, code: str, message: str, type_: str | None = None):
        super().__init__(message)
        self.status, self.code, self.message = status, code, message
        self.type = type_ or TYPES.get(status) or ("invalid_request_error" if status < 500 else "upstream_error")

    def response(self) -> JSONResponse:
        return JSONResponse(error_body(self.status, self.code, self.message, self.type), status_code=self.status)


def error_body(status: int, code: str | None, message: str, type_: str | None = None) -> dict:
    type_ = type_ or TYPES.get(status) or ("invalid_request_error" if status < 500 else "server_error")
    return {"error": {"message": message, "type": type_, "code": code, "param": None}}


class OpenAIErrors:
    """ASGI middleware: an error the app answers under /v1 in its own shape (a wrong token, an
    unknown path, a method not allowed) is rewritten in OpenAI's shape, which OpenAI clients read."""

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        path = scope.get("path", "") if scope["type"] == "http" else ""
        if not (path == "/v1" or path.startswith("/v1/")):
            return await self.app(scope, receive, send)
        start, parts = None, []

        async def rewrite(message):
            nonlocal start
            if message["type"] == "http.response.start" and message["status"] >= 400:
                start = message
                return
            if start is None or message["type"] != "http.response.body":
                return await send(message)
            parts.append(message.get("body", b""))
            if message.get("more_body"):
                return
            data = _openai_shaped(start["status"], b"".join(parts))
            headers = [(k, v) for k, v in start["headers"] if k.lower() not in (b"content-length", b"content-type")]
            headers += [(b"content-type", b"application/json"), (b"content-length", str(len(data)).encode())]
            await send({**start, "headers": headers})
            await send({"type": "http.response.body", "body": data})

        await self.app(scope, receive, rewrite)


def _openai_shaped(status: int, raw: bytes) -> bytes:
    try:
        body = json.loads(raw)
    except ValueError:
        body = None
    if isinstance(body, dict) and isinstance(body.get("error"), dict):
        return raw  # already OpenAI's shape
    if isinstance(body, dict) and isinstance(body.get("error"), str):
        code, message = body["error"], str(body.get("message") or body["error"])
    elif isinstance(body, dict) and "detail" in body:
        code, message = None, str(body["detail"])
    else:
        code, message = None, raw.decode("utf-8", "replace").strip() or f"HTTP {status}"
    return json.dumps(error_body(status, code, message)).encode()


# -- the request ------------------------------------------------------------------------------------
def _text_of(content) -> str | None:
    """A message's text: a string, or the text parts of a list of content parts."""
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        texts = [p.get("text") for p in content if isinstance(p, dict) and p.get("type") == "text"]
        texts = [t for t in texts if isinstance(t, str)]
        return "\n".join(texts) if texts else None
    return None


def _read_body(body) -> tuple[str, str, bool]:
    """(the last user message's text, the model asked for, whether to stream), or a 400."""
    if not isinstance(body, dict):
        raise OpenAIError(400, "invalid_request", "the body must be a JSON object with `model` and `messages`")
    messages = body.get("messages")
    if not isinstance(messages, list) or not messages or not all(isinstance(m, dict) for m in messages):
        raise OpenAIError(400, "invalid_request", "`messages` must be a non-empty list of messages")
    model = body.get("model", MODEL)
    if not isinstance(model, str) or not model.strip():
        raise OpenAIError(400, "invalid_request", "`model` must be a string: 'progdb', or 'progdb/<program>'")
    stream = body.get("stream") or False
    if not isinstance(stream, bool):
        raise OpenAIError(400, "invalid_request", "`stream` must be true or false")
    users = [m for m in messages if m.get("role") == "user"]
    if not users:
        raise OpenAIError(400, "invalid_request", "`messages` has no user message: the last one is the prompt")
    prompt = _text_of(users[-1].get("content"))
    if prompt is None or not prompt.strip():
        raise OpenAIError(400, "invalid_request", "the last user message has no text: it is the prompt")
    return prompt, model.strip(), stream


# -- the database's side (on its worker thread) -----------------------------------------------------
def pinned_query(db: ProgramDB, name: str, prompt: str, compile_only: bool = False) -> QueryResult:
    """The program `name` run on the prompt's inputs: the reading of the prompt that asks this
    program (its key close enough, its inputs fitting) when there is one, else the whole prompt is
    the input (a list for a word program: "cat, dog")."""
    program = db.get(name)
    if program.kind == "negative":
        raise OpenAIError(422, "not_runnable", f"'{name}' is a negative program: it holds prompts that route "
                          "nowhere and answers nothing")
    pipeline, cal, lookup = db.pipeline, db.calibration(), KeyLookup(db.store)
    reader = pipeline.reader()
    readings = reader.readings_of(prompt, db.catalog.templates())
    taken = None
    if readings:
        vectors = lookup.embed([r.key for r in readings] + [prompt])
        choices, _ = reader.choose(readings, vectors[:-1], vectors[-1])
        # (a reading whose key holds no request word is a list cut in two: "goose, ox, cactus" read
        # "cactus" as the key, near plural's "plural of cactus?", and answered geese and oxen)
        taken = next((c for c in choices if c.program == name and c.reading.inputs and c.fit >= FIT_FLOOR
                      and c.key_score >= cal["threshold"] and reader.asks_for(name, c.reading.key)), None)
    if taken is not None:
        parsed, match = taken.reading.parsed(prompt), ProgramMatch(name, round(taken.key_score, 4), 1.0, taken.key)
    else:
        text = prompt.strip()
        items, held = split_list(text), reader.stored.get(name, {})
        # (a list of texts the program stores, each: "Save, Load, Back" of a glossary was one text to compile)
        inputs = (items or [clean_input(text) or text]) if program.kind == "vector" else \
            items if len(items) > 1 and all(i.strip().lower() in held for i in items) else [text]
        parsed, match = Parsed(prompt, "", inputs, method="whole"), ProgramMatch(name, 1.0, 1.0, "")
    decision = Retrieval("nearest", [match], [match], cal["threshold"], f"pinned by the model 'progdb/{name}'")
    return pipeline.execute(Read(parsed, decision), cal, lookup, 5, 4, DEFAULT_METHOD, True, None, DEFAULT_BUDGET,
                            compile_only, None, chains=False)


def answer_query(db: ProgramDB, prompt: str, pin: str | None, fallback: bool) -> tuple[QueryResult, dict[int, list]]:
    """The query, run without an LLM (the LLM is called off the database's thread), and with
    `fallback` the few-shot messages for each word-program input the word space cannot answer."""
    result = pinned_query(db, pin, prompt) if pin else db.query(prompt)
    failed = [i for i, out in enumerate(result.outputs) if out.source == "error"]
    messages: dict[int, list] = {}
    if fallback and failed and result.kind == "vector" and result.mode != "composed":
        try:
            compiled = (pinned_query(db, pin, prompt, compile_only=True) if pin
                        else db.query(prompt, compile_only=True)).compiled
        except ProgdbError:
            compiled = []
        if len(compiled) == len(result.outputs):
            messages = {i: compiled[i].messages for i in failed}
    return result, messages


# -- what answers -----------------------------------------------------------------------------------
@dataclass
class Plan:
    """The reply: per input, local text or few-shot messages for the upstream LLM; or `forward`,
    the client's request as it came, when no program serves the prompt."""
    meta: dict
    parts: list = field(default_factory=list)  # str (text) | list[dict] (messages for the LLM)
    separator: str = "\n"
    forward: bool = False


def _confidence(outputs: list) -> float | None:
    values = [o.confidence for o in outputs]
    return None if not values or any(v is None for v in values) else round(min(values), 4)


def plan_for(result: QueryResult, fallback: dict[int, list], llm: Endpoint | None, refuse: bool) -> Plan:
    names = [m.name for m in result.programs]
    meta = {"program": names[0] if names else None, "programs": names, "mode": result.mode, "kind": result.kind,
            "source": None, "confidence": None, "inputs": list(result.inputs), "message": result.message,
            "outputs": []}
    if result.mode != "none" and result.kind == "intent":
        meta.update(source="intent", confidence=None)
        text = json.dumps({"intent": names[0], "slots": result.slots, "entities": result.entities},
                          ensure_ascii=False)
        return Plan(meta, [text])
    if result.mode == "none" or not result.outputs:
        reason = result.message or "no program serves this prompt"
        meta.update(program=None, programs=[], source="upstream")
        if refuse:
            raise OpenAIError(422, "unserved", f"no program serves this prompt ({reason}), and this server does "
                              "not forward such prompts (--refuse-unserved)")
        if llm is None:
            raise OpenAIError(422, "unserved", f"no program serves this prompt ({reason}), and this server has no "
                              "LLM to forward it to (start it with --llm URL)")
        return Plan(meta, forward=True)
    parts, sources, errors = [], [], []
    # (a second request of the prompt is answered too, after the first: "kc team and pos of kelce" replied the team alone)
    for request in [result] + [r for r in result.also if r.mode != "none" and r.kind != "intent" and r.outputs]:
        compiled = {c.input: c for c in request.compiled}
        for i, out in enumerate(request.outputs):
            failed_over = out.source == "error" and request is result and i in fallback
            if out.source == "compiled" or failed_over:
                if llm is None:
                    raise OpenAIError(422, "llm_not_configured",
                                      f"the program '{request.programs[0].name}' runs on an LLM (a few-shot prompt), and "
                                      "this server has none: start it with --llm URL (POST /api/compile, or `progdb "
                                      "compile`, gives the compiled prompt)")
                found = compiled.get(out.input) or (request.compiled[i] if i < len(request.compiled) else None)
                parts.append(fallback[i] if failed_over else found.messages)
                sources.append("llm")
            elif out.source == "error":
                errors.append(f"{out.input}: {out.error}")
                parts.append(f"error: {out.error}")
                sources.append("error")
            else:
                # a best guess reads as one, as the terminal prints it: a help desk's chat bot showed "network", sure-looking
                # ...and a stored input's every answer, as the terminal prints them: "eye / snow" (/v1 said "eye")
                said = " / ".join(out.answers) if out.source == "stored" and len(out.answers) > 1 else out.answer
                parts.append(f"{said}?" if said and out.sure is False else said or "")
                sources.append(out.source)
            meta["outputs"].append({"input": out.input, "source": sources[-1], "confidence": out.confidence,
                                    "sure": out.sure, "program": request.programs[0].name if request.programs else None})
    if len(errors) == len(parts):
        raise OpenAIError(422, "program_failed", f"'{names[0]}' could not answer: " + "; ".join(errors))
    meta.update(source=sources[0] if len(set(sources)) == 1 else "mixed",
                confidence=_confidence([o for r in [result] + result.also for o in r.outputs if r.mode != "none"]))
    return Plan(meta, parts, "\n\n" if "llm" in sources else "\n")


# -- the upstream LLM (on threads of their own, never the database's) ------------------------------
UPSTREAM_THREADS = 32  # upstream requests open at once (a stream holds a thread while it waits for a line)
_upstream_pool: ThreadPoolExecutor | None = None


async def _off_thread(fn, *args):
    """fn(*args) on the upstream's threads: the LLM is slow, and neither the database's worker nor
    the event loop waits for it."""
    global _upstream_pool
    if _upstream_pool is None:
        _upstream_pool = ThreadPoolExecutor(UPSTREAM_THREADS, thread_name_prefix="progdb-llm")
    return await asyncio.get_running_loop().run_in_executor(_upstream_pool, fn, *args)


def _upstream_failure(exc: LLMError) -> OpenAIError:
    """The upstream's failure for the client: its own status when the request it forwarded was
    at fault, 502 (504: too slow) when the upstream or progdb's key was."""
    what = f"the upstream LLM: {exc.what}"
    if exc.status in (400, 404, 413, 422, 429):
        return OpenAIError(exc.status, "upstream_" + str(exc.status), what)
    if exc.status is None and "no reply within" in exc.what:
        return OpenAIError(504, "upstream_timeout", what, "upstream_error")
    return OpenAIError(502, "upstream_error", what, "upstream_error")


async def _open(llm: Endpoint, body: dict):
    try:
        return await _off_thread(llm.send, body)
    except LLMError as exc:
        raise _upstream_failure(exc) from None


async def _read_all(llm: Endpoint, response) -> dict:
    def read():
        with response:
            return response.read()
    try:
        raw = await _off_thread(read)
        reply = json.loads(raw)
    except (OSError, ValueError):
        raise OpenAIError(502, "upstream_error", "the upstream LLM: no complete JSON reply", "upstream_error") from None
    if not isinstance(reply, dict):
        raise OpenAIError(502, "upstream_error", "the upstream LLM: the reply is not a chat completion", "upstream_error")
    return reply


def _content(reply: dict) -> str:
    try:
        content = reply["choices"][0]["message"]["content"]
    except (KeyError, IndexError, TypeError):
        content = None
    if not isinstance(content, str):
        raise OpenAIError(502, "upstream_error", "the upstream LLM: the reply is not a chat completion "
                          "(no choices[0].message.content)", "upstream_error")
    return content.strip()


async def _lines(response) -> AsyncIterator[bytes]:
    """The response's lines as they come; the response is closed at the end or when the client goes."""
    try:
        while True:
            line = await _off_thread(response.readline)
            if not line:
                return
            yield line
    finally:
        response.close()


def _is_stream(response) -> bool:
    return "text/event-stream" in (response.headers.get("Content-Type") or "")


def _events(line: bytes):
    """The JSON of one SSE data line, "[DONE]", or None for any other line."""
    text = line.decode("utf-8", "replace").strip()
    if not text.startswith("data:"):
        return None
    payload = text[5:].strip()
    if payload == "[DONE]":
        return payload
    try:
        return json.loads(payload)
    except ValueError:
        return None


async def _deltas(llm: Endpoint, response) -> AsyncIterator[str]:
    """The text of an upstream reply opened with stream: true, as it comes (a reply that does not
    stream comes whole)."""
    if not _is_stream(response):
        yield _content(await _read_all(llm, response))
        return
    try:
        async for line in _lines(response):
            event = _events(line)
            if event == "[DONE]":
                return
            if isinstance(event, dict):
                if "error" in event:
                    err = event["error"]
                    message = err.get("message") if isinstance(err, dict) else str(err)
                    raise OpenAIError(502, "upstream_error", f"the upstream LLM: {llm._redact(str(message))}",
                                      "upstream_error")
                try:
                    text = event["choices"][0]["delta"].get("content")
                except (KeyError, IndexError, TypeError, AttributeError):
                    text = None
                if isinstance(text, str) and text:
                    yield text
    except OSError as exc:  # the stream stalled or broke
        raise OpenAIError(502, "upstream_error", f"the upstream LLM: the stream broke ({exc.__class__.__name__})",
                          "upstream_error") from None


def _fewshot_body(llm: Endpoint, messages: list, model: str, stream: bool) -> dict:
    body = {"messages": messages, "temperature": 0}
    upstream = llm.model or (None if _is_progdb(model) else model)
    if upstream:
        body["model"] = upstream
    if stream:
        body["stream"] = True
    return body


def _forward_body(llm: Endpoint, body: dict, model: str) -> dict:
    """The client's request as it came, its model the upstream's (--model) when one is set."""
    body = dict(body)
    upstream = llm.model or (None if _is_progdb(model) else model)
    if upstream:
        body["model"] = upstream
    else:
        body.pop("model", None)
    return body


def _is_progdb(model: str) -> bool:
    return model == MODEL or model.startswith(PIN)


# -- the replies ------------------------------------------------------------------------------------
def _headers(meta: dict) -> dict:
    headers = {"X-Progdb-Mode": meta["mode"], "X-Progdb-Source": meta["source"] or ""}
    if meta["program"]:
        headers["X-Progdb-Program"] = quote(meta["program"], safe="/-_.~+")
    return headers


def _completion(cid: str, model: str, content: str, meta: dict, usage: dict | None) -> dict:
    reply = {"id": cid, "object": "chat.completion", "created": int(time.time()), "model": model,
             "choices": [{"index": 0, "message": {"role": "assistant", "content": content}, "logprobs": None,
                          "finish_reason": "stop"}]}
    if usage:
        reply["usage"] = usage
    reply["progdb"] = meta
    return reply


def _chunk(cid: str, model: str, delta: dict, finish: str | None = None, meta: dict | None = None) -> bytes:
    chunk = {"id": cid, "object": "chat.completion.chunk", "created": int(time.time()), "model": model,
             "choices": [{"index": 0, "delta": delta, "logprobs": None, "finish_reason": finish}]}
    if meta is not None:
        chunk["progdb"] = meta
    return b"data: " + json.dumps(chunk, ensure_ascii=False).encode() + b"\n\n"


DONE = b"data: [DONE]\n\n"


def _sse_error(err: OpenAIError) -> bytes:
    return b"data: " + json.dumps(error_body(err.status, err.code, err.message, err.type)).encode() + b"\n\n"


def _add_usage(total: dict | None, usage) -> dict | None:
    if not isinstance(usage, dict):
        return total
    total = dict(total or {})
    for k in ("prompt_tokens", "completion_tokens", "total_tokens"):
        if isinstance(usage.get(k), int):
            total[k] = total.get(k, 0) + usage[k]
    return total or None


async def _answer(svc: Service, plan: Plan, model: str) -> JSONResponse:
    texts, usage = [], None
    for part in plan.parts:
        if isinstance(part, str):
            texts.append(part)
        else:
            reply = await _read_all(svc.llm, await _open(svc.llm, _fewshot_body(svc.llm, part, model, False)))
            texts.append(_content(reply))
            usage = _add_usage(usage, reply.get("usage"))
    body = _completion(f"chatcmpl-progdb-{uuid.uuid4().hex[:24]}", model, plan.separator.join(texts), plan.meta, usage)
    return JSONResponse(body, headers=_headers(plan.meta))


async def _answer_stream(svc: Service, plan: Plan, model: str) -> StreamingResponse:
    cid = f"chatcmpl-progdb-{uuid.uuid4().hex[:24]}"
    first = None
    if plan.parts and not isinstance(plan.parts[0], str):  # opened before replying: its failure is an HTTP error
        first = await _open(svc.llm, _fewshot_body(svc.llm, plan.parts[0], model, True))

    async def events():
        opened = first
        yield _chunk(cid, model, {"role": "assistant", "content": ""}, meta=plan.meta)
        try:
            for i, part in enumerate(plan.parts):
                if i:
                    yield _chunk(cid, model, {"content": plan.separator})
                if isinstance(part, str):
                    yield _chunk(cid, model, {"content": part})
                    continue
                response = opened or await _open(svc.llm, _fewshot_body(svc.llm, part, model, True))
                opened = None
                async for text in _deltas(svc.llm, response):
                    yield _chunk(cid, model, {"content": text})
        except OpenAIError as err:
            yield _sse_error(err)
        else:
            yield _chunk(cid, model, {}, "stop")
        finally:
            if opened is not None:
                opened.close()
        yield DONE

    return StreamingResponse(events(), media_type="text/event-stream", headers=_headers(plan.meta))


async def _forward(svc: Service, plan: Plan, body: dict, model: str, stream: bool):
    """The client's request, as it came, to the upstream; its reply back, the progdb field added."""
    response = await _open(svc.llm, _forward_body(svc.llm, body, model))
    if not stream:
        reply = await _read_all(svc.llm, response)
        reply["progdb"] = plan.meta
        return JSONResponse(reply, headers=_headers(plan.meta))
    if not _is_stream(response):  # an upstream that ignores stream: true; its reply as one chunk
        content = _content(await _read_all(svc.llm, response))
        cid = f"chatcmpl-progdb-{uuid.uuid4().hex[:24]}"
        chunks = [_chunk(cid, model, {"role": "assistant", "content": content}, meta=plan.meta),
                  _chunk(cid, model, {}, "stop"), DONE]
        return StreamingResponse(iter(chunks), media_type="text/event-stream", headers=_headers(plan.meta))

    async def passthrough():
        marked = False
        try:
            async for line in _lines(response):
                if not marked:
                    event = _events(line)
                    if isinstance(event, dict) and "choices" in event:
                        event["progdb"], marked = plan.meta, True
                        line = b"data: " + json.dumps(event, ensure_ascii=False).encode() + b"\n"
                yield line
        except OSError as exc:
            yield _sse_error(OpenAIError(502, "upstream_error", "the upstream LLM: the stream broke "
                                         f"({exc.__class__.__name__})", "upstream_error"))

    return StreamingResponse(passthrough(), media_type="text/event-stream", headers=_headers(plan.meta))


# -- the routes -------------------------------------------------------------------------------------
@router.post("/chat/completions")
async def chat_completions(request: Request, svc: Service = Depends(service)):
    """The last user message is the prompt: the program it asks for answers (word programs from
    the database, fewshot programs on the upstream LLM); a prompt no program serves is forwarded
    to the upstream as it came (or refused, --refuse-unserved). `model: "progdb/<name>"` pins one
    program. The reply carries `progdb: {program, mode, kind, source, confidence, ...}` and the
    headers X-Progdb-Program, X-Progdb-Mode, X-Progdb-Source."""
    try:
        try:
            body = await request.json()
        except ValueError:
            raise OpenAIError(400, "invalid_json", "the body is not JSON") from None
        prompt, model, stream = _read_body(body)
        pin = model[len(PIN):] if model.startswith(PIN) else None
        if pin is not None:
            known = {p["name"] for p in await svc.call(svc.db.list)}
            if pin not in known:
                near = closest(pin, sorted(known), allowed_edits(pin))
                hint = f"did you mean '{PIN}{near}'? " if near else ""
                raise OpenAIError(404, "model_not_found", f"the model '{model}' does not exist: no program named "
                                  f"'{pin}' ({hint}GET /v1/models lists them)")
        try:
            result, fallback = await svc.call(answer_query, svc.db, prompt, pin, svc.llm is not None)
        except ProgdbError as exc:
            raise OpenAIError(400, "bad_request", str(exc)) from None
        plan = plan_for(result, fallback, svc.llm, svc.refuse_unserved)
        if plan.forward:
            return await _forward(svc, plan, body, model, stream)
        return await (_answer_stream if stream else _answer)(svc, plan, model)
    except OpenAIError as err:
        return err.response()


def _model(name: str, meta: dict | None = None) -> dict:
    entry = {"id": name, "object": "model", "created": 0, "owned_by": "progdb"}
    if meta is not None:
        entry["progdb"] = meta
    return entry


@router.get("/models")
async def models(svc: Service = Depends(service)):
    """'progdb' (routes each prompt to its program) and 'progdb/<name>' for each stored program."""
    programs = await svc.call(svc.db.list)
    return {"object": "list", "data": [_model(MODEL)] + [
        _model(PIN + p["name"], {"kind": p["kind"], "description": p["description"]}) for p in programs]}


@router.get("/models/{model:path}")
async def model(model: str, svc: Service = Depends(service)):
    programs = {p["name"]: p for p in await svc.call(svc.db.list)}
    if model == MODEL:
        return _model(MODEL)
    name = model[len(PIN):] if model.startswith(PIN) else None
    if name not in programs:
        return OpenAIError(404, "model_not_found", f"the model '{model}' does not exist").response()
    return _model(model, {"kind": programs[name]["kind"], "description": programs[name]["description"]})

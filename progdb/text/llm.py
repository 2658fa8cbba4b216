"""Run compiled prompts on the user's own LLM through the OpenAI-compatible chat-completions
endpoint (what llama.cpp's server, Ollama, vLLM and hosted APIs speak).

The API key comes only from the environment (PROGDB_LLM_API_KEY) and is sent as a bearer token;
it never appears in errors or output. Failures name the endpoint; 429 and 5xx replies are retried
a bounded number of times.
"""
from __future__ import annotations

import json
import os
import socket
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field

from progdb.errors import ProgdbError

RETRY_STATUS = {429, 500, 502, 503, 504}
MAX_RETRY_AFTER = 30.0  # seconds: a server asking for longer is treated as a failure, not waited for


class LLMError(ProgdbError):
    """The LLM endpoint failed: `what` says how without naming the endpoint, `status` is the HTTP
    status it replied with (None: no reply), `detail` its own error message (key removed)."""

    def __init__(self, message: str, what: str = "", status: int | None = None, detail: str = ""):
        super().__init__(message)
        self.what, self.status, self.detail = what or message, status, detail


@dataclass
class Endpoint:
    base_url: str
    model: str | None = None
    timeout: float = 60.0
    retries: int = 2  # attempts after the first, on 429/5xx only
    backoff: float = 1.0  # seconds before the first retry, doubled after each
    api_key: str | None = field(default=None, repr=False)

    @classmethod
    def configured(cls, url: str | None = None, model: str | None = None, timeout: float | None = None,
                   retries: int | None = None) -> "Endpoint | None":
        """The endpoint from options, else from PROGDB_LLM_URL / _MODEL / _TIMEOUT; None if no URL."""
        url = url or os.environ.get("PROGDB_LLM_URL")
        if not url:
            return None
        if not url.startswith(("http://", "https://")):
            raise ProgdbError(f"LLM URL '{url}': give the base URL with its scheme, e.g. http://127.0.0.1:8080/v1")
        timeout = timeout if timeout is not None else float(os.environ.get("PROGDB_LLM_TIMEOUT", "60"))
        return cls(url.rstrip("/"), model or os.environ.get("PROGDB_LLM_MODEL") or None, timeout,
                   2 if retries is None else retries, api_key=os.environ.get("PROGDB_LLM_API_KEY") or None)

    @property
    def url(self) -> str:
        return self.base_url + "/chat/completions"

    def chat(self, messages: list[dict]) -> str:
        """The assistant's reply to `messages` (deterministic sampling: temperature 0)."""
        body = {"messages": messages, "temperature": 0}
        if self.model:
            body["model"] = self.model
        with self.send(body) as response:
            try:
                return self._reply(response.read())
            except (TimeoutError, socket.timeout):
                raise self._error(f"no reply within {self.timeout:g} s (set --timeout or PROGDB_LLM_TIMEOUT)") from None
            except (ConnectionError, OSError) as exc:
                raise self._error(f"connection failed ({exc.__class__.__name__})") from None

    def send(self, body: dict):
        """POST `body` to the chat-completions URL and return the open response (a context manager
        to read, or to read line by line when body asks to stream), retrying 429 and 5xx replies.
        Failures raise LLMError, with the HTTP status when the server gave one."""
        data = json.dumps(body).encode("utf-8")
        headers = {"Content-Type": "application/json",
                   "Accept": "text/event-stream" if body.get("stream") else "application/json"}
        if self.api_key:
            headers["Authorization"] = f"Bearer {self.api_key}"
        for attempt in range(self.retries + 1):
            request = urllib.request.Request(self.url, data=data, headers=headers, method="POST")
            try:
                return urllib.request.urlopen(request, timeout=self.timeout)
            except urllib.error.HTTPError as exc:
                detail = self._detail(exc)
                if exc.code in RETRY_STATUS and attempt < self.retries:
                    wait = self._wait(exc, attempt)
                    if wait is not None:
                        time.sleep(wait)
                        continue
                tries = f" after {attempt + 1} attempts" if attempt else ""
                hint = " (check PROGDB_LLM_API_KEY)" if exc.code in (401, 403) else ""
                raise self._error(f"HTTP {exc.code}{tries}{hint}{detail}", exc.code, detail[2:]) from None
            except (TimeoutError, socket.timeout, urllib.error.URLError) as exc:
                # urlopen raises a timeout bare while reading, wrapped in URLError while connecting
                reason = exc.reason if isinstance(exc, urllib.error.URLError) else exc
                if isinstance(reason, (TimeoutError, socket.timeout)):
                    raise self._error(f"no reply within {self.timeout:g} s (set --timeout or PROGDB_LLM_TIMEOUT)") from None
                raise self._error(f"cannot connect ({getattr(reason, 'strerror', None) or reason})") from None
            except (ConnectionError, OSError) as exc:
                raise self._error(f"connection failed ({exc.__class__.__name__})") from None
        raise AssertionError("unreachable")

    def _wait(self, exc: urllib.error.HTTPError, attempt: int) -> float | None:
        """Seconds before the next attempt: the server's Retry-After when it gives one (None when
        that is longer than we are willing to wait), else exponential backoff."""
        header = exc.headers.get("Retry-After") if exc.headers else None
        if header is not None:
            try:
                wait = float(header)
            except ValueError:
                wait = self.backoff * 2 ** attempt  # an HTTP date: not worth parsing for a short wait
            return wait if wait <= MAX_RETRY_AFTER else None
        return self.backoff * 2 ** attempt

    def _reply(self, raw: bytes) -> str:
        try:
            content = json.loads(raw)["choices"][0]["message"]["content"]
        except (ValueError, KeyError, IndexError, TypeError):
            raise self._error("the reply is not a chat completion (no choices[0].message.content)") from None
        if not isinstance(content, str):
            raise self._error("the reply's message content is not text")
        return content.strip()

    def _detail(self, exc: urllib.error.HTTPError) -> str:
        """The server's own error message, short and with the key removed."""
        try:
            raw = exc.read().decode("utf-8", "replace")
        except Exception:
            return ""
        try:
            err = json.loads(raw).get("error")
            raw = err.get("message", "") if isinstance(err, dict) else str(err or raw)
        except (ValueError, AttributeError):
            pass
        raw = " ".join(self._redact(raw).split())[:200]
        return f": {raw}" if raw else ""

    def _redact(self, text: str) -> str:
        return text.replace(self.api_key, "[PROGDB_LLM_API_KEY]") if self.api_key else text

    def _error(self, what: str, status: int | None = None, detail: str = "") -> "LLMError":
        return LLMError(self._redact(f"LLM endpoint {self.url}: {what}"), what=self._redact(what), status=status,
                        detail=detail)

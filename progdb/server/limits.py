"""The server's limits on what a client may send (body sizes, prompts per batch), from the environment,
and the ASGI middleware that refuses an over-large body with 413 before it is read whole."""
from __future__ import annotations

import json
import os
from dataclasses import dataclass

from starlette.exceptions import HTTPException

IMPORT_PATH = "/api/import"


def _env_int(name: str, default: int) -> int:
    try:
        return int(os.environ.get(name, default))
    except ValueError:
        return default


@dataclass(frozen=True)
class Limits:
    body: int = 1 << 20  # bytes of a JSON request (PROGDB_MAX_BODY)
    upload: int = 512 << 20  # bytes of a pairs file sent to /api/import (PROGDB_MAX_IMPORT)
    prompts: int = 1000  # prompts in one /api/query batch (PROGDB_MAX_PROMPTS)

    @classmethod
    def from_env(cls) -> "Limits":
        return cls(body=_env_int("PROGDB_MAX_BODY", cls.body), upload=_env_int("PROGDB_MAX_IMPORT", cls.upload),
                   prompts=_env_int("PROGDB_MAX_PROMPTS", cls.prompts))


class TooLarge(HTTPException):
    """A body went past its limit while it was being read (an HTTPException, so FastAPI's body
    parsing passes it on as it is: 413 too_large)."""

    def __init__(self, limit: int):
        super().__init__(413, too_large_message(limit))


def too_large_message(limit: int, what: str = "the request body") -> str:
    return f"{what} is larger than this server's limit of {limit:,} bytes"


class BodyLimit:
    """Refuses a body over its path's limit: at once when Content-Length says so, else as soon as
    the bytes read pass it (chunked bodies). /api/import has its own, larger limit."""

    def __init__(self, app, limits: Limits):
        self.app, self.limits = app, limits

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        limit = self.limits.upload if scope["path"].rstrip("/") == IMPORT_PATH else self.limits.body
        length = dict(scope.get("headers") or []).get(b"content-length")
        if length is not None and length.isdigit() and int(length) > limit:
            return await _refuse(send, limit)
        seen = 0

        async def counted():
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > limit:
                    raise TooLarge(limit)
            return message

        await self.app(scope, counted, send)


async def _refuse(send, limit: int) -> None:
    body = json.dumps({"error": "too_large", "message": too_large_message(limit)}).encode()
    await send({"type": "http.response.start", "status": 413,
                "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode()),
                            (b"connection", b"close")]})
    await send({"type": "http.response.body", "body": body})

"""What every route shares: the JSON error shape (a stable `error` code and the CLI's one-line
message), the service the routes call, and bearer-token auth."""
from __future__ import annotations

import secrets

import httpx
from fastapi import Request

from progdb.errors import ProgdbError
from progdb.text.llm import LLMError
from progdb.server.limits import Limits
from progdb.server.service import Service


class ApiError(Exception):
    """An error a client caused or can act on: its HTTP status, a stable code and the one-line message."""

    def __init__(self, status: int, code: str, message: str, **detail):
        super().__init__(message)
        self.status, self.code, self.message = status, code, message
        self.detail = detail  # more fields of the body, e.g. a bad file's file, line and reason

    def body(self) -> dict:
        return error_body(self.code, self.message) | self.detail


def error_body(code: str, message: str) -> dict:
    return {"error": code, "message": message}


def one_line(text: str, width: int = 500) -> str:
    flat = " ".join(str(text).split())
    return flat if len(flat) <= width else flat[: width - 1] + "…"


def client_message(exc: ProgdbError) -> str:
    """The CLI's one-line message, but an LLM's failure without the LLM's URL (as /v1 says it):
    the operator configured it, a client has no need of it."""
    return one_line(f"the LLM: {exc.what}" if isinstance(exc, LLMError) else str(exc))


def progdb_error(exc: ProgdbError) -> ApiError:
    """The one-line message, with the status and code a client can branch on."""
    text = client_message(exc)
    if text.startswith("no program named"):
        return ApiError(404, "not_found", text)
    if "another process is writing" in text or "another writer" in text:
        return ApiError(409, "busy", text)
    if isinstance(exc, LLMError):
        return ApiError(502, "llm_error", text)
    return ApiError(400, "bad_request", text)


def error_of(exc: BaseException) -> ApiError:
    """Any failure as the API reports it: a client's mistake 4xx, the unexpected 500 `internal`."""
    if isinstance(exc, ApiError):
        return exc
    if isinstance(exc, ProgdbError):
        return progdb_error(exc)
    if _unreachable(exc):  # the chroma server is down: the client may retry, a monitor sees why
        return ApiError(503, "store_unavailable", one_line(f"the store cannot be reached ({type(exc).__name__}: {exc})"))
    return ApiError(500, "internal", one_line(f"{type(exc).__name__}: {exc}"))


def _unreachable(exc: BaseException) -> bool:
    """A connection to the store (a chroma server) refused, reset or timed out."""
    seen = set()
    while exc is not None and id(exc) not in seen:  # (a chain of causes may loop)
        seen.add(id(exc))
        if isinstance(exc, (ConnectionError, TimeoutError, httpx.ConnectError, httpx.ConnectTimeout,
                            httpx.RemoteProtocolError, httpx.ReadTimeout)):
            return True
        exc = exc.__cause__ or exc.__context__
    return False


# The dependencies are async: FastAPI runs a plain `def` one on a thread pool, a hand-off each
# that a query's round trip paid three times.
async def service(request: Request) -> Service:
    return request.app.state.service


async def limits(request: Request) -> Limits:
    return request.app.state.limits


async def require_token(request: Request) -> None:
    """With a token configured (PROGDB_TOKEN), every API call must carry `Authorization: Bearer <token>`."""
    token = request.app.state.token
    if token is None:
        return
    given = request.headers.get("authorization", "")
    scheme, _, value = given.partition(" ")
    if scheme.lower() != "bearer" or not secrets.compare_digest(value.strip(), token):
        raise ApiError(401, "unauthorized", "missing or wrong bearer token (Authorization: Bearer <PROGDB_TOKEN>)")

"""What every route shares: the JSON error shape (a stable `error` code and the CLI's one-line
message), the service the routes call, and bearer-token auth."""
from __future__ import annotations

import secrets

from fastapi import Request

from progdb.errors import ProgdbError
from progdb.server.service import Service


class ApiError(Exception):
    """An error a client caused or can act on: its HTTP status, a stable code and the one-line message."""

    def __init__(self, status: int, code: str, message: str):
        super().__init__(message)
        self.status, self.code, self.message = status, code, message


def error_body(code: str, message: str) -> dict:
    return {"error": code, "message": message}


def progdb_error(exc: ProgdbError) -> ApiError:
    """The CLI's one-line message, with the status and code a client can branch on."""
    text = str(exc)
    if text.startswith("no program named"):
        return ApiError(404, "not_found", text)
    if "another process is writing" in text:
        return ApiError(409, "busy", text)
    return ApiError(400, "bad_request", text)


def service(request: Request) -> Service:
    return request.app.state.service


def require_token(request: Request) -> None:
    """With a token configured (PROGDB_TOKEN), every API call must carry `Authorization: Bearer <token>`."""
    token = request.app.state.token
    if token is None:
        return
    given = request.headers.get("authorization", "")
    scheme, _, value = given.partition(" ")
    if scheme.lower() != "bearer" or not secrets.compare_digest(value.strip(), token):
        raise ApiError(401, "unauthorized", "missing or wrong bearer token (Authorization: Bearer <PROGDB_TOKEN>)")

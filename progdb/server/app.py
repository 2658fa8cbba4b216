"""The ASGI application: the routers (the JSON API under /api, the OpenAI-compatible endpoint
under /v1, the page at /), one JSON error shape, and bearer-token auth when a token is set."""
from __future__ import annotations

from contextlib import asynccontextmanager

import httpx
from fastapi import Depends, FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from progdb import __version__
from progdb.errors import ProgdbError
from progdb.server import api, jobs_api, openai_compat, page, programs
from progdb.server.deps import ApiError, error_body, error_of, one_line, progdb_error, require_token
from progdb.server.limits import BodyLimit, Limits
from progdb.server.service import Service


def _misspelt_field(request: Request, errors: list) -> str | None:
    """An unknown field a slip or two from one the endpoint takes ({"promt": …}): said as the one
    meant, not as "promt: Extra inputs are not permitted"."""
    from progdb.query.typos import closest

    fields = _body_fields(request)
    for e in errors:
        if e.get("type") == "extra_forbidden" and e.get("loc"):
            extra = str(e["loc"][-1])
            near = closest(extra, fields, 2) if fields else None
            if near:
                return f"{extra}: no such field; did you mean '{near}'?"
    return None


def _body_fields(request: Request) -> list[str]:
    body = getattr(request.scope.get("route"), "body_field", None)
    return list(getattr(getattr(getattr(body, "field_info", None), "annotation", None), "model_fields", {}))


def _plain_error(request: Request, error: dict) -> str:
    """A validation error in the API's words: "examples[0][1]: missing", not pydantic's
    "examples.0.tuple[str, str].1: Field required"; an unknown field names those the endpoint takes."""
    where = "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in error.get("loc", ())
                    if p != "body" and not (isinstance(p, str) and ("[" in p or "-" in p))).lstrip(".")
    kind = error.get("type", "")
    if kind == "missing":
        said = "missing"
    elif kind == "extra_forbidden":
        fields = _body_fields(request)
        said = "no such field" + (f" (this endpoint takes {', '.join(fields)})" if fields else "")
    else:
        said = error.get("msg", "invalid")
    return f"{where or 'request'}: {said}"


def create_app(svc: Service, token: str | None = None, limits: Limits | None = None) -> FastAPI:
    @asynccontextmanager
    async def lifespan(app: FastAPI):
        yield
        svc.close()  # the database's worker finishes what it started

    # No /docs or /redoc: their pages load scripts from a CDN, a blank page on a machine offline.
    app = FastAPI(title="progdb", version=__version__, lifespan=lifespan, docs_url=None, redoc_url=None,
                  description="A vector database of programs: query, compile, manage programs, import pairs.")
    app.state.service, app.state.token = svc, token or None
    app.state.limits = limits = limits or Limits.from_env()
    app.add_middleware(BodyLimit, limits=limits)

    @app.exception_handler(ApiError)
    async def _api_error(request: Request, exc: ApiError):
        return JSONResponse(exc.body(), status_code=exc.status)

    # A store that cannot be reached is answered by its own class's handler (503; as an unexpected
    # Exception it would also log a traceback and drop the client's connection).
    @app.exception_handler(httpx.TransportError)
    @app.exception_handler(ConnectionError)
    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception):
        """Whatever else goes wrong is still one JSON line (and the server goes on)."""
        err = error_of(exc)
        return JSONResponse(error_body(err.code, err.message), status_code=err.status)

    @app.exception_handler(ProgdbError)
    async def _progdb_error(request: Request, exc: ProgdbError):
        err = progdb_error(exc)
        return JSONResponse(error_body(err.code, err.message), status_code=err.status)

    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, exc: RequestValidationError):
        first = exc.errors()[0] if exc.errors() else {}
        where = ".".join(str(p) for p in first.get("loc", ()) if p != "body")
        if first.get("type") == "json_invalid":
            return JSONResponse(error_body("bad_json", f"the body is not valid JSON: {first.get('msg', '')}"
                                           f"{' at position ' + str(first['loc'][-1]) if len(first.get('loc', ())) > 1 else ''}"),
                                status_code=400)
        kind = request.headers.get("content-type", "")
        if not where and first.get("type") == "missing" and "json" in kind:
            return JSONResponse(error_body("bad_json", "the body is empty: send a JSON object"), status_code=400)
        if not where and "json" not in kind:  # curl -d sends a form, urllib no type: the body was never read as JSON
            return JSONResponse(error_body("invalid_request", f"the body must be JSON, sent with the header "
                                           f"'Content-Type: application/json' (it came as {kind or 'no content type'})"),
                                status_code=422)
        return JSONResponse(error_body("invalid_request", one_line(_misspelt_field(request, exc.errors()) or
                                                                   _plain_error(request, first))),
                            status_code=422)

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException):
        if exc.status_code == 400 and exc.detail == "There was an error parsing the body":  # FastAPI's words
            return JSONResponse(error_body("bad_json", "the body is not valid JSON (or not UTF-8 text)"), status_code=400)
        code = {400: "bad_request", 404: "not_found", 405: "method_not_allowed", 413: "too_large"}.get(
            exc.status_code, "http_error")
        return JSONResponse(error_body(code, one_line(str(exc.detail))), status_code=exc.status_code,
                            headers=getattr(exc, "headers", None))

    @app.get("/api/health")
    async def health():
        """Liveness, without auth: the version and how many programs are stored."""
        programs = await svc.call(svc.db.list)
        return {"status": "ok", "version": __version__, "programs": len(programs)}

    for router in (api.router, programs.router, jobs_api.router):
        app.include_router(router, prefix="/api", dependencies=[Depends(require_token)])
    app.include_router(openai_compat.router, prefix="/v1", dependencies=[Depends(require_token)])
    app.add_middleware(openai_compat.OpenAIErrors)  # errors under /v1 in OpenAI's shape
    app.include_router(page.router)  # the page at / and its data under /page-data (auth inside)
    return app

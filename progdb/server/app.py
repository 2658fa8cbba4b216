"""The ASGI application: the routers (the JSON API under /api, the OpenAI-compatible endpoint
under /v1, the page at /), one JSON error shape, and bearer-token auth when a token is set."""
from __future__ import annotations

from contextlib import asynccontextmanager

from fastapi import Depends, FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from progdb import __version__
from progdb.errors import ProgdbError
from progdb.server import api, openai_compat, page
from progdb.server.deps import ApiError, error_body, progdb_error, require_token
from progdb.server.service import Service


def create_app(svc: Service, token: str | None = None) -> FastAPI:
    @asynccontextmanager
    async def lifespan(app: FastAPI):
        yield
        svc.close()  # the database's worker finishes what it started

    app = FastAPI(title="progdb", version=__version__, lifespan=lifespan,
                  description="A vector database of programs: query, compile, manage programs, import pairs.")
    app.state.service, app.state.token = svc, token or None

    @app.exception_handler(ApiError)
    async def _api_error(request: Request, exc: ApiError):
        return JSONResponse(error_body(exc.code, exc.message), status_code=exc.status)

    @app.exception_handler(ProgdbError)
    async def _progdb_error(request: Request, exc: ProgdbError):
        err = progdb_error(exc)
        return JSONResponse(error_body(err.code, err.message), status_code=err.status)

    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, exc: RequestValidationError):
        first = exc.errors()[0] if exc.errors() else {}
        where = ".".join(str(p) for p in first.get("loc", ()) if p != "body")
        return JSONResponse(error_body("invalid_request", f"{where or 'request'}: {first.get('msg', 'invalid')}"),
                            status_code=422)

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException):
        code = {404: "not_found", 405: "method_not_allowed", 413: "too_large"}.get(exc.status_code, "http_error")
        return JSONResponse(error_body(code, str(exc.detail)), status_code=exc.status_code)

    @app.get("/api/health")
    async def health():
        """Liveness, without auth: the version and how many programs are stored."""
        programs = await svc.call(svc.db.list)
        return {"status": "ok", "version": __version__, "programs": len(programs)}

    app.include_router(api.router, prefix="/api", dependencies=[Depends(require_token)])
    app.include_router(openai_compat.router, prefix="/v1", dependencies=[Depends(require_token)])
    app.add_middleware(openai_compat.OpenAIErrors)  # errors under /v1 in OpenAI's shape
    app.include_router(page.router)  # the page at / and its data under /page-data (auth inside)
    return app

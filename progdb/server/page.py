"""The page at / for people: a prompt's stages, the programs and their pairs, the map of program space."""
from __future__ import annotations

import asyncio
import io
import threading
from collections import OrderedDict
from pathlib import Path

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import FileResponse, Response

from progdb import __version__
from progdb.errors import ProgdbError
from progdb.plots import commands as plot_data
from progdb.plots import draw as plots
from progdb.server.deps import ApiError, require_token, service
from progdb.server.service import Service

STATIC = Path(__file__).resolve().parent / "static"
# What /static serves, and nothing else.
FILES = {"page.js": "text/javascript", "page.css": "text/css", "favicon.svg": "image/svg+xml"}
# The page runs its own script and style only, and fetches nothing but this server.
POLICY = ("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' blob:; "
          "connect-src 'self'; form-action 'none'; base-uri 'none'; frame-ancestors 'none'")
PAIRS_LIMIT = 500    # pairs one request returns at most (a program may hold 100k)
MAPS_KEPT = 16       # drawn maps kept, by what they show: drawing takes seconds, the data a fraction

router = APIRouter()
# The page's own reads (docs/page.md), token-checked like /api; not part of the API's OpenAPI document.
data = APIRouter(prefix="/page-data", dependencies=[Depends(require_token)], include_in_schema=False)


@router.get("/", include_in_schema=False)
async def page():
    return FileResponse(STATIC / "index.html", media_type="text/html",
                        headers={"Content-Security-Policy": POLICY, "Cache-Control": "no-cache"})


@router.get("/static/{name}", include_in_schema=False)
async def static(name: str):
    if name not in FILES:
        raise ApiError(404, "not_found", f"no static file '{name}'")
    return FileResponse(STATIC / name, media_type=FILES[name], headers={"Cache-Control": "no-cache"})


@router.get("/page-data/config", include_in_schema=False)
async def config(request: Request):
    """Without auth: whether the page must ask for a token before its first call."""
    return {"token_required": request.app.state.token is not None, "version": __version__}


@data.get("/programs")
async def programs(svc: Service = Depends(service)):
    """Every stored program: name, kind, how many keys and pairs, description (`progdb list`)."""
    return {"programs": await svc.call(svc.db.list)}


@data.get("/programs/{name}")
async def program(name: str, offset: int = Query(0, ge=0), limit: int = Query(100, ge=1, le=PAIRS_LIMIT),
                  svc: Service = Depends(service)):
    """One program's card: its keys and fields, and `limit` of its pairs from `offset`."""
    found = await svc.call(svc.db.get, name)
    card = found.card()
    card["n_examples"] = len(found.examples)
    card["offset"], card["examples"] = offset, card["examples"][offset:offset + limit]
    return card


_maps: OrderedDict[str, bytes] = OrderedDict()
_drawing = threading.Lock()  # one figure drawn at a time: matplotlib's font and text caches are shared


def _png(plot: plots.MapPlot) -> bytes:
    """The map drawn as PNG, or the same picture drawn before: a MapPlot holds only numbers and
    text, so its repr says everything the picture shows."""
    key = repr(plot)
    with _drawing:
        if key not in _maps:
            buffer = io.BytesIO()
            plots.draw_map(plot).savefig(buffer, format="png", dpi=plots.DPI)
            _maps[key] = buffer.getvalue()
            while len(_maps) > MAPS_KEPT:
                _maps.popitem(last=False)
        _maps.move_to_end(key)
        return _maps[key]


@data.get("/map.png")
async def map_png(q: str | None = Query(None, max_length=2000), svc: Service = Depends(service)):
    """`progdb map` as PNG; with q, the prompt's key is placed too. A prompt that has no place on
    the map (in-context demonstrations) gives the map alone, and says why in X-Progdb-Note."""
    note = ""
    try:
        plot = await svc.call(plot_data.map_data, svc.db, q or None)
    except ProgdbError as exc:
        if not q:
            raise
        note = str(exc).removeprefix("--query: ")  # the CLI's option is no part of the page
        plot = await svc.call(plot_data.map_data, svc.db, None)
    png = await asyncio.to_thread(_png, plot)  # drawing off the database's thread: queries go on
    headers = {"Cache-Control": "no-store"}
    if note:
        headers["X-Progdb-Note"] = note.encode("ascii", "replace").decode()
    return Response(png, media_type="image/png", headers=headers)


router.include_router(data)

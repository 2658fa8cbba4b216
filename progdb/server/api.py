"""progdb's own JSON API under /api, reading: query (one prompt or a batch) and compile, as the CLI's
`query --json` and `compile --format json`."""
from __future__ import annotations

import time

from fastapi import APIRouter, Depends
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field

from progdb.errors import ProgdbError
from progdb.server.deps import ApiError, client_message, limits, service
from progdb.server.limits import Limits
from progdb.server.service import Service
from progdb.text.fewshot import DEFAULT_BUDGET
from progdb.words.methods import DEFAULT_METHOD, METHODS

router = APIRouter()
SLICE = 32  # prompts of a batch answered in one worker call (other clients' calls run between)


class QueryBody(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)  # "k": "3" is an error, not 3
    prompt: str | None = Field(None, min_length=1, max_length=10_000)
    prompts: list[str] | None = None
    k: int = Field(5, ge=1, le=50)
    shots: int = Field(4, ge=0, le=100)
    budget: int = Field(DEFAULT_BUDGET, ge=1, le=1_000_000)
    method: str = DEFAULT_METHOD


class CompileBody(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)  # "k": "3" is an error, not 3
    prompt: str = Field(min_length=1, max_length=10_000)
    shots: int = Field(4, ge=0, le=100)
    budget: int = Field(DEFAULT_BUDGET, ge=1, le=1_000_000)


def _batch(db, prompts: list[str], options: dict) -> list[dict]:
    out = []
    for prompt, result in db.query_many(prompts, **options):
        out.append({"prompt": prompt, "error": client_message(result)} if isinstance(result, ProgdbError)
                   else result.to_dict())
    return out


def _timed(fn, *args, **kwargs):
    started = time.perf_counter()
    result = fn(*args, **kwargs)
    return result, time.perf_counter() - started


@router.post("/query")
async def query(body: QueryBody, svc: Service = Depends(service), lim: Limits = Depends(limits)):
    """One prompt (`prompt`): the same result as `progdb query --json`. A batch (`prompts`): {"results":
    [...]}, in order, each a result or {"prompt", "error"}, as `progdb query -`. The Server-Timing
    header gives the query's own time (`query;dur=` ms), so a client can tell what HTTP added."""
    if (body.prompt is None) == (body.prompts is None):
        raise ApiError(422, "invalid_request", "give either 'prompt' or 'prompts'")
    if body.method not in METHODS:
        raise ApiError(422, "invalid_request", f"method: '{body.method}' is not one of {', '.join(METHODS)}")
    options = dict(k=body.k, shots=body.shots, budget=body.budget, method=body.method, llm=svc.llm)
    if body.prompt is not None:
        result, seconds = await svc.call(_timed, svc.db.query, body.prompt, **options)
        # A JSONResponse, not a dict: FastAPI would walk the dict once more to make it JSON-ready.
        return JSONResponse(result.to_dict(), headers={"Server-Timing": f"query;dur={seconds * 1000:.2f}"})
    if not body.prompts:
        raise ApiError(422, "invalid_request", "prompts: give at least one prompt")
    if len(body.prompts) > lim.prompts:
        raise ApiError(413, "too_many_prompts", f"prompts: {len(body.prompts):,} prompts, at most {lim.prompts:,} "
                       "in one request (PROGDB_MAX_PROMPTS)")
    results = []
    for i in range(0, len(body.prompts), SLICE):
        results += await svc.call(_batch, svc.db, body.prompts[i:i + SLICE], options)
    return {"results": results}


@router.post("/compile")
async def compile_(body: CompileBody, svc: Service = Depends(service)):
    """The few-shot prompt(s) the prompt compiles to, nothing run: `progdb compile --format json`
    (one entry per input), under "compiled"."""
    result = await svc.call(svc.db.compile, body.prompt, shots=body.shots, budget=body.budget)
    names = ", ".join(m.name for m in result.programs)
    return {"prompt": body.prompt, "program": names,
            "compiled": [{"program": names, "text": c.text, "messages": c.messages, "examples": c.examples}
                         for c in result.compiled]}

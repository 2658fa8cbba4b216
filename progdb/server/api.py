"""progdb's own JSON API under /api, mirroring the CLI: query, compile, programs, import, export, fit."""
from __future__ import annotations

from fastapi import APIRouter, Depends
from pydantic import BaseModel, Field

from progdb.server.deps import service
from progdb.server.service import Service

router = APIRouter()


class QueryBody(BaseModel):
    prompt: str = Field(min_length=1)
    k: int = Field(5, ge=1, le=50)


@router.post("/query")
async def query(body: QueryBody, svc: Service = Depends(service)):
    """One prompt: the same result as `progdb query --json`."""
    result = await svc.call(svc.db.query, body.prompt, k=body.k)
    return result.to_dict()

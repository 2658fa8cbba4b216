"""The JSON API's programs: list, show, add, grow, replace, remove, export; and the routing
calibration (show, set by hand), as the CLI's list, show, add, remove, export and `fit --set`."""
from __future__ import annotations

import json
from typing import Literal, Optional, Union

from fastapi import APIRouter, Depends, Query
from fastapi.responses import Response
from pydantic import BaseModel, ConfigDict, Field, StrictBool

from progdb.errors import ProgdbError
from progdb.program import Example, Program, key_from_name, with_name_key
from progdb.server.deps import ApiError, service
from progdb.server.service import Service

router = APIRouter()


class Pair(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)  # JSON types as given: "true" is no bool
    input: str
    output: str


class ProgramBody(BaseModel):
    """A program as `progdb add` takes it: keys, example pairs ([in, out] or {"input", "output"})."""
    model_config = ConfigDict(extra="forbid")
    name: str | None = Field(None, max_length=200)
    kind: Literal["auto", "vector", "fewshot", "intent", "negative"] | None = None
    keys: list[str] = Field(default_factory=list, max_length=10_000)
    examples: list[Union[tuple[str, str], Pair]] = Field(default_factory=list, max_length=100_000)
    description: str | None = None
    source: str | None = None
    license: str | None = None
    opposite: str | None = None
    reverse: list[str] | None = None
    replace: StrictBool = False  # "yes" is no bool (a strict model would refuse [in, out] as a pair)

    def program(self, name: str | None = None, found_by_name: bool = True) -> Program:
        name = name or self.name
        if not name:
            raise ApiError(422, "invalid_request", "name: give the program's name")
        if self.name and name != self.name:
            raise ApiError(422, "invalid_request", f"name: '{self.name}' in the body, '{name}' in the URL")
        pairs = [Example(e.input, e.output) if isinstance(e, Pair) else Example(*e) for e in self.examples]
        keys = list(dict.fromkeys(self.keys))
        if not keys and found_by_name:
            keys = [key_from_name(name)]  # a new program without keys is found by its name, as `add NAME`
        return Program(name=name, kind=self.kind or "auto", keys=keys, examples=pairs,
                       description=self.description or "", source=self.source or "", license=self.license or "",
                       opposite=self.opposite or "", reverse=self.reverse or [])


def _stored_or_none(db, name: str) -> Program | None:
    try:
        return db.get(name)
    except ProgdbError:
        return None


def _report(db, stored: Program, action: str, change: dict | None = None, before: Program | None = None) -> dict:
    warnings = [f"key '{key}' is nearly the same as key '{other_key}' of program '{other}' (similarity "
                f"{score:.2f}): prompts that match both go to either" for key, other, other_key, score
                in db.key_neighbours(stored, before=before)]
    return {"name": stored.name, "kind": stored.kind, "n_keys": len(stored.keys), "n_examples": len(stored.examples),
            "action": action, "replaced": action == "replaced",
            **({"added_keys": change["keys"], "added_examples": change["examples"]} if change else {}),
            "warnings": warnings}


def _add(db, program: Program, replace: bool, must_exist: bool = False) -> dict:
    before = _stored_or_none(db, program.name)
    if before is not None and not replace:
        raise ApiError(409, "exists", f"program '{program.name}' already exists (grow it with POST "
                       f"/api/programs/{program.name}/grow, or replace it with PUT or \"replace\": true)")
    stored = db.add(program, replace=replace)
    return _report(db, stored, "replaced" if before is not None else "added")


def _grow(db, program: Program, kind_given: bool) -> dict:
    before = db.get(program.name)  # 404 when there is none
    if not program.description:
        program.description = before.description
    stored, change = db.grow(program, kind_given=kind_given)
    action = "grew" if any(change.values()) or stored.description != before.description else "unchanged"
    return _report(db, stored, action, change, before)


def add_or_grow(db, program: Program, replace: bool) -> dict:
    """A program file, as `progdb add FILE` takes it: a new program is added, a stored one grows
    (its new keys and pairs join it; the file's kind and description replace its own), or with
    replace is swapped for the file's."""
    if replace or _stored_or_none(db, program.name) is None:
        return _add(db, program, replace)
    return _grow(db, program, kind_given=True)


@router.get("/programs")
async def list_programs(svc: Service = Depends(service)):
    """Every program: name, kind, n_keys, n_examples, description (`progdb list --json`)."""
    return await svc.call(svc.db.list)


@router.get("/programs/{name}")
async def show_program(name: str, svc: Service = Depends(service)):
    """One program's card, whole (`progdb show NAME --json`)."""
    program = await svc.call(svc.db.get, name)
    return program.card()


@router.post("/programs", status_code=201)
async def add_program(body: ProgramBody, svc: Service = Depends(service)):
    """Register a program; 409 `exists` if one of its name is stored, unless "replace": true."""
    program = body.program()
    if body.keys:  # a new (or replaced) program is found by its name too, as `progdb add` and import do
        program.keys = with_name_key(program.keys, program.name)
    return await svc.write(_add, svc.db, program, body.replace)


@router.put("/programs/{name}")
async def replace_program(name: str, body: ProgramBody, svc: Service = Depends(service)):
    """Store exactly this program under NAME (`progdb add --replace`): its old keys and pairs go."""
    return await svc.write(_add, svc.db, body.program(name), True)


@router.post("/programs/{name}/grow")
async def grow_program(name: str, body: ProgramBody, svc: Service = Depends(service)):
    """Add keys and pairs to a stored program (`progdb add NAME` for a NAME that exists); 404 if none."""
    return await svc.write(_grow, svc.db, body.program(name, found_by_name=False), body.kind is not None)


@router.delete("/programs/{name}")
async def remove_program(name: str, svc: Service = Depends(service)):
    """Remove a program and all its records (`progdb remove`)."""
    await svc.write(svc.db.remove, name)
    return {"removed": name}


@router.delete("/programs/{name}/examples")
async def drop_pairs(name: str, input: list[str] = Query(...), svc: Service = Depends(service)):
    """Remove the example pairs of these inputs (?input=a&input=b) from a program (`progdb remove NAME --input`)."""
    program, dropped = await svc.write(svc.db.drop_pairs, name, input)
    return {"program": name, "removed_pairs": [list(p) for p in dropped], "examples": len(program.examples)}


@router.get("/export")
async def export(name: list[str] | None = Query(None), svc: Service = Depends(service)):
    """Program cards as JSON lines: every program, or those named (?name=a&name=b); `progdb import` reads it."""
    text = await svc.call(svc.db.export, names=name or None)
    return Response(text, media_type="application/x-ndjson")


@router.get("/calibration")
async def calibration(svc: Service = Depends(service)):
    """How keys are routed (`progdb show --calibration --json`)."""
    return await svc.call(svc.db.calibration)


@router.post("/calibration")
async def set_calibration(values: dict[str, Union[str, float, dict[str, Optional[float]]]],
                          svc: Service = Depends(service)):
    """Set calibration fields by hand (`progdb fit --set FIELD=VALUE`): router, threshold, margin,
    router_threshold, router_margin, program_thresholds ({program: threshold}; the programs named are
    set, null drops one's own, the others keep theirs), router_offsets ({program: offset}, the same).
    Returns the calibration."""
    if not values:
        raise ApiError(422, "invalid_request", "give at least one calibration field")
    clean = {k: json.dumps(v) if isinstance(v, dict) else v for k, v in values.items()}
    return await svc.write(svc.db.set_calibration, **clean)

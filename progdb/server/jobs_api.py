"""The JSON API's jobs: import (a pairs file or a `progdb export` file) and fit start a job and
answer 202 at once; GET /api/jobs/{id} follows it (queued, running, done or failed)."""
from __future__ import annotations

from typing import Literal

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field
from starlette.concurrency import run_in_threadpool

from progdb import models
from progdb.ingest.bulk import read_rows
from progdb.ingest.library import load_program_file
from progdb.routing.labelled import LabelledPrompt
from progdb.server import uploads
from progdb.server.deps import ApiError, error_of, limits, service
from progdb.server.jobs import Job
from progdb.server.limits import Limits
from progdb.server.programs import add_or_grow
from progdb.server.service import Service
from progdb.words.ranker import prepare

router = APIRouter()
MAX_REJECTS = 1000  # bad rows listed in an import's result (all are counted)
IMPORT_BATCH = 1000  # rows a slice of an import checks, embeds and stores; reads are answered between


def _accepted(job: Job) -> JSONResponse:
    return JSONResponse(job.to_dict(), status_code=202, headers={"Location": f"/api/jobs/{job.id}"})


@router.post("/import", status_code=202)
async def import_(request: Request,
                  format: str = Query("auto", description="auto, progdb (a `progdb export` file), program (one "
                                      "program file, JSON or YAML), or a pairs format: csv, tsv, jsonl, json, "
                                      "analogy, bats, fv"),
                  program: str | None = Query(None, description="The program of rows without a program column "
                                              "[default: the file's name, e.g. emoji for emoji.csv]; of a progdb "
                                              "file, the one program to import."),
                  create: bool = Query(True, description="false: pairs for a program that does not exist are bad rows."),
                  one_output: bool = Query(False, description="A new output for a stored input replaces it."),
                  skip_bad: bool = Query(False, description="Store the good rows; the bad are listed in the result."),
                  replace: bool = Query(False, description="progdb format, or a program file: replace programs "
                                        "that exist (a program file otherwise grows its program)."),
                  batch_size: int = Query(IMPORT_BATCH, ge=1, le=50_000),
                  filename: str | None = Query(None, description="The file's name (messages name it; its "
                                               "extension tells the format): for a raw body"),
                  svc: Service = Depends(service), lim: Limits = Depends(limits)):
    """Import pairs (or whole programs) as `progdb import` does, from the multipart field `file` or
    the raw body. The file is checked first: a file that cannot be read, or a bad row (unless
    skip_bad), is 400 `bad_file` naming file, line and reason, and nothing is stored."""
    upload = await uploads.receive(request, lim.upload, filename)
    try:
        fmt, total = await run_in_threadpool(uploads.check, upload, format, program, skip_bad)
    except BaseException:
        upload.close()
        raise

    def work(job: Job) -> dict:
        try:
            if fmt == "progdb":  # (as `progdb import` says it: a program stored as the file has it is unchanged)
                changed: list[str] = []
                programs = svc.db.import_(upload.path, replace=replace, changed_names=changed, only=program)
                job.advance(len(programs))
                return {"imported": changed, "unchanged": len(programs) - len(changed)}
            if fmt == "program":  # one program file, as `progdb add FILE`: added, or grown if stored (replace: swapped)
                card = load_program_file(upload.path)
                card.name = program or card.name  # (program=NAME stores it under another name, as `add NAME --file`)
                result = add_or_grow(svc.db, card, replace)
                job.advance(1)
                return result | {"file": upload.name, "format": fmt}
            rejects: list[dict] = []

            def on_reject(r) -> None:
                if len(rejects) < MAX_REJECTS:
                    rejects.append({"file": upload.name, "line": r.line, "reason": uploads.in_api_words(r.reason),
                                    "text": r.text[:200]})

            job.stage = "importing"
            summary = svc.db.import_pairs(read_rows(upload.path, fmt, program, name_by_stem=upload.named_by_client),
                                          create=create, batch_size=batch_size,
                                          skip_bad=skip_bad, on_reject=on_reject, progress=job.advance,
                                          one_output=one_output, rankers=False)
            if summary.vector_programs:
                # Minutes of CPU for a large program: trained beside the worker, which answers queries meanwhile.
                job.stage = "training word rankers"
                pairs = [svc.db.get(name).pairs() for name in summary.vector_programs]
                job.alongside(lambda: [prepare(models.word_space(), p) for p in pairs])
            job.stage = ""
            return _named_rows(summary.to_dict(), upload) | {"file": upload.name, "format": fmt, "rejects": rejects}
        finally:
            upload.close()

    def on_error(exc: BaseException) -> dict:
        err = error_of(exc)
        return {"error": err.code, "message": upload.named(uploads.in_api_words(err.message))}

    job = svc.start_job("import", work, total, on_error)
    return _accepted(job)


def _named_rows(summary: dict, upload: uploads.Upload) -> dict:
    """The summary's rows name the file as the client did, not by the server's temporary copy."""
    for row in summary["repeated"] + [r for rows in summary["outside_word_space"].values() for r in rows]:
        row["file"] = upload.name
    return summary


class Labelled(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)  # JSON types as given: "true" is no bool
    text: str = Field(min_length=1)
    intent: str | None = None  # None: out of scope


class FitBody(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)  # JSON types as given: "true" is no bool
    prompts: list[Labelled] = Field(min_length=1, max_length=100_000)
    router: Literal["auto", "classifier", "similarity"] = "auto"
    learn: bool = True


@router.post("/fit", status_code=202)
async def fit(body: FitBody, svc: Service = Depends(service)):
    """Calibrate routing on labelled prompts ({"text", "intent"}, intent null for out of scope), as
    `progdb fit`; the job's result is the calibration report."""
    rows = [LabelledPrompt(p.text, p.intent, where=f"prompts[{i}]") for i, p in enumerate(body.prompts)]

    def work(job: Job) -> dict:
        report = svc.db.fit(rows, body.router, body.learn)
        job.advance(len(rows))
        return report

    def on_error(exc: BaseException) -> dict:
        err = error_of(exc)
        return {"error": err.code, "message": err.message}

    return _accepted(svc.start_job("fit", work, len(rows), on_error))


@router.get("/jobs")
async def jobs(svc: Service = Depends(service)):
    """Every job this server remembers, newest first."""
    return [j.to_dict() for j in reversed(svc.jobs.all())]


@router.get("/jobs/{job_id}")
async def job(job_id: str, svc: Service = Depends(service)):
    found = svc.jobs.get(job_id)
    if found is None:
        raise ApiError(404, "not_found", f"no job '{job_id}' (a server remembers its last 200 finished jobs, until it stops)")
    return found.to_dict()

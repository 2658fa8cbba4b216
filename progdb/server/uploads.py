"""A pairs file sent to /api/import (multipart field `file`, or the raw body), kept in a temporary
folder while its import runs, and checked before any of it is stored: the format, then every row."""
from __future__ import annotations

import json
import re
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

from starlette.datastructures import UploadFile
from starlette.requests import Request

from progdb.errors import ProgdbError
from progdb.ingest.bulk import PAIR_FORMATS, Reject, detect_format, read_rows
from progdb.ingest.library import is_program_file, load_program_file
from progdb.ingest.writer import read_cards
from progdb.server.deps import ApiError, one_line
from progdb.server.limits import TooLarge, too_large_message

FORMATS = ("auto", "progdb", "program") + PAIR_FORMATS  # program: one program file (JSON or YAML), as `progdb add FILE`
COPY_BLOCK = 1 << 20


@dataclass
class Upload:
    folder: Path
    path: Path  # the file, under the name the client gave it
    name: str  # that name, as messages say it
    named_by_client: bool = False  # the client gave a name (its stem names the program, as the CLI's file name does)

    def named(self, text: str) -> str:
        """A message about the file, naming it as the client did rather than by its temporary path."""
        return text.replace(str(self.path), self.name)

    def close(self) -> None:
        shutil.rmtree(self.folder, ignore_errors=True)


def _safe_name(name: str | None) -> str:
    base = re.sub(r"[^A-Za-z0-9._-]", "_", Path(name or "").name).lstrip(".")
    return base[:100] or "upload"


async def receive(request: Request, limit: int, filename: str | None) -> Upload:
    """The file of a multipart form (field `file`) or the whole body, written to a temporary folder;
    413 `too_large` past `limit` bytes."""
    folder = Path(tempfile.mkdtemp(prefix="progdb-upload-"))
    try:
        if request.headers.get("content-type", "").startswith("multipart/form-data"):
            form = await request.form(max_files=1, max_fields=10)
            part = form.get("file")
            if not isinstance(part, UploadFile):
                raise ApiError(422, "invalid_request", "file: send the pairs file as the multipart field 'file'")
            name = _safe_name(filename or part.filename)
            upload = Upload(folder, folder / name, filename or part.filename or name, bool(filename or part.filename))
            size = 0
            with open(upload.path, "wb") as out:
                while block := await part.read(COPY_BLOCK):
                    size += len(block)
                    if size > limit:
                        raise ApiError(413, "too_large", too_large_message(limit, "the file"))
                    out.write(block)
            await form.close()
        else:
            name = _safe_name(filename or "body")
            upload = Upload(folder, folder / name, filename or "body", bool(filename))
            size = 0
            with open(upload.path, "wb") as out:
                async for block in request.stream():
                    size += len(block)
                    if size > limit:
                        raise TooLarge(limit)
                    out.write(block)
        if size == 0:
            raise ApiError(400, "bad_file", f"{upload.name}: empty file (no pairs)")
        return upload
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise


def _is_export(path: Path) -> bool:
    """A `progdb export` file: JSON lines whose first line is a program card."""
    with open(path, "rb") as fh:
        first = fh.readline(65536)
    try:
        return {"name", "keys"} <= set(json.loads(first))
    except (ValueError, TypeError):
        return False


def check(upload: Upload, fmt: str, program: str | None, skip_bad: bool) -> tuple[str, int]:
    """The file's format and its number of rows (programs, for an export file); 400 `bad_file`
    naming file, line and field for a file that cannot be read or (unless skip_bad) a bad row."""
    if fmt not in FORMATS:
        raise ApiError(422, "invalid_request", f"format: '{fmt}' is not one of {', '.join(FORMATS)}")
    try:
        if fmt == "auto":
            fmt = "progdb" if _is_export(upload.path) else "program" if is_program_file(upload.path) \
                else detect_format(upload.path)
        if fmt == "progdb":
            return fmt, len(read_cards(upload.path))
        if fmt == "program":
            load_program_file(upload.path)  # (its errors are the file's: 400 before a job starts)
            return fmt, 1
        rows = 0
        for item in read_rows(upload.path, fmt, program, name_by_stem=upload.named_by_client):
            if isinstance(item, Reject):
                if not skip_bad:
                    raise ApiError(400, "bad_file", upload.named(
                        f"{in_api_words(item.message())} (nothing was stored; skip_bad=true stores the good rows)"),
                        file=upload.name, line=item.line, reason=in_api_words(item.reason))
            rows += 1  # (a bad row set aside is a row the job goes through: its progress counts it)
        return fmt, rows
    except ProgdbError as exc:
        raise ApiError(400, "bad_file", upload.named(one_line(in_api_words(str(exc))))) from None


# The CLI's options in messages the import shares with it, as the API's parameters (a developer
# over HTTP read "--skip-bad" and "(--no-create)").
API_WORDS = (("--program NAME", "program=NAME"), ("give --program", "give program=NAME"),
             ("give --format (", "give format=FORMAT ("), ("--no-create", "create=false"),
             ("--skip-bad", "skip_bad=true"), ("--replace", "replace=true"), ("--one-output", "one_output=true"))


def in_api_words(text: str) -> str:
    for option, parameter in API_WORDS:
        text = text.replace(option, parameter)
    return text

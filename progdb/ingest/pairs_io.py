"""Read example pairs from the files people already have: csv, tsv, jsonl, json."""
from __future__ import annotations

import csv
import io
import json
from pathlib import Path

from progdb.errors import ProgdbError, json_reason
from progdb.program import Example

HEADER_NAMES = {("input", "output"), ("source", "target"), ("in", "out"), ("prompt", "completion")}


def read_pairs(path: str | Path) -> list[Example]:
    """Pairs from a file; errors name the file, the line and the field."""
    path = Path(path)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise ProgdbError(f"{path}: cannot read ({exc.strerror})") from None
    if b"\x00" in raw[:4096]:
        raise ProgdbError(f"{path}: binary file, expected csv, tsv, jsonl or json")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise ProgdbError(f"{path}, line {line}: not UTF-8 text") from None
    if not text.strip():
        raise ProgdbError(f"{path}: empty file")
    suffix = path.suffix.lower()
    if suffix == ".json" or (suffix not in (".jsonl", ".csv", ".tsv") and text.lstrip().startswith("[")):
        return _from_json(path, text)
    if suffix == ".jsonl" or text.lstrip().startswith("{"):
        return _from_jsonl(path, text)
    return _from_delimited(path, text, "\t" if suffix == ".tsv" or "\t" in text.split("\n", 1)[0] else ",")


def _pair(path: Path, line: int, obj) -> Example:
    where = f"{path}, line {line}"
    if isinstance(obj, dict):
        for a, b in HEADER_NAMES:
            if a in obj and b in obj:
                obj = [obj[a], obj[b]]
                break
        else:
            raise ProgdbError(f"{where}: field 'input' or 'output' is missing")
    if not isinstance(obj, (list, tuple)) or len(obj) != 2:
        raise ProgdbError(f"{where}: expected an input and an output")
    for side, value in zip(("input", "output"), obj):
        if not isinstance(value, str) or not value.strip():
            raise ProgdbError(f"{where}: field '{side}' is empty")
    return Example(obj[0], obj[1])


def _from_json(path: Path, text: str) -> list[Example]:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ProgdbError(f"{path}, line {exc.lineno}: {json_reason(exc)}") from None
    if isinstance(data, dict) and "examples" in data:
        data = data["examples"]
    if not isinstance(data, list):
        raise ProgdbError(f"{path}: expected a JSON list of {{\"input\", \"output\"}} objects")
    # JSON lists carry no line numbers once parsed; count items instead, from 1.
    return [_pair(path, i, obj) for i, obj in enumerate(data, 1)]


def json_lines(path: Path | str, text: str | None = None):
    """(line number, object) for each non-blank line of a JSON-lines file; a bad line is a
    one-line error naming the file and the line."""
    if text is None:
        text = Path(path).read_text(encoding="utf-8")
    for n, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        try:
            yield n, json.loads(line)
        except json.JSONDecodeError as exc:
            raise ProgdbError(f"{path}, line {n}: {json_reason(exc)}") from None


def _from_jsonl(path: Path, text: str) -> list[Example]:
    return [_pair(path, n, obj) for n, obj in json_lines(path, text)]


def _from_delimited(path: Path, text: str, delimiter: str) -> list[Example]:
    rows = csv.reader(io.StringIO(text), delimiter=delimiter)
    pairs = []
    for row in rows:
        n = rows.line_num
        if not any(cell.strip() for cell in row):
            continue
        if n == 1 and tuple(c.strip().lower() for c in row[:2]) in HEADER_NAMES:
            continue
        if len(row) < 2:
            raise ProgdbError(f"{path}, line {n}: field 'output' is missing")
        if len(row) > 2:
            raise ProgdbError(f"{path}, line {n}: expected 2 columns (input, output), found {len(row)}")
        pairs.append(_pair(path, n, row))
    return pairs

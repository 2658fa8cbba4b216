"""What the pair readers share: the header names of a pairs file, and JSON lines read line by line.

Errors name the file and the line. The files themselves are read by bulk.py, for `import` and
`add` alike."""
from __future__ import annotations

import json
from pathlib import Path

from progdb.errors import ProgdbError, json_reason

# (front, back: a flashcard app's export, Anki's or a phone's; a student's header was stored as a word)
HEADER_NAMES = {("input", "output"), ("source", "target"), ("src", "tgt"), ("in", "out"), ("prompt", "completion"),
                ("front", "back")}


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

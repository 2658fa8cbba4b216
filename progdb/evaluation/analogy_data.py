"""Read word-relation data sets into one shape: category -> [(input, accepted answers)].

Three formats are understood, so a user's evaluation set or bulk import can come as it is:
- questions-words (word2vec / gensim): `: section` lines, then `a b c d` lines;
- BATS-style folders: one `.txt` per relation, `word<TAB>answer1/answer2`, possibly in subfolders;
- function-vector JSON: one file per task, `[{"input": …, "output": …}, …]`.
"""
from __future__ import annotations

import json
from pathlib import Path

from progdb.errors import ProgdbError, json_reason

Items = list[tuple[str, list[str]]]


def load_relations(path: str | Path) -> dict[str, Items]:
    """Every category in a file or folder, in the format the file or folder shows."""
    path = Path(path)
    if not path.exists():
        raise ProgdbError(f"{path}: no such file or folder")
    if path.is_dir():
        files = sorted(p for p in path.rglob("*") if p.suffix in (".txt", ".json") and p.is_file()
                       and not p.name.startswith("."))
        if any(p.suffix == ".txt" for p in files):
            # A BATS folder: its relations are the .txt files; BATS 3.0 ships a metadata.json beside them.
            files = [p for p in files if p.suffix == ".txt"]
        if not files:
            raise ProgdbError(f"{path}: no .txt or .json relation files in this folder")
        out: dict[str, Items] = {}
        for f in files:
            for name, items in _load_file(f, folder=True).items():
                if name in out:
                    raise ProgdbError(f"{f}: category '{name}' appears twice in {path}")
                out[name] = items
        return out
    return _load_file(path, folder=False)


def _load_file(path: Path, folder: bool) -> dict[str, Items]:
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise ProgdbError(f"{path}: not UTF-8 text (byte {exc.start})") from None
    if path.suffix == ".json":
        return {path.stem: _function_vectors(path, text)}
    first = next((ln for ln in text.splitlines() if ln.strip() and not ln.startswith("#")), "")
    if first.startswith(":"):
        return _questions_words(path, text)
    if folder or "\t" in first:
        return {path.stem: _bats(path, text)}
    raise ProgdbError(f"{path}, line 1: expected ': section' (questions-words) or 'word<TAB>answer' (BATS)")


def _grouped(pairs: list[tuple[str, str]]) -> Items:
    """Unique inputs in first-seen order, each with all its distinct answers."""
    answers: dict[str, list[str]] = {}
    for a, b in pairs:
        bucket = answers.setdefault(a, [])
        if b not in bucket:
            bucket.append(b)
    return list(answers.items())


def _questions_words(path: Path, text: str) -> dict[str, Items]:
    sections: dict[str, list[tuple[str, str]]] = {}
    current = None
    for n, line in enumerate(text.splitlines(), 1):
        line = line.strip()
        if not line or line.startswith("#"):  # comments carry the data's attribution
            continue
        if line.startswith(":"):
            current = sections.setdefault(line[1:].strip(), [])
            continue
        words = line.lower().split()
        if current is None or len(words) != 4:
            raise ProgdbError(f"{path}, line {n}: expected four words 'a b c d' after a ': section' line")
        current += [(words[0], words[1]), (words[2], words[3])]
    return {name: _grouped(pairs) for name, pairs in sections.items() if pairs}


def _bats(path: Path, text: str) -> Items:
    pairs = []
    for n, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        parts = line.split("\t")
        if len(parts) != 2 or not parts[0].strip():
            raise ProgdbError(f"{path}, line {n}: expected 'word<TAB>answer1/answer2'")
        answers = [a.strip() for a in parts[1].split("/") if a.strip()]
        if not answers:
            raise ProgdbError(f"{path}, line {n}, field answer: empty")
        pairs += [(parts[0].strip(), a) for a in answers]
    return _grouped(pairs)


def _function_vectors(path: Path, text: str) -> Items:
    try:
        rows = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ProgdbError(f"{path}, line {exc.lineno}: {json_reason(exc)}") from None
    if not isinstance(rows, list):
        raise ProgdbError(f"{path}: expected a JSON list of {{\"input\", \"output\"}} objects")
    pairs = []
    for i, row in enumerate(rows):
        for field in ("input", "output"):
            if not isinstance(row, dict) or not isinstance(row.get(field), str) or not row[field].strip():
                raise ProgdbError(f"{path}, item {i}, field {field}: missing or empty")
        pairs.append((row["input"].strip(), row["output"].strip()))
    return _grouped(pairs)

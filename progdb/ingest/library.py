"""The built-in program library: one JSON file per program in seeds/."""
from __future__ import annotations

import json
from pathlib import Path

from progdb.errors import ProgdbError, json_reason
from progdb.paths import seeds_dir
from progdb.program import Program, program_from_dict


def load_program_file(path: Path) -> Program:
    """A program file: JSON (or YAML, when PyYAML is installed) with the card's fields."""
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise ProgdbError(f"{path}: not UTF-8 text") from None
    except OSError as exc:
        raise ProgdbError(f"{path}: cannot read ({exc.strerror})") from None
    if path.suffix in (".yaml", ".yml"):
        try:
            import yaml
        except ImportError:
            raise ProgdbError(f"{path}: reading YAML needs PyYAML (pip install pyyaml)") from None
        try:
            data = yaml.safe_load(text)
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            line = f", line {mark.line + 1}" if mark else ""
            raise ProgdbError(f"{path}{line}: not valid YAML") from None
    else:
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise ProgdbError(f"{path}, line {exc.lineno}: {json_reason(exc)}") from None
    return program_from_dict(data, str(path))


def load_seeds(directory: Path | None = None) -> list[Program]:
    directory = directory or seeds_dir()
    files = sorted(p for p in directory.glob("*.json"))
    if not files:
        raise ProgdbError(f"{directory}: no seed programs found")
    return [load_program_file(p) for p in files]


def load_seed_prompts(directory: Path | None = None) -> tuple[list[str | None], list[str]]:
    """The built-in library's labelled requests, as routing rows: per row its program (None: out of
    scope) and its key text, the request with its input left out ("what's the plural of {}" ->
    "what's the plural of"). Written by people who did not see the programs' keys (prompts/SOURCES.md)."""
    from progdb.ingest.pairs_io import json_lines
    from progdb.query.parse import _clean_key

    folder = (directory or seeds_dir()) / "prompts"
    labels: list[str | None] = []
    texts: list[str] = []
    if not folder.is_dir():
        return labels, texts
    for name in ("paraphrases.jsonl", "out-of-scope.jsonl"):
        path = folder / name
        if not path.exists():
            continue
        for n, row in json_lines(path):
            prompt, given = row["prompt"], row.get("input")
            if given:
                at = prompt.find(given)
                if at < 0:
                    raise ProgdbError(f"{path}, line {n}: field 'input': not found in the prompt")
                prompt = prompt[:at] + " " + prompt[at + len(given):]
            key = _clean_key(prompt)
            if key:
                labels.append(row.get("program"))
                texts.append(key)
    return labels, texts


def shipped_vectors(texts: list[str], model_path: str, directory: Path | None = None):
    """The labelled requests' embeddings shipped in seeds/prompts/vectors.npz (float16; written by
    tools/embed_seed_prompts.py), when they were made by this encoder model for exactly these
    texts; else None (the caller embeds them)."""
    import hashlib

    import numpy as np

    path = (directory or seeds_dir()) / "prompts" / "vectors.npz"
    if not path.exists():
        return None
    try:
        z = np.load(path, allow_pickle=False)
        digest = hashlib.sha256("\x00".join(texts).encode()).hexdigest()
        if str(z["model"]) != Path(model_path).name or str(z["digest"]) != digest:
            return None
        vectors = z["vectors"].astype(np.float32)
    except (OSError, ValueError, KeyError):
        return None
    return vectors / np.linalg.norm(vectors, axis=1, keepdims=True)

"""The built-in program library: one JSON file per program in seeds/."""
from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

import numpy as np

from progdb.errors import ProgdbError, json_reason
from progdb.paths import seeds_dir
from progdb.program import Program, program_from_dict


PROGRAM_FILE_BYTES = 5_000_000  # a program file is read whole to tell it from a file of pairs


def is_program_file(path: Path) -> bool:
    """A .json, .yaml or .yml file holding one program (name, and keys or examples): `add` reads it
    whole; read as pairs, an engineer's ticket-summary.json lost its keys and its name."""
    suffix = path.suffix.lower()
    if suffix not in (".json", ".yaml", ".yml") or not path.is_file() or path.stat().st_size > PROGRAM_FILE_BYTES:
        return False
    try:
        text = path.read_text(encoding="utf-8-sig")
        if suffix == ".json":
            data = json.loads(text)
        else:
            import yaml

            data = yaml.safe_load(text)
    except Exception:  # not readable as one document: the pairs reader says what is wrong with it
        return suffix != ".json"  # (YAML is only ever a program file here)
    return isinstance(data, dict) and "name" in data and bool({"keys", "examples", "description"} & set(data))


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
            # (the parser's reason: a developer's description held an unquoted ": ", and "not valid YAML" hid it)
            reason = f" ({exc.problem})" if getattr(exc, "problem", None) else ""
            raise ProgdbError(f"{path}{line}: not valid YAML{reason}") from None
    else:
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise ProgdbError(f"{path}, line {exc.lineno}: {json_reason(exc)}") from None
    return program_from_dict(data, str(path), found_by_name=True)  # a file without keys, as `add NAME`


def load_seeds(directory: Path | None = None) -> list[Program]:
    directory = directory or seeds_dir()
    files = sorted(p for p in directory.glob("*.json"))
    if not files:
        raise ProgdbError(f"{directory}: no seed programs found")
    return [load_program_file(p) for p in files]


@lru_cache(maxsize=1)
def library_out_of_scope() -> frozenset[str]:
    """The built-in library's out-of-scope prompts, as routing rows hold them (read once a process)."""
    labels, texts = load_seed_prompts()
    return frozenset(t for label, t in zip(labels, texts) if label is None)


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


SHIPPED = "vectors.npz"  # the seeds' texts embedded, written by tools/embed_seeds.py


def seed_texts(directory: Path | None = None) -> list[str]:
    """Every text a new database embeds from seeds/: the programs' keys, the fewshot programs'
    example inputs and the labelled requests, each once."""
    from progdb.ingest.writer import embedded_texts

    return list(dict.fromkeys(embedded_texts(load_seeds(directory)) + load_seed_prompts(directory)[1]))


def seed_vectors(texts: list[str], encoder, directory: Path | None = None) -> np.ndarray:
    """Embeddings of seed texts: read from seeds/vectors.npz (float16) when it was made by this
    encoder model, so a new database does not embed ~7k texts (a minute on 2 cores); a text it
    lacks (a seed edited since) is embedded, through the disk cache."""
    row_of, shipped = _shipped(Path(encoder.model_path).name, directory or seeds_dir())
    rows = [row_of.get(t) for t in texts]
    out = np.zeros((len(texts), shipped.shape[1]), dtype=np.float32)
    missing = [i for i, r in enumerate(rows) if r is None]
    if missing:
        out[missing] = encoder.encode_cached([texts[i] for i in missing])
    found = [i for i, r in enumerate(rows) if r is not None]
    if found:
        vecs = shipped[[rows[i] for i in found]].astype(np.float32)
        out[found] = vecs / np.linalg.norm(vecs, axis=1, keepdims=True)
    return out


def _shipped(model: str, directory: Path) -> tuple[dict[str, int], np.ndarray]:
    """(text -> row, float16 vectors) of seeds/vectors.npz; empty when absent, unreadable or made by
    another encoder."""
    empty = ({}, np.zeros((0, 384), dtype=np.float16))
    try:
        z = np.load(directory / SHIPPED, allow_pickle=False)
        if str(z["model"]) != model:
            return empty
        texts = str(z["texts"]).split("\x00")
        vectors = z["vectors"]
    except (OSError, ValueError, KeyError):
        return empty
    if len(texts) != len(vectors):
        return empty
    return {t: i for i, t in enumerate(texts)}, vectors

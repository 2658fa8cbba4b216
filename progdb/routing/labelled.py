"""Labelled prompts (intent benchmarks) in, intent programs out.

Two public formats:
  clinc  CLINC150 JSON, `{split: [[text, intent], …]}`; the rows of `oos_<split>` (intent `oos`)
         are out of scope.
  snips  the SNIPS NLU benchmark: a folder of `<Intent>/<split>_<Intent>.json` files, each
         `{"<Intent>": [{"data": [{"text": …}, {"text": …, "entity": slot}, …]}, …]}`.
One program of kind `intent` per intent: its keys are the training prompts, and for SNIPS also the
slot templates learned from them ("add {artist} to my {playlist} playlist"); SNIPS prompts are kept
as examples with their slots marked `[clem burke](artist)`, which the slot tagger learns from.
Out-of-scope prompts become one program of kind `negative`: routing near them answers "none".
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path

from progdb.errors import ProgdbError, json_reason
from progdb.ingest.pairs_io import json_lines
from progdb.program import Example, Program, key_text

FORMATS = ("clinc", "snips", "jsonl")
OUT_OF_SCOPE = "out-of-scope"  # the negative program's name
_ANNOTATION_RE = re.compile(r"\[([^\[\]]+)\]\(([A-Za-z_][A-Za-z0-9_]*)\)")


@dataclass
class LabelledPrompt:
    text: str
    intent: str | None  # None: out of scope
    slots: list[tuple[int, int, str]] = field(default_factory=list)  # character spans and slot names
    where: str = ""

    def slot_values(self) -> list[tuple[str, str]]:
        return [(name, self.text[a:b]) for a, b, name in self.slots]


def program_name(intent: str) -> str:
    """A program name from an intent label: AddToPlaylist → add-to-playlist, pin_change stays."""
    name = re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "-", intent).lower()
    return re.sub(r"[^a-z0-9._-]+", "-", name).strip("-._") or "intent"


# -- reading ---------------------------------------------------------------------------------
def read_labelled(path: str | Path, fmt: str, split: str) -> list[LabelledPrompt]:
    """`fmt` auto: a folder is SNIPS, a .jsonl file JSON lines, any other file CLINC150's JSON."""
    if fmt == "auto":
        fmt = "snips" if Path(path).is_dir() else "jsonl" if Path(path).suffix.lower() == ".jsonl" else "clinc"
    if fmt == "clinc":
        return read_clinc(path, split)
    if fmt == "snips":
        return read_snips(path, split)
    if fmt == "jsonl":
        return read_jsonl(path)
    raise ProgdbError(f"unknown labelled format '{fmt}' (one of {', '.join(FORMATS)})")


def read_jsonl(path: str | Path) -> list[LabelledPrompt]:
    """JSON lines of {"text", "intent"} (or "label"; null or absent: out of scope), as the server's
    fit takes them (a data scientist's intents.jsonl was "not valid JSON": read as CLINC's one object)."""
    path, rows = Path(path), []
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise ProgdbError(f"{path}: cannot read ({getattr(exc, 'strerror', None) or 'not UTF-8 text'})") from None
    for n, row in json_lines(path, text):
        if not isinstance(row, dict) or not isinstance(row.get("text"), str) or not row["text"].strip():
            raise ProgdbError(f"{path}, line {n}: expected {{\"text\": …, \"intent\": … or null}}")
        intent = row.get("intent", row.get("label"))
        if intent is not None and not isinstance(intent, str):
            raise ProgdbError(f"{path}, line {n}: field 'intent' is a name or null (out of scope)")
        rows.append(LabelledPrompt(row["text"].strip(), (intent or "").strip() or None, where=f"{path}, line {n}"))
    return rows


def _load_json(path: Path):
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise ProgdbError(f"{path}: cannot read ({exc.strerror})") from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        try:  # SNIPS stores some emoji as CESU-8 surrogate pairs (see the data's SOURCE.txt)
            text = raw.decode("utf-8", "surrogatepass").encode("utf-16", "surrogatepass").decode("utf-16")
        except UnicodeError:
            raise ProgdbError(f"{path}: not UTF-8 text") from None
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise ProgdbError(f"{path}, line {exc.lineno}: {json_reason(exc)}") from None


def read_clinc(path: str | Path, split: str) -> list[LabelledPrompt]:
    path = Path(path)
    data = _load_json(path)
    if not isinstance(data, dict) or split not in data:
        have = ", ".join(k for k in data if not k.startswith("oos_")) if isinstance(data, dict) else "none"
        raise ProgdbError(f"{path}: no split '{split}' (splits: {have})")
    rows = []
    for part in (split, f"oos_{split}"):
        for i, row in enumerate(data.get(part) or [], 1):
            where = f"{path}, {part} item {i}"
            if not (isinstance(row, list) and len(row) == 2 and all(isinstance(x, str) for x in row)):
                raise ProgdbError(f"{where}: expected [text, intent]")
            text, intent = row[0].strip(), row[1].strip()
            if not text:
                raise ProgdbError(f"{where}: field 'text' is empty")
            if not intent:
                raise ProgdbError(f"{where}: field 'intent' is empty")
            rows.append(LabelledPrompt(text, None if intent == "oos" else intent, [], where))
    return rows


def read_snips(path: str | Path, split: str) -> list[LabelledPrompt]:
    """PATH is the benchmark folder, one intent's folder, or one file."""
    path = Path(path)
    if path.is_file():
        files = [path]
    else:
        files = sorted(f for f in path.rglob("*.json") if snips_split(f.stem) == split)
        if not files:
            have = sorted({snips_split(f.stem) for f in path.rglob("*.json")} - {None})
            raise ProgdbError(f"{path}: no SNIPS files of split '{split}' "
                              f"(splits: {', '.join(have) or 'none'})")
    rows = []
    for f in files:
        data = _load_json(f)
        if not isinstance(data, dict) or len(data) != 1:
            raise ProgdbError(f"{f}: expected {{\"<Intent>\": [queries]}}")
        (intent, queries), = data.items()
        if not isinstance(queries, list):
            raise ProgdbError(f"{f}: field '{intent}' must be a list of queries")
        for i, q in enumerate(queries, 1):
            rows.append(_snips_query(q, intent, f"{f}, query {i}"))
    return rows


def snips_split(stem: str) -> str | None:
    """The split a SNIPS file belongs to: train_AddToPlaylist → train,
    train_AddToPlaylist_full → train_full, validate_AddToPlaylist → validate."""
    parts = stem.split("_")
    if len(parts) < 2:
        return None
    return parts[0] + ("_full" if len(parts) > 2 and parts[-1] == "full" else "")


def _snips_query(q, intent: str, where: str) -> LabelledPrompt:
    chunks = q.get("data") if isinstance(q, dict) else None
    if not isinstance(chunks, list) or not chunks:
        raise ProgdbError(f"{where}: field 'data' must be a non-empty list")
    text, slots = "", []
    for j, chunk in enumerate(chunks, 1):
        if not isinstance(chunk, dict) or not isinstance(chunk.get("text"), str):
            raise ProgdbError(f"{where}: data item {j}: field 'text' is missing")
        piece = chunk["text"]
        entity = chunk.get("entity")
        if entity is not None:
            if not isinstance(entity, str) or not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", entity):
                raise ProgdbError(f"{where}: data item {j}: field 'entity' '{entity}' is not a slot name")
            # Spans exclude surrounding blanks, so that they compare exactly with predicted ones.
            lead = len(piece) - len(piece.lstrip())
            value = piece.strip()
            if value:
                slots.append((len(text) + lead, len(text) + lead + len(value), entity))
        text += piece
    stripped = text.lstrip()
    shift = len(text) - len(stripped)
    text = stripped.rstrip()
    if not text:
        raise ProgdbError(f"{where}: the query text is empty")
    return LabelledPrompt(text, intent, [(a - shift, b - shift, s) for a, b, s in slots], where)


# -- annotations and templates ---------------------------------------------------------------------
def annotate(p: LabelledPrompt) -> str:
    """`add [clem burke](artist) to my playlist`: the prompt with its slots marked (Rasa's notation)."""
    out, at = [], 0
    for a, b, name in sorted(p.slots):
        out += [p.text[at:a], f"[{p.text[a:b]}]({name})"]
        at = b
    return "".join(out + [p.text[at:]])


def parse_annotation(marked: str) -> tuple[str, list[tuple[int, int, str]]]:
    """The inverse of annotate(): plain text and slot spans."""
    text, spans, at = "", [], 0
    for m in _ANNOTATION_RE.finditer(marked):
        text += marked[at:m.start()]
        spans.append((len(text), len(text) + len(m.group(1)), m.group(2)))
        text += m.group(1)
        at = m.end()
    return text + marked[at:], spans


def template(p: LabelledPrompt) -> str | None:
    """The prompt with each slot value replaced by {slot}; None when it cannot serve as a key
    (braces in the text, a slot name used twice, or no words besides the slots)."""
    if "{" in p.text or "}" in p.text:
        return None
    names = [name for _, _, name in p.slots]
    if len(set(names)) != len(names):
        return None
    out, at = [], 0
    for a, b, name in sorted(p.slots):
        out += [p.text[at:a], "{" + name + "}"]
        at = b
    key = " ".join("".join(out + [p.text[at:]]).split())
    return key if key_text(key) else None


def programs_from(rows: list[LabelledPrompt], fmt: str, origin: str) -> list[Program]:
    """One intent program per intent (keys in first-seen order, duplicates dropped), and the
    out-of-scope prompts as one negative program. Their source is `origin` (the file); no licence
    is claimed: a file in CLINC150's layout is often a user's own data, not CLINC150."""
    source = f"{origin} ({fmt} layout)"
    license_ = ""
    by_intent: dict[str | None, list[LabelledPrompt]] = {}
    for r in rows:
        by_intent.setdefault(r.intent, []).append(r)
    programs = []
    for intent, group in by_intent.items():
        if intent is None:
            keys = list(dict.fromkeys(r.text for r in group))
            programs.append(Program(OUT_OF_SCOPE, "negative", keys, [],
                                    f"out-of-scope prompts from {fmt}: a prompt near them routes nowhere",
                                    source, license_))
            continue
        # The prompts are the keys the router learns from; SNIPS slot templates are keys too, but
        # only the routed intent's own templates are matched (a loose template such as
        # "{condition_description} in {city} {state}" would swallow other intents' prompts).
        keys = [r.text.replace("{", "(").replace("}", ")") for r in group]
        examples = []
        if fmt == "snips":
            keys += [t for t in (template(r) for r in group) if t]
            examples = [Example(r.text, annotate(r)) for r in group]
        keys = list(dict.fromkeys(keys))
        if not keys:
            raise ProgdbError(f"{group[0].where}: intent '{intent}' has no usable prompt")
        programs.append(Program(program_name(intent), "intent", keys, examples,
                                f"{fmt} intent {intent}", source, license_))
    names = [p.name for p in programs]
    clash = next((n for n in names if names.count(n) > 1), None)
    if clash:
        raise ProgdbError(f"two intents map to the program name '{clash}'")
    return programs

"""The program record: fields, validation, and the canonical JSON card.

A card is the one serialisation of a program: export writes it, import reads it, and the store
keeps it, so a database round-trips byte for byte.
"""
from __future__ import annotations

import difflib
import json
import re
from dataclasses import dataclass, field

from progdb.errors import ProgdbError, json_reason

# vector: word pairs run by arithmetic; fewshot: text pairs run by a compiled prompt; intent: routed
# to (its keys are example prompts or slot templates); negative: prompts that must route nowhere.
KINDS = ("vector", "fewshot", "intent", "negative")
NAME_RE = re.compile(r"^[a-z0-9][a-z0-9._-]*$")
MAX_NAME = 64  # characters: names are shown in tables and used in record ids
SLOT_RE = re.compile(r"\{([A-Za-z_][A-Za-z0-9_]*)\}")
# Slots that carry a program's input; any other slot is a parameter of the instruction.
INPUT_SLOTS = ("text", "word", "input", "words", "phrase")
CARD_FIELDS = ("name", "kind", "description", "keys", "examples", "source", "license", "opposite", "reverse",
               "base_forms")
OPTIONAL_FIELDS = ("opposite", "reverse", "base_forms")  # left out of a card when empty


@dataclass
class Example:
    input: str
    output: str


@dataclass
class Program:
    name: str
    kind: str
    keys: list[str]
    examples: list[Example] = field(default_factory=list)
    description: str = ""
    source: str = ""
    license: str = ""
    opposite: str = ""  # the program a request for "less" of this one asks for (formal <-> casual)
    # Words a request for this program's way back asks for ("singular" of plural, "english" of
    # english-french): such a request is not this program's.
    reverse: list[str] = field(default_factory=list)
    # A built-in program whose inputs are base forms asked about inflected: "a person who lies" is
    # agent-noun's lie, "baby swans" animal-young's swan (a user's program reads them so always; the
    # library's inflection programs ask about the forms: "past tense of stopping" is gerund-to-past's).
    base_forms: bool = False

    def card(self) -> dict:
        """The program as a plain dict, fields in a fixed order (built by hand: dataclasses.asdict
        takes seconds on a program of 100k pairs)."""
        d = {k: getattr(self, k) for k in CARD_FIELDS if k not in OPTIONAL_FIELDS or getattr(self, k)}
        d["keys"] = list(self.keys)
        d["examples"] = [{"input": e.input, "output": e.output} for e in self.examples]
        return d

    def to_json(self) -> str:
        """Canonical one-line JSON: what export writes and the store keeps."""
        return json.dumps(self.card(), ensure_ascii=False, separators=(",", ":"))

    def pairs(self) -> list[tuple[str, str]]:
        return [(e.input, e.output) for e in self.examples]

    def summary(self) -> dict:
        """What `list` shows, stored beside the card as its record's metadata."""
        return {"name": self.name, "kind": self.kind, "n_keys": len(self.keys),
                "n_examples": len(self.examples), "description": self.description}


def case_matters(inputs) -> bool:
    """Do the inputs tell words apart by their capitals (mL, kWh, GmbH: a capital after a small
    letter; or a table of symbols, most of one or two letters, some small and some capital: m, s, K,
    N, Pa)? Then a typed capital is meant: "Mg" (magnesium) is not the stored "mg" (milligram), "S"
    (siemens) no "s". (Not next-item's letters among its days and months: "Tuesday" is its tuesday.)"""
    inputs = [a.strip() for a in inputs]
    short = [a for a in inputs if len(a) <= 2 and a.isalpha()]
    return any(re.search(r"[a-z][A-Z]", a) for a in inputs) or (
        len(short) >= SYMBOLS * len(inputs) and any(a.islower() for a in short) and any(a[0].isupper() for a in short))


SYMBOLS = 0.8  # this share of a program's inputs of one or two letters makes it a table of symbols


def typed_as_stored(text: str, typed: set[str]) -> bool:
    """Is a typed input the stored one, in a program whose capitals matter (case_matters): as stored,
    or all in small letters ("ml" for mL, as people type in a hurry), but for one letter, which is all
    its case ("k", kilo, is no stored K, kelvin)."""
    word = text.strip()
    return word in typed or (word == word.lower() and len(word) > 1)


def outputs_by_input(pairs: list[tuple[str, str]]) -> dict[str, list[str]]:
    """Each input (stripped, lower-cased) with every distinct output stored for it, in order: what a
    stored answer lists (`big -> large / huge`)."""
    found: dict[str, list[str]] = {}
    for a, b in pairs:
        outputs = found.setdefault(a.strip().lower(), [])
        if b not in outputs:
            outputs.append(b)
    return found


def key_slots(key: str) -> list[str]:
    return SLOT_RE.findall(key)


def unbalanced_slot(key: str) -> str | None:
    """Why a key's braces do not form {slot}s ("female of {word" is a typo, not a key), or None."""
    rest = SLOT_RE.sub("", key)
    if "{" in rest or "}" in rest:
        where = rest.find("{") if "{" in rest else rest.find("}")
        return ("an unclosed '{'" if rest[where] == "{" else "a '}' without its '{'") + \
            " (slots are written {name}: letters, digits and _)"
    return None


def key_text(key: str) -> str:
    """A key as it is embedded: the slots left out, so "plural of {word}" matches "plural of"."""
    return " ".join(SLOT_RE.sub(" ", key).split()).strip(" :,-")


def key_from_name(name: str) -> str:
    """The key a program given no phrasing is found by: its name in words
    ("english-to-pig-latin" -> "english to pig latin")."""
    key = " ".join(name.replace("-", " ").replace("_", " ").replace(".", " ").split())
    return key if key_text(key) else name


def with_name_key(keys: list[str], name: str) -> list[str]:
    """A new program's keys and its name in words, as `import` gives one: people type a program's
    name for it ("brand category: nintendo", "subject line?") whatever phrasings it was given."""
    key = key_from_name(name)
    return keys if key.lower() in {k.lower() for k in keys} else keys + [key]


def input_slots(slots: list[str]) -> list[str]:
    named = [s for s in slots if s in INPUT_SLOTS]
    return named if named else list(slots)


def program_from_dict(d: dict, where: str = "program", check: bool = True, found_by_name: bool = False) -> Program:
    """Build and validate a program from a card-like dict; `where` names the source for errors.
    check=False skips `validate` (a stored card was validated when it was written)."""
    if not isinstance(d, dict):
        raise ProgdbError(f"{where}: expected a JSON object")
    unknown = set(d) - set(CARD_FIELDS)
    if unknown:
        name = sorted(unknown)[0]
        near = difflib.get_close_matches(str(name), CARD_FIELDS, n=1, cutoff=0.75)  # "example" for examples
        raise ProgdbError(f"{where}: unknown field '{name}'" + (f" (did you mean '{near[0]}'?)" if near else ""))
    examples = d.get("examples") or []
    if not isinstance(examples, list):
        raise ProgdbError(f"{where}: field 'examples' must be a list")
    parsed = []
    for i, ex in enumerate(examples, 1):
        if isinstance(ex, dict) and set(ex) == {"input", "output"}:
            parsed.append(Example(ex["input"], ex["output"]))
        elif isinstance(ex, (list, tuple)) and len(ex) == 2:
            parsed.append(Example(ex[0], ex[1]))
        else:
            raise ProgdbError(f"{where}: example {i}: expected {{\"input\", \"output\"}}")
    keys = d.get("keys")
    if isinstance(keys, str):
        keys = [keys]
    if not keys and found_by_name and isinstance(d.get("name"), str) and NAME_RE.match(d["name"]):
        keys = [key_from_name(d["name"])]  # as `progdb add NAME` without --key: found by its name
    prog = Program(
        name=d.get("name", ""),
        kind=d.get("kind") or "auto",
        keys=list(keys or []),
        examples=parsed,
        description=d.get("description") or "",
        source=d.get("source") or "",
        license=d.get("license") or "",
        opposite=d.get("opposite") or "",
        reverse=[d["reverse"]] if isinstance(d.get("reverse"), str) else d.get("reverse") or [],
        base_forms=d.get("base_forms", False),
    )
    if check:
        validate(prog, where)
    return prog


def _mapping_as_key(key: dict) -> str:
    """The key a YAML mapping was typed as: {"summarize complaint": {"text": None}} -> "summarize complaint: {text}"."""
    k, v = next(iter(key.items()))
    value = "{" + next(iter(v)) + "}" if isinstance(v, dict) and v else "" if v is None else str(v)
    return f"{k}: {value}".strip()


def validate(prog: Program, where: str = "program") -> None:
    """Reject what cannot be stored; every message names where and which field."""
    if not isinstance(prog.name, str) or not prog.name.strip():
        raise ProgdbError(f"{where}: field 'name' is empty")
    if len(prog.name) > MAX_NAME:
        raise ProgdbError(f"{where}: field 'name': {len(prog.name):,} characters, at most {MAX_NAME} allowed")
    if not NAME_RE.match(prog.name):
        raise ProgdbError(
            f"{where}: field 'name': '{prog.name}' must be lower-case letters, digits, '.', '_' or '-'"
        )
    where = f"{where} '{prog.name}'" if where == "program" else where
    if prog.kind not in KINDS + ("auto",):
        raise ProgdbError(f"{where}: field 'kind': '{prog.kind}' is not one of auto, {', '.join(KINDS)}")
    if prog.opposite and (not isinstance(prog.opposite, str) or not NAME_RE.match(prog.opposite)
                          or prog.opposite == prog.name):
        raise ProgdbError(f"{where}: field 'opposite': '{prog.opposite}' must name another program")
    if not isinstance(prog.reverse, list) or not all(isinstance(w, str) and w.strip() for w in prog.reverse):
        raise ProgdbError(f"{where}: field 'reverse': expected a list of words (\"singular\")")
    if not isinstance(prog.base_forms, bool):
        raise ProgdbError(f"{where}: field 'base_forms': expected true or false")
    if not prog.keys:
        raise ProgdbError(f"{where}: field 'keys': a program needs at least one key")
    for i, key in enumerate(prog.keys, 1):
        if isinstance(key, dict) and key:  # YAML reads `- summarize complaint: {text}` as a mapping
            raise ProgdbError(f"{where}: field 'keys': key {i} reads as a mapping, not text (a YAML line with "
                              f"': ' in it): quote it, - \"{_mapping_as_key(key)}\"")
        if not isinstance(key, str) or not key.strip():
            raise ProgdbError(f"{where}: field 'keys': key {i} is empty")
        if not key_text(key):
            raise ProgdbError(f"{where}: field 'keys': key {i} '{key}' has no words besides its slots")
        broken = unbalanced_slot(key)
        if broken:
            raise ProgdbError(f"{where}: field 'keys': key {i} '{key}': {broken}")
    if len(set(prog.keys)) != len(prog.keys):
        dup = next(k for k in prog.keys if prog.keys.count(k) > 1)
        raise ProgdbError(f"{where}: field 'keys': key '{dup}' is repeated")
    for i, ex in enumerate(prog.examples, 1):
        for side in ("input", "output"):
            value = getattr(ex, side)
            if not isinstance(value, str) or not value.strip():
                raise ProgdbError(f"{where}: example {i}: field '{side}' is empty")
    for field_name in ("description", "source", "license"):
        if not isinstance(getattr(prog, field_name), str):
            raise ProgdbError(f"{where}: field '{field_name}' must be text")
    if prog.kind == "vector" and not prog.examples:
        raise ProgdbError(f"{where}: a vector program needs example pairs")


def parse_card(line: str, where: str, check: bool = True) -> Program:
    try:
        d = json.loads(line)
    except json.JSONDecodeError as exc:
        raise ProgdbError(f"{where}: {json_reason(exc)}") from None
    return program_from_dict(d, where, check)

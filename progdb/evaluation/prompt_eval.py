"""`progdb eval prompts`: natural prompts as people type them, against a database.

A prompt file is JSON lines: {"prompt", "program" (null: no program serves it), "inputs",
"answers" (per input, its accepted answers; [] for text programs), "split"}. Reported per split:
  program   the right program answered (out-of-scope prompts not counted)
  input     the inputs read match the expected ones (case and articles aside)
  answer    word programs: every input answered with an accepted answer; text programs: the
            right program with every expected input inside the compiled prompt
  refused   out-of-scope prompts answered "none"
Beside them the same prompts through the plain similarity router (semantic-router's rule: the
whole prompt's best cosine to a stored phrasing, one threshold), which reads no input.
"""
from __future__ import annotations

import numpy as np

from progdb import models
from progdb.errors import ProgdbError
from progdb.ingest.pairs_io import json_lines
from progdb.query.typos import allowed_edits, closest



FIELDS = ("prompt", "program", "inputs", "answers", "split", "id")
MEANT = {"expect": "answers", "expected": "answers", "accepted": "answers", "output": "answers", "outputs": "answers",
         "want": "answers", "gold": "answers", "label": "program", "intent": "program"}  # another name for a field


def read_prompts(path: str) -> list[dict]:
    rows = []
    for n, row in json_lines(path):
        if not isinstance(row, dict) or not isinstance(row.get("prompt"), str) or not row["prompt"].strip():
            raise ProgdbError(f"{path}, line {n}: field 'prompt': a non-empty string is required")
        _check_fields(row, f"{path}, line {n}")
        row.setdefault("inputs", [])
        row.setdefault("answers", [])
        row.setdefault("split", "test")
        row["line"] = n
        rows.append(row)
    if not rows:
        raise ProgdbError(f"{path}: no prompts")
    return rows


def _check_fields(row: dict, where: str) -> None:
    """A row shaped otherwise is an error, not a score of 0 (a data scientist's "expect" and "input"
    fields were read as no answers and no inputs, and right answers listed as failures)."""
    for name in row:  # (other fields are notes of the row's own: near_miss, style)
        meant = MEANT.get(name.lower()) or (closest(name, list(FIELDS), allowed_edits(name)) if name not in FIELDS
                                            else None)
        if meant:
            raise ProgdbError(f"{where}: field '{name}': did you mean '{meant}'? (a row is {{{', '.join(FIELDS)}}}; "
                              "answers: per input, a list of its accepted answers)")
    answers = row.get("answers", [])
    if not isinstance(answers, list) or not all(isinstance(a, list) for a in answers):
        raise ProgdbError(f"{where}: field 'answers': per input, a list of its accepted answers ([[\"geese\"]])")


def _norm(text: str) -> str:
    return " ".join(text.lower().replace("’", "'").split()).strip(" .?!'\"")


def judge(row: dict, result, kinds: dict[str, str]) -> dict:
    """One prompt's outcome: which program answered, and whether its input and answer are right."""
    gold = row.get("program")
    if result is None or isinstance(result, Exception):
        return {"program": None, "refused": False, "program_ok": False, "input_ok": False, "answer_ok": False,
                "error": str(result) if result is not None else "no result"}
    names = [m.name for m in result.programs] if result.mode != "none" else []
    got = names[0] if names else None
    out = {"program": got, "refused": result.mode == "none", "inputs": result.inputs,
           "answers": [o.answer for o in result.outputs],  # (an out-of-scope prompt's too: --failures shows them)
           # the least sure answer's confidence (None: a compiled prompt or a text): how a floor would refuse
           "confidence": min((o.confidence for o in result.outputs if o.confidence is not None), default=None)}
    if gold is None:
        return out
    out["program_ok"] = gold in names
    if kinds.get(gold) == "intent":  # an intent takes no input: its route is its answer (a banking router's
        out["input_ok"] = out["answer_ok"] = out["program_ok"]  # right routes were listed as failures)
        return out
    want = [_norm(i) for i in row["inputs"]]
    read = [_norm(i) for i in result.inputs]
    out["input_ok"] = bool(want) and read == want
    if kinds.get(gold) == "vector":
        answers = [(o.answers or [o.answer]) if o.source == "stored" else [o.answer] for o in result.outputs]
        given = [[_norm(a) for a in group if a] for group in answers]
        accepted = [{_norm(a) for a in group} for group in row["answers"]]
        out["answer_ok"] = bool(out["program_ok"] and len(given) == len(accepted) and
                                all(g and _accepted(g[0], acc) for g, acc in zip(given, accepted)))
    else:
        texts = " ".join((o.answer or "") for o in result.outputs) + " " + \
            " ".join(c.text for c in getattr(result, "compiled", []))
        out["answer_ok"] = bool(out["program_ok"] and want and all(_norm(i) in _norm(texts) for i in row["inputs"]))
    return out


def _accepted(answer: str, accepted: set[str]) -> bool:
    """An accepted answer, or one inside a longer stored form ("Swiss Franc (CHF)" for "franc")."""
    words = set(answer.replace("(", " ").replace(")", " ").split())
    return answer in accepted or any(" " not in a and a in words for a in accepted)


def similarity_router(db, prompts: list[str]) -> list[str | None]:
    """semantic-router's rule on the same database: the whole prompt against every stored phrasing,
    a program scores as its best one, "none" below the database's threshold."""
    from progdb.query.retrieve import best_per_program

    threshold = db.calibration()["threshold"]
    kinds = db.catalog.kinds()
    hits = db.store.nearest_keys(models.encoder().encode(prompts), 50)
    out = []
    for h in hits:
        ranked = best_per_program(h)
        ok = ranked and ranked[0].score >= threshold and kinds.get(ranked[0].name) != "negative"
        out.append(ranked[0].name if ok else None)
    return out


def _rate(values: list[bool]) -> float | None:
    return round(float(np.mean(values)), 3) if values else None


def evaluate_prompts(db, rows: list[dict], progress=None) -> dict:
    kinds = db.catalog.kinds()
    unknown = sorted({r["program"] for r in rows if r.get("program") and r["program"] not in kinds})
    if unknown:
        raise ProgdbError(f"the prompts name programs this database does not hold: {', '.join(unknown)}")
    results = dict(db.query_many([r["prompt"] for r in rows]))
    baseline = similarity_router(db, [r["prompt"] for r in rows])
    report: dict = {"n": len(rows), "splits": {}}
    detail = []
    for row, base in zip(rows, baseline):
        res = results.get(row["prompt"])
        j = judge(row, res, kinds)
        j["baseline_program"] = base
        j.update({"want": row.get("program"), **{k: row.get(k) for k in ("prompt", "split", "line")}})
        detail.append(j)
        if progress:
            progress(j)
    for split in sorted({d["split"] for d in detail}):
        part = [d for d in detail if d["split"] == split]
        word = [d for d in part if d["want"] and kinds.get(d["want"]) == "vector"]
        intent = [d for d in part if d["want"] and kinds.get(d["want"]) == "intent"]
        text = [d for d in part if d["want"] and kinds.get(d["want"]) not in ("vector", "intent")]
        oos = [d for d in part if not d["want"]]
        report["splits"][split] = {
            "n": len(part), "n_word": len(word), "n_text": len(text), "n_intent": len(intent),
            "n_out_of_scope": len(oos),
            "intent": {"program": _rate([d["program_ok"] for d in intent])},
            "word": {"program": _rate([d["program_ok"] for d in word]), "input": _rate([d["input_ok"] for d in word]),
                     "answer": _rate([d["answer_ok"] for d in word])},
            "text": {"program": _rate([d["program_ok"] for d in text]), "input": _rate([d["input_ok"] for d in text]),
                     "answer": _rate([d["answer_ok"] for d in text])},
            "out_of_scope_refused": _rate([d["refused"] for d in oos]),
            "baseline": {"word_program": _rate([d["baseline_program"] == d["want"] for d in word]),
                         "text_program": _rate([d["baseline_program"] == d["want"] for d in text]),
                         "intent_program": _rate([d["baseline_program"] == d["want"] for d in intent]),
                         "out_of_scope_refused": _rate([d["baseline_program"] is None for d in oos])},
        }
    report["prompts"] = detail
    return report

"""`eval routes` and `eval split`: routing and slot filling measured on labelled benchmarks.

Each builds a throwaway database from a training split, so what it measures never touches the
user's database.
"""
from __future__ import annotations

import tempfile

from progdb.db import ProgramDB
from progdb.routing.calibration import route_metrics
from progdb.routing.labelled import LabelledPrompt, program_name, read_labelled


def slot_metrics(pred: list[set], gold: list[set]) -> dict:
    tp = sum(len(p & g) for p, g in zip(pred, gold))
    n_pred, n_gold = sum(map(len, pred)), sum(map(len, gold))
    precision = tp / n_pred if n_pred else 0.0
    recall = tp / n_gold if n_gold else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"slot_precision": round(precision, 4), "slot_recall": round(recall, 4), "slot_f1": round(f1, 4)}


def _throwaway_db(path: str, fmt: str, train_split: str, tmp: str) -> ProgramDB:
    db = ProgramDB(path=tmp, seed=False)
    db.import_labelled(path, fmt, train_split)
    return db


def _test_rows(path: str, fmt: str, train_split: str, test_split: str) -> list[LabelledPrompt]:
    rows = read_labelled(path, fmt, test_split)
    if test_split != train_split:
        # A test prompt that is also a training prompt measures memory, not routing.
        seen = {r.text for r in read_labelled(path, fmt, train_split)}
        rows = [r for r in rows if r.text not in seen]
    return rows


def eval_routes(path: str, fmt: str, train_split: str, fit_split: str | None, test_split: str,
                router: str = "classifier", learn: bool = True) -> dict:
    with tempfile.TemporaryDirectory(prefix="progdb-eval-") as tmp:
        db = _throwaway_db(path, fmt, train_split, tmp)
        report = {"router": router}
        if fit_split:
            report["fit"] = db.fit(read_labelled(path, fmt, fit_split), router, learn)
        else:
            db.set_calibration(router=router)
        rows = _test_rows(path, fmt, train_split, test_split)
        _, decisions = db.route_prompts([r.text for r in rows])
        pred = [d.programs[0].name if d.programs else None for d in decisions]
        gold = [program_name(r.intent) if r.intent else None for r in rows]
        return {**route_metrics(pred, gold), **report}


def eval_split(path: str, fmt: str, train_split: str, test_split: str, router: str = "classifier",
               use_templates: bool = False) -> dict:
    """Intent accuracy and slot precision/recall/F1 (exact span and slot name) end to end: each
    test prompt is routed, then the chosen intent's template or tagger fills the slots."""
    with tempfile.TemporaryDirectory(prefix="progdb-eval-") as tmp:
        db = _throwaway_db(path, fmt, train_split, tmp)
        rows = _test_rows(path, fmt, train_split, test_split)
        # Intent accuracy without abstention: SNIPS has no out-of-scope prompts.
        parsed, decisions = db.route_prompts([r.text for r in rows], router, threshold=0.0)
        pred_intents, pred_slots = [], []
        for p, d in zip(parsed, decisions):
            name = d.programs[0].name if d.programs else None
            pred_intents.append(name)
            spans = db.slots_for(name, p.prompt, use_templates) if name and db.catalog.kinds().get(name) == "intent" else []
            pred_slots.append(set(spans))
        gold_slots = [set(r.slots) for r in rows]
        right = sum(p == program_name(r.intent) for p, r in zip(pred_intents, rows) if r.intent)
        n_in = sum(1 for r in rows if r.intent)
        return {"intent_accuracy": round(right / n_in, 4) if n_in else None,
                **slot_metrics(pred_slots, gold_slots), "n": len(rows)}

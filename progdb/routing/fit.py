"""`fit`: calibrate routing on labelled prompts, and (the classifier) learn from them.

The threshold maximises in-scope accuracy + out-of-scope recall. With the classifier, the
thresholds are chosen on out-of-fold decisions: each prompt routed by a router that never saw it,
as an unseen prompt will be.
"""
from __future__ import annotations

import json
from typing import Callable, ContextManager

import numpy as np

from progdb import models
from progdb.errors import ProgdbError
from progdb.query.retrieve import Retrieval
from progdb.routing.calibration import choose_threshold, fit_metrics, offsets_json, program_offsets
from progdb.routing.labelled import LabelledPrompt, program_name
from progdb.routing.router import Router, cached_router, fold_of
from progdb.routing.routes import NOTHING_LEARNED, ROUTERS, Routes

LEARN_FOLDS = 5  # fit's out-of-fold routers: each trains on 4/5 of the labelled prompts


def fit(routes: Routes, rows: list[LabelledPrompt], writing: Callable[[], ContextManager],
        router: str = "auto", learn: bool = True, library: tuple | None = None) -> dict:
    """Store the calibration chosen on `rows` (out-of-scope ones with intent None), and with the
    classifier and `learn` the prompts themselves (in place of the last fit's); `writing()` is the
    database's write lock. router "auto": auto_router. `library`: the built-in library's labelled
    requests (labels, texts, vectors) of a seeded database; they stay, and the library keeps its
    threshold: the similarity router's fitted threshold is then the fitted programs' own."""
    kinds = routes.catalog.kinds()
    if router == "auto":
        router = auto_router(kinds)
    if router not in ROUTERS:
        raise ProgdbError(f"fit: router '{router}' is not one of auto, {', '.join(ROUTERS)}")
    for r in rows:
        if r.intent is not None and program_name(r.intent) not in kinds:
            raise ProgdbError(f"{r.where}: intent '{r.intent}' has no program '{program_name(r.intent)}' "
                              "in this database (import the training split first)")
    if not rows:
        raise ProgdbError("fit: no labelled prompts")
    gold = [program_name(r.intent) if r.intent else None for r in rows]
    _, keys, vectors = routes.routing_keys([r.text for r in rows])
    # A classifier needs two classes: the programs, and out of scope when some prompts are.
    learn = learn and router == "classifier" and len(set(kinds) | ({None} & set(gold))) >= 2
    # Route with a threshold of 0 to see every prompt's best program and its score.
    if learn:
        decisions = out_of_fold(routes, gold, keys, vectors)
    else:  # the router of the keys alone, as routing will be once this fit replaces the learned prompts
        keys_only = cached_router(*routes.router_rows(NOTHING_LEARNED), models.encoder().model_path)
        decisions = routes.route(keys, vectors, router, 0.0, model=keys_only)
    scored = [(d.programs[0].name if d.programs else None, d.programs[0].score if d.programs else 0.0,
               d.exact) for d in decisions]
    threshold, _ = choose_threshold(scored, gold)
    # The classifier's probabilities differ in spread per program: each gets its own threshold,
    # shrunk toward the global one (calibration.program_offsets).
    offsets = program_offsets(scored, gold, threshold) if router == "classifier" else {}
    report = {"router": router, "threshold": round(threshold, 4), "n": len(rows),
              "n_out_of_scope": gold.count(None), **fit_metrics(scored, gold, threshold, offsets),
              "own_thresholds": len(offsets), "learned": len(rows) if learn else 0}
    values = {"router": router, "program_thresholds": "{}"}
    if library is not None and router == "similarity":  # the fitted programs' own; the library keeps its
        report["threshold_of"] = fitted = sorted({g for g in gold if g})
        values["program_thresholds"] = json.dumps({p: round(threshold, 4) for p in fitted})
    else:
        values["router_threshold" if router == "classifier" else "threshold"] = threshold
    values["fit"] = json.dumps(report)
    if router == "classifier":
        values["router_offsets"] = offsets_json(offsets)
    with writing():
        # Thresholds hold for the router they were chosen with: without learning, nothing learned.
        routes.store.replace_labelled(*_with_library((gold, keys, vectors) if learn else NOTHING_LEARNED, library))
        routes.store.set_settings(**values)
    if learn:
        routes.router()  # trained now (and cached) rather than by the first query
    return report


def _with_library(learned: tuple, library: tuple | None) -> tuple:
    """The fit's learned prompts after the library's own, which a fit never replaces."""
    if library is None:
        return learned
    labels, texts, vectors = library
    if not learned[1]:
        return list(labels), list(texts), vectors
    return list(labels) + list(learned[0]), list(texts) + list(learned[1]), np.vstack([vectors, learned[2]])


def auto_router(kinds: dict[str, str]) -> str:
    """The classifier for a database of intents alone (CLINC150's); the reader's similarity when it
    holds programs that take inputs (the built-in library beside a user's routes): the classifier
    routes whole prompts, so it would read no input, no typo and no second request of theirs."""
    return "classifier" if all(k in ("intent", "negative") for k in kinds.values()) else "similarity"


def out_of_fold(routes: Routes, gold: list[str | None], keys: list[str], vectors: np.ndarray) -> list[Retrieval]:
    """Each prompt routed (threshold 0) by a router trained on the keys and the prompts of the
    other folds. A program's prompts share a fold: prompts written for one intent together are
    near-paraphrases (CLINC150's val prompts are closer to each other than to the train prompts
    of their intent), and a sibling in training would make a prompt look surer than an unseen
    one, so the thresholds would sit too high (docs/research.md). Out-of-scope prompts: a fold by
    a hash of the text."""
    folds = {p: i % LEARN_FOLDS for i, p in enumerate(sorted({g for g in gold if g}))}
    fold = np.array([folds[g] if g else fold_of(k, LEARN_FOLDS) for g, k in zip(gold, keys)])
    labels = [g or routes.negative_class() for g in gold]
    decisions: list[Retrieval | None] = [None] * len(keys)
    for f in range(LEARN_FOLDS):
        inside, outside = np.flatnonzero(fold == f), np.flatnonzero(fold != f)
        if not len(inside):
            continue
        learned = ([labels[i] for i in outside], [keys[i] for i in outside], vectors[outside])
        train_labels, texts, vecs = routes.router_rows(learned)
        model = Router.train(texts, vecs, train_labels)
        for i, d in zip(inside, routes.route([keys[i] for i in inside], vectors[inside], "classifier", 0.0,
                                             model=model)):
            decisions[i] = d
    return decisions

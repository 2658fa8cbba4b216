"""`fit`: calibrate routing on labelled prompts, and learn from them (the classifier the prompts,
the reader beside the built-in library their requests, routing/phrasings.py).

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
from progdb.query.retrieve import DEFAULT_THRESHOLD, Retrieval
from progdb.query.typos import allowed_edits, closest
from progdb.routing.calibration import choose_threshold, fit_metrics, offsets_json, program_offsets
from progdb.routing.labelled import LabelledPrompt, program_name
from progdb.routing.router import Router, cached_router, fold_of
from progdb.routing.routes import NOTHING_LEARNED, ROUTERS, Routes

LEARN_FOLDS = 5  # fit's out-of-fold routers: each trains on 4/5 of the labelled prompts
FIT_PRIOR_PROMPTS = 10  # a user's fitted threshold weighs their out-of-scope prompts against this many for the default


OUT_OF_SCOPE_LABELS = ("oos", "out-of-scope", "out_of_scope")  # CLINC150's label, as a banking router's file wrote it


def _program_of(row: LabelledPrompt, kinds: dict[str, str]) -> str | None:
    """The program a label names written otherwise ("order_status" of order-status), None for an
    out-of-scope label no program is named ("oos"), or an error naming the one it may mean."""
    name = program_name(row.intent)
    if name in OUT_OF_SCOPE_LABELS:
        return None
    for other in (name.replace("_", "-"), name.replace("-", "_")):
        if other in kinds:
            return other
    near = closest(name, sorted(kinds), allowed_edits(name))
    raise ProgdbError(f"{row.where}: intent '{row.intent}' has no program '{name}' in this database"
                      + (f"; did you mean '{near}'?" if near else " (import the training split first)"))


def fit(routes: Routes, rows: list[LabelledPrompt], writing: Callable[[], ContextManager],
        router: str = "auto", learn: bool = True, library: tuple | None = None,
        phrasings: Callable[[list[tuple[str, str | None]]], list[str]] | None = None) -> dict:
    """Store the calibration chosen on `rows` (out-of-scope ones with intent None), and with the
    classifier and `learn` the prompts themselves (in place of the last fit's); `writing()` is the
    database's write lock. router "auto": auto_router. `library`: the built-in library's labelled
    requests (labels, texts, vectors) of a seeded database; they stay, and the library keeps its
    threshold: the similarity router's fitted threshold is then the fitted programs' own, and with
    `learn` the prompts' requests (`phrasings` reads them) are learned as their programs' phrasings."""
    kinds = routes.catalog.kinds()
    if router == "auto":
        router = auto_router(kinds)
    if router not in ROUTERS:
        raise ProgdbError(f"fit: router '{router}' is not one of auto, {', '.join(ROUTERS)}")
    for r in rows:
        if r.intent is not None and program_name(r.intent) not in kinds:
            r.intent = _program_of(r, kinds)
    if not rows:
        raise ProgdbError("fit: no labelled prompts")
    gold = [program_name(r.intent) if r.intent else None for r in rows]
    if library is not None and router == "similarity" and learn and phrasings is not None:
        return fit_phrasings(routes, [r.text for r in rows], gold, writing, library, phrasings)
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
    if library is not None and router == "similarity":
        threshold = max(threshold, DEFAULT_THRESHOLD)  # as fit_phrasings chooses it
    # The classifier's probabilities differ in spread per program: each gets its own threshold,
    # shrunk toward the global one (calibration.program_offsets).
    offsets = program_offsets(scored, gold, threshold) if router == "classifier" else {}
    report = {"router": router, "threshold": round(threshold, 4), "n": len(rows),
              "n_out_of_scope": gold.count(None), **fit_metrics(scored, gold, threshold, offsets),
              "own_thresholds": len(offsets), "learned": len(rows) if learn else 0}
    values = {"router": router, "program_thresholds": "{}"}
    if library is not None and router == "similarity":  # the fitted programs' own; the library keeps its
        report["threshold_of"] = fitted = _users_programs(gold, library)
        report["own_thresholds"] = len(fitted)  # (as show --calibration's program_thresholds counts them)
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


def fit_phrasings(routes: Routes, prompts: list[str], gold: list[str | None], writing: Callable[[], ContextManager],
                  library: tuple, phrasings: Callable) -> dict:
    """A seeded database's fit: each in-scope prompt's request (its input left out) becomes a
    phrasing of its program and each out-of-scope prompt a stored one, beside the library's, which
    stay; so a user's program is found by the way colleagues ask for it, not only by its few keys.
    The fitted programs' threshold is chosen on out-of-fold scores: each request scored against
    the keys, the library and the other folds' requests, as an unseen prompt will be; never below
    the default, which a user's programs keep with no out-of-scope prompts to trade against: a
    lower one let a user's program take what the library serves ("say this in plain english for
    the sales team: …" ran a product manager's error-explain at 0.51), which no out-of-scope prompt
    of the user's tests."""
    texts = phrasings(list(zip(prompts, gold)))
    # a prompt whose request is question words alone ("whats in a paloma") teaches no phrasing: left out
    unlearned = [p for p, t in zip(prompts, texts) if not t]
    kept = [i for i, t in enumerate(texts) if t]
    prompts, gold, texts = [prompts[i] for i in kept], [gold[i] for i in kept], [texts[i] for i in kept]
    vectors = models.encoder().encode(texts)
    scored = out_of_fold_similarity(routes, gold, texts, vectors, library)
    fitted = _users_programs(gold, library)
    # Counted in requests, not rates: five out-of-scope prompts beside thirteen requests of five programs
    # made each refusal worth three right answers, and the fit chose 0.82, losing 5 of an engineer's 25
    # (their out-of-scope prompts are stored besides, and refuse what is like them at any threshold).
    chosen = max(choose_threshold(scored, gold, counts=True)[0], DEFAULT_THRESHOLD) if None in gold \
        else DEFAULT_THRESHOLD
    # A cut chosen on a handful of out-of-scope prompts is mostly their noise: it is drawn toward the
    # default as if FIT_PRIOR_PROMPTS more had found the default best (a crossword setter's six put it at
    # 0.80 and their own "crossword abbrev for sailor", 0.78, was refused; a teacher's six, 0.795)
    weight = gold.count(None) / (gold.count(None) + FIT_PRIOR_PROMPTS)
    threshold = DEFAULT_THRESHOLD + (chosen - DEFAULT_THRESHOLD) * weight
    report = {"router": "similarity", "threshold": round(threshold, 4), "n": len(prompts) + len(unlearned),
              "n_out_of_scope": gold.count(None), **fit_metrics(scored, gold, threshold),
              "own_thresholds": len(fitted), "learned": len(prompts), "unlearned": unlearned, "threshold_of": fitted,
              "threshold_alone": {"threshold": round(chosen, 4), "out_of_scope_prompts": gold.count(None)}}
    values = {"router": "similarity", "program_thresholds": json.dumps({p: round(threshold, 4) for p in fitted}),
              "fit": json.dumps(report)}
    with writing():
        routes.store.replace_labelled(*_with_library((gold, texts, vectors), library))
        routes.store.set_settings(**values)
    return report


def _users_programs(gold: list[str | None], library: tuple) -> list[str]:
    """The fitted programs that get the fit's threshold: the user's. A library program labelled in
    the fit keeps the library's threshold, and its library rules (the reader takes the programs
    with a threshold of their own for the user's)."""
    return sorted({g for g in gold if g} - set(library[0]))


def out_of_fold_similarity(routes: Routes, gold: list[str | None], texts: list[str], vectors: np.ndarray,
                           library: tuple) -> list[tuple[str | None, float, bool]]:
    """Each request's best program and its cosine (None when a stored out-of-scope prompt is
    nearest), against every key, the library's requests and the requests of the other folds."""
    key_labels, key_texts, key_vectors = routes.store.keys_with_vectors()
    lib_labels, _, lib_vectors = library
    labels = list(key_labels) + list(lib_labels)
    rows = np.vstack([key_vectors, lib_vectors]) if len(lib_labels) else key_vectors
    kinds = routes.catalog.kinds()
    fold = np.array([fold_of(t, LEARN_FOLDS) for t in texts])
    keys = {t.lower() for t in key_texts}
    scored = []
    for i, text in enumerate(texts):
        others = np.flatnonzero(fold != fold[i])
        row_labels = labels + [gold[j] for j in others]
        sims = np.concatenate([rows @ vectors[i], vectors[others] @ vectors[i]])
        best = int(np.argmax(sims))
        program = row_labels[best]
        if program is not None and kinds.get(program) == "negative":
            program = None
        scored.append((program, float(sims[best]), text.lower() in keys))
    return scored


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

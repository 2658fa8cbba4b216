"""Choose the routing thresholds (one global, and the classifier's per-program offsets from it)
and score routing decisions against labels; `fit` uses choose_threshold() on the user's own
database, `eval routes` (evaluation/routes.py) on a throwaway one.
"""
from __future__ import annotations

import json
from collections import Counter

Prediction = tuple[str | None, float, bool]  # best program (None: nothing), its score, exact key match


SHRINK = 20  # a program's own threshold counts as this many prompts' worth beside the global one


def abstain(scored: list[Prediction], threshold: float, offsets: dict[str, float] | None = None) -> list[str | None]:
    """The decision: a prompt's best program, or None below that program's threshold (the global
    one plus the program's offset); an exact key match never abstains."""
    offsets = offsets or {}
    return [p if e or s >= threshold + offsets.get(p, 0.0) else None for p, s, e in scored]


def choose_threshold(scored: list[Prediction], gold: list[str | None], counts: bool = False) -> tuple[float, dict]:
    """The threshold maximising in-scope accuracy + out-of-scope recall on these rows (a prompt
    abstains below it; an exact key match never does); with `counts`, the number of rows it gets
    right (a right answer lost weighs what an out-of-scope prompt refused does, however few of
    either there are). Without out-of-scope rows it abstains on at most 1% of the right answers."""
    import numpy as np

    score = np.array([s for _, s, _ in scored], dtype=np.float64)
    exact = np.array([e for _, _, e in scored], dtype=bool)
    is_oos = np.array([g is None for g in gold])
    right = np.array([p == g and g is not None for (p, _, _), g in zip(scored, gold)])
    if not is_oos.any():
        t = float(np.quantile(score[right], 0.01)) if right.any() else 0.0
    else:
        # Cuts midway between neighbouring scores: on few prompts the next score up can be far
        # above the last out-of-scope one caught, and a cut there rejects unseen right answers.
        scores = np.unique(np.round(score, 4))
        ts = np.unique(np.r_[0.0, (scores[:-1] + scores[1:]) / 2, scores[-1] + 1e-4])
        pred_none = np.array([p is None for p, _, _ in scored])
        accepted = (score[None, :] >= ts[:, None]) | exact[None, :]
        in_acc = (accepted & right[None, :]).sum(1) / max((~is_oos).sum(), 1)
        oos_rec = ((~accepted | pred_none[None, :]) & is_oos[None, :]).sum(1) / is_oos.sum()
        if counts:
            in_acc, oos_rec = in_acc * (~is_oos).sum(), oos_rec * is_oos.sum()
        t = float(ts[int(np.argmax(in_acc + oos_rec))])
    return t, fit_metrics(scored, gold, t)


def fit_metrics(scored: list[Prediction], gold: list[str | None], threshold: float,
                offsets: dict[str, float] | None = None) -> dict:
    m = route_metrics(abstain(scored, threshold, offsets), gold)
    return {"in_scope_accuracy": m["in_scope_accuracy"], "oos_recall": m["oos_recall"]}


def program_offsets(scored: list[Prediction], gold: list[str | None], threshold: float,
                    shrink: float = SHRINK) -> dict[str, float]:
    """Per program, how far its own threshold sits from the global one (only those that differ).

    The router is surer of some programs than of others, so one threshold rejects right answers
    of the first and lets out-of-scope prompts through to the second. Each program's own
    threshold is chosen on the prompts routed to it, by the objective of choose_threshold: above
    the out-of-scope prompts routed to it where its right answers allow, and below its lowest
    right answer when none was routed to it. ~10 prompts a program make that choice noisy, so it
    is shrunk toward the global one: t = (n t_own + shrink t) / (n + shrink). Measured on CLINC150
    by bench/route_thresholds.py, retired: docs/research.md. Without out-of-scope rows, or without
    in-scope ones, there is nothing to trade: no offsets."""
    if all(g is not None for g in gold) or all(g is None for g in gold):
        return {}
    n_in = sum(g is not None for g in gold)
    n_oos = len(gold) - n_in
    routed: dict[str, list[tuple[float, str | None]]] = {}
    for (p, s, e), g in zip(scored, gold):
        if p is not None and not e:  # exact matches never abstain: nothing to learn from them
            routed.setdefault(p, []).append((s, g))
    offsets = {}
    for program, rows in routed.items():
        own = _own_threshold(program, rows, threshold, n_in, n_oos)
        t = (len(rows) * own + shrink * threshold) / (len(rows) + shrink)
        if round(t - threshold, 4):
            offsets[program] = round(t - threshold, 4)
    return offsets


def _own_threshold(program: str, rows: list[tuple[float, str | None]], threshold: float,
                   n_in: int, n_oos: int) -> float:
    import numpy as np

    right = np.sort([s for s, g in rows if g == program])
    oos = np.sort([s for s, g in rows if g is None])
    if not len(oos):
        return min(threshold, right[0]) if len(right) else threshold
    # Candidate cuts between neighbouring scores; a prompt is accepted at or above a cut.
    scores = np.unique([s for s, _ in rows])
    cuts = np.r_[threshold, scores[0] - 1e-4, (scores[:-1] + scores[1:]) / 2, scores[-1] + 1e-4]
    gain = ((len(right) - np.searchsorted(right, cuts)) / n_in  # right answers kept
            + np.searchsorted(oos, cuts) / n_oos)                # out-of-scope prompts rejected
    best = np.flatnonzero(gain >= gain.max() - 1e-12)
    # The global threshold stays if it does as well as any; else the middle of the best cuts,
    # the farthest from the prompts on either side.
    return threshold if best[0] == 0 else float(cuts[best[len(best) // 2]])


def offsets_json(value: str | dict) -> str:
    """Offsets as the database stores them: a JSON object (its settings hold flat values only)."""
    offsets = json.loads(value) if isinstance(value, str) else value
    return json.dumps({str(name): None if v is None else float(v) for name, v in offsets.items()}, sort_keys=True)


def route_metrics(pred: list[str | None], gold: list[str | None]) -> dict:
    """In-scope accuracy (abstaining counts as wrong), out-of-scope recall and precision, and
    the macro F1 over every intent with out-of-scope as one more class (CLINC150's convention)."""
    n_in = sum(g is not None for g in gold)
    n_oos = len(gold) - n_in
    right_in = sum(p == g for p, g in zip(pred, gold) if g is not None)
    oos_hit = sum(p is None for p, g in zip(pred, gold) if g is None)
    pred_oos = sum(p is None for p in pred)
    tp, fp, fn = Counter(), Counter(), Counter()
    for p, g in zip(pred, gold):
        if p == g:
            tp[g] += 1
        else:
            fp[p] += 1
            fn[g] += 1
    classes = set(gold)
    f1s = [2 * tp[c] / (2 * tp[c] + fp[c] + fn[c]) if tp[c] + fp[c] + fn[c] else 0.0 for c in classes]
    return {
        "in_scope_accuracy": round(right_in / n_in, 4) if n_in else None,
        "oos_recall": round(oos_hit / n_oos, 4) if n_oos else None,
        "oos_precision": round(oos_hit / pred_oos, 4) if pred_oos else None,
        "macro_f1": round(sum(f1s) / len(f1s), 4) if f1s else None,
        "n": len(gold),
    }

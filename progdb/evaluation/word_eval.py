"""Leave-one-out evaluation of word-program methods on relation data (see analogy_data).

Each category becomes a temporary program made from its own pairs; every unique input is predicted
from the other inputs' pairs alone (its own pair left out), and counts as correct when the answer is
any of its accepted answers. Inputs or answers outside the word space are skipped, as gensim skips
questions with unknown words.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from progdb.evaluation.analogy_data import Items
from progdb.words.holdout import Holdout
from progdb.words.space import WordSpace, canonical
from progdb.words.methods import GEOMETRY_OF, Fitted, PairSet, SurfaceRules, decode


@dataclass
class CategoryScore:
    n: int
    acc1: float
    acc5: float
    skipped: int = 0


@dataclass
class Report:
    method: str
    per_category: dict[str, CategoryScore] = field(default_factory=dict)

    @property
    def micro_acc1(self) -> float:
        return _micro(self.per_category, "acc1")

    @property
    def micro_acc5(self) -> float:
        return _micro(self.per_category, "acc5")

    @property
    def macro_acc1(self) -> float:
        scored = [c.acc1 for c in self.per_category.values() if c.n]
        return float(np.mean(scored)) if scored else 0.0

    def to_dict(self) -> dict:
        return {
            "method": self.method,
            "micro_acc1": round(self.micro_acc1, 4),
            "macro_acc1": round(self.macro_acc1, 4),
            "micro_acc5": round(self.micro_acc5, 4),
            "n": sum(c.n for c in self.per_category.values()),
            "per_category": {name: {"n": c.n, "acc1": round(c.acc1, 4), "acc5": round(c.acc5, 4),
                                    "skipped": c.skipped}
                             for name, c in self.per_category.items()},
        }


def _micro(cats: dict[str, CategoryScore], attr: str) -> float:
    n = sum(c.n for c in cats.values())
    return sum(getattr(c, attr) * c.n for c in cats.values()) / n if n else 0.0


def evaluate(space: WordSpace, relations: dict[str, Items], method: str, progress=None, record=None) -> Report:
    """record(question): each question asked, as a dict (category, input, accepted answers, the top 5
    predicted, the rank of the first accepted one, and for 3CosAdd the one pair it came from)."""
    report = Report(method)
    for name, items in relations.items():
        usable = [(a, [b for b in bs if b in space and canonical(b) != canonical(a)]) for a, bs in items if a in space]
        usable = [(a, bs) for a, bs in usable if bs]
        skipped = len(items) - len(usable)
        if len(usable) < 2:
            report.per_category[name] = CategoryScore(0, 0.0, 0.0, skipped)
            continue
        said = (lambda q, name=name: record({"method": method, "category": name, **q})) if record else None
        hits1, hits5 = (_score_add if method == "add" else _score_loo)(space, usable, method, said)
        report.per_category[name] = CategoryScore(len(usable), hits1, hits5, skipped)
        if progress:
            progress(name, report.per_category[name])
    return report


def _score_loo(space: WordSpace, items: Items, method: str, record=None) -> tuple[float, float]:
    everything = PairSet(space, [(a, b) for a, bs in items for b in bs])
    rules = SurfaceRules(everything.pairs)
    ranker = None
    if method in GEOMETRY_OF:  # the learned ranker, cross-fitted (words/ranker.py)
        from progdb.words.ranker import RankerFitted, ranker_for, resolve_method

        ranker = ranker_for(space, everything.pairs)
    fitted, inputs = [], []
    for a, bs in items:
        fold = everything.without({a})  # rules see the same fold through leave_out
        f = Fitted(space, fold, method, rules=rules, leave_out=[(a, b) for b in bs])
        if ranker is not None and resolve_method(method, ranker, a) == "ranker":
            f = RankerFitted(f, ranker, a)  # a model that never saw a's fold, evidence without a's pairs
        fitted.append(f)
        inputs.append(a)
    ranked = decode(space, fitted, inputs, k=5)
    return _accuracy(items, [r.words for r in ranked], range(len(items)), record)


def _score_add(space: WordSpace, items: Items, method: str, record=None) -> tuple[float, float]:
    """3CosAdd as gensim runs it: one other pair at a time, averaged over every other pair."""
    fitted, inputs, owner, via = [], [], [], []
    single = {}
    for i, (a, _) in enumerate(items):
        for j, (x, ys) in enumerate(items):
            if j == i:
                continue
            if j not in single:
                single[j] = Fitted(space, PairSet(space, [(x, ys[0])]), "add")
            fitted.append(single[j])
            inputs.append(a)
            owner.append(i)
            via.append([x, ys[0]])
    ranked = decode(space, fitted, inputs, k=5)
    a1, a5 = _accuracy(items, [r.words for r in ranked], owner, record, via)
    return a1, a5


def _accuracy(items: Items, answers: list[list[str]], owner, record=None, via=None) -> tuple[float, float]:
    top1 = np.zeros(len(items))
    top5 = np.zeros(len(items))
    count = np.zeros(len(items))
    for q, (words, i) in enumerate(zip(answers, owner)):
        accepted = {canonical(b) for b in items[i][1]}
        count[i] += 1
        top1[i] += bool(words) and canonical(words[0]) in accepted
        top5[i] += any(canonical(w) in accepted for w in words[:5])
        if record is not None:
            rank = next((r + 1 for r, w in enumerate(words[:5]) if canonical(w) in accepted), None)
            record({"input": items[i][0], "accepted": list(items[i][1]), "predicted": list(words[:5]), "rank": rank,
                    **({"via": via[q]} if via is not None else {})})
    return float(np.mean(top1 / count)), float(np.mean(top5 / count))


def icl_prompt(demos: list[tuple[str, str]], text: str) -> str:
    """One demonstration a line, as a user would paste them."""
    return "\n".join(f"{a} -> {b}" for a, b in demos) + f"\n{text} ->"


SPLITS = ("report", "tune", "all")
REPORT_FOLD = 0  # the ranker's validation fold (words/ranker.py fold_of), never tuned on


def icl_split(text: str) -> str:
    """A pair's side of the fixed split of the function-vector tasks, by its input alone:
    "report" when sha1(canonical input) falls in fold REPORT_FOLD of 5 (a fifth of the inputs),
    else "tune". Choices are made on "tune"; "report" only reports."""
    from progdb.words.ranker import fold_of

    return "report" if fold_of(text) == REPORT_FOLD else "tune"


def evaluate_icl(db, relations: dict[str, Items], shots: int, progress=None, split: str = "all") -> dict:
    """Every pair of a task (of the `split` side, SPLITS) answered from a prompt of `shots` other
    pairs of the same task. It measures the program, not the memory: the asked input's stored
    pairs and the reverses of its pairs and of its accepted answers are hidden from every program
    and from the ranker's evidence (words/holdout.py), and no demonstration is the asked pair's
    reverse. Demonstrations are the next pairs in a fixed shuffled order of the whole task."""
    if split not in SPLITS:
        raise ValueError(f"unknown split '{split}' (choose from {', '.join(SPLITS)})")
    per_task = {}
    for name, items in relations.items():
        order = np.random.default_rng(0).permutation(len(items))
        hits = asked = 0
        for pos, i in enumerate(order):
            text, accepted = items[i]
            if split != "all" and icl_split(text) != split:
                continue
            asked += 1
            near = {canonical(text)} | {canonical(b) for b in accepted}
            demos = []
            for d in range(1, len(items)):
                j = order[(pos + d) % len(items)]
                a, b = items[j][0], items[j][1][0]
                if j != i and not (canonical(a) in near and canonical(b) == canonical(text)):
                    demos.append((a, b))
                if len(demos) == shots:
                    break
            try:
                result = db.query(icl_prompt(demos, text), k=1, use_stored=Holdout.of(text, accepted))
                answer = result.outputs[0].answer if result.outputs else None
            except Exception:  # an input outside the word space is simply wrong, as for a person
                answer = None
            hits += answer is not None and canonical(answer) in {canonical(b) for b in accepted}
        per_task[name] = {"n": asked, "acc1": round(hits / asked, 4) if asked else 0.0}
        if progress:
            progress(name, per_task[name])
    n = sum(t["n"] for t in per_task.values())
    scored = [t["acc1"] for t in per_task.values() if t["n"]]
    return {"shots": shots, "split": split,
            "micro_acc1": round(sum(t["acc1"] * t["n"] for t in per_task.values()) / n, 4) if n else 0.0,
            "macro_acc1": round(float(np.mean(scored)), 4) if scored else 0.0,
            "per_task": per_task}

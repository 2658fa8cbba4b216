"""How often an in-context prompt names the stored program its demonstrations come from.

For every function-vector task with a seeded vector program, every pair is asked as `progdb eval icl`
asks it (K other pairs of the task as demonstrations, in the same shuffled order; the asked input
left out of the stored programs) and the decision of progdb/db.py::_query_incontext is replayed with
progdb/query/incontext.py: the stored program named, or none (the demonstrations' own offset). Reported per
task and K: `id` (the task's program named), `other` (another program named), `top` (the task's
program ranked first, named or not), and the medians of the best fit, the runner-up, the task
program's fit and the self-fit when it was not named.

Negatives are relations no stored vector program holds (translation and letter/length tasks from the
same data, seeded relations reversed, and made-up pairs): there `named` (any stored program named)
should stay near 0.

The demonstrations are themselves pairs of the seeded programs (their 80% share), so a program may
recognise them from memory; `--novel` also leaves the demonstrations' inputs out of every stored
program, as for demonstrations a user makes up (positives only; negatives are not stored pairs).

Pairs are split by sha1(lower-case input) % 2. The constants of progdb/query/incontext.py were chosen on
half 0 (both conditions; a grid over threshold, gain, lead and the weight of direction in the fit:
the best mean identification rate that named no task's program less often than before by more than
0.05 and kept negatives and wrong programs rare) and are reported on half 1 (`--half 1`). `--acc` also
runs the whole query (as `progdb eval icl`) for acc@1.

    HF_HUB_OFFLINE=1 .venv/bin/python bench/icl_identify.py [--shots 1,3,5] [--half 0|1|all]
        [--tasks antonym,next_item,...] [--novel] [--acc] [--json]

Uses the default database (`progdb --db`, env PROGDB_DB). One core: all pairs, K = 1,3,5, about 4 min;
one half with --acc about 10 min.
"""
from __future__ import annotations

import argparse
import hashlib
import json
import sys
from collections import Counter
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from progdb.evaluation.analogy_data import load_relations  # noqa: E402
from progdb.db import ProgramDB, word_space  # noqa: E402
from progdb.evaluation.word_eval import icl_prompt  # noqa: E402
from progdb.query.incontext import FIT_GAIN, FIT_THRESHOLD, rank_programs, self_fit  # noqa: E402
from progdb.words.methods import Fitted  # noqa: E402
from progdb.words.space import canonical  # noqa: E402

FV = Path(__file__).resolve().parents[2] / "shared" / "data" / "function_vectors" / "abstractive"
# FV task -> the seeded vector program holding its pairs (national_parks is a fewshot program).
TASKS = {"singular-plural": "plural", "present-past": "past-tense", "country-capital": "country-capital",
         "country-currency": "country-currency", "person-instrument": "person-instrument",
         "person-sport": "person-sport", "national_parks": None, "next_item": "next-item",
         "prev_item": "previous-item", "antonym": "antonym", "synonym": "synonym"}
NEGATIVE_FILES = ["english-french", "english-german", "english-spanish", "word_length", "lowercase_first_letter"]
REVERSED = ["singular-plural", "present-past", "country-capital"]
MADE_UP = {
    "animal-sound": "dog bark, cat meow, cow moo, duck quack, sheep baa, pig oink, lion roar, horse neigh, "
                    "owl hoot, snake hiss, bee buzz, wolf howl, frog croak, mouse squeak, donkey bray, "
                    "rooster crow, crow caw, dove coo, elephant trumpet, hyena laugh",
    "animal-young": "cat kitten, dog puppy, cow calf, sheep lamb, horse foal, goat kid, pig piglet, "
                    "duck duckling, goose gosling, lion cub, bear cub, kangaroo joey, frog tadpole, deer fawn, "
                    "swan cygnet, owl owlet, hen chick, eagle eaglet, seal pup, butterfly caterpillar",
    "thing-color": "banana yellow, grass green, sky blue, blood red, snow white, coal black, lemon yellow, "
                   "tomato red, carrot orange, cherry red, leaf green, milk white, night black, "
                   "strawberry red, lime green, ocean blue, chocolate brown, pumpkin orange, ivory white, soot black",
    "tool-material": "axe wood, saw wood, scissors paper, needle cloth, chisel stone, plane wood, "
                     "shears wool, drill metal, pen paper, loom yarn, kiln clay, anvil iron, brush paint, "
                     "trowel cement, knife bread, spade soil, rake leaves, file metal, lathe wood, mop floor",
}


def half_of(text: str) -> int:
    return int(hashlib.sha1(text.strip().lower().encode()).hexdigest(), 16) % 2


def prompts(items, shots: int):
    """(asked input, accepted answers, demonstrations) as progdb/evaluation/word_eval.py::evaluate_icl builds them."""
    order = np.random.default_rng(0).permutation(len(items))
    for pos, i in enumerate(order):
        text, accepted = items[i]
        demos = [(items[j][0], items[j][1][0]) for j in
                 (order[(pos + d) % len(items)] for d in range(1, shots + 1)) if j != i]
        yield text, accepted, demos


class Novel:
    """A stored program that never saw the given inputs (neither the asked one nor the demonstrations')."""

    def __init__(self, wp, inputs):
        self.wp, self.name = wp, wp.name
        self.drop = {a for a, _ in wp.pairs.pairs if a.strip().lower() in {i.strip().lower() for i in inputs}}

    def fitted(self, method, leave_out=None):
        if not self.drop:
            return self.wp.fitted(method)
        return Fitted(self.wp.space, self.wp.pairs.without(self.drop), method, self.wp.rules,
                      [p for p in self.wp.pairs.pairs if p[0] in self.drop])


def decide(space, programs, demos, text, novel=False):
    """The replay of db.py::_query_incontext's choice: (named program or None, ranked, self-fit)."""
    if novel:
        programs = [Novel(wp, [text] + [a for a, _ in demos]) for wp in programs]
    ranked = rank_programs(space, programs, demos, text)
    own = self_fit(space, demos)
    named = ranked[0][0] if ranked and ranked[0][1] >= max(FIT_THRESHOLD, own + FIT_GAIN) else None
    return named, ranked, own


def measure(db, space, programs, name, items, expected, shots, half, acc, novel=False):
    rows = []
    for text, accepted, demos in prompts(items, shots):
        if half is not None and half_of(text) != half:
            continue
        named, ranked, own = decide(space, programs, demos, text, novel)
        row = {"named": named, "ranked": ranked, "own": own}
        if acc:
            try:
                out = db.query(icl_prompt(demos, text), k=1, use_stored=False).outputs
                answer = out[0].answer if out else None
            except Exception:  # an input outside the word space is wrong, as in evaluate_icl
                answer = None
            row["hit"] = answer is not None and canonical(answer) in {canonical(b) for b in accepted}
        rows.append(row)
    return summarise(rows, expected, acc)


def summarise(rows, expected, acc):
    n = len(rows)
    scored = [r for r in rows if r["ranked"]]
    out = {"n": n, "named": _rate(sum(r["named"] is not None for r in rows), n)}
    if expected:
        missed = [r for r in scored if r["named"] != expected]
        exp_fit = [dict(r["ranked"])[expected] for r in missed if expected in dict(r["ranked"])]
        out.update({
            "id": _rate(sum(r["named"] == expected for r in rows), n),
            "other": _rate(sum(r["named"] not in (None, expected) for r in rows), n),
            "top": _rate(sum(r["ranked"][0][0] == expected for r in scored), n),
            "missed_best": _median([r["ranked"][0][1] for r in missed]),
            "missed_second": _median([r["ranked"][1][1] for r in missed if len(r["ranked"]) > 1]),
            "missed_expected": _median(exp_fit),
            "missed_self": _median([r["own"] for r in missed]),
        })
    out["names"] = dict(Counter(r["named"] for r in rows if r["named"]).most_common(4))
    if acc:
        out["acc1"] = _rate(sum(r["hit"] for r in rows), n)
    return out


def _rate(k, n):
    return round(k / n, 3) if n else 0.0


def _median(xs):
    return round(float(np.median(xs)), 3) if xs else None


def negatives(tasks):
    out = {}
    for name in NEGATIVE_FILES:
        if not tasks or name in tasks:
            out[name] = load_relations(FV / f"{name}.json")[name]
    for name in REVERSED:
        if not tasks or f"{name}-reversed" in tasks:
            pairs = [(b[0], a) for a, b in load_relations(FV / f"{name}.json")[name]]
            out[f"{name}-reversed"] = [(a, [b]) for a, b in dict(pairs).items()]
    for name, text in MADE_UP.items():
        if not tasks or name in tasks:
            out[name] = [(p.split()[0], [p.split()[1]]) for p in text.split(", ")]
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--shots", default="1,3,5")
    ap.add_argument("--half", default="all", choices=["0", "1", "all"])
    ap.add_argument("--tasks", default="", help="comma-separated task names (default: all)")
    ap.add_argument("--novel", action="store_true", help="demonstrations unknown to the stored programs")
    ap.add_argument("--acc", action="store_true", help="also run the whole query for acc@1 (slower; not with --novel)")
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()
    if args.novel and args.acc:
        ap.error("--acc runs the real query, which knows the stored demonstrations: not with --novel")
    half = None if args.half == "all" else int(args.half)
    tasks = [t for t in args.tasks.split(",") if t]
    db = ProgramDB()
    space, programs = word_space(), db.catalog.word_programs()
    positives = {t: load_relations(FV / f"{t}.json")[t] for t in TASKS if not tasks or t in tasks}
    report = {"half": args.half, "novel": args.novel, "fit_threshold": FIT_THRESHOLD, "fit_gain": FIT_GAIN, "shots": {}}
    for shots in [int(s) for s in args.shots.split(",")]:
        per = {}
        for name, items in positives.items():
            per[name] = measure(db, space, programs, name, items, TASKS[name], shots, half, args.acc, args.novel)
        neg = {} if args.novel else {name: measure(db, space, programs, name, items, None, shots, half, args.acc)
                                     for name, items in negatives(tasks).items()}
        pos = [v for k, v in per.items() if TASKS[k]]
        summary = {"id_macro": round(float(np.mean([v["id"] for v in pos])), 3) if pos else None,
                   "other_macro": round(float(np.mean([v["other"] for v in pos])), 3) if pos else None,
                   "negative_named_macro": round(float(np.mean([v["named"] for v in neg.values()])), 3)
                   if neg else None}
        if args.acc and per:
            summary["acc1_macro"] = round(float(np.mean([v["acc1"] for v in per.values()])), 3)
        report["shots"][shots] = {"summary": summary, "tasks": per, "negatives": neg}
        if not args.json:
            _print(shots, per, neg, summary)
    if args.json:
        print(json.dumps(report, indent=1))


def _print(shots, per, neg, summary):
    print(f"\nK = {shots}: {summary}")
    print(f"{'task':24} {'n':>5} {'id':>6} {'other':>6} {'top':>6} {'acc1':>6}  missed: best / 2nd / task / self")
    for name, v in per.items():
        if "id" not in v:
            print(f"{name:24} {v['n']:5} named {v['named']:.3f} {v['names']}")
            continue
        print(f"{name:24} {v['n']:5} {v['id']:6.3f} {v['other']:6.3f} {v['top']:6.3f} {v.get('acc1', ''):>6}  "
              f"{v['missed_best']} / {v['missed_second']} / {v['missed_expected']} / {v['missed_self']}")
    for name, v in neg.items():
        print(f"{name:24} {v['n']:5} named {v['named']:.3f} {v['names']} {v.get('acc1', '')}")


if __name__ == "__main__":
    main()

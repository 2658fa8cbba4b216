"""The learned ranker (progdb/words/ranker.py): its constants, its held-out accuracy, the per-program
choice, and its training time.

Splits as in bench/icl_research.py: a pair's fold is sha1(canonical input) % 5; fold 0 is the
validation split. Parts:

* `tune`: every configuration of GRID trained on the train split alone (folds 1-4) of each task in
  TUNE_TASKS; its cross-fitted accuracy there is a 4-fold inner CV (the fold-0 model is never used).
  The configuration with the best mean is the one to keep in word_ranker.Config.
* `validate`: the default configuration on all pairs of every function-vector word task: the ranker's
  cross-fitted acc@1 on the validation split and on all pairs, `combined`'s leave-one-out acc@1 on the
  same pairs, and the method the program keeps ("auto").
* `strict`: antonym and synonym with the asked pair's reverse (y → x) also hidden from the evidence.
* `seeds`: every seeded vector program (no disk cache): training time (wall and CPU), held-out acc@1
  of both methods per input, the inputs only one of them gets right, and the program's choice.

Accuracies count every pair of a task (pairs outside the word space are wrong, as `eval icl` counts).

    HF_HUB_OFFLINE=1 OMP_NUM_THREADS=1 .venv/bin/python bench/word_ranker_choice.py [--parts=tune,validate,strict,seeds]
"""
from __future__ import annotations

import os

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")
os.environ.setdefault("HF_HUB_OFFLINE", "1")

import json  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402

import numpy as np  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from progdb.evaluation.analogy_data import load_relations  # noqa: E402
from progdb.words.ranker import Config, ProgramRanker, fold_of  # noqa: E402
from progdb.words.space import WordSpace, canonical  # noqa: E402

DATA = ROOT.parent / "shared" / "data" / "function_vectors" / "abstractive"
TASKS = ["singular-plural", "present-past", "country-capital", "country-currency", "person-instrument",
         "person-sport", "national_parks", "next_item", "prev_item", "antonym", "synonym"]
TUNE_TASKS = ["antonym", "synonym"]
GRID = [Config(neighbours=n, C=c, augment=a) for n in (100, 200) for c in (0.1, 1.0) for a in ("auto", "off")]
T0 = time.perf_counter()


def log(*args):
    print(f"[{time.perf_counter() - T0:7.1f}s]", *args, file=sys.stderr, flush=True)


def pairs_of(items) -> list[tuple[str, str]]:
    return [(a, b) for a, bs in items for b in bs]


def part_tune(space: WordSpace) -> dict:
    out = {}
    for cfg in GRID:
        scores = {}
        for name in TUNE_TASKS:
            items = load_relations(DATA / f"{name}.json")[name]
            train = [(a, bs) for a, bs in items if fold_of(a) != 0]
            r = ProgramRanker(space, pairs_of(train), cfg, use_cache=False)
            scores[name] = round(float(r.ranker_hits.sum()) / len(train), 4)
            log("tune", cfg, name, scores[name], f"combined {r.combined_hits.sum() / len(train):.4f}",
                f"{r.train_seconds:.0f}s")
        out[str(cfg)] = {**scores, "mean": round(float(np.mean(list(scores.values()))), 4)}
    best = max(out, key=lambda k: out[k]["mean"])
    return {"grid": out, "best": best}


def part_validate(space: WordSpace, cfg: Config) -> dict:
    out = {}
    for name in TASKS:
        items = load_relations(DATA / f"{name}.json")[name]
        r = ProgramRanker(space, pairs_of(items), cfg, use_cache=False)
        val = np.array([fold_of(a) == 0 for a in r.inputs])
        n_val = sum(fold_of(a) == 0 for a, _ in items)
        out[name] = {"n": len(items), "augment": r.augment, "train_seconds": round(r.train_seconds, 1),
                     "ranker_all": round(float(r.ranker_hits.sum()) / len(items), 4),
                     "ranker_val": round(float(r.ranker_hits[val].sum()) / n_val, 4),
                     "combined_all": round(float(r.combined_hits.sum()) / len(items), 4),
                     "combined_val": round(float(r.combined_hits[val].sum()) / n_val, 4),
                     "choice": r.choice()}
        log("validate", name, out[name])
    return out


def part_strict(space: WordSpace, cfg: Config) -> dict:
    """Each input held out with its pairs' reverses hidden too (fold models as usual: a reverse pair
    in another fold may have been a training example of the model, never evidence for the query)."""
    out = {}
    for name in ("antonym", "synonym"):
        items = load_relations(DATA / f"{name}.json")[name]
        r = ProgramRanker(space, pairs_of(items), cfg)
        hide = [[(b, x) for b in r.answers[x]] for x in r.inputs]
        ranked = r.rank(r.inputs, 1, leave_out=r.inputs, hide=hide)
        hits = np.array([bool(k.words) and k.words[0] in r.answers[x] for k, x in zip(ranked, r.inputs)])
        out[name] = {"ranker_nonstrict": round(float(r.ranker_hits.sum()) / len(items), 4),
                     "ranker_strict": round(float(hits.sum()) / len(items), 4)}
        log("strict", name, out[name])
    return out


def part_seeds(space: WordSpace, cfg: Config) -> dict:
    out = {}
    for path in sorted((ROOT / "seeds").glob("*.json")):
        seed = json.loads(path.read_text())
        if seed.get("kind") != "vector":
            continue
        pairs = [(e["input"], e["output"]) for e in seed["examples"]]
        if len({canonical(a) for a, _ in space.usable(pairs)}) < 10:
            continue
        cpu = time.process_time()
        r = ProgramRanker(space, pairs, cfg, use_cache=False)
        out[seed["name"]] = {"pairs": len(pairs), "train_seconds": round(r.train_seconds, 1),
                             "cpu_seconds": round(time.process_time() - cpu, 1), "choice": r.choice(),
                             "ranker": round(float(r.ranker_hits.mean()), 4),
                             "combined": round(float(r.combined_hits.mean()), 4),
                             "ranker_alone": int((r.ranker_hits > r.combined_hits).sum()),
                             "combined_alone": int((r.combined_hits > r.ranker_hits).sum())}
        log("seeds", seed["name"], out[seed["name"]])
    return out


def main():
    parts = next((a.split("=", 1)[1].split(",") for a in sys.argv if a.startswith("--parts=")),
                 ["tune", "validate", "strict", "seeds"])
    space = WordSpace.load()
    cfg = Config()
    results = {}
    if "tune" in parts:
        results["tune"] = part_tune(space)
        print(json.dumps({"tune": results["tune"]}), flush=True)
    for name, fn in (("validate", part_validate), ("strict", part_strict), ("seeds", part_seeds)):
        if name in parts:
            results[name] = fn(space, cfg)
            print(json.dumps({name: results[name]}), flush=True)
    log("done")


if __name__ == "__main__":
    main()

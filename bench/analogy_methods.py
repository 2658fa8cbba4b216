"""The README's method table: every word-program method on the Google analogy set (per-pair
leave-one-out, `progdb eval analogies`), with gensim's own `evaluate_word_analogies` on the same
vectors beside it.

    .venv/bin/python bench/analogy_methods.py [--json]

gensim scores each of the 19,544 questions `a b c d` (3CosAdd with one pair, questions with a word
outside the 300k vocabulary skipped); progdb scores each of the 573 distinct pairs once, from all the
other pairs of its section (3CosAdd: averaged over every other pair as the single demonstration).
"""
from __future__ import annotations

import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from progdb.evaluation.analogy_data import load_relations  # noqa: E402
from progdb.evaluation.word_eval import evaluate  # noqa: E402
from progdb.words.methods import METHODS  # noqa: E402
from progdb.words.space import WordSpace  # noqa: E402


def gensim_baseline(space: WordSpace, path: str) -> dict:
    from gensim.models import KeyedVectors

    kv = KeyedVectors(vector_size=space.dim)
    kv.add_vectors(space.words, space.matrix)
    start = time.perf_counter()
    overall, sections = kv.evaluate_word_analogies(path, restrict_vocab=len(space.words), case_insensitive=True)
    per = {s["section"]: len(s["correct"]) / max(1, len(s["correct"]) + len(s["incorrect"]))
           for s in sections if s["section"] != "Total accuracy"}
    return {"micro_acc1": round(overall, 4), "macro_acc1": round(sum(per.values()) / len(per), 4),
            "seconds": round(time.perf_counter() - start, 1)}


def main() -> None:
    from gensim.test.utils import datapath

    path = datapath("questions-words.txt")
    space = WordSpace.load()
    google = load_relations(path)
    rows = {}
    for method in METHODS:
        start = time.perf_counter()
        r = evaluate(space, google, method)
        rows[method] = {"micro_acc1": round(r.micro_acc1, 4), "macro_acc1": round(r.macro_acc1, 4),
                        "micro_acc5": round(r.micro_acc5, 4), "seconds": round(time.perf_counter() - start, 1)}
        print(method, rows[method], flush=True)
    rows["gensim evaluate_word_analogies (3CosAdd, per question)"] = gensim_baseline(space, path)
    if "--json" in sys.argv:
        print(json.dumps(rows, indent=1))
        return
    print("\n| method | micro acc@1 | macro acc@1 | micro acc@5 |\n|---|---|---|---|")
    for name, row in rows.items():
        print(f"| {name} | {row['micro_acc1']:.3f} | {row['macro_acc1']:.3f} | {row.get('micro_acc5', float('nan')):.3f} |")


if __name__ == "__main__":
    main()

"""The bound on the learned ranker (word_ranker.TRAIN_PAIRS): what it costs a query, and what it costs
accuracy.

    HF_HUB_OFFLINE=1 OMP_NUM_THREADS=1 .venv/bin/python bench/ranker_bound.py [--parts=accuracy,query] [--pairs 100000]

Part `accuracy`: for antonym, synonym, singular-plural and country-capital (function-vector tasks in
../shared/data), the inputs of fold 0 (sha1(input) % 5 == 0, as bench/word_ranker_choice.py did: docs/research.md) are held
out; the ranker is trained on the bounded sample (word_ranker.bounded_pairs) of the other folds' pairs
at each bound, and the held-out inputs are answered by it with that sample as evidence: they are in
neither its training nor its evidence. acc@1 counts every held-out input (one outside the word space
is wrong). `combined` answers the same inputs from all the other folds' pairs; `auto` is the ranker
where the trained ranker's own choice keeps it, else that `combined`. Training seconds (one core) per
bound are in the same rows.

Part `query`: a vector program of N word pairs (GloVe words paired with their successor in frequency
order, as bench/import_speed.py builds them) is imported with `progdb import` into a new database
with a new cache directory; then, each as a new CLI process: `progdb query` on a seeded program
(the CLI's own start-up and a small program: the baseline), the first `progdb query` of the large
program (default method, `auto`), the same with `--method combined`, and the first query of the
program in a database whose ranker cache was deleted (the query must not train: it answers with
`combined` and says so). Wall seconds and peak RSS (getrusage of the child) for each, so the extra
cost of the first query is measured against the baseline in the same run.
"""
from __future__ import annotations

import os

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")
os.environ.setdefault("HF_HUB_OFFLINE", "1")

import argparse  # noqa: E402
import json  # noqa: E402
import shutil  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402


ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from progdb.evaluation.analogy_data import load_relations  # noqa: E402
from progdb.words.methods import Fitted, PairSet, decode  # noqa: E402
from progdb.words.ranker import ProgramRanker, bounded_pairs, fold_of  # noqa: E402
from progdb.words.space import WordSpace, canonical  # noqa: E402

DATA = ROOT.parent / "shared" / "data" / "function_vectors" / "abstractive"
TASKS = ["antonym", "synonym", "singular-plural", "country-capital"]
BOUNDS = [125, 250, 500, 1000, None]
T0 = time.perf_counter()


def log(*args):
    print(f"[{time.perf_counter() - T0:7.1f}s]", *args, file=sys.stderr, flush=True)


def hits(words_of: list[list[str]], answers: list[list[str]]) -> int:
    return sum(bool(w) and canonical(w[0]) in {canonical(b) for b in bs} for w, bs in zip(words_of, answers))


def part_accuracy(space: WordSpace) -> dict:
    out = {}
    for name in TASKS:
        items = load_relations(DATA / f"{name}.json")[name]
        val = [(a, bs) for a, bs in items if fold_of(a) == 0]
        train = [(a, b) for a, bs in items if fold_of(a) != 0 for b in bs]
        asked = [(a, bs) for a, bs in val if a in space]
        answers = [bs for _, bs in asked]
        combined = Fitted(space, PairSet(space, train), "combined")
        c_hits = hits([r.words for r in decode(space, [combined] * len(asked), [a for a, _ in asked], 1)], answers)
        rows = {}
        for bound in BOUNDS:
            sample = bounded_pairs(space, train, bound)
            r = ProgramRanker(space, sample, use_cache=False)
            r_hits = hits([k.words for k in r.rank([a for a, _ in asked], 1)], answers)
            choice = r.choice()
            rows[str(bound or "all")] = {
                "pairs": len(sample), "inputs": len(r.inputs), "train_seconds": round(r.train_seconds, 1),
                "ranker": round(r_hits / len(val), 4), "choice": choice,
                "auto": round((r_hits if choice == "ranker" else c_hits) / len(val), 4)}
            log(name, bound, rows[str(bound or "all")])
        out[name] = {"held_out": len(val), "train_pairs": len(train), "combined": round(c_hits / len(val), 4),
                     "bounds": rows}
    return out


def run(cmd: list[str], env: dict) -> dict:
    """One CLI process: wall seconds and its peak RSS (MB)."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    _, _, usage = os.wait4(proc.pid, 0)
    seconds = time.perf_counter() - start
    stdout, stderr = proc.stdout.read(), proc.stderr.read()
    return {"seconds": round(seconds, 2), "peak_mb": round(usage.ru_maxrss / 1024), "stdout": stdout.strip()[-400:],
            "stderr": stderr.strip()[-400:]}


def part_query(n: int) -> dict:
    space = WordSpace.load()
    work = Path(tempfile.mkdtemp(prefix="progdb-ranker-bound-"))
    words = [w for w in space.words if w.isalpha()][: n + 1]
    csv = work / "succ.csv"
    csv.write_text("program,input,output\n" + "".join(f"succ,{a},{b}\n" for a, b in zip(words, words[1:])))
    # A new cache directory (no ranker trained for this program anywhere), with the caches that a
    # user's first run builds once for every program (vocabulary, ONNX encoder, seed embeddings).
    cache = work / "cache"
    (cache / "progdb").mkdir(parents=True)
    home_cache = Path(os.path.expanduser("~/.cache/progdb"))
    for f in home_cache.iterdir():
        if not f.name.startswith("word-ranker-"):
            target = cache / "progdb" / f.name
            target.symlink_to(f, target_is_directory=f.is_dir())
    env = {**os.environ, "PROGDB_DB": str(work / "db"), "XDG_CACHE_HOME": str(cache),
           "HF_HOME": os.environ.get("HF_HOME", os.path.expanduser("~/.cache/huggingface")),
           "PYTHONPATH": str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", "")}
    cli = [sys.executable, "-c", "from progdb.cli import main; main()"]
    out = {"pairs": n}
    out["seed_db"] = run(cli + ["list"], env)  # a new database seeds itself (rankers come packaged)
    log("seed", out["seed_db"]["seconds"])
    out["import"] = run(cli + ["import", str(csv)], env)
    log("import", out["import"]["seconds"])
    out["baseline"] = run(cli + ["query", "plural of king"], env)
    out["first_query"] = run(cli + ["query", "succ: king"], env)
    out["combined_query"] = run(cli + ["query", "succ: king", "--method", "combined"], env)
    for f in (cache / "progdb").glob("word-ranker-*.npz"):
        if not f.is_symlink():
            f.unlink()
    out["untrained_query"] = run(cli + ["query", "succ: king"], env)
    for k in ("baseline", "first_query", "combined_query", "untrained_query"):
        log(k, out[k])
    base = out["baseline"]
    out["extra_seconds"] = {k: round(out[k]["seconds"] - base["seconds"], 2)
                            for k in ("first_query", "combined_query", "untrained_query")}
    out["extra_mb"] = {k: out[k]["peak_mb"] - base["peak_mb"]
                       for k in ("first_query", "combined_query", "untrained_query")}
    shutil.rmtree(work, ignore_errors=True)
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--parts", default="accuracy,query")
    ap.add_argument("--pairs", type=int, default=100_000)
    args = ap.parse_args()
    parts = args.parts.split(",")
    if "query" in parts:
        print(json.dumps({"query": part_query(args.pairs)}), flush=True)
    if "accuracy" in parts:
        print(json.dumps({"accuracy": part_accuracy(WordSpace.load())}), flush=True)
    log("done")


if __name__ == "__main__":
    main()

"""Research for issue 3 (in-context word prompts): what beats `combined` on the function-vector word tasks?

Measures acc@1 of word programs on the function-vector tasks in
../shared/data/function_vectors/abstractive, every pair answered without its own pair:

* part 3 (`methods`): every existing method of progdb/words/methods.py, leave-one-out, and the
  per-program choice of method (chosen on the train split, scored on the validation split);
* part 1 (`ranker`): antonym and synonym with a learned ranker over a candidate pool (GloVe
  neighbours of the input, negation-prefix forms, the program's other known words), logistic
  regression on (input, candidate) features, trained on the other pairs, with and without the
  reversed pairs (symmetry) as extra training data;
* part 2 (`space2`): country-capital and the other encyclopedic tasks with all-MiniLM-L6-v2 as a
  second word space (offset / ridge there, scores of both spaces combined, and a closed-set
  classifier for many-to-one programs).

Splits: a pair's fold is sha1(canonical input) % 5; fold 0 is the validation split, folds 1-4 the
train split. Hyper-parameters are chosen on the train split only (leave-one-out or 4-fold inside it)
and the validation figure is reported apart from the all-pairs figure (leave-one-out for the cheap
methods, 5-fold over the same hash folds for the learned ones). A "strict" protocol also puts a pair
and its reverse (x→y, y→x) in the same fold, so a symmetric relation cannot answer x→y by looking up
the stored y→x. Accuracies are over every pair of the task (pairs outside the word space count as
wrong, as `progdb eval icl` counts them); n_usable says how many could be answered at all.

Run (one core; MiniLM embeddings are cached under /tmp/icl_research/):

    HF_HUB_OFFLINE=1 OMP_NUM_THREADS=1 .venv/bin/python bench/icl_research.py [--parts=methods,ranker,space2]
        [--tasks=antonym,synonym,...] [--no-minilm] [--json]

One JSON line per part goes to stdout, progress to stderr. Measured on this machine, one core:
`--parts=methods` 17.5 min; `--parts=ranker,space2` 48 min (4.5 GB peak; the first run also embeds
92,534 words with MiniLM, 160 s, 142 MB in /tmp/icl_research/).
"""
from __future__ import annotations

import os

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")
os.environ.setdefault("HF_HUB_OFFLINE", "1")

import hashlib  # noqa: E402
import json  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402

import numpy as np  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from progdb.evaluation.analogy_data import load_relations  # noqa: E402
from progdb.words.methods import METHODS, Fitted, PairSet, SurfaceRules, decode  # noqa: E402
from progdb.words.ranker import _common_prefix, neg_forms  # noqa: E402
from progdb.words.ranker import _same_stem as same_stem  # noqa: E402
from progdb.words.space import WordSpace, canonical, tokens  # noqa: E402

DATA = Path(__file__).resolve().parents[2] / "shared" / "data" / "function_vectors" / "abstractive"
CACHE = Path("/tmp/icl_research")
TASKS = ["singular-plural", "present-past", "country-capital", "country-currency", "person-instrument",
         "person-sport", "antonym", "synonym", "national_parks", "next_item", "prev_item"]
ADD_PARTNERS = 20  # 3CosAdd: averaged over this many other pairs (all n-1 is n² queries for antonym)
T0 = time.perf_counter()


def log(*args):
    print(f"[{time.perf_counter() - T0:7.1f}s]", *args, file=sys.stderr, flush=True)


def fold_of(word: str) -> int:
    return hashlib.sha1(canonical(word).encode()).digest()[0] % 5


def pair_fold(a: str, b: str) -> int:
    """Strict protocol: x→y and y→x share a fold."""
    key = "\t".join(sorted([canonical(a), canonical(b)]))
    return hashlib.sha1(key.encode()).digest()[0] % 5


class Task:
    """A task's items (input, accepted answers), the usable ones (both sides in the word space)."""

    def __init__(self, name: str, items, space: WordSpace):
        self.name, self.items = name, items
        usable = [(a, [b for b in bs if b in space and canonical(b) != canonical(a)]) for a, bs in items if a in space]
        self.usable = [(a, bs) for a, bs in usable if bs]
        self.n = len(items)
        self.fold = np.array([fold_of(a) for a, _ in self.usable])

    def accepted(self, i: int) -> set[str]:
        return {canonical(b) for b in self.usable[i][1]}

    def score(self, hits: np.ndarray, mask=None) -> float:
        """acc@1 over every pair of the task (or of a split: its unusable pairs count as wrong)."""
        if mask is None:
            return float(hits.sum()) / self.n
        all_folds = np.array([fold_of(a) for a, _ in self.items])
        want = (all_folds == 0) if mask == "val" else (all_folds != 0)
        got = (self.fold == 0) if mask == "val" else (self.fold != 0)
        return float(hits[got].sum()) / max(1, int(want.sum()))


def load_tasks(space: WordSpace, names=TASKS) -> dict[str, Task]:
    return {n: Task(n, load_relations(DATA / f"{n}.json")[n], space) for n in names}


# ---------------------------------------------------------------- part 3: existing methods, per-program choice

def loo_hits(space: WordSpace, items, method: str) -> np.ndarray:
    """Leave-one-out correctness (acc@1) of one existing method on `items` (all usable)."""
    everything = PairSet(space, [(a, b) for a, bs in items for b in bs])
    inputs = [a for a, _ in items]
    if method == "add":
        rng = np.random.default_rng(0)
        fitted, owner = [], []
        for i in range(len(items)):
            others = [j for j in range(len(items)) if j != i]
            for j in rng.choice(others, size=min(ADD_PARTNERS, len(others)), replace=False):
                fitted.append(Fitted(space, PairSet(space, [(items[j][0], items[j][1][0])]), "add"))
                owner.append(i)
        ranked = decode(space, fitted, [inputs[i] for i in owner], k=1)
        hits = np.zeros(len(items))
        for r, i in zip(ranked, owner):
            hits[i] += bool(r.words) and canonical(r.words[0]) in {canonical(b) for b in items[i][1]}
        return hits / np.bincount(owner, minlength=len(items))
    rules = SurfaceRules(everything.pairs)
    fitted = [Fitted(space, everything.without({a}), method, rules=rules, leave_out=[(a, b) for b in bs])
              for a, bs in items]
    ranked = decode(space, fitted, inputs, k=1)
    return np.array([bool(r.words) and canonical(r.words[0]) in {canonical(b) for b in bs}
                     for r, (_, bs) in zip(ranked, items)], dtype=float)


def part_methods(space: WordSpace, tasks: dict[str, Task]) -> dict:
    """Every method: LOO on all pairs (its validation-split part reported apart) and LOO inside the
    train split alone (which chooses the method per program)."""
    out = {}
    for name, task in tasks.items():
        train_items = [it for it, f in zip(task.usable, task.fold) if f != 0]
        row = {}
        for method in METHODS:
            start = time.perf_counter()
            hits_all = loo_hits(space, task.usable, method)
            hits_train = loo_hits(space, train_items, method)
            row[method] = {"loo_all": round(task.score(hits_all), 4),
                           "val": round(task.score(hits_all, "val"), 4),
                           "train_only_loo": round(float(hits_train.sum()) / max(1, sum(
                               fold_of(a) != 0 for a, _ in task.items)), 4)}
            log(name, method, row[method], f"{time.perf_counter() - start:.1f}s")
        chosen = max(METHODS, key=lambda m: (row[m]["train_only_loo"], m == "combined"))
        out[name] = {"methods": row, "chosen_on_train": chosen,
                     "val_chosen": row[chosen]["val"], "val_combined": row["combined"]["val"]}
    out["_macro"] = {
        "val_chosen": round(float(np.mean([t["val_chosen"] for t in out.values()])), 4),
        "val_combined": round(float(np.mean([t["val_combined"] for t in out.values() if "val_combined" in t])), 4),
    }
    return out


# ---------------------------------------------------------------- part 1: a learned ranker (antonym, synonym)

V_CAND = 100_000  # neighbours are drawn from the most frequent words that look like words
N_MAX = 500  # neighbours kept per input (the hyper-parameter N takes a prefix of them)
KNOWN_NEAREST = 50  # the program's known outputs nearest the input, added to the candidates
KNN = 10  # training pairs whose answers vote in the kNN-transfer feature
NEG_PER_ITEM = 50  # negatives sampled per training input (pointwise logistic regression)
_WORDLIKE = __import__("re").compile(r"^[a-z][a-z'\-]*[a-z]$")


# The surface forms and stem test are the product's (progdb/words/ranker.py took them from here).
def _cp(a: str, b: str) -> int:
    return _common_prefix(a, b)


class RankerData:
    """Fold-independent part of a task: input vectors and each input's neighbours in GloVe (and,
    when a second space is given, in MiniLM)."""

    def __init__(self, space: WordSpace, task: Task, sp2: "Space2 | None" = None):
        self.space, self.task, self.sp2 = space, task, sp2
        self.inputs = [canonical(a) for a, _ in task.usable]
        self.X = np.stack([space.vector(a) for a in self.inputs]).astype(np.float32)
        elig = np.array([i for i, w in enumerate(space.words[:V_CAND]) if _WORDLIKE.match(w)])
        self.nb = self._neighbours(self.X, space.matrix[elig], [space.words[j] for j in elig], N_MAX)
        self.nbE = [[] for _ in self.inputs]
        if sp2 is not None:
            self.XE = np.stack([sp2.vec(a) for a in self.inputs])
            self.nbE = self._neighbours(self.XE, sp2.E[: sp2.n_base], sp2.words[: sp2.n_base], N_E)
        self._vec: dict[str, np.ndarray] = {}

    def _neighbours(self, X, M, words, n):
        """Per input: [(word, cos, rank)], the input's own words and stem-mates left out."""
        out = []
        for start in range(0, len(X), 256):
            S = X[start:start + 256] @ M.T
            top = np.argpartition(-S, n * 2, axis=1)[:, :n * 2]
            for r, row in enumerate(top):
                x = self.inputs[start + r]
                toks, negs = set(tokens(x)), neg_forms(x)
                kept = []
                for j in row[np.argsort(-S[r, row])]:
                    w = words[j]
                    if w in toks or w == x or (same_stem(x, w) and w not in negs):
                        continue
                    kept.append((w, float(S[r, j]), len(kept)))
                    if len(kept) == n:
                        break
                out.append(kept)
        return out

    def vec(self, w: str) -> np.ndarray:
        v = self._vec.get(w)
        if v is None:
            v = self._vec[w] = self.space.vector(w).astype(np.float32)
        return v


SCALAR_FEATURES = ["cos", "rank", "in_nb", "freq", "neg_add", "neg_del", "neg_swap", "stem", "known_out",
                   "known_in", "answer", "knn", "weighted", "cos2", "via_in", "via_out"]
E_FEATURES = ["cosE", "rankE", "in_nbE", "weightedE", "via_inE", "via_outE"]
ALL_FEATURES = SCALAR_FEATURES + E_FEATURES
N_E = 100  # MiniLM neighbours added to the candidates (feature sets with "E" only)
FROM_G, FROM_E, FROM_EXTRA = 1, 2, 4


class FoldFeatures:
    """Candidate pools and features for one fold: `train` items learn, `test` items are scored.
    Knowledge (known outputs, answers, kNN, offsets) comes from the training pairs only, and a
    training item's own pairs (and, strictly, its stored reverse pair) are taken out of its own
    features, so training examples look like test ones."""

    def __init__(self, rd: RankerData, train: np.ndarray, test: np.ndarray, augment: bool, strict: bool):
        from collections import Counter, defaultdict

        self.rd = rd
        items = rd.task.usable
        entries = []  # (input, output, source item)
        for i in train:
            for b in items[i][1]:
                entries.append((rd.inputs[i], canonical(b), int(i)))
                if augment:
                    entries.append((canonical(b), rd.inputs[i], int(i)))
        self.entries = entries
        self.KS = np.stack([rd.vec(e[0]) for e in entries])
        self.KT = np.stack([rd.vec(e[1]) for e in entries])
        if rd.sp2 is not None:
            self.KSE = np.stack([rd.sp2.vec(e[0]) for e in entries])
            self.KTE = np.stack([rd.sp2.vec(e[1]) for e in entries])
        self.out_count = Counter(e[1] for e in entries)
        self.in_count = Counter(e[0] for e in entries)
        self.answers = defaultdict(Counter)
        self.by_out, self.by_in, self.by_src = defaultdict(list), defaultdict(list), defaultdict(list)
        for k, (a, b, src) in enumerate(entries):
            self.answers[a][b] += 1
            self.by_out[b].append(k)
            self.by_in[a].append(k)
            self.by_src[src].append(k)
        self.known = sorted(self.out_count)
        self.KV = np.stack([rd.vec(w) for w in self.known])
        # the reverse partners of an item (b → a stored as its own pair), for the strict protocol
        key = {(rd.inputs[i], canonical(b)): i for i in range(len(items)) for b in items[i][1]}
        self.partner = {i: {key[(canonical(b), rd.inputs[i])] for b in items[i][1]
                            if (canonical(b), rd.inputs[i]) in key} for i in range(len(items))}
        self.strict = strict
        self.train = [self.example(int(i), own=True) for i in train]
        self.test = [self.example(int(i), own=False) for i in test]

    def example(self, i: int, own: bool):
        rd = self.rd
        x, xv = rd.inputs[i], rd.X[i]
        removed_src = ({i} | (self.partner[i] if self.strict else set())) if own else set()
        removed = [k for s in removed_src for k in self.by_src.get(s, ())]
        rem_out, rem_in, rem_ans = {}, {}, {}
        for k in removed:
            a, b, _ = self.entries[k]
            rem_out[b] = rem_out.get(b, 0) + 1
            rem_in[a] = rem_in.get(a, 0) + 1
            if a == x:
                rem_ans[b] = rem_ans.get(b, 0) + 1
        cands: dict[str, list] = {}  # word -> [flags, rank in GloVe, rank in MiniLM]
        for w, _, r in rd.nb[i]:
            cands[w] = [FROM_G, r, N_E]
        for w, _, r in rd.nbE[i]:
            cands.setdefault(w, [0, N_MAX, N_E])
            cands[w][0] |= FROM_E
            cands[w][2] = r
        neg = {w for w in neg_forms(x) if w in rd.space.index}
        answers = {b for b, n in self.answers.get(x, {}).items() if n - rem_ans.get(b, 0) > 0}
        alive = np.array([self.out_count[w] - rem_out.get(w, 0) > 0 for w in self.known])
        kcos = np.where(alive, self.KV @ xv, -np.inf)
        nearest_known = [self.known[j] for j in np.argsort(-kcos)[:KNOWN_NEAREST] if np.isfinite(kcos[j])]
        for w in list(neg) + list(answers) + nearest_known:
            if w in rd.space:
                cands.setdefault(w, [0, N_MAX, N_E])
                cands[w][0] |= FROM_EXTRA
        toks = set(tokens(x))
        words = [w for w in cands if w != x and w not in toks]
        if not words:
            return x, i, [], np.zeros((0, len(ALL_FEATURES))), np.zeros((0, 2 * rd.X.shape[1])), np.zeros(0), \
                np.zeros(0, int), np.zeros(0)
        mask = np.ones(len(self.entries), bool)
        mask[removed] = False
        Fg = self._space_features(words, xv, rd.vec, self.KS, self.KT, mask)
        C, cos, weighted, knn, via_in, via_out = Fg
        if rd.sp2 is not None:
            _, cosE, weightedE, _, via_inE, via_outE = self._space_features(
                words, rd.XE[i], rd.sp2.vec, self.KSE, self.KTE, mask)
        else:
            cosE = weightedE = via_inE = via_outE = np.zeros(len(words))
        log_v = np.log(len(rd.space.words))
        rows = []
        for j, w in enumerate(words):
            flags, rank, rankE = cands[w]
            rows.append([
                cos[j], np.log1p(rank) / np.log1p(N_MAX), float(bool(flags & FROM_G)),
                np.log1p(max(rd.space.index.get(t, len(rd.space.words)) for t in w.split())) / log_v,
                float(w in neg and w.endswith(x)), float(w in neg and x.endswith(w)),
                float(w in neg and not w.endswith(x) and not x.endswith(w)), _cp(x, w) / max(1, min(len(x), len(w))),
                np.log1p(max(0, self.out_count.get(w, 0) - rem_out.get(w, 0))),
                float(self.in_count.get(w, 0) - rem_in.get(w, 0) > 0), float(w in answers),
                knn[j], weighted[j], cos[j] ** 2, via_in[j], via_out[j],
                cosE[j], np.log1p(rankE) / np.log1p(N_E), float(bool(flags & FROM_E)), weightedE[j],
                via_inE[j], via_outE[j]])
        F = np.array(rows, dtype=np.float32)
        V = np.concatenate([C * xv, np.abs(C - xv)], axis=1)
        y = np.array([w in {canonical(b) for b in rd.task.usable[i][1]} for w in words], dtype=float)
        flags = np.array([cands[w][0] for w in words])
        rank = np.array([cands[w][1] for w in words])
        return x, i, words, F, V, y, flags, rank

    def _space_features(self, words, xv, vec, KS, KT, mask):
        """cos to x; the weighted-offset query (as `weighted`); kNN transfer of the nearest training
        inputs' answers; c as the known answer of an input like x (via_in) or c's known partner like x
        (via_out)."""
        C = np.stack([vec(w) for w in words])
        cos = C @ xv
        sims = np.where(mask, KS @ xv, -np.inf)
        top = np.argpartition(-sims, KNN)[:KNN] if len(sims) > KNN else np.arange(len(sims))
        w_top = np.exp((sims[top] - sims[top].max()) / PAIR_T)
        knn = (C @ KT[top].T) @ (w_top / w_top.sum())
        wl = np.exp((sims - sims.max()) / PAIR_T)
        wl[~mask] = 0
        q = xv + (wl / wl.sum()) @ (KT - KS)
        weighted = C @ (q / (np.linalg.norm(q) or 1.0))
        simT = np.where(mask, KT @ xv, -np.inf)
        via_in = np.array([max((sims[k] for k in self.by_out.get(w, ())), default=-1.0) for w in words])
        via_out = np.array([max((simT[k] for k in self.by_in.get(w, ())), default=-1.0) for w in words])
        via_in[~np.isfinite(via_in)] = -1.0
        via_out[~np.isfinite(via_out)] = -1.0
        return C, cos, weighted, knn, via_in, via_out


PAIR_T = 0.1
FEATURE_SETS = {
    "cos": ["cos"],  # nearest neighbour: what a synonym is in a word space
    "scalar": SCALAR_FEATURES,
    "scalar+vec": SCALAR_FEATURES + ["vec"],
    "scalar-known": [f for f in SCALAR_FEATURES if f not in ("known_out", "known_in", "answer", "via_in", "via_out")],
    "scalar+E": SCALAR_FEATURES + E_FEATURES,
    "scalar+E+vec": SCALAR_FEATURES + E_FEATURES + ["vec"],
}


def design(examples, feats: list[str], n_nb: int):
    """Stack the examples' rows: candidates within the first n_nb GloVe neighbours, the extras, and
    the MiniLM neighbours when the feature set uses MiniLM."""
    cols = [ALL_FEATURES.index(f) for f in feats if f != "vec"]
    use_e = any(f in E_FEATURES for f in feats)
    blocks = []
    for x, i, words, F, V, y, flags, rank in examples:
        keep = ((flags & FROM_EXTRA) > 0) | (((flags & FROM_G) > 0) & (rank < n_nb))
        if use_e:
            keep |= (flags & FROM_E) > 0
        Z = F[keep][:, cols]
        if "vec" in feats:
            Z = np.concatenate([Z, V[keep]], axis=1)
        blocks.append((i, [w for w, k in zip(words, keep) if k], Z, y[keep]))
    return blocks


def fit_rank(train_blocks, test_blocks, C: float, seed: int = 0, model: str = "lr"):
    """Pointwise classifier (positives + sampled negatives); returns hits per test item."""
    from sklearn.linear_model import LogisticRegression
    from sklearn.preprocessing import StandardScaler

    rng = np.random.default_rng(seed)
    Xs, ys = [], []
    for _, words, Z, y in train_blocks:
        if not len(words) or y.sum() == 0:
            continue
        neg = np.flatnonzero(y == 0)
        pick = np.r_[np.flatnonzero(y == 1), rng.choice(neg, size=min(NEG_PER_ITEM, len(neg)), replace=False)]
        Xs.append(Z[pick])
        ys.append(y[pick])
    X, Y = np.vstack(Xs), np.concatenate(ys)
    scaler = StandardScaler().fit(X)
    clf = None
    if X.shape[1] > 1 and model == "lr":
        clf = LogisticRegression(C=C, max_iter=3000).fit(scaler.transform(X), Y)
    elif X.shape[1] > 1:
        from sklearn.ensemble import HistGradientBoostingClassifier

        clf = HistGradientBoostingClassifier(max_iter=200, learning_rate=0.05, max_leaf_nodes=15,
                                             random_state=seed).fit(scaler.transform(X), Y)
    hits = {}
    for i, words, Z, y in test_blocks:
        if not len(words):
            hits[i] = 0.0
            continue
        if clf is None:  # one feature: the ranking is the feature's own order
            s = Z[:, 0]
        elif model == "lr":
            s = clf.decision_function(scaler.transform(Z))
        else:
            s = clf.predict_proba(scaler.transform(Z))[:, 1]
        hits[i] = float(y[int(np.argmax(s))])
    return hits, clf


RANKER_GRID = {"n_nb": [100, 200, 500], "C": [0.1, 1.0],
               "feats": ["scalar", "scalar+vec", "scalar+E", "scalar+E+vec"]}


def part_ranker(space: WordSpace, tasks: dict[str, Task], sp2: "Space2 | None",
                names=("antonym", "synonym")) -> dict:
    """Symmetric relations: plain and with the reversed pairs added; the strict protocol too."""
    return {name: ranker_eval(space, tasks[name], sp2, augments=(False, True)) for name in names}


def ranker_eval(space: WordSpace, task: Task, sp2: "Space2 | None", augments=(False,)) -> dict:
    """The learned ranker on one task: configuration chosen by 4-fold CV inside the train split,
    then 5-fold over all pairs (fold 0 = the validation split) with a few ablations."""
    name = task.name
    feat_sets = [f for f in RANKER_GRID["feats"] if sp2 is not None or "E" not in f.split("+")]
    if True:
        rd = RankerData(space, task, sp2)
        log(name, "neighbours ready")
        res = {}
        for augment in augments:
            # Choose N, C, the feature set (and LR or boosted trees) by 4-fold inside the train split.
            inner = []
            for f in range(1, 5):
                tr = np.flatnonzero((task.fold != 0) & (task.fold != f))
                te = np.flatnonzero(task.fold == f)
                inner.append(FoldFeatures(rd, tr, te, augment, strict=False))
            log(name, "augment" if augment else "plain", "inner folds built")
            configs = [(n_nb, feats, C, "lr") for n_nb in RANKER_GRID["n_nb"] for feats in feat_sets
                       for C in RANKER_GRID["C"]]
            configs.append((500, feat_sets[-2], 1.0, "hgb"))
            grid = {}
            for cfg in configs:
                n_nb, feats, C, model = cfg
                hits = {}
                for ff in inner:
                    h, _ = fit_rank(design(ff.train, FEATURE_SETS[feats], n_nb),
                                    design(ff.test, FEATURE_SETS[feats], n_nb), C, model=model)
                    hits.update(h)
                grid[cfg] = float(np.mean(list(hits.values())))
            best = max(grid, key=grid.get)
            log(name, augment, "inner CV", {"/".join(map(str, k)): round(v, 4) for k, v in grid.items()})
            n_nb, feats, C, model = best
            variants = {"chosen": (feats, model), "cos": ("cos", "lr"), "scalar-known": ("scalar-known", "lr"),
                        "scalar": ("scalar", "lr")}
            for strict in ((False, True) if augment else (False,)):
                folds = task.fold if not strict else np.array([pair_fold(a, bs[0]) for a, bs in task.usable])
                hits = {k: np.zeros(len(task.usable)) for k in variants}
                recall = np.zeros(len(task.usable))
                for f in range(5):
                    ff = FoldFeatures(rd, np.flatnonzero(folds != f), np.flatnonzero(folds == f), augment, strict)
                    for k, (fs, mdl) in variants.items():
                        h, clf = fit_rank(design(ff.train, FEATURE_SETS[fs], n_nb),
                                          design(ff.test, FEATURE_SETS[fs], n_nb), C, model=mdl)
                        for i, v in h.items():
                            hits[k][i] = v
                        if k == "chosen" and f == 0 and not strict and mdl == "lr":
                            res.setdefault("coef_fold0", {})["augment" if augment else "plain"] = dict(
                                zip(FEATURE_SETS[fs], np.round(clf.coef_[0], 3).tolist()))
                    for i, words, Z, y in design(ff.test, FEATURE_SETS[feats], n_nb):
                        recall[i] = float(y.sum() > 0)
                val = folds == 0
                all_val = np.array([(pair_fold(a, bs[0]) if strict else fold_of(a)) == 0 for a, bs in task.items])
                key = ("augment" if augment else "plain") + ("-strict" if strict else "")
                res[key] = {"config": {"n_nb": n_nb, "feats": feats, "C": C, "model": model,
                                       "inner_cv": round(grid[best], 4)},
                            "pool_recall": round(float(recall.mean()), 4)}
                for k, h in hits.items():
                    res[key][k] = {"5fold_all": round(float(h.sum()) / task.n, 4),
                                   "val": round(float(h[val].sum()) / max(1, int(all_val.sum())), 4)}
                log(name, key, res[key])
        return res


# ---------------------------------------------------------------- part 2: a second space (all-MiniLM-L6-v2)

SPACE2_TASKS = ["country-capital", "country-currency", "person-sport", "person-instrument", "national_parks"]
SEED_OF = {"national_parks": "national-park-state"}
E_VOCAB = 100_000  # MiniLM decodes over the wordlike words among GloVe's most frequent ones, plus known outputs


def minilm_encoder():
    """The project's all-MiniLM-L6-v2 (ONNX export if present), held to one thread."""
    from progdb.text import onnx_encoder
    from progdb.text.encoder import Encoder, default_model_path

    path = default_model_path()
    fast = onnx_encoder.cache_path(path) if os.path.isdir(path) else None
    if fast is not None and fast.exists():
        import onnxruntime as ort

        enc = onnx_encoder.OnnxEncoder(path, fast)
        opts = ort.SessionOptions()
        opts.intra_op_num_threads = opts.inter_op_num_threads = 1
        opts.log_severity_level = 3
        enc.session = ort.InferenceSession(str(fast), opts, providers=["CPUExecutionProvider"])
        return lambda texts: enc.encode(texts, 128)
    import torch

    torch.set_num_threads(1)
    e = Encoder(path)
    e.backend = "sentence-transformers"
    e._model = e._load_sentence_transformers()
    return e.encode


def embed_cached(texts: list[str], tag: str) -> np.ndarray:
    CACHE.mkdir(parents=True, exist_ok=True)
    digest = hashlib.sha256("\x00".join(texts).encode()).hexdigest()[:16]
    path = CACHE / f"minilm-{tag}-{digest}.npy"
    if path.exists():
        return np.load(path)
    start = time.perf_counter()
    vecs = minilm_encoder()(texts)
    np.save(path, vecs)
    log(f"embedded {len(texts)} texts with MiniLM in {time.perf_counter() - start:.0f}s -> {path}")
    return vecs


class Space2:
    """MiniLM vectors of GloVe's frequent wordlike words plus every task word or phrase and the
    negation forms of task words ("extras"; decoding masks the extras a fold does not know)."""

    def __init__(self, space: WordSpace):
        base = [w for w in space.words[:E_VOCAB] if _WORDLIKE.match(w)]
        task_words = {canonical(t) for n in TASKS for a, bs in load_relations(DATA / f"{n}.json")[n]
                      for t in [a, *bs]}
        negs = {w for t in task_words if " " not in t for w in neg_forms(t) if w in space.index}
        phrases = sorted((task_words | negs) - set(base))
        self.words = base + phrases
        self.n_base = len(base)
        self.index = {w: i for i, w in enumerate(self.words)}
        self.E = embed_cached(self.words, "words")

    def vec(self, phrase: str) -> np.ndarray:
        return self.E[self.index[canonical(phrase)]]


def _ridge_fit(S, T, lam):
    ms, mt = S.mean(0), T.mean(0)
    s, t = S - ms, T - mt
    d = S.shape[1]
    W = np.linalg.solve(s.T @ s + lam * np.eye(d), s.T @ t + lam * np.eye(d))
    return W, mt - ms @ W


def _unit(q):
    return q / np.linalg.norm(q, axis=-1, keepdims=True).clip(1e-9)


def space2_scores(task: Task, X, Y, method: str, param: float, i: int, train: np.ndarray):
    """Query vector for item i from the training items (rows of X → Y) in one space."""
    S, T = X[train], Y[train]
    x = X[i]
    if method == "average":
        return _unit(x + (T - S).mean(0))
    if method == "weighted":
        w = np.exp((S @ x - (S @ x).max()) / param)
        return _unit(x + (w / w.sum()) @ (T - S))
    if method == "ridge":
        W, b = _ridge_fit(S, T, param)
        return _unit(x @ W + b)
    raise ValueError(method)


def part_space2(space: WordSpace, tasks: dict[str, Task], sp2: Space2) -> dict:
    names = [n for n in SPACE2_TASKS if n in tasks]
    GE = np.stack([space.vector(w) if w in space else np.zeros(space.dim) for w in sp2.words]).astype(np.float32)
    has_g = np.array([w in space for w in sp2.words])
    out = {}
    for name in names:
        task = tasks[name]
        items = task.items  # MiniLM reads every input and answer: no out-of-vocabulary pairs
        n = len(items)
        ins = [canonical(a) for a, _ in items]
        outs = [[canonical(b) for b in bs] for _, bs in items]
        folds = np.array([fold_of(a) for a in ins])
        XE = np.stack([sp2.vec(a) for a in ins])
        YE = np.stack([sp2.vec(bs[0]) for bs in outs])
        # GloVe side (where both sides are in GloVe; else the pair is skipped for learning)
        in_g = np.array([a in space and bs[0] in space for a, bs in zip(ins, outs)])
        XG = np.stack([space.vector(a) if in_g[k] else np.zeros(space.dim) for k, a in enumerate(ins)])
        YG = np.stack([space.vector(bs[0]) if in_g[k] else np.zeros(space.dim) for k, bs in enumerate(outs)])
        XGin = np.stack([space.vector(a) if a in space else np.zeros(space.dim) for a in ins])
        phrase_owner = {}  # phrase rows (not base words) -> items whose output it is
        for k, bs in enumerate(outs):
            for b in bs:
                if sp2.index[b] >= sp2.n_base:
                    phrase_owner.setdefault(sp2.index[b], set()).add(k)

        def allowed_mask(i, train_idx):
            """Base words always; a phrase only when a training pair has it as output."""
            m = np.zeros(len(sp2.words), bool)
            m[: sp2.n_base] = True
            tr = set(train_idx.tolist())
            for row, owners in phrase_owner.items():
                if owners & tr:
                    m[row] = True
            for t in set(tokens(ins[i])) | {ins[i]}:
                if t in sp2.index:
                    m[sp2.index[t]] = False
            return m

        def evaluate(cfg, idx, train_of):
            """acc@1 over items idx; cfg = (space, method, param, alpha)."""
            kind, method, param, alpha = cfg
            hits = np.zeros(n)
            for i in idx:
                train = train_of(i)
                m = allowed_mask(i, train)
                score = np.zeros(len(sp2.words), dtype=np.float32)
                if kind in ("E", "EG"):
                    qE = space2_scores(task, XE, YE, method, param, i, train)
                    score += (1 - alpha if kind == "EG" else 1.0) * (sp2.E @ qE)
                if kind in ("G", "EG"):
                    if not in_g[i] and ins[i] not in space:
                        if kind == "G":
                            continue
                    else:
                        tg = train[in_g[train]]
                        xg = space.vector(ins[i])
                        XG_i = XG.copy()
                        XG_i[i] = xg
                        qG = space2_scores(task, XG_i, YG, "weighted", 0.1, i, tg)
                        g = GE @ qG
                        g[~has_g] = -1.0
                        score += (alpha if kind == "EG" else 1.0) * g
                score[~m] = -np.inf
                best = sp2.words[int(np.argmax(score))]
                hits[i] = best in outs[i]
            return hits

        def closed_knn(space_kind, T, idx, train_of):
            """Closed set: the training outputs, voted by the training inputs nearest x."""
            X = {"E": XE, "G": XGin, "EG": np.concatenate([XE, XGin], 1)}[space_kind]
            hits = np.zeros(n)
            for i in idx:
                tr = train_of(i)
                if space_kind == "G" and not (ins[i] in space):
                    continue
                xi = X[i]
                sims = X[tr] @ xi
                w = np.exp((sims - sims.max()) / T)
                votes = {}
                for j, wj in zip(tr, w):
                    votes[outs[j][0]] = votes.get(outs[j][0], 0.0) + wj
                if votes:
                    hits[i] = max(votes, key=votes.get) in outs[i]
            return hits

        all_idx = np.arange(n)
        train_idx = np.flatnonzero(folds != 0)
        val_idx = np.flatnonzero(folds == 0)

        def loo_all(i):
            return np.delete(all_idx, i)

        def loo_train(i):
            return train_idx[train_idx != i]

        res = {}
        n_train = max(1, len(train_idx))
        configs = [("E", "average", 0.0, 0.0), ("E", "weighted", 0.05, 0.0), ("E", "weighted", 0.1, 0.0),
                   ("E", "ridge", 1.0, 0.0), ("G", "weighted", 0.1, 1.0)]
        configs += [("EG", "weighted", 0.1, a) for a in (0.5, 0.75, 0.9)] + [("EG", "ridge", 1.0, 0.75)]
        for cfg in configs:
            tr_acc = evaluate(cfg, train_idx, loo_train).sum() / n_train
            h_all = evaluate(cfg, all_idx, loo_all)
            res["/".join(map(str, cfg))] = {"train_loo": round(float(tr_acc), 4),
                                            "loo_all": round(float(h_all.sum()) / n, 4),
                                            "val": round(float(h_all[val_idx].sum()) / max(1, len(val_idx)), 4)}
            log(name, cfg, res["/".join(map(str, cfg))])
        for sk in ("E", "G", "EG"):
            for T in (0.02, 0.05, 0.1):
                tr_acc = closed_knn(sk, T, train_idx, loo_train).sum() / n_train
                h_all = closed_knn(sk, T, all_idx, loo_all)
                key = f"closed-knn/{sk}/{T}"
                res[key] = {"train_loo": round(float(tr_acc), 4), "loo_all": round(float(h_all.sum()) / n, 4),
                            "val": round(float(h_all[val_idx].sum()) / max(1, len(val_idx)), 4)}
                log(name, key, res[key])
        # The relation's name as a MiniLM query: "capital of kenya" → the nearest word (no pairs used).
        seed = json.loads((Path(__file__).resolve().parents[1] / "seeds" / f"{SEED_OF.get(name, name)}.json")
                          .read_text())
        tmpl = seed["keys"][0].replace("{text}", "{word}")
        Q = embed_cached([tmpl.format(word=a) for a in ins], "template")
        t_hits = np.zeros(n)
        for i in all_idx:
            sc = sp2.E[: sp2.n_base] @ Q[i]
            for t in set(tokens(ins[i])):
                if t in sp2.index and sp2.index[t] < sp2.n_base:
                    sc[sp2.index[t]] = -np.inf
            t_hits[i] = sp2.words[int(np.argmax(sc))] in outs[i]
        res[f"template-E ({tmpl})"] = {"train_loo": round(float(t_hits[train_idx].sum()) / n_train, 4),
                                       "loo_all": round(float(t_hits.sum()) / n, 4),
                                       "val": round(float(t_hits[val_idx].sum()) / max(1, len(val_idx)), 4)}
        log(name, "template", res[f"template-E ({tmpl})"])
        closed_ceiling = np.mean([any(b in {o for j, bb in enumerate(outs) if j != i for o in bb} for b in outs[i])
                                  for i in range(n)])
        best = max(res, key=lambda k: res[k]["train_loo"])
        out[name] = {"configs": res, "chosen_on_train": best, "val_chosen": res[best]["val"],
                     "loo_all_chosen": res[best]["loo_all"], "closed_ceiling": round(float(closed_ceiling), 4),
                     "ranker": ranker_eval(space, task, sp2)}
        log(name, "chosen", best, res[best])
    return out


# ---------------------------------------------------------------- main

def main():
    parts = next((a.split("=", 1)[1].split(",") for a in sys.argv if a.startswith("--parts=")),
                 ["methods", "ranker", "space2"])
    task_names = next((a.split("=", 1)[1].split(",") for a in sys.argv if a.startswith("--tasks=")), TASKS)
    space = WordSpace.load()
    tasks = load_tasks(space, task_names)
    results = {}
    if "methods" in parts:
        results["methods"] = part_methods(space, tasks)
        print(json.dumps(results["methods"]), flush=True)
    sp2 = Space2(space) if ("ranker" in parts or "space2" in parts) and "--no-minilm" not in sys.argv else None
    if "ranker" in parts:
        results["ranker"] = part_ranker(space, tasks, sp2, [n for n in ("antonym", "synonym") if n in tasks])
        print(json.dumps(results["ranker"]), flush=True)
    if "space2" in parts:
        results["space2"] = part_space2(space, tasks, sp2)
        print(json.dumps(results["space2"]), flush=True)
    if "--json" in sys.argv:
        print(json.dumps(results, indent=1))
    log("done")


if __name__ == "__main__":
    main()

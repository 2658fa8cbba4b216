"""Compare classifier routers (features, C, model, blends) for routing with abstention on CLINC150
(issue: in-scope accuracy >= 0.95 with out-of-scope recall >= 0.90, all-MiniLM-L6-v2).

    HF_HUB_OFFLINE=1 .venv/bin/python bench/router_features.py /tmp/clinc/val-halves.json /tmp/clinc/train-fold.json \
        [--only VARIANT...] [--mix base] [--factor base] [--heldout base "1-char tokens" ...] [--oof base ...]

(files from bench/clinc_splits.py). Each file's keys, fit (`val`) and test rows are read once as
`eval routes` stores and parses them; each variant's probabilities are cached in
/tmp/router_features/ (delete it after changing a variant). The fit pipeline is route_eval's
(global threshold + per-program offsets chosen on fit rows, then scored), so a variant's `test`
figures are what `progdb eval routes FILE --format clinc --json` gives with that router.

Choices are made on fit rows that are no file's test rows: the even rows of val (1,500 + 50 out
of scope; train-fold's fit rows are all of val, whose odd rows are val-halves' test rows). On them,
per file's router: `at90` = in-scope accuracy at the best single threshold with out-of-scope
recall >= 0.90; `obj` = in-scope + recall of the fit pipeline fitted on one random half and scored
on the other (10 splits). Test figures were only printed, never used to choose.

Findings (sel at90 / obj for val-halves, then train-fold | test in-scope / recall, vh then tf):
  base: emb + word 1-2-grams, C=10 (before)   .9593 1.842  .9267 1.808 | .9486/.90  .9583/.89
  words of one letter kept ("1-char tokens")  .9606 1.843  .9393 1.810 | .9446/.92  .9610/.91  (now)
  C=3 / C=30 / C=100                          .9573 1.839  .9227 1.799 | .9446/.92  .9457/.92
                                              .9480 1.827  .9267 1.798 | .9393/.90  .9500/.88
                                              .9460 1.810  .9133 1.791 | .9433/.90  .9470/.86
  word weight 0.5 / 0.7 / 2                   .9446 1.842  .9407 1.805 | .9352/.92  .9437/.91
                                              .9513 1.848  .9293 1.831 | .9232/.92  .9523/.93
                                              .9173 1.768  .9040 1.760 | .8972/.96  .9443/.78
  embedding weight 0.7 / 2                    .9466 1.813  .9187 1.756 | .9286/.92  .9487/.90
                                              .9420 1.834  .9293 1.787 | .9186/.90  .9413/.92
  word 1-3-grams; min_df 1                    .9553 1.840  .9287 1.845 | .9379/.92  .9527/.92
                                              .9600 1.842  .9240 1.798 | .9513/.88  .9513/.93
  + char_wb 2-5 TF-IDF, weight 1 / 0.5        .9500 1.823  .9373 1.802 | .9386/.92  .9597/.88
                                              .9586 1.832  .9367 1.814 | .9433/.92  .9603/.89
  char_wb 2-5 instead of words                .9553 1.840  .9373 1.832 | .9232/.94  .9470/.94
  negative class weight x3 / x10 (vh only)    .9566 1.837              | .9433/.92
                                              .9573 1.834              | .9372/.94
  negative class as 5/10/20 k-means classes   .9467 1.828, .9500 1.832, .9487 1.828 (vh only)
  + per-program closest-key cosine features   .9560 1.833  .9300 1.812 | .9453/.92  .9513/.91
  + Nystroem RBF(500) of the embedding        .9533 1.830  .9427 1.819 | .9366/.92  .9517/.91
  LinearSVC C=1, softmax(margins / 0.1)       .9420 1.796  .9113 1.805 | .9252/.90  .9507/.87
  MLP 256 hidden (alpha 1e-3; 100-150 s)      .9593 1.802  .9133 1.783 | .9439/.90  .9407/.86
  base + kNN keys (k 30, T 0.05, 0.2)         .9500 1.831  .9473 1.820 | .9446/.90  .9527/.92
  base + nearest centroid (T 0.05, 0.2)       .9566 1.844  .9347 1.817 | .9419/.90  .9530/.92
  base x exp(-Mahalanobis/384) (shrink .3)    .9533 1.853  .9520 1.854 | .9179/1.0  .9553/.94
  base + average with MLP / with char-only    .9620 1.830  .9313 1.801 | .9513/.90  .9557/.86
                                              .9553 1.829  .9433 1.823 | .9406/.90  .9613/.88
(blends with more weight or other k, T were worse on val-halves: --mix base.)
Distance-aware blends (kNN, centroid, Mahalanobis) help only the router without stored
out-of-scope prompts (train-fold: at90 +2 points), and cost val-halves, whose negative class
already does that job; the router does not know which class is negative, so they are not used.
With intents held out as pseudo out-of-scope prompts (--heldout, train-fold keys only; at90 /
obj): base .832/1.786, 1-char tokens .838/1.792, + kNN .829/1.785, x Mahalanobis .744/1.763,
C=3 .827/1.784, char 0.5 .823/1.786, words 1-3 .828/1.786, word weight 0.7 .841/1.786.
Top-1 on the training prompts out of fold (--oof, 12,000 rows): base .9774, 1-char tokens .9764,
char 0.5 .9772, min_df 1 .9770, words 1-3 .9770: no feature change ranks better; the ranking is
saturated and what differs is where the out-of-scope prompts fall.
Keeping one-letter words is the only change better on every selection measure (val-halves and
train-fold fit rows, held-out intents), by little (within the noise of 50 out-of-scope rows);
training time is unchanged (~18 s for 15,100 keys). The ceiling on val-halves stays: the test
rows' own best global threshold gives 0.949 at recall 0.90 with either router.
"""
from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

CACHE = Path("/tmp/router_features")


# -- data, computed once per file -----------------------------------------------------------------
def collect(path: str) -> dict:
    """The stored keys (texts, labels, vectors) as `eval routes` stores them, and the fit (`val`)
    and test rows: key text, vector, gold program (None: out of scope), exact-match program."""
    out = CACHE / f"{Path(path).stem}.npz"
    if out.exists():
        z = np.load(out, allow_pickle=False)
        return {k: (list(z[k]) if z[k].dtype.kind == "U" else z[k]) for k in z.files}
    from progdb.db import ProgramDB
    from progdb.routing.labelled import program_name
    from progdb.program import key_text
    from route_thresholds import routed_rows  # bench/ is this script's directory

    with tempfile.TemporaryDirectory(prefix="progdb-bench-") as tmp:
        db = ProgramDB(path=tmp, seed=False)
        db.import_labelled(path, "clinc", "train")
        labels, texts, vectors = db.store.keys_with_vectors()
        kinds = db.catalog.kinds()
        data = {"labels": labels, "texts": [key_text(t) for t in texts], "vectors": vectors,
                "negative": [n for n, k in kinds.items() if k == "negative"] or [""]}
        for name, rows, keys, v, exact in routed_rows(db, path):
            data[f"keys_{name}"], data[f"v_{name}"] = keys, v
            data[f"gold_{name}"] = [program_name(r.intent) if r.intent else "" for r in rows]
            data[f"exact_{name}"] = exact
    CACHE.mkdir(parents=True, exist_ok=True)
    np.savez(out, **{k: np.array(v) for k, v in data.items()})
    return collect(path)


# -- routers --------------------------------------------------------------------------------------
def features(d: dict, p: dict):
    """Sparse feature blocks for the keys and the val/test rows: the embedding (weight p['emb']),
    TF-IDF word n-grams (p['word']) and TF-IDF char_wb n-grams (p['char']); weight 0 leaves it out."""
    from scipy import sparse
    from sklearn.feature_extraction.text import TfidfVectorizer

    blocks = {s: [] for s in ("keys", "val", "test")}
    texts = {"keys": d["texts"], "val": d["keys_val"], "test": d["keys_test"]}
    vecs = {"keys": d["vectors"], "val": d["v_val"], "test": d["v_test"]}
    if p.get("emb", 1.0):
        for s in blocks:
            blocks[s].append(p.get("emb", 1.0) * sparse.csr_matrix(vecs[s]))
    for kind, analyzer, default in (("word", "word", (1, 2)), ("char", "char_wb", (2, 5))):
        w = p.get(kind, 1.0 if kind == "word" else 0.0)
        if not w:
            continue
        v = TfidfVectorizer(analyzer=analyzer, ngram_range=p.get(f"{kind}_range", default), sublinear_tf=True,
                            min_df=p.get("min_df", 2), token_pattern=p.get("token", r"(?u)\b\w\w+\b"))
        blocks["keys"].append(w * v.fit_transform(texts["keys"]))
        for s in ("val", "test"):
            blocks[s].append(w * v.transform(texts[s]))
    if p.get("sims"):  # per program, the cosine to its closest key (a key leaves itself out)
        labels = np.array(d["labels"])
        order = np.argsort(labels, kind="stable")
        starts = np.flatnonzero(np.r_[True, labels[order][1:] != labels[order][:-1]])
        K = vecs["keys"][order]
        for s in blocks:
            out = []
            for i in range(0, len(vecs[s]), 1000):
                cos = vecs[s][i:i + 1000] @ K.T
                if s == "keys":
                    cos[np.arange(len(cos)), np.argsort(order)[i:i + 1000]] = -1
                out.append(np.maximum.reduceat(cos, starts, axis=1))
            blocks[s].append(p["sims"] * sparse.csr_matrix(np.vstack(out)))
    if p.get("rbf"):  # a kernel view of the embedding: Nystroem features of exp(-gamma |x - y|^2)
        from sklearn.kernel_approximation import Nystroem
        ny = Nystroem(gamma=p.get("gamma", 1.0), n_components=p.get("rbf_n", 500), random_state=0)
        ny.fit(vecs["keys"])
        for s in blocks:
            blocks[s].append(p["rbf"] * sparse.csr_matrix(ny.transform(vecs[s])))
    return {s: sparse.hstack(b).tocsr() for s, b in blocks.items()}


def softmax(z: np.ndarray, temperature: float = 1.0) -> np.ndarray:
    z = np.asarray(z, dtype=np.float64) / temperature
    z = z - z.max(1, keepdims=True)
    e = np.exp(z)
    return e / e.sum(1, keepdims=True)


def run_model(d: dict, p: dict) -> dict:
    """Train one router variant on the keys; class probabilities of the val and test rows."""
    from sklearn.linear_model import LogisticRegression
    from sklearn.svm import LinearSVC

    X = features(d, p)
    labels = np.array(d["labels"])
    neg = d["negative"][0]
    if p.get("neg_clusters") and (labels == neg).any():  # the negative class as k sub-classes
        from sklearn.cluster import KMeans
        rows = np.flatnonzero(labels == neg)
        km = KMeans(p["neg_clusters"], n_init=4, random_state=0).fit(d["vectors"][rows])
        labels = labels.astype(object)
        labels[rows] = [f"{neg}#{c}" for c in km.labels_]
        labels = labels.astype(str)
    t = time.time()
    model = p.get("model", "lr")
    if model == "lr":
        cw = {c: p["neg_weight"] if c == d["negative"][0] else 1.0 for c in set(d["labels"])} \
            if p.get("neg_weight") else None
        m = LogisticRegression(C=p.get("C", 10.0), max_iter=3000, class_weight=cw).fit(X["keys"], labels)
        out = {s: m.predict_proba(X[s]) for s in ("val", "test")}
    elif model == "svm":  # one-vs-rest hinge; probabilities as a softmax of the margins
        m = LinearSVC(C=p.get("C", 1.0)).fit(X["keys"], labels)
        out = {s: softmax(m.decision_function(X[s]), p.get("T", 0.1)) for s in ("val", "test")}
    elif model == "mlp":  # one hidden ReLU layer
        from sklearn.neural_network import MLPClassifier
        m = MLPClassifier(hidden_layer_sizes=(p.get("hidden", 256),), alpha=p.get("alpha", 1e-4),
                          max_iter=p.get("epochs", 30), random_state=0).fit(X["keys"], labels)
        out = {s: m.predict_proba(X[s]) for s in ("val", "test")}
    else:
        raise ValueError(model)
    classes = list(m.classes_)
    if any("#" in c for c in classes):  # sub-classes summed back into their class
        merged = sorted({c.split("#")[0] for c in classes})
        M = np.zeros((len(classes), len(merged)))
        M[np.arange(len(classes)), [merged.index(c.split("#")[0]) for c in classes]] = 1
        out = {s: out[s] @ M for s in ("val", "test")}
        classes = merged
    out["classes"], out["train_s"] = classes, time.time() - t
    return out


def knn_probs(d: dict, classes: list[str], split: str, k: int, temperature: float) -> np.ndarray:
    """Class probabilities from the k nearest stored keys (cosine), weighted by softmax(cos / T)."""
    idx = {c: i for i, c in enumerate(classes)}
    y = np.array([idx[lab] for lab in d["labels"]])
    cos = d[f"v_{split}"] @ d["vectors"].T
    top = np.argpartition(-cos, k, axis=1)[:, :k]
    w = softmax(np.take_along_axis(cos, top, 1), temperature)
    P = np.zeros((len(cos), len(classes)))
    np.add.at(P, (np.repeat(np.arange(len(cos)), k), y[top].ravel()), w.ravel())
    return P


def centroid_probs(d: dict, classes: list[str], split: str, temperature: float) -> np.ndarray:
    """Class probabilities from the cosine to each program's mean key embedding."""
    labels = np.array(d["labels"])
    cent = np.stack([d["vectors"][labels == c].mean(0) for c in classes])
    cent /= np.linalg.norm(cent, axis=1, keepdims=True)
    return softmax(d[f"v_{split}"] @ cent.T, temperature)


def mahalanobis(d: dict, split: str, shrink: float = 0.3) -> np.ndarray:
    """Squared Mahalanobis distance of each row's embedding to the nearest program mean (every
    class, the negative one too, as a router that does not know kinds sees them), with the
    within-program covariance shrunk toward a multiple of the identity."""
    labels = np.array(d["labels"])
    X = d["vectors"].astype(np.float64)
    classes, y = np.unique(labels, return_inverse=True)
    mu = np.stack([X[y == c].mean(0) for c in range(len(classes))])
    R = X - mu[y]
    S = R.T @ R / len(R)
    S = (1 - shrink) * S + shrink * np.trace(S) / len(S) * np.eye(len(S))
    Si = np.linalg.inv(S)
    V = d[f"v_{split}"].astype(np.float64)
    m = np.einsum("nd,de,ne->n", V, Si, V)[:, None] - 2 * V @ Si @ mu.T + np.einsum("kd,de,ke->k", mu, Si, mu)[None]
    return m.min(1)


# -- the fit pipeline of `progdb fit` + `eval routes`, on probability rows ------------------------------
def scored(P: np.ndarray, classes: list[str], exact: list[str], negative: str) -> list:
    """(program or None, score, exact match) per row, as db.fit sees the router's decisions."""
    top = P.argmax(1)
    out = []
    for i, e in enumerate(exact):
        if e:
            out.append((None if e == negative else e, 1.0, True))
        else:
            c = classes[top[i]]
            out.append((None if c == negative else c, round(float(P[i, top[i]]), 4), False))
    return out


def pipeline(fit: list, gold_fit: list, test: list, gold_test: list) -> dict:
    """Global threshold and per-program offsets chosen on the fit rows, scored on the test rows."""
    from progdb.routing.calibration import abstain, choose_threshold, program_offsets, route_metrics

    t, _ = choose_threshold(fit, gold_fit)
    return route_metrics(abstain(test, t, program_offsets(fit, gold_fit, t)), gold_test)


def cv(rows: list, gold: list, reps: int = 10) -> dict:
    """The pipeline fitted on one random half of the rows (stratified in/out of scope) and scored
    on the other, both ways, over `reps` splits: mean in-scope accuracy and out-of-scope recall."""
    gold_a = np.array([g is None for g in gold])
    res = []
    for r in range(reps):
        rng = np.random.default_rng(r)
        half = np.zeros(len(gold), bool)
        for group in (np.flatnonzero(gold_a), np.flatnonzero(~gold_a)):
            half[rng.permutation(group)[:len(group) // 2]] = True
        for a in (half, ~half):
            ia, ib = np.flatnonzero(a), np.flatnonzero(~a)
            m = pipeline([rows[i] for i in ia], [gold[i] for i in ia], [rows[i] for i in ib], [gold[i] for i in ib])
            res.append((m["in_scope_accuracy"], m["oos_recall"]))
    ins, rec = np.mean(res, 0)
    return {"in": round(float(ins), 4), "rec": round(float(rec), 4), "obj": round(float(ins + rec), 4)}


def at_recall(rows: list, gold: list, recall: float = 0.9) -> float:
    """In-scope accuracy at the best single threshold with out-of-scope recall >= `recall` on
    these rows (a threshold-free measure of how well the scores separate)."""
    score = np.array([np.inf if e else s for _, s, e in rows])
    pred = [p for p, _, _ in rows]
    is_oos = np.array([g is None for g in gold])
    right = np.array([p == g and g is not None for p, g in zip(pred, gold)])
    pnone = np.array([p is None for p in pred])
    best = 0.0
    for t in np.unique(np.r_[0.0, score[np.isfinite(score)]]):
        acc = score >= t
        if ((~acc | pnone) & is_oos).sum() / is_oos.sum() >= recall - 1e-9:
            best = max(best, (acc & right).sum() / (~is_oos).sum())
    return round(float(best), 4)


def evaluate(d: dict, P: dict, classes: list[str]) -> dict:
    """Selection figures (the even val rows, test rows of neither file) and the test figures."""
    neg = d["negative"][0]
    gv = [g or None for g in d["gold_val"]]
    gt = [g or None for g in d["gold_test"]]
    sv = scored(P["val"], classes, d["exact_val"], neg)
    st = scored(P["test"], classes, d["exact_test"], neg)
    sel = d["select"]
    s_rows = [r for r, k in zip(sv, sel) if k]
    s_gold = [g for g, k in zip(gv, sel) if k]
    return {"sel": {**cv(s_rows, s_gold), "at90": at_recall(s_rows, s_gold)},
            "test": pipeline(sv, gv, st, gt)}


VARIANTS = {  # name: parameters of run_model
    "base": {},                                         # the router before: emb + word 1-2, C=10
    "C=3": {"C": 3.0},
    "C=30": {"C": 30.0},
    "C=100": {"C": 100.0},
    "word=0.5": {"word": 0.5},
    "word=2": {"word": 2.0},
    "emb=2": {"emb": 2.0},
    "char": {"char": 1.0},
    "char C=30": {"char": 1.0, "C": 30.0},
    "char=0.5": {"char": 0.5},
    "char, no word": {"char": 1.0, "word": 0.0},
    "neg x3": {"neg_weight": 3.0},
    "neg x10": {"neg_weight": 10.0},
    "words 1-3": {"word_range": (1, 3)},
    "1-char tokens": {"token": r"(?u)\b\w+\b"},
    "min_df=1": {"min_df": 1},
    "emb=0.7": {"emb": 0.7},
    "word=0.7": {"word": 0.7},
    "rbf 500 g=1": {"rbf": 1.0, "gamma": 1.0},
    "rbf 500 g=2": {"rbf": 1.0, "gamma": 2.0},
    "neg 5 clusters": {"neg_clusters": 5},
    "neg 10 clusters": {"neg_clusters": 10},
    "neg 20 clusters": {"neg_clusters": 20},
    "sims": {"sims": 1.0},
    "sims=3": {"sims": 3.0},
    "svm C=1": {"model": "svm", "C": 1.0, "T": 0.1},
    "svm C=0.3 T=0.2": {"model": "svm", "C": 0.3, "T": 0.2},
    "mlp 256": {"model": "mlp"},
    "mlp 256 a=1e-3": {"model": "mlp", "alpha": 1e-3},
}


def probabilities(path: str, d: dict, name: str) -> dict:
    out = CACHE / f"{Path(path).stem}-{name}.npz"
    if out.exists():
        z = np.load(out, allow_pickle=False)
        return {"val": z["val"], "test": z["test"], "classes": list(z["classes"]), "train_s": float(z["train_s"])}
    P = run_model(d, VARIANTS[name])
    np.savez(out, val=P["val"], test=P["test"], classes=np.array(P["classes"]), train_s=P["train_s"])
    return P


def show(file: str, name: str, m: dict, train_s: float | None = None) -> None:
    s, t = m["sel"], m["test"]
    ts = f"{train_s:5.1f}s" if train_s is not None else "      "
    print(f"{file:10} {name:34} sel in {s['in']:.4f} rec {s['rec']:.3f} obj {s['obj']:.4f} at90 {s['at90']:.4f}"
          f" | test in {t['in_scope_accuracy']:.4f} rec {t['oos_recall']:.2f} prec {t['oos_precision']:.2f}"
          f" F1 {t['macro_f1']:.4f} {ts}", flush=True)


MIXES = {  # name: (weight of the second model, its probabilities)
    **{f"knn k={k} T={T} a={a}": (a, lambda d, cl, s, k=k, T=T: knn_probs(d, cl, s, k, T))
       for k in (10, 30) for T in (0.02, 0.05) for a in (0.2, 0.35, 0.5)},
    **{f"centroid T={T} a={a}": (a, lambda d, cl, s, T=T: centroid_probs(d, cl, s, T))
       for T in (0.02, 0.05) for a in (0.2, 0.35, 0.5)},
    **{f"average with {v}": (0.5, lambda d, cl, s, v=v: probabilities(d["path"], d, v)[s])
       for v in ("mlp 256 a=1e-3", "char, no word")},
}


FACTORS = {  # name: a factor in (0, 1] on every probability of a row (the ranking stays)
    **{f"maha b={b} s={sh}": lambda d, s, b=b, sh=sh: np.exp(-b * mahalanobis(d, s, sh) / d["vectors"].shape[1])
       for b in (0.5, 1.0, 2.0, 3.0) for sh in (0.1, 0.3)},
}


def combined(d: dict, name: str, P: dict, splits=("val", "test")) -> dict:
    """A variant's probabilities, blended with one of MIXES ("base + knn ...") or scaled by one
    of FACTORS ("base x maha ...") when the name says so."""
    if " + " in name:
        a, other = MIXES[name.split(" + ", 1)[1]]
        return {s: (1 - a) * P[s] + a * other(d, P["classes"], s) for s in splits}
    if " x " in name:
        fn = FACTORS[name.split(" x ", 1)[1]]
        return {s: P[s] * fn(d, s)[:, None] for s in splits}
    return {s: P[s] for s in splits}


def heldout_intents(d0: dict, names: list[str], groups: int = 5) -> None:
    """A lower-noise check with pseudo out-of-scope prompts, from training prompts only: the
    intents are split in `groups` groups; each in turn is left out of training and 20 prompts
    of each of its intents play the out-of-scope prompts, beside every 5th prompt of the others.
    Mean over the groups of at90 and the 2-fold pipeline (cv)."""
    y = np.array(d0["labels"])
    intents = sorted(set(y))
    pos = np.zeros(len(y), int)
    for lab in intents:
        idx = np.flatnonzero(y == lab)
        pos[idx] = np.arange(len(idx))
    res: dict[str, list] = {}
    for held in np.array_split(np.random.default_rng(0).permutation(intents), groups):
        known = ~np.isin(y, held)
        train, q = known & (pos % 5 != 0), np.flatnonzero((known & (pos % 5 == 0)) | (~known & (pos % 4 == 0)))
        d = {"texts": [t for t, k in zip(d0["texts"], train) if k], "vectors": d0["vectors"][train],
             "labels": list(y[train]), "negative": [""], "keys_val": [d0["texts"][i] for i in q],
             "v_val": d0["vectors"][q], "keys_test": [d0["texts"][q[0]]], "v_test": d0["vectors"][q[:1]]}
        gold = [y[i] if known[i] else None for i in q]
        models: dict[str, dict] = {}
        for name in names:
            base = name.split(" + ")[0].split(" x ")[0]
            P = models.setdefault(base, run_model(d, VARIANTS[base]))
            rows = scored(combined(d, name, P, ("val",))["val"], P["classes"], [""] * len(q), "")
            c = cv(rows, gold, reps=3)
            res.setdefault(name, []).append((at_recall(rows, gold), c["in"], c["rec"], c["obj"]))
    print(f"held-out intents, mean of {groups} groups: at90, cv in, cv rec, cv obj")
    for name, v in res.items():
        print(f"  {name:40}", " ".join(f"{x:.4f}" for x in np.mean(v, 0)), flush=True)


def oof_top1(d0: dict, names: list[str], folds: int = 5) -> None:
    """Top-1 accuracy (no abstention) on the training prompts, each predicted by a router trained
    without its fold: thousands of rows, so small differences in ranking show."""
    y = np.array(d0["labels"])
    fold = np.arange(len(y)) % folds
    for name in names:
        right = 0
        for f in range(folds):
            tr, te = fold != f, np.flatnonzero(fold == f)
            d = {"texts": [t for t, k in zip(d0["texts"], tr) if k], "vectors": d0["vectors"][tr],
                 "labels": list(y[tr]), "negative": d0["negative"], "keys_val": [d0["texts"][i] for i in te],
                 "v_val": d0["vectors"][te], "keys_test": [d0["texts"][te[0]]], "v_test": d0["vectors"][te[:1]]}
            P = run_model(d, VARIANTS[name])
            right += (np.array(P["classes"])[P["val"].argmax(1)] == y[te]).sum()
        print(f"out-of-fold top-1 on the training prompts  {name:30} {right / len(y):.4f}", flush=True)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("files", nargs="+")
    ap.add_argument("--only", nargs="*", help="variants to run (default: all)")
    ap.add_argument("--mix", nargs="*", default=[], help="variants to blend with each of MIXES")
    ap.add_argument("--factor", nargs="*", default=[], help="variants to scale by each of FACTORS")
    ap.add_argument("--heldout", nargs="*", default=[],
                    help="variants (or 'variant + mix', 'variant x factor') for heldout_intents() on the last file")
    ap.add_argument("--oof", nargs="*", default=[], help="variants for oof_top1() on the last file")
    args = ap.parse_args()
    data = {f: {**collect(f), "path": f} for f in args.files}
    # Choices are made on fit rows that are no file's test rows (train-fold's fit rows are all of
    # val, whose odd rows are val-halves' test rows).
    tested = set().union(*(d["keys_test"] for d in data.values()))
    for d in data.values():
        d["select"] = np.array([k not in tested for k in d["keys_val"]])
    extra = [f"{n} + {m}" for n in args.mix for m in MIXES] + [f"{n} x {x}" for n in args.factor for x in FACTORS]
    for name in list(VARIANTS if args.only is None else args.only) + extra:
        for f, d in data.items():
            P = probabilities(f, d, name.split(" + ")[0].split(" x ")[0])
            show(Path(f).stem, name, evaluate(d, combined(d, name, P), P["classes"]),
                 None if " + " in name or " x " in name else P["train_s"])
    last = data[args.files[-1]]
    if args.heldout:
        heldout_intents(last, args.heldout)
    if args.oof:
        oof_top1(last, args.oof)


if __name__ == "__main__":
    main()

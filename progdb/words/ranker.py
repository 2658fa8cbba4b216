"""A learned candidate ranker for word programs, and the per-program choice of method.

In 50-d GloVe a word's antonym and its synonyms are all just "near" it, so an offset cannot single
them out; what does is evidence around the candidates: a negation prefix added or removed
(happy → unhappy), how near the candidate is and how frequent, whether the program already has it
as an output or as an input (antonym pairs come both ways), the answers of the stored inputs most
like the input, and the offsets of those pairs. A logistic regression learns how much each counts,
per program, from the program's own pairs (the features were found by bench/icl_research.py, part
"ranker", and the constants chosen by bench/word_ranker_choice.py on the train split of the
function-vector tasks, fold 0 held out; both retired, their findings in docs/research.md).

The candidates are the input's nearest words, the nearest words of the `weighted` query and the
products of the program's spelling rules (what `combined` ranks), negation forms, and the program's
known outputs nearest the input; the features include `combined`'s evidence (query cosine, rule
confidence, frequency), so one ranker also learns morphology and capitals, where it measures at
least as well as `combined` on most Google sections.

Honest under leave-out: a pair's fold is sha1(canonical input) % 5, and fold model f is trained,
features included, on the pairs outside fold f only (it is exactly the ranker of the program without
fold f). An input held out (`query(use_stored=False)`, `eval icl`, `eval analogies`) is scored by the
model of its own fold, with its own pairs taken out of the evidence; any other input by the model
trained on every pair. The cross-fitted accuracy this gives on the program's own pairs, beside
`combined`'s leave-one-out accuracy on the same pairs, decides which method the program keeps
("auto", see ProgramRanker.choice). Models and both accuracies are cached on disk by the pairs'
content: training is a one-off cost (one core: antonym, 1,919 pairs, 45 s of CPU; synonym 67 s;
the other seeded programs 0.4-7 s).
"""
from __future__ import annotations

import hashlib
import os
import re
import sys
import time
import zlib
from dataclasses import dataclass

import numpy as np

from progdb.paths import seeds_dir
from progdb.storage.cache import cache_file, written
from progdb.words.index import WordIndex
from progdb.words.methods import PAIR_TEMPERATURE, Fitted, PairSet, Ranked, SurfaceRules, decode
from progdb.words.space import WordSpace, canonical, tokens

VERSION = 2  # 2: `combined` shrinks toward the mean offset on few pairs (methods.PRIOR_PAIRS)
FOLDS = 5
MIN_ITEMS = 10  # fewer inputs than this cannot train five folds: such programs keep `combined`
VOCAB = 100_000  # candidates are drawn from the most frequent words that look like words
KNOWN_NEAREST = 50  # the program's known outputs nearest the input join the candidates
QUERY_CANDIDATES = 50  # ...and the words nearest the `weighted` query, as `combined` takes them
KNN = 10  # stored inputs nearest the input whose answers vote in the `knn` feature
Z = 2.0  # the per-program choice: how clearly the ranker must win (sign test, ~p 0.02 one-sided)
# ...but a small program, whose dozen pairs rarely pass that test, keeps the ranker when it wins at
# least SMALL_NET_WINS more of its held-out inputs than it loses: on programs of 10-40 pairs drawn from
# the function-vector tasks, the tune half measured macro acc@1 0.2148 for this rule, 0.2154 for any net
# win (a tie: one held-out input is no evidence), 0.2145 for z = 1 and 0.2098 for z = 2; the report
# half 0.341 against 0.333 (bench/small_program_methods.py; docs/evaluation.md)
SMALL_NET_WINS, SMALL_INPUTS = 2, 50
SYMMETRIC = 0.1  # reversed pairs join the evidence when at least this share of pairs is stored both ways
# The bound on learning (bench/ranker_bound.py): a program's ranker is the ranker of a deterministic
# sample of at most TRAIN_PAIRS of its pairs (whole inputs, in sample_order), which are also its
# evidence; the write paths (add, seed, import) train it (`prepare`), and a query that finds none
# cached trains only a sample of at most QUERY_TRAIN_PAIRS, else answers with `combined` and says so.
TRAIN_PAIRS = 2500  # the lexicon-filled seeds (plural 5,000, past-tense 3,070 pairs…) learn from a sample
QUERY_TRAIN_PAIRS = 100  # ~2 s of CPU
NEG_PREFIXES = ("un", "in", "im", "il", "ir", "dis", "non", "non-", "a", "an", "anti", "mis", "de")
PREFIX_SWAPS = (("in", "ex"), ("im", "ex"), ("pro", "anti"), ("over", "under"), ("max", "min"), ("inc", "dec"),
                ("up", "down"), ("pre", "post"), ("sub", "super"), ("en", "dis"), ("ascend", "descend"))
_WORDLIKE = re.compile(r"^[a-z][a-z'\-]*[a-z]$")

FEATURES = ("cos", "rank", "in_nb", "freq", "neg_add", "neg_del", "neg_swap", "stem", "known_out", "known_in",
            "answer", "knn", "weighted", "cos2", "via_in", "via_out", "rule", "qrank")


@dataclass(frozen=True)
class Config:
    """Chosen by 4-fold CV inside the train split of antonym and synonym (bench/word_ranker_choice.py, retired: docs/research.md
    --parts=tune: mean acc@1 0.237; 100 neighbours or C = 0.1 within 0.002; without reversed pairs 0.19)."""
    neighbours: int = 200  # GloVe neighbours of the input taken as candidates
    C: float = 1.0  # inverse regularisation of the logistic regression
    negatives: int = 50  # wrong candidates sampled per training input (all right ones are kept)
    augment: str = "auto"  # reversed pairs as evidence: "auto" (symmetric relations), "on", "off"


def fold_of(text: str) -> int:
    return hashlib.sha1(canonical(text).encode()).digest()[0] % FOLDS


def sample_order(x: str) -> int:
    """The order in which inputs enter a bounded sample: a hash of the canonical input (CRC-32, fast
    for 100k inputs), independent of the fold's sha1, so a prefix of this order holds every fold in
    proportion."""
    return zlib.crc32(b"sample\x00" + x.encode())


def bounded_pairs(space: WordSpace, pairs: list[tuple[str, str]], bound: int | None) -> list[tuple[str, str]]:
    """The usable pairs of the first inputs in sample_order, every pair of an input, until `bound`
    pairs are taken (at least one input; None: every usable pair). Nested: the sample at a smaller
    bound is a prefix of the sample at a larger one. Cost: one hash per input, `usable` on the
    sample only, so a 100k-pair program is sampled in a fraction of a second."""
    if bound is None or len(pairs) <= bound:
        return space.usable(pairs)
    by_input: dict[str, list[tuple[str, str]]] = {}
    for a, b in pairs:
        by_input.setdefault(canonical(a), []).append((a, b))
    out: list[tuple[str, str]] = []
    for x in sorted(by_input, key=sample_order):
        if out and len(out) >= bound:
            break
        got = space.usable(by_input[x])
        if got and out and len(out) + len(got) > bound:
            break
        out += got
    return out


def neg_forms(x: str) -> set[str]:
    """Surface antonym candidates: negation prefixes added or removed, common prefix/suffix swaps."""
    out = set()
    for p in NEG_PREFIXES:
        out.add(p + x)
        if x.startswith(p) and len(x) - len(p) >= 3:
            out.add(x[len(p):])
    for a, b in PREFIX_SWAPS:
        for u, v in ((a, b), (b, a)):
            if x.startswith(u) and len(x) > len(u) + 2:
                out.add(v + x[len(u):])
    for u, v in (("ful", "less"), ("less", "ful")):
        if x.endswith(u) and len(x) > len(u) + 2:
            out.add(x[: -len(u)] + v)
    out.discard(x)
    return out


def _common_prefix(a: str, b: str) -> int:
    n = 0
    while n < min(len(a), len(b)) and a[n] == b[n]:
        n += 1
    return n


def _same_stem(x: str, c: str) -> bool:
    """Inflections and derivations of the input (quick → quickly): never its antonym or synonym."""
    n = _common_prefix(x, c)
    return n >= 4 and n >= 0.6 * min(len(x), len(c))


class Neighbours:
    """The VOCAB most frequent wordlike words (no digits or punctuation), searched by cosine with
    the exact blocked top-k of index.py (bounded scratch, two-stage top-k)."""

    def __init__(self, space: WordSpace):
        rows = [i for i, w in enumerate(space.words[:VOCAB]) if _WORDLIKE.match(w)]
        self.words = [space.words[i] for i in rows]
        self.row = {w: j for j, w in enumerate(self.words)}
        self.index = WordIndex(space.matrix[rows])

    def search(self, inputs: list[str], X: np.ndarray, n: int, stems: bool = True) -> list[list[tuple[str, float]]]:
        """Per input, the n words nearest its row of X (best first) except the input's own words and,
        with `stems`, their inflections (quick → quickly is never an antonym or a synonym)."""
        own = [{self.row[t] for t in {*tokens(x), x} if t in self.row} for x in inputs]
        ids, scores = self.index.search(X, 2 * n if stems else n, own, exact=True)
        out = []
        for x, row_ids, row_scores in zip(inputs, ids, scores):
            negs = neg_forms(x) if stems else set()
            kept = []
            for j, sc in zip(row_ids, row_scores):
                w = self.words[j]
                if stems and _same_stem(x, w) and w not in negs:
                    continue
                kept.append((w, float(sc)))
                if len(kept) == n:
                    break
            out.append(kept)
        return out


_neighbours: dict[int, Neighbours] = {}


def neighbours_of(space: WordSpace) -> Neighbours:
    if id(space) not in _neighbours:
        _neighbours[id(space)] = Neighbours(space)
    return _neighbours[id(space)]


class Evidence:
    """The program's pairs as entries (input, output, pair), plus each pair reversed for symmetric
    relations; a boolean mask over entries says which pairs a model or a query may see."""

    def __init__(self, space: WordSpace, pairs: list[tuple[str, str]], augment: bool, vec):
        entries = [(a, b, p) for p, (a, b) in enumerate(pairs)]
        if augment:
            entries += [(b, a, p) for p, (a, b) in enumerate(pairs)]
        self.entries = entries
        self.pair = np.array([p for _, _, p in entries])
        self.KS = np.stack([vec(a) for a, _, _ in entries])
        self.KT = np.stack([vec(b) for _, b, _ in entries])
        self.known = sorted({b for _, b, _ in entries})  # outputs
        self.known_id = {w: j for j, w in enumerate(self.known)}
        self.out_id = np.array([self.known_id[b] for _, b, _ in entries])
        self.KV = np.stack([vec(w) for w in self.known])
        self.sources = sorted({a for a, _, _ in entries})  # inputs
        self.source_id = {w: j for j, w in enumerate(self.sources)}
        self.in_id = np.array([self.source_id[a] for a, _, _ in entries])
        self.by_in: dict[str, list[int]] = {}
        for k, (a, _, _) in enumerate(entries):
            self.by_in.setdefault(a, []).append(k)


class Model:
    """Standardised logistic regression: score = ((F - mean) / scale) · coef + intercept."""

    def __init__(self, mean: np.ndarray, scale: np.ndarray, coef: np.ndarray, intercept: float):
        self.mean, self.scale, self.coef, self.intercept = mean, scale, coef, float(intercept)

    def scores(self, F: np.ndarray) -> np.ndarray:
        return ((F - self.mean) / self.scale) @ self.coef + self.intercept

    @classmethod
    def fit(cls, blocks: list[tuple[np.ndarray, np.ndarray]], C: float) -> "Model | None":
        from sklearn.linear_model import LogisticRegression

        X = np.vstack([F for F, _ in blocks]) if blocks else np.zeros((0, len(FEATURES)))
        y = np.concatenate([y for _, y in blocks]) if blocks else np.zeros(0)
        if not y.any() or y.all():
            return None
        mean, scale = X.mean(axis=0), X.std(axis=0)
        scale[scale == 0] = 1.0
        clf = LogisticRegression(C=C, max_iter=3000).fit((X - mean) / scale, y)
        return cls(mean, scale, clf.coef_[0], clf.intercept_[0])


NOTICE_PAIRS = 500  # programs this large train for tens of seconds


class NotTrained(Exception):
    """ProgramRanker(train=False) found no trained ranker on disk."""


def packaged_dir():
    """Rankers trained for the seeded programs (tools/build_rankers.py), shipped with the seeds."""
    return seeds_dir() / "rankers"


class ProgramRanker:
    """The ranker of one program: FOLDS fold models and a model on every pair, plus the held-out
    accuracy of the ranker and of `combined` per input (the per-program choice)."""

    def __init__(self, space: WordSpace, pairs: list[tuple[str, str]], config: Config = Config(),
                 use_cache: bool = True, train: bool = True):
        self.space, self.config = space, config
        seen = {}
        for a, b in space.usable(pairs):
            seen.setdefault((canonical(a), canonical(b)), None)
        self.pairs = list(seen)
        self.answers: dict[str, list[str]] = {}
        for a, b in self.pairs:
            self.answers.setdefault(a, []).append(b)
        self.inputs = list(self.answers)
        self.pairs_of: dict[str, list[int]] = {}
        for p, (a, _) in enumerate(self.pairs):
            self.pairs_of.setdefault(a, []).append(p)
        both = set(self.pairs)
        reversed_share = sum((b, a) in both for a, b in self.pairs) / max(1, len(self.pairs))
        self.augment = config.augment == "on" or (config.augment == "auto" and reversed_share >= SYMMETRIC)
        self._vec: dict[str, np.ndarray] = {}
        self._rare: dict[str, float] = {}
        self._rules: SurfaceRules | None = None  # on every pair, for queries
        self.nb = None  # the inputs' own neighbours, kept while training
        self.fold = np.array([fold_of(a) for a in self.inputs])
        self.pair_fold = np.array([fold_of(a) for a, _ in self.pairs])
        self.train_seconds = 0.0
        path = cache_file(f"word-ranker-{self.digest()}.npz")
        found = use_cache and (path.exists() or (packaged_dir() / path.name).exists())
        if not found and not train:  # known before the evidence is built: a query's time is bounded
            raise NotTrained(f"no trained ranker for these {len(self.pairs):,} pairs")
        self._prefill({w for pair in self.pairs for w in pair})
        self.evidence = Evidence(space, self.pairs, self.augment, self.vec)
        if use_cache and (self._load(path) or self._load(packaged_dir() / path.name)):
            return
        if not train:
            raise NotTrained(f"no trained ranker for these {len(self.pairs):,} pairs")
        if len(self.pairs) >= NOTICE_PAIRS:  # a minute for antonym's 2,000: say why the wait
            print(f"progdb: learning a word ranker from {len(self.pairs):,} pairs (once; cached in "
                  f"{path.parent})", file=sys.stderr, flush=True)
        start = time.perf_counter()
        self._train()
        self.train_seconds = time.perf_counter() - start
        if use_cache:
            try:
                self._save(path)
            except OSError:
                pass  # a read-only cache only costs time

    # ------------------------------------------------------------------ features

    def _prefill(self, words) -> None:
        """One-word vectors gathered from the matrix in one step (7,500 `space.vector` calls took
        0.5 s of a first query); phrases stay for `vec`."""
        index = self.space.index
        simple = [w for w in words if w.isalpha() and w.islower() and w in index]
        if simple:
            rows = self.space.matrix[[index[w] for w in simple]].astype(np.float32)
            rows /= np.maximum(np.linalg.norm(rows, axis=1, keepdims=True), 1e-12)
            self._vec.update(zip(simple, rows))

    def vec(self, w: str) -> np.ndarray:
        v = self._vec.get(w)
        if v is None:
            v = self._vec[w] = self.space.vector(w).astype(np.float32)
        return v

    def _query(self, x: str, alive: np.ndarray) -> np.ndarray:
        """The `weighted` query: x plus the offsets of the visible pairs whose input is most like x."""
        ev, xv = self.evidence, self.vec(x)
        if not alive.any():
            return xv
        sims = np.where(alive, ev.KS @ xv, -np.inf)
        w = np.exp((sims - sims.max()) / PAIR_TEMPERATURE)  # exp(-inf) = 0 for hidden entries
        q = xv + (w / w.sum()) @ (ev.KT - ev.KS)
        return q / (np.linalg.norm(q) or 1.0)

    def _batch(self, xs: list[str], nbs, alives: list[np.ndarray], rules: SurfaceRules,
               hidden: list[list[int]]) -> list[tuple[list[str], np.ndarray]]:
        """Candidates and features for many inputs: their queries' nearest words in one pass."""
        qs = np.stack([self._query(x, a) for x, a in zip(xs, alives)]).astype(np.float32)
        qnbs = neighbours_of(self.space).search(xs, qs, QUERY_CANDIDATES, stems=False)
        return [self._rows(x, nb, qnb, q, alive, rules.candidates(x, [self.pairs[p] for p in hid]))
                for x, nb, qnb, q, alive, hid in zip(xs, nbs, qnbs, qs, alives, hidden)]

    def _rows(self, x: str, nb, qnb, q: np.ndarray, alive: np.ndarray,
              rule_conf: dict[str, float]) -> tuple[list[str], np.ndarray]:
        """Candidates for input x and their features (columns as FEATURES), from the entries
        `alive` allows: x's neighbours, its query's neighbours, negation forms, spelling-rule
        products, its visible stored answers and the known outputs nearest it."""
        ev, space, n_nb = self.evidence, self.space, self.config.neighbours
        xv = self.vec(x)
        rank = {w: r for r, (w, _) in enumerate(nb[:n_nb])}
        qrank = {w: r for r, (w, _) in enumerate(qnb)}
        out_count = np.bincount(ev.out_id[alive], minlength=len(ev.known))
        answers = {ev.entries[k][1] for k in ev.by_in.get(x, ()) if alive[k]}
        kcos = np.where(out_count > 0, ev.KV @ xv, -np.inf)
        near = np.argpartition(-kcos, KNOWN_NEAREST)[:KNOWN_NEAREST] if len(kcos) > KNOWN_NEAREST else \
            np.arange(len(kcos))
        nearest = [ev.known[j] for j in near[np.argsort(-kcos[near])] if np.isfinite(kcos[j])]
        negs = {w for w in neg_forms(x) if w in space.index} if " " not in x else set()
        products = [w for w in rule_conf if w in space.index]
        toks = set(tokens(x))
        words = [w for w in dict.fromkeys([*rank, *qrank, *negs, *products, *answers, *nearest])
                 if w != x and w not in toks]
        if not words:
            return [], np.zeros((0, len(FEATURES)), dtype=np.float32)
        C = np.stack([self.vec(w) for w in words])
        cos = C @ xv
        # The stored pairs whose input is most like x: their answers vote (knn).
        sims = np.where(alive, ev.KS @ xv, -np.inf)
        simT = np.where(alive, ev.KT @ xv, -np.inf)
        top = np.argpartition(-sims, KNN)[:KNN] if len(sims) > KNN else np.arange(len(sims))
        top = top[np.isfinite(sims[top])]
        knn = np.zeros(len(words), dtype=np.float32)
        if len(top):
            w_top = np.exp((sims[top] - sims[top].max()) / PAIR_TEMPERATURE)
            knn = (C @ ev.KT[top].T) @ (w_top / w_top.sum())
        # A candidate stored as an output of an input like x (via_in), or as the input of a pair
        # whose output is like x (via_out: the reverse pair of a symmetric relation).
        via_in = np.full(len(ev.known), -1.0)
        np.maximum.at(via_in, ev.out_id[alive], sims[alive])
        via_out = np.full(len(ev.sources), -1.0)
        np.maximum.at(via_out, ev.in_id[alive], simT[alive])
        in_count = np.bincount(ev.in_id[alive], minlength=len(ev.sources))
        kid = np.array([ev.known_id.get(w, -1) for w in words])
        iid = np.array([ev.source_id.get(w, -1) for w in words])
        neg = np.array([w in negs for w in words])
        grows, shrinks = np.array([w.endswith(x) for w in words]), np.array([x.endswith(w) for w in words])
        F = np.column_stack([
            cos, np.log1p([rank.get(w, n_nb) for w in words]) / np.log1p(n_nb), [w in rank for w in words],
            [self._rarity(w) for w in words],
            neg & grows, neg & shrinks, neg & ~grows & ~shrinks,
            [_common_prefix(x, w) / max(1, min(len(x), len(w))) if w[0] == x[0] else 0.0 for w in words],
            np.log1p(np.where(kid >= 0, out_count[kid], 0)), np.where(iid >= 0, in_count[iid] > 0, False),
            [w in answers for w in words], knn, C @ q, cos ** 2,
            np.where(kid >= 0, via_in[kid], -1.0), np.where(iid >= 0, via_out[iid], -1.0),
            [rule_conf.get(w, 0.0) for w in words],
            np.log1p([qrank.get(w, QUERY_CANDIDATES) for w in words]) / np.log1p(QUERY_CANDIDATES)])
        return words, F.astype(np.float32)

    def _rarity(self, w: str) -> float:
        """log frequency rank / log vocabulary size (a phrase: its rarest word)."""
        r = self._rare.get(w)
        if r is None:
            n = len(self.space.words)
            r = self._rare[w] = float(np.log1p(max(self.space.index.get(t, n) for t in w.split())) / np.log(n))
        return r

    def _alive(self, hidden_pairs) -> np.ndarray:
        alive = np.ones(len(self.evidence.entries), dtype=bool)
        hidden = np.zeros(len(self.pairs), dtype=bool)
        hidden[list(hidden_pairs)] = True
        return alive & ~hidden[self.evidence.pair]

    # ------------------------------------------------------------------ training

    def _train(self) -> None:
        space = self.space
        X = np.stack([self.vec(a) for a in self.inputs])
        self.nb = neighbours_of(space).search(self.inputs, X, self.config.neighbours)
        self.models: list[Model | None] = []
        for f in [*range(FOLDS), None]:  # fold models, then the model on every pair
            outside = self.pair_fold != f
            rules = SurfaceRules([pair for pair, keep in zip(self.pairs, outside) if keep])
            idx = [i for i in range(len(self.inputs)) if self.fold[i] != f]
            # A training input sees what the model's pairs show, less its own pairs: as a query would.
            hidden = [self.pairs_of[self.inputs[i]] for i in idx]
            alives = [self._alive(h) & outside[self.evidence.pair] for h in hidden]
            blocks = []
            for i, (words, F) in zip(idx, self._batch([self.inputs[i] for i in idx], [self.nb[i] for i in idx],
                                                      alives, rules, hidden)):
                x = self.inputs[i]
                y = np.array([w in self.answers[x] for w in words], dtype=float)
                if y.any():
                    rng = np.random.default_rng(int(hashlib.sha1(x.encode()).hexdigest()[:8], 16))
                    neg = np.flatnonzero(y == 0)
                    pick = np.r_[np.flatnonzero(y), rng.choice(neg, min(self.config.negatives, len(neg)),
                                                               replace=False)]
                    blocks.append((F[pick], y[pick]))
            self.models.append(Model.fit(blocks, self.config.C))
        # Held-out accuracy per input: the ranker by its fold's model, `combined` by leave-one-out.
        ranked = self.rank(self.inputs, 1, leave_out=self.inputs)
        self.ranker_hits = np.array([bool(r.words) and r.words[0] in self.answers[x]
                                     for r, x in zip(ranked, self.inputs)], dtype=float)
        self.combined_hits = combined_hits(space, [(a, self.answers[a]) for a in self.inputs])

    def digest(self) -> str:
        h = hashlib.sha256(f"word-ranker v{VERSION} {self.config} {FEATURES} {FOLDS} {VOCAB} {KNOWN_NEAREST} "
                           f"{QUERY_CANDIDATES} {KNN} {SYMMETRIC} {self.space.name} {len(self.space.words)}".encode())
        for a, b in sorted(self.pairs):
            h.update(f"\x00{a}\x01{b}".encode())
        return h.hexdigest()[:24]

    def _save(self, path) -> None:
        present = np.array([m is not None for m in self.models])
        stack = [m if m is not None else Model(np.zeros(len(FEATURES)), np.ones(len(FEATURES)),
                                               np.zeros(len(FEATURES)), 0.0) for m in self.models]
        with written(path) as tmp, open(tmp, "wb") as fh:
            np.savez(fh, present=present, mean=np.stack([m.mean for m in stack]),
                     scale=np.stack([m.scale for m in stack]), coef=np.stack([m.coef for m in stack]),
                     intercept=np.array([m.intercept for m in stack]), inputs=np.array(self.inputs),
                     ranker_hits=self.ranker_hits, combined_hits=self.combined_hits,
                     train_seconds=self.train_seconds)

    def _load(self, path) -> bool:
        if not path.exists():
            return False
        try:
            z = np.load(path, allow_pickle=False)
            row = {x: i for i, x in enumerate(z["inputs"].tolist())}
            if set(row) != set(self.inputs):
                return False
            order = [row[x] for x in self.inputs]  # the same pairs may come in another order
            self.models = [Model(z["mean"][i], z["scale"][i], z["coef"][i], z["intercept"][i]) if z["present"][i]
                           else None for i in range(FOLDS + 1)]
            self.ranker_hits, self.combined_hits = z["ranker_hits"][order], z["combined_hits"][order]
            self.train_seconds = float(z["train_seconds"])
        except (OSError, ValueError, KeyError, IndexError):
            return False  # a damaged cache file is rebuilt
        return True

    # ------------------------------------------------------------------ answering

    def model_for(self, text: str, held_out: bool) -> Model | None:
        """A held-out stored input gets the model that never saw its fold; anything else the full one."""
        x = canonical(text)
        return self.models[fold_of(x)] if held_out and x in self.answers else self.models[FOLDS]

    def candidates(self, text: str, held_out: bool = False) -> tuple[list[str], np.ndarray]:
        """One input's candidates and their features (columns as FEATURES), as `rank` scores them."""
        x = canonical(text)
        return self._query_rows([x], [list(self.pairs_of.get(x, ())) if held_out else []])[0]

    def _query_rows(self, xs: list[str], hidden: list[list[int]]) -> list[tuple[list[str], np.ndarray]]:
        """Rows for inputs asked of the whole program, each with the pairs `hidden` taken out."""
        nbs = self.nb if self.nb is not None and xs == self.inputs else \
            neighbours_of(self.space).search(xs, np.stack([self.vec(x) for x in xs]), self.config.neighbours)
        if self._rules is None:
            self._rules = SurfaceRules(self.pairs)
        return self._batch(xs, nbs, [self._alive(h) for h in hidden], self._rules, hidden)

    def rank(self, texts: list[str], k: int, leave_out: list[str | None] | None = None,
             hide: list[list[tuple[str, str]]] | None = None) -> list[Ranked]:
        """Top-k answers. leave_out[i] (an input) takes that input's pairs out of the evidence and
        answers with the model of its fold; hide[i] takes further pairs out (the strict protocol:
        the asked pair's reverse)."""
        xs = [canonical(t) for t in texts]
        index = {pair: p for p, pair in enumerate(self.pairs)}
        hidden, models = [], []
        for i, x in enumerate(xs):
            held = leave_out is not None and leave_out[i] is not None and canonical(leave_out[i]) == x
            hidden.append(list(self.pairs_of.get(x, ())) if held else [])
            hidden[-1] += [index[(canonical(a), canonical(b))] for a, b in (hide[i] if hide else ())
                           if (canonical(a), canonical(b)) in index]
            models.append(self.model_for(x, held))
        out = []
        for model, (words, F) in zip(models, self._query_rows(xs, hidden)):
            if model is None or not words:
                out.append(Ranked([], []))
                continue
            s = model.scores(F)
            order = np.argsort(-s, kind="stable")[:k]
            out.append(Ranked([words[j] for j in order], [round(float(1 / (1 + np.exp(-s[j]))), 4) for j in order]))
        return out

    # ------------------------------------------------------------------ the per-program choice

    def choice(self, held_out: str | None = None) -> str:
        """"ranker" when it beats `combined` clearly on the program's held-out inputs: of the inputs
        exactly one of them gets right, it wins Z standard deviations more than it loses (a sign
        test). For a held-out stored input the inputs of its fold do not vote (nested cross-
        validation). Leaving out the input's own vote alone would not do: a program near the
        threshold then flips to the other method for exactly the inputs the chosen one alone gets
        right (measured: prev_item 0.165 at K = 5, below both methods)."""
        if self.models[FOLDS] is None:
            return "combined"
        keep = self.fold != fold_of(held_out) if held_out and canonical(held_out) in self.answers else slice(None)
        r, c = self.ranker_hits[keep], self.combined_hits[keep]
        wins, losses = int((r > c).sum()), int((c > r).sum())
        if len(self.inputs) < SMALL_INPUTS:
            return "ranker" if wins - losses >= SMALL_NET_WINS else "combined"
        return "ranker" if wins > losses and wins - losses >= Z * np.sqrt(wins + losses) else "combined"


def resolve_method(method: str, ranker: "ProgramRanker | None", held_out: str | None = None) -> str:
    """The method that answers: "auto" is the one the program measures clearly best with on its
    held-out pairs (for a held-out input, the results of its fold not counted); "ranker" needs
    enough pairs to learn from (ranker None: too few), else `combined`."""
    if method not in ("ranker", "auto"):
        return method
    if ranker is None:
        return "combined"
    return ranker.choice(held_out) if method == "auto" else "ranker"


def combined_hits(space: WordSpace, items: list[tuple[str, list[str]]]) -> np.ndarray:
    """Leave-one-out acc@1 of `combined` per input (as `progdb eval analogies` scores it)."""
    everything = PairSet(space, [(a, b) for a, bs in items for b in bs])
    rules = SurfaceRules(everything.pairs)
    hits = []
    # Each fold copies the pairs' vectors: folds of LOO_CHUNK inputs at a time keep memory flat
    # (all 2,500 at once took 3.75 GB).
    for start in range(0, len(items), LOO_CHUNK):
        part = items[start:start + LOO_CHUNK]
        fitted = [Fitted(space, everything.without({a}), "combined", rules=rules, leave_out=[(a, b) for b in bs])
                  for a, bs in part]
        ranked = decode(space, fitted, [a for a, _ in part], k=1)
        hits += [bool(r.words) and canonical(r.words[0]) in {canonical(b) for b in bs}
                 for r, (_, bs) in zip(ranked, part)]
    return np.array(hits, dtype=float)


LOO_CHUNK = 64
_rankers: dict[str, ProgramRanker | None] = {}


def ranker_for(space: WordSpace, pairs: list[tuple[str, str]], train_up_to: int | None = None,
               bound: int | None = -1) -> ProgramRanker | None:
    """The program's ranker: the ranker of its bounded sample (bounded_pairs), kept per process and
    cached on disk; None with too few inputs. NotTrained when none is trained yet and the sample has
    more than `train_up_to` pairs (None: train whatever the size; the query path passes
    QUERY_TRAIN_PAIRS, so a query never waits on more than that)."""
    bound = TRAIN_PAIRS if bound == -1 else bound  # -1: the module's bound, read now
    key = hashlib.sha1("\x00".join(f"{a}\x01{b}" for a, b in pairs).encode()).hexdigest() + f" {bound}"
    if key in _rankers:
        return _rankers[key]
    sample = bounded_pairs(space, pairs, bound)
    if len({canonical(a) for a, _ in sample}) < MIN_ITEMS:
        _rankers[key] = None
        return None
    may_train = train_up_to is None or len(sample) <= train_up_to
    # NotTrained is not remembered: another process (an import) may train the ranker meanwhile.
    _rankers[key] = ProgramRanker(space, sample, train=may_train)
    return _rankers[key]


def prepare(space: WordSpace, pairs: list[tuple[str, str]]) -> ProgramRanker | None:
    """Train (or find on disk, or among the packaged seed rankers) a vector program's ranker: the
    write paths (add, seeding, import) call this after storing the program, so its queries find the
    ranker cached. Bounded: at most TRAIN_PAIRS pairs are learned from, whatever the program's size.
    PROGDB_RANKER_AT_WRITE=0 defers it (bulk scripts, tests): queries then train what
    QUERY_TRAIN_PAIRS allows and answer the rest with `combined`, saying so."""
    if os.environ.get("PROGDB_RANKER_AT_WRITE", "1") == "0":
        return None
    return ranker_for(space, pairs)


class RankerFitted(Fitted):
    """`combined` fitted on the same pairs (for geometry: composition and blends use its query
    vectors), whose inputs the ranker answers instead (methods.decode checks `ranker`)."""

    def __init__(self, base: Fitted, ranker: ProgramRanker, held_out: str | None,
                 hide: list[tuple[str, str]] = ()):
        self.__dict__.update(base.__dict__)
        # held_out: the input whose pairs leave the evidence (and whose fold's model answers);
        # hide: further pairs that leave it (a Holdout's reverse pairs, words/holdout.py)
        self.ranker, self.held_out, self.hide = ranker, held_out, list(hide)

"""How a vector program answers: methods fitted on a program's pairs, and the decoder that ranks words.

A method turns an input vector into a query vector (and, for LRCos, a per-word class prior); the
decoder scores the vocabulary against it and then adds what the pairs show beyond geometry: surface
rules (suffixes, prefixes) whose products exist, the program's own closed set of outputs, and word
frequency. Every number below was chosen on the function-vector tasks in ../shared/data (see
bench/tune_word_methods.py, retired: docs/research.md), never on the Google set the README reports.
"""
from __future__ import annotations

import zlib
from dataclasses import dataclass

import numpy as np

from progdb.errors import ProgdbError
from progdb.words.index import WordIndex
from progdb.words.space import WordSpace, canonical, tokens

PAIR_TEMPERATURE = 0.1  # weighted: softmax(cos / T) over pairs, so the pairs nearest the input count most
# ...shrunk toward the plain mean offset by PRIOR_PAIRS / (n + PRIOR_PAIRS): with two pairs the
# nearest one alone would answer with its own output (female of nephew -> "sister" from
# brother -> sister). bench/small_programs.py (retired; docs/research.md) chose it on programs of 2-10 pairs.
PRIOR_PAIRS = 4.0
RIDGE_LAMBDA = 1.0  # ridge map toward the identity (large λ → 3CosAvg)
LRCOS_POWER = 0.1  # ridge-lrcos: cos × P(class)^0.1, a weak class prior
CANDIDATES = 50  # words taken from the geometric ranking before the extras re-rank them
CLOSED_CANDIDATES = 10  # a program's known outputs nearest the query, added to the candidates
RULE_PAIRS = 10_000  # spelling rules are read off at most this many pairs (a deterministic sample)

# "ranker" is the learned candidate ranker of words/ranker.py; "auto" is each program's own choice
# between it and `combined`, by their accuracy on the program's held-out pairs. "auto" is the
# default because it measures at least as well as `combined` on the Google analogy set (README).
METHODS = ("add", "average", "normalized", "weighted", "ridge", "lrcos", "ridge-lrcos", "combined", "ranker", "auto")
DEFAULT_METHOD = "auto"


@dataclass(frozen=True)
class Extras:
    """Weights of the non-geometric evidence in the `combined` method."""
    rule: float = 0.0
    closed: float = 0.0
    frequency: float = 0.0


COMBINED = Extras(rule=1.5, closed=0.0, frequency=0.05)  # bench/tune_word_methods.py, retired: docs/research.md
BASE_OF = {"combined": "weighted"}
# The learned methods (words/ranker.py) answer words; where vectors are decoded instead (blends,
# composed steps, a program too small to learn from) they use `combined`'s geometry.
GEOMETRY_OF = {"ranker": "combined", "auto": "combined"}


class PairSet:
    """A program's usable pairs as unit vectors (phrases as the mean of their words)."""

    def __init__(self, space: WordSpace, pairs: list[tuple[str, str]]):
        kept = [(pair, rows) for pair, rows in zip(pairs, space.pair_rows(pairs)) if rows is not None]
        if not kept:
            raise ProgdbError("none of the pairs are in the word space")
        self.pairs = [pair for pair, _ in kept]  # space.usable(pairs)
        self.sources = space.vectors([ra for _, (ra, _) in kept])  # as space.vector, one step for all
        self.targets = space.vectors([rb for _, (_, rb) in kept])
        self.diffs = self.targets - self.sources
        # kept by `without`: folds need not re-tokenise
        self.outputs = [canonical(b) for _, b in self.pairs]

    def without(self, drop: set[str]) -> "PairSet":
        """The pairs whose input is not in `drop`: one leave-one-out fold, with no re-embedding."""
        return self.keep([i for i, (a, _) in enumerate(self.pairs) if a not in drop])

    def keep(self, keep: list[int]) -> "PairSet":
        """The pairs at these positions (a fold, or what a Holdout leaves), with no re-embedding."""
        if not keep:
            raise ProgdbError("no pairs left to learn from")
        fold = object.__new__(PairSet)
        fold.pairs = [self.pairs[i] for i in keep]
        fold.sources, fold.targets, fold.diffs = self.sources[keep], self.targets[keep], self.diffs[keep]
        fold.outputs = [self.outputs[i] for i in keep]
        return fold


class Fitted:
    """One method fitted on one PairSet: query vectors for inputs, and an optional class prior."""

    def __init__(self, space: WordSpace, ps: PairSet, method: str,
                 rules: "SurfaceRules | None" = None, leave_out: list[tuple[str, str]] = ()):
        if method not in METHODS:
            raise ProgdbError(f"unknown method '{method}' (choose from {', '.join(METHODS)})")
        method = GEOMETRY_OF.get(method, method)
        self.space, self.ps, self.method = space, ps, BASE_OF.get(method, method)
        self.extras = COMBINED if method == "combined" else Extras()
        self.W = self.b = self.prob = None
        if self.method == "ridge" or self.method == "ridge-lrcos":
            self.W, self.b = _ridge(ps.sources, ps.targets, RIDGE_LAMBDA)
        if self.method in ("lrcos", "ridge-lrcos"):
            self.prob = _class_probability(space, ps)
        # Rules learned once on a larger set may be passed in with the pairs this fold must not see.
        self.rules = rules or SurfaceRules(ps.pairs)
        self.leave_out = list(leave_out)
        outputs = ps.outputs
        self.closed_set, self.closed_rate = set(outputs), _repeat_rate(outputs)

    def queries(self, xs: np.ndarray) -> np.ndarray:
        m, ps = self.method, self.ps
        if m in ("add", "average"):  # one pair's offset is "add": the caller passes a one-pair PairSet
            return xs + ps.diffs.mean(axis=0)
        if m == "normalized":
            norms = np.linalg.norm(ps.diffs, axis=1, keepdims=True)
            unit = ps.diffs / np.where(norms == 0, 1, norms)
            return xs + unit.mean(axis=0) * norms.mean()
        if m == "weighted":
            logits = (xs @ ps.sources.T) / PAIR_TEMPERATURE
            w = np.exp(logits - logits.max(axis=1, keepdims=True))
            n = len(ps.diffs)
            shrink = PRIOR_PAIRS / (n + PRIOR_PAIRS)
            w = (1 - shrink) * w / w.sum(axis=1, keepdims=True) + shrink / n
            return xs + w @ ps.diffs
        if m in ("ridge", "ridge-lrcos"):
            return xs @ self.W + self.b
        return xs  # lrcos: cos to the input itself, times the class probability

    def score_word(self, space: WordSpace, word: str, q: np.ndarray) -> float:
        """The same score `rescale` gives, for one word or phrase outside the candidate block."""
        cos = float(space.vector(word) @ q)
        if self.prob is None or word not in space.index:
            return cos
        return cos * float(self.prob[space.index[word]]) ** (1.0 if self.method == "lrcos" else LRCOS_POWER)

    def rescale(self, scores: np.ndarray) -> np.ndarray:
        """Apply the class prior to a block of cosine scores (columns = vocabulary rows)."""
        if self.prob is None:
            return scores
        power = 1.0 if self.method == "lrcos" else LRCOS_POWER
        return scores * self.prob[None, :] ** power


def _ridge(src: np.ndarray, dst: np.ndarray, lam: float) -> tuple[np.ndarray, np.ndarray]:
    """Linear map src→dst shrunk toward the identity: with few pairs it stays an offset."""
    ms, md = src.mean(axis=0), dst.mean(axis=0)
    s, t = src - ms, dst - md
    d = src.shape[1]
    W = np.linalg.solve(s.T @ s + lam * np.eye(d), s.T @ t + lam * np.eye(d))
    return W.astype(np.float32), (md - ms @ W).astype(np.float32)


def _class_probability(space: WordSpace, ps: PairSet) -> np.ndarray:
    """LRCos (Drozd et al. 2016): P(word belongs to the targets' class), logistic regression on
    targets against sources and random frequent words."""
    from sklearn.linear_model import LogisticRegression

    rng = np.random.default_rng(0)
    pool = min(50_000, len(space.words))
    negatives = space.matrix[rng.choice(pool, size=min(pool, max(100, 3 * len(ps.pairs))), replace=False)]
    X = np.vstack([ps.targets, ps.sources, negatives])
    y = np.r_[np.ones(len(ps.targets)), np.zeros(len(ps.sources) + len(negatives))]
    clf = LogisticRegression(C=1.0, max_iter=1000).fit(X, y)
    logits = space.matrix @ clf.coef_[0].astype(np.float32) + np.float32(clf.intercept_[0])
    return (1.0 / (1.0 + np.exp(-logits))).astype(np.float32)


def _repeat_rate(outputs: list[str]) -> float:
    """How often an output is shared with another pair: high for many-to-one programs (city →
    state, person → instrument), where a known output is a good bet; ~0 for one-to-one ones."""
    if len(outputs) < 2:
        return 0.0
    counts: dict[str, int] = {}
    for o in outputs:
        counts[o.lower()] = counts.get(o.lower(), 0) + 1
    return sum(c for c in counts.values() if c > 1) / len(outputs)


class SurfaceRules:
    """Spelling rules read off the pairs: suffix rewrites (y→ies, +ed, e→ing) with up to two letters
    of context, and prefixes (+un, +im). A rule's confidence for a word is its precision on the
    pairs whose inputs share the word's context one letter further (so "+d" fires for "agree" but
    not for "go"), which also keeps rules that memorise one pair (athens→greece) from firing.
    `leave_out` drops pairs' evidence, which is what a leave-one-out fold would have learned."""

    def __init__(self, pairs: list[tuple[str, str]]):
        self.words = [(a.lower(), b.lower()) for a, b in pairs if " " not in a.strip() and " " not in b.strip()]
        if len(self.words) > RULE_PAIRS:
            # A rule's precision is as well measured on a large sample as on every pair, and the
            # cost is bounded (100k pairs: 2.3 s to index and ~1 s per query word before this).
            self.words = sorted(self.words, key=_pair_order)[:RULE_PAIRS]
        self.by_end: dict[str, list[int]] = {}
        self.by_start: dict[str, list[int]] = {}
        for i, (a, _) in enumerate(self.words):
            for m in range(len(a)):  # proper suffixes and prefixes, including the empty one
                self.by_end.setdefault(a[len(a) - m:], []).append(i)
                self.by_start.setdefault(a[:m], []).append(i)
        self.count: dict[tuple[str, str], int] = {}
        for pair in self.words:
            self.count[pair] = self.count.get(pair, 0) + 1
        self._counted: dict[tuple, tuple[int, int, dict[str, int]]] = {}
        self.index: dict[tuple[str, str], list[tuple]] = {}
        for rule in {r for a, b in self.words for r in _rules_of(a, b)}:
            self.index.setdefault(rule[:2], []).append(rule)

    def _stats(self, rule: tuple[str, str, str], leave_out) -> tuple[int, int, set[str]]:
        """How many pairs the rule applies to, how many it gets right, and the letters next to
        the rewritten part in the words it got right. Counted once over every pair, then the
        left-out pairs' share is taken off (a leave-one-out evaluation asks this per input)."""
        if rule not in self._counted:
            kind, old, _ = rule
            applies, hits, contexts = 0, 0, {}
            for i in (self.by_end if kind == "suffix" else self.by_start).get(old, []):
                a, b = self.words[i]
                applies += 1
                if _apply(rule, a) == b:
                    hits += 1
                    contexts[_context(rule, a)] = contexts.get(_context(rule, a), 0) + 1
            self._counted[rule] = applies, hits, contexts
        applies, hits, contexts = self._counted[rule]
        contexts = dict(contexts)
        for a, b in {(a.lower(), b.lower()) for a, b in leave_out}:
            n = self.count.get((a, b), 0)
            if not n or _apply(rule, a) is None:  # not a pair of this program, or not one the rule reads
                continue
            applies -= n
            if _apply(rule, a) == b:
                hits -= n
                contexts[_context(rule, a)] -= n
        return applies, hits, {c for c, n in contexts.items() if n > 0}

    def candidates(self, word: str, leave_out: list[tuple[str, str]] = ()) -> dict[str, float]:
        word = word.lower()
        out: dict[str, float] = {}
        for rule in self._fired(word):
            applies, hits, contexts = self._stats(rule, leave_out)
            if hits < 2:  # one pair is an anecdote, not a rule
                continue
            product = _apply(rule, word)
            if not product or product == word:
                continue
            conf = hits / (applies + 1)
            narrow = _narrowed(rule, word)
            if narrow is not None:
                n_applies, n_hits, _ = self._stats(narrow, leave_out)
                # With pairs in the word's own context, their precision decides; with none, a rule
                # seen in many contexts (+s) still applies, one seen in a single context (+d after
                # e) does not: the share of distinct contexts among its hits estimates that.
                conf = n_hits / (n_applies + 1) if n_applies else conf * len(contexts) / hits
            if conf > out.get(product, 0.0):
                out[product] = conf
        return out

    def _fired(self, word: str):
        for m in range(len(word)):
            yield from self.index.get(("suffix", word[len(word) - m:]), ())
            yield from self.index.get(("prefix", word[:m]), ())


def _pair_order(pair: tuple[str, str]) -> int:
    return zlib.crc32(f"{pair[0]}\x00{pair[1]}".encode())


def _context(rule: tuple[str, str, str], word: str) -> str:
    """The letter just outside the rewritten part ('' at the word's edge)."""
    kind, old, _ = rule
    if kind == "suffix":
        return word[len(word) - len(old) - 1: len(word) - len(old)]
    return word[len(old): len(old) + 1]


def _narrowed(rule: tuple[str, str, str], word: str) -> tuple[str, str, str] | None:
    """The same rewrite with one more letter of the word's own context."""
    kind, old, new = rule
    if kind == "suffix":
        if len(word) <= len(old) + 1:
            return None
        c = word[len(word) - len(old) - 1]
        return kind, c + old, c + new
    if len(word) <= len(old) + 1:
        return None
    c = word[len(old)]
    return kind, old + c, new + c


def _rules_of(a: str, b: str) -> list[tuple[str, str, str]]:
    rules = []
    lcp = len(_common_prefix(a, b))
    if lcp >= 2:
        for ctx in range(3):
            if lcp - ctx >= 1:
                rules.append(("suffix", a[lcp - ctx:], b[lcp - ctx:]))
    lcs = len(_common_prefix(a[::-1], b[::-1]))
    if lcs >= 3 and lcs < len(b):
        rules.append(("prefix", a[: len(a) - lcs], b[: len(b) - lcs]))
    return rules


def _common_prefix(a: str, b: str) -> str:
    n = 0
    while n < min(len(a), len(b)) and a[n] == b[n]:
        n += 1
    return a[:n]


def _apply(rule: tuple[str, str, str], word: str) -> str | None:
    kind, old, new = rule
    if kind == "suffix":
        return word[: len(word) - len(old)] + new if word.endswith(old) and len(word) > len(old) else None
    return new + word[len(old):] if word.startswith(old) and len(word) > len(old) else None


@dataclass
class Ranked:
    words: list[str]
    scores: list[float]


def decode(space: WordSpace, fitted: list[Fitted], inputs: list[str], k: int,
           starts: np.ndarray | None = None, banned: list[set[str]] | None = None) -> list[Ranked]:
    """Top-k answers for inputs[i] under fitted[i] (one fitted program per input, so a
    leave-one-out evaluation batches every fold at once). Input words never answer.
    `starts` replaces the inputs' vectors (a composed program starts where the last one ended).
    Inputs of a learned ranker (ranker.RankerFitted) are answered by it, grouped by program;
    a ranker needs a word to look around, so composed steps are decoded by geometry."""
    out: list[Ranked | None] = [None] * len(inputs)
    groups: dict[int, list[int]] = {}
    for i, f in enumerate(fitted):
        if starts is None and getattr(f, "ranker", None) is not None:
            groups.setdefault(id(f.ranker), []).append(i)
    extra = max((len(b) for b in banned), default=0) if banned else 0
    for idx in groups.values():
        ranker = fitted[idx[0]].ranker
        for i, r in zip(idx, ranker.rank([inputs[i] for i in idx], k + extra, [fitted[i].held_out for i in idx],
                                         [getattr(fitted[i], "hide", ()) for i in idx])):
            if extra and r.words:  # (an analogy's own words: "dog:puppy::cat:?" is no dog)
                kept = [(w, s) for w, s in zip(r.words, r.scores) if w.lower() not in banned[i]][:k]
                r = Ranked([w for w, _ in kept], [s for _, s in kept])
            out[i] = r if r.words else None  # no model for that fold: geometry answers
    rest = [i for i in range(len(inputs)) if out[i] is None]
    if rest:
        sub = [fitted[i] for i in rest]
        pools = geometric_pools(space, sub, [inputs[i] for i in rest], None if starts is None else starts[rest],
                                None if banned is None else [banned[i] for i in rest])
        for i, f, (q, pool) in zip(rest, sub, pools):
            out[i] = rerank(space, f, inputs[i], q, pool, k, f.extras)
    return out  # type: ignore[return-value]


def geometric_pools(space: WordSpace, fitted: list[Fitted], inputs: list[str], starts: np.ndarray | None = None,
                    banned: list[set[str]] | None = None, block: int = 64):
    """For each input: its unit query vector and the CANDIDATES best words by the method's score."""
    xs = np.stack([space.vector(t) for t in inputs]) if starts is None else starts
    queries = np.stack([f.queries(x[None, :])[0] for f, x in zip(fitted, xs)])
    norms = np.linalg.norm(queries, axis=1, keepdims=True)
    queries = (queries / np.where(norms == 0, 1, norms)).astype(np.float32)
    bans = [{space.index[t] for t in set(tokens(text)) | (banned[i] if banned else set()) if t in space.index}
            for i, text in enumerate(inputs)]
    if all(f.prob is None for f in fitted):
        # Pure cosine: the exact blocked top-k of the word index (bounded scratch, two-stage top-k).
        ids, scores = WordIndex(space.matrix).search(queries, CANDIDATES, bans, exact=True)
        return [(q, {space.words[j]: float(s) for j, s in zip(row_ids, row_scores) if j >= 0})
                for q, row_ids, row_scores in zip(queries, ids, scores)]
    pools = []
    for start in range(0, len(inputs), block):  # bounded scratch: block × vocabulary floats
        q = queries[start:start + block]
        scores = q @ space.matrix.T
        for r, i in enumerate(range(start, start + len(q))):
            row = fitted[i].rescale(scores[r:r + 1])[0]
            row[list(bans[i])] = -np.inf
            top = np.argpartition(-row, CANDIDATES)[:CANDIDATES]
            pools.append((q[r], {space.words[j]: float(row[j]) for j in top}))
    return pools


@dataclass
class Features:
    """Everything the re-ranking weighs, per candidate word: kept apart so weights can be tuned
    without recomputing geometry (bench/tune_word_methods.py, retired: docs/research.md)."""
    words: list[str]
    geometric: np.ndarray
    rule: np.ndarray
    closed: np.ndarray
    rarity: np.ndarray  # log frequency rank / log vocabulary size: 0 for "the", 1 for the rarest word

    def scores(self, ex: Extras) -> np.ndarray:
        return self.geometric + ex.rule * self.rule + ex.closed * self.closed - ex.frequency * self.rarity

    def top(self, ex: Extras, k: int) -> Ranked:
        s = self.scores(ex)
        order = np.argsort(-s, kind="stable")[:k]
        return Ranked([self.words[i] for i in order], [round(float(s[i]), 4) for i in order])


def features(space: WordSpace, f: Fitted, text: str, q: np.ndarray, pool: dict[str, float]) -> Features:
    """The geometric candidates plus the surface-rule products and the program's known outputs
    nearest the query, each with its evidence."""
    pool = dict(pool)
    banned = set(tokens(text)) | {text.lower()}
    rule_conf = f.rules.candidates(text, f.leave_out) if f.rules else {}
    if f.closed_rate:
        # Only the program's best-scoring known outputs can win: they all get the same bonus.
        cos = f.ps.targets @ q
        for j in np.argsort(-cos)[:CLOSED_CANDIDATES]:
            word = canonical(f.ps.pairs[j][1])
            if word not in pool:
                pool[word] = f.score_word(space, word, q)
    for word in rule_conf:
        if word not in pool and word in space.index:
            pool[word] = f.score_word(space, word, q)
    words = sorted(w for w in pool if w not in banned)
    log_v = np.log(len(space.words))
    return Features(
        words,
        np.array([pool[w] for w in words], dtype=np.float32),
        np.array([rule_conf.get(w, 0.0) for w in words], dtype=np.float32),
        np.array([f.closed_rate * (w in f.closed_set) for w in words], dtype=np.float32),
        np.array([np.log1p(max(space.index.get(t, len(space.words)) for t in w.split(" "))) / log_v
                  for w in words], dtype=np.float32))


def rerank(space: WordSpace, f: Fitted, text: str, q: np.ndarray, pool: dict[str, float], k: int,
           ex: Extras) -> Ranked:
    """Add surface-rule, closed-set and frequency evidence to the geometric candidates."""
    if not (ex.rule or ex.closed or ex.frequency):
        words = sorted((w for w in pool if w not in set(tokens(text))), key=lambda w: -pool[w])[:k]
        return Ranked(words, [round(pool[w], 4) for w in words])
    return features(space, f, text, q, pool).top(ex, k)

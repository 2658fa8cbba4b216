"""A light classifier over the stored keys: which program does a key ask for, and how sure is it?

Features are the key's sentence embedding beside TF-IDF word 1–2-grams of its text (the words
carry what a 384-d average blurs: "balance" vs "transactions"; words of one letter or digit count
too: "i", "a", the "s" of "what's"); a multinomial logistic regression learns one class per
program, negative programs included, so out-of-scope prompts have a class of their own. The
n-grams, C and the n-gram range were chosen on the fit half of CLINC150 val (the embedding alone
routed clearly worse there); the held-out figures are in the README, and the variants measured
beside it (character n-grams, other C and weights, kNN and centroid blends...) in
bench/router_features.py (retired; its findings in docs/research.md).

The router is derived data: it is trained from the stored keys when first needed and cached on
disk by their content, so a changed program retrains it and the database never stores it.
"""
from __future__ import annotations

import hashlib
from pathlib import Path

import numpy as np

from progdb.storage.cache import cache_file, written

C = 10.0            # inverse regularisation; chosen on CLINC150 val halves, not on a test split
NGRAMS = (1, 2)
MIN_DF = 2          # an n-gram seen once is noise, and keeps the vocabulary (and cache) small
TEXT_WEIGHT = 1.0   # scale of the TF-IDF block beside the unit-length embedding
# Words of one letter or digit kept (sklearn drops them by default): they separate out-of-scope
# prompts a little better on CLINC150's fit rows (bench/router_features.py, retired: docs/research.md).
TOKENS = r"(?u)\b\w+\b"
VERSION = 2


class Router:
    def __init__(self, classes: list[str], vocabulary: list[str], idf: np.ndarray, coef: np.ndarray,
                 intercept: np.ndarray):
        from sklearn.feature_extraction.text import TfidfVectorizer

        self.classes = list(classes)
        self.coef, self.intercept = coef.astype(np.float32), intercept.astype(np.float32)
        self.vectorizer = TfidfVectorizer(ngram_range=NGRAMS, sublinear_tf=True, token_pattern=TOKENS,
                                          vocabulary={w: i for i, w in enumerate(vocabulary)})
        self.vectorizer.idf_ = idf

    @classmethod
    def train(cls, texts: list[str], vectors: np.ndarray, labels: list[str]) -> "Router":
        from scipy import sparse
        from sklearn.feature_extraction.text import TfidfVectorizer
        from sklearn.linear_model import LogisticRegression

        vectorizer = TfidfVectorizer(ngram_range=NGRAMS, sublinear_tf=True, token_pattern=TOKENS,
                                     min_df=MIN_DF if len(texts) > 50 else 1)
        words = vectorizer.fit_transform(texts)
        features = sparse.hstack([sparse.csr_matrix(vectors), TEXT_WEIGHT * words]).tocsr()
        model = LogisticRegression(C=C, max_iter=3000).fit(features, labels)
        vocabulary = sorted(vectorizer.vocabulary_, key=vectorizer.vocabulary_.get)
        coef, intercept = model.coef_, model.intercept_
        if len(model.classes_) == 2:  # sklearn keeps one row for two classes: make it two
            coef, intercept = np.vstack([-coef, coef]) / 2, np.r_[-intercept, intercept] / 2
        return cls(list(model.classes_), vocabulary, vectorizer.idf_, coef, intercept)

    def probabilities(self, texts: list[str], vectors: np.ndarray) -> np.ndarray:
        """Rows of class probabilities, columns in the order of self.classes."""
        words = self.vectorizer.transform(texts)
        n = vectors.shape[1]
        logits = vectors @ self.coef[:, :n].T + TEXT_WEIGHT * (words @ self.coef[:, n:].T) + self.intercept
        logits = np.asarray(logits, dtype=np.float64)
        logits -= logits.max(axis=1, keepdims=True)
        p = np.exp(logits)
        return p / p.sum(axis=1, keepdims=True)

    def save(self, path: Path) -> None:
        with written(path) as tmp, open(tmp, "wb") as fh:
            np.savez(fh, classes=np.array(self.classes), vocabulary=np.array(
                sorted(self.vectorizer.vocabulary, key=self.vectorizer.vocabulary.get) or [""]),
                idf=self.vectorizer.idf_, coef=self.coef, intercept=self.intercept)

    @classmethod
    def load(cls, path: Path) -> "Router":
        z = np.load(path, allow_pickle=False)
        return cls(list(z["classes"]), list(z["vocabulary"]), z["idf"], z["coef"], z["intercept"])


def fold_of(text: str, folds: int) -> int:
    """A stable fold for a text (the same on every run and machine)."""
    return int(hashlib.sha1(text.encode("utf-8")).hexdigest()[:8], 16) % folds


def digest(labels: list[str], texts: list[str], model: str) -> str:
    h = hashlib.sha256(f"router v{VERSION} C={C} {NGRAMS} {MIN_DF} {TEXT_WEIGHT} {model}".encode())
    for label, text in sorted(zip(labels, texts)):
        h.update(f"\x00{label}\x01{text}".encode())
    return h.hexdigest()[:24]


def cached_router(labels: list[str], texts: list[str], vectors: np.ndarray, model: str) -> Router | None:
    """The router for these keys, from the disk cache or trained now; None with fewer than two
    programs (nothing to choose between)."""
    if len(set(labels)) < 2:
        return None
    path = cache_file(f"router-{digest(labels, texts, model)}.npz")
    if path.exists():
        try:
            return Router.load(path)
        except (OSError, ValueError, KeyError):
            pass  # a damaged cache file is rebuilt below
    router = Router.train(texts, vectors, labels)
    try:
        router.save(path)
    except OSError:
        pass  # a read-only cache only costs time
    return router

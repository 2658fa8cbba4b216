"""Fast batched cosine top-k over the word matrix (`WordSpace.matrix`).

Two paths with one answer format:

* approximate (default): a faiss HNSW graph over the unit rows (inner product = cosine),
  built once per matrix (~11 s on 2 cores) and cached on disk (~100 MB, loads in ~0.1 s).
* exact: blocked numpy, a block of queries times the whole matrix, with scratch memory bounded
  by `BLOCK_BYTES` however many queries come in.

Ids are rows of the matrix (= `WordSpace.words` positions); `exclude[i]` bans ids from query
i's answer (an analogy's input words).
"""
from __future__ import annotations

import hashlib
import os
from pathlib import Path

import numpy as np

# Measured on the Google analogy set (GloVe 6B 50d, 300k words, 2 cores; bench/analogy_speed.py
# --sweep): HNSW M=16 efSearch=48 answers ~55k q/s with acc@1 0.17 points below exact (half the
# 0.5 allowed, a margin for other machines and queries); efSearch 32 is ~80k q/s at -0.37.
# IVFFlat was slower at equal accuracy (nlist 4096, nprobe 48: ~41k q/s, -0.09); M=32 or
# efConstruction 100 bought little for a longer build and, for M=32, a larger file.
HNSW_M = 16
EF_CONSTRUCTION = 40
EF_SEARCH = 48
BLOCK_BYTES = 64 << 20  # exact path: at most this much score scratch per block of queries
_CHUNK = 512  # exact path: columns per chunk in the two-stage top-k (see _exact_block)


def _threads() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        return os.cpu_count() or 1


def _unit_rows(x: np.ndarray) -> np.ndarray:
    x = np.atleast_2d(np.asarray(x, dtype=np.float32))
    norms = np.linalg.norm(x, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    return np.ascontiguousarray(x / norms)


class WordIndex:
    def __init__(self, matrix: np.ndarray, index=None):
        self.matrix = matrix  # unit rows; the exact path reads it, never copies it
        self.index = index  # a faiss index over the same rows, or None (exact only)

    @classmethod
    def for_space(cls, space, cache_dir: str | os.PathLike | None = None) -> "WordIndex":
        """The index for a WordSpace: loaded from the user cache when the same matrix and
        parameters were indexed before, else built (a few seconds) and cached."""
        import faiss

        faiss.omp_set_num_threads(_threads())  # faiss searches a batch one query per thread
        matrix = space.matrix
        path = _cache_path(matrix, cache_dir)
        index = None
        if path.exists():
            try:
                index = faiss.read_index(str(path))
            except RuntimeError:
                index = None  # truncated or from an incompatible faiss: rebuild
            if index is not None and (index.ntotal, index.d) != matrix.shape:
                index = None
        if index is None:
            index = build_index(matrix)
            _write_atomically(index, path)
        index.hnsw.efSearch = EF_SEARCH
        return cls(matrix, index)

    def search(self, queries: np.ndarray, k: int, exclude: list[set[int]] | None = None,
               exact: bool = False) -> tuple[np.ndarray, np.ndarray]:
        """Cosine top-k of each query row, best first: (ids (B, k) int64, scores (B, k) float32).
        `exclude[i]` holds ids that may not appear in row i. Should fewer than k ids be found
        (approximate path only), the row is padded with id -1 and score -inf."""
        if k < 1:
            raise ValueError(f"k must be at least 1, not {k}")
        q = _unit_rows(queries)
        banned = _banned(exclude, len(q))
        if exact or self.index is None:
            scores, ids = self._exact(q, min(k, len(self.matrix)), banned)
        else:  # the graph search cannot skip ids, so ask for enough to drop the banned ones
            scores, ids = self.index.search(q, min(k + banned.shape[1], len(self.matrix)))
        return _first_allowed(ids, scores, banned, k)

    def _exact(self, q: np.ndarray, k: int, banned: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        n = len(self.matrix)
        block = max(1, BLOCK_BYTES // (4 * n))
        scores = np.empty((len(q), k), np.float32)
        ids = np.empty((len(q), k), np.int64)
        buf = np.empty((min(block, len(q)), n), np.float32)  # the one large allocation, reused
        for lo in range(0, len(q), block):
            s = np.matmul(q[lo:lo + block], self.matrix.T, out=buf[:len(q[lo:lo + block])])
            r, c = np.nonzero(banned[lo:lo + block] >= 0)
            s[r, banned[lo + r, c]] = -np.inf  # cheaper to ban here than to over-rank
            ids[lo:lo + block], scores[lo:lo + block] = _exact_block(s, k)
        return scores, ids


def _exact_block(s: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    """Exact top-k of each row of `s`, best first. argpartition over 300k columns per row is
    slow (and allocates 8 bytes per score), so rank in two stages: the true top-k lie in the
    k chunks with the largest maxima (if x's chunk is not among them, k chunk maxima beat x),
    so only k * _CHUNK candidates per row need a full top-k."""
    rows, n = s.shape
    starts = np.arange(0, n, _CHUNK)
    if k >= len(starts):  # tiny matrix: no point in chunking
        cand = np.broadcast_to(np.arange(n), (rows, n))
    else:
        maxima = np.maximum.reduceat(s, starts, axis=1)
        best = np.argpartition(-maxima, k - 1, axis=1)[:, :k]
        cand = (starts[best][:, :, None] + np.arange(_CHUNK)).reshape(rows, -1)
    cand_scores = np.take_along_axis(s, np.minimum(cand, n - 1), axis=1)
    cand_scores[cand >= n] = -np.inf  # the last chunk may be short
    top = np.argpartition(-cand_scores, k - 1, axis=1)[:, :k]
    top_scores = np.take_along_axis(cand_scores, top, axis=1)
    order = np.argsort(-top_scores, axis=1, kind="stable")
    return (np.take_along_axis(cand, np.take_along_axis(top, order, 1), 1),
            np.take_along_axis(top_scores, order, 1))


def _banned(exclude: list[set[int]] | None, rows: int) -> np.ndarray:
    """The exclusion sets as a (rows, widest set) array padded with -2 (matches no id)."""
    width = max((len(e) for e in exclude), default=0) if exclude is not None else 0
    out = np.full((rows, width), -2, np.int64)
    if exclude is not None:
        if len(exclude) != rows:
            raise ValueError(f"exclude has {len(exclude)} sets for {rows} queries")
        for r, ex in enumerate(exclude):
            out[r, :len(ex)] = list(ex)
    return out


def _first_allowed(ids: np.ndarray, scores: np.ndarray, banned: np.ndarray, k: int):
    """The first k ids of each (best-first) row that are neither banned nor missing (-1)."""
    bad = (ids < 0) | (ids[:, :, None] == banned[:, None, :]).any(axis=2)
    keep = np.argsort(bad, axis=1, kind="stable")[:, :k]  # allowed first, rank order kept
    ids = np.take_along_axis(ids, keep, 1)
    scores = np.take_along_axis(scores, keep, 1).astype(np.float32)
    bad = np.take_along_axis(bad, keep, 1)
    ids[bad], scores[bad] = -1, -np.inf
    if ids.shape[1] < k:  # fewer rows in the matrix than k
        pad = k - ids.shape[1]
        ids = np.pad(ids, ((0, 0), (0, pad)), constant_values=-1)
        scores = np.pad(scores, ((0, 0), (0, pad)), constant_values=-np.inf)
    return ids, scores


def build_index(matrix: np.ndarray):
    import faiss

    index = faiss.IndexHNSWFlat(matrix.shape[1], HNSW_M, faiss.METRIC_INNER_PRODUCT)
    index.hnsw.efConstruction = EF_CONSTRUCTION
    index.add(np.ascontiguousarray(matrix, dtype=np.float32))
    return index


def _cache_path(matrix: np.ndarray, cache_dir) -> Path:
    """Keyed by shape, a fingerprint of the data (a few spread rows: hashing all 60 MB would
    cost more than loading the index) and the index parameters."""
    import faiss
    from platformdirs import user_cache_dir

    h = hashlib.sha1(f"{matrix.shape} {matrix.dtype} HNSW{HNSW_M} efC{EF_CONSTRUCTION} "
                     f"faiss{faiss.__version__.split('.')[0]}".encode())
    rows = np.unique(np.linspace(0, len(matrix) - 1, 64).astype(np.int64))
    h.update(np.ascontiguousarray(matrix[rows], dtype=np.float32).tobytes())
    return Path(cache_dir or user_cache_dir("progdb")) / f"word-index-{h.hexdigest()[:16]}.faiss"


def _write_atomically(index, path: Path) -> None:
    import faiss

    tmp = path.with_name(f"{path.name}.tmp{os.getpid()}")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        faiss.write_index(index, str(tmp))
        os.replace(tmp, path)
    except (OSError, RuntimeError):  # a read-only or full cache only costs speed
        try:
            tmp.unlink(missing_ok=True)
        except OSError:
            pass

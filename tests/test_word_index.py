"""WordIndex on the real GloVe vectors: exact search against brute force, exclusion, the
approximate index against exact search on real analogy questions, and the on-disk cache."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from progdb.words import index as word_index
from progdb.words.index import WordIndex
from progdb.words.space import WordSpace


@pytest.fixture(scope="module")
def space() -> WordSpace:
    return WordSpace.load()


@pytest.fixture(scope="module")
def index(space) -> WordIndex:
    return WordIndex.for_space(space)  # the user's cached index (built once, ~20 s, if absent)


@pytest.fixture(scope="module")
def analogies(space) -> np.ndarray:
    """1,000 Google analogy questions (a, b, c, d as word ids), spread over every section."""
    gensim = pytest.importorskip("gensim")
    path = Path(gensim.__file__).parent / "test" / "test_data" / "questions-words.txt"
    rows = [[space.index[w] for w in line.lower().split()]
            for line in path.read_text(encoding="utf-8").splitlines()
            if not line.startswith(":") and all(w in space.index for w in line.lower().split())]
    return np.array(rows)[np.linspace(0, len(rows) - 1, 1000).astype(int)]


def analogy_queries(space, qs):
    m = space.matrix
    return m[qs[:, 1]] - m[qs[:, 0]] + m[qs[:, 2]], [set(r) for r in qs[:, :3].tolist()]


def brute_force(space, queries, k, exclude=None):
    q = queries / np.linalg.norm(queries, axis=1, keepdims=True)
    scores = q @ space.matrix.T
    for i, ex in enumerate(exclude or []):
        scores[i, list(ex)] = -np.inf
    ids = np.argsort(-scores, axis=1, kind="stable")[:, :k]
    return ids, np.take_along_axis(scores, ids, 1)


def test_exact_matches_brute_force(space, index, analogies):
    rng = np.random.default_rng(0)
    words = space.matrix[[space.index[w] for w in ("king", "paris", "running", "the", "zygote")]]
    queries = np.vstack([words * 3.0, rng.standard_normal((20, space.dim)), analogy_queries(space, analogies[:25])[0]])
    ids, scores = index.search(queries.astype(np.float32), 10, exact=True)
    want_ids, want_scores = brute_force(space, queries, 10)
    assert ids.shape == scores.shape == (len(queries), 10)
    assert ids.dtype == np.int64 and scores.dtype == np.float32
    np.testing.assert_allclose(scores, want_scores, atol=1e-5)
    assert np.mean(ids == want_ids) > 0.99  # only float ties may swap places
    assert list(ids[0, :1]) == [space.index["king"]]


def test_exclusion_removes_the_best_word(space, index, analogies):
    king, queen = space.index["king"], space.index["queen"]
    q = space.matrix[[king, queen]]
    for exact in (True, False):
        ids, _ = index.search(q, 5, exclude=[{king}, {queen, king}], exact=exact)
        assert ids[0, 0] != king and king not in ids[0]  # king was its own best match
        assert not {king, queen} & set(ids[1])
    queries, exclude = analogy_queries(space, analogies)
    for exact in (True, False):
        ids, _ = index.search(queries, 3, exclude=exclude, exact=exact)
        assert all(not set(row) & ex for row, ex in zip(ids.tolist(), exclude))
    ids, scores = index.search(queries[:30], 5, exclude=exclude[:30], exact=True)
    want_ids, want_scores = brute_force(space, queries[:30], 5, exclude[:30])
    np.testing.assert_allclose(scores, want_scores, atol=1e-5)


def test_approximate_finds_the_exact_best_answer(space, index, analogies):
    queries, exclude = analogy_queries(space, analogies)
    exact, _ = index.search(queries, 1, exclude=exclude, exact=True)
    approx, _ = index.search(queries, 1, exclude=exclude)
    # measured: 97.8% agree on these 1,000 (98.1% on all 19,486), acc@1 0.1 (0.17) points below exact
    assert np.mean(approx[:, 0] == exact[:, 0]) >= 0.97
    assert abs(np.mean(approx[:, 0] == analogies[:, 3]) - np.mean(exact[:, 0] == analogies[:, 3])) <= 0.01


def test_results_best_first(space, index, analogies):
    queries, exclude = analogy_queries(space, analogies[:50])
    for exact in (True, False):
        ids, scores = index.search(queries, 8, exclude=exclude, exact=exact)
        assert (ids >= 0).all()
        assert (np.diff(scores, axis=1) <= 1e-6).all()
        # the scores are the cosines of the returned words
        unit = queries / np.linalg.norm(queries, axis=1, keepdims=True)
        np.testing.assert_allclose(scores, np.einsum("bd,bkd->bk", unit, space.matrix[ids]), atol=1e-5)


def test_small_matrix_pads_missing_answers(space):
    small = WordSpace(space.matrix, space.words, vocab_limit=4)
    ids, scores = WordIndex(small.matrix).search(small.matrix[:1], 4, exclude=[{0, 1}], exact=True)
    assert set(ids[0, :2]) == {2, 3} and list(ids[0, 2:]) == [-1, -1]
    assert np.isneginf(scores[0, 2:]).all()


def test_cache_is_written_reused_and_survives_damage(space, tmp_path, monkeypatch):
    small = WordSpace(space.matrix, space.words, vocab_limit=3000)  # real vectors, a fast build
    first = WordIndex.for_space(small, cache_dir=tmp_path)
    [cached] = list(tmp_path.iterdir())
    assert cached.suffix == ".faiss" and first.index.ntotal == 3000

    def no_build(matrix):
        raise AssertionError("rebuilt although cached")
    with monkeypatch.context() as mp:
        mp.setattr(word_index, "build_index", no_build)
        again = WordIndex.for_space(small, cache_dir=tmp_path)
    q = small.matrix[:20]
    np.testing.assert_array_equal(again.search(q, 5)[0], first.search(q, 5)[0])

    cached.write_bytes(b"not an index")  # a damaged cache is rebuilt, not fatal
    assert WordIndex.for_space(small, cache_dir=tmp_path).index.ntotal == 3000
    other = WordSpace(space.matrix, space.words, vocab_limit=3001)  # another matrix, another file
    WordIndex.for_space(other, cache_dir=tmp_path)
    assert len([p for p in tmp_path.iterdir() if p.suffix == ".faiss"]) == 2
    blocked = tmp_path / "file"
    blocked.write_text("")  # a cache dir that cannot be created only costs speed
    assert WordIndex.for_space(small, cache_dir=blocked / "sub").index.ntotal == 3000

"""The ONNX fast path and the shipped seed vectors give the same vectors as sentence-transformers."""

from pathlib import Path

import numpy as np

from progdb.text import onnx_encoder
from progdb.text.encoder import Encoder

SENTENCES = ["what is the plural of", "rewrite the following poem in the style of Shakespeare",
             "a much longer sentence " * 20, "ünïcödé ✓"]


def test_onnx_export_matches_sentence_transformers(tmp_path, monkeypatch):
    enc = Encoder()
    st = enc._load_sentence_transformers()
    target = tmp_path / "model.onnx"
    assert onnx_encoder.export(st, enc.model_path, target), "export failed or disagreed"
    fast = onnx_encoder.OnnxEncoder(enc.model_path, target).encode(SENTENCES, batch_size=3)
    slow = st.encode(SENTENCES, normalize_embeddings=True)
    assert fast.shape == (4, 384)
    assert np.min(np.sum(fast * slow, axis=1)) > 0.9999


def test_encoder_switches_backend_on_request(monkeypatch):
    monkeypatch.setenv("PROGDB_NO_ONNX", "1")
    e = Encoder()
    v = e.encode(["plural of"])
    assert e.backend == "sentence-transformers" and abs(float(np.linalg.norm(v)) - 1) < 1e-5


def test_the_shipped_seed_vectors_cover_every_seed_text_and_agree_with_the_encoder():
    """seeds/vectors.npz spares a new database a minute of embedding; a seed edited without
    rerunning tools/embed_seeds.py, or vectors of another model, fail here."""
    from progdb.ingest.library import SHIPPED, _shipped, seed_texts, seeds_dir

    encoder = Encoder()
    rows, vectors = _shipped(Path(encoder.model_path).name, seeds_dir())
    texts = seed_texts()
    assert [t for t in texts if t not in rows] == []
    sample = texts[:: max(1, len(texts) // 200)]
    shipped = np.stack([vectors[rows[t]] for t in sample]).astype(np.float32)
    shipped /= np.linalg.norm(shipped, axis=1, keepdims=True)
    assert (np.sum(shipped * encoder.encode(sample), axis=1) > 0.9999).all(), SHIPPED


def test_seed_vectors_embed_what_the_file_lacks(tmp_path):
    from progdb.ingest.library import seed_vectors

    encoder = Encoder()
    texts = ["plural of", "a text no seed holds, about lighthouses"]
    got = seed_vectors(texts, encoder)
    assert np.allclose(np.sum(got * encoder.encode(texts), axis=1), 1.0, atol=1e-3)
    # Without the file (or made by another model) every text is embedded.
    assert np.allclose(seed_vectors(texts, encoder, tmp_path), encoder.encode(texts), atol=1e-5)


def test_texts_of_mixed_lengths_run_in_runs_and_embed_as_each_alone(tmp_path):
    """A query's texts (1 to 20 tokens) run in a few runs, each padded to its own longest text: every
    text once, and the same vector it gets when embedded alone."""
    model_dir = Encoder().model_path
    target = onnx_encoder.cache_path(model_dir)
    if not target.exists():  # the first process on a machine still runs sentence-transformers
        target = tmp_path / "model.onnx"
        assert onnx_encoder.export(Encoder()._load_sentence_transformers(), model_dir, target)
    enc = onnx_encoder.OnnxEncoder(model_dir, target)
    texts = ["x", "plural of", "plural of cat", "what's the capital of Peru?",
             "rewrite this like a pirate: where is the nearest train station?", "of Peru",
             "make this formal: hey, can't come tomorrow, sorry, the bus broke down again on the way"]
    lengths = [len(enc.tokenizer.encode(t).ids) for t in texts]
    runs = onnx_encoder._runs(sorted(range(len(texts)), key=lengths.__getitem__), lengths, 64)
    assert sorted(i for run in runs for i in run) == list(range(len(texts))) and len(runs) > 1
    together = enc.encode(texts)
    alone = np.stack([enc.encode([t])[0] for t in texts])
    assert np.min(np.sum(together * alone, axis=1)) > 0.99999

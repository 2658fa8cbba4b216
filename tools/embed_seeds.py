"""Embed the built-in library's texts once and ship the vectors with the seeds.

    HF_HUB_OFFLINE=1 python tools/embed_seeds.py

Writes seeds/vectors.npz (float16): the programs' keys, the fewshot programs' example inputs and
the labelled requests (seeds/prompts/*.jsonl), each text once. A new database then stores them
without embedding them (progdb.ingest.library.seed_vectors: a text the file lacks, or another
encoder model, falls back to embedding). Rerun after editing seeds/; a test checks the file covers
every seed text and agrees with the encoder.
"""
from __future__ import annotations

from pathlib import Path

import numpy as np

from progdb.db import encoder
from progdb.ingest.library import SHIPPED, seed_texts, seeds_dir


def main() -> None:
    texts = seed_texts()
    assert not any("\x00" in t for t in texts)
    vectors = encoder().encode(texts)
    out = seeds_dir() / SHIPPED
    np.savez_compressed(out, vectors=vectors.astype(np.float16), model=np.array(Path(encoder().model_path).name),
                        texts=np.array("\x00".join(texts)))
    print(f"{out}: {len(texts)} vectors, {out.stat().st_size / 1e6:.1f} MB")


if __name__ == "__main__":
    main()

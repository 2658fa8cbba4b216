"""Fine-tune all-MiniLM-L6-v2 on the stored routing keys (SetFit-style contrastive training), then
train router_features' router on the tuned embeddings (CLINC150; goal: in-scope accuracy >= 0.95
with out-of-scope recall >= 0.90).

    HF_HUB_OFFLINE=1 nice -n 19 .venv/bin/python bench/router_finetune.py /tmp/clinc/val-halves.json \
        /tmp/clinc/train-fold.json [--tune val-halves ...] [--only VARIANT ...]

Data: router_features.collect()'s cache (/tmp/router_features/<file>.npz); both files are read so
that the selection rows (even val rows, no file's test rows) are the same as in router_features.
The encoder is tuned on the stored keys only (`texts`, `labels`), never on fit or test rows; the
tuned model, its embeddings of keys / fit / test rows and each router's probabilities are kept in
/tmp/router_finetune/<file>-<variant>/. The fit pipeline, choice measures and test figures are
router_features' (scored / evaluate / cv / at_recall / pipeline), so figures compare with its table.

RESULTS: (filled in below after the runs)
"""
from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
import router_features as rf  # noqa: E402

OUT = Path("/tmp/router_finetune")
ONE_CHAR = r"(?u)\b\w+\b"  # the current router: emb + TF-IDF word 1-2-grams (one-letter words kept), LR C=10


# -- the encoder ----------------------------------------------------------------------------------
def base_model():
    from sentence_transformers import SentenceTransformer

    from progdb.encoder import default_model_path
    return SentenceTransformer(default_model_path(), device="cpu", local_files_only=True)


def mnrl_batches(labels: np.ndarray, rng, batch: int, skip: set[str]) -> list[np.ndarray]:
    """One epoch of anchors: every key once (labels in `skip` never anchor), in batches of distinct
    labels: round r holds the r-th key of each label (labels in random order), split in near-equal
    batches of about `batch`."""
    by = {c: rng.permutation(np.flatnonzero(labels == c)) for c in np.unique(labels) if c not in skip}
    out = []
    for r in range(max(len(v) for v in by.values())):
        ids = np.array([by[c][r] for c in rng.permutation(list(by)) if len(by[c]) > r])
        out.extend(np.array_split(ids, max(1, round(len(ids) / batch))))
    return out


def pk_batches(labels: np.ndarray, rng, p: int, k: int) -> list[np.ndarray]:
    """One epoch in batches of p labels x k keys (for the batch triplet losses)."""
    by = {c: list(rng.permutation(np.flatnonzero(labels == c))) for c in np.unique(labels)}
    chunks = [(c, v[i:i + k]) for c, v in by.items() for i in range(0, len(v) - k + 1, k)]
    order = rng.permutation(len(chunks))
    out, cur, seen = [], [], set()
    pending = [chunks[i] for i in order]
    while pending:
        rest = []
        for c, ids in pending:
            if c in seen or len(cur) >= p:
                rest.append((c, ids))
                continue
            cur.append(ids)
            seen.add(c)
            if len(cur) == p:
                out.append(np.concatenate(cur))
                cur, seen = [], set()
        if len(rest) == len(pending):  # the rest share labels: flush
            if cur:
                out.append(np.concatenate(cur))
            cur, seen = [], set()
            if len({c for c, _ in rest}) < 2:
                break
        pending = rest
    return [b for b in out if len(b) >= 2 * k]


def tune(d: dict, v: dict, out: Path) -> dict:
    """Fine-tune a copy of MiniLM on the stored keys (texts + labels); saves it to `out`."""
    import torch
    from sentence_transformers.sentence_transformer import losses

    torch.manual_seed(v.get("seed", 0))
    rng = np.random.default_rng(v.get("seed", 0))
    model = base_model()
    model.max_seq_length = v.get("max_len", 64)
    texts = np.array(d["texts"], dtype=object)
    labels = np.array(d["labels"])
    neg = d["negative"][0]
    neg_ids = np.flatnonzero(labels == neg) if neg else np.array([], int)
    kind = v["loss"]
    if kind == "mnrl":
        loss = losses.MultipleNegativesRankingLoss(model, scale=v.get("scale", 20.0))
    elif kind == "bhsm":
        loss = losses.BatchHardSoftMarginTripletLoss(
            model, distance_metric=losses.BatchHardTripletLossDistanceFunction.cosine_distance)
    elif kind == "bat":
        loss = losses.BatchAllTripletLoss(
            model, distance_metric=losses.BatchHardTripletLossDistanceFunction.cosine_distance,
            margin=v.get("margin", 0.25))
    else:
        raise ValueError(kind)
    epochs = v.get("epochs", 1)
    plan = []
    for _ in range(epochs):
        if kind == "mnrl":
            skip = {neg} if v.get("neg") in ("hard", "skip") and neg else set()
            plan.extend(mnrl_batches(labels, rng, v.get("batch", 50), skip))
        else:
            plan.extend(pk_batches(labels, rng, v.get("p", 16), v.get("k", 4)))
    steps = len(plan)
    opt = torch.optim.AdamW(model.parameters(), lr=v.get("lr", 2e-5), weight_decay=0.01)
    warm = max(1, int(0.1 * steps))
    sched = torch.optim.lr_scheduler.LambdaLR(
        opt, lambda s: (s + 1) / warm if s < warm else max(0.0, (steps - s) / max(1, steps - warm)))
    model.train()
    t0, log = time.time(), []
    for step, ids in enumerate(plan):
        if kind == "mnrl":
            pos = []
            for i in ids:  # another key of the same label
                same = np.flatnonzero(labels == labels[i])
                same = same[same != i]
                pos.append(rng.choice(same))
            cols = [list(texts[ids]), list(texts[pos])]
            if v.get("neg") == "hard" and len(neg_ids):  # a stored out-of-scope key as each row's hard negative
                cols.append(list(texts[rng.choice(neg_ids, len(ids))]))
            feats = [model.preprocess(c) for c in cols]
            value = loss(feats, None)
        else:
            idx = {c: j for j, c in enumerate(np.unique(labels))}
            feats = [model.preprocess(list(texts[ids]))]
            value = loss(feats, torch.tensor([idx[labels[i]] for i in ids]))
        opt.zero_grad()
        value.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        sched.step()
        log.append(float(value))
        if step % 50 == 0 or step == steps - 1:
            print(f"    step {step + 1}/{steps} loss {np.mean(log[-50:]):.4f} {time.time() - t0:.0f}s", flush=True)
    train_s = time.time() - t0
    model.eval()
    model.max_seq_length = 256  # as shipped; every key and row is <= 33 tokens, so training lost nothing
    model.save(str(out / "model"))
    return {"train_s": train_s, "epoch_s": train_s / epochs, "steps": steps}


def embed(d: dict, out: Path) -> dict:
    """The tuned model's normalised embeddings of the keys and the fit and test rows (cached)."""
    f = out / "vectors.npz"
    if f.exists():
        z = np.load(f)
        return {k: z[k] for k in z.files if k != "embed_s"} | {"embed_s": float(z["embed_s"])}
    from sentence_transformers import SentenceTransformer

    model = SentenceTransformer(str(out / "model"), device="cpu", local_files_only=True)
    t = time.time()
    vec = {s: np.asarray(model.encode(list(d[k]), batch_size=64, normalize_embeddings=True,
                                      show_progress_bar=False), dtype=np.float32)
           for s, k in (("vectors", "texts"), ("v_val", "keys_val"), ("v_test", "keys_test"))}
    vec["embed_s"] = time.time() - t
    np.savez(f, **vec)
    return vec


# -- variants -------------------------------------------------------------------------------------
TUNES = {  # name: how the encoder is tuned
    "mnrl 1ep": {"loss": "mnrl", "epochs": 1},
    "mnrl 1ep neg hard": {"loss": "mnrl", "epochs": 1, "neg": "hard"},  # oos keys: never anchors, hard negatives
    "mnrl 3ep": {"loss": "mnrl", "epochs": 3},
    "bhsm 1ep": {"loss": "bhsm", "epochs": 1},
}
ROUTERS = {  # name: router_features.run_model parameters on the (tuned) embedding
    "+ words": {"token": ONE_CHAR},
    "alone": {"token": ONE_CHAR, "word": 0.0},
    "alone C=1": {"token": ONE_CHAR, "word": 0.0, "C": 1.0},
    "alone C=100": {"token": ONE_CHAR, "word": 0.0, "C": 100.0},
}


def router_probs(d: dict, vec: dict, out: Path, name: str) -> dict:
    f = out / f"probs {name}.npz"
    if f.exists():
        z = np.load(f, allow_pickle=False)
        return {"val": z["val"], "test": z["test"], "classes": list(z["classes"]), "train_s": float(z["train_s"])}
    dd = {**d, "vectors": vec["vectors"], "v_val": vec["v_val"], "v_test": vec["v_test"]}
    P = rf.run_model(dd, ROUTERS[name])
    np.savez(f, val=P["val"], test=P["test"], classes=np.array(P["classes"]), train_s=P["train_s"])
    return P


def main() -> None:
    import torch

    torch.set_num_threads(2)
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("files", nargs="+")
    ap.add_argument("--tune", nargs="*", help="file stems to tune and score (default: all)")
    ap.add_argument("--only", nargs="*", help="tuning variants (default: all of TUNES)")
    ap.add_argument("--routers", nargs="*", help="routers (default: all of ROUTERS)")
    args = ap.parse_args()
    data = {Path(f).stem: {**rf.collect(f), "path": f} for f in args.files}
    tested = set().union(*(d["keys_test"] for d in data.values()))
    for d in data.values():
        d["select"] = np.array([k not in tested for k in d["keys_val"]])
    stems = args.tune or list(data)
    for stem in stems:  # the reference: the frozen encoder with the current router (router_features' cache)
        d = data[stem]
        P = rf.probabilities(d["path"], d, "1-char tokens")
        rf.show(stem, "frozen + words (current)", rf.evaluate(d, P, P["classes"]), P["train_s"])
        dd = {**d}
        P = rf.run_model(dd, ROUTERS["alone"])
        rf.show(stem, "frozen alone", rf.evaluate(d, P, P["classes"]), P["train_s"])
    for name in args.only or list(TUNES):
        for stem in stems:
            d = data[stem]
            out = OUT / f"{stem}-{name.replace(' ', '_')}"
            out.mkdir(parents=True, exist_ok=True)
            meta_f = out / "tune.json"
            if not meta_f.exists():
                print(f"tuning {stem} {name}", flush=True)
                meta_f.write_text(json.dumps(tune(d, TUNES[name], out)))
            meta = json.loads(meta_f.read_text())
            vec = embed(d, out)
            print(f"{stem} {name}: training {meta['train_s']:.0f}s ({meta['epoch_s']:.0f}s/epoch, {meta['steps']} steps),"
                  f" re-embedding {len(d['texts']) + len(d['keys_val']) + len(d['keys_test'])} texts {vec['embed_s']:.0f}s",
                  flush=True)
            for r in args.routers or list(ROUTERS):
                P = router_probs(d, vec, out, r)
                rf.show(stem, f"{name} {r}", rf.evaluate(d, P, P["classes"]), P["train_s"])


if __name__ == "__main__":
    main()

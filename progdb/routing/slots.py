"""Slot filling without an LLM: a linear-chain CRF (python-crfsuite) per intent program, learned
from the program's annotated examples (`add [clem burke](artist) to my playlist`).

Features are the words around each token, their shapes and suffixes, and a gazetteer of the
slot values seen in training. The gazetteer features of training sentences are computed from the
other folds only, so the tagger learns how far to trust a known value instead of trusting it
always (a value never seen before is the common case on new prompts).

The tagger is derived data: trained when first needed, cached on disk by the examples' content.
"""
from __future__ import annotations

import hashlib
import re
from pathlib import Path

from progdb import models
from progdb.storage.cache import cache_file, written

TOKEN_RE = re.compile(r"\w+(?:['’]\w+)*|[^\w\s]", re.UNICODE)
FOLDS = 4
MAX_GAZ_WORDS = 6
CLUSTER_WORDS = 100_000
CLUSTER_SIZES = (64, 512)
VERSION = 2
Span = tuple[int, int, str]


def tokenize(text: str) -> list[tuple[str, int, int]]:
    return [(m.group(), m.start(), m.end()) for m in TOKEN_RE.finditer(text)]


def _shape(w: str) -> str:
    s = re.sub(r"[A-Z]", "X", w)
    s = re.sub(r"[a-z]", "x", s)
    s = re.sub(r"[0-9]", "d", s)
    return re.sub(r"(.)\1+", r"\1\1", s)


class Gazetteer:
    """Known slot values, matched as whole token runs (longest first)."""
    def __init__(self, spans_by_text: list[tuple[str, list[Span]]]):
        self.values: dict[tuple[str, ...], set[str]] = {}
        for text, spans in spans_by_text:
            for a, b, name in spans:
                words = tuple(w.lower() for w, _, _ in tokenize(text[a:b]))
                if 0 < len(words) <= MAX_GAZ_WORDS:
                    self.values.setdefault(words, set()).add(name)

    def marks(self, words: list[str]) -> list[list[str]]:
        lower = [w.lower() for w in words]
        marks: list[list[str]] = [[] for _ in words]
        for i in range(len(words)):
            for n in range(min(MAX_GAZ_WORDS, len(words) - i), 0, -1):
                names = self.values.get(tuple(lower[i:i + n]))
                if names:
                    for name in names:
                        marks[i].append(f"B-{name}")
                        for j in range(i + 1, i + n):
                            marks[j].append(f"I-{name}")
                    break
        return marks


_clusters: dict[str, str] | None = None


def word_clusters() -> dict[str, str]:
    """Word → "coarse/fine" cluster ids of GloVe vectors (k-means, 64 and 512 clusters over the
    100k most frequent words): a slot value never seen in training ("Peaceful Piano") still looks
    like the values that were. Computed once, cached as text."""
    global _clusters
    if _clusters is None:
        path = cache_file(f"word-clusters-v{VERSION}.tsv")
        if not path.exists():
            _write_clusters(path)
        _clusters = dict(line.split("\t", 1) for line in path.read_text(encoding="utf-8").splitlines())
    return _clusters


def _write_clusters(path: Path) -> None:
    from sklearn.cluster import MiniBatchKMeans

    space = models.word_space()
    n = min(CLUSTER_WORDS, len(space.words))
    ids = [MiniBatchKMeans(k, random_state=0, n_init=3, batch_size=4096).fit_predict(space.matrix[:n])
           for k in CLUSTER_SIZES]
    lines = [f"{space.words[i]}\t{'/'.join(str(c[i]) for c in ids)}" for i in range(n)
             if "\t" not in space.words[i] and "\n" not in space.words[i]]
    with written(path) as tmp:
        tmp.write_text("\n".join(lines), encoding="utf-8")


def features(words: list[str], gaz_marks: list[list[str]]) -> list[list[str]]:
    out = []
    lower = [w.lower() for w in words]
    clusters = word_clusters()
    cl = [clusters.get(w, "none/none").split("/") for w in lower]
    for i, w in enumerate(words):
        f = [f"w={lower[i]}", f"shape={_shape(w)}", f"suf3={lower[i][-3:]}", f"suf2={lower[i][-2:]}",
             f"pre3={lower[i][:3]}", f"title={w.istitle()}", f"digit={w.isdigit()}",
             f"c64={cl[i][0]}", f"c512={cl[i][1]}"]
        for d in (-1, 1):
            if 0 <= i + d < len(words):
                f.append(f"c64{d:+d}={cl[i + d][0]}")
        for d in (-2, -1, 1, 2):
            j = i + d
            f.append(f"w{d}={lower[j] if 0 <= j < len(words) else ('<s>' if j < 0 else '</s>')}")
        if i > 0:
            f.append(f"w-1|w={lower[i - 1]}|{lower[i]}")
        if i + 1 < len(words):
            f.append(f"w|w+1={lower[i]}|{lower[i + 1]}")
        f += [f"gaz={m}" for m in gaz_marks[i]] or ["gaz=none"]
        out.append(f)
    return out


def bio_labels(text: str, spans: list[Span]) -> tuple[list[str], list[str]]:
    toks = tokenize(text)
    labels = ["O"] * len(toks)
    for a, b, name in spans:
        inside = [i for i, (_, s, e) in enumerate(toks) if s >= a and e <= b]
        for n, i in enumerate(inside):
            labels[i] = ("B-" if n == 0 else "I-") + name
    return [w for w, _, _ in toks], labels


def spans_from_labels(text: str, labels: list[str]) -> list[Span]:
    toks = tokenize(text)
    spans, current = [], None
    for (w, s, e), label in zip(toks, labels):
        if label.startswith("B-") or (label.startswith("I-") and (current is None or current[2] != label[2:])):
            if current:
                spans.append(tuple(current))
            current = [s, e, label[2:]]
        elif label.startswith("I-") and current:
            current[1] = e
        else:
            if current:
                spans.append(tuple(current))
            current = None
    if current:
        spans.append(tuple(current))
    return spans


class Tagger:
    def __init__(self, model_path: Path, gazetteer: Gazetteer):
        import pycrfsuite

        self.gazetteer = gazetteer
        self.tagger = pycrfsuite.Tagger()
        self.tagger.open(str(model_path))

    def tag(self, text: str) -> list[Span]:
        words = [w for w, _, _ in tokenize(text)]
        if not words:
            return []
        labels = self.tagger.tag(features(words, self.gazetteer.marks(words)))
        return spans_from_labels(text, labels)


def train(examples: list[tuple[str, list[Span]]], model_path: Path) -> None:
    import pycrfsuite

    trainer = pycrfsuite.Trainer(verbose=False)
    for fold in range(FOLDS):
        # Gazetteer marks of a training sentence come from the other folds only.
        gaz = Gazetteer([ex for i, ex in enumerate(examples) if i % FOLDS != fold])
        for i in range(fold, len(examples), FOLDS):
            words, labels = bio_labels(*examples[i])
            if words:
                trainer.append(features(words, gaz.marks(words)), labels)
    trainer.set_params({"c1": 0.1, "c2": 0.05, "max_iterations": 150,
                        "feature.possible_transitions": True})
    with written(model_path) as tmp:
        trainer.train(str(tmp))


def cached_tagger(examples: list[tuple[str, list[Span]]]) -> Tagger | None:
    """The tagger for these annotated examples (None when none carries a slot)."""
    if not any(spans for _, spans in examples):
        return None
    h = hashlib.sha256(f"slots v{VERSION} {FOLDS}".encode())
    for text, spans in examples:
        h.update(f"\x00{text}\x01{sorted(spans)}".encode())
    path = cache_file(f"slots-{h.hexdigest()[:24]}.crfsuite")
    if not path.exists():
        train(examples, path)
    return Tagger(path, Gazetteer(examples))

"""ProgramDB: the Python API. The CLI is a thin layer over these verbs."""
from __future__ import annotations

import fcntl
import hashlib
import json
import os
import time
from contextlib import contextmanager
from itertools import islice
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import IO, Callable, Iterable, Iterator

import numpy as np

from progdb.query import retrieve
from progdb.errors import ProgdbError
from progdb.storage.lease import lock_timeout
from progdb.query.execute import DEFAULT_METHOD, Output, WordProgram, run_chain, run_vector
from progdb.text.fewshot import (DEFAULT_BUDGET, Candidate, Compiled, compile_prompt, example_size, fixed_size, instruction_for,
                      pool_size, select)
from progdb.text.llm import Endpoint
from progdb.query.incontext import FIT_GAIN, FIT_THRESHOLD, parse_incontext, rank_programs, self_fit
from progdb.query.parse import Parsed, candidate_cuts, compile_template, fill, match_template, parse, split_explicit
from progdb.program import Example, Program, key_text, outputs_by_input, parse_card, validate
from progdb.query.retrieve import ProgramMatch, Retrieval
from progdb.routing.labelled import LabelledPrompt, parse_annotation, program_name, programs_from, read_labelled
from progdb.ingest.library import load_seed_prompts, load_seeds, seeds_dir, shipped_vectors
from progdb.routing.calibration import choose_threshold, fit_metrics, offsets_json, program_offsets
from progdb.routing.router import Router, cached_router, fold_of
from progdb.routing.slots import cached_tagger
from progdb.query.reader import SEED_THRESHOLD, Reader
from progdb import models
from progdb.storage import seed_cache
from progdb.models import encoder, word_space  # noqa: F401  (re-exported: the public names)
from progdb.storage.store import SCHEMA, Store

ROUTERS = ("classifier", "similarity")
ROUTER_THRESHOLD = 0.3     # router probability below which the answer is "none", until `fit` sets it
ROUTER_MARGIN = 0.1        # probabilities within this of the best are blended (vector/fewshot only)
ROUTER_TEMPERATURE = 0.1
LEARN_FOLDS = 5            # fit's out-of-fold routers: each trains on 4/5 of the labelled prompts
FIT_NEGATIVE = "(out of scope)"  # the class of fit's out-of-scope prompts when no negative program exists
NOTHING_LEARNED = ([], [], np.zeros((0, 0), dtype=np.float32))
ROUTE_HITS = 50  # stored keys looked up per key: a program scores as its best key among them
COMPOSE_MARGIN = 0.1  # each half of a split key must clear the threshold by this much
PHRASE_WORDS = 4  # "Mount Rushmore National Memorial"; longer sides are text
VECTOR_SHARE = 0.5  # auto kind: vector when more than this share of pairs live in word space

_pair_cache: dict[str, WordProgram] = {}


def default_db_path() -> str:
    env = os.environ.get("PROGDB_DB")
    if env:
        return env
    from platformdirs import user_data_dir

    return str(Path(user_data_dir("progdb")) / "db")


def _key_texts(prompt: str, templates) -> list[str]:
    """The key texts query() will embed for this prompt: its parsed key, or the whole prompt and
    every candidate cut's key (as parse asks score_keys)."""
    found = match_template(prompt, templates) or split_explicit(prompt)
    if found:
        return [found.key]
    whole = parse(prompt, [], None)
    return [whole.key] + [c.key for c in candidate_cuts(prompt)]


def _copied(program: Program) -> Program:
    """A copy a caller may change (the examples list is new; Example records are shared and
    never changed in place)."""
    return Program(name=program.name, kind=program.kind, keys=list(program.keys), examples=list(program.examples),
                   description=program.description, source=program.source, license=program.license)


class _VectorJob:
    """A word program's run, waiting for its outputs (query_many runs many at once)."""

    def __init__(self, result: QueryResult, programs: list[tuple[WordProgram, float]], fewshot: "_FewshotRun",
                 options: tuple):
        self.result, self.programs, self.fewshot = result, programs, fewshot
        self.options = options  # run_vector's k, method, use_stored

    def run(self) -> None:
        self.finish(run_vector(models.word_space(), self.programs, self.result.inputs, *self.options))

    def finish(self, outputs: list[Output]) -> None:
        for i, out in enumerate(outputs):
            if out.source == "error":  # a word outside the word space: the few-shot form, if an LLM runs it
                outputs[i] = self.fewshot.fallback(out)
        self.result.outputs = outputs
        self.result.compiled = self.fewshot.compiled


class KeyLookup:
    """Key texts embedded and looked up among the stored keys once per text: one query embeds
    its candidate cuts together, and a batch of prompts (query_many) embeds and searches all of
    theirs in a few large calls instead of one small call per prompt."""

    KEEP = 50_000  # texts remembered across a batch's chunks (~80 MB of vectors)

    def __init__(self, store: Store):
        self.store = store
        self.vectors: dict[str, np.ndarray] = {}
        self.hits: dict[str, list] = {}
        self.readings: dict[str, list] = {}  # a prompt's readings, computed for a batch's prefetch

    def trim(self) -> None:
        """Forget the oldest texts beyond KEEP (dicts keep insertion order), and readings a
        chunk left untaken."""
        self.readings.clear()
        for table in (self.vectors, self.hits):
            for text in list(islice(table, max(0, len(table) - self.KEEP))):
                del table[text]

    def prefetch(self, texts: list[str], search: bool = True) -> None:
        todo = [t for t in dict.fromkeys(texts) if t not in self.vectors]
        if todo:
            self.vectors.update(zip(todo, models.encoder().encode(todo)))
        if search:
            todo = [t for t in dict.fromkeys(texts) if t not in self.hits]
            if todo:
                self.hits.update(zip(todo, self.store.nearest_keys(self.embed(todo), ROUTE_HITS)))

    def embed(self, texts: list[str]) -> np.ndarray:
        self.prefetch(texts, search=False)
        return np.stack([self.vectors[t] for t in texts])

    def nearest(self, texts: list[str]) -> list[list]:
        """Each text's ROUTE_HITS nearest stored keys, best first."""
        self.prefetch(texts)
        return [self.hits[t] for t in texts]

    def score_keys(self, texts: list[str]) -> list[float]:
        return [h[0].score if h else 0.0 for h in self.nearest(texts)]


def _check_new_path(path: Path, chosen: bool) -> None:
    """A database directory about to be created: a chosen one (--db, PROGDB_DB) must have an
    existing parent folder, so a mistyped path is an error rather than a new database; the
    default location is created with its parents."""
    if path.exists() and not path.is_dir():
        raise ProgdbError(f"--db {path}: exists and is not a directory")
    if path.is_dir() and any(path.iterdir()) and not (path / "progdb.lock").exists():
        raise ProgdbError(f"--db {path}: a folder that holds other files, not a progdb database")
    if chosen and not path.parent.is_dir():
        raise ProgdbError(f"--db {path}: the folder {path.parent} does not exist (a new database is created "
                          "only inside an existing folder)")


@dataclass
class QueryResult:
    prompt: str
    key: str
    inputs: list[str]
    slots: dict[str, str]
    parse_method: str
    template: str | None
    mode: str
    message: str
    threshold: float
    programs: list[ProgramMatch]
    candidates: list[ProgramMatch]
    kind: str | None = None
    outputs: list[Output] = field(default_factory=list)
    compiled: list[Compiled] = field(default_factory=list)
    entities: list[dict] = field(default_factory=list)  # intent slots: {slot, value, start, end}
    router: str = "similarity"  # how programs were scored: similarity | classifier
    corrections: list[str] = field(default_factory=list)  # typos read as other words: "plurl -> plural"

    def to_dict(self) -> dict:
        return asdict(self)


class ProgramDB:
    def __init__(self, path: str | None = None, server: str | None = None, seed: bool = True,
                 namespace: str | None = None, notice: Callable[[str], None] | None = None):
        """notice(text) is told, before the work starts, when a new database is created (and
        seeded) or an older one is migrated: the slow first opens."""
        if path and server:
            raise ProgdbError("choose either a database path or a server, not both")
        chosen = path or (None if server else os.environ.get("PROGDB_DB"))
        self.path = None if server else (chosen or default_db_path())
        namespace = namespace or os.environ.get("PROGDB_NAMESPACE", "progdb")
        template = None
        if self.path is not None and not (Path(self.path) / "chroma.sqlite3").exists():
            _check_new_path(Path(self.path), chosen is not None)
            # chromadb's own set-up of a new directory races with a second process doing the same
            os.makedirs(self.path, exist_ok=True)
            with self._locked():
                if seed and not os.environ.get("PROGDB_SEEDS"):
                    template = seed_cache.template_path(seeds_dir(), namespace, models.encoder().model_path, SCHEMA)
                    if seed_cache.restore(template, Path(self.path)):
                        template = None  # a copy of a seeded database: nothing to seed
                        if notice is not None:
                            notice(f"creating a new database at {self.path}, seeded with the built-in library "
                                   f"({len(list(seeds_dir().glob('*.json')))} programs, copied from the one seeded "
                                   "earlier on this machine)")
                self.store = Store(self.path, server, namespace)
        else:
            self.store = Store(self.path, server, namespace)
        self.store.on_reconnect.append(self._reset_caches)
        self._templates = None
        self._kinds = None
        self._vector_cache = None
        self._router_cache = None
        self._reader_cache = None
        self._taggers: dict = {}
        self._example_vec_cache: dict = {}
        self._cards: dict[str, tuple[bytes, Program]] = {}
        if self.store.needs_migration():  # made by an older progdb: store.migrate
            if notice is not None:
                notice(f"migrating the database at {self.store.location} to this version's layout (one record "
                       "per pair; once, about a minute for the built-in library)")
            with self._writing():
                self.store.migrate()
        if self.store.is_new:
            if notice is not None:
                where = self.store.location
                notice(f"creating a new database at {where}" +
                          (f", seeded with the built-in library ({len(list(seeds_dir().glob('*.json')))} "
                           "programs; about a minute the first time on a 2-core machine; later new databases "
                           "copy it in seconds)" if seed else ", empty (--no-seed)"))
            with self._writing():
                self.store.set_settings(state="seeding" if seed else "empty")
        if self.store.settings().get("state") == "seeding":
            # Also resumes a seeding that an earlier process did not finish.
            with self._writing():
                self._add_many(load_seeds(), replace=True, cache=True)
                self._learn_seed_prompts()
                self.store.set_settings(state="seeded")
            if template is not None:
                seed_cache.save(Path(self.path), template)

    def _learn_seed_prompts(self) -> None:
        """The built-in library's labelled requests and out-of-scope prompts join the routing, as a
        `fit` would store them: the reader matches a request against them beside the keys."""
        labels, texts = load_seed_prompts()
        if texts:
            kinds = self._kind_map()
            keep = [i for i, l in enumerate(labels) if l is None or l in kinds]
            texts = [texts[i] for i in keep]
            vectors = shipped_vectors(texts, models.encoder().model_path)
            self.store.replace_labelled([labels[i] for i in keep], texts,
                                        vectors if vectors is not None else models.encoder().encode_cached(texts))
            self.store.set_settings(threshold=SEED_THRESHOLD)

    # -- writing --------------------------------------------------------------------------
    def _reset_caches(self) -> None:
        self._templates = self._kinds = self._vector_cache = self._router_cache = self._reader_cache = None
        self._taggers = {}

    @contextmanager
    def _writing(self):
        """One writer per embedded path: two processes writing one chromadb directory lose vectors
        silently (bench/embedded_writers.py), so the second waits for the first, then gives up with
        a clear error; and each write tells other processes to reopen before their next use."""
        self._reset_caches()
        if self.path is None:
            yield
            return
        with self._locked():
            try:
                yield
            finally:
                self.store.wrote()

    @contextmanager
    def _locked(self):
        lock_path = Path(self.path) / "progdb.lock"
        with open(lock_path, "a+") as fh:
            deadline = time.monotonic() + lock_timeout()
            while True:
                try:
                    fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    break
                except BlockingIOError:
                    if time.monotonic() > deadline:
                        raise ProgdbError(f"{self.path}: another process is writing to this database; "
                                          "use a chroma server for several writers") from None
                    time.sleep(0.2)
            try:
                yield
            finally:
                fcntl.flock(fh, fcntl.LOCK_UN)

    def add(self, program: Program | None = None, *, name: str | None = None, keys: Iterable[str] = (),
            examples: Iterable = (), kind: str = "auto", description: str = "", source: str = "",
            license: str = "", replace: bool = False) -> Program:
        """Register a program (or replace one with replace=True). Nothing is stored unless all of it is valid."""
        if program is None:
            program = Program(name=name or "", kind=kind, keys=list(keys),
                              examples=[e if isinstance(e, Example) else Example(*e) for e in examples],
                              description=description, source=source, license=license)
        with self._writing():
            return self._add_many([program], replace)[0]

    def _add_many(self, programs: list[Program], replace: bool, cache: bool = False) -> list[Program]:
        seen = set()
        for p in programs:
            validate(p)
            if p.name in seen:
                raise ProgdbError(f"program '{p.name}' appears twice")
            seen.add(p.name)
            if not replace and self.store.card(p.name) is not None:
                raise ProgdbError(f"program '{p.name}' already exists (use --replace to replace it)")
        offsets = {}
        for p in programs:
            if p.kind == "auto":
                p.kind = self.detect_kind(p)
            elif p.kind == "vector":
                self._check_vector(p)
            if p.kind == "vector":
                offset, used = models.word_space().mean_offset(p.pairs())
                if not used:
                    raise ProgdbError(f"program '{p.name}': none of its pairs are in the word space; "
                                      "use --kind fewshot")
                offsets[p.name] = offset
        # Every embedding is computed before the first write, so a failure stores nothing.
        texts = []
        for p in programs:
            texts += [key_text(k) for k in p.keys]
            if p.kind == "fewshot":
                texts += [e.input for e in p.examples]
        vectors = models.encoder().encode_cached(texts) if cache else models.encoder().encode(texts)
        at = 0
        for p in programs:
            nk = len(p.keys)
            key_vecs = vectors[at: at + nk]
            at += nk
            ex = p.examples if p.kind == "fewshot" else []
            ex_vecs = vectors[at: at + len(ex)]
            at += len(ex)
            with self._leased(p.name):
                self.store.write_program(p.to_json(), p.summary(), list(p.keys), key_vecs,
                                         [e.input for e in ex], [e.output for e in ex], ex_vecs,
                                         offsets.get(p.name))
        from progdb.words.ranker import prepare  # a vector program's ranker is learned now, not by its first query

        for p in programs:
            if p.kind == "vector":
                prepare(models.word_space(), p.pairs())
        return programs

    @contextmanager
    def _leased(self, name: str):
        """Server: the program's write lease, so this write does not interleave with an import's."""
        lease = self.store.lease(name)
        lease.acquire(lock_timeout())
        try:
            yield
        finally:
            lease.release()

    @staticmethod
    def _word_pairs(program: Program) -> tuple[int, int]:
        """(pairs that are words or short phrases of the word space the pair changes, all pairs):
        sentences are text, even when every word of them is in the word space."""
        pairs = program.pairs()
        short = [(a, b) for a, b in pairs if len(a.split()) <= PHRASE_WORDS and len(b.split()) <= PHRASE_WORDS]
        return len(models.word_space().usable(short)), len(pairs)

    @classmethod
    def _check_vector(cls, program: Program) -> None:
        """A program forced to be vector must mostly be words of the word space: sentence pairs
        stored as arithmetic would answer nonsense."""
        inside, total = cls._word_pairs(program)
        if total and inside <= VECTOR_SHARE * total:
            raise ProgdbError(f"program '{program.name}': kind vector, but only {inside} of its {total} pairs "
                              "are words of the word space that the pair changes; use --kind fewshot (or auto)")

    def grow(self, program: Program, kind_given: bool = False) -> tuple[Program, dict]:
        """Merge `program` into the stored program of its name: new keys and pairs are added, a
        non-empty description, source or licence replaces the stored one, the kind changes only
        when `kind_given`. Returns the stored program and what changed
        ({"keys": n added, "examples": n added})."""
        old = self.get(program.name)
        merged = Program(name=old.name, kind=program.kind if kind_given else old.kind, keys=list(old.keys),
                         examples=list(old.examples), description=program.description or old.description,
                         source=program.source or old.source, license=program.license or old.license)
        new_keys = [k for k in dict.fromkeys(program.keys) if k not in old.keys]
        known = {(e.input, e.output) for e in old.examples}
        new_examples = []
        for e in program.examples:
            if (e.input, e.output) not in known:
                known.add((e.input, e.output))
                new_examples.append(e)
        merged.keys += new_keys
        merged.examples += new_examples
        change = {"keys": len(new_keys), "examples": len(new_examples)}
        if merged.to_json() == old.to_json():
            return old, change
        with self._writing():
            return self._add_many([merged], replace=True)[0], change

    def key_neighbours(self, program: Program, floor: float = 0.9) -> list[tuple[str, str, str, float]]:
        """Keys of other programs nearly the same as this program's keys (cosine ≥ floor):
        (this key, other program, its key, cosine). Such programs compete for the same prompts."""
        keys = [k for k in program.keys if key_text(k)]
        if not keys:
            return []
        found = []
        for key, hits in zip(keys, self.store.nearest_keys(models.encoder().encode([key_text(k) for k in keys]), 10)):
            for h in hits:
                if h.program != program.name and h.score >= floor:
                    found.append((key, h.program, h.key, h.score))
                    break
        return found

    @classmethod
    def detect_kind(cls, program: Program) -> str:
        """vector when most pairs are words (or short phrases) of the word space that the pair
        changes (_word_pairs); fewshot otherwise, and without pairs."""
        inside, total = cls._word_pairs(program)
        return "vector" if total and inside > VECTOR_SHARE * total else "fewshot"

    def remove(self, name: str) -> None:
        self.get(name)
        with self._writing(), self._leased(name):
            self.store.delete_program(name)

    def import_(self, source: str | Path | IO[str], replace: bool = False) -> list[Program]:
        """Read programs exported by `export` (JSON lines); all lines are checked before any is stored."""
        label = str(getattr(source, "name", source))
        if isinstance(source, (str, Path)):
            try:
                text = Path(source).read_text(encoding="utf-8")
            except UnicodeDecodeError:
                raise ProgdbError(f"{source}: not UTF-8 text") from None
            except OSError as exc:
                raise ProgdbError(f"{source}: cannot read ({exc.strerror})") from None
        else:
            text = source.read()
        programs = [parse_card(line, f"{label}, line {n}")
                    for n, line in enumerate(text.splitlines(), 1) if line.strip()]
        if not programs:
            raise ProgdbError(f"{label}: no programs in the file")
        with self._writing():
            return self._add_many(programs, replace)

    def import_pairs(self, rows, **options):
        """Example pairs in bulk (rows from bulk.read_rows): see importer.import_rows; returns an ImportSummary."""
        from progdb.ingest.importer import import_rows

        with self._writing():
            return import_rows(self, rows, **options)

    # -- reading --------------------------------------------------------------------------
    def get(self, name: str) -> Program:
        card = self.store.card(name)
        if card is None:
            raise ProgdbError(f"no program named '{name}'")
        # Parsing and checking a large card costs milliseconds a query; the same card parses the same.
        digest = hashlib.sha1(card.encode()).digest()
        cached = self._cards.get(name)
        if cached is None or cached[0] != digest:
            # validated when written: checking 100,000 pairs again costs a first query 0.3 s
            cached = self._cards[name] = (digest, parse_card(card, f"stored program '{name}'", check=False))
        return _copied(cached[1])

    def list(self) -> list[dict]:
        return [{k: m[k] for k in ("name", "kind", "n_keys", "n_examples", "description")}
                for m in self.store.summaries()]

    def export(self, out: IO[str] | None = None, names: list[str] | None = None) -> str:
        """Program cards as JSON lines: every program, or those named (in name order)."""
        if names is not None:
            cards = [self.store.card(name) for name in sorted(set(names))]
            missing = [name for name, card in zip(sorted(set(names)), cards) if card is None]
            if missing:  # an unknown name is an error, not an empty export
                raise ProgdbError(f"no program named '{missing[0]}'")
        else:
            cards = self.store.cards()
        text = "".join(card + "\n" for card in cards)
        if out is not None:
            out.write(text)
        return text

    def settings(self) -> dict:
        return self.store.settings()

    # -- querying -------------------------------------------------------------------------
    def _template_list(self, program: str | None = None):
        """Templates of transform programs (what parse matches), or of one program."""
        if self._templates is None:
            compiled = (compile_template(p, k) for p, k in self.store.all_keys())
            self._templates = [t for t in compiled if t is not None]
        if program is not None:
            return [t for t in self._templates if t.program == program]
        kinds = self._kind_map()
        return [t for t in self._templates if kinds.get(t.program) in retrieve.BLENDABLE]

    def _kind_map(self) -> dict[str, str]:
        if self._kinds is None:
            self._kinds = {m["name"]: m["kind"] for m in self.store.summaries()}
        return self._kinds

    # -- routing --------------------------------------------------------------------------
    def calibration(self) -> dict:
        """How keys are routed: the stored calibration over the defaults (`progdb fit` writes it)."""
        s = self.store.settings()
        cal = {"router": s.get("router", "similarity"),
               "threshold": float(s.get("threshold", retrieve.DEFAULT_THRESHOLD)),
               "margin": float(s.get("margin", retrieve.DEFAULT_MARGIN)),
               "router_threshold": float(s.get("router_threshold", ROUTER_THRESHOLD)),
               "router_margin": float(s.get("router_margin", ROUTER_MARGIN)),
               # per program, its own threshold minus router_threshold (`fit` sets them)
               "router_offsets": json.loads(s.get("router_offsets", "{}"))}
        if s.get("fit"):
            cal["fit"] = json.loads(s["fit"])
        return cal

    def set_calibration(self, **values) -> dict:
        """Set calibration values by hand (`progdb fit --set router_threshold=0.5`)."""
        allowed = {"router": str, "threshold": float, "margin": float, "router_threshold": float,
                   "router_margin": float, "router_offsets": offsets_json}
        clean = {}
        for name, value in values.items():
            if name not in allowed:
                raise ProgdbError(f"calibration: unknown field '{name}' (one of {', '.join(allowed)})")
            try:
                clean[name] = allowed[name](value)
            except (ValueError, TypeError, AttributeError):
                what = "a JSON object of numbers" if name == "router_offsets" else "a number"
                raise ProgdbError(f"calibration: field '{name}': '{value}' is not {what}") from None
        if clean.get("router", "similarity") not in ROUTERS:
            raise ProgdbError(f"calibration: field 'router': '{clean['router']}' is not one of {', '.join(ROUTERS)}")
        with self._writing():
            self.store.set_settings(**clean)
        return self.calibration()

    def _learned(self) -> tuple[list[str], list[str], np.ndarray]:
        """The prompts the last `fit` learned from, as router rows: class labels (their program; an
        out-of-scope prompt the database's negative program, else a class of its own), texts,
        vectors. Prompts of programs deleted since are left out."""
        programs, texts, vectors = self.store.labelled_with_vectors()
        kinds = self._kind_map()
        keep = [i for i, p in enumerate(programs) if p is None or p in kinds]
        return [programs[i] or self._negative_class() for i in keep], [texts[i] for i in keep], vectors[keep]

    def _negative_class(self) -> str:
        return min((n for n, k in self._kind_map().items() if k == "negative"), default=FIT_NEGATIVE)

    def _router_rows(self, learned: tuple | None = None) -> tuple[list[str], list[str], np.ndarray]:
        """What the classifier trains on: every key, and the prompts `fit` learned from."""
        labels, texts, vectors = self.store.keys_with_vectors()
        more_labels, more_texts, more_vectors = learned if learned is not None else self._learned()
        return (labels + more_labels, [key_text(t) for t in texts] + more_texts,
                np.vstack([vectors, more_vectors]) if len(more_texts) else vectors)

    def _router(self):
        if self._router_cache is None:
            self._router_cache = [cached_router(*self._router_rows(), models.encoder().model_path)]
        return self._router_cache[0]

    def route(self, keys: list[str], vectors: np.ndarray, router: str | None = None,
              threshold: float | None = None, cal: dict | None = None, model: Router | None = None,
              hits: list | None = None) -> list[Retrieval]:
        """Decide, for each key (embedded as `vectors`), which program it asks for; `router` and
        `threshold` override the calibration (`cal`, read from the database when not given);
        `model` the classifier (fit's out-of-fold routers); `hits` the keys' nearest stored keys
        when already looked up (KeyLookup)."""
        cal = dict(cal or self.calibration())
        if threshold is not None:
            cal["threshold"] = cal["router_threshold"] = threshold
            cal["router_offsets"] = {}  # an explicit threshold holds for every program
        kinds = {**self._kind_map(), FIT_NEGATIVE: "negative"}
        all_hits = hits if hits is not None else self.store.nearest_keys(vectors, ROUTE_HITS)
        if (router or cal["router"]) == "classifier":
            model = model or self._router()
        else:
            model = None
        probs = model.probabilities(keys, vectors) if model is not None else None
        decisions = []
        for i, hits in enumerate(all_hits):
            nearest = retrieve.best_per_program(hits)
            exact = retrieve.exact_match(nearest)
            if model is not None:
                ranked = retrieve.by_probability(model.classes, probs[i], nearest)
                decisions.append(retrieve.decide(ranked, kinds, cal["router_threshold"], cal["router_margin"],
                                                 exact, temperature=ROUTER_TEMPERATURE,
                                                 offsets=cal.get("router_offsets")))
            else:
                decisions.append(retrieve.decide(nearest, kinds, cal["threshold"], cal["margin"], exact))
        return decisions

    def _reader(self) -> Reader:
        """The programs as the request reader sees them: their phrasings (keys, and the prompts a
        fit learned from), stored out-of-scope prompts, and each program's stored inputs."""
        if self._reader_cache is None:
            kinds = self._kind_map()
            names = sorted(kinds)
            index = {n: i for i, n in enumerate(names)}
            learned = self._learned()
            labels, texts, vectors = self._router_rows(learned)
            negative = [kinds.get(label) == "negative" or label == FIT_NEGATIVE for label in labels]
            keep = [i for i, neg in enumerate(negative) if not neg and labels[i] in index]
            negatives = vectors[[i for i, neg in enumerate(negative) if neg]] if any(negative) else \
                np.zeros((0, vectors.shape[1] if vectors.size else 384), dtype=np.float32)
            inputs = {n: [e.input for e in self.get(n).examples] for n, k in kinds.items()
                      if k in retrieve.BLENDABLE}
            self._reader_cache = Reader(names, kinds, np.array([index[labels[i]] for i in keep], dtype=np.int64),
                                        [texts[i] for i in keep], vectors[keep], negatives, inputs,
                                        models.word_space(), set(learned[0]))
        return self._reader_cache

    def read(self, prompt: str, lookup: "KeyLookup | None" = None, cal: dict | None = None
             ) -> tuple[Parsed, Retrieval, list[str]]:
        """The request in a prompt: its reading (key and inputs), the decision on its program,
        and the typos corrected on the way (understand.py)."""
        lookup = lookup or KeyLookup(self.store)
        cal = cal or self.calibration()
        choices = []
        if self._kind_map():
            reader = self._reader()
            readings = lookup.readings.pop(prompt, None) or reader.readings_of(prompt, self._template_list())
            vectors = lookup.embed([r.key for r in readings] + [prompt])
            choices, negative = reader.choose(readings, vectors[:-1], vectors[-1])
        if not choices:
            return (parse(prompt, [], None), Retrieval("none", [], [], cal["threshold"], "the database holds no programs"),
                    [])
        taken, decision = reader.decide(choices, negative, cal["threshold"], cal["margin"])
        return taken.reading.parsed(prompt), decision, taken.corrections

    def _reading_texts(self, prompt: str, lookup: "KeyLookup") -> list[str]:
        """The texts read() embeds for a prompt (query_many embeds a batch's together); the
        readings wait in the lookup for read() to take."""
        readings = lookup.readings[prompt] = self._reader().readings_of(prompt, self._template_list())
        return [r.key for r in readings] + [prompt]

    def route_prompts(self, prompts: list[str], router: str | None = None,
                      threshold: float | None = None) -> tuple[list[Parsed], list[Retrieval]]:
        """Parse and route many prompts in one batch (templates and explicit structure; a prompt
        without either routes whole): what `fit` and `eval routes` measure."""
        parsed, keys, vectors = self._routing_keys(prompts)
        return parsed, self.route(keys, vectors, router, threshold)

    def _routing_keys(self, prompts: list[str]) -> tuple[list[Parsed], list[str], np.ndarray]:
        templates = self._template_list()
        parsed = [parse(p, templates, None) for p in prompts]
        keys = [p.key or p.prompt for p in parsed]
        return parsed, keys, models.encoder().encode(keys)

    def fit(self, rows: list[LabelledPrompt], router: str = "classifier", learn: bool = True) -> dict:
        """Calibrate routing on labelled prompts (out-of-scope ones included, intent None): the
        threshold that maximises in-scope accuracy + out-of-scope recall, stored in the database.

        With the classifier and `learn`, the router also learns from these prompts (stored, in
        place of the last fit's), and the thresholds are chosen on out-of-fold decisions: each
        prompt routed by a router that never saw it, as an unseen prompt will be."""
        if router not in ROUTERS:
            raise ProgdbError(f"fit: router '{router}' is not one of {', '.join(ROUTERS)}")
        kinds = self._kind_map()
        for r in rows:
            if r.intent is not None and program_name(r.intent) not in kinds:
                raise ProgdbError(f"{r.where}: intent '{r.intent}' has no program '{program_name(r.intent)}' "
                                  "in this database (import the training split first)")
        if not rows:
            raise ProgdbError("fit: no labelled prompts")
        gold = [program_name(r.intent) if r.intent else None for r in rows]
        _, keys, vectors = self._routing_keys([r.text for r in rows])
        # A classifier needs two classes: the programs, and out of scope when some prompts are.
        learn = learn and router == "classifier" and len(set(kinds) | ({None} & set(gold))) >= 2
        # Route with a threshold of 0 to see every prompt's best program and its score.
        if learn:
            decisions = self._out_of_fold(gold, keys, vectors)
        else:  # the router of the keys alone, as routing will be once this fit replaces the learned prompts
            keys_only = cached_router(*self._router_rows(NOTHING_LEARNED), models.encoder().model_path)
            decisions = self.route(keys, vectors, router, 0.0, model=keys_only)
        scored = [(d.programs[0].name if d.programs else None, d.programs[0].score if d.programs else 0.0,
                   d.exact) for d in decisions]
        threshold, _ = choose_threshold(scored, gold)
        # The classifier's probabilities differ in spread per program: each gets its own threshold,
        # shrunk toward the global one (route_eval.program_offsets).
        offsets = program_offsets(scored, gold, threshold) if router == "classifier" else {}
        report = {"router": router, "threshold": round(threshold, 4), "n": len(rows),
                  "n_out_of_scope": gold.count(None), **fit_metrics(scored, gold, threshold, offsets),
                  "own_thresholds": len(offsets), "learned": len(rows) if learn else 0}
        values = {"router": router, ("router_threshold" if router == "classifier" else "threshold"): threshold,
                  "fit": json.dumps(report)}
        if router == "classifier":
            values["router_offsets"] = offsets_json(offsets)
        with self._writing():
            # Thresholds hold for the router they were chosen with: without learning, nothing learned.
            self.store.replace_labelled(*((gold, keys, vectors) if learn else NOTHING_LEARNED))
            self.store.set_settings(**values)
        if learn:
            self._router()  # trained now (and cached) rather than by the first query
        return report

    def _out_of_fold(self, gold: list[str | None], keys: list[str], vectors: np.ndarray) -> list[Retrieval]:
        """Each prompt routed (threshold 0) by a router trained on the keys and the prompts of the
        other folds. A program's prompts share a fold: prompts written for one intent together are
        near-paraphrases (CLINC150's val prompts are closer to each other than to the train prompts
        of their intent), and a sibling in training would make a prompt look surer than an unseen
        one, so the thresholds would sit too high (bench/router_learning.py). Out-of-scope
        prompts: a fold by a hash of the text."""
        folds = {p: i % LEARN_FOLDS for i, p in enumerate(sorted({g for g in gold if g}))}
        fold = np.array([folds[g] if g else fold_of(k, LEARN_FOLDS) for g, k in zip(gold, keys)])
        labels = [g or self._negative_class() for g in gold]
        decisions: list[Retrieval | None] = [None] * len(keys)
        for f in range(LEARN_FOLDS):
            inside, outside = np.flatnonzero(fold == f), np.flatnonzero(fold != f)
            if not len(inside):
                continue
            learned = ([labels[i] for i in outside], [keys[i] for i in outside], vectors[outside])
            train_labels, texts, vecs = self._router_rows(learned)
            model = Router.train(texts, vecs, train_labels)
            for i, d in zip(inside, self.route([keys[i] for i in inside], vectors[inside], "classifier", 0.0,
                                               model=model)):
                decisions[i] = d
        return decisions

    def import_labelled(self, path: str, fmt: str, split: str, replace: bool = False) -> list[Program]:
        """One intent program per intent of a labelled benchmark split (see labelled.py)."""
        programs = programs_from(read_labelled(path, fmt, split), fmt)
        with self._writing():
            return self._add_many(programs, replace, cache=True)

    def _tagger(self, name: str):
        if name not in self._taggers:
            examples = [parse_annotation(e.output) for e in self.get(name).examples]
            self._taggers[name] = cached_tagger(examples)
        return self._taggers[name]

    def slots_for(self, name: str, prompt: str, use_templates: bool = False) -> list[tuple[int, int, str]]:
        """Slot spans of a prompt routed to the intent `name`, from the intent's tagger; with
        use_templates, first from one of its templates when one matches the whole prompt (on SNIPS
        that measured far worse: loose templates swallow words, see the README)."""
        if use_templates:
            matched = match_template(prompt, self._template_list(name))
            if matched and matched.spans:
                return matched.spans
        tagger = self._tagger(name)
        return tagger.tag(prompt) if tagger else []

    def _fill_intent(self, result: QueryResult, name: str, parsed: Parsed) -> QueryResult:
        spans = self.slots_for(name, parsed.prompt)
        text = parsed.prompt
        result.kind = "intent"
        result.entities = [{"slot": s, "value": text[a:b], "start": a, "end": b} for a, b, s in spans]
        result.slots = {}
        for e in result.entities:
            result.slots.setdefault(e["slot"], e["value"])
        result.inputs = [e["value"] for e in result.entities]
        result.message = (f"routes to the intent '{name}'" +
                          (f" with {len(spans)} slot{'s' * (len(spans) != 1)}" if spans else ""))
        return result

    def _pairs(self, program: Program) -> WordProgram:
        digest = hashlib.sha1(program.to_json().encode()).hexdigest()
        if digest not in _pair_cache:
            _pair_cache[digest] = WordProgram(program, models.word_space())
        return _pair_cache[digest]

    def _word_programs(self) -> list[WordProgram]:
        if self._vector_cache is None:
            self._vector_cache = [self._pairs(self.get(name)) for name, kind in self._kind_map().items()
                                  if kind == "vector"]
        return self._vector_cache

    def which(self, pairs: list[tuple[str, str]], k: int = 5) -> list[tuple[str, float]]:
        """Stored vector programs that best explain the pairs, best first (incontext.rank_programs:
        the fit of each program's predictions to the given outputs, lead-adjusted)."""
        space = models.word_space()
        bad = [w for pair in pairs for w in pair if w not in space]
        if bad:
            raise ProgdbError(f"'{bad[0]}' is not in the word space ({space.name})")
        if not pairs:
            raise ProgdbError("give at least one pair: progdb which king queen [man woman ...]")
        return rank_programs(space, self._word_programs(), pairs)[:k]

    def query_many(self, prompts: Iterable[str], batch: int = 256,
                   **options) -> Iterator[tuple[str, QueryResult | ProgdbError]]:
        """(prompt, query(prompt)) for many prompts, in order, embedding and searching each batch's
        key texts together (bench/batch_query.py). A prompt that fails gives its ProgdbError
        instead of stopping the rest."""
        from progdb.ingest.importer import batched

        lookup = KeyLookup(self.store)  # shared by the chunks: prompts repeat their key texts
        for chunk in batched(prompts, batch):
            lookup.trim()
            templates = self._template_list()
            cal = self.calibration()
            texts = []
            for prompt in chunk:
                if prompt.strip() and not parse_incontext(prompt):
                    texts += (self._reading_texts(prompt, lookup) if cal["router"] == "similarity"
                              else _key_texts(prompt, templates))
            lookup.prefetch(texts, search=cal["router"] != "similarity")
            answers: list[QueryResult | ProgdbError] = []
            jobs: list[_VectorJob] = []
            for prompt in chunk:
                try:
                    answers.append(self.query(prompt, lookup=lookup, cal=cal, defer=jobs, **options))
                except ProgdbError as exc:
                    answers.append(exc)
            # Word programs run once per program (or blend) over all of the chunk's inputs: one
            # pass over the word matrix instead of one per prompt.
            groups: dict[tuple, list[_VectorJob]] = {}
            for job in jobs:
                groups.setdefault((tuple((id(wp), w) for wp, w in job.programs), job.options), []).append(job)
            for group in groups.values():
                inputs = [text for job in group for text in job.result.inputs]
                outputs = iter(run_vector(models.word_space(), group[0].programs, inputs, *group[0].options))
                for job in group:
                    job.finish([next(outputs) for _ in job.result.inputs])
            yield from zip(chunk, answers)

    def query(self, prompt: str, k: int = 5, shots: int = 4, method: str = DEFAULT_METHOD,
              use_stored: bool = True, llm: Endpoint | None = None, budget: int = DEFAULT_BUDGET,
              compile_only: bool = False, lookup: KeyLookup | None = None, cal: dict | None = None,
              defer: list | None = None) -> QueryResult:
        """use_stored=False: stored pairs neither answer nor teach the input asked about, so the
        result measures the program rather than the database's memory (evaluations).
        llm: fewshot programs run there (else the compiled prompt is the output), and a word outside
        the word space falls back to its vector program's few-shot form. compile_only: compile the
        few-shot prompt of whatever program is found, vector programs included, and run nothing."""
        if not prompt or not prompt.strip():
            raise ProgdbError("the prompt is empty")
        if k < 1:
            raise ProgdbError("-k must be at least 1")
        if shots < 0 or budget < 1:
            raise ProgdbError("--shots must be at least 0 and --budget at least 1")
        incontext = parse_incontext(prompt)
        if incontext:
            if compile_only:
                return self._compile_incontext(prompt, *incontext, budget=budget)
            return self._query_incontext(prompt, *incontext, k=k, method=method, use_stored=use_stored)
        lookup = lookup or KeyLookup(self.store)
        embed, score_keys = lookup.embed, lookup.score_keys
        cal = cal or self.calibration()
        corrections: list[str] = []
        if cal["router"] == "similarity":
            parsed, decision, corrections = self.read(prompt, lookup, cal)
        else:
            parsed, decision = self._parse_and_classify(prompt, lookup, cal)
        result = QueryResult(prompt, parsed.key, parsed.inputs, parsed.slots, parsed.method, parsed.template,
                             decision.mode, decision.message, decision.threshold, decision.programs,
                             decision.candidates, router=cal["router"], corrections=corrections)
        if corrections:
            result.message = "; ".join(filter(None, ["read " + ", ".join(corrections), result.message]))
        if decision.mode == "none":
            return result
        if self._kind_map().get(decision.programs[0].name) == "intent":
            if compile_only:
                raise ProgdbError(f"'{decision.programs[0].name}' is an intent: it is routed to, not compiled")
            return self._fill_intent(result, decision.programs[0].name, parsed)
        programs = [(self.get(m.name), m.weight) for m in decision.programs]
        result.kind = programs[0][0].kind
        if not parsed.inputs:
            result.message = (result.message + "; " if result.message else "") + \
                "the prompt names a program but gives it no input"
            return result
        fewshot = _FewshotRun(self, programs, parsed, shots, budget, embed, None if compile_only else llm, use_stored)
        if compile_only:
            result.compiled = [fewshot.compile(text) for text in parsed.inputs]
            return result
        if result.kind == "vector":
            chain = self._composition(parsed, decision, embed, score_keys, cal["threshold"])
            if chain:
                result.mode, result.programs, result.inputs = "composed", chain[0], [chain[1]]
                result.message = "runs " + " then ".join(m.name for m in chain[0])
                steps = [self._pairs(self.get(m.name)) for m in chain[0]]
                result.outputs = [run_chain(models.word_space(), steps, chain[1], k, method, use_stored)]
                return result
            job = _VectorJob(result, [(self._pairs(p), w) for p, w in programs], fewshot, (k, method, use_stored))
            if defer is not None:  # query_many runs the jobs of a batch together
                defer.append(job)
                return result
            job.run()
        else:
            result.outputs = [fewshot.run(text) for text in parsed.inputs]
            result.compiled = fewshot.compiled
        return result

    def _parse_and_classify(self, prompt: str, lookup: "KeyLookup", cal: dict) -> tuple[Parsed, Retrieval]:
        """A fitted classifier's routing (intent databases): parse first, then route the key."""
        embed = lookup.embed

        def routed(key: str) -> Retrieval:
            return self.route([key], embed([key]), cal=cal, hits=lookup.nearest([key]))[0]

        parsed: Parsed = parse(prompt, self._template_list(), lookup.score_keys)
        decision: Retrieval = routed(parsed.key)
        if parsed.method == "cut" and self._routes_whole(decision):
            # A cut serves programs that take inputs; an intent takes the whole prompt, and the
            # classifier was fitted and calibrated on whole prompts: "what is the boiling point of
            # lead" is no 'repeat' because its first word is a stored key.
            whole = parse(prompt, [], None)
            whole_decision = routed(whole.key)
            if self._routes_whole(whole_decision):
                parsed, decision = whole, whole_decision
        return parsed, decision

    def _routes_whole(self, decision: Retrieval) -> bool:
        """No program, or an intent: what a whole prompt routes to."""
        return decision.mode == "none" or self._kind_map().get(decision.programs[0].name) == "intent"

    def compile(self, prompt: str, shots: int = 4, budget: int = DEFAULT_BUDGET) -> QueryResult:
        """The few-shot prompt the query would run, one per input, and nothing run (a dry run)."""
        result = self.query(prompt, shots=shots, budget=budget, compile_only=True)
        if result.mode == "none":
            raise ProgdbError(f"no program: {result.message}")
        if not result.compiled:
            raise ProgdbError(f"{result.programs[0].name}: the prompt gives the program no input to compile")
        return result

    def _compile_incontext(self, prompt: str, demos: list[tuple[str, str]], text: str, budget: int) -> QueryResult:
        """An in-context prompt's demonstrations are its few-shot examples, as given."""
        examples = [{"input": a, "output": b, "program": "in-context", "score": 1.0} for a, b in demos]
        instruction = "Give the output for the last input, following the pattern of the examples."
        room, kept = budget - fixed_size(instruction, text), 0
        for ex in examples:  # the first ones, in the order given, while they fit
            room -= example_size(ex["input"], ex["output"])
            if room < 0:
                break
            kept += 1
        notes = [f"{kept} of {len(examples)} demonstrations fit"] if kept < len(examples) else []
        compiled = compile_prompt(instruction, examples[:kept], text, notes)
        return QueryResult(prompt, "", [text], {}, "in-context", None, "in-context", "", 0.0,
                           [ProgramMatch("in-context", 1.0, 1.0, "in-context demonstrations")], [],
                           kind="fewshot", compiled=[compiled])

    def _example_vectors(self, program: Program) -> np.ndarray:
        """A vector program's example inputs in key space (its few-shot form needs them; they are
        not stored as records, so they are embedded on first use, with the disk cache)."""
        key = (program.name, len(program.examples), hash(tuple(e.input for e in program.examples)))
        if key not in self._example_vec_cache:
            self._example_vec_cache[key] = models.encoder().encode_cached([e.input for e in program.examples])
        return self._example_vec_cache[key]

    def candidates(self, program: Program, vec: np.ndarray, n: int) -> list[Candidate]:
        """The program's examples nearest to `vec` in key space, offered as demonstrations."""
        if program.kind == "fewshot":
            return [Candidate(i, o, program.name, s, v) for i, o, s, v in
                    self.store.nearest_examples(program.name, vec, n, program.pairs())]
        vecs = self._example_vectors(program)
        scores = vecs @ (vec / (np.linalg.norm(vec) or 1.0))
        top = np.argsort(-scores, kind="stable")[:n]
        return [Candidate(program.examples[j].input, program.examples[j].output, program.name,
                          float(scores[j]), vecs[j]) for j in top]

    def _query_incontext(self, prompt: str, demos: list[tuple[str, str]], text: str, k: int, method: str,
                         use_stored: bool) -> QueryResult:
        space = models.word_space()
        ranked = rank_programs(space, self._word_programs(), demos, None if use_stored else text)
        candidates = [ProgramMatch(n, s, 0.0, "in-context demonstrations") for n, s in ranked[:5]]
        result = QueryResult(prompt, "", [text], {}, "in-context", None, "in-context", "", FIT_THRESHOLD,
                             [], candidates, kind="vector")
        own = self_fit(space, demos)
        if ranked and ranked[0][1] >= max(FIT_THRESHOLD, own + FIT_GAIN):
            name, score = ranked[0]
            result.mode, result.programs = "nearest", [ProgramMatch(name, score, 1.0, "in-context demonstrations")]
            result.message = f"the demonstrations fit the stored program '{name}' (fit {score:.2f})"
            program = self._pairs(self.get(name))
        else:
            usable = space.usable(demos)
            if not usable:
                bad = next(w for pair in demos for w in pair if w not in space)
                raise ProgdbError(f"in-context prompt: '{bad}' is not in the word space ({space.name})")
            best = (f" (best: {ranked[0][0]} at {ranked[0][1]:.2f}; the pairs fit themselves at {own:.2f})"
                    if ranked else "")
            result.message = f"no stored program fits the demonstrations{best}; their own pairs are the program"
            result.programs = [ProgramMatch("in-context", 1.0, 1.0, "in-context demonstrations")]
            program = WordProgram(Program(name="in-context", kind="vector", keys=["in-context"],
                                          examples=[Example(a, b) for a, b in demos]), space)
        result.outputs = run_vector(space, [(program, 1.0)], [text], k, method, use_stored)
        return result

    def _composition(self, parsed: Parsed, decision: Retrieval, embed, score_keys, threshold: float):
        """Two vector programs asked for at once: 'the plural of the feminine of king' (the input
        is itself a request) or 'feminine plural of king' (the key splits into two keys).
        Returns ([program applied first, then …], the innermost input) or None."""
        if len(parsed.inputs) != 1 or decision.mode == "none":
            return None
        space, kinds = models.word_space(), self._kind_map()
        text = parsed.inputs[0]
        if len(text.split()) > 1:  # the input may itself be a request: "the plural of [the feminine of king]"
            inner = parse(text, self._template_list(), score_keys)
            if len(inner.inputs) == 1 and inner.inputs[0] in space and inner.key:
                hits = self.store.nearest_keys(embed([inner.key]), 20)[0]
                ranked = retrieve.best_per_program(hits)
                if ranked and kinds.get(ranked[0].name) == "vector" and \
                        ranked[0].score >= threshold + COMPOSE_MARGIN and ranked[0].name != decision.programs[0].name:
                    return [ranked[0], decision.programs[0]], inner.inputs[0]
            if text not in space:
                return None
        words = parsed.key.split()
        if decision.programs[0].score >= retrieve.EXACT or len(words) < 2 or \
                {"or", "either", "vs", "versus"} & {w.lower() for w in words}:
            return None  # "comparative or superlative" asks for one of two: a blend, not a chain
        cuts = [(" ".join(words[:i]), " ".join(words[i:])) for i in range(1, len(words))]
        vecs = embed([part for cut in cuts for part in cut])
        hits = self.store.nearest_keys(vecs, 20)
        best = None
        for n, cut in enumerate(cuts):
            parts = [retrieve.best_per_program(hits[2 * n + j]) for j in (0, 1)]
            if not all(parts):
                continue
            left, right = parts[0][0], parts[1][0]
            if left.name == right.name or {kinds.get(left.name), kinds.get(right.name)} != {"vector"}:
                continue
            score = min(left.score, right.score)
            if score >= threshold + COMPOSE_MARGIN and (best is None or score > best[0]):
                best = (score, left, right)
        if best is None:
            return None
        _, left, right = best
        # The part next to the input applies first: "feminine plural of king" = plural after
        # feminine is the same sum of offsets either way, but the chain shows one order.
        before = parsed.prompt.lower().find(text.lower()) < parsed.prompt.lower().find(words[0].lower())
        return ([left, right] if before else [right, left]), text



class _FewshotRun:
    """One query's few-shot work: the instruction (with the request's parameters filled), then per
    input the compiled prompt and, with an LLM configured, its reply."""

    def __init__(self, db: ProgramDB, programs: list[tuple[Program, float]], parsed: Parsed, shots: int,
                 budget: int, embed, llm: Endpoint | None, use_stored: bool):
        self.db, self.programs, self.shots, self.budget, self.embed, self.llm = db, programs, shots, budget, embed, llm
        lead = programs[0][0]
        params = {s: v for s, v in parsed.slots.items() if v not in parsed.inputs}
        request = key_text(fill(parsed.template, params)) if parsed.template else parsed.key
        self.instruction = instruction_for(lead, params, request)
        if len(programs) > 1:
            names = ", ".join(f"{p.name} ({w:.0%})" for p, w in programs)
            self.instruction += f" (Blended from the programs {names}; the examples are mixed in that proportion.)"
        self.stored = outputs_by_input(lead.pairs()) if len(programs) == 1 and use_stored else {}
        self.compiled: list[Compiled] = []

    def compile(self, text: str) -> Compiled:
        vec = self.embed([text])[0]
        pools = [(p.name, w, self.db.candidates(p, vec, pool_size(self.shots) + 1)) for p, w in self.programs]
        room = self.budget - fixed_size(self.instruction, text)
        chosen, notes = select(pools, vec, self.shots, max(room, 0), exclude=text)
        if room <= 0:
            notes = [f"the input alone fills the budget of {self.budget:,} characters: no demonstrations"]
        examples = [{"input": c.input, "output": c.output, "program": c.program, "score": round(c.score, 4)}
                    for c in chosen]
        compiled = compile_prompt(self.instruction, examples, text, notes)
        self.compiled.append(compiled)
        return compiled

    def run(self, text: str) -> Output:
        """A database answers what it holds; otherwise the LLM's reply, or the prompt itself."""
        compiled = self.compile(text)
        if text.strip().lower() in self.stored:
            answers = self.stored[text.strip().lower()]
            return Output(text, answers[0], "stored", answers=list(answers))
        if self.llm is None:
            return Output(text, compiled.text, "compiled")
        return Output(text, self.llm.chat(compiled.messages), "llm")

    def fallback(self, failed: Output) -> Output:
        """A vector program's input outside the word space, answered by the program's few-shot form."""
        if self.llm is None:
            failed.error += " (with an LLM configured, --llm, the program's few-shot form would answer it)"
            return failed
        out = self.run(failed.input)
        out.note = f"{failed.error}: answered by the program's few-shot form on the LLM"
        return out

"""ProgramDB: the Python API, a facade over the parts. The CLI is a thin layer over these verbs.

    pipeline.py  a query, one way: understand (query/ parse, reader, retrieve), then execute
    routing/     calibration, router, fit, slots      ingest/   programs written whole, pairs in bulk
    storage/     the chromadb store, lock and leases  models.py the encoder and the word space
"""
from __future__ import annotations

import dataclasses
import json
import os
import re
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Callable, Iterable, Iterator

import numpy as np

from progdb import models
from progdb.storage import seed_cache
from progdb.query.catalog import Catalog
from progdb.query.typos import allowed_edits, closest
from progdb.errors import ProgdbError
from progdb.ingest import writer
from progdb.ingest.library import library_out_of_scope, load_seed_prompts, load_seeds, seed_vectors, seeds_dir
from progdb.models import encoder, word_space  # noqa: F401  (re-exported: the public names)
from progdb.program import Example, Program, parse_card, validate
from progdb.query.execute import DEFAULT_METHOD
from progdb.query.incontext import rank_programs
from progdb.pipeline import KeyLookup, QueryPipeline
from progdb.query.reader import SEED_THRESHOLD
from progdb.query.result import QueryResult
from progdb.query.retrieve import Retrieval
from progdb.routing import fit as fitting
from progdb.routing.labelled import LabelledPrompt, programs_from, read_labelled
from progdb.routing.routes import Routes, clean_calibration
from progdb.storage.locking import (check_new_path, check_not_served, default_db_path, directory_lock,
                                    program_lease)
from progdb.storage.store import SCHEMA, Store
from progdb.text.fewshot import DEFAULT_BUDGET, Candidate
from progdb.text.llm import Endpoint
from progdb.words.holdout import Holdout

__all__ = ["ProgramDB", "QueryResult", "KeyLookup", "default_db_path", "encoder", "word_space"]

MAX_WHICH_WORDS = 3  # which's words: a longer side is a text ("The chef cooked the meal.")


class ProgramDB:
    def __init__(self, path: str | None = None, server: str | None = None, seed: bool = True,
                 namespace: str | None = None, notice: Callable[[str], None] | None = None):
        """notice(text) is told, before the work starts, when a new database is created (and
        seeded) or an older one is migrated: the slow first opens."""
        if path and server:
            raise ProgdbError("choose either a database path or a server, not both")
        chosen = path or (None if server else os.environ.get("PROGDB_DB"))
        self.path = None if server else (chosen or default_db_path())
        if self.path and re.match(r"[a-z]+://", str(self.path)):  # (read as the folder "http:", one slash lost)
            raise ProgdbError(f"--db {self.path}: a URL, not a folder (a chroma server is given as --server {self.path})")
        namespace = namespace or os.environ.get("PROGDB_NAMESPACE", "progdb")
        template = None
        if self.path is not None and not (Path(self.path) / "chroma.sqlite3").exists():
            check_new_path(Path(self.path), chosen is not None)
            # chromadb's own set-up of a new directory races with a second process doing the same
            os.makedirs(self.path, exist_ok=True)
            with directory_lock(self.path):
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
        self.catalog = Catalog(self.store)
        self.routes = Routes(self.catalog)
        self.pipeline = QueryPipeline(self.catalog, self.routes, library_out_of_scope)
        self.store.on_reconnect.append(self._reset_caches)
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
                        "programs; about 20 seconds the first time on a 2-core machine; later new databases "
                        "copy it in seconds)" if seed else ", empty (--no-seed)"))
            with self._writing():
                self.store.set_settings(state="seeding" if seed else "empty")
        if self.store.settings().get("state") == "seeding":
            # Also resumes a seeding that an earlier process did not finish.
            with self._writing():
                writer.write_programs(self.store, load_seeds(), replace=True,
                                      embed=lambda texts: seed_vectors(texts, models.encoder()), rankers=False)
                self._learn_seed_prompts()
                self.store.set_settings(state="seeded")
            if template is not None:
                seed_cache.save(Path(self.path), template)

    def _learn_seed_prompts(self) -> None:
        """The built-in library's labelled requests and out-of-scope prompts join the routing, as a
        `fit` would store them: the reader matches a request against them beside the keys."""
        labels, texts, vectors = self._library_prompts()
        if texts:
            self.store.replace_labelled(labels, texts, vectors)
            self.store.set_settings(threshold=SEED_THRESHOLD)

    def _library_prompts(self) -> tuple[list[str | None], list[str], np.ndarray | None]:
        """The built-in library's labelled requests for the programs this database holds."""
        labels, texts = load_seed_prompts()
        kinds = self.catalog.kinds()
        keep = [i for i, label in enumerate(labels) if label is None or label in kinds]
        texts = [texts[i] for i in keep]
        return [labels[i] for i in keep], texts, seed_vectors(texts, models.encoder()) if texts else None

    # -- writing --------------------------------------------------------------------------
    def _reset_caches(self) -> None:
        self.catalog.reset()
        self.routes.reset()
        self.pipeline.reset()

    @contextmanager
    def _writing(self):
        """One writer per embedded path: two processes writing one chromadb directory lose vectors
        silently (bench/embedded_writers.py), so the second waits for the first, then gives up with
        a clear error; and each write tells other processes to reopen before their next use."""
        self._reset_caches()
        if self.path is None:
            try:
                yield
            finally:
                self.store.wrote()  # other processes on the server forget their caches (store.sync)
            return
        check_not_served(self.path)
        with directory_lock(self.path):
            try:
                yield
            finally:
                self.store.wrote()

    def _leased(self, name: str):
        return program_lease(self.store, name)

    def add(self, program: Program | None = None, *, name: str | None = None, keys: Iterable[str] = (),
            examples: Iterable = (), kind: str = "auto", description: str = "", source: str = "",
            license: str = "", replace: bool = False, grow: bool = False) -> Program:
        """Register a program; on a stored name, replace it (replace=True) or add the new keys and
        pairs to it (grow=True, as `progdb add NAME` does), else an error. Nothing is stored unless
        all of it is valid."""
        if program is None:
            program = Program(name=name or "", kind=kind, keys=list(keys),
                              examples=[e if isinstance(e, Example) else Example(*e) for e in examples],
                              description=description, source=source, license=license)
        if not replace and self.store.card(program.name) is not None:
            if grow:
                return self.grow(program, kind_given=kind != "auto")[0]
            if program.keys:  # a bad program is said first, as write_programs says it (one without keys would
                validate(program)  # only grow: "needs at least one key" hid that grow=True was wanted)
            raise ProgdbError(f"program '{program.name}' already exists (add(..., grow=True) adds the new keys "
                              "and pairs to it, replace=True replaces it)")
        with self._writing():
            return writer.write_programs(self.store, [program], replace)[0]

    def grow(self, program: Program, kind_given: bool = False, one_output: bool = False) -> tuple[Program, dict]:
        """Merge `program` into the stored program of its name (writer.merged; `one_output`: a given
        input's new output replaces its stored ones). Returns the stored program and what changed
        ({"keys": n added, "examples": n added, "replaced": n pairs replaced})."""
        with self._writing(), self._leased(program.name):
            old = self._stored_now(program.name)
            new, change = writer.merged(old, program, kind_given, one_output)
            if new.to_json() == old.to_json():
                return old, change
            return writer.write_programs(self.store, [new], replace=True, leased=True,
                                         kinds_kept=not kind_given or new.kind == old.kind)[0], change

    def _stored_now(self, name: str) -> Program:
        """The program as the store holds it now, read by a caller holding its lease, not from this
        process's view: two servers growing one program each merged into the card it last saw, and
        the later write dropped the other's pairs."""
        card = self.store.card(name)
        if card is None:
            raise self.catalog.not_stored(name)
        return parse_card(card, f"stored program '{name}'", check=False)

    def key_neighbours(self, program: Program, floor: float = 0.9,
                       before: Program | None = None) -> list[tuple[str, str, str, float]]:
        """Keys of other programs nearly the same as this program's keys, but those it had `before`
        (writer.key_neighbours)."""
        return writer.key_neighbours(self.store, program, floor, before)

    detect_kind = staticmethod(writer.detect_kind)

    def remove(self, name: str) -> None:
        self.get(name)
        with self._writing(), self._leased(name):
            self.store.delete_program(name)
            cal = self.calibration()
            # (show --calibration listed a removed program's own threshold, which a program added again
            # under its name would have inherited)
            own = {field: json.dumps({p: v for p, v in cal[field].items() if p != name})
                   for field in ("program_thresholds", "router_offsets") if name in cal[field]}
            if own:
                self.store.set_settings(**own)
            if name in cal["program_thresholds"]:
                # ...and the phrasings a fit taught it: restored from a backup without its threshold, it was read
                # as a library program by them (a family historian's parish-latin lost "what does obiit mean")
                self.store.delete_labelled(name)

    def drop_pairs(self, name: str, inputs: list[str], output: str | None = None) -> tuple[Program, list[tuple[str, str]]]:
        """Remove the example pairs of these inputs from program NAME (only the one of this output, when
        given: a wrong second answer), the rest of it kept: (the stored program, the pairs removed). An
        input or output matches as stored, else ignoring case and edge spaces; one that matches nothing is
        an error and nothing is removed."""
        with self._writing(), self._leased(name):
            old = self._stored_now(name)
            drop = _examples_of(old, inputs, output)
            kept = [e for i, e in enumerate(old.examples) if i not in drop]
            if old.kind == "vector" and not kept:
                raise ProgdbError(f"that would leave the vector program '{name}' without pairs; nothing was "
                                  f"removed (`progdb remove {name}` removes the program)")
            new = dataclasses.replace(old, examples=kept)
            writer.write_programs(self.store, [new], replace=True, leased=True, kinds_kept=True)
            return new, [(old.examples[i].input, old.examples[i].output) for i in sorted(drop)]

    def drop_keys(self, name: str, keys: list[str]) -> tuple[Program, list[str]]:
        """Remove these keys from program NAME, its pairs and other keys kept: (the stored program, the
        keys removed). A key matches as stored, else ignoring case and spaces; one that matches none, or
        a removal that would leave no key, is an error and nothing is removed. (A trial's own "what is
        {text}" took "what is the weather in Boston?", and only `add --replace` could take it back.)"""
        with self._writing(), self._leased(name):
            old = self._stored_now(name)
            drop = _keys_of(old, keys)
            kept = [k for i, k in enumerate(old.keys) if i not in drop]
            if not kept:
                raise ProgdbError(f"that would leave '{name}' without a key; nothing was removed (`progdb add {name} "
                                  f"--key TEXT` adds one first)")
            new = dataclasses.replace(old, keys=kept)
            writer.write_programs(self.store, [new], replace=True, leased=True, kinds_kept=True)
            return new, [old.keys[i] for i in sorted(drop)]

    def pairs_of(self, name: str, inputs: list[str], output: str | None = None) -> list[tuple[str, str]]:
        """The example pairs drop_pairs would remove (what a terminal is asked about first)."""
        program = self.get(name)
        return [(program.examples[i].input, program.examples[i].output)
                for i in sorted(_examples_of(program, inputs, output))]

    def import_(self, source: str | Path | IO[str], replace: bool = False, changed_names: list | None = None,
                only: str | None = None) -> list[Program]:
        """Read programs exported by `export` (JSON lines); all lines are checked before any is stored.
        A program stored exactly as the file has it is left as it is: importing a file twice is no error.
        changed_names, if given, receives the names of the programs this import stored or changed.
        only: the one program of the file to import (a program restored from a backup of many)."""
        programs = writer.read_cards(source)
        if only is not None:
            chosen = [p for p in programs if p.name == only]
            if not chosen:
                near = closest(only, [p.name for p in programs], allowed_edits(only))
                raise ProgdbError(f"{getattr(source, 'name', source)}: no program '{only}' in the file"
                                  + (f"; did you mean '{near}'?" if near else f" ({len(programs)} programs: "
                                     f"{', '.join(p.name for p in programs[:5])}{' …' if len(programs) > 5 else ''})"))
            programs = chosen
        with self._writing():
            stored = {p.name: self.store.card(p.name) for p in programs}
            changed = [p for p in programs if stored[p.name] != p.to_json()]
            differ = [p.name for p in changed if stored[p.name] is not None]
            if differ and not replace:
                # A backup restored into a new, seeded database meets the built-in programs, which
                # may have changed since it was made.
                raise ProgdbError(f"{len(differ)} program(s) of the file already exist here, stored otherwise: "
                                  f"{', '.join(differ[:5])}{' …' if len(differ) > 5 else ''} (--replace takes the "
                                  "file's; --program NAME imports one program of the file alone; a database made with "
                                  "--no-seed holds only the file's programs)")
            writer.write_programs(self.store, changed, replace)
            if changed_names is not None:
                changed_names.extend(p.name for p in changed)
            return programs

    def import_pairs(self, rows, **options):
        """Example pairs in bulk (rows from bulk.read_rows): see importer.import_rows; returns an ImportSummary."""
        from progdb.ingest.importer import import_rows

        with self._writing():
            return import_rows(self, rows, **options)

    def import_labelled(self, path: str, fmt: str, split: str, replace: bool = False) -> list[Program]:
        """One intent program per intent of a labelled benchmark split (see labelled.py)."""
        programs = programs_from(read_labelled(path, fmt, split), fmt, Path(path).name)
        with self._writing():
            return writer.write_programs(self.store, programs, replace, embed=models.encoder().encode_cached)

    # -- reading --------------------------------------------------------------------------
    def get(self, name: str) -> Program:
        return self.catalog.get(name)

    def list(self) -> list[dict]:
        return [{k: m[k] for k in ("name", "kind", "n_keys", "n_examples", "description")}
                for m in self.store.summaries()]

    def export(self, out: IO[str] | None = None, names: list[str] | None = None) -> str:
        """Program cards as JSON lines: every program, or those named (in name order)."""
        if names is not None:
            cards = [self.store.card(name) for name in sorted(set(names))]
            missing = [name for name, card in zip(sorted(set(names)), cards) if card is None]
            if missing:  # an unknown name is an error, not an empty export
                raise self.catalog.not_stored(missing[0])
        else:
            cards = self.store.cards()
        text = "".join(card + "\n" for card in cards)
        if out is not None:
            out.write(text)
        return text

    def settings(self) -> dict:
        return self.store.settings()

    def _kind_map(self) -> dict[str, str]:
        return self.catalog.kinds()

    # -- routing --------------------------------------------------------------------------
    def calibration(self) -> dict:
        """How keys are routed: the stored calibration over the defaults (`progdb fit` writes it)."""
        return self.routes.calibration()

    def set_calibration(self, **values) -> dict:
        """Set calibration values by hand (`progdb fit --set router_threshold=0.5`)."""
        now = self.calibration()
        clean = clean_calibration(values, now["router"])
        for field in ("program_thresholds", "router_offsets"):
            if field not in clean:
                continue
            given = json.loads(clean[field])
            for name in given:
                if name not in self.catalog.kinds() and given[name] is not None:
                    near = closest(name, list(self.catalog.kinds()), allowed_edits(name))
                    raise ProgdbError(f"calibration: field '{field}': no program named '{name}'"
                                      + (f"; did you mean '{near}'?" if near else ""))
            # The programs named are set (null: their own value dropped), the others keep theirs: a
            # setter's one threshold set by hand dropped the fit's two others, unsaid. {} clears them all.
            merged = {**now[field], **given} if given else {}
            clean[field] = json.dumps({k: v for k, v in sorted(merged.items()) if v is not None})
        with self._writing():
            self.store.set_settings(**clean)
        return self.calibration()

    def route(self, keys: list[str], vectors, router: str | None = None, threshold: float | None = None,
              cal: dict | None = None, model=None, hits: list | None = None) -> list[Retrieval]:
        """Decide, for each key (embedded as `vectors`), which program it asks for (routing/routes.py)."""
        return self.routes.route(keys, vectors, router, threshold, cal, model, hits)

    def route_prompts(self, prompts: list[str], router: str | None = None,
                      threshold: float | None = None):
        """Parse and route many prompts in one batch (templates and explicit structure; a prompt
        without either routes whole): what `fit` and `eval routes` measure."""
        return self.routes.route_prompts(prompts, router, threshold)

    def fit(self, rows: list[LabelledPrompt], router: str = "auto", learn: bool = True) -> dict:
        """Calibrate routing on labelled prompts (out-of-scope ones included, intent None): see routing/fit.py."""
        # A seeded database keeps its library's labelled requests, and the library its threshold:
        # a fit on a user's few intents calibrates those intents, not the library.
        labels, texts, vectors = self._library_prompts()
        held = set(self.store.labelled_with_vectors()[1])
        library = (labels, texts, vectors) if texts and held.issuperset(texts) else None
        return fitting.fit(self.routes, rows, self._writing, router, learn, library, self.pipeline.phrasings)

    def slots_for(self, name: str, prompt: str, use_templates: bool = False) -> list[tuple[int, int, str]]:
        return self.routes.slots_for(name, prompt, use_templates)

    # -- querying -------------------------------------------------------------------------
    def read(self, prompt: str, lookup: KeyLookup | None = None, cal: dict | None = None):
        """The request in a prompt: its reading (key and inputs), the decision on its program,
        and the typos corrected on the way (query/reader.py)."""
        request = self.pipeline.read(prompt, lookup or KeyLookup(self.store), cal or self.calibration())
        return request.parsed, request.decision, request.corrections

    def query(self, prompt: str, k: int = 5, shots: int = 4, method: str = DEFAULT_METHOD,
              use_stored: bool | Holdout = True, llm: Endpoint | None = None, budget: int = DEFAULT_BUDGET,
              compile_only: bool = False, lookup: KeyLookup | None = None, cal: dict | None = None,
              defer: list | None = None) -> QueryResult:
        """use_stored=False: the stored pairs of the input asked about, and their reverses, neither
        answer nor teach (any program, or the word ranker), so the result measures the program
        rather than the database's memory (evaluations); a Holdout (progdb/words/holdout.py,
        Holdout.of(input, answers)) also hides the reverses of the answers given.
        llm: fewshot programs run there (else the compiled prompt is the output), and a word outside
        the word space falls back to its vector program's few-shot form. compile_only: compile the
        few-shot prompt of whatever program is found, vector programs included, and run nothing."""
        return self.pipeline.query(prompt, k, shots, method, use_stored, llm, budget, compile_only, lookup, cal, defer)

    def query_many(self, prompts: Iterable[str], batch: int = 256,
                   **options) -> Iterator[tuple[str, QueryResult | ProgdbError]]:
        """(prompt, query(prompt)) for many prompts, in order, embedding and searching each batch's
        key texts together (bench/batch_query.py). A prompt that fails gives its ProgdbError
        instead of stopping the rest."""
        return self.pipeline.query_many(prompts, batch, **options)

    def compile(self, prompt: str, shots: int = 4, budget: int = DEFAULT_BUDGET) -> QueryResult:
        """The few-shot prompt the query would run, one per input, and nothing run (a dry run)."""
        result = self.query(prompt, shots=shots, budget=budget, compile_only=True)
        if result.mode == "none":
            raise ProgdbError(f"no program: {result.message}")
        if not result.compiled:
            raise ProgdbError(f"{result.programs[0].name}: the prompt gives the program no input to compile")
        return result

    def candidates(self, program: Program, vec, n: int) -> list[Candidate]:
        """The program's examples nearest to `vec` in key space, offered as demonstrations."""
        return self.pipeline.demonstrations.nearest(program, vec, n)

    def which(self, pairs: list[tuple[str, str]], k: int = 5) -> list[tuple[str, float | None, str]]:
        """Stored vector programs that best explain the pairs, best first: (name, score, stores), where
        stores is "every pair", "every pair reversed" or "" (score None: a program of texts storing the
        pairs, or a word the word space does not hold, so only the programs storing the pairs are
        listed). Those that store every pair come first ("monday tuesday" is next-item's, though the
        comparative's offset fits two neighbouring words as well), then those that store them the other
        way round ("tokyo japan" is country-capital's way back; scored on the pairs turned round), then
        by incontext.rank_programs (the fit of each program's predictions to the given outputs,
        lead-adjusted)."""
        space = models.word_space()
        if not pairs:
            raise ProgdbError("give at least one pair: progdb which king queen [man woman ...]")
        holders = set(self.catalog.holders(pairs))
        backwards = set(self.catalog.holders([(b, a) for a, b in pairs])) - holders
        stores = {**{n: "every pair" for n in holders}, **{n: "every pair reversed" for n in backwards}}
        texts = [w for pair in pairs for w in pair if len(w.split()) > MAX_WHICH_WORDS]
        if texts and stores:  # a bug report and its severity: the program of texts that stores them, unscored
            return [(name, None, how) for name, how in list(stores.items())[:k]]
        if texts:  # (the word space averages a sentence's words: an offset between two such means nothing)
            raise ProgdbError(f"'{texts[0]}' is a text: which compares words and short names by word programs' "
                              "offsets; a text program is found by its keys (progdb query \"REQUEST: TEXT\")")
        bad = [w for pair in pairs for w in pair if w not in space]
        if bad and stores:  # "cat clowder": a collector's collective-nouns stores it, the word space has no clowder
            return [(name, None, how) for name, how in list(stores.items())[:k]]
        if bad:  # ...or some of them: a localiser's "Save Enregistrer Cancel Abbrechen" of their two glossaries
            some = {}
            for pair in pairs:
                for name in self.catalog.holders([pair]):
                    some[name] = some.get(name, 0) + 1
            if some:
                return [(name, None, f"{n} of the {len(pairs)} pairs") for name, n in
                        sorted(some.items(), key=lambda item: -item[1])[:k]]
            return []  # (none stores them and none can be scored: `which` says so, exit 1, as when none fits)
        programs = self.catalog.word_programs()
        ranked = rank_programs(space, programs, pairs)
        # A program that stores the pairs the other way round is scored on them that way round: its fit
        # to king -> queen, lead-adjusted against male-to-female, read -1.40 (queen -> king: 0.88)
        turned = [wp for wp in programs if wp.name in backwards]
        turned_pairs = [(b, a) for a, b in pairs]
        way_back = {name: score for wp in turned for name, score in rank_programs(space, [wp], turned_pairs)}
        ranked = [(name, way_back.get(name, score)) for name, score in ranked]
        # a program of texts that stores them has no offset to score: listed among those that store them
        # (a teacher's make-or-do stores homework -> do; an engineer's port-service 22 -> ssh)
        scored = {name for name, _ in ranked}
        ranked += [(name, None) for name in stores if name not in scored]
        ranked.sort(key=lambda r: (r[0] not in holders, r[0] not in backwards))  # stable: by fit within each group
        return [(name, score, stores.get(name, "")) for name, score in ranked[:k]]


def _keys_of(program: Program, keys: list[str]) -> set[int]:
    """The positions of these keys among the program's: as stored, else ignoring case and spaces."""
    def loose(text: str) -> str:
        return " ".join(text.lower().split())
    drop = set()
    for text in keys:
        found = {i for i, k in enumerate(program.keys) if k == text} or \
            {i for i, k in enumerate(program.keys) if loose(k) == loose(text)}
        if not found:
            listed = "; ".join(program.keys[:6]) + (" …" if len(program.keys) > 6 else "")
            raise ProgdbError(f"program '{program.name}' has no key '{text}' (its keys: {listed}); nothing was removed")
        drop |= found
    return drop


def _examples_of(program: Program, inputs: list[str], output: str | None = None) -> set[int]:
    """The positions of the program's examples of these inputs (of this output, when given): as
    stored, else ignoring case and edge spaces; an input or output that matches none is an error (and
    nothing is removed)."""
    drop = set()
    for text in inputs:
        found = {i for i, e in enumerate(program.examples) if e.input == text} or \
            {i for i, e in enumerate(program.examples) if e.input.strip().lower() == text.strip().lower()}
        if not found:
            raise ProgdbError(f"program '{program.name}' has no example with input '{text}' (`progdb show "
                              f"{program.name}` lists them); nothing was removed")
        if output is not None:
            of = {i for i in found if program.examples[i].output == output} or \
                {i for i in found if program.examples[i].output.strip().lower() == output.strip().lower()}
            if not of:
                outputs = ", ".join(dict.fromkeys(program.examples[i].output for i in sorted(found)))
                raise ProgdbError(f"program '{program.name}' has no pair {text} -> {output} (its outputs for "
                                  f"'{text}': {outputs}); nothing was removed")
            found = of
        drop |= found
    return drop

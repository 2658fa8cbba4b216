"""Persistence in chromadb: the same code for an embedded path and a `chroma run` server.

Collections (all created with embedding_function=None; progdb passes its own vectors):
Names are prefixed with a namespace ("progdb" unless chosen), so one chroma server can hold
several progdb databases.
  progdb-programs  one record per program: the card (document), the mean of its key vectors
  progdb-keys      one record per key phrasing (key space)
  progdb-examples  one record per text pair of a fewshot program (key space, input side); its id
                   hashes the input and output, so an input with several outputs has several
  progdb-offsets   one record per vector program: its offset in word space
  progdb-labelled  the labelled prompts `fit` learned from (key space): the router trains on them
                   beside the keys; each fit replaces them
Database-wide settings (calibration, which models) live in the programs collection's metadata.
"""
from __future__ import annotations

import hashlib
import json
import os
import re
import uuid
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlparse

import numpy as np

from progdb.errors import ProgdbError

# 2: example ids hash the pair (input and output); 1 hashed the input alone, one record per input.
# An older database is migrated when it is opened (Store.migrate).
SCHEMA = 2
# Fixed at a collection's creation; M=32/ef_construction=200 measured far better recall than
# chromadb's defaults (DESIGN.md); ef_search 400 keeps recall@10 ≥ 0.99 up to 1M real embeddings
# (0.989 at 200) for ~1 ms more (bench/store_scale.py).
HNSW = {"space": "cosine", "ef_construction": 200, "max_neighbors": 32, "ef_search": 400}
# Example records are what bulk imports write by the thousand: ef_construction 100 halves their
# insertion CPU with the same recall on real embeddings (bench/example_search.py).
HNSW_EXAMPLES = {**HNSW, "ef_construction": 100}
COLLECTIONS = ("programs", "keys", "examples", "offsets", "labelled")
QUERY_CHUNK = 100
# Milliseconds per result of an unfiltered search (ids and distances), per record fetched by id
# (its embedding), per record in the collection for a filtered query: bench/example_search.py.
COST_MS = {"search": 0.008, "id": 0.05, "filter": 0.0015}
OVERFETCH = 4  # an unfiltered search asks 4× the results expected to hold n of the program's


def example_id(program: str, text: str, output: str) -> str:
    """The record id of one pair: a pair is (program, input, output), so each output of an input
    has a record of its own. ("/p/": records of schema 1 were "/e/" + a hash of the input alone.)"""
    pair = json.dumps([text, output], ensure_ascii=False)
    return f"{program}/p/{hashlib.sha1(pair.encode('utf-8')).hexdigest()[:16]}"


PAIR_ID = re.compile(r".*/p/[0-9a-f]{16}")  # an id example_id makes (older records are rewritten)


@dataclass
class KeyHit:
    program: str
    key: str
    score: float


def _client(path: str | None, server: str | None):
    os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")
    import chromadb
    from chromadb.config import Settings

    settings = Settings(anonymized_telemetry=False)
    if server:
        address = server if "://" in server else f"http://{server}"
        url = urlparse(address)
        if not url.hostname:
            raise ProgdbError(f"--server: '{server}' is not a URL like http://127.0.0.1:8000")
        try:
            client = chromadb.HttpClient(
                host=url.hostname, port=url.port or (443 if url.scheme == "https" else 8000),
                ssl=url.scheme == "https", settings=settings,
            )
            client.heartbeat()
        except Exception as exc:
            if _is_progdb_serve(address):  # (a librarian gave the URL of her `progdb serve` to write through it)
                raise ProgdbError(f"--server {server}: that is a `progdb serve`, not a chroma server; write through "
                                  "its API (POST /api/programs, /api/import; docs/server.md), or stop it and use "
                                  "--db") from None
            # (chromadb says "Could not connect to a Chroma server…" as a ValueError: a trial read only "ValueError")
            raise ProgdbError(f"cannot reach the chroma server at {server} (is `chroma run` serving there? "
                              f"{type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else 'no reply'})") from None
        return client
    os.makedirs(path, exist_ok=True)
    return chromadb.PersistentClient(path=path, settings=settings)


def _is_progdb_serve(address: str) -> bool:
    """Does the URL answer as `progdb serve` does (its health check needs no token)?"""
    import httpx

    try:
        reply = httpx.get(address.rstrip("/") + "/api/health", timeout=2)
        return reply.status_code == 200 and "programs" in reply.json()
    except Exception:  # (anything else at that address, or nothing: chromadb's reason is said instead)
        return False


GENERATION_FILE = "progdb.generation"
# One chromadb client per embedded path in this process, with the generation it has seen.
_EMBEDDED: dict[str, tuple[object, str]] = {}


def _generation(path: str) -> str:
    """A token the writers of an embedded path change after each write (under its lock file)."""
    try:
        return (Path(path) / GENERATION_FILE).read_text()
    except FileNotFoundError:
        return ""


class Store:
    """chromadb keeps each collection's index in the memory of every process that opened it, and a
    process writing from a stale index overwrites what another process stored (measured:
    bench/embedded_writers.py). So an embedded Store reopens its client whenever the generation file
    says another process has written since, before reading or writing."""

    def __init__(self, path: str | None = None, server: str | None = None, namespace: str = "progdb"):
        if not path and not server:
            raise ProgdbError("a database needs a path or a server URL")
        self.location = server or path
        self.server, self.namespace = server, namespace
        self.path = None if server else str(Path(path).resolve())
        self.on_reconnect = []  # callbacks: caches built from an older state
        self._generation = None
        self._connect()
        existing = {c.name if hasattr(c, "name") else c for c in self._client.list_collections()}
        self.is_new = f"{namespace}-programs" not in existing
        self._open_collections()
        self.batch = self._client.get_max_batch_size()

    def _connect(self) -> None:
        if self.path is None:
            self._client = _client(None, self.server)
            self._generation = self._server_generation()
            return
        generation = _generation(self.path)
        shared = _EMBEDDED.get(self.path)
        if shared is None or shared[1] != generation:
            if shared is not None:
                shared[0].close()  # the last client of the path: chromadb drops its in-memory state
            _EMBEDDED[self.path] = (_client(self.path, None), generation)
        self._client, self._generation = _EMBEDDED[self.path][0], generation

    def _open_collections(self) -> None:
        self._cols = {
            name: self._client.get_or_create_collection(
                f"{self.namespace}-{name}", embedding_function=None,
                configuration={"hnsw": HNSW_EXAMPLES if name == "examples" else HNSW},
                metadata={"progdb_schema": SCHEMA} if name == "programs" else None,
            )
            for name in COLLECTIONS
        }
        for col in self._cols.values():
            # Databases made before ef_search 400 get it (chromadb uses it from the index's next load).
            if ((col.configuration_json or {}).get("hnsw") or {}).get("ef_search", HNSW["ef_search"]) < HNSW["ef_search"]:
                col.modify(configuration={"hnsw": {"ef_search": HNSW["ef_search"]}})

    def _refresh(self) -> None:
        if self.path is not None and _generation(self.path) != self._generation:
            self._connect()
            self._open_collections()
            for callback in self.on_reconnect:
                callback()

    def _server_generation(self) -> str:
        try:
            col = self._client.get_collection(f"{self.namespace}-generation", embedding_function=None)
        except Exception:  # not written yet by any progdb of this version
            return ""
        return str((col.metadata or {}).get("token", ""))

    def sync(self) -> None:
        """Forget what this process derived from the store (on_reconnect) if another process has
        written since: a long-running process (progdb serve) calls it before each use. Embedded,
        every read already checks; on a server it costs one request."""
        if self.path is not None:
            self._refresh()
            return
        generation = self._server_generation()
        if generation != self._generation:
            self._generation = generation
            for callback in self.on_reconnect:
                callback()

    @property
    def client(self):
        self._refresh()
        return self._client

    @property
    def cols(self) -> dict:
        self._refresh()
        return self._cols

    def wrote(self) -> None:
        """Called by the writer holding the lock after storing: other processes reopen before
        their next read or write; this one's client is current. On a server the token lives in
        the chroma server (a collection's metadata), read by sync()."""
        if self.path is None:
            self.sync()  # a write of another process since our last look: forget ours too
            token = uuid.uuid4().hex
            self._client.get_or_create_collection(f"{self.namespace}-generation", embedding_function=None) \
                .modify(metadata={"token": token})
            self._generation = token
            return
        from progdb.storage.cache import written

        token = uuid.uuid4().hex
        with written(Path(self.path) / GENERATION_FILE) as tmp:
            tmp.write_text(token)
        _EMBEDDED[self.path] = (self._client, token)
        self._generation = token

    # -- schema ----------------------------------------------------------------------------
    def schema(self) -> int:
        return int((self.cols["programs"].metadata or {}).get("progdb_schema", 1))

    def needs_migration(self) -> bool:
        return self.schema() < SCHEMA

    def migrate(self) -> int:
        """Bring a database of an older schema up to this one (the caller holds the write lock);
        returns how many example records were rewritten. Schema 1 kept one example record per
        input, its id hashing the input: each fewshot program's records are rewritten one per
        pair of its card (ids hashing the pair), an input's embedding reused for each of its
        outputs, and the old records removed. Re-running it (an interrupted migration, or two
        processes on a server) redoes the same writes."""
        if not self.needs_migration():
            return 0
        rewritten = 0
        for card in self.cards():
            d = json.loads(card)
            if d.get("kind") != "fewshot":
                continue
            name = d["name"]
            got = self.cols["examples"].get(where={"program": name}, include=["documents", "metadatas", "embeddings"])
            vector_of = {}
            for meta, doc, vec in zip(got["metadatas"], got["documents"], got["embeddings"]):
                vector_of.setdefault(_example_sides(meta, doc)[0], vec)
            pairs = [p for p in dict.fromkeys((e["input"], e["output"]) for e in d.get("examples", []))
                     if p[0] in vector_of]  # (an input without a record: nearest_examples falls back to the filter)
            ids = [example_id(name, a, b) for a, b in pairs]
            if pairs:
                self._upsert("examples", ids, np.asarray([vector_of[a] for a, _ in pairs], dtype=np.float32),
                             metadatas=[{"program": name, "input": a, "output": b} for a, b in pairs])
            stale = sorted(set(got["ids"]) - set(ids))
            for i in range(0, len(stale), self.batch):
                self.cols["examples"].delete(ids=stale[i:i + self.batch])
            rewritten += len(ids)
        col = self.cols["programs"]
        col.modify(metadata={**(col.metadata or {}), "progdb_schema": SCHEMA})
        return rewritten

    # -- database settings ---------------------------------------------------------------
    def settings(self) -> dict:
        meta = dict(self.cols["programs"].metadata or {})
        return {k[len("setting:"):]: v for k, v in meta.items() if k.startswith("setting:")}

    def set_settings(self, **values) -> None:
        col = self.cols["programs"]
        meta = dict(col.metadata or {})
        meta.update({f"setting:{k}": v for k, v in values.items()})
        col.modify(metadata=meta)

    # -- writes ---------------------------------------------------------------------------
    def lease(self, program: str):
        """A write lease on one program (server only; see lease.py), not yet acquired."""
        from progdb.storage.lease import Lease, NoLease

        return Lease(self.client, self.namespace, program) if self.server else NoLease()

    def revision(self, name: str) -> str | None:
        """The token of the program's last write (None: no such program), to detect another writer."""
        got = self.cols["programs"].get(ids=[name], include=["metadatas"])
        return (got["metadatas"][0] or {}).get("rev", "") if got["ids"] else None

    def _upsert(self, col: str, ids, embeddings, documents=None, metadatas=None) -> None:
        for i in range(0, len(ids), self.batch):
            s = slice(i, i + self.batch)
            self.cols[col].upsert(
                ids=ids[s], embeddings=np.asarray(embeddings[s], dtype=np.float32),
                documents=documents[s] if documents else None,
                metadatas=metadatas[s] if metadatas else None,
            )

    def _ids_of(self, col: str, program: str) -> list[str]:
        return self.cols[col].get(where={"program": program}, include=[])["ids"]

    def write_examples(self, name: str, inputs, outputs, vecs) -> None:
        """Upsert example records. Their ids hash the pair, so writing a pair again replaces its
        record, and a repeated pair keeps one record."""
        first = {}
        for i, (text, output) in enumerate(zip(inputs, outputs)):
            first.setdefault(example_id(name, text, output), i)
        if first:
            rows = list(first.values())
            # The input goes in the metadata, not the document: chromadb full-text indexes
            # documents, which took 43% of storing an example (bench/import_speed.py).
            self._upsert("examples", list(first), np.asarray(vecs)[rows],
                         metadatas=[{"program": name, "input": inputs[i], "output": outputs[i]} for i in rows])

    def write_program(self, card_json: str, summary: dict, key_texts, key_vecs, ex_inputs, ex_outputs,
                      ex_vecs, offset, full: bool = True, removed=()) -> None:
        """Store one program's records, replacing any earlier version of it (full=True), or only
        upsert the given examples and the card (full=False: a bulk import adding to a program).
        ex_vecs=None: the examples were stored already (write_examples; a bulk import streams
        them), they are named only so that a full write keeps them and removes the rest.
        `removed`: (input, output) pairs the program no longer has (a partial write's replaced
        pairs), whose records go with the stale ones.

        The card goes last: a program exists once its card does, so an interrupted write leaves
        the previous version (or nothing) visible, and stale records of an old version are
        removed only after the new ones are in."""
        name = summary["name"]
        summary = {**summary, "rev": summary.get("rev") or uuid.uuid4().hex}
        old_keys = set(self._ids_of("keys", name)) if full else set()
        old_examples = set(self._ids_of("examples", name)) if full else set()
        key_ids = [f"{name}/k/{i}" for i in range(len(key_texts))]
        if full:
            self._upsert("keys", key_ids, key_vecs,
                         metadatas=[{"program": name, "key": k} for k in key_texts])
        if ex_vecs is not None:
            self.write_examples(name, ex_inputs, ex_outputs, ex_vecs)
        if offset is not None:
            self._upsert("offsets", [name], [offset], metadatas=[{"program": name}])
        elif full:
            self.cols["offsets"].delete(ids=[name])
        stale_keys = sorted(old_keys - set(key_ids))
        kept = {example_id(name, text, output) for text, output in zip(ex_inputs, ex_outputs)}
        stale_examples = sorted((old_examples | {example_id(name, a, b) for a, b in removed}) - kept)
        if stale_keys:
            self.cols["keys"].delete(ids=stale_keys)
        for i in range(0, len(stale_examples), self.batch):
            self.cols["examples"].delete(ids=stale_examples[i:i + self.batch])
        centroid = np.asarray(key_vecs, dtype=np.float32).mean(axis=0)
        centroid /= np.linalg.norm(centroid) or 1.0
        self._upsert("programs", [name], [centroid], documents=[card_json], metadatas=[summary])

    def centroid(self, name: str) -> np.ndarray:
        """The program's mean key vector, as stored with its card."""
        got = self.cols["programs"].get(ids=[name], include=["embeddings"])
        return np.asarray(got["embeddings"], dtype=np.float32).reshape(1, -1)

    def delete_program(self, name: str) -> None:
        # The card first: once it is gone the program is gone, whatever else remains to sweep.
        self.cols["programs"].delete(ids=[name])
        for col in ("keys", "examples"):
            ids = self._ids_of(col, name)
            if ids:
                self.cols[col].delete(ids=ids)
        self.cols["offsets"].delete(ids=[name])

    # -- reads ----------------------------------------------------------------------------
    def card(self, name: str) -> str | None:
        got = self.cols["programs"].get(ids=[name], include=["documents"])
        return got["documents"][0] if got["ids"] else None

    def cards(self) -> list[str]:
        got = self.cols["programs"].get(include=["documents"])
        return [doc for _, doc in sorted(zip(got["ids"], got["documents"]))]

    def summaries(self) -> list[dict]:
        got = self.cols["programs"].get(include=["metadatas"])
        return sorted(got["metadatas"], key=lambda m: m["name"])

    def count(self) -> int:
        return self.cols["programs"].count()

    def all_keys(self) -> list[tuple[str, str]]:
        """(program, key) for every stored key phrasing: what template matching reads."""
        got = self.cols["keys"].get(include=["metadatas"])
        return [(m["program"], m["key"]) for m in got["metadatas"]]

    def keys_with_vectors(self) -> tuple[list[str], list[str], np.ndarray]:
        """Every stored key: program names, key texts, embeddings (what the router learns from)."""
        got = self.cols["keys"].get(include=["metadatas", "embeddings"])
        order = sorted(range(len(got["ids"])), key=lambda i: got["ids"][i])
        metas = [got["metadatas"][i] for i in order]
        vectors = np.asarray([got["embeddings"][i] for i in order], dtype=np.float32)
        return [m["program"] for m in metas], [m["key"] for m in metas], vectors.reshape(len(order), -1)

    def labelled_with_vectors(self) -> tuple[list[str | None], list[str], np.ndarray]:
        """The prompts `fit` learned from: program names (None: out of scope), texts, embeddings."""
        got = self.cols["labelled"].get(include=["documents", "metadatas", "embeddings"])
        order = sorted(range(len(got["ids"])), key=lambda i: got["ids"][i])
        vectors = np.asarray([got["embeddings"][i] for i in order], dtype=np.float32)
        return ([got["metadatas"][i]["program"] or None for i in order], [got["documents"][i] for i in order],
                vectors.reshape(len(order), -1) if order else np.zeros((0, 0), dtype=np.float32))

    def replace_labelled(self, programs: list[str | None], texts: list[str], vectors: np.ndarray) -> None:
        """Store these labelled prompts in place of the last fit's: the new ones are added before
        the old ones go, so a failed write leaves the old set (and some new rows) rather than none."""
        col = self.cols["labelled"]
        old = col.get(include=[])["ids"]
        run = uuid.uuid4().hex[:8]
        vectors = np.asarray(vectors, dtype=np.float32)
        for i in range(0, len(texts), self.batch):
            j = min(i + self.batch, len(texts))
            col.add(ids=[f"{run}-{k:07d}" for k in range(i, j)], documents=texts[i:j], embeddings=vectors[i:j],
                    metadatas=[{"program": p or ""} for p in programs[i:j]])
        for i in range(0, len(old), self.batch):
            col.delete(ids=old[i:i + self.batch])

    def delete_labelled(self, program: str) -> None:
        """Drop the phrasings a fit learned for this program (it is removed)."""
        self.cols["labelled"].delete(where={"program": program})

    def nearest_keys(self, vectors: np.ndarray, n: int) -> list[list[KeyHit]]:
        vectors = np.asarray(vectors, dtype=np.float32)
        hits = []
        # No count() first: it costs more than the search (6.7 ms at 100k records against 2 ms,
        # bench/store_scale.py), and chromadb returns fewer results when it holds fewer.
        # Chunks: chromadb fetches the metadata of every hit in one SQL statement, which has a
        # variable limit (3,000 queries × 50 hits at once fails).
        for i in range(0, len(vectors), QUERY_CHUNK):
            res = self.cols["keys"].query(query_embeddings=vectors[i:i + QUERY_CHUNK], n_results=n,
                                          include=["metadatas", "distances"])
            # (a record deleted by another process can still be returned, without metadata)
            hits += [[KeyHit(m["program"], m["key"], 1.0 - d) for m, d in zip(metas, dists) if m]
                     for metas, dists in zip(res["metadatas"], res["distances"])]
        return hits

    def nearest_examples(self, program: str, vector: np.ndarray, n: int, pairs: list[tuple[str, str]] | None = None,
                         total: int | None = None) -> list[tuple[str, str, float, np.ndarray]]:
        """The program's stored examples nearest to `vector`: (input, output, score, embedding).

        A chroma query filtered by program scans (28–163 ms in 100,000 examples, depending on the
        program's size: bench/example_search.py), so when the program's (input, output) `pairs`
        are known (its card), the cheapest of three is taken: an unfiltered search asking enough
        results to hold n of the program's (ids only: record ids start with the program's name),
        the program's records by id ranked exactly (small programs), or the filter. `total` is the
        fewshot programs' example count when the caller knows it (else read from the summaries)."""
        if pairs is not None and not pairs:
            return []  # a fewshot program of a description and no examples yet (chroma's get wants ids)
        vector = np.asarray(vector, dtype=np.float32)
        # the programs' own counts: the collection's count() costs as much as a search
        if total is None:
            total = fewshot_examples(self.summaries())
        col = self.cols["examples"]
        if pairs is None or not total:
            return self._filtered_examples(program, vector, n)
        records = len(set(pairs))
        want = min(total, OVERFETCH * n * total // max(records, 1) + n)
        cost = {"search": COST_MS["search"] * want, "ids": COST_MS["id"] * records, "filter": COST_MS["filter"] * total}
        how = min(cost, key=cost.get)
        if how == "search":
            res = col.query(query_embeddings=vector[None], n_results=want, include=["distances"])
            prefix = f"{program}/p/"
            mine = [(i, 1.0 - d) for i, d in zip(res["ids"][0], res["distances"][0]) if i.startswith(prefix)][:n]
            if len(mine) == min(n, records):
                return self._examples_by_id(mine)
        elif how == "ids":
            ids = list(dict.fromkeys(example_id(program, a, b) for a, b in pairs))
            got = col.get(ids=ids, include=["embeddings"])
            if len(got["ids"]) == len(ids):  # else: records of an interrupted write
                scores = np.asarray(got["embeddings"], dtype=np.float32) @ (vector / (np.linalg.norm(vector) or 1.0))
                top = sorted(range(len(scores)), key=lambda i: (-scores[i], got["ids"][i]))[:n]
                return self._examples_by_id([(got["ids"][i], float(scores[i])) for i in top])
        return self._filtered_examples(program, vector, n)

    def _examples_by_id(self, ranked: list[tuple[str, float]]) -> list[tuple[str, str, float, np.ndarray]]:
        if not ranked:
            return []
        got = self.cols["examples"].get(ids=[i for i, _ in ranked], include=["documents", "metadatas", "embeddings"])
        row = {i: k for k, i in enumerate(got["ids"])}
        return [(*_example_sides(got["metadatas"][row[i]], got["documents"][row[i]]), score,
                 np.asarray(got["embeddings"][row[i]])) for i, score in ranked]

    def _filtered_examples(self, program: str, vector: np.ndarray, n: int) -> list[tuple[str, str, float, np.ndarray]]:
        res = self.cols["examples"].query(query_embeddings=vector[None], n_results=n, where={"program": program},
                                          include=["documents", "metadatas", "distances", "embeddings"])
        return [(*_example_sides(res["metadatas"][0][i], res["documents"][0][i]), 1.0 - res["distances"][0][i],
                 np.asarray(res["embeddings"][0][i])) for i in range(len(res["ids"][0]))]

    def offsets(self, names: list[str]) -> dict[str, np.ndarray]:
        got = self.cols["offsets"].get(ids=list(names), include=["embeddings"])
        return {i: np.asarray(e, dtype=np.float32) for i, e in zip(got["ids"], got["embeddings"])}


def fewshot_examples(summaries: list[dict]) -> int:
    """How many example records the fewshot programs of these summaries hold (what an example search
    weighs its ways by)."""
    return sum(m.get("n_examples", 0) for m in summaries if m.get("kind") == "fewshot")


def _example_sides(meta: dict, document: str | None) -> tuple[str, str]:
    """(input, output) of an example record; records stored before inputs moved into the
    metadata hold the input as their document."""
    return meta.get("input", document), meta["output"]

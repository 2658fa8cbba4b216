"""How keys route to programs: the database's calibration, the classifier router and what it
trains on (every key, and the prompts a fit learned from), and the intents' slot taggers."""
from __future__ import annotations

import json

import numpy as np

from progdb import models
from progdb.query.catalog import Catalog
from progdb.errors import ProgdbError
from progdb.program import key_text
from progdb.query import retrieve
from progdb.query.parse import Parsed, match_template, parse
from progdb.query.retrieve import Retrieval
from progdb.query.wording import polite_tail_dropped
from progdb.routing.calibration import offsets_json
from progdb.routing.labelled import parse_annotation
from progdb.routing.router import Router, cached_router
from progdb.routing.slots import cached_tagger

ROUTERS = ("classifier", "similarity")
ROUTER_THRESHOLD = 0.3     # router probability below which the answer is "none", until `fit` sets it
ROUTER_MARGIN = 0.1        # probabilities within this of the best are blended (vector/fewshot only)
ROUTER_TEMPERATURE = 0.1
FIT_NEGATIVE = "(out of scope)"  # the class of fit's out-of-scope prompts when no negative program exists
NOTHING_LEARNED = ([], [], np.zeros((0, 0), dtype=np.float32))
ROUTE_HITS = 50  # stored keys looked up per key: a program scores as its best key among them


def clean_calibration(values: dict, router: str = "similarity") -> dict:
    """Calibration values set by hand (`progdb fit --set router_threshold=0.5`), checked and typed;
    `router`: the one the database routes with now (the values may change it)."""
    allowed = {"router": str, "threshold": float, "margin": float, "router_threshold": float,
               "router_margin": float, "router_offsets": offsets_json, "program_thresholds": offsets_json}
    clean = {}
    for name, value in values.items():
        if name not in allowed:
            raise ProgdbError(f"calibration: unknown field '{name}' (one of {', '.join(allowed)})")
        try:
            clean[name] = allowed[name](value)
        except (ValueError, TypeError, AttributeError):
            what = "a JSON object of numbers" if allowed[name] is offsets_json else "a number"
            raise ProgdbError(f"calibration: field '{name}': '{value}' is not {what}") from None
    router = clean.get("router", router)
    if router not in ROUTERS:
        raise ProgdbError(f"calibration: field 'router': '{router}' is not one of {', '.join(ROUTERS)}")
    if router == "similarity" and any(v is not None for v in json.loads(clean.get("router_offsets", "{}")).values()):
        # (a product manager's offsets were stored and changed nothing: the similarity router never reads them)
        raise ProgdbError("calibration: field 'router_offsets': the classifier's per-program offsets; this database "
                          "routes by similarity, where a program's own threshold is program_thresholds "
                          "({\"program\": 0.55})")
    return clean


class Routes:
    def __init__(self, catalog: Catalog):
        self.catalog, self.store = catalog, catalog.store
        self.reset()

    def reset(self) -> None:
        self._router: list[Router | None] | None = None
        self._taggers: dict = {}

    def calibration(self) -> dict:
        """How keys are routed: the stored calibration over the defaults (`progdb fit` writes it)."""
        s = self.store.settings()
        cal = {"router": s.get("router", "similarity"),
               "threshold": float(s.get("threshold", retrieve.DEFAULT_THRESHOLD)),
               "margin": float(s.get("margin", retrieve.DEFAULT_MARGIN)),
               "router_threshold": float(s.get("router_threshold", ROUTER_THRESHOLD)),
               "router_margin": float(s.get("router_margin", ROUTER_MARGIN)),
               # per program, its own threshold minus router_threshold (`fit` sets them)
               "router_offsets": json.loads(s.get("router_offsets", "{}")),
               # a seeded database's fitted programs: their own threshold (the library keeps "threshold")
               "program_thresholds": json.loads(s.get("program_thresholds", "{}"))}
        if s.get("fit"):
            cal["fit"] = json.loads(s["fit"])
        return cal

    def learned(self) -> tuple[list[str], list[str], np.ndarray]:
        """The prompts the last `fit` learned from, as router rows: class labels (their program; an
        out-of-scope prompt the database's negative program, else a class of its own), texts,
        vectors. Prompts of programs deleted since are left out."""
        programs, texts, vectors = self.store.labelled_with_vectors()
        kinds = self.catalog.kinds()
        keep = [i for i, p in enumerate(programs) if p is None or p in kinds]
        return [programs[i] or self.negative_class() for i in keep], [texts[i] for i in keep], vectors[keep]

    def negative_class(self) -> str:
        return min((n for n, k in self.catalog.kinds().items() if k == "negative"), default=FIT_NEGATIVE)

    def router_rows(self, learned: tuple | None = None) -> tuple[list[str], list[str], np.ndarray]:
        """What the classifier trains on: every key, and the prompts `fit` learned from."""
        labels, texts, vectors = self.store.keys_with_vectors()
        more_labels, more_texts, more_vectors = learned if learned is not None else self.learned()
        return (labels + more_labels, [key_text(t) for t in texts] + more_texts,
                np.vstack([vectors, more_vectors]) if len(more_texts) else vectors)

    def router(self) -> Router | None:
        if self._router is None:
            self._router = [cached_router(*self.router_rows(), models.encoder().model_path)]
        return self._router[0]

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
        kinds = {**self.catalog.kinds(), FIT_NEGATIVE: "negative"}
        all_hits = hits if hits is not None else self.store.nearest_keys(vectors, ROUTE_HITS)
        if (router or cal["router"]) == "classifier":
            model = model or self.router()
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

    def routing_keys(self, prompts: list[str]) -> tuple[list[Parsed], list[str], np.ndarray]:
        """Prompts parsed by templates and explicit structure (a prompt without either is its own
        key), their keys, and the keys embedded."""
        templates = self.catalog.templates()
        parsed = [parse(p, templates, None) for p in prompts]
        keys = [p.key or p.prompt for p in parsed]
        return parsed, keys, models.encoder().encode(keys)

    def route_prompts(self, prompts: list[str], router: str | None = None,
                      threshold: float | None = None) -> tuple[list[Parsed], list[Retrieval]]:
        """Parse and route many prompts in one batch: what `fit` and `eval routes` measure."""
        parsed, keys, vectors = self.routing_keys(prompts)
        return parsed, self.route(keys, vectors, router, threshold)

    def slots_for(self, name: str, prompt: str, use_templates: bool = False) -> list[tuple[int, int, str]]:
        """Slot spans of a prompt routed to the intent `name`, from the intent's tagger (or, with no
        annotated examples to train one, its templates); with use_templates, first from one of its
        templates when one matches the whole prompt (on SNIPS that measured far worse: loose
        templates swallow words, see docs/evaluation.md)."""
        def from_templates() -> list[tuple[int, int, str]]:
            matched = match_template(prompt, self.catalog.templates(name))
            if not matched or not matched.spans:
                return []
            # a slot at the prompt's end takes its thanks too: "… at half past seven please"
            return [(a, a + len(polite_tail_dropped(prompt[a:b])), slot) for a, b, slot in matched.spans]

        spans = from_templates() if use_templates else []
        if spans:
            return spans
        if name not in self._taggers:
            examples = [parse_annotation(e.output) for e in self.catalog.get(name).examples]
            self._taggers[name] = cached_tagger(examples)
        tagger = self._taggers[name]
        # no annotated examples to learn from: the {slots} of a key that matches the whole prompt
        # ("play {song}" takes "play Bohemian Rhapsody")
        return tagger.tag(prompt) if tagger else from_templates()

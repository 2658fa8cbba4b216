"""Two word programs asked for at once: 'the plural of the feminine of king' (the input is itself
a request) or 'feminine plural of king' (the key splits into two keys)."""
from __future__ import annotations

from progdb import models
from progdb.query.catalog import Catalog
from progdb.query import retrieve
from progdb.query.parse import Parsed, parse
from progdb.query.retrieve import ProgramMatch, Retrieval

COMPOSE_MARGIN = 0.1  # each half of a split key must clear the threshold by this much
STOP_WORDS = {"or", "either", "vs", "versus",  # "comparative or superlative" asks for one of two: a blend
              "and", "&", "n", "+"}  # "the capital and the currency of Colombia" asks for both: two requests
# Words of any request: a part of a split key made of these alone ("form of" in "what's the adverb
# form of") names no program, whatever phrasing it happens to match ("the third form of").
GENERIC = {"a", "an", "the", "of", "for", "to", "in", "what", "what's", "whats", "is", "form", "word", "version",
           "please", "give", "me", "tell", "get"}


def composition(catalog: Catalog, parsed: Parsed, decision: Retrieval, embed, score_keys,
                threshold: float) -> tuple[list[ProgramMatch], str] | None:
    """([program applied first, then …], the innermost input), or None."""
    if len(parsed.inputs) != 1 or decision.mode == "none":
        return None
    store, space, kinds = catalog.store, models.word_space(), catalog.kinds()
    text = parsed.inputs[0]
    # The input may itself be a request: "the plural of [the feminine of king]"; a stored input
    # is not: "the capital of [the united states]".
    if len(text.split()) > 1 and text.strip().lower() not in catalog.outputs_of(decision.programs[0].name):
        inner = parse(text, catalog.templates(), score_keys)
        if len(inner.inputs) == 1 and inner.inputs[0] in space and inner.key:
            hits = store.nearest_keys(embed([inner.key]), 20)[0]
            ranked = retrieve.best_per_program(hits)
            if ranked and kinds.get(ranked[0].name) == "vector" and \
                    ranked[0].score >= threshold + COMPOSE_MARGIN and ranked[0].name != decision.programs[0].name:
                return [ranked[0], decision.programs[0]], inner.inputs[0]
        if text not in space:
            return None
    words = parsed.key.split()
    if decision.programs[0].score >= retrieve.EXACT or len(words) < 2 or STOP_WORDS & {w.lower() for w in words}:
        return None
    cuts = [(" ".join(words[:i]), " ".join(words[i:])) for i in range(1, len(words))
            if not GENERIC.issuperset(w.lower() for w in words[:i]) and not GENERIC.issuperset(w.lower() for w in words[i:])]
    if not cuts:
        return None
    vecs = embed([part for cut in cuts for part in cut] + [parsed.key])
    hits = store.nearest_keys(vecs, 20)
    # the whole key, matched as its halves are (to the stored keys): the decision's score also counts
    # the library's labelled phrasings, which a half like "the female of" is not compared with
    whole = retrieve.best_per_program(hits[-1])
    whole_score = whole[0].score if whole else 0.0
    best = None
    for n, cut in enumerate(cuts):
        parts = [retrieve.best_per_program(hits[2 * n + j]) for j in (0, 1)]
        if not all(parts):
            continue
        left, right = parts[0][0], parts[1][0]
        if left.name == right.name or {kinds.get(left.name), kinds.get(right.name)} != {"vector"}:
            continue
        if catalog.get(left.name).opposite == right.name or catalog.get(right.name).opposite == left.name:
            continue  # "what precedes … in the alphabet" is no chain of previous-item and next-item
        score = min(left.score, right.score)
        # each half must name its program better than the whole key names one: "state capital of"
        # is one program's key (a user's state-capital), not "state" after "capital"
        if score >= threshold + COMPOSE_MARGIN and score > whole_score and \
                (best is None or score > best[0]):
            best = (score, left, right)
    if best is None:
        return None
    _, left, right = best
    # The part next to the input applies first: "feminine plural of king" = plural after
    # feminine is the same sum of offsets either way, but the chain shows one order.
    before = parsed.prompt.lower().find(text.lower()) < parsed.prompt.lower().find(words[0].lower())
    return ([left, right] if before else [right, left]), text

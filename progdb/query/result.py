"""What a query stage returns: the request it read (parse and retrieve), and the whole result."""
from __future__ import annotations

from dataclasses import asdict, dataclass, field

from progdb.query.execute import Output
from progdb.query.parse import Parsed
from progdb.query.retrieve import ProgramMatch, Retrieval
from progdb.text.fewshot import Compiled


@dataclass
class Request:
    """A prompt read: its reading (key and inputs), the decision on its program, and the typos
    corrected on the way."""
    parsed: Parsed
    decision: Retrieval
    corrections: list[str] = field(default_factory=list)


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
    fit: str | None = None  # in-context: how the demonstrations fit the program chosen, in words ("fit 0.94")
    accepted: str | None = None  # why a request whose key matched below the threshold was taken
    accepted_sure: float | None = None  # the learned rule's certainty then: under 0.5 no answer is sure
    also: list["QueryResult"] = field(default_factory=list)  # a second request in the prompt ("... and past tense of go")

    def to_dict(self) -> dict:
        d = asdict(self)
        # listed by similarity, as --explain shows them (the reader's order counts input fit too)
        d["candidates"].sort(key=lambda c: -c["score"])
        d["also"] = [r.to_dict() for r in self.also]
        return d

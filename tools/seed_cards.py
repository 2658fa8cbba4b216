"""What the pair-building tools share: pinned package data files, and seed cards that a tool
appends to and can re-run on (tools/build_lexicon_pairs.py, tools/build_geo_pairs.py).

A tool appends its pairs after the card's own and marks the range in the card's "source" and
"license" ("pairs N-M appended by tools/<tool> from: ..."); reading the card back cuts that range
and the marks off, so a re-run builds the same file again.
"""
from __future__ import annotations

import importlib.metadata as md
import json
import re
from pathlib import Path


def dist_file(dist: str, rel: str, pinned: dict[str, str]) -> Path:
    """A data file inside an installed distribution, which must be the pinned version."""
    d = md.distribution(dist)
    if d.version != pinned[dist]:
        raise SystemExit(f"{dist} {d.version} is installed; this build reads {dist}=={pinned[dist]}")
    path = Path(d.locate_file(rel))
    if not path.exists():
        raise SystemExit(f"{dist}: {rel} not found")
    return path


def _mark_re(tool: str) -> re.Pattern:
    return re.compile(r"(?:^|; )pairs (\d+)-(\d+)(?: appended by tools/" + re.escape(tool) + r" from)?: .*$", re.S)


def read_card(path: Path, tool: str) -> dict:
    """The card as it was before `tool` appended to it (a re-run starts from there)."""
    card = json.loads(path.read_text(encoding="utf-8"))
    mark = _mark_re(tool)
    m = mark.search(card.get("source", ""))
    if m:
        card["examples"] = card["examples"][: int(m.group(1)) - 1]
        card["source"] = card["source"][: m.start()]
        card["license"] = mark.sub("", card.get("license", ""))
    return card


def append_pairs(card: dict, pairs: list[tuple[str, str]], tool: str, source: str, licence: str) -> None:
    """Add `pairs` after the card's own, naming their range, origin and licence."""
    start, end = len(card["examples"]) + 1, len(card["examples"]) + len(pairs)
    card["examples"] = card["examples"] + [{"input": a, "output": b} for a, b in pairs]
    card["source"] = "; ".join(x for x in (card["source"], f"pairs {start}-{end} appended by tools/{tool} from: "
                                           + source) if x)
    card["license"] = "; ".join(x for x in (card["license"], f"pairs {start}-{end}: " + licence) if x)


def write_card(path: Path, card: dict) -> None:
    path.write_text(json.dumps(card, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")


def write_report(path: str | None, report: dict) -> None:
    """A tool's --report: what it appended and dropped, as JSON (nothing without a path)."""
    if path:
        Path(path).write_text(json.dumps(report, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")

"""Replace the seed cards' known wrong pairs, and add the common ones they lack, as
tools/seed_corrections.json lists them.

    HF_HUB_OFFLINE=1 python tools/correct_seeds.py [--dry-run]
    HF_HUB_OFFLINE=1 OMP_NUM_THREADS=1 python tools/build_rankers.py --only country-currency country-capital person-instrument \
        adjective-to-adverb male-to-female female-to-male plural

The cards' sources are dated or noisy (the function-vector pairs store Croatia -> kuna and Jimmy Page
-> violin), and a stored pair is answered as certain. Run this after the pair-building tools, which
rebuild the cards they append to. An output is replaced where it stands, so the pair ranges the
tools name in a card's "source" stay true (a pair is dropped only from a card without such ranges); the card's "source" names how many pairs were corrected
and where the list is. Pairs a card lacks ("adverb of good" answered goodly: good -> well) are
appended last, their range named in "source". A re-run changes nothing.
"""
from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(Path(__file__).resolve().parent))

import seed_cards  # noqa: E402

LIST = Path(__file__).with_name("seed_corrections.json")
RANGE = re.compile(r"pairs \d+-\d+")  # a tool's appended range, which dropping a pair would shift
MARK = re.compile(r"; \d+ pairs? corrected by tools/correct_seeds\.py \(tools/seed_corrections\.json\)")
ADDED = re.compile(r"; pairs (\d+)-(\d+) added by tools/correct_seeds\.py \(tools/seed_corrections\.json\)")


def cut_added(card: dict) -> None:
    """The card without the pairs an earlier run added (the last range: nothing appends after this tool)."""
    m = ADDED.search(card["source"])
    if m:
        start, end = int(m.group(1)), int(m.group(2))
        if end != len(card["examples"]):
            raise SystemExit(f"{card['name']}: pairs were appended after this tool's; run it last")
        card["examples"] = card["examples"][: start - 1]
        card["source"] = ADDED.sub("", card["source"])


def add(card: dict, additions: list[dict]) -> int:
    """Append the pairs a card lacks (good -> well), marking their range in its "source"."""
    held = {(e["input"].lower(), e["output"]) for e in card["examples"]}
    new = [a for a in additions if (a["input"].lower(), a["output"]) not in held]
    if new:
        start = len(card["examples"]) + 1
        card["examples"] += [{"input": a["input"], "output": a["output"]} for a in new]
        card["source"] += (f"; pairs {start}-{len(card['examples'])} added by tools/correct_seeds.py "
                           "(tools/seed_corrections.json)")
    return len(new)


def correct(card: dict, fixes: list[dict]) -> int:
    """Replace each fix's wrong outputs of its input (any case) by the right ones, or drop the pairs
    of a fix with no right output (an LLM's refusal stored as a translation); the count changed."""
    done = 0
    for fix in fixes:
        if not fix["right"]:
            if RANGE.search(card["source"]):
                raise SystemExit(f"{card['name']}: a pair is dropped only from a card no tool appended to")
            kept = [e for e in card["examples"]
                    if not (e["input"].lower() == fix["input"].lower() and e["output"] in fix["wrong"])]
            done += len(card["examples"]) - len(kept)
            card["examples"] = kept
            continue
        swap = dict(zip(fix["wrong"], fix["right"], strict=True))
        mine = [e for e in card["examples"] if e["input"].lower() == fix["input"].lower() and e["output"] in swap]
        if [e["output"] for e in mine] == fix["right"]:
            continue  # a fix that reorders (hot: cold before cool) is done already: a re-run undid it
        for example in mine:
            example["output"] = swap[example["output"]]
            done += 1
    return done


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--dry-run", action="store_true", help="say what would change, write nothing")
    args = ap.parse_args()
    listed = json.loads(LIST.read_text(encoding="utf-8"))
    by_program: dict[str, list[dict]] = {}
    added: dict[str, list[dict]] = {}
    for fix in listed["corrections"]:
        by_program.setdefault(fix["program"], []).append(fix)
    for pair in listed.get("additions", []):
        added.setdefault(pair["program"], []).append(pair)
    for program in sorted(set(by_program) | set(added)):
        fixes = by_program.get(program, [])
        path = ROOT / "seeds" / f"{program}.json"
        card = json.loads(path.read_text(encoding="utf-8"))
        cut_added(card)
        fixed = correct(card, fixes)
        wanted = {(f["input"].lower(), r) for f in fixes for r in f["right"]}
        held = {(e["input"].lower(), e["output"]) for e in card["examples"]}
        if missing := sorted(wanted - held):
            raise SystemExit(f"{path.name}: no pair to correct for {missing}")
        total = sum(len(f["wrong"]) for f in fixes)  # the list's count, so a re-run writes the same card
        card["source"] = MARK.sub("", card["source"]) + (
            f"; {total} pair{'s' if total != 1 else ''} corrected by tools/correct_seeds.py (tools/seed_corrections.json)"
            if total else "")
        n_added = add(card, added.get(program, []))
        print(f"{program}: {fixed} replaced now, {total} corrected in all, {n_added} added")
        if not args.dry_run:
            seed_cards.write_card(path, card)


if __name__ == "__main__":
    main()

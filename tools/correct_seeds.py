"""Replace the seed cards' known wrong pairs, as tools/seed_corrections.json lists them.

    HF_HUB_OFFLINE=1 python tools/correct_seeds.py [--dry-run]
    HF_HUB_OFFLINE=1 OMP_NUM_THREADS=1 python tools/build_rankers.py --only country-currency country-capital person-instrument

The cards' sources are dated or noisy (the function-vector pairs store Croatia -> kuna and Jimmy Page
-> violin), and a stored pair is answered as certain. Run this after the pair-building tools, which
rebuild the cards they append to. An output is replaced where it stands, so the pair ranges the
tools name in a card's "source" stay true (a pair is dropped only from a card without such ranges); the card's "source" names how many pairs were corrected
and where the list is. A re-run changes nothing.
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
        for example in card["examples"]:
            if example["input"].lower() == fix["input"].lower() and example["output"] in swap:
                example["output"] = swap[example["output"]]
                done += 1
    return done


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--dry-run", action="store_true", help="say what would change, write nothing")
    args = ap.parse_args()
    by_program: dict[str, list[dict]] = {}
    for fix in json.loads(LIST.read_text(encoding="utf-8"))["corrections"]:
        by_program.setdefault(fix["program"], []).append(fix)
    for program, fixes in sorted(by_program.items()):
        path = ROOT / "seeds" / f"{program}.json"
        card = json.loads(path.read_text(encoding="utf-8"))
        fixed = correct(card, fixes)
        wanted = {(f["input"].lower(), r) for f in fixes for r in f["right"]}
        held = {(e["input"].lower(), e["output"]) for e in card["examples"]}
        if missing := sorted(wanted - held):
            raise SystemExit(f"{path.name}: no pair to correct for {missing}")
        total = sum(len(f["wrong"]) for f in fixes)  # the list's count, so a re-run writes the same card
        card["source"] = MARK.sub("", card["source"]) + (
            f"; {total} pair{'s' if total != 1 else ''} corrected by tools/correct_seeds.py (tools/seed_corrections.json)")
        print(f"{program}: {fixed} replaced now, {total} corrected in all")
        if not args.dry_run:
            seed_cards.write_card(path, card)


if __name__ == "__main__":
    main()

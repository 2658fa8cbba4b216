"""What a person at a terminal waits for: a `progdb query` process, against a session.

    python bench/startup.py --db SEEDED [--rounds 3] [--pause 20]

Each round times, in turn: `python -c "import chromadb"` (the baseline: what any process that
opens the database pays first), `progdb query PROMPT` as a new process for each prompt, and one
session (`progdb query` on a pseudo-terminal) typed the same prompts, first at once and then again
after --pause seconds (a person reading the banner and typing; the session loads its models and
reads each program once meanwhile). Reported: medians, and the ratios to the baseline.
"""
from __future__ import annotations

import argparse
import os
import pty
import select
import statistics
import subprocess
import sys
import time
from pathlib import Path

PROGDB = str(Path(sys.executable).parent / "progdb")
PROMPTS = ["plural of mouse", "whats the capital of frnace", "past tense of go", "female lion",
           "rewrite this like a pirate: where is the station?", "what's the weather in Oslo"]


def wall(args: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
    return time.perf_counter() - start


def session(db: str, pause: float) -> list[float]:
    """Seconds from each prompt's Enter to the next "> ", in one session."""
    master, slave = pty.openpty()
    proc = subprocess.Popen([PROGDB, "--db", db, "query"], stdin=slave, stdout=slave, stderr=slave, close_fds=True,
                            env={**os.environ, "TERM": "xterm"})
    os.close(slave)
    screen = b""

    def wait_prompt(count: int) -> None:
        nonlocal screen
        while not (screen.count(b"\n> ") >= count and screen.endswith(b"\n> ")):
            if select.select([master], [], [], 120)[0]:
                screen += os.read(master, 65536)
            else:
                raise RuntimeError(screen.decode("utf-8", "replace")[-300:])

    wait_prompt(1)
    time.sleep(pause)
    times = []
    for n, prompt in enumerate(PROMPTS, 2):
        start = time.perf_counter()
        os.write(master, prompt.encode() + b"\n")
        wait_prompt(n)
        times.append(time.perf_counter() - start)
    os.write(master, b"\x04")
    proc.wait(timeout=60)
    os.close(master)
    return times


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--db", required=True, help="a seeded database (not created here: seeding is timed elsewhere)")
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--pause", type=float, default=20.0)
    args = ap.parse_args()
    os.environ["HF_HUB_OFFLINE"] = "1"
    base, process, at_once, after = [], [], [], []
    for _ in range(args.rounds):
        base.append(wall([sys.executable, "-c", "import chromadb"]))
        process += [wall([PROGDB, "--db", args.db, "query", p]) for p in PROMPTS]
        at_once += session(args.db, 0.0)
        after += session(args.db, args.pause)
    b = statistics.median(base)
    for name, xs in [("import chromadb (baseline)", base), ("progdb query PROMPT, a new process", process),
                     ("session, prompts typed at once", at_once),
                     (f"session, prompts typed after {args.pause:.0f} s", after)]:
        m = statistics.median(xs)
        print(f"{name}: median {m * 1000:.0f} ms, max {max(xs) * 1000:.0f} ms ({m / b:.2f}x the baseline)")


if __name__ == "__main__":
    main()

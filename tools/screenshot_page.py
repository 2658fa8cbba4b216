"""docs/serve-page.png: the page of `progdb serve` after a query, in headless Chromium; the page's tests use it too.

    HF_HUB_OFFLINE=1 .venv/bin/python tools/screenshot_page.py [--out docs/serve-page.png] [--prompt "plural of wolf"]

It serves a new seeded database in a temporary folder (a copy of the one seeded earlier on this
machine, when there is one) on a free loopback port, and drives Debian's Chromium
(/usr/bin/chromium) with Python playwright; nothing is downloaded.
"""
from __future__ import annotations

import argparse
import os
import socket
import sys
import tempfile
import threading
import time
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def serving(path: str, token: str | None = None):
    """`progdb serve` over the database at `path`, in this process (uvicorn on a thread, on a free
    loopback port): yields its base URL, and stops it after."""
    import uvicorn

    from progdb.db import ProgramDB
    from progdb.server.app import create_app
    from progdb.server.service import Service

    app = create_app(Service(ProgramDB(path=path)), token=token)
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=free_port(), log_level="warning"))
    thread = threading.Thread(target=server.run, name="progdb-serve", daemon=True)
    thread.start()
    deadline = time.monotonic() + 60
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("the server did not start")
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{server.config.port}"
    finally:
        server.should_exit = True
        thread.join(timeout=60)


def launch(playwright):
    """Debian's Chromium, headless, with everything that would reach the network turned off."""
    return playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)


def ask(page, prompt: str, timeout: float = 120_000) -> None:
    """Type a prompt, run it, and wait for its stages and for the map with the query on it."""
    page.fill("#prompt", prompt)
    page.click("#ask")
    page.wait_for_function("""prompt => {
        const map = document.getElementById('map');
        return !document.getElementById('stages').hidden && document.getElementById('read').textContent.includes(prompt)
            && map.alt.includes(prompt) && map.complete && map.naturalWidth > 0;
    }""", arg=prompt, timeout=timeout)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default=str(ROOT / "docs" / "serve-page.png"))
    parser.add_argument("--prompt", default="plural of wolf")
    parser.add_argument("--width", type=int, default=1280)
    args = parser.parse_args()
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")
    sys.path.insert(0, str(ROOT))
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as tmp, serving(str(Path(tmp) / "db")) as url, sync_playwright() as p:
        browser = launch(p)
        page = browser.new_page(viewport={"width": args.width, "height": 900})
        page.goto(url)
        ask(page, args.prompt)
        page.screenshot(path=args.out, full_page=True)
        browser.close()
    print(args.out)
    return 0


if __name__ == "__main__":
    sys.exit(main())

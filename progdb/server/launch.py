"""`progdb serve` in a subprocess on a free loopback port, started and waited for: what the tests and
bench/serve_load.py run against (a real server process, as a user starts it)."""
from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent.parent  # so the child imports this progdb, not another


class Served:
    """`progdb [db args] serve --port 0`, started and waited for; .url, .client(token), .stop(), .kill()."""

    def __init__(self, db_args: list[str], log: Path, env: dict | None = None, timeout: float = 180):
        self.log_path = log
        full_env = {**os.environ, "HF_HUB_OFFLINE": "1", "PYTHONPATH": str(ROOT), **(env or {})}
        self._log = open(log, "w")
        self.proc = subprocess.Popen([sys.executable, "-m", "progdb.cli", *db_args, "serve", "--port", "0"],
                                     stdout=self._log, stderr=subprocess.STDOUT, env=full_env, cwd=str(log.parent))
        deadline = time.monotonic() + timeout
        self.url = None
        while time.monotonic() < deadline:
            text = log.read_text()
            found = re.search(r"serving .* on (http://\S+)", text)
            if found:
                self.url = found.group(1)
                break
            if self.proc.poll() is not None:
                raise RuntimeError(f"progdb serve exited: {text[-2000:]}")
            time.sleep(0.2)
        if self.url is None:
            self.kill()
            raise RuntimeError(f"progdb serve did not start: {log.read_text()[-2000:]}")
        while time.monotonic() < deadline:
            try:
                if httpx.get(f"{self.url}/api/health", timeout=5).status_code == 200:
                    return
            except httpx.HTTPError:
                time.sleep(0.2)
        self.kill()
        raise RuntimeError("progdb serve does not answer /api/health")

    def client(self, token: str | None = None, timeout: float = 120) -> httpx.Client:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        return httpx.Client(base_url=self.url, headers=headers, timeout=timeout)

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=60)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self._log.close()

    def kill(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()
        self._log.close()

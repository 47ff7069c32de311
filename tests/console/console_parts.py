"""Real parts for the console tests: a hub process on 127.0.0.1 (SQLite), staff accounts made
with ``kiosk-hub staff add``, a kiosk enrolled to it in this test's KIOSK_HOME, kiosk processes,
and Debian's Chromium driven headless by Selenium (no browser download)."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import httpx

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "bench"))

from throwaway_pg import free_port, wait_for_port  # noqa: E402

PASSWORD = "counter-pass-1"
FAST = {
    "KIOSK_SYNC_BACKOFF_BASE": "0.05",
    "KIOSK_SYNC_BACKOFF_CAP": "0.3",
    "KIOSK_SYNC_TIMEOUT": "5",
}


class Hub:
    """``kiosk-hub serve`` as its own process, and its CLI."""

    def __init__(self, home: Path):
        self.home = home
        self.db = str(home / "hub.sqlite3")
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.proc: subprocess.Popen[bytes] | None = None

    def env(self) -> dict[str, str]:
        return {**os.environ, "KIOSK_HUB_HOME": str(self.home)}

    def cli(self, *args: str, stdin: str = "", expect: int = 0) -> dict[str, Any]:
        out = subprocess.run(
            [sys.executable, "-m", "kiosk_hub", *args, "--db", self.db, "--json"],
            env=self.env(),
            input=stdin,
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert out.returncode == expect, out.stderr
        return dict(json.loads(out.stdout)) if expect == 0 else {"stderr": out.stderr}

    def start(self) -> Hub:
        log = (self.home / "hub-stderr.log").open("ab")
        self.proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "kiosk_hub",
                "serve",
                "--db",
                self.db,
                "--port",
                str(self.port),
                "--allow-plain-http",
            ],
            env=self.env(),
            stderr=log,
        )
        log.close()
        wait_for_port(self.port)
        return self

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            self.proc.wait(10)

    def add_staff(self, user: str, point: str = "FT01", role: str = "counter") -> None:
        self.cli(
            "staff", "add", "--user", user, "--role", role, "--point", point, stdin=PASSWORD + "\n"
        )


def kiosk_process(code: str, timeout: float = 60) -> str:
    """Run ``code`` in a kiosk process of its own (this test's KIOSK_HOME); its stdout."""
    out = subprocess.run(
        [sys.executable, "-c", code],
        env={**os.environ, **FAST},
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    assert out.returncode == 0, out.stderr
    return out.stdout.strip()


def kiosk_cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "kiosk", *args],
        env={**os.environ, **FAST},
        capture_output=True,
        text=True,
        timeout=120,
    )


def signed_in_client(hub: Hub, user: str = "lin", password: str = PASSWORD) -> httpx.Client:
    """An HTTP client signed in as a browser would be (CSRF token from the form)."""
    client = httpx.Client(base_url=hub.url, timeout=10)
    page = client.get("/console/")
    csrf = re.search(r'name="csrf" value="([^"]+)"', page.text)
    assert csrf is not None
    answer = client.post(
        "/console/sign-in", data={"user": user, "password": password, "csrf": csrf.group(1)}
    )
    assert answer.status_code == 303, answer.text
    return client


def csrf_of(html: str) -> str:
    found = re.search(r'name="csrf" value="([^"]+)"', html)
    assert found is not None
    return found.group(1)

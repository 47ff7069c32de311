"""Real parts for the upgrade and backup tests: a release's code run as its own processes (the
0.1.0 wheel from releases/, or the current checkout), hub processes on 127.0.0.1, and reads of the
kiosk's files as an outsider would make them.

A released version runs from a folder made by ``pip install --no-deps --target DIR`` on its wheel
(the current .venv holds every dependency 0.1.0 needs), with its resources unpacked beside it and
the fonts scripts/setup built linked in; ``PYTHONPATH=DIR`` and the folder as working directory put
its ``kiosk`` and ``kiosk_hub`` ahead of the checkout's editable install.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import socket
import subprocess
import sys
import tarfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[2]
RELEASES = REPO / "releases"
sys.path.insert(0, str(REPO / "bench"))  # the throwaway cluster and port helpers, shared

from common_parts import FAST_SYNC  # noqa: E402
from common_parts import until as common_until  # noqa: E402
from throwaway_pg import PostgresCluster, free_port  # noqa: E402,F401

FAST = FAST_SYNC


def until(predicate: Any, timeout: float = 60.0) -> None:
    common_until(predicate, timeout, interval=0.1)  # released code runs as slower processes


def install_release(version: str, target: Path) -> Path:
    """Install release ``version`` from releases/ into ``target``; the folder to run it from."""
    wheel = RELEASES / f"sz_residence_kiosk-{version}-py3-none-any.whl"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "--quiet",
            "--no-deps",
            "--no-index",
            "--disable-pip-version-check",
            "--target",
            str(target),
            str(wheel),
        ],
        check=True,
        capture_output=True,
    )
    with tarfile.open(RELEASES / f"sz_residence_kiosk-{version}-resources.tar.gz") as tar:
        if hasattr(tarfile, "data_filter"):  # PEP 706 (3.11.4+; Debian backports it)
            tar.extractall(target, filter="data")
        else:  # our own archive, from releases/
            tar.extractall(target)
    fonts = target / "resources" / "fonts"
    for font in (REPO / "resources" / "fonts").glob("*.ttf"):  # built by scripts/setup
        (fonts / font.name).symlink_to(font)
    return target


@dataclass
class Release:
    """One version of the code, run as separate processes on the folders given in ``env``."""

    name: str
    folder: Path | None  # None: the current checkout
    env: dict[str, str] = field(default_factory=dict)

    def process_env(self, extra: dict[str, str] | None = None) -> dict[str, str]:
        base = {k: v for k, v in os.environ.items() if not k.startswith("KIOSK_")}
        base.pop("PYTHONPATH", None)
        if self.folder is not None:
            base["PYTHONPATH"] = str(self.folder)
        return {**base, **FAST, **self.env, **(extra or {})}

    def argv(self, module: str, *args: str) -> list[str]:
        return [sys.executable, "-m", module, *args]

    def run(
        self, module: str, *args: str, stdin: str | None = None, timeout: float = 120
    ) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            self.argv(module, *args),
            cwd=self.folder or REPO,
            env=self.process_env(),
            input=stdin,
            capture_output=True,
            text=True,
            timeout=timeout,
        )

    def json(self, module: str, *args: str, stdin: str | None = None, ok: bool = True) -> Any:
        """Run a subcommand with ``--json``; its answer (asserting exit 0 unless ``ok=False``)."""
        out = self.run(module, *args, "--json", stdin=stdin)
        if ok:
            assert out.returncode == 0, f"{self.name} {module} {args}: {out.stderr}{out.stdout}"
        return json.loads(out.stdout)

    def kiosk(self, *args: str, **kw: Any) -> Any:
        return self.json("kiosk", *args, **kw)

    def hub(self, *args: str, **kw: Any) -> Any:
        return self.json("kiosk_hub", *args, **kw)

    def popen(self, module: str, *args: str, log: Path | None = None) -> subprocess.Popen[bytes]:
        """A long-running process; its stderr goes to ``log`` (default: nowhere)."""
        with contextlib.ExitStack() as stack:
            err = stack.enter_context(log.open("ab")) if log else subprocess.DEVNULL
            return subprocess.Popen(
                self.argv(module, *args),
                cwd=self.folder or REPO,
                env=self.process_env(),
                stdout=subprocess.DEVNULL,
                stderr=err,
            )


@dataclass
class HubServer:
    """``kiosk-hub serve`` of one release on a fixed port (the same address across versions)."""

    release: Release
    db_url: str
    port: int
    extra: tuple[str, ...] = ()
    proc: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> HubServer:
        log = Path(self.release.env["KIOSK_HUB_HOME"]) / f"serve-{self.release.name}.log"
        self.proc = self.release.popen(
            "kiosk_hub", "serve", "--db", self.db_url, "--port", str(self.port), *self.extra,
            log=log,
        )  # fmt: skip
        deadline = time.monotonic() + 30
        while True:
            if self.proc.poll() is not None:
                raise AssertionError(f"{self.release.name} hub exited: {log.read_text()}")
            with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", self.port)):
                return self
            if time.monotonic() > deadline:
                raise TimeoutError("hub did not start")
            time.sleep(0.05)

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(5)


def exported(release: Release, db_url: str, out: Path) -> list[dict[str, Any]]:
    """Every application the hub holds, decrypted by its own ``export`` command."""
    release.hub("export", "--db", db_url, "--out", str(out))
    return [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]


def is_plain_sqlite(path: Path) -> bool:
    """Whether anyone can read the file as SQLite (no encryption at rest)."""
    with path.open("rb") as fh:
        return fh.read(16) == b"SQLite format 3\x00"

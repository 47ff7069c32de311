"""Real parts for the sync tests (the fixtures are in conftest.py): hub processes on 127.0.0.1,
the throwaway PostgreSQL cluster, and the exactly-once check against the hub. A module name of its
own: ``conftest`` is taken by whichever test folder is collected first."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import uuid as uuidlib
from pathlib import Path
from typing import Any

from common_parts import FAST_SYNC, until  # noqa: F401  (until: for the tests)
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from kiosk.config import Config
from kiosk.storage.models import OutboxEntry
from kiosk.sync import enrolment

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "bench"))  # the throwaway cluster is shared with the bench

from throwaway_pg import PostgresCluster, free_port, wait_for_port  # noqa: E402,F401

FAST = FAST_SYNC


# -- the hub as a real process --------------------------------------------------------------
class HubProcess:
    def __init__(
        self, db_url: str, home: Path, port: int | None = None, extra: list[str] | None = None
    ):
        self.db_url, self.home = db_url, home
        self.port = port or free_port()
        self.extra = extra or []
        self.proc: subprocess.Popen[bytes] | None = None
        self.scheme = "https" if "--tls-cert" in self.extra else "http"
        if self.scheme == "http":  # tests enrol on 127.0.0.1 without TLS: both sides must agree
            self.extra.append("--allow-plain-http")
        self.log = home / "hub-stderr.log"  # refusals are logged here (uuid and kiosk id only)

    @property
    def url(self) -> str:
        return f"{self.scheme}://127.0.0.1:{self.port}"

    def env(self) -> dict[str, str]:
        return {**os.environ, "KIOSK_HUB_HOME": str(self.home)}

    def cli_raw(self, *args: str) -> subprocess.CompletedProcess[str]:
        """Run a ``kiosk-hub`` subcommand as its own process (``--json``), whatever its exit."""
        return subprocess.run(
            [sys.executable, "-m", "kiosk_hub", *args, "--db", self.db_url, "--json"],
            env=self.env(),
            capture_output=True,
            text=True,
            timeout=60,
        )

    def cli(self, *args: str) -> dict[str, Any]:
        """Run a ``kiosk-hub`` subcommand as its own process; its JSON answer."""
        out = self.cli_raw(*args)
        assert out.returncode == 0, out.stderr
        return dict(json.loads(out.stdout))

    def start(self) -> HubProcess:
        with self.log.open("ab") as log:  # the child keeps its own copy of the descriptor
            self.proc = self._spawn(log)
        wait_for_port(self.port)
        return self

    def _spawn(self, log: Any) -> subprocess.Popen[bytes]:
        return subprocess.Popen(
            [
                sys.executable,
                "-m",
                "kiosk_hub",
                "serve",
                "--db",
                self.db_url,
                "--port",
                str(self.port),
                *self.extra,
            ],
            env=self.env(),
            stderr=log,
        )

    def kill(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGKILL)
            self.proc.wait(10)

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.kill()


def enrol_kiosk(
    hub: HubProcess, config: Config, kiosk_id: str = "K07", url: str | None = None
) -> enrolment.Enrolment:
    code = hub.cli("enrol", "--kiosk-id", kiosk_id)["code"]
    url = url or hub.url
    return enrolment.enrol(url, code, config, allow_plain_http=url.startswith("http://"))


# -- the invariant --------------------------------------------------------------------------
def hub_items(hub: HubProcess) -> list[dict[str, Any]]:
    """Every application the hub holds, decrypted by the hub's own export command."""
    out = hub.home / f"export-{uuidlib.uuid4().hex[:6]}.jsonl"
    hub.cli("export", "--out", str(out))
    return [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]


def assert_exactly_once(
    hub: HubProcess, submitted: dict[str, dict[str, Any]], factory: sessionmaker[Session]
) -> None:
    """Every submitted application is at the hub once, decrypts to what was submitted, and the
    kiosk has it acknowledged."""
    lines = hub_items(hub)
    uuids = [line["uuid"] for line in lines]
    assert len(uuids) == len(set(uuids)), "an application is at the hub twice"
    assert set(uuids) == set(submitted), (
        f"missing {set(submitted) - set(uuids)}, extra {set(uuids) - set(submitted)}"
    )
    for line in lines:
        assert line["application"] == submitted[line["uuid"]]
    assert hub.cli("count")["applications"] == len(submitted)
    with factory() as session:
        states = {u: s for u, s in session.execute(select(OutboxEntry.uuid, OutboxEntry.state))}
    assert all(states[u] == "acknowledged" for u in submitted), states


def submit_some(
    factory: sessionmaker[Session], config: Config, n: int, seed: int = 1
) -> dict[str, dict[str, Any]]:
    import random

    from kiosk.domain.rules import RuleBook
    from kiosk.services.submit import submit_application
    from kiosk.sync import enrolment
    from kiosk.sync.demo_applications import made_up_application, sample_photo

    rng, photo = random.Random(seed), sample_photo()
    rules, enrolled = RuleBook.load(), enrolment.load()
    out: dict[str, dict[str, Any]] = {}
    for _ in range(n):
        app = submit_application(
            factory, made_up_application(rng, photo=photo), config, rules=rules, enrolled=enrolled
        ).application
        out[app.uuid] = app.as_json()
    return out


def kiosk_cli(
    *args: str, env_extra: dict[str, str] | None = None, timeout: float = 60
) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, **FAST, **(env_extra or {})}
    return subprocess.run(
        [sys.executable, "-m", "kiosk", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def kiosk_worker(env_extra: dict[str, str] | None = None) -> subprocess.Popen[bytes]:
    env = {**os.environ, **FAST, **(env_extra or {})}
    return subprocess.Popen(
        [sys.executable, "-m", "kiosk", "sync", "run"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )

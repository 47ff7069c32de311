"""Real parts for the sync tests: hub processes on 127.0.0.1, a throwaway PostgreSQL cluster
started here, a fault-injecting HTTP proxy, and the exactly-once check against the hub."""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import uuid as uuidlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from faultproxy import FaultProxy
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from kiosk.config import Config
from kiosk.storage.db import open_database
from kiosk.storage.models import OutboxEntry
from kiosk.sync import enrolment

PG_BIN = Path("/usr/lib/postgresql/15/bin")
REPO = Path(__file__).resolve().parents[2]
# Fast retries for tests: the product defaults are seconds to minutes.
FAST = {
    "KIOSK_SYNC_BACKOFF_BASE": "0.05",
    "KIOSK_SYNC_BACKOFF_CAP": "0.3",
    "KIOSK_SYNC_IDLE_POLL": "0.1",
    "KIOSK_SYNC_LEASE_SECONDS": "30",
    "KIOSK_SYNC_TIMEOUT": "5",
}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_for_port(port: int, timeout: float = 20.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with (
            contextlib.suppress(OSError),
            socket.create_connection(("127.0.0.1", port), timeout=0.2),
        ):
            return
        time.sleep(0.05)
    raise TimeoutError(f"nothing listening on {port}")


# -- PostgreSQL: one throwaway cluster per test session, one database per test ---------------
class PostgresCluster:
    def __init__(self) -> None:
        self.root = Path(tempfile.mkdtemp(prefix="kiosk-pg-", dir="/tmp"))
        self.port = free_port()
        self.as_root = os.geteuid() == 0
        self.proc: subprocess.Popen[bytes] | None = None

    def _run_as(self, argv: list[str]) -> list[str]:
        return ["runuser", "-u", "postgres", "--", *argv] if self.as_root else argv

    def start(self) -> None:
        data = self.root / "data"
        if self.as_root:
            shutil.chown(self.root, "postgres", "postgres")
        subprocess.run(
            self._run_as(
                [
                    str(PG_BIN / "initdb"),
                    "-D",
                    str(data),
                    "-U",
                    "postgres",
                    "--auth=trust",
                    "-E",
                    "UTF8",
                    "--no-sync",
                ]
            ),
            check=True,
            capture_output=True,
        )
        self.proc = subprocess.Popen(
            self._run_as(
                [
                    str(PG_BIN / "postgres"),
                    "-D",
                    str(data),
                    "-p",
                    str(self.port),
                    "-k",
                    str(self.root),
                    "-c",
                    "listen_addresses=127.0.0.1",
                    "-c",
                    "fsync=off",
                    "-c",
                    "max_connections=100",
                ]
            ),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        wait_for_port(self.port)
        deadline = time.monotonic() + 20
        while True:  # the port opens before the server accepts logins
            try:
                self.admin("SELECT 1")
                break
            except Exception:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.1)

    def admin(self, sql: str) -> None:
        import psycopg

        with psycopg.connect(
            f"postgresql://postgres@127.0.0.1:{self.port}/postgres", autocommit=True
        ) as conn:
            conn.execute(sql)  # type: ignore[arg-type]

    def new_database(self) -> str:
        name = "hub_" + uuidlib.uuid4().hex[:12]
        self.admin(f"CREATE DATABASE {name}")
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/{name}"

    def stop(self) -> None:
        if self.proc is not None:
            # runuser does not pass signals on: ask pg_ctl, then reap runuser
            subprocess.run(
                self._run_as(
                    [
                        str(PG_BIN / "pg_ctl"),
                        "stop",
                        "-m",
                        "immediate",
                        "-D",
                        str(self.root / "data"),
                    ]
                ),
                capture_output=True,
                timeout=30,
            )
            try:
                self.proc.wait(15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(5)
        shutil.rmtree(self.root, ignore_errors=True)


@pytest.fixture(scope="session")
def postgres() -> Iterator[PostgresCluster]:
    cluster = PostgresCluster()
    cluster.start()
    yield cluster
    cluster.stop()


@pytest.fixture(params=["sqlite", "postgres"])
def hub_db(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """The hub's database URL: a SQLite file, or a fresh database in the throwaway cluster."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'hub.sqlite3'}"
    cluster: PostgresCluster = request.getfixturevalue("postgres")
    return cluster.new_database()


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

    @property
    def url(self) -> str:
        return f"{self.scheme}://127.0.0.1:{self.port}"

    def env(self) -> dict[str, str]:
        return {**os.environ, "KIOSK_HUB_HOME": str(self.home)}

    def cli(self, *args: str) -> dict[str, Any]:
        """Run a ``kiosk-hub`` subcommand as its own process; its JSON answer."""
        out = subprocess.run(
            [sys.executable, "-m", "kiosk_hub", *args, "--db", self.db_url, "--json"],
            env=self.env(),
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert out.returncode == 0, out.stderr
        return dict(json.loads(out.stdout))

    def start(self) -> HubProcess:
        self.proc = subprocess.Popen(
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
        )
        wait_for_port(self.port)
        return self

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


@pytest.fixture
def hub_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    home = tmp_path / "hub-home"
    home.mkdir()
    monkeypatch.setenv("KIOSK_HUB_HOME", str(home))
    return home


@pytest.fixture
def hub(hub_db: str, hub_home: Path) -> Iterator[HubProcess]:
    process = HubProcess(hub_db, hub_home).start()
    yield process
    process.stop()


@pytest.fixture
def fast_sync(monkeypatch: pytest.MonkeyPatch) -> Config:
    for key, value in FAST.items():
        monkeypatch.setenv(key, value)
    return Config.load()


@pytest.fixture
def kiosk_db() -> sessionmaker[Session]:
    return open_database()


def enrol_kiosk(
    hub: HubProcess, config: Config, kiosk_id: str = "K07", url: str | None = None
) -> enrolment.Enrolment:
    code = hub.cli("enrol", "--kiosk-id", kiosk_id)["code"]
    return enrolment.enrol(url or hub.url, code, config)


@pytest.fixture
def enrolled(hub: HubProcess, fast_sync: Config) -> enrolment.Enrolment:
    return enrol_kiosk(hub, fast_sync)


@pytest.fixture
def proxy(hub: HubProcess) -> Iterator[FaultProxy]:
    p = FaultProxy(hub.port)
    yield p
    p.close()


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

    from kiosk.sync.demo_applications import made_up_application, sample_photo
    from kiosk.sync.submission import submit_application

    rng, photo = random.Random(seed), sample_photo()
    out: dict[str, dict[str, Any]] = {}
    for _ in range(n):
        app = submit_application(factory, made_up_application(rng, photo=photo), config)
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


def until(predicate: Any, timeout: float = 30.0, interval: float = 0.05) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise TimeoutError("condition not reached in time")
        time.sleep(interval)

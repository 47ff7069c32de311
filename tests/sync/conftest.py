"""Fixtures for the sync tests: hub processes on 127.0.0.1, a throwaway PostgreSQL cluster
started here, a fault-injecting HTTP proxy (helpers in sync_parts.py)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from faultproxy import FaultProxy
from sqlalchemy.orm import Session, sessionmaker
from sync_parts import FAST, HubProcess, PostgresCluster, enrol_kiosk

from kiosk.config import Config
from kiosk.storage.db import open_database
from kiosk.sync import enrolment


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


@pytest.fixture
def enrolled(hub: HubProcess, fast_sync: Config) -> enrolment.Enrolment:
    return enrol_kiosk(hub, fast_sync)


@pytest.fixture
def proxy(hub: HubProcess) -> Iterator[FaultProxy]:
    p = FaultProxy(hub.port)
    yield p
    p.close()

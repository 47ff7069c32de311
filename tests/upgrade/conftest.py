"""Fixtures for the upgrade and backup tests: release 0.1.0 installed from releases/, the current
code, and hub databases on SQLite and on a throwaway PostgreSQL cluster (bench/throwaway_pg.py,
as tests/sync uses)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from upgrade_parts import PostgresCluster, Release, install_release


@pytest.fixture(scope="session")
def release_010_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return install_release("0.1.0", tmp_path_factory.mktemp("release-0.1.0"))


@pytest.fixture
def folders(tmp_path: Path) -> dict[str, str]:
    """One field office's folders: the kiosk's data folder and the hub's home."""
    kiosk, hub = tmp_path / "kiosk-home", tmp_path / "hub-home"
    kiosk.mkdir(exist_ok=True)
    hub.mkdir(exist_ok=True)
    return {"KIOSK_HOME": str(kiosk), "KIOSK_HUB_HOME": str(hub)}


@pytest.fixture
def release_010(release_010_folder: Path, folders: dict[str, str]) -> Release:
    return Release("0.1.0", release_010_folder, dict(folders))


@pytest.fixture
def current(folders: dict[str, str]) -> Release:
    return Release("current", None, dict(folders))


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
    return str(cluster.new_database())

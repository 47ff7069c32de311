"""A hub is backed up while it serves, then restored on a "new server" (new database, new hub home):
it serves the same counts and the same export, and the kiosk carries on with it."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest
from upgrade_parts import HubServer, Release, exported, free_port

pytestmark = pytest.mark.slow  # real processes, one release after another

PLAIN_HTTP = "--allow-plain-http"


def _new_database(hub_db: str, tmp_path: Path, request: pytest.FixtureRequest) -> str:
    """Where the moved hub keeps its data: another SQLite file, or another PostgreSQL database."""
    if hub_db.startswith("sqlite"):
        return f"sqlite:///{tmp_path / 'new-server' / 'hub.sqlite3'}"
    return str(request.getfixturevalue("postgres").new_database())


def test_hub_backup_and_restore_serves_the_same(
    hub_db: str, current: Release, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    old = HubServer(current, hub_db, free_port(), (PLAIN_HTTP, "--accept-demo")).start()
    try:
        code = current.hub("enrol", "--db", hub_db, "--kiosk-id", "K07")["code"]
        current.kiosk("sync", "enrol", "--hub", old.url, "--code", code, PLAIN_HTTP)
        current.kiosk("demo-data", "--count", "4", "--seed", "1", "--to-enrolled-hub")
        assert current.kiosk("sync", "run", "--once")["sent"] == 4
        backup = current.hub("backup", "--db", hub_db, "--to", str(tmp_path / "hub-backups"))
        assert backup["applications"] == 4
        counts = current.hub("count", "--db", hub_db)
        lines = exported(current, hub_db, tmp_path / "before.jsonl")
    finally:
        old.stop()

    (tmp_path / "new-server").mkdir()
    new_db = _new_database(hub_db, tmp_path, request)
    new_home = {**current.env, "KIOSK_HUB_HOME": str(tmp_path / "new-server" / "home")}
    moved = dataclasses.replace(current, env=new_home)
    restored = moved.hub("restore", "--db", new_db, backup["path"])
    assert (restored["applications"], restored["state"]) == (4, "up_to_date")
    again = moved.run("kiosk_hub", "restore", "--db", new_db, backup["path"], "--json")
    assert again.returncode == 1 and "already holds a key pair" in again.stdout
    other_home = dataclasses.replace(
        moved, env={**new_home, "KIOSK_HUB_HOME": str(tmp_path / "h3")}
    )
    again = other_home.run("kiosk_hub", "restore", "--db", new_db, backup["path"], "--json")
    assert again.returncode == 1 and "not empty" in again.stdout

    assert moved.hub("count", "--db", new_db) == counts
    assert exported(moved, new_db, tmp_path / "after.jsonl") == lines
    # the kiosk follows the hub to its new address (hub.url) and keeps sending: same keys, same
    # enrolment, nothing re-keyed by hand
    new = HubServer(moved, new_db, free_port(), ("--accept-demo",)).start()
    try:
        kiosk = dataclasses.replace(current, env={**current.env, "KIOSK_HUB_URL": new.url})
        kiosk.kiosk("demo-data", "--count", "2", "--seed", "2", "--to-enrolled-hub")
        assert kiosk.kiosk("sync", "run", "--once")["sent"] == 2
        assert moved.hub("count", "--db", new_db)["applications"] == 6
    finally:
        new.stop()

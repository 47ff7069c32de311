"""The database: pragmas, migrations both ways, refusing a newer schema, numbers, audit chain."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from alembic.script import ScriptDirectory
from sqlalchemy import text

from kiosk.storage import audit, db, numbering
from kiosk.storage.db import connect_raw as db_connect_raw


def test_connection_settings(tmp_path: Path) -> None:
    engine = db.make_engine(tmp_path / "k.sqlite3")
    with engine.connect() as conn:
        assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert conn.execute(text("PRAGMA foreign_keys")).scalar() == 1
        assert conn.execute(text("PRAGMA synchronous")).scalar() == 2  # FULL


def test_upgrade_downgrade_upgrade(tmp_path: Path) -> None:
    engine = db.make_engine(tmp_path / "k.sqlite3")
    db.upgrade(engine)
    assert db.check(engine)["state"] == "up_to_date"
    db.downgrade(engine, "base")
    with engine.connect() as conn:
        tables = {
            r[0] for r in conn.execute(text("SELECT name FROM sqlite_master WHERE type='table'"))
        }
    assert tables <= {"alembic_version"}
    db.upgrade(engine)
    assert db.check(engine)["state"] == "up_to_date"


def _revisions(engine) -> list[str]:  # type: ignore[no-untyped-def]
    script = ScriptDirectory.from_config(db.alembic_config(engine))
    return [r.revision for r in reversed(list(script.walk_revisions()))]


def test_every_revision_upgrades_with_rows_intact(tmp_path: Path) -> None:
    """A database left at each earlier revision, with rows in it, upgrades to head keeping them."""
    probe = db.make_engine(tmp_path / "probe.sqlite3")
    revisions = _revisions(probe)
    assert revisions[0] == "0001"
    for rev in revisions:
        path = tmp_path / f"at-{rev}.sqlite3"
        engine = db.make_engine(path)
        db.upgrade(engine, rev)
        with engine.begin() as conn:
            conn.execute(
                text(
                    "INSERT INTO applications (uuid, application_number, queue_number, queue_day, service,"
                    " status, acceptance_point, kiosk_id, id_last4, photo_number, demo, created_at, updated_at)"
                    " VALUES ('u-1', 'FT01-K01-20261126-0001', 'FT01-K01-001', '2026-11-26', 'renewal',"
                    " 'submitted', 'FT01', 'K01', '1528', 'P123', 0, '2026-11-26 01:00:00', '2026-11-26 01:00:00')"
                )
            )
            conn.execute(
                text(
                    "INSERT INTO audit_events (id, at, actor, action, subject, detail, prev_hash, hash)"
                    " VALUES (1, '2026-11-26 01:00:00', 'kiosk', 'submit', 'FT01-K01-20261126-0001', NULL, :p, 'h1')"
                ),
                {"p": "0" * 64},
            )
        db.upgrade(engine)
        assert db.check(engine)["state"] == "up_to_date"
        with engine.connect() as conn:
            row = conn.execute(
                text("SELECT application_number, status, id_last4 FROM applications")
            ).one()
            assert tuple(row) == ("FT01-K01-20261126-0001", "submitted", "1528")
            assert conn.execute(text("SELECT count(*) FROM audit_events")).scalar() == 1


def test_refuses_a_schema_newer_than_it_knows(tmp_path: Path) -> None:
    path = tmp_path / "k.sqlite3"
    engine = db.make_engine(path)
    db.upgrade(engine)
    with db_connect_raw(path) as raw:
        raw.execute("UPDATE alembic_version SET version_num = '9999_from_the_future'")
    assert db.check(engine)["state"] == "too_new"
    with pytest.raises(db.SchemaTooNewError, match="newer than this kiosk knows"):
        db.open_database(path)


def test_numbers_carry_point_kiosk_and_day(tmp_path: Path) -> None:
    sessions = db.open_database(tmp_path / "k.sqlite3")
    day = dt.date(2026, 11, 26)
    with sessions.begin() as session:
        first = numbering.allocate(session, "FT01", "K01", day)
        second = numbering.allocate(session, "FT01", "K01", day)
    with sessions.begin() as session:
        next_day = numbering.allocate(session, "FT01", "K01", day + dt.timedelta(days=1))
    assert first == ("FT01-K01-20261126-0001", "A001")
    assert second == ("FT01-K01-20261126-0002", "A002")
    with sessions.begin() as session:  # another kiosk at the point: its own letter
        assert numbering.allocate(session, "FT01", "K02", day, "B")[1] == "B003"
    assert next_day[0] == "FT01-K01-20261127-0001"
    assert numbering.APPLICATION_NUMBER.match(first[0])


def test_rolled_back_allocation_is_not_kept(tmp_path: Path) -> None:
    sessions = db.open_database(tmp_path / "k.sqlite3")
    day = dt.date(2026, 11, 26)
    with pytest.raises(RuntimeError), sessions.begin() as session:
        numbering.allocate(session, "FT01", "K01", day)
        raise RuntimeError("submission failed")
    with sessions.begin() as session:
        assert numbering.allocate(session, "FT01", "K01", day)[1] == "A001"


def test_audit_chain_detects_an_edit(tmp_path: Path) -> None:
    path = tmp_path / "k.sqlite3"
    sessions = db.open_database(path)
    with sessions.begin() as session:
        for i in range(5):
            audit.append(session, "staff:wang", "approve", subject=f"FT01-K01-20261126-000{i}")
    with sessions() as session:
        assert audit.verify(session).as_json() == {"ok": True, "entries": 5, "first_bad": None}
    with db_connect_raw(path) as raw:
        raw.execute("UPDATE audit_events SET action = 'reject' WHERE id = 3")
    with sessions() as session:
        assert audit.verify(session).as_json() == {"ok": False, "entries": 3, "first_bad": 3}


def test_migrations_build_exactly_the_models(tmp_path: Path) -> None:
    """A model change without its migration fails here, not on a field kiosk's database."""
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    from kiosk.storage.models import Base

    engine = db.make_engine(tmp_path / "k.sqlite3")
    db.upgrade(engine)
    with engine.connect() as conn:
        assert compare_metadata(MigrationContext.configure(conn), Base.metadata) == []

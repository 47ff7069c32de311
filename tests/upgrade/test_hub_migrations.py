"""The hub's schema under Alembic, on SQLite and on the throwaway PostgreSQL: the models are what
the migrations make, migrations go up, down and up again, a 0.1.0 database is taken over as it
is, and the hub refuses a database behind or ahead of its code with a one-line message."""

from __future__ import annotations

from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect, text
from upgrade_parts import Release, free_port

from kiosk_hub import schema, store
from kiosk_hub.models import Base


def _diff(url: str) -> list[object]:
    engine = store.make_engine(url)
    try:
        with engine.connect() as conn:
            return list(compare_metadata(MigrationContext.configure(conn), Base.metadata))
    finally:
        engine.dispose()


def test_models_equal_the_migration_head(hub_db: str) -> None:
    engine = store.make_engine(hub_db)
    schema.upgrade(engine)
    engine.dispose()
    assert _diff(hub_db) == [], "kiosk_hub/models.py changed: add a migration for it"


def test_migrations_up_down_up(hub_db: str) -> None:
    engine = store.make_engine(hub_db)
    try:
        schema.upgrade(engine)
        assert schema.check(engine)["state"] == "up_to_date"
        assert "version" in {c["name"] for c in inspect(engine).get_columns("kiosks")}
        schema.downgrade(engine, "base")
        assert set(inspect(engine).get_table_names()) <= {"alembic_version"}
        assert schema.check(engine)["state"] == "behind"
        schema.upgrade(engine)
        assert schema.check(engine) == {
            "current": schema.head_revision(engine),
            "head": schema.head_revision(engine),
            "state": "up_to_date",
        }
    finally:
        engine.dispose()
    assert _diff(hub_db) == []


def test_010_database_is_refused_then_taken_over(
    hub_db: str, release_010: Release, current: Release
) -> None:
    code = release_010.hub("enrol", "--db", hub_db, "--kiosk-id", "K07")["code"]  # create_all
    # the current hub refuses it, in one line, without touching it
    for argv in (("serve", "--port", str(free_port())), ("count", "--json")):
        refused = current.run("kiosk_hub", *argv, "--db", hub_db)
        assert refused.returncode == 1, refused.stderr
        assert refused.stderr.count("\n") == 1 and "Traceback" not in refused.stderr
        assert "kiosk-hub db upgrade" in refused.stderr
    behind = current.run("kiosk_hub", "db", "check", "--db", hub_db, "--json")
    assert behind.returncode == 1 and '"state": "behind"' in behind.stdout
    assert '"current": "0.1.0"' in behind.stdout

    upgraded = current.hub("db", "upgrade", "--db", hub_db)
    assert upgraded["from"] == "0.1.0" and upgraded["state"] == "up_to_date"
    assert current.hub("db", "check", "--db", hub_db)["ok"] is True
    assert _diff(hub_db) == []
    # the 0.1.0 rows are still there: the code it issued still redeems once
    engine = store.make_engine(hub_db)
    with engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM enrolment_codes")).scalar_one() == 1
    engine.dispose()
    assert len(code) == 14
    assert current.hub("count", "--db", hub_db)["applications"] == 0


@pytest.mark.parametrize("hub_db", ["sqlite"], indirect=True)
def test_database_ahead_of_the_code_is_refused(hub_db: str, current: Release) -> None:
    assert current.hub("db", "upgrade", "--db", hub_db)["ok"] is True
    engine = store.make_engine(hub_db)
    with engine.begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = 'h9999'"))
    engine.dispose()
    refused = current.run("kiosk_hub", "serve", "--db", hub_db, "--port", str(free_port()))
    assert refused.returncode == 1
    assert refused.stderr.count("\n") == 1 and "newer than this kiosk-hub" in refused.stderr
    for verb in ("check", "upgrade"):
        answer = current.run("kiosk_hub", "db", verb, "--db", hub_db, "--json")
        assert answer.returncode == 1 and '"ok": false' in answer.stdout


def test_version_flags(current: Release) -> None:
    from kiosk import __version__

    assert current.run("kiosk", "--version").stdout.strip() == f"kiosk {__version__}"
    assert current.run("kiosk_hub", "--version").stdout.strip() == f"kiosk-hub {__version__}"
    assert Path(schema.MIGRATIONS, "versions").is_dir()


def test_hub_processes_starting_together_on_an_empty_database(
    hub_db: str, current: Release
) -> None:
    """Four processes migrate one empty database at once: all succeed, none sees half a schema."""
    import subprocess

    procs = [
        subprocess.Popen(
            current.argv("kiosk_hub", "db", "upgrade", "--db", hub_db, "--json"),
            env=current.process_env(),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(4)
    ]
    outcomes = [(p.wait(120), *p.communicate()) for p in procs]
    assert [code for code, _out, _err in outcomes] == [0, 0, 0, 0], outcomes
    assert current.hub("db", "check", "--db", hub_db)["state"] == "up_to_date"
    assert _diff(hub_db) == []

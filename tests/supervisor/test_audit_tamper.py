"""`kiosk audit verify` on a real SQLite file that is edited, cut and reordered behind the kiosk's back."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy.orm import Session, sessionmaker
from supervisor_helpers import STAFF_PIN, SubmitMany

from kiosk import paths
from kiosk.cli import main
from kiosk.domain.rules import RuleBook
from kiosk.services import decisions, staff
from kiosk.storage import audit
from kiosk.storage.db import connect_raw as db_connect_raw
from kiosk.storage.db import database_key, open_database
from kiosk.sync.crypto import demo_recipient


@pytest.fixture
def audited_db(factory: sessionmaker[Session], accounts: dict, submit_many: SubmitMany) -> Path:
    """A database whose audit log holds real entries: staff added, submissions, logins, a decision."""
    submit_many(2)
    with factory.begin() as session:
        staff.authenticate(session, "wang", STAFF_PIN, 15)
        staff.authenticate(session, "wang", "000000", 15)
        decisions.decide(
            session,
            "staff:wang",
            1,
            "approve",
            rules=RuleBook.load(),
            recipient=demo_recipient(),
        )
    with factory() as session:
        assert audit.verify(session).as_json() == {"ok": True, "entries": 7, "first_bad": None}
    factory.kw["bind"].dispose()  # close pooled connections so the file can be copied whole
    return paths.database_file()


def _verify(db: Path, capsys: pytest.CaptureFixture[str]) -> tuple[int, dict]:
    code = main(["audit", "verify", "--db", str(db), "--json"])
    return code, json.loads(capsys.readouterr().out)


def _tampered(source: Path, tmp_path: Path, name: str, *sql: str) -> Path:
    copy = tmp_path / f"{name}.sqlite3"
    shutil.copy(source, copy)
    for suffix in ("-wal", "-shm"):
        if Path(str(source) + suffix).exists():
            shutil.copy(str(source) + suffix, str(copy) + suffix)
    with db_connect_raw(copy) as conn:
        for statement in sql:
            conn.execute(statement)
    return copy


def test_intact_chain_verifies(audited_db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert _verify(audited_db, capsys) == (0, {"ok": True, "entries": 7, "first_bad": None})


def test_edited_entry_is_caught_at_that_entry(
    audited_db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = _tampered(
        audited_db, tmp_path, "edited", "UPDATE audit_events SET actor = 'staff:li' WHERE id = 5"
    )
    assert _verify(db, capsys) == (1, {"ok": False, "entries": 5, "first_bad": 5})


def test_edited_timestamp_is_caught(
    audited_db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = _tampered(
        audited_db,
        tmp_path,
        "moved",
        "UPDATE audit_events SET at = '2020-01-01 00:00:00' WHERE id = 2",
    )
    assert _verify(db, capsys)[1]["first_bad"] == 2


def test_edit_with_recomputed_hash_is_caught_at_the_next_entry(
    audited_db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A forger who fixes the edited row's own hash still breaks the next row's link."""
    db = _tampered(
        audited_db,
        tmp_path,
        "rehashed",
        "UPDATE audit_events SET detail = 'role=staff' WHERE id = 1",
    )
    with open_database(db)() as session:
        from kiosk.storage.models import AuditEvent

        event = session.get(AuditEvent, 1)
        assert event is not None
        event.hash = audit.entry_hash(event.prev_hash, event)
        session.commit()
    assert _verify(db, capsys) == (1, {"ok": False, "entries": 2, "first_bad": 2})


def test_deleted_entry_is_caught_where_the_gap_is(
    audited_db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = _tampered(audited_db, tmp_path, "deleted", "DELETE FROM audit_events WHERE id = 3")
    assert _verify(db, capsys) == (1, {"ok": False, "entries": 3, "first_bad": 4})


def test_reordered_entries_are_caught(
    audited_db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = _tampered(
        audited_db,
        tmp_path,
        "reordered",
        "UPDATE audit_events SET id = -1 WHERE id = 4",
        "UPDATE audit_events SET id = 4 WHERE id = 3",
        "UPDATE audit_events SET id = 3 WHERE id = -1",
    )
    assert _verify(db, capsys) == (1, {"ok": False, "entries": 3, "first_bad": 3})


def test_cut_off_tail_passes_locally_but_the_head_tells(
    audited_db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Truncation leaves a valid shorter chain; the head sent to the hub is what catches it."""
    with open_database(audited_db)() as session:
        sent_head = audit.head(session)
    db = _tampered(audited_db, tmp_path, "cut", "DELETE FROM audit_events WHERE id >= 6")
    assert _verify(db, capsys) == (0, {"ok": True, "entries": 5, "first_bad": None})
    assert main(["audit", "head", "--db", str(db), "--json"]) == 0
    now = json.loads(capsys.readouterr().out)
    assert (now["entries"], now["hash"]) != sent_head and now["entries"] < sent_head[0]


def test_verify_as_a_real_process_exits_1(audited_db: Path, tmp_path: Path) -> None:
    db = _tampered(
        audited_db, tmp_path, "edited", "UPDATE audit_events SET action = 'login.ok' WHERE id = 7"
    )
    # a copy checked on another machine: support gives the key (`kiosk db key`)
    env = {
        **os.environ,
        "KIOSK_HOME": str(tmp_path / "elsewhere"),
        "KIOSK_DB_KEY": database_key().hex,
    }
    proc = subprocess.run(
        [sys.executable, "-m", "kiosk", "audit", "verify", "--db", str(db), "--json"],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
        check=False,
    )
    assert proc.returncode == 1, proc.stderr
    assert json.loads(proc.stdout) == {"ok": False, "entries": 7, "first_bad": 7}
    text = subprocess.run(
        [sys.executable, "-m", "kiosk", "audit", "verify", "--db", str(db)],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
        check=False,
    )
    assert text.returncode == 1 and "entry 7" in text.stdout and "第 7 条" in text.stdout

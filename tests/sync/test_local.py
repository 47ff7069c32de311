"""Kiosk-side parts without a hub: sealing, the submit transaction, leases, backoff, retention,
the CLI, and the rule that kiosk.sync never imports Qt."""

from __future__ import annotations

import ast
import datetime as dt
import json
import random
from pathlib import Path

import pytest
from sqlalchemy import select, update
from sqlalchemy.orm import Session, sessionmaker
from sync_parts import kiosk_cli, submit_some

from kiosk.config import Config
from kiosk.domain.rules import RuleBook
from kiosk.services.submit import SubmissionError, submit_application
from kiosk.storage import audit
from kiosk.storage.models import ApplicationRow, AuditEvent, OutboxEntry
from kiosk.sync import crypto, enrolment, outbox, retention
from kiosk.sync.demo_applications import made_up_application
from kiosk.sync.worker import full_jitter


def test_seal_and_unseal_detect_damage() -> None:
    private, public = crypto.generate_keypair()
    to_hub = crypto.Recipient(public, demo=False)
    blob = crypto.seal(
        to_hub, "u-1", "application", {"payload": b"{}", "photo": b"\xff\xd8" * 1000}
    )
    assert crypto.unseal(blob, private)["photo"] == b"\xff\xd8" * 1000
    assert b"\xff\xd8\xff\xd8" not in blob  # the photo is not on disk in clear
    with pytest.raises(crypto.SealError, match="truncated"):
        crypto.open_envelope(blob[:-10])
    flipped = bytearray(blob)
    flipped[-1] ^= 1
    with pytest.raises(crypto.SealError, match="hash"):
        crypto.open_envelope(bytes(flipped))
    other_private, _ = crypto.generate_keypair()
    with pytest.raises(crypto.SealError, match="wrong key"):
        crypto.unseal(blob, other_private)
    demo = crypto.seal(crypto.demo_recipient(), "u-2", "print", {"payload": b"x"})
    assert (
        crypto.open_envelope(demo).demo
        and crypto.unseal(demo, crypto.demo_private_pem())["payload"] == b"x"
    )


def test_submit_is_one_transaction(kiosk_db: sessionmaker[Session]) -> None:
    config = Config.load(overrides={"sync.demo": True})
    rules = RuleBook.load()
    done = submit_application(
        kiosk_db, made_up_application(random.Random(1)), config, rules=rules, enrolled=None
    )
    app = done.application
    assert app.status == "submitted" and app.uuid and app.submitted_at is not None
    assert app.application_number.startswith("FT01-K01-") and app.queue_number == "A001"
    assert app.materials == []  # nothing is "in hand" unless the applicant confirmed it
    with kiosk_db() as session:
        row = session.execute(select(ApplicationRow)).scalar_one()
        entry = session.execute(select(OutboxEntry)).scalar_one()
        event = session.execute(select(AuditEvent)).scalar_one()
        assert audit.verify(session).ok
    assert row.photo == app.photo_jpeg and row.form is not None and "photo_jpeg_b64" not in row.form
    assert (
        entry.uuid == app.uuid and entry.application_id == row.id and entry.demo
    )  # not enrolled: demo key
    assert entry.content_hash == crypto.sha256(entry.sealed)
    assert event.subject == app.application_number and app.applicant.name not in (
        event.detail or ""
    )
    # the same application submitted again (a double tap) is not doubled
    again = submit_application(kiosk_db, app, config, rules=rules, enrolled=None)
    assert (again.application_id, again.application_number) == (
        done.application_id,
        app.application_number,
    )
    with kiosk_db() as session:
        assert len(session.execute(select(OutboxEntry)).all()) == 1


def test_submit_refusals_store_nothing(kiosk_db: sessionmaker[Session]) -> None:
    production = Config.load()  # outside demo mode by default: no applicants before enrolment
    assert production["sync.demo"] is False
    with pytest.raises(enrolment.EnrolmentError) as not_enrolled:
        submit_application(
            kiosk_db,
            made_up_application(random.Random(1)),
            production,
            rules=RuleBook.load(),
            enrolled=None,
        )
    assert "登记" in not_enrolled.value.message.zh and "enrol" in not_enrolled.value.message.en
    bad = made_up_application(random.Random(1))
    bad.service = "teleport"
    with pytest.raises(SubmissionError):
        submit_application(
            kiosk_db,
            bad,
            Config.load(overrides={"sync.demo": True}),
            rules=RuleBook.load(),
            enrolled=None,
        )
    with kiosk_db() as session:
        assert session.execute(select(ApplicationRow)).first() is None


def test_leases_keep_workers_apart_and_dead_owners_lose_them(
    kiosk_db: sessionmaker[Session],
) -> None:
    with kiosk_db.begin() as session:
        _private, public = crypto.generate_keypair()
        for _ in range(5):
            outbox.enqueue(
                session,
                "print",
                {"document": "slip"},
                recipient=crypto.Recipient(public, demo=False),
            )
    a = outbox.claim(kiosk_db, outbox.new_owner(), limit=3, lease_seconds=60)
    b = outbox.claim(kiosk_db, outbox.new_owner(), limit=10, lease_seconds=60)
    assert len(a) == 3 and len(b) == 2 and not {i.id for i in a} & {i.id for i in b}
    assert outbox.claim(kiosk_db, outbox.new_owner(), limit=10, lease_seconds=60) == []
    with kiosk_db.begin() as session:  # pretend the first owner was a process that died
        session.execute(
            update(OutboxEntry)
            .where(OutboxEntry.id.in_([i.id for i in a]))
            .values(lease_owner=f"{outbox.socket.gethostname()[:30]}:999999999:dead")
        )
    assert outbox.reclaim_orphans(kiosk_db) == 3
    assert len(outbox.claim(kiosk_db, outbox.new_owner(), limit=10, lease_seconds=60)) == 3


def test_full_jitter_is_capped_and_spread() -> None:
    rng = random.Random(0)
    waits = [full_jitter(n, 5.0, 900.0, rng) for n in range(1, 60)]
    assert all(0 <= w <= 900 for w in waits) and max(waits) > 400
    assert all(full_jitter(1, 5.0, 900.0, rng) <= 5.0 for _ in range(100))


def test_retention_purges_plaintext_after_ack(kiosk_db: sessionmaker[Session]) -> None:
    config = Config.load(overrides={"sync.retention_days": 7, "sync.demo": True})
    submit_some(kiosk_db, config, 2)
    with kiosk_db.begin() as session:
        first = session.execute(select(OutboxEntry).order_by(OutboxEntry.id)).scalars().first()
        assert first is not None
        outbox.acknowledge(session, first.uuid, first.content_hash)
    now = dt.datetime.now(dt.UTC)
    assert retention.purge(kiosk_db, config, now + dt.timedelta(days=6)) == 0
    assert retention.purge(kiosk_db, config, now + dt.timedelta(days=8)) == 1
    with kiosk_db() as session:
        rows = session.execute(select(ApplicationRow).order_by(ApplicationRow.id)).scalars().all()
    assert rows[0].photo is None and rows[0].applicant_name is None and rows[0].id_last4 is not None
    assert rows[1].photo is not None  # not acknowledged: kept


def test_cli_demo_data_rate_and_status(kiosk_home: Path) -> None:
    out = kiosk_cli("demo-data", "--count", "40", "--json")
    assert out.returncode == 0, out.stderr
    report = json.loads(out.stdout)
    assert report["submitted"] == 40 and report["per_second"] >= 10
    state = json.loads(kiosk_cli("sync", "status", "--json").stdout)
    assert {"pending", "quarantined", "acknowledged", "last_success", "last_error"} <= set(state)
    assert (state["demo"], state["pending"]) == (40, 0)  # demo items never count as sendable
    assert kiosk_cli("demo-data", "--count", "0").returncode == 2
    assert kiosk_cli("sync", "run", "--once").returncode == 1  # not enrolled: says so
    assert kiosk_cli("sync", "enrol", "--hub", "http://127.0.0.1:9", "--code", "X").returncode == 1


def test_sync_and_hub_never_import_qt() -> None:
    root = Path(__file__).resolve().parents[2]
    for folder in ("kiosk/sync", "kiosk_hub"):
        for path in (root / folder).glob("*.py"):
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                names = (
                    [a.name for a in node.names]
                    if isinstance(node, ast.Import)
                    else [node.module or ""]
                    if isinstance(node, ast.ImportFrom)
                    else []
                )
                assert not any(n.startswith("PySide6") for n in names), path

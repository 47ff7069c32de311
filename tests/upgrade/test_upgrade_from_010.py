"""A field office made by release 0.1.0, upgraded in place to the current code (issue 18).

With 0.1.0 (the wheel in releases/, run as its own processes): a hub, an enrolled kiosk, staff,
applications sent and acknowledged and applications still waiting because the hub was down (also
carried to the hub in a 0.1.0 sneakernet bundle). Then
the current code on the very same folders and database: ``kiosk db upgrade``, ``kiosk-hub db
upgrade``, the hub started again on the same address, the kiosk's sync worker — every waiting
application reaches the hub and decrypts, nothing is doubled, the audit chain still verifies with
its 0.1.0 entries unchanged, and the plain 0.1.0 database ends up encrypted at rest.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from upgrade_parts import HubServer, Release, exported, free_port, is_plain_sqlite, until

from kiosk import __version__

pytestmark = pytest.mark.slow  # real processes, one release after another

ADMIN_PIN = "480715"


def _outbox_states(database: Path) -> dict[str, str]:
    """The 0.1.0 outbox, read as 0.1.0 left it (a plain SQLite file)."""
    with sqlite3.connect(f"file:{database}?mode=ro", uri=True) as conn:
        rows = conn.execute("SELECT uuid, state FROM outbox WHERE kind = 'application'")
        return dict(rows.fetchall())


def test_field_office_upgrade_from_010(
    hub_db: str, release_010: Release, current: Release, tmp_path: Path
) -> None:
    database = Path(current.env["KIOSK_HOME"]) / "kiosk.sqlite3"
    port = free_port()  # the hub's address, the same before and after the upgrade

    # -- the office as 0.1.0 left it ---------------------------------------------------------
    code = release_010.hub("enrol", "--db", hub_db, "--kiosk-id", "K07")["code"]
    old_hub = HubServer(release_010, hub_db, port).start()
    try:
        enrolled = release_010.kiosk("sync", "enrol", "--hub", old_hub.url, "--code", code)
        assert enrolled["kiosk_id"] == "K07"
        release_010.kiosk(
            "staff", "add", "admin", "--name", "Admin", "--role", "administrator",
            stdin=f"{ADMIN_PIN}\n",
        )  # fmt: skip
        release_010.kiosk("demo-data", "--count", "3", "--seed", "1")
        assert release_010.kiosk("sync", "run", "--once")["sent"] == 3
    finally:
        old_hub.stop()
    release_010.kiosk("demo-data", "--count", "4", "--seed", "2")  # the hub is down: they wait
    usb = tmp_path / "usb"
    usb.mkdir()
    release_010.kiosk("sync", "export", "--to", str(usb))  # and a 0.1.0 sneakernet bundle of them
    before = release_010.kiosk("sync", "status")
    assert (before["acknowledged"], before["pending"]) == (3, 4)
    states = _outbox_states(database)
    acknowledged = {u for u, s in states.items() if s == "acknowledged"}
    waiting = {u for u, s in states.items() if s == "pending"}
    assert len(acknowledged) == 3 and len(waiting) == 4
    audit_before = release_010.kiosk("audit", "list", "--limit", "1000")["entries"]
    assert release_010.kiosk("audit", "verify")["ok"] is True
    assert is_plain_sqlite(database)  # 0.1.0 kept personal data in a plain file
    hub_before = release_010.hub("count", "--db", hub_db)
    assert hub_before["applications"] == 3

    # -- the new release on the same folders ---------------------------------------------------
    upgraded = current.kiosk("db", "upgrade")
    assert (upgraded["ok"], upgraded["cipher"], upgraded["encrypted_now"]) == (
        True,
        "sqlcipher",
        True,
    )
    assert current.kiosk("db", "check")["state"] == "up_to_date"
    hub_upgrade = current.hub("db", "upgrade", "--db", hub_db)
    assert (hub_upgrade["from"], hub_upgrade["state"]) == ("0.1.0", "up_to_date")
    # the new hub reads the 0.1.0 bundle; the same items then also arrive over the network
    imported = current.hub("import", "--db", hub_db, str(usb))
    assert (imported["bundles"], imported["new"], imported["errors"]) == (1, 4, [])
    new_hub = HubServer(current, hub_db, port).start()
    worker = current.popen("kiosk", "sync", "run")  # as the kiosk's UI runs it
    try:
        until(lambda: current.kiosk("sync", "status")["pending"] == 0, timeout=90)
        after = current.kiosk("sync", "status")
        assert (after["acknowledged"], after["quarantined"]) == (7, 0)
        fleet = current.hub("fleet", "--db", hub_db)["kiosks"]
    finally:
        worker.terminate()
        worker.wait(15)
        new_hub.stop()

    # every waiting application reached the hub and decrypts; nothing is there twice
    lines = exported(current, hub_db, tmp_path / "export.jsonl")
    uuids = [line["uuid"] for line in lines]
    assert len(uuids) == len(set(uuids)) == 7
    assert set(uuids) == acknowledged | waiting
    assert all(line["application"]["applicant"]["name"] for line in lines)
    numbers = sorted(line["application"]["application_number"] for line in lines)
    assert numbers[0].endswith("-0001") and numbers[-1].endswith("-0007") and len(set(numbers)) == 7
    assert all(line["photo_bytes"] > 0 and line["kiosk_id"] == "K07" for line in lines)
    count = current.hub("count", "--db", hub_db)
    assert (count["applications"], count["items"]) == (7, 7)
    assert count["duplicates_refused"] == 4  # the bundle's items, sent again by the worker
    assert [(k["kiosk_id"], k["version"], k["applications"]) for k in fleet] == [
        ("K07", __version__, 7)
    ]

    # the audit chain holds across the upgrade, its 0.1.0 entries as they were
    verified = current.kiosk("audit", "verify")
    assert verified["ok"] is True and verified["entries"] >= len(audit_before)
    audit_after = current.kiosk("audit", "list", "--limit", "1000")["entries"]
    assert [e for e in audit_after if e["id"] <= max(a["id"] for a in audit_before)] == audit_before

    # staff accounts survive: the 0.1.0 administrator is still there
    staff = current.kiosk("staff", "list")
    assert [a["username"] for a in staff["staff"]] == ["admin"]

    # the plain 0.1.0 database is now unreadable without its key (issue 16)
    key = current.kiosk("db", "key")
    assert key["cipher"] == "sqlcipher" and key["path"] == str(database)
    assert not is_plain_sqlite(database)
    leftovers = [p.name for p in database.parent.iterdir() if "plain" in p.name]
    assert leftovers == []

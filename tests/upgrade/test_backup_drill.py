"""The dead-kiosk drill, with real processes (issue 18): an enrolled kiosk backs itself up while it
is taking applications, keeps working, sends everything, and dies (its data folder wiped, database
key included). A new machine gets the backup and the office's key file: `kiosk backup restore`
brings the kiosk back, its worker sends what the backup still had waiting, and the hub's dedupe
keeps every application exactly once."""

from __future__ import annotations

import dataclasses
import json
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from upgrade_parts import HubServer, Release, exported, free_port, is_plain_sqlite, until

pytestmark = pytest.mark.slow  # real processes, one release after another

ADMIN_PIN = "480715"
PLAIN_HTTP = "--allow-plain-http"  # enrolment over http:// on 127.0.0.1 (issue 16)


def _enrolled_kiosk(current: Release, hub: HubServer, hub_db: str) -> None:
    code = current.hub("enrol", "--db", hub_db, "--kiosk-id", "K07")["code"]
    current.kiosk("sync", "enrol", "--hub", hub.url, "--code", code, PLAIN_HTTP)
    current.kiosk(
        "staff", "add", "admin", "--name", "Admin", "--role", "administrator",
        stdin=f"{ADMIN_PIN}\n",
    )  # fmt: skip


@pytest.mark.parametrize("hub_db", ["sqlite"], indirect=True)
def test_backup_wipe_restore_sync(current: Release, hub_db: str, tmp_path: Path) -> None:
    home = Path(current.env["KIOSK_HOME"])
    usb, office = tmp_path / "usb", tmp_path / "office-safe"
    hub = HubServer(current, hub_db, free_port(), (PLAIN_HTTP, "--accept-demo")).start()
    try:
        _enrolled_kiosk(current, hub, hub_db)
        key = current.kiosk("backup", "key", "new", "--out", str(office / "office-backup.key"))
        assert Path(key["key_file"]).stat().st_mode & 0o777 == 0o600
        current.kiosk("demo-data", "--count", "3", "--seed", "1", "--to-enrolled-hub")
        assert current.kiosk("sync", "run", "--once")["sent"] == 3
        hub.stop()  # the office's line is down: what follows waits in the queue
        current.kiosk("demo-data", "--count", "2", "--seed", "2", "--to-enrolled-hub")

        # the backup is taken while the kiosk keeps taking applications
        writer = current.popen(
            "kiosk", "demo-data", "--count", "25", "--seed", "3", "--to-enrolled-hub"
        )
        created = current.kiosk("backup", "create", "--to", str(usb))
        assert writer.wait(60) == 0
        backup = Path(created["path"])
        assert backup.parent == usb and backup.name.startswith("kiosk-K07-")
        assert created["key_file"] == key["key_file"]
        assert 5 <= created["applications"] <= 30 and created["audit_entries"] > 5
        sidecar = backup.with_name(backup.name + ".sha256").read_text().split()
        assert sidecar == [created["sha256"], backup.name]
        assert b"applicant" not in backup.read_bytes() and not is_plain_sqlite(backup)

        # the kiosk sends everything it has, then its disk dies
        hub.start()
        assert current.kiosk("sync", "run", "--once")["pending"] == 0
        before = current.hub("count", "--db", hub_db)
        assert before["applications"] == 30
        shutil.rmtree(home)
        home.mkdir()

        # a new machine: refusals first
        wrong_key = tmp_path / "other.key"
        Release("current", None, {"KIOSK_HOME": str(tmp_path / "scratch")}).kiosk(
            "backup", "key", "new", "--out", str(wrong_key)
        )
        refused = current.kiosk(
            "backup", "restore", str(backup), "--key-file", str(wrong_key), ok=False
        )
        assert refused["ok"] is False and "backup key" in refused["error"]
        other_kiosk = dataclasses.replace(current, env={**current.env, "KIOSK_KIOSK_ID": "K99"})
        refused = other_kiosk.kiosk(
            "backup", "restore", str(backup), "--key-file", key["key_file"], ok=False
        )
        assert (
            refused["ok"] is False and "K07" in refused["error"] and "--force" in refused["error"]
        )
        assert not (home / "kiosk.sqlite3").exists()

        restored = current.kiosk("backup", "restore", str(backup), "--key-file", key["key_file"])
        assert restored["ok"] is True
        assert restored["applications"] == created["applications"]
        assert restored["audit_entries"] == created["audit_entries"] + 1  # kiosk.restored
        again = current.run(
            "kiosk", "backup", "restore", str(backup), "--key-file", key["key_file"]
        )
        assert again.returncode == 1 and "not empty" in again.stdout
        assert current.kiosk("audit", "verify")["ok"] is True
        assert current.kiosk("db", "key")["cipher"] == "sqlcipher"

        # the restored kiosk sends what its backup still had waiting; nothing doubles
        waiting = current.kiosk("sync", "status")["pending"]
        assert waiting >= 2
        worker = current.popen("kiosk", "sync", "run")
        try:
            until(lambda: current.kiosk("sync", "status")["pending"] == 0, timeout=90)
        finally:
            worker.terminate()
            worker.wait(15)
        after = current.hub("count", "--db", hub_db)
        assert after["applications"] == 30
        assert after["duplicates_refused"] >= before["duplicates_refused"] + 2
        status = current.kiosk("sync", "status")
        assert (status["quarantined"], status["acknowledged"]) == (0, created["applications"])
        lines = exported(current, hub_db, tmp_path / "export.jsonl")
        uuids = [line["uuid"] for line in lines]
        assert len(uuids) == len(set(uuids)) == 30

        # the restored kiosk takes applicants again: today's numbers the dead kiosk gave out
        # after the backup are never given out twice
        current.kiosk("demo-data", "--count", "2", "--seed", "5", "--to-enrolled-hub")
        assert current.kiosk("sync", "run", "--once")["pending"] == 0
        lines = exported(current, hub_db, tmp_path / "export2.jsonl")
        numbers = [line["application"]["application_number"] for line in lines]
        assert len(numbers) == len(set(numbers)) == 32
    finally:
        hub.stop()


def test_backup_refusals(current: Release, tmp_path: Path) -> None:
    """Without a backup key outside demo mode, with an altered file, or a wrong checksum."""
    current.kiosk("db", "upgrade")
    refused = current.kiosk("backup", "create", "--to", str(tmp_path / "usb"), ok=False)
    assert refused["ok"] is False and "kiosk backup key new" in refused["error"]

    demo = current.run(
        "kiosk", "--demo", "backup", "create", "--to", str(tmp_path / "usb"), "--json"
    )
    assert demo.returncode == 0, demo.stderr
    created = json.loads(demo.stdout)
    key_file = Path(created["key_file"])
    assert key_file.parent == Path(current.env["KIOSK_HOME"]) / "backup"
    backup = Path(created["path"])

    fresh = dataclasses.replace(current, env={"KIOSK_HOME": str(tmp_path / "new-machine")})
    altered = tmp_path / "altered" / backup.name
    altered.parent.mkdir()
    data = bytearray(backup.read_bytes())
    data[len(data) // 2] ^= 0x01
    altered.write_bytes(bytes(data))
    answer = fresh.kiosk("backup", "restore", str(altered), "--key-file", str(key_file), ok=False)
    assert answer["ok"] is False and "altered" in answer["error"]
    shutil.copy(backup.with_name(backup.name + ".sha256"), altered.parent)
    answer = fresh.kiosk("backup", "restore", str(altered), "--key-file", str(key_file), ok=False)
    assert answer["ok"] is False and "checksum" in answer["error"]
    assert not (tmp_path / "new-machine" / "kiosk.sqlite3").exists()
    assert fresh.kiosk("backup", "restore", str(backup), "--key-file", str(key_file))["ok"] is True


def test_backup_killed_half_way_leaves_no_backup_that_is_not_whole(
    current: Release, tmp_path: Path
) -> None:
    """SIGKILL ``kiosk backup create`` while it copies the database, and again while it writes
    the file: no ``*.kbak`` appears from either (only hidden leftovers); the next run writes one
    that restores whole."""
    import signal
    import time

    demo = dataclasses.replace(current, env={**current.env, "KIOSK_SYNC_DEMO": "true"})
    demo.kiosk("demo-data", "--count", "400", "--seed", "4")  # ~16 MB: a window to hit
    home, usb = Path(current.env["KIOSK_HOME"]), tmp_path / "usb"
    usb.mkdir()

    def kill_when(appears: Callable[[], bool]) -> None:
        proc = demo.popen("kiosk", "backup", "create", "--to", str(usb))
        deadline = time.monotonic() + 60
        while not appears():
            assert proc.poll() is None, "backup finished before the moment to kill it"
            assert time.monotonic() < deadline
        proc.send_signal(signal.SIGKILL)
        proc.wait(10)
        assert list(usb.glob("*.kbak")) == []

    kill_when(lambda: any(home.glob(".backup-*/kiosk.sqlite3")))  # copying the database
    kill_when(lambda: any(usb.glob(".kiosk-*.part")))  # writing the backup file
    assert all(p.name.startswith(".") for p in usb.iterdir())
    # what the killed runs left in the data folder: the copy, under a key that died with them
    left = [f for f in home.glob(".backup-*/**/*") if f.is_file()]
    assert left and not any(b"snapshot_key" in f.read_bytes() for f in left)
    assert not any(is_plain_sqlite(f) for f in left)

    created = demo.kiosk("backup", "create", "--to", str(usb))
    assert [p.name for p in usb.glob("*.kbak")] == [Path(created["path"]).name]
    fresh = dataclasses.replace(current, env={"KIOSK_HOME": str(tmp_path / "new-machine")})
    key_file = home / "backup" / "demo-backup.key"
    restored = fresh.kiosk("backup", "restore", created["path"], "--key-file", str(key_file))
    assert restored["applications"] == 400

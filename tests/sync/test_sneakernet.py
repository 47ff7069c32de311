"""Sneakernet: bundle out, hub import, acknowledgements back; truncated bundle, bundle carried
twice, bundle carried to the wrong hub: nothing lost, nothing doubled."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from sqlalchemy.orm import Session, sessionmaker
from sync_parts import HubProcess, assert_exactly_once, enrol_kiosk, kiosk_cli, submit_some

from kiosk.config import Config
from kiosk.sync import enrolment
from kiosk.sync.worker import status


def _hub_import(hub: HubProcess, folder: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "kiosk_hub", "import", "--db", hub.db_url, str(folder), "--json"],
        env=hub.env(),
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_round_trip_truncated_and_twice(
    hub: HubProcess, fast_sync: Config, kiosk_db: sessionmaker[Session], tmp_path: Path
) -> None:
    enrol_kiosk(hub, fast_sync)
    hub.stop()  # the office is offline: only the drive travels
    submitted = submit_some(kiosk_db, fast_sync, 7)
    drive = tmp_path / "usb"
    out = kiosk_cli("sync", "export", "--to", str(drive), "--json")
    assert out.returncode == 0, out.stderr
    [bundle] = drive.glob("*.ksb")
    # sealed only: no field name, number, name or ID number in the clear (long enough markers
    # that random ciphertext cannot hold one by chance, as it once held "FT01")
    raw = bundle.read_bytes()
    clear = [b"photo_jpeg", b"id_number"]
    for app in submitted.values():
        clear += [
            app["application_number"].encode(),
            app["applicant"]["id_number"].encode(),
            app["applicant"]["name"].encode("utf-8"),
            app["phone"].encode(),
        ]
    assert not [marker for marker in clear if marker in raw]

    # half-copied bundle: refused whole, nothing ingested, no acknowledgement written
    half = tmp_path / "half"
    half.mkdir()
    (half / bundle.name).write_bytes(bundle.read_bytes()[: bundle.stat().st_size // 2])
    refused = _hub_import(hub, half)
    assert refused.returncode == 1 and "truncated" in refused.stdout
    assert hub.cli("count")["applications"] == 0 and not list(half.glob("*.acks.json"))

    first = _hub_import(hub, drive)
    assert first.returncode == 0, first.stderr + first.stdout
    again = _hub_import(hub, drive)  # the same drive brought in twice
    assert '"duplicates": 7' in again.stdout
    assert hub.cli("count") == {
        "applications": 7,
        "duplicates_refused": 7,
        "conflicts": 0,
        "items": 7,
        "demo": 0,
        "refused": 0,
    }

    applied = kiosk_cli("sync", "import-acks", str(drive), "--json")
    assert applied.returncode == 0 and '"acknowledged": 7' in applied.stdout
    reapplied = kiosk_cli("sync", "import-acks", str(drive), "--json")
    assert '"acknowledged": 0' in reapplied.stdout and '"already": 7' in reapplied.stdout
    assert status(kiosk_db, enrolment.load())["pending"] == 0
    assert_exactly_once(hub, submitted, kiosk_db)

    # nothing left to carry
    assert "nothing to export" in kiosk_cli("sync", "export", "--to", str(drive)).stdout


def test_bundle_at_the_wrong_hub_and_forged_acks(
    hub: HubProcess, fast_sync: Config, kiosk_db: sessionmaker[Session], tmp_path: Path
) -> None:
    enrol_kiosk(hub, fast_sync)
    submit_some(kiosk_db, fast_sync, 2)
    drive = tmp_path / "usb"
    assert kiosk_cli("sync", "export", "--to", str(drive)).returncode == 0
    other = HubProcess(f"sqlite:///{tmp_path / 'other.sqlite3'}", tmp_path / "other-home")
    other.home.mkdir()
    wrong = _hub_import(other, drive)
    assert wrong.returncode == 1 and "not enrolled at this hub" in wrong.stdout
    assert not list(drive.glob("*.acks.json"))
    # an acknowledgement file not signed by our hub is ignored
    (drive / "x.ksb.acks.json").write_text(
        '{"body": {"kiosk_id": "K07", "results": []}, "mac": "AAAA"}'
    )
    applied = kiosk_cli("sync", "import-acks", str(drive), "--json")
    assert applied.returncode == 1 and "not signed" in applied.stdout
    assert status(kiosk_db, enrolment.load())["pending"] == 2

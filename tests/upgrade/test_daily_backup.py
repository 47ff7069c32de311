"""The daily backup: one a day into the configured folder, the oldest beyond ``backup.keep``
removed, a missing drive recorded, and its last success in self-check and supervisor mode."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from pytestqt.qtbot import QtBot

from kiosk import paths
from kiosk.config import Config
from kiosk.selfcheck.backup import check_backup
from kiosk.selfcheck.base import Context
from kiosk.services import backup
from kiosk.storage.db import open_database

DAY = dt.timedelta(days=1)


@pytest.fixture
def configured(tmp_path: Path) -> Config:
    open_database().kw["bind"].dispose()
    backup.set_backup_key(tmp_path / "office" / "office-backup.key")
    return Config.load(overrides={"backup.folder": str(tmp_path / "usb"), "backup.keep": 2})


def test_one_a_day_with_retention(configured: Config, tmp_path: Path) -> None:
    usb = tmp_path / "usb"
    usb.mkdir()
    monday = dt.datetime(2026, 11, 23, 2, 0, tzinfo=dt.UTC)
    first = backup.daily_backup(configured, now=monday)
    assert first["skipped"] is False and Path(first["path"]).exists()
    again = backup.daily_backup(configured, now=monday + dt.timedelta(hours=3))
    assert again == {"path": first["path"], "skipped": True, "removed": []}

    backup.daily_backup(configured, now=monday + DAY)
    removed = backup.daily_backup(configured, now=monday + 2 * DAY)["removed"]
    assert removed == [Path(first["path"]).name]
    kept = sorted(p.name for p in usb.glob("*.kbak"))
    assert kept == ["kiosk-K01-20261124T020000Z.kbak", "kiosk-K01-20261125T020000Z.kbak"]
    assert first["path"].endswith("kiosk-K01-20261123T020000Z.kbak")
    assert len(list(usb.glob("*.sha256"))) == 2

    status = backup.last_status()
    assert status["last_success"] == (monday + 2 * DAY).isoformat()
    ctx = Context(configured, demo=False)
    assert check_backup(ctx, now=monday + 2 * DAY + dt.timedelta(hours=5)).ok is True
    stale = check_backup(ctx, now=monday + 4 * DAY)
    assert (stale.ok, stale.needed) == (False, False) and "more than a day" in stale.detail


def test_missing_drive_is_recorded(configured: Config, tmp_path: Path) -> None:
    with pytest.raises(backup.BackupError, match="plugged in"):
        backup.daily_backup(configured)
    status = backup.last_status()
    assert status["last_success"] is None and "plugged in" in status["last_error"]
    result = check_backup(Context(configured, demo=False))
    assert not result.ok and "plugged in" in result.detail


def test_daily_command_and_self_check(configured: Config, tmp_path: Path) -> None:
    (tmp_path / "usb").mkdir()
    env = {"KIOSK_HOME": str(paths.home()), "KIOSK_BACKUP_FOLDER": str(tmp_path / "usb")}

    def kiosk(*args: str) -> dict[str, Any]:
        out = subprocess.run(
            [sys.executable, "-m", "kiosk", *args, "--json"],
            env={**_base_env(), **env},
            capture_output=True,
            text=True,
            timeout=120,
        )
        return dict(json.loads(out.stdout))

    done = kiosk("backup", "daily")
    assert done["ok"] is True and Path(str(done["path"])).parent == tmp_path / "usb"
    checks = {c["name"]: c for c in kiosk("self-check")["checks"]}
    assert checks["backup"]["ok"] is True and "last backup" in checks["backup"]["detail"]


def _base_env() -> dict[str, str]:
    import os

    return {k: v for k, v in os.environ.items() if not k.startswith("KIOSK_")}


def test_supervisor_sync_page_shows_last_backup(
    configured: Config, tmp_path: Path, qtbot: QtBot
) -> None:
    from kiosk.services.staff import StaffAccount
    from kiosk.ui.supervisor.common import SupervisorContext, local_time
    from kiosk.ui.supervisor.sync_page import SyncPage

    account = StaffAccount("wang", "Wang", "staff", True, None)
    page = SyncPage(SupervisorContext(factory=open_database()), account)
    qtbot.addWidget(page)
    assert page.values["last_backup"].text() == page.texts.tr("sync.never")
    (tmp_path / "usb").mkdir()
    when = dt.datetime.now(dt.UTC)
    backup.daily_backup(configured, now=when)
    page.refresh()
    assert page.values["last_backup"].text() == local_time(when.isoformat(), "%Y-%m-%d %H:%M")

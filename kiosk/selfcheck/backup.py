"""Self-check of the daily backup: a folder set, a backup key, and a recent success.

Reported, not needed: a kiosk without a fresh backup still serves applicants, but staff and the
administrator must see it (a dead disk would lose what never reached the hub).
"""

from __future__ import annotations

import datetime as dt

from kiosk.selfcheck.base import CheckResult, Context

FRESH = dt.timedelta(hours=26)  # a daily backup, with slack for when the kiosk was switched on


def check_backup(ctx: Context, now: dt.datetime | None = None) -> CheckResult:
    from kiosk.services.backup import last_status

    now = now or dt.datetime.now(dt.UTC)
    if ctx.demo and not ctx.config["backup.folder"]:
        return CheckResult("backup", True, "演示模式，无每日备份 / demo mode: no daily backup")
    if not ctx.config["backup.public_key"]:
        return CheckResult(
            "backup",
            False,
            "未设置备份密钥 / no backup key: `kiosk backup key set office-backup.pub` (docs/operations.md)",
            needed=False,
        )
    if not ctx.config["backup.folder"]:
        return CheckResult(
            "backup",
            False,
            "未设置每日备份位置 / no daily backup folder (backup.folder)",
            needed=False,
        )
    status = last_status()
    last = status["last_success"]
    if last is None:
        detail = "尚未备份 / no backup yet"
    else:
        when = dt.datetime.fromisoformat(last)
        if now - when <= FRESH:
            return CheckResult(
                "backup", True, f"最近备份 / last backup {last[:16]} → {status['last_file']}"
            )
        detail = f"备份已过期 / last backup {last[:16]}, more than a day ago"
    if status["last_error"]:
        detail += f"; 最近错误 / last error {status['last_error_at'][:16]}: {status['last_error']}"
    return CheckResult("backup", False, detail, needed=False)

"""Self-checks of the data folder: the database, stuck print jobs, free disk."""

from __future__ import annotations

import datetime as dt
import shutil
import sqlite3

from kiosk import paths
from kiosk.selfcheck.base import CheckResult, Context

MIN_FREE_BYTES = 1024**3  # below 1 GiB the photo and print-job folders can fill within a week
STUCK_AFTER = dt.timedelta(minutes=10)  # a print job this old and not printed needs staff
# kiosk.devices.printers.jobs: queued → printing → printed | waiting → (retry) … → held
OPEN_STATES = ("queued", "waiting", "printing")
HELD = "held"  # gave up retrying: staff must act, whatever its age


def check_database(ctx: Context) -> CheckResult:
    from sqlalchemy.exc import DatabaseError

    from kiosk.storage import db

    engine = db.make_engine(paths.database_file())
    try:
        db.upgrade(engine)
        status = db.check(engine)
    except db.SchemaTooNewError as exc:
        return CheckResult("database", False, f"数据库版本比本程序新 / {exc}")
    except DatabaseError as exc:
        return CheckResult(
            "database",
            False,
            f"数据库文件无法打开，请从备份恢复 / cannot open {paths.database_file()}: {exc.orig}",
        )
    finally:
        engine.dispose()
    if status["state"] != "up_to_date":
        return CheckResult(
            "database", False, f"数据库结构未更新 / schema {status['state']} at {status['current']}"
        )
    # a page-level check: catches a file damaged by a power cut that still opens
    with sqlite3.connect(paths.database_file()) as conn:
        verdict = conn.execute("PRAGMA quick_check").fetchone()[0]
    if verdict != "ok":
        return CheckResult("database", False, f"数据库文件损坏 / database file damaged: {verdict}")
    return CheckResult("database", True, f"数据库正常 / schema {status['current']}, file intact")


def check_print_queue(ctx: Context) -> CheckResult:
    """Jobs left unprinted for long: a jammed or offline printer nobody noticed."""
    from sqlalchemy import and_, func, or_, select

    from kiosk.storage import db
    from kiosk.storage.models import PrintJob

    engine = db.make_engine(paths.database_file())
    cutoff = dt.datetime.now(dt.UTC) - STUCK_AFTER
    try:
        with engine.connect() as conn:
            stuck = conn.execute(
                select(PrintJob.state, func.count())
                .where(
                    or_(
                        PrintJob.state == HELD,
                        and_(PrintJob.state.in_(OPEN_STATES), PrintJob.created_at < cutoff),
                    )
                )
                .group_by(PrintJob.state)
            ).all()
    finally:
        engine.dispose()
    if stuck:
        counts = ", ".join(f"{n} {state}" for state, n in stuck)
        return CheckResult(
            "print_queue",
            False,
            f"有打印任务积压 / print jobs held or waiting over 10 minutes: {counts}",
        )
    return CheckResult("print_queue", True, "打印队列无积压 / no stuck print jobs")


def check_disk(ctx: Context) -> CheckResult:
    home = paths.home()
    usage = shutil.disk_usage(home)
    free_mb = usage.free // 1024**2
    if usage.free < MIN_FREE_BYTES:
        return CheckResult(
            "disk", False, f"数据盘空间不足 / only {free_mb} MB free in {home} (need 1024 MB)"
        )
    return CheckResult("disk", True, f"数据盘空间充足 / {free_mb} MB free in {home}")

"""Self-checks of the data folder: the database, stuck print jobs, free disk."""

from __future__ import annotations

import datetime as dt
import shutil

from kiosk import paths
from kiosk.selfcheck.base import CheckResult, Context

MIN_FREE_BYTES = 1024**3  # below 1 GiB the photo and print-job folders can fill within a week
STUCK_AFTER = dt.timedelta(minutes=10)  # a print job this old and not printed needs staff
# kiosk.devices.printers.jobs: queued → printing → printed | waiting → (retry) … → held
OPEN_STATES = ("queued", "waiting", "printing")
HELD = "held"  # gave up retrying: staff must act, whatever its age


def check_data_folder(ctx: Context) -> CheckResult:
    """The data folder takes a file and has room for the database to grow."""
    from kiosk.storage.startup import StartupProblem, check_data_folder

    try:
        check_data_folder()
    except StartupProblem as problem:
        return CheckResult("data_folder", False, problem.one_line())
    return CheckResult("data_folder", True, f"数据文件夹可写 / {paths.home()} is writable")


def check_database(ctx: Context) -> CheckResult:
    """Opens with its key, migrated to this release (not a newer one), pages intact."""
    from kiosk.storage.startup import StartupProblem, check_database

    try:
        check_database(paths.database_file())
    except StartupProblem as problem:
        return CheckResult("database", False, problem.one_line())
    from kiosk.storage import db

    engine = db.make_engine(paths.database_file())
    try:
        current = db.current_revision(engine)
    finally:
        engine.dispose()
    return CheckResult("database", True, f"数据库正常 / encrypted, schema {current}, file intact")


def check_database_key(ctx: Context) -> CheckResult:
    """Outside demo mode the key must be sealed (systemd-creds / DPAPI), not a file beside the data."""
    from kiosk.storage import dbkey

    key = dbkey.find()
    if key is None:
        return CheckResult("database_key", False, "数据库密钥尚未生成 / no database key yet")
    if key.sealed:
        return CheckResult("database_key", True, f"数据库密钥已封存 / key sealed ({key.store})")
    if ctx.demo:
        return CheckResult(
            "database_key", True, f"演示模式：密钥文件 / demo: plain key file {key.location}"
        )
    return CheckResult(
        "database_key",
        False,
        f"数据库密钥未封存，请以 root 运行 kiosk db seal-key / key is a plain file ({key.location}); "
        "run `kiosk db seal-key` as root",
    )


def check_print_queue(ctx: Context) -> CheckResult:
    """Jobs left unprinted for long: a jammed or offline printer nobody noticed."""
    from sqlalchemy import and_, func, or_, select

    from kiosk.storage import db
    from kiosk.storage.models import PrintJob
    from kiosk.storage.startup import problem_from

    cutoff = dt.datetime.now(dt.UTC) - STUCK_AFTER
    try:
        engine = db.make_engine(paths.database_file())
    except Exception as exc:
        problem = problem_from(exc)
        if problem is None:
            raise
        return CheckResult("print_queue", False, f"无法读取打印队列 / {problem.one_line()}")
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
    except Exception as exc:
        problem = problem_from(exc)
        if problem is None:
            raise
        return CheckResult("print_queue", False, f"无法读取打印队列 / {problem.one_line()}")
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

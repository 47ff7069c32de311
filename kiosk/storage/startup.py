"""Can this kiosk start? The configuration, the data folder and the database, checked first.

A field technician must see *why* a kiosk does not start: the touch UI shows its out-of-service
page with the reason and a support code, every ``kiosk`` subcommand prints one line and exits
:data:`EXIT_NOT_READY`, and ``kiosk self-check`` reports the same in its JSON. :func:`problem_from`
turns the exceptions those conditions raise into a :class:`StartupProblem`; anything else is a
bug and keeps its traceback.
"""

from __future__ import annotations

import errno
import hashlib
import os
import shutil
from pathlib import Path

from kiosk import paths
from kiosk.config import Config, ConfigError

EXIT_NOT_READY = 3  # configuration, data folder or database: staff must act (not a bad argument)
MIN_FREE_BYTES = 8 * 1024 * 1024  # below this SQLite's WAL and a print job no longer fit
_PROBE_BYTES = 64 * 1024
_FOLDER_ERRNOS = {errno.EACCES, errno.EPERM, errno.EROFS}
_FULL_ERRNOS = {errno.ENOSPC, errno.EDQUOT}

# kind → (short code for the support code, staff text zh, staff text en)
KINDS: dict[str, tuple[str, str, str]] = {
    "config": ("CFG", "配置文件有误", "the configuration is wrong"),
    "folder_unwritable": ("DIR", "数据文件夹无法写入", "the data folder cannot be written"),
    "folder_full": ("FULL", "数据盘已满", "the data folder's disk is full"),
    "database_key": ("KEY", "数据库密钥不可用", "the database key is not available"),
    "database_corrupt": (
        "DB",
        "数据库文件损坏或无法打开",
        "the database file is damaged or unreadable",
    ),
    "database_newer": ("NEW", "数据库来自更新的版本", "the database was made by a newer release"),
    "start_failures": ("LOOP", "程序多次启动失败", "the kiosk failed to start several times"),
}


class StartupProblem(Exception):
    """Why the kiosk cannot serve; ``detail`` is for staff (a path, a key name), never personal data."""

    def __init__(self, kind: str, detail: str):
        super().__init__(kind, detail)
        self.kind, self.detail = kind, detail

    def __str__(self) -> str:
        return self.one_line()

    @property
    def support_code(self) -> str:
        """Short and stable for one problem: staff read it out on the phone, support greps logs."""
        digest = hashlib.sha256(f"{self.kind}:{self.detail}".encode()).hexdigest()[:6].upper()
        return f"{KINDS[self.kind][0]}-{digest}"

    @property
    def zh(self) -> str:
        return KINDS[self.kind][1]

    @property
    def en(self) -> str:
        return KINDS[self.kind][2]

    def one_line(self) -> str:
        detail = " ".join(self.detail.split())
        return f"{self.zh} / {self.en}: {detail} [support code {self.support_code}]"

    def as_json(self) -> dict[str, str]:
        return {
            "kind": self.kind,
            "detail": self.detail,
            "support_code": self.support_code,
            "zh": self.zh,
            "en": self.en,
        }


def problem_from(exc: BaseException) -> StartupProblem | None:
    """The startup problem ``exc`` means, or None when it is not one (a bug: keep the traceback)."""
    from sqlalchemy.exc import DBAPIError

    from kiosk.storage import db, dbkey

    if isinstance(exc, StartupProblem):
        return exc
    if isinstance(exc, ConfigError):
        return StartupProblem("config", str(exc))
    if isinstance(exc, db.SchemaTooNewError):
        return StartupProblem("database_newer", str(exc))
    if isinstance(exc, dbkey.DatabaseKeyError):
        return StartupProblem("database_key", str(exc))
    if isinstance(exc, OSError) and exc.errno in _FULL_ERRNOS:
        return StartupProblem("folder_full", f"{exc.filename or paths.home()}: {exc.strerror}")
    if isinstance(exc, OSError) and exc.errno in _FOLDER_ERRNOS:
        return StartupProblem(
            "folder_unwritable", f"{exc.filename or paths.home()}: {exc.strerror}"
        )
    original = exc.orig if isinstance(exc, DBAPIError) else exc
    if isinstance(original, db.sqlcipher().Error):
        text = str(original)
        if "full" in text:
            return StartupProblem("folder_full", f"{paths.home()}: {text}")
        if "readonly" in text or "read-only" in text or "unable to open" in text:
            return StartupProblem("folder_unwritable", f"{paths.home()}: {text}")
        return StartupProblem("database_corrupt", f"{paths.database_file()}: {text}")
    return None


def check_data_folder(home: Path | None = None) -> None:
    """Raise :class:`StartupProblem` unless the data folder takes a small file and has room."""
    try:
        home = home or paths.home()
        probe = home / f".write-probe-{os.getpid()}"
        try:
            paths.write_private(probe, b"\0" * _PROBE_BYTES)
        finally:
            probe.unlink(missing_ok=True)
        free = shutil.disk_usage(home).free
    except OSError as exc:
        problem = problem_from(exc)
        raise (problem or StartupProblem("folder_unwritable", f"{exc}")) from exc
    if free < MIN_FREE_BYTES:
        raise StartupProblem("folder_full", f"{home}: {free // 1024} KB free, need 8 MB")


def preflight(*, database: bool) -> Config:
    """The configuration (validated), a writable data folder and, with ``database``, a database
    that opens with its key, is not from a newer release and passes ``quick_check``."""
    try:
        config = Config.load()
    except ConfigError as exc:
        raise StartupProblem("config", str(exc)) from exc
    check_data_folder()
    if database:
        check_database()
    return config


def check_database(path: Path | None = None) -> None:
    from kiosk.storage import db

    try:
        engine = db.make_engine(path)
        try:
            db.upgrade(engine)
        finally:
            engine.dispose()
        connection = db.connect_raw(path)
        try:
            verdict = connection.execute("PRAGMA quick_check").fetchone()[0]
        finally:
            connection.close()
    except Exception as exc:
        problem = problem_from(exc)
        if problem is None:
            raise
        raise problem from exc
    if verdict != "ok":
        raise StartupProblem("database_corrupt", f"{path or paths.database_file()}: {verdict}")

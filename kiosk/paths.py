"""The one data folder everything the kiosk writes lives in.

``KIOSK_HOME`` when set (several kiosks side by side, tests), else the platform's user data dir.
It holds personal data, so its folders are 0700 and the kiosk creates its files 0600, whatever
the umask it was started with (:func:`private_umask`).
"""

from __future__ import annotations

import contextlib
import os
import stat
import sys
from pathlib import Path

from kiosk_protocol.files import data_folder

APP_NAME = "sz-residence-kiosk"


def home() -> Path:
    return private_dir(data_folder("KIOSK_HOME", APP_NAME))


def sub(*parts: str) -> Path:
    """A folder under the data folder, created on first use (0700)."""
    base = home()
    folder = base
    for part in parts:
        folder = private_dir(folder / part)
    return folder


def private_dir(folder: Path) -> Path:
    """Create ``folder`` (and parents) 0700; tighten one an older release left group-readable."""
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    if sys.platform != "win32":
        mode = stat.S_IMODE(folder.stat().st_mode)
        if mode & 0o077 and folder.stat().st_uid == os.getuid():
            with contextlib.suppress(OSError):  # a read-only folder: start-up checks say so
                os.chmod(folder, mode & 0o700)
    return folder


def private_umask() -> int | None:
    """Whatever this process creates from now on is readable by its own user only (0600/0700).
    Returns the umask it replaced (None on Windows, where ACLs of the user's folder apply)."""
    if sys.platform == "win32":
        return None
    return os.umask(0o077)


def write_private(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` as a 0600 file, durably (fsync), whatever the umask."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | getattr(os, "O_BINARY", 0), 0o600)
    try:
        if sys.platform != "win32":
            os.fchmod(fd, 0o600)
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view) :]
        os.fsync(fd)
    finally:
        os.close(fd)


def config_file() -> Path:
    return home() / "config.toml"


def database_file() -> Path:
    return home() / "kiosk.sqlite3"


def logs_dir() -> Path:
    return sub("logs")


def print_jobs_dir() -> Path:
    return sub("print-jobs")


def photos_dir() -> Path:
    return sub("photos")

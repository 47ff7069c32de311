"""The one data folder everything the kiosk writes lives in.

``KIOSK_HOME`` when set (several kiosks side by side, tests), else the platform's user data dir.
"""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs

APP_NAME = "sz-residence-kiosk"


def home() -> Path:
    env = os.environ.get("KIOSK_HOME")
    base = (
        Path(env).expanduser()
        if env
        else Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))
    )
    base.mkdir(parents=True, exist_ok=True)
    return base


def sub(*parts: str) -> Path:
    """A folder under the data folder, created on first use."""
    folder = home().joinpath(*parts)
    folder.mkdir(parents=True, exist_ok=True)
    return folder


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

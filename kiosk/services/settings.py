"""Settings that staff may change from supervisor mode, each change audited.

Values are checked by :mod:`kiosk.config` (the one schema), written with ``kiosk.config.save``
(atomic), and every changed key gets its own audit entry with old and new value. Only keys
that are already in ``config.toml`` or changed here are written, so defaults keep following new
releases and environment overrides never get frozen into the file.
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from kiosk import config, paths
from kiosk.config import SCHEMA, ConfigError, Setting
from kiosk.storage import audit


@dataclass(frozen=True)
class Group:
    key: str
    keys: tuple[str, ...]


# What the settings screen shows, in order; anything else stays a file/CLI matter.
GROUPS: tuple[Group, ...] = (
    Group(
        "place",
        (
            "point.code",
            "kiosk.id",
            "kiosk.queue_letter",
            "kiosk.language",
            "voice.chinese",
            "kiosk.large_text",
            "kiosk.fullscreen",
        ),
    ),
    Group("hub", ("hub.url", "sync.retention_days")),
    Group("backup", ("backup.folder", "backup.keep", "backup.public_key")),
    Group(
        "devices",
        (
            "reader.port",
            "reader.baud",
            "camera.source",
            "printer.form",
            "printer.receipt",
            "printer.receipt_paper",
        ),
    ),
    Group(
        "timeouts",
        (
            "timeouts.idle_seconds",
            "timeouts.idle_countdown",
            "timeouts.supervisor_idle",
            "supervisor.lockout_minutes",
        ),
    ),
)
EDITABLE: frozenset[str] = frozenset(k for g in GROUPS for k in g.keys)
_BY_KEY: dict[str, Setting] = {s.key: s for s in SCHEMA}


def setting(key: str) -> Setting:
    return _BY_KEY[key]


def _file_values(path: Path) -> dict[str, Any]:
    if not path.exists():
        return {}
    with path.open("rb") as fh:
        tree = tomllib.load(fh)
    flat: dict[str, Any] = {}
    for section, items in tree.items():
        if isinstance(items, dict):
            for name, value in items.items():
                flat[f"{section}.{name}"] = value
    return flat


def current(path: Path | None = None) -> config.Config:
    return config.Config.load(path or paths.config_file())


def apply(
    session: Session, actor: str, changes: Mapping[str, Any], path: Path | None = None
) -> dict[str, tuple[Any, Any]]:
    """Check, audit and save ``changes`` (dotted key → value); returns the keys that really changed.

    Raises :class:`ConfigError` (naming the key) before anything is written when a value is bad.
    """
    path = path or paths.config_file()
    unknown = set(changes) - EDITABLE
    if unknown:
        raise ConfigError(f"{sorted(unknown)[0]}: not changeable from supervisor mode")
    before = config.Config.load(path, environ={})
    after = config.Config.load(path, environ={}, overrides=changes)  # checks every value
    changed = {k: (before[k], after[k]) for k in changes if before[k] != after[k]}
    if not changed:
        return {}
    for key, (old, new) in changed.items():
        audit.append(session, actor, "settings.change", subject=key, detail=f"{old!r} -> {new!r}")
    values = _file_values(path)
    values.update({k: new for k, (_old, new) in changed.items()})
    config.save(values, path)
    return changed

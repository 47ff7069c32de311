"""Kiosk configuration: one schema with defaults, a TOML file in the data folder, env overrides.

Keys are dotted (``reader.port``). The file ``config.toml`` uses sections (``[reader] port = ...``);
the environment overrides a key as ``KIOSK_READER_PORT``. A bad value is refused with a message
naming the key, so an administrator can fix it.
"""

from __future__ import annotations

import base64
import os
import re
import tomllib
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kiosk import paths


class ConfigError(ValueError):
    """A configuration value was refused; the message names the key."""


@dataclass(frozen=True)
class Setting:
    key: str
    type: type
    default: Any
    description: str
    check: Callable[[Any], bool] | None = None
    hint: str = ""


def _positive(v: float) -> bool:
    return v > 0


def _lang(v: str) -> bool:
    return v in ("zh", "en")


def _point_code(v: str) -> bool:
    return re.fullmatch(r"[A-Z0-9]{2,8}", v) is not None


def _kiosk_id(v: str) -> bool:
    return re.fullmatch(r"[A-Z0-9]{1,8}", v) is not None


def _backup_key(v: str) -> bool:
    try:
        return v == "" or len(base64.b64decode(v, validate=True)) == 32
    except ValueError:
        return False


def _regex(v: str) -> bool:
    try:
        re.compile(v)
    except re.error:
        return False
    return True


SCHEMA: tuple[Setting, ...] = (
    Setting(
        "point.code", str, "FT01", "Acceptance point (受理点) code", _point_code, "2-8 of A-Z 0-9"
    ),
    Setting(
        "kiosk.id",
        str,
        "K01",
        "This kiosk's id, unique within the acceptance point",
        _kiosk_id,
        "1-8 of A-Z 0-9",
    ),
    Setting(
        "kiosk.queue_letter",
        str,
        "A",
        "Letter of this kiosk's queue numbers (A012); give each kiosk at a point its own",
        lambda v: re.fullmatch(r"[A-Z]", v) is not None,
        "one of A-Z",
    ),
    Setting(
        "kiosk.language", str, "zh", "Default language of the welcome screen", _lang, "zh or en"
    ),
    Setting(
        "voice.chinese",
        str,
        "mandarin",
        "Chinese prompts spoken in Mandarin, or in Cantonese (espeak-ng's yue voice)",
        lambda v: v in ("mandarin", "cantonese"),
        "mandarin or cantonese",
    ),
    Setting("kiosk.large_text", bool, False, "Start in large-text mode"),
    Setting("kiosk.fullscreen", bool, True, "Run full screen"),
    Setting(
        "reader.port", str, "", "ID-card reader port or pyserial URL (empty: simulator in demo)"
    ),
    Setting("reader.baud", int, 115200, "Reader baud rate (0: detect)", lambda v: v >= 0),
    Setting(
        "reader.find_timeout", float, 1.0, "Seconds to wait for a find/select answer", _positive
    ),
    Setting("reader.read_timeout", float, 3.0, "Seconds to wait for a read answer", _positive),
    Setting(
        "reader.poll_interval", float, 0.25, "Seconds between polls of an empty reader", _positive
    ),
    Setting(
        "reader.wlt_library",
        str,
        "",
        "Vendor WLT photo decoder (libwlt2bmp.so / WltRS.dll); empty: photo not decoded",
    ),
    Setting(
        "camera.source",
        str,
        "0",
        "Camera device index, video file or stream URL (empty: simulator)",
    ),
    Setting("camera.width", int, 640, "Capture width", _positive),
    Setting("camera.height", int, 480, "Capture height", _positive),
    Setting(
        "photo.number_pattern",
        str,
        r"^[0-9A-Z]{6,24}$",
        "Pattern a typed 数码照相图像号 must match",
        _regex,
        "a regular expression",
    ),
    Setting(
        "photo.max_failures", int, 3, "Failed captures before staff help is offered", _positive
    ),
    Setting(
        "photo.face_width_min",
        float,
        0.50,
        "Smallest face width as a share of photo width",
        _positive,
    ),
    Setting(
        "photo.face_width_max",
        float,
        0.75,
        "Largest face width as a share of photo width",
        _positive,
    ),
    Setting("printer.form", str, "folder", "Form printer: folder, cups:QUEUE", None),
    Setting(
        "printer.receipt", str, "folder", "Receipt printer: folder, cups:QUEUE, escpos:PORT", None
    ),
    Setting(
        "printer.receipt_paper",
        str,
        "80mm",
        "Receipt paper: 80mm or a4",
        lambda v: v in ("80mm", "a4"),
        "80mm or a4",
    ),
    Setting(
        "printer.escpos_baud", int, 19200, "Baud rate of an escpos: receipt printer", _positive
    ),
    Setting(
        "printer.retry_seconds",
        float,
        10.0,
        "First delay before a failed print job is retried (doubles, max 5 min)",
        _positive,
    ),
    Setting(
        "printer.max_attempts",
        int,
        8,
        "Failed attempts before a print job is held for staff",
        _positive,
    ),
    Setting(
        "timeouts.idle_seconds", int, 90, "Quiet seconds before 'are you still there?'", _positive
    ),
    Setting(
        "timeouts.idle_countdown", int, 20, "Seconds of that countdown before the wipe", _positive
    ),
    Setting(
        "timeouts.done_seconds",
        int,
        20,
        "Seconds the done screen stays before it returns to the welcome screen by itself",
        _positive,
    ),
    Setting(
        "timeouts.elder_idle_seconds",
        int,
        180,
        "Quiet seconds before 'are you still there?' in elder mode (a card of someone 60+)",
        _positive,
    ),
    Setting(
        "timeouts.supervisor_idle", int, 180, "Quiet seconds before staff are logged out", _positive
    ),
    Setting("hub.url", str, "", "Back-office hub URL (empty: not enrolled)"),
    Setting(
        "sync.retention_days",
        int,
        7,
        "Days the counter keeps plaintext after the hub acknowledged",
        lambda v: v >= 0,
    ),
    Setting(
        "sync.demo",
        bool,
        False,
        "Before enrolment, take applicants sealed to the demo key (never sent); "
        "false: refuse them until enrolled (kiosk --demo, the walkthrough and demo-data set it)",
    ),
    Setting(
        "sync.backoff_base",
        float,
        5.0,
        "Seconds: first retry wait (full jitter, doubling)",
        _positive,
    ),
    Setting("sync.backoff_cap", float, 900.0, "Seconds: longest retry wait", _positive),
    Setting("sync.idle_poll", float, 5.0, "Seconds between looks at an empty queue", _positive),
    Setting(
        "sync.lease_seconds",
        float,
        120.0,
        "Seconds an item stays claimed by a sending worker",
        _positive,
    ),
    Setting("sync.timeout", float, 30.0, "Seconds to wait for the hub on one request", _positive),
    Setting(
        "sync.ca_file", str, "", "CA certificate file for a hub with a private TLS certificate"
    ),
    Setting(
        "sync.progress_url",
        str,
        "",
        "The hub's address as phones reach it (https://…); the slip then carries a QR code of "
        "its progress page /p/<token>. Empty: no such QR code",
        lambda v: v == "" or v.startswith(("https://", "http://")),
        "empty, or an http(s):// address",
    ),
    Setting(
        "supervisor.lockout_minutes",
        int,
        15,
        "Minutes an account stays locked after 5 wrong PINs",
        _positive,
    ),
    Setting(
        "setup.completed",
        str,
        "",
        "When the first-run setup wizard finished (ISO time; empty: show it on next start)",
    ),
    Setting(
        "backup.public_key",
        str,
        "",
        "The office's backup key, public half (base64); its private half stays off the kiosk",
        _backup_key,
        "44 characters of base64 (kiosk backup key new)",
    ),
    Setting(
        "backup.key_file",
        str,
        "",
        "Where the private backup key was written (named in backup output; demo: in the data folder)",
    ),
    Setting("backup.folder", str, "", "Folder for the daily backup (USB drive or network share)"),
    Setting("backup.keep", int, 14, "How many daily backups to keep in that folder", _positive),
)
_BY_KEY = {s.key: s for s in SCHEMA}


def _coerce(setting: Setting, raw: Any, origin: str) -> Any:
    want = setting.type
    try:
        if want is bool:
            if isinstance(raw, bool):
                value: Any = raw
            elif isinstance(raw, str) and raw.lower() in ("1", "true", "yes", "on"):
                value = True
            elif isinstance(raw, str) and raw.lower() in ("0", "false", "no", "off"):
                value = False
            else:
                raise ValueError(raw)
        elif want is int:
            if isinstance(raw, bool):
                raise ValueError(raw)
            value = int(raw)
            if isinstance(raw, float) and raw != value:
                raise ValueError(raw)
        elif want is float:
            if isinstance(raw, bool):
                raise ValueError(raw)
            value = float(raw)
        else:
            if not isinstance(raw, str):
                raise ValueError(raw)
            value = raw
    except (TypeError, ValueError):
        raise ConfigError(
            f"{setting.key}: {raw!r} from {origin} is not a {want.__name__}"
        ) from None
    if setting.check is not None and not setting.check(value):
        hint = f" (expected {setting.hint})" if setting.hint else ""
        raise ConfigError(f"{setting.key}: {raw!r} from {origin} is not allowed{hint}")
    return value


def _flatten(tree: Mapping[str, Any], prefix: str = "") -> dict[str, Any]:
    flat: dict[str, Any] = {}
    for key, value in tree.items():
        full = f"{prefix}{key}"
        if isinstance(value, Mapping):
            flat.update(_flatten(value, full + "."))
        else:
            flat[full] = value
    return flat


def env_name(key: str) -> str:
    return "KIOSK_" + key.replace(".", "_").upper()


class Config:
    """Resolved settings: defaults < config.toml < environment < explicit overrides."""

    def __init__(self, values: dict[str, Any], source: Path | None = None):
        self._values = values
        self.source = source

    @classmethod
    def load(
        cls,
        path: Path | None = None,
        environ: Mapping[str, str] | None = None,
        overrides: Mapping[str, Any] | None = None,
    ) -> Config:
        path = path or paths.config_file()
        environ = os.environ if environ is None else environ
        values = {s.key: s.default for s in SCHEMA}
        if path.exists():
            try:
                with path.open("rb") as fh:
                    tree = tomllib.load(fh)
            except tomllib.TOMLDecodeError as exc:
                raise ConfigError(f"{path}: not valid TOML ({exc})") from None
            for key, raw in _flatten(tree).items():
                if key not in _BY_KEY:
                    raise ConfigError(f"{key}: unknown setting in {path}")
                values[key] = _coerce(_BY_KEY[key], raw, str(path))
        for setting in SCHEMA:
            name = env_name(setting.key)
            if name in environ:
                values[setting.key] = _coerce(setting, environ[name], name)
        for key, raw in (overrides or {}).items():
            if key not in _BY_KEY:
                raise ConfigError(f"{key}: unknown setting")
            values[key] = _coerce(_BY_KEY[key], raw, "override")
        return cls(values, path)

    def __getitem__(self, key: str) -> Any:
        return self._values[key]

    def get(self, key: str, default: Any = None) -> Any:
        return self._values.get(key, default)

    def as_dict(self) -> dict[str, Any]:
        return dict(self._values)

    def with_values(self, **changes: Any) -> Config:
        """A copy with dotted keys given as ``point__code=...`` style arguments."""
        updated = dict(self._values)
        for name, raw in changes.items():
            key = name.replace("__", ".")
            updated[key] = _coerce(_BY_KEY[key], raw, "override")
        return Config(updated, self.source)


def save(values: Mapping[str, Any], path: Path | None = None) -> Path:
    """Write the non-default values as ``config.toml`` (atomically: write, fsync, rename)."""
    path = path or paths.config_file()
    sections: dict[str, dict[str, Any]] = {}
    for key, value in values.items():
        setting = _BY_KEY.get(key)
        if setting is None:
            raise ConfigError(f"{key}: unknown setting")
        value = _coerce(setting, value, "save")
        section, name = key.rsplit(".", 1)
        sections.setdefault(section, {})[name] = value
    lines: list[str] = []
    for section, items in sections.items():
        lines.append(f"[{section}]")
        for name, value in items.items():
            lines.append(f"{name} = {_toml_value(value)}")
        lines.append("")
    tmp = path.with_suffix(".tmp")
    with tmp.open("w", encoding="utf-8") as fh:
        fh.write("\n".join(lines))
        fh.flush()
        os.fsync(fh.fileno())
    tmp.replace(path)
    return path


def _toml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    escaped = str(value).replace("\\", "\\\\").replace('"', '\\"')
    return f'"{escaped}"'

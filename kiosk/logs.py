"""Named per-subsystem loggers writing to a rotating file, with personal data masked.

Every record passes a redaction filter: anything shaped like an ID number is masked, and so is
every value registered as sensitive for the current visit (the applicant's name, phone...), so a
careless ``log.info(card)`` still cannot leak it.
"""

from __future__ import annotations

import logging
import logging.handlers
import re
import threading
from pathlib import Path

from kiosk import paths

SUBSYSTEMS = (
    "kiosk",
    "kiosk.devices",
    "kiosk.workflow",
    "kiosk.ui",
    "kiosk.db",
    "kiosk.sync",
    "kiosk.print",
    "kiosk.photo",
    "kiosk.audit",
)

# 18-char ID numbers (also inside longer digit runs), 15-digit old ones and HK/Macau/Taiwan J-card numbers
_ID_PATTERN = re.compile(r"(?<![0-9A-Za-z])(\d{6})(\d{8,11})(\d{3}[\dXx]|\d)(?![0-9A-Za-z])")
_PHONE_PATTERN = re.compile(r"(?<!\d)(1[3-9]\d)(\d{4})(\d{4})(?!\d)")

_sensitive: set[str] = set()
_sensitive_lock = threading.Lock()


def register_sensitive(*values: str | None) -> None:
    """Mask these exact strings in every later log line (until :func:`forget_sensitive`)."""
    with _sensitive_lock:
        _sensitive.update(v for v in values if v and len(v.strip()) >= 1)


def forget_sensitive() -> None:
    with _sensitive_lock:
        _sensitive.clear()


def mask_value(value: str) -> str:
    if len(value) <= 1:
        return "*"
    return value[0] + "*" * (len(value) - 1)


def redact(text: str) -> str:
    """Mask ID numbers, mobile numbers and registered personal values in ``text``."""
    text = _ID_PATTERN.sub(
        lambda m: m.group(1)[:4] + "*" * (len(m.group(0)) - 8) + m.group(0)[-4:], text
    )
    text = _PHONE_PATTERN.sub(lambda m: m.group(1) + "****" + m.group(3), text)
    with _sensitive_lock:
        values = sorted(_sensitive, key=len, reverse=True)
    for value in values:
        text = text.replace(value, mask_value(value))
    return text


class RedactingFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        record.msg = redact(message)
        record.args = None
        if record.exc_text:
            record.exc_text = redact(record.exc_text)
        return True


_configured: Path | None = None


def setup(log_dir: Path | None = None, level: int = logging.INFO, to_stderr: bool = False) -> Path:
    """Send all kiosk loggers to ``kiosk.log`` in the data folder (rotating: 5 × 2 MB)."""
    global _configured
    log_dir = log_dir or paths.logs_dir()
    log_file = log_dir / "kiosk.log"
    if _configured == log_file:
        return log_file
    root = logging.getLogger("kiosk")
    for handler in list(root.handlers):
        root.removeHandler(handler)
        handler.close()
    handler = logging.handlers.RotatingFileHandler(
        log_file, maxBytes=2_000_000, backupCount=5, encoding="utf-8"
    )
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    handler.addFilter(RedactingFilter())
    root.addHandler(handler)
    if to_stderr:
        err = logging.StreamHandler()
        err.addFilter(RedactingFilter())
        err.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))
        root.addHandler(err)
    root.setLevel(level)
    _configured = log_file
    return log_file


def get(name: str) -> logging.Logger:
    """A subsystem logger: ``get('devices')`` is ``kiosk.devices``."""
    return logging.getLogger(name if name.startswith("kiosk") else f"kiosk.{name}")


def teardown() -> None:
    """Close and remove the kiosk's handlers (end of a process, or a test that called setup)."""
    global _configured
    root = logging.getLogger("kiosk")
    for handler in list(root.handlers):
        root.removeHandler(handler)
        handler.close()
    _configured = None

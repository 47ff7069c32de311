"""Named per-subsystem loggers writing to a rotating file, with personal data masked.

Every record passes a redaction filter: anything shaped like an ID number, a 14-digit permit
number or a phone number (ASCII or full-width digits, with +86, spaces or dashes, even glued to
letters) is masked, and so is every value registered for the current visit (the UI registers the
card's name, ID number and address and the phone typed, and forgets them at the wipe), so a
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

# Matching runs on a copy with full-width digits, letters and signs made ASCII (same length, so
# the spans fit the original). Python's \d also matches other scripts' digits: use [0-9].
_HALF_WIDTH = str.maketrans(
    {
        **{chr(0xFF10 + i): str(i) for i in range(10)},
        "Ｘ": "X",
        "ｘ": "x",
        "＋": "+",
        "－": "-",
        "　": " ",
    }
)
# ID numbers (18 with a check X, old 15-digit ones), 14-digit permit numbers and any longer digit
# run, even glued to letters ("ID11010519491231002Xok"): keep 4 digits at each end.
_LONG_NUMBER = re.compile(r"(?<![0-9])[0-9]{17}[0-9Xx]|(?<![0-9])[0-9]{14,}")
# mobiles, with or without +86 / 0086, spaces or dashes: keep the first 3 and last 4 digits
_PHONE = re.compile(
    r"(?<![0-9])(?P<prefix>(?:\+|00)86[ -]?)?1[3-9][0-9](?:[ -]?[0-9]){4}(?:[ -]?[0-9]){4}(?![0-9])"
)
# landlines with an area code: 0755-8888 1234, (0755) 88881234
_LANDLINE = re.compile(r"(?<![0-9])\(?0[0-9]{2,3}\)?[ -][0-9]{3,4}[ -]?[0-9]{4}(?![0-9])")
_MIN_REGISTERED = 2  # a one-character "value" would mask that character everywhere

_sensitive: set[str] = set()
_sensitive_lock = threading.Lock()


def register_sensitive(*values: str | None) -> None:
    """Mask these exact strings in every later log line (until :func:`forget_sensitive`)."""
    with _sensitive_lock:
        for value in values:
            if value and len(value.strip()) >= _MIN_REGISTERED:
                _sensitive.add(value.strip())
                ascii_form = value.strip().translate(_HALF_WIDTH)
                _sensitive.add(ascii_form)


def forget_sensitive() -> None:
    with _sensitive_lock:
        _sensitive.clear()


def mask_value(value: str) -> str:
    if len(value) <= 1:
        return "*"
    return value[0] + "*" * (len(value) - 1)


def _mask_digits(text: str, keep_first: int, keep_last: int) -> str:
    """Star every digit of ``text`` except the first and last few; separators stay."""
    positions = [i for i, ch in enumerate(text.translate(_HALF_WIDTH)) if ch in "0123456789Xx"]
    hidden = set(positions[keep_first : len(positions) - keep_last])
    return "".join("*" if i in hidden else ch for i, ch in enumerate(text))


def redact(text: str) -> str:
    """Mask ID and permit numbers, phone numbers and registered personal values in ``text``."""
    with _sensitive_lock:
        values = sorted(_sensitive, key=len, reverse=True)
    for value in values:
        text = text.replace(value, mask_value(value))
    plain = text.translate(_HALF_WIDTH)
    spans: list[tuple[int, int, int, int]] = []
    for pattern, keep_first, keep_last in ((_PHONE, 3, 4), (_LONG_NUMBER, 4, 4), (_LANDLINE, 4, 2)):
        for match in pattern.finditer(plain):
            if any(a < match.end() and match.start() < b for a, b, _, _ in spans):
                continue
            prefix = match.groupdict().get("prefix") or ""
            first = keep_first + sum(ch.isdigit() for ch in prefix)  # +86 stays readable
            spans.append((match.start(), match.end(), first, keep_last))
    for start, end, first, last in sorted(spans, reverse=True):
        text = text[:start] + _mask_digits(text[start:end], first, last) + text[end:]
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


def setup_stderr(level: int = logging.INFO) -> None:
    """Only standard error (the journal under systemd): when the data folder takes no log file."""
    global _configured
    root = logging.getLogger("kiosk")
    for handler in list(root.handlers):
        root.removeHandler(handler)
        handler.close()
    err = logging.StreamHandler()
    err.addFilter(RedactingFilter())
    err.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))
    root.addHandler(err)
    root.setLevel(level)
    _configured = None


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

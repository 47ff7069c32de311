"""Error types shared by every device kind (reader, camera, printers).

Each carries a stable ``code`` for programs and the same sentence in Chinese and English, so the
UI can show ``exc.message.zh`` and a log or a CLI can print ``str(exc)`` (English, then Chinese).
"""

from __future__ import annotations

from kiosk.domain.messages import Message


class DeviceError(Exception):
    """A device could not do what was asked."""

    default_code = "device_error"

    def __init__(self, zh: str, en: str | None = None, *, code: str | None = None):
        self.message = Message(code or self.default_code, zh, en if en is not None else zh)
        super().__init__(self.message.en if self.message.en == zh else f"{self.message.en} ({zh})")

    @property
    def code(self) -> str:
        return self.message.code


class DeviceNotFoundError(DeviceError):
    """The device is not there: no such port, unplugged, or it cannot be opened."""

    default_code = "device_not_found"


class DeviceTimeoutError(DeviceError):
    """The device did not answer within its deadline."""

    default_code = "device_timeout"

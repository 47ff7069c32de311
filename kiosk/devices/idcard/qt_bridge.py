"""Qt signals for the ID-card reader (QtCore only; the UI connects to them).

The driver calls :meth:`ReaderBridge.deliver` from its own thread; emitting there is safe, and
Qt queues each signal to receivers living in the GUI thread, so the GUI never waits for the
serial line. With a WLT library configured, the photo is decoded in a worker thread (the vendor
code itself runs in a child process) and arrives later as ``photoDecoded``.

    bridge = ReaderBridge()
    driver = ReaderDriver(port, baud, DriverConfig.from_config(cfg), on_event=bridge.deliver)
    bridge.cardRead.connect(screen.show_card); driver.start()
"""

from __future__ import annotations

import threading
from pathlib import Path

from PySide6.QtCore import QObject, Signal

from kiosk.devices.idcard import wlt
from kiosk.devices.idcard.events import (
    CardRead,
    CardRemoved,
    CardStillPresent,
    ReaderError,
    ReaderEvent,
    ReaderFound,
    ReaderLost,
)


class ReaderBridge(QObject):
    cardRead = Signal(object)  # IdentityCard
    cardRemoved = Signal()
    cardStillPresent = Signal(object, float)  # IdentityCard, seconds since it was read
    readerError = Signal(str, str, str)  # code, zh, en
    readerLost = Signal(str, str)  # zh, en
    readerFound = Signal(str, int)  # port, baud
    photoDecoded = Signal(str, object)  # state (decoded|not_decodable|failed), BMP bytes or None

    def __init__(self, wlt_library: str | Path | None = None, parent: QObject | None = None):
        super().__init__(parent)
        self.wlt_library = wlt_library

    def deliver(self, event: ReaderEvent) -> None:
        """The driver's ``on_event``: turn one event into its signal (any thread)."""
        if isinstance(event, CardRead):
            self.cardRead.emit(event.card)
            if event.card.photo_wlt:
                self._decode_photo(event.card.photo_wlt)
        elif isinstance(event, CardRemoved):
            self.cardRemoved.emit()
        elif isinstance(event, CardStillPresent):
            self.cardStillPresent.emit(event.card, event.seconds)
        elif isinstance(event, ReaderError):
            self.readerError.emit(event.code, event.message.zh, event.message.en)
        elif isinstance(event, ReaderLost):
            self.readerLost.emit(event.message.zh, event.message.en)
        elif isinstance(event, ReaderFound):
            self.readerFound.emit(event.port, event.baud)

    def _decode_photo(self, photo: bytes) -> None:
        if not self.wlt_library:
            self.photoDecoded.emit("not_decodable", None)
            return

        def work() -> None:
            result = wlt.decode(photo, self.wlt_library)
            self.photoDecoded.emit(result.state, result.bmp)

        threading.Thread(target=work, name="wlt-decode", daemon=True).start()

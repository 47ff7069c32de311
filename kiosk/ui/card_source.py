"""Where ID cards come from, as Qt signals on the GUI thread.

:class:`ReaderCardSource` runs the real driver (kiosk.devices.idcard) in its thread and takes its
events through the reader's Qt bridge (:class:`kiosk.devices.idcard.qt_bridge.ReaderBridge`),
which queues them to the GUI thread; the reader's errors become ``readerProblem``. In demo mode it
drives the pseudo-terminal :class:`SimulatedReader`, and :meth:`place`/:meth:`remove` lay a sample
card on it (the demo panel and the F-keys use them). :class:`DirectCardSource` skips the serial
link (tests, walkthrough, bench): the same signals, emitted at once.

A read arrives as a :class:`CardRead`; the window hands it to the screen on show
(``Screen.on_card``), and only the screens that ask for a card take it into the visit.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Signal

from kiosk import logs
from kiosk.config import Config
from kiosk.domain.identity import IdentityCard
from kiosk.domain.messages import Message
from kiosk.ui.texts import both

if TYPE_CHECKING:
    from kiosk.devices.idcard.driver import ReaderDriver
    from kiosk.devices.idcard.qt_bridge import ReaderBridge
    from kiosk.devices.idcard.simulator import SimulatedReader

_log = logs.get("kiosk.ui")


@dataclass(frozen=True)
class CardRead:
    """One card on the reader, as the screens receive it."""

    card: IdentityCard

    def same_person(self, other: IdentityCard | None) -> bool:
        return other is not None and other.id_number == self.card.id_number


class CardSource(QObject):
    cardRead = Signal(object)  # CardRead
    cardRemoved = Signal()
    cardStillPresent = Signal(object, float)  # IdentityCard, seconds since it was read
    readerProblem = Signal(object)  # Message, or None when the reader is fine again

    def place(self, card: str | IdentityCard) -> None:  # demo: lay a sample card on the reader
        raise NotImplementedError

    def remove(self) -> None:
        raise NotImplementedError

    def start(self) -> None:
        pass

    def stop(self) -> None:
        pass

    @staticmethod
    def sample(card: str | IdentityCard) -> IdentityCard:
        from kiosk.devices.idcard import samples

        return samples.load(card) if isinstance(card, str) else card


class DirectCardSource(CardSource):
    """The simulator without its serial link: a card placed is read at once."""

    def __init__(self, parent: QObject | None = None):
        super().__init__(parent)
        self.present: IdentityCard | None = None

    def place(self, card: str | IdentityCard) -> None:
        self.present = self.sample(card)
        self.cardRead.emit(CardRead(self.present))

    def remove(self) -> None:
        if self.present is not None:
            self.present = None
            self.cardRemoved.emit()


class ReaderCardSource(CardSource):
    """The reader driver on a port; ``simulate`` starts a SimulatedReader on a pseudo-terminal."""

    def __init__(self, config: Config, simulate: bool, parent: QObject | None = None):
        super().__init__(parent)
        self.config, self.simulate = config, simulate
        self.simulator: SimulatedReader | None = None
        self.driver: ReaderDriver | None = None
        self.bridge: ReaderBridge | None = None

    def start(self) -> None:
        from kiosk.devices.idcard.driver import DriverConfig, ReaderDriver
        from kiosk.devices.idcard.qt_bridge import ReaderBridge

        port = str(self.config["reader.port"])
        if not self.simulate and not port:
            # a kiosk in service never falls back to the simulator: staff see this on the
            # devices screen and in the self-check, and set reader.port
            _log.warning("no reader port configured: the card reader is not started")
            self.readerProblem.emit(Message("no_port", *both("reader.no_port")))
            return
        if self.simulate:
            from kiosk.devices.idcard.simulator import SimulatedReader

            self.simulator = SimulatedReader().start()
            port = self.simulator.port
        # The bridge lives in the GUI thread: what it emits from the driver thread is queued
        # here. No WLT library: no applicant screen shows the card's own photo, so it is not
        # decoded (pass config["reader.wlt_library"] and connect photoDecoded when one does).
        self.bridge = ReaderBridge(None, self)
        self.bridge.cardRead.connect(self._on_read)
        self.bridge.cardRemoved.connect(self.cardRemoved)
        self.bridge.cardStillPresent.connect(self.cardStillPresent)
        self.bridge.readerError.connect(self._on_error)
        self.bridge.readerLost.connect(self._on_lost)
        self.bridge.readerFound.connect(self._on_found)
        self.driver = ReaderDriver(
            port,
            int(self.config["reader.baud"]),
            DriverConfig.from_config(self.config),
            self.bridge.deliver,
        ).start()
        _log.info("card reader started (%s)", "simulator" if self.simulator else "device")

    def _on_read(self, card: IdentityCard) -> None:
        self.cardRead.emit(CardRead(card))

    def _on_error(self, code: str, zh: str, en: str) -> None:
        self.readerProblem.emit(Message(code, zh, en))

    def _on_lost(self, zh: str, en: str) -> None:
        from kiosk.devices.idcard import status

        self.readerProblem.emit(Message(status.LOST.name, zh, en))

    def _on_found(self, _port: str, _baud: int) -> None:
        self.readerProblem.emit(None)

    def stop(self) -> None:
        if self.driver is not None:
            self.driver.stop()
        if self.simulator is not None:
            self.simulator.stop()
        self.driver = self.simulator = None

    def place(self, card: str | IdentityCard) -> None:
        if self.simulator is not None:
            self.simulator.place(card)

    def remove(self) -> None:
        if self.simulator is not None:
            self.simulator.remove()

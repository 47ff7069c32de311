"""Where ID cards come from, as Qt signals on the GUI thread.

:class:`ReaderCardSource` runs the real driver (kiosk.devices.idcard) in its thread; in demo mode it
drives the pseudo-terminal :class:`SimulatedReader`, and :meth:`place`/:meth:`remove` lay a sample
card on it (the demo panel and the F-keys use them). :class:`DirectCardSource` skips the serial
link (tests, walkthrough, bench): the same signals, emitted at once.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QObject, Signal

from kiosk import logs
from kiosk.domain.identity import IdentityCard

_log = logs.get("kiosk.ui")


class CardSource(QObject):
    cardRead = Signal(object)  # IdentityCard
    cardRemoved = Signal()
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
        self.cardRead.emit(self.present)

    def remove(self) -> None:
        if self.present is not None:
            self.present = None
            self.cardRemoved.emit()


class ReaderCardSource(CardSource):
    """The reader driver on a port; ``simulate`` starts a SimulatedReader on a pseudo-terminal."""

    def __init__(self, config: Any, simulate: bool, parent: QObject | None = None):
        super().__init__(parent)
        self.config, self.simulate = config, simulate
        self.simulator: Any = None
        self.driver: Any = None

    def start(self) -> None:
        from kiosk.devices.idcard import events
        from kiosk.devices.idcard.driver import DriverConfig, ReaderDriver

        port = str(self.config["reader.port"])
        if self.simulate or not port:
            from kiosk.devices.idcard.simulator import SimulatedReader

            self.simulator = SimulatedReader().start()
            port = self.simulator.port

        def on_event(event: object) -> None:  # driver thread: signals queue to the GUI thread
            if isinstance(event, events.CardRead):
                self.cardRead.emit(event.card)
            elif isinstance(event, events.CardRemoved):
                self.cardRemoved.emit()
            elif isinstance(event, events.ReaderError | events.ReaderLost):
                self.readerProblem.emit(event.message)
            elif isinstance(event, events.ReaderFound):
                self.readerProblem.emit(None)

        self.driver = ReaderDriver(
            port, int(self.config["reader.baud"]), DriverConfig.from_config(self.config), on_event
        ).start()
        _log.info("card reader started (%s)", "simulator" if self.simulator else "device")

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

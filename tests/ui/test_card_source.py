"""The reader behind the applicant screens: driver → Qt bridge → CardSource signals, on the GUI
thread, with the pseudo-terminal simulator standing in for the device."""

from __future__ import annotations

import threading

from kiosk.config import Config
from kiosk.devices.idcard import samples
from kiosk.ui.card_source import ReaderCardSource


def test_reader_card_source_goes_through_the_bridge(qtbot) -> None:
    source = ReaderCardSource(Config.load(), simulate=True)
    seen: list[str] = []
    source.cardRead.connect(lambda _card: seen.append(threading.current_thread().name))
    problems: list[object] = []
    source.readerProblem.connect(problems.append)
    with qtbot.waitSignal(source.readerProblem, timeout=10000):  # ReaderFound: "fine" (None)
        source.start()
    try:
        assert source.bridge is not None and problems == [None]
        with qtbot.waitSignal(source.cardRead, timeout=10000) as read:
            source.place("resident")
        assert read.args[0].card.id_number == samples.load("resident").id_number
        assert seen == [threading.main_thread().name]  # queued to the GUI thread
        with qtbot.waitSignal(source.cardRemoved, timeout=10000):
            source.remove()
    finally:
        source.stop()

"""The kiosk offscreen with its real parts (SQLite in KIOSK_HOME, the folder printer, the card
simulator without its serial link), as tests/ui uses it."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from kiosk.config import Config
from kiosk.ui.app import Kiosk, build
from kiosk.ui.card_source import DirectCardSource


@pytest.fixture
def make_kiosk(qtbot) -> Iterator:
    made: list[Kiosk] = []

    def make(camera: bool = True, **config: object) -> Kiosk:
        config = {"timeouts.done_seconds": 2, **config}  # as tests/ui: the countdown, shortened
        kiosk = build(Config.load().with_values(**config), demo=True, cards=DirectCardSource())
        kiosk.finish_start()
        if not camera:
            kiosk.ctx.make_camera = None
        kiosk.window.resize(1920, 1080)
        qtbot.addWidget(kiosk.window)
        kiosk.window.show()
        qtbot.waitUntil(lambda: kiosk.window.state == "welcome")
        made.append(kiosk)
        return kiosk

    yield make
    for kiosk in made:
        kiosk.stop()

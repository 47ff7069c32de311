"""The kiosk UI offscreen with its real parts: SQLite in KIOSK_HOME, the folder printer, the
simulated camera, and the card simulator without its serial link (DirectCardSource)."""

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
        # the done screen's countdown is shortened (20 s in the product): a walked journey waits
        # for it to return to the welcome screen by itself, which is what is tested, not its length
        config = {"timeouts.done_seconds": 2, **config}
        kiosk = build(Config.load().with_values(**config), demo=True, cards=DirectCardSource())
        kiosk.finish_start()  # fully started, as a kiosk is before its first applicant comes
        if not camera:
            kiosk.ctx.make_camera = None
        kiosk.window.resize(1280, 860)
        qtbot.addWidget(kiosk.window)
        kiosk.window.show()
        qtbot.waitUntil(lambda: kiosk.window.state == "welcome")
        made.append(kiosk)
        return kiosk

    yield make
    for kiosk in made:
        kiosk.stop()

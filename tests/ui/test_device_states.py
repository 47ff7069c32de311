"""The reader's and the camera's states reach what the kiosk reports to the hub's fleet view."""

from __future__ import annotations

from ui_parts import renewal_to_phone

from kiosk.domain.messages import Message
from kiosk.sync import inbox


def test_reader_problems_and_reads_are_reported(make_kiosk) -> None:
    kiosk = make_kiosk(camera=False)
    cards = kiosk.ctx.cards
    cards.readerProblem.emit(Message("reader_lost", "读卡器已断开", "The reader is disconnected"))
    assert inbox.report(kiosk.ctx.factory)["reader"] == "reader_lost"
    cards.readerProblem.emit(None)  # the reader is fine again
    assert inbox.report(kiosk.ctx.factory)["reader"] == "ok"


def test_the_camera_is_reported_working_then_lost(make_kiosk, qtbot) -> None:
    kiosk = make_kiosk()
    assert "camera" not in inbox.report(kiosk.ctx.factory)  # nothing said before it was used
    a = renewal_to_phone(kiosk)
    a.type("13800138000")
    a.next()
    photo = kiosk.window.screens["photo"]
    qtbot.waitUntil(lambda: photo.bridge is not None, timeout=5000)
    assert inbox.report(kiosk.ctx.factory)["camera"] == "ok"
    photo.bridge.pipeline.camera.disconnect()
    qtbot.waitUntil(lambda: kiosk.window.state == "renewal.camera_failed", timeout=5000)
    assert inbox.report(kiosk.ctx.factory)["camera"] == "lost"

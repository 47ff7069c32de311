"""The reader's and the camera's states reach what the kiosk reports to the hub's fleet view."""

from __future__ import annotations

import datetime as dt

from kiosk.domain import clock
from kiosk.domain.messages import Message
from kiosk.sync import inbox
from kiosk.ui.applicant import Applicant


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
    a = Applicant(kiosk.window)
    a.tap(text_key="welcome.start")
    a.tap(choice="renewal")
    kiosk.ctx.cards.place("resident")
    a.wait_state("renewal.permit")
    a.pick_date(clock.today() + dt.timedelta(days=5))
    a.wait_state("renewal.address")
    a.tap(choice="unchanged")
    a.wait_state("renewal.phone")
    a.type("13800138000")
    a.next()
    photo = kiosk.window.screens["photo"]
    qtbot.waitUntil(lambda: photo.bridge is not None, timeout=5000)
    assert inbox.report(kiosk.ctx.factory)["camera"] == "ok"
    photo.bridge.pipeline.camera.disconnect()
    qtbot.waitUntil(lambda: kiosk.window.state == "renewal.camera_failed", timeout=5000)
    assert inbox.report(kiosk.ctx.factory)["camera"] == "lost"

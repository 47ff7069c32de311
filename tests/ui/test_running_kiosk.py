"""The kiosk as ``kiosk`` runs it: supervisor mode behind the gesture, leaving with status 10,
the out-of-service page, recovery after an uncaught error, and supervisor hooks on real parts."""

from __future__ import annotations

import random
import subprocess
import sys
import threading
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QPoint, Qt
from sqlalchemy import select

from kiosk import crash
from kiosk.config import Config
from kiosk.services import submit
from kiosk.storage.db import open_database
from kiosk.storage.models import ApplicationRow, AuditEvent, PrintJob
from kiosk.sync import demo_applications
from kiosk.ui import window as window_module
from kiosk.ui.app import EXIT_LEAVE_KIOSK, Kiosk, attach_supervisor, build, hook_crashes
from kiosk.ui.card_source import DirectCardSource, ReaderCardSource
from kiosk.ui.supervisor.pinpad import PinPad
from kiosk.ui.supervisor_hooks import CameraProbe, PrinterProbe, ReaderProbe


@pytest.fixture
def running(qtbot) -> Any:
    made: list[Kiosk] = []

    def make(demo: bool = True, **values: object) -> Kiosk:
        config = Config.load().with_values(**values)
        kiosk = build(config, demo=demo, cards=DirectCardSource())
        attach_supervisor(kiosk)
        kiosk.window.resize(1280, 860)
        qtbot.addWidget(kiosk.window)
        kiosk.window.show()
        qtbot.waitExposed(kiosk.window)
        made.append(kiosk)
        return kiosk

    yield make
    for kiosk in made:
        kiosk.stop()


def off_gui(qtbot, fn: Any, timeout: int = 30000) -> Any:
    """Run ``fn`` in a thread (as the devices screen does) while the GUI loop keeps turning."""
    box: list[Any] = []
    thread = threading.Thread(target=lambda: box.append(fn()), daemon=True)
    thread.start()
    qtbot.waitUntil(lambda: bool(box), timeout=timeout)
    return box[0]


def test_holding_the_top_left_corner_opens_the_pin_pad_even_over_a_label(qtbot, running) -> None:
    kiosk = running()
    window = kiosk.window
    window.gesture.timer.setInterval(300)
    title = window.top_title  # a child widget: the press never reaches the window itself
    corner = title.mapFrom(window, QPoint(10, 10))
    qtbot.mousePress(title, Qt.MouseButton.LeftButton, pos=corner)
    qtbot.wait(100)
    qtbot.mouseRelease(title, Qt.MouseButton.LeftButton, pos=corner)
    qtbot.wait(400)
    assert not window.in_supervisor()  # let go too early
    qtbot.mousePress(title, Qt.MouseButton.LeftButton, pos=corner)
    qtbot.waitUntil(window.in_supervisor, timeout=3000)
    qtbot.mouseRelease(title, Qt.MouseButton.LeftButton, pos=corner)
    pad = kiosk.supervisor.stack.currentWidget()
    assert isinstance(pad, PinPad)
    window.gesture.triggered.emit()  # a second gesture does not reset what staff are doing
    assert kiosk.supervisor.stack.currentWidget() is pad
    kiosk.supervisor.closed.emit()
    assert window.root.currentWidget() is window.applicant and window.state == "welcome"


STAFF_EXIT = """
import sys
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication
from kiosk.config import Config
from kiosk.ui.app import attach_supervisor, build
from kiosk.ui.card_source import DirectCardSource
from kiosk.services import staff

app = QApplication([])
kiosk = build(Config.load(), demo=True, cards=DirectCardSource())
area = attach_supervisor(kiosk)
with kiosk.ctx.factory.begin() as session:
    staff.add_first_admin(session, "admin", "管理员", "246810")
with kiosk.ctx.factory.begin() as session:
    account = staff.authenticate(session, "admin", "246810", 15).account
kiosk.window.supervisorRequested.emit()
area._logged_in(account)
QTimer.singleShot(0, lambda: area.leave("exit"))
QTimer.singleShot(20000, lambda: app.exit(99))  # a safety net, never the answer
code = app.exec()
kiosk.stop()
sys.exit(code if kiosk.after_exit == "exit" else 98)
"""


def test_staff_exit_ends_the_program_with_status_10(kiosk_home: Path) -> None:
    """In its own process: running the app's main loop to its end is not something to do to
    the test process's one QApplication."""
    done = subprocess.run(
        [sys.executable, "-c", STAFF_EXIT], capture_output=True, text=True, timeout=120
    )
    assert done.returncode == EXIT_LEAVE_KIOSK, done.stderr
    with open_database()() as session:
        actions = session.execute(select(AuditEvent.action)).scalars().all()
    assert "kiosk.exit" in actions


def test_outside_demo_an_unenrolled_kiosk_sends_applicants_to_the_counter(qtbot, running) -> None:
    kiosk = running(demo=False)
    window = kiosk.window
    page = window.out_of_service_page
    assert window.root.currentWidget() is page and page.reason == "not_enrolled"
    assert "登记" in page.detail.text() and "人工窗口" in page.counter.text()
    kiosk.ctx.cards.place("resident")  # a card on the reader starts nothing
    assert kiosk.ctx.visit.card is None and kiosk.ctx.journey is None
    kiosk.supervisor.closed.emit()  # staff left supervisor mode without enrolling
    assert window.root.currentWidget() is page


def test_demo_mode_takes_applicants_without_enrolment(running) -> None:
    kiosk = running(demo=True)
    assert kiosk.window.root.currentWidget() is kiosk.window.applicant
    assert kiosk.window.sync_badge.state == "demo"
    assert kiosk.window.sync_badge.widget.text() == "◆ 演示模式"


@pytest.mark.expected_errors("uncaught exception")  # kiosk.crash logs it: that is the point
def test_an_uncaught_error_in_a_thread_shows_recovering_then_a_fresh_welcome(
    qtbot, running, monkeypatch
) -> None:
    monkeypatch.setattr(window_module, "RECOVER_MS", 400)
    monkeypatch.setattr(sys, "excepthook", sys.excepthook)
    monkeypatch.setattr(threading, "excepthook", threading.excepthook)
    kiosk = running()
    window = kiosk.window
    crash.install()
    unhook = hook_crashes(window)
    try:
        kiosk.ctx.go("next")  # welcome → choose a service
        qtbot.waitUntil(lambda: window.state != "welcome")

        def boom() -> None:
            raise RuntimeError("a device thread fell over")

        worker = threading.Thread(target=boom)
        worker.start()
        worker.join()
        page = window.out_of_service_page
        qtbot.waitUntil(lambda: window.root.currentWidget() is page)
        assert page.reason == "recovering" and "不会丢失" in page.detail.text()
        qtbot.waitUntil(lambda: window.root.currentWidget() is window.applicant, timeout=3000)
        assert window.state == "welcome" and kiosk.ctx.journey is None
    finally:
        unhook()
        crash.uninstall()


def test_reader_probe_reads_a_card_through_the_pseudo_terminal(qtbot) -> None:
    cards = ReaderCardSource(Config.load(), simulate=True)
    cards.start()
    try:
        probe = ReaderProbe(cards, demo=True, configured=False)
        assert probe.status().state == "simulated"
        result = off_gui(qtbot, probe.test)
        assert result.state == "ok" and "*" in result.detail_zh, result
    finally:
        cards.stop()


def test_a_real_kiosk_without_a_reader_port_says_so() -> None:
    probe = ReaderProbe(DirectCardSource(), demo=False, configured=False)
    assert probe.status().state == "error"


def test_camera_probe_sees_frames_and_a_missing_camera_is_an_error(qtbot) -> None:
    seen = off_gui(qtbot, CameraProbe(Config.load(), demo=True).test)
    assert seen.state == "ok" and seen.image_png and seen.image_png.startswith(b"\x89PNG")
    missing = Config.load().with_values(**{"camera.source": "/nonexistent/video0.mp4"})
    result = off_gui(qtbot, CameraProbe(missing, demo=False).test)
    assert result.state == "error" and "摄像头" in result.detail_zh


def test_printer_probes_and_reprints_go_through_the_print_queue(qtbot, running) -> None:
    kiosk = running()
    config = kiosk.ctx.config
    for key in ("printer_form", "printer_receipt"):
        result = off_gui(qtbot, PrinterProbe(key, kiosk.print_queue, config).test)
        assert result.state == "ok", result
    done = submit.submit_application(
        open_database(),
        demo_applications.made_up_application(random.Random(5)),
        config,
        rules=kiosk.ctx.rules,
        enrolled=None,
    )
    hooks = kiosk.supervisor.ctx
    with kiosk.ctx.factory() as session:
        row_id = session.execute(
            select(ApplicationRow.id).where(
                ApplicationRow.application_number == done.application_number
            )
        ).scalar_one()
    assert row_id == done.application_id
    assert hooks.print_document(row_id, "form").state == "ok"
    refused = hooks.print_document(row_id, "receipt")  # not reviewed yet: no 受理回执
    assert refused.state == "error"
    assert kiosk.print_queue.wait_idle(30)
    with kiosk.ctx.factory() as session:
        jobs = session.execute(select(PrintJob.document, PrintJob.state)).all()
    assert sorted(jobs) == [("form", "printed"), ("test_page", "printed"), ("test_page", "printed")]


def test_a_kiosk_in_service_never_falls_back_to_the_simulated_reader() -> None:
    cards = ReaderCardSource(Config.load(), simulate=False)  # no reader.port set
    problems: list[Any] = []
    cards.readerProblem.connect(problems.append)
    cards.start()
    try:
        assert cards.simulator is None and cards.driver is None
        assert [p.code for p in problems] == ["no_port"] and "端口" in problems[0].zh
    finally:
        cards.stop()

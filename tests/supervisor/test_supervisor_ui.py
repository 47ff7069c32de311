"""Supervisor mode on real Qt widgets (offscreen): entry, PIN pad, lockout, idle logout, leaving."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtCore import QPoint, Qt, QThreadPool
from PySide6.QtWidgets import QLabel, QPushButton, QWidget
from pytestqt.qtbot import QtBot
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker
from supervisor_helpers import ADMIN_PIN, STAFF_PIN

from kiosk import config, paths
from kiosk.services import staff
from kiosk.storage.models import AuditEvent, OutboxEntry
from kiosk.ui.supervisor.common import SupervisorContext
from kiosk.ui.supervisor.gesture import HiddenGesture
from kiosk.ui.supervisor.probes import simulated_probes
from kiosk.ui.supervisor.window import PAGES, SupervisorArea

pytestmark = pytest.mark.gui


@pytest.fixture(autouse=True)
def _zh_and_quiet_threads() -> Iterator[None]:
    yield
    QThreadPool.globalInstance().waitForDone(5000)


def make_area(
    qtbot: QtBot, factory: sessionmaker[Session], demo: bool = True, **hooks: object
) -> SupervisorArea:
    ctx = SupervisorContext(factory=factory, demo=demo, probes=simulated_probes(), **hooks)  # type: ignore[arg-type]
    area = SupervisorArea(ctx)
    qtbot.addWidget(area)
    area.resize(1600, 900)
    area.show()
    return area


def login(qtbot: QtBot, area: SupervisorArea, username: str, pin: str) -> None:
    area.start()
    area.pinpad.select(username)
    for digit in pin:
        qtbot.mouseClick(area.pinpad.keys[digit], Qt.MouseButton.LeftButton)  # type: ignore[arg-type]
    with qtbot.waitSignal(area.pinpad.loggedIn, timeout=5000):
        qtbot.mouseClick(area.pinpad.ok, Qt.MouseButton.LeftButton)


def actions(factory: sessionmaker[Session]) -> list[tuple[str, str | None, str | None]]:
    with factory() as session:
        return [
            (e.action, e.subject, e.detail)
            for e in session.execute(select(AuditEvent).order_by(AuditEvent.id)).scalars()
        ]


def test_pin_pad_login_shows_review_and_all_targets_are_touch_sized(
    qtbot: QtBot, factory: sessionmaker[Session], accounts: dict
) -> None:
    area = make_area(qtbot, factory)
    login(qtbot, area, "admin", ADMIN_PIN)
    assert area.account is not None and area.account.username == "admin"
    assert area.page_key == "review"
    for key in (*PAGES, "leave"):
        area.show_page(key)
        qtbot.wait(10)
        small = [
            b.text() for b in area.findChildren(QPushButton) if b.isVisible() and b.height() < 60
        ]
        assert small == [], f"{key}: buttons under 60 px: {small}"
    assert ("login.ok", "admin", None) in actions(factory)


def test_wrong_pins_count_down_then_lock(
    qtbot: QtBot, factory: sessionmaker[Session], accounts: dict
) -> None:
    area = make_area(qtbot, factory)
    area.start()
    pad = area.pinpad
    pad.select("wang")
    for attempt in range(1, 6):
        for digit in "999999":
            pad.press(digit)
        pad.submit()
        expected = "锁定" if attempt == 5 else f"还可再试 {5 - attempt} 次"
        qtbot.waitUntil(lambda e=expected: e in pad.message.text(), timeout=5000)
    # the right PIN is now refused too
    for digit in STAFF_PIN:
        pad.press(digit)
    pad.submit()
    qtbot.waitUntil(lambda: not pad._busy, timeout=5000)
    assert area.account is None and "锁定" in pad.message.text()
    assert [a for a, _s, _d in actions(factory)].count("login.failed") == 4


def test_first_start_outside_demo_asks_for_the_administrator(
    qtbot: QtBot, factory: sessionmaker[Session]
) -> None:
    area = make_area(qtbot, factory, demo=False)
    area.start()
    form = area.first_run
    form.name.setText("张管理")
    form.pin.setText("246810")
    form.pin2.setText("246811")
    form.submit()
    assert "不一致" in form.message.text()
    form.pin2.setText("123456")
    form.pin.setText("123456")
    form.submit()
    assert "太简单" in form.message.text()
    form.pin.setText("246810")
    form.pin2.setText("246810")
    form.submit()
    assert area.account is not None and area.account.is_admin and area.page_key == "review"
    with factory() as session:
        assert not staff.needs_first_admin(session)


def test_demo_mode_never_waits_for_an_administrator(
    qtbot: QtBot, factory: sessionmaker[Session]
) -> None:
    area = make_area(qtbot, factory, demo=True)
    area.start()
    assert area.stack.currentWidget() is area.pinpad
    assert any("尚无工作人员账户" in label.text() for label in area.pinpad.findChildren(QLabel))


def test_idle_staff_are_logged_out(
    qtbot: QtBot, factory: sessionmaker[Session], accounts: dict
) -> None:
    config.save({"timeouts.supervisor_idle": 1}, paths.config_file())
    area = make_area(qtbot, factory)
    login(qtbot, area, "wang", STAFF_PIN)
    # activity keeps the session alive past the limit
    for _ in range(6):
        qtbot.mouseMove(area, QPoint(400 + _, 400))
        qtbot.wait(250)
    assert area.account is not None
    with qtbot.waitSignal(area.loggedOut, timeout=4000) as blocker:
        pass
    assert blocker.args == ["idle"]
    assert area.account is None and area.stack.currentWidget() is area.pinpad
    assert "自动退出" in area.pinpad.message.text()
    assert ("logout", "wang", "reason=idle") in actions(factory)
    with factory() as session:
        kinds = session.execute(select(OutboxEntry.kind)).scalars().all()
    assert kinds == ["audit_head"]  # the chain head goes to the hub at every logout


def test_leaving_only_after_confirmation_and_audited(
    qtbot: QtBot, factory: sessionmaker[Session], accounts: dict
) -> None:
    asked: list[str] = []
    area = make_area(qtbot, factory, leave=asked.append)
    login(qtbot, area, "wang", STAFF_PIN)
    assert "staff" not in area.nav_buttons  # staff management is for administrators
    page = area.show_page("leave")
    qtbot.mouseClick(page.buttons["shutdown"], Qt.MouseButton.LeftButton)
    assert asked == [] and "关机" in page.confirm_label.text()
    qtbot.mouseClick(page.cancel_btn, Qt.MouseButton.LeftButton)
    qtbot.mouseClick(page.buttons["restart"], Qt.MouseButton.LeftButton)
    with qtbot.waitSignal(area.leaveRequested) as blocker:
        qtbot.mouseClick(page.confirm_btn, Qt.MouseButton.LeftButton)
    assert blocker.args == ["restart"] and asked == ["restart"]
    assert actions(factory)[-1][0] == "kiosk.restart"


def test_language_toggle_rebuilds_in_english(
    qtbot: QtBot, factory: sessionmaker[Session], accounts: dict
) -> None:
    area = make_area(qtbot, factory)
    login(qtbot, area, "admin", ADMIN_PIN)
    area.show_page("sync")
    area.toggle_language()
    assert area.heading.text() == "Sync" and area.page_key == "sync"
    assert area.nav_buttons["review"].text() == "Review"


def test_hidden_gesture_needs_a_full_hold_in_the_corner(qtbot: QtBot) -> None:
    window = QWidget()
    qtbot.addWidget(window)
    window.resize(800, 600)
    window.show()
    gesture = HiddenGesture(window, hold_ms=300)
    fired: list[bool] = []
    gesture.triggered.connect(lambda: fired.append(True))
    qtbot.mousePress(window, Qt.MouseButton.LeftButton, pos=QPoint(790, 10))
    qtbot.wait(100)
    qtbot.mouseRelease(window, Qt.MouseButton.LeftButton, pos=QPoint(790, 10))
    qtbot.wait(400)
    assert fired == []  # let go too early
    qtbot.mousePress(window, Qt.MouseButton.LeftButton, pos=QPoint(400, 300))
    qtbot.wait(400)
    assert fired == []  # not a corner
    qtbot.mouseRelease(window, Qt.MouseButton.LeftButton, pos=QPoint(400, 300))
    with qtbot.waitSignal(gesture.triggered, timeout=2000):
        qtbot.mousePress(window, Qt.MouseButton.LeftButton, pos=QPoint(790, 10))
    qtbot.mouseRelease(window, Qt.MouseButton.LeftButton, pos=QPoint(790, 10))
    with qtbot.waitSignal(gesture.triggered, timeout=1000):
        gesture.shortcut.activated.emit()

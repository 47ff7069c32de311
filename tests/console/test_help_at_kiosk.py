"""The help button on a real kiosk window (offscreen Qt, its SQLite database, enrolled to a real
hub process): a chime and a state that tells the truth, the idle timer paused while the call is
open, cancel, the counter's acknowledgement coming back, the outbox when the hub is away, and
staff stepping in with their PIN on top of the visit, the exit audited."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator

import pytest
from console_parts import Hub, csrf_of, kiosk_cli, signed_in_client
from PySide6.QtCore import Qt
from sqlalchemy import select

from kiosk.config import Config
from kiosk.services import staff
from kiosk.storage.models import AuditEvent, HelpCall, OutboxEntry
from kiosk.sync import enrolment
from kiosk.ui.app import Kiosk, build
from kiosk.ui.applicant import Applicant
from kiosk.ui.card_source import DirectCardSource


@pytest.fixture
def kiosk(qtbot, enrolled: enrolment.Enrolment, config: Config) -> Iterator[Kiosk]:
    made = build(config, demo=True, cards=DirectCardSource())
    made.finish_start()
    made.ctx.make_camera = None
    made.window.resize(1280, 860)
    qtbot.addWidget(made.window)
    made.window.show()
    qtbot.waitUntil(lambda: made.window.state == "welcome")
    yield made
    made.stop()


def _help_text(kiosk: Kiosk) -> str:
    return str(kiosk.window.overlay.help_state.text())


def _hub_call_state(hub: Hub) -> list[tuple[str, str]]:
    with sqlite3.connect(hub.db) as db:
        return list(db.execute("SELECT screen, state FROM help_calls"))


def test_help_reaches_the_counter_and_its_answer_comes_back(qtbot, hub: Hub, kiosk: Kiosk) -> None:
    a = Applicant(kiosk.window)
    a.tap(text_key="welcome.start")
    a.tap(kiosk.window.help_button)
    flow = kiosk.window.help_flow
    assert flow is not None and flow.chimes == 1
    assert kiosk.window.overlay.kind == "help"
    assert not kiosk.window.activity.enabled and not kiosk.window.activity.timer.isActive()
    qtbot.waitUntil(lambda: flow.state == "sent", timeout=10000)
    assert _help_text(kiosk) == "已通知柜台。"
    assert _hub_call_state(hub) == [("services", "open")]

    client = signed_in_client(hub)
    try:
        page = client.get("/console/help")
        assert flow.raised is not None and flow.raised.uuid in page.text
        client.post(f"/console/help/{flow.raised.uuid}/ack", data={"csrf": csrf_of(page.text)})
    finally:
        client.close()
    qtbot.waitUntil(lambda: flow.state == "acknowledged", timeout=10000)
    assert _help_text(kiosk) == "工作人员已收到，马上过来。"
    assert flow.chimes == 2
    with kiosk.ctx.factory() as session:
        (call,) = session.execute(select(HelpCall)).scalars()
        assert call.resolved_by == "counter"
    a.tap(kiosk.window.overlay.help_cancel_button)
    assert kiosk.window.overlay.kind == ""
    assert kiosk.window.activity.enabled and kiosk.window.activity.timer.isActive()
    assert kiosk.window.state == "services"  # the visit is where it was


def test_the_applicant_can_cancel_and_the_counter_sees_it_closed(
    qtbot, hub: Hub, kiosk: Kiosk
) -> None:
    a = Applicant(kiosk.window)
    a.tap(text_key="welcome.start")
    a.tap(kiosk.window.help_button)
    flow = kiosk.window.help_flow
    assert flow is not None
    qtbot.waitUntil(lambda: flow.state == "sent", timeout=10000)
    a.tap(kiosk.window.overlay.help_cancel_button)
    assert kiosk.window.overlay.kind == "" and kiosk.window.activity.enabled
    qtbot.waitUntil(lambda: _hub_call_state(hub) == [("services", "cancelled")], timeout=10000)
    with kiosk.ctx.factory() as session:
        (call,) = session.execute(select(HelpCall)).scalars()
        assert call.resolved_by == "applicant"


def test_without_the_hub_the_call_waits_in_the_outbox_and_says_so(
    qtbot, hub: Hub, kiosk: Kiosk
) -> None:
    hub.stop()
    a = Applicant(kiosk.window)
    a.tap(text_key="welcome.start")
    a.tap(kiosk.window.help_button)
    flow = kiosk.window.help_flow
    assert flow is not None
    qtbot.waitUntil(lambda: flow.state == "queued", timeout=15000)
    assert _help_text(kiosk) == "请到柜台或举手示意。"
    with kiosk.ctx.factory() as session:
        (entry,) = session.execute(
            select(OutboxEntry).where(OutboxEntry.kind == "help_call")
        ).scalars()
        assert entry.state in ("pending", "sending") and not entry.demo
    hub.start()  # back: the outbox delivers it, the counter sees the call
    qtbot.waitUntil(lambda: flow.state == "sent", timeout=20000)
    assert _hub_call_state(hub) == [("services", "open")]


def test_staff_step_in_with_their_pin_and_the_visit_stays(qtbot, hub: Hub, kiosk: Kiosk) -> None:
    with kiosk.ctx.factory.begin() as session:
        staff.add_staff(session, "system:test", "zhang", "张工", "staff", "246813")
    a = Applicant(kiosk.window)
    a.tap(text_key="welcome.start")
    a.tap(kiosk.window.help_button)
    flow = kiosk.window.help_flow
    assert flow is not None
    qtbot.waitUntil(lambda: flow.state == "sent", timeout=10000)
    a.tap(kiosk.window.overlay.help_staff_button)
    view = flow.assist
    assert view is not None and view.isVisible()
    view.pinpad.select("zhang")
    for digit in "246813":
        qtbot.mouseClick(view.pinpad.keys[digit], Qt.MouseButton.LeftButton)
    qtbot.mouseClick(view.pinpad.ok, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: view.account is not None, timeout=10000)
    view.phone.setText("13900001111")
    qtbot.mouseClick(view.save_button, Qt.MouseButton.LeftButton)
    assert kiosk.ctx.visit.phone == "13900001111"
    qtbot.mouseClick(view.exit_button, Qt.MouseButton.LeftButton)
    assert flow.assist is None and kiosk.window.overlay.kind == ""
    assert kiosk.window.state == "services"  # back where the applicant was, nothing wiped
    assert kiosk.window.activity.enabled

    def audited() -> list[tuple[str, str, str | None]]:
        with kiosk.ctx.factory() as session:
            return [
                (e.actor, e.action, e.detail)
                for e in session.execute(
                    select(AuditEvent)
                    .where(AuditEvent.action.like("assist.%"))
                    .order_by(AuditEvent.id)
                ).scalars()
            ]

    qtbot.waitUntil(lambda: len(audited()) == 3, timeout=5000)
    qtbot.waitUntil(lambda: kiosk.ctx.runner.wait(0), timeout=5000)
    actions = audited()
    with kiosk.ctx.factory() as session:
        (call,) = session.execute(select(HelpCall)).scalars()
    assert actions == [
        ("staff:zhang", "assist.open", "state=services"),
        ("staff:zhang", "assist.fix", "field=phone"),
        ("staff:zhang", "assist.exit", "state=services"),
    ]
    assert "13900001111" not in str(actions)
    assert call.resolved_by == "staff:zhang"
    # staff came: the console's list closes the call too, once the outbox delivers the news
    assert kiosk_cli("sync", "run", "--once").returncode == 0
    assert _hub_call_state(hub) == [("services", "acknowledged")]

"""Each supervisor screen on real widgets: review, counter tools, devices, sync, settings, audit, staff."""

from __future__ import annotations

import tomllib
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt, QThreadPool
from pytestqt.qtbot import QtBot
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker
from supervisor_helpers import ADMIN_PIN, STAFF_PIN, SubmitMany
from test_supervisor_ui import actions, login, make_area

from kiosk import paths
from kiosk.services import help_calls, staff
from kiosk.storage.db import connect_raw as db_connect_raw
from kiosk.storage.models import ApplicationRow, AuditEvent, OutboxEntry
from kiosk.sync import outbox
from kiosk.ui.supervisor.common import ProbeResult
from kiosk.ui.supervisor.window import SupervisorArea

pytestmark = pytest.mark.gui


@pytest.fixture(autouse=True)
def _zh_and_quiet_threads() -> Iterator[None]:
    yield
    QThreadPool.globalInstance().waitForDone(5000)


@pytest.fixture
def admin_area(qtbot: QtBot, factory: sessionmaker[Session], accounts: dict) -> SupervisorArea:
    area = make_area(qtbot, factory)
    login(qtbot, area, "admin", ADMIN_PIN)
    return area


def test_review_detail_masks_reveals_and_approves(
    qtbot: QtBot, factory: sessionmaker[Session], accounts: dict, submit_many: SubmitMany
) -> None:
    apps = submit_many(2)
    area = make_area(qtbot, factory)
    login(qtbot, area, "wang", STAFF_PIN)
    page = area.show_page("review")
    assert page.table.rowCount() == 2
    shown = [page.table.item(r, 2).text() for r in range(2)]
    assert all("*" in text for text in shown)
    assert not any(a.applicant.id_number in text for a in apps for text in shown)
    page.query.setText(apps[0].queue_number)
    page.search()
    assert page.table.rowCount() == 1
    page.table.selectRow(0)
    assert page.current is not None and page.current.summary.status == "under_review"
    assert not page.photo.pixmap().isNull()
    assert page.id_label.text() != apps[0].applicant.id_number
    qtbot.mouseClick(page.reveal, Qt.MouseButton.LeftButton)
    assert page.id_label.text() == apps[0].applicant.id_number
    assert not page.receipt_btn.isEnabled()
    qtbot.mouseClick(page.approve_btn, Qt.MouseButton.LeftButton)
    assert page.current is not None and page.current.summary.status == "approved"
    assert "新有效期至" in page.note.text()
    assert page.receipt_btn.isEnabled() and not page.approve_btn.isEnabled()
    assert [a for a, *_ in actions(factory)][-3:] == [
        "review.open",
        "review.reveal_id",
        "review.approve",
    ]
    with factory() as session:
        assert (
            session.execute(select(OutboxEntry.kind).order_by(OutboxEntry.id.desc()))
            .scalars()
            .first()
            == "decision"
        )


def test_review_reject_panel_needs_a_reason(
    qtbot: QtBot, factory: sessionmaker[Session], accounts: dict, submit_many: SubmitMany
) -> None:
    (_app,) = submit_many(1)
    area = make_area(qtbot, factory)
    login(qtbot, area, "wang", STAFF_PIN)
    page = area.show_page("review")
    page.table.selectRow(0)
    qtbot.mouseClick(page.reject_btn, Qt.MouseButton.LeftButton)
    panel = page.panel
    panel._confirm()
    assert "请选择驳回原因" in page.note.text()
    panel.choose("other")
    panel._confirm()
    assert "请填写驳回原因" in page.note.text()
    panel.choose("photo_unusable")
    panel._confirm()
    assert page.current is not None and page.current.summary.status == "rejected", page.note.text()
    with factory() as session:
        row = session.execute(select(ApplicationRow)).scalar_one()
        assert row.decision_reason == "照片不符合制证要求"


def test_counter_tools_help_calls_and_printing(
    qtbot: QtBot, factory: sessionmaker[Session], accounts: dict, submit_many: SubmitMany
) -> None:
    submit_many(2)
    with factory.begin() as session:
        help_calls.raise_help_call(session, "photo")
    printed: list[tuple[int, str]] = []

    def print_document(app_id: int, document: str) -> ProbeResult:
        printed.append((app_id, document))
        return ProbeResult("ok")

    area = make_area(qtbot, factory, print_document=print_document)
    login(qtbot, area, "wang", STAFF_PIN)
    page = area.show_page("counter")
    assert page.calls.count() == 1 and "照片" in page.calls.item(0).text()
    page.calls.setCurrentRow(0)
    qtbot.mouseClick(page.resolve_btn, Qt.MouseButton.LeftButton)
    assert "暂无求助" in page.calls.item(0).text()
    assert page.queue.rowCount() == 2 and page.queue.item(0, 0).text() == "A001"
    page.queue.selectRow(0)
    qtbot.mouseClick(page.print_buttons["receipt"], Qt.MouseButton.LeftButton)
    assert "须先审核通过" in page.note.text() and printed == []
    qtbot.mouseClick(page.print_buttons["form"], Qt.MouseButton.LeftButton)
    assert printed == [(page._queue_rows[0].id, "form")] and "已加入打印队列" in page.note.text()
    tail = actions(factory)[-2:]
    assert tail[0][0] == "help.resolved" and tail[1][0] == "print.form.reprint"


def test_devices_status_and_test_run_off_the_gui_thread(
    qtbot: QtBot, admin_area: SupervisorArea
) -> None:
    page = admin_area.show_page("devices")
    assert len(page.rows) == 4
    qtbot.waitUntil(lambda: all(r.state.text() == "模拟" for r in page.rows), timeout=3000)
    row = page.rows[0]
    qtbot.mouseClick(row.test_btn, Qt.MouseButton.LeftButton)
    assert row.state.text() == "测试中…" and not row.test_btn.isEnabled()  # GUI thread not blocked
    qtbot.waitUntil(lambda: row.state.text() == "正常", timeout=3000)
    assert "读卡正常" in row.detail.text()


def test_sync_counts_send_now_and_quarantine(
    qtbot: QtBot, factory: sessionmaker[Session], accounts: dict, submit_many: SubmitMany
) -> None:
    submit_many(2)
    with factory.begin() as session:
        entry = session.execute(select(OutboxEntry).order_by(OutboxEntry.id)).scalars().first()
        assert entry is not None
        entry.demo = False  # pretend it was meant for a hub, which refused it
        outbox.quarantine(session, entry.id, "schema 3 not accepted")
    sends: list[bool] = []
    area = make_area(
        qtbot, factory, send_now=lambda: sends.append(True), sync_last_error=lambda: "timeout"
    )
    login(qtbot, area, "wang", STAFF_PIN)
    page = area.show_page("sync")
    assert page.values["demo"].text() == "1" and page.values["quarantined"].text() == "1"
    assert page.values["last_error"].text() == "timeout"
    assert page.table.rowCount() == 1 and page.table.item(0, 3).text() == "schema 3 not accepted"
    qtbot.mouseClick(page.send_btn, Qt.MouseButton.LeftButton)
    assert sends == [True]
    page.table.selectRow(0)
    qtbot.mouseClick(page.requeue_btn, Qt.MouseButton.LeftButton)
    assert page.values["quarantined"].text() == "0" and page.values["pending"].text() == "1"
    assert [a for a, *_ in actions(factory)][-2:] == ["sync.send_now", "sync.requeue"]


def test_settings_saved_audited_and_checked(
    qtbot: QtBot, factory: sessionmaker[Session], admin_area: SupervisorArea
) -> None:
    page = admin_area.show_page("settings")
    page.editors["point.code"].setText("NS02")  # type: ignore[attr-defined]
    page.editors["timeouts.supervisor_idle"].setValue(240)  # type: ignore[attr-defined]
    lang = page.editors["kiosk.language"]
    lang.setCurrentIndex(lang.findData("en"))  # type: ignore[attr-defined]
    qtbot.mouseClick(page.save_btn, Qt.MouseButton.LeftButton)
    assert "已保存 3 项更改" in page.note.text()
    saved = tomllib.loads(paths.config_file().read_text(encoding="utf-8"))
    assert saved["point"]["code"] == "NS02" and saved["timeouts"]["supervisor_idle"] == 240
    assert saved["kiosk"]["language"] == "en"
    admin_area.texts.set_language("zh")
    page.editors["kiosk.id"].setText("k 9")  # type: ignore[attr-defined]
    qtbot.mouseClick(page.save_btn, Qt.MouseButton.LeftButton)
    assert "kiosk.id" in page.note.text()
    settings_changes = [(s, d) for a, s, d in actions(factory) if a == "settings.change"]
    assert ("point.code", "'FT01' -> 'NS02'") in settings_changes and len(settings_changes) == 3


def test_settings_read_only_for_staff(
    qtbot: QtBot, factory: sessionmaker[Session], accounts: dict
) -> None:
    area = make_area(qtbot, factory)
    login(qtbot, area, "wang", STAFF_PIN)
    page = area.show_page("settings")
    assert not page.save_btn.isEnabled() and not page.editors["hub.url"].isEnabled()
    assert "只有管理员" in page.note.text()


def test_audit_view_and_verify_catches_tampering(
    qtbot: QtBot, factory: sessionmaker[Session], admin_area: SupervisorArea
) -> None:
    page = admin_area.show_page("audit")
    assert page.table.item(0, 3).text() == "login.ok"
    page.filter.setText("staff.")
    page.refresh()
    assert page.table.rowCount() == 2
    page.verify()
    assert "日志链完整" in page.result.text()
    db = Path(str(factory.kw["bind"].url.database))
    with db_connect_raw(db) as conn:
        conn.execute("UPDATE audit_events SET detail = 'role=administrator' WHERE id = 2")
    page.verify()
    assert "第一处问题在第 2 条" in page.result.text()


def test_staff_page_adds_and_unlocks(
    qtbot: QtBot, factory: sessionmaker[Session], admin_area: SupervisorArea
) -> None:
    page = admin_area.show_page("staff")
    page.username.setText("li")
    page.name.setText("李")
    page.pin.setText("864209")
    page.pin2.setText("864209")
    page.add()
    assert "已添加 li" in page.note.text() and page.table.rowCount() == 3
    page.pin.setText("1")
    page.pin2.setText("1")
    page.username.setText("zhao")
    page.name.setText("赵")
    page.add()
    assert "6 至 12 位数字" in page.note.text()
    with factory() as session:
        assert (
            session.execute(select(AuditEvent.subject).where(AuditEvent.action == "staff.add"))
            .scalars()
            .all()[-1]
            == "li"
        )
    with factory.begin() as session:
        for _ in range(5):
            staff.authenticate(session, "wang", "999999", 15)
    page.refresh()
    row = next(r for r in range(page.table.rowCount()) if page.table.item(r, 0).text() == "wang")
    assert "锁定至" in page.table.item(row, 3).text()
    page.table.selectRow(row)
    page.unlock()
    assert page.table.item(row, 3).text() == "正常"

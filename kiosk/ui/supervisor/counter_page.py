"""Counter tools: applicants' help calls, the day's queue numbers, the official receipt and reprints."""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from kiosk.services import counter_tools, help_calls, review
from kiosk.services.staff import StaffAccount
from kiosk.ui.kit import button, touch_table
from kiosk.ui.supervisor.common import SupervisorContext, local_time
from kiosk.ui.supervisor.labels import screen_text, service_text, status_text

_DOC_KEYS = {
    "receipt": "counter.print_receipt",
    "form": "counter.reprint_form",
    "slip": "counter.reprint_slip",
}


def request_print(
    ctx: SupervisorContext, account: StaffAccount, summary: review.Summary, document: str
) -> str:
    """Queue a document through the print hook and audit it; returns the line to show staff."""
    if document == "receipt" and summary.status != "approved":
        return ctx.texts.tr("counter.receipt_needs_review")
    if ctx.print_document is None:
        return ctx.texts.tr("counter.no_printer")
    result = ctx.print_document(summary.id, document)
    if result.state in ("error", "unknown"):
        return ctx.texts.pick(result.detail_zh, result.detail_en) or ctx.texts.tr(
            "counter.no_printer"
        )
    with ctx.factory.begin() as session:
        counter_tools.record_print(
            session,
            account.actor,
            document,
            summary.application_number,
            reprint=document != "receipt",
        )
    return ctx.texts.tr("counter.printed", doc=ctx.texts.tr(_DOC_KEYS[document]))


class CounterPage(QWidget):
    def __init__(
        self, ctx: SupervisorContext, account: StaffAccount, parent: QWidget | None = None
    ):
        super().__init__(parent)
        self.ctx, self.account = ctx, account
        self.texts = ctx.texts
        outer = QHBoxLayout(self)
        outer.setSpacing(24)

        left = QVBoxLayout()
        title = QLabel(self.texts.tr("counter.help"))
        title.setProperty("role", "section")
        left.addWidget(title)
        self.calls = QListWidget()
        self.calls.setWordWrap(True)  # a long screen name wraps instead of scrolling sideways
        self.calls.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.calls.setResizeMode(QListWidget.ResizeMode.Adjust)
        left.addWidget(self.calls, 1)
        self.resolve_btn = button(self.texts.tr("counter.resolve"), self.resolve, kind="primary")
        left.addWidget(self.resolve_btn)
        outer.addLayout(left, 2)

        right = QVBoxLayout()
        title = QLabel(self.texts.tr("counter.queue"))
        title.setProperty("role", "section")
        right.addWidget(title)
        self.queue = QTableWidget(0, 4)
        self.queue.setHorizontalHeaderLabels(
            [
                self.texts.tr("review.col.queue"),
                self.texts.tr("review.col.number"),
                self.texts.tr("review.col.service"),
                self.texts.tr("review.col.status"),
            ]
        )
        touch_table(self.queue)
        right.addWidget(self.queue, 1)
        row = QHBoxLayout()
        self.print_buttons: dict[str, QWidget] = {}
        for doc, key in _DOC_KEYS.items():
            b = button(
                self.texts.tr(key),
                lambda _=False, d=doc: self.print(d),
                kind="primary" if doc == "receipt" else "plain",
            )
            self.print_buttons[doc] = b
            row.addWidget(b)
        right.addLayout(row)
        self.note = QLabel("")
        self.note.setProperty("role", "notice")
        self.note.setWordWrap(True)
        right.addWidget(self.note)
        outer.addLayout(right, 3)
        self._queue_rows: list[review.Summary] = []
        self.refresh()
        # help calls arrive while staff are here: look again every few seconds
        self.timer = QTimer(self)
        self.timer.setInterval(5000)
        self.timer.timeout.connect(self.refresh_calls)
        self.timer.start()

    def refresh(self) -> None:
        self.refresh_calls()
        with self.ctx.factory() as session:
            self._queue_rows = review.day_queue(session)
        self.queue.setRowCount(len(self._queue_rows))
        for r, s in enumerate(self._queue_rows):
            for c, value in enumerate(
                (
                    s.queue_number,
                    s.application_number,
                    service_text(self.texts, s.service),
                    status_text(self.texts, s.status),
                )
            ):
                self.queue.setItem(r, c, QTableWidgetItem(value))

    def refresh_calls(self) -> None:
        with self.ctx.factory() as session:
            calls = help_calls.help_calls(session)
        selected = (
            self.calls.currentItem().data(Qt.ItemDataRole.UserRole)
            if self.calls.currentItem()
            else None
        )
        self.calls.clear()
        if not calls:
            item = QListWidgetItem(self.texts.tr("counter.help_none"))
            item.setFlags(Qt.ItemFlag.NoItemFlags)
            self.calls.addItem(item)
        for call in calls:
            item = QListWidgetItem(
                self.texts.tr(
                    "counter.help_row",
                    time=local_time(call.at, "%H:%M"),
                    screen=screen_text(self.texts, call.screen),
                )
            )
            item.setData(Qt.ItemDataRole.UserRole, call.id)
            self.calls.addItem(item)
            if call.id == selected:
                self.calls.setCurrentItem(item)
        self.resolve_btn.setEnabled(bool(calls))

    def resolve(self) -> None:
        item = self.calls.currentItem() or self.calls.item(0)
        call_id = item.data(Qt.ItemDataRole.UserRole) if item else None
        if call_id is None:
            return
        with self.ctx.factory.begin() as session:
            help_calls.resolve_help_call(session, self.account.actor, int(call_id))
        self.refresh_calls()

    def print(self, document: str) -> None:
        rows = self.queue.selectionModel().selectedRows()
        if not rows:
            self.note.setText(self.texts.tr("review.none"))
            return
        self.note.setText(
            request_print(self.ctx, self.account, self._queue_rows[rows[0].row()], document)
        )

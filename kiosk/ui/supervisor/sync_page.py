"""Sync: what waits for the hub, what it refused and why, last success and error, send now."""

from __future__ import annotations

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import (
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from kiosk.services import backup, sending
from kiosk.services.staff import StaffAccount
from kiosk.ui.kit import breakable, button, touch_table
from kiosk.ui.supervisor.common import SupervisorContext, local_time

COUNTS = ("pending", "quarantined", "acknowledged", "demo")
Q_COLUMNS = ("kind", "created", "attempts", "reason")


class SyncPage(QWidget):
    def __init__(
        self, ctx: SupervisorContext, account: StaffAccount, parent: QWidget | None = None
    ):
        super().__init__(parent)
        self.ctx, self.account = ctx, account
        self.texts = ctx.texts
        layout = QVBoxLayout(self)
        card = QFrame()
        card.setProperty("role", "card")
        grid = QGridLayout(card)
        grid.setContentsMargins(20, 12, 20, 12)
        self.values: dict[str, QLabel] = {}
        for i, key in enumerate(COUNTS):
            name = QLabel(self.texts.tr(f"sync.{key}"))
            name.setProperty("role", "muted")
            value = QLabel("0")
            value.setObjectName(f"count_{key}")
            value.setStyleSheet("font-size: 40px; font-weight: 600;")
            grid.addWidget(name, 0, i)
            grid.addWidget(value, 1, i)
            self.values[key] = value
        for i, key in enumerate(("last_success", "oldest", "last_error", "last_backup")):
            name = QLabel(self.texts.tr(f"sync.{key}"))
            name.setProperty("role", "muted")
            value = QLabel("")
            value.setWordWrap(True)
            grid.addWidget(name, 2 + i, 0)
            grid.addWidget(value, 2 + i, 1, 1, 3)
            self.values[key] = value
        layout.addWidget(card)
        row = QHBoxLayout()
        self.send_btn = button(self.texts.tr("sync.send_now"), self.send_now, kind="primary")
        self.send_btn.setEnabled(ctx.send_now is not None)
        row.addWidget(self.send_btn)
        self.requeue_btn = button(self.texts.tr("sync.requeue"), self.requeue, kind="plain")
        row.addWidget(self.requeue_btn)
        row.addWidget(button(self.texts.tr("refresh"), self.refresh, kind="plain"))
        layout.addLayout(row)
        self.note = QLabel("")
        self.note.setProperty("role", "notice")
        layout.addWidget(self.note)
        title = QLabel(self.texts.tr("sync.quarantine_list"))
        title.setProperty("role", "section")
        layout.addWidget(title)
        self.table = QTableWidget(0, len(Q_COLUMNS))
        self.table.setHorizontalHeaderLabels([self.texts.tr(f"sync.col.{c}") for c in Q_COLUMNS])
        touch_table(self.table)
        layout.addWidget(self.table, 1)
        self._uuids: list[str] = []
        self.timer = QTimer(self)
        self.timer.setInterval(3000)
        self.timer.timeout.connect(self.refresh)
        self.timer.start()
        self.refresh()

    def refresh(self) -> None:
        now = sending.overview(self.ctx.factory)
        counts, items = now.counts, now.quarantined
        for key in COUNTS:
            self.values[key].setText(str(counts.get(key, 0)))
        self.values["last_success"].setText(
            local_time(counts.get("last_success"), "%Y-%m-%d %H:%M") or self.texts.tr("sync.never")
        )
        self.values["oldest"].setText(
            local_time(counts.get("oldest_pending"), "%Y-%m-%d %H:%M") or self.texts.tr("sync.none")
        )
        error = self.ctx.sync_last_error() if self.ctx.sync_last_error else None
        self.values["last_error"].setText(error or self.texts.tr("sync.none"))
        last_backup = backup.last_status()["last_success"]  # the daily backup (docs/operations.md)
        self.values["last_backup"].setText(
            local_time(last_backup, "%Y-%m-%d %H:%M") or self.texts.tr("sync.never")
        )
        self._uuids = [str(item["uuid"]) for item in items]
        self.table.setRowCount(len(items))
        for r, item in enumerate(items):
            values = (
                self.texts.tr_or(f"sync.kind.{item['kind']}", str(item["kind"])),
                local_time(item["created_at"]),
                str(item["attempts"]),
                breakable(str(item["reason"] or "")),
            )
            for c, value in enumerate(values):
                self.table.setItem(r, c, QTableWidgetItem(value))
        self.requeue_btn.setEnabled(bool(items))

    def send_now(self) -> None:
        if self.ctx.send_now is not None:
            sending.send_now(self.ctx.factory, self.account.actor, self.ctx.send_now)
            self.note.setText(self.texts.tr("sync.sent"))

    def requeue(self) -> None:
        rows = self.table.selectionModel().selectedRows()
        if not rows:
            return
        item_uuid = self._uuids[rows[0].row()]
        sending.requeue(self.ctx.factory, self.account.actor, item_uuid)
        self.refresh()

"""The audit log: newest entries, filter by action, and a chain check staff can run."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from kiosk.services import audit_trail
from kiosk.ui.kit import breakable, button, touch_table
from kiosk.ui.supervisor.common import SupervisorContext, local_time

COLUMNS = ("id", "at", "actor", "action", "subject", "detail")


class AuditPage(QWidget):
    def __init__(self, ctx: SupervisorContext, parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx = ctx
        self.texts = ctx.texts
        layout = QVBoxLayout(self)
        row = QHBoxLayout()
        self.filter = QLineEdit()
        self.filter.setPlaceholderText(self.texts.tr("audit.filter"))
        self.filter.returnPressed.connect(self.refresh)
        row.addWidget(self.filter, 1)
        row.addWidget(button(self.texts.tr("refresh"), self.refresh, kind="plain"))
        row.addWidget(button(self.texts.tr("audit.verify"), self.verify, kind="primary"))
        layout.addLayout(row)
        self.result = QLabel("")
        self.result.setWordWrap(True)
        layout.addWidget(self.result)
        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setHorizontalHeaderLabels([self.texts.tr(f"audit.col.{c}") for c in COLUMNS])
        touch_table(self.table)
        layout.addWidget(self.table, 1)
        self.refresh()

    def refresh(self) -> None:
        with self.ctx.factory() as session:
            entries = audit_trail.recent(
                session, limit=300, action_prefix=self.filter.text().strip()
            )
        self.table.setRowCount(len(entries))
        for r, e in enumerate(entries):
            values = (
                str(e.id),
                local_time(e.at, "%Y-%m-%d %H:%M:%S"),
                e.actor,
                e.action,
                e.subject,
                breakable(e.detail or ""),
            )
            for c, value in enumerate(values):
                self.table.setItem(r, c, QTableWidgetItem(value))

    def verify(self) -> None:
        with self.ctx.factory() as session:
            result = audit_trail.verify(session)
        if result.ok:
            self.result.setProperty("role", "notice")
            self.result.setText(self.texts.tr("audit.ok", n=result.entries))
        else:
            self.result.setProperty("role", "error")
            self.result.setText(self.texts.tr("audit.bad", id=result.first_bad))
        self.result.style().polish(self.result)

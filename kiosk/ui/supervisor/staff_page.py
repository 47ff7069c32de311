"""Staff accounts for administrators: list, add (PIN typed twice), unlock, disable."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from kiosk.services import staff
from kiosk.ui.kit import button, form_label, touch_table
from kiosk.ui.supervisor.common import SupervisorContext, local_time

COLUMNS = ("user", "name", "role", "state")


class StaffPage(QWidget):
    def __init__(
        self, ctx: SupervisorContext, account: staff.StaffAccount, parent: QWidget | None = None
    ):
        super().__init__(parent)
        self.ctx, self.account = ctx, account
        self.texts = ctx.texts
        outer = QHBoxLayout(self)
        left = QVBoxLayout()
        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setHorizontalHeaderLabels([self.texts.tr(f"staff.col.{c}") for c in COLUMNS])
        touch_table(self.table)
        left.addWidget(self.table, 1)
        row = QHBoxLayout()
        row.addWidget(button(self.texts.tr("staff.unlock"), self.unlock, kind="plain"))
        row.addWidget(button(self.texts.tr("staff.disable"), self.disable, kind="danger"))
        left.addLayout(row)
        outer.addLayout(left, 3)

        card = QFrame()
        card.setProperty("role", "card")
        form = QFormLayout(card)
        form.setContentsMargins(20, 12, 20, 12)
        title = QLabel(self.texts.tr("staff.add"))
        title.setProperty("role", "section")
        form.addRow(title)
        self.username, self.name, self.pin, self.pin2 = (
            QLineEdit(),
            QLineEdit(),
            QLineEdit(),
            QLineEdit(),
        )
        for field in (self.pin, self.pin2):
            field.setEchoMode(QLineEdit.EchoMode.Password)
        self.role = QComboBox()
        for role in staff.ROLES:
            self.role.addItem(self.texts.tr(f"role.{role}"), role)
        form.setVerticalSpacing(10)
        form.setHorizontalSpacing(16)
        form.addRow(form_label(self.texts.tr("first.username")), self.username)
        form.addRow(form_label(self.texts.tr("first.name")), self.name)
        form.addRow(form_label(self.texts.tr("staff.role")), self.role)
        form.addRow(form_label(self.texts.tr("first.pin")), self.pin)
        form.addRow(form_label(self.texts.tr("first.pin2")), self.pin2)
        form.addRow(button(self.texts.tr("staff.add"), self.add, kind="primary"))
        self.note = QLabel("")
        self.note.setWordWrap(True)
        self.note.setProperty("role", "notice")
        form.addRow(self.note)
        outer.addWidget(card, 2)
        self._users: list[staff.StaffAccount] = []
        self.refresh()

    def refresh(self) -> None:
        with self.ctx.factory() as session:
            self._users = staff.list_staff(session, include_inactive=True)
        self.table.setRowCount(len(self._users))
        for r, a in enumerate(self._users):
            state = (
                self.texts.tr("staff.locked", time=local_time(a.locked_until, "%H:%M"))
                if a.locked_until
                else self.texts.tr("staff.active")
            )
            if not a.active:
                state = self.texts.tr("staff.disabled")
            for c, value in enumerate(
                (a.username, a.display_name, self.texts.tr(f"role.{a.role}"), state)
            ):
                self.table.setItem(r, c, QTableWidgetItem(value))

    def _run(self, action: object, *args: object) -> bool:
        try:
            with self.ctx.factory.begin() as session:
                action(session, self.account.actor, *args)  # type: ignore[operator]
        except staff.StaffError as exc:
            self.note.setText(self.texts.pick(exc.message.zh, exc.message.en))
            return False
        self.refresh()
        return True

    def add(self) -> None:
        if self.pin.text() != self.pin2.text():
            self.note.setText(self.texts.tr("first.mismatch"))
            return
        if self._run(
            staff.add_staff,
            self.username.text(),
            self.name.text(),
            self.role.currentData(),
            self.pin.text(),
        ):
            self.note.setText(self.texts.tr("staff.added", user=self.username.text()))
            for field in (self.username, self.name, self.pin, self.pin2):
                field.clear()

    def _chosen(self) -> str | None:
        rows = self.table.selectionModel().selectedRows()
        return self._users[rows[0].row()].username if rows else None

    def unlock(self) -> None:
        if (user := self._chosen()) is not None:
            self._run(staff.unlock, user)

    def disable(self) -> None:
        if (user := self._chosen()) is not None:
            self._run(staff.set_active, user, False)

"""Settings: acceptance point, kiosk id, hub and enrolment, device ports, timeouts, language.

Administrators only. Every change is checked by the config schema, saved with
``kiosk.config.save`` and audited key by key (kiosk.workflows.supervisor_settings).
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from kiosk.config import ConfigError
from kiosk.ui.supervisor.common import (
    SupervisorContext,
    button,
    form_label,
    plain_scroll,
    run_off_gui,
)
from kiosk.ui.supervisor.texts import pick, tr
from kiosk.workflows import supervisor_settings
from kiosk.workflows.staff import StaffAccount

# settings with a fixed set of values: the stored value, shown as tr("set.choice.<value>")
_CHOICES = {
    "kiosk.language": ("zh", "en"),
    "printer.receipt_paper": ("80mm", "a4"),
}


def _editor(key: str, value: Any, parent: QWidget) -> QWidget:
    setting = supervisor_settings.setting(key)
    if key in _CHOICES:
        combo = QComboBox(parent)
        for data in _CHOICES[key]:
            combo.addItem(tr(f"set.choice.{data}"), data)
        combo.setCurrentIndex(max(combo.findData(str(value)), 0))
        return combo
    if setting.type is bool:
        box = QCheckBox(parent)
        box.setChecked(bool(value))
        return box
    if setting.type is int:
        spin = QSpinBox(parent)
        spin.setRange(0, 10_000_000)
        spin.setButtonSymbols(QSpinBox.ButtonSymbols.NoButtons)  # arrows are too small to touch
        spin.setValue(int(value))
        spin.setMinimumWidth(160)
        return spin
    edit = QLineEdit(str(value), parent)
    edit.setMinimumWidth(220)
    return edit


def _value(widget: QWidget) -> Any:
    if isinstance(widget, QComboBox):
        return widget.currentData()
    if isinstance(widget, QCheckBox):
        return widget.isChecked()
    if isinstance(widget, QSpinBox):
        return widget.value()
    assert isinstance(widget, QLineEdit)
    return widget.text().strip()


TWO_COLUMNS = 1300  # px of page width from which the four groups sit side by side


class SettingsPage(QWidget):
    def __init__(
        self, ctx: SupervisorContext, account: StaffAccount, parent: QWidget | None = None
    ):
        super().__init__(parent)
        self.ctx, self.account = ctx, account
        outer = QVBoxLayout(self)
        self.editors: dict[str, QWidget] = {}
        config = supervisor_settings.current(ctx.config_path)
        body = QWidget()
        self.columns = QGridLayout(body)
        self.columns.setHorizontalSpacing(24)
        self.columns.setVerticalSpacing(16)
        self.cards: list[QFrame] = []
        self._ncols = 0
        for group in supervisor_settings.GROUPS:
            card = QFrame()
            card.setProperty("role", "card")
            form = QFormLayout(card)
            form.setContentsMargins(20, 12, 20, 12)
            form.setVerticalSpacing(10)
            form.setHorizontalSpacing(16)
            form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
            form.setLabelAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
            title = QLabel(tr(f"set.group.{group.key}"))
            title.setProperty("role", "section")
            form.addRow(title)
            for key in group.keys:
                editor = _editor(key, config[key], card)
                editor.setObjectName(key)
                editor.setEnabled(account.is_admin)
                self.editors[key] = editor
                form.addRow(form_label(tr(f"set.{key}")), editor)
            if group.key == "hub":
                self._enrolment_rows(form)
            self.cards.append(card)
        self._arrange(2)
        outer.addWidget(plain_scroll(body), 1)
        self.note = QLabel(tr("set.restart_note") if account.is_admin else tr("set.admin_only"))
        self.note.setProperty("role", "notice")
        self.note.setWordWrap(True)
        outer.addWidget(self.note)
        self.save_btn = button(tr("set.save"), "primary", slot=self.save)
        self.save_btn.setEnabled(account.is_admin)
        outer.addWidget(self.save_btn)

    def _arrange(self, ncols: int) -> None:
        """Groups in two columns on a wide screen, one under the other on a narrower one."""
        if ncols == self._ncols:
            return
        self._ncols = ncols
        for card in self.cards:
            self.columns.removeWidget(card)
        for i, card in enumerate(self.cards):
            self.columns.addWidget(card, i // ncols, i % ncols)
        for c in range(2):
            self.columns.setColumnStretch(c, 1 if c < ncols else 0)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._arrange(2 if event.size().width() >= TWO_COLUMNS else 1)

    def _enrolment_rows(self, form: QFormLayout) -> None:
        from kiosk.sync import enrolment

        enrolled = enrolment.load()
        self.enrol_state = QLabel(
            tr("set.enrolled", kiosk=enrolled.kiosk_id) if enrolled else tr("set.not_enrolled")
        )
        self.enrol_state.setWordWrap(True)
        form.addRow(self.enrol_state)
        row = QHBoxLayout()
        row.setSpacing(12)
        self.code = QLineEdit()
        self.code.setPlaceholderText(tr("set.enrol_code"))
        self.code.setEnabled(self.account.is_admin)
        row.addWidget(self.code, 1)
        self.enrol_btn = button(tr("set.enrol"), slot=self.enrol)
        self.enrol_btn.setEnabled(self.account.is_admin)
        row.addWidget(self.enrol_btn)
        form.addRow(row)

    def save(self) -> None:
        changes = {key: _value(w) for key, w in self.editors.items()}
        try:
            with self.ctx.factory.begin() as session:
                changed = supervisor_settings.apply(
                    session, self.account.actor, changes, self.ctx.config_path
                )
        except ConfigError as exc:
            self.note.setProperty("role", "error")
            self.note.setText(str(exc))
            self.note.style().polish(self.note)
            return
        self.note.setProperty("role", "notice")
        self.note.style().polish(self.note)
        self.note.setText(tr("set.saved", n=len(changed)) if changed else tr("set.unchanged"))
        if "kiosk.language" in changed:
            from kiosk.ui.supervisor.texts import set_language

            set_language(str(changed["kiosk.language"][1]))

    def enrol(self) -> None:
        from kiosk.storage import audit
        from kiosk.sync import enrolment

        url = _value(self.editors["hub.url"])
        code = self.code.text().strip()
        config = supervisor_settings.current(self.ctx.config_path)
        self.enrol_btn.setEnabled(False)

        def done(result: object) -> None:
            self.enrol_btn.setEnabled(True)
            if isinstance(result, enrolment.EnrolmentError):
                self.enrol_state.setText(pick(result.message.zh, result.message.en))
                return
            if isinstance(result, Exception):
                self.enrol_state.setText(str(result))
                return
            with self.ctx.factory.begin() as session:
                audit.append(session, self.account.actor, "sync.enrolled", subject=result.kiosk_id)
            self.code.clear()
            self.enrol_state.setText(tr("set.enrolled", kiosk=result.kiosk_id))

        run_off_gui(self, lambda: enrolment.enrol(str(url), code, config), done)

"""Settings: acceptance point, kiosk id, hub and enrolment, device ports, timeouts, language.

Administrators only. Every change is checked by the config schema, saved with
``kiosk.config.save`` and audited key by key (kiosk.services.settings).
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
from kiosk.services import settings
from kiosk.services.staff import StaffAccount
from kiosk.ui.kit import button, form_label, plain_scroll
from kiosk.ui.supervisor.common import SupervisorContext
from kiosk.ui.texts import Texts

# settings with a fixed set of values: the stored value, shown as self.texts.tr("set.choice.<value>")
_CHOICES = {
    "kiosk.language": ("zh", "en"),
    "voice.chinese": ("mandarin", "cantonese"),
    "printer.receipt_paper": ("80mm", "a4"),
}


def _editor(texts: Texts, key: str, value: Any, parent: QWidget) -> QWidget:
    setting = settings.setting(key)
    if key in _CHOICES:
        combo = QComboBox(parent)
        for data in _CHOICES[key]:
            combo.addItem(texts.tr(f"set.choice.{data}"), data)
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
        self.texts = ctx.texts
        outer = QVBoxLayout(self)
        self.editors: dict[str, QWidget] = {}
        config = settings.current(ctx.config_path)
        body = QWidget()
        self.columns = QGridLayout(body)
        self.columns.setHorizontalSpacing(24)
        self.columns.setVerticalSpacing(16)
        self.cards: list[QFrame] = []
        self._ncols = 0
        for group in settings.GROUPS:
            card = QFrame()
            card.setProperty("role", "card")
            form = QFormLayout(card)
            form.setContentsMargins(20, 12, 20, 12)
            form.setVerticalSpacing(10)
            form.setHorizontalSpacing(16)
            form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
            form.setLabelAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
            title = QLabel(self.texts.tr(f"set.group.{group.key}"))
            title.setProperty("role", "section")
            form.addRow(title)
            for key in group.keys:
                editor = _editor(self.texts, key, config[key], card)
                editor.setObjectName(key)
                editor.setEnabled(account.is_admin)
                self.editors[key] = editor
                form.addRow(form_label(self.texts.tr(f"set.{key}")), editor)
            if group.key == "hub":
                self._enrolment_rows(form)
            self.cards.append(card)
        self.cards.append(self._office_rules_card())
        self._arrange(2)
        outer.addWidget(plain_scroll(body), 1)
        self.note = QLabel(
            self.texts.tr("set.restart_note")
            if account.is_admin
            else self.texts.tr("set.admin_only")
        )
        self.note.setProperty("role", "notice")
        self.note.setWordWrap(True)
        outer.addWidget(self.note)
        self.save_btn = button(self.texts.tr("set.save"), self.save, kind="primary")
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

    def _office_rules_card(self) -> QFrame:
        """The rules that are this office's own, not the source guide's (``source = "office"`` in
        rules.toml), listed so the office can confirm them or change them in its rules.toml."""
        from kiosk import paths

        card = QFrame()
        card.setProperty("role", "card")
        lay = QVBoxLayout(card)
        lay.setContentsMargins(20, 12, 20, 12)
        title = QLabel(self.texts.tr("set.group.office_rules"))
        title.setProperty("role", "section")
        lay.addWidget(title)
        own = paths.home() / "rules.toml"
        where = QLabel(
            self.texts.tr(
                "set.office_rules.own" if own.exists() else "set.office_rules.shipped",
                path=str(own),
            )
        )
        where.setWordWrap(True)
        lay.addWidget(where)
        for rule in self.ctx.rules.office_rules:
            line = QLabel(f"•  {self.texts.pick(rule)}  [{rule.path}]")
            line.setWordWrap(True)
            line.setObjectName(f"office_rule.{rule.path}")
            lay.addWidget(line)
        return card

    def _enrolment_rows(self, form: QFormLayout) -> None:
        enrolled = self.ctx.enrolled()
        self.enrol_state = QLabel(
            self.texts.tr("set.enrolled", kiosk=enrolled.kiosk_id)
            if enrolled
            else self.texts.tr("set.not_enrolled")
        )
        self.enrol_state.setWordWrap(True)
        form.addRow(self.enrol_state)
        row = QHBoxLayout()
        row.setSpacing(12)
        self.code = QLineEdit()
        self.code.setPlaceholderText(self.texts.tr("set.enrol_code"))
        self.code.setEnabled(self.account.is_admin)
        row.addWidget(self.code, 1)
        self.enrol_btn = button(self.texts.tr("set.enrol"), self.enrol, kind="plain")
        self.enrol_btn.setEnabled(self.account.is_admin)
        row.addWidget(self.enrol_btn)
        form.addRow(row)

    def save(self) -> None:
        changes = {key: _value(w) for key, w in self.editors.items()}
        try:
            with self.ctx.factory.begin() as session:
                changed = settings.apply(session, self.account.actor, changes, self.ctx.config_path)
        except ConfigError as exc:
            self.note.setProperty("role", "error")
            self.note.setText(str(exc))
            self.note.style().polish(self.note)
            return
        self.note.setProperty("role", "notice")
        self.note.style().polish(self.note)
        self.note.setText(
            self.texts.tr("set.saved", n=len(changed))
            if changed
            else self.texts.tr("set.unchanged")
        )
        if "kiosk.language" in changed:
            self.texts.set_language(str(changed["kiosk.language"][1]))

    def enrol(self) -> None:
        from kiosk.services import sending
        from kiosk.sync import enrolment

        url = _value(self.editors["hub.url"])
        code = self.code.text().strip()
        config = settings.current(self.ctx.config_path)
        self.enrol_btn.setEnabled(False)

        def done(result: object) -> None:
            self.enrol_btn.setEnabled(True)
            if isinstance(result, enrolment.EnrolmentError):
                self.enrol_state.setText(self.texts.pick(result.message.zh, result.message.en))
                return
            if not isinstance(result, enrolment.Enrolment):
                self.enrol_state.setText(str(result))
                return
            self.code.clear()
            self.enrol_state.setText(self.texts.tr("set.enrolled", kiosk=result.kiosk_id))

        factory, actor = self.ctx.factory, self.account.actor
        self.ctx.runner.run(
            self, lambda: sending.enrol(factory, actor, str(url), code, config), done
        )

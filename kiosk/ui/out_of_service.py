"""The page applicants see when the kiosk cannot take them: not enrolled, recovering from a fault,
or unable to start (a bad configuration, database or data folder: then with the reason for staff).

It says so in plain words and sends them to the counter; staff still reach supervisor mode through
the hidden gesture from here.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QVBoxLayout, QWidget

from kiosk.ui.kit import label
from kiosk.ui.texts import Texts


class OutOfService(QWidget):
    def __init__(self, texts: Texts, parent: QWidget | None = None):
        super().__init__(parent)
        self.texts = texts
        self.setObjectName("outOfService")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        self.reason = ""
        lay = QVBoxLayout(self)
        lay.setContentsMargins(120, 120, 120, 120)
        lay.setSpacing(32)
        lay.addStretch(1)
        self.title = label("", "oosTitle")
        self.detail = label("", "subtitle")
        self.counter = label("", "subtitle")
        for widget in (self.title, self.detail, self.counter):
            widget.setAlignment(Qt.AlignmentFlag.AlignCenter)
            lay.addWidget(widget)
        lay.addStretch(2)
        # why, for staff (a start-up problem only): the reason, the technical detail, a code
        self.staff = label("", "hint")
        self.staff_detail = label("", "hint")
        for widget in (self.staff, self.staff_detail):
            widget.setAlignment(Qt.AlignmentFlag.AlignCenter)
            widget.setWordWrap(True)
            widget.setTextInteractionFlags(Qt.TextInteractionFlag.NoTextInteraction)
            lay.addWidget(widget)

    def show_reason(self, reason: str) -> None:
        """``reason``: not_enrolled | recovering."""
        self.reason = reason
        self.title.setText(self.texts.tr("oos.title"))
        self.detail.setText(self.texts.tr(f"oos.{reason}"))
        self.counter.setText(self.texts.tr("oos.counter"))
        self.staff.setText("")
        self.staff_detail.setText("")

    def show_problem(self, reason_zh: str, reason_en: str, detail: str, support_code: str) -> None:
        """The kiosk cannot start (configuration, data folder, database): the applicant is sent to
        the counter, staff read what is wrong and the support code to quote."""
        self.reason = "cannot_start"
        self.title.setText(self.texts.tr("oos.title"))
        self.detail.setText(self.texts.tr("oos.cannot_start"))
        self.counter.setText(self.texts.tr("oos.counter"))
        reason = reason_en if self.texts.language() == "en" else reason_zh
        self.staff.setText(self.texts.tr("oos.staff", reason=reason, code=support_code))
        self.staff_detail.setText(self.texts.tr("oos.staff_detail", detail=detail))

    def shown_text(self) -> str:
        """Everything on the page, one line each (the log records what the kiosk showed)."""
        parts = (self.title, self.detail, self.counter, self.staff, self.staff_detail)
        return "\n".join(w.text() for w in parts if w.text())

"""The page applicants see when the kiosk cannot take them: not enrolled, or recovering from a fault.

It says so in plain words and sends them to the counter; staff still reach supervisor mode through
the hidden gesture from here.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QVBoxLayout, QWidget

from kiosk.ui.base import label
from kiosk.ui.texts import tr


class OutOfService(QWidget):
    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
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

    def show_reason(self, reason: str) -> None:
        """``reason``: not_enrolled | recovering."""
        self.reason = reason
        self.title.setText(tr("oos.title"))
        self.detail.setText(tr(f"oos.{reason}"))
        self.counter.setText(tr("oos.counter"))

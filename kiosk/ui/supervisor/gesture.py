"""The hidden way in: press and hold a screen corner for 5 s, or a key combination.

Applicants never see a button for it. Touch and mouse both count; lifting the finger or sliding
out of the corner cancels the hold.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, QPoint, QTimer, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QWidget

HOLD_MS = 5000
CORNER_PX = 96
KEYS = "Ctrl+Alt+Shift+S"


class HiddenGesture(QObject):
    triggered = Signal()

    def __init__(self, window: QWidget, hold_ms: int = HOLD_MS, corner: str = "top-right"):
        super().__init__(window)
        self.window, self.corner = window, corner
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.setInterval(hold_ms)
        self.timer.timeout.connect(self.triggered.emit)
        window.installEventFilter(self)
        self.shortcut = QShortcut(QKeySequence(KEYS), window)
        self.shortcut.activated.connect(self.triggered.emit)

    def in_corner(self, pos: QPoint) -> bool:
        w, h = self.window.width(), self.window.height()
        x_ok = pos.x() >= w - CORNER_PX if "right" in self.corner else pos.x() <= CORNER_PX
        y_ok = pos.y() <= CORNER_PX if "top" in self.corner else pos.y() >= h - CORNER_PX
        return x_ok and y_ok

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        kind = event.type()
        if kind in (QEvent.Type.MouseButtonPress, QEvent.Type.TouchBegin):
            pos = (
                event.position().toPoint()
                if hasattr(event, "position")
                else event.points()[0].position().toPoint()
            )
            if self.in_corner(pos):
                self.timer.start()
        elif kind in (
            QEvent.Type.MouseButtonRelease,
            QEvent.Type.TouchEnd,
            QEvent.Type.TouchCancel,
        ):
            self.timer.stop()
        elif kind in (QEvent.Type.MouseMove, QEvent.Type.TouchUpdate) and self.timer.isActive():
            pos = (
                event.position().toPoint()
                if hasattr(event, "position")
                else event.points()[0].position().toPoint()
            )
            if not self.in_corner(pos):
                self.timer.stop()
        return False

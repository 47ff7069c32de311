"""The hidden way in: press and hold a screen corner for 5 s, or a key combination.

Applicants never see a button for it. Touch and mouse both count; lifting the finger or sliding
out of the corner cancels the hold. The filter sits on the application, not the window, because a
press lands on whatever child widget is under the finger and may never reach the window.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, QPoint, QTimer, Signal
from PySide6.QtGui import QKeySequence, QPointerEvent, QShortcut
from PySide6.QtWidgets import QApplication, QWidget
from shiboken6 import isValid

HOLD_MS = 5000
CORNER_PX = 96
KEYS = "Ctrl+Alt+Shift+S"
WATCHED = frozenset(
    {
        QEvent.Type.MouseButtonPress,
        QEvent.Type.MouseButtonRelease,
        QEvent.Type.MouseMove,
        QEvent.Type.TouchBegin,
        QEvent.Type.TouchUpdate,
        QEvent.Type.TouchEnd,
        QEvent.Type.TouchCancel,
    }
)


class HiddenGesture(QObject):
    triggered = Signal()

    def __init__(self, window: QWidget, hold_ms: int = HOLD_MS, corner: str = "top-right"):
        super().__init__(window)
        self.window, self.corner = window, corner
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.setInterval(hold_ms)
        self.timer.timeout.connect(self.triggered.emit)
        app = QApplication.instance()
        if app is not None:
            app.installEventFilter(self)
        self.shortcut = QShortcut(QKeySequence(KEYS), window)
        self.shortcut.activated.connect(self.triggered.emit)

    def in_corner(self, pos: QPoint) -> bool:
        w, h = self.window.width(), self.window.height()
        x_ok = pos.x() >= w - CORNER_PX if "right" in self.corner else pos.x() <= CORNER_PX
        y_ok = pos.y() <= CORNER_PX if "top" in self.corner else pos.y() >= h - CORNER_PX
        return x_ok and y_ok

    def _window_pos(self, event: QEvent) -> QPoint:
        assert isinstance(event, QPointerEvent)  # only mouse and touch events are watched
        return self.window.mapFromGlobal(event.points()[0].globalPosition().toPoint())

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        kind = event.type()
        if kind not in WATCHED:  # first and cheap: this filter sees every event of the app
            return False
        if not isValid(self.window) or not self.window.isVisible():
            return False  # the window is going away, or not shown
        if kind in (QEvent.Type.MouseButtonPress, QEvent.Type.TouchBegin):
            pos = self._window_pos(event)
            if self.in_corner(pos):
                self.timer.start()
        elif kind in (
            QEvent.Type.MouseButtonRelease,
            QEvent.Type.TouchEnd,
            QEvent.Type.TouchCancel,
        ):
            self.timer.stop()
        elif kind in (QEvent.Type.MouseMove, QEvent.Type.TouchUpdate) and self.timer.isActive():
            pos = self._window_pos(event)
            if not self.in_corner(pos):
                self.timer.stop()
        return False

"""One application-wide event filter: restarts the idle timer and counts taps and typed characters.

A tap is one press on an on-screen control (a button, a field, the signature pad), keyboard keys
excepted; a typed character is every printable character a keyboard (on-screen or physical)
delivers to a text field. The counts are per screen; the walkthrough reads them.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QEvent, QObject, QTimer, Signal
from PySide6.QtWidgets import QAbstractButton, QLineEdit, QWidget

INPUT = {
    QEvent.Type.MouseButtonPress,
    QEvent.Type.MouseMove,
    QEvent.Type.KeyPress,
    QEvent.Type.Wheel,
    QEvent.Type.TouchBegin,
    QEvent.Type.TouchUpdate,
    QEvent.Type.TouchEnd,
    QEvent.Type.TabletPress,
}


@dataclass
class Counts:
    taps: int = 0
    typed: int = 0


def _is_control(widget: QObject) -> bool:
    if not isinstance(widget, QWidget):
        return False
    if widget.property("keyboardKey"):
        return False
    return isinstance(widget, QAbstractButton | QLineEdit) or bool(widget.property("tappable"))


class Activity(QObject):
    """Install once on the QApplication. ``idle`` fires after ``idle_ms`` without input."""

    idle = Signal()

    def __init__(self, idle_ms: int, parent: QObject | None = None):
        super().__init__(parent)
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.setInterval(idle_ms)
        self.timer.timeout.connect(self.idle.emit)
        self.counts = Counts()
        self.enabled = True

    def reset_counts(self) -> Counts:
        done, self.counts = self.counts, Counts()
        return done

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        kind = event.type()
        if kind in INPUT and self.enabled:
            self.timer.start()
        if kind == QEvent.Type.MouseButtonPress and _is_control(watched):
            if isinstance(watched, QWidget) and watched.isEnabled():
                self.counts.taps += 1
        elif kind == QEvent.Type.KeyPress and isinstance(watched, QLineEdit):
            text = event.text()  # type: ignore[attr-defined]
            self.counts.typed += sum(1 for ch in text if ch.isprintable())
        return False

"""The small online/offline mark in the top bar, fed by the sync worker from its own thread.

Applicants only need to know their application is safe either way, so the words say that; the
mark is text plus a symbol, never colour alone.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal

from kiosk.ui.kit import label
from kiosk.ui.texts import Texts


class SyncRelay(QObject):
    """Hands the worker's ``on_status(online)`` calls to the GUI thread (queued signal)."""

    changed = Signal(object)  # True | False

    def __call__(self, online: bool) -> None:
        self.changed.emit(online)


class SyncBadge:
    """Owns the top-bar label; ``state`` is demo | online | offline | unknown."""

    def __init__(self, texts: Texts) -> None:
        self.texts = texts
        self.widget = label("", "syncBadge", wrap=False)
        self.state = "unknown"
        self.refresh()

    def set_state(self, state: str) -> None:
        self.state = state
        self.refresh()

    def on_online(self, online: object) -> None:
        if self.state != "demo":
            self.set_state("online" if online else "offline")

    def refresh(self) -> None:  # also after a language change
        self.widget.setVisible(self.state != "unknown")
        if self.state != "unknown":
            self.widget.setText(self.texts.tr(f"sync.badge.{self.state}"))
            self.widget.setProperty("state", self.state)
            self.widget.style().unpolish(self.widget)
            self.widget.style().polish(self.widget)

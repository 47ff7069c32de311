"""Modal layers drawn over the screens: "are you still there?", confirm cancel, help called."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QFrame, QHBoxLayout, QVBoxLayout, QWidget

from kiosk.ui.kit import button, label
from kiosk.ui.texts import Texts


class Overlay(QFrame):
    """A dimmed layer over the whole window with one dialog in the middle."""

    def __init__(self, parent: QWidget, texts: Texts):
        super().__init__(parent)
        self.texts = texts
        self.setObjectName("overlay")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        self.hide()
        self.kind = ""
        self.timer = QTimer(self)
        self.timer.setInterval(1000)
        self.timer.timeout.connect(self._tick)
        self.remaining = 0
        self.on_expire: Callable[[], None] | None = None
        self.dialog: QFrame | None = None

    def _open(self, kind: str) -> QVBoxLayout:
        self.close_overlay()
        self.kind = kind
        self.dialog = QFrame(self)
        self.dialog.setObjectName("dialog")
        self.dialog.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        lay = QVBoxLayout(self.dialog)
        lay.setContentsMargins(40, 32, 40, 32)
        lay.setSpacing(20)
        return lay

    def _show(self) -> None:
        assert self.dialog is not None
        parent = self.parentWidget()
        assert parent is not None
        self.setGeometry(parent.rect())
        self.dialog.setFixedWidth(min(900, parent.width() - 80))
        self.dialog.adjustSize()
        self.dialog.move(
            (self.width() - self.dialog.width()) // 2, (self.height() - self.dialog.height()) // 2
        )
        self.show()
        self.raise_()

    def close_overlay(self) -> None:
        self.timer.stop()
        self.kind = ""
        if self.dialog is not None:
            self.dialog.hide()
            self.dialog.deleteLater()
            self.dialog = None
        self.hide()

    def still_there(
        self, seconds: int, on_continue: Callable[[], None], on_expire: Callable[[], None]
    ) -> None:
        lay = self._open("idle")
        lay.addWidget(label(self.texts.tr("idle.title"), "title"))
        lay.addWidget(label(self.texts.tr("idle.body")))
        self.count_label = label("", "countdown")
        lay.addWidget(self.count_label)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(button(self.texts.tr("idle.continue"), on_continue, "primary"))
        lay.addLayout(row)
        self.remaining, self.on_expire = seconds, on_expire
        self._update_count()
        self.timer.start()
        self._show()

    def _tick(self) -> None:
        self.remaining -= 1
        if self.remaining <= 0:
            expire = self.on_expire
            self.close_overlay()
            if expire is not None:
                expire()
            return
        self._update_count()

    def _update_count(self) -> None:
        self.count_label.setText(self.texts.tr("idle.count", n=self.remaining))

    def confirm_cancel(self, on_yes: Callable[[], None]) -> None:
        lay = self._open("cancel")
        lay.addWidget(label(self.texts.tr("cancel.title"), "title"))
        lay.addWidget(label(self.texts.tr("cancel.body")))
        row = QHBoxLayout()
        # clearing everything is the quiet choice on the left; carrying on is where "next" is
        row.addWidget(button(self.texts.tr("cancel.yes"), on_yes, "quiet"))
        row.addStretch(1)
        row.addWidget(button(self.texts.tr("cancel.no"), self.close_overlay, "primary"))
        lay.addLayout(row)
        self._show()

    def help_called(self) -> None:
        lay = self._open("help")
        lay.addWidget(label(self.texts.tr("help.title"), "title"))
        lay.addWidget(label(self.texts.tr("help.body")))
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(button(self.texts.tr("btn.ok"), self.close_overlay, "primary"))
        lay.addLayout(row)
        self._show()

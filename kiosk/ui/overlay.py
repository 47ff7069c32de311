"""Modal layers drawn over the screens: "are you still there?", confirm cancel, help called."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from kiosk.ui.kit import button, label
from kiosk.ui.texts import Texts

ELDER_SAY_EVERY = 5  # seconds between the spoken countdown's words in elder mode


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
        self.speak: Callable[[str], None] | None = None  # the window's voice: says each dialog

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
        if self.speak is not None:  # its title and what it asks, as a screen says its prompt
            words = [
                w.text() for w in self.dialog.findChildren(QLabel) if w.objectName() != "countdown"
            ]
            self.speak(("。" if self.texts.lang == "zh" else ". ").join(words[:2]))

    def close_overlay(self) -> None:
        self.timer.stop()
        self.kind = ""
        if self.dialog is not None:
            self.dialog.hide()
            self.dialog.deleteLater()
            self.dialog = None
        self.hide()

    def still_there(
        self,
        seconds: int,
        on_continue: Callable[[], None],
        on_expire: Callable[[], None],
        *,
        elder: bool = False,
    ) -> None:
        """``elder`` (elder mode, kiosk/ui/elder.py): one big "我还在" button across the dialog,
        and the seconds left spoken every ``ELDER_SAY_EVERY`` seconds, not only shown."""
        lay = self._open("idle")
        lay.addWidget(label(self.texts.tr("idle.title"), "title"))
        lay.addWidget(label(self.texts.tr("idle.body")))
        self.count_label = label("", "countdown")
        lay.addWidget(self.count_label)
        row = QHBoxLayout()
        if elder:
            still = button(self.texts.tr("elder.still_here"), on_continue, "stillHere")
            still.setProperty("choice", "still_here")
            row.addWidget(still, 1)
        else:
            row.addStretch(1)
            row.addWidget(button(self.texts.tr("idle.continue"), on_continue, "primary"))
        lay.addLayout(row)
        self.elder = elder
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
        spoken = getattr(self, "elder", False) and self.remaining % ELDER_SAY_EVERY == 0
        if spoken and self.speak is not None and self.isVisible():
            self.speak(self.texts.tr("elder.count_spoken", n=self.remaining))

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

    def help_called(
        self,
        state: str = "calling",
        on_cancel: Callable[[], None] | None = None,
        on_staff: Callable[[], None] | None = None,
    ) -> None:
        """The open help call. ``state`` says only what is known: ``calling``, ``sent`` (the
        counter has it), ``queued`` (no hub answering: go to the counter), ``acknowledged``."""
        lay = self._open("help")
        lay.addWidget(label(self.texts.tr("help.title"), "title"))
        self.help_state = label("", "helpState")
        lay.addWidget(self.help_state)
        lay.addWidget(label(self.texts.tr("help.keep")))
        row = QHBoxLayout()
        self.help_staff_button = None
        if on_staff is not None:  # staff step in on top of the visit (kiosk/ui/assist.py)
            self.help_staff_button = button(self.texts.tr("help.staff"), on_staff, "quiet")
            row.addWidget(self.help_staff_button)
        row.addStretch(1)
        self.help_cancel_button = button(
            self.texts.tr("help.cancel"), on_cancel or self.close_overlay, "primary"
        )
        row.addWidget(self.help_cancel_button)
        lay.addLayout(row)
        self.set_help_state(state)
        self._show()

    def set_help_state(self, state: str) -> None:
        if self.kind == "help":
            self.help_state.setText(self.texts.tr(f"help.{state}"))
            self.help_state.setProperty("helpState", state)

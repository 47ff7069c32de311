"""Help that reaches the counter, at the kiosk: the help button's call (chime, a state that says
only what is true, the idle timer paused while it is open, cancelable), and the assist view staff
open from it with their PIN, on top of the applicant's visit, which stays as it was.

The call itself (stored, sent at once as a signed event, or queued in the outbox) is
:class:`kiosk.services.help_calls.HelpDesk`'s; everything blocking runs off the GUI thread.
"""

from __future__ import annotations

import math
import struct
import wave
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol, cast

from PySide6.QtCore import Qt, QTimer, QUrl
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLineEdit, QVBoxLayout, QWidget

from kiosk import logs, paths
from kiosk.ui.kit import button, label

if TYPE_CHECKING:
    from PySide6.QtWidgets import QStackedWidget

    from kiosk.services.help_calls import HelpDesk, Raised
    from kiosk.services.staff import StaffAccount
    from kiosk.ui.activity import Activity
    from kiosk.ui.base import Context
    from kiosk.ui.overlay import Overlay


class KioskWindow(Protocol):
    """What the help flow uses of kiosk.ui.window.KioskWindow (which owns it)."""

    ctx: Context
    state: str
    overlay: Overlay
    activity: Activity
    root: QStackedWidget
    applicant: QWidget


_log = logs.get("kiosk.ui")
POLL_MS = 2000  # how often an open call asks the hub whether staff have seen it


def chime_file() -> Path:
    """A short two-tone chime, written once under the data folder (no sound file shipped)."""
    path = paths.sub("cache") / "help-chime.wav"
    if path.is_file():
        return path
    rate, frames = 22050, bytearray()
    for freq, seconds in ((880.0, 0.18), (660.0, 0.28)):
        n = int(rate * seconds)
        for i in range(n):
            fade = min(1.0, (n - i) / (rate * 0.05))
            frames += struct.pack("<h", int(9000 * fade * math.sin(2 * math.pi * freq * i / rate)))
    tmp = path.with_name(".help-chime.wav.tmp")
    with wave.open(str(tmp), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(rate)
        out.writeframes(bytes(frames))
    tmp.replace(path)
    return path


class HelpFlow:
    """One open help call at a time, owned by the kiosk window."""

    def __init__(self, window: QWidget):
        self.widget = window  # for Qt: the owner of timers, tasks and the assist view
        self.window = cast("KioskWindow", window)
        self.ctx = self.window.ctx
        self.raised: Raised | None = None
        self.state = ""
        self.chimes = 0  # how often it chimed (the tests read it; silent without a device)
        self._effect: Any = None
        self._busy = False
        self.timer = QTimer(window)
        self.timer.setInterval(POLL_MS)
        self.timer.timeout.connect(self._poll)
        self.assist: AssistView | None = None
        self._audits: list[tuple[str, str, str]] = []
        self._auditing = False

    def desk(self) -> HelpDesk:
        from kiosk.services.help_calls import HelpDesk

        return HelpDesk(self.ctx.factory, self.ctx.config, self.ctx.enrolled)

    @property
    def open(self) -> bool:
        return bool(self.state)

    def start(self) -> None:
        if self.open:  # pressed again: the same call, shown again
            self._show()
            return
        screen = self.window.state or "welcome"
        self.state = "calling"
        self._pause_idle()
        self.chime()
        self._show()
        self.ctx.runner.run(self.widget, lambda: self.desk().raise_call(screen), self._raised)

    def _show(self) -> None:
        self.window.overlay.help_called(self.state, self.cancel, self.open_assist)

    def _raised(self, result: object) -> None:
        if not self.open:
            return
        if isinstance(result, Exception):  # not even stored: all we can say is go to the counter
            _log.error("help call not stored: %s", type(result).__name__)
            self._set("queued")
            return
        self.raised = result  # type: ignore[assignment]
        assert self.raised is not None
        self._set(self.raised.state)
        self.timer.start()

    def _set(self, state: str) -> None:
        if state == "acknowledged" and self.state != "acknowledged":
            self.chime()
        self.state = state
        self.window.overlay.set_help_state(state)

    def _poll(self) -> None:
        raised = self.raised
        if raised is None or self._busy or not self.open:
            return
        self._busy = True
        self.ctx.runner.run(self.widget, lambda: self.desk().state(raised), self._polled)

    def _polled(self, result: object) -> None:
        self._busy = False
        if not self.open or isinstance(result, Exception):
            return
        if result == "acknowledged":
            self.timer.stop()
        if result in ("sent", "queued", "acknowledged"):
            self._set(str(result))

    def cancel(self) -> None:
        """The applicant closes the call (after staff acknowledged it, that only closes it here)."""
        raised, state = self.raised, self.state
        self._close()
        if raised is not None and state != "acknowledged":
            self.ctx.runner.run(self.widget, lambda: self.desk().cancel(raised), _logged)

    def _close(self) -> None:
        self.timer.stop()
        self.raised, self.state = None, ""
        self.window.overlay.close_overlay()
        self._resume_idle()

    def reset(self) -> None:
        """The visit ended (wiped): nothing of this call stays on screen."""
        if self.assist is not None:
            self.assist.close_view()
        if self.open:
            self._close()

    def _pause_idle(self) -> None:
        self.window.activity.enabled = False
        self.window.activity.timer.stop()

    def _resume_idle(self) -> None:
        if self.window.root.currentWidget() is self.window.applicant:
            self.window.activity.enabled = True
            self.window.activity.timer.start()

    def chime(self) -> None:
        self.chimes += 1
        from kiosk.voice.qt_bridge import audio_outputs

        if not audio_outputs():  # no audio device here: the overlay still says it
            return
        try:
            if self._effect is None:
                from PySide6.QtMultimedia import QSoundEffect

                self._effect = QSoundEffect(self.widget)
                self._effect.setSource(QUrl.fromLocalFile(str(chime_file())))
            self._effect.play()
        except (OSError, RuntimeError) as exc:
            _log.info("no chime: %s", type(exc).__name__)

    # -- staff step in --------------------------------------------------------------------------
    def audit(self, actor: str, action: str, detail: str) -> None:
        """Audit what staff did in the assist view, in the order they did it: one write in
        flight at a time; whatever was done meanwhile goes in the next."""
        self._audits.append((actor, action, detail))
        if not self._auditing:
            self._write_audits()

    def _write_audits(self) -> None:
        from kiosk.services.help_calls import record_assist

        entries, self._audits = self._audits, []
        self._auditing = True
        factory = self.ctx.factory
        self.ctx.runner.run(
            self.widget, lambda: record_assist(factory, entries), self._audits_written
        )

    def _audits_written(self, result: object) -> None:
        self._auditing = False
        _logged(result)
        if self._audits:
            self._write_audits()

    def open_assist(self) -> None:
        self.window.overlay.hide()
        self.assist = AssistView(self, self.widget)
        self.assist.show_over(self.widget)

    def assist_closed(self, account: StaffAccount | None) -> None:
        """Back from the assist view: a staff member who signed in has helped, so the call is
        done; one who did not leaves the call open."""
        self.assist = None
        if account is None:
            self._show()
            return
        raised = self.raised
        self._close()
        if raised is not None:
            from kiosk.services.help_calls import close_call

            factory, actor = self.ctx.factory, account.actor
            self.ctx.runner.run(self.widget, lambda: close_call(factory, actor, raised.id), _logged)


def _logged(result: object) -> None:
    if isinstance(result, Exception):
        _log.error("help call update not stored: %s", type(result).__name__)


class AssistView(QFrame):
    """Staff PIN, then: move the current step on, fix the phone number, place a card by hand;
    leaving it returns to the applicant's screen as it was, and is audited."""

    def __init__(self, flow: HelpFlow, parent: QWidget):
        super().__init__(parent)
        self.flow, self.ctx, self.texts = flow, flow.ctx, flow.ctx.texts
        self.account: StaffAccount | None = None
        self.setObjectName("overlay")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        self.box = QFrame(self)
        self.box.setObjectName("dialog")
        self.box.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        self.lay = QVBoxLayout(self.box)
        self.lay.setContentsMargins(40, 32, 40, 32)
        self.lay.setSpacing(16)
        self._pin_stage()

    def show_over(self, window: QWidget) -> None:
        self.setGeometry(window.rect())
        self.box.setGeometry(self.rect().adjusted(60, 40, -60, -40))
        self.show()
        self.raise_()

    def _clear(self) -> None:
        while self.lay.count():
            item = self.lay.takeAt(0)
            widget = item.widget() if item is not None else None
            if widget is not None:
                widget.deleteLater()
            elif item is not None and item.layout() is not None:
                _drop_layout(item.layout())

    def _pin_stage(self) -> None:
        from kiosk.ui.supervisor.common import SupervisorContext
        from kiosk.ui.supervisor.pinpad import PinPad

        sctx = SupervisorContext(
            factory=self.ctx.factory, texts=self.texts, runner=self.ctx.runner, demo=self.ctx.demo
        )
        self.pinpad = PinPad(sctx)
        self.pinpad.loggedIn.connect(self._signed_in)
        self.pinpad.cancelled.connect(lambda: self.close_view())
        self.lay.addWidget(label(self.texts.tr("assist.title"), "title"))
        self.lay.addWidget(self.pinpad, 1)

    def _signed_in(self, account: StaffAccount) -> None:
        self.account = account
        self._audit("open", f"state={self.flow.window.state}")
        self._clear()
        self._actions()

    def _actions(self) -> None:
        texts, ctx = self.texts, self.ctx
        self.lay.addWidget(label(texts.tr("assist.title"), "title"))
        self.lay.addWidget(label(texts.tr("assist.kept")))
        self.lay.addWidget(label(texts.tr("assist.step", step=self.flow.window.state or "welcome")))
        if ctx.journey is not None and ctx.step is not None:
            triggers = sorted(ctx.journey.triggers_from(ctx.step.key))
            if triggers:
                self.lay.addWidget(label(texts.tr("assist.override")))
                row = QHBoxLayout()
                for trigger in triggers:
                    words = texts.tr_or(f"btn.{trigger}", trigger)
                    row.addWidget(button(words, lambda t=trigger: self._override(t), "quiet"))
                row.addStretch(1)
                self.lay.addLayout(row)
        self.lay.addWidget(label(texts.tr("assist.phone")))
        row = QHBoxLayout()
        self.phone = QLineEdit(ctx.visit.phone)
        self.phone.setObjectName("assistPhone")
        self.phone.setMaxLength(11)
        row.addWidget(self.phone, 1)
        self.save_button = button(texts.tr("assist.save"), self._save_phone, "quiet")
        row.addWidget(self.save_button)
        self.lay.addLayout(row)
        self.note = label("", "assistNote")
        self.lay.addWidget(self.note)
        self.lay.addWidget(label(texts.tr("assist.card")))
        if ctx.demo:
            from kiosk.devices.idcard import samples

            row = QHBoxLayout()
            for name in samples.sample_names()[:6]:
                row.addWidget(button(name, lambda n=name: self._place(n), "quiet"))
            row.addStretch(1)
            self.lay.addLayout(row)
        else:
            self.lay.addWidget(label(texts.tr("assist.card_real")))
        self.lay.addStretch(1)
        row = QHBoxLayout()
        row.addStretch(1)
        self.exit_button = button(texts.tr("assist.exit"), self.close_view, "primary")
        row.addWidget(self.exit_button)
        self.lay.addLayout(row)

    def _override(self, trigger: str) -> None:
        self._audit("override", f"state={self.flow.window.state} trigger={trigger}")
        self.close_view()
        self.ctx.go(trigger)

    def _save_phone(self) -> None:
        text = self.phone.text().strip()
        if not (len(text) == 11 and text.isdigit()):
            self.note.setText(self.texts.tr("assist.bad_phone"))
            return
        self.ctx.visit.phone = text
        logs.register_sensitive(text)
        self._audit("fix", "field=phone")
        self.note.setText(self.texts.tr("assist.saved"))

    def _place(self, name: str) -> None:
        self._audit("card", "by_hand=sample")
        self.close_view()
        self.ctx.cards.place(name)

    def _audit(self, action: str, detail: str) -> None:
        if self.account is not None:
            self.flow.audit(self.account.actor, action, detail)

    def close_view(self) -> None:
        """Leave: audited when staff had signed in; the applicant's screen is as it was."""
        self._audit("exit", f"state={self.flow.window.state}")
        self.hide()
        self.deleteLater()
        self.flow.assist_closed(self.account)


def _drop_layout(layout: Any) -> None:
    while layout.count():
        item = layout.takeAt(0)
        if item.widget() is not None:
            item.widget().deleteLater()
        elif item.layout() is not None:
            _drop_layout(item.layout())

"""The kiosk's main window: a top bar, the applicant screens, overlays, and a slot for supervisor mode.

Supervisor mode plugs in here: :attr:`KioskWindow.supervisorRequested` fires on the hidden
gesture (hold the top-left corner 5 s, or Ctrl+Alt+Shift+S; see docs/supervisor.md);
:meth:`show_supervisor` puts its widget on top of the applicant screens and
:meth:`show_applicant` returns (the applicant's visit is wiped first: staff never see it).
When the kiosk cannot take applicants (not enrolled, recovering from a fault) the out-of-service
page stands in for the applicant screens.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from types import ModuleType
from typing import TYPE_CHECKING

from PySide6.QtCore import QSize, Qt, QTimer, Signal
from PySide6.QtGui import QGuiApplication, QPaintEvent
from PySide6.QtWidgets import (
    QApplication,
    QFrame,
    QHBoxLayout,
    QLayout,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from kiosk import logs
from kiosk.domain import idnumber
from kiosk.ui import style
from kiosk.ui.activity import Activity
from kiosk.ui.base import Context, Screen
from kiosk.ui.card_source import CardRead
from kiosk.ui.elder import ElderMode
from kiosk.ui.kit import button, label
from kiosk.ui.machine import JourneyMachine
from kiosk.ui.out_of_service import OutOfService
from kiosk.ui.overlay import Overlay
from kiosk.ui.supervisor.gesture import HiddenGesture
from kiosk.ui.sync_badge import SyncBadge
from kiosk.ui.voice_buttons import ICON, speaker_icon
from kiosk.voice.qt_bridge import QtSpeechOutput
from kiosk.voice.speaker import Speaker

if TYPE_CHECKING:
    from kiosk.ui.assist import HelpFlow

_log = logs.get("kiosk.ui")
SETTLE_FALLBACK_MS = 1000  # without a first paint (headless use) the rest loads after this


def screen_modules() -> Iterator[ModuleType]:
    """The modules of the applicant screens, imported one by one as far as needed: the welcome
    screen needs only the first (a quicker start)."""
    from kiosk.ui.screens import basic

    yield basic
    from kiosk.ui.screens import card

    yield card
    from kiosk.ui.screens import forms

    yield forms
    from kiosk.ui.screens import finish

    yield finish
    from kiosk.ui.screens import photo

    yield photo
    from kiosk.ui.screens import apply

    yield apply


def screen_class(name: str) -> type[Screen]:
    for module in screen_modules():
        for value in vars(module).values():
            if isinstance(value, type) and issubclass(value, Screen) and value.name == name:
                return value
    raise KeyError(f"no applicant screen is named {name!r}")


class Screens(dict[str, Screen]):
    """The applicant screens by name, each built the first time it is asked for."""

    def __init__(self, make: Callable[[str], Screen]):
        super().__init__()
        self._make = make

    def __missing__(self, name: str) -> Screen:
        screen = self[name] = self._make(name)
        return screen


RECOVER_MS = 4000  # the "recovering" page stays this long after an unexpected error
# the step counter counts only what the applicant does: not the kiosk's saving and printing,
# nor the done screen, endings and failures
NOT_PROGRESS = {
    "ending",
    "card_removed",
    "camera_failed",
    "disk_full",
    "printer_failed",
    "submit",
    "print",
    "done",
    "first_done",
}
DEMO_KEYS = {
    Qt.Key.Key_F1: "resident",
    Qt.Key.Key_F2: "resident_longterm",
    Qt.Key.Key_F3: "gat_hk",
    Qt.Key.Key_F4: "foreign_2023",
}


class KioskWindow(QWidget):
    supervisorRequested = Signal()
    # once, when the welcome screen is up (its first paint) or the visit moves on: the kiosk then
    # opens what the welcome screen does not need (kiosk.ui.app.Kiosk.finish_start)
    settled = Signal()
    screenShown = Signal(str, str)  # state name, screen name

    def __init__(self, ctx: Context, default_lang: str = "zh", default_large: bool = False):
        super().__init__()
        self.ctx = ctx
        self.texts = ctx.texts
        # every screen speaks its prompt; silent without an audio device (docs/ui.md, Voice)
        self.speaker = Speaker(QtSpeechOutput(parent=self))
        self.default_lang, self.default_large = default_lang, default_large
        self.setWindowTitle(self.texts.tr("app.title"))
        self.resize(1920, 1080)
        self.root = QStackedWidget(self)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        # a top-level window: do not push size hints (offscreen/kiosk compositors refuse them)
        outer.setSizeConstraint(QLayout.SizeConstraint.SetNoConstraint)
        outer.addWidget(self.root)
        self.applicant = QWidget()
        lay = QVBoxLayout(self.applicant)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.setSpacing(0)
        lay.addWidget(self._top_bar())
        self.stack = QStackedWidget()
        self.stack.setObjectName("screens")
        lay.addWidget(self.stack, 1)
        self.root.addWidget(self.applicant)
        self.screens = Screens(self._make_screen)
        self.current: Screen | None = None
        self.state = ""
        self.overlay = Overlay(self, ctx.texts)
        self.overlay.speak = self.speak
        self.help_flow: HelpFlow | None = None  # made on the first press of the help button
        self.activity = Activity(int(ctx.config["timeouts.idle_seconds"]) * 1000, self)
        self.activity.idle.connect(self._on_idle)
        self.elder = ElderMode(self)  # a card of someone 60+ turns it on (kiosk/ui/elder.py)
        self.top_row.insertWidget(self.top_row.indexOf(self.sync_badge.widget), self.elder.button)
        QApplication.instance().installEventFilter(self.activity)  # type: ignore[union-attr]
        ctx.cards.cardRead.connect(self._on_card)
        ctx.cards.cardRemoved.connect(self._on_card_removed)
        self.machine = JourneyMachine(ctx.nav, self._on_enter, self)
        self.transition_ms: list[float] = []
        ctx.nav.go.connect(self._mark, Qt.ConnectionType.DirectConnection)
        self._go_at = 0.0
        self.gesture = HiddenGesture(self, corner="top-left")  # top-right holds the help button
        self.gesture.triggered.connect(self._gesture)
        self.out_of_service_page = OutOfService(ctx.texts)
        self.root.addWidget(self.out_of_service_page)
        self.service_check: Callable[[], str | None] = lambda: None  # → reason, or None
        self._settled = False
        self._set_style()

    def _make_screen(self, name: str) -> Screen:
        screen = screen_class(name)(self.ctx)
        self.stack.addWidget(screen)
        return screen

    def build_screens(self) -> None:
        """Build every applicant screen now (the kiosk does, once the welcome screen is up)."""
        for module in screen_modules():
            for value in vars(module).values():
                if isinstance(value, type) and issubclass(value, Screen) and value.name:
                    self.screens[value.name]

    def _settle(self) -> None:
        if not self._settled:
            self._settled = True
            self.settled.emit()

    def paintEvent(self, event: QPaintEvent) -> None:
        super().paintEvent(event)
        if not self._settled:  # the welcome screen is on screen: the rest may load now
            QTimer.singleShot(0, self, self._settle)

    # -- top bar --------------------------------------------------------------------------------

    def _top_bar(self) -> QFrame:
        bar = QFrame()
        bar.setObjectName("topBar")
        bar.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        row = QHBoxLayout(bar)
        row.setContentsMargins(32, 10, 24, 10)
        self.top_title = label("", "topTitle", wrap=False)
        self.step_label = label("", "stepLabel", wrap=False)
        row.addWidget(self.top_title)
        row.addSpacing(24)
        row.addWidget(self.step_label)
        row.addStretch(1)
        self.sync_badge = SyncBadge(self.texts)
        row.addWidget(self.sync_badge.widget)
        self.top_row = row
        self.repeat_button = button("", lambda: self.speaker.repeat(), "voice")
        self.repeat_button.setIcon(speaker_icon(muted=False))
        self.mute_button = button("", self._toggle_mute, "voice", checkable=True)
        self.mute_button.setIcon(speaker_icon(muted=True))
        for b in (self.repeat_button, self.mute_button):
            b.setIconSize(QSize(ICON, ICON))
        row.addWidget(self.repeat_button)
        row.addWidget(self.mute_button)
        self.help_button = button("", self.call_help, "help")
        row.addWidget(self.help_button)
        return bar

    def _update_bar(self) -> None:
        journey, step = self.ctx.journey, self.ctx.step
        self.help_button.setText("?  " + self.texts.tr("btn.help"))
        # symbols, not words (kiosk/ui/voice_buttons.py); the words are their accessible names
        self.repeat_button.setAccessibleName(self.texts.tr("voice.repeat"))
        self.mute_button.setAccessibleName(
            self.texts.tr("voice.unmute" if self.speaker.muted else "voice.mute")
        )
        self.sync_badge.refresh()
        if hasattr(self, "elder"):
            self.elder.refresh()
        if journey is None:
            self.top_title.setText(self.texts.tr("app.title"))
            self.step_label.setText("")
            return
        self.top_title.setText(self.texts.tr(f"service.{journey.key}"))
        progress = [s.key for s in journey.steps if s.screen not in NOT_PROGRESS]
        if step is not None and step.key in progress:
            self.step_label.setText(
                self.texts.tr("top.step", n=progress.index(step.key) + 1, total=len(progress))
            )
        else:
            self.step_label.setText("")

    # -- states ---------------------------------------------------------------------------------

    def start(self) -> None:
        self.machine.start()

    def _mark(self, _trigger: str) -> None:
        self._go_at = time.perf_counter()

    def _on_enter(self, name: str) -> None:
        if name != "welcome":
            self._settle()  # a visit goes on: everything is loaded first
        elif not self._settled:  # never painted (headless use): load the rest a little later
            QTimer.singleShot(SETTLE_FALLBACK_MS, self, self._settle)  # not once the window is gone
        if self.current is not None:
            self.current.leave()
        if name == "welcome":
            self.wipe()
        self.state = name
        self.ctx.set_state(name)
        screen_name = self.ctx.step.screen if self.ctx.step else name
        self.current = self.screens[screen_name]
        self._update_bar()
        self.current.enter()
        self.stack.setCurrentWidget(self.current)
        if self._go_at:
            self.transition_ms.append((time.perf_counter() - self._go_at) * 1000)
            self._go_at = 0.0
        _log.info("screen %s", name)
        self.screenShown.emit(name, screen_name)
        self.speak(self.current.prompt())  # after screenShown: the walkthrough files it there

    def speak(self, text: str) -> None:
        """Say ``text`` in the applicant's language (never blocks; silent without a device);
        Chinese in Cantonese where the office chose it in the settings (``voice.chinese``)."""
        lang = self.ctx.visit.lang
        if lang == "zh" and self.ctx.config["voice.chinese"] == "cantonese":
            lang = "yue"
        self.speaker.say(text, lang)

    def _toggle_mute(self) -> None:
        self.speaker.set_muted(self.mute_button.isChecked())
        self._update_bar()

    def wipe(self) -> None:
        """Forget the applicant: visit data, photo, card, typed text, clipboard; language back to default."""
        if self.help_flow is not None:
            self.help_flow.reset()  # an open call or assist view ends with the visit
        self.overlay.close_overlay()
        self.speaker.wipe()  # stop talking; the next applicant hears prompts again (unmuted)
        self.elder.wipe()
        self.mute_button.setChecked(False)
        self.ctx.visit.wipe()
        logs.forget_sensitive()
        self.ctx.decision, self.ctx.notice = None, ""
        if "photo" in self.screens:
            self.screens["photo"].mode = "camera"  # type: ignore[attr-defined]
        clipboard = QGuiApplication.clipboard()
        if clipboard is not None:
            clipboard.clear()
        if (self.ctx.visit.lang, self.ctx.visit.large_text) != (
            self.default_lang,
            self.default_large,
        ):
            self.ctx.visit.lang, self.ctx.visit.large_text = self.default_lang, self.default_large
            self._set_style()

    def set_preferences(self, lang: str, large: bool) -> None:
        spoken_lang = self.ctx.visit.lang
        self.ctx.visit.lang, self.ctx.visit.large_text = lang, large
        self._set_style()
        self._update_bar()
        if self.current is not None:
            self.current.enter()
            if lang != spoken_lang:  # the prompt again, in the language just chosen
                self.speak(self.current.prompt())

    def _set_style(self) -> None:
        self.texts.set_language(self.ctx.visit.lang)
        style.apply(QApplication.instance(), self.ctx.visit.large_text)  # type: ignore[arg-type]
        self.setWindowTitle(self.texts.tr("app.title"))

    # -- devices --------------------------------------------------------------------------------

    def _on_card(self, read: CardRead) -> None:
        """Hand a read to the screen on show: only the screens that ask for a card take it (the
        card screen, "put your card back"); nothing is read before consent."""
        if self.ctx.step is not None and self.current is not None:
            self.current.on_card(read)
            if self.ctx.visit.card is read.card:  # taken into the visit: elder mode by itself
                self.elder.card_read(read.card)

    def _on_card_removed(self) -> None:
        step = self.ctx.step
        if step is not None and step.needs_card:
            self.ctx.go("card_removed")

    # -- idle, cancel, help -----------------------------------------------------------------------

    def _on_idle(self) -> None:
        if self.state == "welcome" or self.root.currentWidget() is not self.applicant:
            return
        self.overlay.still_there(
            int(self.ctx.config["timeouts.idle_countdown"]),
            self._still_here,
            self.time_out,
            elder=self.elder.on,
        )

    def _still_here(self) -> None:
        self.overlay.close_overlay()
        self.activity.timer.start()

    def time_out(self) -> None:
        self.overlay.close_overlay()
        self.ctx.go("timeout")

    def confirm_cancel(self) -> None:
        self.overlay.confirm_cancel(self._cancel)

    def _cancel(self) -> None:
        self.overlay.close_overlay()
        self.ctx.go("cancel")

    def call_help(self) -> None:
        """Chime, call the counter, pause the idle timer; staff can step in (kiosk/ui/assist.py)."""
        if self.help_flow is None:
            from kiosk.ui.assist import HelpFlow

            self.help_flow = HelpFlow(self)
        self.help_flow.start()

    # -- supervisor slot ------------------------------------------------------------------------

    def show_supervisor(self, widget: QWidget) -> None:
        """Put the supervisor area up; the applicant's visit is wiped first."""
        self.ctx.go("timeout")
        if self.root.indexOf(widget) < 0:
            self.root.addWidget(widget)
        self.activity.enabled = False
        self.root.setCurrentWidget(widget)

    def show_applicant(self) -> None:
        """Back to the applicant screens, unless the kiosk cannot take applicants now."""
        reason = self.service_check()
        if reason is not None:
            self.out_of_service(reason)
            return
        self.activity.enabled = True
        self.root.setCurrentWidget(self.applicant)

    def in_supervisor(self) -> bool:
        return self.root.currentWidget() not in (self.applicant, self.out_of_service_page)

    def _gesture(self) -> None:
        if not self.in_supervisor():  # staff already in: the gesture must not reset their screen
            self.supervisorRequested.emit()

    # -- out of service ------------------------------------------------------------------------

    def out_of_service(self, reason: str) -> None:
        if self.root.currentWidget() is self.applicant and self.state != "welcome":
            self.ctx.go("timeout")  # whoever was mid-visit is wiped, as after a timeout
        self.overlay.close_overlay()
        self.activity.enabled = False
        self.out_of_service_page.show_reason(reason)
        self.root.setCurrentWidget(self.out_of_service_page)

    def recover(self) -> None:
        """After an unexpected error: say so, wipe the visit, then start again at the welcome."""
        if self.in_supervisor():
            return  # staff see the problem in the log; their screen stays
        self.out_of_service("recovering")
        QTimer.singleShot(RECOVER_MS, self.show_applicant)

    # -- demo keys -----------------------------------------------------------------------------

    def keyPressEvent(self, event) -> None:
        if self.ctx.demo and event.key() in DEMO_KEYS:
            self.ctx.cards.place(DEMO_KEYS[event.key()])
        elif self.ctx.demo and event.key() == Qt.Key.Key_F5:
            self.ctx.cards.remove()
        else:
            super().keyPressEvent(event)

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        if self.overlay.isVisible():
            self.overlay.setGeometry(self.rect())

    def closeEvent(self, event) -> None:
        if self.current is not None:
            self.current.leave()
        QApplication.instance().removeEventFilter(self.activity)  # type: ignore[union-attr]
        super().closeEvent(event)

    def masked_id(self) -> str:
        return idnumber.mask(self.ctx.visit.card.id_number) if self.ctx.visit.card else ""

"""What every applicant screen shares: the visit context, navigation and the screen frame.

A screen is rebuilt from the visit each time its state is entered (``Screen.enter``), so a
language switch, large-text mode or a wipe never leaves old text or old data on a widget.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QScroller,
    QVBoxLayout,
    QWidget,
)

from kiosk.config import Config
from kiosk.domain.rules import Decision, RuleBook
from kiosk.ui.card_source import CardRead, CardSource
from kiosk.ui.kit import Runner, Texts, button, label
from kiosk.workflows import branching
from kiosk.workflows.journeys import JOURNEYS, Journey, Step
from kiosk.workflows.visit import Visit

if TYPE_CHECKING:  # imported where first used (a quicker start)
    from sqlalchemy.orm import Session, sessionmaker

    from kiosk.devices.camera.qt_bridge import CameraBridge
    from kiosk.devices.printers.jobs import PrintQueue
    from kiosk.sync.enrolment import Enrolment


class Navigator(QObject):
    """Screens say what happened (a trigger name); the state machine decides where to go."""

    go = Signal(str)


@dataclass
class Context:
    """What the applicant screens share: the kiosk's parts (built by kiosk/ui/app.py) and the
    visit in progress with where it is."""

    config: Config
    open_database: Callable[[], sessionmaker[Session]]
    cards: CardSource
    texts: Texts = field(default_factory=Texts)
    runner: Runner = field(default_factory=Runner)
    demo: bool = False
    make_camera: Callable[[], CameraBridge] | None = None
    open_print_queue: Callable[[sessionmaker[Session]], PrintQueue] | None = None
    visit: Visit = field(default_factory=Visit)
    nav: Navigator = field(default_factory=Navigator)
    journey: Journey | None = None
    step: Step | None = None
    decision: Decision | None = None
    notice: str = ""  # a one-off error shown on the next screen (e.g. a different card)
    on_help: Callable[[], None] | None = None
    background_work: bool = (
        True  # submit/print screens start their work (off for machine-only tests)
    )
    # for the services: the office's rules and the enrolment, given by kiosk.ui.app.build
    rules: RuleBook = field(default_factory=RuleBook.load)
    enrolled: Callable[[], Enrolment | None] = lambda: None

    # opened on first use: the welcome screen needs neither (a quicker start); the kiosk opens
    # them once the welcome screen is up (kiosk.ui.app.Kiosk.finish_start)
    _factory: sessionmaker[Session] | None = field(default=None, repr=False)
    _print_queue: PrintQueue | None = field(default=None, repr=False)
    _opening: threading.RLock = field(default_factory=threading.RLock, repr=False)

    @property
    def factory(self) -> sessionmaker[Session]:
        """The database's session factory (opened, and migrated, on first use)."""
        with self._opening:
            if self._factory is None:
                self._factory = self.open_database()
            return self._factory

    @property
    def print_queue(self) -> PrintQueue | None:
        """The print-job queue, started on first use (None: this kiosk prints nothing)."""
        with self._opening:
            if self._print_queue is None and self.open_print_queue is not None:
                self._print_queue = self.open_print_queue(self.factory)
            return self._print_queue

    def print_queue_if_open(self) -> PrintQueue | None:
        return self._print_queue

    def go(self, trigger: str) -> None:
        self.nav.go.emit(trigger)

    def advance(self) -> None:
        """``next``, or the outcome of the step's branching rule."""
        if self.step is not None and self.step.rule:
            self.decision = branching.decide(self.step.rule, self.visit, self.rules)
            self.go(self.decision.outcome)
        else:
            self.go("next")

    def set_state(self, name: str) -> None:
        journey, _, step = name.partition(".")
        self.journey = JOURNEYS.get(journey) if step else None
        self.step = self.journey.step(step) if self.journey else None
        if self.journey is not None:
            self.visit.service = self.journey.key


class Screen(QWidget):
    """One applicant screen. Subclasses implement :meth:`build`; :meth:`leave` stops their work."""

    name = ""

    def __init__(self, ctx: Context, parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx = ctx
        self.texts = ctx.texts
        self.setObjectName("screenRoot")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        self.outer = QVBoxLayout(self)
        self.outer.setContentsMargins(48, 24, 48, 16)
        self.outer.setSpacing(12)
        # what build() adds scrolls when it cannot fit (large text, English, a smaller panel);
        # the dock under it (keyboard, footer buttons) stays put, so "next" never moves
        self.scroll_area = QScrollArea()
        self.scroll_area.setWidgetResizable(True)
        self.scroll_area.setFrameShape(QFrame.Shape.NoFrame)
        self.scroll_area.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        # scrolled by two 64 px buttons (and a finger's drag), not by a thin scroll bar
        self.scroll_area.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        QScroller.grabGesture(
            self.scroll_area.viewport(), QScroller.ScrollerGestureType.TouchGesture
        )
        holder = QWidget()
        self.page = QVBoxLayout(holder)
        self.page.setContentsMargins(0, 0, 0, 0)
        self.scroll_area.setWidget(holder)
        middle = QHBoxLayout()
        middle.setSpacing(8)
        middle.addWidget(self.scroll_area, 1)
        arrows = QVBoxLayout()
        self.scroll_up = button("▲", lambda: self.scroll_by(-1), "scroll")
        self.scroll_down = button("▼", lambda: self.scroll_by(1), "scroll")
        arrows.addWidget(self.scroll_up)
        arrows.addStretch(1)
        arrows.addWidget(self.scroll_down)
        middle.addLayout(arrows)
        bar = self.scroll_area.verticalScrollBar()
        bar.rangeChanged.connect(lambda *_: self._scroll_buttons())
        bar.valueChanged.connect(lambda *_: self._scroll_buttons())
        self._scroll_buttons()
        self.outer.addLayout(middle, 1)
        self.content: QWidget | None = None  # the scrolled page, rebuilt on every enter
        self.dock: QWidget | None = None
        self.spoken: list[str] = []  # what the screen says aloud on entry: title, subtitle, error

    def enter(self) -> None:
        """Rebuild the screen from the visit (the scroll area itself is kept: it is costly)."""
        for old, layout in ((self.content, self.page), (self.dock, self.outer)):
            if old is not None:  # later: a button of it may be what called enter()
                layout.removeWidget(old)
                old.hide()
                old.deleteLater()
        # parented from the start: moving a built page into the window would send every widget
        # in it font, palette and style changes again (slow, with application event filters)
        self.content = QWidget(self.scroll_area.widget())
        lay = QVBoxLayout(self.content)
        lay.setContentsMargins(0, 0, 12, 0)
        lay.setSpacing(16)
        self.dock = QWidget(self)
        dock = QVBoxLayout(self.dock)
        dock.setContentsMargins(0, 0, 0, 0)
        dock.setSpacing(12)
        self.keys = QVBoxLayout()
        self.bottom = QVBoxLayout()
        self.bottom.setSpacing(12)
        dock.addLayout(self.keys)
        dock.addLayout(self.bottom)
        self.spoken = []
        self.build(lay)
        self.page.addWidget(self.content)
        self.outer.addWidget(self.dock)
        self.content.show()  # now, not queued: the screen is complete when enter() returns
        self.dock.show()
        self.scroll_area.verticalScrollBar().setValue(0)

    def leave(self) -> None:
        pass

    def scroll_by(self, direction: int) -> None:
        """Four fifths of what shows, up (-1) or down (1): the line last seen stays in view."""
        bar = self.scroll_area.verticalScrollBar()
        bar.setValue(bar.value() + direction * self.scroll_area.viewport().height() * 4 // 5)

    def _scroll_buttons(self) -> None:
        """The arrows show only when there is more to see; each only while it can move."""
        bar = self.scroll_area.verticalScrollBar()
        more = bar.maximum() > 0
        self.scroll_up.setVisible(more)
        self.scroll_down.setVisible(more)
        self.scroll_up.setEnabled(bar.value() > bar.minimum())
        self.scroll_down.setEnabled(bar.value() < bar.maximum())
        self.scroll_up.setAccessibleName(self.texts.tr("scroll.up"))
        self.scroll_down.setAccessibleName(self.texts.tr("scroll.down"))

    def on_card(self, read: CardRead) -> None:
        """A card was read while this screen is shown; only the screens that ask for one use it."""

    def room(self) -> int:
        """The width the screen will have: the window's (a page of the stack that is not shown
        yet still has its old size while it is being built)."""
        return self.window().width()

    def build(self, lay: QVBoxLayout) -> None:
        raise NotImplementedError

    def say(self, text: str) -> None:
        """Speak ``text`` now (an error as it appears), in the applicant's language."""
        speak = getattr(self.window(), "speak", None)
        if speak is not None:
            speak(text)

    def prompt(self) -> str:
        """What the kiosk says when the screen is shown (``KioskWindow`` speaks it): what
        :meth:`title` put up, else the screen's own title and subtitle labels."""
        parts = list(self.spoken)
        if not parts and self.content is not None:
            for name in ("title", "subtitle"):
                found = self.content.findChild(QLabel, name)
                if found is not None:
                    parts.append(found.text())
        zh = self.ctx.visit.lang == "zh"
        said = ""
        for part in (t.strip() for t in parts if t.strip()):
            if said and not said.endswith(("。", ".", "！", "!", "？", "?", "…")):
                said += "。" if zh else "."  # a pause between title and subtitle
            said += part if zh or not said else " " + part
        return said

    # shared pieces
    def title(self, lay: QVBoxLayout, key: str, sub: str | None = None, **values: Any) -> None:
        self.spoken.append(self.texts.tr(key, **values))
        lay.addWidget(label(self.spoken[-1], "title"))
        if sub:
            self.spoken.append(self.texts.tr(sub, **values))
            lay.addWidget(label(self.spoken[-1], "subtitle"))
        if self.ctx.notice:
            self.spoken.append(self.ctx.notice)
            lay.addWidget(label("✗ " + self.ctx.notice, "error"))
            self.ctx.notice = ""

    def footer(
        self,
        lay: QVBoxLayout,  # kept for the screens' calls; the footer always goes to the bottom
        next_key: str | None = "btn.next",
        on_next: Callable[[], None] | None = None,
        back: bool = True,
        cancel: bool = True,
        next_name: str = "primary",
    ) -> QPushButton | None:
        """Cancel and back at the bottom left, the way forward at the bottom right, on every
        screen. ``next_name="quiet"`` when the button on the right is not the way forward (ending
        the visit while the card is out must not look like "next")."""
        row = QHBoxLayout()
        row.setSpacing(16)
        if cancel:
            row.addWidget(button(self.texts.tr("btn.cancel"), self.ask_cancel, "quiet"))
        if back:
            row.addWidget(button(self.texts.tr("btn.back"), lambda: self.ctx.go("back")))
        row.addStretch(1)
        nxt = None
        if next_key:
            nxt = button(self.texts.tr(next_key), on_next or self.ctx.advance, next_name)
            row.addWidget(nxt)
        self.bottom.addLayout(row)
        return nxt

    def ask_cancel(self) -> None:
        window = self.window()
        confirm = getattr(window, "confirm_cancel", None)
        if confirm is not None:
            confirm()
        else:
            self.ctx.go("cancel")

"""What every applicant screen shares: the visit context, navigation and the screen frame.

A screen is rebuilt from the visit each time its state is entered (``Screen.enter``), so a
language switch, large-text mode or a wipe never leaves old text or old data on a widget.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import (
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from kiosk.config import Config
from kiosk.domain.rules import Decision
from kiosk.ui.texts import tr
from kiosk.workflows import branching
from kiosk.workflows.journeys import JOURNEYS, Journey, Step
from kiosk.workflows.visit import Visit


class Navigator(QObject):
    """Screens say what happened (a trigger name); the state machine decides where to go."""

    go = Signal(str)


@dataclass
class Context:
    config: Config
    factory: Any  # sessionmaker
    cards: Any  # CardSource
    demo: bool = False
    make_camera: Callable[[], Any] | None = None  # () -> CameraBridge
    print_queue: Any = None  # PrintQueue
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

    def go(self, trigger: str) -> None:
        self.nav.go.emit(trigger)

    def advance(self) -> None:
        """``next``, or the outcome of the step's branching rule."""
        if self.step is not None and self.step.rule:
            self.decision = branching.decide(self.step.rule, self.visit)
            self.go(self.decision.outcome)
        else:
            self.go("next")

    def set_state(self, name: str) -> None:
        journey, _, step = name.partition(".")
        self.journey = JOURNEYS.get(journey) if step else None
        self.step = self.journey.step(step) if self.journey else None
        if self.journey is not None:
            self.visit.service = self.journey.key


# -- widgets ---------------------------------------------------------------------------------------


def label(text: str, name: str = "", wrap: bool = True) -> QLabel:
    lab = QLabel(text)
    if name:
        lab.setObjectName(name)
    lab.setWordWrap(wrap)
    lab.setTextFormat(Qt.TextFormat.PlainText)
    return lab


def button(
    text: str, on_click: Callable[[], None] | None = None, name: str = "", checkable: bool = False
) -> QPushButton:
    b = QPushButton(text)
    if name:
        b.setObjectName(name)
    b.setCheckable(checkable)
    b.setFocusPolicy(Qt.FocusPolicy.NoFocus)
    b.setCursor(Qt.CursorShape.PointingHandCursor)
    if on_click is not None:
        b.clicked.connect(lambda _=False: on_click())
    return b


def field_edit(keypad: str, text: str = "", max_length: int = 0) -> QLineEdit:
    edit = QLineEdit(text)
    edit.setProperty("keypad", keypad)
    if max_length:
        edit.setMaxLength(max_length)
    return edit


def frame(name: str = "card") -> tuple[QFrame, QVBoxLayout]:
    box = QFrame()
    box.setObjectName(name)
    lay = QVBoxLayout(box)
    lay.setContentsMargins(24, 20, 24, 20)
    lay.setSpacing(12)
    return box, lay


def choice_grid(
    options: list[tuple[str, str]],
    selected: str | None,
    on_pick: Callable[[str], None],
    columns: int = 3,
) -> QGridLayout:
    """Buttons for a choice; the chosen one is filled dark and marked with a tick (not colour only)."""
    grid = QGridLayout()
    grid.setSpacing(12)
    for n, (key, text) in enumerate(options):
        mark = "✓ " if key == selected else ""
        b = button(mark + text, lambda k=key: on_pick(k), checkable=True)
        b.setChecked(key == selected)
        b.setProperty("choice", key)
        b.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        grid.addWidget(b, n // columns, n % columns)
    return grid


class Screen(QWidget):
    """One applicant screen. Subclasses implement :meth:`build`; :meth:`leave` stops their work."""

    name = ""

    def __init__(self, ctx: Context, parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx = ctx
        self.setObjectName("screenRoot")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        self.outer = QVBoxLayout(self)
        self.outer.setContentsMargins(0, 0, 0, 0)
        self.content: QWidget | None = None

    def enter(self) -> None:
        if self.content is not None:
            self.outer.removeWidget(self.content)
            self.content.hide()
            self.content.deleteLater()
        self.content = QWidget(self)
        lay = QVBoxLayout(self.content)
        lay.setContentsMargins(48, 28, 48, 24)
        lay.setSpacing(18)
        self.build(lay)
        self.outer.addWidget(self.content)
        self.content.show()

    def leave(self) -> None:
        pass

    def build(self, lay: QVBoxLayout) -> None:
        raise NotImplementedError

    # shared pieces
    def title(self, lay: QVBoxLayout, key: str, sub: str | None = None, **values: Any) -> None:
        lay.addWidget(label(tr(key, **values), "title"))
        if sub:
            lay.addWidget(label(tr(sub, **values), "subtitle"))
        if self.ctx.notice:
            lay.addWidget(label(self.ctx.notice, "error"))
            self.ctx.notice = ""

    def footer(
        self,
        lay: QVBoxLayout,
        next_key: str | None = "btn.next",
        on_next: Callable[[], None] | None = None,
        back: bool = True,
        cancel: bool = True,
    ) -> QPushButton | None:
        row = QHBoxLayout()
        row.setSpacing(16)
        if cancel:
            row.addWidget(button(tr("btn.cancel"), self.ask_cancel, "quiet"))
        if back:
            row.addWidget(button(tr("btn.back"), lambda: self.ctx.go("back")))
        row.addStretch(1)
        nxt = None
        if next_key:
            nxt = button(tr(next_key), on_next or self.ctx.advance, "primary")
            nxt.setMinimumWidth(260)
            row.addWidget(nxt)
        lay.addLayout(row)
        return nxt

    def ask_cancel(self) -> None:
        window = self.window()
        confirm = getattr(window, "confirm_cancel", None)
        if confirm is not None:
            confirm()
        else:
            self.ctx.go("cancel")

"""What every applicant screen shares: the visit context, navigation and the screen frame.

A screen is rebuilt from the visit each time its state is entered (``Screen.enter``), so a
language switch, large-text mode or a wipe never leaves old text or old data on a widget.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from PySide6.QtCore import QObject, QSize, Qt, Signal
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import (
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QScrollArea,
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


class WrapButton(QPushButton):
    """A push button whose words wrap onto more lines instead of being cut off (long options,
    English, large text). ``text()`` and ``setText()`` work as on any button; the words are drawn
    by a label inside, coloured by the ``on`` property (white on a chosen or primary button)."""

    MARGIN_H, MARGIN_V, MIN_H = 18, 8, 72

    def __init__(self, text: str = "", rich: bool = False, parent: QWidget | None = None):
        super().__init__(parent)
        self.words = QLabel(self)
        self.words.setObjectName("buttonText")
        self.words.setWordWrap(True)
        self.words.setTextFormat(Qt.TextFormat.RichText if rich else Qt.TextFormat.PlainText)
        self.words.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.words.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents, True)
        lay = QHBoxLayout(self)
        lay.setContentsMargins(self.MARGIN_H, self.MARGIN_V, self.MARGIN_H, self.MARGIN_V)
        lay.addWidget(self.words)
        policy = QSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Minimum)
        policy.setHeightForWidth(True)
        self.setSizePolicy(policy)
        self._text = ""
        self.setText(text)
        self.toggled.connect(lambda _on: self._restyle())

    def text(self) -> str:  # type: ignore[override]
        return self._text

    def setText(self, text: str) -> None:  # type: ignore[override]
        self._text = text
        self.words.setText(text)
        self.updateGeometry()

    def set_html(self, html: str, text: str) -> None:
        """Show ``html`` (a heading and a line under it); ``text()`` stays the plain words."""
        self.words.setTextFormat(Qt.TextFormat.RichText)
        self._text = text
        self.words.setText(html)
        self.updateGeometry()

    def setAlignment(self, align: Qt.AlignmentFlag) -> None:
        self.words.setAlignment(align)

    def setObjectName(self, name: str) -> None:  # type: ignore[override]
        super().setObjectName(name)
        self._restyle()

    def setChecked(self, checked: bool) -> None:  # type: ignore[override]
        super().setChecked(checked)
        self._restyle()

    def _restyle(self) -> None:
        on = self.isChecked() or self.objectName() == "primary"
        if self.words.property("on") != on:
            self.words.setProperty("on", on)
            self.words.style().unpolish(self.words)
            self.words.style().polish(self.words)

    def hasHeightForWidth(self) -> bool:
        return True

    def heightForWidth(self, width: int) -> int:
        inner = max(1, width - 2 * self.MARGIN_H)
        return max(self.MIN_H, self.words.heightForWidth(inner) + 2 * self.MARGIN_V + 4)

    def sizeHint(self) -> QSize:
        hint = self.words.sizeHint()
        width = hint.width() + 2 * self.MARGIN_H + 4
        return QSize(width, self.heightForWidth(width))

    def minimumSizeHint(self) -> QSize:
        # as narrow as a short word; as high as the words need at that width
        width = max(96, min(self.sizeHint().width(), 200))
        return QSize(width, self.MIN_H)


def button(
    text: str,
    on_click: Callable[[], None] | None = None,
    name: str = "",
    checkable: bool = False,
    wrap: bool = False,
) -> QPushButton:
    b = WrapButton(text) if wrap else QPushButton(text)
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
    palette = edit.palette()  # hint text dark enough to read (>= 4.5:1 on white)
    palette.setColor(QPalette.ColorRole.PlaceholderText, QColor("#5d6875"))
    edit.setPalette(palette)
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
        b = button(mark + text, lambda k=key: on_pick(k), checkable=True, wrap=True)
        b.setChecked(key == selected)
        b.setProperty("choice", key)
        grid.addWidget(b, n // columns, n % columns)
    for col in range(min(columns, len(options))):
        grid.setColumnStretch(col, 1)  # equal columns, whatever the length of each option
    return grid


def toggle(text: str, on: bool, on_click: Callable[[], None], choice: str) -> QPushButton:
    """A yes/no statement the applicant can tick: a box that shows ☑ or ☐ (not colour only)."""
    b = button(("☑  " if on else "☐  ") + text, on_click, "toggle", checkable=True, wrap=True)
    b.setChecked(on)
    b.setProperty("choice", choice)
    b.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
    return b


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
        """Rebuild the screen: what :meth:`build` adds scrolls when it cannot fit (large text,
        English, a smaller panel); the keyboard (forms) and the footer's buttons stay fixed at
        the bottom, so "next" is always in the same place."""
        if self.content is not None:
            self.outer.removeWidget(self.content)
            self.content.hide()
            self.content.deleteLater()
        self.content = QWidget(self)
        outer = QVBoxLayout(self.content)
        outer.setContentsMargins(48, 24, 48, 16)
        outer.setSpacing(12)
        self.scroll = QScrollArea()
        self.scroll.setWidgetResizable(True)
        self.scroll.setFrameShape(QFrame.Shape.NoFrame)
        self.scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        inner = QWidget()
        lay = QVBoxLayout(inner)
        lay.setContentsMargins(0, 0, 12, 0)
        lay.setSpacing(16)
        self.scroll.setWidget(inner)
        outer.addWidget(self.scroll, 1)
        self.keys = QVBoxLayout()
        outer.addLayout(self.keys)
        self.bottom = QVBoxLayout()
        self.bottom.setSpacing(12)
        outer.addLayout(self.bottom)
        self.build(lay)
        self.outer.addWidget(self.content)
        self.content.show()

    def leave(self) -> None:
        pass

    def room(self) -> int:
        """The width the screen will have: the window's (a page of the stack that is not shown
        yet still has its old size while it is being built)."""
        return self.window().width()

    def build(self, lay: QVBoxLayout) -> None:
        raise NotImplementedError

    # shared pieces
    def title(self, lay: QVBoxLayout, key: str, sub: str | None = None, **values: Any) -> None:
        lay.addWidget(label(tr(key, **values), "title"))
        if sub:
            lay.addWidget(label(tr(sub, **values), "subtitle"))
        if self.ctx.notice:
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
            row.addWidget(button(tr("btn.cancel"), self.ask_cancel, "quiet"))
        if back:
            row.addWidget(button(tr("btn.back"), lambda: self.ctx.go("back")))
        row.addStretch(1)
        nxt = None
        if next_key:
            nxt = button(tr(next_key), on_next or self.ctx.advance, next_name)
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

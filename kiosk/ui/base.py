"""What every applicant screen shares: the visit context, navigation and the screen frame.

A screen is rebuilt from the visit each time its state is entered (``Screen.enter``), so a
language switch, large-text mode or a wipe never leaves old text or old data on a widget.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from PySide6.QtCore import QObject, QRect, QSize, Qt, Signal
from PySide6.QtGui import QColor, QFont, QFontMetrics, QPainter, QPaintEvent, QPalette
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
    English, large text). ``text()`` and ``setText()`` work as on any button. The style sheet
    draws the button; the words are drawn here, in the colours the style sheet gives buttons
    (white on a chosen or primary one). ``set_heading`` adds a larger first line (service tiles).
    No child widgets: a screen full of options stays quick to build."""

    MARGIN_H, MARGIN_V, MIN_H = 18, 8, 72
    INK, INK_ON, INK_OFF = QColor("#0b2545"), QColor("#ffffff"), QColor("#5d6875")

    def __init__(self, text: str = "", parent: QWidget | None = None):
        super().__init__(parent)
        policy = QSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Minimum)
        policy.setHeightForWidth(True)
        self.setSizePolicy(policy)
        self._text, self._heading = text, ""
        self._align = Qt.AlignmentFlag.AlignCenter
        self._measured_for: object = None
        self._measured: dict[object, int] = {}

    def text(self) -> str:  # type: ignore[override]
        return f"{self._heading}\n{self._text}" if self._heading else self._text

    def setText(self, text: str) -> None:  # type: ignore[override]
        self._text = text
        self.updateGeometry()
        self.update()

    def set_heading(self, heading: str) -> None:
        self._heading = heading
        self.updateGeometry()
        self.update()

    def setAlignment(self, align: Qt.AlignmentFlag) -> None:
        self._align = align
        self.update()

    # -- measuring and drawing the words -----------------------------------------------------

    def _fonts(self) -> tuple[QFont, QFont]:
        body = QFont(self.font())
        heading = QFont(body)
        heading.setBold(True)
        if body.pixelSize() > 0:
            heading.setPixelSize(round(body.pixelSize() * 1.25))
        else:
            heading.setPointSizeF(body.pointSizeF() * 1.25)
        if self._heading:
            body.setBold(False)
        return body, heading

    def _flags(self) -> int:
        return int(self._align) | int(Qt.TextFlag.TextWordWrap)

    def _blocks(self, width: int) -> list[tuple[QFont, str, int]]:
        """(font, words, height) of each block at ``width`` (the heading, then the words)."""
        body, heading = self._fonts()
        blocks = [(heading, self._heading)] if self._heading else []
        blocks.append((body, self._text))
        out = []
        for font, words in blocks:
            box = QFontMetrics(font).boundingRect(QRect(0, 0, width, 100000), self._flags(), words)
            out.append((font, words, box.height()))
        return out

    def _measures(self) -> dict[object, int]:
        """Layouts ask often: remember the answers for these words in this font."""
        font = self.font()
        key = (self._text, self._heading, font.pixelSize(), font.pointSizeF(), font.bold())
        if self._measured_for != key:
            self._measured_for, self._measured = key, {}
        return self._measured

    def hasHeightForWidth(self) -> bool:
        return True

    def words_height(self, width: int) -> int:
        """Height of the words laid out in a button ``width`` wide (without the margins)."""
        inner = max(1, width - 2 * self.MARGIN_H)
        return sum(h for _f, _w, h in self._blocks(inner))

    def heightForWidth(self, width: int) -> int:
        measured = self._measures()
        if width not in measured:
            measured[width] = max(self.MIN_H, self.words_height(width) + 2 * self.MARGIN_V + 4)
        return measured[width]

    def sizeHint(self) -> QSize:
        measured = self._measures()
        if "width" not in measured:
            body, heading = self._fonts()
            widest = max(
                [QFontMetrics(body).horizontalAdvance(line) for line in self._text.split("\n")]
                + [QFontMetrics(heading).horizontalAdvance(self._heading)]
            )
            measured["width"] = widest + 2 * self.MARGIN_H + 4
        width = measured["width"]
        return QSize(width, self.heightForWidth(width))

    def minimumSizeHint(self) -> QSize:
        # as narrow as a short word; as high as the words need at the width it gets
        return QSize(max(96, min(self.sizeHint().width(), 200)), self.MIN_H)

    def paintEvent(self, event: QPaintEvent) -> None:
        super().paintEvent(event)  # the button itself, as the style sheet draws it
        painter = QPainter(self)
        if not self.isEnabled():
            ink = self.INK_OFF
        elif self.isChecked() or self.objectName() == "primary":
            ink = self.INK_ON
        else:
            ink = self.INK
        painter.setPen(ink)
        area = self.rect().adjusted(self.MARGIN_H, self.MARGIN_V, -self.MARGIN_H, -self.MARGIN_V)
        blocks = self._blocks(area.width())
        total = sum(h for _f, _w, h in blocks)
        top = area.top() + max(0, (area.height() - total) // 2)
        for font, words, height in blocks:
            painter.setFont(font)
            painter.drawText(QRect(area.left(), top, area.width(), height), self._flags(), words)
            top += height
        painter.end()


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
        self.outer.setContentsMargins(48, 24, 48, 16)
        self.outer.setSpacing(12)
        # what build() adds scrolls when it cannot fit (large text, English, a smaller panel);
        # the dock under it (keyboard, footer buttons) stays put, so "next" never moves
        self.scroll = QScrollArea()
        self.scroll.setWidgetResizable(True)
        self.scroll.setFrameShape(QFrame.Shape.NoFrame)
        self.scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        holder = QWidget()
        self.page = QVBoxLayout(holder)
        self.page.setContentsMargins(0, 0, 0, 0)
        self.scroll.setWidget(holder)
        self.outer.addWidget(self.scroll, 1)
        self.content: QWidget | None = None  # the scrolled page, rebuilt on every enter
        self.dock: QWidget | None = None

    def enter(self) -> None:
        """Rebuild the screen from the visit (the scroll area itself is kept: it is costly)."""
        for old, layout in ((self.content, self.page), (self.dock, self.outer)):
            if old is not None:  # later: a button of it may be what called enter()
                layout.removeWidget(old)
                old.hide()
                old.deleteLater()
        # parented from the start: moving a built page into the window would send every widget
        # in it font, palette and style changes again (slow, with application event filters)
        self.content = QWidget(self.scroll.widget())
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
        self.build(lay)
        self.page.addWidget(self.content)
        self.outer.addWidget(self.dock)
        self.content.show()  # now, not queued: the screen is complete when enter() returns
        self.dock.show()
        self.scroll.verticalScrollBar().setValue(0)

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

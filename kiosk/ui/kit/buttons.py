"""The kiosk's buttons, for the applicant screens and supervisor mode alike.

Two skins share one set of buttons: the applicant screens style a button by its object name
(``primary``, ``quiet``, ``help`` … in resources/styles/kiosk.qss), supervisor mode by its ``kind``
property (``primary``, ``danger``, ``tile``, ``nav``, ``key``, ``plain`` in its ``STYLE``).
Supervisor buttons (any ``kind``) may shrink in width on a narrow panel; the applicant's do not.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtCore import QRect, QSize, Qt
from PySide6.QtGui import QColor, QFont, QFontMetrics, QPainter, QPaintEvent
from PySide6.QtWidgets import QPushButton, QSizePolicy, QWidget

TOUCH = 64  # px: every target at least this tall (the MIIT elder-mode rule is 60)


@dataclass(frozen=True)
class Ink:
    """A wrap button's text colours and size (the style sheet draws the button itself)."""

    normal: str
    on: str  # checked (and the applicant's primary button)
    off: str  # disabled
    margin_h: int
    min_h: int


APPLICANT_INK = Ink("#0b2545", "#ffffff", "#5d6875", margin_h=18, min_h=72)
SUPERVISOR_INK = {
    "": Ink("#1b2733", "#ffffff", "#9aa5b1", margin_h=16, min_h=TOUCH),
    "primary": Ink("#ffffff", "#ffffff", "#9aa5b1", margin_h=16, min_h=TOUCH),
    "danger": Ink("#b00020", "#b00020", "#9aa5b1", margin_h=16, min_h=TOUCH),
}


class WrapButton(QPushButton):
    """A push button whose words wrap onto more lines instead of being cut off (long options,
    English, large text, reasons to reject): it grows taller rather than wider. ``text()`` and
    ``setText()`` work as on any button. The style sheet draws the button; the words are drawn
    here, in the colours of its skin (white on a chosen or primary one). ``set_heading`` adds a
    larger first line (service tiles). No child widgets: a screen full of options stays quick.
    """

    MARGIN_V = 8

    def __init__(
        self,
        text: str = "",
        parent: QWidget | None = None,
        *,
        kind: str = "",
        on_click: Callable[..., object] | None = None,
    ):
        super().__init__(parent)
        self.kind = kind
        if kind:
            self.setProperty("kind", kind)
            self.ink = SUPERVISOR_INK.get(kind, SUPERVISOR_INK[""])
        else:
            self.ink = APPLICANT_INK
        policy = QSizePolicy(
            QSizePolicy.Policy.Preferred if kind else QSizePolicy.Policy.Expanding,
            QSizePolicy.Policy.Minimum,
        )
        policy.setHeightForWidth(True)
        self.setSizePolicy(policy)
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self._text, self._heading = text, ""
        self._align = Qt.AlignmentFlag.AlignCenter
        self._measured_for: object = None
        self._measured: dict[object, int] = {}
        if on_click is not None:
            self.clicked.connect(lambda _=False: on_click())

    def text(self) -> str:
        return f"{self._heading}\n{self._text}" if self._heading else self._text

    def setText(self, text: str) -> None:
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
        return int(self._align.value) | int(Qt.TextFlag.TextWordWrap.value)

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
        inner = max(1, width - 2 * self.ink.margin_h)
        return sum(h for _f, _w, h in self._blocks(inner))

    def heightForWidth(self, width: int) -> int:
        measured = self._measures()
        if width not in measured:
            height = self.words_height(width) + 2 * self.MARGIN_V + 4
            measured[width] = max(self.ink.min_h, self.minimumHeight(), height)
        return measured[width]

    def sizeHint(self) -> QSize:
        measured = self._measures()
        if "width" not in measured:
            body, heading = self._fonts()
            widest = max(
                [QFontMetrics(body).horizontalAdvance(line) for line in self._text.split("\n")]
                + [QFontMetrics(heading).horizontalAdvance(self._heading)]
            )
            measured["width"] = widest + 2 * self.ink.margin_h + 4
        width = measured["width"]
        return QSize(width, self.heightForWidth(width))

    def minimumSizeHint(self) -> QSize:
        # as narrow as a short word; as high as the words need at the width it gets
        return QSize(max(96, min(self.sizeHint().width(), 200)), self.ink.min_h)

    def paintEvent(self, event: QPaintEvent) -> None:
        super().paintEvent(event)  # the button itself, as the style sheet draws it
        painter = QPainter(self)
        if not self.isEnabled():
            ink = self.ink.off
        elif self.isChecked() or (not self.kind and self.objectName() == "primary"):
            ink = self.ink.on
        else:
            ink = self.ink.normal
        painter.setPen(QColor(ink))
        margin = self.ink.margin_h
        area = self.rect().adjusted(margin, self.MARGIN_V, -margin, -self.MARGIN_V)
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
    on_click: Callable[..., object] | None = None,
    name: str = "",
    *,
    kind: str = "",
    checkable: bool = False,
    wrap: bool = False,
    parent: QWidget | None = None,
) -> QPushButton:
    """A touch button: ``name`` is the applicant skin's object name, ``kind`` supervisor mode's
    (see the module); ``wrap`` lets long words wrap (:class:`WrapButton`)."""
    b: QPushButton = WrapButton(text, parent, kind=kind) if wrap else QPushButton(text, parent)
    if name:
        b.setObjectName(name)
    if kind:
        b.setProperty("kind", kind)
        if not wrap:  # a wrap button grows in height for its words
            b.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)
    else:
        b.setCursor(Qt.CursorShape.PointingHandCursor)
    b.setCheckable(checkable)
    b.setFocusPolicy(Qt.FocusPolicy.NoFocus)
    if on_click is not None:
        b.clicked.connect(lambda _=False: on_click())
    return b

"""The handwriting pad: write one character with a finger, tap it among the candidates.

A square box with a 米字格 guide takes the strokes (touch arrives as mouse events); when a stroke
ends, ``kiosk.ime.handwriting`` smooths and rescales them and Zinnia offers candidates — ten, the
likeliest first and drawn biggest. One tap enters the character and clears the box. Classifying
takes about 5 ms (bench/handwriting.py), so it runs on the GUI thread between two strokes.
Nothing is kept: the strokes are dropped once a character is chosen or the box is cleared.
"""

from __future__ import annotations

from itertools import pairwise

from PySide6.QtCore import QPointF, Qt, Signal
from PySide6.QtGui import QMouseEvent, QPainter, QPaintEvent, QPen
from PySide6.QtWidgets import QGridLayout, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from kiosk.ime import handwriting
from kiosk.ui.kit import Texts

BOX = 320  # px: about the size of a hand-written character on a paper form, times four
SHOWN = 10  # candidates on the pad (the issue asks for at least 8)


class WritingBox(QWidget):
    """The square the applicant writes in; ``strokeDone`` after each finger lift."""

    strokeDone = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("writingBox")
        self.setFixedSize(BOX, BOX)
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        self.strokes: list[list[tuple[float, float]]] = []
        self._drawing = False

    def clear(self) -> None:
        self.strokes = []
        self.update()

    def mousePressEvent(self, event: QMouseEvent) -> None:
        self._drawing = True
        self.strokes.append([self._point(event)])
        self.update()

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        if self._drawing and self.strokes:
            self.strokes[-1].append(self._point(event))
            self.update()

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        if self._drawing:
            self._drawing = False
            self.strokes[-1].append(self._point(event))
            self.update()
            self.strokeDone.emit()

    @staticmethod
    def _point(event: QMouseEvent) -> tuple[float, float]:
        pos = event.position()
        return (min(max(pos.x(), 0.0), BOX - 1.0), min(max(pos.y(), 0.0), BOX - 1.0))

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.fillRect(self.rect(), Qt.GlobalColor.white)
        guide = QPen(Qt.GlobalColor.lightGray, 1, Qt.PenStyle.DashLine)
        painter.setPen(guide)  # 米字格: where a character's parts usually sit
        mid = BOX / 2
        for a, b in (
            ((mid, 0), (mid, BOX)),
            ((0, mid), (BOX, mid)),
            ((0, 0), (BOX, BOX)),
            ((BOX, 0), (0, BOX)),
        ):
            painter.drawLine(QPointF(*a), QPointF(*b))
        painter.setPen(QPen(Qt.GlobalColor.darkGray, 2))
        painter.drawRect(self.rect().adjusted(0, 0, -1, -1))
        ink = QPen(Qt.GlobalColor.black, 9)
        ink.setCapStyle(Qt.PenCapStyle.RoundCap)
        ink.setJoinStyle(Qt.PenJoinStyle.RoundJoin)
        painter.setPen(ink)
        for stroke in self.strokes:
            points = [QPointF(x, y) for x, y in stroke]
            if len(points) == 1:
                painter.drawPoint(points[0])
            for p, q in pairwise(points):
                painter.drawLine(p, q)
        painter.end()


class HandwritingPad(QWidget):
    """The writing box, its candidates (biggest first) and the pad's own keys."""

    chosen = Signal(str)  # a character to enter into the field
    backspace = Signal()
    keysRequested = Signal()  # back to the pinyin keyboard

    def __init__(self, texts: Texts, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.texts = texts
        self.setObjectName("handwritingPad")
        self.candidates: list[str] = []
        self.problem = ""
        self.box = WritingBox(self)
        self.box.strokeDone.connect(self.recognise)
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(16)
        row.addStretch(1)
        row.addWidget(self.box)
        side = QVBoxLayout()
        side.setSpacing(10)
        self.hint = QLabel(texts.tr("hw.hint"))
        self.hint.setObjectName("note")
        self.hint.setWordWrap(True)
        side.addWidget(self.hint)
        self.grid = QGridLayout()
        self.grid.setSpacing(8)
        side.addLayout(self.grid)
        side.addStretch(1)
        keys = QHBoxLayout()
        keys.setSpacing(8)
        for text, slot in (
            (texts.tr("hw.rewrite"), self.clear),
            ("⌫", self.backspace.emit),
            (texts.tr("key.to_keys"), self.keysRequested.emit),
        ):
            b = QPushButton(text)
            b.setObjectName("key")
            b.setProperty("wide", True)
            b.setProperty("keyboardKey", True)  # not a "tap" for the walkthrough counts
            b.setFocusPolicy(Qt.FocusPolicy.NoFocus)
            b.clicked.connect(lambda _=False, s=slot: s())
            keys.addWidget(b)
        side.addLayout(keys)
        row.addLayout(side)
        row.addStretch(1)
        self._show_candidates()

    def clear(self) -> None:
        self.box.clear()
        self.candidates = []
        self._show_candidates()

    def recognise(self) -> None:
        try:
            self.candidates = handwriting.candidates(self.box.strokes, SHOWN)
        except handwriting.ZinniaMissing:
            self.candidates, self.problem = [], self.texts.tr("hw.unavailable")
        self._show_candidates()

    def choose(self, ch: str) -> None:
        self.chosen.emit(ch)
        self.clear()

    def _show_candidates(self) -> None:
        while self.grid.count():
            item = self.grid.takeAt(0)
            widget = item.widget() if item is not None else None
            if widget is not None:
                widget.hide()
                widget.deleteLater()
        self.hint.setText(self.problem or self.texts.tr("hw.hint"))
        for n, ch in enumerate(self.candidates[:SHOWN]):
            b = QPushButton(ch)
            # the likeliest first and biggest: an older eye finds it without reading the row
            b.setObjectName("candidateBest" if n == 0 else "candidate")
            b.setProperty("keyboardKey", True)
            b.setFocusPolicy(Qt.FocusPolicy.NoFocus)
            b.setFixedSize(*((160, 160) if n == 0 else (96, 96)))
            b.clicked.connect(lambda _=False, c=ch: self.choose(c))
            if n == 0:
                self.grid.addWidget(b, 0, 0, 2, 1)
            else:
                self.grid.addWidget(b, (n - 1) // 5, 1 + (n - 1) % 5)

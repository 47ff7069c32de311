"""Touch widgets the form screens share: a month-grid date picker and the signature pad."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import QBuffer, QIODevice, QPointF, Qt, Signal
from PySide6.QtGui import QColor, QImage, QMouseEvent, QPainter, QPainterPath, QPaintEvent, QPen
from PySide6.QtWidgets import QGridLayout, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from kiosk.domain import clock
from kiosk.ui.kit import button, label
from kiosk.ui.texts import Texts


def date_text(texts: Texts, day: dt.date) -> str:
    return texts.tr("date.full", year=day.year, month=day.month, day=day.day, iso=day.isoformat())


class DatePicker(QWidget):
    """Five weeks of big day buttons from the current week (so the next two weeks, where renewal
    dates fall, always take one tap); arrows move by four weeks or a year. ``picked`` on a tap."""

    picked = Signal(object)
    WEEKS = 5

    def __init__(
        self, texts: Texts, selected: dt.date | None = None, parent: QWidget | None = None
    ):
        super().__init__(parent)
        self.texts = texts
        self.selected = selected
        base = selected or clock.today()
        self.start = base - dt.timedelta(days=base.weekday())
        self.box = QVBoxLayout(self)
        self.box.setContentsMargins(0, 0, 0, 0)
        self.inner: QWidget | None = None
        self._draw()

    def shift(self, weeks: int) -> None:
        self.start += dt.timedelta(weeks=weeks)
        self._draw()

    def pick(self, day: dt.date) -> None:
        self.selected = day
        self._draw()
        self.picked.emit(day)

    def days(self) -> list[dt.date]:
        return [self.start + dt.timedelta(days=n) for n in range(7 * self.WEEKS)]

    def _draw(self) -> None:
        if self.inner is not None:
            self.inner.hide()
            self.inner.deleteLater()
        self.inner = QWidget(self)
        lay = QVBoxLayout(self.inner)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.setSpacing(8)
        head = QHBoxLayout()
        for text, weeks in (("«", -52), ("‹", -4)):
            head.addWidget(button(text, lambda w=weeks: self.shift(w), "key"))
        days = self.days()
        first, last = days[0], days[-1]
        span = self.texts.tr("date.month", year=first.year, month=first.month)
        if (last.year, last.month) != (first.year, first.month):
            span += " – " + self.texts.tr("date.month", year=last.year, month=last.month)
        title = QLabel(span)
        title.setObjectName("value")
        title.setAlignment(Qt.AlignmentFlag.AlignCenter)
        head.addWidget(title, 1)
        for text, weeks in (("›", 4), ("»", 52)):
            head.addWidget(button(text, lambda w=weeks: self.shift(w), "key"))
        lay.addLayout(head)
        grid = QGridLayout()
        grid.setSpacing(4)
        for col in range(7):
            day_name = QLabel(self.texts.tr(f"date.wd{col}"))
            day_name.setAlignment(Qt.AlignmentFlag.AlignCenter)
            grid.addWidget(day_name, 0, col)
        today = clock.today()
        for n, day in enumerate(days):
            text = self.texts.tr("date.first", month=day.month) if day.day == 1 else str(day.day)
            if day == today:
                text = self.texts.tr("date.today")
            if day == self.selected:
                text = "✓" + text  # the chosen day is marked, not only filled dark
            b = button(text, lambda d=day: self.pick(d), "day", checkable=True)
            if day.day == 1:
                b.setProperty("month", True)  # "12月1日" in a slightly smaller size: it fits
            b.setChecked(day == self.selected)
            b.setProperty("date", day.isoformat())
            grid.addWidget(b, n // 7 + 1, n % 7)
        lay.addLayout(grid)
        shown = (
            self.texts.tr("date.picked", date=date_text(self.texts, self.selected))
            if self.selected
            else self.texts.tr("date.none")
        )
        lay.addWidget(label(shown, "value"))
        self.box.addWidget(self.inner)
        self.inner.show()


class SignaturePad(QWidget):
    """Draw with a finger; the strokes become a PNG. A whole signature counts as one tap."""

    changed = Signal()

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("signPad")
        self.setProperty("tappable", True)
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        self.setMinimumSize(800, 260)
        self.paths: list[QPainterPath] = []

    def is_empty(self) -> bool:
        return not any(p.elementCount() > 1 for p in self.paths)

    def clear(self) -> None:
        self.paths = []
        self.update()
        self.changed.emit()

    def mousePressEvent(self, event: QMouseEvent) -> None:
        path = QPainterPath(event.position())
        self.paths.append(path)
        event.accept()

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        if self.paths:
            self.paths[-1].lineTo(event.position())
            self.update()

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        self.changed.emit()

    def draw_stroke(self, points: list[tuple[float, float]]) -> None:
        """Add a stroke programmatically (the walkthrough's scripted applicant signs this way)."""
        path = QPainterPath(QPointF(*points[0]))
        for x, y in points[1:]:
            path.lineTo(QPointF(x, y))
        self.paths.append(path)
        self.update()
        self.changed.emit()

    def paintEvent(self, event: QPaintEvent) -> None:
        super().paintEvent(event)
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(QPen(QColor("#0b2545"), 5, Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap))
        for path in self.paths:
            painter.drawPath(path)
        painter.end()

    def png(self) -> bytes:
        image = QImage(self.size(), QImage.Format.Format_ARGB32)
        image.fill(QColor("white"))
        painter = QPainter(image)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(QPen(QColor("black"), 5, Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap))
        for path in self.paths:
            painter.drawPath(path)
        painter.end()
        buffer = QBuffer()
        buffer.open(QIODevice.OpenModeFlag.WriteOnly)
        image.save(buffer, "PNG")  # type: ignore[call-overload]  # the stubs want bytes; PySide6 takes str only
        return bytes(buffer.data().data())

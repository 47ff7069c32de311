"""The top bar's two voice buttons, drawn as the speaker symbols every phone uses: "say it
again" (a speaker with sound waves) and "mute" (a speaker crossed out). Symbols, not words: the
bar has no room for two more labels in English large text, and the symbols read the same in both
languages; each button still carries its words as its accessible name."""

from __future__ import annotations

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QIcon, QPainter, QPen, QPixmap, QPolygonF

ICON = 44  # px, inside a 64 px touch target
INK = QColor("#0b2545")


def speaker_icon(muted: bool) -> QIcon:
    pixmap = QPixmap(ICON, ICON)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(INK)
    s = ICON / 44
    body = [(4, 16), (13, 16), (24, 6), (24, 38), (13, 28), (4, 28)]
    painter.drawPolygon(QPolygonF([QPointF(x * s, y * s) for x, y in body]))
    pen = QPen(INK, 3.5 * s)
    pen.setCapStyle(Qt.PenCapStyle.RoundCap)
    painter.setPen(pen)
    painter.setBrush(Qt.BrushStyle.NoBrush)
    if muted:
        painter.drawLine(QPointF(29 * s, 15 * s), QPointF(41 * s, 29 * s))
        painter.drawLine(QPointF(41 * s, 15 * s), QPointF(29 * s, 29 * s))
    else:
        for r in (8, 15):  # two sound waves
            painter.drawArc(
                QRectF((24 - r) * s, (22 - r) * s, 2 * r * s, 2 * r * s), -50 * 16, 100 * 16
            )
    painter.end()
    return QIcon(pixmap)

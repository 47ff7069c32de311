"""What a person would see as broken on a screen, found from the widgets themselves: touch targets
smaller than 60×60 px, words cut off in a button or a label, and widgets squeezed below the size
they need (which is how Qt layouts end up overlapping or clipping them)."""

from __future__ import annotations

from PySide6.QtCore import QRect
from PySide6.QtWidgets import (
    QAbstractScrollArea,
    QLabel,
    QLineEdit,
    QPushButton,
    QScrollArea,
    QWidget,
)

from kiosk.ui.kit import WrapButton

MIN_TARGET = 60


def _shown(widget: QWidget, top: QWidget) -> bool:
    return widget.isVisibleTo(top) and widget.width() > 0 and widget.height() > 0


def _scrolled(widget: QWidget, top: QWidget) -> bool:
    """Inside a scroll area: partly out of view is fine there (the applicant can scroll)."""
    parent = widget.parentWidget()
    while parent is not None and parent is not top:
        if isinstance(parent, QAbstractScrollArea):
            return True
        parent = parent.parentWidget()
    return False


def problems(top: QWidget, where: str) -> list[str]:
    """Everything wrong with the widgets shown under ``top`` (a screen or an overlay dialog)."""
    found: list[str] = []
    window_rect = QRect(top.mapTo(top.window(), top.rect().topLeft()), top.size())
    for widget in top.findChildren(QWidget):
        if not _shown(widget, top):
            continue
        name = f"{where}: {type(widget).__name__}"
        if isinstance(widget, QPushButton):
            text = widget.text().replace("\n", " ")[:40]
            if widget.width() < MIN_TARGET or widget.height() < MIN_TARGET:
                found.append(f"{name} {text!r} is {widget.width()}×{widget.height()} px")
            if isinstance(widget, WrapButton):
                need = widget.words_height(widget.width())
                have = widget.height() - 2 * widget.MARGIN_V
                if need > have + 2:
                    found.append(f"{name} {text!r} cut off: {need} px of words in {have}")
            elif widget.text():
                # words may run into the padding, not past the 2 px border (and 2 px to spare)
                need = widget.fontMetrics().horizontalAdvance(widget.text()) + 6
                if need > widget.width():
                    found.append(f"{name} {text!r} cut off: {need} px of words in {widget.width()}")
        elif isinstance(widget, QLabel) and widget.text() and widget.pixmap().isNull():
            if widget.wordWrap():
                need, have = widget.heightForWidth(widget.width()), widget.height()
                if need > have + 2:
                    found.append(f"{name} {widget.text()[:40]!r} cut off: {need} px in {have}")
            else:
                need = widget.fontMetrics().horizontalAdvance(widget.text())
                if need > widget.contentsRect().width() + 2:
                    found.append(f"{name} {widget.text()[:40]!r} cut off: {need} px wide")
        elif isinstance(widget, QLineEdit) and widget.height() < MIN_TARGET:
            found.append(f"{name} field is {widget.height()} px high")
        if isinstance(widget, QScrollArea) and widget.widget() is not None:
            need = widget.widget().minimumSizeHint().width()
            if need > widget.viewport().width() + 2:
                found.append(f"{name} needs {need} px across, has {widget.viewport().width()}")
        if isinstance(widget, QPushButton | QLineEdit) and not _scrolled(widget, top):
            at = QRect(widget.mapTo(top.window(), widget.rect().topLeft()), widget.size())
            if not window_rect.contains(at):
                found.append(f"{name} {getattr(widget, 'text', lambda: '')()!r} outside the screen")
    return found


MIN_VIEW = 120  # px of the scrolled part left above the keyboard: a field and its caption


def keys_up_problems(screen: QWidget, where: str) -> list[str]:
    """With the keyboard (or the handwriting pad) up: everything :func:`problems` finds, plus
    the field being typed in hidden behind the keys or cut at the edge of what shows, too little
    room left above the keys, and more to see without the 64 px scroll buttons."""
    found = problems(screen, where)
    area = getattr(screen, "scroll_area", None)
    pad = getattr(screen, "keypad", None)
    if area is None or pad is None or not pad.isVisibleTo(screen):
        return [*found, f"{where}: the keyboard is not up"]
    view = area.viewport()
    if view.height() < MIN_VIEW:
        found.append(f"{where}: {view.height()} px left above the keys")
    edit = pad.target
    if isinstance(edit, QLineEdit) and edit.isVisibleTo(screen):
        at = QRect(edit.mapTo(view, edit.rect().topLeft()), edit.size())
        if not view.rect().contains(at):
            found.append(f"{where}: the field typed in is cut off ({at} in {view.rect()})")
    bar = area.verticalScrollBar()
    arrows = [getattr(screen, n, None) for n in ("scroll_up", "scroll_down")]
    if bar.maximum() > 0:
        for arrow in arrows:
            if arrow is None or not arrow.isVisibleTo(screen):
                found.append(f"{where}: more to see but no scroll button")
            elif min(arrow.width(), arrow.height()) < MIN_TARGET:
                found.append(f"{where}: scroll button {arrow.width()}×{arrow.height()} px")
    return found

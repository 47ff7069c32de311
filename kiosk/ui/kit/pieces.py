"""Small building blocks of both skins: labels, boxes, fields, choices, scroll areas, tables."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import (
    QFrame,
    QGridLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QScrollArea,
    QTableWidget,
    QVBoxLayout,
    QWidget,
)

from kiosk.ui.kit.buttons import TOUCH, WrapButton, button


def label(text: str, name: str = "", wrap: bool = True) -> QLabel:
    lab = QLabel(text)
    if name:
        lab.setObjectName(name)
    lab.setWordWrap(wrap)
    lab.setTextFormat(Qt.TextFormat.PlainText)
    return lab


def field_edit(keypad: str, text: str = "", max_length: int = 0) -> QLineEdit:
    """A text field the on-screen keypad (``digits``, ``letters``, ``text``) types into."""
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


def toggle(text: str, on: bool, on_click: Callable[..., object], choice: str) -> QPushButton:
    """A yes/no statement the applicant can tick: a box that shows ☑ or ☐ (not colour only)."""
    b = button(("☑  " if on else "☐  ") + text, on_click, "toggle", checkable=True, wrap=True)
    b.setChecked(on)
    b.setProperty("choice", choice)
    if isinstance(b, WrapButton):
        b.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
    return b


def plain_scroll(body: QWidget | None = None) -> QScrollArea:
    """A frameless, see-through area that scrolls up and down only (content wraps instead)."""
    scroll = QScrollArea()
    scroll.setProperty("role", "plain")
    scroll.setWidgetResizable(True)
    scroll.setFrameShape(QFrame.Shape.NoFrame)
    scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
    if body is not None:
        body.setObjectName("scrollBody")
        scroll.setWidget(body)
    return scroll


def form_label(text: str) -> QLabel:
    """A form row's name, centred on its (touch-tall) field."""
    lab = QLabel(text)
    lab.setMinimumHeight(TOUCH - 8)
    lab.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
    return lab


def touch_table(table: QTableWidget) -> None:
    """Rows tall enough to hit with a finger, whole-row selection, read-only.

    Columns fit their contents; the last one takes the rest and wraps long text onto a second
    line (the row grows) rather than cutting it off with an ellipsis.
    """
    rows = table.verticalHeader()
    rows.setMinimumSectionSize(TOUCH)
    rows.setDefaultSectionSize(TOUCH)
    rows.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    rows.setVisible(False)
    table.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
    table.setSelectionMode(QTableWidget.SelectionMode.SingleSelection)
    table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
    columns = table.horizontalHeader()
    columns.setStretchLastSection(True)
    columns.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    if table.columnCount():
        columns.setSectionResizeMode(table.columnCount() - 1, QHeaderView.ResizeMode.Stretch)
    table.setWordWrap(True)
    table.setTextElideMode(Qt.TextElideMode.ElideNone)


def natural_width(table: QTableWidget) -> int:
    """The width that shows every column whole, a vertical scroll bar included."""
    header = table.horizontalHeader()
    columns = sum(
        max(table.sizeHintForColumn(c), header.sectionSizeHint(c))
        for c in range(table.columnCount())
    )
    return columns + 2 * table.frameWidth() + table.verticalScrollBar().sizeHint().width()


def breakable(text: str) -> str:
    """Codes like ``screen=replacement.reason`` may wrap after . = _ : / (zero-width spaces)."""
    for mark in ".=_:/":
        text = text.replace(mark, mark + "\u200b")
    return text

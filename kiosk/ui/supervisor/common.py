"""Shared pieces of the supervisor screens: style, big touch buttons, a thread helper, the context.

``SupervisorContext`` is what the main window hands in: the database, the config file, and hooks
into the other parts (devices, printing, sync, leaving). Each hook may be missing while that part
is not wired; the screens then say so instead of failing.
"""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from PySide6.QtCore import QEvent, QObject, QRunnable, QSize, Qt, QThreadPool, Signal
from PySide6.QtWidgets import (
    QFrame,
    QHeaderView,
    QLabel,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QTableWidget,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy.orm import Session, sessionmaker

from kiosk.domain import clock

TOUCH = 64  # px: every target at least this tall (MIIT elder-mode rule is 60)

STYLE = f"""
QWidget#supervisor {{ background: #f4f6f8; }}
QWidget#supervisor QLabel {{ font-size: 20px; color: #1b2733; }}
#supervisor QLabel[role="title"] {{ font-size: 28px; font-weight: 600; }}
#supervisor QLabel[role="section"] {{ font-size: 22px; font-weight: 600; margin-top: 8px; }}
#supervisor QLabel[role="notice"] {{ font-size: 20px; color: #0b5394; }}
#supervisor QLabel[role="error"] {{ font-size: 20px; color: #b00020; font-weight: 600; }}
#supervisor QLabel[role="muted"] {{ font-size: 17px; color: #52606d; }}
#supervisor QPushButton {{ font-size: 20px; min-height: {TOUCH}px; padding: 0 18px; border-radius: 8px;
  background: #ffffff; border: 2px solid #9aa5b1; color: #1b2733; }}
#supervisor QPushButton:pressed {{ background: #d9e2ec; }}
#supervisor QPushButton:disabled {{ color: #9aa5b1; border-color: #d9e2ec; }}
#supervisor QPushButton[kind="primary"] {{ background: #0b5394; color: white; border-color: #0b5394; }}
#supervisor QPushButton[kind="danger"] {{ background: #ffffff; color: #b00020; border-color: #b00020; }}
#supervisor QPushButton[kind="nav"] {{ text-align: left; padding-left: 24px; border: none; border-radius: 0;
  background: transparent; color: #e4e7eb; font-size: 21px; }}
#supervisor QPushButton[kind="nav"]:checked {{ background: #0b5394; color: white; font-weight: 600; }}
#supervisor QPushButton[kind="key"] {{ font-size: 30px; min-width: 110px; min-height: 76px; }}
#supervisor QPushButton[kind="tile"] {{ min-height: 80px; font-size: 22px; }}
#supervisor QPushButton[kind="tile"]:checked {{ background: #0b5394; color: white; border-color: #0b5394; }}
#supervisor QWidget#sidebar {{ background: #1f2933; }}
#supervisor QLineEdit, #supervisor QComboBox, #supervisor QSpinBox, #supervisor QPlainTextEdit {{ font-size: 20px; min-height: {TOUCH - 8}px;
  padding: 0 10px; border: 2px solid #9aa5b1; border-radius: 6px; background: white; }}
#supervisor QComboBox::drop-down {{ width: 48px; }}
#supervisor QCheckBox {{ font-size: 20px; min-height: {TOUCH}px; }}
#supervisor QCheckBox::indicator {{ width: 32px; height: 32px; }}
#supervisor QTableWidget {{ font-size: 18px; background: white; gridline-color: #d9e2ec; }}
#supervisor QHeaderView::section {{ font-size: 17px; padding: 6px; background: #e4e7eb; border: none; }}
#supervisor QListWidget {{ font-size: 20px; background: white; }}
#supervisor QListWidget::item {{ min-height: {TOUCH}px; }}
#supervisor QFrame[role="card"] {{ background: white; border: 1px solid #d9e2ec; border-radius: 10px; }}
#supervisor QScrollArea[role="plain"], #supervisor QWidget#qt_scrollarea_viewport,
#supervisor QWidget#scrollBody {{ background: transparent; }}
#supervisor QScrollBar:vertical {{ width: 24px; background: #e4e7eb; margin: 0; }}
#supervisor QScrollBar:horizontal {{ height: 24px; background: #e4e7eb; margin: 0; }}
#supervisor QScrollBar::handle {{ background: #9aa5b1; border-radius: 6px; margin: 3px; }}
#supervisor QScrollBar::handle:vertical {{ min-height: 56px; }}
#supervisor QScrollBar::handle:horizontal {{ min-width: 56px; }}
#supervisor QScrollBar::add-line, #supervisor QScrollBar::sub-line {{ width: 0; height: 0; }}
#supervisor QScrollBar::add-page, #supervisor QScrollBar::sub-page {{ background: none; }}
"""


def button(
    text: str, kind: str = "", slot: Callable[[], Any] | None = None, parent: QWidget | None = None
) -> QPushButton:
    b = QPushButton(text, parent)
    if kind:
        b.setProperty("kind", kind)
    b.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)
    b.setFocusPolicy(Qt.FocusPolicy.NoFocus)
    if slot is not None:
        b.clicked.connect(slot)
    return b


# a WrapButton's text colour by kind: (normal, checked); disabled is always grey
_WRAP_COLOURS = {
    "": ("#1b2733", "white"),
    "tile": ("#1b2733", "white"),
    "primary": ("white", "white"),
    "danger": ("#b00020", "#b00020"),
}


class WrapButton(QPushButton):
    """A touch button whose words wrap onto more lines instead of being cut off.

    For long or translated texts in narrow places (reasons to reject, the review actions): the
    button grows taller rather than wider, so a 1366-px screen never clips it.
    """

    def __init__(
        self,
        text: str,
        kind: str = "",
        slot: Callable[[], Any] | None = None,
        parent: QWidget | None = None,
    ):
        super().__init__(parent)
        self.kind = kind
        if kind:
            self.setProperty("kind", kind)
        self.label = QLabel(text, self)
        self.label.setWordWrap(True)
        self.label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.label.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 8, 16, 8)
        layout.addWidget(self.label)
        policy = QSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Minimum)
        policy.setHeightForWidth(True)
        self.setSizePolicy(policy)
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.toggled.connect(self._restyle)
        if slot is not None:
            self.clicked.connect(slot)
        self._restyle()

    def text(self) -> str:  # type: ignore[override]
        return self.label.text()

    def setText(self, text: str) -> None:  # type: ignore[override]
        self.label.setText(text)
        self.updateGeometry()

    def sizeHint(self) -> QSize:
        hint = self.layout().sizeHint()
        return QSize(hint.width(), max(hint.height(), self.minimumHeight(), TOUCH))

    def minimumSizeHint(self) -> QSize:
        hint = self.layout().minimumSize()
        return QSize(hint.width(), max(hint.height(), self.minimumHeight(), TOUCH))

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.EnabledChange:
            self._restyle()

    def _restyle(self, *_: object) -> None:
        normal, checked = _WRAP_COLOURS.get(self.kind, _WRAP_COLOURS[""])
        colour = "#9aa5b1" if not self.isEnabled() else checked if self.isChecked() else normal
        size = 22 if self.kind == "tile" else 20
        self.label.setStyleSheet(f"color: {colour}; font-size: {size}px; background: transparent;")


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
    label = QLabel(text)
    label.setMinimumHeight(TOUCH - 8)
    label.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
    return label


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


def local_time(moment: dt.datetime | str | None, fmt: str = "%m-%d %H:%M") -> str:
    """Shenzhen wall time for a stored UTC moment (datetime or ISO text)."""
    if not moment:
        return ""
    if isinstance(moment, str):
        try:
            moment = dt.datetime.fromisoformat(moment)
        except ValueError:
            return moment
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)
    return moment.astimezone(clock.SHENZHEN).strftime(fmt)


# -- hooks the main window provides ------------------------------------------------------------


@dataclass(frozen=True)
class ProbeResult:
    state: str  # ok | warning | error | unknown | simulated
    detail_zh: str = ""
    detail_en: str = ""
    image_png: bytes | None = None  # what a test saw (the camera's picture), shown beside it


class DeviceProbe(Protocol):
    """One device on the devices screen; both calls run in a worker thread, never the GUI's."""

    key: str  # reader | camera | printer_form | printer_receipt

    def status(self) -> ProbeResult: ...

    def test(self) -> ProbeResult: ...


PrintHook = Callable[[int, str], ProbeResult]  # (application id, receipt|form|slip) → queued?
LeaveHook = Callable[[str], None]  # exit | restart | shutdown


@dataclass
class SupervisorContext:
    factory: sessionmaker[Session]
    config_path: Path | None = None
    demo: bool = False
    probes: list[DeviceProbe] = field(default_factory=list)
    print_document: PrintHook | None = None
    send_now: Callable[[], None] | None = None
    sync_last_error: Callable[[], str | None] | None = None
    leave: LeaveHook | None = None
    preview_widget: Callable[[], QWidget] | None = None  # camera preview for the camera test


# -- work off the GUI thread ---------------------------------------------------------------


class _Signals(QObject):
    done = Signal(object)


class _Job(QRunnable):
    def __init__(self, fn: Callable[[], Any], signals: _Signals):
        super().__init__()
        self.fn, self.signals = fn, signals

    def run(self) -> None:
        try:
            result = self.fn()
        except Exception as exc:
            result = exc
        with contextlib.suppress(RuntimeError):  # the screen that asked was closed meanwhile
            self.signals.done.emit(result)


def run_off_gui(owner: QObject, fn: Callable[[], Any], on_done: Callable[[Any], None]) -> None:
    """Run ``fn`` in the thread pool; ``on_done(result or exception)`` runs back on the GUI thread."""
    signals = _Signals(owner)
    signals.done.connect(on_done)
    signals.done.connect(signals.deleteLater)
    QThreadPool.globalInstance().start(_Job(fn, signals))

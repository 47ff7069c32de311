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

from PySide6.QtCore import QObject, QRunnable, Qt, QThreadPool, Signal
from PySide6.QtWidgets import QHeaderView, QPushButton, QSizePolicy, QTableWidget, QWidget
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
#supervisor QPushButton[kind="key"] {{ font-size: 30px; min-width: 110px; min-height: 84px; }}
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


def touch_table(table: QTableWidget) -> None:
    """Rows tall enough to hit with a finger, whole-row selection, read-only."""
    table.verticalHeader().setDefaultSectionSize(TOUCH)
    table.verticalHeader().setVisible(False)
    table.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
    table.setSelectionMode(QTableWidget.SelectionMode.SingleSelection)
    table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
    table.horizontalHeader().setStretchLastSection(True)
    table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    table.setWordWrap(False)


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

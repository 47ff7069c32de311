"""Supervisor mode's own pieces: its style sheet, the context the main window hands in, probes.

Buttons, tables, scroll areas and the off-GUI-thread runner are the UI kit's (kiosk.ui.kit).

``SupervisorContext`` is what the main window hands in: the database, the config file, and hooks
into the other parts (devices, printing, sync, leaving). Each hook may be missing while that part
is not wired; the screens then say so instead of failing.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from PySide6.QtWidgets import QWidget
from sqlalchemy.orm import Session, sessionmaker

from kiosk.domain import clock
from kiosk.domain.rules import RuleBook
from kiosk.ui.kit import TOUCH, Runner, Texts

if TYPE_CHECKING:
    from kiosk.sync.enrolment import Enrolment

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


def local_time(moment: dt.datetime | str | None, fmt: str = "%m-%d %H:%M") -> str:
    """Shenzhen wall time for a stored UTC moment (datetime or ISO text)."""
    if not moment:
        return ""
    if isinstance(moment, str):
        try:
            moment = dt.datetime.fromisoformat(moment)
        except ValueError:
            return str(moment)
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
    texts: Texts = field(default_factory=Texts)  # the kiosk's words (shared with its window)
    runner: Runner = field(default_factory=Runner)  # the kiosk's off-GUI-thread runner
    # for the services (kiosk.ui.app passes the office's rules and reads the enrolment file)
    rules: RuleBook = field(default_factory=RuleBook.load)
    enrolled: Callable[[], Enrolment | None] = lambda: None

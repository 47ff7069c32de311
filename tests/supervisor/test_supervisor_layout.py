"""Every supervisor screen fits a 1366x768 and a 1920x1080 counter display, in Chinese and English.

"Fits" means what staff would notice: nothing sticks out of its parent on the right (clipped), no
two buttons overlap, no one-line button or label is too narrow for its words, no table or list
scrolls sideways, and every button is at least 60 px tall. The screenshots (tests/supervisor/shots.py)
are for people; this is the check that keeps them right.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtCore import QThreadPool
from PySide6.QtWidgets import QAbstractScrollArea, QApplication, QLabel, QPushButton, QWidget
from pytestqt.qtbot import QtBot
from sqlalchemy.orm import Session, sessionmaker
from supervisor_helpers import ADMIN_PIN, SubmitMany
from test_supervisor_ui import login, make_area

from kiosk.services import help_calls
from kiosk.ui.kit import Texts, WrapButton
from kiosk.ui.supervisor.window import PAGES, SupervisorArea

pytestmark = pytest.mark.gui

SIZES = ((1366, 768), (1920, 1080))


@pytest.fixture(autouse=True)
def _quiet_threads() -> Iterator[None]:
    yield
    QThreadPool.globalInstance().waitForDone(5000)


def settle(qtbot: QtBot, area: SupervisorArea) -> None:
    area.ctx.runner.wait(5000)  # device probes answer from the runner's threads
    QApplication.processEvents()
    qtbot.wait(20)


def _lines_fit(widget: QWidget, text: str, room: int) -> bool:
    metrics = widget.fontMetrics()
    return all(metrics.horizontalAdvance(line) <= room + 1 for line in text.splitlines())


def problems(root: QWidget) -> list[str]:
    found = []
    shown = [w for w in root.findChildren(QWidget) if w.isVisibleTo(root)]
    for w in shown:
        words = w.text() if isinstance(w, QLabel | QPushButton) else ""
        name = f"{type(w).__name__} {words!r}"
        parent = w.parentWidget()
        if parent is not None and w.geometry().right() > parent.width() + 1:
            found.append(f"{name} sticks out of its parent ({w.geometry()} in {parent.width()})")
        if isinstance(w, QPushButton):
            if w.height() < 60:
                found.append(f"{name} is {w.height()} px tall")
            if not isinstance(w, WrapButton) and not _lines_fit(w, w.text(), w.width()):
                found.append(f"{name} is too narrow for its words ({w.width()} px)")
        one_line = isinstance(w, QLabel) and not w.wordWrap() and w.pixmap().isNull()
        if one_line and not _lines_fit(w, w.text(), w.contentsRect().width()):
            found.append(f"{name} is cut off ({w.width()} px)")
        if isinstance(w, QAbstractScrollArea) and w.horizontalScrollBar().isVisible():
            found.append(f"{name} scrolls sideways")
    buttons = [w for w in shown if isinstance(w, QPushButton)]
    for i, a in enumerate(buttons):
        for b in buttons[i + 1 :]:
            if a.parentWidget() is b.parentWidget() and a.geometry().intersects(b.geometry()):
                found.append(f"buttons {a.text()!r} and {b.text()!r} overlap")
    return found


def screens(qtbot: QtBot, area: SupervisorArea) -> Iterator[str]:
    """Show each screen in turn (and the panels and confirmations in them); yield its name."""
    for key in (*PAGES, "leave"):
        page = area.show_page(key)
        if key == "review":
            page.table.selectRow(0)
        settle(qtbot, area)
        yield key
    page.arm("shutdown")
    settle(qtbot, area)
    yield "leave-confirm"
    for kind in ("reject", "request_materials"):
        page = area.show_page("review")
        page.table.selectRow(0)
        page._panel(kind)
        settle(qtbot, area)
        yield f"review-{kind}"


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_every_screen_fits_the_counter_display(
    qtbot: QtBot,
    factory: sessionmaker[Session],
    accounts: dict,
    submit_many: SubmitMany,
    lang: str,
    size: tuple[int, int],
) -> None:
    submit_many(3)
    with factory.begin() as session:
        help_calls.raise_help_call(session, "replacement.reason")
    area = make_area(qtbot, factory, texts=Texts(lang))
    area.resize(*size)
    area.start()
    settle(qtbot, area)
    assert problems(area) == [], "PIN pad"
    login(qtbot, area, "admin", ADMIN_PIN)
    seen = {}
    for name in screens(qtbot, area):
        seen[name] = problems(area)
    assert {k: v for k, v in seen.items() if v} == {}

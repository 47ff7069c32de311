"""The UI kit's runner: blocking work off the GUI thread, answers back on it, none for the gone."""

from __future__ import annotations

import threading

from PySide6.QtCore import QObject
from shiboken6 import Shiboken

from kiosk.ui.kit import Runner, Texts, WrapButton, button


def test_work_runs_off_the_gui_thread_and_the_answer_comes_back_on_it(qtbot) -> None:
    runner, owner = Runner(), QObject()
    answers: list[tuple[bool, bool]] = []

    def work() -> bool:
        return threading.current_thread() is threading.main_thread()

    runner.run(owner, work, lambda ran_on_gui: answers.append((ran_on_gui, on_gui())))
    qtbot.waitUntil(lambda: bool(answers), timeout=5000)
    assert answers == [(False, True)]


def test_an_exception_is_the_answer(qtbot) -> None:
    runner, owner = Runner(), QObject()
    answers: list[object] = []

    def fail() -> None:
        raise OSError("disk full")

    runner.run(owner, fail, answers.append)
    qtbot.waitUntil(lambda: bool(answers), timeout=5000)
    assert isinstance(answers[0], OSError) and str(answers[0]) == "disk full"


def test_no_answer_for_a_widget_that_is_gone(qtbot) -> None:
    runner, owner, gate = Runner(), QObject(), threading.Event()
    answers: list[object] = []
    runner.run(owner, lambda: gate.wait(5), answers.append)
    Shiboken.delete(owner)  # the screen that asked was closed meanwhile
    gate.set()
    assert runner.wait(5000)
    qtbot.wait(50)
    assert answers == []


def test_one_button_for_both_skins() -> None:
    applicant = button("下一步", name="primary")
    staff = button("审核通过", kind="primary")
    assert applicant.objectName() == "primary" and applicant.property("kind") is None
    assert staff.property("kind") == "primary" and not staff.objectName()
    long = button("Working, studying or in business here " * 3, kind="tile", wrap=True)
    assert isinstance(long, WrapButton)
    assert long.heightForWidth(200) > long.heightForWidth(2000)  # it wraps, growing taller


def test_each_kiosk_has_its_own_language() -> None:
    one, other = Texts("en"), Texts("zh")
    one.set_language("zh")
    other.set_language("en")
    assert one.tr("nav.review") == "审核" and other.tr("nav.review") == "Review"


def on_gui() -> bool:
    return threading.current_thread() is threading.main_thread()

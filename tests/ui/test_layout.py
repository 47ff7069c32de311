"""Screens an elderly applicant can use at 1920×1080 in large text (32 px) and in English: no
words cut off, no squeezed or overlapping widgets, every target at least 60×60 px. The scripted
applicant walks whole journeys; every screen is checked when it appears and again when filled
in (with the keyboard up)."""

from __future__ import annotations

import pytest
from layout_check import problems

from kiosk.ui.applicant import Applicant, pump
from kiosk.ui.kit import WrapButton
from kiosk.ui.walkthrough import journey


def _walk(kiosk, service: str, lang: str, large: bool) -> list[str]:
    window = kiosk.window
    window.resize(1920, 1080)
    window.set_preferences(lang, large)
    found: list[str] = []

    def check(name: str) -> None:
        pump(10)
        overlay = window.overlay
        top = overlay.dialog if overlay.isVisible() and overlay.dialog else window.current
        found.extend(problems(top, name))

    window.screenShown.connect(lambda state, _screen: check(state))
    journey(Applicant(window), service, photo="type", shoot=check)
    return found


@pytest.mark.slow
@pytest.mark.parametrize(
    ("service", "lang"),
    [("replacement", "zh"), ("replacement", "en"), ("renewal", "en"), ("correction", "zh")],
)
def test_large_text_screens_fit(make_kiosk, service: str, lang: str) -> None:
    assert _walk(make_kiosk(camera=False), service, lang, large=True) == []


def test_long_options_wrap_instead_of_being_cut(make_kiosk, qtbot) -> None:
    """The 办理条件 screen in English large text: the long first condition takes two lines."""
    kiosk = make_kiosk(camera=False)
    window = kiosk.window
    window.resize(1920, 1080)
    window.set_preferences("en", True)
    for trigger in ("next", "replacement", "next"):
        kiosk.ctx.go(trigger)
    kiosk.ctx.visit.card = kiosk.ctx.cards.sample("resident")
    path = ["next", "adult", "next", "next", "next"]  # reason, address, phone → condition
    kiosk.ctx.visit.residence.district, kiosk.ctx.visit.residence.street = "440305", "粤海"
    kiosk.ctx.visit.residence.detail, kiosk.ctx.visit.phone = "1", "13800138000"
    for trigger in path:
        if window.state.endswith(".condition"):
            break
        kiosk.ctx.go(trigger)
    qtbot.waitUntil(lambda: window.state == "replacement.condition", timeout=3000)
    pump(20)
    employment = next(
        b for b in window.current.findChildren(WrapButton) if b.property("choice") == "employment"
    )
    assert employment.height() > 100  # two lines, not one line cut off
    assert problems(window.current, "condition") == []
    Applicant(window).tap(choice="employment")  # nothing is chosen for the applicant: they tap
    assert window.current.keypad is not None and not window.current.keypad.isVisible()
    Applicant(window).tap(window.current.fields[0])  # tapping a field brings the keyboard up
    assert window.current.keypad.isVisible()
    assert problems(window.current, "condition with keys") == []

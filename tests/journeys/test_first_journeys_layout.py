"""The new screens at 1920×1080 in large text, Chinese and English: no words cut off, no
squeezed or overlapping widgets, every target at least 60×60 px (tests/ui/layout_check.py), each
screen checked when it appears and again when filled in (keyboard up)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from kiosk.ui.applicant import Applicant, pump
from kiosk.ui.walkthrough import journey

# the UI tests' own checker (tests/ui/layout_check.py)
sys.path.append(str(Path(__file__).resolve().parents[1] / "ui"))
from layout_check import problems


def _walk(kiosk, service: str, lang: str) -> list[str]:
    window = kiosk.window
    window.resize(1920, 1080)
    window.set_preferences(lang, True)
    found: list[str] = []

    def check(name: str) -> None:
        pump(10)
        found.extend(problems(window.current, name))

    window.screenShown.connect(lambda state, _screen: check(state))
    journey(Applicant(window), service, photo="type", shoot=check)
    return found


@pytest.mark.slow
@pytest.mark.parametrize(
    ("service", "lang"),
    [("application", "zh"), ("application", "en"), ("registration", "en"), ("progress", "zh")],
)
def test_large_text_screens_fit(make_kiosk, service: str, lang: str) -> None:
    assert _walk(make_kiosk(camera=False), service, lang) == []

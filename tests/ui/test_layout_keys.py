"""Nothing cut off with the keyboard or the handwriting pad up (issue 14): every applicant screen
that has a field, in every journey that shows it, in Chinese and English, normal and large text,
at 1920×1080. The field is tapped as a person would, which brings the keys up; then the pad
replaces the letter keys where a Chinese field offers it. ``layout_check.keys_up_problems`` reads
the real widgets: words cut off, targets under 60 px, the field typed in hidden behind the keys,
too little room left above them, more to see without the 64 px scroll buttons."""

from __future__ import annotations

import pytest
from layout_check import keys_up_problems
from PySide6.QtWidgets import QPushButton

from kiosk.ui.applicant import Applicant, pump, route
from kiosk.workflows import journeys

SKIP_SCREENS = {"card", "submit", "print", "ending", "card_removed"}  # no field on them


def _targets() -> list[str]:
    """One state per (journey, screen) pair: a screen may look different in another journey
    (the renewal's address has its decision banner, a change's its note)."""
    seen: set[tuple[str, str]] = set()
    states = []
    for journey in journeys.JOURNEYS.values():
        for step in journey.steps:
            if step.screen in SKIP_SCREENS or (journey.key, step.screen) in seen:
                continue
            seen.add((journey.key, step.screen))
            states.append(journey.state(step.key))
    return states


def _prepare(kiosk) -> None:
    """What the applicant would have answered by then, so every field is on its screen."""
    visit = kiosk.ctx.visit
    visit.card = kiosk.ctx.cards.sample("resident")
    residence = visit.residence
    residence.district, residence.street, residence.community = "440305", "粤海", "科技园社区"
    visit.condition, visit.student = "employment", False
    visit.draft["change_item"] = "name"
    for name in ("photo", "apply_photo"):  # the typed number (the camera has no field)
        kiosk.window.screens[name].mode = "type"


@pytest.mark.slow
@pytest.mark.parametrize("large", [False, True], ids=["normal", "large"])
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_screen_with_the_keyboard_up(make_kiosk, lang: str, large: bool) -> None:
    kiosk = make_kiosk(camera=False)
    kiosk.ctx.background_work = False  # no saving or printing on the way to a screen
    window = kiosk.window
    window.resize(1920, 1080)
    a = Applicant(window)
    found: list[str] = []
    checked: list[str] = []  # the screens checked with the keys up
    written: list[str] = []  # ... and with the handwriting pad up
    for target in _targets():
        kiosk.ctx.go("timeout")
        pump()
        kiosk.ctx.go("next")  # the services screen; the wipe at welcome reset the language
        pump()
        window.set_preferences(lang, large)
        _prepare(kiosk)
        path = route(window.machine.edges, window.state, {target})
        assert path is not None, target
        for trigger in path:
            kiosk.ctx.go(trigger)
            pump()
        assert window.state == target
        screen = window.current
        fields = [f for f in getattr(screen, "fields", []) if f.isVisibleTo(screen)]
        if not fields:
            continue
        a.tap(fields[0])  # as a person would: the keys come up under the field
        pump(30)
        where = f"{target} {lang}{' large' if large else ''}"
        found += keys_up_problems(screen, where)
        checked.append(screen.name)
        key = next(
            (
                b
                for b in screen.keypad.findChildren(QPushButton)
                if b.objectName() == "toHandwriting" and b.isVisibleTo(screen)
            ),
            None,
        )
        if key is not None:  # the handwriting pad instead of the letter keys
            a.tap(key)
            pump(30)
            found += keys_up_problems(screen, where + " handwriting")
            written.append(screen.name)
    assert found == []
    # every typing screen was reached with its field shown, and checked
    typing = {"address", "phone", "condition", "relatives", "changes", "identity", "photo"}
    assert typing <= set(checked), sorted(checked)
    assert {"residence", "apply_condition", "progress_number"} <= set(checked), sorted(checked)
    if lang == "zh":  # Chinese fields offer the pad
        assert {"address", "changes", "relatives"} <= set(written), written

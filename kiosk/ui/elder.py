"""Elder mode (适老化), by itself: a card showing its holder is 60 or older turns it on, no tap.

What it changes for the rest of the visit: large text, a slower idle warning (at least
``timeouts.elder_idle_seconds``, 180 s, before "您还在吗？"), that warning's countdown spoken with
one big "我还在" button (kiosk/ui/overlay.py), and a "长者模式 ✓" button in the top bar with which
the applicant turns it off (and on again). The wipe ends it: the next applicant starts plain.
Screens have one main (blue) action each in every mode (tests/ui/test_elder_and_errors.py).
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QObject

from kiosk.domain import clock
from kiosk.domain.identity import IdentityCard
from kiosk.ui.kit import button

ELDER_AGE = 60  # 老年人: 60 and over (《老年人权益保障法》 第二条)


def is_elder(card: IdentityCard | None) -> bool:
    """The card's holder is 60 or older today (a card without a birth date: no)."""
    birth = getattr(card, "birth_date", None)
    return birth is not None and clock.age_on(birth, clock.today()) >= ELDER_AGE


class ElderMode(QObject):
    def __init__(self, window: Any):  # the KioskWindow (not imported: it imports this module)
        super().__init__(window)
        self.window = window
        self.on = False
        self.offered = False  # turned on during this visit: its button stays to turn it back on
        self.large_before = False
        self.button = button("", self.toggle, "elder", checkable=True)
        self.button.setProperty("choice", "elder_mode")
        self.button.hide()

    def idle_ms(self) -> int:
        config = self.window.ctx.config
        seconds = int(config["timeouts.idle_seconds"])
        if self.on:
            seconds = max(seconds, int(config["timeouts.elder_idle_seconds"]))
        return seconds * 1000

    def card_read(self, card: IdentityCard | None) -> None:
        """A card taken into the visit: elder mode on for a holder of 60 or more."""
        if not self.on and not self.offered and is_elder(card):
            self.large_before = self.window.ctx.visit.large_text
            self.offered = True
            self.set(True)
            self.window.speak(self.window.texts.tr("elder.on"))

    def toggle(self) -> None:
        self.set(not self.on)
        if not self.on:
            self.window.speak(self.window.texts.tr("elder.off"))

    def set(self, on: bool) -> None:
        self.on = on
        visit = self.window.ctx.visit
        self.window.activity.timer.setInterval(self.idle_ms())
        self.refresh()
        large = True if on else self.large_before
        if visit.large_text != large:
            self.window.set_preferences(visit.lang, large)

    def refresh(self) -> None:
        """The top bar's button, in the applicant's language (shown once elder mode came on)."""
        texts = self.window.texts
        self.button.setText(("✓ " if self.on else "") + texts.tr("elder.button"))
        self.button.setChecked(self.on)
        self.button.setVisible(self.offered)

    def wipe(self) -> None:
        """The visit is over: the next applicant starts without elder mode."""
        self.on = self.offered = False
        self.window.activity.timer.setInterval(self.idle_ms())
        self.refresh()

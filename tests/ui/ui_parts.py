"""Steps more than one UI test takes (a module name of its own: ``conftest`` is taken)."""

from __future__ import annotations

import datetime as dt

from kiosk.domain import clock
from kiosk.ui.applicant import Applicant


def renewal_to_phone(kiosk) -> Applicant:
    """A renewal with the sample resident's card, up to the phone screen (address unchanged)."""
    a = Applicant(kiosk.window)
    a.tap(text_key="welcome.start")
    a.tap(choice="renewal")
    kiosk.ctx.cards.place("resident")
    a.wait_state("renewal.permit")
    a.pick_date(clock.today() + dt.timedelta(days=5))
    a.wait_state("renewal.address")
    a.tap(choice="unchanged")
    a.wait_state("renewal.phone")
    return a

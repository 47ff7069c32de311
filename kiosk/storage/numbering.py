"""Application and queue numbers that stay unique across kiosks that never talk to each other.

Both use the Shenzhen date and a per-day sequence bumped inside the caller's transaction (so a
rolled-back submission does not burn... or reuse a number: SQLite serialises writers, and the
counter row is updated in the same commit).

- application number: ``FT01-K01-20261126-0007`` (point, kiosk, date, sequence)
- queue number, short enough to be called out at the counter: ``A012``, the kiosk's own letter
  (``kiosk.queue_letter`` in config, one per kiosk at a point) and the same daily sequence, so two
  kiosks that never talk never hand out the same number
"""

from __future__ import annotations

import datetime as dt
import re

from sqlalchemy import select
from sqlalchemy.orm import Session

from kiosk.storage.models import Counter

APPLICATION_NUMBER = re.compile(
    r"^(?P<point>[A-Z0-9]{2,8})-(?P<kiosk>[A-Z0-9]{1,8})-(?P<date>\d{8})-(?P<seq>\d{4,})$"
)


def next_value(session: Session, name: str, day: dt.date) -> int:
    """Bump and return the named per-day counter (inside the caller's transaction)."""
    row = session.execute(
        select(Counter).where(Counter.name == name, Counter.day == day).with_for_update()
    ).scalar_one_or_none()
    if row is None:
        row = Counter(name=name, day=day, value=0)
        session.add(row)
    row.value += 1
    session.flush()
    return row.value


def application_number(point: str, kiosk: str, day: dt.date, seq: int) -> str:
    return f"{point}-{kiosk}-{day:%Y%m%d}-{seq:04d}"


QUEUE_NUMBER = re.compile(r"^[A-Z]\d{3,}$")


def queue_number(letter: str, seq: int) -> str:
    """``A012``: the kiosk's letter, then the day's sequence (three digits, more past 999)."""
    return f"{letter}{seq:03d}"


def allocate(
    session: Session, point: str, kiosk: str, day: dt.date, letter: str = "A"
) -> tuple[str, str]:
    """A fresh (application number, queue number) pair for today."""
    seq = next_value(session, "application", day)
    return application_number(point, kiosk, day, seq), queue_number(letter, seq)

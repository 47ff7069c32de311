"""Shenzhen time: every date the rules see is a Shenzhen date, whatever the machine's zone."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

SHENZHEN = ZoneInfo("Asia/Shanghai")


def now() -> dt.datetime:
    return dt.datetime.now(SHENZHEN)


def today() -> dt.date:
    return now().date()


def add_months(day: dt.date, months: int) -> dt.date:
    """Calendar months later, clamped to the month's end (08-31 + 6 months = 02-28/29)."""
    index = day.year * 12 + (day.month - 1) + months
    year, month = divmod(index, 12)
    month += 1
    for candidate in (day.day, 30, 29, 28):
        try:
            return dt.date(year, month, min(day.day, candidate))
        except ValueError:
            continue
    raise AssertionError("unreachable: every month has 28 days")


def add_years(day: dt.date, years: int) -> dt.date:
    """Whole years later; 02-29 becomes 02-28 in a common year."""
    return add_months(day, 12 * years)


def age_on(birth: dt.date, day: dt.date) -> int:
    """Completed years of age; a 02-29 birthday is reached on 03-01 in common years."""
    years = day.year - birth.year
    if (day.month, day.day) < (birth.month, birth.day):
        years -= 1
    return years

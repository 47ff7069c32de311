"""本机采集号: format, check character, a sequence that survives restarts; typed numbers."""

from __future__ import annotations

import datetime as dt
import itertools
from pathlib import Path

from kiosk.photo import numbers
from kiosk.storage.db import open_database

DAY = dt.date(2026, 11, 26)


def test_format_and_check_character() -> None:
    number = numbers.format_capture_number("FT01", "K01", DAY, 7)
    assert number.startswith("KC-FT01-K01-20261126-0007-")
    assert numbers.is_capture_number(number)
    assert numbers.CAPTURE_NUMBER.match(number)


def test_every_single_character_error_is_caught() -> None:
    number = numbers.format_capture_number("LH02", "K3", DAY, 42)
    for i, ch in enumerate(number):
        if ch == "-":
            continue
        for other in numbers.ALPHABET:
            if other != ch:
                wrong = number[:i] + other + number[i + 1 :]
                assert not numbers.is_capture_number(wrong), wrong


def test_sequence_survives_restarts_and_differs_per_kiosk(tmp_path: Path) -> None:
    db = tmp_path / "kiosk.sqlite3"
    first = numbers.CaptureNumbers(open_database(db), "FT01", "K01")
    issued = [first.issue(DAY), first.issue(DAY)]
    restarted = numbers.CaptureNumbers(open_database(db), "FT01", "K01")  # a new process, same file
    issued.append(restarted.issue(DAY))
    assert [n.split("-")[4] for n in issued] == ["0001", "0002", "0003"]
    assert restarted.issue(DAY + dt.timedelta(days=1)).split("-")[3:5] == ["20261127", "0001"]
    # another kiosk with its own database, no network: same sequence, different number
    other = numbers.CaptureNumbers(open_database(tmp_path / "other.sqlite3"), "FT01", "K02")
    assert other.issue(DAY).split("-")[4] == "0001"
    everything = [*issued, numbers.format_capture_number("FT01", "K02", DAY, 1)]
    assert len(set(everything)) == len(everything)


def test_capture_numbers_are_not_provincial_numbers() -> None:
    default_pattern = r"^[0-9A-Z]{6,24}$"
    for point, kiosk, seq in itertools.product(("FT01", "LG9"), ("K01", "A"), (1, 9999, 12345)):
        number = numbers.format_capture_number(point, kiosk, DAY, seq)
        assert numbers.validate_typed(number, default_pattern).source == numbers.SOURCE_KIOSK


def test_typed_numbers() -> None:
    pattern = r"^[0-9A-Z]{6,24}$"
    typed = numbers.validate_typed(" ４４０３ 0020 2611 abc ", pattern)  # full-width digits, spaces
    assert typed.ok and typed.number == "440300202611ABC"
    assert typed.source == numbers.SOURCE_TYPED
    bad = numbers.validate_typed("12-34", pattern)
    assert not bad.ok and bad.error is not None and bad.error.zh and bad.error.en
    assert numbers.validate_typed("", pattern).error == numbers.NUMBER_EMPTY
    strict = numbers.validate_typed("4403002026112600012", r"\d{20}")
    assert not strict.ok  # the pattern must match the whole number
    assert numbers.validate_typed("44030020261126000123", r"\d{20}").ok
    broken = numbers.format_capture_number("FT01", "K01", DAY, 3)[:-1] + "0"
    if numbers.is_capture_number(broken):
        broken = broken[:-1] + "1"
    result = numbers.validate_typed(broken.lower(), pattern)
    assert not result.ok and result.error == numbers.NUMBER_BAD_CHECK

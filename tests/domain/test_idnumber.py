"""ID numbers: the check character, what the number tells, and refusals with reasons."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kiosk.domain import idnumber

# GB 11643 worked example and a number ending in X
KNOWN_VALID = [
    ("11010519491231002X", dt.date(1949, 12, 31), "female", "110105"),
    ("440308199901101512", dt.date(1999, 1, 10), "male", "440308"),
]


@pytest.mark.parametrize(("number", "birth", "sex", "region"), KNOWN_VALID)
def test_known_numbers_are_valid(number: str, birth: dt.date, sex: str, region: str) -> None:
    result = idnumber.check(number)
    assert result.valid, result.reason
    assert (result.birth_date, result.sex, result.region_code) == (birth, sex, region)


def test_lower_case_x_is_accepted_and_normalised() -> None:
    result = idnumber.check("11010519491231002x")
    assert result.valid
    assert result.number == "11010519491231002X"


@pytest.mark.parametrize(
    ("number", "code"),
    [
        ("110105491231002", "old_15_digit"),
        ("1101051949123100", "wrong_length"),
        ("11010519491231002Y", "bad_characters"),
        ("110105194902300028", "bad_birth_date"),  # 30 February
        ("110105194912310021", "bad_check_digit"),
        ("", "wrong_length"),
    ],
)
def test_invalid_numbers_say_why(number: str, code: str) -> None:
    result = idnumber.check(number)
    assert not result.valid
    assert result.reason is not None and result.reason.code == code
    assert result.reason.zh and result.reason.en
    assert result.birth_date is None


def test_leap_day_birth_is_valid_only_in_leap_years() -> None:
    assert idnumber.check(idnumber.make_number("440305", dt.date(2000, 2, 29), 11)).valid
    first17 = "44030520010229011"
    assert (
        idnumber.check(first17 + idnumber.check_character(first17)).reason.code == "bad_birth_date"
    )  # type: ignore[union-attr]


births = st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2025, 12, 31))
regions = st.from_regex(r"[1-8][0-9]{5}", fullmatch=True)


@given(regions, births, st.integers(0, 999))
def test_made_numbers_round_trip(region: str, birth: dt.date, seq: int) -> None:
    number = idnumber.make_number(region, birth, seq)
    result = idnumber.check(number)
    assert result.valid
    assert result.birth_date == birth
    assert result.region_code == region
    assert result.sex == ("male" if seq % 2 else "female")


@given(regions, births, st.integers(0, 999), st.integers(0, 16), st.integers(1, 9))
def test_any_single_digit_change_is_caught(
    region: str, birth: dt.date, seq: int, pos: int, delta: int
) -> None:
    number = idnumber.make_number(region, birth, seq)
    digit = (int(number[pos]) + delta) % 10
    changed = number[:pos] + str(digit) + number[pos + 1 :]
    assert not idnumber.check(changed).valid


@given(st.text(max_size=30))
def test_never_raises_on_any_text(text: str) -> None:
    result = idnumber.check(text)
    assert result.valid in (True, False)
    if not result.valid:
        assert result.reason is not None


def test_mask_keeps_only_the_ends() -> None:
    assert idnumber.mask("430102198001011528") == "4301**********1528"

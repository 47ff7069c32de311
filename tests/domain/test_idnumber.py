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
provinces = st.sampled_from(sorted(idnumber.PROVINCES))
# any county code under a real province: old county codes stay valid, so no list of today's
regions = st.builds(lambda p, rest: p + rest, provinces, st.from_regex(r"[0-9]{4}", fullmatch=True))


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


@pytest.mark.parametrize(
    ("region", "valid"),
    [
        ("110105", True),  # Beijing
        ("440305", True),  # Shenzhen
        ("659001", True),  # Xinjiang
        ("710000", True),  # Taiwan
        ("810000", True),  # HK residents' residence permit
        ("830000", True),  # Taiwan residents' residence permit
        ("430199", True),  # a county code no longer on today's list stays valid
        ("100000", False),
        ("160000", False),
        ("240000", False),
        ("380000", False),
        ("470000", False),
        ("550000", False),
        ("660000", False),
        ("720000", False),
        ("840000", False),
    ],
)
def test_the_first_two_digits_must_be_a_province(region: str, valid: bool) -> None:
    number = idnumber.make_number(region, dt.date(1980, 5, 5), 11)
    result = idnumber.check(number)
    assert result.valid is valid
    if not valid:
        assert result.reason is not None and result.reason.code == "bad_region"


def test_a_foreigners_2023_card_number_starts_with_9() -> None:
    assert idnumber.check(idnumber.make_number("911560", dt.date(1980, 5, 5), 11)).valid


def test_a_birth_date_in_the_future_or_before_1900_is_refused() -> None:
    today = dt.date(2026, 11, 27)
    tomorrow = idnumber.make_number("440305", today + dt.timedelta(days=1), 11)
    assert idnumber.check(tomorrow, today=today).reason.code == "future_birth_date"  # type: ignore[union-attr]
    assert idnumber.check(idnumber.make_number("440305", today, 11), today=today).valid
    old = idnumber.make_number("440305", dt.date(1899, 12, 31), 11)
    assert idnumber.check(old).reason.code == "bad_birth_date"  # type: ignore[union-attr]


def test_the_cli_answers_with_the_reason() -> None:
    import json
    import subprocess
    import sys

    number = idnumber.make_number("100000", dt.date(1980, 5, 5), 11)
    done = subprocess.run(
        [sys.executable, "-m", "kiosk", "rules", "id-number", number, "--json"],
        capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert done.returncode == 0
    answer = json.loads(done.stdout)
    assert answer["valid"] is False and answer["reason"]["code"] == "bad_region"
    assert "省级" in answer["reason"]["zh"]


def test_mask_keeps_only_the_ends() -> None:
    assert idnumber.mask("430102198001011528") == "4301**********1528"

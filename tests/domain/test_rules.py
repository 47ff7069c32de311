"""Every rule in DOMAIN.md, at its boundaries."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from kiosk.domain import clock
from kiosk.domain.rules import RuleBook, RulesError

RULES = RuleBook.load()
TODAY = dt.date(2026, 11, 26)


def years_before(day: dt.date, years: int) -> dt.date:
    return clock.add_years(day, -years)


# -- eligibility ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("birth", "condition", "student", "outcome", "code"),
    [
        (
            years_before(TODAY, 16) + dt.timedelta(days=1),
            "employment",
            False,
            "not_eligible",
            "under_min_age",
        ),
        (years_before(TODAY, 16), "employment", False, "eligible", "condition_employment"),
        (years_before(TODAY, 16), "none", False, "not_eligible", "no_condition"),
        (
            years_before(TODAY, 16) + dt.timedelta(days=1),
            "none",
            True,
            "not_eligible",
            "under_min_age",
        ),
        (
            years_before(TODAY, 60) + dt.timedelta(days=1),
            "none",
            False,
            "not_eligible",
            "no_condition",
        ),
        (years_before(TODAY, 60), "none", False, "eligible", "senior"),
        (years_before(TODAY, 59), "property", False, "eligible", "condition_property"),
        (years_before(TODAY, 30), "none", True, "eligible", "student"),
        (years_before(TODAY, 30), "talent", False, "eligible", "condition_talent"),
        (years_before(TODAY, 30), "entrepreneur", False, "eligible", "condition_entrepreneur"),
        (years_before(TODAY, 30), "other", False, "eligible", "condition_other"),
        (years_before(TODAY, 80), "employment", False, "eligible", "senior"),
    ],
)
def test_eligibility(
    birth: dt.date, condition: str, student: bool, outcome: str, code: str
) -> None:
    decision = RULES.eligibility(birth, condition, student=student, today=TODAY)
    assert decision.outcome == outcome
    assert decision.reasons[0].code == code
    assert decision.reasons[0].zh and decision.reasons[0].en


def test_leap_day_birth_turns_16_on_first_of_march() -> None:
    birth = dt.date(2008, 2, 29)
    assert (
        RULES.eligibility(birth, "employment", today=dt.date(2024, 2, 28)).outcome == "not_eligible"
    )
    assert RULES.eligibility(birth, "employment", today=dt.date(2024, 2, 29)).outcome == "eligible"
    # common year 2026: 16 + 2 = 18 reached on 03-01, not on 02-28
    assert clock.age_on(birth, dt.date(2026, 2, 28)) == 17
    assert clock.age_on(birth, dt.date(2026, 3, 1)) == 18


def test_unknown_condition_is_refused() -> None:
    with pytest.raises(ValueError):
        RULES.eligibility(dt.date(1990, 1, 1), "lottery", today=TODAY)


# -- renewal -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("days_left", "outcome"),
    [(16, "too_early"), (15, "renew"), (1, "renew"), (0, "renew"), (-1, "expired")],
)
def test_renewal_window(days_left: int, outcome: str) -> None:
    expires = TODAY + dt.timedelta(days=days_left)
    decision = RULES.renewal("standard", expires, today=TODAY)
    assert decision.outcome == outcome
    assert decision.facts["window_opens"] == expires - dt.timedelta(days=15)
    if outcome == "renew":
        assert decision.facts["new_expiry"] == clock.add_years(expires, 10)
    else:
        assert decision.facts["new_expiry"] is None


def test_guide_example_window_opens_on_twelve_five() -> None:
    assert RULES.renewal_window_opens(dt.date(2026, 12, 20)) == dt.date(2026, 12, 5)
    assert (
        RULES.renewal("standard", dt.date(2026, 12, 20), today=dt.date(2026, 12, 4)).outcome
        == "too_early"
    )
    assert (
        RULES.renewal("standard", dt.date(2026, 12, 20), today=dt.date(2026, 12, 5)).outcome
        == "renew"
    )


def test_expired_permit_is_told_to_apply_anew() -> None:
    decision = RULES.renewal("temporary", TODAY - dt.timedelta(days=1), today=TODAY)
    codes = [r.code for r in decision.reasons]
    assert codes == ["expired", "apply_anew"]


def test_too_early_mentions_employer_renewal() -> None:
    decision = RULES.renewal("standard", TODAY + dt.timedelta(days=40), today=TODAY)
    assert "employer_renewal" in [r.code for r in decision.reasons]


@pytest.mark.parametrize(
    ("expires", "new_expiry"),
    [
        (dt.date(2026, 8, 31), dt.date(2027, 2, 28)),  # month end, common-year February
        (dt.date(2027, 8, 31), dt.date(2028, 2, 29)),  # leap-year February
        (dt.date(2026, 12, 31), dt.date(2027, 6, 30)),  # 31 → 30
        (dt.date(2026, 5, 15), dt.date(2026, 11, 15)),
        (dt.date(2026, 3, 31), dt.date(2026, 9, 30)),
    ],
)
def test_temporary_permit_extends_six_calendar_months(
    expires: dt.date, new_expiry: dt.date
) -> None:
    assert RULES.extended_expiry("temporary", expires) == new_expiry
    assert RULES.renewal("temporary", expires, today=expires).facts["new_expiry"] == new_expiry


def test_standard_permit_from_leap_day_extends_to_february_28() -> None:
    assert RULES.extended_expiry("standard", dt.date(2028, 2, 29)) == dt.date(2038, 2, 28)


# -- transitional rule, materials, rules file ---------------------------------------------


@pytest.mark.parametrize(
    ("valid_until", "today", "outcome"),
    [
        (dt.date(2015, 6, 1), dt.date(2016, 5, 31), "free_exchange"),
        (dt.date(2015, 5, 31), dt.date(2015, 12, 1), "grace_over"),
        (dt.date(2016, 1, 1), dt.date(2016, 6, 1), "grace_over"),
        (dt.date(2016, 1, 1), TODAY, "grace_over"),
    ],
)
def test_transitional_exchange(valid_until: dt.date, today: dt.date, outcome: str) -> None:
    assert RULES.transitional_exchange(valid_until, today=today).outcome == outcome


@pytest.mark.parametrize("service", ["renewal", "replacement", "exchange", "change", "correction"])
def test_every_service_lists_materials(service: str) -> None:
    materials = RULES.materials_for(service)
    assert "id_card" in materials and "form" in materials


def test_office_can_change_the_numbers(tmp_path: Path) -> None:
    from kiosk import resources

    text = resources.path("data", "rules.toml").read_text(encoding="utf-8")
    own = tmp_path / "rules.toml"
    own.write_text(text.replace("window_days = 15", "window_days = 30"), encoding="utf-8")
    rules = RuleBook.load(own)
    assert rules.renewal("standard", TODAY + dt.timedelta(days=30), today=TODAY).outcome == "renew"


def test_broken_rules_file_names_the_key(tmp_path: Path) -> None:
    own = tmp_path / "rules.toml"
    own.write_text("[eligibility]\nmin_age = 16\n", encoding="utf-8")
    with pytest.raises(RulesError, match=r"eligibility\.senior_age"):
        RuleBook.load(own)


def test_rules_use_shenzhen_date_whatever_the_machine_zone() -> None:
    # conftest sets TZ=UTC; between 16:00 and 24:00 UTC Shenzhen is already on the next day
    now_sz = clock.now()
    assert now_sz.utcoffset() == dt.timedelta(hours=8)
    assert clock.today() == now_sz.date()

"""The declaration itself (no Qt): consistent, drawn in docs/journeys.md, rules match triggers."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from kiosk.devices.idcard import samples
from kiosk.domain.application import Permit
from kiosk.domain.rules import RuleBook
from kiosk.workflows import branching, diagram, journeys
from kiosk.workflows.visit import Visit

ROOT = Path(__file__).resolve().parents[2]
RULES = RuleBook.load()  # the shipped rules


@pytest.mark.parametrize("key", sorted(journeys.JOURNEYS))
def test_declaration_is_consistent(key: str) -> None:
    assert journeys.check(journeys.JOURNEYS[key]) == []


def test_a_broken_declaration_is_reported() -> None:
    j = journeys.JOURNEYS["renewal"]
    broken = journeys.Journey(
        "x", j.steps, (*j.transitions, journeys.Transition("phone", "next", "nowhere"))
    )
    assert any("unknown nowhere" in p for p in journeys.check(broken))


def test_every_rule_outcome_is_a_trigger_of_its_step() -> None:
    outcomes = {
        "age_gate": {"adult", "under_age"},
        "renewal_window": {"renew", "too_early", "expired"},
        "exchange_permit": {"valid", "expired"},
        "eligibility": {"eligible", "not_eligible"},
    }
    for journey in journeys.JOURNEYS.values():
        for step in journey.steps:
            if step.rule:
                assert outcomes[step.rule] <= set(journey.triggers_from(step.key)), (
                    journey.key,
                    step.key,
                )


def test_renewal_rule_branches_on_the_date_the_applicant_gave() -> None:
    today = dt.date(2026, 12, 1)
    visit = Visit(card=samples.load("resident"))
    for expires, outcome in (
        (dt.date(2026, 12, 10), "renew"),
        (dt.date(2027, 1, 30), "too_early"),
        (dt.date(2026, 11, 30), "expired"),
    ):
        visit.permit = Permit("standard", "", expires)
        assert branching.decide("renewal_window", visit, RULES, today=today).outcome == outcome
    visit.permit = Permit("standard", "", dt.date(2026, 12, 10))
    branching.decide("renewal_window", visit, RULES, today=today)
    assert visit.new_expiry == dt.date(2036, 12, 10)


def test_age_gate_and_typed_identity() -> None:
    visit = Visit(typed_id_number="430102201505122840")  # born 2015: under 16
    decision = branching.decide("age_gate", visit, RULES, today=dt.date(2026, 1, 1))
    assert decision.outcome == "under_age" and decision.reasons
    visit.typed_id_number = "430102199005122840"
    assert branching.decide("age_gate", visit, RULES, today=dt.date(2026, 1, 1)).outcome == "adult"


def test_wipe_forgets_everything() -> None:
    visit = Visit(card=samples.load("resident"), phone="13800138000", photo_jpeg=b"x", lang="en")
    visit.residence.detail = "somewhere"
    visit.wipe()
    assert visit.is_empty() and visit.lang == "zh"


def test_docs_diagrams_are_current() -> None:
    assert (ROOT / "docs" / "journeys.md").read_text(encoding="utf-8") == diagram.document()

"""The rules that choose a journey's branch: ``rule(visit) -> (outcome, decision)``.

A step of :mod:`kiosk.workflows.journeys` names its rule; the outcome is the trigger the state
machine takes, the :class:`Decision` (zh/en reasons) is what the next screen says in plain words.
All thresholds come from the office's RuleBook (rules.toml), none are here.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from kiosk.domain import clock
from kiosk.domain.messages import Message
from kiosk.domain.rules import Decision, RuleBook
from kiosk.workflows.visit import Visit

Rule = Callable[[Visit, RuleBook, dt.date], Decision]

NO_BIRTH = Message(
    "no_birth_date",
    "无法确定出生日期，请核对身份证号码。",
    "The date of birth is unknown: check the ID number.",
)


def age_gate(visit: Visit, book: RuleBook, today: dt.date) -> Decision:
    """Under the minimum age → the counter (a guardian applies); else carry on."""
    birth = visit.birth_date
    if birth is None:
        return Decision("under_age", (NO_BIRTH,))
    age = clock.age_on(birth, today)
    if age < book.min_age:
        said = book.eligibility(birth, "none", today=today)  # its under-age reason, same words
        return Decision("under_age", said.reasons, said.facts)
    return Decision("adult", (), {"age": age})


def renewal_window(visit: Visit, book: RuleBook, today: dt.date) -> Decision:
    """renew / too_early / expired, from the permit type and the expiry date the applicant gave."""
    if visit.permit.expires is None:
        raise ValueError("the permit's expiry date is not set")
    decision = book.renewal(visit.permit.type, visit.permit.expires, today=today)
    visit.new_expiry = decision.facts.get("new_expiry")
    return decision


def exchange_permit(visit: Visit, book: RuleBook, today: dt.date) -> Decision:
    """An expired permit cannot be exchanged: it must be applied for anew."""
    expires = visit.permit.expires
    if expires is not None and expires < today:
        return Decision(
            "expired",
            (
                Message(
                    "exchange_expired",
                    f"您的居住证已于{expires:%Y年%m月%d日}到期，不能换领，须重新申领。",
                    f"Your permit expired on {expires.isoformat()}: it cannot be exchanged; apply anew.",
                ),
                book.expired_where,
            ),
        )
    return Decision("valid", ())


def eligibility(visit: Visit, book: RuleBook, today: dt.date) -> Decision:
    birth = visit.birth_date
    if birth is None:
        return Decision("not_eligible", (NO_BIRTH,))
    return book.eligibility(birth, visit.condition, student=bool(visit.student), today=today)


RULES: dict[str, Rule] = {
    "age_gate": age_gate,
    "renewal_window": renewal_window,
    "exchange_permit": exchange_permit,
    "eligibility": eligibility,
}


def decide(rule: str, visit: Visit, book: RuleBook, today: dt.date | None = None) -> Decision:
    """Evaluate the named rule for this visit against ``book`` (Shenzhen's today by default)."""
    return RULES[rule](visit, book, today or clock.today())

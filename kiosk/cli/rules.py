"""``kiosk rules ...``: ask the domain rules from the command line."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING, Any

from kiosk.cli._args import add_json, iso_date
from kiosk.cli._output import emit

if TYPE_CHECKING:
    from kiosk.domain.rules import RuleBook


def register(subparsers: Any) -> None:
    rules = subparsers.add_parser("rules", help="ask the residence-permit rules")
    sub = rules.add_subparsers(dest="rules_command", required=True, parser_class=type(rules))

    p = sub.add_parser("id-number", help="validate an 18-character ID number")
    p.add_argument("number")
    p.add_argument("--today", type=iso_date, help="judge the birth date as of this Shenzhen date")
    add_json(p)
    p.set_defaults(handler=_id_number)

    p = sub.add_parser("eligibility", help="办证资格查询: may a permit be issued?")
    p.add_argument("--birth-date", type=iso_date, required=True)
    p.add_argument(
        "--condition",
        required=True,
        choices=("employment", "property", "talent", "entrepreneur", "other", "none"),
    )
    p.add_argument("--student", action="store_true", help="full-time student of a Shenzhen school")
    p.add_argument("--today", type=iso_date, help="evaluate as of this Shenzhen date")
    add_json(p)
    p.set_defaults(handler=_eligibility)

    p = sub.add_parser("renewal", help="延期: is the permit in its renewal window?")
    p.add_argument("--permit", required=True, choices=("standard", "temporary"))
    p.add_argument("--expires", type=iso_date, required=True)
    p.add_argument("--today", type=iso_date, help="evaluate as of this Shenzhen date")
    add_json(p)
    p.set_defaults(handler=_renewal)


def _rulebook() -> RuleBook:
    from kiosk.domain.rules import office_rulebook

    return office_rulebook()


def _id_number(args: argparse.Namespace) -> int:
    from kiosk.domain import idnumber

    check = idnumber.check(args.number, today=args.today)
    if check.valid:
        result = check.as_json()
        text = f"valid: born {check.birth_date}, {check.sex}, region {check.region_code}"
    else:
        assert check.reason is not None
        result = {"valid": False, "reason": check.reason.as_dict()}
        text = f"not valid: {check.reason.zh} / {check.reason.en}"
    emit(result, args.json, text)
    return 0


def _eligibility(args: argparse.Namespace) -> int:
    decision = _rulebook().eligibility(
        args.birth_date, args.condition, student=args.student, today=args.today
    )
    data = {
        "eligible": decision.outcome == "eligible",
        "reasons": decision.reasons_json(),
        "age": decision.facts.get("age"),
    }
    emit(data, args.json, "\n".join([decision.outcome] + [r.zh for r in decision.reasons]))
    return 0


def _renewal(args: argparse.Namespace) -> int:
    decision = _rulebook().renewal(args.permit, args.expires, today=args.today)
    new_expiry = decision.facts["new_expiry"]
    data = {
        "decision": decision.outcome,
        "window_opens": decision.facts["window_opens"].isoformat(),
        "new_expiry": new_expiry.isoformat() if new_expiry else None,
        "reasons": decision.reasons_json(),
    }
    emit(data, args.json, "\n".join([decision.outcome] + [r.zh for r in decision.reasons]))
    return 0

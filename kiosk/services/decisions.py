"""Staff decisions on an application: approve (审核通过), reject with a reason, ask for materials.

A decision changes the row, goes to the hub through the outbox (kind ``decision``) and into the
audit log, all in the caller's one transaction: either all three happen or none does. The audit
text carries the application number and a reason code, never a name, ID number or typed text
(typed reasons may hold personal data; they travel in the sealed outbox payload only).
"""

from __future__ import annotations

import datetime as dt
import tomllib
from dataclasses import dataclass
from functools import cache
from typing import Any, Literal

from sqlalchemy.orm import Session

from kiosk import resources
from kiosk.domain import clock, codes
from kiosk.domain.application import can_move
from kiosk.domain.codes import Label
from kiosk.domain.messages import Message
from kiosk.domain.rules import RuleBook
from kiosk.services.review import get_row
from kiosk.storage import audit
from kiosk.storage.models import ApplicationRow, utcnow
from kiosk.sync.crypto import Recipient

Kind = Literal["approve", "reject", "request_materials"]
_STATUS: dict[str, str] = {
    "approve": "approved",
    "reject": "rejected",
    "request_materials": "materials_requested",
}


class DecisionError(ValueError):
    """A refused decision; ``message`` says why in both languages."""

    def __init__(self, message: Message):
        super().__init__(f"{message.zh} / {message.en}")
        self.message = message


@cache
def _reasons() -> dict[str, Any]:
    with resources.path("data", "review_reasons.toml").open("rb") as fh:
        return tomllib.load(fh)


def reject_reasons() -> list[Label]:
    return [Label(k, v["zh"], v["en"]) for k, v in _reasons()["reject"].items()]


def material_items() -> list[Label]:
    """The service materials from the code tables plus the review-only extras."""
    extra = [Label(k, v["zh"], v["en"]) for k, v in _reasons()["materials"].items()]
    return list(codes.materials().values()) + extra


@dataclass(frozen=True)
class Outcome:
    application_number: str
    status: str
    new_expiry: dt.date | None
    outbox_kind: str
    audit_id: int


def _renewal_expiry(row: ApplicationRow, rules: RuleBook) -> dt.date | None:
    """The new expiry for a renewal, judged on the day it was submitted (the applicant's window)."""
    if row.service != "renewal":
        return None
    permit = (row.form or {}).get("permit") or {}
    expires_text = permit.get("expires")
    kind = permit.get("type") or "standard"
    if not expires_text:
        raise DecisionError(
            Message(
                "no_expiry",
                "延期申请缺少原居住证有效期，无法计算新有效期。",
                "The renewal has no current expiry date, so the new one cannot be computed.",
            )
        )
    expires = dt.date.fromisoformat(expires_text)
    submitted = row.submitted_at or row.created_at
    if submitted.tzinfo is None:
        submitted = submitted.replace(tzinfo=dt.UTC)
    decision = rules.renewal(kind, expires, today=submitted.astimezone(clock.SHENZHEN).date())
    if decision.outcome != "renew":
        reason = decision.reasons[0]
        raise DecisionError(
            Message(
                "renewal_" + decision.outcome,
                "不能批准延期：" + reason.zh,
                "Cannot approve: " + reason.en,
            )
        )
    return rules.extended_expiry(kind, expires)


def decide(
    session: Session,
    actor: str,
    application_id: int,
    kind: Kind,
    reason_code: str | None = None,
    reason_text: str = "",
    materials: list[str] | None = None,
    *,
    rules: RuleBook,
    recipient: Recipient,
) -> Outcome:
    """Record one decision (row + outbox + audit) in the caller's transaction; the caller commits.

    ``rules`` give a renewal's new expiry; the outbox item is sealed to ``recipient`` (the
    enrolled hub, or the demo key: see :func:`kiosk.sync.enrolment.sealed_to`).
    """
    from kiosk.sync import outbox  # import late so CLI start stays light

    row = get_row(session, application_id)
    new_status = _STATUS[kind]
    if not can_move(row.status, new_status):
        raise DecisionError(
            Message(
                "bad_status",
                f"该申请当前状态（{row.status}）不能改为 {new_status}。",
                f"An application that is {row.status} cannot become {new_status}.",
            )
        )
    reason_text = reason_text.strip()
    materials = list(materials or [])
    if kind == "reject":
        known = {r.key for r in reject_reasons()}
        if reason_code not in known:
            raise DecisionError(
                Message("no_reason", "请选择驳回原因。", "Choose a reason for rejecting.")
            )
        if reason_code == "other" and not reason_text:
            raise DecisionError(
                Message("no_text", "请填写驳回原因。", "Type the reason for rejecting.")
            )
    unknown = set(materials) - {m.key for m in material_items()}
    if unknown:
        raise DecisionError(
            Message(
                "unknown_material", "材料项目无效。", f"Unknown material items: {sorted(unknown)}."
            )
        )
    if kind == "request_materials" and not materials and not reason_text:
        raise DecisionError(
            Message(
                "no_materials",
                "请选择或填写需补充的材料。",
                "Choose or type the missing materials.",
            )
        )
    new_expiry = _renewal_expiry(row, rules) if kind == "approve" else None

    row.status = new_status
    row.decided_by = actor
    row.decision_reason = _reason_line(kind, reason_code, reason_text, materials)
    if new_expiry is not None:
        form = dict(row.form or {})
        form["new_expiry"] = new_expiry.isoformat()
        row.form = form
    session.flush()
    entry = audit.append(
        session,
        actor,
        f"review.{kind}",
        subject=row.application_number,
        detail=_audit_detail(reason_code, materials, bool(reason_text)),
    )
    entries, head = audit.head(session)
    payload = {
        "application_uuid": row.uuid,
        "application_number": row.application_number,
        "decision": kind,
        "status": new_status,
        "reason_code": reason_code,
        "reason_text": reason_text,
        "materials": materials,
        "new_expiry": new_expiry.isoformat() if new_expiry else None,
        "decided_by": actor,
        "decided_at": utcnow().isoformat(),
        "audit_head": {"entries": entries, "hash": head},
    }
    outbox.enqueue(session, "decision", payload, application_id=row.id, recipient=recipient)
    return Outcome(row.application_number, new_status, new_expiry, "decision", entry.id)


def _reason_line(kind: str, code: str | None, text: str, materials: list[str]) -> str | None:
    """What the row keeps as ``decision_reason`` (shown to staff, printed on the receipt)."""
    if kind == "approve":
        return None
    parts: list[str] = []
    if kind == "reject" and code and code != "other":
        label = next((r for r in reject_reasons() if r.key == code), None)
        parts.append(label.zh if label else code)
    if materials:
        names = {m.key: m.zh for m in material_items()}
        parts.append("、".join(names.get(m, m) for m in materials))
    if text:
        parts.append(text)
    return ";".join(parts) or None


def _audit_detail(code: str | None, materials: list[str], typed: bool) -> str | None:
    bits = []
    if code:
        bits.append(f"reason={code}")
    if materials:
        bits.append("materials=" + ",".join(materials))
    if typed:
        bits.append("typed_text=yes")
    return " ".join(bits) or None

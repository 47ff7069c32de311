"""What the console keeps of held items: a case per application, help calls, decisions.

Filled in the transaction that accepts an item (:func:`on_ingest`), from the item's sealed
content, which the hub opens there anyway. A case holds no name, ID number, phone or address:
those stay sealed in ``items`` and are opened for the detail page only.

A decision is taken once. The console's and a kiosk's (taken offline, arriving later) are
compared by the moment each was taken: the first stands, and the case keeps a note of the other
(the console shows it as a conflict).
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from sqlalchemy import Connection, Table, bindparam, exists, insert, select
from sqlalchemy.orm import Session

from kiosk_hub.models import Case, ConsoleAudit, HubHelpCall, KioskReport, utcnow

SHENZHEN = dt.timezone(dt.timedelta(hours=8), "Asia/Shanghai")
DECISIONS = {
    "approve": "approved",
    "reject": "rejected",
    "request_materials": "materials_requested",
}
TOKEN = re.compile(r"[A-Za-z0-9_-]{22,64}")  # >= 128 bits of urlsafe base64
CASES: Table = Case.__table__  # type: ignore[assignment]


def shenzhen_day(moment: dt.datetime | None = None) -> dt.date:
    return aware(moment or utcnow()).astimezone(SHENZHEN).date()


def aware(moment: dt.datetime) -> dt.datetime:
    """SQLite gives stored UTC times back without their zone."""
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)


def _when(text: Any, default: dt.datetime) -> dt.datetime:
    try:
        return aware(dt.datetime.fromisoformat(str(text)))
    except (TypeError, ValueError):
        return default


def audit(session: Session, actor: str, action: str, subject: str, detail: str = "") -> None:
    session.add(
        ConsoleAudit(actor=actor[:64], action=action[:32], subject=subject[:64], detail=detail)
    )


def on_ingest(
    connection: Connection, item_uuid: str, kind: str, kiosk_id: str, data: dict[str, Any]
) -> None:
    """Index one newly held item (called inside the transaction that holds it)."""
    now = utcnow()
    if kind == "application":
        _add_case(connection, item_uuid, kiosk_id, data, now)  # Core only: the busy path
    head = data.get("audit_head") if kind != "audit_head" else data
    if kind not in ("help_call", "decision") and not isinstance(head, dict):
        return
    with Session(bind=connection) as session:  # the rarer kinds through the ORM, same transaction
        if kind == "help_call":
            _help_event(session, kiosk_id, data, now)
        elif kind == "decision":
            _kiosk_decision(session, data, now)
        if isinstance(head, dict):
            _audit_head(session, kiosk_id, head, now)
        session.flush()


def _add_case(
    connection: Connection, item_uuid: str, kiosk_id: str, data: dict[str, Any], now: dt.datetime
) -> None:
    """The case of a newly held application, keyed by the item's uuid (a kiosk seals an
    application under its own uuid). A case already there (its item was lost and is sent again
    after a reconcile) stays as it is, decision and all: the first stands. A Core statement, not
    an ORM merge (a SELECT first), on the path every accepted application takes."""
    submitted = _when(data.get("submitted_at"), now)
    token = data.get("progress_token")
    values = dict(
        uuid=item_uuid,
        kiosk_id=kiosk_id,
        point=str(data.get("acceptance_point") or "")[:8],
        application_number=str(data.get("application_number") or "")[:40],
        queue_number=str(data.get("queue_number") or "")[:32],
        queue_day=shenzhen_day(submitted),
        service=str(data.get("service") or "")[:16],
        submitted_at=submitted,
        status="submitted",
        progress_token=token if isinstance(token, str) and TOKEN.fullmatch(token) else None,
        updated_at=now,
    )
    connection.execute(ADD_CASE, values)


# INSERT ... SELECT ... WHERE NOT EXISTS, built once (ON CONFLICT would be compiled anew for
# every application). No race: a second copy of the item waits on the item's primary key in its
# own transaction, then fails there.
_CASE_COLUMNS = (
    "uuid",
    "kiosk_id",
    "point",
    "application_number",
    "queue_number",
    "queue_day",
    "service",
    "submitted_at",
    "status",
    "progress_token",
    "updated_at",
)
ADD_CASE = insert(CASES).from_select(
    list(_CASE_COLUMNS),
    select(*(bindparam(name, type_=CASES.c[name].type) for name in _CASE_COLUMNS)).where(
        ~exists().where(CASES.c.uuid == bindparam("uuid", type_=CASES.c.uuid.type))
    ),
)


def _help_event(session: Session, kiosk_id: str, data: dict[str, Any], now: dt.datetime) -> None:
    call_uuid = str(data.get("call_uuid") or "")[:36]
    call = session.get(HubHelpCall, call_uuid)
    if data.get("action") in ("cancel", "close"):  # the applicant cancelled; staff came
        if call is not None and call.state == "open":
            cancelled = data.get("action") == "cancel"
            call.state = "cancelled" if cancelled else "acknowledged"
            call.closed_at, call.closed_by = now, "applicant" if cancelled else "kiosk staff"
        return
    if call is None:
        session.add(
            HubHelpCall(
                uuid=call_uuid,
                kiosk_id=kiosk_id,
                point=str(data.get("point") or "")[:8],
                screen=str(data.get("screen") or "")[:64],
                raised_at=_when(data.get("at"), now),
                state="open",
            )
        )


def _kiosk_decision(session: Session, data: dict[str, Any], now: dt.datetime) -> None:
    case = session.get(Case, str(data.get("application_uuid") or ""))
    decision = str(data.get("decision") or "")
    if case is None or decision not in DECISIONS:
        return
    taken = _when(data.get("decided_at"), now)
    by = f"kiosk:{str(data.get('decided_by') or '')[:40]}"
    reason = str(data.get("reason_code") or "") or None
    if case.decision is None:
        _set_decision(case, decision, reason, taken, by, "kiosk")
    elif case.decided_via == "console" and case.decision is not None:
        earlier = taken < aware(case.decided_at or now)
        other = f"{by} {decision} {taken.isoformat(timespec='seconds')}"
        mine = f"{case.decided_by} {case.decision} {aware(case.decided_at or now).isoformat(timespec='seconds')}"
        if earlier:  # the kiosk decided first (offline): its decision stands
            _set_decision(case, decision, reason, taken, by, "kiosk")
            case.conflict = f"kept {other}; later console decision not applied: {mine}"
        else:
            case.conflict = f"kept {mine}; later kiosk decision not applied: {other}"
        audit(session, "hub", "decision.conflict", case.application_number, case.conflict)
    case.updated_at = now


def _set_decision(
    case: Case, decision: str, reason: str | None, at: dt.datetime, by: str, via: str
) -> None:
    case.decision, case.status = decision, DECISIONS[decision]
    case.decision_reason, case.decided_at, case.decided_by, case.decided_via = reason, at, by, via


def _audit_head(session: Session, kiosk_id: str, head: dict[str, Any], now: dt.datetime) -> None:
    report = session.get(KioskReport, kiosk_id)
    value = str(head.get("hash") or "")[:64] or None
    if report is None:
        session.add(
            KioskReport(kiosk_id=kiosk_id, reported_at=now, report={}, audit_head_received=value)
        )
    else:
        report.audit_head_received = value


class DecisionRefused(ValueError):
    pass


def decide_on_console(session: Session, case: Case, decision: str, reason: str, actor: str) -> None:
    """A console decision; refused when one was already taken (the first one stands)."""
    if decision not in DECISIONS:
        raise DecisionRefused("unknown decision")
    if decision != "approve" and not reason.strip():
        raise DecisionRefused("reason")
    if case.decision is not None:
        raise DecisionRefused("decided")
    now = utcnow()
    _set_decision(case, decision, reason.strip()[:500] or None, now, actor, "console")
    case.updated_at = now
    # the reason may hold typed personal data: the audit keeps the kind only
    audit(session, actor, f"review.{decision}", case.application_number)


def console_decisions(
    connection: Connection, kiosk_id: str, since: dt.datetime
) -> list[dict[str, Any]]:
    """Console decisions on this kiosk's applications since ``since`` (the kiosk's cursor)."""
    rows = connection.execute(DECIDED_SINCE, {"kiosk": kiosk_id, "since": since})
    return [
        {
            "application_uuid": c.uuid,
            "application_number": c.application_number,
            "decision": c.decision,
            "status": c.status,
            "reason": c.decision_reason,
            "decided_by": c.decided_by,
            "decided_at": aware(c.decided_at).isoformat() if c.decided_at else None,
        }
        for c in rows
    ]


# asked on every kiosk's inbox call; ix_cases_kiosk_updated keeps it to the rows it returns
DECIDED_SINCE = select(
    CASES.c.uuid,
    CASES.c.application_number,
    CASES.c.decision,
    CASES.c.status,
    CASES.c.decision_reason,
    CASES.c.decided_by,
    CASES.c.decided_at,
).where(
    CASES.c.kiosk_id == bindparam("kiosk"),
    CASES.c.updated_at > bindparam("since", type_=CASES.c.updated_at.type),
    CASES.c.decided_via == "console",
)

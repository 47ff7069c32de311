"""Counter tools for staff: applicants' help calls, leaving the kiosk, audited print requests.

Printing itself belongs to kiosk.documents / kiosk.devices.printers; this module only records
who asked for which document, so every reprint is in the audit log.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Literal

from sqlalchemy import select
from sqlalchemy.orm import Session

from kiosk.storage import audit
from kiosk.storage.models import HelpCall, utcnow

LeaveKind = Literal["exit", "restart", "shutdown"]
DOCUMENTS: tuple[str, ...] = ("receipt", "form", "slip")


@dataclass(frozen=True)
class Call:
    id: int
    at: dt.datetime
    screen: str
    resolved_at: dt.datetime | None
    resolved_by: str | None


def _aware(moment: dt.datetime | None) -> dt.datetime | None:
    if moment is not None and moment.tzinfo is None:
        return moment.replace(tzinfo=dt.UTC)
    return moment


def help_calls(session: Session, open_only: bool = True, limit: int = 100) -> list[Call]:
    query = select(HelpCall).order_by(HelpCall.id.desc()).limit(limit)
    if open_only:
        query = query.where(HelpCall.resolved_at.is_(None))
    return [
        Call(c.id, _aware(c.at) or utcnow(), c.screen, _aware(c.resolved_at), c.resolved_by)
        for c in session.execute(query).scalars()
    ]


def raise_help_call(session: Session, screen: str) -> int:
    """What the applicant UI calls when the help button is pressed (screen name only)."""
    call = HelpCall(screen=screen[:64])
    session.add(call)
    session.flush()
    audit.append(
        session, "applicant", "help.call", subject=f"help:{call.id}", detail=f"screen={screen[:64]}"
    )
    return call.id


def resolve_help_call(session: Session, actor: str, call_id: int) -> None:
    call = session.get(HelpCall, call_id)
    if call is None:
        raise LookupError(f"help call {call_id} not found")
    if call.resolved_at is None:
        call.resolved_at = utcnow()
        call.resolved_by = actor
        audit.append(session, actor, "help.resolved", subject=f"help:{call_id}")


def record_print(
    session: Session, actor: str, document: str, application_number: str, reprint: bool
) -> None:
    """Audit a print request made from supervisor mode (``receipt`` = the official 受理回执)."""
    if document not in DOCUMENTS:
        raise ValueError(f"unknown document {document!r}")
    action = f"print.{document}" + (".reprint" if reprint else "")
    audit.append(session, actor, action, subject=application_number)


def record_leave(session: Session, actor: str, kind: LeaveKind) -> None:
    """Exit, restart or shut down: only from supervisor mode, always audited."""
    audit.append(session, actor, f"kiosk.{kind}")

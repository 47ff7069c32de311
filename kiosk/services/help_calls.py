"""Applicants' help calls: raised from the help button, listed and resolved at the counter."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from kiosk.storage import audit
from kiosk.storage.models import HelpCall, utcnow


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


def call_for_help(factory: sessionmaker[Session], screen: str) -> int:
    """The help button: store and audit the call in its own transaction; return its id."""
    with factory.begin() as session:
        return raise_help_call(session, screen)


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

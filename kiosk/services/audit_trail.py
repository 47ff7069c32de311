"""Reading the audit log for staff, checking its chain, and sending its head to the hub.

The chain (kiosk.storage.audit) catches an edited, deleted or reordered entry locally; cutting
off the newest entries leaves a valid shorter chain, which only the hub can catch by comparing
against the last head it received. So the head travels through the outbox (kind ``audit_head``).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from kiosk.storage import audit
from kiosk.storage.models import AuditEvent, utcnow
from kiosk.sync.crypto import Recipient


@dataclass(frozen=True)
class Entry:
    id: int
    at: dt.datetime
    actor: str
    action: str
    subject: str
    detail: str


def recent(
    session: Session, limit: int = 200, offset: int = 0, action_prefix: str = ""
) -> list[Entry]:
    """Newest first; ``action_prefix`` filters (``review.``, ``login``, ``settings``...)."""
    query = select(AuditEvent).order_by(AuditEvent.id.desc()).limit(limit).offset(offset)
    if action_prefix:
        query = query.where(AuditEvent.action.startswith(action_prefix))
    out = []
    for event in session.execute(query).scalars():
        at = event.at if event.at.tzinfo else event.at.replace(tzinfo=dt.UTC)
        out.append(
            Entry(event.id, at, event.actor, event.action, event.subject or "", event.detail or "")
        )
    return out


def count(session: Session) -> int:
    return int(session.execute(select(func.count()).select_from(AuditEvent)).scalar_one())


def verify(session: Session) -> audit.Verification:
    return audit.verify(session)


def head(session: Session) -> tuple[int, str]:
    """(entry count, newest hash): what the hub is told about the chain."""
    return audit.head(session)


def push_head(
    session: Session, recipient: Recipient, actor: str = "system:audit"
) -> dict[str, object]:
    """Queue the chain head for the hub (in the caller's transaction) and return the payload."""
    from kiosk.sync import outbox

    entries, head = audit.head(session)
    payload: dict[str, object] = {
        "entries": entries,
        "hash": head,
        "at": utcnow().isoformat(),
        "by": actor,
    }
    outbox.enqueue(session, "audit_head", payload, recipient=recipient)
    return payload

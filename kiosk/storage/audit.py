"""The audit log: every staff action and every submission, hash-chained.

Each entry's hash covers the previous entry's hash and the entry's own canonical content, so an
edited, deleted or reordered row breaks the chain at that row. Entry text never holds personal
data: subjects are application numbers or usernames, never names or ID numbers.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from kiosk.storage.models import AuditEvent, utcnow

GENESIS = "0" * 64


def _canonical(event: AuditEvent) -> bytes:
    at = event.at if event.at.tzinfo else event.at.replace(tzinfo=dt.UTC)
    return json.dumps(
        {
            "id": event.id,
            "at": at.astimezone(dt.UTC).isoformat(),
            "actor": event.actor,
            "action": event.action,
            "subject": event.subject,
            "detail": event.detail,
        },
        ensure_ascii=False,
        sort_keys=True,
    ).encode("utf-8")


def entry_hash(prev_hash: str, event: AuditEvent) -> str:
    return hashlib.sha256(prev_hash.encode("ascii") + _canonical(event)).hexdigest()


def append(
    session: Session, actor: str, action: str, subject: str | None = None, detail: str | None = None
) -> AuditEvent:
    """Add an entry inside the caller's transaction (SQLite serialises writers, so the chain holds)."""
    last = session.execute(
        select(AuditEvent).order_by(AuditEvent.id.desc()).limit(1)
    ).scalar_one_or_none()
    prev = last.hash if last else GENESIS
    event = AuditEvent(
        id=(last.id + 1) if last else 1,
        at=utcnow().replace(microsecond=0),
        actor=actor,
        action=action,
        subject=subject,
        detail=detail,
        prev_hash=prev,
        hash="",
    )
    event.hash = entry_hash(prev, event)
    session.add(event)
    session.flush()
    return event


@dataclass(frozen=True)
class Verification:
    ok: bool
    entries: int
    first_bad: int | None
    head: str

    def as_json(self) -> dict[str, object]:
        return {"ok": self.ok, "entries": self.entries, "first_bad": self.first_bad}


def verify(session: Session) -> Verification:
    """Walk the chain in id order; the first entry whose links or hash do not hold is ``first_bad``."""
    prev = GENESIS
    count = 0
    expected_id = 1
    for event in session.execute(select(AuditEvent).order_by(AuditEvent.id)).scalars():
        count += 1
        if (
            event.id != expected_id
            or event.prev_hash != prev
            or entry_hash(prev, event) != event.hash
        ):
            return Verification(False, count, event.id, prev)
        prev = event.hash
        expected_id += 1
    return Verification(True, count, None, prev)


def head(session: Session) -> tuple[int, str]:
    """(number of entries, newest hash): what goes to the hub so truncation is caught there."""
    last = session.execute(
        select(AuditEvent).order_by(AuditEvent.id.desc()).limit(1)
    ).scalar_one_or_none()
    return (last.id, last.hash) if last else (0, GENESIS)

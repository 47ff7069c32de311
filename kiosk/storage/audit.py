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
from typing import Any

from sqlalchemy import String, select, type_coerce
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


def _raw_rows(session: Session) -> Any:
    """Rows as stored, every column as text: a value the ORM cannot even parse (a garbled
    timestamp) must become a broken entry, not an exception."""
    table = AuditEvent.__table__
    columns = [type_coerce(table.c[name], String) for name in _COLUMNS]
    return session.execute(select(table.c.id, *columns).order_by(table.c.id))


_COLUMNS = ("at", "actor", "action", "subject", "detail", "prev_hash", "hash")


def _event(row: Any) -> AuditEvent:
    at = dt.datetime.fromisoformat(str(row.at))  # ValueError/TypeError: the entry is broken
    fields = {name: getattr(row, name) for name in _COLUMNS[1:]}
    for name, value in fields.items():
        if value is not None and not isinstance(value, str):
            raise TypeError(f"{name} is not text")
    return AuditEvent(id=row.id, at=at, **fields)


def verify(session: Session) -> Verification:
    """Walk the chain in id order; the first entry whose links or hash do not hold — or that
    cannot be read at all — is ``first_bad``. Never raises on a damaged row."""
    prev = GENESIS
    count = 0
    expected_id = 1
    for row in _raw_rows(session):
        count += 1
        try:
            event = _event(row)
            intact = (
                event.id == expected_id
                and event.prev_hash == prev
                and entry_hash(prev, event) == event.hash
            )
        except (ValueError, TypeError, OverflowError):
            intact = False
        if not intact:
            return Verification(False, count, row.id, prev)
        prev = row.hash
        expected_id += 1
    return Verification(True, count, None, prev)


def head(session: Session) -> tuple[int, str]:
    """(number of entries, newest hash): what goes to the hub so truncation is caught there."""
    table = AuditEvent.__table__
    last = session.execute(
        select(table.c.id, table.c.hash).order_by(table.c.id.desc()).limit(1)
    ).one_or_none()
    return (int(last.id), str(last.hash)) if last else (0, GENESIS)

"""The transactional outbox: what must reach the hub, written in the caller's transaction.

States: ``pending`` → ``sending`` (claimed under a lease by one worker) → ``acknowledged``, or
``quarantined`` with the hub's reason. A worker that dies leaves its items ``sending``; they are
taken back when the lease runs out, or at once when the owning process is gone. Demo items
(sealed to the shipped demo key) are never claimed.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import socket
import uuid as uuidlib
from dataclasses import dataclass
from typing import Any

from sqlalchemy import and_, func, or_, select, update
from sqlalchemy.orm import Session, sessionmaker

from kiosk.storage.models import OutboxEntry, utcnow
from kiosk.sync import crypto

KINDS = ("application", "decision", "print", "audit_head", "help_call")
STATES = ("pending", "sending", "acknowledged", "quarantined")


def enqueue(
    session: Session,
    kind: str,
    payload: dict[str, Any],
    *,
    application_id: int | None = None,
    attachments: dict[str, bytes] | None = None,
    item_uuid: str | None = None,
    recipient: crypto.Recipient,
) -> OutboxEntry:
    """Seal ``payload`` (+ attachments) to ``recipient`` and add the entry to ``session`` (the
    caller commits). A demo recipient marks the entry demo: it is never sent.
    """
    if kind not in KINDS:
        raise ValueError(f"unknown outbox kind {kind!r}")
    item_uuid = item_uuid or str(uuidlib.uuid4())
    attachments = dict(attachments or {})
    document = {
        "uuid": item_uuid,
        "kind": kind,
        "created_at": utcnow().isoformat(),
        "data": payload,
        "attachments": {name: crypto.sha256(blob) for name, blob in attachments.items()},
    }
    parts = {"payload": json.dumps(document, ensure_ascii=False, sort_keys=True).encode("utf-8")}
    parts.update(attachments)
    sealed = crypto.seal(recipient, item_uuid, kind, parts)
    entry = OutboxEntry(
        uuid=item_uuid,
        kind=kind,
        application_id=application_id,
        content_hash=crypto.sha256(sealed),
        sealed=sealed,
        demo=recipient.demo,
        state="pending",
        attempts=0,
    )
    session.add(entry)
    session.flush()
    return entry


def new_owner() -> str:
    return f"{socket.gethostname()[:30]}:{os.getpid()}:{uuidlib.uuid4().hex[:8]}"


def _owner_alive(owner: str) -> bool:
    host, _, rest = owner.partition(":")
    if host != socket.gethostname()[:30]:
        return True  # another machine's worker (a copied database): trust its lease
    try:
        pid = int(rest.split(":", 1)[0])
        os.kill(pid, 0)
    except (ValueError, ProcessLookupError):
        return False
    except PermissionError:
        return True
    return True


@dataclass(frozen=True)
class Claimed:
    id: int
    uuid: str
    kind: str
    content_hash: str
    sealed: bytes
    attempts: int


def reclaim_orphans(factory: sessionmaker[Session]) -> int:
    """Put back items held by a worker process that no longer exists; return how many."""
    with factory.begin() as session:
        rows = session.execute(
            select(OutboxEntry.id, OutboxEntry.lease_owner).where(OutboxEntry.state == "sending")
        ).all()
        dead = [row.id for row in rows if not row.lease_owner or not _owner_alive(row.lease_owner)]
        if dead:
            session.execute(
                update(OutboxEntry)
                .where(OutboxEntry.id.in_(dead), OutboxEntry.state == "sending")
                .values(state="pending", lease_owner=None, lease_until=None, next_attempt_at=None)
            )
        return len(dead)


def claim(
    factory: sessionmaker[Session],
    owner: str,
    *,
    limit: int,
    lease_seconds: float,
    ignore_backoff: bool = False,
) -> list[Claimed]:
    """Lease up to ``limit`` sendable items to ``owner`` in one atomic UPDATE."""
    now = utcnow()
    due = OutboxEntry.state == "pending"
    if not ignore_backoff:
        due = and_(
            due, or_(OutboxEntry.next_attempt_at.is_(None), OutboxEntry.next_attempt_at <= now)
        )
    expired = and_(OutboxEntry.state == "sending", OutboxEntry.lease_until < now)
    pick = (
        select(OutboxEntry.id)
        .where(OutboxEntry.demo.is_(False), or_(due, expired))
        .order_by(OutboxEntry.id)
        .limit(limit)
        .scalar_subquery()
    )
    with factory.begin() as session:
        session.execute(
            update(OutboxEntry)
            .where(OutboxEntry.id.in_(pick))
            .values(
                state="sending",
                lease_owner=owner,
                lease_until=now + dt.timedelta(seconds=lease_seconds),
                attempts=OutboxEntry.attempts + 1,
            )
            .execution_options(synchronize_session=False)
        )
        rows = session.execute(
            select(OutboxEntry)
            .where(OutboxEntry.lease_owner == owner, OutboxEntry.state == "sending")
            .order_by(OutboxEntry.id)
        ).scalars()
        return [Claimed(r.id, r.uuid, r.kind, r.content_hash, r.sealed, r.attempts) for r in rows]


def acknowledge(session: Session, item_uuid: str, content_hash: str) -> bool:
    """The hub holds this exact item: mark it (whoever holds the lease). False if unknown."""
    result = session.execute(
        update(OutboxEntry)
        .where(OutboxEntry.uuid == item_uuid, OutboxEntry.content_hash == content_hash)
        .where(OutboxEntry.state != "acknowledged")
        .values(
            state="acknowledged",
            acknowledged_at=utcnow(),
            lease_owner=None,
            lease_until=None,
            last_error=None,
        )
        .execution_options(synchronize_session=False)
    )
    return bool(result.rowcount)  # type: ignore[attr-defined]


def release(
    session: Session, item_id: int, owner: str, error: str | None, retry_at: dt.datetime | None
) -> None:
    """Give an item back to the queue (only if this owner still holds it)."""
    session.execute(
        update(OutboxEntry)
        .where(OutboxEntry.id == item_id, OutboxEntry.lease_owner == owner)
        .where(OutboxEntry.state == "sending")
        .values(
            state="pending",
            lease_owner=None,
            lease_until=None,
            last_error=error,
            next_attempt_at=retry_at,
        )
        .execution_options(synchronize_session=False)
    )


def quarantine(session: Session, item_id: int, reason: str) -> None:
    """The hub refused this item for good: set it aside with the reason, keep the others moving."""
    session.execute(
        update(OutboxEntry)
        .where(OutboxEntry.id == item_id, OutboxEntry.state != "acknowledged")
        .values(state="quarantined", lease_owner=None, lease_until=None, last_error=reason[:2000])
        .execution_options(synchronize_session=False)
    )


def requeue(session: Session, item_uuid: str) -> bool:
    """Supervisor: try a quarantined (or hub-lost) item again."""
    result = session.execute(
        update(OutboxEntry)
        .where(OutboxEntry.uuid == item_uuid, OutboxEntry.demo.is_(False))
        .values(state="pending", next_attempt_at=None, lease_owner=None, lease_until=None)
        .execution_options(synchronize_session=False)
    )
    return bool(result.rowcount)  # type: ignore[attr-defined]


def counts(session: Session) -> dict[str, Any]:
    """Per-state counts of items meant for the hub, the demo items apart; oldest unsent item."""
    rows = session.execute(
        select(OutboxEntry.state, OutboxEntry.demo, func.count()).group_by(
            OutboxEntry.state, OutboxEntry.demo
        )
    ).all()
    out: dict[str, Any] = dict.fromkeys(STATES, 0)
    out["demo"] = 0
    for state, demo, n in rows:
        if demo:
            out["demo"] += n
        else:
            out[state] += n
    out["pending"] += out.pop("sending")
    out["oldest_pending"] = session.execute(
        select(func.min(OutboxEntry.created_at)).where(
            OutboxEntry.demo.is_(False), OutboxEntry.state.in_(("pending", "sending"))
        )
    ).scalar()
    out["last_success"] = _iso(
        session.execute(select(func.max(OutboxEntry.acknowledged_at))).scalar()
    )
    out["oldest_pending"] = _iso(out["oldest_pending"])
    return out


def _iso(moment: dt.datetime | None) -> str | None:
    """UTC ISO text (SQLite hands stored UTC times back without their zone)."""
    if moment is None:
        return None
    return (
        (moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)).astimezone(dt.UTC).isoformat()
    )


def quarantined(session: Session) -> list[dict[str, Any]]:
    """Items the hub refused, with its reason (no personal data: ids and kinds only)."""
    rows = session.execute(
        select(OutboxEntry).where(OutboxEntry.state == "quarantined").order_by(OutboxEntry.id)
    ).scalars()
    return [
        {
            "uuid": r.uuid,
            "kind": r.kind,
            "application_id": r.application_id,
            "reason": r.last_error,
            "created_at": _iso(r.created_at),
            "attempts": r.attempts,
        }
        for r in rows
    ]

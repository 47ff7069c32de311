"""Applicants' help calls: raised from the help button, sent to the counter console at once when
the hub answers (else queued in the outbox like everything else), listed and resolved at the
counter, cancelable by the applicant.

What goes to the hub is a signed, sealed ``help_call`` item holding the kiosk id, the point, the
screen name and the time: never anything about the applicant. The call's uuid is derived from its
row (id and time), so the row needs no new column and the hub's acknowledgement finds it.
"""

from __future__ import annotations

import datetime as dt
import threading
import uuid as uuidlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from kiosk.config import Config
from kiosk.storage import audit
from kiosk.storage.models import HelpCall, OutboxEntry, utcnow
from kiosk.sync import enrolment, outbox
from kiosk.sync.enrolment import Enrolment

# this module's own writes from the kiosk's worker threads go one at a time: each appends to the
# audit chain, and two appends racing for the same predecessor would fork it
_writing = threading.RLock()
_NAMESPACE = uuidlib.UUID("6f1c2a4e-3b7d-4c5a-9e8f-0a1b2c3d4e5f")
# where a raised call stands, as the overlay says it: sent to the counter, waiting in the outbox
# (no hub answering, or none enrolled), or seen by staff at the counter
State = Literal["sent", "queued", "acknowledged", "cancelled"]


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


def call_uuid(call_id: int, at: dt.datetime) -> str:
    return str(uuidlib.uuid5(_NAMESPACE, f"help-call:{call_id}:{(_aware(at) or at).isoformat()}"))


def call_for_help(factory: sessionmaker[Session], screen: str) -> int:
    """The help button: store and audit the call in its own transaction; return its id."""
    with factory.begin() as session:
        return raise_help_call(session, screen)


def raise_help_call(session: Session, screen: str) -> int:
    """What the applicant UI calls when the help button is pressed (screen name only)."""
    call = HelpCall(screen=screen[:64], at=utcnow())
    session.add(call)
    session.flush()
    audit.append(
        session, "applicant", "help.call", subject=f"help:{call.id}", detail=f"screen={screen[:64]}"
    )
    return call.id


def resolve_help_call(session: Session, actor: str, call_id: int) -> str | None:
    """Close a call here; when the hub got it, queue the news for the counter console too (the
    uuid of that outbox item, else None). ``counter``: the console closed it already."""
    call = session.get(HelpCall, call_id)
    if call is None:
        raise LookupError(f"help call {call_id} not found")
    if call.resolved_at is not None:
        return None
    call.resolved_at = utcnow()
    call.resolved_by = actor
    audit.append(session, actor, "help.resolved", subject=f"help:{call_id}")
    return None if actor == "counter" else _tell_counter(session, call, actor)


def _tell_counter(session: Session, call: HelpCall, actor: str) -> str | None:
    raised = call_uuid(call.id, call.at)
    sent = session.execute(
        select(OutboxEntry.id).where(OutboxEntry.uuid == raised, OutboxEntry.demo.is_(False))
    ).first()
    enrolled = enrolment.load() if sent is not None else None
    if enrolled is None:  # never meant for a hub (demo, or raised before enrolment)
        return None
    event = str(uuidlib.uuid4())
    payload = {
        "call_uuid": raised,
        "action": "cancel" if actor == "applicant" else "close",
        "kiosk_id": enrolled.kiosk_id,
        "by": actor.split(":", 1)[0],  # applicant | staff: who, not which person
        "at": utcnow().isoformat(),
    }
    outbox.enqueue(
        session, "help_call", payload, item_uuid=event, recipient=enrolment.sealed_to(enrolled)
    )
    return event


@dataclass(frozen=True)
class Raised:
    id: int
    uuid: str
    state: State


class HelpDesk:
    """The help button's work, all blocking (run it off the GUI thread): raise a call and send it
    at once, ask the hub whether staff have seen it, cancel it.

    ``enrolled`` is asked each time (an administrator may enrol while the kiosk runs); without an
    enrolment (demo) nothing is sent and the overlay says to go to the counter.
    """

    def __init__(
        self,
        factory: sessionmaker[Session],
        config: Config,
        enrolled: Callable[[], Enrolment | None],
    ):
        self.factory, self.config, self.enrolled = factory, config, enrolled

    def raise_call(self, screen: str) -> Raised:
        enrolled = self.enrolled()
        with _writing, self.factory.begin() as session:
            call_id = raise_help_call(session, screen)
            call = session.get(HelpCall, call_id)
            assert call is not None
            item = call_uuid(call_id, call.at)
            self._queue(session, enrolled, item, screen=screen[:64], at=call.at)
        return Raised(call_id, item, "sent" if self._send(enrolled, item) else "queued")

    def cancel(self, raised: Raised) -> None:
        """The applicant no longer needs help: closed here, and at the counter."""
        with _writing, self.factory.begin() as session:
            event = resolve_help_call(session, "applicant", raised.id)
        if event is not None:
            self._send(self.enrolled(), event)

    def state(self, raised: Raised) -> State:
        """Ask the hub (one signed call); ``queued`` while it cannot be asked or has not got it."""
        enrolled = self.enrolled()
        if enrolled is None:
            return "queued"
        from kiosk.sync import inbox
        from kiosk.sync.client import HubClient

        if not self._send(enrolled, raised.uuid):
            return "queued"
        try:
            with HubClient(enrolled, self.config) as client:
                answer = inbox.pull(self.factory, client, [raised.uuid])
        except Exception:  # unreachable, or an answer the hub did not sign: as offline
            return "queued"
        seen = answer.calls.get(raised.uuid)
        if seen == "acknowledged":
            close_call(self.factory, "counter", raised.id)
            return "acknowledged"
        return "cancelled" if seen == "cancelled" else "sent"

    def _queue(
        self,
        session: Session,
        enrolled: Enrolment | None,
        item: str,
        *,
        screen: str,
        at: dt.datetime,
    ) -> None:
        """The raised call as an outbox item (closing it is :func:`resolve_help_call`'s)."""
        payload = {
            "call_uuid": item,
            "action": "raise",
            "kiosk_id": enrolment.kiosk_id(self.config, enrolled),
            "point": str(self.config["point.code"]),
            "screen": screen,
            "at": (_aware(at) or at).isoformat(),
        }
        outbox.enqueue(
            session, "help_call", payload, item_uuid=item, recipient=enrolment.sealed_to(enrolled)
        )

    def _send(self, enrolled: Enrolment | None, item: str) -> bool:
        """Send one queued item now; True when the hub holds it (then it leaves the outbox)."""
        if enrolled is None:
            return False
        from kiosk.sync.client import HubClient

        with self.factory() as session:
            entry = session.execute(
                select(OutboxEntry).where(OutboxEntry.uuid == item)
            ).scalar_one_or_none()
            if entry is None:
                return False
            if entry.state == "acknowledged":
                return True
            sealed, content_hash = entry.sealed, entry.content_hash
        try:
            with HubClient(enrolled, self.config) as client:
                sent = client.put_item(item, content_hash, sealed)
        except Exception:  # the worker sends it later
            return False
        if sent.outcome != "held":
            return False
        with self.factory.begin() as session:
            outbox.acknowledge(session, item, content_hash)
        return True


def record_assist(factory: sessionmaker[Session], entries: list[tuple[str, str, str]]) -> None:
    """Staff at the kiosk on top of a visit (the assist view): what they did, audited in order;
    each entry is (actor, action, detail), ``detail`` naming a field or a step, never a value
    the applicant typed."""
    with _writing, factory.begin() as session:
        for actor, action, detail in entries:
            audit.append(session, actor, f"assist.{action}", subject="assist", detail=detail[:200])


def close_call(factory: sessionmaker[Session], actor: str, call_id: int) -> str | None:
    """Resolve a call in its own transaction (staff came to the kiosk, or the counter saw it);
    the outbox item that tells the counter console, if any (the sync worker sends it)."""
    with _writing, factory.begin() as session:
        return resolve_help_call(session, actor, call_id)

"""What staff do about sending to the hub: look at the queue, send now, retry a refused item,
enrol the kiosk. Each staff action is audited in the same transaction as its effect.

The sending itself is :class:`kiosk.sync.worker.SyncWorker`; this module only records who asked.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session, sessionmaker

from kiosk.config import Config
from kiosk.storage import audit
from kiosk.sync import enrolment, inbox, outbox
from kiosk.sync.enrolment import Enrolment


@dataclass(frozen=True)
class Overview:
    counts: dict[str, Any]  # per state, demo apart, last success, oldest pending
    quarantined: list[dict[str, Any]]  # ids, kinds and the hub's reasons: no personal data


def overview(session_factory: sessionmaker[Session]) -> Overview:
    with session_factory() as session:
        return Overview(outbox.counts(session), outbox.quarantined(session))


def note_device(**states: str | bool) -> None:
    """What a device last showed (``reader="ok"``, ``camera="failed"``), for the hub's fleet view.

    Only state codes go up, never what the device read; the worker sends them on its next contact.
    """
    inbox.note_devices(**states)


def send_now(session_factory: sessionmaker[Session], actor: str, send: Callable[[], None]) -> None:
    """Staff's "send now": audited, then the worker skips its waits."""
    with session_factory.begin() as session:
        audit.append(session, actor, "sync.send_now")
    send()


def requeue(session_factory: sessionmaker[Session], actor: str, item_uuid: str) -> bool:
    """Try a quarantined item again; False when there was no such item to requeue."""
    with session_factory.begin() as session:
        if not outbox.requeue(session, item_uuid):
            return False
        audit.append(session, actor, "sync.requeue", subject=item_uuid[:36])
        return True


def enrol(
    session_factory: sessionmaker[Session],
    actor: str,
    url: str,
    code: str,
    config: Config,
    *,
    allow_plain_http: bool = False,
) -> Enrolment:
    """Trade the hub's one-time code for this kiosk's identity, and audit who did it.

    Raises :class:`kiosk.sync.enrolment.EnrolmentError` (with a bilingual ``message``), also for
    a plain ``http://`` hub unless ``allow_plain_http`` (tests and one-machine demos).
    """
    done = enrolment.enrol(url, code, config, allow_plain_http=allow_plain_http)
    with session_factory.begin() as session:
        audit.append(session, actor, "sync.enrolled", subject=done.kiosk_id)
    return done

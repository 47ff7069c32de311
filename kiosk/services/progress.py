"""Where an application stands (办理进度): the hub's status when it answers, else this kiosk's.

The local record is the status staff last set here and whether the hub has acknowledged the
application. What the back office did after that (a decision at the counter console included) is
the hub's to tell: :func:`check` asks it (``POST /v1/status``, signed like every kiosk call, the
answer signed by the hub) and falls back to the local status, marked ``source = "local"`` so the
screen can say "离线，状态可能未更新". No personal data in an answer: number, service, status, dates.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from kiosk import logs
from kiosk.config import Config
from kiosk.domain.application import STATUSES
from kiosk.storage.models import ApplicationRow, OutboxEntry
from kiosk.sync.enrolment import Enrolment

_log = logs.get("kiosk.services")
STATUS_PATH = "/v1/status"  # the hub's route (kiosk_hub/console/kiosk_api.py)
MAX_NUMBERS = 100  # the most one call may ask about
# an applicant is waiting at the screen: a hub slower than this is treated as offline
LOOKUP_TIMEOUT = 5.0


@dataclass(frozen=True)
class Progress:
    application_number: str
    service: str
    status: str  # one of kiosk.domain.application.STATUSES
    submitted_at: dt.datetime | None
    updated_at: dt.datetime
    at_hub: bool  # the hub acknowledged the application itself
    source: str = "local"  # "hub" when the status is the hub's answer

    @property
    def number(self) -> str:
        return self.application_number


def _progress(session: Session, row: ApplicationRow) -> Progress:
    acknowledged = session.execute(
        select(OutboxEntry.id).where(
            OutboxEntry.application_id == row.id,
            OutboxEntry.kind == "application",
            OutboxEntry.state == "acknowledged",
        )
    ).first()
    return Progress(
        row.application_number,
        row.service,
        row.status,
        row.submitted_at,
        row.updated_at,
        acknowledged is not None,
    )


def look_up(session_factory: sessionmaker[Session], application_number: str) -> Progress | None:
    """The local status of the application numbered ``application_number`` (case and spaces as
    typed are forgiven), or None when this kiosk has no such application."""
    number = application_number.strip().upper()
    with session_factory() as session:
        row = session.execute(
            select(ApplicationRow).where(ApplicationRow.application_number == number)
        ).scalar_one_or_none()
        return None if row is None else _progress(session, row)


def of_person(session_factory: sessionmaker[Session], id_number: str) -> list[Progress]:
    """Every application of the holder of ``id_number`` still known here, newest first (after
    retention only the last four digits are kept, so older ones are found by number only)."""
    with session_factory() as session:
        rows = session.execute(
            select(ApplicationRow)
            .where(ApplicationRow.id_number == id_number.strip().upper())
            .order_by(ApplicationRow.submitted_at.desc(), ApplicationRow.id.desc())
        ).scalars()
        return [_progress(session, row) for row in rows]


def hub_statuses(
    config: Config, enrolled: Enrolment | None, numbers: Iterable[str]
) -> dict[str, dict[str, Any]] | None:
    """The hub's ``{number: {"status", "updated_at"}}`` for those of ``numbers`` it holds from
    this kiosk, or None when it cannot be asked or did not answer properly (not enrolled, offline,
    an answer not signed by the hub)."""
    wanted = sorted(set(numbers))[:MAX_NUMBERS]
    if enrolled is None or not wanted:
        return None
    import httpx

    from kiosk.sync.client import HubClient

    body = json.dumps({"numbers": wanted}).encode("utf-8")
    timeout = min(float(config["sync.timeout"]), LOOKUP_TIMEOUT)
    try:
        with HubClient(enrolled, config.with_values(sync__timeout=timeout)) as client:
            response = client.request(
                "POST", STATUS_PATH, body, {"Content-Type": "application/json"}
            )
            if response.status_code != 200 or not client.signed_by_hub(response):
                _log.info("hub status: HTTP %s", response.status_code)
                return None
            data = response.json()
    except (httpx.HTTPError, OSError, ValueError) as exc:
        _log.info("hub status not available: %s", type(exc).__name__)
        return None
    found = data.get("applications") if isinstance(data, dict) else None
    if not isinstance(found, dict):
        return None
    return {
        number: answer
        for number, answer in found.items()
        if number in wanted and isinstance(answer, dict) and answer.get("status") in STATUSES
    }


def _with_hub(entry: Progress, answer: dict[str, Any] | None) -> Progress:
    if answer is None:
        return entry
    try:
        updated = dt.datetime.fromisoformat(str(answer.get("updated_at")))
    except ValueError:
        updated = entry.updated_at
    return dataclasses.replace(entry, status=answer["status"], updated_at=updated, source="hub")


def check(
    session_factory: sessionmaker[Session],
    config: Config,
    enrolled: Enrolment | None,
    *,
    id_number: str | None = None,
    number: str | None = None,
) -> list[Progress]:
    """The applications of the card holder ``id_number`` (or the one numbered ``number``) with
    the hub's status where it answers for them, else the local one (``source = "local"``)."""
    if id_number:
        entries = of_person(session_factory, id_number)
    else:
        found = look_up(session_factory, number or "")
        entries = [found] if found is not None else []
    if not entries:
        return []
    answers = hub_statuses(config, enrolled, (e.application_number for e in entries)) or {}
    return [_with_hub(e, answers.get(e.application_number)) for e in entries]

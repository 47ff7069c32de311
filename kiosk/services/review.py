"""The review list for counter staff: today's and pending applications, search, details.

Lists show the ID number masked; the detail carries the full number only for the one screen that
needs it (compared against the card in the applicant's hand). Decisions are in
:mod:`kiosk.services.decisions`.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from kiosk.domain import clock, idnumber
from kiosk.domain.application import Application
from kiosk.storage import audit
from kiosk.storage.models import ApplicationRow
from kiosk.storage.numbering import APPLICATION_NUMBER

PENDING: tuple[str, ...] = ("submitted", "printed", "under_review", "materials_requested")
DECIDED: tuple[str, ...] = ("approved", "rejected")
LIST_LIMIT = 200


@dataclass(frozen=True)
class Summary:
    """One row of the review list (no full ID number)."""

    id: int
    application_number: str
    queue_number: str
    queue_day: dt.date
    service: str
    status: str
    name: str
    id_masked: str
    photo_number: str
    submitted_at: dt.datetime | None
    demo: bool

    @property
    def pending(self) -> bool:
        return self.status in PENDING


@dataclass(frozen=True)
class Detail:
    """Everything the detail screen shows; ``application`` is ``None`` once plaintext is purged."""

    summary: Summary
    application: Application | None
    id_number: str | None
    phone_masked: str
    photo_jpeg: bytes | None
    signature_png: bytes | None
    decided_by: str | None
    decision_reason: str | None


def _aware(moment: dt.datetime | None) -> dt.datetime | None:
    if moment is not None and moment.tzinfo is None:
        return moment.replace(tzinfo=dt.UTC)
    return moment


def mask_phone(phone: str | None) -> str:
    if not phone:
        return ""
    return (
        phone[:3] + "*" * max(len(phone) - 7, 0) + phone[-4:]
        if len(phone) > 7
        else "*" * len(phone)
    )


def _summary(row: ApplicationRow) -> Summary:
    if row.id_number:
        masked = idnumber.mask(row.id_number)
    elif row.id_last4:
        masked = "*" * 14 + row.id_last4
    else:
        masked = ""
    return Summary(
        id=row.id,
        application_number=row.application_number,
        queue_number=row.queue_number,
        queue_day=row.queue_day,
        service=row.service,
        status=row.status,
        name=row.applicant_name or "",
        id_masked=masked,
        photo_number=row.photo_number or "",
        submitted_at=_aware(row.submitted_at),
        demo=bool(row.demo),
    )


def _ordered(query: Any) -> Any:
    return query.order_by(ApplicationRow.queue_day.desc(), ApplicationRow.queue_number.desc())


def today_and_pending(session: Session, today: dt.date | None = None) -> list[Summary]:
    """Today's applications (any status) and every older one still waiting for a decision."""
    today = today or clock.today()
    query = select(ApplicationRow).where(
        or_(ApplicationRow.queue_day == today, ApplicationRow.status.in_(PENDING))
    )
    return [_summary(r) for r in session.execute(_ordered(query).limit(LIST_LIMIT)).scalars()]


def find(session: Session, text: str, today: dt.date | None = None) -> list[Summary]:
    """Search by application number, queue number, photo number or the last digits of the ID number.

    A short number is ambiguous (``7`` may be queue 007 or an ID ending in 7), so every reading
    that matches is returned, newest first.
    """
    today = today or clock.today()
    query_text = re.sub(r"\s+", "", text).upper()
    if not query_text:
        return today_and_pending(session, today)
    conditions: list[Any] = [
        ApplicationRow.application_number == query_text,
        ApplicationRow.queue_number == query_text,
        ApplicationRow.photo_number == query_text,
    ]
    if not APPLICATION_NUMBER.fullmatch(query_text) and len(query_text) >= 4:
        # the tail of an application number, as staff read it off a slip: "20261126-0007", "0007"
        conditions.append(ApplicationRow.application_number.like(f"%-{query_text}"))
    if query_text.isdigit() and len(query_text) <= 3:
        # today's queue number without its letter ("7" is A007 or B007), or in the older
        # point-kiosk-sequence form ("FT01-K01-007") that rows from before the letters carry
        seq = f"{int(query_text):03d}"
        conditions.append(
            (ApplicationRow.queue_day == today)
            & or_(
                ApplicationRow.queue_number.like(f"_{seq}"),
                ApplicationRow.queue_number.like(f"%-{seq}"),
            )
        )
    if re.fullmatch(r"\d{0,3}[\dX]", query_text) and len(query_text) <= 4:
        if len(query_text) == 4:
            conditions.append(ApplicationRow.id_last4 == query_text)
        else:
            conditions.append(ApplicationRow.id_last4.like(f"%{query_text}"))
    query = select(ApplicationRow).where(or_(*conditions))
    return [_summary(r) for r in session.execute(_ordered(query).limit(LIST_LIMIT)).scalars()]


def stored_application(row: ApplicationRow) -> Application | None:
    """The application as submitted, or None once its plaintext was purged after the hub's ack."""
    if not row.form or not row.applicant_name:
        return None
    data = dict(row.form)
    try:
        app = Application.from_json(data)
    except (KeyError, ValueError, TypeError):
        return None
    app.status = row.status
    if row.photo and not app.photo_jpeg:
        app.photo_jpeg = row.photo
    if row.signature and not app.signature_png:
        app.signature_png = row.signature
    return app


def record_reveal(session: Session, actor: str, application_number: str) -> None:
    """Staff asked to see a full ID number: audited (the number itself never is)."""
    audit.append(session, actor, "review.reveal_id", subject=application_number)


def get_row(session: Session, application_id: int) -> ApplicationRow:
    row = session.get(ApplicationRow, application_id)
    if row is None:
        raise LookupError(f"application {application_id} not found")
    return row


def open_detail(session: Session, actor: str, application_id: int, record: bool = True) -> Detail:
    """Load one application for review, audit the look, and mark it under review if it was waiting."""
    row = get_row(session, application_id)
    if row.status in ("submitted", "printed"):
        row.status = "under_review"
        session.flush()
    if record:  # False when the screen just reloads what staff already had open
        audit.append(session, actor, "review.open", subject=row.application_number)
    return Detail(
        summary=_summary(row),
        application=stored_application(row),
        id_number=row.id_number,
        phone_masked=mask_phone(row.phone),
        photo_jpeg=row.photo,
        signature_png=row.signature,
        decided_by=row.decided_by,
        decision_reason=row.decision_reason,
    )


def day_queue(session: Session, day: dt.date | None = None) -> list[Summary]:
    """The day's queue numbers in calling order (counter tools)."""
    day = day or clock.today()
    query = (
        select(ApplicationRow)
        .where(ApplicationRow.queue_day == day)
        .order_by(ApplicationRow.queue_number)
    )
    return [_summary(r) for r in session.execute(query).scalars()]

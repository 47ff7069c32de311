"""THE submit path (UI, ``kiosk demo-data``): one transaction makes an application final.

Numbers, the application row (search columns, the form as JSON without blobs, photo and
signature blobs), the sealed outbox entry and the audit entry are committed together; the
receipt may be printed only after this returns. A repeated call for an application that already
went through (same uuid) returns the stored one instead of making a second.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import secrets
import uuid as uuidlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from kiosk import logs
from kiosk.config import Config
from kiosk.domain import clock
from kiosk.domain.application import Application
from kiosk.domain.messages import Message
from kiosk.domain.rules import ALL_SERVICES, RuleBook
from kiosk.storage import audit, numbering
from kiosk.storage.models import ApplicationRow, shenzhen_day
from kiosk.sync import enrolment, outbox
from kiosk.sync.enrolment import Enrolment

_log = logs.get("kiosk.services")
BLOB_KEYS = ("photo_jpeg_b64", "signature_png_b64")


@dataclass(frozen=True)
class Submitted:
    """What submitting gave: the stored row's id (print jobs and outbox items point at it), the
    application number on the slip, and the completed application the documents are made from."""

    application_id: int
    application_number: str
    application: Application


class SubmissionError(ValueError):
    """The application cannot be submitted; ``message`` says why in both languages."""

    def __init__(self, message: Message):
        super().__init__(f"{message.zh} / {message.en}")
        self.message = message


def form_json(application: Application) -> dict[str, Any]:
    """The application's JSON without the photo and signature (those are blobs/attachments)."""
    data = application.as_json()
    for key in BLOB_KEYS:
        data.pop(key, None)
    return data


def _check(application: Application) -> None:
    if application.service not in ALL_SERVICES:
        raise SubmissionError(
            Message(
                "submit.bad_service",
                f"未知的业务类型：{application.service}",
                f"unknown service: {application.service}",
            )
        )
    if application.status not in ("draft", "submitted"):
        raise SubmissionError(
            Message(
                "submit.bad_status",
                f"申请状态为 {application.status}，不能再次提交。",
                f"the application is {application.status} and cannot be submitted again.",
            )
        )


def _existing(session: Session, app_uuid: str) -> ApplicationRow | None:
    if not app_uuid:
        return None
    return session.execute(
        select(ApplicationRow).where(ApplicationRow.uuid == app_uuid)
    ).scalar_one_or_none()


def row_to_application(row: ApplicationRow) -> Application:
    """The stored application (form JSON + blobs), as the UI and documents use it."""
    data = dict(row.form or {})
    app = Application.from_json(data)
    app.photo_jpeg = row.photo
    app.signature_png = row.signature
    app.status = row.status
    return app


def submit_application(
    session_factory: sessionmaker[Session],
    application: Application,
    config: Config,
    *,
    rules: RuleBook,
    enrolled: Enrolment | None,
    now: Callable[[], dt.datetime] = clock.now,
) -> Submitted:
    """Make ``application`` final and queue it for the hub; return its id, number and content.

    ``enrolled`` is this kiosk's enrolment (None before enrolment: then only demo mode takes
    applications). Raises :class:`SubmissionError` or :class:`kiosk.sync.enrolment.EnrolmentError`
    (both carry a bilingual ``message``) and then nothing was stored.
    """
    _check(application)
    recipient = enrolment.recipient(config, enrolled)  # refuses before enrolment outside demo
    kiosk = enrolment.kiosk_id(config, enrolled)
    point = str(config["point.code"])
    app = dataclasses.replace(application)
    with session_factory.begin() as session:
        found = _existing(session, app.uuid)
        if found is not None:
            return Submitted(found.id, found.application_number, row_to_application(found))
        moment = now()
        day = shenzhen_day(moment)
        app.uuid = app.uuid or str(uuidlib.uuid4())
        app.kiosk_id = kiosk
        app.acceptance_point = app.acceptance_point or point
        app.application_number, app.queue_number = numbering.allocate(
            session, app.acceptance_point, kiosk, day, str(config["kiosk.queue_letter"])
        )
        app.status = "submitted"
        app.created_at = app.created_at or moment
        app.submitted_at = moment
        # only what the applicant confirmed on screen: the slip never says "in hand" otherwise
        app.materials = [m for m in app.materials if m in rules.materials_for(app.service)]
        # the slip's /p/<token> on the hub's progress page: 192 random bits, nothing derived
        app.progress_token = secrets.token_urlsafe(24)
        form = form_json(app)
        id_number = app.applicant.id_number or None
        row = ApplicationRow(
            uuid=app.uuid,
            application_number=app.application_number,
            queue_number=app.queue_number,
            queue_day=day,
            service=app.service,
            status=app.status,
            acceptance_point=app.acceptance_point,
            kiosk_id=kiosk,
            applicant_name=app.applicant.name,
            id_number=id_number,
            id_last4=id_number[-4:] if id_number else None,
            phone=app.phone or None,
            photo_number=app.photo_number or None,
            photo_number_source=app.photo_number_source or None,
            form=form,
            photo=app.photo_jpeg,
            signature=app.signature_png,
            demo=recipient.demo,
            created_at=app.created_at,
            submitted_at=moment,
        )
        session.add(row)
        session.flush()
        attachments: dict[str, bytes] = {}
        if app.photo_jpeg:
            attachments["photo"] = app.photo_jpeg
        if app.signature_png:
            attachments["signature"] = app.signature_png
        outbox.enqueue(
            session,
            "application",
            form,
            application_id=row.id,
            attachments=attachments,
            item_uuid=app.uuid,
            recipient=recipient,
        )
        audit.append(
            session, f"kiosk:{kiosk}", "application.submitted", subject=app.application_number
        )
        row_id = row.id
    _log.info("submitted %s (%s)", app.application_number, "demo" if recipient.demo else "to hub")
    return Submitted(row_id, app.application_number, app)

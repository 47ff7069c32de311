"""THE print path: render an application's document for its printer and queue it.

Every print of an application goes through :func:`print_application`: the applicant's copies
after submitting (:func:`print_submission`), supervisor mode's prints of a stored application
(:func:`print_stored`) and ``kiosk documents print``. An ESC/POS printer gets the slip or
receipt as a 576-dot PNG raster; CUPS and the folder printer get PDFs (the form always on A4,
slip and receipt on the configured paper). A job made for a stored application carries its row
id, so the queue and the row stay linked.
"""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass
from typing import Literal

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from kiosk.config import Config
from kiosk.devices.printers.base import PDF, PNG
from kiosk.devices.printers.jobs import PrintQueue
from kiosk.documents import application_form, form, receipt, registration_slip, slip
from kiosk.documents.sample import sample_application
from kiosk.domain.application import Application
from kiosk.services import review as review_rules
from kiosk.storage.models import PrintJob

DOCUMENTS = ("form", "slip", "receipt")


@dataclass(frozen=True)
class Printers:
    """Which printer takes which document (printer specs as in ``printer.*`` of the config)."""

    form: str
    receipt: str
    receipt_paper: str = "80mm"
    progress_url: str = ""  # sync.progress_url: the slip's phone QR code (docs/console.md)

    @classmethod
    def from_config(cls, config: Config) -> Printers:
        return cls(
            str(config["printer.form"]),
            str(config["printer.receipt"]),
            str(config["printer.receipt_paper"]),
            str(config["sync.progress_url"]),
        )

    def for_document(self, document: str) -> str:
        """The A4 form goes to the form printer; slip, receipt and test slips to the receipt one."""
        return self.form if document == "form" else self.receipt


def render_for(
    spec: str,
    app: Application,
    document: str,
    *,
    review: receipt.Review | None = None,
    paper: str = "80mm",
    lang: str = "zh",
    progress_url: str = "",
) -> tuple[bytes, str]:
    """(bytes, content type) of ``document`` for the printer ``spec``; ``progress_url`` (the
    hub's address for phones) adds the progress page's QR code to the slip."""
    if document not in DOCUMENTS:
        raise ValueError(f"document must be one of {', '.join(DOCUMENTS)}")
    if document == "receipt" and review is None:
        raise ValueError("a receipt needs the staff review / 受理回执须有审核结果")
    if document == "form" and app.service == "registration":
        raise ValueError("a residence registration has no A4 form / 居住登记没有申请表")
    if document == "slip" and app.service == "registration":  # its own slip: what was registered
        if spec.startswith("escpos"):
            out = io.BytesIO()
            registration_slip.render_registration_slip_raster(app, lang=lang).save(out, "PNG")
            return out.getvalue(), PNG
        return registration_slip.render_registration_slip(app, paper, lang), PDF
    if spec.startswith("escpos"):
        if document == "form":
            raise ValueError(
                "the A4 form cannot go to a receipt printer / 申请表不能用凭条打印机打印"
            )
        image = (
            receipt.render_receipt_raster(app, review, lang=lang)
            if review and document == "receipt"
            else slip.render_slip_raster(app, lang=lang, progress_url=progress_url)
        )
        out = io.BytesIO()
        image.save(out, "PNG", optimize=True)
        return out.getvalue(), PNG
    if document == "form" and app.service == "application":  # 《深圳经济特区居住证业务申请表》
        return application_form.render_application_form(app), PDF
    if document == "form":
        return form.render_form(app), PDF
    if document == "receipt" and review is not None:
        return receipt.render_receipt(app, review, paper, lang), PDF
    return slip.render_slip(app, paper, lang, progress_url=progress_url), PDF


def print_application(
    queue: PrintQueue,
    printers: Printers,
    app: Application,
    document: str,
    *,
    review: receipt.Review | None = None,
    lang: str = "zh",
    application_id: int | None = None,
    printer: str | None = None,
) -> int:
    """Render ``document`` of ``app`` for its printer (or ``printer``) and queue it; the job id.

    ``application_id`` links the job to the stored application (None only for an application
    that is not stored, such as a JSON file given to ``kiosk documents print``). Raises
    ValueError for a document the printer cannot take (the A4 form on a receipt printer) or a
    receipt without a review.
    """
    spec = printer or printers.for_document(document)
    data, ctype = render_for(
        spec,
        app,
        document,
        review=review,
        paper=printers.receipt_paper,
        lang=lang,
        progress_url=printers.progress_url,
    )
    return queue.submit(document, data, ctype, spec, application_id)


def print_submission(
    queue: PrintQueue, printers: Printers, application_id: int, app: Application, lang: str
) -> list[int]:
    """The applicant's copies after submitting: the A4 form, then the slip in their language
    (a residence registration has no form: its slip only)."""
    jobs = []
    if app.service != "registration":
        jobs.append(print_application(queue, printers, app, "form", application_id=application_id))
    jobs.append(
        print_application(queue, printers, app, "slip", lang=lang, application_id=application_id)
    )
    return jobs


StoredOutcome = Literal["queued", "purged", "not_reviewed", "refused"]


@dataclass(frozen=True)
class StoredPrint:
    """What asking to print a stored application gave (``job`` is set when ``queued``)."""

    outcome: StoredOutcome
    job: int | None = None


def receipt_review(status: str, staff_id: str | None, decided: dt.datetime) -> receipt.Review:
    """The review a receipt states, from the stored decision (collection date only if approved)."""
    when = decided if decided.tzinfo else decided.replace(tzinfo=dt.UTC)
    # the collection date: the receipt counts it from the office's rules (none for a renewal)
    return receipt.Review(status, staff_id or "-", when, None)


def print_stored(
    session_factory: sessionmaker[Session],
    queue: PrintQueue,
    printers: Printers,
    application_id: int,
    document: str,
    *,
    lang: str = "zh",
) -> StoredPrint:
    """Print a stored application (supervisor mode): the form, the slip, or the receipt once
    staff decided. Refuses when the plaintext was purged after the hub's acknowledgement."""
    with session_factory() as session:
        row = review_rules.get_row(session, application_id)
        app = review_rules.stored_application(row)
        status, staff_id, decided = row.status, row.decided_by, row.updated_at
    if app is None:
        return StoredPrint("purged")
    review = None
    if document == "receipt":
        if status not in receipt.RESULTS:
            return StoredPrint("not_reviewed")
        review = receipt_review(status, staff_id, decided)
    try:
        job = print_application(
            queue, printers, app, document, review=review, lang=lang, application_id=application_id
        )
    except (OSError, ValueError):
        return StoredPrint("refused")
    return StoredPrint("queued", job)


def recent_jobs(session_factory: sessionmaker[Session], limit: int = 100) -> list[PrintJob]:
    """The newest print jobs first, for the devices page (documents are bytes: no names)."""
    with session_factory() as session:
        query = select(PrintJob).order_by(PrintJob.id.desc()).limit(limit)
        return list(session.execute(query).scalars())


def print_test_page(queue: PrintQueue, printers: Printers, document: str) -> int:
    """A test page of the sample application (``form`` or ``slip``) on that document's printer."""
    spec = printers.for_document(document)
    data, ctype = render_for(spec, sample_application(), document, paper=printers.receipt_paper)
    return queue.submit("test_page", data, ctype, spec)

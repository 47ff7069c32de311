"""Render an application's document in the form its printer takes, and queue it.

An ESC/POS printer gets the slip or receipt as a 576-dot PNG raster; CUPS and the folder printer
get PDFs (the form always on A4, slip and receipt on the configured paper).
"""

from __future__ import annotations

import io

from kiosk.devices.printers.base import PDF, PNG
from kiosk.devices.printers.jobs import PrintQueue
from kiosk.documents import form, receipt, slip
from kiosk.domain.application import Application

DOCUMENTS = ("form", "slip", "receipt")


def render_for(
    spec: str,
    app: Application,
    document: str,
    *,
    review: receipt.Review | None = None,
    paper: str = "80mm",
    lang: str = "zh",
) -> tuple[bytes, str]:
    """(bytes, content type) of ``document`` for the printer ``spec``."""
    if document not in DOCUMENTS:
        raise ValueError(f"document must be one of {', '.join(DOCUMENTS)}")
    if document == "receipt" and review is None:
        raise ValueError("a receipt needs the staff review / 受理回执须有审核结果")
    if spec.startswith("escpos"):
        if document == "form":
            raise ValueError(
                "the A4 form cannot go to a receipt printer / 申请表不能用凭条打印机打印"
            )
        image = (
            receipt.render_receipt_raster(app, review, lang=lang)
            if review and document == "receipt"
            else slip.render_slip_raster(app, lang=lang)
        )
        out = io.BytesIO()
        image.save(out, "PNG", optimize=True)
        return out.getvalue(), PNG
    if document == "form":
        return form.render_form(app), PDF
    if document == "receipt" and review is not None:
        return receipt.render_receipt(app, review, paper, lang), PDF
    return slip.render_slip(app, paper, lang), PDF


def submit_document(
    queue: PrintQueue,
    spec: str,
    app: Application,
    document: str,
    *,
    review: receipt.Review | None = None,
    paper: str = "80mm",
    lang: str = "zh",
    application_id: int | None = None,
) -> int:
    data, ctype = render_for(spec, app, document, review=review, paper=paper, lang=lang)
    return queue.submit(document, data, ctype, spec, application_id)

"""Supervisor mode's prints of a stored application go through the one print path: the job is
linked to the row, a receipt waits for the staff decision and states it, and nothing is printed
once retention wiped the application's plaintext."""

from __future__ import annotations

import datetime as dt
import random
from pathlib import Path

from pypdf import PdfReader
from sqlalchemy import select, update

from kiosk.config import Config
from kiosk.devices.printers.factory import open_printer
from kiosk.devices.printers.jobs import PrintQueue
from kiosk.domain.rules import RuleBook
from kiosk.services import decisions
from kiosk.services.printing import Printers, print_stored, recent_jobs
from kiosk.services.submit import submit_application
from kiosk.storage.db import open_database
from kiosk.storage.models import OutboxEntry, PrintJob, utcnow
from kiosk.sync import retention
from kiosk.sync.crypto import demo_recipient
from kiosk.sync.demo_applications import made_up_application


def test_print_stored_links_jobs_waits_for_the_decision_and_refuses_purged(
    tmp_path: Path,
) -> None:
    out = tmp_path / "printed"
    config = Config.load(overrides={"sync.demo": True})
    printers = Printers(form=f"folder:{out}", receipt=f"folder:{out}", receipt_paper="80mm")
    factory, rules = open_database(), RuleBook.load()
    done = submit_application(
        factory, made_up_application(random.Random(2)), config, rules=rules, enrolled=None
    )
    queue = PrintQueue(factory, open_printer, retry_seconds=0.1, max_attempts=2)

    form = print_stored(factory, queue, printers, done.application_id, "form")
    early = print_stored(factory, queue, printers, done.application_id, "receipt")
    assert form.outcome == "queued" and form.job is not None
    assert (early.outcome, early.job) == ("not_reviewed", None)  # no 受理回执 before a decision

    with factory.begin() as session:
        decisions.decide(
            session,
            "staff:wang",
            done.application_id,
            "approve",
            rules=rules,
            recipient=demo_recipient(),
        )
    receipt = print_stored(factory, queue, printers, done.application_id, "receipt")
    assert receipt.outcome == "queued"
    queue.run_once(ignore_delays=True)
    jobs = recent_jobs(factory)
    assert [(j.id, j.document, j.application_id, j.state) for j in jobs] == [
        (receipt.job, "receipt", done.application_id, "printed"),
        (form.job, "form", done.application_id, "printed"),
    ]
    (receipt_pdf,) = out.glob("receipt-*.pdf")
    text = "".join(p.extract_text() or "" for p in PdfReader(receipt_pdf).pages)
    assert done.application_number in text and "wang" in text

    # the hub acknowledged it long ago: retention wipes the plaintext, nothing is left to print
    with factory.begin() as session:
        session.execute(
            update(OutboxEntry).values(
                state="acknowledged", acknowledged_at=utcnow() - dt.timedelta(days=400)
            )
        )
    assert retention.purge(factory, config) == 1
    purged = print_stored(factory, queue, printers, done.application_id, "slip")
    assert (purged.outcome, purged.job) == ("purged", None)
    with factory() as session:
        assert len(session.execute(select(PrintJob)).all()) == 2

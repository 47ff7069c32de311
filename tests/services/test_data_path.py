"""The data path, written once: one application from a card read to its stored row, its print
jobs and its outbox item, through the services alone (no Qt).

The card comes from the reader simulator's sample card, read by the real driver over a real
pseudo-terminal; the database is a real SQLite file; the print jobs go through the real queue to
the folder printer and are read back as PDFs; the outbox item is unsealed with the demo key.
"""

from __future__ import annotations

import datetime as dt
import json
import queue as queue_module
import time
from pathlib import Path

from pypdf import PdfReader
from sqlalchemy import select

from kiosk.config import Config
from kiosk.devices.idcard.driver import DriverConfig, ReaderDriver
from kiosk.devices.idcard.events import CardRead
from kiosk.devices.idcard.simmodel import Timing
from kiosk.devices.idcard.simulator import SimulatedReader
from kiosk.devices.printers.factory import open_printer
from kiosk.devices.printers.jobs import PrintQueue
from kiosk.domain import clock
from kiosk.domain.application import Address, Permit
from kiosk.domain.identity import IdentityCard
from kiosk.domain.rules import RuleBook
from kiosk.services import progress
from kiosk.services.printing import Printers, print_submission
from kiosk.services.submit import submit_application
from kiosk.storage.db import open_database
from kiosk.storage.models import ApplicationRow, OutboxEntry, PrintJob
from kiosk.sync import crypto
from kiosk.workflows import branching
from kiosk.workflows.visit import Visit

FAST_CARD = Timing(command=0.001, find=0.002, select=0.002, read=0.02)
QUICK = DriverConfig(find_timeout=1.0, read_timeout=3.0, poll_interval=0.05, reconnect_interval=0.1)


def read_sample_card(name: str = "resident", timeout: float = 10.0) -> IdentityCard:
    """Lay the simulator's sample card on a reader behind a pty and read it with the driver."""
    with (
        SimulatedReader(card=name, timing=FAST_CARD, baud=115200, seed=7) as sim,
        ReaderDriver(sim.port, 115200, QUICK) as driver,
    ):
        deadline = time.monotonic() + timeout
        while (left := deadline - time.monotonic()) > 0:
            try:
                event = driver.events.get(timeout=left)
            except queue_module.Empty:
                break
            if isinstance(event, CardRead):
                return event.card
    raise AssertionError(f"the driver read no card within {timeout}s")


def pdf_text(path: Path) -> str:
    return "".join(page.extract_text() or "" for page in PdfReader(path).pages)


def test_one_application_from_card_read_to_row_print_jobs_and_outbox(tmp_path: Path) -> None:
    out = tmp_path / "printed"
    config = Config.load(
        overrides={
            "sync.demo": True,
            "printer.form": f"folder:{out}",
            "printer.receipt": f"folder:{out}",
        }
    )
    rules = RuleBook.load()
    factory = open_database()

    # the applicant lays the card on the reader and goes through the renewal journey
    card = read_sample_card()
    assert card.id_number.endswith("2840") and card.name == "李晓红"
    expires = clock.today() + dt.timedelta(days=10)  # inside the 15-day renewal window
    visit = Visit(
        service="renewal",
        card=card,
        residence=Address(district="440305", street="粤海", detail="科技园路18号2栋1502室"),
        phone="13800138000",
        permit=Permit("standard", "", expires),
    )
    decision = branching.decide("renewal_window", visit, rules)
    assert decision.outcome == "renew" and visit.new_expiry is not None
    application = visit.to_application(str(config["point.code"]), str(config["kiosk.id"]))

    # submit: one transaction gives the row, the outbox item and the audit entry
    done = submit_application(factory, application, config, rules=rules, enrolled=None)
    assert done.application_number.startswith("FT01-K01-")
    assert done.application.applicant.id_number == card.id_number

    # print: the applicant's form and slip, linked to the row
    queue = PrintQueue(factory, open_printer, retry_seconds=0.1, max_attempts=2)
    jobs = print_submission(
        queue, Printers.from_config(config), done.application_id, done.application, "zh"
    )
    queue.run_once(ignore_delays=True)

    with factory() as session:
        row = session.get(ApplicationRow, done.application_id)
        assert row is not None
        assert (row.application_number, row.status, row.service) == (
            done.application_number,
            "submitted",
            "renewal",
        )
        assert row.id_number == card.id_number and row.applicant_name == card.name
        assert row.form is not None and row.form["new_expiry"] == visit.new_expiry.isoformat()
        stored_jobs = session.execute(select(PrintJob).order_by(PrintJob.id)).scalars().all()
        assert [j.id for j in stored_jobs] == jobs
        assert [(j.document, j.application_id, j.state) for j in stored_jobs] == [
            ("form", done.application_id, "printed"),
            ("slip", done.application_id, "printed"),
        ]
        (item,) = session.execute(select(OutboxEntry)).scalars().all()
        assert (item.kind, item.application_id, item.state, item.demo) == (
            "application",
            done.application_id,
            "pending",
            True,
        )
        sealed = item.sealed

    # the outbox item carries this application (not a copy of another): unseal it
    parts = crypto.unseal(sealed, crypto.demo_private_pem())
    payload = json.loads(parts["payload"])
    assert payload["data"]["application_number"] == done.application_number
    assert payload["data"]["applicant"]["id_number"] == card.id_number

    # the printed papers are this application's: read the PDFs back
    printed = sorted(out.glob("*.pdf"))
    assert len(printed) == 2
    texts = [pdf_text(p) for p in printed]
    assert all(done.application_number in text for text in texts), texts

    # and the progress service finds it by its number, as typed
    found = progress.look_up(factory, f" {done.application_number.lower()} ")
    assert found is not None
    assert (found.application_number, found.status, found.at_hub) == (
        done.application_number,
        "submitted",
        False,
    )
    assert progress.look_up(factory, "FT01-K01-00000000-999") is None

"""The in-memory printer (escpos's ``Dummy`` for the kiosk): from a config spec, through the queue."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from PIL import Image, ImageChops
from pypdf import PdfReader

from kiosk.config import Config
from kiosk.devices.printers.base import PDF, PNG, PrinterProblem
from kiosk.devices.printers.factory import open_printer
from kiosk.devices.printers.jobs import PrintQueue
from kiosk.devices.printers.memory import MemoryPrinter
from kiosk.documents.form import render_form
from kiosk.documents.sample import sample_application
from kiosk.documents.slip import render_slip_raster
from kiosk.storage.db import open_database


@pytest.fixture
def queue(tmp_path: Path) -> PrintQueue:
    return PrintQueue(open_database(tmp_path / "kiosk.sqlite3"), open_printer, retry_seconds=0.05)


def test_a_configured_memory_printer_gets_the_rendered_documents(queue: PrintQueue) -> None:
    config = Config.load(
        overrides={"printer.form": "memory:form-a", "printer.receipt": "memory:slip-a"}
    )
    app = sample_application("renewal")
    form = render_form(app)
    slip = io.BytesIO()
    render_slip_raster(app).save(slip, "PNG")
    form_job = queue.submit("form", form, PDF, str(config["printer.form"]))
    slip_job = queue.submit("slip", slip.getvalue(), PNG, str(config["printer.receipt"]))
    assert queue.run_once() == 2
    assert queue.status(form_job).state == queue.status(slip_job).state == "printed"

    printed_form = MemoryPrinter.named("form-a").jobs
    assert [(j.title, j.content_type) for j in printed_form] == [(f"form-{form_job}", PDF)]
    assert printed_form[0].data == form
    assert len(PdfReader(io.BytesIO(printed_form[0].data)).pages) >= 1  # a whole PDF
    printed_slip = MemoryPrinter.named("slip-a").jobs
    assert len(printed_slip) == 1
    with Image.open(io.BytesIO(printed_slip[0].data)) as image:
        expected = render_slip_raster(app)
        assert ImageChops.difference(image.convert("L"), expected.convert("L")).getbbox() is None


def test_printers_from_one_spec_share_their_jobs() -> None:
    assert open_printer("memory:shared") is open_printer("memory:shared")
    assert open_printer("memory") is MemoryPrinter.named()
    assert open_printer("memory:shared") is not open_printer("memory:other")


def test_a_rehearsed_paper_outage_waits_then_prints(queue: PrintQueue) -> None:
    printer = MemoryPrinter.named("paper-b")
    printer.problem = "out_of_paper"
    job = queue.submit("slip", b"%PDF-1.4 slip", PDF, "memory:paper-b")
    queue.run_once()
    info = queue.status(job)
    assert (info.state, info.problem) == ("waiting", "out_of_paper")
    assert printer.jobs == [] and not printer.status().ready
    printer.problem = None
    queue.run_once(ignore_delays=True)
    assert queue.status(job).state == "printed"
    assert printer.output == b"%PDF-1.4 slip"


def test_what_it_cannot_take_is_refused(tmp_path: Path) -> None:
    text = tmp_path / "note.txt"
    text.write_text("hello")
    with pytest.raises(PrinterProblem) as problem:
        MemoryPrinter("c").print_file(text, "text/plain", "note")
    assert problem.value.code == "error"

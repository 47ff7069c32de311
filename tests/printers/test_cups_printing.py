"""End to end through a real, private cupsd (see conftest.py): the job reaches "the printer"."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from kiosk.devices.printers.cups import CupsPrinter
from kiosk.devices.printers.jobs import PrintQueue
from kiosk.documents.sample import sample_application
from kiosk.services.printing import Printers, print_application
from kiosk.storage.db import open_database

pytestmark = pytest.mark.cups


def test_form_goes_through_cups_byte_for_byte(cupsd, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    printer = CupsPrinter(cupsd.queue, cupsd.server)
    assert printer.status().ready
    sessions = open_database(tmp_path / "k.sqlite3")
    spec = f"cups:{cupsd.queue}@{cupsd.server}"
    queue = PrintQueue(
        sessions, lambda s: CupsPrinter(*s.removeprefix("cups:").split("@")), retry_seconds=0.05
    )
    app = sample_application("exchange")
    start = cupsd.printer.count
    job = print_application(queue, Printers(form=spec, receipt=spec), app, "form")
    stored = Path(queue.status(job).path).read_bytes()
    queue.run_once()
    assert queue.status(job).state == "printed"
    delivered = cupsd.printer.wait_for(start + 1)
    assert delivered == stored
    assert not Path(queue.status(job).path).exists()  # printed: the full ID number goes with it
    assert delivered.startswith(b"%PDF-")


def test_stopped_queue_is_offline_and_the_job_waits(cupsd, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    sessions = open_database(tmp_path / "k.sqlite3")
    queue = PrintQueue(
        sessions, lambda s: CupsPrinter(cupsd.queue, cupsd.server), retry_seconds=0.05
    )
    cupsd.admin("cupsdisable", cupsd.queue)
    try:
        status = CupsPrinter(cupsd.queue, cupsd.server).status()
        assert (status.ready, status.problem) == (False, "offline")
        job = queue.submit("slip", b"%PDF-1.4 slip", "application/pdf", "cups")
        queue.run_once()
        assert (queue.status(job).state, queue.status(job).problem) == ("waiting", "offline")
    finally:
        cupsd.admin("cupsenable", cupsd.queue)
    start = cupsd.printer.count
    queue.run_once(ignore_delays=True)
    assert queue.status(job).state == "printed"
    assert cupsd.printer.wait_for(start + 1) == b"%PDF-1.4 slip"


def test_unknown_queue_or_dead_server_is_offline(cupsd) -> None:  # type: ignore[no-untyped-def]
    assert CupsPrinter("no-such-queue", cupsd.server).status().problem == "offline"
    assert (
        subprocess.run(["lpstat", "-h", cupsd.server, "-p", cupsd.queue], check=False).returncode
        == 0
    )
    assert CupsPrinter(cupsd.queue, "127.0.0.1:1").status().problem == "offline"

"""The print-job queue: stored before printing, retried, held, recovered, events for staff and applicant."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from sqlalchemy import select

from kiosk.devices.printers.base import PDF, PNG, Printer, PrinterProblem, Status
from kiosk.devices.printers.factory import PrinterSpecError, open_printer
from kiosk.devices.printers.folder import FolderPrinter
from kiosk.devices.printers.jobs import JobEvent, PrintQueue
from kiosk.documents.sample import sample_application
from kiosk.services.printing import Printers, print_application, render_for
from kiosk.storage.db import open_database
from kiosk.storage.models import PrintJob


@pytest.fixture
def sessions(tmp_path: Path):  # type: ignore[no-untyped-def]
    return open_database(tmp_path / "kiosk.sqlite3")


def make_queue(sessions, folder: Path, **kw) -> PrintQueue:  # type: ignore[no-untyped-def]
    return PrintQueue(sessions, lambda spec: open_printer(spec), retry_seconds=0.05, **kw)


def test_job_is_stored_before_printing_and_survives_a_full_paper_outage(
    sessions, tmp_path: Path
) -> None:
    out = tmp_path / "printed"
    out.mkdir()
    (out / "OUT-OF-PAPER").touch()
    queue = make_queue(sessions, out)
    events: list[JobEvent] = []
    queue.subscribe(events.append)
    job = queue.submit("slip", b"%PDF-1.4 test", PDF, f"folder:{out}", None)
    stored = Path(queue.status(job).path)
    assert stored.read_bytes() == b"%PDF-1.4 test"  # on disk before any attempt
    assert queue.run_once() == 0
    info = queue.status(job)
    assert (info.state, info.problem, info.attempts) == ("waiting", "out_of_paper", 1)
    last = events[-1]
    assert "缺纸" in last.staff.zh and "paper" in last.staff.en
    assert "柜台" in last.applicant.zh and "counter" in last.applicant.en
    (out / "OUT-OF-PAPER").unlink()
    queue.run_once(ignore_delays=True)
    assert queue.status(job).state == "printed"
    assert [p.read_bytes() for p in out.glob("*.pdf")] == [b"%PDF-1.4 test"]
    assert events[-1].job.state == "printed" and "取走" in events[-1].applicant.zh


def test_repeated_failures_hold_the_job_until_staff_retry(sessions, tmp_path: Path) -> None:
    out = tmp_path / "p"
    out.mkdir()
    (out / "OFFLINE").touch()
    queue = make_queue(sessions, out, max_attempts=2)
    job = queue.submit("form", b"%PDF", PDF, f"folder:{out}")
    queue.run_once(ignore_delays=True)
    queue.run_once(ignore_delays=True)
    assert queue.status(job).state == "held"
    queue.run_once(ignore_delays=True)
    assert queue.status(job).attempts == 2  # held jobs are not retried on their own
    queue.cancel(job)  # cancelling keeps the row and the file
    assert queue.status(job).state == "cancelled" and Path(queue.status(job).path).exists()
    (out / "OFFLINE").unlink()
    queue.retry(job)
    queue.run_once()
    assert queue.status(job).state == "printed"
    assert not Path(queue.status(job).path).exists()  # printed: the stored copy is deleted


def test_a_job_interrupted_mid_print_is_queued_again_on_start(sessions, tmp_path: Path) -> None:
    queue = make_queue(sessions, tmp_path)
    job = queue.submit("slip", b"%PDF", PDF, f"folder:{tmp_path / 'o'}")
    with sessions.begin() as s:
        s.get(PrintJob, job).state = "printing"  # as if the kiosk lost power while printing
    restarted = make_queue(sessions, tmp_path)
    assert restarted.status(job).state == "queued"
    restarted.run_once()
    assert restarted.status(job).state == "printed"


class Flaky(Printer):
    """Fails once as offline, then prints; records the thread each call ran on."""

    accepts = (PDF, PNG)

    def __init__(self) -> None:
        self.calls: list[str] = []
        self.name = "flaky"

    def status(self) -> Status:
        return Status(True)

    def print_file(self, path: Path, content_type: str, title: str) -> str:
        self.calls.append(threading.current_thread().name)
        if len(self.calls) == 1:
            raise PrinterProblem("offline", "cable pulled")
        return "ok"


def test_worker_thread_retries_off_the_calling_thread(sessions) -> None:
    printer = Flaky()
    queue = PrintQueue(sessions, lambda spec: printer, retry_seconds=0.05)
    done = threading.Event()
    states: list[str] = []

    def listen(event: JobEvent) -> None:
        states.append(event.job.state)
        if event.job.state == "printed":
            done.set()

    queue.subscribe(listen)
    queue.start()
    try:
        queue.submit("receipt", b"%PDF", PDF, "flaky")
        assert done.wait(10)
    finally:
        queue.stop()
    assert states == ["queued", "waiting", "printed"]
    assert (
        set(printer.calls) == {"print-jobs"}
        and threading.current_thread().name not in printer.calls
    )


def test_documents_are_rendered_for_the_printer_kind(sessions, tmp_path: Path) -> None:
    app = sample_application("renewal")
    data, ctype = render_for("escpos:/dev/null", app, "slip")
    assert ctype == PNG and data[:4] == b"\x89PNG"
    data, ctype = render_for("cups:A4", app, "form")
    assert ctype == PDF and data[:5] == b"%PDF-"
    with pytest.raises(ValueError):
        render_for("escpos:/dev/null", app, "form")
    with pytest.raises(ValueError):
        render_for("folder", app, "receipt")
    queue = make_queue(sessions, tmp_path)
    folder = f"folder:{tmp_path / 'o'}"
    job = print_application(queue, Printers(folder, folder), app, "form")
    queue.run_once()
    assert queue.status(job).state == "printed"
    with sessions() as s:
        assert s.scalars(select(PrintJob.document)).all() == ["form"]


def test_printer_specs() -> None:
    assert isinstance(open_printer("folder"), FolderPrinter)
    assert open_printer("cups:Q@127.0.0.1:631").name == "cups:Q@127.0.0.1:631"
    assert open_printer("escpos:socket://127.0.0.1:9100").name == "escpos:socket://127.0.0.1:9100"
    with pytest.raises(PrinterSpecError):
        open_printer("laser")

"""The print-job queue on the ``print_jobs`` table: stored first, printed by a worker thread, retried.

``submit`` writes the document into the data folder (fsync) and commits a row before anything is
sent to a printer, so a crash, an offline printer or an empty paper roll never loses a job. The
worker (one thread, never the GUI thread) prints due jobs; a printer problem puts the job in
``waiting`` and it is retried with a growing delay; after ``max_attempts`` it is ``held`` until
staff retry it. Every change is published as a :class:`JobEvent` carrying zh/en messages for
staff and for the applicant. Listeners are called on the worker thread: a Qt UI forwards them
through a queued signal.

A stored document holds the applicant's full ID number and phone, so its file is 0600 and is
deleted as soon as the job has printed (a reprint renders it again); files of jobs that never
print go with retention (:mod:`kiosk.sync.retention`).

States: queued → printing → printed | waiting → (retry) … → held; cancelled by staff.
"""

from __future__ import annotations

import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from kiosk import logs, paths
from kiosk.devices.printers.base import PDF, PNG, Printer, PrinterProblem
from kiosk.domain.messages import Message
from kiosk.storage.models import PrintJob, utcnow

_log = logs.get("print")
EXTENSIONS = {PDF: ".pdf", PNG: ".png"}
TYPES = {ext: ctype for ctype, ext in EXTENSIONS.items()}
OPEN_STATES = ("queued", "waiting", "printing")
PRINTED = Message("printed", "打印完成,请取走打印件。", "Printed; please take your printout.")
QUEUED = Message("print_queued", "正在打印,请稍候……", "Printing, please wait…")
HELD = Message(
    "print_held",
    "多次打印失败,任务已暂停,请检查打印机后在“打印任务”中重试。",
    "Printing failed several times; the job is on hold. Check the printer, then retry it.",
)


@dataclass(frozen=True)
class JobInfo:
    id: int
    document: str
    printer: str
    state: str
    attempts: int
    path: str
    problem: str | None
    application_id: int | None


@dataclass(frozen=True)
class JobEvent:
    job: JobInfo
    staff: Message
    applicant: Message


def remove_document(path: Path) -> bool:
    """Delete a stored document (printed, or past retention); True when a file was there."""
    try:
        path.unlink()
    except FileNotFoundError:
        return False
    except OSError:
        _log.exception("could not delete a printed document")
        return False
    return True


def _info(row: PrintJob) -> JobInfo:
    problem = row.last_error.split(":", 1)[0] if row.last_error else None
    return JobInfo(
        row.id,
        row.document,
        row.printer,
        row.state,
        row.attempts,
        row.path,
        problem,
        row.application_id,
    )


class PrintQueue:
    """Submit, watch and retry print jobs. ``resolve`` maps a stored printer spec to a Printer."""

    def __init__(
        self,
        sessions: sessionmaker[Session],
        resolve: Callable[[str], Printer],
        *,
        retry_seconds: float = 10.0,
        max_attempts: int = 8,
        folder: Path | None = None,
    ):
        self.sessions, self.resolve = sessions, resolve
        self.retry_seconds, self.max_attempts = retry_seconds, max_attempts
        self.folder = folder or paths.print_jobs_dir()
        self._listeners: list[Callable[[JobEvent], None]] = []
        self._due: dict[int, float] = {}  # job id → monotonic time of the next attempt
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()  # one job at a time, worker or run_once
        self._recover()

    # -- API ------------------------------------------------------------------------------------

    def submit(
        self,
        document: str,
        data: bytes,
        content_type: str,
        printer: str,
        application_id: int | None = None,
    ) -> int:
        """Store the document and its job row (durably), then wake the worker. Returns the job id."""
        if content_type not in EXTENSIONS:
            raise ValueError(f"content type must be one of {', '.join(EXTENSIONS)}")
        path = self.folder / f"{uuid.uuid4().hex}{EXTENSIONS[content_type]}"
        paths.write_private(path, data)
        with self.sessions.begin() as s:
            row = PrintJob(
                application_id=application_id,
                document=document,
                printer=printer,
                path=str(path),
                state="queued",
                attempts=0,
            )
            s.add(row)
            s.flush()
            job_id = row.id
        self._publish(job_id, QUEUED, QUEUED)
        self._wake.set()
        return job_id

    def status(self, job_id: int) -> JobInfo:
        with self.sessions() as s:
            row = s.get(PrintJob, job_id)
            if row is None:
                raise KeyError(f"no print job {job_id}")
            return _info(row)

    def jobs(self, states: tuple[str, ...] | None = None) -> list[JobInfo]:
        with self.sessions() as s:
            query = select(PrintJob).order_by(PrintJob.id)
            if states:
                query = query.where(PrintJob.state.in_(states))
            return [_info(r) for r in s.scalars(query)]

    def retry(self, job_id: int) -> None:
        """Staff: send a waiting, held or cancelled job again now (attempt count restarts)."""
        self._set(job_id, "queued", attempts=0)
        self._due.pop(job_id, None)
        self._wake.set()

    def cancel(self, job_id: int) -> None:
        """Staff: stop retrying. The stored file is kept, so the job can still be retried."""
        self._set(job_id, "cancelled")
        self._due.pop(job_id, None)

    def subscribe(self, listener: Callable[[JobEvent], None]) -> Callable[[], None]:
        self._listeners.append(listener)
        return lambda: self._listeners.remove(listener)

    def start(self) -> None:
        if self._thread is None:
            self._stop.clear()
            self._thread = threading.Thread(target=self._loop, name="print-jobs", daemon=True)
            self._thread.start()

    def stop(self, timeout: float = 10.0) -> None:
        self._stop.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout)
            self._thread = None

    def run_once(self, *, ignore_delays: bool = False) -> int:
        """Try every due job once (in the calling thread); returns how many were printed."""
        now = time.monotonic()
        printed = 0
        for info in self.jobs(("queued", "waiting")):
            if not ignore_delays and self._due.get(info.id, 0.0) > now:
                continue
            printed += self._attempt(info)
        return printed

    def wait_idle(self, timeout: float = 30.0) -> bool:
        """Until no job is queued or printing (tests, CLI)."""
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            if not self.jobs(("queued", "printing")):
                return True
            time.sleep(0.05)
        return False

    # -- worker ---------------------------------------------------------------------------------

    def _loop(self) -> None:
        while not self._stop.is_set():
            try:
                self.run_once()
            except Exception:  # the worker must survive a broken job or database hiccup
                _log.exception("print worker error")
            pending = [t for t in self._due.values() if t > time.monotonic()]
            delay = min(pending) - time.monotonic() if pending else 5.0
            self._wake.wait(max(0.05, min(delay, 5.0)))
            self._wake.clear()

    def _attempt(self, info: JobInfo) -> int:
        with self._lock:
            self._set(info.id, "printing", attempts=info.attempts + 1)
            path = Path(info.path)
            try:
                if not path.exists():
                    raise PrinterProblem("error", "stored file is missing")
                printer = self.resolve(info.printer)
                ctype = TYPES.get(path.suffix, PDF)
                if ctype not in printer.accepts:
                    raise PrinterProblem("error", f"{printer.name} does not take {ctype}")
                ref = printer.print_file(path, ctype, f"{info.document}-{info.id}")
            except PrinterProblem as problem:
                return self._failed(info, problem)
            except Exception as exc:  # an unexpected fault is still only a failed attempt
                _log.exception("print job %s failed", info.id)
                return self._failed(info, PrinterProblem("error", repr(exc)))
            self._set(info.id, "printed", error=None, printed=True)
            self._due.pop(info.id, None)
            remove_document(path)
            _log.info("job %s printed on %s (%s)", info.id, info.printer, ref)
            self._publish(info.id, PRINTED, PRINTED)
            return 1

    def _failed(self, info: JobInfo, problem: PrinterProblem) -> int:
        attempts = info.attempts + 1
        held = attempts >= self.max_attempts
        self._set(info.id, "held" if held else "waiting", error=f"{problem.code}: {problem.detail}")
        delay = min(self.retry_seconds * 2 ** (attempts - 1), 300.0)
        self._due[info.id] = time.monotonic() + delay
        _log.warning("job %s on %s: %s (attempt %s)", info.id, info.printer, problem, attempts)
        self._publish(info.id, HELD if held else problem.staff, problem.applicant)
        return 0

    # -- storage --------------------------------------------------------------------------------

    def _recover(self) -> None:
        """A job left 'printing' by a crash goes back to the queue (it may print twice, never zero)."""
        with self.sessions.begin() as s:
            for row in s.scalars(select(PrintJob).where(PrintJob.state == "printing")):
                row.state = "queued"

    def _set(
        self,
        job_id: int,
        state: str,
        *,
        attempts: int | None = None,
        error: str | bool | None = False,
        printed: bool = False,
    ) -> None:
        with self.sessions.begin() as s:
            row = s.get(PrintJob, job_id)
            if row is None:
                raise KeyError(f"no print job {job_id}")
            row.state = state
            if attempts is not None:
                row.attempts = attempts
            if error is not False:
                row.last_error = error  # type: ignore[assignment]
            if printed:
                row.printed_at = utcnow()

    def _publish(self, job_id: int, staff: Message, applicant: Message) -> None:
        event = JobEvent(self.status(job_id), staff, applicant)
        for listener in list(self._listeners):
            try:
                listener(event)
            except Exception:
                _log.exception("print-job listener failed")

"""An in-memory printer, as python-escpos's ``Dummy``: it keeps every job it is given.

For tests, dry runs and training on a machine with no printer and no folder to fill: configure
``printer.form = "memory"`` (or ``memory:NAME``) and read the jobs back from the same process
with ``MemoryPrinter.named(NAME).jobs``. Printers opened from the same spec share their jobs, as
the print queue opens its printer afresh for each attempt. Set ``problem`` to ``offline`` or
``out_of_paper`` to rehearse a failure; ``None`` puts it right again.

Nothing outlives the process: a kiosk in service uses ``folder``, ``cups:`` or ``escpos:``.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar

from kiosk.devices.printers.base import PDF, PNG, Printer, PrinterProblem, Status

DEFAULT_NAME = "memory"


@dataclass(frozen=True)
class PrintedJob:
    title: str
    content_type: str
    data: bytes  # the file's bytes as the printer received them
    printed_at: float  # time.time()


class MemoryPrinter(Printer):
    accepts = (PDF, PNG)
    _named: ClassVar[dict[str, MemoryPrinter]] = {}
    _named_lock: ClassVar[threading.Lock] = threading.Lock()

    def __init__(self, name: str = DEFAULT_NAME):
        self.name = f"memory:{name}"
        self.problem: str | None = None  # offline | out_of_paper | error
        self._jobs: list[PrintedJob] = []
        self._lock = threading.Lock()

    @classmethod
    def named(cls, name: str = DEFAULT_NAME) -> MemoryPrinter:
        """The process's printer of that name (``memory:NAME`` in config), made on first use."""
        with cls._named_lock:
            return cls._named.setdefault(name, cls(name))

    @property
    def jobs(self) -> list[PrintedJob]:
        with self._lock:
            return list(self._jobs)

    @property
    def output(self) -> bytes:
        """Every job's bytes, in order (escpos ``Dummy.output``)."""
        return b"".join(job.data for job in self.jobs)

    def clear(self) -> None:
        with self._lock:
            self._jobs.clear()

    def status(self) -> Status:
        problem = self.problem
        if problem is None:
            return Status(True)
        return Status(False, problem, "set on the in-memory printer")

    def print_file(self, path: Path, content_type: str, title: str) -> str:
        self.check()
        if content_type not in self.accepts:
            raise PrinterProblem("error", f"{self.name} does not take {content_type}")
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise PrinterProblem("error", f"cannot read {path.name}: {exc}") from exc
        with self._lock:
            self._jobs.append(PrintedJob(title, content_type, data, time.time()))
            return f"{self.name}#{len(self._jobs)}"

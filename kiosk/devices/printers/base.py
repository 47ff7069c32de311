"""The small interface every printer implements, and the problems a printer can report.

A printer takes a stored file (PDF or PNG) and either prints it or raises :class:`PrinterProblem`
with a code the job queue understands: ``offline`` and ``out_of_paper`` are retried, the job is
never lost; each code has a message for staff and one for the applicant, in Chinese and English.
"""

from __future__ import annotations

import abc
from dataclasses import dataclass
from pathlib import Path

from kiosk.domain.messages import Message

PDF = "application/pdf"
PNG = "image/png"

STAFF = {
    "offline": Message(
        "printer_offline",
        "打印机未连接、未开机或已停用。请检查电源和数据线;任务已保存,恢复后自动重新打印。",
        "The printer is not connected, switched off or disabled. Check power and cable; "
        "the job is saved and prints again when the printer is back.",
    ),
    "out_of_paper": Message(
        "printer_out_of_paper",
        "打印机缺纸。请装入纸张;任务已保存,装纸后自动重新打印。",
        "The printer is out of paper. Load paper; the job is saved and prints again.",
    ),
    "error": Message(
        "printer_error",
        "打印失败。任务已保存,可在“打印任务”中重试。",
        "Printing failed. The job is saved; retry it from the print jobs list.",
    ),
}
APPLICANT = {
    "offline": Message(
        "printer_unavailable_applicant",
        "打印机暂时无法使用。您的申请已保存,请到柜台,工作人员会为您打印。",
        "The printer is not available right now. Your application is saved; "
        "please go to the counter and staff will print it for you.",
    ),
    "out_of_paper": Message(
        "printer_paper_applicant",
        "打印机需要加纸。您的申请已保存,请到柜台领取打印件。",
        "The printer needs paper. Your application is saved; "
        "please collect the printout at the counter.",
    ),
    "error": Message(
        "printer_failed_applicant",
        "打印未完成。您的申请已保存,请到柜台,工作人员会为您打印。",
        "Printing did not finish. Your application is saved; please go to the counter.",
    ),
}


class PrinterProblem(Exception):
    """The printer cannot print now; ``code`` is offline, out_of_paper or error."""

    def __init__(self, code: str, detail: str = ""):
        self.code = code if code in STAFF else "error"
        self.detail = detail
        super().__init__(f"{self.code}: {detail}" if detail else self.code)

    @property
    def staff(self) -> Message:
        return STAFF[self.code]

    @property
    def applicant(self) -> Message:
        return APPLICANT[self.code]


@dataclass(frozen=True)
class Status:
    ready: bool
    problem: str | None = None  # a PrinterProblem code
    detail: str = ""


class Printer(abc.ABC):
    """One printer. Calls block (serial, subprocess): run them off the GUI thread (jobs.py does)."""

    name: str = "printer"
    accepts: tuple[str, ...] = (PDF,)

    @abc.abstractmethod
    def status(self) -> Status:
        """Ready or not, without printing anything."""

    @abc.abstractmethod
    def print_file(self, path: Path, content_type: str, title: str) -> str:
        """Print a stored file; return the printer's reference for it. Raise PrinterProblem."""

    def check(self) -> None:
        """Raise the printer's current problem, if any."""
        state = self.status()
        if not state.ready:
            raise PrinterProblem(state.problem or "error", state.detail)

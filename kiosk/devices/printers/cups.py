"""A CUPS queue, through the ``lp`` and ``lpstat`` commands (cups-client / cups-bsd).

For A4 printers, and for receipt printers that have a CUPS driver. ``server`` (``host:port``) picks
a cupsd other than the default one, as the tests' private cupsd does. A queue that is stopped,
not accepting jobs, or a cupsd that does not answer, counts as ``offline``: the job stays queued in
the kiosk and is sent again when the queue is back.
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

from kiosk.devices.printers.base import PDF, PNG, Printer, PrinterProblem, Status

TIMEOUT = 20.0


class CupsPrinter(Printer):
    accepts = (PDF, PNG)

    def __init__(
        self, queue: str, server: str | None = None, options: dict[str, str] | None = None
    ):
        self.queue = queue
        self.server = server
        self.options = dict(options or {})
        self.name = f"cups:{queue}" + (f"@{server}" if server else "")

    def _run(self, *args: str) -> subprocess.CompletedProcess[str]:
        cmd = [args[0], *(["-h", self.server] if self.server else []), *args[1:]]
        try:
            return subprocess.run(
                cmd,
                capture_output=True,
                text=True,
                timeout=TIMEOUT,
                check=False,
                env={"LANG": "C", "PATH": "/usr/bin:/bin:/usr/sbin"},
            )
        except FileNotFoundError as exc:
            raise PrinterProblem("offline", f"{args[0]} is not installed (cups-client)") from exc
        except subprocess.TimeoutExpired as exc:
            raise PrinterProblem("offline", f"{args[0]} timed out") from exc

    def status(self) -> Status:
        try:
            shown = self._run("lpstat", "-p", self.queue)
            accepting = self._run("lpstat", "-a", self.queue)
        except PrinterProblem as problem:
            return Status(False, problem.code, problem.detail)
        if shown.returncode != 0:
            return Status(False, "offline", (shown.stderr or shown.stdout).strip())
        text = shown.stdout
        if "disabled" in text:
            paper = re.search(r"paper|media-empty", text, re.IGNORECASE)
            return Status(False, "out_of_paper" if paper else "offline", text.strip())
        if accepting.returncode != 0 or "not accepting" in accepting.stdout:
            return Status(False, "offline", accepting.stdout.strip() or accepting.stderr.strip())
        return Status(True)

    def print_file(self, path: Path, content_type: str, title: str) -> str:
        self.check()
        args = ["lp", "-d", self.queue, "-t", title]
        for key, value in self.options.items():
            args += ["-o", f"{key}={value}"]
        done = self._run(*args, str(path))
        if done.returncode != 0:
            raise PrinterProblem("offline", (done.stderr or done.stdout).strip())
        match = re.search(r"request id is (\S+)", done.stdout)
        return match.group(1) if match else done.stdout.strip()

"""Save-to-folder printer: the demo and training printer (and a safe fallback).

It copies each job into a folder. A trainer can show what happens when a printer fails: put a file
named ``OFFLINE`` or ``OUT-OF-PAPER`` in the folder and the printer reports that problem until the
file is removed.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

from kiosk import paths
from kiosk.devices.printers.base import PDF, PNG, Printer, PrinterProblem, Status


class FolderPrinter(Printer):
    accepts = (PDF, PNG)

    def __init__(self, folder: Path | None = None):
        self.folder = folder or paths.sub("printed")
        self.name = f"folder:{self.folder}"

    def status(self) -> Status:
        if (self.folder / "OFFLINE").exists():
            return Status(False, "offline", "OFFLINE file present (simulated)")
        if (self.folder / "OUT-OF-PAPER").exists():
            return Status(False, "out_of_paper", "OUT-OF-PAPER file present (simulated)")
        return Status(True)

    def print_file(self, path: Path, content_type: str, title: str) -> str:
        self.folder.mkdir(parents=True, exist_ok=True)
        self.check()
        safe = re.sub(r"[^0-9A-Za-z_.-]+", "_", title).strip("_") or "job"
        target = self.folder / f"{safe}{path.suffix}"
        n = 1
        while target.exists():
            n += 1
            target = self.folder / f"{safe}-{n}{path.suffix}"
        try:
            shutil.copyfile(path, target)
        except OSError as exc:
            raise PrinterProblem("offline", str(exc)) from exc
        return str(target)

"""Self-checks of the configured devices: ID-card reader, camera, form and receipt printers.

With ``demo`` the simulators are the devices: the reader simulator is started and read, the
simulated camera gives a frame, and both printers print to the print-jobs folder.
"""

from __future__ import annotations

import importlib
import os
import tempfile
from pathlib import Path
from typing import Any

from kiosk.selfcheck.base import CheckResult, Context, missing_part


def check_reader(ctx: Context) -> CheckResult:
    try:
        importlib.import_module("kiosk.devices.idcard")
    except ImportError as exc:
        return missing_part("reader", "kiosk.devices.idcard", exc)
    reader_probe = importlib.import_module("kiosk.selfcheck.reader_probe")
    result: CheckResult = reader_probe.probe(ctx)
    return result


def check_camera(ctx: Context) -> CheckResult:
    try:
        from kiosk.selfcheck import camera_probe
    except ImportError as exc:
        return missing_part("camera", "kiosk.devices.camera", exc)
    return camera_probe.probe(ctx)


def check_printers(ctx: Context) -> list[CheckResult]:
    """Both printers answer their status query (folder: also writable; CUPS: queue enabled and
    accepting; ESC/POS: the port opens and the printer answers DLE EOT with paper in)."""
    try:
        from kiosk.devices.printers import factory
    except ImportError as exc:
        return [missing_part("printers", "kiosk.devices.printers", exc)]
    return [
        printer_status(
            f"printer.{role}",
            "folder" if ctx.demo else str(ctx.config[f"printer.{role}"]),
            int(ctx.config["printer.escpos_baud"]),
            factory,
        )
        for role in ("form", "receipt")
    ]


def printer_status(name: str, spec: str, baud: int, factory: Any) -> CheckResult:
    from kiosk.devices.printers.base import STAFF
    from kiosk.devices.printers.folder import FolderPrinter

    try:
        printer = factory.open_printer(spec, escpos_baud=baud)
    except factory.PrinterSpecError as exc:
        return CheckResult(name, False, f"打印机设置无效 / {exc}")
    status = printer.status()
    if not status.ready:
        message = STAFF.get(status.problem or "error", STAFF["error"])
        return CheckResult(
            name, False, f"{message.zh} / {printer.name}: {status.detail or message.en}"
        )
    if isinstance(printer, FolderPrinter):
        problem = _unwritable(printer.folder)
        if problem:
            return CheckResult(
                name, False, f"打印文件夹不可写 / cannot write to {printer.folder}: {problem}"
            )
    return CheckResult(name, True, f"打印机就绪 / {printer.name} ready")


def _unwritable(folder: Path) -> str | None:
    try:
        with tempfile.NamedTemporaryFile(dir=folder, prefix=".selfcheck-") as fh:
            fh.write(b"ok")
            fh.flush()
            os.fsync(fh.fileno())
    except OSError as exc:
        return str(exc)
    return None

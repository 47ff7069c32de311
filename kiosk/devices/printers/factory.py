"""Printers from their config spec: ``folder[:PATH]``, ``cups:QUEUE[@HOST:PORT]``, ``escpos:PORT``,
``memory[:NAME]`` (in memory, for tests and dry runs).

``printer.form`` and ``printer.receipt`` in config.toml hold such specs; the print-job table
stores the spec of the printer each job is for.
"""

from __future__ import annotations

from pathlib import Path

from kiosk.devices.printers.base import Printer
from kiosk.devices.printers.cups import CupsPrinter
from kiosk.devices.printers.escpos_serial import EscposSerialPrinter
from kiosk.devices.printers.folder import FolderPrinter
from kiosk.devices.printers.memory import DEFAULT_NAME, MemoryPrinter


class PrinterSpecError(ValueError):
    """A printer spec that names no known kind of printer."""


def open_printer(spec: str, *, escpos_baud: int = 19200) -> Printer:
    kind, _, rest = spec.partition(":")
    if kind == "folder":
        return FolderPrinter(Path(rest) if rest else None)
    if kind == "cups" and rest:
        queue, _, server = rest.partition("@")
        return CupsPrinter(queue, server or None)
    if kind == "escpos" and rest:
        return EscposSerialPrinter(rest, baudrate=escpos_baud)
    if kind == "memory":
        return MemoryPrinter.named(rest or DEFAULT_NAME)
    raise PrinterSpecError(
        f"unknown printer {spec!r}: use folder, folder:PATH, cups:QUEUE[@HOST:PORT], escpos:PORT "
        f"or memory[:NAME] "
        f"/ 无法识别的打印机设置"
    )

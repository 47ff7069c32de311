"""ESC/POS over a real pseudo-terminal: status queries answered, the raster decoded back to an image."""

from __future__ import annotations

import os
import select
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from PIL import Image, ImageChops

from kiosk.devices.printers.base import PNG, PrinterProblem
from kiosk.devices.printers.escpos_serial import EscposSerialPrinter
from kiosk.documents.sample import sample_application
from kiosk.documents.slip import render_slip_raster


class FakeThermalPrinter:
    """The far end of a pty: answers DLE EOT 1/4 with the configured status, records everything."""

    def __init__(self) -> None:
        self.master, self.slave = os.openpty()
        self.port = os.ttyname(self.slave)
        self.printer_status, self.paper_status = 0x12, 0x12  # ready, paper present
        self.silent = False
        self.received = bytearray()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.is_set():
            ready, _, _ = select.select([self.master], [], [], 0.05)
            if not ready:
                continue
            try:
                data = os.read(self.master, 65536)
            except OSError:
                return
            self.received += data
            for query, reply in (
                (b"\x10\x04\x01", self.printer_status),
                (b"\x10\x04\x04", self.paper_status),
            ):
                if query in data and b"\x1b\x40" not in self.received and not self.silent:
                    os.write(self.master, bytes([reply]))

    def close(self) -> None:
        self._stop.set()
        self._thread.join(2)
        os.close(self.master)
        os.close(self.slave)


@pytest.fixture
def thermal() -> Iterator[FakeThermalPrinter]:
    fake = FakeThermalPrinter()
    yield fake
    fake.close()


def decode_raster(stream: bytes) -> Image.Image:
    """Rebuild the image from ESC @, GS v 0 bands, feed and cut."""
    assert stream.startswith(b"\x1b\x40")
    i, bands = 2, []
    while stream[i : i + 4] == b"\x1d\x76\x30\x00":
        wb = int.from_bytes(stream[i + 4 : i + 6], "little")
        h = int.from_bytes(stream[i + 6 : i + 8], "little")
        data = bytes(b ^ 0xFF for b in stream[i + 8 : i + 8 + wb * h])
        bands.append(Image.frombytes("1", (wb * 8, h), data))
        i += 8 + wb * h
    assert stream[i:] == b"\x1b\x64\x04\x1d\x56\x42\x00", "ends with feed and cut"
    out = Image.new("1", (bands[0].width, sum(b.height for b in bands)), 1)
    y = 0
    for band in bands:
        out.paste(band, (0, y))
        y += band.height
    return out


def wait_for_cut(fake: FakeThermalPrinter, timeout: float = 10.0) -> bytes:
    import time

    end = time.monotonic() + timeout
    while not fake.received.endswith(b"\x1d\x56\x42\x00"):
        assert time.monotonic() < end, "the printer never got the cut"
        time.sleep(0.02)
    return bytes(fake.received)


def test_slip_raster_arrives_intact(thermal: FakeThermalPrinter, tmp_path: Path) -> None:
    image = render_slip_raster(sample_application("renewal"))
    path = tmp_path / "slip.png"
    image.save(path)
    printer = EscposSerialPrinter(thermal.port, timeout=1.0)
    assert printer.status().ready
    thermal.received.clear()
    printer.print_file(path, PNG, "slip")
    stream = wait_for_cut(thermal)
    start = stream.index(b"\x1b\x40")
    assert stream[:start].count(b"\x10\x04") == 2  # asked printer and paper status first
    decoded = decode_raster(stream[start:])
    assert decoded.size == image.size
    assert ImageChops.difference(decoded.convert("L"), image.convert("L")).getbbox() is None


def test_paper_end_and_silence_are_reported(thermal: FakeThermalPrinter, tmp_path: Path) -> None:
    path = tmp_path / "s.png"
    Image.new("1", (576, 40), 1).save(path)
    printer = EscposSerialPrinter(thermal.port, timeout=0.3)
    thermal.paper_status = 0x72  # paper-end sensor bits
    with pytest.raises(PrinterProblem) as problem:
        printer.print_file(path, PNG, "s")
    assert problem.value.code == "out_of_paper"
    assert b"\x1b\x40" not in thermal.received  # nothing printed into an empty printer
    thermal.paper_status, thermal.silent = 0x12, True
    assert printer.status().problem == "offline"
    assert EscposSerialPrinter("/dev/does-not-exist").status().problem == "offline"

"""An ESC/POS thermal receipt printer on a serial port (or any pyserial URL), printing rasters.

The slip is sent as a bitmap (``GS v 0``), so Chinese needs no printer font and no code page; the
printer's own GB18030 font is never used. Before each job the printer is asked for its real-time
status (``DLE EOT 1`` printer, ``DLE EOT 4`` paper roll): no answer means offline, the paper-end
bits mean out of paper. (python-escpos can also print images, but its printer profiles cap widths
below the 576 dots of common 80 mm printers, and we need the status replies, so the few commands are
written here.)
"""

from __future__ import annotations

from pathlib import Path

import serial
from PIL import Image

from kiosk.devices.printers.base import PNG, Printer, PrinterProblem, Status

ESC_INIT = b"\x1b\x40"
DLE_EOT_PRINTER = b"\x10\x04\x01"
DLE_EOT_PAPER = b"\x10\x04\x04"
FEED_AND_CUT = b"\x1b\x64\x04" + b"\x1d\x56\x42\x00"  # feed 4 lines, partial cut
BAND = 256  # rows per GS v 0 command: small enough for every printer's buffer


def raster_commands(image: Image.Image) -> bytes:
    """``GS v 0`` bands for a 1-bit image (black = 1), then feed and cut."""
    bw = image.convert("1")
    width_bytes = (bw.width + 7) // 8
    out = bytearray(ESC_INIT)
    for top in range(0, bw.height, BAND):
        band = bw.crop((0, top, width_bytes * 8, min(top + BAND, bw.height)))
        # PIL packs "1" images MSB first with 1 = white; ESC/POS wants 1 = black
        data = bytes(b ^ 0xFF for b in band.tobytes())
        out += (
            b"\x1d\x76\x30\x00"
            + width_bytes.to_bytes(2, "little")
            + band.height.to_bytes(2, "little")
        )
        out += data
    out += FEED_AND_CUT
    return bytes(out)


class EscposSerialPrinter(Printer):
    accepts = (PNG,)

    def __init__(
        self, url: str, baudrate: int = 19200, timeout: float = 1.0, width_dots: int = 576
    ):
        self.url, self.baudrate, self.timeout, self.width_dots = url, baudrate, timeout, width_dots
        self.name = f"escpos:{url}"

    def _open(self) -> serial.SerialBase:
        try:
            return serial.serial_for_url(
                self.url,
                baudrate=self.baudrate,
                timeout=self.timeout,
                write_timeout=max(self.timeout, 5.0),
            )
        except (serial.SerialException, OSError, ValueError) as exc:
            raise PrinterProblem("offline", f"cannot open {self.url}: {exc}") from exc

    def _status_on(self, port: serial.SerialBase) -> Status:
        port.reset_input_buffer()
        replies = []
        for query in (DLE_EOT_PRINTER, DLE_EOT_PAPER):
            port.write(query)
            port.flush()
            reply = port.read(1)
            if not reply:
                return Status(False, "offline", "no answer to DLE EOT")
            replies.append(reply[0])
        printer, paper = replies
        if paper & 0x60:
            return Status(False, "out_of_paper", f"paper status 0x{paper:02x}")
        if printer & 0x08:
            return Status(False, "offline", f"printer status 0x{printer:02x}")
        return Status(True)

    def status(self) -> Status:
        try:
            with self._open() as port:
                return self._status_on(port)
        except PrinterProblem as problem:
            return Status(False, problem.code, problem.detail)
        except (serial.SerialException, OSError) as exc:
            return Status(False, "offline", str(exc))

    def print_file(self, path: Path, content_type: str, title: str) -> str:
        if content_type != PNG:
            raise PrinterProblem(
                "error", f"an ESC/POS printer takes a PNG raster, not {content_type}"
            )
        with Image.open(path) as img:
            if img.width > self.width_dots:
                raise PrinterProblem(
                    "error", f"image is {img.width} dots wide; printer has {self.width_dots}"
                )
            data = raster_commands(img)
        try:
            with self._open() as port:
                state = self._status_on(port)
                if not state.ready:
                    raise PrinterProblem(state.problem or "error", state.detail)
                port.write(data)
                port.flush()
        except (serial.SerialException, OSError) as exc:
            raise PrinterProblem("offline", str(exc)) from exc
        return f"{len(data)} bytes"

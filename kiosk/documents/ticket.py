"""A narrow document (slip, receipt) as a list of blocks, drawn to PDF or to a thermal-printer raster.

The same blocks give the 80 mm PDF, the A4 PDF and the 576-dot bitmap an ESC/POS printer prints
(8 dots/mm, 72 mm printable), so the paper slip and the PDF never disagree. Layout is in
millimetres; each surface maps them to its units. The body size is 4.25 mm (12 pt, a 34-dot cell):
about 16 Chinese characters to a 72 mm line, big enough for an elderly applicant to read.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from typing import Protocol

import qrcode
from PIL import Image, ImageDraw
from reportlab.lib.pagesizes import A4
from reportlab.pdfgen.canvas import Canvas

from kiosk.documents import fonts
from kiosk.documents.layout import MM, new_canvas

BODY = 4.25  # mm = 12 pt: the smallest text on the slip an elderly applicant must read


@dataclass(frozen=True)
class Text:
    text: str
    size: float = BODY
    bold: bool = False
    align: str = "left"  # left | center | right


@dataclass(frozen=True)
class Field:
    label: str
    value: str
    bold: bool = False
    size: float = BODY


@dataclass(frozen=True)
class Rule:
    dashed: bool = True


@dataclass(frozen=True)
class QR:
    value: str
    size: float = 28.0


@dataclass(frozen=True)
class Gap:
    height: float = 1.5


Block = Text | Field | Rule | QR | Gap


@dataclass
class Ticket:
    title: str
    blocks: list[Block] = field(default_factory=list)

    def add(self, *blocks: Block) -> Ticket:
        self.blocks.extend(blocks)
        return self


class Surface(Protocol):
    def text(
        self, x: float, top: float, text: str, size: float, bold: bool, align: str
    ) -> None: ...
    def line(self, x0: float, x1: float, y: float, dashed: bool) -> None: ...
    def squares(
        self, x: float, top: float, module: float, cells: list[tuple[int, int]]
    ) -> None: ...


LEADING = 1.3


def _lay(ticket: Ticket, width: float, surface: Surface | None) -> float:
    """Walk the blocks, drawing when ``surface`` is given; returns the height used (mm)."""
    y = 0.0
    for block in ticket.blocks:
        if isinstance(block, Text):
            for line in fonts.wrap(block.text, block.size, width):
                if surface:
                    x = {"left": 0.0, "center": width / 2, "right": width}[block.align]
                    surface.text(x, y, line, block.size, block.bold, block.align)
                y += block.size * LEADING
        elif isinstance(block, Field):
            label = f"{block.label}: " if block.label.isascii() else f"{block.label}："
            lw = fonts.width(label, block.size)
            long_code = block.value.isascii() and " " not in block.value
            if long_code and fonts.width(block.value, block.size) > width - lw:
                # one long code (a photo number): under its label, where the whole width is free
                if surface:
                    surface.text(0, y, label, block.size, False, "left")
                y += block.size * LEADING
                label, lw = "", 0.0
            lines = fonts.wrap(block.value, block.size, width - lw)
            for i, line in enumerate(lines):
                if surface:
                    if i == 0 and label:
                        surface.text(0, y, label, block.size, False, "left")
                    surface.text(lw, y, line, block.size, block.bold, "left")
                y += block.size * LEADING
        elif isinstance(block, Rule):
            if surface:
                surface.line(0, width, y + 1.0, block.dashed)
            y += 2.0
        elif isinstance(block, QR):
            matrix = _qr_matrix(block.value)
            module = block.size / len(matrix)
            cells = [(c, r) for r, row in enumerate(matrix) for c, dark in enumerate(row) if dark]
            if surface:
                surface.squares((width - block.size) / 2, y + 1, module, cells)
            y += block.size + 2
        else:
            y += block.height
    return y


def _qr_matrix(value: str) -> list[list[bool]]:
    code = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, border=0)
    code.add_data(value)
    code.make(fit=True)
    return [list(row) for row in code.get_matrix()]


# -- PDF ----------------------------------------------------------------------------------------


class _PdfSurface:
    def __init__(self, canvas: Canvas, x0: float, top: float, scale: float):
        self.c, self.x0, self.top, self.k = canvas, x0, top, scale * MM

    def text(self, x: float, top: float, text: str, size: float, bold: bool, align: str) -> None:
        baseline = self.top - (top + size * 0.95) * self.k
        fonts.draw(
            self.c, self.x0 + x * self.k, baseline, text, size * self.k, bold=bold, align=align
        )

    def line(self, x0: float, x1: float, y: float, dashed: bool) -> None:
        self.c.saveState()
        self.c.setLineWidth(0.6)
        if dashed:
            self.c.setDash(2, 2)
        yy = self.top - y * self.k
        self.c.line(self.x0 + x0 * self.k, yy, self.x0 + x1 * self.k, yy)
        self.c.restoreState()

    def squares(self, x: float, top: float, module: float, cells: list[tuple[int, int]]) -> None:
        m = module * self.k
        left, upper = self.x0 + x * self.k, self.top - top * self.k
        path = self.c.beginPath()
        for col, row in cells:
            path.rect(left + col * m, upper - (row + 1) * m, m, m)
        self.c.drawPath(path, stroke=0, fill=1)


def render_pdf(ticket: Ticket, paper: str = "80mm", subject: str = "") -> bytes:
    """``paper`` 80mm: a roll page 80 mm wide as long as the content; a4: centred on A4."""
    out = io.BytesIO()
    if paper == "80mm":
        width, margin = 72.0, 4.0
        height = _lay(ticket, width, None) + 2 * margin
        size = (80 * MM, height * MM)
        canvas = new_canvas(out, size, ticket.title, subject)
        _lay(ticket, width, _PdfSurface(canvas, margin * MM, size[1] - margin * MM, 1.0))
    elif paper == "a4":
        scale = 1.45  # the roll layout, enlarged, framed in the upper part of the sheet
        width = 72.0
        used = _lay(ticket, width, None) * scale
        canvas = new_canvas(out, A4, ticket.title, subject)
        x0 = (A4[0] - width * scale * MM) / 2
        top = A4[1] - 20 * MM
        canvas.setLineWidth(0.8)
        canvas.rect(
            x0 - 8 * MM, top - used * MM - 8 * MM, (width * scale + 16) * MM, (used + 16) * MM
        )
        _lay(ticket, width, _PdfSurface(canvas, x0, top, scale))
    else:
        raise ValueError(f"paper must be 80mm or a4, not {paper!r}")
    canvas.showPage()
    canvas.save()
    return out.getvalue()


# -- raster (ESC/POS) ---------------------------------------------------------------------------

DOTS_PER_MM = 8
PRINT_WIDTH_DOTS = 576


class _RasterSurface:
    def __init__(self, image: Image.Image, margin_dots: int):
        self.img, self.draw, self.m = image, ImageDraw.Draw(image), margin_dots

    def _d(self, mm: float) -> int:
        return round(mm * DOTS_PER_MM)

    def text(self, x: float, top: float, text: str, size: float, bold: bool, align: str) -> None:
        px = self._d(size)
        total = fonts.width(text, size) * DOTS_PER_MM
        left = self._d(x) - (total / 2 if align == "center" else total if align == "right" else 0)
        pos = self.m + left
        for font, piece in fonts.runs(text):
            if font == fonts.MISSING:
                self.draw.rectangle(
                    (pos + 1, self._d(top), pos + px - 2, self._d(top) + px - 1), outline=0
                )
                small = fonts.pil_font(fonts.PRIMARY, max(px // 4, 6))
                self.draw.text(
                    (pos + 2, self._d(top) + px // 3), fonts.code_label(piece), font=small, fill=0
                )
                pos += px
                continue
            pil = fonts.pil_font(font, px)
            self.draw.text(
                (pos, self._d(top)),
                piece,
                font=pil,
                fill=0,
                stroke_width=1 if bold else 0,
                stroke_fill=0,
            )
            pos += fonts.width(piece, size) * DOTS_PER_MM

    def line(self, x0: float, x1: float, y: float, dashed: bool) -> None:
        yy, a, b = self._d(y), self.m + self._d(x0), self.m + self._d(x1)
        step = 12 if dashed else b - a
        for start in range(a, b, step):
            self.draw.line(
                (start, yy, min(start + (8 if dashed else step), b), yy), fill=0, width=2
            )

    def squares(self, x: float, top: float, module: float, cells: list[tuple[int, int]]) -> None:
        m = max(round(module * DOTS_PER_MM), 1)  # whole dots per module keep the code scannable
        left, upper = self.m + self._d(x), self._d(top)
        for col, row in cells:
            self.draw.rectangle(
                (
                    left + col * m,
                    upper + row * m,
                    left + (col + 1) * m - 1,
                    upper + (row + 1) * m - 1,
                ),
                fill=0,
            )


def render_raster(ticket: Ticket, width_dots: int = PRINT_WIDTH_DOTS) -> Image.Image:
    """The ticket as a 1-bit image ``width_dots`` wide (576 for 80 mm paper, 384 for 58 mm)."""
    width_mm = width_dots / DOTS_PER_MM
    height = _lay(ticket, width_mm, None)
    image = Image.new("L", (width_dots, round((height + 4) * DOTS_PER_MM)), 255)
    _lay(ticket, width_mm, _RasterSurface(image, 0))
    return image.point(lambda v: 0 if v < 160 else 255, mode="1")

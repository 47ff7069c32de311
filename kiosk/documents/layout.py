"""Drawing primitives shared by the form, the slip and the receipt: grid cells, tick boxes, codes.

Everything is drawn in black on white with plain lines, so photocopies of photocopies stay
readable. All text goes through :mod:`kiosk.documents.fonts`; barcodes carry no reportlab caption
(its default Helvetica would be an unembedded font), the number is printed in our own font.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field

from reportlab.graphics import renderPDF
from reportlab.graphics.barcode import code128, qr
from reportlab.graphics.shapes import Drawing
from reportlab.lib.utils import ImageReader
from reportlab.pdfgen.canvas import Canvas

from kiosk.documents import fonts

MM = 72 / 25.4
TICK = "√"


def new_canvas(out: io.BytesIO, size: tuple[float, float], title: str, subject: str) -> Canvas:
    """A canvas whose initial font is ours, so no Helvetica reference ends up in the PDF."""
    fonts.register()
    canvas = Canvas(
        out,
        pagesize=size,
        initialFontName=fonts.PRIMARY,
        initialFontSize=10,
        pageCompression=1,
        invariant=0,
    )
    canvas.setTitle(title)
    canvas.setSubject(subject)
    canvas.setCreator("sz-residence-kiosk")
    canvas.setAuthor("深圳市居住证受理点自助终端")
    return canvas


def text_in_box(
    canvas: Canvas,
    x: float,
    y: float,
    w: float,
    h: float,
    text: str,
    size: float = 9.5,
    *,
    align: str = "left",
    bold: bool = False,
    pad: float = 1.6 * MM,
    min_size: float = 6.0,
) -> None:
    """Text inside the box whose top-left corner is (x, y): wrapped, shrunk to fit, centred
    vertically. ``y`` grows downwards from the page top in callers' terms (we get page coords)."""
    inner = w - 2 * pad
    while True:
        lines = fonts.wrap(text, size, inner)
        leading = size * 1.22
        if len(lines) * leading <= h - 2 or size <= min_size:
            break
        size -= 0.5
    block = len(lines) * leading
    baseline = y - (h - block) / 2 - size * 0.95
    for line in lines:
        if align == "center":
            fonts.draw(canvas, x + w / 2, baseline, line, size, bold=bold, align="center")
        else:
            fonts.draw(canvas, x + pad, baseline, line, size, bold=bold)
        baseline -= leading


def cell(
    canvas: Canvas,
    x: float,
    y: float,
    w: float,
    h: float,
    text: str = "",
    size: float = 9.5,
    *,
    label: bool = False,
    align: str | None = None,
) -> None:
    """One ruled grid cell; a label cell is centred and bold."""
    canvas.rect(x, y - h, w, h)
    if text:
        text_in_box(
            canvas,
            x,
            y,
            w,
            h,
            text,
            size,
            align=align or ("center" if label else "left"),
            bold=label,
        )


def tick_box(canvas: Canvas, x: float, baseline: float, checked: bool, size: float = 9.5) -> float:
    """A square box with √ when ``checked``; returns the width it took."""
    side = size * 0.95
    canvas.saveState()
    canvas.setLineWidth(0.7)
    canvas.rect(x, baseline - size * 0.12, side, side)
    canvas.restoreState()
    if checked:
        fonts.draw(
            canvas,
            x + side / 2,
            baseline + size * 0.02,
            TICK,
            size * 1.05,
            bold=True,
            align="center",
        )
    return side + size * 0.3


def options(
    canvas: Canvas,
    x: float,
    baseline: float,
    items: list[tuple[str, bool]],
    size: float = 9.5,
    gap: float = 4 * MM,
) -> float:
    """A row of tick boxes with labels; returns the x after the last one."""
    for text, checked in items:
        x += tick_box(canvas, x, baseline, checked, size)
        x += fonts.draw(canvas, x, baseline, text, size) + gap
    return x


def barcode128(canvas: Canvas, value: str, x: float, y: float, height: float, width: float) -> None:
    """A Code 128 barcode scaled into ``width`` at (x, y) bottom-left, without a caption."""
    bar = code128.Code128(value, barHeight=height, barWidth=1.0, humanReadable=False, quiet=False)
    scale = width / bar.width
    canvas.saveState()
    canvas.translate(x, y)
    canvas.scale(scale, 1)
    bar.drawOn(canvas, 0, 0)
    canvas.restoreState()


def qr_code(canvas: Canvas, value: str, x: float, y: float, size: float) -> None:
    """A QR code (error correction M), ``size`` square at (x, y) bottom-left, vector bars."""
    widget = qr.QrCodeWidget(value, barLevel="M", barBorder=2)
    x0, y0, x1, y1 = widget.getBounds()
    drawing = Drawing(size, size, transform=[size / (x1 - x0), 0, 0, size / (y1 - y0), 0, 0])
    drawing.add(widget)
    renderPDF.draw(drawing, canvas, x, y)


def image(canvas: Canvas, data: bytes, x: float, y: float, w: float, h: float) -> None:
    """A JPEG/PNG fitted inside the box (aspect kept, centred), with a white backdrop."""
    reader = ImageReader(io.BytesIO(data))
    iw, ih = reader.getSize()
    scale = min(w / iw, h / ih)
    dw, dh = iw * scale, ih * scale
    canvas.drawImage(reader, x + (w - dw) / 2, y + (h - dh) / 2, dw, dh, mask="auto")


@dataclass
class Flow:
    """A top-down cursor over pages: ``need`` starts a new page when a block would not fit."""

    canvas: Canvas
    top: float
    bottom: float
    y: float = 0.0
    page: int = 1
    on_new_page: list[object] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.y = self.top

    def need(self, height: float) -> bool:
        """True when a new page was started to fit ``height``."""
        if self.y - height >= self.bottom:
            return False
        self.canvas.showPage()
        self.page += 1
        self.y = self.top
        for hook in self.on_new_page:
            hook(self)  # type: ignore[operator]
        return True


def form_row(
    flow: Flow, cols: list[tuple[float, str, bool]], h: float, x: float, size: float
) -> None:
    """One row of an A4 form's table: (width, text, is_label) cells side by side."""
    for w, text, is_label in cols:
        cell(flow.canvas, x, flow.y, w, h, text, size, label=is_label)
        x += w
    flow.y -= h


def form_section(flow: Flow, title: str, x0: float, width: float, body_height: float) -> None:
    """A grey section bar (kept on one page with ``body_height`` of what follows it)."""
    h = 6.5 * MM
    flow.need(h + body_height)
    c = flow.canvas
    c.saveState()
    c.setFillGray(0.9)
    c.rect(x0, flow.y - h, width, h, fill=1)
    c.restoreState()
    text_in_box(c, x0, flow.y, width, h, title, 10, bold=True)
    flow.y -= h


# the applicant's promise above the signature, the same on both A4 forms
PROMISE = (
    "本人承诺：以上所填信息及所交材料真实、准确、完整，所选办理条件属实；"
    "如有虚假，愿承担相应法律责任。"
)


def signature_block(
    flow: Flow,
    x0: float,
    width: float,
    signature_png: bytes | None,
    signed_on: str,
    size: float,
) -> None:
    """Sections six and seven of both A4 forms: the applicant's promise and signature beside the
    acceptance unit's boxes, which staff fill in by hand."""
    h = 26 * MM
    flow.need(h + 6.5 * MM)
    half = width / 2
    c = flow.canvas
    for i, title in enumerate(("六、申请人承诺及签名", "七、受理单位意见（由工作人员填写）")):
        c.saveState()
        c.setFillGray(0.9)
        c.rect(x0 + i * half, flow.y - 6.5 * MM, half, 6.5 * MM, fill=1)
        c.restoreState()
        text_in_box(c, x0 + i * half, flow.y, half, 6.5 * MM, title, 10, bold=True)
    flow.y -= 6.5 * MM
    c.rect(x0, flow.y - h, half, h)
    c.rect(x0 + half, flow.y - h, half, h)
    text_in_box(c, x0, flow.y, half, 10 * MM, PROMISE, 8.5)
    fonts.draw(c, x0 + 2 * MM, flow.y - 16.5 * MM, "申请人签名：", size)
    if signature_png:
        image(c, signature_png, x0 + 24 * MM, flow.y - 21 * MM, 46 * MM, 11 * MM)
    fonts.draw(c, x0 + 2 * MM, flow.y - 24 * MM, f"日期：{signed_on}", size)
    sx = x0 + half + 2 * MM
    fonts.draw(c, sx, flow.y - 6 * MM, "受理人：____________  受理日期：____年__月__日", size)
    y = flow.y - 13 * MM
    x = fonts.draw(c, sx, y, "审核意见：", size) + sx + 1 * MM
    options(c, x, y, [("同意", False), ("不同意", False)], size)
    fonts.draw(c, sx, flow.y - 19 * MM, "审核人：____________  审核日期：____年__月__日", size)
    fonts.draw(c, x0 + width - 4 * MM, flow.y - h + 3 * MM, "（受理单位盖章）", 8.5, align="right")
    flow.y -= h

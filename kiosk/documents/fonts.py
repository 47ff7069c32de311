"""The fonts every document embeds, and text drawing that never drops a character.

Two TrueType fonts ship in ``resources/fonts`` (see its README): WenQuanYi Zen Hei for nearly
everything, and "Kiosk Han Fallback" for the rarer ideographs (生僻字) WenQuanYi lacks. Text is split
into runs by which font has each character. A character neither font has is drawn as a framed box
with its code point and reported by :func:`missing`, so staff can hand-write it; it is never dropped.

reportlab embeds a subset of each font, so a PDF prints the same on any machine. Its ToUnicode map
writes code points above U+FFFF wrongly (five hex digits); :func:`register` patches it to UTF-16 so
text extraction of an Extension B name gives the right character back.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from functools import cache
from typing import Any

from PIL import ImageFont
from reportlab.pdfbase import pdfmetrics, ttfonts
from reportlab.pdfgen.canvas import Canvas

from kiosk import resources

PRIMARY = "KioskHan"
FALLBACK = "KioskHanFallback"
FILES = {PRIMARY: "wqy-zenhei.ttf", FALLBACK: "kiosk-han-fallback.ttf"}
MISSING = "missing"  # pseudo font of a run no font can draw

_lock = threading.Lock()


def _utf16_hex(code: int) -> str:
    return "".join(f"{unit:04X}" for unit in _utf16_units(code))


def _utf16_units(code: int) -> tuple[int, ...]:
    if code < 0x10000:
        return (code,)
    code -= 0x10000
    return (0xD800 + (code >> 10), 0xDC00 + (code & 0x3FF))


def _to_unicode_cmap(fontname: str, subset: list[int]) -> str:
    lines = [
        "/CIDInit /ProcSet findresource begin",
        "12 dict begin",
        "begincmap",
        f"/CIDSystemInfo << /Registry ({fontname}) /Ordering ({fontname}) /Supplement 0 >> def",
        f"/CMapName /{fontname} def",
        "/CMapType 2 def",
        "1 begincodespacerange",
        f"<00> <{len(subset) - 1:02X}>",
        "endcodespacerange",
        f"{len(subset)} beginbfchar",
        *(f"<{i:02X}> <{_utf16_hex(v)}>" for i, v in enumerate(subset)),
        "endbfchar",
        "endcmap",
        "CMapName currentdict /CMap defineresource pop",
        "end",
        "end",
    ]
    return "\n".join(lines)


@cache
def register() -> None:
    """Register both fonts with reportlab (once per process)."""
    with _lock:
        ttfonts.makeToUnicodeCMap = _to_unicode_cmap
        for name, filename in FILES.items():
            path = resources.path("fonts", filename)
            if not path.exists():
                raise FileNotFoundError(
                    f"font file missing: {path} (字体文件缺失，请重新安装本程序 / reinstall the kiosk)"
                )
            pdfmetrics.registerFont(ttfonts.TTFont(name, str(path)))


@cache
def _coverage(name: str) -> frozenset[int]:
    register()
    font: Any = pdfmetrics.getFont(name)
    return frozenset(font.face.charToGlyph)


def font_for(char: str) -> str:
    code = ord(char)
    if code in _coverage(PRIMARY) or char in "\n\t ":
        return PRIMARY
    if code in _coverage(FALLBACK):
        return FALLBACK
    return MISSING


def runs(text: str) -> list[tuple[str, str]]:
    """``text`` cut into ``(font, piece)`` runs; font is PRIMARY, FALLBACK or MISSING."""
    out: list[tuple[str, str]] = []
    for char in text:
        font = font_for(char)
        if out and out[-1][0] == font and font != MISSING:
            out[-1] = (font, out[-1][1] + char)
        else:
            out.append((font, char))
    return out


def missing(text: str) -> list[str]:
    """The characters of ``text`` no shipped font can draw (printed as code-point boxes)."""
    return [c for c in dict.fromkeys(text) if font_for(c) == MISSING]


def code_label(char: str) -> str:
    return f"U+{ord(char):04X}"


def width(text: str, size: float) -> float:
    total = 0.0
    for font, piece in runs(text):
        if font == MISSING:
            total += size * 1.0
        else:
            total += pdfmetrics.stringWidth(piece, font, size)
    return total


def draw(
    canvas: Canvas,
    x: float,
    y: float,
    text: str,
    size: float,
    *,
    bold: bool = False,
    align: str = "left",
) -> float:
    """Draw one line at baseline ``y``; returns its width. ``align``: left, center, right."""
    total = width(text, size)
    if align == "center":
        x -= total / 2
    elif align == "right":
        x -= total
    for font, piece in runs(text):
        if font == MISSING:
            _draw_missing(canvas, x, y, piece, size)
            x += size
            continue
        if bold:  # no bold face: fill and stroke the outline, inside q/Q so Tr does not leak
            canvas.saveState()
            canvas.setLineWidth(size * 0.035)
        t = canvas.beginText(x, y)
        t.setFont(font, size)
        if bold:
            t.setTextRenderMode(2)
        t.textOut(piece)
        canvas.drawText(t)
        if bold:
            canvas.restoreState()
        x += pdfmetrics.stringWidth(piece, font, size)
    return total


def _draw_missing(canvas: Canvas, x: float, y: float, char: str, size: float) -> None:
    canvas.saveState()
    canvas.setLineWidth(0.5)
    canvas.rect(x + size * 0.05, y - size * 0.12, size * 0.9, size * 0.95)
    label = code_label(char)
    small = size * 0.9 / max(pdfmetrics.stringWidth(label, PRIMARY, 1), 1)
    canvas.setFont(PRIMARY, small)
    canvas.drawCentredString(x + size / 2, y + size * 0.25, label)
    canvas.restoreState()


OPENING = "（《「『“‘([{"


def wrap(
    text: str, size: float, max_width: float, measure: Callable[[str, float], float] | None = None
) -> list[str]:
    """Break ``text`` into lines no wider than ``max_width``: anywhere between CJK characters,
    at spaces between Latin words, never before closing punctuation and never after opening
    punctuation (a line does not end in "（")."""
    measure = measure or width
    lines: list[str] = []
    for paragraph in text.split("\n"):
        line = ""
        for token in _tokens(paragraph):
            candidate = line + token
            if line and measure(candidate.rstrip(), size) > max_width and token.strip():
                if token[0] in "，。、；：？！）》」』,.;:?!)":
                    candidate = line[:-1]
                    lines.append(candidate)
                    line = line[-1] + token
                    continue
                if len(line.rstrip()) > 1 and line.rstrip()[-1] in OPENING:
                    kept = line.rstrip()
                    lines.append(kept[:-1].rstrip())
                    line = kept[-1] + token.lstrip()
                    continue
                lines.append(line.rstrip())
                line = token.lstrip()
            else:
                line = candidate
        lines.append(line.rstrip())
    return lines


def _tokens(text: str) -> list[str]:
    """Latin words (with their trailing space) stay whole; every other character is a token."""
    tokens: list[str] = []
    word = ""
    for char in text:
        if char.isascii() and not char.isspace():
            word += char
            continue
        if word:
            tokens.append(word)
            word = ""
        if char == " " and tokens:
            tokens[-1] += char
        else:
            tokens.append(char)
    if word:
        tokens.append(word)
    return tokens


# -- the same fonts for raster output (ESC/POS) --------------------------------------------------


@cache
def pil_font(name: str, pixels: int) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(str(resources.path("fonts", FILES[name])), pixels)

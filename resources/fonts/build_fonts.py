"""Build the two fonts the documents and the UI use, from the Debian font packages.

``scripts/setup`` runs it when the files are missing (they are not kept in git: 12 MB); the
PyInstaller bundle ships what it made. Needs fonttools (in the test extra) and the Debian packages
fonts-wqy-zenhei and fonts-noto-cjk:

    .venv/bin/python resources/fonts/build_fonts.py

- ``wqy-zenhei.ttf``: face 0 of wqy-zenhei.ttc (WenQuanYi Zen Hei, GPL-2+ with font exception),
  without the embedded BDF bitmaps that PDFs never use, so it is smaller to ship and faster to load.
- ``kiosk-han-fallback.ttf``: every CJK code point that WenQuanYi lacks but Noto Sans CJK has
  (mostly Extension B-F 生僻字), converted from CFF to TrueType outlines because reportlab embeds
  only TrueType. Noto Sans CJK is under the SIL OFL 1.1 with the reserved name "Source", so this
  modified subset is renamed "Kiosk Han Fallback".
"""

from __future__ import annotations

from pathlib import Path

from fontTools.fontBuilder import FontBuilder
from fontTools.pens.cu2quPen import Cu2QuPen
from fontTools.pens.ttGlyphPen import TTGlyphPen
from fontTools.ttLib import TTCollection

HERE = Path(__file__).resolve().parent
WQY = "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc"
NOTO = "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"
FALLBACK_NAME = "Kiosk Han Fallback"


def build_primary() -> set[int]:
    font = TTCollection(WQY).fonts[0]
    for tag in ("BDF ", "EBDT", "EBLC", "FFTM"):
        if tag in font:
            del font[tag]
    font.save(HERE / "wqy-zenhei.ttf")
    return set(font.getBestCmap())


def build_fallback(covered: set[int]) -> None:
    faces = TTCollection(NOTO).fonts
    source = faces[0]
    glyphs = source.getGlyphSet()
    cmap: dict[int, str] = {}
    for face in faces:  # every regional face shares one CFF; their cmaps add code points
        for cp, name in face.getBestCmap().items():
            if cp >= 0x2E80 and cp not in covered and cp not in cmap:
                cmap[cp] = name
    order = [".notdef", *sorted(set(cmap.values()))]
    upm = source["head"].unitsPerEm
    outlines, metrics = {}, {}
    for name in order:
        pen = TTGlyphPen(None)
        glyphs[name].draw(Cu2QuPen(pen, max_err=1.0, reverse_direction=True))
        outlines[name] = pen.glyph()
        metrics[name] = source["hmtx"][name]
    fb = FontBuilder(upm, isTTF=True)
    fb.setupGlyphOrder(order)
    fb.setupCharacterMap(cmap)
    fb.setupGlyf(outlines)
    fb.setupHorizontalMetrics(metrics)
    hhea = source["hhea"]
    fb.setupHorizontalHeader(ascent=hhea.ascent, descent=hhea.descent)
    fb.setupNameTable({"familyName": FALLBACK_NAME, "styleName": "Regular"})
    fb.setupOS2(
        sTypoAscender=hhea.ascent,
        sTypoDescender=hhea.descent,
        usWinAscent=hhea.ascent,
        usWinDescent=-hhea.descent,
        fsType=0,
    )
    fb.setupPost()
    fb.save(HERE / "kiosk-han-fallback.ttf")
    print(f"fallback: {len(cmap)} code points, {len(order)} glyphs")


if __name__ == "__main__":
    build_fallback(build_primary())

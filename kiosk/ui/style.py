"""Styles and fonts of the applicant screens: resources/styles/kiosk.qss with its sizes filled in.

Normal: body text 24 px, titles 40 px; large-text (elder) mode: 32 and 52 px. Targets are at least
64 px high everywhere (72 for the main buttons). Fonts: the CJK font shipped in resources/fonts,
else the system's Noto CJK.
"""

from __future__ import annotations

from PySide6.QtGui import QFont, QFontDatabase
from PySide6.QtWidgets import QApplication

from kiosk import logs, resources

SIZES = {
    False: {"BODY": 24, "TITLE": 40, "SMALL": 24, "KEY": 28},
    True: {"BODY": 32, "TITLE": 52, "SMALL": 28, "KEY": 34},
}
SYSTEM_CJK = ("Noto Sans CJK SC", "Noto Sans SC", "WenQuanYi Zen Hei", "Source Han Sans SC")
_log = logs.get("kiosk.ui")
_family: list[str] = []


def stylesheet(large: bool) -> str:
    text = resources.path("styles", "kiosk.qss").read_text(encoding="utf-8")
    for name, px in SIZES[large].items():
        text = text.replace(f"@{name}@", str(px))
    return text


def body_px(large: bool) -> int:
    return SIZES[large]["BODY"]


def load_fonts() -> str:
    """Register the shipped CJK font; return the family the UI uses (cached after the first call)."""
    if _family:
        return _family[0]
    families: list[str] = []
    for name in ("wqy-zenhei.ttf", "kiosk-han-fallback.ttf"):
        try:
            path = resources.path("fonts", name)
        except FileNotFoundError:
            continue
        if path.exists():
            font_id = QFontDatabase.addApplicationFont(str(path))
            if font_id >= 0:
                families += QFontDatabase.applicationFontFamilies(font_id)
    installed = set(QFontDatabase.families())
    system = [f for f in SYSTEM_CJK if f in installed]
    # the shipped font first (same face on every kiosk and as on paper), the system's Noto CJK next
    chosen = (families or system or ["Sans Serif"])[0]
    _family.append(chosen)
    _family.extend(f for f in families + system if f != chosen)
    _log.info("UI font: %s", chosen)
    return chosen


def apply(app: QApplication, large: bool) -> None:
    family = load_fonts()
    font = QFont(family)
    font.setFamilies(list(_family))
    font.setPixelSize(body_px(large))
    app.setFont(font)
    app.setStyleSheet(stylesheet(large))

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

# Rules for the widgets added after kiosk.qss was written (tick boxes, the keypad's wide keys,
# the big start button ...); appended to it, so they win over its general rules. Wrapping
# buttons (kiosk.ui.base.WrapButton) draw their words in the colours used here for buttons.
EXTRA = """
QPushButton#primary { min-width: 220px; }
QPushButton#start { min-width: 360px; min-height: 104px; border-radius: 14px; font-weight: bold;
                    font-size: @TITLE@px; background: #0a5bc4; color: #ffffff;
                    border: 2px solid #0a4a9e; }
QPushButton#start:pressed { background: #08479a; }
QPushButton#toggle { border-style: dashed; }
QPushButton#toggle:checked { border-style: solid; }
QPushButton#key { min-width: 76px; }
QPushButton#key[wide="true"] { min-width: 150px; padding: 0 16px; font-size: @BODY@px; }
QPushButton#hideKeys { min-height: 64px; min-width: 150px; padding: 0 16px; border-radius: 10px;
                       background: #e6e9ed; color: #0b2545; border: 2px solid #51606f; }
QLabel#composition { font-size: @KEY@px; font-weight: bold; color: #0b2545; min-width: 170px; }
QLabel#fieldCaption { font-weight: bold; }
QLabel#sectionTitle { font-weight: bold; color: #0b2545; }
QLabel#bigNumber { font-size: @TITLE@px; font-weight: bold; color: #0b2545; }
QPushButton#day[month="true"] { font-size: @SMALL@px; }
QLineEdit { color: #1b1f24; placeholder-text-color: @PLACEHOLDER@; }
QLineEdit[invalid="true"] { border: 4px solid #a4000f; background: #fdecee; }
QLabel#fieldError { color: #a4000f; font-weight: bold; background: #fdecee;
                    border: 2px solid #a4000f; border-radius: 8px; padding: 6px 10px; }
QLabel#declaration { font-weight: bold; color: #0b2545; }
QPushButton#bigChoice { min-height: 88px; min-width: 300px; font-weight: bold; padding: 0 24px; }
QPushButton#elder { min-height: 64px; padding: 0 16px; font-weight: bold; color: #ffffff;
                    background: #0b3d7a; border: 2px solid #ffffff; border-radius: 10px; }
QPushButton#elder:checked { background: #ffffff; color: #0b2545; }
QPushButton#stillHere { min-height: 120px; min-width: 480px; font-size: @TITLE@px; font-weight: bold;
                        background: #0a5bc4; color: #ffffff; border: 2px solid #0a4a9e;
                        border-radius: 14px; }
QPushButton#scroll { min-height: 64px; min-width: 64px; max-width: 64px; padding: 0; }
QLineEdit#phoneField { font-size: @TITLE@px; letter-spacing: 2px; }
"""


# "点这里输入" in empty fields: 5.9:1 on the fields' white (Qt draws the text colour at half
# alpha otherwise, about 3.3:1)
PLACEHOLDER = "#5a6573"


def stylesheet(large: bool) -> str:
    text = resources.path("styles", "kiosk.qss").read_text(encoding="utf-8") + EXTRA
    text = text.replace("@PLACEHOLDER@", PLACEHOLDER)
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
    """Set the application's font and style sheet for normal or large text. Only when the size
    changes: setting a style sheet re-polishes every widget (0.6 s here), which a change of
    language alone, or the wipe after every visit, does not need."""
    sheet = stylesheet(large)
    if app.styleSheet() == sheet and app.font().pixelSize() == body_px(large):
        return
    family = load_fonts()
    font = QFont(family)
    font.setFamilies(list(_family))
    font.setPixelSize(body_px(large))
    app.setFont(font)
    app.setStyleSheet(sheet)

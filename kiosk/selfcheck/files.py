"""Self-checks of the shipped files: the CJK font for printing, the translations."""

from __future__ import annotations

import json
import tomllib
from pathlib import Path

from kiosk import resources
from kiosk.selfcheck.base import CheckResult, Context

CJK_SAMPLE = "深圳市居住证延期申请表"  # characters every printed form uses


def cjk_fonts() -> list[Path]:
    """The TrueType fonts shipped in ``resources/fonts`` (reportlab embeds TrueType only)."""
    folder = resources.path("fonts")
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.rglob("*") if p.suffix.lower() in (".ttf", ".ttc"))


def check_fonts_pdf(ctx: Context) -> CheckResult:
    """The printed form and slip are drawn with reportlab: the shipped font must load and cover CJK."""
    fonts = cjk_fonts()
    if not fonts:
        return CheckResult(
            "fonts.pdf",
            False,
            f"未找到随附的中文字体 / no TrueType font in {resources.path('fonts')}",
        )
    from reportlab.pdfbase.ttfonts import TTFont

    problems, covering = [], []
    for font_path in fonts:
        try:
            face = TTFont("SelfCheck", str(font_path), subfontIndex=0).face
        except Exception as exc:  # reportlab raises its TTFError and plain errors alike
            problems.append(f"{font_path.name}: {exc}")
            continue
        if all(ord(ch) in face.charToGlyph for ch in CJK_SAMPLE):
            covering.append(font_path.name)
    if not covering:
        problems.append(f"no font has glyphs for {CJK_SAMPLE}")
    if problems:
        return CheckResult("fonts.pdf", False, "打印字体不可用 / " + "; ".join(problems))
    names = ", ".join(p.name for p in fonts)
    return CheckResult(
        "fonts.pdf", True, f"打印字体可用 / reportlab loads {names}; CJK in {covering[0]}"
    )


def translation_files() -> list[Path]:
    folder = resources.path("translations")
    if not folder.is_dir():
        return []
    return sorted(
        p for p in folder.rglob("*") if p.is_file() and p.suffix in (".qm", ".json", ".toml")
    )


def load_translation(path: Path) -> str | None:
    """None when the file loads and holds something; else what is wrong with it."""
    try:
        if path.suffix == ".qm":
            from PySide6.QtCore import QTranslator

            translator = QTranslator()
            if not translator.load(str(path)):
                return "Qt cannot load it"
            return "empty" if translator.isEmpty() else None
        text = path.read_text(encoding="utf-8")
        data = json.loads(text) if path.suffix == ".json" else tomllib.loads(text)
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        return str(exc)
    if not data:
        return "empty"
    # a catalogue of {key: {zh, en}} entries (kiosk/ui/texts.py): every entry needs both languages
    lacking = [
        k for k, v in data.items() if isinstance(v, dict) and not (v.get("zh") and v.get("en"))
    ]
    return f"{len(lacking)} entries lack zh or en, e.g. {lacking[0]}" if lacking else None


def check_translations(ctx: Context) -> CheckResult:
    files = translation_files()
    if not files:
        return CheckResult(
            "translations",
            False,
            f"未找到翻译文件 / no translation files in {resources.path('translations')}",
        )
    problems = [f"{p.name}: {err}" for p in files if (err := load_translation(p))]
    if problems:
        return CheckResult("translations", False, "翻译文件无法加载 / " + "; ".join(problems))
    names = ", ".join(p.name for p in files)
    return CheckResult("translations", True, f"翻译可加载 / {len(files)} file(s): {names}")

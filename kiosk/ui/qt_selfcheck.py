"""The self-check's Qt half: can Qt draw the shipped CJK font, are the platform plugins there?

Runs with an offscreen QGuiApplication when none exists (the self-check is a command, it opens
no window), so it works the same on a kiosk, over SSH and in CI.
"""

from __future__ import annotations

import sys
from pathlib import Path

from PySide6.QtCore import QLibraryInfo
from PySide6.QtGui import QFont, QFontDatabase, QGuiApplication, QRawFont
from PySide6.QtWidgets import QApplication

CJK_SAMPLE = "深圳市居住证延期申请表"
_app: QGuiApplication | None = None  # kept alive for the process: Qt allows one per process


def _ensure_app() -> None:
    # a QApplication (not only a QGuiApplication), so widgets created later in the same process
    # (the UI after a self-check, tests) find the kind of application object they need
    global _app
    if QGuiApplication.instance() is None:
        _app = QApplication([sys.argv[0] if sys.argv else "kiosk", "-platform", "offscreen"])


def font_check(fonts: list[Path]) -> tuple[str, bool, str]:
    if not fonts:
        return (
            "fonts.qt",
            False,
            "未找到随附的中文字体 / no TrueType font shipped in resources/fonts",
        )
    _ensure_app()
    problems = []
    for path in fonts:
        font_id = QFontDatabase.addApplicationFont(str(path))
        if font_id < 0:
            problems.append(f"{path.name}: Qt cannot load it")
            continue
        families = QFontDatabase.applicationFontFamilies(font_id)
        raw = QRawFont.fromFont(QFont(families[0]))
        lacking = "".join(ch for ch in CJK_SAMPLE if not raw.supportsCharacter(ord(ch)))
        if not lacking:
            return "fonts.qt", True, f"界面字体可用 / Qt loads {path.name} ({families[0]})"
        problems.append(f"{path.name}: no glyph for {lacking}")
    return "fonts.qt", False, "界面字体不可用 / " + "; ".join(problems)


def _platform_plugins() -> tuple[str, ...]:
    if sys.platform == "win32":
        return ("qwindows.dll", "qoffscreen.dll")
    return ("libqxcb.so", "libqwayland.so", "libqoffscreen.so")


def platform_check() -> tuple[str, bool, str]:
    """The kiosk session runs on xcb (X) or wayland (cage): both plugins must be in the build."""
    folder = Path(QLibraryInfo.path(QLibraryInfo.LibraryPath.PluginsPath)) / "platforms"
    missing = [name for name in _platform_plugins() if not (folder / name).exists()]
    if missing:
        return (
            "qt.platforms",
            False,
            f"缺少 Qt 平台插件 / missing in {folder}: {', '.join(missing)}",
        )
    return "qt.platforms", True, f"Qt 平台插件齐全 / {', '.join(_platform_plugins())}"


UI_MODULES = (
    "PySide6.QtStateMachine",  # in Qt's Addons: a slimmed build can miss it
    "kiosk.ui.app",
    "kiosk.ui.window",
    "kiosk.ui.supervisor.window",
    "kiosk.ui.setup_wizard",
)


def ui_check() -> tuple[str, bool, str]:
    """The touch UI itself loads: every other check can pass in a build that cannot start it."""
    import importlib

    try:
        for name in UI_MODULES:
            importlib.import_module(name)
    except ImportError as exc:
        return "ui", False, f"触摸界面无法加载 / the touch UI cannot load: {exc}"
    return "ui", True, "触摸界面可加载 / the touch UI loads"

"""Self-checks that need Qt's GUI classes; those live in ``kiosk.ui`` (layering rule)."""

from __future__ import annotations

from kiosk.selfcheck.base import CheckResult, Context, missing_part
from kiosk.selfcheck.files import cjk_fonts


def check_qt(ctx: Context) -> list[CheckResult]:
    """The shipped CJK font in Qt, the platform plugins a kiosk session runs on, the UI's modules."""
    try:
        from kiosk.ui import qt_selfcheck
    except ImportError as exc:
        return [missing_part("qt", "kiosk.ui.qt_selfcheck", exc)]
    return [
        CheckResult(name, ok, detail)
        for name, ok, detail in (
            qt_selfcheck.font_check(cjk_fonts()),
            qt_selfcheck.platform_check(),
            qt_selfcheck.ui_check(),
        )
    ]

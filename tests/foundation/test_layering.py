"""Qt widgets stay in kiosk/ui: no module outside it imports QtWidgets or QtGui directly.

import-linter (run by the test command) checks the package-level contracts; it cannot name
external subpackages, so this test reads every module's imports itself.
"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
WIDGET_MODULES = (
    "PySide6.QtWidgets",
    "PySide6.QtGui",
    "PySide6.QtMultimediaWidgets",
    "PySide6.QtQuick",
)


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
    return names


def offenders() -> list[str]:
    found = []
    for package in ("kiosk", "kiosk_hub"):
        for path in sorted((ROOT / package).rglob("*.py")):
            if (ROOT / "kiosk" / "ui") in path.parents:
                continue
            bad = sorted(m for m in imported_modules(path) if m.startswith(WIDGET_MODULES))
            if bad:
                found.append(f"{path.relative_to(ROOT)}: {', '.join(bad)}")
    return found


def test_no_widgets_outside_ui() -> None:
    assert offenders() == []


def test_the_check_sees_a_violation(tmp_path: Path) -> None:
    sample = tmp_path / "bad.py"
    sample.write_text(
        "from PySide6.QtWidgets import QLabel\nimport PySide6.QtGui\n", encoding="utf-8"
    )
    assert {"PySide6.QtWidgets.QLabel", "PySide6.QtGui"} <= imported_modules(sample)

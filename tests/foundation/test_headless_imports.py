"""Everything below the UI imports without Qt (napari's headless check).

Every module of kiosk, kiosk_protocol and kiosk_hub is imported in one fresh interpreter in which
PySide6 and shiboken6 cannot be imported (a meta-path finder refuses them), except the places Qt
is allowed: ``kiosk/ui/``, ``kiosk/cli/``, ``kiosk/selfcheck/``, ``kiosk/first_run.py`` and any
module named ``qt_bridge.py``. Left out too: ``__main__`` modules (importing one runs the program)
and the Alembic ``env.py`` scripts (they run only inside Alembic, which provides their context).
So any Qt, QtCore and QtMultimedia included, lives only in those places.

CI runs it before the test suite (scripts/test) and as part of it:

    .venv/bin/python tests/foundation/test_headless_imports.py   # exit 1 and a list when not
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("kiosk", "kiosk_protocol", "kiosk_hub")
QT_ALLOWED_DIRS = ("kiosk/ui", "kiosk/cli", "kiosk/selfcheck")
QT_ALLOWED_FILES = ("kiosk/first_run.py",)
QT_ALLOWED_NAMES = ("qt_bridge.py", "__main__.py")
NOT_IMPORTABLE = ("kiosk/storage/migrations/env.py", "kiosk_hub/migrations/env.py")
BLOCKED = ("PySide6", "shiboken6")

# Runs in the child: refuse Qt, import each module, report what failed and why as JSON.
_CHILD = """
import importlib, importlib.abc, json, sys, traceback

BLOCKED = {blocked!r}

class NoQt(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in BLOCKED:
            raise ImportError(f"{{name}} is blocked: this module must import without Qt")
        return None

sys.meta_path.insert(0, NoQt())
failed = {{}}
for module in json.loads(sys.stdin.read()):
    try:
        importlib.import_module(module)
    except BaseException as exc:
        failed[module] = "".join(traceback.format_exception_only(type(exc), exc)).strip()
print(json.dumps(failed))
"""


def _qt_allowed(relative: str) -> bool:
    return (
        relative.startswith(tuple(d + "/" for d in QT_ALLOWED_DIRS))
        or relative in QT_ALLOWED_FILES
        or relative in NOT_IMPORTABLE
        or relative.rsplit("/", 1)[-1] in QT_ALLOWED_NAMES
    )


def headless_modules() -> list[str]:
    """Dotted names of every module that must import without Qt."""
    names = []
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            relative = path.relative_to(ROOT).as_posix()
            if _qt_allowed(relative):
                continue
            parts = list(path.relative_to(ROOT).with_suffix("").parts)
            if parts[-1] == "__init__":
                parts.pop()
            names.append(".".join(parts))
    return names


def import_failures(modules: list[str]) -> dict[str, str]:
    """Import ``modules`` in one child interpreter with Qt blocked; module -> error for failures."""
    child = subprocess.run(
        [sys.executable, "-c", _CHILD.format(blocked=BLOCKED)],
        input=json.dumps(modules),
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=300,
    )
    assert child.returncode == 0, f"the import child crashed:\n{child.stderr}"
    result: dict[str, str] = json.loads(child.stdout.strip().splitlines()[-1])
    return result


def test_the_block_works() -> None:
    """A module that needs Qt fails in the child, and one that does not imports."""
    failed = import_failures(["kiosk.devices.idcard.qt_bridge", "kiosk.domain"])
    assert list(failed) == ["kiosk.devices.idcard.qt_bridge"]
    assert "PySide6" in failed["kiosk.devices.idcard.qt_bridge"]


def test_the_list_covers_the_layers() -> None:
    modules = headless_modules()
    assert "kiosk.devices.idcard.driver" in modules and "kiosk_hub.app" in modules
    assert not [m for m in modules if m.startswith(("kiosk.ui", "kiosk.cli", "kiosk.selfcheck"))]
    assert "kiosk.devices.idcard.qt_bridge" not in modules


def test_everything_below_the_ui_imports_without_qt() -> None:
    failed = import_failures(headless_modules())
    assert not failed, "imports Qt (or fails) without PySide6:\n" + "\n".join(
        f"{module}: {error}" for module, error in sorted(failed.items())
    )


if __name__ == "__main__":
    failures = import_failures(headless_modules())
    for name, error in sorted(failures.items()):
        print(f"{name}: {error}")
    print(f"headless imports: {len(headless_modules()) - len(failures)} ok, {len(failures)} failed")
    sys.exit(1 if failures else 0)

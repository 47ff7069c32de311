"""Build the bundle only when needed: shared by the bundle test and ``bench/installer.py``.

``ensure_bundle()`` compares the checkout's fingerprint (``bundle_stamp.py``) with the one
``installer/build`` wrote into ``dist/kiosk/BUILD-STAMP`` and rebuilds when they differ, so a CI
run builds once and a clean clone always builds. A file lock keeps two runs from building at once.
"""

from __future__ import annotations

import fcntl
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
DIST = REPO / "dist" / "kiosk"
EXECUTABLE = DIST / ("kiosk.exe" if sys.platform == "win32" else "kiosk")
sys.path.insert(0, str(Path(__file__).resolve().parent))

from bundle_stamp import fingerprint  # noqa: E402


def is_current() -> bool:
    stamp = DIST / "BUILD-STAMP"
    return EXECUTABLE.exists() and stamp.exists() and stamp.read_text().strip() == fingerprint()


def ensure_bundle(timeout: float = 900) -> tuple[Path, bool]:
    """The built executable, and whether this call had to build it."""
    lock_path = REPO / "build" / "bundle.lock"
    lock_path.parent.mkdir(exist_ok=True)
    with lock_path.open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if is_current():
            return EXECUTABLE, False
        done = subprocess.run(
            [str(REPO / "installer" / "build")],
            cwd=REPO,
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
        if done.returncode != 0 or not is_current():
            raise RuntimeError(
                f"installer/build failed ({done.returncode}):\n{done.stdout}\n{done.stderr}"
            )
        return EXECUTABLE, True

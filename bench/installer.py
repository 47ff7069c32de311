"""The frozen app: bundle size and cold start.

    .venv/bin/python bench/installer.py [--runs 5]

Builds ``dist/kiosk`` first when it is missing or stale (``installer/bundle.py``), then prints the
bundle's size and file count, the biggest parts, and start-up times of the frozen executable:
the first run right after the build or after other work (cold-ish: the page cache may still hold
it; dropping caches needs root on the host) and the median of ``--runs`` warm runs, for
``kiosk --help`` (every CLI module imported), ``kiosk rules id-number`` (a quick real command) and
``kiosk self-check --demo --json`` (database, fonts in reportlab and Qt, simulators); and the touch
UI itself, ``kiosk --demo`` offscreen, timed from launch to the "screen welcome" line in its own
``kiosk.log`` (the moment the welcome screen is shown), then stopped.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "installer"))

from bundle import DIST, ensure_bundle  # noqa: E402

from kiosk.domain import idnumber  # noqa: E402

COMMANDS = {
    "--help": ["--help"],
    "rules id-number": [
        "rules",
        "id-number",
        idnumber.make_number("430102", dt.date(1990, 5, 12), 284),  # made up, valid
        "--json",
    ],
    "self-check --demo": ["self-check", "--demo", "--json"],
}


def size_of(folder: Path) -> tuple[int, int]:
    files = [p for p in folder.rglob("*") if p.is_file() and not p.is_symlink()]
    return sum(p.stat().st_size for p in files), len(files)


def timed(executable: Path, args: list[str], home: Path) -> float:
    env = {k: v for k, v in os.environ.items() if not k.startswith("KIOSK_")}
    env.update(KIOSK_HOME=str(home), QT_QPA_PLATFORM="offscreen")
    start = time.perf_counter()
    subprocess.run([str(executable), *args], env=env, capture_output=True, check=False, timeout=300)
    return time.perf_counter() - start


def ui_to_welcome(executable: Path, home: Path, timeout: float = 60.0) -> float:
    """Launch ``kiosk --demo`` offscreen; seconds until its log says the welcome screen is up."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("KIOSK_")}
    env.update(KIOSK_HOME=str(home), QT_QPA_PLATFORM="offscreen")
    log = home / "logs" / "kiosk.log"
    seen = log.read_text(encoding="utf-8").count("screen welcome") if log.exists() else 0
    start = time.perf_counter()
    proc = subprocess.Popen(
        [str(executable), "--demo"], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    try:
        while time.perf_counter() - start < timeout:
            if log.exists() and log.read_text(encoding="utf-8").count("screen welcome") > seen:
                return time.perf_counter() - start
            time.sleep(0.01)
        raise TimeoutError("the frozen kiosk never showed its welcome screen")
    finally:
        proc.terminate()
        proc.wait(20)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    started = time.perf_counter()
    executable, built = ensure_bundle()
    if built:
        print(f"build: {time.perf_counter() - started:.1f} s")
    total, count = size_of(DIST)
    print(f"bundle: {total / 2**20:.0f} MiB in {count} files ({DIST})")
    parts = sorted(
        (
            (size_of(p)[0] if p.is_dir() else p.lstat().st_size, p.name)
            for p in (DIST / "_internal").iterdir()
        ),
        reverse=True,
    )[:6]
    print("biggest: " + ", ".join(f"{name} {size / 2**20:.0f} MiB" for size, name in parts))
    with tempfile.TemporaryDirectory() as tmp:
        for label, command in COMMANDS.items():
            home = Path(tmp) / label.replace(" ", "_")
            first = timed(executable, command, home)
            warm = [timed(executable, command, home) for _ in range(args.runs)]
            print(
                f"start {label:<18} first {first:5.2f} s   warm median {statistics.median(warm):5.2f} s"
            )
        home = Path(tmp) / "ui"
        first = ui_to_welcome(executable, home)
        warm = [ui_to_welcome(executable, home) for _ in range(args.runs)]
        print(
            f"start {'UI to welcome':<18} first {first:5.2f} s   warm median {statistics.median(warm):5.2f} s"
        )


if __name__ == "__main__":
    main()

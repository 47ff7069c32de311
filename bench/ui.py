"""UI benchmark: cold start to the welcome screen (and against a bare PySide6 window), screen
transition time, and memory after 200 scripted renewals against after 10.

    .venv/bin/python bench/ui.py [--journeys 200]

Runs offscreen with the simulators in a throwaway data folder. Targets: cold start < 1.5 s,
transition < 50 ms, memory growth from 10 to 200 journeys < 20 MB.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

BARE = """
import time, sys
from PySide6.QtWidgets import QApplication, QLabel
app = QApplication([])
w = QLabel("hello"); w.resize(1280, 860); w.show()
app.processEvents()
w.grab()
"""

KIOSK = """
from PySide6.QtWidgets import QApplication
app = QApplication([])
from kiosk.config import Config
from kiosk.ui.app import build
from kiosk.ui.card_source import DirectCardSource
k = build(Config.load(), demo=True, cards=DirectCardSource())
k.window.resize(1280, 860); k.window.show()
while k.window.state != "welcome":
    app.processEvents()
k.window.grab()
k.stop()
"""


def cold(code: str, runs: int = 3) -> float:
    times = []
    for _ in range(runs):
        with tempfile.TemporaryDirectory() as home:
            env = dict(os.environ, KIOSK_HOME=home, QT_QPA_PLATFORM="offscreen")
            start = time.perf_counter()
            subprocess.run([sys.executable, "-c", code], check=True, env=env, cwd=ROOT)
            times.append(time.perf_counter() - start)
    return statistics.median(times)


def rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def journeys(count: int) -> None:
    os.environ["QT_QPA_PLATFORM"] = "offscreen"
    os.environ["KIOSK_HOME"] = tempfile.mkdtemp(prefix="kiosk-bench-")
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance() or QApplication([])
    from kiosk.config import Config
    from kiosk.ui import walkthrough
    from kiosk.ui.app import build
    from kiosk.ui.applicant import Applicant, pump
    from kiosk.ui.card_source import DirectCardSource

    kiosk = build(Config.load(), demo=True, cards=DirectCardSource())
    kiosk.window.resize(1280, 860)
    kiosk.window.show()
    pump(50)
    applicant = Applicant(kiosk.window)
    marks: dict[int, float] = {}
    started = time.perf_counter()
    for n in range(1, count + 1):
        walkthrough.journey(applicant, "renewal", photo="type")
        kiosk.print_queue.wait_idle(30)
        pump(10)
        if n in (10, count):
            marks[n] = rss_mb()
    elapsed = time.perf_counter() - started
    ms = kiosk.window.transition_ms
    print(
        f"screen transitions: {len(ms)} measured, median {statistics.median(ms):.1f} ms, "
        f"p95 {sorted(ms)[int(len(ms) * 0.95)]:.1f} ms, max {max(ms):.1f} ms (target < 50 ms)"
    )
    print(f"scripted renewals: {count} in {elapsed:.0f} s ({elapsed / count:.2f} s each)")
    print(
        f"memory (RSS): after 10 journeys {marks[10]:.1f} MB, after {count} {marks[count]:.1f} MB, "
        f"growth {marks[count] - marks[10]:+.1f} MB (target < 20 MB)"
    )
    kiosk.stop()
    del app


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--journeys", type=int, default=200)
    args = parser.parse_args()
    bare, kiosk = cold(BARE), cold(KIOSK)
    print(
        f"cold start to welcome: {kiosk:.2f} s (target < 1.5 s); bare PySide6 window {bare:.2f} s; "
        f"ratio {kiosk / bare:.1f}x"
    )
    journeys(args.journeys)


if __name__ == "__main__":
    main()

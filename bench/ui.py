"""UI benchmark: cold start to the welcome screen (and against a bare PySide6 window), screen
transition time, and memory after 200 scripted renewals against after 10.

    .venv/bin/python bench/ui.py [--journeys 200]

Runs offscreen with the simulators in a throwaway data folder. Targets: cold start < 1.5 s and at
most 5x the bare PySide6 window in the same run, transition < 50 ms, memory growth from 10 to 200
journeys < 10 MB. What the journeys keep is counted too (Python objects by the garbage collector,
Qt objects under the window and the application), so a leak shows what it is.

RSS is read every 10 journeys. A single reading moves by ±7 MB from one ten journeys to the next
(the allocator's free lists: it fell 13 MB from journey 10 to 40 in one run), so beside the
difference of two readings the bench prints the trend, a least-squares line through all of them
from journey 10 on, as the growth it stands for over the run: a leak shows in the trend.
"""

from __future__ import annotations

import argparse
import collections
import gc
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


def kept_objects(window: object) -> tuple[collections.Counter[str], collections.Counter[str]]:
    """(Python objects by type, Qt objects by class) alive now."""
    from PySide6.QtCore import QObject
    from PySide6.QtWidgets import QApplication

    gc.collect()
    python = collections.Counter(type(o).__name__ for o in gc.get_objects())
    qt: collections.Counter[str] = collections.Counter()
    roots = [window, QApplication.instance(), *QApplication.topLevelWidgets()]
    seen: set[int] = set()
    while roots:
        obj = roots.pop()
        if not isinstance(obj, QObject) or id(obj) in seen:
            continue
        seen.add(id(obj))
        qt[type(obj).__name__] += 1
        roots.extend(obj.children())
    return python, qt


def growth(before: collections.Counter[str], after: collections.Counter[str]) -> str:
    grown = sorted(((after[k] - before[k], k) for k in after if after[k] > before[k]), reverse=True)
    total = sum(n for n, _ in grown)
    return f"{total:+d}" + (f" ({', '.join(f'{k} +{n}' for n, k in grown[:4])})" if grown else "")


def trend(samples: list[tuple[int, float]]) -> float:
    """The least-squares slope of (journey, MB): MB per journey."""
    if len(samples) < 2:
        return 0.0
    xs, ys = [float(n) for n, _ in samples], [mb for _, mb in samples]
    mx, my = statistics.fmean(xs), statistics.fmean(ys)
    spread = sum((x - mx) ** 2 for x in xs)
    return sum((x - mx) * (y - my) for x, y in zip(xs, ys, strict=True)) / spread


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

    # the done screen's countdown (timeouts.done_seconds) is the applicant reading, not the kiosk
    config = Config.load().with_values(**{"timeouts.done_seconds": 1})
    kiosk = build(config, demo=True, cards=DirectCardSource())
    kiosk.window.resize(1280, 860)
    kiosk.window.show()
    pump(50)
    kiosk.finish_start()  # the kiosk has started fully before its first applicant comes
    applicant = Applicant(kiosk.window)
    samples: list[tuple[int, float]] = []  # (journey, RSS MB) every 10 journeys from the 10th
    kept = {}
    started = time.perf_counter()
    for n in range(1, count + 1):
        walkthrough.journey(applicant, "renewal", photo="type")
        if kiosk.print_queue is not None:
            kiosk.print_queue.wait_idle(30)
        pump(10)
        if n >= 10 and (n % 10 == 0 or n == count):
            samples.append((n, rss_mb()))
        if n in (10, count):
            kept[n] = kept_objects(kiosk.window)
    elapsed = time.perf_counter() - started
    ms = kiosk.window.transition_ms
    rss = [mb for _n, mb in samples]
    print(
        f"screen transitions: {len(ms)} measured, median {statistics.median(ms):.1f} ms, "
        f"p95 {sorted(ms)[int(len(ms) * 0.95)]:.1f} ms, max {max(ms):.1f} ms (target < 50 ms)"
    )
    print(f"scripted renewals: {count} in {elapsed:.0f} s ({elapsed / count:.2f} s each)")
    print(
        f"memory (RSS): after 10 journeys {rss[0]:.1f} MB, after {count} {rss[-1]:.1f} MB, "
        f"growth {rss[-1] - rss[0]:+.1f} MB (target < 10 MB)"
    )
    slope = trend(samples)
    print(
        f"memory trend: {slope * 100:+.2f} MB per 100 journeys, "
        f"{slope * (count - 10):+.1f} MB from journey 10 to {count} (target < 10 MB); "
        f"readings {min(rss):.1f}..{max(rss):.1f} MB over {len(rss)}"
    )
    print(
        f"kept from journey 10 to {count}: Python objects {growth(kept[10][0], kept[count][0])}; "
        f"Qt objects {growth(kept[10][1], kept[count][1])}"
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
        f"ratio {kiosk / bare:.1f}x (target <= 5x)"
    )
    journeys(args.journeys)


if __name__ == "__main__":
    main()

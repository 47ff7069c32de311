"""Warm generation times of the printed documents (targets: receipt < 100 ms, form < 300 ms).

.venv/bin/python bench/documents.py [--runs 20]
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable

from kiosk.documents.form import render_form
from kiosk.documents.receipt import default_review, render_receipt
from kiosk.documents.sample import sample_application
from kiosk.documents.slip import render_slip, render_slip_raster


def timed(fn: Callable[[], object], runs: int) -> tuple[float, float]:
    fn()  # warm: fonts registered, code tables loaded
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - start) * 1000)
    return statistics.median(samples), max(samples)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=20)
    runs = parser.parse_args().runs
    app = sample_application("change")
    review = default_review("S0001")
    cases = [
        ("form (A4 PDF)", lambda: render_form(app), 300),
        ("slip 80mm PDF", lambda: render_slip(app, "80mm"), 100),
        ("slip A4 PDF", lambda: render_slip(app, "a4"), 100),
        ("slip raster 576 dots", lambda: render_slip_raster(app), 100),
        ("receipt 80mm PDF", lambda: render_receipt(app, review, "80mm"), 100),
    ]
    for name, fn, target in cases:
        median, worst = timed(fn, runs)
        verdict = "ok" if median < target else "OVER TARGET"
        print(
            f"{name:24s} median {median:6.1f} ms  max {worst:6.1f} ms  target {target} ms  {verdict}"
        )


if __name__ == "__main__":
    main()

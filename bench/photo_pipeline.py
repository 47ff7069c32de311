"""Preview frame rate with analysis on, analysis rate and latency, at 640×480.

    .venv/bin/python bench/photo_pipeline.py [--seconds 10] [--source SOURCE]

Without --source the simulated camera plays the shipped applicant sample at 30 fps (the rate a
webcam delivers); with it, any camera.source value (device index, file, stream URL). The
session's countdown is disabled so analysis runs the whole time, as while an applicant is guided.
Target (issue 4): preview ≥ 25 fps with analysis ≥ 10 per second on a 2-core machine.
"""

from __future__ import annotations

import argparse
import os
import time

from kiosk import resources
from kiosk.devices.camera.capture import CaptureWorker, FrameCallback, StateCallback
from kiosk.devices.camera.pipeline import PhotoPipeline
from kiosk.devices.camera.simulator import SimulatedCamera
from kiosk.photo.analysis import LIVE_DETECT_SIDE, Analyzer
from kiosk.photo.autocapture import AutoCaptureSettings
from kiosk.photo.session import PhotoSession


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--source", help="camera.source to read instead of the simulator")
    parser.add_argument("--max-rate", type=float, default=12.0, help="analysis rate cap per second")
    args = parser.parse_args()

    def camera(on_frame: FrameCallback, on_state: StateCallback) -> CaptureWorker | SimulatedCamera:
        if args.source:
            return CaptureWorker(args.source, on_frame, on_state)
        return SimulatedCamera(
            on_frame, on_state, [resources.path("samples", "camera", "01-applicant.jpg")], fps=30
        )

    never = AutoCaptureSettings(
        steady_seconds=1e9
    )  # keep guiding: analysis never pauses for review
    session = PhotoSession(Analyzer(judge_background_every=8, detect_side=LIVE_DETECT_SIDE), never)
    pipeline = PhotoPipeline(camera, session, max_rate=args.max_rate)
    pipeline.start()
    time.sleep(1.0)  # warm up (cascades, first frames)
    s0 = (pipeline.stats.frames, pipeline.stats.analyses)
    lat0 = pipeline.stats.latency_total
    pipeline.stats.latency_max = 0.0
    t0 = time.monotonic()
    time.sleep(args.seconds)
    elapsed = time.monotonic() - t0
    frames = pipeline.stats.frames - s0[0]
    analyses = pipeline.stats.analyses - s0[1]
    latency = (pipeline.stats.latency_total - lat0) / max(analyses, 1)
    pipeline.stop()

    analyzer = Analyzer()
    frame = SimulatedCamera(
        lambda f, t: None, media=[resources.path("samples", "camera", "01-applicant.jpg")]
    ).frame_at(0.0)
    runs = []
    for _ in range(20):
        t = time.perf_counter()
        analyzer.analyze(frame)
        runs.append(time.perf_counter() - t)
    runs.sort()
    print(f"machine: {os.cpu_count()} CPUs; 640x480; {elapsed:.1f} s measured")
    print(f"preview: {frames / elapsed:.1f} frames/s with analysis on")
    print(
        f"analysis: {analyses / elapsed:.1f} /s (cap {args.max_rate:g}/s); "
        f"latency frame→guidance mean {latency * 1000:.0f} ms, max {pipeline.stats.latency_max * 1000:.0f} ms"
    )
    print(
        f"one still-image analysis (400 px detection, background judged): median {runs[len(runs) // 2] * 1000:.0f} ms, "
        f"p90 {runs[int(len(runs) * 0.9)] * 1000:.0f} ms"
    )


if __name__ == "__main__":
    main()

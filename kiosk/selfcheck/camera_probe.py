"""Camera self-check: open the configured camera (or, in demo mode, the simulated one) and
wait for one frame."""

from __future__ import annotations

import threading
from typing import Any

import cv2

from kiosk.devices.camera.capture import CameraSource, CaptureWorker
from kiosk.devices.camera.simulator import SimulatedCamera
from kiosk.selfcheck.base import CheckResult, Context

FRAME_TIMEOUT = 5.0  # seconds; a USB camera takes 1-2 s to deliver its first frame


def probe(ctx: Context) -> CheckResult:
    source = str(ctx.config["camera.source"]).strip()
    width, height = int(ctx.config["camera.width"]), int(ctx.config["camera.height"])
    got: list[tuple[int, int]] = []
    first = threading.Event()

    def on_frame(frame: Any, _t: float) -> None:
        if not first.is_set():
            got.append((frame.shape[1], frame.shape[0]))
            first.set()

    camera: CameraSource
    if ctx.demo:
        camera, what = SimulatedCamera(on_frame, width=width, height=height), "simulated camera"
    elif not source:
        return CheckResult("camera", False, "未配置摄像头 / camera.source is empty")
    else:
        camera, what = (
            CaptureWorker(source, on_frame, width=width, height=height, reconnect_delay=0.5),
            f"camera {source}",
        )
    # a missing camera is this check's answer, not news for stderr on every retry
    cv2.utils.logging.setLogLevel(cv2.utils.logging.LOG_LEVEL_SILENT)
    camera.start()
    try:
        arrived = first.wait(FRAME_TIMEOUT)
    finally:
        camera.stop()
    if not arrived:
        return CheckResult(
            "camera", False, f"摄像头无画面 / no frame from {what} within {FRAME_TIMEOUT:.0f} s"
        )
    w, h = got[0]
    return CheckResult("camera", True, f"摄像头正常 / {what} gives {w}×{h} frames")

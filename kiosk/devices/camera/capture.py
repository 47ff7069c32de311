"""OpenCV ``VideoCapture`` in a worker thread, reconnecting when the camera is lost.

The source is a device index (``"0"``), a video file or a stream URL (``http://.../video.mjpg``,
``rtsp://...``). Frames go to ``on_frame(frame, t)`` in the worker thread; the callback must be
quick (hand the frame over, do not analyse it there). State changes go to ``on_state``:
``connecting`` → ``live`` → ``lost`` (retrying every ``reconnect_delay`` s) → ``live`` ... →
``stopped``. Stream reads have a timeout so a camera that hangs, not only one that closes, is
noticed as lost. Video files play at their own frame rate and loop.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable
from enum import StrEnum
from pathlib import Path

import cv2
import numpy as np

from kiosk import logs

_log = logs.get("devices")
# FFmpeg prints every dropped HTTP stream to stderr; the state callback already says it.
os.environ.setdefault("OPENCV_FFMPEG_LOGLEVEL", "-8")

FrameCallback = Callable[[np.ndarray, float], None]


class CameraState(StrEnum):
    CONNECTING = "connecting"
    LIVE = "live"
    LOST = "lost"
    STOPPED = "stopped"


StateCallback = Callable[[CameraState], None]


def parse_source(source: str | int) -> str | int:
    """``"0"`` → device 0; anything else is a file path or URL."""
    if isinstance(source, int):
        return source
    text = source.strip()
    return int(text) if text.isdigit() else text


def is_stream(source: str | int) -> bool:
    return isinstance(source, str) and "://" in source


def fit_frame(frame: np.ndarray, size: tuple[int, int]) -> np.ndarray:
    """Centre-crop to the wanted aspect, then resize (faces must not be stretched)."""
    w, h = size
    fh, fw = frame.shape[:2]
    if (fw, fh) == (w, h):
        return frame
    if abs(fw / fh - w / h) > 0.01:
        if fw / fh > w / h:
            cw = round(fh * w / h)
            frame = frame[:, (fw - cw) // 2 : (fw - cw) // 2 + cw]
        else:
            ch = round(fw * h / w)
            frame = frame[(fh - ch) // 2 : (fh - ch) // 2 + ch]
    interp = cv2.INTER_AREA if frame.shape[1] > w else cv2.INTER_LINEAR
    return cv2.resize(frame, (w, h), interpolation=interp)


class CameraSource:
    """What the pipeline needs from a camera (real or simulated)."""

    state: CameraState
    frames: int

    def start(self) -> None: ...

    def stop(self, timeout: float = 3.0) -> None: ...


class CaptureWorker(CameraSource):
    def __init__(
        self,
        source: str | int,
        on_frame: FrameCallback,
        on_state: StateCallback | None = None,
        width: int = 640,
        height: int = 480,
        reconnect_delay: float = 1.0,
        read_timeout: float = 2.0,
    ):
        self.source = parse_source(source)
        self.on_frame, self.on_state = on_frame, on_state
        self.size = (width, height)
        self.reconnect_delay, self.read_timeout = reconnect_delay, read_timeout
        self.state = CameraState.STOPPED
        self.frames = 0
        self.reconnects = 0
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        if self._thread and self._thread.is_alive():
            return
        self._stop.clear()
        self._thread = threading.Thread(target=self._run, name="camera-capture", daemon=True)
        self._thread.start()

    def stop(self, timeout: float = 3.0) -> None:
        self._stop.set()
        if self._thread:
            self._thread.join(timeout)
        self._set_state(CameraState.STOPPED)

    def _set_state(self, state: CameraState) -> None:
        if state is not self.state:
            self.state = state
            _log.info("camera %s", state.value)
            if self.on_state:
                self.on_state(state)

    def _open(self) -> cv2.VideoCapture:
        ms = int(self.read_timeout * 1000)
        if is_stream(self.source):
            params = [cv2.CAP_PROP_OPEN_TIMEOUT_MSEC, ms, cv2.CAP_PROP_READ_TIMEOUT_MSEC, ms]
            return cv2.VideoCapture(self.source, cv2.CAP_FFMPEG, params)
        if isinstance(self.source, int):
            cap = cv2.VideoCapture(self.source)
            cap.set(cv2.CAP_PROP_FRAME_WIDTH, self.size[0])
            cap.set(cv2.CAP_PROP_FRAME_HEIGHT, self.size[1])
            return cap
        return cv2.VideoCapture(str(self.source))

    def _run(self) -> None:
        self._set_state(CameraState.CONNECTING)
        is_file = (
            isinstance(self.source, str)
            and not is_stream(self.source)
            and Path(self.source).is_file()
        )
        while not self._stop.is_set():
            cap = self._open()
            if not cap.isOpened():
                cap.release()
                self._set_state(CameraState.LOST)
                self._stop.wait(self.reconnect_delay)
                continue
            if self.state is CameraState.LOST:
                self.reconnects += 1
            self._set_state(CameraState.LIVE)
            fps = cap.get(cv2.CAP_PROP_FPS) if is_file else 0.0
            self._read_until_lost(cap, is_file, 1.0 / fps if fps and fps < 200 else 0.0)
            cap.release()
            if not self._stop.is_set():
                self._set_state(CameraState.LOST)
                self._stop.wait(self.reconnect_delay)

    def _read_until_lost(self, cap: cv2.VideoCapture, is_file: bool, period: float) -> None:
        next_due = time.monotonic()
        while not self._stop.is_set():
            ok, frame = cap.read()
            if not ok or frame is None:
                if is_file and cap.set(cv2.CAP_PROP_POS_FRAMES, 0):
                    ok, frame = cap.read()  # loop the file
                if not ok or frame is None:
                    return
            frame = fit_frame(frame, self.size)
            self.frames += 1
            self.on_frame(frame, time.monotonic())
            if period:
                next_due += period
                delay = next_due - time.monotonic()
                if delay > 0:
                    self._stop.wait(delay)
                else:
                    next_due = time.monotonic()

"""Camera → preview and camera → analysis, on separate threads so neither waits for the other.

The capture thread hands every frame to ``on_frame`` (preview) and drops it into a one-frame
slot; the analysis thread takes the newest frame from the slot (older ones are simply
overwritten, so analysis never builds a backlog) and feeds the session, at most ``max_rate``
times a second so the preview keeps a core.

The session is anything with ``feed(frame, now) -> view`` (:class:`FrameSession`): in the kiosk,
``kiosk.photo.session.PhotoSession``. The camera does not import the photo rules; the UI joins
the two (devices and photo are sibling layers).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol

import numpy as np

from kiosk import logs
from kiosk.devices.camera.capture import CameraSource, CameraState, FrameCallback, StateCallback

_log = logs.get("devices")

CameraFactory = Callable[[FrameCallback, StateCallback], CameraSource]


class FrameSession(Protocol):
    """What analyses the frames (``kiosk.photo.session.PhotoSession`` in the kiosk)."""

    def feed(self, frame: np.ndarray, now: float) -> Any: ...


@dataclass
class PipelineStats:
    frames: int = 0
    analyses: int = 0
    latency_total: float = 0.0  # frame arrival → view ready, summed
    latency_max: float = 0.0

    @property
    def latency_mean(self) -> float:
        return self.latency_total / self.analyses if self.analyses else 0.0


class PhotoPipeline:
    def __init__(
        self,
        camera: CameraFactory,
        session: FrameSession,
        on_frame: FrameCallback | None = None,
        on_state: StateCallback | None = None,
        on_view: Callable[[Any], None] | None = None,
        max_rate: float = 12.0,
    ):
        self.session = session
        self.on_frame, self.on_state, self.on_view = on_frame, on_state, on_view
        self.min_period = 1.0 / max_rate if max_rate > 0 else 0.0
        self.stats = PipelineStats()
        self._slot: tuple[np.ndarray, float] | None = None
        self._cond = threading.Condition()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self.camera = camera(self._frame, self._state)

    def _frame(self, frame: np.ndarray, t: float) -> None:
        self.stats.frames += 1
        if self.on_frame:
            self.on_frame(frame, t)
        with self._cond:
            self._slot = (frame, t)
            self._cond.notify()

    def _state(self, state: CameraState) -> None:
        if self.on_state:
            self.on_state(state)

    def start(self) -> None:
        self._stop.clear()
        self._thread = threading.Thread(
            target=self._analyse_loop, name="photo-analysis", daemon=True
        )
        self._thread.start()
        self.camera.start()

    def stop(self, timeout: float = 3.0) -> None:
        self.camera.stop(timeout)
        self._stop.set()
        with self._cond:
            self._cond.notify_all()
        if self._thread:
            self._thread.join(timeout)

    def _analyse_loop(self) -> None:
        while not self._stop.is_set():
            with self._cond:
                while self._slot is None and not self._stop.is_set():
                    self._cond.wait(0.5)
                if self._stop.is_set():
                    return
                assert self._slot is not None
                frame, t = self._slot
                self._slot = None
            started = time.monotonic()
            try:
                view = self.session.feed(frame, time.monotonic())
            except Exception:  # one bad frame must not end the photo step
                _log.exception("photo analysis failed")
                continue
            done = time.monotonic()
            self.stats.analyses += 1
            self.stats.latency_total += done - t
            self.stats.latency_max = max(self.stats.latency_max, done - t)
            if self.on_view:
                self.on_view(view)
            wait = self.min_period - (done - started)
            if wait > 0:
                self._stop.wait(wait)

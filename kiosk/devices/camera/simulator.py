"""Simulated camera for demo and training mode: plays still images or a video file.

Stills from ``resources/samples/camera/`` (sorted by name) are shown one after another, each for
``seconds_per_image``, looping, with a little sensor noise and a slow sway so the picture looks
live and the steady-moment logic has something to judge. A video file loops at its own rate.
``disconnect()`` / ``reconnect()`` let a trainer show what a lost camera looks like.
"""

from __future__ import annotations

import functools
import math
import threading
import time
from collections.abc import Sequence
from pathlib import Path

import cv2
import numpy as np

from kiosk import resources
from kiosk.devices.camera.capture import (
    CameraSource,
    CameraState,
    CaptureWorker,
    FrameCallback,
    StateCallback,
    fit_frame,
)

IMAGE_SUFFIXES = (".jpg", ".jpeg", ".png")
VIDEO_SUFFIXES = (".avi", ".mp4", ".mkv", ".mjpg")


def sample_dir() -> Path:
    return resources.path("samples", "camera")


def load_stills(paths: Sequence[Path], size: tuple[int, int]) -> list[np.ndarray]:
    frames = []
    for path in paths:
        image = cv2.imread(str(path), cv2.IMREAD_COLOR)
        if image is None:
            raise ValueError(f"not an image: {path}")
        frames.append(fit_frame(image, size))
    return frames


@functools.lru_cache(maxsize=2)
def grain_fields(size: tuple[int, int], noise: float, count: int = 8) -> tuple[np.ndarray, ...]:
    """A few noise fields, made once per process and shared by every simulated camera (drawing
    fresh noise every frame costs a core's worth; making 8 full frames per camera cost the kiosk
    ~40 MB at each visit's photo step until the collector came by). Read only."""
    rng = np.random.default_rng(7)
    w, h = size
    fields = []
    for _ in range(count):
        field = np.repeat(rng.normal(0.0, noise, (h, w, 1)), 3, axis=2).astype(np.int16)
        field.setflags(write=False)
        fields.append(field)
    return tuple(fields)


class SimulatedCamera(CameraSource):
    def __init__(
        self,
        on_frame: FrameCallback,
        on_state: StateCallback | None = None,
        media: Sequence[Path] | Path | None = None,
        width: int = 640,
        height: int = 480,
        fps: float = 30.0,
        seconds_per_image: float = 8.0,
        noise: float = 2.0,
        sway_px: float = 1.5,
    ):
        if media is None:
            media = sorted(p for p in sample_dir().iterdir() if p.suffix.lower() in IMAGE_SUFFIXES)
        paths = [media] if isinstance(media, Path) else list(media)
        if not paths:
            raise ValueError("the simulated camera needs at least one image or a video file")
        self.on_frame, self.on_state = on_frame, on_state
        self.size, self.fps = (width, height), fps
        self.seconds_per_image, self.noise, self.sway_px = seconds_per_image, noise, sway_px
        self.state = CameraState.STOPPED
        self.frames = 0
        self._video: CaptureWorker | None = None
        self._stills: list[np.ndarray] = []
        if len(paths) == 1 and paths[0].suffix.lower() in VIDEO_SUFFIXES:
            self._video = CaptureWorker(
                str(paths[0]), self._video_frame, self._set_state, width, height
            )
        else:
            self._stills = load_stills(paths, self.size)
        self._connected = threading.Event()
        self._connected.set()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._grain = list(grain_fields(self.size, noise)) if noise > 0 else []

    def _set_state(self, state: CameraState) -> None:
        if state is not self.state:
            self.state = state
            if self.on_state:
                self.on_state(state)

    def _video_frame(self, frame: np.ndarray, t: float) -> None:
        if self._connected.is_set():
            self.frames += 1
            self.on_frame(frame, t)

    def start(self) -> None:
        if self._video is not None:
            self._video.start()
            return
        self._stop.clear()
        self._thread = threading.Thread(target=self._run, name="camera-simulator", daemon=True)
        self._thread.start()

    def stop(self, timeout: float = 3.0) -> None:
        if self._video is not None:
            self._video.stop(timeout)
            return
        self._stop.set()
        if self._thread:
            self._thread.join(timeout)
        self._set_state(CameraState.STOPPED)

    def disconnect(self) -> None:
        self._connected.clear()
        self._set_state(CameraState.LOST)

    def reconnect(self) -> None:
        self._connected.set()
        self._set_state(CameraState.LIVE)

    def frame_at(self, t: float) -> np.ndarray:
        """The still for time ``t`` (seconds since start), swayed and noised."""
        index = int(t / self.seconds_per_image) % len(self._stills)
        base = self._stills[index]
        dx = self.sway_px * math.sin(2 * math.pi * t / 4.0)
        dy = 0.5 * self.sway_px * math.sin(2 * math.pi * t / 5.0)
        moved = cv2.warpAffine(
            base,
            np.array([[1, 0, dx], [0, 1, dy]], np.float32),
            self.size,
            borderMode=cv2.BORDER_REPLICATE,
        )
        if self._grain:
            grain = self._grain[int(t * self.fps) % len(self._grain)]
            moved = np.clip(moved.astype(np.int16) + grain, 0, 255).astype(np.uint8)
        return moved

    def _run(self) -> None:
        self._set_state(CameraState.LIVE)
        start = time.monotonic()
        period = 1.0 / self.fps
        next_due = start
        while not self._stop.is_set():
            now = time.monotonic()
            if self._connected.is_set():
                self.frames += 1
                self.on_frame(self.frame_at(now - start), now)
            next_due += period
            delay = next_due - time.monotonic()
            if delay > 0:
                self._stop.wait(delay)
            else:
                next_due = time.monotonic()

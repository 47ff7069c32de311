"""Qt signals for the camera pipeline (QtCore only; kiosk/ui turns frames into QImages).

Signals are emitted from the capture and analysis threads; Qt queues them to receivers living in
the GUI thread, so the GUI never waits for the camera or for analysis. Frames are numpy BGR
arrays (height × width × 3); the view is a :class:`kiosk.photo.session.SessionView`.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
from PySide6.QtCore import QObject, Signal, Slot

from kiosk.devices.camera.capture import (
    CameraSource,
    CameraState,
    CaptureWorker,
    FrameCallback,
    StateCallback,
)
from kiosk.devices.camera.pipeline import CameraFactory, PhotoPipeline
from kiosk.devices.camera.simulator import SimulatedCamera
from kiosk.photo.session import AcceptedPhoto, PhotoSession, SessionView


def camera_factory(config: Any, demo: bool, media: Path | None = None) -> CameraFactory:
    """The simulator in demo mode or when ``camera.source`` is empty, else the real camera."""
    source = str(config["camera.source"]).strip()
    size = (int(config["camera.width"]), int(config["camera.height"]))

    def make(on_frame: FrameCallback, on_state: StateCallback) -> CameraSource:
        if demo or not source:
            return SimulatedCamera(on_frame, on_state, media, *size)
        return CaptureWorker(source, on_frame, on_state, *size)

    return make


class CameraBridge(QObject):
    frameReady = Signal(object)  # np.ndarray BGR, every frame (preview)
    cameraStateChanged = Signal(str)  # connecting | live | lost | stopped
    viewChanged = Signal(object)  # SessionView, ~10 a second
    photoReady = Signal(object)  # SpecPhoto, once when the countdown took a valid photo

    def __init__(self, camera: CameraFactory, session: PhotoSession, parent: QObject | None = None):
        super().__init__(parent)
        self._last_phase = ""
        self.pipeline = PhotoPipeline(camera, session, self._frame, self._state, self._view)

    @property
    def session(self) -> PhotoSession:
        return self.pipeline.session

    def _frame(self, frame: np.ndarray, _t: float) -> None:
        self.frameReady.emit(frame)

    def _state(self, state: CameraState) -> None:
        self.cameraStateChanged.emit(state.value)

    def _view(self, view: SessionView) -> None:
        self.viewChanged.emit(view)
        if view.phase == "review" and self._last_phase != "review":
            self.photoReady.emit(view.photo)
        self._last_phase = view.phase

    @Slot()
    def start(self) -> None:
        self.pipeline.start()

    @Slot()
    def stop(self) -> None:
        self.pipeline.stop()

    @Slot()
    def retake(self) -> None:
        self.session.retake(time.monotonic())

    def accept(self) -> AcceptedPhoto:
        return self.session.accept()

    @Slot()
    def reset(self) -> None:
        self.session.reset(time.monotonic())


def bridge_from_config(
    config: Any,
    demo: bool,
    issue_number: Callable[[], str] | None = None,
    parent: QObject | None = None,
) -> CameraBridge:
    from kiosk.photo.analysis import LIVE_DETECT_SIDE, Analyzer
    from kiosk.photo.geometry import PhotoSpec

    session = PhotoSession(
        Analyzer(
            PhotoSpec.from_config(config), judge_background_every=8, detect_side=LIVE_DETECT_SIDE
        ),
        max_failures=int(config["photo.max_failures"]),
        issue_number=issue_number,
        now=time.monotonic(),
    )
    return CameraBridge(camera_factory(config, demo), session, parent)

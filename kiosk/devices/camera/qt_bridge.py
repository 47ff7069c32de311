"""Qt signals for the camera pipeline (QtCore only; kiosk/ui turns frames into QImages).

Signals are emitted from the capture and analysis threads; Qt queues them to receivers living in
the GUI thread, so the GUI never waits for the camera or for analysis. Frames are numpy BGR
arrays (height × width × 3); the view is the session's (``kiosk.photo.session.SessionView``).

The photo rules are not imported here (devices and photo are sibling layers): the UI hands in
the session, ``kiosk.photo.session.live_session(config, issue_number)``.

    bridge = CameraBridge(camera_factory(config, demo), live_session(config, numbers.issue))
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any, Protocol

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


class PhotoStep(Protocol):
    """The photo session as the bridge drives it (``kiosk.photo.session.PhotoSession``)."""

    def feed(self, frame: np.ndarray, now: float) -> Any: ...  # a view with .phase and .photo
    def retake(self, now: float) -> None: ...
    def accept(self) -> Any: ...
    def reset(self, now: float) -> None: ...


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
    viewChanged = Signal(object)  # the session's view, ~10 a second
    photoReady = Signal(object)  # SpecPhoto, once when the countdown took a valid photo

    def __init__(self, camera: CameraFactory, session: PhotoStep, parent: QObject | None = None):
        super().__init__(parent)
        self._last_phase = ""
        self._session = session
        self.pipeline = PhotoPipeline(camera, session, self._frame, self._state, self._view)

    @property
    def session(self) -> PhotoStep:
        return self._session

    def _frame(self, frame: np.ndarray, _t: float) -> None:
        self.frameReady.emit(frame)

    def _state(self, state: CameraState) -> None:
        self.cameraStateChanged.emit(state.value)

    def _view(self, view: Any) -> None:
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

    def accept(self) -> Any:  # kiosk.photo.session.AcceptedPhoto
        return self.session.accept()

    @Slot()
    def reset(self) -> None:
        self.session.reset(time.monotonic())

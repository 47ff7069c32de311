"""The Qt bridge delivers frames, guidance and the photo to the GUI thread without blocking it."""

from __future__ import annotations

import threading
import time

import numpy as np
import pytest
from pytestqt.qtbot import QtBot

from kiosk import resources
from kiosk.config import Config
from kiosk.devices.camera.capture import FrameCallback, StateCallback
from kiosk.devices.camera.qt_bridge import CameraBridge, camera_factory
from kiosk.devices.camera.simulator import SimulatedCamera
from kiosk.photo.analysis import LIVE_DETECT_SIDE, Analyzer
from kiosk.photo.autocapture import AutoCaptureSettings
from kiosk.photo.session import PhotoSession, live_session


@pytest.mark.gui
@pytest.mark.slow
def test_simulated_applicant_is_photographed(qtbot: QtBot) -> None:
    applicant = resources.path("samples", "camera", "01-applicant.jpg")

    def camera(on_frame: FrameCallback, on_state: StateCallback) -> SimulatedCamera:
        return SimulatedCamera(on_frame, on_state, [applicant], fps=30)

    session = PhotoSession(
        Analyzer(judge_background_every=8, detect_side=LIVE_DETECT_SIDE),
        AutoCaptureSettings(steady_seconds=0.3, countdown_seconds=1),
        issue_number=lambda: "KC-FT01-K01-20261126-0001-X",
        now=time.monotonic(),
    )
    bridge = CameraBridge(camera, session)
    frames: list[np.ndarray] = []
    phases: list[str] = []
    gui = threading.current_thread()
    delivered_in_gui: list[bool] = []
    bridge.frameReady.connect(
        lambda f: (frames.append(f), delivered_in_gui.append(threading.current_thread() is gui))
    )
    bridge.viewChanged.connect(lambda v: phases.append(v.phase))
    with qtbot.waitSignal(bridge.cameraStateChanged, timeout=5000) as state:
        bridge.start()
    assert state.args == ["live"]
    try:
        with qtbot.waitSignal(bridge.photoReady, timeout=15000) as ready:
            pass
    finally:
        bridge.stop()
    photo = ready.args[0]
    assert photo.ok and photo.image.shape == (441, 358, 3)
    assert "countdown" in phases and phases[-1] == "review"
    assert frames and all(delivered_in_gui)
    assert bridge.accept().photo_number == "KC-FT01-K01-20261126-0001-X"
    bridge.retake()
    assert session.photo is None and session.failures == 1


def test_the_kiosk_camera_from_config_is_the_simulator_in_demo(qtbot: QtBot) -> None:
    config = Config.load(overrides={"photo.max_failures": 5})
    bridge = CameraBridge(camera_factory(config, demo=True), live_session(config))
    assert isinstance(bridge.pipeline.camera, SimulatedCamera)
    assert isinstance(bridge.session, PhotoSession) and bridge.session.max_failures == 5

"""The capture worker reads a real MJPEG stream on 127.0.0.1, notices it is lost, reconnects."""

from __future__ import annotations

import http.server
import socket
import socketserver
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import cv2
import numpy as np
import pytest

from kiosk.devices.camera.capture import CameraState, CaptureWorker, fit_frame, parse_source
from kiosk.devices.camera.simulator import SimulatedCamera


class MjpegServer:
    """multipart/x-mixed-replace JPEG stream, the way IP cameras and ``mjpg-streamer`` serve it."""

    def __init__(self, port: int, frame: np.ndarray):
        self.port = port
        self.jpeg = cv2.imencode(".jpg", frame)[1].tobytes()
        self.stopping = threading.Event()
        self._server: socketserver.ThreadingTCPServer | None = None

    def start(self) -> None:
        outer = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                self.send_response(200)
                self.send_header("Content-Type", "multipart/x-mixed-replace; boundary=frame")
                self.end_headers()
                try:
                    while not outer.stopping.is_set():
                        head = (
                            b"--frame\r\nContent-Type: image/jpeg\r\nContent-Length: %d\r\n\r\n"
                            % len(outer.jpeg)
                        )
                        self.wfile.write(head + outer.jpeg + b"\r\n")
                        time.sleep(1 / 30)
                except OSError:
                    pass

            def log_message(self, *args: object) -> None:
                pass

        class Server(socketserver.ThreadingMixIn, http.server.HTTPServer):
            daemon_threads = True
            allow_reuse_address = True

        self.stopping.clear()
        self._server = Server(("127.0.0.1", self.port), Handler)
        threading.Thread(target=self._server.serve_forever, daemon=True).start()

    def stop(self) -> None:
        assert self._server is not None
        self.stopping.set()
        self._server.shutdown()
        self._server.server_close()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def mjpeg(astronaut: np.ndarray) -> Iterator[MjpegServer]:
    server = MjpegServer(free_port(), cv2.resize(astronaut, (640, 480)))
    server.start()
    yield server
    if not server.stopping.is_set():
        server.stop()


def wait_for(condition: Callable[[], bool], timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("timed out")
        time.sleep(0.02)


@pytest.mark.slow
def test_stream_lost_and_reconnected(mjpeg: MjpegServer) -> None:
    states: list[CameraState] = []
    frames: list[np.ndarray] = []
    worker = CaptureWorker(
        f"http://127.0.0.1:{mjpeg.port}/video.mjpg",
        lambda f, _t: frames.append(f),
        states.append,
        reconnect_delay=0.2,
        read_timeout=1.0,
    )
    worker.start()
    try:
        wait_for(lambda: len(frames) >= 10)
        assert frames[-1].shape == (480, 640, 3)
        assert states[:2] == [CameraState.CONNECTING, CameraState.LIVE]
        mjpeg.stop()
        wait_for(lambda: worker.state is CameraState.LOST)
        lost_at = len(frames)
        time.sleep(0.6)  # several reconnect attempts against a closed port
        assert len(frames) == lost_at and worker.state is CameraState.LOST
        mjpeg.start()
        wait_for(lambda: worker.state is CameraState.LIVE and len(frames) > lost_at + 5)
        assert worker.reconnects >= 1
    finally:
        worker.stop()
    assert states[-1] is CameraState.STOPPED
    assert states.count(CameraState.LOST) >= 1


def test_video_file_plays_and_loops(tmp_path: Path, astronaut: np.ndarray) -> None:
    path = tmp_path / "clip.avi"
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*"MJPG"), 50.0, (320, 240))
    for i in range(10):
        writer.write(cv2.resize(np.roll(astronaut, i * 3, axis=1), (320, 240)))
    writer.release()
    frames: list[np.ndarray] = []
    worker = CaptureWorker(str(path), lambda f, _t: frames.append(f), width=640, height=480)
    worker.start()
    try:
        wait_for(lambda: len(frames) >= 25, timeout=5)  # more frames than the file holds: it loops
    finally:
        worker.stop()
    assert frames[0].shape == (480, 640, 3)


def test_missing_device_is_lost_not_a_crash() -> None:
    states: list[CameraState] = []
    worker = CaptureWorker(
        "/nonexistent/camera.avi", lambda f, t: None, states.append, reconnect_delay=0.05
    )
    worker.start()
    wait_for(lambda: CameraState.LOST in states, timeout=5)
    worker.stop()
    assert states[-1] is CameraState.STOPPED


def test_sources_and_fitting() -> None:
    assert parse_source("0") == 0 and parse_source(" 2 ") == 2
    assert parse_source("rtsp://10.0.0.5/stream") == "rtsp://10.0.0.5/stream"
    portrait = np.zeros((600, 300, 3), np.uint8)
    portrait[290:310] = 255  # a stripe across the middle survives the centre crop
    fitted = fit_frame(portrait, (640, 480))
    assert fitted.shape == (480, 640, 3) and fitted[240].mean() > 200


def test_simulator_plays_the_shipped_samples_and_can_be_unplugged() -> None:
    frames: list[np.ndarray] = []
    states: list[CameraState] = []
    camera = SimulatedCamera(lambda f, _t: frames.append(f), states.append, fps=60)
    camera.start()
    try:
        wait_for(lambda: len(frames) >= 10, timeout=5)
        camera.disconnect()
        time.sleep(0.1)
        count = len(frames)
        time.sleep(0.2)
        assert len(frames) == count
        camera.reconnect()
        wait_for(lambda: len(frames) > count + 5, timeout=5)
    finally:
        camera.stop()
    assert states == [CameraState.LIVE, CameraState.LOST, CameraState.LIVE, CameraState.STOPPED]
    assert frames[0].shape == (480, 640, 3)
    assert not np.array_equal(frames[0], frames[1])  # sensor noise: it looks live

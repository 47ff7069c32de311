"""The photo step: live camera with guidance and auto-capture, scan the photo receipt, or type the
数码照相图像号. Camera and analysis run in their own threads (kiosk.devices.camera); this screen
only paints frames and guidance. A camera that is lost goes to the camera-failure screen."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import numpy as np
from PySide6.QtCore import QObject, Qt, QTimer, Signal
from PySide6.QtGui import QImage, QPixmap
from PySide6.QtWidgets import QHBoxLayout, QLabel, QVBoxLayout

from kiosk import logs, resources
from kiosk.photo import numbers
from kiosk.ui.kit import Runner, button, choice_grid, field_edit, frame, label
from kiosk.ui.screens.forms import FormScreen


def note_device(**states: str) -> None:
    """The camera's state for the hub's fleet view (loaded on use: the welcome screen needs none)."""
    from kiosk.services.sending import note_device as note

    note(**states)


_log = logs.get("kiosk.ui")
VIEW_W, VIEW_H = 640, 480  # the camera's own size; 480×360 on a narrower panel


def to_pixmap(frame: np.ndarray, width: int, height: int) -> QPixmap:
    rgb = np.ascontiguousarray(frame[:, :, ::-1])
    h, w = rgb.shape[:2]
    image = QImage(rgb.data, w, h, 3 * w, QImage.Format.Format_RGB888).copy()
    return QPixmap.fromImage(image).scaled(
        width,
        height,
        Qt.AspectRatioMode.KeepAspectRatio,
        Qt.TransformationMode.SmoothTransformation,
    )


class ReceiptScanner(QObject):
    """Reads the receipt's barcode from camera frames in a thread; ``found`` once on the GUI thread."""

    found = Signal(str)
    frameReady = Signal(object)

    def __init__(
        self,
        make_source: Any,
        runner: Runner,
        parent: QObject | None = None,
        read: Callable[[np.ndarray], str | None] | None = None,
    ):
        super().__init__(parent)
        self.read = read  # what to read in a frame (default: the receipt's photo number)
        self._latest: np.ndarray | None = None
        self._stop = threading.Event()
        self._ended = threading.Event()  # the scan loop has returned
        self._lock = threading.Lock()
        self.camera = make_source(self._frame, lambda _s: None)
        self.runner, self._started = runner, False

    def _frame(self, frame: np.ndarray, _t: float) -> None:
        with self._lock:
            self._latest = frame
        self.frameReady.emit(frame)

    def start(self) -> None:
        self.camera.start()
        self._started = True
        self.runner.run(self, self._loop)

    def stop(self) -> None:
        self._stop.set()
        self.camera.stop()
        if self._started:
            self._ended.wait(3)

    def _loop(self) -> None:
        """In the runner's thread until a number is read or the screen is left."""
        from kiosk.photo.receipt_scan import scan_receipt

        read = self.read or scan_receipt
        try:
            while not self._stop.wait(0.3):
                with self._lock:
                    frame, self._latest = self._latest, None
                if frame is not None and (text := read(frame)):
                    self.found.emit(text)
                    return
        finally:
            self._ended.set()


class PhotoScreen(FormScreen):
    name = "photo"

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.mode = "camera"
        self.bridge: Any = None
        self.scanner: ReceiptScanner | None = None
        self.photo: Any = None  # SpecPhoto under review
        # the receipt as the camera last saw it: shown beside the number just read, dropped as
        # soon as the screen is left (it is the applicant's document)
        self.receipt: QPixmap | None = None
        self._keep_receipt = False

    def enter(self) -> None:
        self.leave()
        super().enter()
        # the camera (and its face cascades) starts once the screen is up: the change stays quick
        if self.mode == "camera":
            QTimer.singleShot(0, self._start_camera)
        elif self.mode == "scan":
            QTimer.singleShot(0, self._start_scanner)

    def leave(self) -> None:
        super().leave()
        if not self._keep_receipt:
            self.receipt = None
        if self.bridge is not None:
            bridge, self.bridge = self.bridge, None
            for sig in (
                bridge.frameReady,
                bridge.viewChanged,
                bridge.photoReady,
                bridge.cameraStateChanged,
            ):
                sig.disconnect()
            bridge.stop()
            bridge.deleteLater()
        if self.scanner is not None:
            scanner, self.scanner = self.scanner, None
            scanner.found.disconnect()
            scanner.frameReady.disconnect()
            scanner.stop()
            scanner.deleteLater()

    def build(self, lay: QVBoxLayout) -> None:
        visit = self.ctx.visit
        self.title(lay, "photo.title", "photo.subtitle")
        modes = [(m, self.texts.tr(f"photo.mode.{m}")) for m in ("camera", "scan", "type")]
        lay.addLayout(choice_grid(modes, self.mode, self.set_mode, 3))
        self.view = QLabel()
        self.view.setObjectName("photoView")
        wide = self.room() >= 1600
        self.view_size = (VIEW_W, VIEW_H) if wide else (VIEW_W * 3 // 4, VIEW_H * 3 // 4)
        self.view.setFixedSize(*self.view_size)
        self.view.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.guidance = label("", "guidance")
        self.accept_button = button(self.texts.tr("photo.accept"), self.accept, "primary")
        self.retake_button = button(self.texts.tr("photo.retake"), self.retake)
        self.accept_button.setVisible(False)
        self.retake_button.setVisible(False)
        scanned = self.mode == "scan" and visit.photo_number_source == "scanned"
        if self.mode in ("camera", "scan"):
            row = QHBoxLayout()
            row.setSpacing(32)
            row.addWidget(self.view, 0, Qt.AlignmentFlag.AlignTop)
            side = QVBoxLayout()
            side.setSpacing(16)
            if scanned:  # the receipt was read: say so, and offer to read it again
                box, inner = frame("goodCard")
                inner.addWidget(
                    label("✓ " + self.texts.tr("photo.scanned", number=visit.photo_number), "value")
                )
                inner.addWidget(label(self.texts.tr("photo.next_hint")))
                side.addWidget(box)
                again = button(self.texts.tr("photo.scan_again"), self.scan_again)
                again.setProperty("choice", "scan_again")
                side.addWidget(again, 0, Qt.AlignmentFlag.AlignLeft)
                if self.receipt is not None:
                    self.view.setPixmap(self.receipt)
                else:
                    self.view.setText("✓")
            else:
                self.guidance.setText(
                    self.texts.tr("photo.starting" if self.mode == "camera" else "photo.scan_hint")
                )
                side.addWidget(self.guidance)
                if visit.photo_number and self.mode == "camera":
                    box, inner = frame("goodCard")
                    inner.addWidget(
                        label(self.texts.tr("photo.have", number=visit.photo_number), "value")
                    )
                    side.addWidget(box)
            side.addStretch(1)
            if self.mode == "camera":
                buttons = QHBoxLayout()
                buttons.addWidget(self.retake_button)
                buttons.addWidget(self.accept_button)
                buttons.addStretch(1)
                side.addLayout(buttons)
            row.addLayout(side, 1)
            lay.addLayout(row)
        else:
            edit = self.add_field(
                lay,
                self.texts.tr("photo.type_hint"),
                field_edit(
                    "letters",
                    visit.photo_number if visit.photo_number_source != "kiosk" else "",
                    30,
                ),
            )
            edit.setObjectName("photoNumber")
        lay.addWidget(self.error)
        lay.addStretch(1)
        self.next_button = self.footer(lay, on_next=self.done)
        if self.mode == "type":
            self.add_keypad(lay)

    def set_mode(self, mode: str) -> None:
        self.mode = mode
        self.enter()

    # -- camera ------------------------------------------------------------------------------------

    def _start_camera(self) -> None:
        if (
            self.ctx.make_camera is None
            or self.bridge is not None
            or self.ctx.step is None
            or self.ctx.step.key != "photo"
        ):
            return
        try:
            self.bridge = self.ctx.make_camera()
        except Exception:
            _log.exception("camera could not start")
            note_device(camera="failed")
            self.ctx.go("camera_failed")
            return
        note_device(camera="ok")
        self.bridge.frameReady.connect(self._on_frame)
        self.bridge.viewChanged.connect(self._on_view)
        self.bridge.photoReady.connect(self._on_photo)
        self.bridge.cameraStateChanged.connect(self._on_camera_state)
        self.bridge.start()

    def _on_frame(self, frame: np.ndarray) -> None:
        if self.photo is None and self.bridge is not None:
            self.view.setPixmap(to_pixmap(frame, *self.view_size))

    def _on_view(self, view: Any) -> None:
        if self.bridge is None or view.phase == "review":
            return
        text = self.texts.pick(view.guidance) if view.guidance else ""
        if view.countdown:
            text = self.texts.tr("photo.countdown", n=view.countdown)
        if view.help_offered:
            text += "\n" + self.texts.tr("photo.help")
        self.guidance.setText(text)

    def _on_photo(self, photo: Any) -> None:
        if self.bridge is None or photo is None or photo.jpeg is None:
            return
        self.photo = photo
        pix = QPixmap()
        pix.loadFromData(photo.jpeg)
        self.view.setPixmap(pix.scaled(*self.view_size, Qt.AspectRatioMode.KeepAspectRatio))
        self.guidance.setText(self.texts.tr("photo.review"))
        self.accept_button.setVisible(True)
        self.retake_button.setVisible(True)

    def _on_camera_state(self, state: str) -> None:
        if state == "lost" and self.bridge is not None:
            note_device(camera="lost")
            self.ctx.go("camera_failed")

    def accept(self) -> None:
        if self.bridge is None or self.photo is None:
            return
        accepted = self.bridge.accept()
        self.ctx.visit.photo_jpeg = accepted.jpeg
        self.ctx.visit.photo_number = accepted.photo_number
        self.ctx.visit.photo_number_source = accepted.photo_number_source
        self.photo = None
        self.ctx.advance()

    def retake(self) -> None:
        self.photo = None
        self.accept_button.setVisible(False)
        self.retake_button.setVisible(False)
        if self.bridge is not None:
            self.bridge.retake()

    # -- receipt -------------------------------------------------------------------------------------

    def _start_scanner(self) -> None:
        from kiosk.devices.camera.qt_bridge import camera_factory

        if (
            self.scanner is not None
            or self.ctx.step is None
            or self.ctx.step.key != "photo"
            or self.mode != "scan"
            or self.ctx.visit.photo_number_source == "scanned"
        ):
            return
        media = resources.path("samples", "receipts", "demo-receipt.png") if self.ctx.demo else None
        try:
            self.scanner = ReceiptScanner(
                camera_factory(self.ctx.config, self.ctx.demo, media), self.ctx.runner
            )
        except Exception:
            _log.exception("camera could not start for the receipt")
            self.ctx.go("camera_failed")
            return
        self.scanner.found.connect(self._on_scanned)
        self.scanner.frameReady.connect(self._on_scan_frame)
        self.scanner.start()

    def _on_scan_frame(self, frame: np.ndarray) -> None:
        if self.scanner is not None:
            self.receipt = to_pixmap(frame, *self.view_size)
            self.view.setPixmap(self.receipt)

    def _on_scanned(self, text: str) -> None:
        """The receipt's code was read: keep the number, stop the camera, show it."""
        if self.scanner is None:
            return
        self.ctx.visit.photo_number, self.ctx.visit.photo_number_source = text, "scanned"
        self.ctx.visit.photo_jpeg = None
        self._keep_receipt = True
        try:
            self.enter()  # stops the scanner; the screen shows the number and "scan again"
        finally:
            self._keep_receipt = False

    def scan_again(self) -> None:
        visit = self.ctx.visit
        visit.photo_number, visit.photo_number_source = "", ""
        self.enter()

    # -- next ----------------------------------------------------------------------------------------

    def done(self) -> None:
        visit = self.ctx.visit
        if self.mode == "camera" and self.photo is not None:
            self.accept()
            return
        if self.mode == "type":
            typed = numbers.validate_typed(
                self.fields[0].text(), str(self.ctx.config["photo.number_pattern"])
            )
            if not typed.ok:
                self.show_error(
                    self.texts.pick(typed.error) if typed.error else self.texts.tr("photo.need")
                )
                return
            visit.photo_number, visit.photo_number_source, visit.photo_jpeg = (
                typed.number,
                typed.source,
                None,
            )
        if not visit.photo_number:
            self.show_error(self.texts.tr("photo.need"))
            return
        self.ctx.advance()

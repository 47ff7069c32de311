"""Supervisor mode's hands on the running kiosk: device probes, printing, sync, leaving.

:func:`hooks_for` builds a :class:`SupervisorContext` from the parts ``kiosk.ui.app`` started.
The probes exercise the real parts (in demo mode: the same code paths against the simulators, so
staff training shows what a real test shows). Probe calls run in worker threads (the devices
screen uses the kit's ``Runner``); nothing here blocks the GUI thread.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import numpy as np
from sqlalchemy.orm import Session, sessionmaker

from kiosk import logs
from kiosk.config import Config
from kiosk.domain import idnumber
from kiosk.domain.identity import IdentityCard
from kiosk.domain.rules import RuleBook
from kiosk.sync.enrolment import Enrolment
from kiosk.ui.card_source import CardRead, CardSource
from kiosk.ui.kit import Runner, Texts
from kiosk.ui.supervisor.common import DeviceProbe, ProbeResult, SupervisorContext
from kiosk.ui.texts import both

_log = logs.get("kiosk.ui")

READER_TEST_SECONDS = 20.0
CAMERA_TEST_SECONDS = 8.0
PRINT_TEST_SECONDS = 30.0
DARK_FRAME = 25  # mean grey level below which the camera is probably covered or unlit


def _said(state: str, key: str, **values: object) -> ProbeResult:
    """A result in both languages from the supervisor catalogue (the screen picks one)."""
    return ProbeResult(state, *both(key, **values))


# -- reader -------------------------------------------------------------------------------------


class ReaderProbe:
    """Status from the driver's last event; the test waits for a card (demo: lays one on)."""

    key = "reader"

    def __init__(self, cards: CardSource, demo: bool, configured: bool):
        self.cards, self.demo, self.configured = cards, demo, configured
        self.problem: Any = None
        self._read = threading.Event()
        self._last: IdentityCard | None = None
        cards.readerProblem.connect(self._on_problem)
        cards.cardRead.connect(self._on_card)

    def _on_problem(self, message: Any) -> None:
        self.problem = message

    def _on_card(self, read: CardRead) -> None:
        self._last = read.card
        self._read.set()

    def status(self) -> ProbeResult:
        if self.problem is not None:
            return ProbeResult("error", self.problem.zh, self.problem.en)
        if self.demo:
            return _said("simulated", "hook.reader.simulated")
        if not self.configured:
            return _said("error", "hook.reader.no_port")
        return _said("ok", "hook.reader.connected")

    def test(self) -> ProbeResult:
        self._read.clear()
        if self.demo:
            self.cards.place("resident")
        if not self._read.wait(READER_TEST_SECONDS):
            if self.problem is not None:
                return ProbeResult("error", self.problem.zh, self.problem.en)
            return _said("warning", "hook.reader.no_card", seconds=int(READER_TEST_SECONDS))
        if self.demo:
            self.cards.remove()
        masked = idnumber.mask(self._last.id_number if self._last is not None else "")
        return _said("ok", "hook.reader.read", number=masked)


# -- camera -------------------------------------------------------------------------------------


class CameraProbe:
    """Opens the configured camera (or the simulator), waits for frames and judges their light."""

    key = "camera"

    def __init__(self, config: Config, demo: bool):
        self.config, self.demo = config, demo

    def status(self) -> ProbeResult:
        source = str(self.config["camera.source"]).strip()
        if self.demo or not source:
            return _said("simulated", "hook.camera.simulated")
        return _said("unknown", "hook.camera.configured", source=source)

    def test(self) -> ProbeResult:
        from kiosk.devices.camera.qt_bridge import camera_factory

        frames: list[np.ndarray] = []
        got = threading.Event()

        def on_frame(frame: np.ndarray, _t: float) -> None:
            if len(frames) < 5:
                frames.append(frame)
            if len(frames) >= 5:
                got.set()

        source = camera_factory(self.config, self.demo)(on_frame, lambda _state: None)
        source.start()
        try:
            got.wait(CAMERA_TEST_SECONDS)
        finally:
            source.stop()
        if not frames:
            return _said("error", "hook.camera.no_picture")
        height, width = frames[-1].shape[:2]
        light = float(np.mean(frames[-1]))
        if light < DARK_FRAME:
            return replace(
                _said("warning", "hook.camera.dark", level=f"{light:.0f}"),
                image_png=_png(frames[-1]),
            )
        return replace(
            _said("ok", "hook.camera.ok", width=width, height=height, level=f"{light:.0f}"),
            image_png=_png(frames[-1]),
        )


def _png(frame: np.ndarray, height: int = 240) -> bytes:
    """A small PNG of a BGR frame for the devices screen (never stored: it may show a face)."""
    import cv2

    scale = height / frame.shape[0]
    small = cv2.resize(frame, (round(frame.shape[1] * scale), height))
    ok, data = cv2.imencode(".png", small)
    return data.tobytes() if ok else b""


# -- printers -----------------------------------------------------------------------------------


@dataclass
class PrinterProbe:
    """Status from the print queue's jobs for this printer; the test prints a sample page."""

    key: str  # printer_form | printer_receipt
    queue: Any
    config: Config

    @property
    def spec(self) -> str:
        return str(self.config["printer.form" if self.key == "printer_form" else "printer.receipt"])

    def status(self) -> ProbeResult:
        stuck = [j for j in self.queue.jobs(("waiting", "held")) if j.printer == self.spec]
        if stuck:
            return _said("warning", "hook.printer.waiting", printer=self.spec, count=len(stuck))
        return _said("ok", "hook.printer.ready", printer=self.spec)

    def test(self) -> ProbeResult:
        from kiosk.services.printing import Printers, print_test_page

        document = "form" if self.key == "printer_form" else "slip"
        finished = threading.Event()
        outcome: list[Any] = []
        job_id = -1

        def listen(event: Any) -> None:
            if event.job.id == job_id and event.job.state in ("printed", "waiting", "held"):
                outcome.append(event)
                finished.set()

        unsubscribe = self.queue.subscribe(listen)
        try:
            job_id = print_test_page(self.queue, Printers.from_config(self.config), document)
            info = self.queue.status(job_id)
            if info.state not in ("printed", "waiting", "held"):
                finished.wait(PRINT_TEST_SECONDS)
            info = self.queue.status(job_id)
        finally:
            unsubscribe()
        if info.state == "printed":
            return _said("ok", "hook.printer.test_printed")
        if outcome:
            staff = outcome[-1].staff
            return ProbeResult("error", staff.zh, staff.en)
        return _said("warning", "hook.printer.test_queued")


# -- printing a stored application -----------------------------------------------------------


def make_print_document(
    factory: sessionmaker[Session], queue: Any, config: Config
) -> Callable[[int, str], ProbeResult]:
    from kiosk.services.printing import Printers, print_stored

    printers = Printers.from_config(config)

    def print_document(application_id: int, document: str) -> ProbeResult:
        done = print_stored(factory, queue, printers, application_id, document)
        if done.outcome == "queued":
            return _said("ok", "hook.print.queued")
        if done.outcome == "purged":
            return _said("error", "hook.print.purged")
        if done.outcome == "not_reviewed":
            return _said("error", "hook.print.not_reviewed")
        _log.warning("print request refused for application %s", application_id)
        return _said("error", "hook.print.refused")

    return print_document


# -- the context ---------------------------------------------------------------------------


def hooks_for(
    *,
    factory: sessionmaker[Session],
    config: Config,
    config_path: Path | None,
    demo: bool,
    cards: CardSource,
    print_queue: Any,
    sync_worker: Any,
    leave: Callable[[str], None],
    rules: RuleBook,
    enrolled: Callable[[], Enrolment | None],
    texts: Texts,
    runner: Runner,
) -> SupervisorContext:
    from kiosk.sync import worker as sync_status

    probes: list[DeviceProbe] = [
        ReaderProbe(cards, demo, configured=bool(str(config["reader.port"]).strip())),
        CameraProbe(config, demo),
        PrinterProbe("printer_form", print_queue, config),
        PrinterProbe("printer_receipt", print_queue, config),
    ]
    return SupervisorContext(
        factory=factory,
        config_path=config_path,
        demo=demo,
        probes=probes,
        print_document=make_print_document(factory, print_queue, config),
        send_now=sync_worker.send_now if sync_worker is not None else None,
        sync_last_error=lambda: sync_status.status(factory, enrolled()).get("last_error"),
        leave=leave,
        rules=rules,
        enrolled=enrolled,
        texts=texts,
        runner=runner,
    )

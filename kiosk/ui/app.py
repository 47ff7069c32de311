"""Start the kiosk UI: ``run(args) -> int`` (called by ``kiosk``, ``kiosk --demo [--windowed]``).

``build(...)`` assembles one window with its devices for the app, the walkthrough, the tests and
the bench: SQLite in the data folder, the ID-card reader (the pseudo-terminal simulator in demo),
the camera (simulated in demo), and the print queue (folder printer in demo). ``run`` adds the
sync worker, supervisor mode behind the hidden gesture, and the crash hook. ``--demo`` and the
walkthrough never show the first-run setup wizard. Exit status 10 means staff chose "exit" in
supervisor mode (the Linux kiosk session then offers a login prompt instead of restarting).
"""

from __future__ import annotations

import argparse
import ctypes
import faulthandler
import os
import signal
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtWidgets import QApplication

from kiosk import crash, logs, paths
from kiosk.config import Config
from kiosk.ui.base import Context
from kiosk.ui.card_source import CardSource, DirectCardSource, ReaderCardSource
from kiosk.ui.kit import Runner, Texts
from kiosk.ui.window import KioskWindow

if TYPE_CHECKING:
    from sqlalchemy.orm import Session, sessionmaker

    from kiosk.devices.camera.qt_bridge import CameraBridge
    from kiosk.devices.printers.jobs import PrintQueue
    from kiosk.domain.messages import Message
    from kiosk.photo.numbers import CaptureNumbers
    from kiosk.sync.enrolment import Enrolment
    from kiosk.sync.worker import SyncWorker
    from kiosk.ui.supervisor.window import SupervisorArea

_log = logs.get("kiosk.ui")
EXIT_LEAVE_KIOSK = 10  # the Linux session turns this into a login prompt (installer/linux/session)
M_MMAP_THRESHOLD, LARGE_BUFFER = -3, 128 * 1024  # glibc mallopt(3)


def return_large_buffers_to_the_system() -> None:
    """A kiosk runs for weeks through camera frames, photos and PDFs of a few MB each. glibc's
    malloc raises its mmap threshold once such a buffer is freed and from then on serves them
    from its heaps, which fragment: the process kept 0.2 MB a visit (bench/ui.py: +14 MB from
    10 to 200 visits, none of it Python or Qt objects). A fixed threshold keeps every buffer over
    128 KiB in a mapping of its own, handed back to the system when freed."""
    if not sys.platform.startswith("linux"):
        return
    try:
        libc = ctypes.CDLL("libc.so.6")
        libc.mallopt(M_MMAP_THRESHOLD, LARGE_BUFFER)
    except (OSError, AttributeError):  # not glibc (musl): its allocator does not do this
        _log.info("malloc not tuned: no glibc mallopt")


@dataclass
class Kiosk:
    """One kiosk: its window, the parts the screens share, and what runs beside them."""

    window: KioskWindow
    ctx: Context
    sync: bool = False  # start the sync worker (the app does; tests and the bench do not)
    sync_worker: SyncWorker | None = None
    supervisor: SupervisorArea | None = None
    after_exit: str = ""  # what supervisor mode asked for: exit | restart | shutdown
    started: bool = False
    stopped: bool = False

    @property
    def print_queue(self) -> PrintQueue | None:
        return self.ctx.print_queue

    def finish_start(self) -> None:
        """What the welcome screen does not need, once it is up: the database, the print queue,
        the card reader, the sync worker and every other screen (see KioskWindow.settled)."""
        if self.started or self.stopped:
            return
        self.started = True
        self.ctx.print_queue  # noqa: B018 - opens the database and starts the queue
        self.ctx.cards.readerProblem.connect(_note_reader)
        self.ctx.cards.cardRead.connect(lambda _read: _note_reader(None))
        self.ctx.cards.start()
        _start_sync(self)
        self.window.build_screens()

    def stop(self) -> None:
        self.stopped = True  # a late "settled" must not start what is being stopped
        if self.window.current is not None:
            self.window.current.leave()
        self.ctx.cards.stop()
        queue = self.ctx.print_queue_if_open()
        if queue is not None:
            queue.stop()
        if self.sync_worker is not None:
            self.sync_worker.stop()
        self.ctx.runner.wait(10_000)


def _note_reader(problem: Message | None) -> None:
    """The reader's state for the hub's fleet view: ``ok`` or the problem's code."""
    from kiosk.services.sending import note_device

    note_device(reader="ok" if problem is None else problem.code)


def make_print_queue(factory: sessionmaker[Session], config: Config) -> PrintQueue:
    from kiosk.devices.printers.factory import open_printer
    from kiosk.devices.printers.jobs import PrintQueue

    baud = int(config["printer.escpos_baud"])
    queue = PrintQueue(
        factory,
        lambda spec: open_printer(spec, escpos_baud=baud),
        retry_seconds=float(config["printer.retry_seconds"]),
        max_attempts=int(config["printer.max_attempts"]),
    )
    queue.start()
    return queue


def camera_maker(config: Config, demo: bool, ctx: Context) -> Callable[[], CameraBridge]:
    """The photo screen's camera; the devices and the capture numbers are loaded on first use."""
    numbers: list[CaptureNumbers] = []

    def make() -> CameraBridge:
        from kiosk.devices.camera.qt_bridge import CameraBridge, camera_factory
        from kiosk.photo.numbers import CaptureNumbers
        from kiosk.photo.session import live_session

        if not numbers:
            point, kiosk_id = str(config["point.code"]), str(config["kiosk.id"])
            numbers.append(CaptureNumbers(ctx.factory, point, kiosk_id))
        return CameraBridge(camera_factory(config, demo), live_session(config, numbers[0].issue))

    return make


def load_enrolment() -> Enrolment | None:
    """The enrolment file (read when needed: an administrator may enrol while the kiosk runs)."""
    from kiosk.sync import enrolment

    return enrolment.load()


def build(
    config: Config,
    *,
    demo: bool,
    lang: str | None = None,
    large_text: bool | None = None,
    cards: CardSource | None = None,
    factory: sessionmaker[Session] | None = None,
    sync: bool = False,
) -> Kiosk:
    """One kiosk window with its devices; ``sync`` also starts the sync worker (the app does).

    The welcome screen comes first; the database, the devices and the other screens follow once
    it is on screen (:meth:`Kiosk.finish_start`), or at once when something needs them.
    """
    from kiosk.domain.rules import office_rulebook

    return_large_buffers_to_the_system()
    if demo:  # demo prints to a folder and seals to the demo key whatever the config says
        config = config.with_values(
            **{"printer.form": "folder", "printer.receipt": "folder", "sync.demo": True}
        )

    def open_database() -> sessionmaker[Session]:
        if factory is not None:
            return factory
        from kiosk.storage.db import open_database

        return open_database(paths.database_file())

    default_lang = lang or str(config["kiosk.language"])
    default_large = bool(large_text) if large_text is not None else bool(config["kiosk.large_text"])
    ctx = Context(
        config=config,
        open_database=open_database,
        cards=cards or ReaderCardSource(config, simulate=demo),
        texts=Texts(default_lang),  # this kiosk's words; its language buttons switch them
        runner=Runner(),  # the one pool for the screens' and supervisor mode's blocking work
        demo=demo,
        open_print_queue=lambda opened: make_print_queue(opened, config),
        rules=office_rulebook(),  # read once here; the services are handed it
        enrolled=load_enrolment,
    )
    ctx.make_camera = camera_maker(config, demo, ctx)
    ctx.visit.lang, ctx.visit.large_text = default_lang, default_large
    window = KioskWindow(ctx, default_lang, default_large)
    kiosk = Kiosk(window, ctx, sync=sync)
    window.settled.connect(kiosk.finish_start)
    if demo and load_enrolment() is None:
        window.sync_badge.set_state("demo")
    window.service_check = lambda: None if takes_applicants(config) else "not_enrolled"
    window.start()
    reason = window.service_check()
    if reason is not None:
        window.out_of_service(reason)
    return kiosk


def takes_applicants(config: Config) -> bool:
    """Outside demo mode a kiosk takes applicants only once enrolled with the hub."""
    return bool(config["sync.demo"]) or load_enrolment() is not None


def _start_sync(kiosk: Kiosk) -> None:
    config, badge = kiosk.ctx.config, kiosk.window.sync_badge
    if not kiosk.sync:
        return
    from kiosk.sync.worker import SyncWorker
    from kiosk.ui.sync_badge import SyncRelay

    relay = SyncRelay(kiosk.window)
    relay.changed.connect(badge.on_online)
    kiosk.sync_worker = SyncWorker(
        kiosk.ctx.factory, config, enrolled=kiosk.ctx.enrolled, on_status=relay
    )
    kiosk.sync_worker.start()


def attach_supervisor(kiosk: Kiosk) -> SupervisorArea:
    """Supervisor mode behind the hidden gesture, with its hooks into this kiosk (and its
    effective config: in demo mode the printers are the folder printer whatever the file says).
    It needs the kiosk's full start (the print queue, the sync worker): the app attaches it once
    the welcome screen is up."""
    from kiosk.ui.supervisor.window import SupervisorArea
    from kiosk.ui.supervisor_hooks import hooks_for

    kiosk.finish_start()
    window, ctx = kiosk.window, kiosk.ctx

    def leave(kind: str) -> None:
        kiosk.after_exit = kind
        app = QApplication.instance()
        if app is not None:
            app.exit(EXIT_LEAVE_KIOSK if kind == "exit" else 0)

    area = SupervisorArea(
        hooks_for(
            factory=ctx.factory,
            config=ctx.config,
            config_path=paths.config_file(),
            demo=ctx.demo,
            cards=ctx.cards,
            print_queue=ctx.print_queue,
            sync_worker=kiosk.sync_worker,
            leave=leave,
            rules=ctx.rules,
            enrolled=ctx.enrolled,
            texts=ctx.texts,
            runner=ctx.runner,
        )
    )
    area.closed.connect(window.show_applicant)

    def open_area() -> None:
        window.show_supervisor(area)
        area.start()

    window.supervisorRequested.connect(open_area)
    kiosk.supervisor = area
    return area


def _after_exit(kind: str, demo: bool) -> None:
    """Restart or shut down once everything is closed (exit needs nothing more)."""
    if kind == "restart" and not os.environ.get("INVOCATION_ID"):
        # not under systemd (which restarts us itself): start again in this process's place
        argv = sys.argv if getattr(sys, "frozen", False) else [sys.executable, "-m", "kiosk"]
        extra = [] if getattr(sys, "frozen", False) else sys.argv[1:]
        os.execv(argv[0], [*argv, *extra])
    if kind == "shutdown":
        if demo:
            _log.info("demo mode: shut down leaves the program only")
            return
        subprocess.run(["systemctl", "poweroff"], check=False, timeout=30)


def run(args: argparse.Namespace) -> int:
    from kiosk.storage.startup import StartupProblem, preflight, problem_from

    paths.private_umask()
    existing = QApplication.instance()
    app = existing if isinstance(existing, QApplication) else QApplication(sys.argv[:1])
    _stop_cleanly_on_sigterm(app)  # first: a stop during start-up ends the kiosk cleanly too
    _start_logging()
    try:
        crash.install()
    except OSError:  # an unwritable or full data folder: faults go to stderr (the journal)
        faulthandler.enable()
    demo = bool(getattr(args, "demo", False))
    if getattr(args, "out_of_service", None):  # kiosk-out-of-service.service, after a start loop
        detail = (
            "kiosk.service gave up after 5 failed starts: journalctl -u kiosk; once fixed, "
            "systemctl reset-failed kiosk; systemctl restart kiosk"
        )
        return serve_out_of_service(app, args, StartupProblem("start_failures", detail))
    try:
        config = preflight(database=True)
    except StartupProblem as problem:
        return serve_out_of_service(app, args, problem)
    if not demo:
        from kiosk.ui.setup_wizard import SetupWizard, needs_setup

        if needs_setup(config):
            if SetupWizard(config).exec() != 1:
                return 1
            config = Config.load()
    try:
        kiosk = build(
            config,
            demo=demo,
            lang=getattr(args, "lang", None),
            large_text=True if getattr(args, "large_text", False) else None,
            sync=True,
        )
    except Exception as exc:
        cause = problem_from(exc)
        if cause is None:
            raise
        _log.error("cannot start", exc_info=True)
        return serve_out_of_service(app, args, cause)
    kiosk.window.settled.connect(lambda: attach_supervisor(kiosk))  # after finish_start
    _log.info(
        "kiosk started (%s, point %s, kiosk %s)",
        "demo" if demo else "service",
        config["point.code"],
        config["kiosk.id"],
    )
    window = kiosk.window
    hook_crashes(window)
    if getattr(args, "windowed", False) or not bool(config["kiosk.fullscreen"]):
        window.show()
    else:
        window.showFullScreen()
    code = app.exec()
    _log.info(
        "kiosk stopping (status %s%s)", code, f", {kiosk.after_exit}" if kiosk.after_exit else ""
    )
    kiosk.stop()
    _after_exit(kiosk.after_exit, demo)
    return int(code)


RECHECK_MS = 30_000  # how often the out-of-service page looks whether staff fixed the problem


def _start_logging() -> None:
    from kiosk.storage.startup import StartupProblem, check_data_folder

    try:
        check_data_folder()
        logs.setup()
    except (OSError, StartupProblem):  # unwritable or full data folder: the journal gets it all
        logs.setup_stderr()


def serve_out_of_service(app: QApplication, args: argparse.Namespace, problem: Any) -> int:
    """Show the out-of-service page with the reason for staff and a support code, and keep
    running (no restart loop, nothing blank on screen). Every 30 s the problem is looked at
    again; once staff fixed it the kiosk restarts itself. Ends on SIGTERM like the kiosk."""
    from kiosk.storage.startup import StartupProblem, preflight
    from kiosk.ui import style
    from kiosk.ui.out_of_service import OutOfService

    texts = Texts(getattr(args, "lang", None) or "zh")
    style.apply(app, bool(getattr(args, "large_text", False)))
    page = OutOfService(texts)
    page.setWindowTitle(texts.tr("app.title"))
    page.show_problem(problem.zh, problem.en, problem.detail, problem.support_code)
    _log.error("out of service: %s", problem.one_line())
    shown = page.shown_text().replace("\n", " | ")
    print(f"kiosk: out of service: {problem.one_line()}", file=sys.stderr, flush=True)
    print(f"kiosk: the screen shows: {logs.redact(shown)}", file=sys.stderr, flush=True)
    fixed = False

    def recheck() -> None:
        nonlocal fixed
        try:
            preflight(database=True)
        except StartupProblem:
            return
        _log.info("the start-up problem %s is gone: restarting", problem.support_code)
        fixed = True
        app.exit(0)

    if problem.kind != "start_failures":  # that one is systemd's verdict: staff restart the unit
        timer = QTimer(app)
        timer.timeout.connect(recheck)
        timer.start(RECHECK_MS)
    _stop_cleanly_on_sigterm(app)
    if getattr(args, "windowed", False):
        page.resize(1280, 800)
        page.show()
    else:
        page.showFullScreen()
    code = app.exec()
    if fixed:
        _after_exit("restart", bool(getattr(args, "demo", False)))
    return int(code)


class CrashRelay(QObject):
    """An uncaught error in any thread → the window's recovery, on the GUI thread."""

    crashed = Signal()

    def __call__(self, _exc: BaseException) -> None:
        self.crashed.emit()


def _stop_cleanly_on_sigterm(app: QApplication) -> None:
    """``systemctl stop`` sends SIGTERM: leave the event loop so the reader, printing and sync stop
    in order. The quit is queued, not called: a SIGTERM that lands while the kiosk is still being
    built (before ``exec``) must not be lost, and ``quit()`` with no loop running does nothing.
    Python runs signal handlers only between bytecodes, so a quiet timer wakes it."""
    if getattr(app, "_kiosk_sigterm_wake", None) is not None:
        return  # installed once per application
    signal.signal(signal.SIGTERM, lambda *_: QTimer.singleShot(0, app.quit))
    wake = QTimer(app)
    wake.timeout.connect(lambda: None)
    wake.start(250)
    app._kiosk_sigterm_wake = wake  # type: ignore[attr-defined]


def hook_crashes(window: KioskWindow) -> Callable[[], None]:
    """Route uncaught errors (see kiosk.crash) to ``window.recover``; returns the unhook."""
    relay = CrashRelay(window)
    relay.crashed.connect(window.recover)
    return crash.on_crash(relay)


__all__ = ["EXIT_LEAVE_KIOSK", "DirectCardSource", "Kiosk", "attach_supervisor", "build", "run"]

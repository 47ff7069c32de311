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
import os
import signal
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtWidgets import QApplication

from kiosk import crash, logs, paths
from kiosk.config import Config
from kiosk.ui.base import Context
from kiosk.ui.card_source import CardSource, DirectCardSource, ReaderCardSource
from kiosk.ui.window import KioskWindow

_log = logs.get("kiosk.ui")
EXIT_LEAVE_KIOSK = 10  # the Linux session turns this into a login prompt (installer/linux/session)


@dataclass
class Kiosk:
    window: KioskWindow
    ctx: Context
    print_queue: Any
    sync_worker: Any = None
    supervisor: Any = None
    after_exit: str = ""  # what supervisor mode asked for: exit | restart | shutdown

    def stop(self) -> None:
        if self.window.current is not None:
            self.window.current.leave()
        self.ctx.cards.stop()
        if self.print_queue is not None:
            self.print_queue.stop()
        if self.sync_worker is not None:
            self.sync_worker.stop()


def make_print_queue(factory: Any, config: Config) -> Any:
    from kiosk.devices.printers.factory import open_printer
    from kiosk.devices.printers.jobs import PrintQueue

    baud = int(config["printer.escpos_baud"])
    return PrintQueue(
        factory,
        lambda spec: open_printer(spec, escpos_baud=baud),
        retry_seconds=float(config["printer.retry_seconds"]),
        max_attempts=int(config["printer.max_attempts"]),
    )


def build(
    config: Config,
    *,
    demo: bool,
    lang: str | None = None,
    large_text: bool | None = None,
    cards: CardSource | None = None,
    factory: Any = None,
    sync: bool = False,
) -> Kiosk:
    """One kiosk window with its devices; ``sync`` also starts the sync worker (the app does)."""
    from kiosk.devices.camera.qt_bridge import bridge_from_config
    from kiosk.photo.numbers import CaptureNumbers
    from kiosk.storage.db import open_database

    if demo:  # demo prints to a folder and seals to the demo key whatever the config says
        config = config.with_values(
            **{"printer.form": "folder", "printer.receipt": "folder", "sync.demo": True}
        )
    factory = factory or open_database(paths.database_file())
    cards = cards or ReaderCardSource(config, simulate=demo)
    numbers = CaptureNumbers(factory, str(config["point.code"]), str(config["kiosk.id"]))
    queue = make_print_queue(factory, config)
    queue.start()
    ctx = Context(
        config=config,
        factory=factory,
        cards=cards,
        demo=demo,
        make_camera=lambda: bridge_from_config(config, demo, numbers.issue),
        print_queue=queue,
    )
    default_lang = lang or str(config["kiosk.language"])
    default_large = bool(large_text) if large_text is not None else bool(config["kiosk.large_text"])
    ctx.visit.lang, ctx.visit.large_text = default_lang, default_large
    window = KioskWindow(ctx, default_lang, default_large)
    kiosk = Kiosk(window, ctx, queue)
    _start_sync(kiosk, config, demo, sync)
    window.service_check = lambda: None if takes_applicants(config) else "not_enrolled"
    cards.start()
    window.start()
    reason = window.service_check()
    if reason is not None:
        window.out_of_service(reason)
    return kiosk


def takes_applicants(config: Config) -> bool:
    """Outside demo mode a kiosk takes applicants only once enrolled with the hub."""
    from kiosk.sync import enrolment

    return bool(config["sync.demo"]) or enrolment.load() is not None


def _start_sync(kiosk: Kiosk, config: Config, demo: bool, sync: bool) -> None:
    from kiosk.sync import enrolment

    badge = kiosk.window.sync_badge
    if demo and enrolment.load() is None:
        badge.set_state("demo")
    if not sync:
        return
    from kiosk.sync.worker import SyncWorker
    from kiosk.ui.sync_badge import SyncRelay

    relay = SyncRelay(kiosk.window)
    relay.changed.connect(badge.on_online)
    kiosk.sync_worker = SyncWorker(kiosk.ctx.factory, config, on_status=relay)
    kiosk.sync_worker.start()


def attach_supervisor(kiosk: Kiosk) -> Any:
    """Supervisor mode behind the hidden gesture, with its hooks into this kiosk (and its
    effective config: in demo mode the printers are the folder printer whatever the file says)."""
    from kiosk.ui.supervisor.window import SupervisorArea
    from kiosk.ui.supervisor_hooks import hooks_for

    window, config, demo = kiosk.window, kiosk.ctx.config, kiosk.ctx.demo

    def leave(kind: str) -> None:
        kiosk.after_exit = kind
        app = QApplication.instance()
        if app is not None:
            app.exit(EXIT_LEAVE_KIOSK if kind == "exit" else 0)

    area = SupervisorArea(
        hooks_for(
            factory=kiosk.ctx.factory,
            config=config,
            config_path=paths.config_file(),
            demo=demo,
            cards=kiosk.ctx.cards,
            print_queue=kiosk.print_queue,
            sync_worker=kiosk.sync_worker,
            leave=leave,
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
    logs.setup()
    crash.install()
    config = Config.load()
    app = QApplication.instance() or QApplication(sys.argv[:1])
    demo = bool(getattr(args, "demo", False))
    if not demo:
        from kiosk.ui.setup_wizard import SetupWizard, needs_setup

        if needs_setup(config):
            if SetupWizard(config).exec() != 1:
                return 1
            config = Config.load()
    kiosk = build(
        config,
        demo=demo,
        lang=getattr(args, "lang", None),
        large_text=True if getattr(args, "large_text", False) else None,
        sync=True,
    )
    attach_supervisor(kiosk)
    _log.info(
        "kiosk started (%s, point %s, kiosk %s)",
        "demo" if demo else "service",
        config["point.code"],
        config["kiosk.id"],
    )
    window = kiosk.window
    hook_crashes(window)
    _stop_cleanly_on_sigterm(app)  # type: ignore[arg-type]
    if getattr(args, "windowed", False) or not bool(config["kiosk.fullscreen"]):
        window.show()
    else:
        window.showFullScreen()
    code = app.exec()  # type: ignore[union-attr]
    _log.info(
        "kiosk stopping (status %s%s)", code, f", {kiosk.after_exit}" if kiosk.after_exit else ""
    )
    kiosk.stop()
    _after_exit(kiosk.after_exit, demo)
    return int(code)


class CrashRelay(QObject):
    """An uncaught error in any thread → the window's recovery, on the GUI thread."""

    crashed = Signal()

    def __call__(self, _exc: BaseException) -> None:
        self.crashed.emit()


def _stop_cleanly_on_sigterm(app: QApplication) -> None:
    """``systemctl stop`` sends SIGTERM: leave the event loop so the reader, printing and sync stop
    in order. Python runs signal handlers only between bytecodes, so a quiet timer wakes it."""
    signal.signal(signal.SIGTERM, lambda *_: app.quit())
    wake = QTimer(app)
    wake.timeout.connect(lambda: None)
    wake.start(250)


def hook_crashes(window: KioskWindow) -> Callable[[], None]:
    """Route uncaught errors (see kiosk.crash) to ``window.recover``; returns the unhook."""
    relay = CrashRelay(window)
    relay.crashed.connect(window.recover)
    return crash.on_crash(relay)


__all__ = ["EXIT_LEAVE_KIOSK", "DirectCardSource", "Kiosk", "attach_supervisor", "build", "run"]

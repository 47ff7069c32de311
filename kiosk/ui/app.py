"""Start the kiosk UI: ``run(args) -> int`` (called by ``kiosk``, ``kiosk --demo [--windowed]``).

``build(...)`` assembles one window with its devices for the app, the walkthrough, the tests and
the bench: SQLite in the data folder, the ID-card reader (the pseudo-terminal simulator in demo),
the camera (simulated in demo), and the print queue (folder printer in demo). ``--demo`` and the
walkthrough never show the first-run setup wizard.
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass
from typing import Any

from PySide6.QtWidgets import QApplication

from kiosk import logs, paths
from kiosk.config import Config
from kiosk.ui.base import Context
from kiosk.ui.card_source import CardSource, DirectCardSource, ReaderCardSource
from kiosk.ui.window import KioskWindow

_log = logs.get("kiosk.ui")


@dataclass
class Kiosk:
    window: KioskWindow
    ctx: Context
    print_queue: Any

    def stop(self) -> None:
        if self.window.current is not None:
            self.window.current.leave()
        self.ctx.cards.stop()
        if self.print_queue is not None:
            self.print_queue.stop()


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
) -> Kiosk:
    from kiosk.devices.camera.qt_bridge import bridge_from_config
    from kiosk.photo.numbers import CaptureNumbers
    from kiosk.storage.db import open_database

    if demo:  # demo prints to a folder whatever the config says
        config = config.with_values(**{"printer.form": "folder", "printer.receipt": "folder"})
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
    cards.start()
    window.start()
    return Kiosk(window, ctx, queue)


def _supervisor(kiosk: Kiosk, demo: bool) -> None:
    """Plug supervisor mode (issue 8) in when it is built; the applicant UI works without it."""
    try:
        from kiosk.ui.supervisor.common import SupervisorContext
        from kiosk.ui.supervisor.window import SupervisorArea
    except ImportError:
        return
    window = kiosk.window
    area = SupervisorArea(
        SupervisorContext(factory=kiosk.ctx.factory, config_path=paths.config_file(), demo=demo)
    )
    area.closed.connect(window.show_applicant)
    area.leaveRequested.connect(lambda kind: QApplication.quit() if kind == "exit" else None)

    def open_area() -> None:
        window.show_supervisor(area)
        area.start()

    window.supervisorRequested.connect(open_area)


def run(args: argparse.Namespace) -> int:
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
    )
    _supervisor(kiosk, demo)
    window = kiosk.window
    if getattr(args, "windowed", False) or not bool(config["kiosk.fullscreen"]):
        window.show()
    else:
        window.showFullScreen()
    code = app.exec()  # type: ignore[union-attr]
    kiosk.stop()
    return int(code)


__all__ = ["DirectCardSource", "Kiosk", "build", "run"]

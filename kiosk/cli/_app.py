"""The CLI's composition root: what a subcommand's task needs, built once; and the touch UI.

A subcommand builds a :class:`CliApp` and hands its parts to the services; no service looks
for the config, the database, the rules or the enrolment itself. Imports stay inside the
functions so ``kiosk --help`` starts light.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from sqlalchemy.orm import Session, sessionmaker

    from kiosk.config import Config
    from kiosk.devices.printers.jobs import PrintQueue
    from kiosk.domain.rules import RuleBook
    from kiosk.services.printing import Printers
    from kiosk.sync.enrolment import Enrolment


@dataclass(frozen=True)
class CliApp:
    config: Config
    factory: sessionmaker[Session]
    rules: RuleBook
    enrolled: Callable[[], Enrolment | None]  # read when asked: `kiosk sync enrol` may run between

    @property
    def printers(self) -> Printers:
        from kiosk.services.printing import Printers

        return Printers.from_config(self.config)

    def print_queue(self) -> PrintQueue:
        """The print queue on this kiosk's printers (not started: callers run it once)."""
        from kiosk.devices.printers.factory import open_printer
        from kiosk.devices.printers.jobs import PrintQueue

        baud = self.config["printer.escpos_baud"]
        return PrintQueue(
            self.factory,
            lambda spec: open_printer(spec, escpos_baud=baud),
            retry_seconds=self.config["printer.retry_seconds"],
            max_attempts=self.config["printer.max_attempts"],
        )


def build(*, db: str | None = None, **config_values: Any) -> CliApp:
    """The config file (with ``config_values`` on top), the database, the office's rules."""
    from kiosk.config import Config
    from kiosk.domain.rules import office_rulebook
    from kiosk.storage.db import open_database
    from kiosk.sync import enrolment

    config = Config.load()
    if config_values:
        config = config.with_values(**config_values)
    return CliApp(config, open_database(db), office_rulebook(), enrolment.load)


def start_ui(args: argparse.Namespace) -> int:
    try:
        from kiosk.ui.app import run
    except ImportError as exc:  # the UI package is missing from this build
        print(f"kiosk: the touch UI is not available in this build ({exc})", file=sys.stderr)
        return 1
    return run(args)

"""The ``kiosk`` command line.

No subcommand starts the kiosk UI. Each module in this package that defines
``register(subparsers)`` adds its subcommands; heavy imports stay inside the handlers so the
command line starts fast. Handlers return an exit code: 0 success, 2 bad arguments, others as
each subcommand documents.
"""

from __future__ import annotations

import argparse
import importlib
import pkgutil
import sys
from collections.abc import Sequence
from typing import NoReturn

# the subcommand modules import these from kiosk.cli._output (importing this package back from
# them would be a cycle); they stay importable from here for scripts that use them
from kiosk import __version__
from kiosk.cli._output import EXIT_OK, EXIT_USAGE, UsageError, emit

__all__ = ["EXIT_OK", "EXIT_USAGE", "UsageError", "build_parser", "emit", "main"]


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        # one line, exit 2, as operators' scripts expect
        self.exit(EXIT_USAGE, f"{self.prog}: error: {message}\n")


def subcommand_modules() -> list[str]:
    """The modules of this package that may add subcommands (those not named ``_...``)."""
    names = sorted(info.name for info in pkgutil.iter_modules(__path__))
    return [f"{__name__}.{name}" for name in names if not name.startswith("_")]


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="kiosk", description="Shenzhen residence-permit counter kiosk")
    parser.add_argument(
        "--demo", action="store_true", help="simulated devices, demo data, no setup"
    )
    parser.add_argument("--windowed", action="store_true", help="a window instead of full screen")
    parser.add_argument("--lang", choices=("zh", "en"), help="start language")
    parser.add_argument("--large-text", action="store_true", help="start in large-text mode")
    parser.add_argument("--version", action="version", version=f"kiosk {__version__}")
    parser.add_argument(
        "--debug", action="store_true", help="show the traceback when the kiosk cannot start"
    )
    parser.add_argument(  # kiosk-out-of-service.service: after too many failed starts
        "--out-of-service", metavar="REASON", choices=("start_failures",), help=argparse.SUPPRESS
    )
    subparsers = parser.add_subparsers(dest="command", parser_class=_Parser)
    for name in subcommand_modules():
        module = importlib.import_module(name)
        register = getattr(module, "register", None)
        if register is not None:
            register(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    import os

    from kiosk import paths

    before = paths.private_umask()  # the data folder holds personal data: 0600 files, 0700 folders
    try:
        return _run(argv)
    finally:
        if before is not None:  # in-process callers (tests, scripts) get their umask back
            os.umask(before)


def _run(argv: Sequence[str] | None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    handler = getattr(args, "handler", None)
    try:
        if handler is None:
            if args.command:
                parser.parse_args([args.command, "--help"])
            from kiosk.cli._app import start_ui

            return start_ui(args)
        if not getattr(args, "reports_problems", False):  # self-check puts them in its report
            from kiosk.storage.startup import preflight

            preflight(database=False)  # the configuration and the data folder, before anything
        return int(handler(args) or 0)
    except UsageError as exc:
        print(f"kiosk: error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except BrokenPipeError:
        return EXIT_OK
    except Exception as exc:
        return _not_ready(exc, debug=bool(getattr(args, "debug", False)))


def _not_ready(exc: Exception, debug: bool) -> int:
    """A broken configuration, data folder or database: one line and exit 3 (``--debug``: and the
    traceback). Anything else is a bug and keeps its traceback."""
    from kiosk.storage.startup import EXIT_NOT_READY, problem_from

    problem = problem_from(exc)
    if problem is None:
        raise exc
    if debug:
        import traceback

        traceback.print_exception(exc, file=sys.stderr)
    print(f"kiosk: {problem.one_line()}", file=sys.stderr)
    return EXIT_NOT_READY

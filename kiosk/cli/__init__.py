"""The ``kiosk`` command line.

No subcommand starts the kiosk UI. Each module in this package that defines
``register(subparsers)`` adds its subcommands; heavy imports stay inside the handlers so the
command line starts fast. Handlers return an exit code: 0 success, 2 bad arguments, others as
each subcommand documents.
"""

from __future__ import annotations

import argparse
import importlib
import json
import pkgutil
import sys
from collections.abc import Sequence
from typing import Any, NoReturn

EXIT_OK = 0
EXIT_USAGE = 2


class UsageError(Exception):
    """Bad arguments found after parsing (a date that does not exist, say): exit 2."""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        # one line, exit 2, as operators' scripts expect
        self.exit(EXIT_USAGE, f"{self.prog}: error: {message}\n")


def emit(data: Any, as_json: bool, text: str | None = None) -> None:
    """Print ``data`` as one JSON object, or ``text`` (default: the JSON, indented)."""
    if as_json:
        print(json.dumps(data, ensure_ascii=False, default=str))
    else:
        print(
            text
            if text is not None
            else json.dumps(data, ensure_ascii=False, indent=2, default=str)
        )


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="kiosk", description="Shenzhen residence-permit counter kiosk")
    parser.add_argument(
        "--demo", action="store_true", help="simulated devices, demo data, no setup"
    )
    parser.add_argument("--windowed", action="store_true", help="a window instead of full screen")
    parser.add_argument("--lang", choices=("zh", "en"), help="start language")
    parser.add_argument("--large-text", action="store_true", help="start in large-text mode")
    subparsers = parser.add_subparsers(dest="command", parser_class=_Parser)
    for info in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
        if info.name.startswith("_"):
            continue
        module = importlib.import_module(f"{__name__}.{info.name}")
        register = getattr(module, "register", None)
        if register is not None:
            register(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    handler = getattr(args, "handler", None)
    try:
        if handler is None:
            if args.command:
                parser.parse_args([args.command, "--help"])
            from kiosk.cli._app import start_ui

            return start_ui(args)
        return int(handler(args) or 0)
    except UsageError as exc:
        print(f"kiosk: error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except BrokenPipeError:
        return EXIT_OK

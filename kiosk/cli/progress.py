"""``kiosk progress --application NUMBER --json``: where one application stands.

Prints ``{"number", "service", "status", "source"}``: the hub's status (``"source": "hub"``) when
the kiosk is enrolled and the hub answers for it, else this kiosk's own record (``"local"``).
Exit 1 when this kiosk knows no application with that number; 2 on bad arguments.
"""

from __future__ import annotations

import argparse
import re
import sys
from typing import Any

from kiosk.cli._args import add_json
from kiosk.cli._output import EXIT_OK, UsageError, emit

EXIT_UNKNOWN = 1
NUMBER = re.compile(r"^[A-Za-z0-9][A-Za-z0-9-]{2,63}$")


def register(subparsers: Any) -> None:
    p = subparsers.add_parser(
        "progress", help="where an application stands (the hub's status, else this kiosk's)"
    )
    p.add_argument("--application", required=True, metavar="NUMBER", help="the 申请编号")
    p.add_argument("--db", help="database file or URL (default: the data folder's)")
    add_json(p)
    p.set_defaults(handler=_progress)


def _progress(args: argparse.Namespace) -> int:
    from kiosk.config import Config
    from kiosk.services import progress
    from kiosk.storage.db import open_database
    from kiosk.sync import enrolment

    number = args.application.strip()
    if not NUMBER.match(number):
        raise UsageError(f"--application: not an application number: {number!r}")
    found = progress.check(open_database(args.db), Config.load(), enrolment.load(), number=number)
    if not found:
        message = (
            f"no application {number.upper()} on this kiosk / 本机没有申请编号 {number.upper()}"
        )
        if args.json:
            emit({"error": "unknown_application", "number": number.upper()}, True)
        else:
            print(f"kiosk: {message}", file=sys.stderr)
        return EXIT_UNKNOWN
    entry = found[0]
    data = {
        "number": entry.application_number,
        "service": entry.service,
        "status": entry.status,
        "source": entry.source,
    }
    text = f"{entry.application_number}  {entry.service}  {entry.status}  ({entry.source})"
    emit(data, args.json, text)
    return EXIT_OK

"""``kiosk walkthrough``: a scripted applicant goes through the real UI offscreen with the simulators.

Saves a PNG of every screen, the printed PDFs and ``walkthrough.json`` (per-screen and total taps,
typed characters and seconds, counted by the UI's application-wide event filter). Never waits for
first-run setup.
"""

from __future__ import annotations

import argparse
import os
from pathlib import Path
from typing import Any

from kiosk.cli._output import UsageError, emit

SERVICES = (
    "application",
    "renewal",
    "replacement",
    "exchange",
    "change",
    "correction",
    "registration",
    "progress",
)


def register(subparsers: Any) -> None:
    p = subparsers.add_parser(
        "walkthrough", help="script an applicant through the UI; screenshots and counts"
    )
    p.add_argument("--service", required=True, choices=SERVICES)
    p.add_argument(
        "--out", required=True, type=Path, help="folder for the PNGs, PDFs and walkthrough.json"
    )
    p.add_argument("--lang", choices=("zh", "en"), default="zh")
    p.add_argument("--large-text", action="store_true")
    p.add_argument(
        "--extras", action="store_true", help="also show endings, failure screens and overlays"
    )
    p.add_argument(
        "--card",
        metavar="SAMPLE",
        help="the simulator's sample card to lay on the reader (resources/samples/cards/"
        "SAMPLE.json; 'elder' is a holder over 60: elder mode turns on by itself)",
    )
    p.set_defaults(handler=_walkthrough)


def _walkthrough(args: argparse.Namespace) -> int:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    if args.card is not None:
        from kiosk.devices.idcard import samples

        if args.card not in samples.sample_names():
            raise UsageError(
                f"--card: no sample card {args.card!r} (one of: {', '.join(samples.sample_names())})"
            )
    from kiosk.ui.walkthrough import run

    result = run(args.service, args.out, args.lang, args.large_text, args.extras, args.card)
    totals = result["totals"]
    emit(
        result,
        False,
        f"{args.service}: {len(result['screens'])} screens, {totals['taps']} taps, "
        f"{totals['typed_characters']} typed characters, {totals['seconds']:.1f} s → {args.out}",
    )
    return 0

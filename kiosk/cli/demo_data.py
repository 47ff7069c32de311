"""``kiosk demo-data --count N``: made-up applications through the real submit path (no printing).

On an enrolled kiosk they are sealed to the hub's key and sent like any submission; before
enrolment they are sealed to the demo key and stay local.
"""

from __future__ import annotations

import argparse
import sys
import time
from typing import Any

from kiosk.cli import emit
from kiosk.cli._args import add_json


def _count(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError("count must be at least 1")
    return value


def register(subparsers: Any) -> None:
    p = subparsers.add_parser(
        "demo-data", help="submit made-up applications (demo, tests, sync drills)"
    )
    p.add_argument("--count", type=_count, required=True)
    p.add_argument("--seed", type=int, default=None, help="repeatable made-up people")
    add_json(p)
    p.set_defaults(handler=_demo_data)


def _demo_data(args: argparse.Namespace) -> int:
    import random

    from kiosk.config import Config
    from kiosk.storage.db import open_database
    from kiosk.sync.demo_applications import made_up_application, sample_photo
    from kiosk.sync.enrolment import EnrolmentError
    from kiosk.sync.submission import submit_application

    # made-up people: sealed to the hub when enrolled (sync drills), else to the demo key
    factory, config = open_database(), Config.load().with_values(**{"sync.demo": True})
    rng = random.Random(args.seed)
    photo = sample_photo()
    started = time.perf_counter()
    numbers: list[str] = []
    try:
        for _ in range(args.count):
            app = submit_application(factory, made_up_application(rng, photo=photo), config)
            numbers.append(app.application_number)
    except EnrolmentError as exc:
        print(f"kiosk: {exc}", file=sys.stderr)
        return 1
    elapsed = time.perf_counter() - started
    rate = len(numbers) / elapsed if elapsed else float("inf")
    emit(
        {
            "submitted": len(numbers),
            "seconds": round(elapsed, 3),
            "per_second": round(rate, 1),
            "first": numbers[0],
            "last": numbers[-1],
        },
        args.json,
        f"submitted {len(numbers)} in {elapsed:.2f}s ({rate:.0f}/s): {numbers[0]} .. {numbers[-1]}",
    )
    return 0

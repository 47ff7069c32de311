"""``kiosk demo-data --count N``: made-up applications through the real submit path (no printing).

Before enrolment they are sealed to the demo key and stay local. On an enrolled kiosk the command
refuses unless given ``--to-enrolled-hub``; then they are sealed to the hub's key, marked as demo
inside the sealed content, and sent like any submission (a hub holds them only with
``--accept-demo``).
"""

from __future__ import annotations

import argparse
import sys
import time
from typing import Any

from kiosk.cli._args import add_json
from kiosk.cli._output import emit


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
    p.add_argument(
        "--to-enrolled-hub",
        action="store_true",
        help="on an enrolled kiosk: send them to the hub, marked as demo (sync drills)",
    )
    add_json(p)
    p.set_defaults(handler=_demo_data)


def _demo_data(args: argparse.Namespace) -> int:
    import random

    from kiosk.cli._app import build
    from kiosk.services.submit import submit_application
    from kiosk.sync.demo_applications import made_up_application, sample_photo
    from kiosk.sync.enrolment import EnrolmentError

    # made-up people: before enrolment sealed to the demo key (they never leave); on an enrolled
    # kiosk only when asked, then sealed to the hub and marked demo inside (sync.demo = true)
    kiosk = build(sync__demo=True)
    enrolled = kiosk.enrolled()
    if enrolled is not None and not args.to_enrolled_hub:
        print(
            f"kiosk: 本机已登记到后台 {enrolled.kiosk_id}，演示数据会发往后台；确认请加 "
            "--to-enrolled-hub（数据标记为演示）/ this kiosk is enrolled: made-up applications "
            "would go to the hub; add --to-enrolled-hub to send them, marked as demo",
            file=sys.stderr,
        )
        return 1
    rng = random.Random(args.seed)
    photo = sample_photo()
    started = time.perf_counter()
    numbers: list[str] = []
    try:
        for _ in range(args.count):
            done = submit_application(
                kiosk.factory,
                made_up_application(rng, photo=photo),
                kiosk.config,
                rules=kiosk.rules,
                enrolled=enrolled,
            )
            numbers.append(done.application_number)
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

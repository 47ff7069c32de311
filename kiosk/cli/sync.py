"""``kiosk sync ...``: enrol with the hub, run the sync worker, status, sneakernet export/import.

Exit codes: 0 done, 1 failed or items left unsent (``run --once``), 2 bad arguments.
"""

from __future__ import annotations

import argparse
import contextlib
import signal
import sys
from pathlib import Path
from typing import Any

from kiosk.cli._args import add_json
from kiosk.cli._output import emit


def register(subparsers: Any) -> None:
    sync = subparsers.add_parser("sync", help="send applications to the back-office hub")
    sub = sync.add_subparsers(dest="sync_command", required=True, parser_class=type(sync))

    p = sub.add_parser("enrol", help="bind this kiosk to a hub with a one-time code")
    p.add_argument("--hub", required=True, help="hub URL, e.g. https://hub.example:8443")
    p.add_argument("--code", required=True, help="code from 'kiosk-hub enrol'")
    p.add_argument(
        "--allow-plain-http",
        action="store_true",
        help="enrol over http:// (tests and demos only; the hub needs it too)",
    )
    add_json(p)
    p.set_defaults(handler=_enrol)

    p = sub.add_parser("run", help="send until stopped (--once: send now, then exit)")
    p.add_argument("--once", action="store_true", help="ignore waits, drain what can be sent, exit")
    add_json(p)
    p.set_defaults(handler=_run)

    p = sub.add_parser("status", help="queue counts, last success, last error")
    add_json(p)
    p.set_defaults(handler=_status)

    p = sub.add_parser("quarantined", help="items the hub refused, with its reasons")
    add_json(p)
    p.set_defaults(handler=_quarantined)

    p = sub.add_parser("export", help="write unsent sealed items as one signed bundle")
    p.add_argument("--to", type=Path, required=True, help="folder on the removable drive")
    add_json(p)
    p.set_defaults(handler=_export)

    p = sub.add_parser("import-acks", help="apply the hub's acknowledgement files from a folder")
    p.add_argument("folder", type=Path)
    add_json(p)
    p.set_defaults(handler=_import_acks)


def _setup() -> tuple[Any, Any]:
    from kiosk.config import Config
    from kiosk.storage.db import open_database

    return open_database(), Config.load()


def _fail(message: str) -> int:
    print(f"kiosk: {message}", file=sys.stderr)
    return 1


def _enrolled() -> Any:
    from kiosk.sync import enrolment

    enrolled = enrolment.load()
    if enrolled is None:
        print(f"kiosk: {enrolment.NOT_ENROLLED.zh} / {enrolment.NOT_ENROLLED.en}", file=sys.stderr)
    return enrolled


def _enrol(args: argparse.Namespace) -> int:
    from kiosk.config import Config
    from kiosk.sync import enrolment

    try:
        done = enrolment.enrol(
            args.hub, args.code, Config.load(), allow_plain_http=args.allow_plain_http
        )
    except enrolment.EnrolmentError as exc:
        return _fail(str(exc))
    emit(
        {"kiosk_id": done.kiosk_id, "hub": done.hub_url, "hub_key_id": done.key_id},
        args.json,
        f"已登记 / enrolled: kiosk {done.kiosk_id} at {done.hub_url}",
    )
    return 0


def _run(args: argparse.Namespace) -> int:
    from kiosk.sync import enrolment
    from kiosk.sync.worker import SyncWorker, status

    factory, config = _setup()
    if _enrolled() is None:
        return 1
    worker = SyncWorker(factory, config, enrolled=enrolment.load)
    if args.once:
        result = worker.run_once()
        left = status(factory, enrolment.load())["pending"]
        emit(
            {
                "sent": result.sent,
                "quarantined": result.quarantined,
                "pending": left,
                "error": result.global_error,
            },
            args.json,
            f"sent {result.sent}, quarantined {result.quarantined}, still pending {left}"
            + (f" ({result.global_error})" if result.global_error else ""),
        )
        return 0 if left == 0 else 1
    from kiosk import logs

    logs.setup()  # a long-running worker: its story goes to the data folder's kiosk.log
    signal.signal(signal.SIGTERM, lambda *_: worker.stop(timeout=0))
    with contextlib.suppress(KeyboardInterrupt):
        worker.run_forever()
    return 0


def _status(args: argparse.Namespace) -> int:
    from kiosk.sync import enrolment
    from kiosk.sync.worker import status

    factory, _ = _setup()
    data = status(factory, enrolment.load())
    text = (
        f"待发送/pending {data['pending']}  已确认/acknowledged {data['acknowledged']}  "
        f"隔离/quarantined {data['quarantined']}  演示/demo {data['demo']}\n"
        f"last success: {data['last_success']}\nlast error: {data['last_error']}"
    )
    emit(data, args.json, text)
    return 0


def _quarantined(args: argparse.Namespace) -> int:
    from kiosk.services import sending

    factory, _ = _setup()
    items = sending.overview(factory).quarantined
    emit(
        {"items": items},
        args.json,
        "\n".join(f"{i['uuid']} {i['kind']}: {i['reason']}" for i in items) or "none",
    )
    return 0


def _export(args: argparse.Namespace) -> int:
    from kiosk.sync import sneakernet

    factory, _ = _setup()
    enrolled = _enrolled()
    if enrolled is None:
        return 1
    path, count = sneakernet.export(factory, enrolled, args.to)
    emit(
        {"bundle": str(path) if path else None, "items": count},
        args.json,
        f"{count} items -> {path}" if path else "nothing to export",
    )
    return 0


def _import_acks(args: argparse.Namespace) -> int:
    from kiosk.sync import sneakernet

    factory, _ = _setup()
    enrolled = _enrolled()
    if enrolled is None:
        return 1
    if not args.folder.is_dir():
        return _fail(f"{args.folder}: 不是文件夹 / not a folder")
    summary = sneakernet.import_acks(factory, enrolled, args.folder)
    emit(summary, args.json)
    return 1 if summary["errors"] else 0

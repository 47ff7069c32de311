"""``kiosk-hub``: serve the hub, enrol and revoke kiosks, count, export, import bundles.

Exit codes: 0 done, 1 refused/failed (message on stderr), 2 bad arguments.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import secrets
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any, NoReturn

from sqlalchemy import func, select

EXIT_OK, EXIT_FAIL, EXIT_USAGE = 0, 1, 2
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"  # no 0/O or 1/I/L to misread


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        self.exit(EXIT_USAGE, f"{self.prog}: error: {message}\n")


def _emit(data: Any, as_json: bool, text: str) -> None:
    print(json.dumps(data, ensure_ascii=False, default=str) if as_json else text)


def _kiosk_id(text: str) -> str:
    import re

    if not re.fullmatch(r"[A-Z0-9]{1,8}", text):
        raise argparse.ArgumentTypeError(f"{text!r}: a kiosk id is 1-8 of A-Z 0-9")
    return text


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="kiosk-hub", description="Back-office hub for residence-permit kiosks")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)

    def command(name: str, help_text: str) -> argparse.ArgumentParser:
        p = sub.add_parser(name, help=help_text)
        p.add_argument(
            "--db", help="SQLAlchemy URL or SQLite path (default: KIOSK_HUB_HOME/hub.sqlite3)"
        )
        p.add_argument("--json", action="store_true", help="print one JSON object")
        return p

    p = command("serve", "serve the kiosk API")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=8443)
    p.add_argument("--tls-cert", type=Path)
    p.add_argument("--tls-key", type=Path)
    p = command("enrol", "make a one-time enrolment code for a kiosk id")
    p.add_argument("--kiosk-id", type=_kiosk_id, required=True)
    p.add_argument("--valid-hours", type=float, default=72.0)
    p = command("revoke", "refuse a kiosk from now on")
    p.add_argument("--kiosk-id", type=_kiosk_id, required=True)
    command("count", "how many applications the hub holds")
    p = command("export", "write decrypted applications as JSON lines for the back office")
    p.add_argument("--out", type=Path, required=True)
    p = command(
        "import", "ingest sneakernet bundles from a folder and write acknowledgements into it"
    )
    p.add_argument("folder", type=Path)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if getattr(args, "tls_cert", None) and not getattr(args, "tls_key", None):
        print("kiosk-hub: error: --tls-cert needs --tls-key", file=sys.stderr)
        return EXIT_USAGE
    from kiosk_hub import store

    hub = store.open_hub(args.db)
    handler = {
        "serve": _serve,
        "enrol": _enrol,
        "revoke": _revoke,
        "count": _count,
        "export": _export,
        "import": _import,
    }[args.command]
    return handler(hub, args)


def _serve(hub: Any, args: argparse.Namespace) -> int:
    import uvicorn

    from kiosk_hub.app import create_app

    uvicorn.run(
        create_app(hub),
        host=args.host,
        port=args.port,
        ssl_certfile=str(args.tls_cert) if args.tls_cert else None,
        ssl_keyfile=str(args.tls_key) if args.tls_key else None,
        log_level="warning",
        access_log=False,
        timeout_graceful_shutdown=5,
    )
    return EXIT_OK


def _enrol(hub: Any, args: argparse.Namespace) -> int:
    from kiosk_hub.app import code_hash
    from kiosk_hub.models import EnrolmentCode, utcnow

    code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(12))
    code = "-".join(code[i : i + 4] for i in range(0, 12, 4))
    expires = utcnow() + dt.timedelta(hours=args.valid_hours)
    with hub.factory.begin() as session:
        session.add(
            EnrolmentCode(code_hash=code_hash(code), kiosk_id=args.kiosk_id, expires_at=expires)
        )
    _emit(
        {"code": code, "kiosk_id": args.kiosk_id, "expires_at": expires.isoformat()},
        args.json,
        f"{code}  (kiosk {args.kiosk_id}, valid until {expires:%Y-%m-%d %H:%M} UTC)",
    )
    return EXIT_OK


def _revoke(hub: Any, args: argparse.Namespace) -> int:
    from kiosk_hub.models import Kiosk, utcnow

    with hub.factory.begin() as session:
        kiosk = session.get(Kiosk, args.kiosk_id)
        if kiosk is None:
            print(f"kiosk-hub: no kiosk {args.kiosk_id}", file=sys.stderr)
            return EXIT_FAIL
        kiosk.revoked_at = kiosk.revoked_at or utcnow()
    _emit({"kiosk_id": args.kiosk_id, "revoked": True}, args.json, f"kiosk {args.kiosk_id} revoked")
    return EXIT_OK


def _count(hub: Any, args: argparse.Namespace) -> int:
    from kiosk_hub import store
    from kiosk_hub.models import Item

    with hub.factory() as session:
        apps = session.execute(
            select(func.count()).select_from(Item).where(Item.kind == "application")
        ).scalar_one()
        items = session.execute(select(func.count()).select_from(Item)).scalar_one()
        data = {
            "applications": apps,
            "duplicates_refused": store.counter(session, "duplicates_refused"),
            "conflicts": store.counter(session, "conflicts"),
            "items": items,
        }
    _emit(
        data,
        args.json,
        f"{apps} applications ({items} items), {data['duplicates_refused']} duplicates refused",
    )
    return EXIT_OK


def _export(hub: Any, args: argparse.Namespace) -> int:
    from kiosk_hub.export import export_applications

    count = export_applications(hub, args.out)
    _emit(
        {"exported": count, "out": str(args.out)}, args.json, f"{count} applications -> {args.out}"
    )
    return EXIT_OK


def _import(hub: Any, args: argparse.Namespace) -> int:
    from kiosk_hub.importer import import_folder

    if not args.folder.is_dir():
        print(f"kiosk-hub: {args.folder} is not a folder", file=sys.stderr)
        return EXIT_FAIL
    summary = import_folder(hub, args.folder)
    _emit(summary, args.json, json.dumps(summary, ensure_ascii=False, indent=2))
    return EXIT_FAIL if summary["errors"] else EXIT_OK

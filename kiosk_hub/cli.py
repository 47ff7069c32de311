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

from kiosk_hub import __version__

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


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if value < 1:
        raise argparse.ArgumentTypeError("must be at least 1")
    return value


def _valid_hours(text: str) -> float:
    """Hours an enrolment code stays valid: a finite number above 0, at most a year."""
    import math

    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number") from None
    if not math.isfinite(value) or value <= 0 or value > 24 * 366:
        raise argparse.ArgumentTypeError(f"{text!r}: give hours above 0, at most 8784 (a year)")
    return value


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="kiosk-hub", description="Back-office hub for residence-permit kiosks")
    parser.add_argument("--version", action="version", version=f"kiosk-hub {__version__}")
    parser.add_argument(
        "--debug", action="store_true", help="show the traceback when the hub cannot start"
    )
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
    p.add_argument("--workers", type=_positive_int, default=1, help="worker processes")
    p.add_argument(
        "--db-connections",
        type=_positive_int,
        default=4,
        help="database connections (and threads for database work) per worker (default 4)",
    )
    p.add_argument(
        "--accept-demo",
        action="store_true",
        help="hold made-up (demo) applications, flagged demo (training hubs only)",
    )
    p.add_argument(
        "--allow-plain-http",
        action="store_true",
        help="let kiosks enrol without TLS (tests and demos on 127.0.0.1 only)",
    )
    p = command("enrol", "make a one-time enrolment code for a kiosk id")
    p.add_argument("--kiosk-id", type=_kiosk_id, required=True)
    p.add_argument("--valid-hours", type=_valid_hours, default=72.0)
    p = command("revoke", "refuse a kiosk from now on")
    p.add_argument("--kiosk-id", type=_kiosk_id, required=True)
    command("count", "how many applications the hub holds")
    p = command("export", "write decrypted applications as JSON lines for the back office")
    p.add_argument("--out", type=Path, required=True)
    p = command(
        "import", "ingest sneakernet bundles from a folder and write acknowledgements into it"
    )
    p.add_argument("folder", type=Path)
    command("fleet", "every kiosk: the release it runs, when it was last seen, what it sent")
    p = command("staff", "hub staff accounts for the counter console (password from stdin)")
    staff = p.add_subparsers(dest="staff_command", required=True, parser_class=_Parser)
    p = staff.add_parser("add", help="add a console account; its password is read from stdin")
    p.add_argument(
        "--db", help="SQLAlchemy URL or SQLite path (default: KIOSK_HUB_HOME/hub.sqlite3)"
    )
    p.add_argument("--json", action="store_true", help="print one JSON object")
    p.add_argument("--user", required=True)
    p.add_argument("--role", required=True, choices=("counter", "supervisor", "admin"))
    p.add_argument("--point", required=True, help="acceptance point code, e.g. FT01")
    p = command("backup", "copy the database and the hub's keys into a new folder under --to")
    p.add_argument("--to", type=Path, required=True)
    p = command("restore", "restore a backup folder into an empty database and hub home")
    p.add_argument("folder", type=Path)
    _add_db_commands(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run a subcommand; its database or data folder being unusable (a bad URL, a damaged or
    foreign file, a folder it cannot write or a full disk) is one line and exit 1, no traceback
    (``--debug`` shows it)."""
    import errno

    from sqlalchemy.exc import ArgumentError, DBAPIError

    args = build_parser().parse_args(argv)
    try:
        return _main(args)
    except (ArgumentError, DBAPIError, OSError) as exc:
        if isinstance(exc, OSError) and exc.errno not in (
            errno.EACCES,
            errno.EPERM,
            errno.EROFS,
            errno.ENOSPC,
            errno.EDQUOT,
            errno.ENOENT,
        ):
            raise
        if args.debug:
            import traceback

            traceback.print_exception(exc, file=sys.stderr)
        reason = exc.orig if isinstance(exc, DBAPIError) else exc
        print(
            f"kiosk-hub: cannot run {args.command}: {' '.join(str(reason).split())}",
            file=sys.stderr,
        )
        return EXIT_FAIL


def _main(args: argparse.Namespace) -> int:
    if getattr(args, "tls_cert", None) and not getattr(args, "tls_key", None):
        print("kiosk-hub: error: --tls-cert needs --tls-key", file=sys.stderr)
        return EXIT_USAGE
    if args.command == "db":
        from kiosk_hub.db_cli import run_db_command

        return run_db_command(args)
    if args.command in ("backup", "restore"):  # before open_hub: restore needs an empty home
        from kiosk_hub.db_cli import run_backup_command

        return run_backup_command(args)
    from kiosk_hub import schema, store

    try:
        hub = store.open_hub(args.db, getattr(args, "db_connections", store.DB_CONNECTIONS))
    except schema.SchemaMismatchError as exc:
        print(f"kiosk-hub: {exc}", file=sys.stderr)
        return EXIT_FAIL
    handler = {
        "serve": _serve,
        "enrol": _enrol,
        "revoke": _revoke,
        "count": _count,
        "export": _export,
        "import": _import,
        "fleet": _fleet,
        "staff": _staff,
    }[args.command]
    return handler(hub, args)


def _serve(hub: Any, args: argparse.Namespace) -> int:
    import logging
    import os

    import uvicorn

    from kiosk_hub import app

    # refusals (uuid and kiosk id only, never content) go to stderr, i.e. the journal
    logging.basicConfig(level=logging.WARNING, format="kiosk-hub %(levelname)s %(message)s")
    hub.accept_demo = args.accept_demo
    tls = {
        "ssl_certfile": str(args.tls_cert) if args.tls_cert else None,
        "ssl_keyfile": str(args.tls_key) if args.tls_key else None,
    }
    common: dict[str, Any] = {
        "host": args.host,
        "port": args.port,
        "log_level": "warning",
        "access_log": False,
        "timeout_graceful_shutdown": 5,
        # longer than any kiosk's idle poll (sync.idle_poll, 5 s): each kiosk keeps one
        # connection (and one TLS handshake) instead of a new one at every poll
        "timeout_keep_alive": 75,
        **tls,
    }
    if args.workers == 1:
        uvicorn.run(app.create_app(hub, allow_plain_http=args.allow_plain_http), **common)
        return EXIT_OK
    # several processes on one port: each worker builds its app from these variables
    hub.close()
    os.environ[app.ENV_DB] = args.db or ""
    os.environ[app.ENV_ACCEPT_DEMO] = "1" if args.accept_demo else ""
    os.environ[app.ENV_PLAIN_HTTP] = "1" if args.allow_plain_http else ""
    os.environ[app.ENV_DB_CONNECTIONS] = str(args.db_connections)
    uvicorn.run("kiosk_hub.app:app_from_environment", factory=True, workers=args.workers, **common)
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
        demo = session.execute(
            select(func.count())
            .select_from(Item)
            .where(Item.kind == "application", Item.demo.is_(True))
        ).scalar_one()
        data = {
            "applications": apps,
            "duplicates_refused": store.counter(session, "duplicates_refused"),
            "conflicts": store.counter(session, "conflicts"),
            "items": items,
            "demo": demo,  # of the applications, made-up ones (held by an --accept-demo hub)
            "refused": store.counter(session, "refused"),
        }
    _emit(
        data,
        args.json,
        f"{apps} applications ({items} items), {data['duplicates_refused']} duplicates refused",
    )
    return EXIT_OK


def _export(hub: Any, args: argparse.Namespace) -> int:
    from kiosk_hub.export import export_applications

    result = export_applications(hub, args.out)
    for skipped in result.skipped:  # the rest is exported; these need a look
        print(f"kiosk-hub: skipped {skipped['uuid']}: {skipped['reason']}", file=sys.stderr)
    _emit(
        {"exported": result.exported, "out": str(args.out), "skipped": result.skipped},
        args.json,
        f"{result.exported} applications -> {args.out}"
        + (f", {len(result.skipped)} skipped" if result.skipped else ""),
    )
    return EXIT_FAIL if result.skipped else EXIT_OK


def _import(hub: Any, args: argparse.Namespace) -> int:
    from kiosk_hub.importer import import_folder

    if not args.folder.is_dir():
        print(f"kiosk-hub: {args.folder} is not a folder", file=sys.stderr)
        return EXIT_FAIL
    summary = import_folder(hub, args.folder)
    _emit(summary, args.json, json.dumps(summary, ensure_ascii=False, indent=2))
    return EXIT_FAIL if summary["errors"] else EXIT_OK


def _add_db_commands(sub: Any) -> None:
    db = sub.add_parser("db", help="the hub database's schema (Alembic)")
    db_sub = db.add_subparsers(dest="db_command", required=True, parser_class=_Parser)
    for name, help_text in (
        ("upgrade", "migrate the schema to this release (0.1.0 databases included)"),
        ("check", "is the schema at this release? (exit 1 when not)"),
    ):
        p = db_sub.add_parser(name, help=help_text)
        p.add_argument(
            "--db", help="SQLAlchemy URL or SQLite path (default: KIOSK_HUB_HOME/hub.sqlite3)"
        )
        p.add_argument("--json", action="store_true", help="print one JSON object")


def _fleet(hub: Any, args: argparse.Namespace) -> int:
    from kiosk_hub.fleet import fleet

    kiosks = fleet(hub)
    lines = [
        f"{k['kiosk_id']:8} {k['version'] or '?':12} last seen {k['last_seen'] or '-'}"
        f"  {k['applications']} applications{'  REVOKED' if k['revoked'] else ''}"
        for k in kiosks
    ]
    _emit({"kiosks": kiosks}, args.json, "\n".join(lines) or "no kiosks enrolled")
    return EXIT_OK


def _staff(hub: Any, args: argparse.Namespace) -> int:
    from kiosk_hub.console import auth

    password = sys.stdin.readline().rstrip("\r\n")  # never an argument: it would show in ps
    try:
        account = auth.add_staff(hub.factory, args.user, args.role, args.point, password)
    except auth.StaffError as exc:
        print(f"kiosk-hub: {exc}", file=sys.stderr)
        return EXIT_FAIL
    _emit(
        {"user": account.username, "role": account.role, "point": account.point},
        args.json,
        f"staff {account.username} ({account.role}, point {account.point}) added",
    )
    return EXIT_OK

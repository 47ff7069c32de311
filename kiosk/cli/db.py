"""``kiosk db upgrade|check``: the database schema, for operators."""

from __future__ import annotations

import argparse
from typing import Any

from kiosk.cli import emit
from kiosk.cli._args import add_json


def register(subparsers: Any) -> None:
    db = subparsers.add_parser("db", help="the kiosk database")
    sub = db.add_subparsers(dest="db_command", required=True, parser_class=type(db))
    p = sub.add_parser("upgrade", help="migrate the schema to this release")
    p.add_argument("--db", help="database file or URL (default: the data folder's)")
    add_json(p)
    p.set_defaults(handler=_upgrade)
    p = sub.add_parser("check", help="is the schema up to date? (exit 1 when not)")
    p.add_argument("--db", help="database file or URL (default: the data folder's)")
    add_json(p)
    p.set_defaults(handler=_check)


def _upgrade(args: argparse.Namespace) -> int:
    from kiosk.storage import db

    engine = db.make_engine(args.db)
    try:
        db.upgrade(engine)
    except db.SchemaTooNewError as exc:
        emit({"ok": False, "error": str(exc)}, args.json, f"refused: {exc}")
        return 1
    status = db.check(engine)
    emit({"ok": True, **status}, args.json, f"schema at {status['current']}")
    return 0


def _check(args: argparse.Namespace) -> int:
    from kiosk.storage import db

    status = db.check(db.make_engine(args.db))
    ok = status["state"] == "up_to_date"
    emit(
        {"ok": ok, **status},
        args.json,
        f"{status['state']}: at {status['current']}, newest {status['head']}",
    )
    return 0 if ok else 1

"""``kiosk audit verify|list|head``: check and read the hash-chained audit log.

``verify`` exits 1 when the chain is broken, naming the first entry that does not hold.
"""

from __future__ import annotations

import argparse
from typing import Any

from kiosk.cli._args import add_json
from kiosk.cli._output import emit


def register(subparsers: Any) -> None:
    audit = subparsers.add_parser("audit", help="the audit log (every staff action and submission)")
    sub = audit.add_subparsers(dest="audit_command", required=True, parser_class=type(audit))

    p = sub.add_parser("verify", help="check the hash chain (exit 1 when an entry was altered)")
    p.add_argument("--db", help="database file or URL (default: the data folder's)")
    add_json(p)
    p.set_defaults(handler=_verify)

    p = sub.add_parser("list", help="the newest entries")
    p.add_argument("--db", help="database file or URL (default: the data folder's)")
    p.add_argument("--limit", type=int, default=50, help="how many entries (default 50)")
    p.add_argument("--action", default="", help="only actions starting with this (e.g. review.)")
    add_json(p)
    p.set_defaults(handler=_list)

    p = sub.add_parser("head", help="entry count and newest hash (what the hub receives)")
    p.add_argument("--db", help="database file or URL (default: the data folder's)")
    add_json(p)
    p.set_defaults(handler=_head)


def _session(db_arg: str | None) -> Any:
    from kiosk.storage.db import open_database

    return open_database(db_arg)()


def _verify(args: argparse.Namespace) -> int:
    from kiosk.services import audit_trail

    with _session(args.db) as session:
        result = audit_trail.verify(session)
    if result.ok:
        text = f"ok: {result.entries} entries, chain intact / 审计日志完整"
    else:
        text = (
            f"BROKEN at entry {result.first_bad} (checked {result.entries}) / "
            f"审计日志在第 {result.first_bad} 条被改动"
        )
    emit(result.as_json(), args.json, text)
    return 0 if result.ok else 1


def _list(args: argparse.Namespace) -> int:
    from kiosk.services import audit_trail

    with _session(args.db) as session:
        entries = audit_trail.recent(session, limit=max(args.limit, 1), action_prefix=args.action)
    rows = [
        {
            "id": e.id,
            "at": e.at.isoformat(),
            "actor": e.actor,
            "action": e.action,
            "subject": e.subject,
            "detail": e.detail,
        }
        for e in entries
    ]
    text = (
        "\n".join(
            f"{r['id']:>6}  {r['at']}  {r['actor']:<20} {r['action']:<22} {r['subject']} {r['detail']}"
            for r in rows
        )
        or "(no entries)"
    )
    emit({"entries": rows}, args.json, text)
    return 0


def _head(args: argparse.Namespace) -> int:
    from kiosk.services import audit_trail

    with _session(args.db) as session:
        entries, head = audit_trail.head(session)
    emit({"entries": entries, "hash": head}, args.json, f"{entries} entries, head {head}")
    return 0

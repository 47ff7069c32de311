"""``kiosk staff add|list|unlock``: counter-staff accounts, for setup and administrators.

PINs are never taken on the command line (they would show in the process list): they are read
from standard input, one per line, or asked for without echo on a terminal. While no
administrator exists, the first ``add --role administrator`` needs no login; after that every
change needs ``--admin USER`` and that administrator's PIN (first line of input).
"""

from __future__ import annotations

import argparse
import getpass
import sys
from typing import Any

from kiosk.cli._args import add_json
from kiosk.cli._output import emit

EXIT_REFUSED = 1


def register(subparsers: Any) -> None:
    staff = subparsers.add_parser("staff", help="counter-staff accounts")
    sub = staff.add_subparsers(dest="staff_command", required=True, parser_class=type(staff))

    p = sub.add_parser("add", help="add an account (PIN from stdin or a prompt)")
    p.add_argument("username")
    p.add_argument("--name", required=True, help="display name shown on the PIN pad")
    p.add_argument("--role", choices=("staff", "administrator"), default="staff")
    p.add_argument(
        "--admin", help="administrator authorising the change (not needed for the first)"
    )
    p.add_argument("--db", help="database file or URL (default: the data folder's)")
    add_json(p)
    p.set_defaults(handler=_add)

    p = sub.add_parser("list", help="list accounts")
    p.add_argument("--all", action="store_true", help="include disabled accounts")
    p.add_argument("--db", help="database file or URL (default: the data folder's)")
    add_json(p)
    p.set_defaults(handler=_list)

    p = sub.add_parser("unlock", help="clear a lockout after wrong PINs")
    p.add_argument("username")
    p.add_argument("--admin", required=True, help="administrator authorising the change")
    p.add_argument("--db", help="database file or URL (default: the data folder's)")
    add_json(p)
    p.set_defaults(handler=_unlock)


def _read_pin(prompt: str) -> str:
    if sys.stdin.isatty():
        return getpass.getpass(prompt)
    line = sys.stdin.readline()
    return line.strip()


def _authorise(session: Any, admin: str | None) -> tuple[str | None, str | None]:
    """(actor, error): the administrator's actor name once their PIN checks out."""
    from kiosk.config import Config
    from kiosk.services import staff

    if admin is None:
        return None, "需要 --admin 管理员授权 / --admin USER is required"
    result = staff.authenticate(
        session, admin, _read_pin(f"PIN for {admin}: "), Config.load()["supervisor.lockout_minutes"]
    )
    session.commit()  # failures count, even from the command line
    if not result.ok or result.account is None:
        return None, f"{result.message().zh} / {result.message().en}"
    if not result.account.is_admin:
        return None, "该账户不是管理员 / that account is not an administrator"
    return result.account.actor, None


def _add(args: argparse.Namespace) -> int:
    from kiosk.services import staff
    from kiosk.storage.db import open_database

    with open_database(args.db)() as session:
        if staff.needs_first_admin(session) and args.role == "administrator" and args.admin is None:
            actor = "system:first-run"
        else:
            authorised, error = _authorise(session, args.admin)
            if authorised is None:
                emit({"ok": False, "error": error}, args.json, f"refused: {error}")
                return EXIT_REFUSED
            actor = authorised
        try:
            account = staff.add_staff(
                session, actor, args.username, args.name, args.role, _read_pin("new PIN: ")
            )
        except staff.StaffError as exc:
            session.rollback()
            emit({"ok": False, "error": exc.message.as_dict()}, args.json, f"refused: {exc}")
            return EXIT_REFUSED
        session.commit()
    emit({"ok": True, **account.as_json()}, args.json, f"added {account.username} ({account.role})")
    return 0


def _list(args: argparse.Namespace) -> int:
    from kiosk.services import staff
    from kiosk.storage.db import open_database

    with open_database(args.db)() as session:
        accounts = staff.list_staff(session, include_inactive=args.all)
    rows = [a.as_json() for a in accounts]
    text = (
        "\n".join(
            f"{a.username:<20} {a.role:<14} {a.display_name}"
            + ("" if a.active else "  (disabled)")
            + (f"  locked until {a.locked_until:%H:%M}" if a.locked_until else "")
            for a in accounts
        )
        or "(no accounts: add the first administrator with `kiosk staff add NAME --role administrator`)"
    )
    emit({"staff": rows}, args.json, text)
    return 0


def _unlock(args: argparse.Namespace) -> int:
    from kiosk.services import staff
    from kiosk.storage.db import open_database

    with open_database(args.db)() as session:
        actor, error = _authorise(session, args.admin)
        if actor is None:
            emit({"ok": False, "error": error}, args.json, f"refused: {error}")
            return EXIT_REFUSED
        try:
            staff.unlock(session, actor, args.username)
        except staff.StaffError as exc:
            emit({"ok": False, "error": exc.message.as_dict()}, args.json, f"refused: {exc}")
            return EXIT_REFUSED
        session.commit()
    emit({"ok": True, "username": args.username}, args.json, f"unlocked {args.username}")
    return 0

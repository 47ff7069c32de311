"""``kiosk db upgrade|check|key|seal-key``: the database schema and its encryption key, for operators.

``key`` prints where the database is, its cipher and its key (hex), so support can open the file with
``sqlcipher3`` (``PRAGMA key = "x'HEX'"``). A key kept as a plain file (demo, tests) is shown to
whoever can run the command, since they can read the file anyway; a sealed key (systemd-creds,
DPAPI) only to an administrator (``--admin USER``, PIN on standard input), and that is audited.
"""

from __future__ import annotations

import argparse
from typing import Any

from kiosk.cli._args import add_json
from kiosk.cli._output import emit


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
    p = sub.add_parser("key", help="the database file, its cipher and key (for support)")
    p.add_argument("--db", help="database file or URL (default: the data folder's)")
    p.add_argument("--admin", help="administrator (PIN from stdin); needed when the key is sealed")
    add_json(p)
    p.set_defaults(handler=_key)
    p = sub.add_parser(
        "seal-key", help="seal the database key with systemd-creds and remove the key file (root)"
    )
    p.add_argument(
        "--with-key",
        choices=("auto", "host", "tpm2", "tpm2+host"),
        default="auto",
        help="what seals it (auto: TPM2 and host key where a TPM2 exists, else the host key)",
    )
    add_json(p)
    p.set_defaults(handler=_seal_key)


def _upgrade(args: argparse.Namespace) -> int:
    from kiosk.storage import db

    path = db.sqlite_path(args.db)
    was_plain = path is not None and db.is_plain(path)
    engine = db.make_engine(args.db)  # a plain 0.1.0 file is encrypted here
    try:
        db.upgrade(engine)
    except db.SchemaTooNewError as exc:
        emit({"ok": False, "error": str(exc)}, args.json, f"refused: {exc}")
        return 1
    status = db.check(engine)
    cipher = db.CIPHER if path is not None else "none"
    text = f"schema at {status['current']}" + (", now encrypted (SQLCipher)" if was_plain else "")
    emit({"ok": True, **status, "cipher": cipher, "encrypted_now": was_plain}, args.json, text)
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


def _read_pin(prompt: str) -> str:
    import getpass
    import sys

    return getpass.getpass(prompt) if sys.stdin.isatty() else sys.stdin.readline().strip()


def _key(args: argparse.Namespace) -> int:
    from kiosk.storage import db

    path = db.sqlite_path(args.db)
    if path is None or db.is_plain(path):
        where = str(path) if path is not None else str(args.db)
        emit({"path": where, "cipher": "none", "key": None}, args.json, f"{where}: not encrypted")
        return 0
    key = db.prepare(path)
    if key.sealed:
        refused = _authorise_admin(args, path)
        if refused:
            emit({"ok": False, "error": refused}, args.json, f"refused: {refused}")
            return 1
    data = {"path": str(path), "cipher": db.CIPHER, "key": key.hex, "store": key.store}
    emit(data, args.json, f"{path}: {db.CIPHER}, key {key.hex} ({key.store}: {key.location})")
    return 0


def _authorise_admin(args: argparse.Namespace, path: object) -> str | None:
    """None when ``--admin`` gave a right administrator PIN (the showing is audited), else why not."""
    from kiosk.config import Config
    from kiosk.services import staff
    from kiosk.storage import audit
    from kiosk.storage.db import open_database

    if not args.admin:
        return "密钥已封存，需要 --admin 管理员授权 / the key is sealed: --admin USER is required"
    minutes = int(Config.load()["supervisor.lockout_minutes"])
    with open_database(path)() as session:  # type: ignore[arg-type]
        result = staff.authenticate(
            session, args.admin, _read_pin(f"PIN for {args.admin}: "), minutes
        )
        if result.ok and result.account is not None and result.account.is_admin:
            audit.append(session, result.account.actor, "db.key_shown")
        session.commit()  # failures count, even from the command line
    if not result.ok or result.account is None:
        return f"{result.message().zh} / {result.message().en}"
    if not result.account.is_admin:
        return "该账户不是管理员 / that account is not an administrator"
    return None


def _seal_key(args: argparse.Namespace) -> int:
    from kiosk.storage import dbkey

    try:
        key, sealed_with = dbkey.seal(with_key=args.with_key)
    except dbkey.DatabaseKeyError as exc:
        emit({"ok": False, "error": str(exc)}, args.json, f"refused: {exc}")
        return 1
    emit(
        {"ok": True, "sealed": key.location, "with_key": sealed_with},
        args.json,
        f"database key sealed in {key.location} ({sealed_with}); the plain key file is gone",
    )
    return 0

"""``kiosk backup create|restore|daily|key``: the kiosk's backups (see docs/operations.md).

Exit codes: 0 done, 1 refused or failed (the JSON says why), 2 bad arguments.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from kiosk.cli._args import add_json
from kiosk.cli._output import emit


def register(subparsers: Any) -> None:
    backup = subparsers.add_parser("backup", help="back up the kiosk, or bring it back")
    sub = backup.add_subparsers(dest="backup_command", required=True, parser_class=type(backup))
    p = sub.add_parser("create", help="write one encrypted backup file into a folder")
    p.add_argument("--to", type=Path, required=True, help="folder (USB drive, network share)")
    add_json(p)
    p.set_defaults(handler=_create)
    p = sub.add_parser("restore", help="bring a kiosk back from a backup into an empty data folder")
    p.add_argument("file", type=Path, help="the backup file (*.kbak)")
    p.add_argument("--key-file", type=Path, required=True, help="the office's backup key file")
    p.add_argument("--force", action="store_true", help="restore another kiosk's backup here")
    add_json(p)
    p.set_defaults(handler=_restore)
    p = sub.add_parser("daily", help="today's backup into backup.folder, keeping backup.keep")
    add_json(p)
    p.set_defaults(handler=_daily)
    key = sub.add_parser("key", help="the office's backup key")
    key_sub = key.add_subparsers(dest="key_command", required=True, parser_class=type(backup))
    p = key_sub.add_parser("new", help="make a backup key: private half to --out, public to config")
    p.add_argument("--out", type=Path, required=True, help="key file on the office's own drive")
    add_json(p)
    p.set_defaults(handler=_new_key)
    p = key_sub.add_parser("set", help="back up to the office's key: its .pub file, or its text")
    p.add_argument("public", help="office-backup.pub (written beside the key file) or its text")
    add_json(p)
    p.set_defaults(handler=_set_key)


def _config_and_demo(args: argparse.Namespace) -> tuple[Any, bool]:
    from kiosk.config import Config

    config = Config.load()
    return config, bool(getattr(args, "demo", False) or config["sync.demo"])


def _refused(args: argparse.Namespace, exc: Exception) -> int:
    emit({"ok": False, "error": str(exc)}, args.json, f"refused: {exc}")
    return 1


def _create(args: argparse.Namespace) -> int:
    from kiosk.services import backup

    config, demo = _config_and_demo(args)
    try:
        created = backup.create_backup(args.to, config, demo=demo)
    except (backup.BackupError, backup.BackupKeyError, OSError) as exc:
        return _refused(args, exc)
    data = created.as_json()
    emit(
        data,
        args.json,
        f"{data['path']}\n  sha256 {data['sha256']}\n  {data['applications']} applications, "
        f"{data['audit_entries']} audit entries; restore needs key {data['key_file'] or '(office key)'}",
    )
    return 0


def _restore(args: argparse.Namespace) -> int:
    from kiosk.services import backup

    config, _demo = _config_and_demo(args)
    try:
        result = backup.restore_backup(args.file, args.key_file, config, force=args.force)
    except (
        backup.BackupError,
        backup.BackupKeyError,
        backup.DamagedBackupError,
        OSError,
    ) as exc:
        return _refused(args, exc)
    emit(
        result,
        args.json,
        f"kiosk {result['kiosk_id']} restored: {result['applications']} applications, "
        f"{result['audit_entries']} audit entries, {result['pending']} items to send",
    )
    return 0


def _daily(args: argparse.Namespace) -> int:
    from kiosk.services import backup

    config, demo = _config_and_demo(args)
    try:
        result = backup.daily_backup(config, demo=demo)
    except (backup.BackupError, backup.BackupKeyError, OSError) as exc:
        return _refused(args, exc)
    emit({"ok": True, **result}, args.json, f"{result['path']} (removed {len(result['removed'])})")
    return 0


def _set_key(args: argparse.Namespace) -> int:
    from kiosk.services import backup

    try:
        result = backup.use_public_key(args.public)
    except (backup.BackupKeyError, OSError) as exc:
        return _refused(args, exc)
    emit({"ok": True, **result}, args.json, f"backups now go to key {result['key_id']}")
    return 0


def _new_key(args: argparse.Namespace) -> int:
    from kiosk.services import backup

    try:
        result = backup.set_backup_key(args.out)
    except (backup.BackupError, OSError) as exc:
        return _refused(args, exc)
    emit(
        {"ok": True, **result},
        args.json,
        f"backup key {result['key_id']} written to {result['key_file']}: keep it off the kiosk",
    )
    return 0

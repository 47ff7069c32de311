"""``kiosk-hub db upgrade|check`` (the hub database's schema) and ``kiosk-hub backup|restore``,
for administrators; neither opens the hub the way ``serve`` does.

``upgrade`` prints ``{"ok", "current", "head", "state", "from"}`` (exit 1 when the database is
newer than this hub); ``check`` prints ``{"ok", "current", "head", "state"}`` and exits 1 unless
the schema is at this release.
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from kiosk_hub import schema, store


def _emit(data: dict[str, Any], as_json: bool, text: str) -> None:
    print(json.dumps(data, ensure_ascii=False) if as_json else text)


def run_db_command(args: argparse.Namespace) -> int:
    engine = store.make_engine(args.db)
    try:
        if args.db_command == "upgrade":
            before = schema.check(engine)["current"]
            try:
                status = schema.upgrade(engine)
            except schema.SchemaMismatchError as exc:
                _emit({"ok": False, "error": str(exc)}, args.json, f"refused: {exc}")
                if not args.json:
                    print(f"kiosk-hub: {exc}", file=sys.stderr)
                return 1
            _emit(
                {"ok": True, **status, "from": before},
                args.json,
                f"schema {before} -> {status['current']}",
            )
            return 0
        status = schema.check(engine)
        ok = status["state"] == "up_to_date"
        _emit(
            {"ok": ok, **status},
            args.json,
            f"{status['state']}: at {status['current']}, newest {status['head']}",
        )
        return 0 if ok else 1
    finally:
        engine.dispose()


def run_backup_command(args: argparse.Namespace) -> int:
    """``backup --to DIR`` → ``{"path", "database", "items", "applications"}``; ``restore
    FOLDER`` → ``{"ok", "items", "applications", "schema", "state"}``. Exit 1 when refused."""
    import subprocess

    from kiosk_hub import backup

    try:
        if args.command == "backup":
            data = backup.create(args.db, args.to)
            text = f"{data['path']}: {data['applications']} applications"
        else:
            data = backup.restore(args.folder, args.db)
            text = f"restored {data['applications']} applications ({data['state']})"
    except (backup.HubBackupError, schema.SchemaMismatchError, OSError) as exc:
        _emit({"ok": False, "error": str(exc)}, args.json, f"refused: {exc}")
        return 1
    except subprocess.CalledProcessError as exc:
        error = f"{exc.cmd[0]} failed: {exc.stderr.decode(errors='replace').strip()}"
        _emit({"ok": False, "error": error}, args.json, f"refused: {error}")
        return 1
    _emit(data, args.json, text)
    return 0

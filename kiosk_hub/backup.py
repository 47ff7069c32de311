"""Back up the hub and restore it (docs/sync-and-hub.md, "Backing up and moving the hub").

A hub backup is a folder: the database (``hub.sqlite3`` copied with SQLite's backup API while the
hub runs, or ``hub.pgdump`` from ``pg_dump --format=custom``), the hub's key pair (``keys/``:
without the private key nothing held can be exported) and ``manifest.json`` with counts and
checksums. Keep it as carefully as the key itself: it is not encrypted.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, func, inspect, select
from sqlalchemy.engine import make_url

from kiosk_hub import schema, store
from kiosk_hub.models import Item

PG_BIN = Path("/usr/lib/postgresql/15/bin")  # Debian's postgresql package; PATH is tried first


class HubBackupError(RuntimeError):
    """A hub backup or restore was refused; the message says why."""


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        while chunk := fh.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def _tool(name: str) -> str:
    found = shutil.which(name)
    if found:
        return found
    if (PG_BIN / name).exists():
        return str(PG_BIN / name)
    raise HubBackupError(f"{name} not found: install the postgresql-client package")


def _pg(tool: str, engine: Engine, *args: str) -> None:
    """Run a PostgreSQL client tool on the hub's database; the password goes by environment,
    never on a command line others can read."""
    url = make_url(engine.url)
    env = {**os.environ}
    if url.password:
        env["PGPASSWORD"] = str(url.password)
    dbname = url.set(drivername="postgresql", password=None).render_as_string()
    subprocess.run(
        [_tool(tool), "--dbname", dbname, *args], env=env, check=True, capture_output=True,
        timeout=3600,
    )  # fmt: skip


def _counts(engine: Engine) -> dict[str, int]:
    with engine.connect() as conn:
        items = conn.execute(select(func.count()).select_from(Item)).scalar_one()
        apps = conn.execute(
            select(func.count()).select_from(Item).where(Item.kind == "application")
        ).scalar_one()
    return {"items": int(items), "applications": int(apps)}


def create(url: str | None, to: Path) -> dict[str, Any]:
    """Write a backup folder under ``to``; ``{"path", "database", "applications", ...}``."""
    engine = store.make_engine(url)
    try:
        status = schema.check(engine)
        if status["state"] != "up_to_date":
            raise HubBackupError(
                f"the database is {status['state']}: run kiosk-hub db upgrade first"
            )
        stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
        folder = to / f"hub-backup-{stamp}"
        part = to / f".hub-backup-{stamp}.part"
        part.mkdir(parents=True)
        if engine.dialect.name == "sqlite":
            dump = part / "hub.sqlite3"
            source = sqlite3.connect(str(engine.url.database))
            target = sqlite3.connect(str(dump))
            try:
                source.backup(target)  # consistent while the hub writes
            finally:
                target.close()
                source.close()
        elif engine.dialect.name == "postgresql":
            dump = part / "hub.pgdump"
            _pg("pg_dump", engine, "--format=custom", "--no-owner", "--file", str(dump))
        else:
            raise HubBackupError(f"no backup for a {engine.dialect.name} database")
        shutil.copytree(store.home() / "keys", part / "keys")
        manifest = {
            "created_at": stamp,
            "dialect": engine.dialect.name,
            "schema": status["current"],
            "database": dump.name,
            **_counts(engine),
            "sha256": {
                str(p.relative_to(part)): _sha256(p) for p in sorted(part.rglob("*")) if p.is_file()
            },
        }
        (part / "manifest.json").write_text(json.dumps(manifest, indent=1), encoding="utf-8")
        part.rename(folder)
    finally:
        engine.dispose()
    return {"path": str(folder), **{k: manifest[k] for k in ("database", "items", "applications")}}


def restore(folder: Path, url: str | None) -> dict[str, Any]:
    """Restore a backup folder into an empty database and this hub home's (empty) keys folder."""
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    for name, digest in manifest["sha256"].items():
        if _sha256(folder / name) != digest:
            raise HubBackupError(f"{folder / name}: does not match the backup's checksum")
    keys = store.home() / "keys"
    if keys.exists() and any(keys.iterdir()):
        raise HubBackupError(f"{keys} already holds a key pair: restore into a new hub home")
    engine = store.make_engine(url)
    try:
        if inspect(engine).get_table_names():
            raise HubBackupError("the target database is not empty: restore into a new database")
        dump = folder / manifest["database"]
        if engine.dialect.name != manifest["dialect"]:
            raise HubBackupError(
                f"this backup is of a {manifest['dialect']} database; the target is "
                f"{engine.dialect.name} (move between them with export, not restore)"
            )
        if engine.dialect.name == "sqlite":
            source = sqlite3.connect(f"file:{dump}?mode=ro", uri=True)
            target = sqlite3.connect(str(engine.url.database))
            try:
                source.backup(target)
            finally:
                target.close()
                source.close()
        else:
            _pg("pg_restore", engine, "--no-owner", "--exit-on-error", str(dump))
        shutil.copytree(folder / "keys", keys, dirs_exist_ok=True)  # modes kept (private 0600)
        counts = _counts(engine)
        status = schema.check(engine)
    finally:
        engine.dispose()
    if counts != {k: manifest[k] for k in ("items", "applications")}:
        raise HubBackupError(f"restored {counts}, the backup holds {manifest}")
    return {"ok": True, **counts, "schema": status["current"], "state": status["state"]}

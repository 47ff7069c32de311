"""Back up a kiosk to one encrypted file, and bring a kiosk back from it.

A backup holds everything needed to bring the kiosk back: the database (applications, outbox with
each item's state, audit chain, staff accounts, print jobs), ``config.toml``, the office's
``rules.toml`` if it has one, and the enrolment with the hub. The database is copied with SQLite's
backup API from a live connection, so a backup taken while the kiosk serves is consistent; the
copy is keyed with a fresh one-time key (nothing plain touches the disk), and that key travels
inside the file, which is encrypted to the office's backup key (see backup_crypto).

Restore goes into an empty data folder, re-keys the database to the new machine's own key, and
puts back items that were being sent as pending: the hub's dedupe by uuid keeps anything it had
already received from doubling.
"""

from __future__ import annotations

import base64
import datetime as dt
import io
import json
import os
import secrets
import shutil
import tarfile
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kiosk import __version__, logs, paths
from kiosk.config import Config
from kiosk.domain import clock
from kiosk.services import backup_crypto
from kiosk.services.backup_crypto import BackupKeyError, DamagedBackupError
from kiosk.storage import audit, db
from kiosk.sync import enrolment

_log = logs.get("backup")
SUFFIX = ".kbak"
DB_MEMBER = "kiosk.sqlite3"
# data-folder files a kiosk needs back, besides its database (paths relative to KIOSK_HOME)
FILES = ("config.toml", "rules.toml", "sync/enrolment.json")
STATUS_FILE = ("backup", "status.json")
NUMBER_GAP = 500  # more than a kiosk numbers in a day: today's numbers after a restore skip these

__all__ = [
    "BackupError",
    "BackupKeyError",
    "DamagedBackupError",
    "create_backup",
    "daily_backup",
    "restore_backup",
]


class BackupError(RuntimeError):
    """A backup or restore was refused; the message says why and what to do."""


@dataclass(frozen=True)
class Created:
    path: Path
    sha256: str
    applications: int
    audit_entries: int
    key_file: str | None

    def as_json(self) -> dict[str, Any]:
        return {
            "path": str(self.path),
            "sha256": self.sha256,
            "applications": self.applications,
            "audit_entries": self.audit_entries,
            "key_file": self.key_file,
        }


def _utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _counts(connection: Any) -> dict[str, Any]:
    def one(sql: str) -> int:
        return int(connection.execute(sql).fetchone()[0])

    outbox = dict(connection.execute("SELECT state, count(*) FROM outbox GROUP BY state"))
    return {
        "applications": one("SELECT count(*) FROM applications"),
        "audit_entries": one("SELECT count(*) FROM audit_events"),
        "staff": one("SELECT count(*) FROM staff_users"),
        "outbox": outbox,
    }


def _keyed(path: Path, key_hex: str) -> Any:
    connection = db.sqlcipher().connect(str(path))
    connection.execute(f"PRAGMA key = \"x'{key_hex}'\"")
    return connection


def backup_key(config: Config, demo: bool) -> tuple[bytes, str | None]:
    """The office's public backup key and where its private half was written. In demo mode a
    kiosk without one makes one, keeping the private half in its data folder (never in
    production: the wizard or ``kiosk backup key new --out`` puts it on the office's drive)."""
    text = str(config["backup.public_key"])
    if text:
        return backup_crypto.public_from_text(text), str(config["backup.key_file"]) or None
    if not demo:
        raise BackupError(
            "no backup key: give this kiosk the office's key with `kiosk backup key set "
            "office-backup.pub` (made by `kiosk backup key new`), or in the setup wizard"
        )
    key_file = paths.sub("backup") / "demo-backup.key"
    if not key_file.exists():
        backup_crypto.new_key_file(key_file)
    return public_key_from(str(key_file.with_suffix(".pub"))), str(key_file)


def public_key_from(text: str) -> bytes:
    """The office's public backup key from its base64 text or from its ``.pub`` file (the setup
    wizard accepts either); raises :class:`BackupKeyError`."""
    text = text.strip()
    candidate = Path(text).expanduser()
    if text and not text.endswith("=") and candidate.is_file():
        text = candidate.read_text(encoding="ascii", errors="replace").strip()
    return backup_crypto.public_from_text(text)


def create_backup(
    to: Path, config: Config, *, demo: bool = False, now: dt.datetime | None = None
) -> Created:
    """Write one backup file into folder ``to`` (and ``<file>.sha256`` beside it)."""
    public_raw, key_file = backup_key(config, demo)
    kiosk_id = enrolment.kiosk_id(config, enrolment.load())
    now = now or _utcnow()
    to.mkdir(parents=True, exist_ok=True)
    _sweep(paths.home(), ".backup-*")
    _sweep(to, f".kiosk-{kiosk_id}-*.part")
    name = f"kiosk-{kiosk_id}-{now:%Y%m%dT%H%M%SZ}{SUFFIX}"
    with tempfile.TemporaryDirectory(dir=paths.home(), prefix=".backup-") as tmp_name:
        tmp = Path(tmp_name)
        snapshot_key = secrets.token_hex(32)
        counts = _snapshot(tmp / DB_MEMBER, snapshot_key)
        manifest = {
            "kiosk_id": kiosk_id,
            "created_at": now.isoformat(),
            "version": __version__,
            "snapshot_key": snapshot_key,
            **counts,
            "files": [f for f in FILES if (paths.home() / f).is_file()],
        }
        final = to / name
        part = to / f".{name}.part"
        header = {"kiosk_id": kiosk_id, "created_at": now.isoformat(), "version": __version__}
        with part.open("wb") as out:
            # the tar streams through the cipher: the snapshot's key is never on disk in clear
            writer = backup_crypto.EncryptingWriter(out, public_raw, header)
            with tarfile.open(fileobj=writer, mode="w|", format=tarfile.PAX_FORMAT) as tar:  # type: ignore[call-overload]
                data = json.dumps(manifest, indent=1).encode("utf-8")
                info = tarfile.TarInfo("manifest.json")
                info.size = len(data)
                tar.addfile(info, io.BytesIO(data))
                tar.add(tmp / DB_MEMBER, DB_MEMBER)
                for rel in manifest["files"]:
                    tar.add(paths.home() / rel, rel)
            written = writer.finish()
            out.flush()
            os.fsync(out.fileno())
    part.replace(final)
    checksum = final.with_name(final.name + ".sha256")
    checksum.write_text(f"{written.sha256}  {final.name}\n", encoding="ascii")
    _fsync_dir(to)
    _log.info("backup written: %s (%d bytes)", final.name, written.size)
    return Created(final, written.sha256, counts["applications"], counts["audit_entries"], key_file)


def _sweep(folder: Path, pattern: str, older_than: float = 3600.0) -> None:
    """Remove what a backup killed half-way left behind (never a finished backup)."""
    import time

    for left in folder.glob(pattern):
        if time.time() - left.stat().st_mtime > older_than:
            if left.is_dir():
                shutil.rmtree(left, ignore_errors=True)
            else:
                left.unlink(missing_ok=True)


def _snapshot(target: Path, key_hex: str) -> dict[str, Any]:
    """A consistent copy of the live database (SQLite backup API), keyed with ``key_hex``."""
    db.open_database().kw["bind"].dispose()  # the schema this release knows (as the app starts)
    source = db.connect_raw(paths.database_file())
    try:
        copy = _keyed(target, key_hex)
        try:
            source.backup(copy)
            copy.execute("PRAGMA journal_mode=DELETE")
            return _counts(copy)
        finally:
            copy.close()
    finally:
        source.close()


def _fsync_dir(folder: Path) -> None:
    if os.name == "nt":
        return
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _occupied() -> list[str]:
    """What in the data folder a restore would overwrite."""
    home = paths.home()
    found = [f for f in FILES if (home / f).exists() and f != "config.toml"]
    database = paths.database_file()
    if database.exists() and database.stat().st_size > 0:
        found.append(database.name)
    return found


def _check_sidecar(path: Path) -> None:
    sidecar = path.with_name(path.name + ".sha256")
    if not sidecar.exists():
        return
    expected = sidecar.read_text(encoding="ascii").split()[0]
    if backup_crypto.file_sha256(path) != expected:
        raise DamagedBackupError(f"{path}: does not match its checksum {sidecar.name}")


def restore_backup(
    path: Path, key_file: Path, config: Config, *, force: bool = False
) -> dict[str, Any]:
    """Bring the kiosk in ``path`` back into this (empty) data folder."""
    _check_sidecar(path)
    header, _ = backup_crypto.read_header(path)
    occupied = _occupied()
    if occupied:
        raise BackupError(
            f"the data folder {paths.home()} is not empty ({', '.join(occupied)}): "
            "restore into an empty data folder"
        )
    this_kiosk = _this_kiosk_id(config)
    if this_kiosk is not None and header.get("kiosk_id") != this_kiosk and not force:
        raise BackupError(
            f"this backup is of kiosk {header.get('kiosk_id')}, this kiosk is {this_kiosk}: "
            "restore it on the right machine, or give --force to make this one that kiosk"
        )
    private = backup_crypto.load_private(key_file)
    home = paths.home()
    with tempfile.TemporaryDirectory(dir=home, prefix=".restore-") as tmp_name:
        files = Path(tmp_name)
        manifest = _unpack(backup_crypto.DecryptingReader(path, private), files)
        _restore_database(files / DB_MEMBER, manifest["snapshot_key"])
        for rel in manifest["files"]:
            target = home / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(files / rel, target)
            os.chmod(target, 0o600)
    factory = db.open_database()  # migrates a backup made by an older release
    with factory.begin() as session:
        audit.append(
            session,
            "system",
            "kiosk.restored",
            subject=str(manifest["kiosk_id"]),
            detail=f"{path.name} made {manifest['created_at']} by {manifest['version']}",
        )
    factory.kw["bind"].dispose()
    connection = db.connect_raw(paths.database_file())
    try:
        counts = _counts(connection)
    finally:
        connection.close()
    _log.info("restored kiosk %s from %s", manifest["kiosk_id"], path.name)
    return {
        "ok": True,
        "kiosk_id": manifest["kiosk_id"],
        "applications": counts["applications"],
        "audit_entries": counts["audit_entries"],
        "pending": counts["outbox"].get("pending", 0),
    }


def _unpack(reader: backup_crypto.DecryptingReader, folder: Path) -> dict[str, Any]:
    """Unpack the payload into ``folder``, the manifest (it holds the snapshot's key) into memory
    only; raises unless the whole file proved authentic."""
    manifest: dict[str, Any] | None = None
    try:
        with tarfile.open(fileobj=reader, mode="r|") as tar:  # type: ignore[call-overload]
            for member in tar:
                if member.name == "manifest.json":
                    extracted = tar.extractfile(member)
                    manifest = json.loads(extracted.read()) if extracted else None
                else:
                    _extract(tar, member, folder)
    except tarfile.TarError as exc:
        reader.close()
        raise DamagedBackupError(f"{reader.path}: altered or damaged ({exc})") from None
    reader.finish()  # the tag: until here nothing unpacked may be used
    if manifest is None:
        raise DamagedBackupError(f"{reader.path}: not a kiosk backup (no manifest)")
    return manifest


def _extract(tar: tarfile.TarFile, member: tarfile.TarInfo, folder: Path) -> None:
    """Only plain files and folders, only inside ``folder`` (a backup holds nothing else)."""
    parts = Path(member.name).parts
    if not (member.isfile() or member.isdir()) or member.name.startswith("/") or ".." in parts:
        raise DamagedBackupError(f"unexpected entry {member.name!r} in the backup")
    if hasattr(tarfile, "data_filter"):  # Python with PEP 706 (3.11.4+, Debian's backport)
        tar.extract(member, folder, filter="data")
    else:  # pragma: no cover - older 3.11 builds
        tar.extract(member, folder)


def _this_kiosk_id(config: Config) -> str | None:
    """The kiosk this machine was set up as, if anyone said (config file or environment)."""
    if paths.config_file().exists() or "KIOSK_KIOSK_ID" in os.environ:
        return str(config["kiosk.id"])
    return None


def _restore_database(snapshot: Path, snapshot_key: str) -> None:
    """Copy the snapshot into the data folder's database, under this machine's own key."""
    source = _keyed(snapshot, snapshot_key)
    target = db.connect_raw(paths.database_file())  # makes this machine's key and an empty file
    try:
        source.backup(target)
        # items a dead worker was sending go back to the queue: the hub's dedupe settles them
        target.execute(
            "UPDATE outbox SET state = 'pending', lease_owner = NULL, lease_until = NULL, "
            "next_attempt_at = NULL WHERE state = 'sending'"
        )
        # numbers the dead kiosk gave out today after the backup are not in it: today's
        # sequence jumps ahead so that no application or queue number is given out twice
        today = clock.today().isoformat()
        target.execute(
            "INSERT INTO counters (name, day, value) VALUES ('application', ?, ?) "
            "ON CONFLICT (name, day) DO UPDATE SET value = value + ?",
            (today, NUMBER_GAP, NUMBER_GAP),
        )
        target.commit()
    finally:
        target.close()
        source.close()


# -- the daily backup ---------------------------------------------------------------------------
def status_file() -> Path:
    return paths.sub(STATUS_FILE[0]) / STATUS_FILE[1]


def last_status() -> dict[str, Any]:
    """``{"last_success", "last_file", "last_error", "last_error_at"}`` (all None before the first)."""
    empty: dict[str, Any] = dict.fromkeys(
        ("last_success", "last_file", "last_error", "last_error_at")
    )
    try:
        return {**empty, **json.loads(status_file().read_text(encoding="utf-8"))}
    except (FileNotFoundError, ValueError):
        return empty


def _save_status(status: dict[str, Any]) -> None:
    path = status_file()
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(status), encoding="utf-8")
    tmp.replace(path)


def daily_backup(config: Config, *, demo: bool = False, now: dt.datetime | None = None) -> dict:
    """Today's backup into ``backup.folder`` unless one is there already; keep ``backup.keep``.
    Records the outcome for supervisor mode and self-check."""
    now = now or _utcnow()
    status = last_status()
    folder_text = str(config["backup.folder"])
    try:
        if not folder_text:
            raise BackupError("no daily backup folder set (backup.folder)")
        folder = Path(folder_text)
        if not folder.is_dir():
            raise BackupError(f"{folder}: not there (is the drive plugged in / the share mounted?)")
        kiosk_id = enrolment.kiosk_id(config, enrolment.load())
        today = sorted(folder.glob(f"kiosk-{kiosk_id}-{now:%Y%m%d}T*{SUFFIX}"))
        if today:
            created: dict[str, Any] = {"path": str(today[-1]), "skipped": True}
        else:
            made = create_backup(folder, config, demo=demo, now=now)
            created = {**made.as_json(), "skipped": False}
        removed = _prune(folder, kiosk_id, int(config["backup.keep"]))
    except (BackupError, BackupKeyError, OSError) as exc:
        status.update(last_error=str(exc), last_error_at=now.isoformat())
        _save_status(status)
        raise
    status.update(last_success=now.isoformat(), last_file=created["path"])
    _save_status(status)
    return {**created, "removed": removed}


def _prune(folder: Path, kiosk_id: str, keep: int) -> list[str]:
    backups = sorted(folder.glob(f"kiosk-{kiosk_id}-*{SUFFIX}"))
    removed = []
    for old in backups[: max(len(backups) - keep, 0)]:
        old.unlink()
        old.with_name(old.name + ".sha256").unlink(missing_ok=True)
        removed.append(old.name)
    return removed


def _save_settings(changes: dict[str, Any], config_path: Path | None = None) -> None:
    """Write ``changes`` into config.toml, keeping what the file already says."""
    from kiosk.config import SCHEMA, save

    current = Config.load(path=config_path, environ={})
    defaults = {s.key: s.default for s in SCHEMA}
    values = {k: v for k, v in current.as_dict().items() if v != defaults[k]}
    save({**values, **changes}, config_path)


def use_public_key(text: str, config_path: Path | None = None) -> dict[str, Any]:
    """Back up to the office's key from now on: its ``.pub`` file or its base64 text."""
    raw = public_key_from(text)
    _save_settings({"backup.public_key": base64.b64encode(raw).decode("ascii")}, config_path)
    return {"key_id": backup_crypto.key_id(raw)}


def set_backup_key(out: Path, config_path: Path | None = None) -> dict[str, Any]:
    """Make the office's backup key: the private half to ``out`` (the office's drive), the public
    half into this kiosk's config. Refuses to overwrite an existing key file."""
    if out.exists():
        raise BackupError(
            f"{out} exists: keep that key (older backups need it) or choose a new name"
        )
    public = backup_crypto.new_key_file(out)
    _save_settings({"backup.public_key": public, "backup.key_file": str(out)}, config_path)
    return {
        "key_file": str(out),
        "public_file": str(out.with_suffix(".pub")),
        "key_id": backup_crypto.key_id(backup_crypto.public_from_text(public)),
    }

"""The SQLite database: encryption, connection settings, migrations on start, sessions.

The file is encrypted with SQLCipher (AES-256, a raw 32-byte key from :mod:`kiosk.storage.dbkey`),
so a copied disk or data folder gives away no name, ID number, phone or photo. Every connection
runs in WAL mode with foreign keys on, ``synchronous=FULL`` (a committed submission survives a power
cut) and ``secure_delete`` (deleted rows are overwritten, not left in free pages). A plain database
made by release 0.1.0 is encrypted the first time it is opened (:func:`encrypt_plain_database`).
The app migrates the schema on start and refuses to run on a database made by a newer release.

Everything that opens the kiosk database goes through this module: :func:`make_engine` /
:func:`open_database` for the app, :func:`connect_raw` for support tools and tests.
"""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

from alembic import command
from alembic.config import Config as AlembicConfig
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.orm import Session, sessionmaker

from kiosk import logs, paths
from kiosk.storage import dbkey

_log = logs.get("db")
MIGRATIONS = Path(__file__).resolve().parent / "migrations"
PLAIN_HEADER = b"SQLite format 3\x00"  # an unencrypted SQLite file starts with these 16 bytes
CIPHER = "sqlcipher"


class SchemaTooNewError(RuntimeError):
    """The database was written by a newer kiosk release than this one."""


class DatabaseInUseError(RuntimeError):
    """A plain database could not be encrypted because another program still writes to it."""


def sqlcipher() -> ModuleType:
    """The SQLCipher DB-API module (sqlite3's interface, with encryption)."""
    import sqlcipher3.dbapi2

    return sqlcipher3.dbapi2


def _sqlite_pragmas(dbapi_connection: Any, _record: Any = None) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA synchronous=FULL")
    cursor.execute("PRAGMA secure_delete=ON")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.close()


def sqlite_path(url_or_path: str | Path | None = None) -> Path | None:
    """The file behind a path or ``sqlite:///`` URL (default: the data folder's); None otherwise."""
    if url_or_path is None:
        return paths.database_file()
    text = str(url_or_path)
    if "://" not in text:
        return Path(text).resolve()
    if text.startswith("sqlite:///") and ":memory:" not in text and len(text) > len("sqlite:///"):
        return Path(text.removeprefix("sqlite:///").split("?", 1)[0]).resolve()
    return None


def is_plain(path: Path) -> bool:
    """True for an unencrypted SQLite file (release 0.1.0 wrote these)."""
    try:
        with path.open("rb") as fh:
            return fh.read(16) == PLAIN_HEADER
    except FileNotFoundError:
        return False


def database_key(path: Path | None = None) -> dbkey.DatabaseKey:
    """This kiosk's key; a new one only while no encrypted database exists that needs the old."""
    path = path or paths.database_file()
    found = dbkey.find()
    if found is not None:
        return found
    path.parent.mkdir(parents=True, exist_ok=True)
    with _exclusive(path.with_name(path.name + ".lock")):  # two first starts make one key
        found = dbkey.find()
        if found is not None:
            return found
        encrypted = [
            p
            for p in (path, _finished_copy(path))
            if p.exists() and p.stat().st_size and not is_plain(p)
        ]
        if encrypted:
            raise dbkey.KeyMissingError(
                f"{encrypted[0]} is encrypted but this kiosk has no key for it "
                "(see docs/security.md, 'A lost key')"
            )
        return dbkey.create()


def _create_private(path: Path) -> None:
    """Create an empty 0600 database file; SQLite gives its -wal and -shm files the same mode."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with contextlib.suppress(FileExistsError):
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    if sys.platform != "win32":
        os.chmod(path, 0o600)


def _connect(path: Path, key: dbkey.DatabaseKey, **kwargs: Any) -> Any:
    connection = sqlcipher().connect(str(path), **kwargs)
    # SQLCipher's own log would print to stderr: the exceptions carry what matters
    connection.execute("PRAGMA cipher_log_level = NONE")
    connection.execute(key.pragma)  # before anything is read: nothing is readable without it
    return connection


def connect_raw(url_or_path: str | Path | None = None) -> Any:
    """A DB-API connection to the kiosk database with its key and settings (support, tests)."""
    path = sqlite_path(url_or_path)
    if path is None:
        raise ValueError(f"{url_or_path}: not a SQLite database file")
    key = prepare(path)
    connection = _connect(path, key)
    _sqlite_pragmas(connection)
    return connection


def prepare(path: Path) -> dbkey.DatabaseKey:
    """Make ``path`` ready to open: its key, an encrypted file (converted from plain if needed)."""
    key = database_key(path)
    if _finished_copy(path).exists() or is_plain(path):
        encrypt_plain_database(path, key)
    if not path.exists():
        _create_private(path)
    return key


def make_engine(url_or_path: str | Path | None = None) -> Engine:
    """An engine for the kiosk's SQLCipher file (default: the data folder's), or any other URL."""
    path = sqlite_path(url_or_path)
    if path is None:
        return create_engine(str(url_or_path))
    key = prepare(path)
    engine = create_engine(f"sqlite:///{path}", module=sqlcipher())

    @event.listens_for(engine, "do_connect")
    def _keyed(_dialect: Any, _record: Any, cargs: Any, cparams: Any) -> Any:
        return _connect(Path(cargs[0]) if cargs else path, key, **cparams)

    event.listen(engine, "connect", _sqlite_pragmas)
    return engine


# -- converting a plain database ---------------------------------------------------------------


def _finished_copy(path: Path) -> Path:
    """The encrypted copy, complete and verified, waiting to replace the plain file."""
    return path.with_name(path.name + ".encrypted")


@contextlib.contextmanager
def _exclusive(lock_path: Path) -> Iterator[None]:
    """One process at a time converts (the app and a CLI command may start together)."""
    fd = os.open(lock_path, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        if sys.platform == "win32":  # pragma: no cover - Windows only
            import msvcrt

            msvcrt.locking(fd, msvcrt.LK_LOCK, 1)
        else:
            import fcntl

            fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)  # closing releases the lock


def _row_counts(connection: Any, schema: str = "main") -> dict[str, int]:
    tables = [
        r[0]
        for r in connection.execute(
            f"SELECT name FROM {schema}.sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%'"
        )
    ]
    return {
        t: connection.execute(f'SELECT count(*) FROM {schema}."{t}"').fetchone()[0] for t in tables
    }


def _fsync_dir(folder: Path) -> None:
    if sys.platform == "win32":  # pragma: no cover - Windows has no directory fsync
        return
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _overwrite(path: Path) -> None:
    """Zero the plain file in place before it goes, so its pages do not linger in free blocks."""
    size = path.stat().st_size
    with path.open("r+b") as fh:
        chunk = b"\0" * 1024 * 1024
        for _ in range(0, size, len(chunk)):
            fh.write(chunk)
        fh.flush()
        os.fsync(fh.fileno())


def encrypt_plain_database(path: Path, key: dbkey.DatabaseKey) -> None:
    """Encrypt a plain SQLite file in place, losing nothing, safe against a crash at any step.

    1. ``sqlcipher_export`` copies every table, index and row into ``.NAME.encrypting``; the copy
       must open with the key, pass ``quick_check`` and hold as many rows per table as the plain.
    2. It becomes ``NAME.encrypted`` (the marker that a complete copy exists).
    3. The plain file is zeroed in place, then replaced by the copy.
    A crash after 2 is finished by the next open; before 2 the plain file is untouched.
    """
    finished = _finished_copy(path)
    with _exclusive(path.with_name(path.name + ".lock")):
        if not finished.exists():
            if not is_plain(path):
                return  # another process finished while we waited
            _export(path, finished, key)
        if is_plain(path):
            _overwrite(path)
        for suffix in ("-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        os.replace(finished, path)
        _fsync_dir(path.parent)
    _log.info("database encrypted with SQLCipher (was a plain SQLite file from an older release)")


def _export(path: Path, finished: Path, key: dbkey.DatabaseKey) -> None:
    work = path.with_name(f".{path.name}.encrypting")
    work.unlink(missing_ok=True)
    _create_private(work)
    plain = sqlcipher().connect(str(path))  # no key: SQLCipher reads plain SQLite as it is
    plain.execute("PRAGMA cipher_log_level = NONE")
    try:
        busy = plain.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()[0]
        if busy:
            raise DatabaseInUseError(
                f"{path} is in use by another program; stop the kiosk and try again"
            )
        before = _row_counts(plain)
        version = int(plain.execute("PRAGMA user_version").fetchone()[0])
        quoted = str(work).replace("'", "''")
        plain.execute(f"ATTACH DATABASE '{quoted}' AS encrypted KEY \"x'{key.hex}'\"")
        plain.execute("SELECT sqlcipher_export('encrypted')")
        plain.execute(f"PRAGMA encrypted.user_version = {version}")
        plain.commit()
        plain.execute("DETACH DATABASE encrypted")
    finally:
        plain.close()
    check = _connect(work, key)
    try:
        verdict = check.execute("PRAGMA quick_check").fetchone()[0]
        after = _row_counts(check)
    finally:
        check.close()
    if verdict != "ok" or after != before:
        work.unlink(missing_ok=True)
        raise RuntimeError(f"encrypting {path}: the copy does not match ({verdict})")
    with work.open("rb") as fh:
        os.fsync(fh.fileno())
    os.replace(work, finished)
    _fsync_dir(path.parent)


# -- schema ------------------------------------------------------------------------------------


def alembic_config(engine: Engine) -> AlembicConfig:
    cfg = AlembicConfig()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.set_main_option("sqlalchemy.url", engine.url.render_as_string(hide_password=False))
    cfg.attributes["engine"] = engine
    return cfg


def head_revision(engine: Engine) -> str | None:
    return ScriptDirectory.from_config(alembic_config(engine)).get_current_head()


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def known_revisions(engine: Engine) -> set[str]:
    script = ScriptDirectory.from_config(alembic_config(engine))
    return {rev.revision for rev in script.walk_revisions()}


def check(engine: Engine) -> dict[str, object]:
    """Where the schema stands: ``up_to_date``, ``behind`` or ``too_new``."""
    current, head = current_revision(engine), head_revision(engine)
    if current == head:
        state = "up_to_date"
    elif current is not None and current not in known_revisions(engine):
        state = "too_new"
    else:
        state = "behind"
    return {"current": current, "head": head, "state": state}


def upgrade(engine: Engine, revision: str = "head") -> None:
    status = check(engine)
    if status["state"] == "too_new":
        raise SchemaTooNewError(
            f"the database is at revision {status['current']}, newer than this kiosk knows "
            f"(newest known: {status['head']}); install the newer kiosk release or restore a backup"
        )
    command.upgrade(alembic_config(engine), revision)
    _log.info("schema at %s", current_revision(engine))


def downgrade(engine: Engine, revision: str) -> None:
    command.downgrade(alembic_config(engine), revision)


def open_database(url_or_path: str | Path | None = None) -> sessionmaker[Session]:
    """Open (creating and migrating as needed) and return a session factory."""
    engine = make_engine(url_or_path)
    upgrade(engine)
    return sessionmaker(engine, expire_on_commit=False)

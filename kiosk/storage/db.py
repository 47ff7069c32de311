"""The SQLite database: connection settings, migrations on start, sessions.

Every connection runs in WAL mode with foreign keys on and ``synchronous=FULL``: a submission that
was committed survives a power cut. The app migrates the schema on start and refuses to run on a
database made by a newer release.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config as AlembicConfig
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.orm import Session, sessionmaker

from kiosk import logs, paths

_log = logs.get("db")
MIGRATIONS = Path(__file__).resolve().parent / "migrations"


class SchemaTooNewError(RuntimeError):
    """The database was written by a newer kiosk release than this one."""


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA synchronous=FULL")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.close()


def make_engine(url_or_path: str | Path | None = None) -> Engine:
    """An engine for a SQLite file (default: the data folder's) or any SQLAlchemy URL."""
    if url_or_path is None:
        url_or_path = paths.database_file()
    url = str(url_or_path)
    if "://" not in url:
        url = f"sqlite:///{Path(url).resolve()}"
    engine = create_engine(url)
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas)
    return engine


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

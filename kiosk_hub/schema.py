"""The hub database's schema under Alembic (``kiosk_hub/migrations``).

A brand-new, empty database is brought to the newest revision on first use. A database with
tables at another revision — behind (made by an older hub, 0.1.0's ``create_all`` included) or
ahead (made by a newer one) — is refused until an administrator runs ``kiosk-hub db upgrade``
(or installs the newer hub): a migration is a step someone decides on, with a backup in hand.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config as AlembicConfig
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, inspect
from sqlalchemy.exc import SQLAlchemyError

MIGRATIONS = Path(__file__).resolve().parent / "migrations"


class SchemaMismatchError(RuntimeError):
    """The database is not at the revision this hub's code needs; the message is one line."""


def alembic_config(engine: Engine) -> AlembicConfig:
    cfg = AlembicConfig()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.set_main_option("sqlalchemy.url", engine.url.render_as_string(hide_password=False))
    cfg.attributes["engine"] = engine
    return cfg


def _script(engine: Engine) -> ScriptDirectory:
    return ScriptDirectory.from_config(alembic_config(engine))


def head_revision(engine: Engine) -> str | None:
    return _script(engine).get_current_head()


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def _is_empty(engine: Engine) -> bool:
    return not inspect(engine).get_table_names()


def check(engine: Engine) -> dict[str, Any]:
    """``{"current", "head", "state"}``; state is ``up_to_date``, ``behind`` (an older hub's
    database, or an empty one), or ``too_new``."""
    current, head = current_revision(engine), head_revision(engine)
    known = {rev.revision for rev in _script(engine).walk_revisions()}
    if current == head:
        state = "up_to_date"
    elif current is not None and current not in known:
        state = "too_new"
    else:
        state = "behind"
    if current is None and not _is_empty(engine):
        current = "0.1.0"  # tables made by 0.1.0's create_all, no Alembic version yet
    return {"current": current, "head": head, "state": state}


def upgrade(engine: Engine, revision: str = "head") -> dict[str, Any]:
    status = check(engine)
    if status["state"] == "too_new":
        raise SchemaMismatchError(_too_new(status))
    command.upgrade(alembic_config(engine), revision)
    return check(engine)


def downgrade(engine: Engine, revision: str) -> None:
    command.downgrade(alembic_config(engine), revision)


def ensure_current(engine: Engine) -> None:
    """Create the schema in an empty database; refuse one at another revision."""
    status = check(engine)
    if status["state"] == "up_to_date":
        return
    if status["state"] == "behind" and status["current"] is None and _is_empty(engine):
        try:
            command.upgrade(alembic_config(engine), "head")
        except SQLAlchemyError:
            # another hub process created it at the same moment (SQLite has no advisory lock)
            if check(engine)["state"] != "up_to_date":
                raise
        return
    if status["state"] == "too_new":
        raise SchemaMismatchError(_too_new(status))
    raise SchemaMismatchError(
        f"the hub database is at schema {status['current']}, behind this kiosk-hub "
        f"({status['head']}): back it up, then run `kiosk-hub db upgrade --db URL`"
    )


def _too_new(status: dict[str, Any]) -> str:
    return (
        f"the hub database is at schema {status['current']}, newer than this kiosk-hub knows "
        f"(newest {status['head']}): install the newer kiosk-hub or restore a backup"
    )

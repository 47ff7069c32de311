"""Alembic environment for the hub: kiosk_hub.schema passes its engine in
``config.attributes['engine']``."""

from alembic import context
from sqlalchemy import create_engine, text

from kiosk_hub.models import Base

config = context.config
target_metadata = Base.metadata
# Any fixed number: two hub processes starting on one empty PostgreSQL database take turns.
_PG_LOCK = 0x6B696F736B


def run_migrations_online() -> None:
    engine = config.attributes.get("engine") or create_engine(
        str(config.get_main_option("sqlalchemy.url"))
    )
    with engine.connect() as connection:
        if connection.dialect.name == "sqlite":
            # the whole upgrade in one write transaction, DDL included: another hub process
            # starting at the same moment waits, then finds the schema done (never half of it)
            connection.exec_driver_sql("BEGIN IMMEDIATE")
        context.configure(
            connection=connection,
            target_metadata=target_metadata,
            render_as_batch=connection.dialect.name == "sqlite",
            transaction_per_migration=False,
        )
        with context.begin_transaction():
            if connection.dialect.name == "postgresql":
                connection.execute(text(f"SELECT pg_advisory_xact_lock({_PG_LOCK})"))
            context.run_migrations()
        connection.commit()


run_migrations_online()

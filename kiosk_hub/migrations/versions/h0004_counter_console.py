"""the counter console: staff accounts and sessions, help calls, cases, 叫号, audit, kiosk reports

Revision ID: h0004
Revises: h0003
Create Date: 2026-11-27 18:09:00

New tables only. Applications a hub already held get no case row (the console lists what arrives
from now on); `kiosk-hub export` still exports them all.
"""

import sqlalchemy as sa
from alembic import op

revision = "h0004"
down_revision = "h0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "cases",
        sa.Column("uuid", sa.String(length=36), nullable=False),
        sa.Column("kiosk_id", sa.String(length=8), nullable=False),
        sa.Column("point", sa.String(length=8), nullable=False),
        sa.Column("application_number", sa.String(length=40), nullable=False),
        sa.Column("queue_number", sa.String(length=32), nullable=False),
        sa.Column("queue_day", sa.Date(), nullable=False),
        sa.Column("service", sa.String(length=16), nullable=False),
        sa.Column("submitted_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("status", sa.String(length=24), nullable=False),
        sa.Column("progress_token", sa.String(length=64), nullable=True),
        sa.Column("decision", sa.String(length=24), nullable=True),
        sa.Column("decision_reason", sa.Text(), nullable=True),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("decided_by", sa.String(length=64), nullable=True),
        sa.Column("decided_via", sa.String(length=8), nullable=True),
        sa.Column("conflict", sa.Text(), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("uuid"),
        sa.UniqueConstraint("progress_token"),
    )
    with op.batch_alter_table("cases", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_cases_kiosk_id"), ["kiosk_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_cases_point"), ["point"], unique=False)
        batch_op.create_index(batch_op.f("ix_cases_queue_day"), ["queue_day"], unique=False)

    op.create_table(
        "console_audit",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor", sa.String(length=64), nullable=False),
        sa.Column("action", sa.String(length=32), nullable=False),
        sa.Column("subject", sa.String(length=64), nullable=False),
        sa.Column("detail", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_table(
        "console_sessions",
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("staff_id", sa.Integer(), nullable=False),
        sa.Column("csrf", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_seen", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("token_hash"),
    )
    with op.batch_alter_table("console_sessions", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_console_sessions_staff_id"), ["staff_id"], unique=False
        )

    op.create_table(
        "help_calls",
        sa.Column("uuid", sa.String(length=36), nullable=False),
        sa.Column("kiosk_id", sa.String(length=8), nullable=False),
        sa.Column("point", sa.String(length=8), nullable=False),
        sa.Column("screen", sa.String(length=64), nullable=False),
        sa.Column("raised_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("closed_by", sa.String(length=64), nullable=True),
        sa.PrimaryKeyConstraint("uuid"),
    )
    with op.batch_alter_table("help_calls", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_help_calls_kiosk_id"), ["kiosk_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_help_calls_point"), ["point"], unique=False)

    op.create_table(
        "kiosk_reports",
        sa.Column("kiosk_id", sa.String(length=8), nullable=False),
        sa.Column("reported_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("report", sa.JSON(), nullable=False),
        sa.Column("audit_head_received", sa.String(length=64), nullable=True),
        sa.PrimaryKeyConstraint("kiosk_id"),
    )
    op.create_table(
        "queue_calls",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("point", sa.String(length=8), nullable=False),
        sa.Column("window", sa.Integer(), nullable=False),
        sa.Column("queue_number", sa.String(length=32), nullable=False),
        sa.Column("case_uuid", sa.String(length=36), nullable=False),
        sa.Column("called_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("called_by", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("queue_calls", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_queue_calls_point"), ["point"], unique=False)

    op.create_table(
        "rate_windows",
        sa.Column("key", sa.String(length=80), nullable=False),
        sa.Column("minute", sa.BigInteger(), nullable=False),
        sa.Column("hits", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("key"),
    )
    op.create_table(
        "staff_accounts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("username", sa.String(length=64), nullable=False),
        sa.Column("role", sa.String(length=16), nullable=False),
        sa.Column("point", sa.String(length=8), nullable=False),
        sa.Column("password_hash", sa.String(length=255), nullable=False),
        sa.Column("failed_attempts", sa.Integer(), server_default="0", nullable=False),
        sa.Column("locked_until", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("username"),
    )


def downgrade() -> None:
    op.drop_table("staff_accounts")
    op.drop_table("rate_windows")
    with op.batch_alter_table("queue_calls", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_queue_calls_point"))

    op.drop_table("queue_calls")
    op.drop_table("kiosk_reports")
    with op.batch_alter_table("help_calls", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_help_calls_point"))
        batch_op.drop_index(batch_op.f("ix_help_calls_kiosk_id"))

    op.drop_table("help_calls")
    with op.batch_alter_table("console_sessions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_console_sessions_staff_id"))

    op.drop_table("console_sessions")
    op.drop_table("console_audit")
    with op.batch_alter_table("cases", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_cases_queue_day"))
        batch_op.drop_index(batch_op.f("ix_cases_point"))
        batch_op.drop_index(batch_op.f("ix_cases_kiosk_id"))

    op.drop_table("cases")

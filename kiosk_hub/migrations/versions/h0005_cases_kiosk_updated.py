"""cases: one index on (kiosk_id, updated_at) in place of the one on kiosk_id

Revision ID: h0005
Revises: h0004
Create Date: 2026-11-27 21:15:00

Every kiosk's inbox call (every few seconds) asks for its cases changed since its cursor; on the
kiosk_id index alone that read all of the kiosk's cases, a year's worth in time. The new index
also serves every query by kiosk_id alone. Indexes only: no data changes.
"""

from alembic import op

revision = "h0005"
down_revision = "h0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("cases") as batch:
        batch.create_index("ix_cases_kiosk_updated", ["kiosk_id", "updated_at"], unique=False)
        batch.drop_index("ix_cases_kiosk_id")


def downgrade() -> None:
    with op.batch_alter_table("cases") as batch:
        batch.create_index("ix_cases_kiosk_id", ["kiosk_id"], unique=False)
        batch.drop_index("ix_cases_kiosk_updated")

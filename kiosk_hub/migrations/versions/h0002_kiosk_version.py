"""kiosks.version: the release each kiosk last said it runs (fleet view)

Revision ID: h0002
Revises: h0001
Create Date: 2026-11-27 17:35:00
"""

import sqlalchemy as sa
from alembic import op

revision = "h0002"
down_revision = "h0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("kiosks") as batch:
        batch.add_column(sa.Column("version", sa.String(length=32), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("kiosks") as batch:
        batch.drop_column("version")

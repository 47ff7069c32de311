"""items.demo: made-up applications held by a hub run with --accept-demo

Revision ID: h0003
Revises: h0002
Create Date: 2026-11-27 17:30:00

Every item a 0.1.0 hub holds is real (0.1.0 hubs refused demo items), so existing rows get false.
"""

import sqlalchemy as sa
from alembic import op

revision = "h0003"
down_revision = "h0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("items") as batch:
        batch.add_column(sa.Column("demo", sa.Boolean(), nullable=False, server_default=sa.false()))


def downgrade() -> None:
    with op.batch_alter_table("items") as batch:
        batch.drop_column("demo")

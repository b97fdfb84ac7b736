"""Advance invoices: a final invoice's deducted advances, an advance's final invoice

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-03 21:45:00.000000
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0018"
down_revision = "0017"
branch_labels = None
depends_on = None

JSON = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")


def upgrade() -> None:
    with op.batch_alter_table("documents") as batch:
        batch.add_column(sa.Column("advances", JSON, nullable=True))
        batch.add_column(sa.Column("deducted_by_invoice_id", sa.String(length=40), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("documents") as batch:
        batch.drop_column("deducted_by_invoice_id")
        batch.drop_column("advances")

"""vies_checks: VIES answers per VAT number (the 24-hour cache and its evidence)

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-03 07:40:00.000000
"""

import sqlalchemy as sa
from alembic import op

import invoicing.db.types

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "vies_checks",
        sa.Column("vat_number", sa.String(length=30), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("name", sa.Text(), nullable=True),
        sa.Column("address", sa.Text(), nullable=True),
        sa.Column("request_identifier", sa.String(length=100), nullable=True),
        sa.Column("checked_at", invoicing.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("vat_number"),
    )


def downgrade() -> None:
    op.drop_table("vies_checks")

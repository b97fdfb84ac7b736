"""Catalogue items carry what a line needs for the tax decision: ``kind`` (services, goods, digital) and
``tax_class`` (the VAT rate class); a line taken from an item gets them unless it gives its own

Revision ID: 0022
Revises: 0021
Create Date: 2026-12-05 06:00:00.000000
"""

import sqlalchemy as sa
from alembic import op

revision = "0022"
down_revision = "0021"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("items") as batch_op:
        batch_op.add_column(sa.Column("kind", sa.String(length=20), server_default="services", nullable=False))
        batch_op.add_column(sa.Column("tax_class", sa.String(length=20), server_default="standard", nullable=False))


def downgrade() -> None:
    with op.batch_alter_table("items") as batch_op:
        batch_op.drop_column("tax_class")
        batch_op.drop_column("kind")

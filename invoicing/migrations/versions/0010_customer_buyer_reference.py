"""customers.buyer_reference: the buyer's reference (EN 16931 BT-10) quoted on its documents

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-03 10:10:00.000000
"""

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("customers", schema=None) as batch_op:
        batch_op.add_column(sa.Column("buyer_reference", sa.String(length=200), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("customers", schema=None) as batch_op:
        batch_op.drop_column("buyer_reference")

"""tax treatment: documents.tax_treatment and eu_b2c_sales, customers.is_business and vies

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-03 07:45:00.000000
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

import invoicing.db.types

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

JSON = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")


def upgrade() -> None:
    with op.batch_alter_table("documents", schema=None) as batch_op:
        batch_op.add_column(sa.Column("tax_treatment", JSON, nullable=True))
        batch_op.add_column(sa.Column("eu_b2c_sales", invoicing.db.types.Money(), nullable=True))
    with op.batch_alter_table("customers", schema=None) as batch_op:
        batch_op.add_column(sa.Column("is_business", sa.Boolean(), nullable=True))
        batch_op.add_column(sa.Column("vies", JSON, nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("customers", schema=None) as batch_op:
        batch_op.drop_column("vies")
        batch_op.drop_column("is_business")
    with op.batch_alter_table("documents", schema=None) as batch_op:
        batch_op.drop_column("eu_b2c_sales")
        batch_op.drop_column("tax_treatment")

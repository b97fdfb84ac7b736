"""The data e-invoices need: entity registration number, Peppol id and contact; customer Peppol id and
required e-invoice format; document service period, payment terms and credit-note reason

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-03 10:30:00.000000
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("entities", schema=None) as batch_op:
        batch_op.add_column(sa.Column("registration_number", sa.String(length=100), nullable=True))
        batch_op.add_column(sa.Column("peppol_id", sa.String(length=100), nullable=True))
        batch_op.add_column(
            sa.Column(
                "contact", sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"), nullable=True
            )
        )
    with op.batch_alter_table("customers", schema=None) as batch_op:
        batch_op.add_column(sa.Column("peppol_id", sa.String(length=100), nullable=True))
        batch_op.add_column(sa.Column("einvoice_format", sa.String(length=20), nullable=True))
    with op.batch_alter_table("documents", schema=None) as batch_op:
        batch_op.add_column(sa.Column("period_start", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("period_end", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("payment_terms", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("reason", sa.String(length=500), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("documents", schema=None) as batch_op:
        for column in ("reason", "payment_terms", "period_end", "period_start"):
            batch_op.drop_column(column)
    with op.batch_alter_table("customers", schema=None) as batch_op:
        batch_op.drop_column("einvoice_format")
        batch_op.drop_column("peppol_id")
    with op.batch_alter_table("entities", schema=None) as batch_op:
        for column in ("contact", "peppol_id", "registration_number"):
            batch_op.drop_column(column)

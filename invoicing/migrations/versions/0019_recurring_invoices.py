"""Recurring invoices: the schedules, and on documents the schedule that made an invoice (unique per period)

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-03 21:40:00.000000
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

import invoicing.db.types

revision = "0019"
down_revision = "0018"
branch_labels = None
depends_on = None

JSON = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")
DateTime = invoicing.db.types.UTCDateTime(timezone=True)
RECURRING = sa.text("recurring_invoice_id IS NOT NULL")


def upgrade() -> None:
    op.create_table(
        "recurring_invoices",
        sa.Column("id", sa.String(length=40), nullable=False),
        sa.Column("entity_id", sa.String(length=40), nullable=False),
        sa.Column("template", JSON, nullable=False),
        sa.Column("customer_id", sa.String(length=40), nullable=True),
        sa.Column("customer_name", sa.String(length=500), nullable=True),
        sa.Column("action", sa.String(length=20), nullable=False),
        sa.Column("frequency", sa.String(length=10), nullable=False),
        sa.Column("interval", sa.Integer(), nullable=False),
        sa.Column("start_date", sa.Date(), nullable=False),
        sa.Column("end_date", sa.Date(), nullable=True),
        sa.Column("day_of_month", sa.Integer(), nullable=True),
        sa.Column("timezone", sa.String(length=64), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("next_index", sa.Integer(), nullable=False),
        sa.Column("next_run_at", DateTime, nullable=True),
        sa.Column("last_invoice_id", sa.String(length=40), nullable=True),
        sa.Column("last_run_at", DateTime, nullable=True),
        sa.Column("last_period_start", sa.Date(), nullable=True),
        sa.Column("failure", JSON, nullable=True),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("retry_at", DateTime, nullable=True),
        sa.Column("unsent_invoice_id", sa.String(length=40), nullable=True),
        sa.Column("metadata", JSON, nullable=False),
        sa.Column("created_at", DateTime, nullable=False),
        sa.Column("updated_at", DateTime, nullable=False),
        sa.ForeignKeyConstraint(["entity_id"], ["entities.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_recurring_invoices_entity", "recurring_invoices", ["entity_id", "id"], unique=False)
    op.create_index("ix_recurring_invoices_due", "recurring_invoices", ["status", "next_run_at"], unique=False)
    with op.batch_alter_table("documents", schema=None) as batch_op:
        batch_op.add_column(sa.Column("recurring_invoice_id", sa.String(length=40), nullable=True))
    op.create_index(
        "uq_documents_recurring_period",
        "documents",
        ["recurring_invoice_id", "period_start"],
        unique=True,
        sqlite_where=RECURRING,
        postgresql_where=RECURRING,
    )


def downgrade() -> None:
    op.drop_index("uq_documents_recurring_period", table_name="documents")
    with op.batch_alter_table("documents", schema=None) as batch_op:
        batch_op.drop_column("recurring_invoice_id")
    op.drop_index("ix_recurring_invoices_due", table_name="recurring_invoices")
    op.drop_index("ix_recurring_invoices_entity", table_name="recurring_invoices")
    op.drop_table("recurring_invoices")

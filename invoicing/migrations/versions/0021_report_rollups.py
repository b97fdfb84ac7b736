"""Report rollups: the summary's figures per account, month and currency (``report_rollups``), kept on
PostgreSQL by triggers on documents, payments and refunds (:mod:`invoicing.reports.rollups`) and backfilled
here; ``ix_documents_open_due`` (open invoices by due day) for this month's overdue invoices, and
``ix_payments_date`` / ``ix_refunds_date`` for the money of a period's partial first and last months

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-04 02:00:00.000000
"""

import sqlalchemy as sa
from alembic import op

import invoicing.db.types
from invoicing.reports import rollups

revision = "0021"
down_revision = "0020"
branch_labels = None
depends_on = None

OPEN = "status IN ('issued', 'partially_paid')"
Money = invoicing.db.types.Money(length=40)


def upgrade() -> None:
    op.create_table(
        "report_rollups",
        sa.Column("account_id", sa.String(length=40), nullable=False),
        sa.Column("environment", sa.String(length=10), nullable=False),
        sa.Column("month", sa.Date(), nullable=False),
        sa.Column("currency_code", sa.String(length=3), nullable=False),
        sa.Column("due_month", sa.Date(), nullable=False),
        sa.Column("stripe", sa.Integer(), nullable=False),
        sa.Column("invoices", sa.Integer(), nullable=False),
        sa.Column("credit_notes", sa.Integer(), nullable=False),
        sa.Column("issued", Money, nullable=False),
        sa.Column("credited", Money, nullable=False),
        sa.Column("net", Money, nullable=False),
        sa.Column("tax", Money, nullable=False),
        sa.Column("paid", Money, nullable=False),
        sa.Column("outstanding", Money, nullable=False),
        sa.Column("outstanding_count", sa.Integer(), nullable=False),
        sa.Column("open_due", Money, nullable=False),
        sa.Column("open_count", sa.Integer(), nullable=False),
        sa.Column("entries", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("account_id", "environment", "month", "currency_code", "due_month", "stripe"),
    )
    op.create_index(
        "ix_documents_open_due",
        "documents",
        ["date_due"],
        unique=False,
        sqlite_where=sa.text(OPEN),
        postgresql_where=sa.text(OPEN),
        postgresql_include=["entity_id", "type", "date", "currency_code", "total_due"],
    )
    for table in ("payments", "refunds"):  # an account's money of a few days (a period's partial month)
        op.create_index(
            f"ix_{table}_date",
            table,
            ["date"],
            unique=False,
            postgresql_include=["entity_id", "currency_code", "amount"],
        )
    if op.get_bind().dialect.name != "postgresql":
        return  # SQLite: no triggers (money is TEXT there); the summary reads the documents
    for statement in rollups.DDL:
        op.execute(statement)
    for statement in rollups.REBUILD:
        op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for statement in rollups.DROP:
            op.execute(statement)
    op.drop_index("ix_refunds_date", table_name="refunds")
    op.drop_index("ix_payments_date", table_name="payments")
    op.drop_index("ix_documents_open_due", table_name="documents")
    op.drop_table("report_rollups")

"""Reports: the amount due now stored on documents (``total_due``, kept by ``refresh_status``, backfilled
here exactly), indexes for the reports and the invoice list's ``overdue`` and ``sort=-total_due``, and the
monthly active dashboard users (``active_users``) for the usage report

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-03 15:40:00.000000
"""

from decimal import Decimal

import sqlalchemy as sa
from alembic import op

import invoicing.db.types
from invoicing.documents.rules import amount_due

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None

BATCH = 1000
OPEN = "status IN ('issued', 'partially_paid')"
SUMMED = ["status", "currency_code", "customer_id", "total", "total_tax", "total_with_tax", "total_due", "date_due"]


def _backfill_total_due() -> None:
    bind = op.get_bind()
    if bind.dialect.name == "postgresql":  # NUMERIC: exact in SQL
        op.execute(
            "UPDATE documents SET total_due = CASE WHEN type <> 'invoice' OR status = 'voided' THEN 0 "
            "ELSE GREATEST(total_with_tax - total_credited - (total_paid - total_refunded), 0) END"
        )
        return
    # SQLite keeps money as TEXT: compute with Decimal, as the application does (rules.amount_due)
    documents = sa.table(
        "documents",
        *(sa.column(name, sa.Text) for name in ("id", "type", "status", "total_due")),
        *(sa.column(name, sa.Text) for name in ("total_with_tax", "total_paid", "total_credited", "total_refunded")),
    )
    last = ""
    while True:
        rows = bind.execute(
            sa.select(documents).where(documents.c.id > last).order_by(documents.c.id).limit(BATCH)
        ).all()
        if not rows:
            return
        for row in rows:
            due = (
                amount_due(
                    row.status,
                    Decimal(row.total_with_tax),
                    Decimal(row.total_paid or 0),
                    Decimal(row.total_credited or 0),
                    Decimal(row.total_refunded or 0),
                )
                if row.type == "invoice"
                else Decimal(0)
            )
            bind.execute(documents.update().where(documents.c.id == row.id).values(total_due=format(due, "f")))
        last = rows[-1].id


def upgrade() -> None:
    op.add_column("documents", sa.Column("total_due", invoicing.db.types.Money(length=40), nullable=True))
    _backfill_total_due()
    op.create_index(
        "ix_documents_entity_date",
        "documents",
        ["entity_id", "type", "date", "id"],
        unique=False,
        postgresql_include=SUMMED,
    )
    op.create_index(
        "ix_documents_date", "documents", ["date", "type"], unique=False, postgresql_include=["entity_id", *SUMMED]
    )
    op.create_index("ix_documents_entity_due", "documents", ["entity_id", "type", "total_due", "id"], unique=False)
    op.create_index(
        "ix_documents_open",
        "documents",
        ["entity_id", "type", "date_due"],
        unique=False,
        sqlite_where=sa.text(OPEN),
        postgresql_where=sa.text(OPEN),
    )
    for table in ("payments", "refunds"):
        op.create_index(
            f"ix_{table}_entity_date",
            table,
            ["entity_id", "date"],
            unique=False,
            postgresql_include=["currency_code", "amount"],
        )
    op.create_table(
        "active_users",
        sa.Column("entity_id", sa.String(length=40), nullable=False),
        sa.Column("month", sa.String(length=7), nullable=False),
        sa.Column("user_id", sa.String(length=40), nullable=False),
        sa.Column("created_at", invoicing.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["entity_id"], ["entities.id"]),
        sa.PrimaryKeyConstraint("entity_id", "month", "user_id"),
    )


def downgrade() -> None:
    op.drop_table("active_users")
    op.drop_index("ix_refunds_entity_date", table_name="refunds")
    op.drop_index("ix_payments_entity_date", table_name="payments")
    op.drop_index("ix_documents_open", table_name="documents")
    op.drop_index("ix_documents_entity_due", table_name="documents")
    op.drop_index("ix_documents_date", table_name="documents")
    op.drop_index("ix_documents_entity_date", table_name="documents")
    op.drop_column("documents", "total_due")

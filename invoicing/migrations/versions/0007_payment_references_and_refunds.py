"""payments: unique references (unless split), at_issue; refunds; documents.total_refunded and paid_on_issue

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-03 09:30:00.000000

Payments that already share a reference within an entity are marked ``split`` before the unique
index is built (they were recorded as parts of one payment, or twice; either way they are kept).
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

import invoicing.db.types

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

JSON = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")
UNSPLIT_REFERENCE = sa.text("reference IS NOT NULL AND NOT split")
HAS_REFERENCE = sa.text("reference IS NOT NULL")


def upgrade() -> None:
    with op.batch_alter_table("documents", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("total_refunded", invoicing.db.types.Money(length=40), nullable=False, server_default="0")
        )
        batch_op.add_column(sa.Column("paid_on_issue", invoicing.db.types.Money(length=40), nullable=True))
    with op.batch_alter_table("payments", schema=None) as batch_op:
        batch_op.add_column(sa.Column("split", sa.Boolean(), nullable=False, server_default=sa.false()))
        batch_op.add_column(sa.Column("at_issue", sa.Boolean(), nullable=False, server_default=sa.false()))
    payments = sa.table(
        "payments", sa.column("id"), sa.column("entity_id"), sa.column("reference"), sa.column("split", sa.Boolean())
    )
    other = payments.alias("other")
    shared = (
        sa.select(other.c.id)
        .where(
            other.c.entity_id == payments.c.entity_id,
            other.c.reference == payments.c.reference,
            other.c.id != payments.c.id,
        )
        .exists()
    )
    op.execute(payments.update().where(payments.c.reference.is_not(None), shared).values(split=True))
    op.create_index(
        "uq_payments_reference",
        "payments",
        ["entity_id", "reference"],
        unique=True,
        sqlite_where=UNSPLIT_REFERENCE,
        postgresql_where=UNSPLIT_REFERENCE,
    )
    op.create_table(
        "refunds",
        sa.Column("id", sa.String(length=40), nullable=False),
        sa.Column("entity_id", sa.String(length=40), nullable=False),
        sa.Column("invoice_id", sa.String(length=40), nullable=False),
        sa.Column("credit_note_id", sa.String(length=40), nullable=True),
        sa.Column("amount", invoicing.db.types.Money(length=40), nullable=False),
        sa.Column("currency_code", sa.String(length=3), nullable=False),
        sa.Column("date", sa.Date(), nullable=False),
        sa.Column("type", sa.String(length=30), nullable=False),
        sa.Column("reference", sa.String(length=200), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("metadata", JSON, nullable=False),
        sa.Column("created_at", invoicing.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["entity_id"], ["entities.id"]),
        sa.ForeignKeyConstraint(["invoice_id"], ["documents.id"]),
        sa.ForeignKeyConstraint(["credit_note_id"], ["documents.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_refunds_entity", "refunds", ["entity_id", "id"], unique=False)
    op.create_index("ix_refunds_invoice_id", "refunds", ["invoice_id"], unique=False)
    op.create_index(
        "uq_refunds_reference",
        "refunds",
        ["entity_id", "reference"],
        unique=True,
        sqlite_where=HAS_REFERENCE,
        postgresql_where=HAS_REFERENCE,
    )


def downgrade() -> None:
    op.drop_index("uq_refunds_reference", table_name="refunds")
    op.drop_index("ix_refunds_invoice_id", table_name="refunds")
    op.drop_index("ix_refunds_entity", table_name="refunds")
    op.drop_table("refunds")
    op.drop_index("uq_payments_reference", table_name="payments")
    with op.batch_alter_table("payments", schema=None) as batch_op:
        batch_op.drop_column("at_issue")
        batch_op.drop_column("split")
    with op.batch_alter_table("documents", schema=None) as batch_op:
        batch_op.drop_column("paid_on_issue")
        batch_op.drop_column("total_refunded")

"""Estimates: documents of type "estimate" with their validity, answer and the invoice made from them

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-03 21:45:00.000000
"""

import sqlalchemy as sa
from alembic import op

import invoicing.db.types

revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None

DateTime = invoicing.db.types.UTCDateTime(timezone=True)


def upgrade() -> None:
    op.add_column("documents", sa.Column("valid_until", sa.Date(), nullable=True))
    op.add_column("documents", sa.Column("estimate_id", sa.String(length=40), nullable=True))
    op.add_column("documents", sa.Column("accepted_at", DateTime, nullable=True))
    op.add_column("documents", sa.Column("declined_at", DateTime, nullable=True))
    op.create_index("uq_documents_estimate", "documents", ["estimate_id"], unique=True)


def downgrade() -> None:
    op.drop_index("uq_documents_estimate", table_name="documents")
    with op.batch_alter_table("documents") as batch:
        for column in ("declined_at", "accepted_at", "estimate_id", "valid_until"):
            batch.drop_column(column)

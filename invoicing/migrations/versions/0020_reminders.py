"""Payment reminders: one row per (invoice, day after due) dealt with

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-03 21:45:00.000000
"""

import sqlalchemy as sa
from alembic import op

import invoicing.db.types

revision = "0020"
down_revision = "0019"
branch_labels = None
depends_on = None

DateTime = invoicing.db.types.UTCDateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "invoice_reminders",
        sa.Column("invoice_id", sa.String(length=40), nullable=False),
        sa.Column("days_after_due", sa.Integer(), nullable=False),
        sa.Column("entity_id", sa.String(length=40), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("email_id", sa.String(length=40), nullable=True),
        sa.Column("created_at", DateTime, nullable=False),
        sa.ForeignKeyConstraint(["invoice_id"], ["documents.id"]),
        sa.ForeignKeyConstraint(["entity_id"], ["entities.id"]),
        sa.ForeignKeyConstraint(["email_id"], ["emails.id"]),
        sa.PrimaryKeyConstraint("invoice_id", "days_after_due"),
    )


def downgrade() -> None:
    op.drop_table("invoice_reminders")

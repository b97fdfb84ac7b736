"""Exports: the jobs (filters, progress, lease, file) and their files in chunks

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-03 15:40:00.000000
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

import invoicing.db.types

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None

JSON = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")
DateTime = invoicing.db.types.UTCDateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "exports",
        sa.Column("id", sa.String(length=40), nullable=False),
        sa.Column("account_id", sa.String(length=40), nullable=False),
        sa.Column("environment", sa.String(length=10), nullable=False),
        sa.Column("entity_id", sa.String(length=40), nullable=True),
        sa.Column("type", sa.String(length=20), nullable=False),
        sa.Column("format", sa.String(length=10), nullable=False),
        sa.Column("filters", JSON, nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("progress_done", sa.Integer(), nullable=False),
        sa.Column("progress_total", sa.Integer(), nullable=True),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("file_name", sa.String(length=200), nullable=True),
        sa.Column("file_size", sa.Integer(), nullable=True),
        sa.Column("content_type", sa.String(length=100), nullable=True),
        sa.Column("actor", sa.String(length=80), nullable=True),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("lease_until", DateTime, nullable=True),
        sa.Column("created_at", DateTime, nullable=False),
        sa.Column("started_at", DateTime, nullable=True),
        sa.Column("finished_at", DateTime, nullable=True),
        sa.Column("expires_at", DateTime, nullable=True),
        sa.ForeignKeyConstraint(["account_id"], ["accounts.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_exports_scope", "exports", ["account_id", "environment", "id"], unique=False)
    op.create_index("ix_exports_due", "exports", ["status", "lease_until"], unique=False)
    op.create_index("ix_exports_expires_at", "exports", ["expires_at"], unique=False)
    op.create_table(
        "export_chunks",
        sa.Column("export_id", sa.String(length=40), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("content", sa.LargeBinary(), nullable=False),
        sa.ForeignKeyConstraint(["export_id"], ["exports.id"]),
        sa.PrimaryKeyConstraint("export_id", "seq"),
    )


def downgrade() -> None:
    op.drop_table("export_chunks")
    op.drop_index("ix_exports_expires_at", table_name="exports")
    op.drop_index("ix_exports_due", table_name="exports")
    op.drop_index("ix_exports_scope", table_name="exports")
    op.drop_table("exports")

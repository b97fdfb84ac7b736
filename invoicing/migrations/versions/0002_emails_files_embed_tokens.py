"""emails files embed tokens

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-21 07:35:02.755280
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

import invoicing.db.types

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:

    op.create_table(
        "embed_token_uses",
        sa.Column("jti", sa.String(length=64), nullable=False),
        sa.Column("entity_id", sa.String(length=40), nullable=False),
        sa.Column("user_id", sa.String(length=40), nullable=False),
        sa.Column("expires_at", invoicing.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("used_at", invoicing.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("jti"),
    )
    op.create_table(
        "emails",
        sa.Column("id", sa.String(length=40), nullable=False),
        sa.Column("entity_id", sa.String(length=40), nullable=False),
        sa.Column("document_id", sa.String(length=40), nullable=True),
        sa.Column("to", sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"), nullable=False),
        sa.Column("subject", sa.String(length=500), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("sender_name", sa.String(length=200), nullable=True),
        sa.Column("reply_to", sa.String(length=320), nullable=True),
        sa.Column(
            "attachments", sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"), nullable=False
        ),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("next_attempt_at", invoicing.db.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("sent_at", invoicing.db.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("created_at", invoicing.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["entity_id"],
            ["entities.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("emails", schema=None) as batch_op:
        batch_op.create_index("ix_emails_entity", ["entity_id", "id"], unique=False)
        batch_op.create_index("ix_emails_status", ["status", "next_attempt_at"], unique=False)

    op.create_table(
        "stored_files",
        sa.Column("id", sa.String(length=40), nullable=False),
        sa.Column("entity_id", sa.String(length=40), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("content_type", sa.String(length=100), nullable=False),
        sa.Column("content", sa.LargeBinary(), nullable=False),
        sa.Column("created_at", invoicing.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["entity_id"],
            ["entities.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("stored_files", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_stored_files_entity_id"), ["entity_id"], unique=False)

    op.create_table(
        "document_files",
        sa.Column("document_id", sa.String(length=40), nullable=False),
        sa.Column("content", sa.LargeBinary(), nullable=False),
        sa.Column("created_at", invoicing.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["document_id"],
            ["documents.id"],
        ),
        sa.PrimaryKeyConstraint("document_id"),
    )


def downgrade() -> None:

    op.drop_table("document_files")
    with op.batch_alter_table("stored_files", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_stored_files_entity_id"))

    op.drop_table("stored_files")
    with op.batch_alter_table("emails", schema=None) as batch_op:
        batch_op.drop_index("ix_emails_status")
        batch_op.drop_index("ix_emails_entity")

    op.drop_table("emails")
    op.drop_table("embed_token_uses")

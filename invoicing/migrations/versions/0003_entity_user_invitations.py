"""entity user invitations: invited_at, accepted_at, link_generation

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-21 08:15:18.843138
"""

import sqlalchemy as sa
from alembic import op

import invoicing.db.types

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("entity_users", schema=None) as batch_op:
        batch_op.add_column(sa.Column("invited_at", invoicing.db.types.UTCDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("accepted_at", invoicing.db.types.UTCDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("link_generation", sa.Integer(), server_default="0", nullable=False))


def downgrade() -> None:
    with op.batch_alter_table("entity_users", schema=None) as batch_op:
        batch_op.drop_column("link_generation")
        batch_op.drop_column("accepted_at")
        batch_op.drop_column("invited_at")

"""Indexes for the events API and the event purge: an account key's newest events
(account_id, environment, id), and the purge's ``created_at`` cut-off

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-03 15:50:00.000000
"""

from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_events_account", "events", ["account_id", "environment", "id"], unique=False)
    op.create_index("ix_events_created_at", "events", ["created_at"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_events_created_at", table_name="events")
    op.drop_index("ix_events_account", table_name="events")

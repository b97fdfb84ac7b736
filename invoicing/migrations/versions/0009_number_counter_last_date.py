"""number sequences remember their latest issue date: number_counters.last_date

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-03 09:30:00.000000

Issue dates within a sequence may not go backwards (``settings.numbering.allow_backdating``); the
counter row that hands out the number keeps the latest date, so the check runs in the same statement.
Existing counters are filled from the documents they numbered.
"""

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("number_counters", schema=None) as batch_op:
        batch_op.add_column(sa.Column("last_date", sa.Date(), nullable=True))
    # the period is the year ("2026") of a yearly format, or "all"
    op.execute(
        """
        UPDATE number_counters SET last_date = (
            SELECT max(d.date) FROM documents d
            WHERE d.entity_id = number_counters.entity_id AND d.type = number_counters.doc_type
              AND d.number IS NOT NULL
              AND (number_counters.period = 'all' OR CAST(d.date AS VARCHAR(10)) LIKE number_counters.period || '-%')
        )
        """
    )


def downgrade() -> None:
    with op.batch_alter_table("number_counters", schema=None) as batch_op:
        batch_op.drop_column("last_date")

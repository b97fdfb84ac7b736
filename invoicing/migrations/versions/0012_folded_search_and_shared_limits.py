"""Case-folded copies of the searched text (customers' name and e-mail, items' name, documents' number and
customer name), backfilled with the application's rule (invoicing.db.folding); the BFF's abuse-limit
windows shared by every process on PostgreSQL (rate_limit_hits)

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-03 12:20:00.000000
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

from invoicing.db.folding import customer_name, fold

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None

BATCH = 1000

# column → how its folded copy is computed from the row
FOLDED = {
    "customers": {"name_folded": lambda row: fold(row.name), "email_folded": lambda row: fold(row.email)},
    "items": {"name_folded": lambda row: fold(row.name)},
    "documents": {
        "number_folded": lambda row: fold(row.number),
        "customer_name_folded": lambda row: fold(customer_name(row.customer)),
    },
}
SOURCES = {"customers": ("name", "email"), "items": ("name",), "documents": ("number", "customer")}


def _backfill(table_name: str) -> None:
    bind = op.get_bind()
    columns = [sa.column("id", sa.String)] + [
        sa.column(name, sa.JSON if name == "customer" else sa.Text) for name in SOURCES[table_name]
    ]
    table = sa.table(table_name, *columns, *(sa.column(name, sa.Text) for name in FOLDED[table_name]))
    last = ""
    while True:
        rows = bind.execute(sa.select(*columns).where(table.c.id > last).order_by(table.c.id).limit(BATCH)).fetchall()
        if not rows:
            return
        bind.execute(
            table.update().where(table.c.id == sa.bindparam("row_id")),
            [
                {"row_id": row.id, **{name: compute(row) for name, compute in FOLDED[table_name].items()}}
                for row in rows
            ],
        )
        last = rows[-1].id


def upgrade() -> None:
    for table_name, folded in FOLDED.items():
        with op.batch_alter_table(table_name, schema=None) as batch_op:
            for name in folded:
                batch_op.add_column(sa.Column(name, sa.Text(), nullable=True))
        _backfill(table_name)
    op.create_table(
        "rate_limit_hits",
        sa.Column("bucket", sa.String(length=40), nullable=False),
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("hits", sa.JSON().with_variant(postgresql.ARRAY(sa.Double()), "postgresql"), nullable=False),
        sa.Column("expires_at", sa.Double(), nullable=False),
        sa.PrimaryKeyConstraint("bucket", "key"),
    )
    op.create_index("ix_rate_limit_hits_expires_at", "rate_limit_hits", ["expires_at"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_rate_limit_hits_expires_at", table_name="rate_limit_hits")
    op.drop_table("rate_limit_hits")
    for table_name, folded in reversed(FOLDED.items()):
        with op.batch_alter_table(table_name, schema=None) as batch_op:
            for name in reversed(list(folded)):
                batch_op.drop_column(name)

"""Issuing: a document takes the next number of its entity's format inside the issuing transaction.

The counter is one ``INSERT … ON CONFLICT DO UPDATE … RETURNING`` per issue, so concurrent issues
never share a number and a rolled-back issue gives its number back. The formats themselves are
:mod:`invoicing.core.numbering`.
"""

from __future__ import annotations

from functools import cache

from sqlalchemy import bindparam
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql.dml import ReturningInsert

from contract.errors import Conflict
from invoicing.auth.context import Scope
from invoicing.db.engine import insert_new
from invoicing.db.models import Document, Entity, NumberCounter
from invoicing.db.types import utcnow
from invoicing.entities.settings import number_format


@cache
def _counter_upsert(dialect: str) -> ReturningInsert[int]:
    """``INSERT … ON CONFLICT DO UPDATE SET value = value + 1 RETURNING value``, built once per dialect."""
    insert = pg_insert if dialect == "postgresql" else sqlite_insert
    return (
        insert(NumberCounter)
        .values(entity_id=bindparam("entity_id"), doc_type=bindparam("doc_type"), period=bindparam("period"), value=1)
        .on_conflict_do_update(
            index_elements=["entity_id", "doc_type", "period"], set_={"value": NumberCounter.value + 1}
        )
        .returning(NumberCounter.value)
    )


async def assign_number(session: AsyncSession, doc: Document, entity: Entity) -> str:
    """Take the next number inside the caller's transaction; a rollback gives it back."""
    fmt = number_format(entity.settings, doc.type)
    assert session.bind is not None  # Database's sessions are bound to its engines
    statement = _counter_upsert(session.bind.dialect.name)
    params = {"entity_id": doc.entity_id, "doc_type": doc.type, "period": fmt.period(doc.date)}
    sequence = (await session.execute(statement, params)).scalar_one()
    return fmt.render(sequence, doc.date)


async def issue(session: AsyncSession, scope: Scope, doc: Document, *, new: bool = False) -> None:
    """Number and issue ``doc``; a ``new`` document is inserted here, issued, in one statement."""
    doc.number = await assign_number(session, doc, scope.bound_entity)
    doc.status = "issued"
    doc.issued_at = utcnow()
    try:
        if new:
            await insert_new(session, doc)
        else:
            await session.flush()
    except IntegrityError:
        raise Conflict(
            f"Number {doc.number} is already taken by another {doc.type.replace('_', ' ')}; "
            "the entity's number format produces duplicates."
        ) from None

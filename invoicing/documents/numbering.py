"""Issuing: a document takes the next number of its entity's format inside the issuing transaction.

The counter is one ``INSERT … ON CONFLICT DO UPDATE … RETURNING`` per issue, so concurrent issues
never share a number and a rolled-back issue gives its number back. The formats themselves are
:mod:`invoicing.core.numbering`.

Dates (issue 10): within a sequence (entity, document type, the format's period) issue dates never go
backwards. The same statement that takes the number keeps the sequence's latest date
(``number_counters.last_date``) and returns it, so the check holds under concurrency on both engines
(the counter row is locked on PostgreSQL; SQLite serialises writers): a document dated before it is
refused with 409 naming the last issued number and date, unless the entity's
``settings.numbering.allow_backdating`` is true. A document may not be dated later than today (UTC)
plus :data:`FUTURE_TOLERANCE` (422 ``date``), which lets sellers in time zones ahead of UTC date
documents by their own calendar.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from functools import cache

from sqlalchemy import bindparam, case, or_, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql.dml import ReturningInsert

from contract.errors import Conflict, ValidationFailed
from invoicing.auth.context import Scope
from invoicing.db.engine import Prepared, insert_new
from invoicing.db.models import Document, Entity, NumberCounter
from invoicing.db.types import utcnow
from invoicing.entities.settings import allow_backdating, number_format

FUTURE_TOLERANCE = timedelta(days=1)
"""How far past today (UTC) a document may be dated: one day, for time zones ahead of UTC."""


def check_date(on: date, field: str = "date") -> None:
    """422 naming ``field`` when ``on`` lies further in the future than :data:`FUTURE_TOLERANCE`."""
    latest = datetime.now(UTC).date() + FUTURE_TOLERANCE
    if on > latest:
        raise ValidationFailed.field(
            field, f"must not be later than {latest.isoformat()}: a document cannot be dated in the future"
        )


@cache
def _counter_upsert(dialect: str) -> Prepared:
    """``INSERT … ON CONFLICT DO UPDATE SET value = value + 1, last_date = max(last_date, :date)
    RETURNING value, last_date``, built once per dialect."""
    insert = pg_insert if dialect == "postgresql" else sqlite_insert
    stmt = insert(NumberCounter).values(
        entity_id=bindparam("entity_id"),
        doc_type=bindparam("doc_type"),
        period=bindparam("period"),
        value=1,
        last_date=bindparam("on"),
    )
    later = or_(NumberCounter.last_date.is_(None), stmt.excluded.last_date > NumberCounter.last_date)
    upsert: ReturningInsert[int, date | None] = stmt.on_conflict_do_update(
        index_elements=["entity_id", "doc_type", "period"],
        set_={
            "value": NumberCounter.value + 1,
            "last_date": case((later, stmt.excluded.last_date), else_=NumberCounter.last_date),
        },
    ).returning(NumberCounter.value, NumberCounter.last_date)
    return Prepared(upsert)


async def _backdated(session: AsyncSession, doc: Document, last: date) -> Conflict:
    stmt = (
        select(Document.number)
        .where(
            Document.entity_id == doc.entity_id,
            Document.type == doc.type,
            Document.date == last,
            Document.number.is_not(None),
        )
        .order_by(Document.issued_at.desc(), Document.number.desc())
        .limit(1)
    )
    number = (await session.execute(stmt)).scalar()
    label = doc.type.replace("_", " ")
    return Conflict(
        f"The last {label} of this number sequence is {number}, dated {last.isoformat()}; one dated "
        f"{doc.date.isoformat()} would be numbered out of date order. Date it {last.isoformat()} or later "
        "(or set settings.numbering.allow_backdating).",
        last_number=number,
        last_date=last.isoformat(),
    )


async def assign_number(session: AsyncSession, doc: Document, entity: Entity) -> str:
    """Take the next number inside the caller's transaction; a rollback gives it back. A date before the
    sequence's last issued date is refused here (409), in the statement that takes the number."""
    fmt = number_format(entity.settings, doc.type)
    assert session.bind is not None  # Database's sessions are bound to its engines
    statement = _counter_upsert(session.bind.dialect.name)
    params = {"entity_id": doc.entity_id, "doc_type": doc.type, "period": fmt.period(doc.date), "on": doc.date}
    ((sequence, last),) = await statement.fetch(session, params)
    if isinstance(last, str):  # SQLite's driver answers the date as stored, as text
        last = date.fromisoformat(last)
    if last is not None and last > doc.date and not allow_backdating(entity.settings):
        raise await _backdated(session, doc, last)
    return fmt.render(sequence, doc.date)


async def issue(session: AsyncSession, scope: Scope, doc: Document, *, new: bool = False) -> None:
    """Number and issue ``doc``; a ``new`` document is inserted here, issued, in one statement."""
    check_date(doc.date)
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

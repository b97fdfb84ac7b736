"""Finding documents: one by id within the caller's entity, and the list query with its filters."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date
from typing import Any, Literal, TypeVar

from sqlalchemy import ColumnElement, Select, and_, not_, or_, select, tuple_
from sqlalchemy.ext.asyncio import AsyncSession

from contract.errors import NotFound, ValidationFailed
from invoicing.auth.context import Scope
from invoicing.core.paging import make_cursor, page, read_cursor
from invoicing.db.folding import fold
from invoicing.db.models import Document
from invoicing.reports.sql import money_order

T = TypeVar("T")
InvoiceSort = Literal["-date", "-total_due"]
OPEN_STATUSES = ("issued", "partially_paid")


LABELS = {
    "invoice": "Invoice",
    "credit_note": "Credit note",
    "advance_invoice": "Advance invoice",
    "estimate": "Estimate",
}


async def get_document(
    session: AsyncSession,
    scope: Scope,
    doc_id: str,
    doc_type: str | tuple[str, ...],
    *,
    lock: bool = False,
    field: str | None = None,
) -> Document:
    """The entity's document of ``doc_type`` (or of one of several types); 404, or a 422 naming ``field``
    when the id came in a body."""
    types = (doc_type,) if isinstance(doc_type, str) else doc_type
    doc = await session.get(Document, doc_id, with_for_update=lock)
    if doc is None or doc.entity_id != scope.entity_id or doc.type not in types:
        label = LABELS.get(types[0], "Document")
        if field:
            raise ValidationFailed.field(field, f"{label.lower()} {doc_id} was not found")
        raise NotFound(f"{label} {doc_id} was not found.")
    return doc


def list_stmt(
    scope: Scope,
    doc_type: str,
    *,
    status: str | Sequence[str] | None = None,
    date_from: date | None = None,
    date_to: date | None = None,
    search: str | None = None,
    customer_id: str | None = None,
    invoice_id: str | None = None,
    overdue: bool | None = None,
    recurring_invoice_id: str | None = None,
) -> Select:
    stmt = select(Document).where(Document.entity_id == scope.entity_id, Document.type == doc_type)
    if isinstance(status, str):
        stmt = stmt.where(Document.status == status)
    elif status:  # any of several
        stmt = stmt.where(Document.status.in_(status))
    if date_from:
        stmt = stmt.where(Document.date >= date_from)
    if date_to:
        stmt = stmt.where(Document.date <= date_to)
    if customer_id:
        stmt = stmt.where(Document.customer_id == customer_id)
    if invoice_id:
        stmt = stmt.where(Document.invoice_id == invoice_id)
    if recurring_invoice_id:
        stmt = stmt.where(Document.recurring_invoice_id == recurring_invoice_id)
    if overdue is not None:
        stmt = stmt.where(is_overdue(date.today()) if overdue else not_(is_overdue(date.today())))
    if search:
        text = fold(search)  # the same rule as the stored *_folded columns (invoicing.db.folding)
        stmt = stmt.where(
            or_(
                Document.number_folded.contains(text, autoescape=True),
                Document.customer_name_folded.contains(text, autoescape=True),
            )
        )
    return stmt


def is_overdue(as_of: date) -> ColumnElement[bool]:
    """An invoice issued or partially paid, past its ``date_due`` at ``as_of``, with something due
    (index ``ix_documents_open``)."""
    return and_(
        Document.status.in_(OPEN_STATUSES),
        Document.date_due < as_of,
        money_order(Document.total_due) > 0,
    )


async def page_sorted(
    session: AsyncSession,
    stmt: Select,
    sort: InvoiceSort,
    limit: int,
    cursor: str | None,
    convert: Callable[[Any], T],
) -> tuple[list[T], str | None]:
    """A page of documents in ``sort`` order: ``-date`` is :func:`page` (newest first); ``-total_due`` is the
    largest amount due first, then newest (index ``ix_documents_entity_due``). Its cursor is the same kind
    as the other's (the last id); the next page starts after that document's (total_due, id)."""
    if sort == "-date":
        return await page(session, stmt, Document.id, limit, cursor, convert)
    due = money_order(Document.total_due)
    if cursor is not None:
        last_id = read_cursor("documents", cursor)
        last_due = select(due).where(Document.id == last_id).scalar_subquery()
        stmt = stmt.where(tuple_(due, Document.id) < tuple_(last_due, last_id))
    query = stmt.order_by(due.desc(), Document.id.desc()).limit(limit + 1)
    rows: Sequence[Document] = (await session.execute(query)).scalars().all()
    more = len(rows) > limit
    rows = rows[:limit]
    return [convert(r) for r in rows], (make_cursor("documents", rows[-1].id) if more and rows else None)

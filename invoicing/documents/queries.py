"""Finding documents: one by id within the caller's entity, and the list query with its filters."""

from __future__ import annotations

from datetime import date

from sqlalchemy import Select, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from contract.errors import NotFound, ValidationFailed
from invoicing.auth.context import Scope
from invoicing.db.folding import fold
from invoicing.db.models import Document


async def get_document(
    session: AsyncSession, scope: Scope, doc_id: str, doc_type: str, *, lock: bool = False, field: str | None = None
) -> Document:
    """The entity's document of ``doc_type``; 404, or a 422 naming ``field`` when the id came in a body."""
    doc = await session.get(Document, doc_id, with_for_update=lock)
    if doc is None or doc.entity_id != scope.entity_id or doc.type != doc_type:
        label = "Invoice" if doc_type == "invoice" else "Credit note"
        if field:
            raise ValidationFailed.field(field, f"{label.lower()} {doc_id} was not found")
        raise NotFound(f"{label} {doc_id} was not found.")
    return doc


def list_stmt(
    scope: Scope,
    doc_type: str,
    *,
    status: str | None = None,
    date_from: date | None = None,
    date_to: date | None = None,
    search: str | None = None,
    customer_id: str | None = None,
    invoice_id: str | None = None,
) -> Select:
    stmt = select(Document).where(Document.entity_id == scope.entity_id, Document.type == doc_type)
    if status:
        stmt = stmt.where(Document.status == status)
    if date_from:
        stmt = stmt.where(Document.date >= date_from)
    if date_to:
        stmt = stmt.where(Document.date <= date_to)
    if customer_id:
        stmt = stmt.where(Document.customer_id == customer_id)
    if invoice_id:
        stmt = stmt.where(Document.invoice_id == invoice_id)
    if search:
        text = fold(search)  # the same rule as the stored *_folded columns (invoicing.db.folding)
        stmt = stmt.where(
            or_(
                Document.number_folded.contains(text, autoescape=True),
                Document.customer_name_folded.contains(text, autoescape=True),
            )
        )
    return stmt

"""Refunds: money given back to the customer, against a credit note (which says why) or directly
against an invoice (e.g. a chargeback). Never more than was paid and not yet refunded, nor, against a
credit note, more than the credit note and not yet refunded on it."""

from __future__ import annotations

from datetime import date

from sqlalchemy import Select, select
from sqlalchemy.ext.asyncio import AsyncSession

from contract.errors import Conflict, ValidationFailed
from invoicing.auth.context import Scope
from invoicing.core.ids import new_id
from invoicing.core.money import format_decimal, round_money
from invoicing.core.paging import apply_metadata, page
from invoicing.db.models import Document, Refund
from invoicing.documents import rules
from invoicing.documents.invoices import refresh_status
from invoicing.documents.queries import get_document
from invoicing.events import emit, publish
from invoicing.payments.records import add_with_reference, amount_field
from invoicing.payments.schemas import RefundCreate, RefundList, RefundOut
from invoicing.payments.service import emit_invoice, statuses, with_status


def to_out(refund: Refund, invoice_status: str) -> RefundOut:
    return RefundOut(
        id=refund.id,
        object="refund",
        entity_id=refund.entity_id,
        invoice_id=refund.invoice_id,
        credit_note_id=refund.credit_note_id,
        amount=format_decimal(round_money(refund.amount, refund.currency_code)),
        currency_code=refund.currency_code,
        date=refund.date,
        type=refund.type,
        reference=refund.reference,
        note=refund.note,
        metadata=refund.metadata_ or {},
        created_at=refund.created_at,
        invoice_status=invoice_status,
    )


def list_stmt(
    scope: Scope, reference: str | None, invoice_id: str | None, credit_note_id: str | None
) -> Select[Refund]:
    stmt = select(Refund).where(Refund.entity_id == scope.entity_id)
    if reference:
        stmt = stmt.where(Refund.reference == reference)
    if invoice_id:
        stmt = stmt.where(Refund.invoice_id == invoice_id)
    if credit_note_id:
        stmt = stmt.where(Refund.credit_note_id == credit_note_id)
    return stmt


class RefundService:
    """The entity's refunds, for one request."""

    def __init__(self, session: AsyncSession, ctx: Scope) -> None:
        self.session, self.scope = session, ctx

    async def _documents(self, data: RefundCreate) -> tuple[Document, Document | None]:
        """The invoice (locked) and the credit note the refund is recorded against."""
        session, scope = self.session, self.scope
        if data.credit_note_id is None:
            if data.invoice_id is None:
                raise ValidationFailed.field("credit_note_id", "give credit_note_id or invoice_id")
            return await get_document(session, scope, data.invoice_id, "invoice", lock=True, field="invoice_id"), None
        credit_note = await get_document(session, scope, data.credit_note_id, "credit_note", field="credit_note_id")
        if data.invoice_id is not None and data.invoice_id != credit_note.invoice_id:
            raise ValidationFailed.field("invoice_id", f"is not the invoice of credit note {credit_note.number}")
        invoice = await get_document(session, scope, credit_note.invoice_id or "", "invoice", lock=True)
        await session.refresh(credit_note)  # read again under the invoice's lock
        return invoice, credit_note

    async def create(self, data: RefundCreate) -> RefundOut:
        session, scope = self.session, self.scope
        invoice, credit_note = await self._documents(data)
        limit = rules.refundable(invoice.total_paid, invoice.total_refunded)
        if limit <= 0:
            raise Conflict(
                f"Invoice {invoice.number} has nothing to refund: "
                + ("everything paid was refunded." if invoice.total_paid > 0 else "nothing was paid.")
            )
        what = f"paid and not yet refunded on invoice {invoice.number}"
        if credit_note is not None:
            left = credit_note.total_with_tax - credit_note.total_refunded
            if left <= 0:
                raise Conflict(f"Credit note {credit_note.number} is already refunded in full.")
            if left < limit:
                limit, what = left, f"of credit note {credit_note.number} not yet refunded"
        amount = amount_field(data.amount, "amount", invoice.currency_code, limit, what)
        refund = Refund(
            id=new_id("refund"),
            entity_id=invoice.entity_id,
            invoice_id=invoice.id,
            credit_note_id=credit_note.id if credit_note else None,
            amount=amount,
            currency_code=invoice.currency_code,
            date=data.date or date.today(),
            type=data.type,
            reference=data.reference,
            note=data.note,
            metadata_=data.metadata or {},
        )
        await add_with_reference(session, refund)
        invoice.total_refunded = invoice.total_refunded + amount
        if credit_note is not None:
            credit_note.total_refunded = credit_note.total_refunded + amount
        refresh_status(invoice)
        emit(
            session,
            scope,
            "refund.created",
            refund.id,
            {
                "invoice_id": invoice.id,
                "credit_note_id": refund.credit_note_id,
                "amount": format_decimal(amount),
                "invoice_status": invoice.status,
            },
        )
        await emit_invoice(session, scope, invoice, "invoice.payments_changed")
        return publish(session, to_out(refund, invoice.status))

    async def list(
        self,
        limit: int,
        cursor: str | None,
        metadata: dict[str, str],
        *,
        reference: str | None,
        invoice_id: str | None,
        credit_note_id: str | None,
    ) -> RefundList:
        stmt = apply_metadata(list_stmt(self.scope, reference, invoice_id, credit_note_id), Refund.metadata_, metadata)
        rows, next_cursor = await page(self.session, stmt, Refund.id, limit, cursor, lambda r: r)
        status_of = await statuses(self.session, {r.invoice_id for r in rows})
        return RefundList(data=[to_out(r, status_of.get(r.invoice_id, "")) for r in rows], next_cursor=next_cursor)

    async def get(self, refund_id: str) -> RefundOut:
        return to_out(*await with_status(self.session, self.scope, Refund, refund_id))

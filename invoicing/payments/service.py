"""Payments against issued invoices: partial or full, never more than is due; a payment recorded by
mistake can be deleted (audited), a payment's reference is claimed once per entity
(:mod:`invoicing.payments.records`)."""

from __future__ import annotations

from typing import TypeVar

from sqlalchemy import Select, select
from sqlalchemy.ext.asyncio import AsyncSession

from contract.errors import Conflict, NotFound
from invoicing.auth.context import Scope
from invoicing.core.money import format_decimal, round_money
from invoicing.core.paging import apply_metadata, page
from invoicing.db.models import Document, Payment, Refund
from invoicing.documents import rules
from invoicing.documents.invoices import refresh_status
from invoicing.documents.output import invoice_out, money
from invoicing.documents.queries import get_document
from invoicing.documents.remainder import fill_creditable
from invoicing.events import emit, publish
from invoicing.payments.records import add_with_reference, amount_field, new_payment
from invoicing.payments.schemas import PaymentCreate, PaymentList, PaymentOut


async def emit_invoice(session: AsyncSession, scope: Scope, invoice: Document, type_: str) -> None:
    """Emit ``type_`` for ``invoice`` with what ``GET /v1/invoices/{id}`` answers now as its object."""
    emit(session, scope, type_, invoice.id)
    invoice_now = invoice_out(invoice)
    await fill_creditable(session, [(invoice_now, invoice)])
    publish(session, invoice_now)


def to_out(payment: Payment, invoice_status: str) -> PaymentOut:
    return PaymentOut(
        id=payment.id,
        object="payment",
        entity_id=payment.entity_id,
        invoice_id=payment.invoice_id,
        amount=format_decimal(round_money(payment.amount, payment.currency_code)),
        currency_code=payment.currency_code,
        date=payment.date,
        type=payment.type,
        reference=payment.reference,
        split=payment.split,
        at_issue=payment.at_issue,
        note=payment.note,
        metadata=payment.metadata_ or {},
        created_at=payment.created_at,
        invoice_status=invoice_status,
    )


def list_stmt(scope: Scope, reference: str | None, invoice_id: str | None) -> Select[Payment]:
    stmt = select(Payment).where(Payment.entity_id == scope.entity_id)
    if reference:
        stmt = stmt.where(Payment.reference == reference)
    if invoice_id:
        stmt = stmt.where(Payment.invoice_id == invoice_id)
    return stmt


async def statuses(session: AsyncSession, invoice_ids: set[str]) -> dict[str, str]:
    """The current status of each invoice (one query for a page of payments or refunds)."""
    if not invoice_ids:
        return {}
    rows = await session.execute(select(Document.id, Document.status).where(Document.id.in_(invoice_ids)))
    return dict(rows.tuples().all())


Recorded = TypeVar("Recorded", Payment, Refund)
PAYABLE = ("invoice", "advance_invoice")
"""What payments are recorded against: invoices and advance invoices (``invoice_id`` names either)."""


async def with_status(session: AsyncSession, scope: Scope, model: type[Recorded], row_id: str) -> tuple[Recorded, str]:
    """The entity's payment or refund ``row_id`` and its invoice's current status; 404 when there is none."""
    row = (
        await session.execute(
            select(model, Document.status)
            .join(Document, Document.id == model.invoice_id)
            .where(model.id == row_id, model.entity_id == scope.entity_id)
        )
    ).first()
    if row is None:
        raise NotFound(f"{model.__name__} {row_id} was not found.")
    return row[0], row[1]


class PaymentService:
    """The entity's payments, for one request."""

    def __init__(self, session: AsyncSession, ctx: Scope) -> None:
        self.session, self.scope = session, ctx

    async def create(self, data: PaymentCreate) -> PaymentOut:
        session, scope = self.session, self.scope
        invoice = await get_document(session, scope, data.invoice_id, PAYABLE, lock=True, field="invoice_id")
        if invoice.status in ("draft", "voided"):
            raise Conflict(
                f"Invoice {data.invoice_id} is {invoice.status}; payments are recorded only on issued invoices."
            )
        due = rules.amount_due(
            invoice.status, invoice.total_with_tax, invoice.total_paid, invoice.total_credited, invoice.total_refunded
        )
        amount = amount_field(
            data.amount,
            "amount",
            invoice.currency_code,
            due,
            f"due on invoice {invoice.number}; overpayments are refused",
        )
        payment = new_payment(
            invoice,
            amount,
            day=data.date,
            type_=data.type,
            reference=data.reference,
            split=data.split,
            note=data.note,
            metadata=data.metadata,
        )
        await add_with_reference(session, payment)
        invoice.total_paid = invoice.total_paid + amount
        refresh_status(invoice)
        emit(
            session, scope, "payment.created", payment.id, {"invoice_id": invoice.id, "amount": format_decimal(amount)}
        )
        if invoice.type == "invoice" and invoice.status in ("paid", "partially_paid"):
            await emit_invoice(session, scope, invoice, f"invoice.{invoice.status}")
        return publish(session, to_out(payment, invoice.status))

    async def delete(self, payment_id: str) -> None:
        """Remove a payment recorded by mistake: the invoice's ``total_paid`` and status follow."""
        session, scope = self.session, self.scope
        invoice = await get_document(session, scope, (await self._get(payment_id)).invoice_id, PAYABLE, lock=True)
        payment = await self._get(payment_id, fresh=True)  # read again under the invoice's lock
        if payment.at_issue:
            raise Conflict(
                f"Payment {payment.id} was recorded when invoice {invoice.number} was created and is printed on it "
                "as paid; record a refund (and a credit note) instead."
            )
        if payment.amount > rules.refundable(invoice.total_paid, invoice.total_refunded):
            raise Conflict(
                f"Invoice {invoice.number} has refunds of {money(invoice, invoice.total_refunded)} "
                f"{invoice.currency_code}; without this payment more would be refunded than was paid."
            )
        await session.delete(payment)
        invoice.total_paid = invoice.total_paid - payment.amount
        refresh_status(invoice)
        emit(
            session,
            scope,
            "payment.deleted",
            payment.id,
            {
                "invoice_id": invoice.id,
                "number": invoice.number,
                "amount": format_decimal(round_money(payment.amount, payment.currency_code)),
                "reference": payment.reference,
                "invoice_status": invoice.status,
            },
        )
        publish(session, to_out(payment, invoice.status))  # the payment as it was, with the invoice's new status
        if invoice.type == "invoice":
            await emit_invoice(session, scope, invoice, "invoice.payments_changed")

    async def list(
        self, limit: int, cursor: str | None, reference: str | None, invoice_id: str | None, metadata: dict[str, str]
    ) -> PaymentList:
        """A page of payments, each with its invoice's current status (one more query for the page)."""
        stmt = apply_metadata(list_stmt(self.scope, reference, invoice_id), Payment.metadata_, metadata)
        rows, next_cursor = await page(self.session, stmt, Payment.id, limit, cursor, lambda p: p)
        status_of = await statuses(self.session, {p.invoice_id for p in rows})
        return PaymentList(data=[to_out(p, status_of.get(p.invoice_id, "")) for p in rows], next_cursor=next_cursor)

    async def get(self, payment_id: str) -> PaymentOut:
        return to_out(*await with_status(self.session, self.scope, Payment, payment_id))

    async def _get(self, payment_id: str, *, fresh: bool = False) -> Payment:
        payment = await self.session.get(Payment, payment_id, populate_existing=fresh)
        if payment is None or payment.entity_id != self.scope.entity_id:
            raise NotFound(f"Payment {payment_id} was not found.")
        return payment

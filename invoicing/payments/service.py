"""Payments against issued invoices: partial or full, never more than is due."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from sqlalchemy import Select, select
from sqlalchemy.ext.asyncio import AsyncSession

from contract.errors import Conflict, NotFound, ValidationFailed
from invoicing.auth.context import Scope
from invoicing.core.ids import new_id
from invoicing.core.money import format_decimal, quantum, round_money
from invoicing.core.paging import apply_metadata, page
from invoicing.core.validate import decimal_field
from invoicing.db.models import Document, Payment
from invoicing.documents import rules
from invoicing.documents.invoices import refresh_status
from invoicing.documents.queries import get_document
from invoicing.events import emit
from invoicing.payments.schemas import PaymentCreate, PaymentList, PaymentOut


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


class PaymentService:
    """The entity's payments, for one request."""

    def __init__(self, session: AsyncSession, ctx: Scope) -> None:
        self.session, self.scope = session, ctx

    async def create(self, data: PaymentCreate) -> PaymentOut:
        session, scope = self.session, self.scope
        invoice = await get_document(session, scope, data.invoice_id, "invoice", lock=True, field="invoice_id")
        if invoice.status in ("draft", "voided"):
            raise Conflict(
                f"Invoice {data.invoice_id} is {invoice.status}; payments are recorded only on issued invoices."
            )
        amount = decimal_field(data.amount, "amount", minimum=Decimal(0), exclusive_min=True)
        if amount != round_money(amount, invoice.currency_code):
            raise ValidationFailed.field(
                "amount", f"has more decimals than {invoice.currency_code} allows ({quantum(invoice.currency_code)})"
            )
        due = rules.amount_due(invoice.status, invoice.total_with_tax, invoice.total_paid, invoice.total_credited)
        if amount > due:
            due_text = f"{format_decimal(round_money(due, invoice.currency_code))} {invoice.currency_code}"
            raise ValidationFailed.field(
                "amount", f"is more than the {due_text} due on invoice {invoice.number}; overpayments are refused"
            )
        payment = Payment(
            id=new_id("payment"),
            entity_id=invoice.entity_id,
            invoice_id=invoice.id,
            amount=amount,
            currency_code=invoice.currency_code,
            date=data.date or date.today(),
            type=data.type,
            reference=data.reference,
            note=data.note,
            metadata_=data.metadata or {},
        )
        session.add(payment)
        invoice.total_paid = invoice.total_paid + amount
        refresh_status(invoice)
        emit(
            session, scope, "payment.created", payment.id, {"invoice_id": invoice.id, "amount": format_decimal(amount)}
        )
        if invoice.status == "paid":
            emit(session, scope, "invoice.paid", invoice.id)
        return to_out(payment, invoice.status)

    async def list(
        self, limit: int, cursor: str | None, reference: str | None, invoice_id: str | None, metadata: dict[str, str]
    ) -> PaymentList:
        """A page of payments, each with its invoice's current status (one more query for the page)."""
        stmt = apply_metadata(list_stmt(self.scope, reference, invoice_id), Payment.metadata_, metadata)
        rows, next_cursor = await page(self.session, stmt, Payment.id, limit, cursor, lambda p: p)
        ids = {p.invoice_id for p in rows}
        statuses = (
            dict((await self.session.execute(select(Document.id, Document.status).where(Document.id.in_(ids)))).all())
            if ids
            else {}
        )
        return PaymentList(data=[to_out(p, statuses.get(p.invoice_id, "")) for p in rows], next_cursor=next_cursor)

    async def get(self, payment_id: str) -> PaymentOut:
        row = (
            await self.session.execute(
                select(Payment, Document.status)
                .join(Document, Document.id == Payment.invoice_id)
                .where(Payment.id == payment_id, Payment.entity_id == self.scope.entity_id)
            )
        ).first()
        if row is None:
            raise NotFound(f"Payment {payment_id} was not found.")
        return to_out(row[0], row[1])

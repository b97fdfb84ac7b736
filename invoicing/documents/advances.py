"""Advance invoices (prepayment invoices) and their deduction on final invoices.

An advance invoice is a document of type ``advance_invoice``: the invoice body, VAT decided like an
invoice's, issued and numbered at creation in its own sequence. Its life::

    issued ⇄ paid ──(its final invoice is issued)──▶ deducted ──(the final invoice is voided)──▶ issued/paid
      └──void (nothing paid, not deducted)──▶ voided

A final invoice names advances in ``advance_invoice_ids``. Its lines stay as sold; each advance's tax
breakdown comes off the final invoice's at the same VAT rate (category and rate): the base by the
advance's base, the tax by the advance's tax (never recomputed, so the two documents' VAT adds up to the
cent), and the totals by the advance's totals (:func:`deduct`). The final invoice's stored ``taxes``,
``total``, ``total_tax`` and ``total_with_tax`` are then what is still owed (the German practice), and
every rule that reads them (amount due, payments, credit notes, reports) needs nothing more. The
deductions themselves are stored on it (``advances``, :class:`invoicing.core.totals.Deduction`).

An advance is deducted once: issuing the final invoice locks its advances (``SELECT … FOR UPDATE``, in id
order) and checks again that none is voided or deducted by another; voiding the final invoice releases
them.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from decimal import Decimal

from litestar import Request
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from contract.errors import Conflict, ValidationFailed
from invoicing.auth.context import Scope
from invoicing.core.money import ZERO, format_decimal
from invoicing.core.paging import apply_metadata
from invoicing.core.totals import Deduction, TaxTotal
from invoicing.db.models import Document
from invoicing.db.types import utcnow
from invoicing.documents.output import advance_invoice_out, money
from invoicing.documents.queries import get_document, list_stmt, page_sorted
from invoicing.documents.schemas import AdvanceInvoiceCreate, AdvanceInvoiceList, AdvanceInvoiceOut
from invoicing.events import emit, publish

FIELD = "advance_invoice_ids"
RateKey = tuple[str | None, Decimal]


def rate_key(tax: TaxTotal) -> RateKey:
    """A VAT rate as deductions match it: the EN 16931 category and the rate."""
    return tax.category, tax.rate.normalize()


def _rate_label(tax: TaxTotal) -> str:
    return f"{tax.name} {format_decimal(tax.rate)} %" + (f" (category {tax.category})" if tax.category else "")


def deduction_of(advance: Document) -> Deduction:
    """What ``advance`` deducts: its own tax breakdown and totals."""
    return Deduction(
        advance_invoice_id=advance.id,
        number=advance.number or "",
        date=advance.date,
        taxes=tuple(advance.taxes),
        total=advance.total,
        total_tax=advance.total_tax,
        total_with_tax=advance.total_with_tax,
    )


def deduct(
    taxes: Sequence[TaxTotal], total: Decimal, total_tax: Decimal, deductions: Sequence[Deduction]
) -> tuple[list[TaxTotal], Decimal, Decimal]:
    """The tax breakdown, net and tax still owed once ``deductions`` come off a document's ``taxes``, ``total``
    and ``total_tax``, rate by rate. 422 naming ``advance_invoice_ids[i]`` for the first advance with a rate
    the document has not, or that takes a rate's base or tax (or the total) below zero."""
    left = {rate_key(t): t for t in taxes}
    net, tax = total, total_tax
    for i, d in enumerate(deductions):
        field = f"{FIELD}[{i}]"
        for t in d.taxes:
            held = left.get(rate_key(t))
            if held is None:
                raise ValidationFailed.field(
                    field, f"advance invoice {d.number} has VAT at {_rate_label(t)}, which no line of this invoice has"
                )
            if t.base > held.base or t.amount > held.amount:
                raise ValidationFailed.field(
                    field,
                    f"advance invoice {d.number} deducts {format_decimal(t.base)} net and {format_decimal(t.amount)} "
                    f"tax at {_rate_label(t)}, but only {format_decimal(held.base)} net and "
                    f"{format_decimal(held.amount)} tax are left at that rate",
                )
            left[rate_key(t)] = TaxTotal(
                name=held.name,
                rate=held.rate,
                base=held.base - t.base,
                amount=held.amount - t.amount,
                category=held.category,
            )
        net, tax = net - d.total, tax - d.total_tax
        if net < 0 or tax < 0:
            raise ValidationFailed.field(
                field, f"the advances deduct more than this invoice's total (up to advance invoice {d.number})"
            )
    return [left[rate_key(t)] for t in taxes], net, tax


def undeducted(taxes: Sequence[TaxTotal], deductions: Sequence[Deduction]) -> list[TaxTotal]:
    """A final invoice's tax breakdown as its lines have it: the stored one (what is still owed) plus what its
    advances took off at each rate (the inverse of :func:`deduct`)."""
    added: dict[RateKey, tuple[Decimal, Decimal]] = {}
    for d in deductions:
        for t in d.taxes:
            base, amount = added.get(rate_key(t), (ZERO, ZERO))
            added[rate_key(t)] = (base + t.base, amount + t.amount)
    out = []
    for t in taxes:
        base, amount = added.get(rate_key(t), (ZERO, ZERO))
        out.append(
            TaxTotal(name=t.name, rate=t.rate, base=t.base + base, amount=t.amount + amount, category=t.category)
        )
    return out


def apply_deductions(doc: Document, advances: Sequence[Document]) -> None:
    """Store the deductions of ``advances`` on the final invoice ``doc`` (its totals just computed from its
    lines) and reduce its breakdown and totals to what is still owed."""
    deductions = [deduction_of(a) for a in advances]
    doc.advances = deductions or None
    if deductions:
        doc.taxes, doc.total, doc.total_tax = deduct(doc.taxes, doc.total, doc.total_tax, deductions)
        doc.total_with_tax = doc.total + doc.total_tax


def _check(doc: Document, advance: Document, field: str) -> None:
    if advance.customer_id != doc.customer_id or advance.customer_id is None:
        raise ValidationFailed.field(field, f"advance invoice {advance.number} is for another customer")
    if advance.currency_code != doc.currency_code:
        raise ValidationFailed.field(
            field, f"advance invoice {advance.number} is in {advance.currency_code}, not {doc.currency_code}"
        )
    if advance.status == "voided":
        raise Conflict(
            f"Advance invoice {advance.number} is voided.",
            errors=[{"field": field, "message": "is voided"}],
        )
    if advance.deducted_by_invoice_id is not None and advance.deducted_by_invoice_id != doc.id:
        message = f"is already deducted by invoice {advance.deducted_by_invoice_id}"
        raise Conflict(f"Advance invoice {advance.number} {message}.", errors=[{"field": field, "message": message}])


async def load(session: AsyncSession, scope: Scope, doc: Document, ids: Sequence[str]) -> list[Document]:
    """The advances ``ids`` (in that order) for the invoice ``doc``, checked: the entity's, the same customer and
    currency, not voided, not deducted by another invoice, each once."""
    out = []
    for i, advance_id in enumerate(ids):
        field = f"{FIELD}[{i}]"
        if advance_id in ids[:i]:
            raise ValidationFailed.field(field, f"advance invoice {advance_id} is named twice")
        advance = await get_document(session, scope, advance_id, "advance_invoice", field=field)
        _check(doc, advance, field)
        out.append(advance)
    return out


async def claim(session: AsyncSession, scope: Scope, doc: Document) -> None:
    """Issuing the final invoice ``doc``: lock its advances (in id order, so two invoices never deadlock),
    check them again under the lock and mark them deducted by it. Of two invoices racing for one advance,
    the second waits for the first and then finds it deducted (409)."""
    ids = [d.advance_invoice_id for d in doc.advances or []]
    if not ids:
        return
    stmt = (
        select(Document)
        .where(Document.id.in_(ids), Document.entity_id == scope.entity_id, Document.type == "advance_invoice")
        .order_by(Document.id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    locked = {a.id: a for a in (await session.execute(stmt)).scalars()}
    for i, advance_id in enumerate(ids):
        field = f"{FIELD}[{i}]"
        advance = locked.get(advance_id)
        if advance is None:
            raise ValidationFailed.field(field, f"advance invoice {advance_id} was not found")
        _check(doc, advance, field)
        advance.deducted_by_invoice_id = doc.id
        advance.status = "deducted"
    await session.flush()


async def release(session: AsyncSession, doc: Document) -> None:
    """The final invoice ``doc`` is voided: its advances are open again (paid or issued)."""
    from invoicing.documents.invoices import refresh_status  # invoices build on this module

    ids = [d.advance_invoice_id for d in doc.advances or []]
    if not ids:
        return
    stmt = select(Document).where(Document.id.in_(ids)).order_by(Document.id).with_for_update()
    for advance in (await session.execute(stmt.execution_options(populate_existing=True))).scalars():
        if advance.deducted_by_invoice_id == doc.id:
            advance.deducted_by_invoice_id = None
            advance.status = "issued"
            refresh_status(advance)


class AdvanceInvoiceService:
    """Advance invoices for one request: the request's transaction and the caller's entity."""

    def __init__(self, session: AsyncSession, ctx: Scope, request: Request) -> None:
        from invoicing.documents.invoices import InvoiceService  # invoices build on this module

        self.session, self.scope = session, ctx
        self.invoices = InvoiceService(session, ctx, request)

    async def list(
        self,
        limit: int,
        cursor: str | None,
        metadata: dict[str, str],
        *,
        status: Sequence[str] | None,
        date_from: date | None,
        date_to: date | None,
        search: str | None,
        customer_id: str | None,
    ) -> AdvanceInvoiceList:
        stmt = list_stmt(
            self.scope,
            "advance_invoice",
            status=status,
            date_from=date_from,
            date_to=date_to,
            search=search,
            customer_id=customer_id,
        )
        stmt = apply_metadata(stmt, Document.metadata_, metadata)
        data, next_cursor = await page_sorted(self.session, stmt, "-date", limit, cursor, advance_invoice_out)
        return AdvanceInvoiceList(data=data, next_cursor=next_cursor)

    async def get(self, advance_id: str) -> AdvanceInvoiceOut:
        return advance_invoice_out(await get_document(self.session, self.scope, advance_id, "advance_invoice"))

    async def create(self, data: AdvanceInvoiceCreate) -> AdvanceInvoiceOut:
        """Issue the advance invoice (and record ``paid`` with it, in the same transaction)."""
        from invoicing.documents.invoices import issue_document, paid_at_issue

        session, scope = self.session, self.scope
        doc, vies = await self.invoices.compose(data)
        paid = paid_at_issue(doc, data.paid) if data.paid is not None else None
        await self.invoices.evidence.record(session, vies, doc.customer_id)
        await issue_document(session, scope, doc, new=True)
        emit(session, scope, "advance_invoice.issued", doc.id, {"number": doc.number})
        if paid is not None:
            await self.invoices.record_paid(doc, paid)
        return publish(session, advance_invoice_out(doc))

    async def void(self, advance_id: str, reason: str | None) -> AdvanceInvoiceOut:
        session, scope = self.session, self.scope
        doc = await get_document(session, scope, advance_id, "advance_invoice", lock=True)
        if doc.status == "voided":
            raise Conflict(f"Advance invoice {doc.number} is already voided.")
        if doc.deducted_by_invoice_id is not None:
            raise Conflict(
                f"Advance invoice {doc.number} is deducted by invoice {doc.deducted_by_invoice_id}; "
                "void that invoice first."
            )
        if doc.total_paid > 0:
            raise Conflict(
                f"Advance invoice {doc.number} has payments of {money(doc, doc.total_paid)} {doc.currency_code}; "
                "only an unpaid advance invoice can be voided."
            )
        doc.status, doc.voided_at, doc.void_reason = "voided", utcnow(), reason
        doc.total_due = ZERO
        emit(session, scope, "advance_invoice.voided", doc.id, {"reason": reason})
        return publish(session, advance_invoice_out(doc))

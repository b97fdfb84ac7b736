"""Credit notes: correcting an issued invoice, in full or in part, never beyond what is left to credit.

A credit note is issued (numbered) when it is created; the invoice's ``total_credited`` and status
change in the same transaction.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from contract.errors import Conflict, ValidationFailed
from invoicing.auth.context import Scope
from invoicing.core.ids import new_id
from invoicing.core.lines import DocumentLine, plain
from invoicing.core.locales import locale_field
from invoicing.core.money import format_decimal
from invoicing.core.paging import apply_metadata, page
from invoicing.core.totals import Tax
from invoicing.db.models import Document
from invoicing.documents import rules
from invoicing.documents.invoices import refresh_status
from invoicing.documents.lines import apply_totals, build_lines
from invoicing.documents.numbering import issue
from invoicing.documents.output import credit_note_out, money
from invoicing.documents.queries import get_document, list_stmt
from invoicing.documents.schemas import CreditNoteCreate, CreditNoteList, CreditNoteOut
from invoicing.documents.treatment import credit_lines
from invoicing.events import emit


def remaining_lines(invoice: Document, credit_notes: list[Document]) -> list[DocumentLine]:
    """Lines that credit everything not yet credited: the invoice's own lines when nothing was credited
    (and it has no document-level allowances or charges), otherwise one line per set of taxes with the
    remaining amount (gross for gross invoices), after the invoice's allowances and charges on it."""
    if not credit_notes and not invoice.allowance_charges:
        return list(invoice.items)
    remaining: dict[tuple, Decimal] = defaultdict(Decimal)
    taxes_of: dict[tuple, tuple[Tax, ...]] = {}
    for sign, docs in ((1, [invoice]), (-1, credit_notes)):
        for doc in docs:
            for line in doc.items:
                key = tuple(sorted((t.name, t.rate) for t in line.taxes))
                remaining[key] += sign * (line.total_with_tax if invoice.prices_include_tax else line.total)
                taxes_of.setdefault(key, line.taxes)
    for entry in invoice.allowance_charges or []:  # in the lines' terms (net, or gross), on their taxes
        key = tuple(sorted((t.name, t.rate) for t in entry.taxes))
        remaining[key] += entry.amount if entry.charge else -entry.amount
    lines = []
    for key, amount in remaining.items():
        if amount > 0:
            rates = ", ".join(f"{t.name} {format_decimal(t.rate)} %" for t in taxes_of[key]) or "no tax"
            lines.append(
                DocumentLine(
                    name=f"Credit for invoice {invoice.number} ({rates})",
                    quantity=Decimal(1),
                    price=plain(amount),
                    discount=Decimal(0),
                    taxes=taxes_of[key],
                )
            )
    return lines


async def _lines(session: AsyncSession, scope: Scope, invoice: Document, data: CreditNoteCreate) -> list[DocumentLine]:
    if data.items:
        return await build_lines(session, scope, data.items)
    stmt = select(Document).where(Document.id.in_(invoice.credit_note_ids or []))
    return remaining_lines(invoice, list((await session.execute(stmt)).scalars().all()))


class CreditNoteService:
    """Credit notes for one request: the request's transaction and the caller's entity."""

    def __init__(self, session: AsyncSession, ctx: Scope) -> None:
        self.session, self.scope = session, ctx

    async def list(
        self,
        limit: int,
        cursor: str | None,
        metadata: dict[str, str],
        *,
        invoice_id: str | None,
        date_from: date | None,
        date_to: date | None,
        search: str | None,
    ) -> CreditNoteList:
        stmt = list_stmt(
            self.scope, "credit_note", invoice_id=invoice_id, date_from=date_from, date_to=date_to, search=search
        )
        stmt = apply_metadata(stmt, Document.metadata_, metadata)
        data, next_cursor = await page(self.session, stmt, Document.id, limit, cursor, credit_note_out)
        return CreditNoteList(data=data, next_cursor=next_cursor)

    async def get(self, credit_note_id: str) -> CreditNoteOut:
        return credit_note_out(await get_document(self.session, self.scope, credit_note_id, "credit_note"))

    async def create(self, data: CreditNoteCreate) -> CreditNoteOut:
        session, scope = self.session, self.scope
        invoice = await get_document(session, scope, data.invoice_id, "invoice", lock=True, field="invoice_id")
        if invoice.status in ("draft", "voided"):
            raise Conflict(f"Invoice {data.invoice_id} is {invoice.status}; only an issued invoice can be credited.")
        limit = rules.creditable(invoice.total_with_tax, invoice.total_credited)
        if limit <= 0:
            raise Conflict(f"Invoice {invoice.number} is already credited in full.")
        lines = await _lines(session, scope, invoice, data)
        doc = Document(
            id=new_id("credit_note"),
            entity_id=invoice.entity_id,
            type="credit_note",
            status="draft",
            date=data.date or date.today(),
            date_due=None,
            date_service=invoice.date_service,
            currency_code=invoice.currency_code,
            locale=locale_field(data.locale, "locale") if data.locale else invoice.locale,
            customer={**invoice.customer},
            tax_treatment=dict(invoice.tax_treatment) if invoice.tax_treatment else None,
            customer_id=invoice.customer_id,
            prices_include_tax=invoice.prices_include_tax,
            note=data.note,
            footer=invoice.footer,
            metadata_=data.metadata or {},
            invoice_id=invoice.id,
            invoice_number=invoice.number,
            invoice_date=invoice.date,
            total_paid=Decimal(0),
            total_credited=Decimal(0),
            credit_note_ids=[],
        )
        if doc.date < invoice.date:
            raise ValidationFailed.field("date", f"must not be before the invoice's date {invoice.date.isoformat()}")
        apply_totals(doc, credit_lines(invoice, lines))
        if doc.total_with_tax > limit:
            raise ValidationFailed.field(
                "items",
                f"credits {money(doc, doc.total_with_tax)} {doc.currency_code} but only "
                f"{money(doc, limit)} {doc.currency_code} of invoice {invoice.number} is left to credit",
            )
        await issue(session, scope, doc, new=True)
        invoice.total_credited = invoice.total_credited + doc.total_with_tax
        invoice.credit_note_ids = [*(invoice.credit_note_ids or []), doc.id]
        refresh_status(invoice)
        emit(session, scope, "credit_note.issued", doc.id, {"number": doc.number, "invoice_id": invoice.id})
        emit(session, scope, "invoice.credited", invoice.id, {"credit_note_id": doc.id, "status": invoice.status})
        return credit_note_out(doc)

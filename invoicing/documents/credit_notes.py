"""Credit notes: correcting an issued invoice, in full or in part, never beyond what is left to credit.

A credit note is issued (numbered) when it is created; the invoice's ``total_credited`` and status
change in the same transaction. It uses only its invoice's rates (:func:`credit_lines`) and is held to
what is left to credit at each of them (:mod:`invoicing.documents.remainder`); without items it credits
exactly that remainder, with lines named in its own language. Its date follows its own number sequence's
rules (:mod:`invoicing.documents.numbering`) and is never before the invoice's.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from babel.numbers import format_percent
from sqlalchemy.ext.asyncio import AsyncSession

from contract.errors import Conflict, ValidationFailed
from invoicing.auth.context import Scope
from invoicing.core.i18n import language_of, message
from invoicing.core.ids import new_id
from invoicing.core.lines import DocumentLine, plain
from invoicing.core.locales import locale_field
from invoicing.core.paging import apply_metadata, page
from invoicing.core.totals import Tax
from invoicing.db.models import Document
from invoicing.documents import rules
from invoicing.documents.invoices import refresh_status
from invoicing.documents.lines import apply_totals, build_lines
from invoicing.documents.numbering import issue
from invoicing.documents.output import credit_note_out, invoice_out, money
from invoicing.documents.queries import get_document, list_stmt
from invoicing.documents.remainder import Holding, credit_notes_of, fill_creditable, remainder, settle
from invoicing.documents.schemas import CreditNoteCreate, CreditNoteList, CreditNoteOut
from invoicing.documents.treatment import credit_lines
from invoicing.einvoice.formats import check_issuable
from invoicing.entities.settings import effective
from invoicing.events import emit, publish


def _rate_label(taxes: tuple[Tax, ...], locale: str | None) -> str:
    """``DDV 9,5 %``: the tax names with their rates in the document's number format."""
    language = language_of(locale)
    if not taxes:
        return message("documents", locale, "credit_line_no_tax")
    return " + ".join(
        f"{t.name} {format_percent(t.rate / 100, locale=language, decimal_quantization=False)}" for t in taxes
    )


def remaining_lines(invoice: Document, left: Holding, locale: str | None) -> list[DocumentLine]:
    """Lines that credit everything not yet credited: one per rate with something left, for its remaining
    net (gross, for gross-price invoices), named in the credit note's language (:func:`settle` then gives
    each rate exactly its remaining tax)."""
    return [
        DocumentLine(
            name=message(
                "documents", locale, "credit_line", {"number": invoice.number, "taxes": _rate_label(part.taxes, locale)}
            ),
            quantity=Decimal(1),
            price=plain(part.total if invoice.prices_include_tax else part.net),
            discount=Decimal(0),
            taxes=part.taxes,
        )
        for part in left.portions().values()
        if part.total > 0
    ]


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
        notes = (await credit_notes_of(session, [invoice])).get(invoice.id, [])
        left = remainder(invoice, notes)
        doc = Document(
            id=new_id("credit_note"),
            entity_id=invoice.entity_id,
            type="credit_note",
            status="draft",
            date=data.date or date.today(),
            date_due=None,
            date_service=invoice.date_service or invoice.date,
            period_start=invoice.period_start,
            period_end=invoice.period_end,
            reason=(data.reason or "").strip() or None,
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
        if data.items:
            lines = credit_lines(invoice, await build_lines(session, scope, data.items))
        elif notes or invoice.allowance_charges or invoice.advances:  # lines are not what is left to credit
            lines = remaining_lines(invoice, left, doc.locale)
        else:  # nothing credited yet and no document-level allowances or charges: the invoice's own lines
            lines = list(invoice.items)
        apply_totals(doc, lines)
        over_at_a_rate = settle(doc, left)
        if doc.total_with_tax > limit:
            raise ValidationFailed.field(
                "items",
                f"credits {money(doc, doc.total_with_tax)} {doc.currency_code} but only "
                f"{money(doc, limit)} {doc.currency_code} of invoice {invoice.number} is left to credit",
            )
        if over_at_a_rate:
            raise over_at_a_rate
        check_issuable(doc, scope.bound_entity, effective(scope.bound_entity.settings))
        await issue(session, scope, doc, new=True)
        invoice.total_credited = invoice.total_credited + doc.total_with_tax
        invoice.credit_note_ids = [*(invoice.credit_note_ids or []), doc.id]
        refresh_status(invoice)
        emit(session, scope, "credit_note.issued", doc.id, {"number": doc.number, "invoice_id": invoice.id})
        emit(session, scope, "invoice.credited", invoice.id, {"credit_note_id": doc.id, "status": invoice.status})
        invoice_now = invoice_out(invoice)
        await fill_creditable(session, [(invoice_now, invoice)])
        publish(session, invoice_now)  # what GET /v1/invoices/{id} answers now, for invoice.credited
        return publish(session, credit_note_out(doc))

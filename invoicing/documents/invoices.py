"""Invoices: drafts, issuing, voiding, and the status that follows payments, credit notes and refunds.

Issued invoices are immutable; only the aggregates ``total_paid``/``total_credited``/``total_refunded``
(and the status they imply, :func:`refresh_status`) change afterwards, inside the transaction that
records the payment (or deletes it), the credit note or the refund. The states (README "Payments,
refunds and invoice states")::

    draft ──issue──▶ issued ⇄ partially_paid ⇄ paid      (payments, payment deletions, refunds)
      │               │ └──── credited ◀───────┘         (credit notes cancelling it, or settling it)
      └─delete        └──void (nothing paid, nothing credited)──▶ voided

An invoice created with ``paid`` is issued with its payment in one transaction (``paid_on_issue``).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import msgspec
from litestar import Request
from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession

from contract.errors import Conflict, ValidationFailed
from invoicing.auth.context import Scope
from invoicing.core.ids import new_id
from invoicing.core.locales import locale_field
from invoicing.core.paging import apply_metadata
from invoicing.core.validate import currency_field
from invoicing.customers import service as customers
from invoicing.customers.schemas import CustomerCreate
from invoicing.db import Database
from invoicing.db.engine import insert_new
from invoicing.db.models import Document, Payment
from invoicing.db.types import utcnow
from invoicing.documents import advances, rules
from invoicing.documents.lines import apply_totals, build_lines
from invoicing.documents.numbering import check_date, issue
from invoicing.documents.output import estimate_status, invoice_out, money, preview_out
from invoicing.documents.queries import InvoiceSort, get_document, list_stmt, page_sorted
from invoicing.documents.remainder import fill_creditable
from invoicing.documents.schemas import (
    AdvanceInvoiceCreate,
    DocumentCreate,
    DocumentUpdate,
    EstimateCreate,
    InvoiceCreate,
    InvoiceList,
    InvoiceOut,
    InvoicePreview,
    InvoiceUpdate,
)
from invoicing.documents.treatment import apply_treatment
from invoicing.documents.vies_evidence import ViesEvidence
from invoicing.einvoice.formats import check_issuable
from invoicing.entities.settings import effective
from invoicing.events import emit, publish
from invoicing.payments.records import add_with_reference, amount_field, new_payment
from invoicing.payments.schemas import PaidAtIssue

ESTIMATE_VALIDITY = timedelta(days=30)
"""An estimate's default validity: ``valid_until`` = its date + 30 days."""
EDITABLE = (
    "date",
    "date_due",
    "valid_until",
    "date_service",
    "period_start",
    "period_end",
    "payment_terms",
    "note",
    "footer",
    "prices_include_tax",
)


async def _customer_snapshot(
    session: AsyncSession, scope: Scope, customer: CustomerCreate | None, customer_id: str | None, *, save: bool = True
) -> tuple[dict[str, Any], str | None]:
    """The document's customer snapshot and ``customer_id``. An inline ``customer`` is matched to a stored one
    or saved (:func:`customers.match_or_create`; not saved when ``save`` is false, for a preview)."""
    if customer_id:
        found = await customers.get_customer(session, scope, customer_id, field="customer_id")
        return customers.snapshot(found), found.id
    if customer is not None:
        return await customers.match_or_create(session, scope, customer, "customer.", save=save)
    raise ValidationFailed.field("customer", "give customer (an object) or customer_id")


def _check_dates(doc: Document) -> None:
    """A draft may not be dated in the future either (:func:`check_date`), so it can always be issued as
    dated; its ``date_service`` stays empty (editable) until it is issued."""
    check_date(doc.date)
    if doc.date_due is not None and doc.date_due < doc.date:
        raise ValidationFailed.field("date_due", "must not be before date")
    if (doc.period_start is None) != (doc.period_end is None):
        missing = "period_end" if doc.period_end is None else "period_start"
        raise ValidationFailed.field(missing, "give period_start and period_end together, or neither")
    if doc.period_start is not None and doc.period_end is not None and doc.period_end < doc.period_start:
        raise ValidationFailed.field("period_end", "must not be before period_start")
    if doc.valid_until is not None and doc.valid_until < doc.date:
        raise ValidationFailed.field("valid_until", "must not be before date")


async def issue_document(session: AsyncSession, scope: Scope, doc: Document, *, new: bool = False) -> None:
    """Issue the invoice: a date of supply not given is the end of the service period, else the issue date
    (required on an invoice in most member states), then the number (:func:`issue`: the date rules of its
    sequence)."""
    if doc.date_service is None:
        doc.date_service = doc.period_end or doc.date
    entity = scope.bound_entity
    check_issuable(doc, entity, effective(entity.settings))
    await issue(session, scope, doc, new=new)
    await advances.claim(session, scope, doc)


def _must_be_draft(doc: Document) -> None:
    if doc.status != "draft":
        if doc.type == "estimate":
            status = estimate_status(doc)  # an issued one past valid_until is expired
            raise Conflict(
                f"Estimate {doc.number} is {status}; only a draft can be changed or deleted.", current_status=status
            )
        raise Conflict(
            f"Invoice {doc.number} is {doc.status}; issued documents cannot be changed. "
            "Use a credit note to correct it."
        )


async def _change_customer(session: AsyncSession, scope: Scope, doc: Document, data: DocumentUpdate) -> None:
    if data.customer is msgspec.UNSET and data.customer_id is msgspec.UNSET:
        return
    if data.customer is not msgspec.UNSET and data.customer_id is not msgspec.UNSET:
        raise ValidationFailed.field("customer_id", "give either customer or customer_id, not both")
    doc.customer, doc.customer_id = await _customer_snapshot(
        session,
        scope,
        None if data.customer is msgspec.UNSET else data.customer,
        None if data.customer_id is msgspec.UNSET else data.customer_id,
    )


def paid_at_issue(doc: Document, paid: PaidAtIssue) -> Payment:
    """The payment that ``paid`` records (by default the whole invoice), set on ``doc`` before it is inserted."""
    if paid.amount is None:
        amount = doc.total_with_tax
        if amount <= 0:
            raise ValidationFailed.field("paid", "the invoice's total is 0; there is nothing to pay")
    else:
        amount = amount_field(
            paid.amount, "paid.amount", doc.currency_code, doc.total_with_tax, "of the invoice's total_with_tax"
        )
    doc.total_paid = doc.paid_on_issue = amount
    return new_payment(
        doc,
        amount,
        day=paid.date or doc.date,
        type_=paid.type,
        reference=paid.reference,
        split=paid.split,
        at_issue=True,
    )


def refresh_status(doc: Document) -> None:
    """Set the status that the invoice's stored aggregates imply (:func:`rules.invoice_status`; an advance
    invoice's: :func:`rules.advance_status`), and the amount due now (``total_due``, :func:`rules.amount_due`)
    that lists sort and filter by and reports sum."""
    if doc.type == "advance_invoice":
        doc.status = rules.advance_status(doc.status, doc.total_with_tax, doc.total_paid, doc.total_refunded)
    else:
        doc.status = rules.invoice_status(
            doc.status, doc.total_with_tax, doc.total_paid, doc.total_credited, doc.total_refunded
        )
    doc.total_due = rules.amount_due(
        doc.status, doc.total_with_tax, doc.total_paid, doc.total_credited, doc.total_refunded
    )


def _refresh(doc: Document) -> None:
    """An invoice's (or advance invoice's) status and amount due (:func:`refresh_status`); nothing is ever due on
    an estimate."""
    if doc.type != "estimate":
        refresh_status(doc)
    else:
        doc.total_due = Decimal(0)


class InvoiceService:
    """Invoices for one request: the request's transaction and the caller's entity."""

    def __init__(self, session: AsyncSession, ctx: Scope, request: Request) -> None:
        self.session, self.scope = session, ctx
        self.evidence = ViesEvidence(request, ctx)

    @classmethod
    def background(cls, session: AsyncSession, ctx: Scope, db: Database) -> InvoiceService:
        """For Folio's own background work (recurring invoices): no request, no VIES client (the stored
        customer's evidence is what the document records)."""
        service = cls.__new__(cls)
        service.session, service.scope = session, ctx
        service.evidence = ViesEvidence(None, ctx, db=db)
        return service

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
        overdue: bool | None = None,
        sort: InvoiceSort = "-date",
        recurring_invoice_id: str | None = None,
    ) -> InvoiceList:
        stmt = list_stmt(
            self.scope,
            "invoice",
            recurring_invoice_id=recurring_invoice_id,
            status=status,
            date_from=date_from,
            date_to=date_to,
            search=search,
            customer_id=customer_id,
            overdue=overdue,
        )
        stmt = apply_metadata(stmt, Document.metadata_, metadata)
        docs: list[Document] = []

        def convert(doc: Document) -> InvoiceOut:
            docs.append(doc)
            return invoice_out(doc)

        data, next_cursor = await page_sorted(self.session, stmt, sort, limit, cursor, convert)
        await fill_creditable(self.session, list(zip(data, docs, strict=True)))
        return InvoiceList(data=data, next_cursor=next_cursor)

    async def get(self, invoice_id: str) -> InvoiceOut:
        return await self._out(await get_document(self.session, self.scope, invoice_id, "invoice"))

    async def _out(self, doc: Document) -> InvoiceOut:
        """The answer, with what is left to credit per rate (``creditable``)."""
        out = invoice_out(doc)
        await fill_creditable(self.session, [(out, doc)])
        return publish(self.session, out)  # data.object of the events this request queued for the invoice

    async def create(
        self, data: InvoiceCreate, *, estimate_id: str | None = None, recurring_invoice_id: str | None = None
    ) -> InvoiceOut:
        """A new invoice (issued unless ``is_draft``); ``estimate_id``: made from that estimate (its convert);
        ``recurring_invoice_id``: the schedule making it (:mod:`invoicing.recurring`), for its period."""
        session, scope = self.session, self.scope
        if data.paid is not None and data.is_draft:
            raise ValidationFailed.field("paid", "a draft cannot be paid; record a payment once it is issued")
        doc, vies = await self.compose(data)
        doc.estimate_id = estimate_id
        doc.recurring_invoice_id = recurring_invoice_id
        paid = paid_at_issue(doc, data.paid) if data.paid is not None else None
        await self.evidence.record(session, vies, doc.customer_id)
        emit(session, scope, "invoice.created", doc.id)
        if data.is_draft:
            await insert_new(session, doc)
        else:
            await issue_document(session, scope, doc, new=True)
            emit(session, scope, "invoice.issued", doc.id, {"number": doc.number})
        if paid is not None:
            await self.record_paid(doc, paid)
        return await self._out(doc)

    async def record_paid(self, doc: Document, payment: Payment) -> None:
        """The payment of an invoice created ``paid``: the row was inserted with ``total_paid`` and
        ``paid_on_issue``; its status follows here."""
        session, scope = self.session, self.scope
        await add_with_reference(session, payment)
        refresh_status(doc)
        await session.execute(
            update(Document).where(Document.id == doc.id).values(status=doc.status, total_due=doc.total_due)
        )
        emit(
            session, scope, "payment.created", payment.id, {"invoice_id": doc.id, "amount": money(doc, payment.amount)}
        )
        if doc.type == "invoice" and doc.status in ("paid", "partially_paid"):
            emit(session, scope, f"invoice.{doc.status}", doc.id)
        from invoicing.payments.service import to_out  # payments build on this module

        publish(session, to_out(payment, doc.status))

    async def preview(self, data: InvoiceCreate) -> InvoicePreview:
        """What :meth:`create` would decide and total, writing nothing."""
        doc, _ = await self.compose(data, save_customer=False)
        return preview_out(doc)

    async def compose(
        self, data: DocumentCreate, *, save_customer: bool = True
    ) -> tuple[Document, dict[str, Any] | None]:
        """The new invoice, advance invoice or estimate, by the body's type (not yet in the session), with its
        treatment and totals (less the advances an invoice deducts), and the VIES evidence."""
        session, scope = self.session, self.scope
        entity = scope.bound_entity
        if data.customer is not None and data.customer_id:
            raise ValidationFailed.field("customer_id", "give either customer or customer_id, not both")
        settings = effective(entity.settings)
        vies = await self.evidence.for_customer(settings, data.customer, data.customer_id)  # before the writer
        snapshot, customer_id = await _customer_snapshot(
            session, scope, data.customer, data.customer_id, save=save_customer
        )
        doc_date = data.date or date.today()
        doc_type = (
            "estimate"
            if isinstance(data, EstimateCreate)
            else "advance_invoice"
            if isinstance(data, AdvanceInvoiceCreate)
            else "invoice"
        )
        date_due = valid_until = None
        if isinstance(data, InvoiceCreate | AdvanceInvoiceCreate):
            date_due = data.date_due or doc_date + timedelta(days=settings.payment_terms_days)
        elif isinstance(data, EstimateCreate):
            valid_until = data.valid_until or doc_date + ESTIMATE_VALIDITY
        doc = Document(
            id=new_id(doc_type),
            entity_id=entity.id,
            type=doc_type,
            status="draft",
            date=doc_date,
            date_due=date_due,
            valid_until=valid_until,
            date_service=data.date_service,
            period_start=data.period_start,
            period_end=data.period_end,
            payment_terms=data.payment_terms if data.payment_terms is not None else settings.payment_terms_text,
            currency_code=currency_field(data.currency_code, "currency_code")
            if data.currency_code
            else entity.currency_code,
            locale=locale_field(data.locale, "locale") if data.locale else entity.locale,
            customer=snapshot,
            customer_id=customer_id,
            prices_include_tax=data.prices_include_tax,
            note=data.note if data.note is not None else settings.default_note,
            footer=data.footer if data.footer is not None else settings.footer,
            metadata_=data.metadata or {},
            total_paid=Decimal(0),
            total_credited=Decimal(0),
            credit_note_ids=[],
        )
        _check_dates(doc)
        lines = await build_lines(session, scope, data.items)
        decided = await apply_treatment(session, entity, settings, doc, lines, vies)
        apply_totals(doc, decided, allowances=data.allowances, charges=data.charges)
        if isinstance(data, InvoiceCreate) and data.advance_invoice_ids:
            advances.apply_deductions(doc, await advances.load(session, scope, doc, data.advance_invoice_ids))
        _refresh(doc)  # a draft: its total_due
        return doc, vies

    async def update(self, invoice_id: str, data: InvoiceUpdate) -> InvoiceOut:
        doc = await self.change_draft(invoice_id, data, "invoice")
        return await self._out(doc)

    async def change_draft(self, doc_id: str, data: DocumentUpdate, doc_type: str) -> Document:
        """Change the draft invoice or estimate ``doc_id`` (409 once issued): decided and totalled again."""
        session, scope = self.session, self.scope
        settings = effective(scope.bound_entity.settings)
        new_customer = data.customer is not msgspec.UNSET or data.customer_id is not msgspec.UNSET
        vies = (
            await self.evidence.for_customer(
                settings,
                None if data.customer is msgspec.UNSET else data.customer,
                None if data.customer_id is msgspec.UNSET else data.customer_id,
            )
            if new_customer
            else None
        )
        doc = await get_document(session, scope, doc_id, doc_type, lock=True)
        _must_be_draft(doc)
        await _change_customer(session, scope, doc, data)
        if not new_customer:
            vies = (doc.tax_treatment or {}).get("vies")
        for field in EDITABLE:
            value = getattr(data, field, msgspec.UNSET)
            if value is not msgspec.UNSET:
                setattr(doc, field, value)
        if data.currency_code is not msgspec.UNSET:
            doc.currency_code = currency_field(data.currency_code, "currency_code")
        if data.locale is not msgspec.UNSET:
            doc.locale = locale_field(data.locale, "locale")
        if data.metadata is not msgspec.UNSET:
            doc.metadata_ = data.metadata
        _check_dates(doc)
        lines = await build_lines(session, scope, data.items) if data.items is not msgspec.UNSET else doc.items
        decided = await apply_treatment(session, scope.bound_entity, settings, doc, lines, vies)
        apply_totals(doc, decided, allowances=data.allowances, charges=data.charges)
        if isinstance(data, InvoiceUpdate):
            advance_ids = (
                [d.advance_invoice_id for d in doc.advances or []]
                if data.advance_invoice_ids is msgspec.UNSET
                else data.advance_invoice_ids
            )
            advances.apply_deductions(doc, await advances.load(session, scope, doc, advance_ids))
        _refresh(doc)
        if new_customer:
            await self.evidence.record(session, vies, doc.customer_id)
        emit(session, scope, f"{doc_type}.updated", doc.id)
        return doc

    async def delete(self, invoice_id: str, doc_type: str = "invoice") -> None:
        """Delete a draft invoice (or estimate); 409 once issued."""
        session, scope = self.session, self.scope
        doc = await get_document(session, scope, invoice_id, doc_type, lock=True)
        _must_be_draft(doc)
        await session.delete(doc)
        emit(session, scope, f"{doc_type}.deleted", doc.id)

    async def finalize(self, invoice_id: str) -> InvoiceOut:
        session, scope = self.session, self.scope
        doc = await get_document(session, scope, invoice_id, "invoice", lock=True)
        if doc.status != "draft":
            raise Conflict(f"Invoice {invoice_id} is already {doc.status} (number {doc.number}).")
        await issue_document(session, scope, doc)
        emit(session, scope, "invoice.issued", doc.id, {"number": doc.number})
        return await self._out(doc)

    async def void(self, invoice_id: str, reason: str | None) -> InvoiceOut:
        session, scope = self.session, self.scope
        doc = await get_document(session, scope, invoice_id, "invoice", lock=True)
        if doc.status == "draft":
            raise Conflict("A draft cannot be voided; delete it instead.")
        if doc.status == "voided":
            raise Conflict(f"Invoice {doc.number} is already voided.")
        if doc.total_paid > 0:
            raise Conflict(
                f"Invoice {doc.number} has payments of {money(doc, doc.total_paid)} {doc.currency_code}; "
                "only an unpaid invoice can be voided. Issue a credit note instead."
            )
        if doc.credit_note_ids:
            raise Conflict(f"Invoice {doc.number} has credit notes; it cannot be voided.")
        doc.status, doc.voided_at, doc.void_reason = "voided", utcnow(), reason
        refresh_status(doc)  # nothing is due on a voided invoice
        await advances.release(session, doc)  # its advance invoices are open again
        emit(session, scope, "invoice.voided", doc.id, {"reason": reason})
        return await self._out(doc)

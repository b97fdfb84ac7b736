"""A stored document as the API shows it (:class:`InvoiceOut`, :class:`CreditNoteOut`, :class:`EstimateOut`): the stored
lines and figures, money rounded to the currency, and the amount due from the life-cycle rules."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import msgspec

from invoicing.core.lines import StoredLine
from invoicing.core.money import ZERO, format_decimal, round_money
from invoicing.core.totals import AllowanceCharge, Deduction, TaxTotal
from invoicing.db.models import Document
from invoicing.documents import rules
from invoicing.documents.schemas import (
    AdvanceInvoiceOut,
    AllowanceChargeOut,
    CreditNoteOut,
    CustomerSnapshot,
    DeductionOut,
    EstimateOut,
    InvoiceOut,
    InvoicePreview,
    LineOut,
    LineTaxOut,
    PreviewLine,
    PreviewTax,
    TaxTotalOut,
    TaxTreatmentOut,
)


def money(doc: Document, value: Decimal) -> str:
    """``value`` rounded to the document's currency, as a decimal string."""
    return format_decimal(round_money(Decimal(value), doc.currency_code))


def line_out(line: StoredLine) -> LineOut:
    return LineOut(
        name=line.name,
        description=line.description,
        item_id=line.item_id,
        quantity=format_decimal(line.quantity),
        unit=line.unit,
        price=format_decimal(line.price),
        discount=format_decimal(line.discount),
        taxes=[LineTaxOut(rate=format_decimal(t.rate), name=t.name, category=t.category) for t in line.taxes],
        kind=line.kind,
        tax_class=line.tax_class,
        total=format_decimal(line.total),
        total_tax=format_decimal(line.total_tax),
        total_with_tax=format_decimal(line.total_with_tax),
        taxes_decided=line.decided_taxes,
    )


def _allowance_charge_out(doc: Document, entry: AllowanceCharge) -> AllowanceChargeOut:
    return AllowanceChargeOut(
        reason=entry.reason,
        reason_code=entry.reason_code,
        percent=None if entry.percent is None else format_decimal(entry.percent),
        base_amount=None if entry.base is None else money(doc, entry.base),
        amount=money(doc, entry.amount),
        net_amount=money(doc, entry.net),
        taxes=[LineTaxOut(rate=format_decimal(t.rate), name=t.name, category=t.category) for t in entry.taxes],
    )


def _adjustments(doc: Document) -> dict[str, Any]:
    """Allowances, charges and the totals around them (BT-106..BT-108); documents without any (and those
    stored before them) show empty lists and ``total_lines == total``."""
    entries = doc.allowance_charges or []
    allowances = sum((e.net for e in entries if not e.charge), ZERO)
    charges = sum((e.net for e in entries if e.charge), ZERO)
    return dict(
        allowances=[_allowance_charge_out(doc, e) for e in entries if not e.charge],
        charges=[_allowance_charge_out(doc, e) for e in entries if e.charge],
        total_lines=money(doc, doc.total + allowances - charges),
        total_allowances=money(doc, allowances),
        total_charges=money(doc, charges),
    )


def _tax_totals(taxes: list[TaxTotal] | tuple[TaxTotal, ...]) -> list[TaxTotalOut]:
    return [
        TaxTotalOut(
            name=t.name,
            rate=format_decimal(t.rate),
            base=format_decimal(t.base),
            amount=format_decimal(t.amount),
            category=t.category,
        )
        for t in taxes
    ]


def _deduction_out(doc: Document, d: Deduction) -> DeductionOut:
    return DeductionOut(
        advance_invoice_id=d.advance_invoice_id,
        number=d.number,
        date=d.date,
        taxes=_tax_totals(d.taxes),
        total=money(doc, d.total),
        total_tax=money(doc, d.total_tax),
        total_with_tax=money(doc, d.total_with_tax),
    )


def _advances(doc: Document) -> dict[str, Any]:
    """A final invoice's deducted advance invoices and their gross sum (BT-113)."""
    deductions = doc.advances or []
    return dict(
        advances=[_deduction_out(doc, d) for d in deductions],
        total_advances=money(doc, sum((d.total_with_tax for d in deductions), ZERO)),
    )


def _common(doc: Document) -> dict[str, Any]:
    """The fields every document type shows, for :func:`invoice_out` and :func:`credit_note_out`."""
    due = (
        rules.amount_due(doc.status, doc.total_with_tax, doc.total_paid, doc.total_credited, doc.total_refunded)
        if doc.type in ("invoice", "advance_invoice")
        else Decimal(0)
    )
    return dict(
        id=doc.id,
        entity_id=doc.entity_id,
        number=doc.number,
        status=doc.status,
        date=doc.date,
        date_due=doc.date_due,
        date_service=doc.date_service,
        period_start=doc.period_start,
        period_end=doc.period_end,
        payment_terms=doc.payment_terms,
        currency_code=doc.currency_code,
        locale=doc.locale,
        customer=msgspec.convert(doc.customer, CustomerSnapshot),
        items=[line_out(line) for line in doc.items],
        taxes=_tax_totals(doc.taxes),
        tax_treatment=msgspec.convert(doc.tax_treatment, TaxTreatmentOut) if doc.tax_treatment else None,
        prices_include_tax=doc.prices_include_tax,
        **_adjustments(doc),
        total=money(doc, doc.total),
        total_discount=money(doc, doc.total_discount),
        total_tax=money(doc, doc.total_tax),
        total_with_tax=money(doc, doc.total_with_tax),
        total_paid=money(doc, doc.total_paid),
        total_credited=money(doc, doc.total_credited),
        total_refunded=money(doc, doc.total_refunded),
        total_due=money(doc, due),
        note=doc.note,
        footer=doc.footer,
        metadata=doc.metadata_ or {},
        created_at=doc.created_at,
        issued_at=doc.issued_at,
    )


def invoice_out(doc: Document) -> InvoiceOut:
    return InvoiceOut(
        **_common(doc),
        amount_to_refund=money(
            doc, rules.amount_to_refund(doc.total_with_tax, doc.total_paid, doc.total_credited, doc.total_refunded)
        ),
        paid_on_issue=None if doc.paid_on_issue is None else money(doc, doc.paid_on_issue),
        credit_note_ids=list(doc.credit_note_ids or []),
        voided_at=doc.voided_at,
        void_reason=doc.void_reason,
        estimate_id=doc.estimate_id,
        recurring_invoice_id=doc.recurring_invoice_id,
        **_advances(doc),
    )


def advance_invoice_out(doc: Document) -> AdvanceInvoiceOut:
    return AdvanceInvoiceOut(
        **_common(doc),
        paid_on_issue=None if doc.paid_on_issue is None else money(doc, doc.paid_on_issue),
        voided_at=doc.voided_at,
        void_reason=doc.void_reason,
        deducted_by_invoice_id=doc.deducted_by_invoice_id,
    )


def credit_note_out(doc: Document) -> CreditNoteOut:
    return CreditNoteOut(
        **_common(doc),
        invoice_id=doc.invoice_id or "",
        invoice_number=doc.invoice_number,
        invoice_date=doc.invoice_date,
        reason=doc.reason,
    )


def today() -> date:
    """The day estimates expire by (UTC, like the numbering's date rules)."""
    return datetime.now(UTC).date()


def estimate_status(doc: Document, on: date | None = None) -> str:
    """The stored status, except that an issued estimate past its ``valid_until`` is ``expired`` even
    before the expiry job (:func:`invoicing.documents.estimates.expire_estimates`) has stored it."""
    if doc.status == "issued" and doc.valid_until is not None and doc.valid_until < (on or today()):
        return "expired"
    return doc.status


def estimate_out(doc: Document) -> EstimateOut:
    common = _common(doc)
    common["status"] = estimate_status(doc)
    return EstimateOut(
        **common,
        valid_until=doc.valid_until,
        accepted_at=doc.accepted_at,
        declined_at=doc.declined_at,
        decline_reason=doc.reason,
        invoice_id=doc.invoice_id,
    )


def preview_out(doc: Document) -> InvoicePreview:
    """The editor's preview (``POST /v1/invoices/preview``): treatment, each line's taxes and totals."""
    return InvoicePreview(
        tax_treatment=msgspec.convert(doc.tax_treatment, TaxTreatmentOut),
        items=[
            PreviewLine(
                taxes=[
                    PreviewTax(rate=format_decimal(t.rate), category=t.category or "", name=t.name) for t in line.taxes
                ],
                total=format_decimal(line.total),
            )
            for line in doc.items
        ],
        taxes=_tax_totals(doc.taxes),
        **_adjustments(doc),
        total=money(doc, doc.total),
        total_tax=money(doc, doc.total_tax),
        total_with_tax=money(doc, doc.total_with_tax),
        advances=_advances(doc)["advances"],
    )


def document_out(doc: Document) -> InvoiceOut | CreditNoteOut | EstimateOut | AdvanceInvoiceOut:
    if doc.type == "estimate":
        return estimate_out(doc)
    if doc.type == "advance_invoice":
        return advance_invoice_out(doc)
    return invoice_out(doc) if doc.type == "invoice" else credit_note_out(doc)

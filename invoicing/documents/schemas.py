"""Requests and responses of invoices, credit notes and advance invoices."""

from __future__ import annotations

import datetime as dt
from datetime import datetime
from decimal import Decimal
from typing import Annotated, Literal

from msgspec import UNSET, Meta, Struct, UnsetType

from invoicing.core.schemas import (
    CurrencyCode,
    DecimalIn,
    Ident,
    LineKind,
    LocaleCode,
    LongText,
    Metadata,
    MoneyOut,
    TaxClass,
    Taxes,
    TaxOut,
)
from invoicing.customers.schemas import CustomerCreate
from invoicing.payments.schemas import PaidAtIssue

ItemName = Annotated[str, Meta(min_length=1, max_length=500)]
PaymentTerms = Annotated[
    str,
    Meta(
        max_length=1000,
        description='The payment terms as printed (EN 16931 BT-20), e.g. "Payable within 30 days, 2 % discount '
        "within 10 days\". Default: the entity's `settings.payment_terms_text`.",
    ),
]
CreditReason = Annotated[
    str,
    Meta(
        max_length=500,
        description="Why the invoice is credited, printed on the credit note and carried in its e-invoice.",
    ),
]


class LineIn(Struct, forbid_unknown_fields=True):
    """A document line. Give ``name`` and ``price``, or ``item_id`` to take them (and the taxes) from the
    catalogue; anything given overrides the item. A line may be negative (a negative ``price`` for a voucher,
    a negative ``quantity`` for a return) as long as no tax rate's base and not the document's total with tax
    goes below zero."""

    name: ItemName | None = None
    price: DecimalIn | None = None
    """Per unit: net, or gross with ``prices_include_tax``; may be negative."""
    quantity: DecimalIn = Decimal(1)
    """Not 0; may be negative (a return)."""
    taxes: Taxes | None = None
    discount: DecimalIn = Decimal(0)
    """Percent off this line, 0–100."""
    description: LongText | None = None
    unit: Annotated[str, Meta(max_length=40)] | None = None
    """Free text, printed as given (e.g. "h", "kg", "Stk"). An e-invoice carries a UN/ECE Rec. 20 code
    (BT-130): a unit that is one (``C62`` one, ``HUR`` hour, ``KGM`` kilogram) is used as it is."""
    item_id: Ident | None = None
    kind: LineKind | None = None
    """What the line sells, for the tax decision: ``digital`` is electronically supplied, telecom and
    broadcasting services (they follow the buyer's country for consumers). Default: the catalogue item's
    (``item_id``), else ``services``."""
    tax_class: TaxClass | None = None
    """The VAT rate class the decision picks when the line names no ``taxes`` (and that it expects of the
    ones it names); 422 when the seller's country has no such rate. Default: the catalogue item's
    (``item_id``), else ``standard``."""


Lines = Annotated[list[LineIn], Meta(min_length=1, max_length=1000)]


class AllowanceChargeIn(Struct, forbid_unknown_fields=True):
    """A document-level allowance (EN 16931 BG-20: a discount, a voucher) or charge (BG-21: shipping,
    packing). Give ``amount`` or ``percent``. With ``taxes`` it applies to the lines carrying exactly those
    taxes (a VAT rate of the document's lines); without, it is spread over the document's rates in
    proportion to their line amounts (a percent takes that percent of each rate's lines), which shows as
    one entry per rate in the answer."""

    reason: Annotated[str, Meta(min_length=1, max_length=200)]
    """Printed on the document (BT-97 / BT-104), e.g. "Voucher SUMMER10" or "Shipping"."""
    amount: DecimalIn | None = None
    """Above 0, in the document's currency (rounded to its minor unit): net, or gross with
    ``prices_include_tax``."""
    percent: DecimalIn | None = None
    """Above 0, at most 100: of the line amounts (net, or gross) of the rate(s) it applies to."""
    reason_code: Annotated[str, Meta(min_length=1, max_length=3)] | None = None
    """Optional code: UNTDID 5189 for an allowance (e.g. "95" discount), UNTDID 7161 for a charge
    (e.g. "FC" freight)."""
    taxes: Taxes | None = None
    """The taxes (name and rate) of the lines it applies to; leave out to spread it over all rates."""


AllowancesCharges = Annotated[list[AllowanceChargeIn], Meta(max_length=50)]


AdvanceIds = Annotated[list[Ident], Meta(max_length=50)]


class DocumentCreate(Struct, forbid_unknown_fields=True):
    """What an invoice, an advance invoice and an estimate are made of (each body adds its own fields)."""

    items: Lines
    customer: CustomerCreate | None = None
    customer_id: Ident | None = None
    date: dt.date | None = None
    date_service: dt.date | None = None
    period_start: dt.date | None = None
    """The service period (EN 16931 BG-14), with ``period_end``: both or neither. Printed instead of the
    date of supply, which then defaults to ``period_end``."""
    period_end: dt.date | None = None
    payment_terms: PaymentTerms | None = None
    currency_code: CurrencyCode | None = None
    locale: LocaleCode | None = None
    note: LongText | None = None
    footer: LongText | None = None
    prices_include_tax: bool = False
    """Prices are gross (tax included); the net is taken out per tax rate."""
    allowances: AllowancesCharges | None = None
    """Document-level discounts (EN 16931 BG-20), taken off the tax base of their rate."""
    charges: AllowancesCharges | None = None
    """Document-level charges (EN 16931 BG-21), added to the tax base of their rate."""
    metadata: Metadata | None = None


class InvoiceCreate(DocumentCreate, forbid_unknown_fields=True):
    is_draft: bool = False
    """Default false: the invoice is issued (numbered) at once. True keeps an editable, unnumbered draft."""
    date_due: dt.date | None = None
    paid: PaidAtIssue | None = None
    """The invoice is already paid (e.g. by card at checkout): a payment is recorded with it, in the same
    transaction, and even the issued original shows it paid. Not on drafts (422)."""
    advance_invoice_ids: AdvanceIds | None = None
    """Advance invoices of the same customer and currency to deduct (README "Advance invoices"): each one's
    net and tax come off this invoice's tax breakdown at its VAT rate (category and rate), its gross off
    ``total_with_tax``; each becomes ``deducted`` when this invoice is issued. Each advance once."""


class AdvanceInvoiceCreate(DocumentCreate, forbid_unknown_fields=True):
    """An advance (prepayment) invoice: issued and numbered at once in its own sequence; ``paid`` records the
    prepayment received with it."""

    date_due: dt.date | None = None
    paid: PaidAtIssue | None = None
    """The prepayment was received with it: a payment is recorded in the same transaction."""


class EstimateCreate(DocumentCreate, forbid_unknown_fields=True):
    is_draft: bool = False
    """Default false: the estimate is issued (numbered) at once. True keeps an editable, unnumbered draft."""
    valid_until: dt.date | None = None
    """The offer's last valid day (default: ``date`` + 30 days; not before ``date``). An issued estimate
    past it is ``expired``."""


class DocumentUpdate(Struct, forbid_unknown_fields=True):
    items: Lines | UnsetType = UNSET
    customer: CustomerCreate | UnsetType = UNSET
    customer_id: Ident | UnsetType = UNSET
    date: dt.date | UnsetType = UNSET
    date_service: dt.date | UnsetType | None = UNSET
    period_start: dt.date | UnsetType | None = UNSET
    period_end: dt.date | UnsetType | None = UNSET
    payment_terms: PaymentTerms | UnsetType | None = UNSET
    currency_code: CurrencyCode | UnsetType = UNSET
    locale: LocaleCode | UnsetType = UNSET
    note: LongText | UnsetType | None = UNSET
    footer: LongText | UnsetType | None = UNSET
    prices_include_tax: bool | UnsetType = UNSET
    allowances: AllowancesCharges | UnsetType = UNSET
    """Replaces the draft's allowances (``[]`` removes them); left out, they stay and are recomputed."""
    charges: AllowancesCharges | UnsetType = UNSET
    """Replaces the draft's charges (``[]`` removes them); left out, they stay and are recomputed."""
    metadata: Metadata | UnsetType = UNSET


class InvoiceUpdate(DocumentUpdate, forbid_unknown_fields=True):
    date_due: dt.date | UnsetType | None = UNSET
    advance_invoice_ids: AdvanceIds | UnsetType = UNSET
    """Replaces the draft's deducted advance invoices (``[]`` removes them)."""


class EstimateUpdate(DocumentUpdate, forbid_unknown_fields=True):
    valid_until: dt.date | UnsetType = UNSET


class DeclineIn(Struct, forbid_unknown_fields=True):
    reason: Annotated[str, Meta(max_length=500)] | None = None
    """Why the buyer declined (optional)."""


class ConvertIn(Struct, forbid_unknown_fields=True):
    is_draft: bool = False
    """True: the invoice is an editable draft; false (default): it is issued (numbered) at once."""


class CreditNoteCreate(Struct, forbid_unknown_fields=True):
    invoice_id: Ident
    items: Annotated[list[LineIn], Meta(min_length=1, max_length=1000)] | None = None
    """Without items the credit note reverses everything not yet credited."""
    date: dt.date | None = None
    reason: CreditReason | None = None
    note: LongText | None = None
    locale: LocaleCode | None = None
    metadata: Metadata | None = None


class VoidIn(Struct, forbid_unknown_fields=True):
    reason: Annotated[str, Meta(max_length=500)] | None = None


class CustomerSnapshot(Struct):
    id: str | None
    name: str
    email: str | None = None
    address: str | None = None
    city: str | None = None
    post_code: str | None = None
    country: str | None = None
    tax_number: str | None = None
    is_business: bool | None = None
    buyer_reference: str | None = None
    """EN 16931 BT-10, the buyer's reference (purchase order, cost centre, Leitweg-ID)."""
    peppol_id: str | None = None
    """EN 16931 BT-49, the buyer's Peppol participant id ``scheme:id``."""
    einvoice_format: str | None = None
    """The e-invoice format the customer requires, if any."""


class LineTaxOut(TaxOut):
    category: str | None = None
    """EN 16931 VAT category code: S, Z, E, AE, K, G or O (null on documents from before tax treatment)."""


class ViesOut(Struct):
    status: Literal["valid", "invalid", "unavailable"]
    checked_at: datetime
    request_identifier: str | None = None
    name: str | None = None


class TaxTreatmentOut(Struct):
    code: Literal[
        "domestic",
        "reverse_charge",
        "intra_eu_supply",
        "oss",
        "intra_eu_b2c_domestic",
        "export",
        "not_taxable",
        "manual",
    ]
    """``manual``: a seller outside the EU names its own taxes (Folio decides none)."""
    reason: str
    """The decision in one English sentence."""
    legal_note: str
    """The clause printed on the document, in its locale; empty when none is needed."""
    vies: ViesOut | None = None


class LineOut(Struct):
    name: str
    description: str | None
    item_id: str | None
    quantity: str
    unit: str | None
    price: str
    discount: str
    taxes: list[LineTaxOut]
    kind: str
    tax_class: str
    total: MoneyOut
    total_tax: MoneyOut
    total_with_tax: MoneyOut
    taxes_decided: bool = False
    """True when the line named no taxes and carries the ones the VAT decision called for (a draft's are
    decided again whenever it changes; send ``taxes`` to fix them)."""


class AllowanceChargeOut(Struct):
    """A document-level allowance or charge on one tax rate (one request entry without ``taxes`` shows as
    one of these per rate it was spread over)."""

    reason: str
    reason_code: str | None
    percent: str | None
    base_amount: MoneyOut | None
    """With ``percent``: the line amount of its rate it is a percent of (net, or gross)."""
    amount: MoneyOut
    """Net, or gross with ``prices_include_tax`` (the terms of the line prices)."""
    net_amount: MoneyOut
    """Net (BT-92 / BT-99): what it takes off (adds to) its rate's tax base."""
    taxes: list[LineTaxOut]


class TaxTotalOut(Struct):
    name: str
    rate: str
    base: MoneyOut
    amount: MoneyOut
    category: str | None = None
    """EN 16931 VAT category code (null on documents from before tax treatment)."""


class DocumentOut(Struct, kw_only=True):
    id: str
    entity_id: str
    number: str | None
    status: str
    date: dt.date
    date_due: dt.date | None
    date_service: dt.date | None
    period_start: dt.date | None
    period_end: dt.date | None
    """The service period (EN 16931 BG-14): both or neither."""
    payment_terms: str | None
    currency_code: str
    locale: str | None
    customer: CustomerSnapshot
    items: list[LineOut]
    taxes: list[TaxTotalOut]
    tax_treatment: TaxTreatmentOut | None
    """The VAT decision (null only on documents created before Folio decided it)."""
    prices_include_tax: bool
    allowances: list[AllowanceChargeOut]
    """Document-level allowances (EN 16931 BG-20), one per tax rate."""
    charges: list[AllowanceChargeOut]
    """Document-level charges (EN 16931 BG-21), one per tax rate."""
    total_lines: MoneyOut
    """Sum of the line net amounts (BT-106)."""
    total_allowances: MoneyOut
    """Sum of the allowances' net amounts (BT-107)."""
    total_charges: MoneyOut
    """Sum of the charges' net amounts (BT-108)."""
    total: MoneyOut
    """The net amount the tax is computed on (BT-109): ``total_lines − total_allowances + total_charges``;
    ``total_with_tax == total + total_tax``."""
    total_discount: MoneyOut
    """What the lines' own ``discount`` percentages took off (not the allowances)."""
    total_tax: MoneyOut
    total_with_tax: MoneyOut
    total_paid: MoneyOut
    total_credited: MoneyOut
    total_refunded: MoneyOut
    """Refunds recorded against the invoice (on a credit note: against this credit note)."""
    total_due: MoneyOut
    note: str | None
    footer: str | None
    metadata: dict[str, str]
    created_at: datetime
    issued_at: datetime | None


class CreditableOut(Struct):
    """What is left to credit at one rate (the set of taxes a line carries; empty for untaxed lines)."""

    taxes: list[LineTaxOut]
    net: MoneyOut
    tax: MoneyOut
    total: MoneyOut


class DeductionOut(Struct):
    """An advance invoice deducted on a final invoice: what it takes off at each VAT rate."""

    advance_invoice_id: str
    number: str
    date: dt.date
    taxes: list[TaxTotalOut]
    """The advance's net (``base``) and tax (``amount``) per rate, deducted from the final invoice's."""
    total: MoneyOut
    total_tax: MoneyOut
    total_with_tax: MoneyOut


class InvoiceOut(DocumentOut, kw_only=True):
    object: Literal["invoice"] = "invoice"
    amount_to_refund: MoneyOut
    """What the business owes the customer: paid − refunded − (total − credited), when positive (e.g. paid
    in full, then credited); 0 otherwise. ``total_due`` is the opposite direction; at most one is above 0."""
    paid_on_issue: MoneyOut | None
    """What was recorded as paid when the invoice was created (``paid``); null when nothing was."""
    credit_note_ids: list[str]
    voided_at: datetime | None
    void_reason: str | None
    estimate_id: str | None = None
    """The estimate this invoice was made from (``POST /v1/estimates/{id}/convert``), if any."""
    recurring_invoice_id: str | None = None
    """The recurring schedule that made it (its period: ``period_start``/``period_end``); null otherwise."""
    creditable: list[CreditableOut] | None = None
    """What credit notes may still credit, per rate (a credit note without items credits exactly this);
    empty when nothing can be (a draft, a voided or a fully credited invoice). Given in every answer of
    ``/v1/invoices``; null where an invoice is shown elsewhere (e-mails, rendering)."""
    advances: list[DeductionOut] = []
    """The advance invoices deducted (``advance_invoice_ids``). With any, ``taxes``, ``total``, ``total_tax`` and
    ``total_with_tax`` are what is still owed: the lines' figures less the advances' per rate."""
    total_advances: MoneyOut = "0.00"
    """Σ the deducted advances' ``total_with_tax`` (EN 16931 BT-113, the prepaid amount)."""


class AdvanceInvoiceOut(DocumentOut, kw_only=True):
    object: Literal["advance_invoice"] = "advance_invoice"
    paid_on_issue: MoneyOut | None
    voided_at: datetime | None
    void_reason: str | None
    deducted_by_invoice_id: str | None
    """The final invoice that deducted it (status ``deducted``); null again if that invoice is voided."""


class AdvanceInvoiceList(Struct):
    data: list[AdvanceInvoiceOut]
    next_cursor: str | None


class CreditNoteOut(DocumentOut, kw_only=True):
    object: Literal["credit_note"] = "credit_note"
    invoice_id: str
    invoice_number: str | None
    """The number of the invoice this credit note corrects."""
    invoice_date: dt.date | None
    reason: str | None
    """Why the invoice was credited (printed; carried in the e-invoice)."""


class EstimateOut(DocumentOut, kw_only=True):
    object: Literal["estimate"] = "estimate"
    valid_until: dt.date | None
    accepted_at: datetime | None
    declined_at: datetime | None
    decline_reason: str | None
    invoice_id: str | None
    """The invoice made from this estimate (``convert``), if any."""


class EstimateList(Struct):
    data: list[EstimateOut]
    next_cursor: str | None


class InvoiceList(Struct):
    data: list[InvoiceOut]
    next_cursor: str | None


class CreditNoteList(Struct):
    data: list[CreditNoteOut]
    next_cursor: str | None


class PreviewTax(Struct):
    rate: str
    category: str
    name: str


class PreviewLine(Struct):
    taxes: list[PreviewTax]
    total: MoneyOut


class InvoicePreview(Struct):
    tax_treatment: TaxTreatmentOut
    items: list[PreviewLine]
    allowances: list[AllowanceChargeOut]
    charges: list[AllowanceChargeOut]
    taxes: list[TaxTotalOut]
    total_lines: MoneyOut
    total_allowances: MoneyOut
    total_charges: MoneyOut
    total: MoneyOut
    total_tax: MoneyOut
    total_with_tax: MoneyOut
    advances: list[DeductionOut] = []
    """The advance invoices ``advance_invoice_ids`` would deduct; the totals above are then what is left."""


AdvanceInvoiceStatus = Literal["issued", "paid", "deducted", "voided"]

InvoiceStatus = Literal["draft", "issued", "partially_paid", "paid", "voided", "credited"]
"""An invoice's status, a fixed public set (README "Payments, refunds and invoice states"): ``draft`` and
``voided`` are set by what was done to it; the others follow from what was paid, credited and refunded
(:func:`invoicing.documents.rules.invoice_status`)."""

EstimateStatus = Literal["draft", "issued", "accepted", "declined", "expired", "converted"]
"""An estimate's status (README "Estimates"): ``expired`` is an issued estimate past ``valid_until``."""

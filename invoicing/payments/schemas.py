from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Literal

from msgspec import Meta, Struct

from invoicing.core.schemas import DecimalIn, Ident, LongText, Metadata, MoneyOut

PaymentType = Literal["bank_transfer", "card", "cash", "paypal", "direct_debit", "online", "other"]
Reference = Annotated[str, Meta(min_length=1, max_length=200)]


class PaymentCreate(Struct, forbid_unknown_fields=True):
    invoice_id: Ident
    amount: DecimalIn
    date: date | None = None
    type: PaymentType = "bank_transfer"
    reference: Reference | None = None
    """Your external payment id (e.g. the card processor's charge id); searchable with ?reference=.
    Unique within the entity: recording it again answers 409 with the payment that has it
    (``existing_id``), so a retried payment event never books twice, unless ``split``."""
    split: bool = False
    """One part of a payment split over several invoices: split payments may share their ``reference``
    with each other (never with a payment that is not split)."""
    note: LongText | None = None
    metadata: Metadata | None = None


class PaidAtIssue(Struct, forbid_unknown_fields=True):
    """The invoice was already paid when it was created (``paid`` on ``POST /v1/invoices``)."""

    type: PaymentType = "card"
    reference: Reference | None = None
    """The external payment id, unique like a payment's (409 with ``existing_id``) unless ``split``."""
    amount: DecimalIn | None = None
    """Default: the invoice's ``total_with_tax``."""
    date: date | None = None
    """Default: the invoice's date."""
    split: bool = False


class PaymentOut(Struct):
    id: str
    object: Literal["payment"]
    entity_id: str
    invoice_id: str
    amount: MoneyOut
    currency_code: str
    date: date
    type: str
    reference: str | None
    split: bool
    at_issue: bool
    """Recorded with the invoice (``paid``): printed on the issued original, so it cannot be deleted."""
    note: str | None
    metadata: dict[str, str]
    created_at: datetime
    invoice_status: str
    """The invoice's status after this payment."""


class PaymentList(Struct):
    data: list[PaymentOut]
    next_cursor: str | None


class RefundCreate(Struct, forbid_unknown_fields=True):
    """Money given back to the customer: against a credit note (usual: the credit note says why) or
    directly against an invoice (e.g. a chargeback, after which the invoice is due again)."""

    amount: DecimalIn
    credit_note_id: Ident | None = None
    invoice_id: Ident | None = None
    """Give ``credit_note_id`` or ``invoice_id`` (with a credit note, its invoice is implied)."""
    date: date | None = None
    type: PaymentType = "bank_transfer"
    """How the money went back."""
    reference: Reference | None = None
    """Your external refund id; unique within the entity (409 with ``existing_id``)."""
    note: LongText | None = None
    metadata: Metadata | None = None


class RefundOut(Struct):
    id: str
    object: Literal["refund"]
    entity_id: str
    invoice_id: str
    credit_note_id: str | None
    amount: MoneyOut
    currency_code: str
    date: date
    type: str
    reference: str | None
    note: str | None
    metadata: dict[str, str]
    created_at: datetime
    invoice_status: str
    """The invoice's status now."""


class RefundList(Struct):
    data: list[RefundOut]
    next_cursor: str | None

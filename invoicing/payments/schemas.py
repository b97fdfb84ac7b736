from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Literal

from msgspec import Meta, Struct

from invoicing.core.schemas import DecimalIn, Ident, LongText, Metadata, MoneyOut

PaymentType = Literal["bank_transfer", "card", "cash", "paypal", "direct_debit", "online", "other"]


class PaymentCreate(Struct, forbid_unknown_fields=True):
    invoice_id: Ident
    amount: DecimalIn
    date: date | None = None
    type: PaymentType = "bank_transfer"
    reference: Annotated[str, Meta(min_length=1, max_length=200)] | None = None
    """Your external payment id (e.g. the card processor's charge id); searchable with ?reference=."""
    note: LongText | None = None
    metadata: Metadata | None = None


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
    note: str | None
    metadata: dict[str, str]
    created_at: datetime
    invoice_status: str
    """The invoice's status after this payment."""


class PaymentList(Struct):
    data: list[PaymentOut]
    next_cursor: str | None

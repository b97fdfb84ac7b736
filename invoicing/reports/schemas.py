"""What the reports answer (``/v1/reports``): figures per currency, never summed across currencies."""

from __future__ import annotations

from datetime import date
from typing import Literal

from msgspec import Struct

from invoicing.core.schemas import MoneyOut

GroupBy = Literal["month", "entity", "customer"]


class Figures(Struct):
    """One currency's figures of a period (README "Reports and exports")."""

    currency_code: str
    invoices: int
    """Invoices and advance invoices issued (not voided) dated in the period."""
    credit_notes: int
    """Credit notes dated in the period."""
    issued: MoneyOut
    """Σ the invoices' and advance invoices' total_with_tax (a final invoice's: less its advances)."""
    credited: MoneyOut
    """Σ the credit notes' total_with_tax."""
    net: MoneyOut
    """Σ the invoices' total − Σ the credit notes' total (without tax)."""
    tax: MoneyOut
    """Σ the invoices' total_tax − Σ the credit notes' total_tax."""
    total: MoneyOut
    """issued − credited."""
    paid: MoneyOut
    """Σ payments dated in the period − Σ refunds dated in the period."""
    outstanding: MoneyOut
    """What is due now (``as_of``) on the period's invoices."""
    outstanding_count: int
    overdue: MoneyOut
    """The part of ``outstanding`` on invoices past their date_due."""
    overdue_count: int


class SummaryGroup(Struct):
    key: str
    """``YYYY-MM``, an entity id, a customer id, or ``other`` (customers beyond the first 100)."""
    name: str | None
    """The entity's or customer's name; null for months and ``other``."""
    figures: list[Figures]


class SummaryReport(Struct, kw_only=True):
    object: Literal["report.summary"] = "report.summary"
    date_from: date
    date_to: date
    group_by: GroupBy | None
    as_of: date
    """The day outstanding and overdue are reckoned at (today)."""
    totals: list[Figures]
    groups: list[SummaryGroup]


class VatRow(Struct):
    currency_code: str
    tax_treatment: str | None
    """The document's ``tax_treatment.code`` (domestic, reverse_charge, oss, …); null on documents from before
    tax treatments were recorded."""
    category: str | None
    """The EN 16931 VAT category (S, AE, K, G, E, Z, O, …)."""
    rate: str
    buyer_country: str | None
    """The buyer's country on ``oss`` rows; null on the others."""
    net: MoneyOut
    tax: MoneyOut
    documents: int


class VatTotal(Struct):
    currency_code: str
    net: MoneyOut
    tax: MoneyOut


class VatReport(Struct, kw_only=True):
    object: Literal["report.vat"] = "report.vat"
    date_from: date
    date_to: date
    rows: list[VatRow]
    totals: list[VatTotal]


class EntityUsage(Struct):
    entity_id: str
    name: str
    invoices_issued: int
    credit_notes_issued: int
    emails_sent: int
    active_users: int
    """Distinct entity users who opened a dashboard session (embed or /app sign-in) in the month."""
    estimates_issued: int = 0
    """Estimates (offers) issued in the month: not invoices, counted on their own."""


class UsageReport(Struct, kw_only=True):
    object: Literal["report.usage"] = "report.usage"
    month: str
    data: list[EntityUsage]
    next_cursor: str | None

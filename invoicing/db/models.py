"""The database schema. Every row of tenant data carries its ``entity_id``; entities carry their
``account_id`` and ``environment``, so every query is scoped by construction."""

from __future__ import annotations

import datetime as dt
from datetime import datetime
from decimal import Decimal
from typing import Any, Literal

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    Double,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
    inspect,
    text,
)
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.orm import DeclarativeBase, Mapped, Mapper, mapped_column

from contract.schemas import Role, UserStatus
from invoicing.core.lines import StoredLine
from invoicing.core.schemas import DEFAULT_KIND, DEFAULT_TAX_CLASS
from invoicing.core.totals import AllowanceCharge, Deduction, TaxTotal
from invoicing.db.folding import customer_name, keep_folded
from invoicing.db.types import JSONType, Money, StructList, UTCDateTime, utcnow
from invoicing.emails.schemas import EmailStatus

StoredUserStatus = UserStatus | Literal["removed"]
"""An entity user's status as stored: ``removed`` is never written, but still read as gone."""


class Base(DeclarativeBase):
    def __init__(self, **kwargs: Any) -> None:
        # fill Python-side defaults at construction, so a new row serialises before its flush
        for key, default in _defaults(type(self)):
            if key not in kwargs:
                kwargs[key] = default.arg(None) if default.is_callable else default.arg
        cls = type(self)
        for key, value in kwargs.items():
            if not hasattr(cls, key):
                raise TypeError(f"{key!r} is not an attribute of {cls.__name__}")
            setattr(self, key, value)


_DEFAULTS: dict[type, list] = {}


def _defaults(cls: type) -> list:
    if cls not in _DEFAULTS:
        mapper: Mapper[Any] = inspect(cls)
        _DEFAULTS[cls] = [
            (p.key, p.columns[0].default) for p in mapper.column_attrs if p.columns[0].default is not None
        ]
    return _DEFAULTS[cls]


class Account(Base):
    __tablename__ = "accounts"
    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    embed_allowed_origins: Mapped[list[str]] = mapped_column(JSONType, default=list)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class ApiKey(Base):
    __tablename__ = "api_keys"
    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    account_id: Mapped[str] = mapped_column(ForeignKey("accounts.id"), index=True)
    environment: Mapped[str] = mapped_column(String(10))
    entity_id: Mapped[str | None] = mapped_column(ForeignKey("entities.id"), index=True)
    key_hash: Mapped[str] = mapped_column(String(64), unique=True)
    last4: Mapped[str] = mapped_column(String(4))
    name: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class Entity(Base):
    __tablename__ = "entities"
    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    account_id: Mapped[str] = mapped_column(ForeignKey("accounts.id"))
    environment: Mapped[str] = mapped_column(String(10))
    name: Mapped[str] = mapped_column(String(200))
    country: Mapped[str] = mapped_column(String(2))
    address: Mapped[str | None] = mapped_column(String(500))
    city: Mapped[str | None] = mapped_column(String(200))
    post_code: Mapped[str | None] = mapped_column(String(40))
    tax_number: Mapped[str | None] = mapped_column(String(40))
    is_tax_subject: Mapped[bool] = mapped_column(Boolean, default=True)
    currency_code: Mapped[str] = mapped_column(String(3))
    locale: Mapped[str] = mapped_column(String(10))
    email: Mapped[str | None] = mapped_column(String(320))
    settings: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)
    registration_number: Mapped[str | None] = mapped_column(String(100))
    """The legal registration identifier (EN 16931 BT-30), e.g. a company register number."""
    peppol_id: Mapped[str | None] = mapped_column(String(100))
    """The Peppol participant id ``scheme:id`` (BT-34, the seller's electronic address)."""
    contact: Mapped[dict[str, Any] | None] = mapped_column(JSONType)
    """The seller contact (BG-6): name, phone, email; None when none was given."""
    metadata_: Mapped[dict[str, str]] = mapped_column("metadata", JSONType, default=dict)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    __table_args__ = (Index("ix_entities_scope", "account_id", "environment", "id"),)


class Customer(Base):
    __tablename__ = "customers"
    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    entity_id: Mapped[str] = mapped_column(ForeignKey("entities.id"))
    name: Mapped[str] = mapped_column(String(200))
    email: Mapped[str | None] = mapped_column(String(320))
    address: Mapped[str | None] = mapped_column(String(500))
    city: Mapped[str | None] = mapped_column(String(200))
    post_code: Mapped[str | None] = mapped_column(String(40))
    country: Mapped[str | None] = mapped_column(String(2))
    tax_number: Mapped[str | None] = mapped_column(String(40))
    is_business: Mapped[bool | None] = mapped_column(Boolean)
    buyer_reference: Mapped[str | None] = mapped_column(String(200))
    """None: a business when it has a tax number."""
    peppol_id: Mapped[str | None] = mapped_column(String(100))
    """The Peppol participant id ``scheme:id`` (BT-49, the buyer's electronic address)."""
    einvoice_format: Mapped[str | None] = mapped_column(String(20))
    """The e-invoice format the customer requires (facturx, cii, ubl, xrechnung, peppol); None: none."""
    vies: Mapped[dict[str, Any] | None] = mapped_column(JSONType)
    """The last VIES evidence for ``tax_number`` (customer saved, a document, the background re-check of an
    ``unavailable`` one): status, checked_at, request_identifier, name."""
    external_id: Mapped[str | None] = mapped_column(String(200))
    """The platform's own id for this customer: unique per entity among customers not deleted."""
    metadata_: Mapped[dict[str, str]] = mapped_column("metadata", JSONType, default=dict)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    deleted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    name_folded: Mapped[str | None] = mapped_column(Text)
    """``name`` case-folded (:mod:`invoicing.db.folding`), for search and duplicate detection; set with ``name``."""
    email_folded: Mapped[str | None] = mapped_column(Text)
    """``email`` case-folded; set with ``email``."""
    __table_args__ = (
        Index("ix_customers_entity", "entity_id", "id"),
        Index(
            "uq_customers_external_id",
            "entity_id",
            "external_id",
            unique=True,
            sqlite_where=text("deleted_at IS NULL"),
            postgresql_where=text("deleted_at IS NULL"),
        ),
    )


class Item(Base):
    __tablename__ = "items"
    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    entity_id: Mapped[str] = mapped_column(ForeignKey("entities.id"))
    name: Mapped[str] = mapped_column(String(500))
    description: Mapped[str | None] = mapped_column(Text)
    price: Mapped[Decimal] = mapped_column(Money)
    unit: Mapped[str | None] = mapped_column(String(40))
    taxes: Mapped[list[dict[str, Any]]] = mapped_column(JSONType, default=list)
    kind: Mapped[str] = mapped_column(String(20), default=DEFAULT_KIND, server_default=DEFAULT_KIND)
    tax_class: Mapped[str] = mapped_column(String(20), default=DEFAULT_TAX_CLASS, server_default=DEFAULT_TAX_CLASS)
    metadata_: Mapped[dict[str, str]] = mapped_column("metadata", JSONType, default=dict)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    deleted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    name_folded: Mapped[str | None] = mapped_column(Text)
    """``name`` case-folded (:mod:`invoicing.db.folding`), for search; set with ``name``."""
    __table_args__ = (Index("ix_items_entity", "entity_id", "id"),)


UNSPLIT_REFERENCE = "reference IS NOT NULL AND NOT split"
HAS_REFERENCE = "reference IS NOT NULL"
OPEN = "status IN ('issued', 'partially_paid')"
"""Invoices something may still be due on: the ones ``overdue`` looks at."""
RECURRING = "recurring_invoice_id IS NOT NULL"
SUMMED = ["status", "currency_code", "customer_id", "total", "total_tax", "total_with_tax", "total_due", "date_due"]
"""What the summary report reads of a document, carried in ``ix_documents_entity_date`` (an entity's report)
and ``ix_documents_date`` (the account's: every entity, one date range) on PostgreSQL, so the report is an
index-only scan (the rows themselves, with their JSON, are ten times larger)."""
OPEN_DUE = ["entity_id", "type", "date", "currency_code", "total_due"]
"""Carried in ``ix_documents_open_due`` (open invoices by due day) on PostgreSQL: the account-wide summary
reads this month's overdue invoices from it (the earlier months' from the rollups)."""


def _where(condition: str) -> dict[str, Any]:
    """A partial index's condition, for both engines (SQLite and PostgreSQL support partial indexes)."""
    return {"sqlite_where": text(condition), "postgresql_where": text(condition)}


class Document(Base):
    """An invoice, a credit note, an advance invoice or an estimate. Lines and the tax breakdown are stored as
    the JSON snapshot the totals function produced; once issued, nothing but the payment/credit aggregates
    changes."""

    __tablename__ = "documents"
    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    entity_id: Mapped[str] = mapped_column(ForeignKey("entities.id"))
    type: Mapped[str] = mapped_column(String(20))
    number: Mapped[str | None] = mapped_column(String(80))
    status: Mapped[str] = mapped_column(String(20))
    date: Mapped[dt.date] = mapped_column(Date)
    date_due: Mapped[dt.date | None] = mapped_column(Date)
    date_service: Mapped[dt.date | None] = mapped_column(Date)
    period_start: Mapped[dt.date | None] = mapped_column(Date)
    period_end: Mapped[dt.date | None] = mapped_column(Date)
    """The service period (BG-14): both or neither."""
    payment_terms: Mapped[str | None] = mapped_column(Text)
    """The payment terms (BT-20) as printed."""
    reason: Mapped[str | None] = mapped_column(String(500))
    """A credit note's reason (printed; BT-22 note in the e-invoice); an estimate's reason for declining."""
    currency_code: Mapped[str] = mapped_column(String(3))
    locale: Mapped[str | None] = mapped_column(String(10))
    customer_id: Mapped[str | None] = mapped_column(String(40))
    customer: Mapped[dict[str, Any]] = mapped_column(JSONType)
    items: Mapped[list[StoredLine]] = mapped_column(StructList(StoredLine))
    taxes: Mapped[list[TaxTotal]] = mapped_column(StructList(TaxTotal))
    tax_treatment: Mapped[dict[str, Any] | None] = mapped_column(JSONType)
    """The VAT decision: code, reason, legal_note, vies (:mod:`invoicing.documents.treatment`); None before 0005."""
    eu_b2c_sales: Mapped[Decimal | None] = mapped_column(Money)
    """EUR net of the goods/digital lines sold to consumers in another member state (the OSS threshold)."""
    prices_include_tax: Mapped[bool] = mapped_column(Boolean, default=False)
    allowance_charges: Mapped[list[AllowanceCharge] | None] = mapped_column(StructList(AllowanceCharge))
    """Document-level allowances and charges, one per tax set (:mod:`invoicing.core.totals`); None without any."""
    note: Mapped[str | None] = mapped_column(Text)
    footer: Mapped[str | None] = mapped_column(Text)
    total: Mapped[Decimal] = mapped_column(Money)
    total_discount: Mapped[Decimal] = mapped_column(Money)
    total_tax: Mapped[Decimal] = mapped_column(Money)
    total_with_tax: Mapped[Decimal] = mapped_column(Money)
    total_paid: Mapped[Decimal] = mapped_column(Money, default=Decimal(0))
    total_credited: Mapped[Decimal] = mapped_column(Money, default=Decimal(0))
    total_refunded: Mapped[Decimal] = mapped_column(Money, default=Decimal(0))
    """Refunds recorded against this invoice (or, on a credit note, against this credit note)."""
    paid_on_issue: Mapped[Decimal | None] = mapped_column(Money)
    """What was recorded as paid when the invoice was created (``paid``); the issued original shows it."""
    invoice_id: Mapped[str | None] = mapped_column(String(40), index=True)
    """A credit note's invoice; an estimate's invoice made from it (``convert``)."""
    invoice_number: Mapped[str | None] = mapped_column(String(80))
    invoice_date: Mapped[dt.date | None] = mapped_column(Date)
    credit_note_ids: Mapped[list[str]] = mapped_column(JSONType, default=list)
    advances: Mapped[list[Deduction] | None] = mapped_column(StructList(Deduction))
    """A final invoice's deducted advance invoices (:mod:`invoicing.documents.advances`); None without any."""
    deducted_by_invoice_id: Mapped[str | None] = mapped_column(String(40))
    """An advance invoice's final invoice, once that is issued (and until it is voided)."""
    void_reason: Mapped[str | None] = mapped_column(String(500))
    metadata_: Mapped[dict[str, str]] = mapped_column("metadata", JSONType, default=dict)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    issued_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    voided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    number_folded: Mapped[str | None] = mapped_column(Text)
    """``number`` case-folded (:mod:`invoicing.db.folding`), for search; set with ``number``."""
    customer_name_folded: Mapped[str | None] = mapped_column(Text)
    """The customer snapshot's name case-folded, for search; set with ``customer``."""
    valid_until: Mapped[dt.date | None] = mapped_column(Date)
    """An estimate's last day of validity: an issued estimate past it is expired."""
    estimate_id: Mapped[str | None] = mapped_column(String(40))
    """An invoice's estimate it was made from (at most one invoice per estimate)."""
    accepted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    declined_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    recurring_invoice_id: Mapped[str | None] = mapped_column(String(40))
    """The recurring schedule that made this invoice (``rin_…``), with ``period_start`` its period: unique
    together (``uq_documents_recurring_period``), so a period can never be invoiced twice."""
    total_due: Mapped[Decimal] = mapped_column(Money, nullable=True, default=Decimal(0))
    """What the customer owes now (:func:`rules.amount_due`), kept by ``refresh_status``: the invoice list's
    ``overdue`` and ``sort=-total_due`` and the reports' outstanding figures read it; 0 on credit notes."""
    __table_args__ = (
        UniqueConstraint("entity_id", "type", "number", name="uq_documents_number"),
        Index("ix_documents_entity", "entity_id", "type", "id"),
        Index("ix_documents_entity_date", "entity_id", "type", "date", "id", postgresql_include=SUMMED),
        Index("ix_documents_date", "date", "type", postgresql_include=["entity_id", *SUMMED]),
        Index("ix_documents_entity_due", "entity_id", "type", "total_due", "id"),
        Index("ix_documents_open", "entity_id", "type", "date_due", **_where(OPEN)),
        Index("ix_documents_open_due", "date_due", postgresql_include=OPEN_DUE, **_where(OPEN)),
        Index("uq_documents_estimate", "estimate_id", unique=True),
        Index(
            "uq_documents_recurring_period",
            "recurring_invoice_id",
            "period_start",
            unique=True,
            **_where(RECURRING),
        ),
    )


class NumberCounter(Base):
    __tablename__ = "number_counters"
    entity_id: Mapped[str] = mapped_column(ForeignKey("entities.id"), primary_key=True)
    doc_type: Mapped[str] = mapped_column(String(20), primary_key=True)
    period: Mapped[str] = mapped_column(String(10), primary_key=True)
    value: Mapped[int] = mapped_column(Integer, default=0)
    last_date: Mapped[dt.date | None] = mapped_column(Date, nullable=True)
    """The latest date issued in this sequence (issue dates may not go back before it)."""


class Payment(Base):
    __tablename__ = "payments"
    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    entity_id: Mapped[str] = mapped_column(ForeignKey("entities.id"))
    invoice_id: Mapped[str] = mapped_column(ForeignKey("documents.id"), index=True)
    amount: Mapped[Decimal] = mapped_column(Money)
    currency_code: Mapped[str] = mapped_column(String(3))
    date: Mapped[dt.date] = mapped_column(Date)
    type: Mapped[str] = mapped_column(String(30))
    reference: Mapped[str | None] = mapped_column(String(200))
    note: Mapped[str | None] = mapped_column(Text)
    metadata_: Mapped[dict[str, str]] = mapped_column("metadata", JSONType, default=dict)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    split: Mapped[bool] = mapped_column(Boolean, default=False)
    """One part of a payment split over several invoices: may share its ``reference`` with other splits."""
    at_issue: Mapped[bool] = mapped_column(Boolean, default=False)
    """Recorded when the invoice was created (``paid``), so printed on the issued original."""
    __table_args__ = (
        Index("ix_payments_entity", "entity_id", "id"),
        Index("ix_payments_reference", "entity_id", "reference"),
        Index("ix_payments_entity_date", "entity_id", "date", postgresql_include=["currency_code", "amount"]),
        Index("ix_payments_date", "date", postgresql_include=["entity_id", "currency_code", "amount"]),
        Index("uq_payments_reference", "entity_id", "reference", unique=True, **_where(UNSPLIT_REFERENCE)),
    )


class Refund(Base):
    """Money given back to the customer, against an invoice or one of its credit notes."""

    __tablename__ = "refunds"
    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    entity_id: Mapped[str] = mapped_column(ForeignKey("entities.id"))
    invoice_id: Mapped[str] = mapped_column(ForeignKey("documents.id"), index=True)
    credit_note_id: Mapped[str | None] = mapped_column(ForeignKey("documents.id"))
    amount: Mapped[Decimal] = mapped_column(Money)
    currency_code: Mapped[str] = mapped_column(String(3))
    date: Mapped[dt.date] = mapped_column(Date)
    type: Mapped[str] = mapped_column(String(30))
    reference: Mapped[str | None] = mapped_column(String(200))
    note: Mapped[str | None] = mapped_column(Text)
    metadata_: Mapped[dict[str, str]] = mapped_column("metadata", JSONType, default=dict)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    __table_args__ = (
        Index("ix_refunds_entity", "entity_id", "id"),
        Index("ix_refunds_entity_date", "entity_id", "date", postgresql_include=["currency_code", "amount"]),
        Index("ix_refunds_date", "date", postgresql_include=["entity_id", "currency_code", "amount"]),
        Index("uq_refunds_reference", "entity_id", "reference", unique=True, **_where(HAS_REFERENCE)),
    )


class ReportRollup(Base):
    """The summary's figures of an account and environment per month and currency, kept on PostgreSQL by
    triggers on ``documents``, ``payments`` and ``refunds`` in the writing transaction (migration 0021,
    :mod:`invoicing.reports.rollups`): the account-wide summary reads these few rows instead of every document.

    A document counts in the month of its ``date`` (``due_month``: the month of its ``date_due``, so overdue
    can be told as of any day); a payment or refund in the month of its own ``date`` (``due_month``
    :data:`~invoicing.reports.rollups.NO_DUE`). ``stripe`` is the writing backend's pid modulo
    :data:`~invoicing.reports.rollups.STRIPES`: concurrent transactions add to different rows, never waiting on
    one another; a figure is the sum over the stripes. On SQLite (money is TEXT, which a trigger cannot sum
    exactly) the table stays empty and the summary reads the documents."""

    __tablename__ = "report_rollups"
    account_id: Mapped[str] = mapped_column(String(40), primary_key=True)
    environment: Mapped[str] = mapped_column(String(10), primary_key=True)
    month: Mapped[dt.date] = mapped_column(Date, primary_key=True)
    currency_code: Mapped[str] = mapped_column(String(3), primary_key=True)
    due_month: Mapped[dt.date] = mapped_column(Date, primary_key=True)
    stripe: Mapped[int] = mapped_column(Integer, primary_key=True)
    invoices: Mapped[int] = mapped_column(Integer, default=0)
    credit_notes: Mapped[int] = mapped_column(Integer, default=0)
    issued: Mapped[Decimal] = mapped_column(Money, default=Decimal(0))
    credited: Mapped[Decimal] = mapped_column(Money, default=Decimal(0))
    net: Mapped[Decimal] = mapped_column(Money, default=Decimal(0))
    tax: Mapped[Decimal] = mapped_column(Money, default=Decimal(0))
    paid: Mapped[Decimal] = mapped_column(Money, default=Decimal(0))
    """Payments less refunds dated in the month."""
    outstanding: Mapped[Decimal] = mapped_column(Money, default=Decimal(0))
    outstanding_count: Mapped[int] = mapped_column(Integer, default=0)
    open_due: Mapped[Decimal] = mapped_column(Money, default=Decimal(0))
    """What is due on the month's issued or partially paid invoices (overdue once past their due day)."""
    open_count: Mapped[int] = mapped_column(Integer, default=0)
    entries: Mapped[int] = mapped_column(Integer, default=0)
    """How many documents, payments and refunds count here: a currency or month has figures when this is not
    0, even if they sum to 0 (paid and refunded), and has none when every document was voided."""


class EntityUser(Base):
    __tablename__ = "entity_users"
    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    entity_id: Mapped[str] = mapped_column(ForeignKey("entities.id"))
    email: Mapped[str] = mapped_column(String(320))
    name: Mapped[str | None] = mapped_column(String(200))
    role: Mapped[Role] = mapped_column(String(10))
    external_id: Mapped[str | None] = mapped_column(String(200))
    status: Mapped[StoredUserStatus] = mapped_column(String(10), default="active")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    invited_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    accepted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    link_generation: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    """Sign-in links carry it; sending a newer link or revoking the invitation bumps it (older links stop working)."""
    __table_args__ = (
        UniqueConstraint("entity_id", "email", name="uq_entity_users_email"),
        UniqueConstraint("entity_id", "external_id", name="uq_entity_users_external_id"),
        Index("ix_entity_users_entity", "entity_id", "id"),
    )


class Event(Base):
    """The transactional outbox: written in the same transaction as the state change it records."""

    __tablename__ = "events"
    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    account_id: Mapped[str] = mapped_column(String(40))
    environment: Mapped[str] = mapped_column(String(10))
    entity_id: Mapped[str | None] = mapped_column(String(40))
    type: Mapped[str] = mapped_column(String(60))
    object_id: Mapped[str] = mapped_column(String(40))
    actor: Mapped[str | None] = mapped_column(String(80))
    data: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    processed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    __table_args__ = (
        Index("ix_events_pending", "processed_at", "id"),
        Index("ix_events_entity", "entity_id", "id"),
        Index("ix_events_account", "account_id", "environment", "id"),
        Index("ix_events_created_at", "created_at"),
    )


class ActiveUser(Base):
    """An entity user who opened a dashboard session (embed token or ``/app`` sign-in link) in a month:
    one row per entity, month and user, kept (the tokens' own rows are purged), for the usage report."""

    __tablename__ = "active_users"
    entity_id: Mapped[str] = mapped_column(ForeignKey("entities.id"), primary_key=True)
    month: Mapped[str] = mapped_column(String(7), primary_key=True)
    """``YYYY-MM`` (UTC)."""
    user_id: Mapped[str] = mapped_column(String(40), primary_key=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class IdempotencyRecord(Base):
    __tablename__ = "idempotency_keys"
    account_id: Mapped[str] = mapped_column(String(40), primary_key=True)
    environment: Mapped[str] = mapped_column(String(10), primary_key=True)
    key: Mapped[str] = mapped_column(String(255), primary_key=True)
    request_hash: Mapped[str] = mapped_column(String(64))
    status_code: Mapped[int] = mapped_column(Integer)
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Email(Base):
    """Every message Folio sends: the queue the delivery worker (:mod:`invoicing.emails.delivery`) reads,
    or captured."""

    __tablename__ = "emails"
    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    entity_id: Mapped[str] = mapped_column(ForeignKey("entities.id"))
    document_id: Mapped[str | None] = mapped_column(String(40))
    to: Mapped[list[str]] = mapped_column(JSONType)
    subject: Mapped[str] = mapped_column(String(500))
    text: Mapped[str] = mapped_column(Text)
    sender_name: Mapped[str | None] = mapped_column(String(200))
    reply_to: Mapped[str | None] = mapped_column(String(320))
    attachments: Mapped[list[str]] = mapped_column(JSONType, default=list)
    status: Mapped[EmailStatus] = mapped_column(String(10), default="queued")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(Text)
    next_attempt_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    __table_args__ = (
        Index("ix_emails_entity", "entity_id", "id"),
        Index("ix_emails_status", "status", "next_attempt_at"),
    )


ReminderStatus = Literal["sent", "skipped", "passed"]


class InvoiceReminder(Base):
    """One threshold of ``settings.reminders.days_after_due`` dealt with for an invoice (:mod:`invoicing.reminders`):
    ``sent`` (its e-mail is ``email_id``), ``skipped`` (the buyer has no usable address) or ``passed`` (a later
    threshold was reached at the same run). The key is the never-twice rule: one row per (invoice, day),
    written in the transaction that records the e-mail."""

    __tablename__ = "invoice_reminders"
    invoice_id: Mapped[str] = mapped_column(ForeignKey("documents.id"), primary_key=True)
    days_after_due: Mapped[int] = mapped_column(Integer, primary_key=True)
    entity_id: Mapped[str] = mapped_column(ForeignKey("entities.id"))
    status: Mapped[ReminderStatus] = mapped_column(String(10))
    email_id: Mapped[str | None] = mapped_column(ForeignKey("emails.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class DocumentFile(Base):
    """An issued document's PDF, rendered once and kept byte for byte."""

    __tablename__ = "document_files"
    document_id: Mapped[str] = mapped_column(ForeignKey("documents.id"), primary_key=True)
    content: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class StoredFile(Base):
    """Uploaded files (entity logos)."""

    __tablename__ = "stored_files"
    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    entity_id: Mapped[str] = mapped_column(ForeignKey("entities.id"), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    content_type: Mapped[str] = mapped_column(String(100))
    content: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class EmbedTokenUse(Base):
    """Embed tokens already exchanged for a session: a token works once."""

    __tablename__ = "embed_token_uses"
    jti: Mapped[str] = mapped_column(String(64), primary_key=True)
    entity_id: Mapped[str] = mapped_column(String(40))
    user_id: Mapped[str] = mapped_column(String(40))
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    used_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


ViesStatus = Literal["valid", "invalid", "unavailable"]


class ViesCheck(Base):
    """VIES's last final answer for a VAT number (``valid`` or ``invalid``), shared by every entity and
    process: the 24-hour cache and the evidence of :mod:`invoicing.taxes.vies`. Public register data, not
    tenant data, so it carries no ``entity_id``."""

    __tablename__ = "vies_checks"
    vat_number: Mapped[str] = mapped_column(String(30), primary_key=True)
    status: Mapped[ViesStatus] = mapped_column(String(12))
    name: Mapped[str | None] = mapped_column(Text)
    address: Mapped[str | None] = mapped_column(Text)
    request_identifier: Mapped[str | None] = mapped_column(String(100))
    checked_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class RateLimitHits(Base):
    """The BFF's abuse limits on PostgreSQL, shared by every process (:mod:`invoicing.db.rate_limits`): the
    times of the requests one key made that one limit let through, within its window. Rows whose window
    is over are pruned. (Created on SQLite too, unused: there the limits are in memory.)"""

    __tablename__ = "rate_limit_hits"
    bucket: Mapped[str] = mapped_column(String(40), primary_key=True)
    """Which limit: ``sign_in_email``, ``sign_in_ip``, ``embed_session_ip``, ``app_session_ip``."""
    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    """SHA-256 of what is counted (a client address, an e-mail address): never the address itself."""
    hits: Mapped[list[float]] = mapped_column(JSON().with_variant(ARRAY(Double()), "postgresql"))
    """Seconds since the epoch of each request counted, oldest first."""
    expires_at: Mapped[float] = mapped_column(Double(), index=True)
    """When the newest hit leaves the window; past it the row is pruned."""


# the folded copies follow their originals whenever those are set (constructor, update, assignment)
keep_folded(Customer.name, "name_folded")
keep_folded(Customer.email, "email_folded")
keep_folded(Item.name, "name_folded")
keep_folded(Document.number, "number_folded")
keep_folded(Document.customer, "customer_name_folded", customer_name)


class WebhookEndpoint(Base):
    """A URL of an account (one environment) that is sent the events it subscribed to
    (:mod:`invoicing.webhooks`). Signed with ``secret``; after a rotation ``previous_secret`` keeps signing
    alongside until ``previous_secret_expires_at`` (24 hours), so receivers can switch without a gap."""

    __tablename__ = "webhook_endpoints"
    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    """``whk_…``"""
    account_id: Mapped[str] = mapped_column(ForeignKey("accounts.id"))
    environment: Mapped[str] = mapped_column(String(10))
    url: Mapped[str] = mapped_column(String(2048))
    description: Mapped[str | None] = mapped_column(String(500))
    events: Mapped[list[str]] = mapped_column(JSONType)
    """The event types sent, or ``["*"]``: every type."""
    entity_ids: Mapped[list[str] | None] = mapped_column(JSONType)
    """Only events of these entities; None: every entity of the account and environment."""
    enabled: Mapped[bool] = mapped_column(Boolean, default=True)
    disabled_reason: Mapped[str | None] = mapped_column(String(200))
    """Why ``enabled`` is false when Folio (not the caller) disabled it, e.g. after failing for days."""
    secret: Mapped[str] = mapped_column(String(100))
    """``whsec_`` + base64 of random bytes (Standard Webhooks format); shown only when created or rotated."""
    previous_secret: Mapped[str | None] = mapped_column(String(100))
    previous_secret_expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_success_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    failing_since: Mapped[datetime | None] = mapped_column(UTCDateTime)
    """When the current run of failed deliveries began; None while the last delivery succeeded."""
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    __table_args__ = (Index("ix_webhook_endpoints_scope", "account_id", "environment", "id"),)


WebhookDeliveryStatus = Literal["pending", "succeeded", "failed"]


class WebhookDelivery(Base):
    """One attempt to deliver one event to one endpoint: the queue the webhook delivery worker reads.

    A worker claims due rows with ``status = 'pending' AND next_attempt_at <= now`` ordered by
    ``next_attempt_at`` (index ``ix_webhook_deliveries_due``), ``FOR UPDATE SKIP LOCKED`` on PostgreSQL,
    POSTs the event, then records ``attempted_at``, ``response_status``, ``duration_ms``,
    ``response_body`` (first 2 KB) or ``error``, and sets ``status`` to ``succeeded`` or ``failed``; a retry
    is a new row with ``attempt + 1`` and a later ``next_attempt_at``.

    ``webhook.test`` events are targeted: ``POST /v1/webhook-endpoints/{id}/test`` writes the event (its
    ``data.endpoint_id`` names the endpoint) and its pending delivery row in one transaction, so the
    fan-out of events to subscribed endpoints must skip that type."""

    __tablename__ = "webhook_deliveries"
    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    """``whd_…``"""
    endpoint_id: Mapped[str] = mapped_column(ForeignKey("webhook_endpoints.id"))
    event_id: Mapped[str] = mapped_column(String(40))
    """The :class:`Event` delivered (no foreign key: the outbox writes events just before the commit, and
    old events are pruned while their delivery log stays)."""
    attempt: Mapped[int] = mapped_column(Integer, default=1)
    """1 for the first attempt."""
    status: Mapped[WebhookDeliveryStatus] = mapped_column(String(12), default="pending")
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    """When the attempt is due (pending rows)."""
    response_status: Mapped[int | None] = mapped_column(Integer)
    """The HTTP status code the endpoint answered; None when none (network error, timeout)."""
    duration_ms: Mapped[int | None] = mapped_column(Integer)
    response_body: Mapped[str | None] = mapped_column(Text)
    """The answer's body, cut to 2 KB (``RESPONSE_BODY_LIMIT``)."""
    error: Mapped[str | None] = mapped_column(Text)
    """Why the attempt failed when no HTTP answer explains it."""
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    attempted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    __table_args__ = (
        Index("ix_webhook_deliveries_due", "status", "next_attempt_at"),
        Index("ix_webhook_deliveries_endpoint", "endpoint_id", "id"),
        Index("ix_webhook_deliveries_event", "event_id"),
    )


RESPONSE_BODY_LIMIT = 2048
"""How much of an endpoint's answer a :class:`WebhookDelivery` keeps."""


ExportStatus = Literal["queued", "running", "done", "failed"]


class Export(Base):
    """An export job (:mod:`invoicing.exports`): what to export, its progress, and once ``done`` its file,
    kept as :class:`ExportChunk` rows until ``expires_at``. The export worker claims ``queued`` rows, and
    ``running`` ones whose ``lease_until`` has passed (a worker that died), ``FOR UPDATE SKIP LOCKED`` on
    PostgreSQL; ``attempts`` counts the claims and fences a worker that lost its lease."""

    __tablename__ = "exports"
    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    """``exp_…``"""
    account_id: Mapped[str] = mapped_column(ForeignKey("accounts.id"))
    environment: Mapped[str] = mapped_column(String(10))
    entity_id: Mapped[str | None] = mapped_column(String(40))
    """The entity of an entity credential; None: every entity of the account (the account key)."""
    type: Mapped[str] = mapped_column(String(20))
    format: Mapped[str] = mapped_column(String(10))
    filters: Mapped[dict[str, Any]] = mapped_column(JSONType)
    """The normalised filters (:class:`invoicing.exports.schemas.ExportFilters` as builtins)."""
    status: Mapped[ExportStatus] = mapped_column(String(10), default="queued")
    progress_done: Mapped[int] = mapped_column(Integer, default=0)
    progress_total: Mapped[int | None] = mapped_column(Integer)
    error: Mapped[str | None] = mapped_column(Text)
    file_name: Mapped[str | None] = mapped_column(String(200))
    file_size: Mapped[int | None] = mapped_column(Integer)
    content_type: Mapped[str | None] = mapped_column(String(100))
    actor: Mapped[str | None] = mapped_column(String(80))
    """Who asked for it (as events record it)."""
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    lease_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    __table_args__ = (
        Index("ix_exports_scope", "account_id", "environment", "id"),
        Index("ix_exports_due", "status", "lease_until"),
        Index("ix_exports_expires_at", "expires_at"),
    )


class ExportChunk(Base):
    """One piece (up to 1 MiB) of an export's file, in order of ``seq``: every process can serve it."""

    __tablename__ = "export_chunks"
    export_id: Mapped[str] = mapped_column(ForeignKey("exports.id"), primary_key=True)
    seq: Mapped[int] = mapped_column(Integer, primary_key=True)
    content: Mapped[bytes] = mapped_column(LargeBinary)


RecurringStatus = Literal["active", "paused", "ended"]


class RecurringInvoice(Base):
    """A recurring invoice schedule (:mod:`invoicing.recurring`): an invoice body (``template``) made into
    one invoice per period. ``next_index`` is the next period not yet invoiced (``next_run_at`` its run
    time); the scheduler claims due rows (``ix_recurring_invoices_due``) ``FOR UPDATE SKIP LOCKED`` on
    PostgreSQL and advances them in the transaction that inserts the period's invoice."""

    __tablename__ = "recurring_invoices"
    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    """``rin_…``"""
    entity_id: Mapped[str] = mapped_column(ForeignKey("entities.id"))
    template: Mapped[dict[str, Any]] = mapped_column(JSONType)
    """The invoice body as ``POST /v1/invoices`` takes it, validated when stored."""
    customer_id: Mapped[str | None] = mapped_column(String(40))
    customer_name: Mapped[str | None] = mapped_column(String(500))
    action: Mapped[str] = mapped_column(String(20))
    frequency: Mapped[str] = mapped_column(String(10))
    interval: Mapped[int] = mapped_column(Integer)
    start_date: Mapped[dt.date] = mapped_column(Date)
    end_date: Mapped[dt.date | None] = mapped_column(Date)
    day_of_month: Mapped[int | None] = mapped_column(Integer)
    timezone: Mapped[str] = mapped_column(String(64))
    status: Mapped[RecurringStatus] = mapped_column(String(10), default="active")
    next_index: Mapped[int] = mapped_column(Integer, default=0)
    next_run_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    """When the next period is due (UTC); None once ended."""
    last_invoice_id: Mapped[str | None] = mapped_column(String(40))
    last_run_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_period_start: Mapped[dt.date | None] = mapped_column(Date)
    failure: Mapped[dict[str, Any] | None] = mapped_column(JSONType)
    """The last failed run: ``{code, message, at, period_start}``; None after a success."""
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    """Failed attempts in a row (reset by a success)."""
    retry_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    """Not before this time after a failure (backoff)."""
    unsent_invoice_id: Mapped[str | None] = mapped_column(String(40))
    """An invoice of ``issue_and_send`` issued but not yet e-mailed: the send is retried, never the issue."""
    metadata_: Mapped[dict[str, str]] = mapped_column("metadata", JSONType, default=dict)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    __table_args__ = (
        Index("ix_recurring_invoices_entity", "entity_id", "id"),
        Index("ix_recurring_invoices_due", "status", "next_run_at"),
    )

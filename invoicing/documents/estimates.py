"""Estimates (offers, quotes): documents of type ``estimate`` in the ``documents`` table, made, decided,
totalled and numbered exactly like invoices (:class:`InvoiceService` composes and changes them; their own
number sequence, ``settings.number_formats.estimate``). The states (README "Estimates")::

    draft ──issue──▶ issued ──accept──▶ accepted ──convert──▶ converted
      │               │ │ └──decline──▶ declined          ▲
      └─delete        │ └──convert───────────────────────┘
                      └──valid_until passed──▶ expired

An issued estimate past its ``valid_until`` *is* expired: every read shows it so at once
(:func:`~invoicing.documents.output.estimate_status`, and the list's status filter below), and a periodic job
(:func:`expire_estimates`, :func:`expiry_lifespan`) stores it. Converting makes the invoice through the
normal invoice create path (the tax decided for the invoice's date, its numbering and events) and links
both ways (the invoice's ``estimate_id``, the estimate's ``invoice_id``); it happens once: the estimate's row
is locked while converting (a unique index on ``documents.estimate_id`` backs it).
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import AsyncIterator, Sequence
from datetime import date
from decimal import Decimal

import msgspec
from litestar import Litestar, Request
from sqlalchemy import ColumnElement, and_, or_, update
from sqlalchemy.ext.asyncio import AsyncSession

from contract.errors import Conflict
from invoicing.auth.context import Scope
from invoicing.core.paging import apply_metadata, page
from invoicing.core.periodic import periodic
from invoicing.core.schemas import TaxIn
from invoicing.core.totals import AllowanceCharge
from invoicing.customers.schemas import CustomerCreate
from invoicing.db import Database
from invoicing.db.engine import insert_new
from invoicing.db.models import Customer, Document
from invoicing.db.types import utcnow
from invoicing.documents.invoices import InvoiceService
from invoicing.documents.numbering import issue
from invoicing.documents.output import estimate_out, estimate_status, today
from invoicing.documents.queries import get_document, list_stmt
from invoicing.documents.schemas import (
    AllowanceChargeIn,
    EstimateCreate,
    EstimateList,
    EstimateOut,
    EstimateUpdate,
    InvoiceCreate,
    InvoiceOut,
    LineIn,
)
from invoicing.events import emit, publish

EXPIRY_SECONDS = 3600.0
"""How often each process stores the expiry of estimates past ``valid_until`` (reads show it at once)."""
CUSTOMER_FIELDS = tuple(f for f in CustomerCreate.__struct_fields__ if f not in ("external_id", "metadata"))

log = logging.getLogger("folio.estimates")


def _is_expired(on: date) -> ColumnElement[bool]:
    return and_(Document.status == "issued", Document.valid_until < on)


def status_filter(status: str) -> ColumnElement[bool]:
    """The list filter for a status as reads show it (:func:`estimate_status`)."""
    on = today()
    if status == "expired":
        return or_(Document.status == "expired", _is_expired(on))
    if status == "issued":
        return and_(Document.status == "issued", or_(Document.valid_until.is_(None), Document.valid_until >= on))
    return Document.status == status


async def expire_estimates(db: Database, on: date | None = None) -> int:
    """Store ``expired`` on every issued estimate whose ``valid_until`` is before ``on`` (default today, UTC);
    how many. One idempotent ``UPDATE``: any number of processes may run it at once."""
    async with db.transaction() as session:
        result = await session.execute(
            update(Document)
            .where(Document.type == "estimate", _is_expired(on or today()))
            .values(status="expired")
            .execution_options(synchronize_session=False)
        )
    return int(getattr(result, "rowcount", 0) or 0)


@contextlib.asynccontextmanager
async def expiry_lifespan(app: Litestar) -> AsyncIterator[None]:
    """:func:`expire_estimates` at start and every :data:`EXPIRY_SECONDS` in a background task."""
    db: Database = app.state.db

    async def expire() -> None:
        expired = await expire_estimates(db)
        if expired:
            log.info("expired %d estimates", expired)

    async with periodic(
        expire, EXPIRY_SECONDS, name="folio-estimate-expiry", what="estimate expiry", log=log, start="now"
    ):
        yield


def _must_be(doc: Document, *allowed: str, action: str) -> None:
    status = estimate_status(doc)
    if status not in allowed:
        raise Conflict(
            f"Estimate {doc.number or doc.id} is {status}; only an estimate that is {' or '.join(allowed)} "
            f"can be {action}.",
            current_status=status,
        )


def _taxes(taxes: tuple[object, ...] | list[object]) -> list[TaxIn]:
    return [TaxIn(rate=t.rate, name=t.name) for t in taxes]  # type: ignore[attr-defined]


def _adjustments_in(entries: list[AllowanceCharge] | None, charge: bool) -> list[AllowanceChargeIn] | None:
    """The estimate's allowances (or charges) as the request that made them: one entry spread over the rates
    is stored once per rate (the same ``source``) and is given back as one."""
    out: list[AllowanceChargeIn] = []
    seen: set[int] = set()
    mine = [e for e in entries or [] if e.charge == charge]
    for entry in mine:
        if entry.spread:
            if entry.source in seen:
                continue
            seen.add(entry.source)
            amount = sum((e.amount for e in mine if e.spread and e.source == entry.source), Decimal(0))
        else:
            amount = entry.amount
        out.append(
            AllowanceChargeIn(
                reason=entry.reason,
                amount=None if entry.percent is not None else amount,
                percent=entry.percent,
                reason_code=entry.reason_code,
                taxes=None if entry.spread else _taxes(entry.taxes),
            )
        )
    return out or None


async def invoice_body(session: AsyncSession, scope: Scope, doc: Document, *, is_draft: bool) -> InvoiceCreate:
    """The invoice an estimate becomes: its lines (taxes the platform named kept, decided ones decided again
    for the invoice), customer, currency, language, notes, gross prices, allowances and charges, metadata."""
    customer_id = doc.customer_id
    if customer_id is not None:
        stored = await session.get(Customer, customer_id)
        if stored is None or stored.entity_id != scope.entity_id or stored.deleted_at is not None:
            customer_id = None  # gone since: the snapshot, as an inline customer
    customer = None
    if customer_id is None:
        given = {f: doc.customer.get(f) for f in CUSTOMER_FIELDS if doc.customer.get(f) is not None}
        customer = msgspec.convert(given, CustomerCreate)
    return InvoiceCreate(
        items=[
            LineIn(
                name=line.name,
                price=line.price,
                quantity=line.quantity,
                taxes=None if line.decided_taxes else _taxes(line.taxes),
                discount=line.discount,
                description=line.description,
                unit=line.unit,
                kind=line.kind,  # type: ignore[arg-type]  # stored from a LineKind
                tax_class=line.tax_class,  # type: ignore[arg-type]  # stored from a TaxClass
            )
            for line in doc.items
        ],
        customer=customer,
        customer_id=customer_id,
        date_service=doc.date_service,
        period_start=doc.period_start,
        period_end=doc.period_end,
        payment_terms=doc.payment_terms,
        currency_code=doc.currency_code,
        locale=doc.locale,
        note=doc.note,
        footer=doc.footer,
        prices_include_tax=doc.prices_include_tax,
        allowances=_adjustments_in(doc.allowance_charges, charge=False),
        charges=_adjustments_in(doc.allowance_charges, charge=True),
        metadata=dict(doc.metadata_ or {}) or None,
        is_draft=is_draft,
    )


class EstimateService:
    """Estimates for one request: the request's transaction and the caller's entity."""

    def __init__(self, session: AsyncSession, ctx: Scope, request: Request) -> None:
        self.session, self.scope = session, ctx
        self.invoices = InvoiceService(session, ctx, request)

    def _out(self, doc: Document) -> EstimateOut:
        return publish(self.session, estimate_out(doc))  # data.object of the events queued for it

    async def _get(self, estimate_id: str, *, lock: bool = False) -> Document:
        return await get_document(self.session, self.scope, estimate_id, "estimate", lock=lock)

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
    ) -> EstimateList:
        stmt = list_stmt(
            self.scope, "estimate", date_from=date_from, date_to=date_to, search=search, customer_id=customer_id
        )
        if status:  # any of them
            stmt = stmt.where(or_(*(status_filter(one) for one in status)))
        stmt = apply_metadata(stmt, Document.metadata_, metadata)
        data, next_cursor = await page(self.session, stmt, Document.id, limit, cursor, estimate_out)
        return EstimateList(data=data, next_cursor=next_cursor)

    async def get(self, estimate_id: str) -> EstimateOut:
        return estimate_out(await self._get(estimate_id))

    async def create(self, data: EstimateCreate) -> EstimateOut:
        session, scope = self.session, self.scope
        doc, vies = await self.invoices.compose(data)
        await self.invoices.evidence.record(session, vies, doc.customer_id)
        emit(session, scope, "estimate.created", doc.id)
        if data.is_draft:
            await insert_new(session, doc)
        else:
            await issue(session, scope, doc, new=True)
            emit(session, scope, "estimate.issued", doc.id, {"number": doc.number})
        return self._out(doc)

    async def update(self, estimate_id: str, data: EstimateUpdate) -> EstimateOut:
        return self._out(await self.invoices.change_draft(estimate_id, data, "estimate"))

    async def delete(self, estimate_id: str) -> None:
        await self.invoices.delete(estimate_id, "estimate")

    async def issue(self, estimate_id: str) -> EstimateOut:
        session, scope = self.session, self.scope
        doc = await self._get(estimate_id, lock=True)
        if doc.status != "draft":
            raise Conflict(
                f"Estimate {estimate_id} is already {estimate_status(doc)} (number {doc.number}).",
                current_status=estimate_status(doc),
            )
        await issue(session, scope, doc)
        emit(session, scope, "estimate.issued", doc.id, {"number": doc.number})
        return self._out(doc)

    async def accept(self, estimate_id: str) -> EstimateOut:
        doc = await self._get(estimate_id, lock=True)
        _must_be(doc, "issued", action="accepted")
        doc.status, doc.accepted_at = "accepted", utcnow()
        emit(self.session, self.scope, "estimate.accepted", doc.id)
        return self._out(doc)

    async def decline(self, estimate_id: str, reason: str | None) -> EstimateOut:
        doc = await self._get(estimate_id, lock=True)
        _must_be(doc, "issued", action="declined")
        doc.status, doc.declined_at, doc.reason = "declined", utcnow(), reason
        emit(self.session, self.scope, "estimate.declined", doc.id, {"reason": reason})
        return self._out(doc)

    async def convert(self, estimate_id: str, *, is_draft: bool) -> InvoiceOut:
        """The invoice made from the estimate (once: 409 naming the invoice made before)."""
        session, scope = self.session, self.scope
        doc = await self._get(estimate_id, lock=True)  # concurrent converts wait here for the first to commit
        if doc.invoice_id is not None:
            raise Conflict(
                f"Estimate {doc.number or doc.id} was already converted into invoice {doc.invoice_id}.",
                invoice_id=doc.invoice_id,
                current_status=estimate_status(doc),
            )
        _must_be(doc, "issued", "accepted", action="converted")
        body = await invoice_body(session, scope, doc, is_draft=is_draft)
        invoice = await self.invoices.create(body, estimate_id=doc.id)
        doc.status, doc.invoice_id = "converted", invoice.id
        emit(session, scope, "estimate.converted", doc.id, {"invoice_id": invoice.id})
        self._out(doc)
        await session.flush()
        return invoice

"""Invoices and credit notes: drafts, issuing (numbering), voiding, crediting.

Issued documents are immutable; only the aggregates ``total_paid``/``total_credited`` (and the
status they imply) change afterwards, inside the transaction that records the payment or the
credit note.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta
from decimal import Decimal
from functools import lru_cache
from typing import Any

import msgspec
from sqlalchemy import Select, bindparam, func, or_, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from invoicing.auth.context import Scope
from contract.errors import Conflict, NotFound, ValidationFailed
from invoicing.events import emit
from invoicing.core.ids import new_id
from invoicing.core.lines import clean_price, clean_taxes
from invoicing.core.locales import locale_field
from invoicing.core.money import format_decimal, round_money
from invoicing.core.schemas import TaxOut
from invoicing.core.totals import Line, Tax, Totals, compute_totals
from invoicing.core.validate import currency_field, decimal_field
from invoicing.customers import service as customers
from invoicing.db.engine import insert_new
from invoicing.db.models import Document, NumberCounter
from invoicing.db.types import utcnow
from invoicing.documents import rules
from invoicing.documents.schemas import (
    CreditNoteCreate,
    CreditNoteOut,
    CustomerSnapshot,
    DocumentOut,
    InvoiceCreate,
    InvoiceOut,
    InvoiceUpdate,
    LineIn,
    LineOut,
    TaxTotalOut,
)
from invoicing.entities.service import effective_settings, number_format
from invoicing.items import service as items

HUNDRED = Decimal(100)
MAX_QUANTITY = Decimal("1000000000")


# ---------------------------------------------------------------- lines and totals

async def build_lines(session: AsyncSession, scope: Scope, lines: list[LineIn], field: str = "items") -> list[dict[str, Any]]:
    """Validated line dicts (decimal strings), with catalogue items resolved."""
    out = []
    for i, line in enumerate(lines):
        at = f"{field}[{i}]"
        name, price, taxes, description, unit = line.name, line.price, line.taxes, line.description, line.unit
        if line.item_id:
            item = await items.get_item(session, scope, line.item_id, field=f"{at}.item_id")
            name = name or item.name
            price = item.price if price is None else price
            description = description if description is not None else item.description
            unit = unit or item.unit
            taxes_out = clean_taxes(taxes, f"{at}.taxes") if taxes is not None else list(item.taxes or [])
        else:
            if not name:
                raise ValidationFailed.field(f"{at}.name", "is required (or give item_id)")
            if price is None:
                raise ValidationFailed.field(f"{at}.price", "is required (or give item_id)")
            taxes_out = clean_taxes(taxes or [], f"{at}.taxes")
        if taxes_out and scope.entity is not None and not scope.entity.is_tax_subject:
            raise ValidationFailed.field(f"{at}.taxes", "must be empty: the entity is not a tax subject (is_tax_subject "
                                                        "is false), so its documents carry no tax")
        quantity = decimal_field(line.quantity, f"{at}.quantity", minimum=Decimal(0), exclusive_min=True, maximum=MAX_QUANTITY)
        discount = decimal_field(line.discount, f"{at}.discount", maximum=HUNDRED, places=4)
        out.append({
            "name": name.strip(), "description": description, "item_id": line.item_id,
            "quantity": format_decimal(quantity.normalize()) if quantity == quantity.to_integral() else format_decimal(quantity),
            "unit": unit, "price": clean_price(Decimal(price), f"{at}.price"), "discount": format_decimal(discount),
            "taxes": taxes_out,
        })
    return out


def _core_lines(lines: list[dict[str, Any]]) -> list[Line]:
    return [
        Line(quantity=Decimal(line["quantity"]), price=Decimal(line["price"]), discount=Decimal(line["discount"]),
             taxes=tuple(Tax(rate=Decimal(t["rate"]), name=t["name"]) for t in line["taxes"]))
        for line in lines
    ]


def apply_totals(doc: Document, lines: list[dict[str, Any]]) -> Totals:
    """Compute with the one totals function and store its result on the document."""
    totals = compute_totals(_core_lines(lines), doc.currency_code, prices_include_tax=doc.prices_include_tax)
    for line, lt in zip(lines, totals.lines, strict=True):
        line["total"] = format_decimal(lt.total)
        line["total_tax"] = format_decimal(lt.total_tax)
        line["total_with_tax"] = format_decimal(lt.total_with_tax)
    doc.items = lines
    doc.taxes = [{"name": t.name, "rate": format_decimal(t.rate), "base": format_decimal(t.base),
                  "amount": format_decimal(t.amount)} for t in totals.taxes]
    doc.total, doc.total_tax, doc.total_with_tax = totals.total, totals.total_tax, totals.total_with_tax
    doc.total_discount = totals.total_discount
    return totals


# ---------------------------------------------------------------- output

def _money(doc: Document, value: Decimal) -> str:
    return format_decimal(round_money(Decimal(value), doc.currency_code))


def _common(doc: Document) -> dict[str, Any]:
    due = rules.amount_due(doc.status, doc.total_with_tax, doc.total_paid, doc.total_credited) if doc.type == "invoice" else Decimal(0)
    return dict(
        id=doc.id, entity_id=doc.entity_id, number=doc.number, status=doc.status, date=doc.date,
        date_due=doc.date_due, date_service=doc.date_service, currency_code=doc.currency_code, locale=doc.locale,
        customer=msgspec.convert(doc.customer, CustomerSnapshot),
        items=[LineOut(name=li["name"], description=li.get("description"), item_id=li.get("item_id"),
                       quantity=li["quantity"], unit=li.get("unit"), price=li["price"], discount=li["discount"],
                       taxes=[TaxOut(**t) for t in li["taxes"]], total=li["total"], total_tax=li["total_tax"],
                       total_with_tax=li["total_with_tax"]) for li in doc.items],
        taxes=[TaxTotalOut(**t) for t in doc.taxes], prices_include_tax=doc.prices_include_tax,
        total=_money(doc, doc.total), total_discount=_money(doc, doc.total_discount), total_tax=_money(doc, doc.total_tax),
        total_with_tax=_money(doc, doc.total_with_tax), total_paid=_money(doc, doc.total_paid),
        total_credited=_money(doc, doc.total_credited), total_due=_money(doc, due), note=doc.note, footer=doc.footer,
        metadata=doc.metadata_ or {}, created_at=doc.created_at, issued_at=doc.issued_at,
    )


def invoice_out(doc: Document) -> InvoiceOut:
    return InvoiceOut(**_common(doc), credit_note_ids=list(doc.credit_note_ids or []), voided_at=doc.voided_at,
                      void_reason=doc.void_reason)


def credit_note_out(doc: Document) -> CreditNoteOut:
    return CreditNoteOut(**_common(doc), invoice_id=doc.invoice_id or "", invoice_number=doc.invoice_number,
                         invoice_date=doc.invoice_date)


def document_out(doc: Document) -> DocumentOut:
    return invoice_out(doc) if doc.type == "invoice" else credit_note_out(doc)


# ---------------------------------------------------------------- numbering

@lru_cache(maxsize=None)
def _counter_upsert(dialect: str):
    """``INSERT … ON CONFLICT DO UPDATE SET value = value + 1 RETURNING value``, built once per dialect."""
    insert = pg_insert if dialect == "postgresql" else sqlite_insert
    return (
        insert(NumberCounter)
        .values(entity_id=bindparam("entity_id"), doc_type=bindparam("doc_type"), period=bindparam("period"), value=1)
        .on_conflict_do_update(index_elements=["entity_id", "doc_type", "period"], set_={"value": NumberCounter.value + 1})
        .returning(NumberCounter.value)
    )


async def assign_number(session: AsyncSession, doc: Document, entity) -> str:
    """Take the next number inside the caller's transaction; a rollback gives it back."""
    fmt = number_format(entity, doc.type)
    statement = _counter_upsert(session.bind.dialect.name)
    params = {"entity_id": doc.entity_id, "doc_type": doc.type, "period": fmt.period(doc.date)}
    sequence = (await session.execute(statement, params)).scalar_one()
    return fmt.render(sequence, doc.date)


async def issue(session: AsyncSession, scope: Scope, doc: Document, *, new: bool = False) -> None:
    """Number and issue ``doc``; a ``new`` document is inserted here, issued, in one statement."""
    doc.number = await assign_number(session, doc, scope.entity)
    doc.status = "issued"
    doc.issued_at = utcnow()
    try:
        if new:
            await insert_new(session, doc)
        else:
            await session.flush()
    except IntegrityError:
        raise Conflict(f"Number {doc.number} is already taken by another {doc.type.replace('_', ' ')}; "
                       "the entity's number format produces duplicates.") from None


# ---------------------------------------------------------------- invoices

async def _customer_snapshot(session: AsyncSession, scope: Scope, customer, customer_id) -> tuple[dict[str, Any], str | None]:
    if customer_id:
        found = await customers.get_customer(session, scope, customer_id, field="customer_id")
        return customers.snapshot(found), found.id
    if customer is not None:
        return {"id": None, **customers.clean(customer, "customer.")}, None
    raise ValidationFailed.field("customer", "give customer (an object) or customer_id")


def _check_dates(doc: Document) -> None:
    if doc.date_due is not None and doc.date_due < doc.date:
        raise ValidationFailed.field("date_due", "must not be before date")


async def create_invoice(session: AsyncSession, scope: Scope, data: InvoiceCreate) -> InvoiceOut:
    entity = scope.entity
    if data.customer is not None and data.customer_id:
        raise ValidationFailed.field("customer_id", "give either customer or customer_id, not both")
    settings = effective_settings(entity.settings)
    snapshot, customer_id = await _customer_snapshot(session, scope, data.customer, data.customer_id)
    today = date.today()
    doc_date = data.date or today
    doc = Document(
        id=new_id("invoice"), entity_id=entity.id, type="invoice", status="draft", date=doc_date,
        date_due=data.date_due or doc_date + timedelta(days=settings["payment_terms_days"]),
        date_service=data.date_service,
        currency_code=currency_field(data.currency_code, "currency_code") if data.currency_code else entity.currency_code,
        locale=locale_field(data.locale, "locale") if data.locale else entity.locale,
        customer=snapshot, customer_id=customer_id, prices_include_tax=data.prices_include_tax,
        note=data.note if data.note is not None else settings["default_note"],
        footer=data.footer if data.footer is not None else settings["footer"],
        metadata_=data.metadata or {}, total_paid=Decimal(0), total_credited=Decimal(0), credit_note_ids=[],
    )
    _check_dates(doc)
    apply_totals(doc, await build_lines(session, scope, data.items))
    emit(session, scope, "invoice.created", doc.id)
    if data.is_draft:
        await insert_new(session, doc)
    else:
        await issue(session, scope, doc, new=True)
        emit(session, scope, "invoice.issued", doc.id, {"number": doc.number})
    return invoice_out(doc)


async def get_document(session: AsyncSession, scope: Scope, doc_id: str, doc_type: str, *, lock: bool = False,
                       field: str | None = None) -> Document:
    doc = await session.get(Document, doc_id, with_for_update=lock)
    if doc is None or doc.entity_id != scope.entity_id or doc.type != doc_type:
        label = "Invoice" if doc_type == "invoice" else "Credit note"
        if field:
            raise ValidationFailed.field(field, f"{label.lower()} {doc_id} was not found")
        raise NotFound(f"{label} {doc_id} was not found.")
    return doc


def _must_be_draft(doc: Document) -> None:
    if doc.status != "draft":
        raise Conflict(f"Invoice {doc.number} is {doc.status}; issued documents cannot be changed. "
                       "Use a credit note to correct it.")


async def update_invoice(session: AsyncSession, scope: Scope, invoice_id: str, data: InvoiceUpdate) -> InvoiceOut:
    doc = await get_document(session, scope, invoice_id, "invoice", lock=True)
    _must_be_draft(doc)
    if data.customer is not msgspec.UNSET or data.customer_id is not msgspec.UNSET:
        if data.customer is not msgspec.UNSET and data.customer_id is not msgspec.UNSET:
            raise ValidationFailed.field("customer_id", "give either customer or customer_id, not both")
        doc.customer, doc.customer_id = await _customer_snapshot(
            session, scope, None if data.customer is msgspec.UNSET else data.customer,
            None if data.customer_id is msgspec.UNSET else data.customer_id)
    for field in ("date", "date_due", "date_service", "note", "footer", "prices_include_tax"):
        value = getattr(data, field)
        if value is not msgspec.UNSET:
            setattr(doc, field, value)
    if data.currency_code is not msgspec.UNSET:
        doc.currency_code = currency_field(data.currency_code, "currency_code")
    if data.locale is not msgspec.UNSET:
        doc.locale = locale_field(data.locale, "locale")
    if data.metadata is not msgspec.UNSET:
        doc.metadata_ = data.metadata
    _check_dates(doc)
    lines = await build_lines(session, scope, data.items) if data.items is not msgspec.UNSET else [dict(li) for li in doc.items]
    apply_totals(doc, lines)
    emit(session, scope, "invoice.updated", doc.id)
    return invoice_out(doc)


async def delete_draft(session: AsyncSession, scope: Scope, invoice_id: str) -> None:
    doc = await get_document(session, scope, invoice_id, "invoice", lock=True)
    _must_be_draft(doc)
    await session.delete(doc)
    emit(session, scope, "invoice.deleted", doc.id)


async def finalize_invoice(session: AsyncSession, scope: Scope, invoice_id: str) -> InvoiceOut:
    doc = await get_document(session, scope, invoice_id, "invoice", lock=True)
    if doc.status != "draft":
        raise Conflict(f"Invoice {invoice_id} is already {doc.status} (number {doc.number}).")
    await issue(session, scope, doc)
    emit(session, scope, "invoice.issued", doc.id, {"number": doc.number})
    return invoice_out(doc)


async def void_invoice(session: AsyncSession, scope: Scope, invoice_id: str, reason: str | None) -> InvoiceOut:
    doc = await get_document(session, scope, invoice_id, "invoice", lock=True)
    if doc.status == "draft":
        raise Conflict("A draft cannot be voided; delete it instead.")
    if doc.status == "voided":
        raise Conflict(f"Invoice {doc.number} is already voided.")
    if doc.total_paid > 0:
        raise Conflict(f"Invoice {doc.number} has payments of {_money(doc, doc.total_paid)} {doc.currency_code}; "
                       "only an unpaid invoice can be voided. Issue a credit note instead.")
    if doc.credit_note_ids:
        raise Conflict(f"Invoice {doc.number} has credit notes; it cannot be voided.")
    doc.status, doc.voided_at, doc.void_reason = "voided", utcnow(), reason
    emit(session, scope, "invoice.voided", doc.id, {"reason": reason})
    return invoice_out(doc)


def refresh_status(doc: Document) -> None:
    doc.status = rules.invoice_status(doc.status, doc.total_with_tax, doc.total_paid, doc.total_credited)


def list_stmt(scope: Scope, doc_type: str, *, status: str | None = None, date_from: date | None = None,
              date_to: date | None = None, search: str | None = None, customer_id: str | None = None,
              invoice_id: str | None = None) -> Select:
    stmt = select(Document).where(Document.entity_id == scope.entity_id, Document.type == doc_type)
    if status:
        stmt = stmt.where(Document.status == status)
    if date_from:
        stmt = stmt.where(Document.date >= date_from)
    if date_to:
        stmt = stmt.where(Document.date <= date_to)
    if customer_id:
        stmt = stmt.where(Document.customer_id == customer_id)
    if invoice_id:
        stmt = stmt.where(Document.invoice_id == invoice_id)
    if search:
        text = search.lower()
        stmt = stmt.where(or_(func.lower(Document.number).contains(text, autoescape=True),
                              func.lower(Document.customer["name"].as_string()).contains(text, autoescape=True)))
    return stmt


# ---------------------------------------------------------------- credit notes

def _remaining_lines(invoice: Document, credit_notes: list[Document]) -> tuple[list[dict[str, Any]], bool]:
    """Lines that credit everything not yet credited: the invoice's own lines when nothing was credited,
    otherwise one line per set of taxes with the remaining amount (gross for gross invoices)."""
    if not credit_notes:
        return [dict(li) for li in invoice.items], invoice.prices_include_tax
    amount_key = "total_with_tax" if invoice.prices_include_tax else "total"
    remaining: dict[tuple, Decimal] = defaultdict(Decimal)
    taxes_of: dict[tuple, list[dict[str, str]]] = {}
    for sign, docs in ((1, [invoice]), (-1, credit_notes)):
        for doc in docs:
            for li in doc.items:
                key = tuple(sorted((t["name"], Decimal(t["rate"])) for t in li["taxes"]))
                remaining[key] += sign * Decimal(li[amount_key])
                taxes_of.setdefault(key, li["taxes"])
    lines = []
    for key, amount in remaining.items():
        if amount > 0:
            rates = ", ".join(f"{t['name']} {t['rate']} %" for t in taxes_of[key]) or "no tax"
            lines.append({"name": f"Credit for invoice {invoice.number} ({rates})", "description": None, "item_id": None,
                          "quantity": "1", "unit": None, "price": format_decimal(amount), "discount": "0",
                          "taxes": taxes_of[key]})
    return lines, invoice.prices_include_tax


async def create_credit_note(session: AsyncSession, scope: Scope, data: CreditNoteCreate) -> CreditNoteOut:
    invoice = await get_document(session, scope, data.invoice_id, "invoice", lock=True, field="invoice_id")
    if invoice.status in ("draft", "voided"):
        raise Conflict(f"Invoice {data.invoice_id} is {invoice.status}; only an issued invoice can be credited.")
    limit = rules.creditable(invoice.total_with_tax, invoice.total_credited)
    if limit <= 0:
        raise Conflict(f"Invoice {invoice.number} is already credited in full.")
    if data.items:
        lines, gross = await build_lines(session, scope, data.items), invoice.prices_include_tax
    else:
        previous = (await session.execute(select(Document).where(Document.id.in_(invoice.credit_note_ids or [])))).scalars().all()
        lines, gross = _remaining_lines(invoice, list(previous))
    doc = Document(
        id=new_id("credit_note"), entity_id=invoice.entity_id, type="credit_note", status="draft",
        date=data.date or date.today(), date_due=None, date_service=invoice.date_service,
        currency_code=invoice.currency_code,
        locale=locale_field(data.locale, "locale") if data.locale else invoice.locale,
        customer={**invoice.customer}, customer_id=invoice.customer_id, prices_include_tax=gross,
        note=data.note, footer=invoice.footer, metadata_=data.metadata or {}, invoice_id=invoice.id,
        invoice_number=invoice.number, invoice_date=invoice.date,
        total_paid=Decimal(0), total_credited=Decimal(0), credit_note_ids=[],
    )
    if doc.date < invoice.date:
        raise ValidationFailed.field("date", f"must not be before the invoice's date {invoice.date.isoformat()}")
    apply_totals(doc, lines)
    if doc.total_with_tax > limit:
        raise ValidationFailed.field(
            "items", f"credits {_money(doc, doc.total_with_tax)} {doc.currency_code} but only "
                     f"{_money(doc, limit)} {doc.currency_code} of invoice {invoice.number} is left to credit")
    await issue(session, scope, doc, new=True)
    invoice.total_credited = invoice.total_credited + doc.total_with_tax
    invoice.credit_note_ids = [*(invoice.credit_note_ids or []), doc.id]
    refresh_status(invoice)
    emit(session, scope, "credit_note.issued", doc.id, {"number": doc.number, "invoice_id": invoice.id})
    emit(session, scope, "invoice.credited", invoice.id, {"credit_note_id": doc.id, "status": invoice.status})
    return credit_note_out(doc)

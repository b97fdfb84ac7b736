"""What an export contains: its columns, its row count (counted in SQL) and its rows, streamed from the
database in keyset batches (``WHERE id > last ORDER BY id LIMIT n``, each batch a short read transaction
of its own), so no result set is ever held whole and no transaction stays open for the whole export.

Documents by their own date, payments and refunds by theirs; drafts only when ``status`` asks for them.
Every row carries its entity's id and name.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from sqlalchemy import ColumnElement, Numeric, Select, String, func, literal, null, select, type_coerce

from invoicing.core.lines import StoredLine
from invoicing.core.money import ZERO, format_decimal, quantum, round_money
from invoicing.db import Database
from invoicing.db.models import Document, Entity, Payment, Refund
from invoicing.documents import rules
from invoicing.exports.schemas import ExportFilters
from invoicing.exports.writers import Column

BATCH = 2000


@dataclass(frozen=True)
class Job:
    """Whose rows and which: the export's scope and filters."""

    account_id: str
    environment: str
    entity_id: str | None
    filters: ExportFilters


def _entities(job: Job) -> list[ColumnElement[bool]]:
    where = [Entity.account_id == job.account_id, Entity.environment == job.environment]
    if job.entity_id is not None:
        where.append(Entity.id == job.entity_id)
    if job.filters.entity_ids:
        where.append(Entity.id.in_(job.filters.entity_ids))
    return where


def _metadata(column: Any, filters: ExportFilters) -> list[ColumnElement[bool]]:
    return [column[key].as_string() == value for key, value in filters.metadata.items()]


EXPORTED_TYPES = ("invoice", "credit_note")
"""The documents exports hold: estimates are offers, not part of the books."""


def documents_where(job: Job) -> list[ColumnElement[bool]]:
    f = job.filters
    where = [
        *_entities(job),
        Document.type.in_(EXPORTED_TYPES),
        Document.date >= f.date_from,
        Document.date <= f.date_to,
    ]
    where.append(Document.status == f.status if f.status else Document.status != "draft")
    return where + _metadata(Document.metadata_, f)


def _amount(column: Any, sqlite: bool) -> Any:
    """A money column read as the driver's Decimal on PostgreSQL (NUMERIC already is one: the column type's
    per-value ``normalize`` is most of the read's cost); SQLite stores text, read through the column type."""
    return column if sqlite else type_coerce(column, Numeric(28, 8, asdecimal=True)).label(column.key)


def _money(value: Any, currency: str) -> Decimal:
    return round_money(Decimal(value), currency)


@dataclass
class Part:
    """One keyset-paged query: the first selected column is the id it pages by."""

    stmt: Select
    id_column: Any
    build: Callable[[Any], Sequence[Sequence[Any]]]
    count: Select


@dataclass
class Source:
    columns: list[Column]
    currency_index: int | None
    parts: list[Part]

    async def total(self, db: Database) -> int:
        total = 0
        async with db.transaction(write=False) as session:
            for part in self.parts:
                total += int((await session.execute(part.count)).scalar_one() or 0)
        return total

    async def batches(self, db: Database, size: int = BATCH) -> AsyncIterator[list[Sequence[Any]]]:
        """Output rows, a batch of source rows at a time."""
        for part in self.parts:
            async for rows in keyset(db, part.stmt, part.id_column, size):
                out: list[Sequence[Any]] = []
                for row in rows:
                    out.extend(part.build(row))
                yield out


async def keyset(db: Database, stmt: Select, id_column: Any, size: int) -> AsyncIterator[Sequence[Any]]:
    last: str | None = None
    while True:
        query = stmt if last is None else stmt.where(id_column > last)
        async with db.transaction(write=False) as session:
            connection = await session.connection()  # Core execution: no ORM loading of plain rows
            rows = (await connection.execute(query.order_by(id_column).limit(size))).all()
        if rows:
            yield rows
        if len(rows) < size:
            return
        last = rows[-1][0]


ENTITY_COLUMNS = [Column("entity_id"), Column("entity_name")]

DOCUMENT_COLUMNS = [
    *ENTITY_COLUMNS,
    Column("id"),
    Column("type"),
    Column("number"),
    Column("status"),
    Column("date", "date"),
    Column("date_due", "date"),
    Column("customer_name"),
    Column("customer_tax_number"),
    Column("customer_country"),
    Column("currency_code"),
    Column("total", "money"),
    Column("total_tax", "money"),
    Column("total_with_tax", "money"),
    Column("total_paid", "money"),
    Column("total_credited", "money"),
    Column("total_refunded", "money"),
    Column("total_due", "money"),
    Column("invoice_number"),
]


def _document_row(r: Any) -> Sequence[Sequence[Any]]:
    # unpacked by position: a Row's attribute access costs more than the rest of the row (the hot loop)
    (id_, entity_id, entity_name, type_, number, status, day, due_date, customer_name, customer_tax_number,
     customer_country, cur, total, total_tax, total_with_tax, paid, credited, refunded, invoice_number) = r  # fmt: skip
    charging = type_ in ("invoice", "advance_invoice")
    due = rules.amount_due(status, total_with_tax, paid, credited, refunded) if charging else ZERO
    q = quantum(cur)
    return (
        (
            entity_id,
            entity_name,
            id_,
            type_,
            number,
            status,
            day,
            due_date,
            customer_name,
            customer_tax_number,
            customer_country,
            cur,
            total.quantize(q, ROUND_HALF_UP),
            total_tax.quantize(q, ROUND_HALF_UP),
            total_with_tax.quantize(q, ROUND_HALF_UP),
            paid.quantize(q, ROUND_HALF_UP),
            credited.quantize(q, ROUND_HALF_UP),
            refunded.quantize(q, ROUND_HALF_UP),
            due.quantize(q, ROUND_HALF_UP),
            invoice_number,
        ),
    )


def _documents(job: Job, sqlite: bool) -> Source:
    stmt = (
        select(
            Document.id,
            Document.entity_id,
            Entity.name.label("entity_name"),
            Document.type,
            Document.number,
            Document.status,
            Document.date,
            Document.date_due,
            Document.customer["name"].as_string().label("customer_name"),
            Document.customer["tax_number"].as_string().label("customer_tax_number"),
            Document.customer["country"].as_string().label("customer_country"),
            Document.currency_code,
            _amount(Document.total, sqlite),
            _amount(Document.total_tax, sqlite),
            _amount(Document.total_with_tax, sqlite),
            _amount(Document.total_paid, sqlite),
            _amount(Document.total_credited, sqlite),
            _amount(Document.total_refunded, sqlite),
            Document.invoice_number,
        )
        .join(Entity, Entity.id == Document.entity_id)
        .where(*documents_where(job))
    )
    count = select(func.count()).select_from(Document).join(Entity, Entity.id == Document.entity_id)
    return Source(DOCUMENT_COLUMNS, 11, [Part(stmt, Document.id, _document_row, count.where(*documents_where(job)))])


LINE_COLUMNS = [
    *ENTITY_COLUMNS,
    Column("document_id"),
    Column("document_type"),
    Column("document_number"),
    Column("document_date", "date"),
    Column("document_status"),
    Column("currency_code"),
    Column("line", "int"),
    Column("name"),
    Column("description"),
    Column("quantity", "number"),
    Column("unit"),
    Column("price", "number"),
    Column("discount", "number"),
    Column("tax_rates"),
    Column("total", "money"),
    Column("total_tax", "money"),
    Column("total_with_tax", "money"),
]


def _line_rows(r: Any) -> Sequence[Sequence[Any]]:
    lines: list[StoredLine] = r.items or []
    return [
        (
            r.entity_id,
            r.entity_name,
            r.id,
            r.type,
            r.number,
            r.date,
            r.status,
            r.currency_code,
            n,
            line.name,
            line.description,
            line.quantity,
            line.unit,
            line.price,
            line.discount,
            "; ".join(format_decimal(t.rate) for t in line.taxes),
            line.total,
            line.total_tax,
            line.total_with_tax,
        )
        for n, line in enumerate(lines, 1)
    ]


def _lines(job: Job, sqlite: bool) -> Source:
    stmt = (
        select(
            Document.id,
            Document.entity_id,
            Entity.name.label("entity_name"),
            Document.type,
            Document.number,
            Document.date,
            Document.status,
            Document.currency_code,
            Document.items,
        )
        .join(Entity, Entity.id == Document.entity_id)
        .where(*documents_where(job))
    )
    length = func.json_array_length if sqlite else func.jsonb_array_length
    count = (
        select(func.coalesce(func.sum(length(Document.items)), 0))
        .select_from(Document)
        .join(Entity, Entity.id == Document.entity_id)
        .where(*documents_where(job))
    )
    return Source(LINE_COLUMNS, 7, [Part(stmt, Document.id, _line_rows, count)])


PAYMENT_COLUMNS = [
    *ENTITY_COLUMNS,
    Column("kind"),
    Column("id"),
    Column("date", "date"),
    Column("amount", "money"),
    Column("currency_code"),
    Column("method"),
    Column("reference"),
    Column("invoice_id"),
    Column("invoice_number"),
    Column("credit_note_id"),
    Column("note"),
]


def _payment_row(r: Any) -> Sequence[Sequence[Any]]:
    amount = _money(r.amount, r.currency_code)
    return (
        (
            r.entity_id,
            r.entity_name,
            r.kind,
            r.id,
            r.date,
            -amount if r.kind == "refund" else amount,
            r.currency_code,
            r.type,
            r.reference,
            r.invoice_id,
            r.invoice_number,
            r.credit_note_id,
            r.note,
        ),
    )


def _payments(job: Job, sqlite: bool) -> Source:
    parts = []
    for model, kind in ((Payment, "payment"), (Refund, "refund")):
        where = [
            *_entities(job),
            model.date >= job.filters.date_from,
            model.date <= job.filters.date_to,
            *_metadata(model.metadata_, job.filters),
        ]
        credit_note = Refund.credit_note_id if model is Refund else None
        stmt = (
            select(
                model.id,
                model.entity_id,
                Entity.name.label("entity_name"),
                literal(kind, String).label("kind"),
                model.date,
                _amount(model.amount, sqlite),
                model.currency_code,
                model.type,
                model.reference,
                model.invoice_id,
                Document.number.label("invoice_number"),
                (credit_note if credit_note is not None else null()).label("credit_note_id"),
                model.note,
            )
            .join(Entity, Entity.id == model.entity_id)
            .join(Document, Document.id == model.invoice_id)
            .where(*where)
        )
        count = select(func.count()).select_from(model).join(Entity, Entity.id == model.entity_id).where(*where)
        parts.append(Part(stmt, model.id, _payment_row, count))
    return Source(PAYMENT_COLUMNS, 6, parts)


def source(type_: str, job: Job, *, sqlite: bool) -> Source:
    if type_ == "documents":
        return _documents(job, sqlite)
    if type_ == "lines":
        return _lines(job, sqlite)
    return _payments(job, sqlite)


def pdf_documents(job: Job) -> tuple[Select, Select]:
    """The documents of a ``pdf_zip`` export (id, entity, type, number), and their count."""
    stmt = (
        select(Document.id, Document.entity_id, Document.type, Document.number)
        .join(Entity, Entity.id == Document.entity_id)
        .where(*documents_where(job))
    )
    count = select(func.count()).select_from(Document).join(Entity, Entity.id == Document.entity_id)
    return stmt, count.where(*documents_where(job))

"""What recording money needs wherever it is recorded (payments, refunds, an invoice paid at
creation): the amount checked against the currency and a limit, and the external ``reference``
claimed once per entity.

A reference is unique within an entity (and so within its environment): the check answers 409
naming the row that has it (``existing_id``), and a partial unique index enforces it in the database,
where a concurrent insert's ``IntegrityError`` (inside a savepoint) becomes the same 409. Payments
marked ``split`` may share a reference with each other, never with one that is not split.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from contract.errors import Conflict, ValidationFailed
from invoicing.core.ids import new_id
from invoicing.core.money import format_decimal, quantum, round_money
from invoicing.core.validate import decimal_field
from invoicing.db.models import Document, Payment, Refund

Recorded = Payment | Refund


def amount_field(value: Decimal, field: str, currency: str, limit: Decimal, what: str) -> Decimal:
    """A positive amount in ``currency``'s minor unit, at most ``limit`` (422 naming ``field``, and
    saying ``what`` the limit is)."""
    amount = decimal_field(value, field, minimum=Decimal(0), exclusive_min=True)
    if amount != round_money(amount, currency):
        raise ValidationFailed.field(field, f"has more decimals than {currency} allows ({quantum(currency)})")
    if amount > limit:
        raise ValidationFailed.field(
            field, f"is more than the {format_decimal(round_money(limit, currency))} {currency} {what}"
        )
    return amount


async def _holder(session: AsyncSession, row: Recorded) -> str | None:
    """The id of another row of the entity holding ``row``'s reference in a way that excludes it."""
    model = type(row)
    stmt = select(model.id).where(
        model.entity_id == row.entity_id, model.reference == row.reference, model.id != row.id
    )
    if isinstance(row, Payment) and row.split:
        stmt = stmt.where(Payment.split.is_(False))
    return (await session.execute(stmt.order_by(model.id).limit(1))).scalar_one_or_none()


def _taken(row: Recorded, existing_id: str) -> Conflict:
    kind = "payment" if isinstance(row, Payment) else "refund"
    return Conflict(
        f"Reference {row.reference!r} is already recorded on {kind} {existing_id}; "
        f"a {kind} is recorded once per reference"
        + (" (mark each part of a split payment with split: true)." if kind == "payment" else "."),
        existing_id=existing_id,
    )


async def add_with_reference(session: AsyncSession, row: Recorded) -> None:
    """Add ``row`` to the request's transaction, its reference claimed (409 when another row has it)."""
    if row.reference is None:
        session.add(row)
        return
    existing = await _holder(session, row)
    if existing is not None:
        raise _taken(row, existing)
    try:
        async with session.begin_nested():  # a concurrent claim fails here, not at the commit
            session.add(row)
    except IntegrityError:
        existing = await _holder(session, row)
        if existing is None:
            raise
        raise _taken(row, existing) from None


def new_payment(
    invoice: Document,
    amount: Decimal,
    *,
    day: date | None,
    type_: str,
    reference: str | None,
    split: bool,
    note: str | None = None,
    metadata: dict[str, str] | None = None,
    at_issue: bool = False,
) -> Payment:
    return Payment(
        id=new_id("payment"),
        entity_id=invoice.entity_id,
        invoice_id=invoice.id,
        amount=amount,
        currency_code=invoice.currency_code,
        date=day or date.today(),
        type=type_,
        reference=reference,
        split=split,
        at_issue=at_issue,
        note=note,
        metadata_=metadata or {},
    )

"""Document lines and totals: a request's lines (and document-level allowances and charges) validated
once into typed values, catalogue items resolved, and the one totals function's figures stored on the
document, which must not total below zero (nor any tax rate's base)."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

import msgspec
from msgspec import UNSET, UnsetType
from sqlalchemy.ext.asyncio import AsyncSession

from contract.errors import ValidationFailed
from invoicing.auth.context import Scope
from invoicing.core.lines import DocumentLine, StoredLine, checked_taxes, clean_price, plain
from invoicing.core.money import ZERO, format_decimal
from invoicing.core.schemas import DEFAULT_KIND, DEFAULT_TAX_CLASS
from invoicing.core.totals import Adjustment, AllowanceCharge, Tax, Totals, compute_totals, describe
from invoicing.core.validate import decimal_field
from invoicing.db.models import Document, Item
from invoicing.documents.schemas import AllowanceChargeIn, LineIn
from invoicing.items import service as items
from invoicing.tax.names import tax_name

HUNDRED = Decimal(100)
MAX_QUANTITY = Decimal("1000000000")
ALLOWANCE_CODES = frozenset(map(str, (41, 42, 60, 62, 63, 64, 65, 66, 67, 68, 70, 71, 88, 95, 100, 102, 103, 104, 105)))
"""UNTDID 5189, the allowance reason codes EN 16931 uses (BT-98)."""


def _quantity(value: Decimal, field: str) -> Decimal:
    """A whole quantity without trailing zeros (``2.00`` → ``2``); a fraction as given; negative for a
    return, never 0."""
    quantity = decimal_field(value, field, minimum=-MAX_QUANTITY, maximum=MAX_QUANTITY)
    if quantity == 0:
        raise ValidationFailed.field(field, "must not be 0 (a negative quantity is a return)")
    return plain(quantity.normalize() if quantity == quantity.to_integral() else quantity)


def _line(line: LineIn, at: str, item: Item | None, *, taxable: bool, unnamed: str) -> DocumentLine:
    """One line from the request, with what it leaves out taken from the catalogue ``item``; a tax
    without a name is called ``unnamed`` (the seller country's name for VAT)."""
    name, price, description, unit = line.name, line.price, line.description, line.unit
    if item is not None:
        name = name or item.name
        price = item.price if price is None else price
        description = description if description is not None else item.description
        unit = unit or item.unit
        taxes = (
            checked_taxes(line.taxes, f"{at}.taxes", unnamed)
            if line.taxes is not None
            else msgspec.convert(item.taxes or [], tuple[Tax, ...])
        )
        decided = line.taxes is None and not item.taxes
    else:
        if not name:
            raise ValidationFailed.field(f"{at}.name", "is required (or give item_id)")
        if price is None:
            raise ValidationFailed.field(f"{at}.price", "is required (or give item_id)")
        taxes = checked_taxes(line.taxes or [], f"{at}.taxes", unnamed)
        decided = line.taxes is None
    if taxes and not taxable:
        raise ValidationFailed.field(
            f"{at}.taxes",
            "must be empty: the entity is not a tax subject (is_tax_subject is false), so its documents carry no tax",
        )
    quantity = _quantity(line.quantity, f"{at}.quantity")
    discount = plain(decimal_field(line.discount, f"{at}.discount", maximum=HUNDRED, places=4))
    return DocumentLine(
        name=name.strip(),
        description=description,
        item_id=line.item_id,
        unit=unit,
        taxes=taxes,
        quantity=quantity,
        price=Decimal(clean_price(Decimal(price), f"{at}.price", signed=True)),
        discount=discount,
        kind=line.kind or (item.kind if item is not None else DEFAULT_KIND),
        tax_class=line.tax_class or (item.tax_class if item is not None else DEFAULT_TAX_CLASS),
        decided_taxes=decided,
    )


async def build_lines(
    session: AsyncSession, scope: Scope, lines: list[LineIn], field: str = "items"
) -> list[DocumentLine]:
    """The request's lines, validated, with catalogue items resolved; a 422 names the field at fault."""
    taxable = scope.entity is None or scope.entity.is_tax_subject
    unnamed = tax_name(scope.entity.country if scope.entity else None)
    out = []
    for i, line in enumerate(lines):
        at = f"{field}[{i}]"
        item = await items.get_item(session, scope, line.item_id, field=f"{at}.item_id") if line.item_id else None
        out.append(_line(line, at, item, taxable=taxable, unnamed=unnamed))
    return out


def _reason_code(code: str | None, field: str, charge: bool) -> str | None:
    if code is None:
        return None
    code = code.strip().upper()
    if charge and not (code.isascii() and code.isalpha() and 1 < len(code) <= 3):
        raise ValidationFailed.field(field, "must be an UNTDID 7161 charge code: 2 or 3 letters (e.g. FC, ABL)")
    if not charge and code not in ALLOWANCE_CODES:
        raise ValidationFailed.field(
            field, f"must be an UNTDID 5189 allowance code: one of {', '.join(sorted(ALLOWANCE_CODES, key=int))}"
        )
    return code


def _adjustment(given: AllowanceChargeIn, index: int, charge: bool) -> Adjustment:
    at = f"{'charges' if charge else 'allowances'}[{index}]"
    if (given.amount is None) == (given.percent is None):
        raise ValidationFailed.field(f"{at}.amount", "give amount or percent (one of them)")
    amount = percent = None
    if given.amount is not None:
        amount = plain(decimal_field(given.amount, f"{at}.amount", exclusive_min=True))
    if given.percent is not None:
        percent = plain(
            decimal_field(given.percent, f"{at}.percent", exclusive_min=True, maximum=HUNDRED, places=4).normalize()
        )
    if not given.reason.strip():
        raise ValidationFailed.field(f"{at}.reason", "must not be blank: it is printed on the document")
    return Adjustment(
        charge=charge,
        index=index,
        reason=given.reason.strip(),
        reason_code=_reason_code(given.reason_code, f"{at}.reason_code", charge),
        amount=amount,
        percent=percent,
        taxes=None if given.taxes is None else checked_taxes(given.taxes, f"{at}.taxes"),
    )


def _stored_adjustments(stored: Sequence[AllowanceCharge], charge: bool) -> list[Adjustment]:
    """The allowances (or charges) a draft keeps, as asked for, so they are applied again to its new lines:
    a spread one as its whole amount (or percent) again, one on named taxes on those taxes."""
    by_source: dict[int, list[AllowanceCharge]] = {}
    for entry in stored:
        if entry.charge == charge:
            by_source.setdefault(entry.source, []).append(entry)
    return [
        Adjustment(
            charge=charge,
            index=index,
            reason=entries[0].reason,
            reason_code=entries[0].reason_code,
            percent=entries[0].percent,
            amount=None if entries[0].percent is not None else sum((e.amount for e in entries), ZERO),
            taxes=None if entries[0].spread else tuple(Tax(rate=t.rate, name=t.name) for t in entries[0].taxes),
        )
        for index, entries in by_source.items()
    ]


def _adjustments(doc: Document, given: list[AllowanceChargeIn] | UnsetType | None, charge: bool) -> list[Adjustment]:
    if given is UNSET:
        return _stored_adjustments(doc.allowance_charges or [], charge)
    return [_adjustment(entry, i, charge) for i, entry in enumerate(given or [])]


def _check_not_negative(doc: Document, totals: Totals) -> None:
    """No document below zero, no tax rate's base below zero (vouchers, returns, allowances)."""
    currency = doc.currency_code
    if totals.total_with_tax < 0:
        raise ValidationFailed.field(
            "items",
            f"the document would total {format_decimal(totals.total_with_tax)} {currency} with tax; "
            "negative lines and allowances may bring it down to 0, not below",
        )
    for tax in totals.taxes:
        if tax.base < 0:
            on_rate = any(
                not e.charge and any((t.name, t.rate) == (tax.name, tax.rate) for t in e.taxes)
                for e in totals.allowance_charges
            )
            raise ValidationFailed.field(
                "allowances" if on_rate else "items",
                f"the {describe((Tax(rate=tax.rate, name=tax.name),))} base would be {format_decimal(tax.base)} "
                f"{currency}; negative lines and allowances may bring a rate's base down to 0, not below",
            )


def apply_totals(
    doc: Document,
    lines: Sequence[DocumentLine],
    *,
    allowances: list[AllowanceChargeIn] | UnsetType | None = UNSET,
    charges: list[AllowanceChargeIn] | UnsetType | None = UNSET,
) -> Totals:
    """Compute with the one totals function and store its result on the document. Allowances and charges
    left UNSET are the document's own (a draft's, applied again to its lines); None or [] is none."""
    adjustments = _adjustments(doc, allowances, False) + _adjustments(doc, charges, True)
    totals = compute_totals(
        lines, doc.currency_code, prices_include_tax=doc.prices_include_tax, adjustments=adjustments
    )
    _check_not_negative(doc, totals)
    doc.items = [StoredLine.of(line, figures) for line, figures in zip(lines, totals.lines, strict=True)]
    doc.taxes = list(totals.taxes)
    doc.allowance_charges = list(totals.allowance_charges) or None
    doc.total, doc.total_tax, doc.total_with_tax = totals.total, totals.total_tax, totals.total_with_tax
    doc.total_discount = totals.total_discount
    return totals

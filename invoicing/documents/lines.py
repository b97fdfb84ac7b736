"""Document lines and totals: a request's lines validated once into typed lines, catalogue items
resolved, and the one totals function's figures stored on the document."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

import msgspec
from sqlalchemy.ext.asyncio import AsyncSession

from contract.errors import ValidationFailed
from invoicing.auth.context import Scope
from invoicing.core.lines import DocumentLine, StoredLine, checked_taxes, clean_price, plain
from invoicing.core.totals import Tax, Totals, compute_totals
from invoicing.core.validate import decimal_field
from invoicing.db.models import Document, Item
from invoicing.documents.schemas import LineIn
from invoicing.items import service as items
from invoicing.tax.names import tax_name

HUNDRED = Decimal(100)
MAX_QUANTITY = Decimal("1000000000")


def _quantity(value: Decimal, field: str) -> Decimal:
    """A whole quantity without trailing zeros (``2.00`` → ``2``); a fraction as given."""
    quantity = decimal_field(value, field, minimum=Decimal(0), exclusive_min=True, maximum=MAX_QUANTITY)
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
        price=Decimal(clean_price(Decimal(price), f"{at}.price")),
        discount=discount,
        kind=line.kind,
        tax_class=line.tax_class,
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


def apply_totals(doc: Document, lines: Sequence[DocumentLine]) -> Totals:
    """Compute with the one totals function and store its result on the document."""
    totals = compute_totals(lines, doc.currency_code, prices_include_tax=doc.prices_include_tax)
    doc.items = [StoredLine.of(line, figures) for line, figures in zip(lines, totals.lines, strict=True)]
    doc.taxes = list(totals.taxes)
    doc.total, doc.total_tax, doc.total_with_tax = totals.total, totals.total_tax, totals.total_with_tax
    doc.total_discount = totals.total_discount
    return totals

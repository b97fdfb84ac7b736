"""Document lines as stored, and the validation of prices and taxes shared by catalogue items and lines.

A line is validated once (:func:`invoicing.documents.lines.build_lines`), becomes a
:class:`DocumentLine`, and gets its figures from the totals function as a :class:`StoredLine`. The
document keeps its stored lines in a JSON column that reads and writes these Structs
(:class:`invoicing.db.types.StructList`); the API output, the PDF and the e-mails read them back typed.
The JSON shape is the one Folio always stored: decimals as plain strings (``"33.333"``), taxes as
``{"rate": "22", "name": "VAT"}``.
"""

from __future__ import annotations

from decimal import Decimal

from contract.errors import ValidationFailed
from invoicing.core.money import ZERO, format_decimal
from invoicing.core.schemas import DEFAULT_KIND, DEFAULT_TAX_CLASS, TaxIn
from invoicing.core.totals import Line, LineTotals, Tax
from invoicing.core.validate import MAX_AMOUNT, decimal_field
from invoicing.tax.names import DEFAULT as DEFAULT_TAX_NAME

HUNDRED = Decimal(100)


class DocumentLine(Line, frozen=True, kw_only=True):
    """A validated line: what it sells and the figures the totals depend on."""

    name: str
    description: str | None = None
    item_id: str | None = None
    unit: str | None = None
    kind: str = DEFAULT_KIND
    """What the line sells for the tax decision: services, goods or digital (older lines: services)."""
    tax_class: str = DEFAULT_TAX_CLASS
    """standard, reduced, reduced_2, super_reduced or zero (older lines: standard)."""
    decided_taxes: bool = False
    """The line named no taxes and carries the rate the tax decision gave it (re-decided on a draft
    update); False for a line that named its taxes (kept as they are) and for older lines."""


class StoredLine(DocumentLine, frozen=True, kw_only=True):
    """A line with its own figures from the totals function, as kept on the document."""

    total: Decimal = ZERO
    total_tax: Decimal = ZERO
    total_with_tax: Decimal = ZERO

    @classmethod
    def of(cls, line: DocumentLine, totals: LineTotals) -> StoredLine:
        return cls(
            quantity=line.quantity,
            price=line.price,
            taxes=line.taxes,
            discount=line.discount,
            name=line.name,
            description=line.description,
            item_id=line.item_id,
            unit=line.unit,
            kind=line.kind,
            tax_class=line.tax_class,
            decided_taxes=line.decided_taxes,
            total=totals.total,
            total_tax=totals.total_tax,
            total_with_tax=totals.total_with_tax,
        )


def plain(value: Decimal) -> Decimal:
    """``value`` written without an exponent (``Decimal('1E+2')`` → ``Decimal('100')``), as stored."""
    return Decimal(format_decimal(value))


def checked_taxes(taxes: list[TaxIn], field: str, unnamed: str = DEFAULT_TAX_NAME) -> tuple[Tax, ...]:
    """The taxes with their rates normalised (``22.0`` → ``22``), a tax given without a name called
    ``unnamed`` (the seller country's name, :func:`invoicing.tax.tax_name`); a repeated tax is refused."""
    seen = set()
    out = []
    for i, tax in enumerate(taxes):
        rate = plain(decimal_field(tax.rate, f"{field}[{i}].rate", maximum=HUNDRED, places=4).normalize())
        name = tax.name or unnamed
        if (name, rate) in seen:
            raise ValidationFailed.field(f"{field}[{i}]", "repeats a tax already on this line")
        seen.add((name, rate))
        out.append(Tax(rate=rate, name=name))
    return tuple(out)


def clean_taxes(taxes: list[TaxIn], field: str, unnamed: str = DEFAULT_TAX_NAME) -> list[dict[str, str]]:
    """:func:`checked_taxes` in the JSON shape a catalogue item stores."""
    return [{"rate": format_decimal(t.rate), "name": t.name} for t in checked_taxes(taxes, field, unnamed)]


def clean_price(price: Decimal, field: str, *, signed: bool = False) -> str:
    """A price as stored: at least 0 for a catalogue item; ``signed`` (a document line) it may be negative
    (a voucher), down to minus the largest amount."""
    return format_decimal(decimal_field(price, field, minimum=-MAX_AMOUNT if signed else Decimal(0)))

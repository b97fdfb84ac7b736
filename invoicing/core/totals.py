"""The one computation of a document's totals.

The figures are stored on the document when it is written (:mod:`invoicing.documents.lines`); the
API response, the PDF and the e-mails read those stored figures, so nothing recomputes one elsewhere.

Rules (EN 16931):

* a line's net amount is ``quantity × price × (1 − discount/100)`` rounded half-up to the
  currency's minor unit;
* tax is computed per tax (name and rate) on the *sum* of the line nets that carry it, then
  rounded, so ``total_with_tax == total + total_tax`` exactly;
* with ``prices_include_tax`` the prices are gross: lines sharing the same set of taxes are summed
  gross, the net is taken out of that sum once and the tax is the difference, so the document's
  gross total is exactly the sum of the gross line amounts the buyer saw.

A line's own ``tax``/``total_with_tax`` are for display; the document figures come from the
per-rate breakdown.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from decimal import Decimal

from msgspec import Struct

from invoicing.core.money import ZERO, round_money

HUNDRED = Decimal(100)
TaxKey = tuple[str, Decimal, str | None]


class Tax(Struct, frozen=True):
    """One tax on a line: its rate in percent (22 for 22 %) and its name."""

    rate: Decimal
    name: str = "VAT"
    category: str | None = None
    """EN 16931 VAT category code (S, Z, E, AE, K, G, O); None on lines stored before tax treatment."""

    @property
    def key(self) -> tuple[str, Decimal, str | None]:
        return (self.name, self.rate.normalize(), self.category)


class Line(Struct, frozen=True):
    """What the totals depend on. :class:`invoicing.core.lines.StoredLine` extends it with the rest."""

    quantity: Decimal
    price: Decimal
    taxes: tuple[Tax, ...] = ()
    discount: Decimal = ZERO


class LineTotals(Struct, frozen=True):
    total: Decimal
    total_tax: Decimal
    total_with_tax: Decimal


class TaxTotal(Struct, frozen=True):
    name: str
    rate: Decimal
    base: Decimal
    amount: Decimal
    category: str | None = None


class Totals(Struct, frozen=True):
    currency: str
    lines: tuple[LineTotals, ...]
    taxes: tuple[TaxTotal, ...]
    total: Decimal
    total_tax: Decimal
    total_with_tax: Decimal
    total_discount: Decimal = ZERO


def _line_amount(line: Line, currency: str) -> tuple[Decimal, Decimal]:
    """(amount after discount, discount amount), both rounded to the currency."""
    gross = line.quantity * line.price
    discount = gross * line.discount / HUNDRED if line.discount else ZERO
    amount = round_money(gross - discount, currency)
    return amount, round_money(gross, currency) - amount


def _tax_set_rate(taxes: tuple[Tax, ...]) -> Decimal:
    return sum((t.rate for t in taxes), ZERO)


def compute_totals(lines: Sequence[Line], currency: str, *, prices_include_tax: bool = False) -> Totals:
    if prices_include_tax:
        return _compute_gross(lines, currency)
    return _compute_net(lines, currency)


def _breakdown(bases: dict[TaxKey, Decimal], amounts: dict[TaxKey, Decimal]) -> tuple[TaxTotal, ...]:
    return tuple(
        TaxTotal(name=key[0], rate=key[1], base=bases[key], amount=amounts[key], category=key[2])
        for key in sorted(bases, key=lambda k: (-k[1], k[0], k[2] or ""))
    )


def _compute_net(lines: Sequence[Line], currency: str) -> Totals:
    line_totals = []
    bases: dict[TaxKey, Decimal] = defaultdict(lambda: ZERO)
    total = ZERO
    total_discount = ZERO
    for line in lines:
        net, discount = _line_amount(line, currency)
        line_tax = ZERO
        for tax in line.taxes:
            bases[tax.key] += net
            line_tax += round_money(net * tax.rate / HUNDRED, currency)
        line_totals.append(LineTotals(total=net, total_tax=line_tax, total_with_tax=net + line_tax))
        total += net
        total_discount += discount
    amounts = {key: round_money(base * key[1] / HUNDRED, currency) for key, base in bases.items()}
    total_tax = sum(amounts.values(), ZERO)
    return Totals(
        currency=currency,
        lines=tuple(line_totals),
        taxes=_breakdown(bases, amounts),
        total=total,
        total_tax=total_tax,
        total_with_tax=total + total_tax,
        total_discount=total_discount,
    )


def _compute_gross(lines: Sequence[Line], currency: str) -> Totals:
    line_totals = []
    groups: dict[tuple, Decimal] = defaultdict(lambda: ZERO)  # tax set → gross sum
    group_taxes: dict[tuple, tuple[Tax, ...]] = {}
    total_discount = ZERO
    for line in lines:
        gross, discount = _line_amount(line, currency)
        rate = _tax_set_rate(line.taxes)
        net = round_money(gross * HUNDRED / (HUNDRED + rate), currency)
        line_totals.append(LineTotals(total=net, total_tax=gross - net, total_with_tax=gross))
        key = tuple(sorted(t.key for t in line.taxes))
        groups[key] += gross
        group_taxes[key] = line.taxes
        total_discount += discount

    bases: dict[TaxKey, Decimal] = defaultdict(lambda: ZERO)
    amounts: dict[TaxKey, Decimal] = defaultdict(lambda: ZERO)
    total = ZERO
    total_with_tax = ZERO
    for key, gross in groups.items():
        taxes = group_taxes[key]
        rate = _tax_set_rate(taxes)
        net = round_money(gross * HUNDRED / (HUNDRED + rate), currency)
        remaining = gross - net
        for i, tax in enumerate(taxes):
            # the last tax takes the rounding remainder so net + taxes == gross exactly
            amount = remaining if i == len(taxes) - 1 else round_money(net * tax.rate / HUNDRED, currency)
            remaining -= amount
            bases[tax.key] += net
            amounts[tax.key] += amount
        total += net
        total_with_tax += gross
    return Totals(
        currency=currency,
        lines=tuple(line_totals),
        taxes=_breakdown(bases, amounts),
        total=total,
        total_tax=total_with_tax - total,
        total_with_tax=total_with_tax,
        total_discount=total_discount,
    )

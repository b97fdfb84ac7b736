"""The one computation of a document's totals.

The figures are stored on the document when it is written (:mod:`invoicing.documents.lines`); the
API response, the PDF and the e-mails read those stored figures, so nothing recomputes one elsewhere.

Rules (EN 16931):

* a line's net amount is ``quantity × price × (1 − discount/100)`` rounded half-up to the
  currency's minor unit; a line may be negative (a voucher, a return);
* document-level allowances (BG-20) and charges (BG-21) sit on one set of taxes (a VAT rate) each;
  one that names no taxes is spread over the document's sets of taxes in proportion to their line
  amounts (one stored entry per set), a percent one takes that percent of each set's line amount;
* tax is computed per tax (name and rate) on the *sum* of the line nets that carry it, less the
  allowances and plus the charges on it (BT-116), then rounded, so
  ``total_with_tax == total + total_tax`` exactly, where ``total`` is the amount the tax is computed
  on (BT-109) = ``total_lines`` (BT-106) − ``total_allowances`` (BT-107) + ``total_charges`` (BT-108);
* with ``prices_include_tax`` the prices (and allowance and charge amounts) are gross: lines sharing
  the same set of taxes are summed gross, the allowances and charges on that set are taken off and
  added gross, the net is taken out of that sum once and the tax is the difference, so the document's
  gross total is exactly the sum of the gross amounts the buyer saw. An allowance's net amount is the
  change it makes to its set's net, so the net figures add up exactly too.

A line's own ``tax``/``total_with_tax`` are for display; the document figures come from the
per-rate breakdown.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from decimal import ROUND_FLOOR, Decimal

from msgspec import Struct, structs

from contract.errors import ValidationFailed
from invoicing.core.money import ZERO, format_decimal, quantum, round_money

HUNDRED = Decimal(100)
TaxKey = tuple[str, Decimal, str | None]
SetKey = tuple[TaxKey, ...]


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


class Adjustment(Struct, frozen=True, kw_only=True):
    """A document-level allowance (EN 16931 BG-20) or charge (BG-21) as asked for: an ``amount`` (net, or
    gross with ``prices_include_tax``) or a ``percent`` of the line amounts it applies to, on the lines'
    set of ``taxes`` it names (matched by name and rate), or spread over all of them when ``taxes`` is None."""

    charge: bool = False
    index: int = 0
    """Its position in the request's ``allowances`` or ``charges`` (for the field a 422 names)."""
    reason: str
    reason_code: str | None = None
    amount: Decimal | None = None
    percent: Decimal | None = None
    taxes: tuple[Tax, ...] | None = None

    @property
    def field(self) -> str:
        return f"{'charges' if self.charge else 'allowances'}[{self.index}]"


class AllowanceCharge(Struct, frozen=True, kw_only=True):
    """One allowance or charge on one set of taxes, as stored on the document."""

    charge: bool = False
    reason: str
    reason_code: str | None = None
    percent: Decimal | None = None
    base: Decimal | None = None
    """With ``percent``: the line amount of its set of taxes it is a percent of (BT-93/BT-100)."""
    amount: Decimal
    """In the document's price terms: net, or gross with ``prices_include_tax``."""
    net: Decimal
    """The net amount (BT-92/BT-99): what it takes off (adds to) its set's tax base."""
    taxes: tuple[Tax, ...] = ()
    spread: bool = False
    """It named no taxes and was spread over the document's sets of taxes (spread again on a draft's update)."""
    source: int = 0
    """The index of the request's allowance or charge it comes from (one per set when spread)."""


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


class Deduction(Struct, frozen=True, kw_only=True):
    """An advance invoice deducted on a final invoice, as stored on the final invoice: the advance's own tax
    breakdown (what it deducts at each rate) and totals, copied when the final invoice was composed."""

    advance_invoice_id: str
    number: str
    date: dt.date
    taxes: tuple[TaxTotal, ...]
    total: Decimal
    total_tax: Decimal
    total_with_tax: Decimal


class Totals(Struct, frozen=True):
    currency: str
    lines: tuple[LineTotals, ...]
    taxes: tuple[TaxTotal, ...]
    total: Decimal
    """The net amount the tax is computed on (BT-109): ``total_lines − total_allowances + total_charges``."""
    total_tax: Decimal
    total_with_tax: Decimal
    total_discount: Decimal = ZERO
    total_lines: Decimal = ZERO
    total_allowances: Decimal = ZERO
    total_charges: Decimal = ZERO
    allowance_charges: tuple[AllowanceCharge, ...] = ()


def _line_amount(line: Line, currency: str) -> tuple[Decimal, Decimal]:
    """(amount after discount, discount amount), both rounded to the currency."""
    gross = line.quantity * line.price
    discount = gross * line.discount / HUNDRED if line.discount else ZERO
    amount = round_money(gross - discount, currency)
    return amount, round_money(gross, currency) - amount


def _tax_set_rate(taxes: tuple[Tax, ...]) -> Decimal:
    return sum((t.rate for t in taxes), ZERO)


def _set_key(taxes: tuple[Tax, ...]) -> SetKey:
    return tuple(sorted((t.key for t in taxes), key=lambda k: (k[0], k[1], k[2] or "")))


def _named(taxes: tuple[Tax, ...]) -> tuple[tuple[str, Decimal], ...]:
    return tuple(sorted((t.name, t.rate.normalize()) for t in taxes))


def _matching(
    taxes: tuple[Tax, ...], groups: dict[SetKey, Decimal], taxes_of: dict[SetKey, tuple[Tax, ...]]
) -> SetKey | None:
    """The lines' set of taxes with these names and rates; else the only one with these rates (the name
    given may be the default while the lines carry the seller's own name for VAT)."""
    wanted = _named(taxes)
    exact = [k for k in groups if _named(taxes_of[k]) == wanted]
    if exact:
        return exact[0]
    rates = sorted(rate for _, rate in wanted)
    by_rate = [k for k in groups if sorted(rate for _, rate in _named(taxes_of[k])) == rates]
    return by_rate[0] if len(by_rate) == 1 else None


def describe(taxes: tuple[Tax, ...]) -> str:
    """``VAT 22 %`` (``no tax`` for none), for messages."""
    return ", ".join(f"{t.name} {format_decimal(t.rate)} %" for t in taxes) or "no tax"


def compute_totals(
    lines: Sequence[Line],
    currency: str,
    *,
    prices_include_tax: bool = False,
    adjustments: Sequence[Adjustment] = (),
) -> Totals:
    amounts = [_line_amount(line, currency) for line in lines]
    groups: dict[SetKey, Decimal] = {}  # set of taxes → line amount (net, or gross), in the lines' order
    taxes_of: dict[SetKey, tuple[Tax, ...]] = {}
    for line, (amount, _) in zip(lines, amounts, strict=True):
        key = _set_key(line.taxes)
        groups[key] = groups.get(key, ZERO) + amount
        taxes_of[key] = line.taxes
    entries = _resolve(adjustments, groups, taxes_of, currency)
    compute = _compute_gross if prices_include_tax else _compute_net
    totals = compute(lines, [a for a, _ in amounts], groups, taxes_of, entries, currency)
    return structs.replace(totals, total_discount=sum((d for _, d in amounts), ZERO))


def _resolve(
    adjustments: Sequence[Adjustment],
    groups: dict[SetKey, Decimal],
    taxes_of: dict[SetKey, tuple[Tax, ...]],
    currency: str,
) -> list[tuple[SetKey, AllowanceCharge]]:
    """Each allowance and charge on its set(s) of taxes with its amount; a 422 names the one at fault."""
    out = []
    for adj in adjustments:
        if adj.taxes is not None:
            key = _matching(adj.taxes, groups, taxes_of)
            if key is None:
                raise ValidationFailed.field(
                    f"{adj.field}.taxes",
                    f"no line carries {describe(adj.taxes)}: an allowance or charge goes on the taxes of some "
                    "of the document's lines (leave taxes out to spread it over all of them)",
                )
            targets = [key]
        else:
            targets = [k for k, amount in groups.items() if amount > 0]
            if not targets:
                raise ValidationFailed.field(adj.field, "the document has no line amounting to more than 0 for it")
        if adj.percent is not None:
            if groups[targets[0]] <= 0:
                raise ValidationFailed.field(
                    f"{adj.field}.percent",
                    f"the lines with {describe(taxes_of[targets[0]])} amount to "
                    f"{format_decimal(groups[targets[0]])}; a percent applies to an amount above zero",
                )
            parts = [(k, round_money(adj.percent * groups[k] / HUNDRED, currency)) for k in targets]
        else:
            assert adj.amount is not None  # one of amount and percent (documents.lines)
            parts = _split(round_money(adj.amount, currency), [(k, groups[k]) for k in targets], currency)
        for key, amount in parts:
            entry = AllowanceCharge(
                charge=adj.charge,
                reason=adj.reason,
                reason_code=adj.reason_code,
                percent=adj.percent,
                base=groups[key] if adj.percent is not None else None,
                amount=amount,
                net=amount,
                taxes=taxes_of[key],
                spread=adj.taxes is None,
                source=adj.index,
            )
            out.append((key, entry))
    return out


def _split(amount: Decimal, weights: list[tuple[SetKey, Decimal]], currency: str) -> list[tuple[SetKey, Decimal]]:
    """``amount`` in parts proportional to the (positive) weights, in whole minor units that add up exactly
    (largest remainder: the parts rounded down, the units left over to the largest fractions)."""
    if len(weights) == 1:
        return [(weights[0][0], amount)]
    unit = quantum(currency)
    whole = sum((w for _, w in weights), ZERO)
    exact = [amount * w / whole for _, w in weights]
    parts = [(e / unit).to_integral_value(ROUND_FLOOR) * unit for e in exact]
    left = int((amount - sum(parts, ZERO)) / unit)
    for i in sorted(range(len(parts)), key=lambda i: (parts[i] - exact[i], i))[:left]:
        parts[i] += unit
    return [(key, part) for (key, _), part in zip(weights, parts, strict=True)]


def _breakdown(bases: dict[TaxKey, Decimal], amounts: dict[TaxKey, Decimal]) -> tuple[TaxTotal, ...]:
    return tuple(
        TaxTotal(name=key[0], rate=key[1], base=bases[key], amount=amounts[key], category=key[2])
        for key in sorted(bases, key=lambda k: (-k[1], k[0], k[2] or ""))
    )


def _totals(
    currency: str,
    lines: list[LineTotals],
    taxes: tuple[TaxTotal, ...],
    entries: tuple[AllowanceCharge, ...],
    *,
    total: Decimal,
    total_with_tax: Decimal,
    total_lines: Decimal,
) -> Totals:
    return Totals(
        currency=currency,
        lines=tuple(lines),
        taxes=taxes,
        total=total,
        total_tax=total_with_tax - total,
        total_with_tax=total_with_tax,
        total_lines=total_lines,
        total_allowances=sum((e.net for e in entries if not e.charge), ZERO),
        total_charges=sum((e.net for e in entries if e.charge), ZERO),
        allowance_charges=entries,
    )


def _signed(entry: AllowanceCharge) -> Decimal:
    return entry.amount if entry.charge else -entry.amount


def _compute_net(
    lines: Sequence[Line],
    amounts: list[Decimal],
    groups: dict[SetKey, Decimal],
    taxes_of: dict[SetKey, tuple[Tax, ...]],
    entries: list[tuple[SetKey, AllowanceCharge]],
    currency: str,
) -> Totals:
    line_totals = []
    for line, net in zip(lines, amounts, strict=True):
        line_tax = sum((round_money(net * tax.rate / HUNDRED, currency) for tax in line.taxes), ZERO)
        line_totals.append(LineTotals(total=net, total_tax=line_tax, total_with_tax=net + line_tax))
    bases: dict[TaxKey, Decimal] = defaultdict(lambda: ZERO)
    total = ZERO
    for key, amount in groups.items():
        net = amount + sum((_signed(e) for k, e in entries if k == key), ZERO)
        for tax in taxes_of[key]:
            bases[tax.key] += net
        total += net
    tax_amounts = {key: round_money(base * key[1] / HUNDRED, currency) for key, base in bases.items()}
    return _totals(
        currency,
        line_totals,
        _breakdown(bases, tax_amounts),
        tuple(e for _, e in entries),
        total=total,
        total_with_tax=total + sum(tax_amounts.values(), ZERO),
        total_lines=sum(amounts, ZERO),
    )


def _compute_gross(
    lines: Sequence[Line],
    amounts: list[Decimal],
    groups: dict[SetKey, Decimal],
    taxes_of: dict[SetKey, tuple[Tax, ...]],
    entries: list[tuple[SetKey, AllowanceCharge]],
    currency: str,
) -> Totals:
    def net_of(gross: Decimal, rate: Decimal) -> Decimal:
        return round_money(gross * HUNDRED / (HUNDRED + rate), currency)

    line_totals = []
    for line, gross in zip(lines, amounts, strict=True):
        net = net_of(gross, _tax_set_rate(line.taxes))
        line_totals.append(LineTotals(total=net, total_tax=gross - net, total_with_tax=gross))

    bases: dict[TaxKey, Decimal] = defaultdict(lambda: ZERO)
    tax_amounts: dict[TaxKey, Decimal] = defaultdict(lambda: ZERO)
    resolved = [e for _, e in entries]
    total = total_lines = total_with_tax = ZERO
    for key, lines_gross in groups.items():
        taxes = taxes_of[key]
        rate = _tax_set_rate(taxes)
        gross = lines_gross
        for i, (k, entry) in enumerate(entries):
            if k == key:
                before = net_of(gross, rate)
                gross += _signed(entry)
                change = net_of(gross, rate) - before
                resolved[i] = structs.replace(entry, net=change if entry.charge else -change)
        net = net_of(gross, rate)
        remaining = gross - net
        for j, tax in enumerate(taxes):
            # the last tax takes the rounding remainder so net + taxes == gross exactly
            amount = remaining if j == len(taxes) - 1 else round_money(net * tax.rate / HUNDRED, currency)
            remaining -= amount
            bases[tax.key] += net
            tax_amounts[tax.key] += amount
        total += net
        total_lines += net_of(lines_gross, rate)
        total_with_tax += gross
    return _totals(
        currency,
        line_totals,
        _breakdown(bases, tax_amounts),
        tuple(resolved),
        total=total,
        total_with_tax=total_with_tax,
        total_lines=total_lines,
    )

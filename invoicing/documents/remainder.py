"""What is left to credit on an invoice, per rate, so that credit notes always add up to it exactly.

A *rate* here is the set of taxes a line carries (``VAT 22 %``; ``()`` for untaxed lines). A document
holds a net amount per rate and an amount per tax, both read from its stored tax breakdown (the figures
the totals function computed, so a document-level rounding, allowance or gross-price split is taken as
stored): :class:`Holding`. What is left to credit is the invoice's holding minus its credit notes'.
A credit note may not exceed it at any rate; one that credits the whole remaining net (gross, for
gross-price invoices) of every rate carrying a tax takes exactly the tax left of it, and otherwise never
more tax than is left, so the rounding of partial credits never leaves a cent behind or asks for one more
(:func:`settle`).

A tax carried by two different rates (a line with ``VAT 22 %`` and another with ``VAT 22 % + Eco 1 %``)
has one amount in the breakdown: those rates take their net from their lines, and for display the tax is
split between them (each its rounded share, the last what is left: :meth:`Holding.portions`).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal

import msgspec
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from contract.errors import ValidationFailed
from invoicing.core.lines import StoredLine
from invoicing.core.money import ZERO, format_decimal, round_money
from invoicing.core.totals import HUNDRED, Tax, TaxKey, TaxTotal
from invoicing.db.models import Document
from invoicing.documents.output import money
from invoicing.documents.schemas import CreditableOut, InvoiceOut, LineTaxOut
from invoicing.documents.treatment import describe_rates, tax_set

RateKey = tuple[TaxKey, ...]


@dataclass
class Portion:
    """One rate's figures: its net and its share of each of its taxes."""

    taxes: tuple[Tax, ...]
    net: Decimal
    tax: dict[TaxKey, Decimal]

    @property
    def total_tax(self) -> Decimal:
        return sum(self.tax.values(), ZERO)

    @property
    def total(self) -> Decimal:
        return self.net + self.total_tax


@dataclass
class Holding:
    """What a document holds, or what is left to credit: the net per rate and the amount per tax."""

    currency: str
    rates: dict[RateKey, tuple[Tax, ...]]
    net: dict[RateKey, Decimal]
    tax: dict[TaxKey, Decimal]

    @classmethod
    def of(cls, doc: Document) -> Holding:
        rates: dict[RateKey, tuple[Tax, ...]] = {}
        lines_net: dict[RateKey, Decimal] = {}
        for line in doc.items:
            key = tax_set(line.taxes)
            rates.setdefault(key, line.taxes)
            lines_net[key] = lines_net.get(key, ZERO) + line.total
        carriers = Counter(k for key in rates for k in key)
        breakdown = {(t.name, t.rate.normalize(), t.category): t for t in doc.taxes or []}
        net = {}
        rest = [key for key in rates if not (key and all(carriers[k] == 1 and k in breakdown for k in key))]
        for key in rates:
            net[key] = lines_net[key] if key in rest else breakdown[key[0]].base
        if rest:  # lines' nets are rounded shares (gross prices): the last such rate makes the total exact
            net[rest[-1]] = doc.total - sum((v for key, v in net.items() if key != rest[-1]), ZERO)
        tax = {k: breakdown[k].amount if k in breakdown else ZERO for k in carriers}
        return cls(doc.currency_code, rates, net, tax)

    def portions(self) -> dict[RateKey, Portion]:
        """Each rate's net and its share of each tax (a tax on one rate is all that rate's)."""
        out = {key: Portion(taxes, self.net[key], {}) for key, taxes in self.rates.items()}
        for k, amount in self.tax.items():
            holders = [part for key, part in out.items() if k in key]
            rest = amount
            for part in holders[:-1]:
                part.tax[k] = min(round_money(part.net * k[1] / HUNDRED, self.currency), rest)
                rest -= part.tax[k]
            holders[-1].tax[k] = rest
        return out


def remainder(invoice: Document, credit_notes: Iterable[Document]) -> Holding:
    """What is left to credit (never below zero)."""
    left = Holding.of(invoice)
    for note in credit_notes:
        held = Holding.of(note)
        for key, amount in held.net.items():
            if key in left.net:
                left.net[key] -= amount
        for k, amount in held.tax.items():
            if k in left.tax:
                left.tax[k] -= amount
    left.net = {key: max(v, ZERO) for key, v in left.net.items()}
    left.tax = {k: max(v, ZERO) for k, v in left.tax.items()}
    return left


def settle(doc: Document, left: Holding) -> ValidationFailed | None:
    """Hold the credit note ``doc`` (totals applied) to what is ``left``. A tax all of whose rates it
    credits in full (their whole remaining net; gross, for gross prices) takes exactly what is left of
    it; otherwise never more than that. ``doc``'s tax breakdown and totals are rewritten when that changed
    a figure. Returns the 422 for the first rate it credits more than is left at (the caller raises it,
    unless the total is over as well)."""
    gross = doc.prices_include_tax
    mine = Holding.of(doc)
    left_parts = left.portions()
    entered = dict(mine.net)
    if gross:  # the gross the lines were entered with, per rate
        entered = {key: ZERO for key in mine.rates}
        for line in doc.items:
            entered[tax_set(line.taxes)] += line.total_with_tax
    over: ValidationFailed | None = None
    closed = set()
    for key, amount in entered.items():
        rest = left_parts.get(key)
        most = ZERO if rest is None else rest.total if gross else rest.net
        if amount > most and over is None:
            over = ValidationFailed.field(
                "items",
                f"credits {money(doc, amount)} {doc.currency_code} {'gross' if gross else 'net'} at "
                f"{describe_rates([mine.rates[key]])} but only {money(doc, most)} {doc.currency_code} "
                "is left to credit at that rate",
            )
        if amount == most:
            closed.add(key)
    taxes = {}
    for k, amount in mine.tax.items():
        carriers = [key for key in left.rates if k in key]
        everything = all(key in closed or (key not in mine.rates and left.net[key] == 0) for key in carriers)
        taxes[k] = left.tax.get(k, ZERO) if everything else min(amount, left.tax.get(k, ZERO))
    if over or taxes == mine.tax:
        return over
    settled = Holding(mine.currency, mine.rates, dict(mine.net), taxes)
    for key in closed:
        settled.net[key] = left.net[key]
    if gross:  # keep the gross as entered: the net is what the tax leaves of it
        for key, part in settled.portions().items():
            if key not in closed:
                settled.net[key] = entered[key] - part.total_tax
    _rewrite(doc, settled)
    return None


def _rewrite(doc: Document, settled: Holding) -> None:
    doc.taxes = [
        TaxTotal(
            name=k[0],
            rate=k[1],
            base=sum((net for key, net in settled.net.items() if k in key), ZERO),
            amount=amount,
            category=k[2],
        )
        for k, amount in sorted(settled.tax.items(), key=lambda item: (-item[0][1], item[0][0], item[0][2] or ""))
    ]
    doc.total = sum(settled.net.values(), ZERO)
    doc.total_tax = sum(settled.tax.values(), ZERO)
    doc.total_with_tax = doc.total + doc.total_tax
    parts = settled.portions()
    lines_at = Counter(tax_set(line.taxes) for line in doc.items)
    items: list[StoredLine] = []
    for line in doc.items:
        key = tax_set(line.taxes)
        if lines_at[key] == 1:  # a rate's only line shows the rate's figures
            part = parts[key]
            line = msgspec.structs.replace(line, total=part.net, total_tax=part.total_tax, total_with_tax=part.total)
        items.append(line)
    doc.items = items


def creditable_out(left: Holding, doc: Document) -> list[CreditableOut]:
    """The API's view of :func:`remainder`: one entry per rate with something left."""
    return [
        CreditableOut(
            taxes=[LineTaxOut(rate=format_decimal(t.rate), name=t.name, category=t.category) for t in part.taxes],
            net=money(doc, part.net),
            tax=money(doc, part.total_tax),
            total=money(doc, part.total),
        )
        for part in left.portions().values()
        if part.total > 0
    ]


async def credit_notes_of(session: AsyncSession, invoices: Iterable[Document]) -> dict[str, list[Document]]:
    """The credit notes of each of ``invoices`` by invoice id (one query; none when none has any)."""
    ids = [cn for invoice in invoices for cn in invoice.credit_note_ids or []]
    out: dict[str, list[Document]] = {}
    if ids:
        for note in (await session.execute(select(Document).where(Document.id.in_(ids)))).scalars():
            out.setdefault(note.invoice_id or "", []).append(note)
    return out


async def fill_creditable(session: AsyncSession, pairs: Sequence[tuple[InvoiceOut, Document]]) -> None:
    """Set each answer's ``creditable`` from its invoice and credit notes (one query for all of them)."""
    notes = await credit_notes_of(session, [doc for _, doc in pairs if doc.status not in ("draft", "voided")])
    for out, doc in pairs:
        draft_or_void = doc.status in ("draft", "voided")
        out.creditable = [] if draft_or_void else creditable_out(remainder(doc, notes.get(doc.id, [])), doc)

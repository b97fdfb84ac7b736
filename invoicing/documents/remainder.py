"""What is left to credit on an invoice, per rate, so that credit notes always add up to it exactly.

A *rate* here is the set of taxes a line carries (``VAT 22 %``; ``()`` for untaxed lines): each
document holds, per rate, a net amount and the tax of each of its taxes, read from its stored tax
breakdown (the per-rate figures the totals function computed; so a document-level rounding, allowance
or gross-price split is taken as stored). What remains to credit per rate is the invoice's portion
minus its credit notes' portions. A credit note may not exceed it at any rate; one that credits the
whole remaining net (gross, for gross-price invoices) of a rate takes exactly the remaining tax of it,
and otherwise never more tax than remains, so the rounding of partial credits never leaves a cent
behind or asks for one more (:func:`settle`).

A tax shared by two different sets (a line with ``VAT 22 %`` and another with ``VAT 22 % + Eco 1 %``)
cannot be split from the breakdown; such sets are read from their lines' own figures instead.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
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
    """What a document holds at one rate: its net and the amount of each of its taxes."""

    taxes: tuple[Tax, ...]
    net: Decimal
    tax: dict[TaxKey, Decimal] = field(default_factory=dict)

    @property
    def total_tax(self) -> Decimal:
        return sum(self.tax.values(), ZERO)

    @property
    def total(self) -> Decimal:
        return self.net + self.total_tax


def _key(t: TaxTotal) -> TaxKey:
    return (t.name, t.rate.normalize(), t.category)


def portions(doc: Document) -> dict[RateKey, Portion]:
    """``doc``'s figures per rate, in the order its lines first use them."""
    sets: dict[RateKey, tuple[Tax, ...]] = {}
    nets: dict[RateKey, Decimal] = {}
    for line in doc.items:
        key = tax_set(line.taxes)
        sets.setdefault(key, line.taxes)
        nets[key] = nets.get(key, ZERO) + line.total
    owners = Counter(k for key in sets for k in key)
    breakdown = {_key(t): t for t in doc.taxes or []}
    out = {}
    for key, taxes in sets.items():
        if key and all(owners[k] == 1 and k in breakdown for k in key):
            out[key] = Portion(taxes, breakdown[key[0]].base, {k: breakdown[k].amount for k in key})
        else:
            net = nets[key]
            out[key] = Portion(taxes, net, {k: round_money(net * k[1] / HUNDRED, doc.currency_code) for k in key})
    return out


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


def remainder(invoice: Document, credit_notes: Iterable[Document]) -> dict[RateKey, Portion]:
    """What is left to credit per rate (never below zero)."""
    left = portions(invoice)
    for note in credit_notes:
        for key, part in portions(note).items():
            if key in left:
                rest = left[key]
                rest.net -= part.net
                for k, amount in part.tax.items():
                    rest.tax[k] = rest.tax.get(k, ZERO) - amount
    for rest in left.values():
        rest.net = max(rest.net, ZERO)
        rest.tax = {k: max(v, ZERO) for k, v in rest.tax.items()}
    return left


def settle(doc: Document, left: dict[RateKey, Portion]) -> ValidationFailed | None:
    """Hold the credit note ``doc`` (totals applied) to what is ``left`` per rate: the whole remaining net
    (gross) of a rate takes exactly its remaining tax; a partial credit never takes more tax than remains.
    ``doc``'s tax breakdown and totals are rewritten when that changed a figure. Returns the 422 for the
    first rate it credits more than is left at (the caller raises it, unless the total is over as well)."""
    gross = doc.prices_include_tax
    mine = portions(doc)
    settled: dict[RateKey, Portion] = {}
    over: ValidationFailed | None = None
    for key, part in mine.items():
        rest = left.get(key) or Portion(part.taxes, ZERO, {k: ZERO for k in key})
        amount, most = (part.total, rest.total) if gross else (part.net, rest.net)
        if amount > most:
            what = "gross" if gross else "net"
            over = over or ValidationFailed.field(
                "items",
                f"credits {money(doc, amount)} {doc.currency_code} {what} at {describe_rates([part.taxes])} "
                f"but only {money(doc, most)} {doc.currency_code} is left to credit at that rate",
            )
            settled[key] = part
        elif amount == most:
            settled[key] = Portion(part.taxes, rest.net, dict(rest.tax))
        else:
            tax = {k: min(v, rest.tax.get(k, ZERO)) for k, v in part.tax.items()}
            net = amount - sum(tax.values(), ZERO) if gross else part.net
            settled[key] = Portion(part.taxes, net, tax)
    if any(settled[k].net != p.net or settled[k].tax != p.tax for k, p in mine.items()):
        _rewrite(doc, settled)
    return over


def _rewrite(doc: Document, settled: dict[RateKey, Portion]) -> None:
    bases: dict[TaxKey, Decimal] = {}
    amounts: dict[TaxKey, Decimal] = {}
    for part in settled.values():
        for k, amount in part.tax.items():
            bases[k] = bases.get(k, ZERO) + part.net
            amounts[k] = amounts.get(k, ZERO) + amount
    doc.taxes = [
        TaxTotal(name=k[0], rate=k[1], base=bases[k], amount=amounts[k], category=k[2])
        for k in sorted(bases, key=lambda k: (-k[1], k[0], k[2] or ""))
    ]
    doc.total = sum((p.net for p in settled.values()), ZERO)
    doc.total_tax = sum((p.total_tax for p in settled.values()), ZERO)
    doc.total_with_tax = doc.total + doc.total_tax
    lines_at = Counter(tax_set(line.taxes) for line in doc.items)
    items: list[StoredLine] = []
    for line in doc.items:
        key = tax_set(line.taxes)
        if lines_at[key] == 1:  # a rate's only line shows the rate's figures
            part = settled[key]
            line = msgspec.structs.replace(line, total=part.net, total_tax=part.total_tax, total_with_tax=part.total)
        items.append(line)
    doc.items = items


def creditable_out(left: dict[RateKey, Portion], doc: Document) -> list[CreditableOut]:
    """The API's view of :func:`remainder`: one entry per rate with something left."""
    return [
        CreditableOut(
            taxes=[LineTaxOut(rate=format_decimal(t.rate), name=t.name, category=t.category) for t in part.taxes],
            net=money(doc, part.net),
            tax=money(doc, part.total_tax),
            total=money(doc, part.total),
        )
        for part in left.values()
        if part.total > 0
    ]

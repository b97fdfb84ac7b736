"""The VAT decision (:func:`invoicing.tax.decide`) applied to a document.

::

    seller  = the entity: country, is_tax_subject, settings.tax.oss_registered, and its cross-border
              EU B2C sales of goods/digital this and last calendar year (:func:`eu_b2c_sales`, asked
              only when a line is such a sale and the seller is not OSS-registered)
    buyer   = the customer snapshot: country, is_business, tax_number, and the VIES status resolved
              before the request touched its transaction (:mod:`invoicing.documents.vies_evidence`)
    lines   = kind, tax_class, and the rates of the taxes a line named (None: Folio picks)

A line that named its taxes keeps them; each of its taxes gets the line's EN 16931 category. A line
that named none carries one tax at the decided rate with its category, named in the seller country's
language (:func:`invoicing.tax.tax_name`: ``DDV``, ``MwSt.``; 0 % lines too: reverse charge is
``DDV 0 % AE``), except when the decision calls for no VAT line at all (``manual``:
a seller outside the EU, and ``not_taxable``: a seller that is not a tax subject), where it carries
none, as before. The document keeps ``tax_treatment`` = ``{code, reason, legal_note, vies}``.

Documents dated before the rates table starts (2023) may still name their taxes: their treatment is
then decided with the table's first rates (a line naming no taxes is refused, 422 ``date``).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from decimal import Decimal
from typing import Any

import msgspec
from sqlalchemy import case, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from contract.errors import ValidationFailed
from invoicing.core.lines import DocumentLine
from invoicing.core.totals import Tax, TaxKey
from invoicing.customers.service import is_business
from invoicing.db.models import Document, Entity
from invoicing.entities.settings import Settings
from invoicing.tax import decide
from invoicing.tax.model import Buyer, Decision, Line, Seller
from invoicing.tax.names import VAT_NAMES, tax_name
from invoicing.tax.rates import TABLE_START

NO_TAX_LINE = frozenset({"manual", "not_taxable"})
DISTANCE_KINDS = frozenset({"goods", "digital"})
SALES_CODES = ("oss", "intra_eu_b2c_domestic")


def _tax_line(line: DocumentLine) -> Line:
    taxes = None if line.decided_taxes else tuple(t.rate for t in line.taxes)
    return Line(kind=line.kind, tax_class=line.tax_class, taxes=taxes)


def _buyer(customer: dict[str, Any], vies: dict[str, Any] | None) -> Buyer:
    number = customer.get("tax_number")
    return Buyer(
        country=customer.get("country") or "",
        is_business=is_business(customer.get("is_business"), number),
        vat_number=number,
        vies=vies["status"] if vies else None,
    )


def _decide(seller: Seller, buyer: Buyer, lines: Sequence[Line], on: date, locale: str | None) -> Decision:
    if on < TABLE_START and all(line.taxes is not None for line in lines):
        on = TABLE_START
    try:
        return decide(seller, buyer, lines, on, locale)
    except ValidationFailed as exc:
        errors = [{**e, "field": e["field"].replace("lines[", "items[", 1)} for e in exc.errors or []]
        if not errors:
            raise
        raise ValidationFailed(f"{errors[0]['field']}: {errors[0]['message']}", errors=errors) from None


def _needs_sales(seller: Seller, decision: Decision, lines: Sequence[Line]) -> bool:
    return not seller.oss_registered and any(
        d.code == "intra_eu_b2c_domestic" and line.kind in DISTANCE_KINDS
        for d, line in zip(decision.lines, lines, strict=True)
    )


async def eu_b2c_sales(session: AsyncSession, entity_id: str, on: date, exclude: str | None) -> tuple[Decimal, Decimal]:
    """(this year, last year): EUR net of goods/digital sold to consumers in other member states on the
    entity's issued invoices (one aggregate). Invoices in other currencies are not counted (Folio keeps
    no exchange rates): a seller invoicing EU consumers in another currency should register for OSS
    (``settings.tax.oss_registered``) once it passes the threshold."""
    this_year = date(on.year, 1, 1)
    amount = Document.eu_b2c_sales
    stmt = select(
        func.coalesce(func.sum(case((Document.date >= this_year, amount), else_=0)), 0),
        func.coalesce(func.sum(case((Document.date < this_year, amount), else_=0)), 0),
    ).where(
        Document.entity_id == entity_id,
        Document.type == "invoice",
        Document.status.notin_(("draft", "voided")),
        Document.eu_b2c_sales.is_not(None),
        Document.date >= date(on.year - 1, 1, 1),
        Document.date < date(on.year + 1, 1, 1),
        Document.id != (exclude or ""),
    )
    row = (await session.execute(stmt)).one()
    return Decimal(str(row[0])), Decimal(str(row[1]))


async def apply_treatment(
    session: AsyncSession,
    entity: Entity,
    settings: Settings,
    doc: Document,
    lines: Sequence[DocumentLine],
    vies: dict[str, Any] | None,
) -> list[DocumentLine]:
    """Decide the document's treatment, store it on ``doc`` and return the lines with their taxes."""
    seller = Seller(
        country=entity.country or "",
        is_tax_subject=entity.is_tax_subject,
        oss_registered=settings.tax.oss_registered,
    )
    buyer = _buyer(doc.customer, vies)
    given = [_tax_line(line) for line in lines]
    decision = _decide(seller, buyer, given, doc.date, doc.locale)
    if _needs_sales(seller, decision, given):
        this_year, last_year = await eu_b2c_sales(session, entity.id, doc.date, doc.id)
        seller = msgspec.structs.replace(seller, eu_b2c_sales_this_year=this_year, eu_b2c_sales_last_year=last_year)
        decision = _decide(seller, buyer, given, doc.date, doc.locale)
    doc.tax_treatment = {
        "code": decision.code,
        "reason": decision.reason,
        "legal_note": decision.legal_note,
        "vies": vies,
    }
    name = tax_name(entity.country)
    out = [_with_taxes(line, d, name) for line, d in zip(lines, decision.lines, strict=True)]
    doc.eu_b2c_sales = _distance_sales(doc, out, decision)
    return out


def _with_taxes(line: DocumentLine, decided: Any, name: str) -> DocumentLine:
    taxes: tuple[Tax, ...]
    if line.decided_taxes:
        taxes = () if decided.code in NO_TAX_LINE else (Tax(rate=decided.rate, name=name, category=decided.category),)
    else:
        taxes = tuple(Tax(rate=t.rate, name=t.name, category=decided.category) for t in line.taxes)
    return msgspec.structs.replace(line, taxes=taxes)


def _distance_sales(doc: Document, lines: Sequence[DocumentLine], decision: Decision) -> Decimal | None:
    """The net of the goods/digital lines sold to EU consumers abroad, EUR only (see :func:`eu_b2c_sales`)."""
    if doc.currency_code != "EUR":
        return None
    chosen = [
        line
        for line, d in zip(lines, decision.lines, strict=True)
        if d.code in SALES_CODES and line.kind in DISTANCE_KINDS
    ]
    if not chosen:
        return None
    return sum((_net(line, doc.prices_include_tax) for line in chosen), Decimal(0)).quantize(Decimal("0.01"))


def _net(line: DocumentLine, gross: bool) -> Decimal:
    amount = line.quantity * line.price * (1 - line.discount / 100)
    return amount * 100 / (100 + sum((t.rate for t in line.taxes), Decimal(0))) if gross else amount


def tax_set(taxes: Sequence[Tax]) -> tuple[TaxKey, ...]:
    """A line's taxes as one comparable key (``()``: untaxed): the "rate" a credit note is tracked by."""
    return tuple(sorted(t.key for t in taxes))


def describe_rates(sets: Sequence[Sequence[Tax]], no_tax: str = "no tax") -> str:
    """``VAT 22 %, VAT 9.5 %`` (in English, for error messages)."""
    return ", ".join(" + ".join(f"{t.name} {t.rate.normalize():f} %" for t in taxes) or no_tax for taxes in sets)


def credit_lines(invoice: Document, lines: Sequence[DocumentLine]) -> list[DocumentLine]:
    """A credit note's lines with its invoice's rates, refused (422 ``items[i].taxes``, listing the invoice's
    rates) when they name another. A credit note keeps the invoice's ``tax_treatment``; its lines may only
    carry a set of taxes that a line of the invoice carries, with the invoice's categories:

    * a line naming ``taxes`` is matched by name and rate (a tax named ``VAT``, the default name, also
      by its rate alone when the invoice has one tax of that rate under another name);
    * a line naming none takes the invoice's taxes when the invoice has one set of them; otherwise it
      must name one (422).
    """
    sets: dict[tuple[TaxKey, ...], tuple[Tax, ...]] = {}
    for stored in invoice.items:
        sets.setdefault(tax_set(stored.taxes), stored.taxes)
    known = {(t.name, t.rate.normalize()): t for taxes in sets.values() for t in taxes}
    by_rate: dict[Decimal, list[Tax]] = {}
    for tax in known.values():
        by_rate.setdefault(tax.rate.normalize(), []).append(tax)
    rates = describe_rates(list(sets.values()))
    out: list[DocumentLine] = []
    for i, line in enumerate(lines):
        field = f"items[{i}].taxes"
        if line.decided_taxes:
            if len(sets) != 1:
                raise ValidationFailed.field(
                    field, f"name the tax of this line: invoice {invoice.number} carries {rates}"
                )
            taxes = next(iter(sets.values()))
        else:
            chosen = []
            for tax in line.taxes:
                rate = tax.rate.normalize()
                match = known.get((tax.name, rate))
                if match is None and tax.name in VAT_NAMES and len(by_rate.get(rate, [])) == 1:
                    match = by_rate[rate][0]
                if match is None:
                    break
                chosen.append(match)
            taxes = tuple(chosen)
            if len(chosen) != len(line.taxes) or tax_set(taxes) not in sets:
                raise ValidationFailed.field(
                    field, f"must be a rate of invoice {invoice.number}, which carries {rates}"
                )
        out.append(msgspec.structs.replace(line, taxes=taxes))
    return out

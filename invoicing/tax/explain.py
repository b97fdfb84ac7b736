"""Words for a decision: the one-sentence English reason and the legal note in the document's language.

A decided line maps to a *clause key*, its code refined by kind where the words differ
(``export.goods`` / ``export.services``, ``intra_eu_b2c_domestic.distance`` / ``.services``). The reason
joins one clause per key (naming the lines when they differ), then what VIES said, then each line
whose named taxes contradict the rules. Legal notes come from ``locales/tax/<language>.json``
(``note.<key>``; ``note.not_taxable.<seller country>`` when that country has one, else the generic
``note.not_taxable``); keys without a note (domestic sales, sales at the seller's rate, ``manual``)
print nothing.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from functools import cache

from babel import Locale

from invoicing.core.i18n import catalogue, language_of, message
from invoicing.tax.model import Buyer, Line, LineDecision, Seller

DOMAIN = "tax"
DIRECTIVE = "Directive 2006/112/EC"
CLAUSES = {
    "domestic": "seller and buyer are both in {seller}, so {seller} VAT applies",
    "reverse_charge": "services to a business in {buyer} (VAT number {vat}): the customer accounts for the VAT "
    f"(reverse charge, Art. 196 of {DIRECTIVE})",
    "intra_eu_supply": f"goods to a business in {{buyer}} (VAT number {{vat}}): exempt intra-Community supply "
    f"(Art. 138 of {DIRECTIVE})",
    "oss": "goods or digital services to a consumer in {buyer} at {buyer} VAT because the seller {why}",
    "intra_eu_b2c_domestic.distance": "goods or digital services to a consumer in {buyer} at {seller} VAT because the "
    "seller sold under EUR 10,000 to EU consumers abroad this and last year and is "
    "not registered for the One-Stop Shop",
    "intra_eu_b2c_domestic.services": f"services to a consumer in {{buyer}} at {{seller}} VAT (general rule, Art. 45 "
    f"of {DIRECTIVE})",
    "export.goods": f"goods to a buyer in {{buyer}}, outside the EU: exempt export (Art. 146 of {DIRECTIVE})",
    "export.services": "services to a buyer in {buyer}, outside the EU: outside the scope of EU VAT",
    "not_taxable": "the seller is not a tax subject for VAT in {seller}, so no VAT is charged",
    "manual": "the seller is outside the EU ({seller}), so Folio does not decide its VAT and the lines keep the taxes "
    "they name",
}
LABELS = {
    "domestic": "domestic sale",
    "reverse_charge": "reverse charge",
    "intra_eu_supply": "intra-Community supply",
    "oss": "OSS",
    "intra_eu_b2c_domestic": "seller's rate",
    "export": "export",
    "not_taxable": "not taxable",
}
NOTED = ("reverse_charge", "intra_eu_supply", "oss", "export.goods", "export.services")


def clause_key(code: str, kind: str) -> str:
    if code == "export":
        return "export.goods" if kind == "goods" else "export.services"
    if code == "intra_eu_b2c_domestic":
        return "intra_eu_b2c_domestic.services" if kind == "services" else "intra_eu_b2c_domestic.distance"
    return code


@cache
def country_name(country: str, language: str = "en") -> str:
    code = "GR" if country.upper() == "EL" else country.upper()
    return Locale.parse(language).territories.get(code, code)


def legal_note(keys: Sequence[str], seller: Seller, buyer: Buyer, locale: str | None) -> str:
    """The notes of ``keys`` in the locale's language, one per line."""
    language = language_of(locale)
    notes = []
    for key in keys:
        if key == "not_taxable":
            specific = f"note.not_taxable.{seller.country.upper()}"
            notes.append(
                message(DOMAIN, locale, specific if specific in catalogue(DOMAIN, language) else "note.not_taxable")
            )
        elif key in NOTED:
            notes.append(message(DOMAIN, locale, f"note.{key}", {"country": country_name(buyer.country, language)}))
    return "\n".join(notes)


def reason(
    keys: dict[str, list[int]],
    seller: Seller,
    buyer: Buyer,
    lines: Sequence[Line],
    decided: Sequence[LineDecision],
    why_oss: str,
) -> str:
    """One English sentence: each key's clause (with its line numbers when lines differ), VIES, contradictions."""
    values = {
        "seller": country_name(seller.country),
        "buyer": country_name(buyer.country or "?"),
        "vat": buyer.vat_number or "none",
        "why": why_oss,
    }
    clauses = [CLAUSES[key].format(**values) for key in keys]
    if not buyer.country and "domestic" in keys:
        clauses[list(keys).index("domestic")] = (
            f"the buyer's country is not known, so the sale is treated as domestic and {values['seller']} VAT applies"
        )
    if len(keys) > 1:
        clauses = [f"{_numbers(numbers)}: {clause}" for clause, numbers in zip(clauses, keys.values(), strict=True)]
    if buyer.vat_number and buyer.vies == "invalid" and any(k.startswith(("oss", "intra_eu_b2c")) for k in keys):
        clauses.append(f"VIES reports VAT number {buyer.vat_number} as invalid, so the buyer is treated as a consumer")
    elif (
        buyer.vat_number
        and buyer.vies == "unavailable"
        and any(k in keys for k in ("reverse_charge", "intra_eu_supply"))
    ):
        clauses.append(f"VIES could not answer, so VAT number {buyer.vat_number} counts as valid for this document")
    clauses += [
        _contradiction(n, line)
        for n, line in enumerate(decided, 1)
        if line.explicit and line.code != "manual" and line.rate != line.decided_rate
    ]
    sentence = "; ".join(clauses)
    return sentence[:1].upper() + sentence[1:] + "."


def _numbers(numbers: list[int]) -> str:
    return ("line " if len(numbers) == 1 else "lines ") + ", ".join(map(str, numbers))


def _percent(rate: Decimal) -> str:
    return f"{rate.normalize():f} %"


def _contradiction(number: int, line: LineDecision) -> str:
    return (
        f"line {number} names {_percent(line.rate)} where the rules call for {_percent(line.decided_rate)} "
        f"({LABELS[line.code]}), kept as named"
    )

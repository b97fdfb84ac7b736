"""The VAT treatment of a document: one pure function, :func:`decide`, driven by the tables below.

Each line is decided on its own from where the seller and the buyer are, who the buyer is and
what the line sells:

=====================  ========  ======================================  =====================================
seller / buyer         buyer     kind                                    code
=====================  ========  ======================================  =====================================
outside the EU         any       any                                     manual
EU, not a tax subject  any       any                                     not_taxable (E, 0 %)
same member state      any       any                                     domestic (seller's rate)
buyer outside the EU   any       goods / services, digital               export (G / O, 0 %)
other member state     business  goods                                   intra_eu_supply (K, 0 %)
other member state     business  services, digital                       reverse_charge (AE, 0 %)
other member state     consumer  goods, digital: OSS or over EUR 10,000  oss (buyer's rate)
other member state     consumer  goods, digital: otherwise               intra_eu_b2c_domestic (seller's rate)
other member state     consumer  services                                intra_eu_b2c_domestic (seller's rate)
=====================  ========  ======================================  =====================================

* A buyer is a business in another member state when it is one (``is_business``, by default
  "has a VAT number") *and* has a VAT number VIES did not call invalid; an invalid number makes it
  a consumer. ``unavailable`` counts as valid for this document (the caller re-checks later).
* A buyer without a country is treated as domestic (VAT charged; the reason says so).
* The EUR 10,000 threshold (Art. 59c) is crossed when cross-border B2C sales exceeded it this or
  last calendar year; an OSS-registered seller always charges the buyer country's rate.
* ``manual``: Folio does not decide taxes for sellers outside the EU; lines keep the taxes they
  name (category S when above 0 %, else O) and lines naming none carry 0 %, category O.
* Rates come from :mod:`invoicing.tax.rates` on the document date; a ``zero`` class line taxed at
  0 % is category Z.
* A line naming its taxes keeps them: its treatment is still decided, its category follows the
  tax it carries when that differs from the rules (S above 0 %), and the reason says so.
* The document's code: the lines' code when they agree, else the first of :data:`PRECEDENCE`
  among them (reverse charge and intra-Community supply outrank the rest because they shift
  or remove the tax; each line still carries its own category). The legal note prints the note of
  every code present, in that order. A document without lines is decided as one services line.

The reason is English (one sentence, see :mod:`invoicing.tax.explain`); the legal note is in the
document's language from ``locales/tax/``.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from decimal import Decimal

from contract.errors import ValidationFailed
from invoicing.tax import explain
from invoicing.tax.model import KINDS, VIES_STATUSES, ZERO, Buyer, Decision, Line, LineDecision, Seller
from invoicing.tax.rates import TAX_CLASSES, RateNotFound, is_member_state, iso_country, rate

THRESHOLD = Decimal(10_000)
PRECEDENCE = (
    "manual",
    "not_taxable",
    "reverse_charge",
    "intra_eu_supply",
    "oss",
    "export",
    "intra_eu_b2c_domestic",
    "domestic",
)
DISTANCE = "distance"

CROSS_BORDER = {
    ("business", "goods"): "intra_eu_supply",
    ("business", "services"): "reverse_charge",
    ("business", "digital"): "reverse_charge",
    ("consumer", "goods"): DISTANCE,
    ("consumer", "digital"): DISTANCE,
    ("consumer", "services"): "intra_eu_b2c_domestic",
}
RATE_FROM = {"domestic": "seller", "oss": "buyer", "intra_eu_b2c_domestic": "seller"}
CATEGORY = {
    "reverse_charge": "AE",
    "intra_eu_supply": "K",
    "not_taxable": "E",
    "manual": "O",
    ("export", "goods"): "G",
    ("export", "services"): "O",
    ("export", "digital"): "O",
}


def decide(seller: Seller, buyer: Buyer, lines: Sequence[Line], on: date, locale: str | None = None) -> Decision:
    """The treatment, per-line rates and categories, reason and legal note of a document dated ``on``.
    Raises :class:`~contract.errors.ValidationFailed` (422) naming ``lines[i].kind`` or ``lines[i].tax_class``
    or ``buyer.vies``."""
    _check(buyer, lines)
    given = tuple(lines) or (Line(),)
    decided = tuple(_line(seller, buyer, line, on, f"lines[{i}].tax_class") for i, line in enumerate(given))
    code = min((line.code for line in decided), key=PRECEDENCE.index)
    keys: dict[str, list[int]] = {}
    for i in sorted(range(len(given)), key=lambda i: PRECEDENCE.index(decided[i].code)):
        keys.setdefault(explain.clause_key(decided[i].code, given[i].kind), []).append(i + 1)
    return Decision(
        code=code,
        reason=explain.reason(keys, seller, buyer, given, decided, _why_oss(seller)),
        legal_note=explain.legal_note(list(keys), seller, buyer, locale),
        lines=decided if lines else (),
    )


def _check(buyer: Buyer, lines: Sequence[Line]) -> None:
    if buyer.vies is not None and buyer.vies not in VIES_STATUSES:
        raise ValidationFailed.field("buyer.vies", f"'{buyer.vies}' is not one of: {', '.join(VIES_STATUSES)}")
    for i, line in enumerate(lines):
        if line.kind not in KINDS:
            raise ValidationFailed.field(f"lines[{i}].kind", f"'{line.kind}' is not one of: {', '.join(KINDS)}")
        if line.tax_class not in TAX_CLASSES:
            raise RateNotFound.field(
                f"lines[{i}].tax_class", f"'{line.tax_class}' is not one of: {', '.join(TAX_CLASSES)}"
            )


def treatment(seller: Seller, buyer: Buyer, kind: str) -> str:
    """The code of one line of ``kind`` (the table in the module docstring)."""
    if not is_member_state(seller.country):
        return "manual"
    if not seller.is_tax_subject:
        return "not_taxable"
    if not buyer.country or iso_country(buyer.country) == iso_country(seller.country):
        return "domestic"
    if not is_member_state(buyer.country):
        return "export"
    code = CROSS_BORDER[("business" if _is_business(buyer) else "consumer", kind)]
    if code == DISTANCE:
        return "oss" if seller.oss_registered or _over_threshold(seller) else "intra_eu_b2c_domestic"
    return code


def _line(seller: Seller, buyer: Buyer, line: Line, on: date, field: str) -> LineDecision:
    code = treatment(seller, buyer, line.kind)
    source = RATE_FROM.get(code)
    country = iso_country(buyer.country if source == "buyer" else seller.country) if source else None
    decided = rate(country, line.tax_class, on, field) if country else ZERO
    category = CATEGORY.get(code) or CATEGORY.get((code, line.kind)) or ("Z" if decided == ZERO else "S")
    if line.taxes is None:
        return LineDecision(code, category, decided, decided, country, explicit=False)
    carried = sum(line.taxes, ZERO)
    if carried != decided or code == "manual":
        category = "S" if carried > ZERO else (category if category != "S" else "Z")
    return LineDecision(code, category, carried, decided, country, explicit=True)


def _is_business(buyer: Buyer) -> bool:
    has_number = bool(buyer.vat_number and buyer.vat_number.strip())
    claims = has_number if buyer.is_business is None else buyer.is_business
    return claims and has_number and buyer.vies != "invalid"


def _why_oss(seller: Seller) -> str:
    if seller.oss_registered:
        return "is registered for the One-Stop Shop (OSS)"
    year = "this year" if seller.eu_b2c_sales_this_year > THRESHOLD else "last year"
    return (
        f"sold over EUR 10,000 to EU consumers abroad {year} "
        "(distance-sales threshold, Art. 59c of Directive 2006/112/EC)"
    )


def _over_threshold(seller: Seller) -> bool:
    return seller.eu_b2c_sales_this_year > THRESHOLD or seller.eu_b2c_sales_last_year > THRESHOLD

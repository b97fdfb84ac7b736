"""What the tax decision takes and gives: frozen msgspec Structs, no behaviour.

::

    Seller(country, is_tax_subject, oss_registered, eu_b2c_sales_this_year, eu_b2c_sales_last_year)
    Buyer(country, is_business, vat_number, vies)          vies ∈ valid | invalid | unavailable | None
    Line(kind, tax_class, taxes)                           taxes None: Folio picks the rate
        └─ decide(...) ─► Decision(code, reason, legal_note, lines=[LineDecision(...)])

Amounts of cross-border B2C sales are EUR, net, to consumers in other member states (goods
and ``digital`` services together, Art. 59c of Directive 2006/112/EC); the caller decides whether
"this year" already includes the document being decided.
"""

from __future__ import annotations

from decimal import Decimal

import msgspec

KINDS = ("services", "goods", "digital")
VIES_STATUSES = ("valid", "invalid", "unavailable")
CODES = (
    "domestic",
    "reverse_charge",
    "intra_eu_supply",
    "oss",
    "intra_eu_b2c_domestic",
    "export",
    "not_taxable",
    "manual",
)
CATEGORIES = ("S", "Z", "E", "AE", "K", "G", "O")
ZERO = Decimal(0)


class Seller(msgspec.Struct, frozen=True):
    country: str
    is_tax_subject: bool = True
    oss_registered: bool = False
    eu_b2c_sales_this_year: Decimal = ZERO
    eu_b2c_sales_last_year: Decimal = ZERO


class Buyer(msgspec.Struct, frozen=True):
    country: str
    is_business: bool | None = None
    """``None``: a business when it has a VAT number."""
    vat_number: str | None = None
    vies: str | None = None
    """The VIES result for ``vat_number``: valid, invalid, unavailable, or None (not checked)."""


class Line(msgspec.Struct, frozen=True):
    kind: str = "services"
    tax_class: str = "standard"
    taxes: tuple[Decimal, ...] | None = None
    """Rates (percent) the platform names on the line; they are kept as they are."""


class LineDecision(msgspec.Struct, frozen=True):
    code: str
    """The treatment the rules give this line."""
    category: str
    """EN 16931 VAT category code (UNCL5305) of the tax the line carries."""
    rate: Decimal
    """The rate the line carries: the sum of its named taxes, else ``decided_rate``."""
    decided_rate: Decimal
    """The rate the rules call for."""
    rate_country: str | None
    """Whose rate ``decided_rate`` is (ISO code), None when the rules call for no VAT."""
    explicit: bool
    """The line named its taxes."""


class Decision(msgspec.Struct, frozen=True):
    code: str
    reason: str
    """One English sentence."""
    legal_note: str
    """The clause(s) to print, in the document's language, one per line; empty when none is needed."""
    lines: tuple[LineDecision, ...]

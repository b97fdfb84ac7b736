"""Field types shared by the request and response schemas; ``Email``, ``ShortText`` and ``LongText``
are :mod:`contract.schemas`' (the BFF reads answers built from them)."""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated, Literal

import msgspec
from msgspec import Meta

from contract.errors import pattern
from contract.schemas import Email as Email
from contract.schemas import LongText as LongText
from contract.schemas import ShortText as ShortText

Name = Annotated[str, Meta(min_length=1, max_length=200)]
CountryCode = Annotated[str, Meta(min_length=2, max_length=2)]
CurrencyCode = Annotated[str, Meta(min_length=3, max_length=3)]
LocaleCode = Annotated[str, Meta(min_length=2, max_length=10)]
Ident = Annotated[str, Meta(min_length=1, max_length=40)]
MetadataKey = Annotated[
    str, Meta(min_length=1, max_length=40, pattern=pattern(r"^[A-Za-z0-9_.\-]+$", "made of letters, digits, _ . and -"))
]
MetadataValue = Annotated[str, Meta(max_length=500)]
LineKind = Literal["services", "goods", "digital"]
"""What a line sells, for the tax decision."""
DEFAULT_KIND: LineKind = "services"
"""A line's kind when neither it nor its catalogue item says."""
TaxClass = Literal["standard", "reduced", "reduced_2", "super_reduced", "zero"]
"""A VAT rate class of the seller's country (``reduced_2``: the second reduced rate, e.g. France's 5.5 %)."""
DEFAULT_TAX_CLASS: TaxClass = "standard"
"""A line's rate class when neither it nor its catalogue item says."""
Metadata = Annotated[
    dict[MetadataKey, MetadataValue],
    Meta(max_length=50, description="At most 50 keys; keys [A-Za-z0-9_.-] up to 40 characters, values up to 500."),
]
DECIMAL_IN = Meta(description='A decimal number, as a JSON number or a string ("99.90").')
DecimalIn = Annotated[Decimal, DECIMAL_IN]
"""Documented as ``anyOf: [number, string]`` (:class:`invoicing.core.openapi.DecimalInSchemaPlugin`)."""
MoneyOut = Annotated[
    str, Meta(description='A decimal string in the currency\'s minor unit, e.g. "99.00".', examples=["99.00"])
]


class Page(msgspec.Struct):
    next_cursor: str | None


class TaxIn(msgspec.Struct, forbid_unknown_fields=True):
    rate: DecimalIn
    """Percent, 0–100 (22 for 22 % VAT)."""
    name: Annotated[str, Meta(min_length=1, max_length=40)] | None = None
    """Kept as given; without it, VAT's name in the seller country's language (SI ``DDV``, DE ``MwSt.``,
    FR ``TVA``; ``VAT`` where Folio knows none)."""


class TaxOut(msgspec.Struct):
    rate: str
    name: str


Taxes = Annotated[list[TaxIn], Meta(max_length=5)]

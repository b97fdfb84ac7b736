"""What ``/v1/tax-rates`` and ``/v1/vat-numbers/check`` take and answer."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Literal

from msgspec import Meta, Struct

VatNumber = Annotated[str, Meta(max_length=40)]


class TaxRate(Struct):
    rate: Decimal
    """The rate in percent, a decimal string (``"25.5"``)."""
    valid_from: date
    """The document date this rate holds from (rates known from 2023-01-01, so older ones show that date)."""


class CountryRates(Struct):
    country: str
    """ISO 3166-1 alpha-2 (Greece is ``GR``)."""
    rates: dict[str, TaxRate]
    """By ``tax_class``: ``standard``, ``reduced``, ``reduced_2``, ``super_reduced``, ``zero``; only the classes
    the member state has on the date."""


class TaxRates(Struct):
    date: date
    """The date the rates hold on (the ``date`` asked for, else today)."""
    data: list[CountryRates]


class VatNumberCheck(Struct, forbid_unknown_fields=True):
    vat_number: VatNumber
    """With its member state's prefix (``DE136695976``; Greece ``EL``, ``GR`` is read as ``EL``)."""


class VatNumberResult(Struct):
    vat_number: str
    """Compact, with its prefix."""
    country: str
    """ISO 3166-1 alpha-2 (``GR`` for an ``EL`` number)."""
    valid: bool
    """False only when VIES said so; true while VIES cannot answer (``status: "unavailable"``)."""
    status: Literal["valid", "invalid", "unavailable"]
    name: str | None
    """The trader's name as VIES gives it (None when the member state does not disclose it)."""
    address: str | None
    checked_at: datetime
    """When VIES answered (a cached answer keeps its time), or when it could not."""
    request_identifier: str | None
    """VIES's consultation number, the evidence of the check (None when VIES gave none)."""

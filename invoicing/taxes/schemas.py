"""What ``/v1/tax-rates`` and ``/v1/vat-numbers/check`` take and answer (descriptions go to the OpenAPI)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Literal

from msgspec import Meta, Struct

Country = Annotated[str, Meta(description="ISO 3166-1 alpha-2 (Greece is GR)")]


class TaxRate(Struct):
    rate: Annotated[Decimal, Meta(description="The rate in percent, a decimal string such as 25.5")]
    valid_from: Annotated[
        date, Meta(description="The document date this rate holds from (the table starts on 2023-01-01)")
    ]


class CountryRates(Struct):
    country: Country
    tax_name: Annotated[
        str,
        Meta(
            description="What VAT is called on documents of a seller in this country (DDV, MwSt., TVA…): the name a "
            "tax gets when taxes[].name is not given"
        ),
    ]
    rates: Annotated[
        dict[str, TaxRate],
        Meta(
            description="By tax_class (standard, reduced, reduced_2, super_reduced, zero): the classes the member "
            "state has on the date"
        ),
    ]


class TaxRates(Struct):
    date: Annotated[date, Meta(description="The date the rates hold on: the date asked for, else today (UTC)")]
    data: list[CountryRates]


class VatNumberCheck(Struct, forbid_unknown_fields=True):
    vat_number: Annotated[
        str,
        Meta(max_length=40, description="With its member state's prefix, e.g. DE136695976 (Greece: EL)"),
    ]


class VatNumberResult(Struct):
    vat_number: Annotated[str, Meta(description="Compact, with its prefix")]
    country: Country
    valid: Annotated[
        bool, Meta(description="False only when VIES said so; true while VIES cannot answer (status unavailable)")
    ]
    status: Literal["valid", "invalid", "unavailable"]
    name: Annotated[str | None, Meta(description="The trader's name from VIES; null when not disclosed")]
    address: Annotated[str | None, Meta(description="The trader's address from VIES; null when not disclosed")]
    checked_at: Annotated[
        datetime, Meta(description="When VIES answered (a cached answer keeps its time), or when it could not")
    ]
    request_identifier: Annotated[
        str | None, Meta(description="VIES's consultation number, the evidence of the check; null when none")
    ]

"""Validation of prices, quantities and taxes, shared by catalogue items and document lines."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from contract.errors import ValidationFailed
from invoicing.core.money import format_decimal
from invoicing.core.schemas import TaxIn
from invoicing.core.validate import decimal_field

HUNDRED = Decimal(100)


def clean_taxes(taxes: list[TaxIn], field: str) -> list[dict[str, Any]]:
    seen = set()
    out = []
    for i, tax in enumerate(taxes):
        rate = decimal_field(tax.rate, f"{field}[{i}].rate", maximum=HUNDRED, places=4)
        key = (tax.name, rate.normalize())
        if key in seen:
            raise ValidationFailed.field(f"{field}[{i}]", "repeats a tax already on this line")
        seen.add(key)
        out.append({"rate": format_decimal(rate.normalize()), "name": tax.name})
    return out


def clean_price(price: Decimal, field: str) -> str:
    return format_decimal(decimal_field(price, field))

"""Checks msgspec's schema cannot express (Decimal ranges, ISO codes), each naming its field."""

from __future__ import annotations

from decimal import Decimal

import pycountry

from contract.errors import ValidationFailed
from invoicing.core.money import is_currency

MAX_AMOUNT = Decimal("1000000000000")


def decimal_field(
    value: Decimal,
    field: str,
    *,
    minimum: Decimal | None = Decimal(0),
    maximum: Decimal = MAX_AMOUNT,
    exclusive_min: bool = False,
    places: int = 6,
) -> Decimal:
    value = Decimal(value)
    if not value.is_finite():
        raise ValidationFailed.field(field, "must be a finite number")
    if minimum is not None:
        if exclusive_min and value <= minimum:
            raise ValidationFailed.field(field, f"must be greater than {minimum}")
        if not exclusive_min and value < minimum:
            raise ValidationFailed.field(field, f"must be at least {minimum}")
    if value > maximum:
        raise ValidationFailed.field(field, f"must be at most {maximum}")
    exponent = value.normalize().as_tuple().exponent
    if isinstance(exponent, int) and -exponent > places:
        raise ValidationFailed.field(field, f"has more than {places} decimal places")
    return value


def country_field(code: str, field: str) -> str:
    code = code.upper()
    if pycountry.countries.get(alpha_2=code) is None:
        raise ValidationFailed.field(field, f"'{code}' is not an ISO 3166-1 alpha-2 country code")
    return code


def currency_field(code: str, field: str) -> str:
    code = code.upper()
    if not is_currency(code):
        raise ValidationFailed.field(field, f"'{code}' is not an ISO 4217 currency code")
    return code

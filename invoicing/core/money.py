"""Currencies and rounding. Money is ``Decimal`` everywhere; amounts round half-up to the
currency's ISO 4217 minor unit (EUR 2, JPY 0, BHD 3)."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from functools import cache

from babel.numbers import get_currency_precision, list_currencies

ZERO = Decimal(0)


@cache
def known_currencies() -> frozenset[str]:
    return frozenset(c for c in list_currencies() if len(c) == 3 and c.isalpha() and c.isupper())


def is_currency(code: str) -> bool:
    return code in known_currencies()


@cache
def quantum(currency: str) -> Decimal:
    """The smallest unit of ``currency`` as a Decimal exponent (``Decimal('0.01')`` for EUR)."""
    return Decimal(1).scaleb(-get_currency_precision(currency))


def round_money(amount: Decimal, currency: str) -> Decimal:
    return amount.quantize(quantum(currency), rounding=ROUND_HALF_UP)


def format_decimal(value: Decimal) -> str:
    """A plain decimal string without exponent (``Decimal('1E+2')`` → ``"100"``)."""
    return format(value, "f")


def format_price(value: Decimal) -> str:
    """A stored price as the API shows it on every engine: at least two decimals, more only where given
    (``1.8`` and ``1.80000000`` → ``"1.80"``, ``0.125`` → ``"0.125"``); PostgreSQL's NUMERIC keeps no scale."""
    value = value.normalize()
    return format_decimal(value.quantize(Decimal("0.01")) if value.as_tuple().exponent > -2 else value)  # type: ignore[operator]

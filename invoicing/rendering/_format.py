"""Babel formatting bound to one document: its locale and its currency."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from functools import lru_cache

from babel import Locale, UnknownLocaleError
from babel.dates import format_date
from babel.numbers import format_currency, format_decimal, format_percent


@lru_cache(maxsize=64)
def babel_locale(locale: str | None) -> Locale:
    try:
        return Locale.parse((locale or "en").replace("-", "_"))
    except (UnknownLocaleError, ValueError, TypeError):
        return Locale.parse("en")


class Formatter:
    def __init__(self, locale: str | None, currency: str):
        self.locale = babel_locale(locale)
        self.currency = currency

    def money(self, value: str | Decimal) -> str:
        """An amount already rounded to the currency (a stored total): ``1.234,56 €`` in German."""
        return format_currency(Decimal(value), self.currency, locale=self.locale)

    def price(self, value: str | Decimal) -> str:
        """A unit price: at least the currency's decimals, and every decimal it has (``12,3456 €``)."""
        return format_currency(Decimal(value), self.currency, locale=self.locale, decimal_quantization=False)

    def number(self, value: str | Decimal) -> str:
        return format_decimal(Decimal(value), locale=self.locale, decimal_quantization=False)

    def percent(self, rate: str | Decimal) -> str:
        return format_percent(Decimal(rate) / 100, locale=self.locale, decimal_quantization=False)

    def date(self, value: date | None) -> str:
        return format_date(value, "medium", locale=self.locale) if value else ""

    def country(self, code: str | None) -> str:
        """The country's name in the document's language (``DE`` → ``Nemčija`` in Slovenian); Greece's
        VAT prefix ``EL`` is Greece; a code Babel does not know prints as given."""
        if not code:
            return ""
        iso = code.strip().upper()
        return self.locale.territories.get("GR" if iso == "EL" else iso, code)

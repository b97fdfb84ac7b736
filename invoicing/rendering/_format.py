"""Babel formatting bound to one document: its locale and its currency."""

from __future__ import annotations

import re
import unicodedata
from datetime import date
from decimal import Decimal
from functools import lru_cache
from itertools import pairwise

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
    def __init__(self, locale: str | None, currency: str, *, soft_breaks: bool = False):
        self.locale = babel_locale(locale)
        self.currency = currency
        self.soft_breaks = soft_breaks

    def wrap(self, text: str | None, width_em: float) -> str | None:
        """Free text printed in a box ``width_em`` wide: with :func:`soft_breaks` for the PDF; the HTML
        preview leaves wrapping to the browser (``overflow-wrap: anywhere``) and keeps the text as typed."""
        return soft_breaks(text, width_em) if self.soft_breaks else text

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


# Soft wrap opportunities for long unbreakable words (URLs, IBANs without spaces, hashes, a name typed
# without spaces), instead of CSS ``overflow-wrap: anywhere``: WeasyPrint lays such text out again for
# every character it may break at (the min-content width of a table cell), so its time grew with the
# square of the text. A zero-width space (U+200B) between the characters of a word too wide for its box
# lets it wrap at the box's edge in linear time; words that fit are left alone (never broken mid-word).
ZWSP = "\u200b"
_WORD = re.compile(r"\S{8,}")
_WIDE = frozenset("mwMW@%ÆŒæœ—…")


def _em(char: str) -> float:
    """A generous estimate of the advance width of ``char`` in DejaVu Sans (em): 1 for the widest Latin
    letters and for East Asian wide characters, 0.8 for other capitals, 0.65 for the rest."""
    if char in _WIDE or unicodedata.east_asian_width(char) in "WF":
        return 1.0
    return 0.8 if char.isupper() else 0.65


def _joins(char: str) -> bool:
    """Whether ``char`` belongs to the character before it (a combining mark, a variation selector, a
    zero-width joiner or emoji modifier): no break may go between them."""
    return unicodedata.category(char) in ("Mn", "Mc", "Me", "Sk") or char == "\u200d" or "\ufe00" <= char <= "\ufe0f"


def _break_word(word: str) -> str:
    out = [word[0]]
    for previous, char in pairwise(word):
        if not (_joins(char) or previous == "\u200d"):
            out.append(ZWSP)
        out.append(char)
    return "".join(out)


def soft_breaks(text: str | None, width_em: float) -> str | None:
    """``text`` with a soft wrap opportunity between the characters of every word wider than ``width_em``
    (the width of the box that prints it, in ems of its font size)."""
    if not text:
        return text

    def fix(match: re.Match[str]) -> str:
        word = match.group()
        return _break_word(word) if sum(map(_em, word)) > width_em else word

    return _WORD.sub(fix, text)

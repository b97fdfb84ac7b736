"""VAT rates of the 27 EU member states by date, read from ``rates.json`` (one file, sources inside).

::

    rates.json   {"DE": [{"from": "2023-01-01", "standard": "19", ...}, {"from": ..., "reduced": "8"}], ...}
                 each entry changes the classes it names (null removes one); dates are document dates
    rates_for("FI", date(2024, 9, 1))  ->  {"standard": (Decimal("25.5"), date(2024, 9, 1)), ...}
    rate("DE", "super_reduced", on)    ->  RateNotFound, a 422 naming the field

A document dated before a change keeps the old rate; a change dated in the future applies to
documents dated on or after it. Countries are ISO codes; Greece's VIES prefix ``EL`` is accepted.
The table starts on 2023-01-01 (:data:`TABLE_START`): earlier dates are refused, not guessed.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import date
from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from types import MappingProxyType
from typing import get_args

from contract.errors import ValidationFailed
from invoicing.core.schemas import TaxClass
from invoicing.core.tax_numbers import VIES_PREFIX

TAX_CLASSES: tuple[str, ...] = get_args(TaxClass)
"""The rate classes, in the API's order (its ``TaxClass``): the table's columns and what a line may ask for."""
DATA = Path(__file__).with_name("rates.json")
ISO_COUNTRY = {prefix: iso for iso, prefix in VIES_PREFIX.items()}

RateTable = Mapping[str, tuple[Decimal, date]]


class RateNotFound(ValidationFailed):
    """A 422 naming the field (``RateNotFound.field(name, message)``): no such rate, class or country on that date."""


def _load() -> dict[str, tuple[tuple[date, dict[str, Decimal | None]], ...]]:
    with DATA.open(encoding="utf-8") as file:
        raw = json.load(file)
    table = {}
    for country, entries in raw.items():
        if country.startswith("_"):
            continue
        changes = []
        for entry in entries:
            values = {key: None if value is None else Decimal(value) for key, value in entry.items() if key != "from"}
            unknown = values.keys() - set(TAX_CLASSES)
            if unknown:
                raise ValueError(f"rates.json: {country} names unknown classes {sorted(unknown)}")
            changes.append((date.fromisoformat(entry["from"]), values))
        table[country] = tuple(sorted(changes, key=lambda change: change[0]))
    return table


_TABLE = _load()
MEMBER_STATES = frozenset(_TABLE)
TABLE_START = min(changes[0][0] for changes in _TABLE.values())


def iso_country(country: str | None) -> str:
    """``"el"`` → ``"GR"``, ``"de"`` → ``"DE"``."""
    code = (country or "").strip().upper()
    return ISO_COUNTRY.get(code, code)


def is_member_state(country: str | None) -> bool:
    return iso_country(country) in MEMBER_STATES


@lru_cache(maxsize=4096)
def _rates(country: str, on: date) -> RateTable:
    held: dict[str, tuple[Decimal, date]] = {}
    for since, values in _TABLE[country]:
        if since > on:
            break
        for tax_class, value in values.items():
            if value is None:
                held.pop(tax_class, None)
            else:
                held[tax_class] = (value, since)
    return MappingProxyType({key: held[key] for key in TAX_CLASSES if key in held})


def rates_for(country: str, on: date, field: str = "country") -> RateTable:
    """The member state's rates by tax class on ``on``, each with the date it holds from."""
    code = iso_country(country)
    if code not in _TABLE:
        raise RateNotFound.field(field, f"'{country}' is not an EU member state (known: {', '.join(sorted(_TABLE))})")
    if on < TABLE_START:
        raise RateNotFound.field(
            "date", f"VAT rates are known from {TABLE_START.isoformat()}, not for {on.isoformat()}"
        )
    return _rates(code, on)


def rate(country: str, tax_class: str, on: date, field: str = "tax_class") -> Decimal:
    """The rate of ``tax_class`` in ``country`` on ``on``; :class:`RateNotFound` naming ``field`` when the
    class is unknown or the member state has no such rate on that date."""
    if tax_class not in TAX_CLASSES:
        raise RateNotFound.field(field, f"'{tax_class}' is not a tax class (one of: {', '.join(TAX_CLASSES)})")
    table = rates_for(country, on)
    if tax_class not in table:
        raise RateNotFound.field(
            field,
            f"{iso_country(country)} has no {tax_class} VAT rate on {on.isoformat()} (it has: {', '.join(table)})",
        )
    return table[tax_class][0]

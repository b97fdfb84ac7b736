"""VAT number checks (syntax and checksum) with python-stdnum, and each member state's format in words.

:func:`validate_tax_number` checks a number given with a country (entities, customers);
:func:`validate_eu_vat_number` one that must carry its member state's prefix (the VIES check). A wrong
EU number's 422 says the format its country expects (:data:`FORMATS`).
"""

from __future__ import annotations

import re

from stdnum import get_cc_module
from stdnum.eu import vat as eu_vat
from stdnum.exceptions import ValidationError

from contract.errors import ValidationFailed

VIES_PREFIX = {"GR": "EL"}
"""ISO country → VAT number prefix where they differ (Greece); the one place this is written."""
FORMATS = {
    "AT": "ATU and 8 digits",
    "BE": "BE and 10 digits, the first 0 or 1",
    "BG": "BG and 9 or 10 digits",
    "CY": "CY, 8 digits and a letter",
    "CZ": "CZ and 8, 9 or 10 digits",
    "DE": "DE and 9 digits",
    "DK": "DK and 8 digits",
    "EE": "EE and 9 digits",
    "EL": "EL and 9 digits",
    "ES": "ES and 9 characters: a letter or digit, 7 digits, a letter or digit",
    "FI": "FI and 8 digits",
    "FR": "FR, 2 check characters (digits or letters) and the 9-digit SIREN",
    "HR": "HR and 11 digits",
    "HU": "HU and 8 digits",
    "IE": "IE and 8 or 9 characters: 7 digits and one or two letters",
    "IT": "IT and 11 digits",
    "LT": "LT and 9 or 12 digits",
    "LU": "LU and 8 digits",
    "LV": "LV and 11 digits",
    "MT": "MT and 8 digits",
    "NL": "NL, 9 digits, B and 2 digits",
    "PL": "PL and 10 digits",
    "PT": "PT and 9 digits",
    "RO": "RO and 2 to 10 digits",
    "SE": "SE and 12 digits, ending in 01",
    "SI": "SI and 8 digits",
    "SK": "SK and 10 digits",
}


def _compact(number: str, field: str) -> str:
    compact = re.sub(r"[\s.\-/]", "", number).upper()
    if not compact:
        raise ValidationFailed.field(field, "must not be empty")
    if len(compact) > 30:
        raise ValidationFailed.field(field, "is too long for a tax number")
    return compact


def _invalid(field: str, prefix: str, exc: ValidationError) -> ValidationFailed:
    why = getattr(exc, "message", str(exc)).lower().rstrip(".")
    expected = f"; expected {FORMATS[prefix]}" if prefix in FORMATS else ""
    return ValidationFailed.field(field, f"is not a valid {prefix or 'EU'} VAT number ({why}){expected}")


def validate_tax_number(number: str, country: str | None, field: str) -> str:
    """The compact, validated number; 422 naming ``field`` when it is wrong."""
    compact = _compact(number, field)
    country = (country or "").upper()
    prefix = VIES_PREFIX.get(country, country)
    try:
        if prefix.lower() in eu_vat.MEMBER_STATES or compact[:2].lower() in eu_vat.MEMBER_STATES:
            if not compact[:2].isalpha():
                compact = prefix + compact
            if country and compact[:2] != prefix:
                raise ValidationFailed.field(field, f"is a {compact[:2]} VAT number, but the country is {country}")
            prefix = VIES_PREFIX.get(compact[:2], compact[:2])
            return eu_vat.validate(compact)
        module = get_cc_module(country.lower(), "vat") if country else None
        if module is not None:
            return module.validate(compact)
    except ValidationError as exc:
        raise _invalid(field, prefix, exc) from exc
    return compact


def validate_eu_vat_number(number: str, field: str) -> str:
    """A member state's VAT number with its prefix (Greece ``EL``; ``GR`` is read as ``EL``), compact and
    checked for syntax and checksum; 422 naming ``field`` otherwise."""
    compact = _compact(number, field)
    prefix = VIES_PREFIX.get(compact[:2], compact[:2])
    if prefix not in FORMATS:
        raise ValidationFailed.field(
            field, "must start with the prefix of an EU member state (AT, BE, … EL for Greece, … SK), e.g. DE123456789"
        )
    compact = prefix + compact[2:]
    try:
        return eu_vat.validate(compact)
    except ValidationError as exc:
        raise _invalid(field, prefix, exc) from exc

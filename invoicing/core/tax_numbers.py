"""VAT number checks (syntax and checksum) with python-stdnum."""

from __future__ import annotations

import re

from stdnum import get_cc_module
from stdnum.eu import vat as eu_vat
from stdnum.exceptions import ValidationError

from contract.errors import ValidationFailed

_EU_PREFIX = {"GR": "EL"}


def validate_tax_number(number: str, country: str | None, field: str) -> str:
    """The compact, validated number; 422 naming ``field`` when it is wrong."""
    compact = re.sub(r"[\s.\-/]", "", number).upper()
    if not compact:
        raise ValidationFailed.field(field, "must not be empty")
    if len(compact) > 30:
        raise ValidationFailed.field(field, "is too long for a tax number")
    country = (country or "").upper()
    prefix = _EU_PREFIX.get(country, country)
    try:
        if prefix.lower() in eu_vat.MEMBER_STATES or compact[:2].lower() in eu_vat.MEMBER_STATES:
            if not compact[:2].isalpha():
                compact = prefix + compact
            if country and compact[:2] != prefix:
                raise ValidationFailed.field(field, f"is a {compact[:2]} VAT number, but the country is {country}")
            return eu_vat.validate(compact)
        module = get_cc_module(country.lower(), "vat") if country else None
        if module is not None:
            return module.validate(compact)
    except ValidationError as exc:
        raise ValidationFailed.field(
            field,
            f"is not a valid {country or 'EU'} VAT number ({getattr(exc, 'message', str(exc)).lower().rstrip('.')})",
        ) from exc
    return compact

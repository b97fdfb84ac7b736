"""The one e-mail address check: the API applies it to recipients and reply-to addresses, the BFF to a
sign-in request before it counts it against the per-address limit."""

from __future__ import annotations

import re

from contract.errors import ValidationFailed

_ADDRESS = re.compile(
    r"^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,63}$"
)


def check_address(value: str, field: str) -> str:
    """``value`` without surrounding blanks, or 422 naming ``field``."""
    value = value.strip()
    if len(value) > 254 or not _ADDRESS.match(value):
        raise ValidationFailed.field(field, f"'{value[:80]}' is not a valid e-mail address")
    return value

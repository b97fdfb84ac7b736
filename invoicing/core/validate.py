"""Checks msgspec's schema cannot express (Decimal ranges, ISO codes), each naming its field."""

from __future__ import annotations

import json
import re
from decimal import Decimal
from typing import Any

import pycountry
from litestar import Request, Response
from litestar.exceptions import ValidationException
from litestar.utils.scope.state import ScopeState

from contract.errors import ValidationFailed
from contract.errors import validation_handler as contract_validation_handler
from invoicing.core.money import is_currency
from invoicing.core.paging import METADATA_VALUE_MAX

METADATA_KEY = re.compile(r"^[A-Za-z0-9_.\-]{1,40}$")
METADATA_KEYS_MAX = 50

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


def _at(body: Any, dotted: str) -> Any:
    """The part of the parsed JSON ``body`` at a body field's path (``customer.metadata``, ``items[0].x``)."""
    for part in filter(None, re.split(r"\.|\[(\d+)\]", dotted)):
        if isinstance(body, dict):
            body = body.get(part)
        elif isinstance(body, list) and part.isdigit() and int(part) < len(body):
            body = body[int(part)]
        else:
            return None
    return body


def _kind(value: Any) -> str:
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int | float):
        return "a number"
    return {dict: "an object", list: "a list", type(None): "null"}.get(type(value), type(value).__name__)


def _metadata_error(body: Any, path: str, message: str) -> tuple[str, str] | None:
    """The field and message for msgspec's error on the metadata object at ``path`` of ``body``, or None.

    msgspec names a bad value only ``metadata[...]``: the answer names its key (``metadata.order_id``)."""
    metadata = _at(body, path)
    if not isinstance(metadata, dict):
        return None
    for key, value in metadata.items():
        if not isinstance(key, str) or not METADATA_KEY.match(key):
            return path, f"key {key!r}: keys are 1 to 40 characters of A-Z, a-z, 0-9, '_', '.' and '-'"
        if not isinstance(value, str):
            return (
                f"{path}.{key}",
                f"must be a string, not {_kind(value)}: metadata maps strings to strings "
                f"(send {json.dumps(json.dumps(value))})",
            )
        if len(value) > METADATA_VALUE_MAX:
            return f"{path}.{key}", f"is longer than {METADATA_VALUE_MAX} characters"
    if len(metadata) > METADATA_KEYS_MAX:
        return path, f"has {len(metadata)} keys; at most {METADATA_KEYS_MAX}"
    return None


def validation_handler(request: Request, exc: ValidationException) -> Response:
    """:func:`contract.errors.validation_handler`, with clearer words for two things msgspec says tersely:
    metadata (a bad value is named by its key, ``metadata.order_id``, looked up in the parsed body) and
    ``limit``'s range."""
    for item in exc.extra if isinstance(exc.extra, list) else []:
        if not isinstance(item, dict):
            continue
        key, message = str(item.get("key") or ""), str(item.get("message") or "")
        if item.get("source") == "body" and (key.endswith("metadata[...]") or key.rsplit(".", 1)[-1] == "metadata"):
            path = key.removesuffix("[...]")
            better = _metadata_error(ScopeState.from_scope(request.scope).json, path, message)
            if better is not None:
                item["key"], item["message"] = better
        elif key == "limit" and item.get("source") == "query":
            item["message"] = "must be a whole number from 1 to 100"
    return contract_validation_handler(request, exc)

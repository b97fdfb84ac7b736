"""Strict request bodies: a JSON body is checked against the route's ``data`` type with msgspec's strict rules
before Litestar converts it (Litestar converts leniently: ``"1"`` would pass for a number, ``0`` and
``"true"`` for a boolean). So a body is accepted exactly when the OpenAPI document says it is; the types that
accept more than one JSON type say so there (``DecimalIn``: a number or a string).

A body that fails answers like any other invalid input (:func:`contract.errors.validation_handler`: 422
naming the field)."""

from __future__ import annotations

import re
from typing import Any

import msgspec
from litestar import Request
from litestar.exceptions import ValidationException

_AT = re.compile(r"`\$\.(.+)`$")  # msgspec's "... - at `$.items[0].quantity`", as Litestar splits it


class StrictRequest(Request):
    """Litestar's request, its :meth:`json` refusing a body that strict msgspec decoding refuses."""

    async def json(self) -> Any:
        value = await super().json()
        field = self.route_handler.parsed_data_field
        if field is None or self.scope.get("folio_strict_checked"):
            return value
        self.scope["folio_strict_checked"] = True  # type: ignore[typeddict-unknown-key]
        body = await self.body()
        try:
            msgspec.json.decode(body or b"null", type=field.raw, strict=True)
        except msgspec.ValidationError as exc:
            text = str(exc)
            at = _AT.search(text)
            raise ValidationException(
                detail=f"Validation failed for {self.method} {self.url.path}",
                extra=[{"message": text.split(" - ", 1)[0], "key": at.group(1) if at else "data", "source": "body"}],
            ) from exc
        except (TypeError, msgspec.DecodeError):  # a type msgspec cannot decode to; Litestar's own check stays
            pass
        return value

"""Strict request bodies: a JSON body is decoded straight into the route's ``data`` type with msgspec's
strict rules (Litestar's own path converts leniently: ``"1"`` would pass for a number, ``0`` and ``"true"``
for a boolean). So a body is accepted exactly when the OpenAPI document says it is; the types that accept
more than one JSON type say so there (``DecimalIn``: a number or a string).

The body is decoded once: the typed value is what the handler receives (Litestar's conversion of a value
already of the route's type returns it as it is). Only when the strict decoding fails does Litestar's
generic decoding run too, so that the error handlers can look at the parsed body (``metadata.order_id``).

A body that fails answers like any other invalid input (:func:`contract.errors.validation_handler`: 422
naming the field)."""

from __future__ import annotations

import contextlib
import re
from typing import Any

import msgspec
from litestar import Request
from litestar.exceptions import SerializationException, ValidationException
from litestar.types import Empty

_AT = re.compile(r"`\$\.(.+)`$")  # msgspec's "... - at `$.items[0].quantity`", as Litestar splits it
_DECODED = "folio.strict_data"  # the scope's typed body, once decoded
_DECODERS: dict[Any, msgspec.json.Decoder | None] = {}


def _decoder(annotation: Any) -> msgspec.json.Decoder | None:
    """A strict decoder for ``annotation`` (built once per type), or None when msgspec cannot decode to it."""
    try:
        return _DECODERS[annotation]
    except KeyError:
        pass
    except TypeError:  # not hashable: build one each time
        return _build(annotation)
    _DECODERS[annotation] = decoder = _build(annotation)
    return decoder


def _build(annotation: Any) -> msgspec.json.Decoder | None:
    try:
        return msgspec.json.Decoder(annotation, strict=True)
    except TypeError:  # a type msgspec cannot decode to; Litestar's own path stays
        return None


class StrictRequest(Request):
    """Litestar's request, its :meth:`json` decoding the body strictly into the route's ``data`` type."""

    async def json(self) -> Any:
        field = self.route_handler.parsed_data_field
        if field is None:
            return await super().json()
        scope: dict[str, Any] = self.scope  # type: ignore[assignment]
        decoded = scope.get(_DECODED, Empty)
        if decoded is not Empty:
            return decoded
        decoder = _decoder(field.raw)
        if decoder is None:
            return await super().json()
        body = await self.body()
        try:
            value = decoder.decode(body or b"null")
        except msgspec.ValidationError as exc:
            await self._parsed_for_errors()
            text = str(exc)
            at = _AT.search(text)
            raise ValidationException(
                detail=f"Validation failed for {self.method} {self.url.path}",
                extra=[{"message": text.split(" - ", 1)[0], "key": at.group(1) if at else "data", "source": "body"}],
            ) from exc
        except msgspec.DecodeError:  # malformed JSON: Litestar's own decoding answers, as it always has
            return await super().json()
        scope[_DECODED] = value
        return value

    async def _parsed_for_errors(self) -> None:
        """The body as generic JSON in Litestar's scope state, for the validation handler's better words."""
        with contextlib.suppress(SerializationException):
            await super().json()

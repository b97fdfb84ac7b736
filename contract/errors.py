"""One exception hierarchy, one handler, RFC 9457 problem+json out.

::

    FolioError (500)
    ├── BadRequest (400)
    ├── ValidationFailed (422)   errors=[{"field", "message"}]
    ├── Unauthorized (401)
    ├── Forbidden (403)
    ├── NotFound (404)
    ├── Conflict (409)
    └── UpstreamError (502/504)   the BFF's proxy
"""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence
from typing import Any

import msgspec
from litestar import Request, Response
from litestar.exceptions import HTTPException, SerializationException, ValidationException
from litestar.types import ExceptionHandlersMap

log = logging.getLogger("folio")
PROBLEM = "application/problem+json"


class FolioError(Exception):
    status = 500
    title = "Internal error"

    def __init__(self, detail: str | None = None, *, errors: list[dict[str, str]] | None = None, **extra: Any):
        super().__init__(detail or self.title)
        self.detail = detail or self.title
        self.errors = errors
        self.extra = extra


class BadRequest(FolioError):
    status, title = 400, "Bad request"


class ValidationFailed(FolioError):
    status, title = 422, "Invalid input"

    @classmethod
    def field(cls, field: str, message: str) -> ValidationFailed:
        return cls(f"{field}: {message}", errors=[{"field": field, "message": message}])


class Unauthorized(FolioError):
    status, title = 401, "Unauthorized"


class Forbidden(FolioError):
    status, title = 403, "Forbidden"


class NotFound(FolioError):
    status, title = 404, "Not found"


class Conflict(FolioError):
    status, title = 409, "Conflict"


class UpstreamError(FolioError):
    status, title = 502, "Bad gateway"


def problem(status: int, title: str, detail: str, errors: list[dict[str, str]] | None = None, **extra: Any) -> Response:
    body: dict[str, Any] = {"type": "about:blank", "status": status, "title": title, "detail": detail}
    if errors:
        body["errors"] = errors
    body.update(extra)
    return Response(content=body, status_code=status, media_type=PROBLEM)


def folio_error_handler(_: Request, exc: FolioError) -> Response:
    return problem(exc.status, exc.title, exc.detail, exc.errors, **exc.extra)


_PATH = re.compile(r"at `\$\.?(.*?)`")
_MISSING = re.compile(r"Object missing required field `(.+?)`")
_UNKNOWN = re.compile(r"Object contains unknown field `(.+?)`")


def _field_of(message: str, key: str | None) -> tuple[str, str]:
    """msgspec says ``Expected `int`, got `str` - at `$.items[0].quantity```; Litestar may have moved
    the path into ``key`` already. Split it into the field's name and the message."""
    match = _PATH.search(message)
    if match:
        path, text = match.group(1), message[: match.start()].rstrip(" -")
    else:
        path, text = (key if key and key != "data" else ""), message
    path = path.replace("[...]", "")
    for pattern, said in ((_MISSING, "is required"), (_UNKNOWN, "is not a known field")):
        found = pattern.search(text)
        if found:
            return (f"{path}.{found.group(1)}" if path else found.group(1)), said
    return path or "body", text


_KINDS = {
    "str": "a string",
    "int": "a whole number",
    "float": "a number",
    "decimal": "a decimal number",
    "bool": "true or false",
    "array": "a list",
    "object": "an object",
    "null": "null",
    "date": "a date",
    "datetime": "a date and time",
}
_AS_WORDS = {">=": "at least", "<=": "at most", ">": "greater than", "<": "less than"}
PATTERNS: dict[str, str] = {}
"""What a string that must match a regex must be, by the regex (:func:`pattern`)."""


def pattern(regex: str, must_be: str) -> str:
    """``regex`` for ``Meta(pattern=…)``, registering what a refusal says instead of the regex: "must be
    {must_be}"."""
    PATTERNS[regex] = must_be
    return regex


def _kind(name: str) -> str:
    return _KINDS.get(name, name)


def plain(message: str, choices: Sequence[str] | None = None) -> str:
    """msgspec's words for a refused value (``Expected `str` of length >= 1``, ``Invalid enum value 'x'``) as
    plain ones (``must not be empty``, ``'x' is not one of: a, b``); other messages as they are. ``choices``:
    the values the field takes, when known."""
    if found := re.fullmatch(r"Expected `(\w+)` of length (>=|<=) (\d+)", message):
        kind, op, n = found.group(1), found.group(2), int(found.group(3))
        if kind == "str":
            if op == ">=" and n == 1:
                return "must not be empty"
            return f"must be {_AS_WORDS[op]} {n} character{'s' * (n != 1)} long"
        if op == ">=" and n == 1:
            return "must have at least one entry"
        unit = "key" if kind == "object" else "entr"
        plural = ("s" if unit == "key" else "ies") if n != 1 else ("" if unit == "key" else "y")
        return f"must have {_AS_WORDS[op]} {n} {unit}{plural}"
    if found := re.fullmatch(r"Expected `(.+?)`, got `(\w+)`", message):
        wanted = [kind for kind in found.group(1).split(" | ") if kind != "null"] or ["null"]
        return f"must be {' or '.join(_kind(kind) for kind in wanted)}, not {_kind(found.group(2))}"
    if found := re.fullmatch(r"Expected `\w+` (>=|<=|>|<) (\S+)", message):
        return f"must be {_AS_WORDS[found.group(1)]} {found.group(2)}"
    if found := re.fullmatch(r"Expected `str` matching regex '(.*)'", message, re.DOTALL):
        regex = found.group(1).replace("\\\\", "\\")  # msgspec writes each backslash twice
        must_be = PATTERNS.get(regex)
        return f"must be {must_be}" if must_be else f"is not in the expected form (the pattern {regex})"
    if found := re.fullmatch(r"Invalid enum value (.+)", message, re.DOTALL):
        value = found.group(1)
        return f"{value} is not one of: {', '.join(choices)}" if choices else f"{value} is not allowed"
    return {
        "Invalid decimal string": 'must be a decimal number, such as "12.50"',
        "Invalid RFC3339 encoded date": "must be a date as YYYY-MM-DD",
        "Invalid RFC3339 encoded datetime": "must be a date and time as in 2026-12-05T09:30:00Z (RFC 3339)",
    }.get(message, message)


def _inner(info: Any) -> Any:
    """Through an optional value or a list to what it holds."""
    while True:
        if isinstance(info, msgspec.inspect.UnionType):
            inner = [t for t in info.types if not isinstance(t, msgspec.inspect.NoneType)]
            if len(inner) != 1:
                return info
            info = inner[0]
        elif isinstance(info, msgspec.inspect.ListType | msgspec.inspect.SetType | msgspec.inspect.VarTupleType):
            info = info.item_type
        else:
            return info


def _choices(request: Request, source: Any, field: str) -> list[str] | None:
    """The values a field of the request's route takes when it is a choice (a ``Literal`` or an enum: the query
    parameter ``field``, or the body's field at the path ``field``), else None."""
    handler: Any = request.scope.get("route_handler")
    if handler is None:
        return None
    parameters = handler.parsed_fn_signature.parameters
    name, parts = ("data", [p for p in re.split(r"\.|\[\d*\]", field) if p]) if source == "body" else (field, [])
    if name not in parameters:
        return None
    try:
        info: Any = _inner(msgspec.inspect.type_info(parameters[name].annotation))
    except Exception:  # a type msgspec does not describe
        return None
    for part in parts:
        if not isinstance(info, msgspec.inspect.StructType):
            return None
        info = _inner(next((f.type for f in info.fields if f.encode_name == part), None))
    if isinstance(info, msgspec.inspect.LiteralType):
        return [str(value) for value in info.values]
    if isinstance(info, msgspec.inspect.EnumType):
        return [str(member.value) for member in info.cls]
    return None


def not_json(said: str) -> Response:
    """The 400 for a body that does not parse as JSON, naming ``body`` with the parser's words."""
    return problem(
        400, "Bad request", f"The request body is not valid JSON: {said}", [{"field": "body", "message": said}]
    )


def validation_handler(request: Request, exc: ValidationException) -> Response:
    errors = []
    for item in exc.extra or []:
        if isinstance(item, dict):
            field, text = _field_of(str(item.get("message", "")), item.get("key"))
            if item.get("source") in ("query", "header", "path") and item.get("key"):
                field = str(item["key"])
            choices = _choices(request, item.get("source"), field) if text.startswith("Invalid enum") else None
            errors.append({"field": field, "message": plain(text, choices) or "is invalid"})
    if not errors:
        errors = [{"field": "body", "message": exc.detail or "is invalid"}]
    malformed = next((e for e in errors if "JSON is malformed" in e["message"] or "Malformed" in e["message"]), None)
    if malformed is not None:
        return not_json(malformed["message"])
    detail = "; ".join(f"{e['field']}: {e['message']}" for e in errors)
    return problem(422, "Invalid input", detail, errors)


def http_exception_handler(_: Request, exc: HTTPException) -> Response:
    status = exc.status_code
    titles = {
        400: "Bad request",
        401: "Unauthorized",
        403: "Forbidden",
        404: "Not found",
        405: "Method not allowed",
        413: "Payload too large",
        415: "Unsupported media type",
    }
    if status == 400 and isinstance(exc.__cause__, SerializationException):  # the body did not parse
        return not_json(exc.detail or "it does not parse")
    response = problem(status, titles.get(status, "Error"), exc.detail or titles.get(status, "Error"))
    response.headers.update(exc.headers or {})  # e.g. a 405's Allow
    return response


def unexpected_handler(request: Request, exc: Exception) -> Response:
    log.exception("unhandled error on %s %s", request.method, request.url.path, exc_info=exc)
    return problem(500, "Internal error", "Something went wrong on our side; nothing was changed.")


EXCEPTION_HANDLERS: ExceptionHandlersMap = {
    FolioError: folio_error_handler,
    ValidationException: validation_handler,
    HTTPException: http_exception_handler,
    Exception: unexpected_handler,
}

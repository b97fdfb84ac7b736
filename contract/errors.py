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
from typing import Any

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


def not_json(said: str) -> Response:
    """The 400 for a body that does not parse as JSON, naming ``body`` with the parser's words."""
    return problem(
        400, "Bad request", f"The request body is not valid JSON: {said}", [{"field": "body", "message": said}]
    )


def validation_handler(_: Request, exc: ValidationException) -> Response:
    errors = []
    for item in exc.extra or []:
        if isinstance(item, dict):
            field, text = _field_of(str(item.get("message", "")), item.get("key"))
            if item.get("source") in ("query", "header", "path") and item.get("key"):
                field = str(item["key"])
            errors.append({"field": field, "message": text or "is invalid"})
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

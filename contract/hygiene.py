"""Input hygiene at the HTTP boundary: one ASGI middleware (:func:`input_hygiene`) that every JSON body,
query parameter, path parameter and database-bound header passes before a handler, a guard or the
database sees it. The API wires it once for the whole app (:mod:`invoicing.app`); the BFF's own JSON
endpoints (``/embed/tokens``, ``/embed/session``, ``/app/session``, ``/app/sign-in``) carry it too, so a
BFF deployed on its own refuses the same input.

- **Nesting**: a JSON body nested deeper than :data:`MAX_DEPTH` (32; no Folio body needs more than ~6)
  is refused with 400 problem+json (field ``body``) by a scan of the raw bytes, before any decoder
  recurses into it.
- **Control characters**: a string anywhere in a JSON body, a query parameter (name or value), a path
  parameter, or a header in :data:`CHECKED_HEADERS` that holds a C0 control character (U+0000–U+001F),
  DEL, a C1 control character (U+0080–U+009F), a lone surrogate or U+FFFE/U+FFFF is refused with 422
  problem+json naming the field (``items[2].description``, ``metadata.order_id``, ``search``,
  ``metadata[order_id]``, ``Idempotency-Key``). Tab is allowed everywhere; newline and carriage return
  only in multi-line fields: a body field named one of :data:`MULTI_LINE_FIELDS` (addresses,
  descriptions, notes, footers, payment terms, an e-mail's message), at any depth, but not a metadata
  value (metadata is single-line, like every query parameter, path parameter and header).
- **Query parameter values** longer than :data:`QUERY_VALUE_MAX` characters are refused with 422 naming
  the parameter.

Nothing is changed in what passes. A body is searched as bytes first (:data:`_SUSPECT`: every way a refused
character can be written in JSON); only a body with a hit is decoded and walked, and Litestar keeps that
decoding. Other bodies are decoded once, by the handler's strict decoding (:mod:`contract.strict`).
"""

from __future__ import annotations

import re
from typing import Any, cast

from litestar import Request
from litestar.enums import ScopeType
from litestar.exceptions import SerializationException
from litestar.types import ASGIApp, Receive, Scope, Send

from contract.errors import BadRequest, ValidationFailed

MAX_DEPTH = 32
"""The deepest a JSON body may nest (objects and arrays); ``{"a": [1]}`` is 2 deep."""
QUERY_VALUE_MAX = 1000
"""The longest a query parameter's value may be (a search is at most 200, a metadata filter 500)."""
MULTI_LINE_FIELDS = frozenset(
    {"address", "description", "note", "default_note", "footer", "payment_terms", "payment_terms_text", "message"}
)
"""Body fields whose text may span lines (newline, carriage return); every other text is one line."""
CHECKED_HEADERS = ("Idempotency-Key", "X-Entity-Id")
"""The request headers whose values reach the database (other headers never leave the HTTP layer)."""

_MARK = "folio.hygiene"  # set in the scope once checked: the API's app-wide and a BFF route's own wiring
_FORBIDDEN = "\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff"
_ONE_LINE = re.compile(f"[{_FORBIDDEN}\n\r]")
_MULTI_LINE = re.compile(f"[{_FORBIDDEN}]")
_JSON_TOKEN = re.compile(rb'"(?:\\.|[^"\\])*"|[\[\]{}]')  # a string (skipped whole) or a bracket
_OPEN = frozenset(b"[{")
# Every way a refused character can be written in a UTF-8 JSON text (see may_hold_refused)
_SUSPECT = re.compile(
    rb"\\(?:u00[0189]|u007[fF]|u[dD][89a-fA-F]|u[fF]{3}[eEfF]|[bfnr])|[\x00-\x1f\x7f]|\xc2[\x80-\x9f]"
    rb"|\xef\xbf[\xbe\xbf]|\xed[\xa0-\xbf]"
)
_FORM = ("multipart/", "application/x-www-form-urlencoded")


def too_deep(body: bytes, limit: int = MAX_DEPTH) -> bool:
    """Whether the JSON text ``body`` nests objects/arrays deeper than ``limit``, without decoding it
    (brackets inside strings do not count); it stops at the first bracket past the limit."""
    if body.count(b"[") + body.count(b"{") <= limit:
        return False
    depth = 0
    for match in _JSON_TOKEN.finditer(body):
        char = match.group()[0]
        if char == 0x22:  # a string
            continue
        if char in _OPEN:
            depth += 1
            if depth > limit:
                return True
        else:
            depth -= 1
    return False


def may_hold_refused(body: bytes) -> bool:
    """Whether the JSON text ``body`` may hold a string with a character :func:`bad_character` refuses (a
    line break included): an escape (``\\u0000``-``\\u001f``, ``\\u007f``, ``\\u0080``-``\\u009f``, a
    surrogate, ``\\ufffe``/``\\uffff``, ``\\b`` ``\\f`` ``\\n`` ``\\r``) or the raw bytes of one (C0,
    DEL, C1, U+FFFE/U+FFFF, an encoded surrogate). False means no string in it can hold one, so the body
    needs no walk; True (also for a raw line break between tokens, or an escaped backslash before an
    ``n``) means walk it, and the walk decides."""
    return _SUSPECT.search(body) is not None


def _describe(char: str) -> str:
    names = {"\x00": "a NUL byte", "\n": "a line break", "\r": "a carriage return", "\x7f": "DEL"}
    kind = "a control character" if ord(char) <= 0x9F else "a character no text may hold"
    return f"{names.get(char, kind)} (U+{ord(char):04X})"


def bad_character(text: str, *, multi_line: bool = False) -> str | None:
    """Why ``text`` may not be stored (the first character refused, described), or None."""
    found = (_MULTI_LINE if multi_line else _ONE_LINE).search(text)
    if found is None:
        return None
    char = found.group()
    if char in "\n\r":
        fields = ", ".join(sorted(MULTI_LINE_FIELDS))
        return f"holds {_describe(char)}: this field is one line (line breaks are allowed in {fields})"
    return f"holds {_describe(char)}; text may hold tab but no other control character"


def _shown(name: str) -> str:
    """A name as it can be printed in an error (its control characters escaped)."""
    return name.encode("unicode_escape").decode("ascii") if _ONE_LINE.search(name) else name


def check_json(value: Any) -> None:
    """422 naming the first string in the decoded JSON ``value`` (in document order) that holds a
    character :func:`bad_character` refuses, object keys included."""
    # (value, path, multi-line, inside metadata); walked with a stack: the depth is bounded anyway
    stack: list[tuple[Any, str, bool, bool]] = [(value, "", False, False)]
    while stack:
        item, path, multi, in_metadata = stack.pop()
        if isinstance(item, str):
            why = bad_character(item, multi_line=multi)
            if why:
                raise ValidationFailed.field(path or "body", why)
        elif isinstance(item, dict):
            children = []
            for key, child in item.items():
                why = bad_character(key)
                if why:
                    raise ValidationFailed.field(path or "body", f"has a key {_shown(key)!r} that {why}")
                child_path = f"{path}.{key}" if path else key
                children.append(
                    (child, child_path, not in_metadata and key in MULTI_LINE_FIELDS, in_metadata or key == "metadata")
                )
            stack.extend(reversed(children))
        elif isinstance(item, list):
            stack.extend((child, f"{path}[{i}]", multi, in_metadata) for i, child in reversed(list(enumerate(item))))


def check_query(request: Request) -> None:
    """422 naming the first query parameter with a refused character or an over-long value."""
    for name, value in request.query_params.multi_items():
        why = bad_character(name)
        if why:
            raise ValidationFailed.field(_shown(name), f"the parameter's name {why}")
        why = bad_character(value)
        if why:
            raise ValidationFailed.field(name, why)
        if len(value) > QUERY_VALUE_MAX:
            raise ValidationFailed.field(name, f"is longer than {QUERY_VALUE_MAX} characters")


def check_path_and_headers(request: Request) -> None:
    """422 naming a path parameter or a :data:`CHECKED_HEADERS` header that holds a refused character."""
    for name, value in request.path_params.items():
        why = isinstance(value, str) and bad_character(value)
        if why:
            raise ValidationFailed.field(name, why)
    for header in CHECKED_HEADERS:
        value = request.headers.get(header)
        why = value is not None and bad_character(value)
        if why:
            raise ValidationFailed.field(header, why)


def _takes_json(request: Request) -> bool:
    handler = request.scope.get("route_handler")
    if handler is None or "data" not in handler.parsed_fn_signature.parameters:
        return False
    return not request.headers.get("content-type", "").lower().startswith(_FORM)


async def check_body(request: Request) -> None:
    """400 for a JSON body nested deeper than :data:`MAX_DEPTH`; 422 for a refused character in it.
    Bodies that are not JSON are left to the decoder's own answer."""
    if not _takes_json(request):
        return
    body = await request.body()
    if not body:
        return
    if too_deep(body):
        raise BadRequest(
            f"The request body nests deeper than {MAX_DEPTH} levels.",
            errors=[{"field": "body", "message": f"nests objects and arrays deeper than {MAX_DEPTH} levels"}],
        )
    if not may_hold_refused(body):
        return  # no string in it can hold a refused character: the handler decodes it (once)
    try:
        value = await request.json()  # Litestar keeps it for the handler
    except SerializationException:
        return  # the handler's decoding answers 400 for malformed JSON, as it always has
    check_json(value)


def input_hygiene(app: ASGIApp) -> ASGIApp:
    """The middleware: refuse the request (problem+json through the app's handlers) or pass it on."""

    async def middleware(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == ScopeType.HTTP and not cast(dict, scope).get(_MARK):
            cast(dict, scope)[_MARK] = True
            request: Request = Request(scope, receive)
            check_path_and_headers(request)
            check_query(request)
            await check_body(request)
        await app(scope, receive, send)

    return middleware

"""List endpoints: cursor pagination (newest first), the ``metadata[KEY]=VALUE`` filters, and the one
check that refuses query parameters a route does not declare.

- **Cursors** are opaque: the last id of the page and a check of it (``inv_01J….3f9a1c2e``). One that was
  not made by :func:`page` for the same kind of list (garbage, cut short, edited, another list's) is
  refused with 422 naming ``cursor``.
- **Metadata filters**: a list route that supports them says so with ``opt={..., **METADATA_FILTERS}``,
  takes ``request`` and hands :func:`metadata_filters` of it to its service (:func:`apply_metadata`).
  The OpenAPI document shows them as a ``metadata`` deepObject parameter (:mod:`invoicing.core.openapi`).
  At most :data:`METADATA_FILTERS_MAX` (20) per request, else 422 naming ``metadata``.
- **Unknown query parameters**: :func:`check_query`, an app-wide guard, answers 422 naming any query
  parameter a ``/v1`` route does not declare (``status`` on ``/v1/customers``, ``metadata[…]`` where the
  route has no metadata filters), so a misspelt filter never silently lists everything, and any parameter
  given twice (``?status=paid&status=void``: which one would count?).
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

from litestar import Request
from litestar.connection import ASGIConnection
from litestar.constants import RESERVED_KWARGS
from litestar.handlers import BaseRouteHandler
from litestar.params import ParameterKwarg
from sqlalchemy import Select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Mapped

from contract.errors import ValidationFailed

T = TypeVar("T")
_METADATA_PARAM = re.compile(r"^metadata\[([A-Za-z0-9_.\-]{1,40})\]$")
_CURSOR = re.compile(r"^([a-z_]{2,12}_[0-9a-hjkmnp-tv-z]{26})\.([0-9a-f]{8})$")
_PATH_PARAM = re.compile(r"{(\w+)(?::\w+)?}")

METADATA_OPT = "metadata_filters"
METADATA_FILTERS = {METADATA_OPT: True}
"""Spread into a list route's ``opt``: the route filters by ``metadata[KEY]=VALUE``."""
METADATA_VALUE_MAX = 500
METADATA_FILTERS_MAX = 20
"""At most this many ``metadata[KEY]`` filters per request (each is a condition of the query)."""


def metadata_filters(request: Request) -> dict[str, str]:
    """The ``metadata[KEY]=VALUE`` query parameters of a list request (at most :data:`METADATA_FILTERS_MAX`)."""
    filters = {}
    names = [name for name in request.query_params if name.startswith("metadata")]
    if len(names) > METADATA_FILTERS_MAX:
        raise ValidationFailed.field(
            "metadata", f"has {len(names)} filters; at most {METADATA_FILTERS_MAX} per request"
        )
    for name, value in request.query_params.items():
        if name.startswith("metadata"):
            match = _METADATA_PARAM.match(name)
            if not match:
                raise ValidationFailed.field(
                    name, "use metadata[KEY]=VALUE with KEY of [A-Za-z0-9_.-], up to 40 characters"
                )
            if len(value) > METADATA_VALUE_MAX:
                raise ValidationFailed.field(name, f"is longer than {METADATA_VALUE_MAX} characters")
            filters[match.group(1)] = value
    return filters


def apply_metadata(stmt: Select, column: Mapped[dict[str, str]], filters: dict[str, str]) -> Select:
    for key, value in filters.items():
        stmt = stmt.where(column[key].as_string() == value)
    return stmt


def _check(kind: str, last_id: str) -> str:
    return hashlib.blake2s(f"{kind}:{last_id}".encode(), digest_size=4).hexdigest()


def make_cursor(kind: str, last_id: str) -> str:
    """The cursor after ``last_id`` in a list of ``kind`` (the table's name)."""
    return f"{last_id}.{_check(kind, last_id)}"


def read_cursor(kind: str, cursor: str) -> str:
    """The last id a cursor of a ``kind`` list carries; 422 naming ``cursor`` for anything else."""
    match = _CURSOR.match(cursor)
    if match is None or match.group(2) != _check(kind, match.group(1)):
        raise ValidationFailed.field(
            "cursor", "is not a cursor of this list; pass back the next_cursor of the previous page unchanged"
        )
    return match.group(1)


async def page(
    session: AsyncSession,
    stmt: Select,
    id_column: Mapped[str],
    limit: int,
    cursor: str | None,
    convert: Callable[[Any], T],
) -> tuple[list[T], str | None]:
    """Newest first; the cursor names the last id of the previous page (ids sort by creation time)."""
    kind = id_column.class_.__tablename__  # type: ignore[attr-defined]  # an ORM attribute knows its class
    if cursor is not None:
        stmt = stmt.where(id_column < read_cursor(kind, cursor))
    rows: Sequence[Any] = (await session.execute(stmt.order_by(id_column.desc()).limit(limit + 1))).scalars().all()
    more = len(rows) > limit
    rows = rows[:limit]
    return [convert(r) for r in rows], (make_cursor(kind, rows[-1].id) if more and rows else None)


_DECLARED: dict[BaseRouteHandler, tuple[frozenset[str], frozenset[str]]] = {}


def declared_query(handler: BaseRouteHandler) -> tuple[frozenset[str], frozenset[str]]:
    """The query parameters ``handler`` declares (its signature's, by their query alias), and of them those
    that take several values (a list, given as ``status=a&status=b``), computed once."""
    declared = _DECLARED.get(handler)
    if declared is None:
        dependencies = handler.resolve_dependencies()
        in_path = {m.group(1) for path in handler.paths for m in _PATH_PARAM.finditer(path)}
        found, lists = set(), set()
        for name, field in handler.parsed_fn_signature.parameters.items():
            if name in RESERVED_KWARGS or name in dependencies or name in in_path:
                continue
            kwarg = field.kwarg_definition
            if isinstance(kwarg, ParameterKwarg):
                if kwarg.header or kwarg.cookie:
                    continue
                name = kwarg.query or name
            found.add(name)
            if field.is_non_string_sequence:
                lists.add(name)
        declared = _DECLARED[handler] = (frozenset(found), frozenset(lists))
    return declared


def check_query(connection: ASGIConnection, handler: BaseRouteHandler) -> None:
    """The app-wide guard (after the authorising one): 422 naming the first query parameter a ``/v1``
    route does not declare, or one given more than once that takes one value; ``metadata[…]`` is declared
    by ``opt`` (:data:`METADATA_FILTERS`)."""
    if not connection.url.path.startswith("/v1/"):
        return
    params = connection.query_params
    if not params:
        return
    declared, lists = declared_query(handler)
    metadata = bool(handler.opt.get(METADATA_OPT))
    seen = set()
    for name, _ in params.multi_items():
        if name in seen and name not in lists:
            raise ValidationFailed.field(name, "is given more than once; every parameter takes one value")
        seen.add(name)
        if name in declared or (metadata and name.startswith("metadata")):
            continue
        known = sorted(declared) + (["metadata[KEY]"] if metadata else [])
        raise ValidationFailed.field(
            name,
            "is not a parameter of this endpoint"
            + (f" (it takes {', '.join(known)})" if known else " (it takes no query parameters)"),
        )

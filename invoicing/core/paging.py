"""List endpoints: cursor pagination (newest first) and the ``metadata[KEY]=VALUE`` filters."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

from litestar import Request
from sqlalchemy import Select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Mapped

from contract.errors import ValidationFailed

T = TypeVar("T")
_METADATA_PARAM = re.compile(r"^metadata\[([A-Za-z0-9_.\-]{1,40})\]$")


def metadata_filters(request: Request) -> dict[str, str]:
    """The ``metadata[KEY]=VALUE`` query parameters of a list request."""
    filters = {}
    for name, value in request.query_params.items():
        if name.startswith("metadata"):
            match = _METADATA_PARAM.match(name)
            if not match:
                raise ValidationFailed.field(
                    name, "use metadata[KEY]=VALUE with KEY of [A-Za-z0-9_.-], up to 40 characters"
                )
            filters[match.group(1)] = value
    return filters


def apply_metadata(stmt: Select, column: Mapped[dict[str, str]], filters: dict[str, str]) -> Select:
    for key, value in filters.items():
        stmt = stmt.where(column[key].as_string() == value)
    return stmt


async def page(
    session: AsyncSession,
    stmt: Select,
    id_column: Mapped[str],
    limit: int,
    cursor: str | None,
    convert: Callable[[Any], T],
) -> tuple[list[T], str | None]:
    """Newest first; the cursor is the last id of the previous page (ids sort by creation time)."""
    if cursor:
        stmt = stmt.where(id_column < cursor)
    rows: Sequence[Any] = (await session.execute(stmt.order_by(id_column.desc()).limit(limit + 1))).scalars().all()
    more = len(rows) > limit
    rows = rows[:limit]
    return [convert(r) for r in rows], (rows[-1].id if more and rows else None)

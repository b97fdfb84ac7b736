"""The BFF's abuse limits kept in PostgreSQL, so every ``folio serve`` process counts in one place
(:class:`bff.SharedCounts`; the windows and their semantics are described in :mod:`bff._limits`).

One row per (limit, hashed key, fixed window). A request is counted by one statement per window::

    INSERT INTO rate_limit_counts … VALUES (…, count 1)
    ON CONFLICT (bucket, key, window_start) DO UPDATE SET count = count + 1 WHERE count < :limit
    RETURNING count                       no row back: the window is full, the request is refused

The upsert takes the row's lock, so concurrent requests from any process queue on it and never both
take the last place. A request's windows are counted in one transaction, rolled back when any refuses
(a refused request counts nowhere). Windows that are over are deleted, at most once a minute per process.
SQLite runs one process per file: its limits stay in memory (:func:`database_counts` gives None).
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Sequence
from typing import Protocol, cast

from sqlalchemy import Executable, Table, delete
from sqlalchemy.dialects.postgresql import insert

from invoicing.db.engine import Database
from invoicing.db.models import RateLimitCount


class Limit(Protocol):
    """A limit as :class:`bff.Limit` has it (the API of record does not import the BFF)."""

    @property
    def count(self) -> int: ...

    @property
    def seconds(self) -> int: ...


PRUNE_SECONDS = 60

_TABLE = cast(Table, RateLimitCount.__table__)


def _upsert(row: dict[str, object], limit: int) -> Executable:
    statement = insert(_TABLE).values(row)
    return statement.on_conflict_do_update(
        index_elements=["bucket", "key", "window_start"],
        set_={"count": _TABLE.c.count + 1},
        where=_TABLE.c.count < limit,
    ).returning(_TABLE.c.count)


class _Refused(Exception):
    """Rolls back a request's counts when one of its windows is full."""


def hashed(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


class DatabaseCounts:
    """:class:`bff.SharedCounts` in ``rate_limit_counts`` (PostgreSQL)."""

    def __init__(self, database: Database, *, prune_seconds: float = PRUNE_SECONDS):
        self.database = database
        self.prune_seconds = prune_seconds
        self._pruned_at = -math.inf

    async def take(self, requests: Sequence[tuple[str, str, Limit]], now: float) -> list[int | None]:
        waits: list[int | None] = []
        try:
            async with self.database.transaction() as session:
                for bucket, key, limit in requests:
                    start = int(now // limit.seconds) * limit.seconds
                    end = start + limit.seconds
                    row = {"bucket": bucket, "key": hashed(key), "window_start": start, "count": 1, "expires_at": end}
                    counted = (await session.execute(_upsert(row, limit.count))).first()
                    waits.append(None if counted is not None else max(1, math.ceil(end - now)))
                if any(wait is not None for wait in waits):
                    raise _Refused
        except _Refused:
            pass
        await self._prune(now)
        return waits

    async def _prune(self, now: float) -> None:
        if now - self._pruned_at < self.prune_seconds:
            return
        self._pruned_at = now
        async with self.database.transaction() as session:
            await session.execute(delete(RateLimitCount).where(RateLimitCount.expires_at <= int(now)))


def database_counts(database: Database) -> DatabaseCounts | None:
    """Shared counts on PostgreSQL; None on SQLite (one process per file: in memory is shared enough)."""
    return None if database.is_sqlite else DatabaseCounts(database)

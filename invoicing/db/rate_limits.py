"""The BFF's abuse limits kept in PostgreSQL, so every ``folio serve`` process counts in one place
(:class:`bff.SharedCounts`), with the same sliding windows as in memory (:mod:`bff._limits`).

One row per (limit, hashed key) holding the times of the requests counted in the window. A request is
counted by one statement, which drops the times that left the window and appends its own only while
there is room::

    INSERT INTO rate_limit_hits … VALUES (…, ARRAY[:now])
    ON CONFLICT (bucket, key) DO UPDATE SET hits = [the hits after :start] || :now
    WHERE (count of the hits after :start) < :limit
    RETURNING 1                           no row back: the window is full, the request is refused

The upsert takes the row's lock, so concurrent requests from any process queue on it and never both
take the last place. A request's windows are counted in one transaction, rolled back when any refuses
(a refused request counts nowhere); the wait is read from the row it holds locked. Rows whose window is
over are deleted, at most once a minute per process. SQLite runs one process per file: its limits stay
in memory (:func:`database_counts` gives None).
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Sequence
from typing import Protocol

from sqlalchemy import delete, text

from invoicing.db.engine import Database
from invoicing.db.models import RateLimitHits

PRUNE_SECONDS = 60

_COUNT = text(
    """
    INSERT INTO rate_limit_hits AS r (bucket, key, hits, expires_at)
    VALUES (:bucket, :key, ARRAY[CAST(:now AS double precision)], :expires)
    ON CONFLICT (bucket, key) DO UPDATE
    SET hits = array_append(
            ARRAY(SELECT h FROM unnest(r.hits) AS h WHERE h > :start ORDER BY h), CAST(:now AS double precision)
        ),
        expires_at = :expires
    WHERE (SELECT count(*) FROM unnest(r.hits) AS h WHERE h > :start) < :limit
    RETURNING 1
    """
)
_OLDEST = text(
    "SELECT min(h) FROM rate_limit_hits AS r, unnest(r.hits) AS h"
    " WHERE r.bucket = :bucket AND r.key = :key AND h > :start"
)


class Limit(Protocol):
    """A limit as :class:`bff.Limit` has it (the API of record does not import the BFF)."""

    @property
    def count(self) -> int: ...

    @property
    def seconds(self) -> int: ...


class _Refused(Exception):
    """Rolls back a request's counts when one of its windows is full."""


def hashed(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


class DatabaseCounts:
    """:class:`bff.SharedCounts` in ``rate_limit_hits`` (PostgreSQL)."""

    def __init__(self, database: Database, *, prune_seconds: float = PRUNE_SECONDS):
        self.database = database
        self.prune_seconds = prune_seconds
        self._pruned_at = -math.inf

    async def take(self, requests: Sequence[tuple[str, str, Limit]], now: float) -> list[int | None]:
        waits: list[int | None] = []
        try:
            async with self.database.transaction() as session:
                for bucket, key, limit in requests:
                    start = float(now - limit.seconds)
                    params = {"bucket": bucket, "key": hashed(key), "now": float(now), "start": start}
                    row = {**params, "expires": float(now + limit.seconds), "limit": limit.count}
                    if (await session.execute(_COUNT, row)).first() is not None:
                        waits.append(None)
                        continue
                    oldest = (await session.execute(_OLDEST, params)).scalar()  # the row is ours, locked
                    waits.append(max(1, math.ceil((oldest if oldest is not None else now) - start)))
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
            await session.execute(delete(RateLimitHits).where(RateLimitHits.expires_at <= now))


def database_counts(database: Database) -> DatabaseCounts | None:
    """Shared counts on PostgreSQL; None on SQLite (one process per file: in memory is shared enough)."""
    return None if database.is_sqlite else DatabaseCounts(database)

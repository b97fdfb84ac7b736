"""The BFF's abuse limits hold across processes on PostgreSQL: two Folio servers (two app objects, each
with its own engine, as two processes would have) on one database share every window, so the (N+1)th
attempt across both is refused with 429 and Retry-After; a refused request counts in none of its windows;
windows that are over are pruned. On SQLite (one process per file) the limits stay in memory."""

from __future__ import annotations

import asyncio
import time

import httpx
import pytest
from sqlalchemy import func, select

from bff import Limit
from bff.config import BffSettings
from folio.server import create_server_app
from invoicing.config import Settings
from invoicing.db import Database
from invoicing.db.migrate import upgrade
from invoicing.db.models import RateLimitHits
from invoicing.db.rate_limits import DatabaseCounts, database_counts, hashed
from tests.conftest import drop_postgres_database, postgres_database, running, skip_unless_ci

LIMITS = {"limit_session_ip": "3/3600", "limit_sign_in_email": "2/3600", "limit_sign_in_ip": "5/3600"}


@pytest.fixture
def pg_url():
    url = postgres_database()
    if url is None:
        skip_unless_ci("PostgreSQL is not reachable")
    upgrade(url)
    yield url
    drop_postgres_database(url)


def _factory(settings: Settings):
    return create_server_app(settings, bff_settings=BffSettings(**LIMITS))


def _settings(url: str) -> Settings:
    settings = Settings()
    settings.database.url = url
    return settings


@pytest.fixture
def two_servers(pg_url):
    with running(_factory, _settings(pg_url)) as first, running(_factory, _settings(pg_url)) as second:
        yield first, second


def _assert_limited(r: httpx.Response) -> int:
    assert r.status_code == 429, r.text
    assert r.headers["content-type"].startswith("application/problem+json")
    assert r.json()["code"] == "rate_limited"
    wait = int(r.headers["retry-after"])
    assert 1 <= wait <= 3600 and r.json()["retry_after"] == wait
    return wait


def test_session_doors_count_once_across_two_servers(two_servers):
    first, second = two_servers
    # three attempts with a bad token, spread over both servers: each counts (then fails on the token)
    for url in (first, second, first):
        assert httpx.post(f"{url}/embed/session", json={"token": "not-a-token"}).status_code == 401
    _assert_limited(httpx.post(f"{second}/embed/session", json={"token": "not-a-token"}))
    _assert_limited(httpx.post(f"{first}/embed/session", json={"token": "not-a-token"}))
    # the standalone dashboard's door has a window of its own (the same setting)
    for url in (second, first, second):
        r = httpx.post(f"{url}/app/session", json={"token": "not-a-token"}, headers={"Origin": url})
        assert r.status_code == 401, r.text
    _assert_limited(httpx.post(f"{first}/app/session", json={"token": "x"}, headers={"Origin": first}))


def test_sign_in_limits_are_shared_and_a_refused_request_counts_nowhere(two_servers):
    first, second = two_servers

    def sign_in(url: str, email: str) -> httpx.Response:
        return httpx.post(f"{url}/app/sign-in", json={"email": email}, headers={"Origin": url})

    assert sign_in(first, "someone@example.com").status_code == 202
    assert sign_in(second, "SOMEONE@example.com").status_code == 202  # one address, whatever the case
    for url in (first, second, first):  # refused by the address's window: the client's counts none of them
        _assert_limited(sign_in(url, "someone@example.com"))
    # the client's window (5) has counted two: three more addresses pass, the sixth request is refused
    for url, n in ((second, 1), (first, 2), (second, 3)):
        assert sign_in(url, f"other{n}@example.com").status_code == 202
    _assert_limited(sign_in(first, "other4@example.com"))


def test_the_store_counts_atomically_and_prunes_windows_that_are_over(pg_url):
    async def run():
        db = Database(pg_url)
        try:
            counts = database_counts(db)
            assert isinstance(counts, DatabaseCounts)
            limit = Limit(2, 60)
            now = 6_000_000.0
            # many concurrent requests for one key: exactly the limit is counted
            results = await asyncio.gather(*(counts.take([("b", "k", limit)], now) for _ in range(10)))
            assert results.count([None]) == 2 and results.count([60]) == 8
            # all or none: the second window refuses, so the first (room left) counts nothing
            assert await counts.take([("c", "k", limit), ("b", "k", limit)], now + 20) == [None, 40]
            assert await counts.take([("c", "k", limit)], now + 20) == [None]
            assert await counts.take([("c", "k", limit)], now + 30) == [None]
            assert await counts.take([("c", "k", limit)], now + 30) == [50]
            async with db.transaction(write=False) as session:
                rows = (
                    await session.execute(select(RateLimitHits.bucket, RateLimitHits.key, RateLimitHits.hits))
                ).all()
            assert sorted(rows) == [("b", hashed("k"), [now, now]), ("c", hashed("k"), [now + 20, now + 30])]
            # a sliding window: the oldest hit leaves it 60 s after it was counted, making room for one
            assert await counts.take([("c", "k", limit)], now + 79) == [1]
            assert await counts.take([("c", "k", limit)], now + 80) == [None]
            assert await counts.take([("c", "k", limit)], now + 80) == [10]
            # rows whose window is over are deleted
            assert await counts.take([("b", "k", limit)], now + 150 + counts.prune_seconds) == [None]
            async with db.transaction(write=False) as session:
                left = (await session.execute(select(func.count()).select_from(RateLimitHits))).scalar()
            assert left == 1
        finally:
            await db.dispose()

    asyncio.run(run())


def test_sqlite_keeps_the_limits_in_memory(tmp_path):
    assert database_counts(Database(f"sqlite:///{tmp_path / 'folio.db'}")) is None


def test_a_refusal_waits_for_the_end_of_the_window(pg_url):
    async def run():
        db = Database(pg_url)
        try:
            counts = DatabaseCounts(db)
            now = time.time()
            limit = Limit(1, 10)
            assert await counts.take([("d", "k", limit)], now) == [None]
            [wait] = await counts.take([("d", "k", limit)], now)
            assert wait is not None and 1 <= wait <= 10
        finally:
            await db.dispose()

    asyncio.run(run())

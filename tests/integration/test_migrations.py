"""The migrations build exactly the schema the models describe, on both engines: every table, column,
index and constraint (alembic's autogenerate comparison finds nothing to add or drop)."""

from __future__ import annotations

import asyncio

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy.ext.asyncio import create_async_engine

from invoicing.db.engine import normalize_url
from invoicing.db.migrate import upgrade
from invoicing.db.models import Base


async def _differences(url: str) -> list:
    engine = create_async_engine(normalize_url(url))
    try:
        async with engine.connect() as conn:
            return await conn.run_sync(lambda c: compare_metadata(MigrationContext.configure(c), Base.metadata))
    finally:
        await engine.dispose()


def test_the_migrated_schema_is_the_models_schema(database_url):
    upgrade(database_url)
    assert asyncio.run(_differences(database_url)) == []

"""Who used the dashboard: one ``active_users`` row per entity, month and user, written when a dashboard
session starts (an embed token exchanged, an ``/app`` sign-in link redeemed). The usage report counts them."""

from __future__ import annotations

from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession

from invoicing.db.models import ActiveUser
from invoicing.db.types import utcnow


async def record_session(session: AsyncSession, entity_id: str, user_id: str) -> None:
    """The user is active this month (UTC); a second session in the month writes nothing."""
    now = utcnow()
    values = {"entity_id": entity_id, "month": now.strftime("%Y-%m"), "user_id": user_id, "created_at": now}
    insert = pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
    await session.execute(insert(ActiveUser).values(values).on_conflict_do_nothing())

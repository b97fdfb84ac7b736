"""What a report or an export covers: one period rule and one check that entity ids are the caller's.

Both the reports (query parameters ``date_from``/``date_to``/``entity_ids``) and exports (``filters.…`` in the
body) use these, so the two name their fields differently (``prefix``) and agree on everything else."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.ext.asyncio import AsyncSession

from contract.errors import ValidationFailed
from invoicing.auth.context import Principal
from invoicing.db.models import Entity

MAX_YEARS = 5


def _add_years(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


@dataclass(frozen=True)
class Period:
    date_from: date
    date_to: date

    @classmethod
    def of(cls, date_from: date | None, date_to: date | None, *, today: date, prefix: str = "") -> Period:
        """Inclusive days; defaults 1 January of ``today``'s year .. ``today``. 422 naming ``date_from`` when it
        is after ``date_to``, naming ``date_to`` when the period is longer than five years (2020-01-01 ..
        2024-12-31 is five years; one more day is refused)."""
        start = date_from or date(today.year, 1, 1)
        end = date_to or today
        if start > end:
            raise ValidationFailed.field(
                f"{prefix}date_from", f"{start.isoformat()} is after date_to {end.isoformat()}"
            )
        if end >= _add_years(start, MAX_YEARS):
            raise ValidationFailed.field(f"{prefix}date_to", f"the period may be at most {MAX_YEARS} years long")
        return cls(start, end)


def account_entities(principal: Principal) -> Select[Any]:
    """The ids of every entity of the caller's account and environment."""
    return select(Entity.id).where(
        Entity.account_id == principal.account_id, Entity.environment == principal.environment
    )


async def check_account_entities(session: AsyncSession, principal: Principal, ids: Iterable[str], field: str) -> None:
    """422 naming ``field`` unless every id is an entity of the caller's account and environment."""
    wanted = list(ids)
    found = set((await session.execute(account_entities(principal).where(Entity.id.in_(wanted)))).scalars())
    unknown = [entity_id for entity_id in wanted if entity_id not in found]
    if unknown:
        raise ValidationFailed.field(field, f"{unknown[0]} is not an entity of this account")

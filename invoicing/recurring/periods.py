"""The period arithmetic of a recurring schedule: pure functions of the schedule and an explicit "now".

A schedule's periods are numbered from 0. Period ``n`` starts on:

* ``weekly``: ``start_date + 7 × interval × n`` days;
* ``monthly``: in the month ``interval × n`` months after ``start_date``'s month, on ``day_of_month``
  (default: ``start_date``'s day), clamped to the month's last day (31 → 30 April, 28 or 29 February);
  the clamp never carries over, each month is computed from the anchor;
* ``yearly``: ``interval × n`` years after ``start_date``, on ``start_date``'s month and ``day_of_month``
  (default ``start_date``'s day), clamped the same way (29 February → 28 February in common years).

With ``day_of_month`` before ``start_date``'s day, the first month's date would fall before
``start_date``; that period is not part of the schedule (period 0 is then the next one).

A period ends the day before the next one starts, or on ``end_date`` if that comes first. Periods
starting after ``end_date`` do not exist. A period runs (its invoice is made) at :data:`RUN_TIME`
local time on its start date in the schedule's IANA time zone, converted to UTC with :mod:`zoneinfo`
(so the UTC instant moves with daylight saving time; a local time that does not exist on a
transition day is taken with the offset before the transition, ``fold=0``).
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Literal
from zoneinfo import ZoneInfo

Frequency = Literal["weekly", "monthly", "yearly"]

RUN_TIME = time(0, 0)
"""The local time at which a period's invoice is made: the start of its first day."""


@dataclass(frozen=True)
class Schedule:
    frequency: Frequency
    interval: int
    start_date: date
    timezone: str
    end_date: date | None = None
    day_of_month: int | None = None

    def _raw(self, k: int) -> date:
        """The ``k``-th candidate start, before the first-period rule."""
        if self.frequency == "weekly":
            return self.start_date + timedelta(weeks=self.interval * k)
        day = self.day_of_month or self.start_date.day
        if self.frequency == "monthly":
            months = self.start_date.month - 1 + self.interval * k
            year, month = self.start_date.year + months // 12, months % 12 + 1
        else:
            year, month = self.start_date.year + self.interval * k, self.start_date.month
        return date(year, month, min(day, calendar.monthrange(year, month)[1]))

    def _offset(self) -> int:
        return 0 if self._raw(0) >= self.start_date else 1

    def start(self, n: int) -> date:
        """The start date of period ``n`` (whether or not it is past ``end_date``)."""
        return self._raw(n + self._offset())

    def exists(self, n: int) -> bool:
        return n >= 0 and (self.end_date is None or self.start(n) <= self.end_date)

    def end(self, n: int) -> date:
        """The last day of period ``n``."""
        last = self.start(n + 1) - timedelta(days=1)
        return min(last, self.end_date) if self.end_date is not None else last

    def run_at(self, n: int) -> datetime:
        """When period ``n``'s invoice is due, in UTC."""
        local = datetime.combine(self.start(n), RUN_TIME, tzinfo=ZoneInfo(self.timezone))
        return local.astimezone(UTC)

    def first_after(self, moment: datetime) -> int:
        """The first period whose run time is after ``moment`` (it may not exist: see :meth:`exists`)."""
        n = self.index_on_or_after(moment.astimezone(ZoneInfo(self.timezone)).date() - timedelta(days=1))
        while self.run_at(n) <= moment:
            n += 1
        return n

    def index_on_or_after(self, day: date) -> int:
        """The first period starting on or after ``day``."""
        if day <= self.start(0):
            return 0
        if self.frequency == "weekly":
            n = (day - self.start(0)).days // (7 * self.interval)
        elif self.frequency == "monthly":
            months = (day.year - self.start(0).year) * 12 + day.month - self.start(0).month
            n = max(0, months // self.interval - 1)
        else:
            n = max(0, (day.year - self.start(0).year) // self.interval - 1)
        while self.start(n) < day:
            n += 1
        return n

    def upcoming(self, n: int, count: int) -> list[date]:
        """The start dates of up to ``count`` existing periods from ``n`` on."""
        out: list[date] = []
        while len(out) < count and self.exists(n):
            out.append(self.start(n))
            n += 1
        return out

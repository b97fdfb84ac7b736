"""The recurring invoice scheduler: one in every ``folio serve`` process, every ``FOLIO_RECURRING_SECONDS``
(:func:`invoicing.core.periodic.periodic`; also once at start).

**One run = one period, one transaction.** :func:`run_due` repeats :func:`run_one` until nothing is due at
``now``. A run claims the schedule that is due soonest (``active``, ``next_run_at ≤ now``, past any
``retry_at``, no unsent invoice) with ``FOR UPDATE SKIP LOCKED`` on PostgreSQL (SQLite serialises
writers), makes the period's invoice through :class:`InvoiceService` (the same rules as
``POST /v1/invoices``: the template's catalogue items at their price now, taxes, numbering) with
``recurring_invoice_id`` and the period, advances the schedule to the next period and records
``recurring_invoice.run``, all in that transaction. The unique index ``uq_documents_recurring_period``
(recurring_invoice_id, period_start) refuses a second invoice for a period, whatever the processes do.
Missed periods are caught up in order, each dated on its period's start (so dates ascend within the
number sequence), until the next run is in the future; past ``end_date`` the schedule is ``ended``.

**Dates.** An invoice is dated on its period's first day. If the entity already issued an invoice dated
later in the same number sequence (the numbering rule: dates never go backwards), the invoice is dated on
that later date instead (it still carries its own ``period_start``/``period_end``), unless the entity
allows backdating.

**Failures.** A run that fails (the template or its customer no longer makes a valid invoice, a
numbering conflict, anything else) is rolled back whole: no invoice, no number, the period not skipped.
The failure is recorded on the schedule (``failure``, ``attempts``), with ``recurring_invoice.failed``
(the audit log's entry), and the period is tried again after ``FOLIO_RECURRING_RETRY_SECONDS``, doubling
after each failure up to a day. ``issue_and_send`` checks the recipient (the customer's e-mail) in the run's
transaction, so a missing or bad address issues nothing. Rendering and queueing the e-mail happen after the
invoice is committed: if that fails the invoice stays issued (``unsent_invoice_id``) and only the send is
retried; the next period waits until it is sent, so invoices are never issued twice nor sent out of order.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

import msgspec
from litestar import Litestar
from sqlalchemy import func, or_, select, update
from sqlalchemy.exc import IntegrityError

from contract.errors import Conflict, ValidationFailed
from invoicing.auth.context import Principal, Scope
from invoicing.config import RecurringSettings, Settings
from invoicing.core.periodic import periodic
from invoicing.db import Database
from invoicing.db.models import Entity, NumberCounter, RecurringInvoice
from invoicing.db.types import utcnow
from invoicing.documents.invoices import InvoiceService
from invoicing.documents.queries import get_document
from invoicing.documents.schemas import InvoiceCreate
from invoicing.emails.schemas import SendIn
from invoicing.emails.service import EmailService, prepare
from invoicing.entities.settings import allow_backdating, number_format
from invoicing.events import emit, publish
from invoicing.recurring.service import place, recurring_out, schedule_of
from invoicing.rendering import LogoFetcher

log = logging.getLogger("folio.recurring")

ACTOR = "recurring"
MAX_BACKOFF = timedelta(days=1)
MAX_RUNS = 1000
"""Periods made per :func:`run_due` call at most (the next tick goes on)."""


@dataclass
class RunResult:
    """What one :func:`run_due` call did."""

    invoices: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    sent: list[str] = field(default_factory=list)


class RunFailed(Exception):
    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code, self.message = code, message


def system_scope(entity: Entity) -> Scope:
    principal = Principal(entity.account_id, entity.environment, "system", ACTOR, frozenset(), entity_id=entity.id)
    return Scope(principal, entity)


def backoff(attempts: int, settings: RecurringSettings) -> timedelta:
    """The wait after the ``attempts``-th failure in a row: the retry delay, doubled per failure, up to a day."""
    seconds = settings.retry_seconds * 2 ** min(max(attempts - 1, 0), 20)
    return min(timedelta(seconds=seconds), MAX_BACKOFF)


def _due(now: datetime) -> Any:
    return (
        (RecurringInvoice.status == "active")
        & (RecurringInvoice.next_run_at <= now)
        & RecurringInvoice.unsent_invoice_id.is_(None)
        & or_(RecurringInvoice.retry_at.is_(None), RecurringInvoice.retry_at <= now)
    )


def _unsent(now: datetime) -> Any:
    return (
        RecurringInvoice.unsent_invoice_id.is_not(None)
        & (RecurringInvoice.status != "paused")
        & or_(RecurringInvoice.retry_at.is_(None), RecurringInvoice.retry_at <= now)
    )


async def _invoice_date(session: Any, entity: Entity, on: date, *, sqlite: bool) -> date:
    """``on``, or the number sequence's latest date when that is later (dates never go backwards). On
    PostgreSQL the entity's runs are serialised first (a transaction-level advisory lock), so the latest
    date read here is the one the number will be taken after, even while several processes catch up
    several schedules of one entity."""
    if allow_backdating(entity.settings):
        return on
    if not sqlite:
        await session.execute(select(func.pg_advisory_xact_lock(func.hashtext("folio.recurring:" + entity.id))))
    fmt = number_format(entity.settings, "invoice")
    last = (
        await session.execute(
            select(NumberCounter.last_date).where(
                NumberCounter.entity_id == entity.id,
                NumberCounter.doc_type == "invoice",
                NumberCounter.period == fmt.period(on),
            )
        )
    ).scalar_one_or_none()
    if isinstance(last, str):
        last = date.fromisoformat(last)
    return last if last is not None and last > on else on


class Scheduler:
    """Runs due schedules against one database (``now`` is always explicit: tests move time freely)."""

    def __init__(
        self,
        db: Database,
        settings: Settings,
        *,
        logo_fetcher: LogoFetcher | None = None,
        wake_mail: Callable[[], None] | None = None,
    ) -> None:
        self.db, self.settings, self.fetcher = db, settings, logo_fetcher
        self.wake_mail = wake_mail or (lambda: None)

    async def run_due(self, now: datetime | None = None) -> RunResult:
        """Make every period due at ``now`` (default: the clock), in order, and send what waits to be sent."""
        now = now or utcnow()
        result = RunResult()
        for _ in range(MAX_RUNS):
            if not await self.send_one(now, result) and not await self.run_one(now, result):
                break
        return result

    async def run_one(self, now: datetime, result: RunResult) -> bool:
        """Claim one due schedule and make its next period's invoice; False when none was due."""
        claimed: tuple[str, int] | None = None
        try:
            async with self.db.transaction() as session:
                stmt = select(RecurringInvoice).where(_due(now)).order_by(RecurringInvoice.next_run_at).limit(1)
                if not self.db.is_sqlite:
                    stmt = stmt.with_for_update(skip_locked=True)
                row = (await session.execute(stmt)).scalar_one_or_none()
                if row is None:
                    return False
                claimed = (row.id, row.next_index)
                invoice_id = await self._make(session, row, now)
            result.invoices.append(invoice_id)
        except RunFailed as exc:
            assert claimed is not None
            await self._fail(claimed[0], claimed[1], now, exc.code, exc.message)
            result.failed.append(claimed[0])
        except Exception as exc:
            if claimed is None:
                raise
            code, message = _failure_of(exc)
            if code == "error":
                log.exception("recurring invoice %s failed", claimed[0])
            await self._fail(claimed[0], claimed[1], now, code, message)
            result.failed.append(claimed[0])
        return True

    async def _make(self, session: Any, row: RecurringInvoice, now: datetime) -> str:
        entity = await session.get(Entity, row.entity_id)
        assert entity is not None  # schedules reference their entity
        scope = system_scope(entity)
        schedule = schedule_of(row)
        index = row.next_index
        start, end = schedule.start(index), schedule.end(index)
        template = msgspec.convert(row.template, InvoiceCreate)
        day = start if row.action == "draft" else await _invoice_date(session, entity, start, sqlite=self.db.is_sqlite)
        data = msgspec.structs.replace(
            template, date=day, period_start=start, period_end=end, is_draft=row.action == "draft"
        )
        service = InvoiceService.background(session, scope, self.db)
        out = await service.create(data, recurring_invoice_id=row.id)
        if row.action == "issue_and_send":
            doc = await get_document(session, scope, out.id, "invoice")
            try:
                prepare(doc, scope, SendIn())  # the recipient, before anything is committed
            except ValidationFailed as exc:
                raise RunFailed("invalid", f"the invoice cannot be sent: {exc.detail}") from None
            row.unsent_invoice_id = out.id
        row.last_invoice_id, row.last_run_at, row.last_period_start = out.id, now, start
        row.failure, row.attempts, row.retry_at = None, 0, None
        row.updated_at = now
        place(row, index + 1)
        emit(session, scope, "recurring_invoice.run", row.id, {"invoice_id": out.id, "period_start": start.isoformat()})
        publish(session, recurring_out(row))
        await session.flush()
        return out.id

    async def send_one(self, now: datetime, result: RunResult) -> bool:
        """Queue the e-mail of one issued invoice of ``issue_and_send`` not yet sent; False when none waits."""
        async with self.db.transaction() as session:  # claim it: nobody else sends it for a while
            stmt = select(RecurringInvoice).where(_unsent(now)).order_by(RecurringInvoice.id).limit(1)
            if not self.db.is_sqlite:
                stmt = stmt.with_for_update(skip_locked=True)
            row = (await session.execute(stmt)).scalar_one_or_none()
            if row is None:
                return False
            recurring_id, invoice_id, attempts = row.id, row.unsent_invoice_id, row.attempts
            entity = await session.get(Entity, row.entity_id)
            assert entity is not None and invoice_id is not None
            row.retry_at = now + backoff(attempts + 1, self.settings.recurring)
        scope = system_scope(entity)
        try:
            async with self.db.transaction() as session:
                emails = EmailService(session, scope, self.db, self.fetcher, self.settings, self.wake_mail)
                await emails.send("invoice", invoice_id, SendIn())
                await session.execute(
                    update(RecurringInvoice)
                    .where(RecurringInvoice.id == recurring_id, RecurringInvoice.unsent_invoice_id == invoice_id)
                    .values(unsent_invoice_id=None, retry_at=None, attempts=0, failure=None)
                )
        except Exception as exc:
            code, message = _failure_of(exc)
            if code == "error":
                log.exception("sending invoice %s of recurring invoice %s failed", invoice_id, recurring_id)
            await self._fail(recurring_id, None, now, "send_failed", message)
            result.failed.append(recurring_id)
            return True
        self.wake_mail()
        result.sent.append(invoice_id)
        return True

    async def _fail(self, recurring_id: str, index: int | None, now: datetime, code: str, message: str) -> None:
        """Record a failed run on the schedule (``index``: the period it was for, if it still is the next)."""
        async with self.db.transaction() as session:
            row = await session.get(RecurringInvoice, recurring_id)
            if row is None or (index is not None and row.next_index != index):
                return
            entity = await session.get(Entity, row.entity_id)
            assert entity is not None
            schedule = schedule_of(row)
            period = schedule.start(row.next_index) if index is not None else row.last_period_start
            row.attempts += 1
            row.failure = {
                "code": code,
                "message": message[:1000],
                "at": now.isoformat(),
                "period_start": period.isoformat() if period else None,
            }
            row.retry_at = now + backoff(row.attempts, self.settings.recurring)
            row.updated_at = now
            emit(session, system_scope(entity), "recurring_invoice.failed", row.id, {"code": code, "message": message})
            publish(session, recurring_out(row))


def _failure_of(exc: Exception) -> tuple[str, str]:
    if isinstance(exc, ValidationFailed):
        return "invalid", exc.detail
    if isinstance(exc, Conflict):
        return "conflict", exc.detail
    if isinstance(exc, IntegrityError):
        return "conflict", "the period was already invoiced"
    return "error", "an internal error stopped the run; it is tried again"


def scheduler_of(app: Litestar) -> Scheduler:
    state = app.state
    worker = getattr(state, "email_worker", None)
    return Scheduler(
        state.db,
        state.settings,
        logo_fetcher=getattr(state, "logo_fetcher", None),
        wake_mail=worker.wake if worker is not None else None,
    )


@contextlib.asynccontextmanager
async def recurring_lifespan(app: Litestar) -> AsyncIterator[None]:
    """The scheduler task of the app's process; ``FOLIO_RECURRING_SECONDS=0`` starts none."""
    scheduler = scheduler_of(app)
    app.state.recurring_scheduler = scheduler
    async with periodic(
        scheduler.run_due,
        app.state.settings.recurring.seconds,
        name="folio-recurring",
        what="making recurring invoices",
        log=log,
        start="now",
    ):
        yield

"""Recurring invoice schedules: validation, the answer, and the changes a caller makes (create, change,
pause, resume, delete). The runs themselves are :mod:`invoicing.recurring.scheduler`."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import msgspec
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from contract.errors import Conflict, NotFound, ValidationFailed
from invoicing.auth.context import Scope
from invoicing.core.ids import new_id
from invoicing.core.paging import apply_metadata, page
from invoicing.customers import service as customers
from invoicing.db.models import RecurringInvoice
from invoicing.db.types import utcnow
from invoicing.documents.invoices import InvoiceService
from invoicing.documents.schemas import InvoiceCreate
from invoicing.events import emit, publish
from invoicing.recurring.periods import Schedule
from invoicing.recurring.schemas import (
    FailureOut,
    RecurringInvoiceCreate,
    RecurringInvoiceList,
    RecurringInvoiceOut,
    RecurringInvoiceUpdate,
    ScheduleIn,
    ScheduleOut,
)

UPCOMING = 5
"""How many next period dates an answer lists (``upcoming``)."""
LATEST_YEAR = 2200
"""Schedules run up to this year at most (so the period arithmetic stays within the calendar)."""
SET_BY_RUN = ("date", "date_due", "date_service", "period_start", "period_end", "paid")
"""Template fields each run sets itself: refused in a template."""


def schedule_of(row: RecurringInvoice) -> Schedule:
    return Schedule(
        frequency=row.frequency,  # type: ignore[arg-type]  # validated as Frequency when stored
        interval=row.interval,
        start_date=row.start_date,
        timezone=row.timezone,
        end_date=row.end_date,
        day_of_month=row.day_of_month,
    )


def check_schedule(schedule: ScheduleIn) -> None:
    """422 naming ``schedule.<field>``: an unknown time zone, an end before the start, a weekly day of month."""
    try:
        ZoneInfo(schedule.timezone)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValidationFailed.field(
            "schedule.timezone", f"{schedule.timezone!r} is not an IANA time zone (e.g. Europe/Ljubljana)"
        ) from None
    for name in ("start_date", "end_date"):
        value = getattr(schedule, name)
        if value is not None and not LATEST_YEAR - 200 <= value.year <= LATEST_YEAR:
            earliest = LATEST_YEAR - 200
            raise ValidationFailed.field(f"schedule.{name}", f"must be a date from {earliest} to {LATEST_YEAR}")
    if schedule.end_date is not None and schedule.end_date < schedule.start_date:
        raise ValidationFailed.field("schedule.end_date", "must not be before start_date")
    if schedule.frequency == "weekly" and schedule.day_of_month is not None:
        raise ValidationFailed.field("schedule.day_of_month", "only monthly and yearly schedules have a day of month")


def _prefixed(exc: ValidationFailed, prefix: str) -> ValidationFailed:
    errors = [{**e, "field": f"{prefix}{e['field']}"} for e in exc.errors or []]
    detail = "; ".join(f"{e['field']}: {e['message']}" for e in errors) or exc.detail
    return ValidationFailed(detail, errors=errors)


async def check_template(invoices: InvoiceService, template: InvoiceCreate) -> None:
    """Validate ``template`` as an invoice body, exactly as creating the invoice would (writing nothing);
    422 naming ``template.<field>``."""
    for field in SET_BY_RUN:
        if getattr(template, field) is not None:
            raise ValidationFailed.field(f"template.{field}", "is set by the schedule for each period; leave it out")
    if template.is_draft:
        raise ValidationFailed.field("template.is_draft", "use action: draft")
    try:
        await invoices.preview(template)
    except ValidationFailed as exc:
        raise _prefixed(exc, "template.") from None


def schedule_in(row: RecurringInvoice, schedule: ScheduleIn) -> None:
    row.frequency, row.interval = schedule.frequency, schedule.interval
    row.start_date, row.end_date = schedule.start_date, schedule.end_date
    row.day_of_month, row.timezone = schedule.day_of_month, schedule.timezone


def place(row: RecurringInvoice, index: int) -> None:
    """Make period ``index`` the next one to run (``ended`` when the schedule has no such period)."""
    schedule = schedule_of(row)
    row.next_index = index
    if schedule.exists(index):
        row.next_run_at = schedule.run_at(index)
        if row.status == "ended":
            row.status = "active"
    else:
        row.next_run_at, row.status = None, "ended"


def recurring_out(row: RecurringInvoice) -> RecurringInvoiceOut:
    schedule = schedule_of(row)
    live = row.status != "ended" and schedule.exists(row.next_index)
    failure = None
    if row.failure:
        failure = FailureOut(
            code=row.failure["code"],
            message=row.failure["message"],
            at=datetime.fromisoformat(row.failure["at"]),
            attempts=row.attempts,
            period_start=date.fromisoformat(row.failure["period_start"]) if row.failure.get("period_start") else None,
            retry_at=row.retry_at,
        )
    return RecurringInvoiceOut(
        id=row.id,
        entity_id=row.entity_id,
        status=row.status,
        action=row.action,  # type: ignore[arg-type]  # validated as Action when stored
        template=msgspec.convert(row.template, InvoiceCreate),
        schedule=ScheduleOut(
            frequency=schedule.frequency,
            interval=row.interval,
            start_date=row.start_date,
            end_date=row.end_date,
            day_of_month=row.day_of_month,
            timezone=row.timezone,
        ),
        customer_id=row.customer_id,
        customer_name=row.customer_name,
        next_period_start=schedule.start(row.next_index) if live else None,
        next_period_end=schedule.end(row.next_index) if live else None,
        next_run_at=row.next_run_at if live else None,
        upcoming=schedule.upcoming(row.next_index, UPCOMING) if row.status != "ended" else [],
        last_invoice_id=row.last_invoice_id,
        last_run_at=row.last_run_at,
        failure=failure,
        metadata=dict(row.metadata_ or {}),
        created_at=row.created_at,
        updated_at=row.updated_at,
    )


class RecurringService:
    """The entity's recurring schedules for one request."""

    def __init__(self, session: AsyncSession, ctx: Scope, invoices: InvoiceService) -> None:
        self.session, self.scope, self.invoices = session, ctx, invoices

    async def _customer(self, row: RecurringInvoice, template: InvoiceCreate) -> None:
        if template.customer_id:
            found = await customers.get_customer(
                self.session, self.scope, template.customer_id, field="template.customer_id"
            )
            row.customer_id, row.customer_name = found.id, found.name
        else:
            row.customer_id, row.customer_name = None, template.customer.name if template.customer else None

    async def _get(self, recurring_id: str) -> RecurringInvoice:
        stmt = select(RecurringInvoice).where(RecurringInvoice.id == recurring_id)
        if not self.session.bind or self.session.bind.dialect.name != "sqlite":
            stmt = stmt.with_for_update()
        row = (await self.session.execute(stmt)).scalar_one_or_none()
        if row is None or row.entity_id != self.scope.entity_id:
            raise NotFound(f"Recurring invoice {recurring_id} was not found.")
        return row

    def _out(self, row: RecurringInvoice) -> RecurringInvoiceOut:
        return publish(self.session, recurring_out(row))

    async def list(
        self,
        limit: int,
        cursor: str | None,
        metadata: dict[str, str],
        *,
        status: str | None,
        customer_id: str | None,
    ) -> RecurringInvoiceList:
        stmt = select(RecurringInvoice).where(RecurringInvoice.entity_id == self.scope.entity_id)
        if status:
            stmt = stmt.where(RecurringInvoice.status == status)
        if customer_id:
            stmt = stmt.where(RecurringInvoice.customer_id == customer_id)
        stmt = apply_metadata(stmt, RecurringInvoice.metadata_, metadata)
        data, next_cursor = await page(self.session, stmt, RecurringInvoice.id, limit, cursor, recurring_out)
        return RecurringInvoiceList(data=data, next_cursor=next_cursor)

    async def get(self, recurring_id: str) -> RecurringInvoiceOut:
        row = await self.session.get(RecurringInvoice, recurring_id)
        if row is None or row.entity_id != self.scope.entity_id:
            raise NotFound(f"Recurring invoice {recurring_id} was not found.")
        return recurring_out(row)

    async def create(self, data: RecurringInvoiceCreate) -> RecurringInvoiceOut:
        check_schedule(data.schedule)
        await check_template(self.invoices, data.template)
        now = utcnow()
        row = RecurringInvoice(
            id=new_id("recurring_invoice"),
            entity_id=self.scope.entity_id,
            template=msgspec.to_builtins(data.template),
            action=data.action,
            status="active",
            attempts=0,
            metadata_=data.metadata or {},
            created_at=now,
            updated_at=now,
        )
        schedule_in(row, data.schedule)
        await self._customer(row, data.template)
        place(row, 0)
        self.session.add(row)
        await self.session.flush()
        emit(self.session, self.scope, "recurring_invoice.created", row.id)
        return self._out(row)

    async def update(self, recurring_id: str, data: RecurringInvoiceUpdate) -> RecurringInvoiceOut:
        if data.schedule is not msgspec.UNSET:
            check_schedule(data.schedule)
        if data.template is not msgspec.UNSET:
            await check_template(self.invoices, data.template)
        row = await self._get(recurring_id)
        if data.template is not msgspec.UNSET:
            row.template = msgspec.to_builtins(data.template)
            await self._customer(row, data.template)
        if data.action is not msgspec.UNSET:
            row.action = data.action
        if data.metadata is not msgspec.UNSET:
            row.metadata_ = data.metadata
        if data.schedule is not msgspec.UNSET:
            schedule_in(row, data.schedule)
            schedule = schedule_of(row)
            after = row.last_period_start
            index = 0 if after is None else schedule.index_on_or_after(after)
            while after is not None and schedule.start(index) <= after:
                index += 1
            if row.status == "paused":
                row.next_index = index
                row.next_run_at = schedule.run_at(index) if schedule.exists(index) else None
            else:
                place(row, index)
        row.retry_at = None  # a change is worth trying at once
        row.updated_at = utcnow()
        emit(self.session, self.scope, "recurring_invoice.updated", row.id)
        return self._out(row)

    async def pause(self, recurring_id: str) -> RecurringInvoiceOut:
        row = await self._get(recurring_id)
        if row.status == "ended":
            raise Conflict(f"Recurring invoice {recurring_id} has ended; there is nothing to pause.")
        row.status, row.updated_at = "paused", utcnow()
        emit(self.session, self.scope, "recurring_invoice.paused", row.id)
        return self._out(row)

    async def resume(self, recurring_id: str, now: datetime | None = None) -> RecurringInvoiceOut:
        """Periods whose run time passed while paused are skipped: the next run is the first period not yet
        invoiced whose run time is after ``now``."""
        row = await self._get(recurring_id)
        if row.status != "paused":
            raise Conflict(f"Recurring invoice {recurring_id} is {row.status}, not paused.")
        now = now or utcnow()
        schedule = schedule_of(row)
        row.status, row.retry_at, row.updated_at = "active", None, now
        place(row, max(row.next_index, schedule.first_after(now)))
        emit(self.session, self.scope, "recurring_invoice.resumed", row.id)
        return self._out(row)

    async def delete(self, recurring_id: str) -> None:
        row = await self._get(recurring_id)
        await self.session.delete(row)
        emit(self.session, self.scope, "recurring_invoice.deleted", row.id)

"""Request and response bodies of ``/v1/recurring-invoices``."""

from __future__ import annotations

import datetime as dt
from datetime import datetime
from typing import Annotated, Literal

from msgspec import UNSET, Meta, Struct, UnsetType

from invoicing.core.schemas import Metadata
from invoicing.documents.schemas import InvoiceCreate

Frequency = Literal["weekly", "monthly", "yearly"]
Action = Literal["draft", "issue", "issue_and_send"]
"""What each run does: keep a ``draft``, ``issue`` it (numbered), or issue it and e-mail it to the customer."""
RecurringStatus = Literal["active", "paused", "ended"]
TimeZone = Annotated[str, Meta(min_length=1, max_length=64)]


class ScheduleIn(Struct, forbid_unknown_fields=True):
    frequency: Frequency
    start_date: dt.date
    """The first period starts on this date (monthly and yearly: on ``day_of_month`` from this date on)."""
    timezone: TimeZone
    """An IANA time zone (``Europe/Ljubljana``): a period runs at 00:00 local time on its first day."""
    interval: Annotated[int, Meta(ge=1, le=100)] = 1
    """Every ``interval`` weeks, months or years."""
    end_date: dt.date | None = None
    """No period starts after this date; the last period ends on it at the latest. Then the schedule is ``ended``."""
    day_of_month: Annotated[int, Meta(ge=1, le=31)] | None = None
    """Monthly and yearly: the day periods start on (default: ``start_date``'s day); past the month's end it is
    the month's last day (31 → 30 April, 28 or 29 February)."""


class ScheduleOut(Struct, kw_only=True):
    frequency: Frequency
    interval: int
    start_date: dt.date
    end_date: dt.date | None
    day_of_month: int | None
    timezone: str


class RecurringInvoiceCreate(Struct, forbid_unknown_fields=True):
    template: InvoiceCreate
    """An invoice body as ``POST /v1/invoices`` takes it, without the fields each run sets (``date``, ``date_due``,
    ``date_service``, ``period_start``, ``period_end``, ``is_draft``, ``paid``). Lines naming a catalogue item
    (``item_id``) take the item's price at each run."""
    schedule: ScheduleIn
    action: Action = "issue"
    metadata: Metadata | None = None


class RecurringInvoiceUpdate(Struct, forbid_unknown_fields=True):
    template: InvoiceCreate | UnsetType = UNSET
    schedule: ScheduleIn | UnsetType = UNSET
    """A new schedule: its first period not yet invoiced (after the last invoiced one) is the next run."""
    action: Action | UnsetType = UNSET
    metadata: Metadata | UnsetType = UNSET


class FailureOut(Struct, kw_only=True):
    code: str
    """``invalid`` (the template or customer no longer makes a valid invoice), ``conflict`` (e.g. numbering),
    ``send_failed`` (issued, the e-mail not yet queued: only the send is retried) or ``error``."""
    message: str
    at: datetime
    attempts: int
    """Failed attempts in a row."""
    period_start: dt.date | None
    retry_at: datetime | None
    """The next attempt, not before (backoff)."""


class RecurringInvoiceOut(Struct, kw_only=True):
    id: str
    object: Literal["recurring_invoice"] = "recurring_invoice"
    entity_id: str
    status: RecurringStatus
    action: Action
    template: InvoiceCreate
    schedule: ScheduleOut
    customer_id: str | None
    customer_name: str | None
    next_period_start: dt.date | None
    """The first period not yet invoiced (null once ended)."""
    next_period_end: dt.date | None
    next_run_at: datetime | None
    """When that period's invoice will be made (UTC): 00:00 on ``next_period_start`` in the schedule's time zone."""
    upcoming: list[dt.date]
    """The start dates of the next (up to five) periods."""
    last_invoice_id: str | None
    last_run_at: datetime | None
    failure: FailureOut | None
    metadata: dict[str, str]
    created_at: datetime
    updated_at: datetime


class RecurringInvoiceList(Struct):
    data: list[RecurringInvoiceOut]
    next_cursor: str | None

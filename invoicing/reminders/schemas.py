"""The record of an invoice's payment reminders, as ``GET /v1/invoices/{id}/reminders`` answers it."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from msgspec import Struct

REMINDERS_DOC = (
    "Every threshold of `settings.reminders.days_after_due` the reminder job dealt with for this invoice, in "
    "order: `sent` (its e-mail is `email_id`, recorded at `/v1/emails`), `skipped` (the buyer has no usable "
    "e-mail address) or `passed` (a later threshold was reached at the same run, so only that one was sent). "
    "`created_at` is when the job dealt with it. Each (invoice, day) is dealt with once."
)


class ReminderOut(Struct):
    object: Literal["invoice_reminder"]
    invoice_id: str
    days_after_due: int
    status: Literal["sent", "skipped", "passed"]
    email_id: str | None
    created_at: datetime

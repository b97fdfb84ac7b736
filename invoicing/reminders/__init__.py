"""Payment reminders: the job that e-mails overdue invoices (:mod:`invoicing.reminders.job`) and the record of
what it did per invoice (``GET /v1/invoices/{id}/reminders``)."""

from invoicing.reminders.job import ReminderRun, latest_reached, reminder_lifespan, send_reminders

__all__ = ["ReminderRun", "latest_reached", "reminder_lifespan", "send_reminders"]

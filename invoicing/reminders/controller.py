"""Route: the payment reminders the job dealt with for an invoice."""

from __future__ import annotations

from litestar import Controller, get
from litestar.di import Provide
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from invoicing.auth.context import Scope
from invoicing.db.models import InvoiceReminder
from invoicing.documents.queries import get_document
from invoicing.reminders.schemas import REMINDERS_DOC, ReminderOut
from invoicing.rendering.controller import READ


def reminder_out(row: InvoiceReminder) -> ReminderOut:
    return ReminderOut(
        object="invoice_reminder",
        invoice_id=row.invoice_id,
        days_after_due=row.days_after_due,
        status=row.status,
        email_id=row.email_id,
        created_at=row.created_at,
    )


class ReminderService:
    def __init__(self, session: AsyncSession, ctx: Scope) -> None:
        self.session, self.scope = session, ctx

    async def of_invoice(self, invoice_id: str) -> list[ReminderOut]:
        doc = await get_document(self.session, self.scope, invoice_id, "invoice")
        rows = await self.session.scalars(
            select(InvoiceReminder).where(InvoiceReminder.invoice_id == doc.id).order_by(InvoiceReminder.days_after_due)
        )
        return [reminder_out(row) for row in rows]


class InvoiceReminderController(Controller):
    path = "/v1/invoices"
    tags = ["Invoices"]
    dependencies = {"reminders": Provide(ReminderService, sync_to_thread=False)}

    @get(
        "/{invoice_id:str}/reminders",
        operation_id="listInvoiceReminders",
        opt=READ,
        summary="The payment reminders sent for the invoice",
        description=REMINDERS_DOC,
    )
    async def invoice_reminders(self, invoice_id: str, reminders: ReminderService) -> list[ReminderOut]:
        return await reminders.of_invoice(invoice_id)

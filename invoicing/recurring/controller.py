"""Routes: /v1/recurring-invoices (schedules: create, list, read, change, pause, resume, delete)."""

from __future__ import annotations

from litestar import Controller, Request, delete, get, patch, post
from litestar.di import Provide

from invoicing.auth import Perm
from invoicing.core.paging import METADATA_FILTERS, metadata_filters
from invoicing.core.params import Limit
from invoicing.documents.invoices import InvoiceService
from invoicing.recurring.schemas import (
    RecurringInvoiceCreate,
    RecurringInvoiceList,
    RecurringInvoiceOut,
    RecurringInvoiceUpdate,
    RecurringStatus,
)
from invoicing.recurring.service import RecurringService

READ = {"permission": Perm.DOCUMENTS_READ, "entity_scoped": True}
WRITE = {"permission": Perm.DOCUMENTS_WRITE, "entity_scoped": True}


class RecurringInvoiceController(Controller):
    path = "/v1/recurring-invoices"
    tags = ["Recurring invoices"]
    dependencies = {
        "invoices": Provide(InvoiceService, sync_to_thread=False),
        "recurring": Provide(RecurringService, sync_to_thread=False),
    }

    @post(
        operation_id="createRecurringInvoice",
        opt=WRITE,
        summary="Create a recurring invoice schedule",
        description="`template` is validated as `POST /v1/invoices` would (422 naming `template.…`); periods "
        "before now are caught up by the scheduler, one invoice each.",
    )
    async def create_recurring_invoice(
        self, data: RecurringInvoiceCreate, recurring: RecurringService
    ) -> RecurringInvoiceOut:
        return await recurring.create(data)

    @get(
        operation_id="listRecurringInvoices",
        opt={**READ, **METADATA_FILTERS},
        summary="List recurring invoice schedules, oldest first",
    )
    async def list_recurring_invoices(
        self,
        request: Request,
        recurring: RecurringService,
        limit: Limit = 20,
        cursor: str | None = None,
        status: RecurringStatus | None = None,
        customer_id: str | None = None,
    ) -> RecurringInvoiceList:
        return await recurring.list(limit, cursor, metadata_filters(request), status=status, customer_id=customer_id)

    @get("/{recurring_id:str}", operation_id="getRecurringInvoice", opt=READ)
    async def get_recurring_invoice(self, recurring_id: str, recurring: RecurringService) -> RecurringInvoiceOut:
        return await recurring.get(recurring_id)

    @patch(
        "/{recurring_id:str}",
        operation_id="updateRecurringInvoice",
        opt=WRITE,
        summary="Change a schedule (its next runs; invoices already made stay)",
    )
    async def update_recurring_invoice(
        self, recurring_id: str, data: RecurringInvoiceUpdate, recurring: RecurringService
    ) -> RecurringInvoiceOut:
        return await recurring.update(recurring_id, data)

    @delete(
        "/{recurring_id:str}",
        operation_id="deleteRecurringInvoice",
        opt=WRITE,
        status_code=204,
        summary="Delete a schedule (its invoices stay)",
    )
    async def delete_recurring_invoice(self, recurring_id: str, recurring: RecurringService) -> None:
        await recurring.delete(recurring_id)

    @post(
        "/{recurring_id:str}/pause",
        operation_id="pauseRecurringInvoice",
        opt=WRITE,
        status_code=200,
        summary="Pause a schedule: no runs until resumed",
    )
    async def pause_recurring_invoice(self, recurring_id: str, recurring: RecurringService) -> RecurringInvoiceOut:
        return await recurring.pause(recurring_id)

    @post(
        "/{recurring_id:str}/resume",
        operation_id="resumeRecurringInvoice",
        opt=WRITE,
        status_code=200,
        summary="Resume a schedule: periods whose run time passed while paused are skipped",
    )
    async def resume_recurring_invoice(self, recurring_id: str, recurring: RecurringService) -> RecurringInvoiceOut:
        return await recurring.resume(recurring_id)

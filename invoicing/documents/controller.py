"""Routes: /v1/invoices, /v1/credit-notes, /v1/advance-invoices and /v1/estimates (create, list, read, change a
draft, issue, void, credit, accept, decline, convert)."""

from __future__ import annotations

from datetime import date

from litestar import Controller, Request, delete, get, patch, post
from litestar.di import Provide

from invoicing.auth import Perm
from invoicing.core.paging import METADATA_FILTERS, metadata_filters
from invoicing.core.params import Limit, Search
from invoicing.documents.advances import AdvanceInvoiceService
from invoicing.documents.credit_notes import CreditNoteService
from invoicing.documents.estimates import EstimateService
from invoicing.documents.invoices import InvoiceService
from invoicing.documents.queries import InvoiceSort
from invoicing.documents.schemas import (
    AdvanceInvoiceCreate,
    AdvanceInvoiceList,
    AdvanceInvoiceOut,
    AdvanceInvoiceStatus,
    ConvertIn,
    CreditNoteCreate,
    CreditNoteList,
    CreditNoteOut,
    DeclineIn,
    EstimateCreate,
    EstimateList,
    EstimateOut,
    EstimateStatus,
    EstimateUpdate,
    InvoiceCreate,
    InvoiceList,
    InvoiceOut,
    InvoicePreview,
    InvoiceStatus,
    InvoiceUpdate,
    VoidIn,
)

READ = {"permission": Perm.DOCUMENTS_READ, "entity_scoped": True}
WRITE = {"permission": Perm.DOCUMENTS_WRITE, "entity_scoped": True}


class InvoiceController(Controller):
    path = "/v1/invoices"
    tags = ["Invoices"]
    dependencies = {"invoices": Provide(InvoiceService, sync_to_thread=False)}

    @post(operation_id="createInvoice", opt=WRITE, summary="Create an invoice (issued and numbered unless is_draft)")
    async def create_invoice(self, data: InvoiceCreate, invoices: InvoiceService) -> InvoiceOut:
        return await invoices.create(data)

    @post(
        "/preview",
        operation_id="previewInvoice",
        opt=WRITE,
        status_code=200,
        summary="Preview an invoice's tax treatment and totals (writes nothing)",
        description="The same body as creating an invoice. Answers the VAT decision (`tax_treatment`), each "
        "line's taxes with their EN 16931 category and net `total`, and the document totals, exactly as "
        "creating it would; nothing is stored and no number is taken. For the dashboard's invoice editor.",
    )
    async def preview_invoice(self, data: InvoiceCreate, invoices: InvoiceService) -> InvoicePreview:
        return await invoices.preview(data)

    @get(
        operation_id="listInvoices",
        opt={**READ, **METADATA_FILTERS},
        summary="List invoices, newest first (or the largest amount due first)",
        description="Filter by status (one, or several: `status=issued&status=partially_paid`, the invoices with "
        "something to pay), date range, customer, text (number or customer name), `overdue` (issued or "
        "partially paid, past `date_due`, something due; `false`: every other invoice), `recurring_invoice_id` (the "
        "invoices a recurring schedule made) and metadata[KEY]=VALUE. "
        "`sort`: `-date` (newest first, the default) or `-total_due` (the largest amount due first, then newest; "
        "invoices with nothing due last). Cursor paging works with either.",
    )
    async def list_invoices(
        self,
        request: Request,
        invoices: InvoiceService,
        limit: Limit = 20,
        cursor: str | None = None,
        status: list[InvoiceStatus] | None = None,
        date_from: date | None = None,
        date_to: date | None = None,
        search: Search = None,
        customer_id: str | None = None,
        overdue: bool | None = None,
        sort: InvoiceSort = "-date",
        recurring_invoice_id: str | None = None,
    ) -> InvoiceList:
        return await invoices.list(
            limit,
            cursor,
            metadata_filters(request),
            status=status,
            date_from=date_from,
            date_to=date_to,
            search=search,
            customer_id=customer_id,
            overdue=overdue,
            sort=sort,
            recurring_invoice_id=recurring_invoice_id,
        )

    @get("/{invoice_id:str}", operation_id="getInvoice", opt=READ)
    async def get_invoice(self, invoice_id: str, invoices: InvoiceService) -> InvoiceOut:
        return await invoices.get(invoice_id)

    @patch("/{invoice_id:str}", operation_id="updateInvoice", opt=WRITE, summary="Change a draft (409 once issued)")
    async def update_invoice(self, invoice_id: str, data: InvoiceUpdate, invoices: InvoiceService) -> InvoiceOut:
        return await invoices.update(invoice_id, data)

    @delete("/{invoice_id:str}", operation_id="deleteInvoice", opt=WRITE, status_code=204, summary="Delete a draft")
    async def delete_invoice(self, invoice_id: str, invoices: InvoiceService) -> None:
        await invoices.delete(invoice_id)

    @post(
        "/{invoice_id:str}/finalize",
        operation_id="finalizeInvoice",
        opt=WRITE,
        status_code=200,
        summary="Issue a draft: the number is assigned here",
    )
    async def finalize_invoice(self, invoice_id: str, invoices: InvoiceService) -> InvoiceOut:
        return await invoices.finalize(invoice_id)

    @post(
        "/{invoice_id:str}/void",
        operation_id="voidInvoice",
        opt=WRITE,
        status_code=200,
        summary="Void an unpaid issued invoice",
    )
    async def void_invoice(self, invoice_id: str, invoices: InvoiceService, data: VoidIn | None = None) -> InvoiceOut:
        return await invoices.void(invoice_id, data.reason if data else None)


class CreditNoteController(Controller):
    path = "/v1/credit-notes"
    tags = ["Credit notes"]
    dependencies = {"credit_notes": Provide(CreditNoteService, sync_to_thread=False)}

    @post(
        operation_id="createCreditNote",
        opt=WRITE,
        summary="Credit an invoice (without items: everything not yet credited)",
    )
    async def create_credit_note(self, data: CreditNoteCreate, credit_notes: CreditNoteService) -> CreditNoteOut:
        return await credit_notes.create(data)

    @get(operation_id="listCreditNotes", opt={**READ, **METADATA_FILTERS})
    async def list_credit_notes(
        self,
        request: Request,
        credit_notes: CreditNoteService,
        limit: Limit = 20,
        cursor: str | None = None,
        invoice_id: str | None = None,
        date_from: date | None = None,
        date_to: date | None = None,
        search: Search = None,
    ) -> CreditNoteList:
        return await credit_notes.list(
            limit,
            cursor,
            metadata_filters(request),
            invoice_id=invoice_id,
            date_from=date_from,
            date_to=date_to,
            search=search,
        )

    @get("/{credit_note_id:str}", operation_id="getCreditNote", opt=READ)
    async def get_credit_note(self, credit_note_id: str, credit_notes: CreditNoteService) -> CreditNoteOut:
        return await credit_notes.get(credit_note_id)


class EstimateController(Controller):
    path = "/v1/estimates"
    tags = ["Estimates"]
    dependencies = {"estimates": Provide(EstimateService, sync_to_thread=False)}

    @post(
        operation_id="createEstimate",
        opt=WRITE,
        summary="Create an estimate (an offer; issued and numbered unless is_draft)",
        description="The invoice body plus `valid_until` (default: `date` + 30 days; not before `date`). Its own "
        "number sequence (`settings.number_formats.estimate`).",
    )
    async def create_estimate(self, data: EstimateCreate, estimates: EstimateService) -> EstimateOut:
        return await estimates.create(data)

    @get(
        operation_id="listEstimates",
        opt={**READ, **METADATA_FILTERS},
        summary="List estimates, newest first",
        description="Filter by status (one, or several: `status=issued&status=accepted`; `expired`: issued and past "
        "`valid_until`), date range, customer, text (number or customer name) and metadata[KEY]=VALUE.",
    )
    async def list_estimates(
        self,
        request: Request,
        estimates: EstimateService,
        limit: Limit = 20,
        cursor: str | None = None,
        status: list[EstimateStatus] | None = None,
        date_from: date | None = None,
        date_to: date | None = None,
        search: Search = None,
        customer_id: str | None = None,
    ) -> EstimateList:
        return await estimates.list(
            limit,
            cursor,
            metadata_filters(request),
            status=status,
            date_from=date_from,
            date_to=date_to,
            search=search,
            customer_id=customer_id,
        )

    @get("/{estimate_id:str}", operation_id="getEstimate", opt=READ)
    async def get_estimate(self, estimate_id: str, estimates: EstimateService) -> EstimateOut:
        return await estimates.get(estimate_id)

    @patch("/{estimate_id:str}", operation_id="updateEstimate", opt=WRITE, summary="Change a draft (409 once issued)")
    async def update_estimate(self, estimate_id: str, data: EstimateUpdate, estimates: EstimateService) -> EstimateOut:
        return await estimates.update(estimate_id, data)

    @delete("/{estimate_id:str}", operation_id="deleteEstimate", opt=WRITE, status_code=204, summary="Delete a draft")
    async def delete_estimate(self, estimate_id: str, estimates: EstimateService) -> None:
        await estimates.delete(estimate_id)

    @post(
        "/{estimate_id:str}/finalize",
        operation_id="finalizeEstimate",
        opt=WRITE,
        status_code=200,
        summary="Issue a draft estimate: the number is assigned here",
    )
    async def finalize_estimate(self, estimate_id: str, estimates: EstimateService) -> EstimateOut:
        return await estimates.issue(estimate_id)

    @post(
        "/{estimate_id:str}/accept",
        operation_id="acceptEstimate",
        opt=WRITE,
        status_code=200,
        summary="Record that the buyer accepted (only an issued estimate; 409 otherwise)",
    )
    async def accept_estimate(self, estimate_id: str, estimates: EstimateService) -> EstimateOut:
        return await estimates.accept(estimate_id)

    @post(
        "/{estimate_id:str}/decline",
        operation_id="declineEstimate",
        opt=WRITE,
        status_code=200,
        summary="Record that the buyer declined, with an optional reason (only an issued estimate)",
    )
    async def decline_estimate(
        self, estimate_id: str, estimates: EstimateService, data: DeclineIn | None = None
    ) -> EstimateOut:
        return await estimates.decline(estimate_id, data.reason if data else None)

    @post(
        "/{estimate_id:str}/convert",
        operation_id="convertEstimate",
        opt=WRITE,
        status_code=201,
        summary="Make the invoice from an issued or accepted estimate (once; 409 names the invoice made before)",
    )
    async def convert_estimate(
        self, estimate_id: str, estimates: EstimateService, data: ConvertIn | None = None
    ) -> InvoiceOut:
        return await estimates.convert(estimate_id, is_draft=data.is_draft if data else False)


class AdvanceInvoiceController(Controller):
    path = "/v1/advance-invoices"
    tags = ["Advance invoices"]
    dependencies = {"advances": Provide(AdvanceInvoiceService, sync_to_thread=False)}

    @post(
        operation_id="createAdvanceInvoice",
        opt=WRITE,
        summary="Issue an advance invoice (a prepayment invoice), numbered in its own sequence",
        description="The invoice body; VAT is decided as for an invoice. `paid` records the prepayment received "
        "with it. A final invoice deducts it with `advance_invoice_ids`.",
    )
    async def create_advance_invoice(
        self, data: AdvanceInvoiceCreate, advances: AdvanceInvoiceService
    ) -> AdvanceInvoiceOut:
        return await advances.create(data)

    @get(
        operation_id="listAdvanceInvoices",
        opt={**READ, **METADATA_FILTERS},
        summary="List advance invoices, newest first",
        description="Filter by status (one, or several: `status=issued&status=paid`), date range, customer, text "
        "(number or customer name) and metadata[KEY]=VALUE. `status=paid&customer_id=…`: the customer's advances "
        "open for deduction.",
    )
    async def list_advance_invoices(
        self,
        request: Request,
        advances: AdvanceInvoiceService,
        limit: Limit = 20,
        cursor: str | None = None,
        status: list[AdvanceInvoiceStatus] | None = None,
        date_from: date | None = None,
        date_to: date | None = None,
        search: Search = None,
        customer_id: str | None = None,
    ) -> AdvanceInvoiceList:
        return await advances.list(
            limit,
            cursor,
            metadata_filters(request),
            status=status,
            date_from=date_from,
            date_to=date_to,
            search=search,
            customer_id=customer_id,
        )

    @get("/{advance_invoice_id:str}", operation_id="getAdvanceInvoice", opt=READ)
    async def get_advance_invoice(self, advance_invoice_id: str, advances: AdvanceInvoiceService) -> AdvanceInvoiceOut:
        return await advances.get(advance_invoice_id)

    @post(
        "/{advance_invoice_id:str}/void",
        operation_id="voidAdvanceInvoice",
        opt=WRITE,
        status_code=200,
        summary="Void an unpaid advance invoice that is not deducted",
    )
    async def void_advance_invoice(
        self, advance_invoice_id: str, advances: AdvanceInvoiceService, data: VoidIn | None = None
    ) -> AdvanceInvoiceOut:
        return await advances.void(advance_invoice_id, data.reason if data else None)

"""Routes: /v1/invoices and /v1/credit-notes (create, list, read, change a draft, issue, void, credit)."""

from __future__ import annotations

from datetime import date

from litestar import Controller, Request, Response, delete, get, patch, post

from invoicing.auth import Perm, Scope
from invoicing.core.http import database, write
from invoicing.core.paging import apply_metadata, metadata_filters, page
from invoicing.core.params import Limit, Search
from invoicing.db.models import Document
from invoicing.documents import credit_notes, invoices
from invoicing.documents.output import credit_note_out, invoice_out
from invoicing.documents.queries import get_document, list_stmt
from invoicing.documents.schemas import (
    CreditNoteCreate,
    CreditNoteList,
    CreditNoteOut,
    InvoiceCreate,
    InvoiceList,
    InvoiceOut,
    InvoiceStatus,
    InvoiceUpdate,
    VoidIn,
)

READ = {"permission": Perm.DOCUMENTS_READ, "entity_scoped": True}
WRITE = {"permission": Perm.DOCUMENTS_WRITE, "entity_scoped": True}


class InvoiceController(Controller):
    path = "/v1/invoices"
    tags = ["Invoices"]

    @post(operation_id="createInvoice", opt=WRITE, summary="Create an invoice (issued and numbered unless is_draft)")
    async def create_invoice(self, request: Request, ctx: Scope, data: InvoiceCreate) -> Response[InvoiceOut]:
        return await write(request, ctx, lambda s: invoices.create_invoice(s, ctx, data))

    @get(operation_id="listInvoices", opt=READ, summary="List invoices, newest first",
         description="Filter by status, date range, customer, text (number or customer name) and metadata[KEY]=VALUE.")
    async def list_invoices(self, request: Request, ctx: Scope, limit: Limit = 20, cursor: str | None = None,
                            status: InvoiceStatus | None = None, date_from: date | None = None,
                            date_to: date | None = None, search: Search = None,
                            customer_id: str | None = None) -> InvoiceList:
        stmt = list_stmt(ctx, "invoice", status=status, date_from=date_from, date_to=date_to, search=search,
                                 customer_id=customer_id)
        stmt = apply_metadata(stmt, Document.metadata_, metadata_filters(request))
        async with database(request).transaction(write=False) as session:
            data, next_cursor = await page(session, stmt, Document.id, limit, cursor, invoice_out)
        return InvoiceList(data=data, next_cursor=next_cursor)

    @get("/{invoice_id:str}", operation_id="getInvoice", opt=READ)
    async def get_invoice(self, request: Request, ctx: Scope, invoice_id: str) -> InvoiceOut:
        async with database(request).transaction(write=False) as session:
            return invoice_out(await get_document(session, ctx, invoice_id, "invoice"))

    @patch("/{invoice_id:str}", operation_id="updateInvoice", opt=WRITE, summary="Change a draft (409 once issued)")
    async def update_invoice(self, request: Request, ctx: Scope, invoice_id: str, data: InvoiceUpdate) -> Response[InvoiceOut]:
        return await write(request, ctx, lambda s: invoices.update_invoice(s, ctx, invoice_id, data), status=200)

    @delete("/{invoice_id:str}", operation_id="deleteInvoice", opt=WRITE, status_code=204, summary="Delete a draft")
    async def delete_invoice(self, request: Request, ctx: Scope, invoice_id: str) -> None:
        async with database(request).transaction() as session:
            await invoices.delete_draft(session, ctx, invoice_id)

    @post("/{invoice_id:str}/finalize", operation_id="finalizeInvoice", opt=WRITE, summary="Issue a draft: the number is assigned here")
    async def finalize_invoice(self, request: Request, ctx: Scope, invoice_id: str) -> Response[InvoiceOut]:
        return await write(request, ctx, lambda s: invoices.finalize_invoice(s, ctx, invoice_id), status=200)

    @post("/{invoice_id:str}/void", operation_id="voidInvoice", opt=WRITE, summary="Void an unpaid issued invoice")
    async def void_invoice(self, request: Request, ctx: Scope, invoice_id: str, data: VoidIn | None = None) -> Response[InvoiceOut]:
        reason = data.reason if data else None
        return await write(request, ctx, lambda s: invoices.void_invoice(s, ctx, invoice_id, reason), status=200)


class CreditNoteController(Controller):
    path = "/v1/credit-notes"
    tags = ["Credit notes"]

    @post(operation_id="createCreditNote", opt=WRITE, summary="Credit an invoice (without items: everything not yet credited)")
    async def create_credit_note(self, request: Request, ctx: Scope, data: CreditNoteCreate) -> Response[CreditNoteOut]:
        return await write(request, ctx, lambda s: credit_notes.create_credit_note(s, ctx, data))

    @get(operation_id="listCreditNotes", opt=READ)
    async def list_credit_notes(self, request: Request, ctx: Scope, limit: Limit = 20, cursor: str | None = None,
                                invoice_id: str | None = None, date_from: date | None = None,
                                date_to: date | None = None, search: Search = None) -> CreditNoteList:
        stmt = list_stmt(ctx, "credit_note", invoice_id=invoice_id, date_from=date_from, date_to=date_to, search=search)
        stmt = apply_metadata(stmt, Document.metadata_, metadata_filters(request))
        async with database(request).transaction(write=False) as session:
            data, next_cursor = await page(session, stmt, Document.id, limit, cursor, credit_note_out)
        return CreditNoteList(data=data, next_cursor=next_cursor)

    @get("/{credit_note_id:str}", operation_id="getCreditNote", opt=READ)
    async def get_credit_note(self, request: Request, ctx: Scope, credit_note_id: str) -> CreditNoteOut:
        async with database(request).transaction(write=False) as session:
            return credit_note_out(await get_document(session, ctx, credit_note_id, "credit_note"))

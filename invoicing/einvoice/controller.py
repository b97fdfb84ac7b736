"""Routes: an issued invoice's, credit note's or advance invoice's e-invoice (EN 16931) in a format."""

from __future__ import annotations

from litestar import Controller, Response, get
from litestar.di import Provide
from litestar.params import Parameter

from invoicing.einvoice.schemas import EINVOICE_DOC, FORMAT_DOC, FORMATS_DOC, EInvoiceFormatOut
from invoicing.einvoice.service import EFile, EInvoiceService
from invoicing.rendering import provide_logo_fetcher
from invoicing.rendering.controller import READ, file_response

DEPENDENCIES = {
    "einvoices": Provide(EInvoiceService, sync_to_thread=False),
    "logo_fetcher": Provide(provide_logo_fetcher, sync_to_thread=False),
}
FormatParam = Parameter(query="format", description=FORMAT_DOC)


def _file(f: EFile) -> Response[bytes]:
    return file_response(f.content, f.media_type, f.filename, "attachment")


class InvoiceEInvoiceController(Controller):
    path = "/v1/invoices"
    tags = ["Invoices"]
    dependencies = DEPENDENCIES

    @get(
        "/{invoice_id:str}/einvoice",
        operation_id="getInvoiceEInvoice",
        opt=READ,
        summary="The invoice as an e-invoice (EN 16931)",
        description=EINVOICE_DOC,
        media_type="application/octet-stream",
    )
    async def invoice_einvoice(
        self, invoice_id: str, einvoices: EInvoiceService, format: str = FormatParam
    ) -> Response[bytes]:
        return _file(await einvoices.file("invoice", invoice_id, format))

    @get(
        "/{invoice_id:str}/einvoice-formats",
        operation_id="listInvoiceEInvoiceFormats",
        opt=READ,
        summary="The e-invoice formats the invoice can be produced in",
        description=FORMATS_DOC,
    )
    async def invoice_einvoice_formats(self, invoice_id: str, einvoices: EInvoiceService) -> list[EInvoiceFormatOut]:
        return await einvoices.formats("invoice", invoice_id)


class CreditNoteEInvoiceController(Controller):
    path = "/v1/credit-notes"
    tags = ["Credit notes"]
    dependencies = DEPENDENCIES

    @get(
        "/{credit_note_id:str}/einvoice",
        operation_id="getCreditNoteEInvoice",
        opt=READ,
        summary="The credit note as an e-invoice (EN 16931)",
        description=EINVOICE_DOC,
        media_type="application/octet-stream",
    )
    async def credit_note_einvoice(
        self, credit_note_id: str, einvoices: EInvoiceService, format: str = FormatParam
    ) -> Response[bytes]:
        return _file(await einvoices.file("credit_note", credit_note_id, format))

    @get(
        "/{credit_note_id:str}/einvoice-formats",
        operation_id="listCreditNoteEInvoiceFormats",
        opt=READ,
        summary="The e-invoice formats the credit note can be produced in",
        description=FORMATS_DOC,
    )
    async def credit_note_einvoice_formats(
        self, credit_note_id: str, einvoices: EInvoiceService
    ) -> list[EInvoiceFormatOut]:
        return await einvoices.formats("credit_note", credit_note_id)


class AdvanceInvoiceEInvoiceController(Controller):
    path = "/v1/advance-invoices"
    tags = ["Advance invoices"]
    dependencies = DEPENDENCIES

    @get(
        "/{advance_invoice_id:str}/einvoice",
        operation_id="getAdvanceInvoiceEInvoice",
        opt=READ,
        summary="The advance invoice as an e-invoice (EN 16931, a prepayment invoice: type code 386)",
        description=EINVOICE_DOC,
        media_type="application/octet-stream",
    )
    async def advance_invoice_einvoice(
        self, advance_invoice_id: str, einvoices: EInvoiceService, format: str = FormatParam
    ) -> Response[bytes]:
        return _file(await einvoices.file("advance_invoice", advance_invoice_id, format))

    @get(
        "/{advance_invoice_id:str}/einvoice-formats",
        operation_id="listAdvanceInvoiceEInvoiceFormats",
        opt=READ,
        summary="The e-invoice formats the advance invoice can be produced in",
        description=FORMATS_DOC,
    )
    async def advance_invoice_einvoice_formats(
        self, advance_invoice_id: str, einvoices: EInvoiceService
    ) -> list[EInvoiceFormatOut]:
        return await einvoices.formats("advance_invoice", advance_invoice_id)

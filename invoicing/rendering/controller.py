"""Routes: a document's PDF and HTML preview, the logo upload, and uploaded files.

A render is given up when its requester disconnects (:func:`unless_gone`): uvicorn does not cancel a
handler whose client went away, it only says so on the ASGI ``receive`` channel, which is watched while
the document renders; the render is then dropped from the queue or its worker killed."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable
from typing import Any, TypeVar

from litestar import Controller, Request, Response, get, post
from litestar.di import Provide
from litestar.params import Parameter

from contract.errors import ValidationFailed
from invoicing.auth import Perm, Scope
from invoicing.core.deps import SETTINGS
from invoicing.rendering._logo import provide_logo_fetcher
from invoicing.rendering._render import PREVIEW_CSP
from invoicing.rendering.pool import RenderUnavailable
from invoicing.rendering.schemas import FileOut
from invoicing.rendering.service import LOGO_TYPES, FileService, Rendered, RenderingService

T = TypeVar("T")

READ = {"permission": Perm.DOCUMENTS_READ, "entity_scoped": True}
PDF_DOC = (
    "The document as PDF, showing its current state: while nothing happened to an issued document this is "
    "its original; once voided, paid (in part) or credited, a copy stamped VOID, PAID, PARTIALLY PAID (with "
    "what was paid and what remains) or CREDITED, without payment instructions once nothing is due. "
    "`original=true` answers the original as issued, rendered once and kept: the same bytes forever. "
    "A draft is rendered on each request, marked DRAFT."
)
Original = Parameter(
    query="original",
    default=False,
    description="true: the document as issued, byte for byte the kept original (a draft: the draft).",
)
HTML_DOC = (
    "A self-contained HTML preview for the dashboard (styles inline, images as data: URLs), served with a "
    "Content-Security-Policy that allows no script, no network and no form."
)
RENDERING = {
    "rendering": Provide(RenderingService, sync_to_thread=False),
    "logo_fetcher": Provide(provide_logo_fetcher, sync_to_thread=False),
}


def file_response(content: bytes, media_type: str, filename: str, disposition: str = "inline") -> Response[bytes]:
    """A kept document file (a PDF, an e-invoice): named, private, never sniffed."""
    return Response(
        content=content,
        media_type=media_type,
        headers={
            "Content-Disposition": f'{disposition}; filename="{filename}"',
            "Cache-Control": "private, no-cache",
            "X-Content-Type-Options": "nosniff",
        },
    )


async def _disconnected(request: Request) -> None:
    """Return once the client has gone (``http.disconnect``). Only for requests without a body: what the
    handler would have read is consumed here."""
    while (await request.receive())["type"] != "http.disconnect":
        pass


async def unless_gone(request: Request, work: Awaitable[T]) -> T:
    """``work``'s result, or ``work`` cancelled (its render dropped or killed) as soon as the client goes."""
    task: asyncio.Future[Any] = asyncio.ensure_future(work)
    watch: asyncio.Future[Any] = asyncio.ensure_future(_disconnected(request))
    try:
        await asyncio.wait([task, watch], return_when=asyncio.FIRST_COMPLETED)
        if not task.done() and watch.exception() is not None:  # no telling whether the client is there
            await asyncio.wait([task])
    finally:
        watch.cancel()
        if not task.done():
            task.cancel()
            await asyncio.gather(task, return_exceptions=True)
    if task.cancelled():
        raise RenderUnavailable("The client disconnected before the document was rendered.")
    result: T = task.result()
    return result


def _pdf(rendered: Rendered) -> Response[bytes]:
    return file_response(rendered.content, "application/pdf", rendered.filename)


def _html(html: str) -> Response[str]:
    return Response(
        content=html,
        media_type="text/html",  # Litestar adds "; charset=utf-8" to every text/* type
        headers={
            "Content-Security-Policy": PREVIEW_CSP,
            "X-Content-Type-Options": "nosniff",
            "Referrer-Policy": "no-referrer",
            "Cache-Control": "private, no-store",
        },
    )


class InvoiceRenderingController(Controller):
    path = "/v1/invoices"
    tags = ["Invoices"]
    dependencies = RENDERING

    @get(
        "/{invoice_id:str}/pdf",
        operation_id="getInvoicePdf",
        opt=READ,
        summary="The invoice as PDF",
        description=PDF_DOC,
        media_type="application/pdf",
    )
    async def invoice_pdf(
        self, request: Request, invoice_id: str, rendering: RenderingService, original: bool = Original
    ) -> Response[bytes]:
        return _pdf(await unless_gone(request, rendering.pdf("invoice", invoice_id, original=original)))

    @get(
        "/{invoice_id:str}/html",
        operation_id="getInvoiceHtml",
        opt=READ,
        summary="The invoice as an HTML preview",
        description=HTML_DOC,
        media_type="text/html",
    )
    async def invoice_html(self, request: Request, invoice_id: str, rendering: RenderingService) -> Response[str]:
        return _html(await unless_gone(request, rendering.html("invoice", invoice_id)))


class CreditNoteRenderingController(Controller):
    path = "/v1/credit-notes"
    tags = ["Credit notes"]
    dependencies = RENDERING

    @get(
        "/{credit_note_id:str}/pdf",
        operation_id="getCreditNotePdf",
        opt=READ,
        summary="The credit note as PDF",
        description=PDF_DOC,
        media_type="application/pdf",
    )
    async def credit_note_pdf(
        self, request: Request, credit_note_id: str, rendering: RenderingService, original: bool = Original
    ) -> Response[bytes]:
        return _pdf(await unless_gone(request, rendering.pdf("credit_note", credit_note_id, original=original)))

    @get(
        "/{credit_note_id:str}/html",
        operation_id="getCreditNoteHtml",
        opt=READ,
        summary="The credit note as an HTML preview",
        description=HTML_DOC,
        media_type="text/html",
    )
    async def credit_note_html(
        self, request: Request, credit_note_id: str, rendering: RenderingService
    ) -> Response[str]:
        return _html(await unless_gone(request, rendering.html("credit_note", credit_note_id)))


class EstimateRenderingController(Controller):
    path = "/v1/estimates"
    tags = ["Estimates"]
    dependencies = RENDERING

    @get(
        "/{estimate_id:str}/pdf",
        operation_id="getEstimatePdf",
        opt=READ,
        summary="The estimate as PDF (rendered as it is now; a draft marked DRAFT)",
        media_type="application/pdf",
    )
    async def estimate_pdf(self, request: Request, estimate_id: str, rendering: RenderingService) -> Response[bytes]:
        return _pdf(await unless_gone(request, rendering.pdf("estimate", estimate_id)))

    @get(
        "/{estimate_id:str}/html",
        operation_id="getEstimateHtml",
        opt=READ,
        summary="The estimate as an HTML preview",
        description=HTML_DOC,
        media_type="text/html",
    )
    async def estimate_html(self, request: Request, estimate_id: str, rendering: RenderingService) -> Response[str]:
        return _html(await unless_gone(request, rendering.html("estimate", estimate_id)))


class AdvanceInvoiceRenderingController(Controller):
    path = "/v1/advance-invoices"
    tags = ["Advance invoices"]
    dependencies = RENDERING

    @get(
        "/{advance_invoice_id:str}/pdf",
        operation_id="getAdvanceInvoicePdf",
        opt=READ,
        summary="The advance invoice as PDF",
        description=PDF_DOC,
        media_type="application/pdf",
    )
    async def advance_invoice_pdf(
        self, request: Request, advance_invoice_id: str, rendering: RenderingService, original: bool = Original
    ) -> Response[bytes]:
        return _pdf(await unless_gone(request, rendering.pdf("advance_invoice", advance_invoice_id, original=original)))

    @get(
        "/{advance_invoice_id:str}/html",
        operation_id="getAdvanceInvoiceHtml",
        opt=READ,
        summary="The advance invoice as an HTML preview",
        description=HTML_DOC,
        media_type="text/html",
    )
    async def advance_invoice_html(
        self, request: Request, advance_invoice_id: str, rendering: RenderingService
    ) -> Response[str]:
        return _html(await unless_gone(request, rendering.html("advance_invoice", advance_invoice_id)))


async def _upload(request: Request) -> tuple[bytes, str | None]:
    """The image and its declared type: the request body, or a multipart form field ``file``."""
    content_type = (request.headers.get("content-type") or "").split(";")[0].strip().lower()
    if content_type != "multipart/form-data":
        return await request.body(), content_type or None
    form = await request.form()
    upload = form.get("file")
    if upload is None or not hasattr(upload, "read"):
        raise ValidationFailed.field("file", "is required: a form field 'file' holding the image")
    return await upload.read(), (upload.content_type or "").lower() or None


class FileController(Controller):
    tags = ["Entities"]
    dependencies = {"files": Provide(FileService, sync_to_thread=False), "settings": SETTINGS}

    @post(
        "/v1/entities/{entity_id:str}/logo",
        operation_id="uploadEntityLogo",
        opt={"permission": Perm.ENTITY_WRITE},
        summary="Upload the entity's logo (PNG, JPEG or SVG)",
        description="Send the image as the request body with its Content-Type, or as multipart/form-data field "
        "'file'. The logo is kept by Folio and settings.branding.logo_url points at it.",
    )
    async def upload_logo(self, request: Request, ctx: Scope, entity_id: str, files: FileService) -> FileOut:
        content, declared = await _upload(request)
        return await files.store_logo(ctx, entity_id, content, declared)

    @get(
        "/v1/files/{file_id:str}",
        operation_id="getFile",
        opt={"permission": Perm.PUBLIC, "media_types": LOGO_TYPES},
        security=[],
        summary="An uploaded logo (public: its id is unguessable; served with a sandboxing CSP)",
        media_type="application/octet-stream",
    )
    async def get_file(self, file_id: str, files: FileService) -> Response[bytes]:
        stored = await files.logo(file_id)
        return Response(
            content=stored.content,
            media_type=stored.content_type,
            headers={
                "Cache-Control": "public, max-age=31536000, immutable",
                "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'; sandbox",
                "X-Content-Type-Options": "nosniff",
                "Content-Disposition": "inline",
            },
        )

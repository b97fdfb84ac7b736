"""Routes: a document's PDF and HTML preview, the logo upload, and uploaded files."""

from __future__ import annotations

from litestar import Controller, Request, Response, get, post

from invoicing.auth import Perm, Scope
from contract.errors import NotFound, ValidationFailed
from invoicing.core.http import database, write
from invoicing.db.models import StoredFile
from invoicing.rendering import service
from invoicing.rendering._logo import LogoFetcher
from invoicing.rendering._render import PREVIEW_CSP
from invoicing.rendering.schemas import FileOut

READ = {"permission": Perm.DOCUMENTS_READ, "entity_scoped": True}
PDF_DOC = "The document as PDF. An issued document is rendered once and kept: the same bytes forever. A draft is rendered on each request, marked DRAFT."
HTML_DOC = ("A self-contained HTML preview for the dashboard (styles inline, images as data: URLs), served with a "
            "Content-Security-Policy that allows no script, no network and no form.")


def logos(request: Request) -> LogoFetcher | None:
    return getattr(request.app.state, "logo_fetcher", None)


async def _pdf(request: Request, ctx: Scope, doc_type: str, doc_id: str) -> Response[bytes]:
    rendered = await service.document_pdf(database(request), logos(request), ctx, doc_type, doc_id)
    return Response(content=rendered.content, media_type="application/pdf", headers={
        "Content-Disposition": f'inline; filename="{rendered.filename}"',
        "Cache-Control": "private, no-cache",
        "X-Content-Type-Options": "nosniff",
    })


async def _html(request: Request, ctx: Scope, doc_type: str, doc_id: str) -> Response[str]:
    html = await service.document_html(database(request), logos(request), ctx, doc_type, doc_id)
    return Response(content=html, media_type="text/html; charset=utf-8", headers={
        "Content-Security-Policy": PREVIEW_CSP, "X-Content-Type-Options": "nosniff",
        "Referrer-Policy": "no-referrer", "Cache-Control": "private, no-store",
    })


class InvoiceRenderingController(Controller):
    path = "/v1/invoices"
    tags = ["Invoices"]

    @get("/{invoice_id:str}/pdf", operation_id="getInvoicePdf", opt=READ, summary="The invoice as PDF",
         description=PDF_DOC, media_type="application/pdf")
    async def invoice_pdf(self, request: Request, ctx: Scope, invoice_id: str) -> Response[bytes]:
        return await _pdf(request, ctx, "invoice", invoice_id)

    @get("/{invoice_id:str}/html", operation_id="getInvoiceHtml", opt=READ, summary="The invoice as an HTML preview",
         description=HTML_DOC, media_type="text/html")
    async def invoice_html(self, request: Request, ctx: Scope, invoice_id: str) -> Response[str]:
        return await _html(request, ctx, "invoice", invoice_id)


class CreditNoteRenderingController(Controller):
    path = "/v1/credit-notes"
    tags = ["Credit notes"]

    @get("/{credit_note_id:str}/pdf", operation_id="getCreditNotePdf", opt=READ, summary="The credit note as PDF",
         description=PDF_DOC, media_type="application/pdf")
    async def credit_note_pdf(self, request: Request, ctx: Scope, credit_note_id: str) -> Response[bytes]:
        return await _pdf(request, ctx, "credit_note", credit_note_id)

    @get("/{credit_note_id:str}/html", operation_id="getCreditNoteHtml", opt=READ,
         summary="The credit note as an HTML preview", description=HTML_DOC, media_type="text/html")
    async def credit_note_html(self, request: Request, ctx: Scope, credit_note_id: str) -> Response[str]:
        return await _html(request, ctx, "credit_note", credit_note_id)


def _file_out(stored: StoredFile, public_url: str) -> FileOut:
    return FileOut(id=stored.id, object="file", entity_id=stored.entity_id, kind=stored.kind,
                   content_type=stored.content_type, size=len(stored.content),
                   url=service.file_url(public_url, stored.id), created_at=stored.created_at)


class FileController(Controller):
    tags = ["Entities"]

    @post("/v1/entities/{entity_id:str}/logo", operation_id="uploadEntityLogo", opt={"permission": Perm.ENTITY_WRITE},
          summary="Upload the entity's logo (PNG, JPEG or SVG)",
          description="Send the image as the request body with its Content-Type, or as multipart/form-data field "
                      "'file'. The logo is kept by Folio and settings.branding.logo_url points at it.")
    async def upload_logo(self, request: Request, ctx: Scope, entity_id: str) -> Response[FileOut]:
        settings = request.app.state.settings
        limit = settings.rendering.logo_max_bytes
        content_type = (request.headers.get("content-type") or "").split(";")[0].strip().lower()
        if content_type == "multipart/form-data":
            form = await request.form()
            upload = form.get("file")
            if upload is None or not hasattr(upload, "read"):
                raise ValidationFailed.field("file", "is required: a form field 'file' holding the image")
            content, declared = await upload.read(), (upload.content_type or "").lower() or None
        else:
            content, declared = await request.body(), content_type or None
        public_url = settings.public_url

        async def run(session):
            stored = await service.store_logo(session, ctx, entity_id, content, declared, limit, public_url)
            return _file_out(stored, public_url)
        return await write(request, ctx, run)

    @get("/v1/files/{file_id:str}", operation_id="getFile", opt={"permission": Perm.PUBLIC},
         summary="An uploaded logo (public: its id is unguessable; served with a sandboxing CSP)",
         media_type="application/octet-stream")
    async def get_file(self, request: Request, file_id: str) -> Response[bytes]:
        async with database(request).transaction(write=False) as session:
            stored = await session.get(StoredFile, file_id)
        if stored is None or stored.kind != "logo":
            raise NotFound(f"File {file_id} was not found.")
        return Response(content=stored.content, media_type=stored.content_type, headers={
            "Cache-Control": "public, max-age=31536000, immutable",
            "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'; sandbox",
            "X-Content-Type-Options": "nosniff", "Content-Disposition": "inline",
        })

"""Routes: sending an invoice or a credit note by e-mail, and the record of every message (/v1/emails)."""

from __future__ import annotations

from litestar import Controller, Request, Response, get, post

from invoicing.auth import Perm, Scope
from invoicing.core.http import database, write
from invoicing.core.paging import page
from invoicing.core.params import Limit
from invoicing.db.models import Email
from invoicing.documents.queries import get_document
from invoicing.emails import service
from invoicing.emails.schemas import EmailList, EmailOut, EmailStatus, SendIn
from invoicing.rendering import service as rendering
from invoicing.rendering.controller import logos

SEND = {"permission": Perm.DOCUMENTS_WRITE, "entity_scoped": True}
READ = {"permission": Perm.EMAILS_READ, "entity_scoped": True}
SEND_DOC = ("Queue the document's PDF for e-mail (202). `to` is one address or a list (default: the customer's); "
            "subject and message default to the document's language. Sender name and reply-to come from the "
            "entity's settings.email. Delivery happens outside the request and is retried; follow it at "
            "/v1/emails/{id}. Without FOLIO_SMTP_URL the message is recorded as `captured`. A draft or a voided "
            "invoice answers 409.")


async def _send(request: Request, ctx: Scope, doc_type: str, doc_id: str, data: SendIn | None) -> Response[EmailOut]:
    db = database(request)
    async with db.transaction(write=False) as session:
        doc = await get_document(session, ctx, doc_id, doc_type)
    service.check_sendable(doc)
    message = service.prepare(doc, ctx, data or SendIn())
    pdf = await rendering.document_pdf(db, logos(request), ctx, doc_type, doc_id)
    deliver = bool(request.app.state.settings.email.smtp_url)
    response = await write(request, ctx, lambda s: service.queue(s, ctx, doc_type, doc_id, message, pdf.filename,
                                                                 deliver=deliver), status=202)
    worker = getattr(request.app.state, "email_worker", None)
    if worker is not None:
        worker.wake()
    return response


class SendController(Controller):
    tags = ["E-mails"]

    @post("/v1/invoices/{invoice_id:str}/send", operation_id="sendInvoice", opt=SEND, status_code=202,
          summary="E-mail the invoice (PDF attached)", description=SEND_DOC)
    async def send_invoice(self, request: Request, ctx: Scope, invoice_id: str, data: SendIn | None = None) -> Response[EmailOut]:
        return await _send(request, ctx, "invoice", invoice_id, data)

    @post("/v1/credit-notes/{credit_note_id:str}/send", operation_id="sendCreditNote", opt=SEND, status_code=202,
          summary="E-mail the credit note (PDF attached)", description=SEND_DOC)
    async def send_credit_note(self, request: Request, ctx: Scope, credit_note_id: str,
                               data: SendIn | None = None) -> Response[EmailOut]:
        return await _send(request, ctx, "credit_note", credit_note_id, data)


class EmailController(Controller):
    path = "/v1/emails"
    tags = ["E-mails"]

    @get(operation_id="listEmails", opt=READ, summary="Every message sent for the entity, newest first")
    async def list_emails(self, request: Request, ctx: Scope, limit: Limit = 20, cursor: str | None = None,
                          document_id: str | None = None, status: EmailStatus | None = None) -> EmailList:
        stmt = service.list_stmt(ctx, document_id=document_id, status=status)
        async with database(request).transaction(write=False) as session:
            data, next_cursor = await page(session, stmt, Email.id, limit, cursor, service.email_out)
        return EmailList(data=data, next_cursor=next_cursor)

    @get("/{email_id:str}", operation_id="getEmail", opt=READ)
    async def get_email(self, request: Request, ctx: Scope, email_id: str) -> EmailOut:
        async with database(request).transaction(write=False) as session:
            return service.email_out(await service.get_email(session, ctx, email_id))

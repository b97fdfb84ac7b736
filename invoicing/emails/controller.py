"""Routes: sending an invoice, a credit note or an estimate by e-mail, and the record of every message (/v1/emails)."""

from __future__ import annotations

from litestar import Controller, get, post
from litestar.di import Provide

from invoicing.auth import Perm
from invoicing.core.deps import SETTINGS
from invoicing.core.params import Limit
from invoicing.emails.schemas import EmailList, EmailOut, EmailStatus, SendIn
from invoicing.emails.service import EmailService
from invoicing.rendering import provide_logo_fetcher

SEND = {"permission": Perm.DOCUMENTS_WRITE, "entity_scoped": True}
READ = {"permission": Perm.EMAILS_READ, "entity_scoped": True}
SEND_DOC = (
    "Queue the document's PDF for e-mail (202). `to` is one address or a list (default: the customer's); "
    "subject and message default to the document's language. Sender name and reply-to come from the "
    "entity's settings.email. Delivery happens outside the request and is retried; follow it at "
    "/v1/emails/{id}. Without FOLIO_SMTP_URL the message is recorded as `captured`. A draft or a voided "
    "invoice answers 409."
)
EMAILS = {
    "emails": Provide(EmailService, sync_to_thread=False),
    "settings": SETTINGS,
    "logo_fetcher": Provide(provide_logo_fetcher, sync_to_thread=False),
}


class SendController(Controller):
    tags = ["E-mails"]
    dependencies = EMAILS

    @post(
        "/v1/invoices/{invoice_id:str}/send",
        operation_id="sendInvoice",
        opt=SEND,
        status_code=202,
        summary="E-mail the invoice (PDF attached)",
        description=SEND_DOC,
    )
    async def send_invoice(self, invoice_id: str, emails: EmailService, data: SendIn | None = None) -> EmailOut:
        return await emails.send("invoice", invoice_id, data or SendIn())

    @post(
        "/v1/credit-notes/{credit_note_id:str}/send",
        operation_id="sendCreditNote",
        opt=SEND,
        status_code=202,
        summary="E-mail the credit note (PDF attached)",
        description=SEND_DOC,
    )
    async def send_credit_note(self, credit_note_id: str, emails: EmailService, data: SendIn | None = None) -> EmailOut:
        return await emails.send("credit_note", credit_note_id, data or SendIn())

    @post(
        "/v1/estimates/{estimate_id:str}/send",
        operation_id="sendEstimate",
        opt=SEND,
        status_code=202,
        summary="E-mail the estimate (PDF attached)",
        description=SEND_DOC,
    )
    async def send_estimate(self, estimate_id: str, emails: EmailService, data: SendIn | None = None) -> EmailOut:
        return await emails.send("estimate", estimate_id, data or SendIn())

    @post(
        "/v1/advance-invoices/{advance_invoice_id:str}/send",
        operation_id="sendAdvanceInvoice",
        opt=SEND,
        status_code=202,
        summary="E-mail the advance invoice (PDF attached)",
        description=SEND_DOC,
    )
    async def send_advance_invoice(
        self, advance_invoice_id: str, emails: EmailService, data: SendIn | None = None
    ) -> EmailOut:
        return await emails.send("advance_invoice", advance_invoice_id, data or SendIn())


class EmailController(Controller):
    path = "/v1/emails"
    tags = ["E-mails"]
    dependencies = EMAILS

    @get(operation_id="listEmails", opt=READ, summary="Every message sent for the entity, newest first")
    async def list_emails(
        self,
        emails: EmailService,
        limit: Limit = 20,
        cursor: str | None = None,
        document_id: str | None = None,
        status: EmailStatus | None = None,
    ) -> EmailList:
        return await emails.list(limit, cursor, document_id=document_id, status=status)

    @get("/{email_id:str}", operation_id="getEmail", opt=READ)
    async def get_email(self, email_id: str, emails: EmailService) -> EmailOut:
        return await emails.get(email_id)

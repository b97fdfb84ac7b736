"""Sending a document by e-mail: validation, locale defaults, and the queued record (made by
:func:`invoicing.emails.records.record`, like every e-mail row)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from sqlalchemy import Select, select
from sqlalchemy.ext.asyncio import AsyncSession

from contract.addresses import check_address
from contract.errors import Conflict, NotFound, ValidationFailed
from invoicing.auth.context import Scope
from invoicing.config import Settings
from invoicing.core.deps import after_commit
from invoicing.core.i18n import message
from invoicing.core.paging import page
from invoicing.db import Database
from invoicing.db.models import Document, Email
from invoicing.documents.output import document_out
from invoicing.documents.queries import LABELS, get_document
from invoicing.einvoice.formats import FORMATS
from invoicing.einvoice.service import EInvoiceService
from invoicing.emails.headers import check_header, one_line
from invoicing.emails.records import Message, Sender, record
from invoicing.emails.schemas import EmailList, EmailOut, SendIn
from invoicing.rendering import Formatter, LogoFetcher
from invoicing.rendering.service import RenderingService

__all__ = [
    "MAX_RECIPIENTS",
    "EmailService",
    "check_address",
    "check_sendable",
    "email_out",
    "get_email",
    "list_stmt",
    "prepare",
    "queue",
    "recipients",
]

MAX_RECIPIENTS = 20


def recipients(to: str | list[str] | None, customer_email: str | None) -> list[str]:
    if to is None or to == [] or to == "":
        if not customer_email:
            raise ValidationFailed.field("to", "is required: the customer has no e-mail address")
        return [check_address(customer_email, "to")]
    if isinstance(to, str):
        return [check_address(to, "to")]
    if len(to) > MAX_RECIPIENTS:
        raise ValidationFailed.field("to", f"at most {MAX_RECIPIENTS} addresses")
    out: list[str] = []
    for i, address in enumerate(to):
        address = check_address(address, f"to[{i}]")
        if address.lower() not in (a.lower() for a in out):
            out.append(address)
    return out


def check_sendable(doc: Document) -> None:
    if doc.status == "draft":
        raise Conflict("A draft cannot be sent: it has no number yet and may still change. Finalize it first.")
    if doc.status == "voided":
        raise Conflict(f"{LABELS.get(doc.type, 'Document')} {doc.number} is voided; a voided document is not sent.")


def defaults(doc: Document, seller: str) -> tuple[str, str]:
    """The subject and message in the document's language (``locales/emails/``), when the caller gives none."""
    fmt = Formatter(doc.locale, doc.currency_code)
    out = document_out(doc)
    amount = out.total_due if doc.type in ("invoice", "advance_invoice") else out.total_with_tax
    values = {
        "number": doc.number or "",
        "seller": seller,
        "amount": fmt.money(amount),
        "due": fmt.date(doc.date_due),
        "invoice": doc.invoice_number or "",
        "valid_until": fmt.date(doc.valid_until),
    }
    return (
        message("emails", doc.locale, f"{doc.type}.subject", values),
        message("emails", doc.locale, f"{doc.type}.message", values),
    )


def email_out(email: Email) -> EmailOut:
    return EmailOut(
        id=email.id,
        object="email",
        entity_id=email.entity_id,
        document_id=email.document_id,
        to=list(email.to),
        subject=email.subject,
        text=email.text,
        sender_name=email.sender_name,
        reply_to=email.reply_to,
        attachments=list(email.attachments or []),
        status=email.status,
        attempts=email.attempts,
        last_error=email.last_error,
        next_attempt_at=email.next_attempt_at,
        sent_at=email.sent_at,
        created_at=email.created_at,
    )


def prepare(doc: Document, scope: Scope, data: SendIn) -> Message:
    """Everything the message will say, validated; raises 422 naming the field."""
    entity = scope.bound_entity
    to = recipients(data.to, (doc.customer or {}).get("email"))
    default_subject, default_text = defaults(doc, entity.name)
    # the caller's subject must be header text; the default is made so (the entity's name may predate the rule)
    subject = check_header((data.subject or "").strip(), "subject") or one_line(default_subject)
    text = data.message if data.message and data.message.strip() else default_text
    if "\0" in text:
        raise ValidationFailed.field("message", "must not contain NUL characters")
    return Message(to=to, subject=subject, text=text, sender=Sender.of(entity))


async def queue(
    session: AsyncSession,
    scope: Scope,
    doc_type: str,
    doc_id: str,
    message: Message,
    attachments: list[str],
    *,
    deliver: bool,
) -> EmailOut:
    """Record the message with its files' names (``queued`` for the worker, or ``captured`` without SMTP)."""
    doc = await get_document(session, scope, doc_id, doc_type)
    check_sendable(doc)
    message = replace(message, attachments=attachments)
    email = record(
        session, scope, message, document_id=doc.id, deliver=deliver, event={"document_id": doc.id, "to": message.to}
    )
    await session.flush()
    return email_out(email)


def list_stmt(scope: Scope, *, document_id: str | None, status: str | None) -> Select:
    stmt = select(Email).where(Email.entity_id == scope.entity_id)
    if document_id:
        stmt = stmt.where(Email.document_id == document_id)
    if status:
        stmt = stmt.where(Email.status == status)
    return stmt


async def get_email(session: AsyncSession, scope: Scope, email_id: str) -> Email:
    email = await session.get(Email, email_id)
    if email is None or email.entity_id != scope.entity_id:
        raise NotFound(f"E-mail {email_id} was not found.")
    return email


class EmailService:
    """The entity's e-mails for one request: sending a document, and the record of every message.

    Sending reads the document and renders its PDF before the request's transaction takes its first
    statement (on SQLite that transaction holds the one writer; keeping the PDF is a write of its own),
    then records the message in it; the delivery worker is woken once it has committed.
    """

    def __init__(
        self,
        session: AsyncSession,
        ctx: Scope,
        db: Database,
        logo_fetcher: LogoFetcher | None,
        settings: Settings,
        wake_mail: Callable[[], None],
    ) -> None:
        self.session, self.scope, self.db, self.fetcher = session, ctx, db, logo_fetcher
        self.deliver, self.wake_mail = bool(settings.email.smtp_url), wake_mail

    async def send(self, doc_type: str, doc_id: str, data: SendIn) -> EmailOut:
        async with self.db.transaction(write=False) as read:
            doc = await get_document(read, self.scope, doc_id, doc_type)
        check_sendable(doc)
        message = prepare(doc, self.scope, data)
        attachments = await self._attachments(doc, data)
        email = await queue(self.session, self.scope, doc_type, doc_id, message, attachments, deliver=self.deliver)
        after_commit(self.session, self.wake_mail)
        return email

    async def _attachments(self, doc: Document, data: SendIn) -> list[str]:
        """The files' names, each kept before the message is recorded: the PDF, and the e-invoice when asked
        for or when the customer requires one (a Factur-X PDF instead of the plain PDF; else the XML beside it)."""
        name = data.einvoice_format or (doc.customer or {}).get("einvoice_format")
        if data.attach_einvoice is False or (data.attach_einvoice is None and not name):
            name = None
        elif not name:
            raise ValidationFailed.field("einvoice_format", "is required: the customer declared no e-invoice format")
        files = []
        if name is not None:
            if name not in FORMATS:
                raise ValidationFailed.field("einvoice_format", f"must be one of: {', '.join(FORMATS)} (got {name!r})")
            einvoice = await EInvoiceService(self.db, self.scope, self.fetcher).file(doc.type, doc.id, name)
            files.append(einvoice.filename)
            if FORMATS[name].pdf:
                return files
        # the kept original: the delivery worker attaches kept files only, and a current-state copy is not kept
        pdf = await RenderingService(self.db, self.scope, self.fetcher).pdf(doc.type, doc.id, original=True)
        return [pdf.filename, *files]

    async def list(self, limit: int, cursor: str | None, *, document_id: str | None, status: str | None) -> EmailList:
        stmt = list_stmt(self.scope, document_id=document_id, status=status)
        data, next_cursor = await page(self.session, stmt, Email.id, limit, cursor, email_out)
        return EmailList(data=data, next_cursor=next_cursor)

    async def get(self, email_id: str) -> EmailOut:
        return email_out(await get_email(self.session, self.scope, email_id))

"""Sending a document by e-mail: validation, locale defaults, and the queued record."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.ext.asyncio import AsyncSession

from contract.addresses import check_address
from invoicing.auth.context import Scope
from contract.errors import Conflict, NotFound, ValidationFailed
from invoicing.events import emit
from invoicing.core.i18n import message
from invoicing.core.ids import new_id
from invoicing.db.models import Document, Email
from invoicing.db.types import utcnow
from invoicing.documents import service as documents
from invoicing.emails.schemas import EmailOut, SendIn
from invoicing.entities.service import effective_settings
from invoicing.rendering import Formatter

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
        raise Conflict(f"Invoice {doc.number} is voided; a voided invoice is not sent.")


def defaults(doc: Document, seller: str) -> dict[str, str]:
    """The subject and message in the document's language (``locales/emails/``), when the caller gives none."""
    fmt = Formatter(doc.locale, doc.currency_code)
    out = documents.document_out(doc)
    amount = out.total_due if doc.type == "invoice" else out.total_with_tax
    values = {"number": doc.number or "", "seller": seller, "amount": fmt.money(amount), "due": fmt.date(doc.date_due),
              "invoice": doc.invoice_number or ""}
    return {"subject": message("emails", doc.locale, f"{doc.type}.subject", values),
            "message": message("emails", doc.locale, f"{doc.type}.message", values)}


def email_out(email: Email) -> EmailOut:
    return EmailOut(
        id=email.id, object="email", entity_id=email.entity_id, document_id=email.document_id, to=list(email.to),
        subject=email.subject, text=email.text, sender_name=email.sender_name, reply_to=email.reply_to,
        attachments=list(email.attachments or []), status=email.status, attempts=email.attempts,
        last_error=email.last_error, next_attempt_at=email.next_attempt_at, sent_at=email.sent_at,
        created_at=email.created_at,
    )


def prepare(doc: Document, scope: Scope, data: SendIn) -> dict[str, Any]:
    """Everything the message will say, validated; raises 422 naming the field."""
    entity = scope.entity
    settings = effective_settings(entity.settings)
    to = recipients(data.to, (doc.customer or {}).get("email"))
    fallback = defaults(doc, entity.name)
    subject = (data.subject or "").strip() or fallback["subject"]
    if any(c in subject for c in "\r\n\0"):
        raise ValidationFailed.field("subject", "must be one line")
    text = data.message if data.message and data.message.strip() else fallback["message"]
    if "\0" in text:
        raise ValidationFailed.field("message", "must not contain NUL characters")
    sender_name = (settings["email"].get("sender_name") or entity.name or "").strip() or None
    if sender_name and any(c in sender_name for c in "\r\n"):
        sender_name = " ".join(sender_name.split())
    reply_to = settings["email"].get("reply_to") or entity.email
    if reply_to:
        reply_to = check_address(reply_to, "settings.email.reply_to")
    return {"to": to, "subject": subject, "text": text, "sender_name": sender_name, "reply_to": reply_to}


async def queue(session: AsyncSession, scope: Scope, doc_type: str, doc_id: str, message: dict[str, Any],
                attachment: str, *, deliver: bool) -> EmailOut:
    """Record the message (``queued`` for the worker, or ``captured`` without SMTP) with its outbox event."""
    doc = await documents.get_document(session, scope, doc_id, doc_type)
    check_sendable(doc)
    now = utcnow()
    email = Email(
        id=new_id("email"), entity_id=scope.entity_id, document_id=doc.id, attachments=[attachment],
        status="queued" if deliver else "captured", attempts=0, next_attempt_at=now if deliver else None,
        created_at=now, **message,
    )
    session.add(email)
    emit(session, scope, f"email.{email.status}", email.id, {"document_id": doc.id, "to": email.to})
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

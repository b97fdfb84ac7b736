"""Every ``Email`` row is made here: who it is from, and the row with its ``email.*`` event.

Document e-mails (:mod:`invoicing.emails.service`) and sign-in links (:mod:`invoicing.signin.mail`)
both call :func:`record`, so the sender rules are written once: the name is the entity's
``settings.email.sender_name`` or else its name, on one line (:func:`~invoicing.emails.headers.one_line`:
a value stored before the header rule is made safe, not refused); the reply-to is
``settings.email.reply_to`` or else the entity's e-mail, and must be a deliverable address.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from contract.addresses import check_address
from invoicing.auth.context import Scope
from invoicing.core.ids import new_id
from invoicing.db.models import Email, Entity
from invoicing.db.types import utcnow
from invoicing.emails.headers import one_line
from invoicing.entities.settings import effective
from invoicing.events import emit


@dataclass(frozen=True)
class Sender:
    name: str | None
    reply_to: str | None

    @classmethod
    def of(cls, entity: Entity) -> Sender:
        """The entity's sender; a reply-to that is not an address is refused (422 naming the setting)."""
        email = effective(entity.settings).email
        name = one_line(email.sender_name or entity.name or "") or None
        reply_to = email.reply_to or entity.email
        return cls(name, check_address(reply_to, "settings.email.reply_to") if reply_to else None)


@dataclass(frozen=True)
class Message:
    """What one e-mail says, already validated."""

    to: list[str]
    subject: str
    text: str
    sender: Sender
    attachments: list[str] = field(default_factory=list)


def record(
    session: AsyncSession,
    scope: Scope,
    message: Message,
    *,
    document_id: str | None,
    deliver: bool,
    event: dict[str, Any],
) -> Email:
    """Add the row (``queued`` for the delivery worker, or ``captured`` without SMTP) and emit
    ``email.queued``/``email.captured`` with ``event`` as its data."""
    now = utcnow()
    email = Email(
        id=new_id("email"),
        entity_id=scope.entity_id,
        document_id=document_id,
        to=list(message.to),
        subject=message.subject,
        text=message.text,
        sender_name=message.sender.name,
        reply_to=message.sender.reply_to,
        attachments=list(message.attachments),
        status="queued" if deliver else "captured",
        attempts=0,
        next_attempt_at=now if deliver else None,
        created_at=now,
    )
    session.add(email)
    emit(session, scope, f"email.{email.status}", email.id, event)
    return email

"""Requests and responses of e-mails."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from msgspec import Meta, Struct

EmailStatus = Literal["captured", "queued", "sent", "failed"]


class SendIn(Struct, forbid_unknown_fields=True):
    to: str | list[str] | None = None
    """One address or a list (at most 20); default: the customer's e-mail."""
    subject: Annotated[str, Meta(max_length=300)] | None = None
    """Default: "Invoice {number} from {seller}" in the document's language."""
    message: Annotated[str, Meta(max_length=10000)] | None = None
    """The plain-text body; default: a short note in the document's language with the amount and due date."""
    attach_einvoice: bool | None = None
    """Attach the e-invoice beside the PDF (``facturx``: the Factur-X PDF instead of the plain one); default:
    when the customer declared the format it requires (``einvoice_format``)."""
    einvoice_format: str | None = None
    """The format to attach (facturx, cii, ubl, xrechnung, peppol); default the customer's ``einvoice_format``."""


class EmailOut(Struct):
    id: str
    object: Literal["email"]
    entity_id: str
    document_id: str | None
    to: list[str]
    subject: str
    text: str
    sender_name: str | None
    reply_to: str | None
    attachments: list[str]
    status: EmailStatus
    attempts: int
    last_error: str | None
    next_attempt_at: datetime | None
    sent_at: datetime | None
    created_at: datetime


class EmailList(Struct):
    data: list[EmailOut]
    next_cursor: str | None

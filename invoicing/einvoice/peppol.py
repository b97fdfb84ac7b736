"""Peppol delivery, prepared and not faked: the one interface through which an issued document's Peppol
BIS Billing 3.0 UBL would be handed to a Peppol access point, and the state every account is in today.

Folio is not a Peppol access point. A certified access point (the account's own, or one Folio contracts
with) receives the document through :class:`AccessPoint`, answers a :class:`Submission` (its message id
and the first status) and later reports the outcome (delivered to the receiver's access point, or
failed) through a :data:`StatusHandler`. No account has one configured yet, so :func:`access_point`
answers :data:`NOT_CONFIGURED`, whose ``send`` refuses with 409 "Peppol delivery is not configured for
this account" and transmits nothing; ``POST /v1/invoices/{id}/peppol`` answers exactly that.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import Literal, Protocol

import msgspec
from litestar import Controller, post
from litestar.di import Provide
from sqlalchemy.ext.asyncio import AsyncSession

from contract.errors import Conflict
from invoicing.auth import Perm
from invoicing.auth.context import Scope
from invoicing.db.models import Document, StoredFile
from invoicing.documents.queries import get_document
from invoicing.einvoice.formats import FORMATS
from invoicing.einvoice.model import EInvoice, build
from invoicing.einvoice.service import KIND, file_id, missing
from invoicing.entities.settings import effective
from invoicing.events import emit

NOT_CONFIGURED_DETAIL = "Peppol delivery is not configured for this account."
SubmissionStatus = Literal["accepted", "delivered", "failed"]


class Submission(msgspec.Struct, frozen=True, kw_only=True):
    """What an access point answers when it takes a document."""

    document_id: str
    """Folio's id of the invoice or credit note sent."""
    message_id: str
    """The access point's id of the transmission (its AS4 message id), to match status updates to it."""
    status: SubmissionStatus
    """``accepted`` when the access point took it; ``delivered``/``failed`` follow by :data:`StatusHandler`."""
    at: datetime


class StatusUpdate(msgspec.Struct, frozen=True, kw_only=True):
    """A later status of a submission, as the access point reports it."""

    message_id: str
    status: SubmissionStatus
    at: datetime
    reason: str | None = None
    """Why it failed (the receiver's access point's or the network's answer)."""


StatusHandler = Callable[[StatusUpdate], Awaitable[None]]
"""The status callback: an access point calls it (through its webhook route) for each status change."""


class AccessPoint(Protocol):
    """A Peppol access point, seen from Folio."""

    @property
    def configured(self) -> bool: ...

    async def send(self, document_id: str, ubl_bytes: bytes, sender_id: str, receiver_id: str) -> Submission:
        """Hand the Peppol BIS 3.0 UBL over for delivery from ``sender_id`` to ``receiver_id`` (Peppol
        participant ids, ``"0088:…"``). Raises on refusal; never answers before the access point took it."""
        ...


class PeppolNotConfigured(Conflict):
    title = "Peppol delivery is not configured"

    def __init__(self) -> None:
        super().__init__(NOT_CONFIGURED_DETAIL)


class NotConfigured:
    """The state of an account without an access point: nothing is sent, every send answers 409."""

    @property
    def configured(self) -> bool:
        return False

    async def send(self, document_id: str, ubl_bytes: bytes, sender_id: str, receiver_id: str) -> Submission:
        raise PeppolNotConfigured()


NOT_CONFIGURED = NotConfigured()


def access_point(scope: Scope) -> AccessPoint:
    """The account's access point. None can be configured yet: every account is :data:`NOT_CONFIGURED`."""
    return NOT_CONFIGURED


class PeppolService:
    """Sends an issued document's Peppol UBL, the bytes kept for ``…/einvoice?format=peppol``."""

    def __init__(self, session: AsyncSession, ctx: Scope) -> None:
        self.session, self.scope = session, ctx

    async def send(self, doc_id: str, doc_type: str) -> Submission:
        """Send an issued document over Peppol: 404 if it is not the caller's, 409 for a draft, and 409
        while the account has no access point (before anything is built)."""
        doc = await get_document(self.session, self.scope, doc_id, doc_type)
        if doc.status == "draft":
            raise Conflict("A draft is not sent over Peppol: issue it first.")
        point = access_point(self.scope)
        if not point.configured:
            raise PeppolNotConfigured()
        entity = self.scope.bound_entity
        model = build(doc, entity, effective(entity.settings))
        missing("peppol", model)  # 422 naming what Peppol BIS needs, e.g. the Peppol ids
        assert model.seller.endpoint is not None and model.buyer.endpoint is not None
        ubl = await self._kept(doc, model)
        submission = await point.send(
            doc.id,
            ubl,
            f"{model.seller.endpoint.scheme}:{model.seller.endpoint.id}",
            f"{model.buyer.endpoint.scheme}:{model.buyer.endpoint.id}",
        )
        emit(self.session, self.scope, f"{doc_type}.peppol_submitted", doc.id, {"message_id": submission.message_id})
        return submission

    async def _kept(self, doc: Document, model: EInvoice) -> bytes:
        """The document's Peppol UBL as kept for ``…/einvoice?format=peppol``; made and kept now if never
        asked for, so what is sent is what is kept."""
        fmt = FORMATS["peppol"]
        kept = await self.session.get(StoredFile, file_id(doc, fmt))
        if kept is not None and kept.entity_id == doc.entity_id and kept.kind == KIND:
            return kept.content
        content = fmt.write(model)
        self.session.add(
            StoredFile(
                id=file_id(doc, fmt), entity_id=doc.entity_id, kind=KIND, content_type=fmt.media_type, content=content
            )
        )
        return content


WRITE = {"permission": Perm.DOCUMENTS_WRITE, "entity_scoped": True}
PEPPOL_DOC = (
    "Hand the issued document's Peppol BIS Billing 3.0 UBL to the account's Peppol access point. Folio is not "
    "an access point and none can be configured yet: this answers 409 `Peppol delivery is not configured for "
    "this account.` and sends nothing. Download the Peppol UBL with `…/einvoice?format=peppol`."
)


class PeppolController(Controller):
    tags = ["E-invoices"]
    dependencies = {"peppol": Provide(PeppolService, sync_to_thread=False)}

    @post(
        "/v1/invoices/{invoice_id:str}/peppol",
        operation_id="sendInvoicePeppol",
        opt=WRITE,
        status_code=202,
        summary="Send an invoice over Peppol (not configured: 409)",
        description=PEPPOL_DOC,
    )
    async def send_invoice(self, invoice_id: str, peppol: PeppolService) -> Submission:
        return await peppol.send(invoice_id, "invoice")

    @post(
        "/v1/credit-notes/{credit_note_id:str}/peppol",
        operation_id="sendCreditNotePeppol",
        opt=WRITE,
        status_code=202,
        summary="Send a credit note over Peppol (not configured: 409)",
        description=PEPPOL_DOC,
    )
    async def send_credit_note(self, credit_note_id: str, peppol: PeppolService) -> Submission:
        return await peppol.send(credit_note_id, "credit_note")

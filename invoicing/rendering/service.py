"""The I/O around rendering (:class:`RenderingService`): the document and its seller, the logo, and
the kept PDF; and uploaded logos (:class:`FileService`).

An issued document's original (the document as issued, :func:`as_issued`) is rendered the first time
it is asked for and stored (``DocumentFile``); from then on those bytes are served as the original,
whatever changes later (branding, templates, Folio's own version). What is served by default is the
document's current state: the original while nothing happened to it, otherwise a copy rendered on
demand with a VOID / PAID / CREDITED / PARTIALLY PAID stamp and without payment instructions once
nothing is due. A draft is rendered marked DRAFT. Stamped copies, drafts and HTML previews are kept in a
small per-process cache keyed by a digest of everything they print (:class:`_Copies`), so asking again
for an unchanged one does not render it again.

Every render runs in the app's render worker pool (:mod:`invoicing.rendering.pool`), in the turn of the
document's entity, stopped when it runs too long or its requester goes away.

With ``settings.einvoice.pdf`` (effective value; default true in the EU) the original is the Factur-X
PDF/A-3 with the document's CII embedded (:mod:`invoicing.einvoice.facturx`), also served as the ``facturx``
e-invoice; when the document cannot be written as CII (e.g. the seller has no tax number) it is the plain
PDF. Stamped copies and drafts are always plain PDFs: they are not the legal document.
"""

from __future__ import annotations

import hashlib
import re
import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import msgspec
from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession

from contract.errors import NotFound, ValidationFailed
from invoicing.auth.context import Scope
from invoicing.config import Settings as AppSettings
from invoicing.core.ids import new_id
from invoicing.core.money import format_decimal, round_money
from invoicing.db import Database
from invoicing.db.models import Document, DocumentFile, Entity, StoredFile
from invoicing.documents import rules
from invoicing.documents.output import document_out
from invoicing.documents.queries import get_document
from invoicing.documents.schemas import AdvanceInvoiceOut, CreditNoteOut, EstimateOut, InvoiceOut
from invoicing.einvoice import facturx
from invoicing.entities.schemas import Branding, EntitySettings
from invoicing.entities.service import get_entity
from invoicing.entities.service import to_out as entity_out
from invoicing.entities.settings import Settings, effective, merged
from invoicing.events import emit, publish
from invoicing.rendering._logo import LogoFetcher, sniff
from invoicing.rendering._render import Logo, RenderInput, Seller, render_html, render_pdf
from invoicing.rendering.pool import pool_for
from invoicing.rendering.schemas import FileOut

_FILE_URL = re.compile(r"/v1/files/(fil_[0-9a-z]{26})$")
LOGO_TYPES = ("image/png", "image/jpeg", "image/svg+xml")
COPIES_KEPT = 32
COPIES_BYTES = 64 * 1024 * 1024


@dataclass
class Rendered:
    content: bytes
    filename: str
    stored: bool


def seller_of(entity: Entity) -> Seller:
    return Seller(
        name=entity.name,
        address=entity.address,
        city=entity.city,
        post_code=entity.post_code,
        country=entity.country,
        tax_number=entity.tax_number,
        email=entity.email,
    )


def filename(doc: Document) -> str:
    kind = doc.type.replace("_", "-")
    label = re.sub(r"[^A-Za-z0-9._-]+", "-", doc.number) if doc.number else f"draft-{doc.id}"
    return f"{kind}-{label}.pdf"


def file_url(public_url: str, file_id: str) -> str:
    return f"{public_url.rstrip('/')}/v1/files/{file_id}"


async def resolve_logo(db: Database, fetcher: LogoFetcher | None, entity: Entity, settings: Settings) -> Logo | None:
    """The uploaded logo when ``logo_url`` points at one of this entity's files, otherwise the remote one."""
    url = settings.branding.logo_url
    if not url:
        return None
    match = _FILE_URL.search(url)
    if match:
        async with db.transaction(write=False) as session:
            stored = await session.get(StoredFile, match.group(1))
        if stored is not None and stored.entity_id == entity.id and stored.kind == "logo":
            return Logo(stored.content, stored.content_type)
    return await fetcher.get(url) if fetcher else None


def as_issued(
    out: InvoiceOut | CreditNoteOut | EstimateOut | AdvanceInvoiceOut,
) -> InvoiceOut | CreditNoteOut | EstimateOut | AdvanceInvoiceOut:
    """The document as it was issued: the kept PDF is the legal document, so later payments, credits,
    refunds and a void (which the API and the HTML preview show) are not part of it, and its bytes do
    not depend on when it was first asked for. A payment recorded with the invoice (``paid_on_issue``)
    is part of it: such an invoice was issued paid."""
    if isinstance(out, CreditNoteOut | EstimateOut) or out.status == "draft":
        return out
    total, paid = Decimal(out.total_with_tax), Decimal(out.paid_on_issue or 0)
    zero = format_decimal(round_money(Decimal(0), out.currency_code))
    if isinstance(out, AdvanceInvoiceOut):
        return msgspec.structs.replace(
            out,
            status=rules.advance_status("issued", total, paid, Decimal(0)),
            total_paid=out.paid_on_issue or zero,
            total_refunded=zero,
            total_due=format_decimal(round_money(max(total - paid, Decimal(0)), out.currency_code)),
            voided_at=None,
            void_reason=None,
            deducted_by_invoice_id=None,
        )
    return msgspec.structs.replace(
        out,
        status=rules.invoice_status("issued", total, paid, Decimal(0)),
        total_paid=out.paid_on_issue or zero,
        total_credited=zero,
        total_refunded=zero,
        total_due=format_decimal(round_money(rules.amount_due("issued", total, paid, Decimal(0)), out.currency_code)),
        amount_to_refund=zero,
        credit_note_ids=[],
        voided_at=None,
        void_reason=None,
    )


async def render_input(
    db: Database, fetcher: LogoFetcher | None, entity: Entity, doc: Document, *, issued_copy: bool = False
) -> RenderInput:
    settings = effective(entity.settings)
    out = document_out(doc)
    return RenderInput(
        document=as_issued(out) if issued_copy else out,
        kind=doc.type,
        seller=seller_of(entity),
        settings=settings,
        logo=await resolve_logo(db, fetcher, entity, settings),
    )


async def in_worker(db: Database, entity_id: str, fn: Callable[..., Any], *args: Any) -> Any:
    """``fn(*args)`` (a render) in a worker of ``db``'s app's render pool, in ``entity_id``'s turn."""
    return await pool_for(db).run(entity_id, fn, *args)


async def _keep(db: Database, doc_id: str, content: bytes) -> bytes:
    """Store the first rendering; when another request stored one first, that one wins and is returned."""
    async with db.transaction() as session:
        assert session.bind is not None  # Database's sessions are bound to its engines
        insert = pg_insert if session.bind.dialect.name == "postgresql" else sqlite_insert
        await session.execute(
            insert(DocumentFile)
            .values(document_id=doc_id, content=content)
            .on_conflict_do_nothing(index_elements=["document_id"])
        )
        return (
            await session.execute(select(DocumentFile.content).where(DocumentFile.document_id == doc_id))
        ).scalar_one()


class _Copies:
    """The last stamped copies, drafts (PDF) and HTML previews rendered in this process, by a digest of
    everything they print; at most ``size`` of them and ``max_bytes`` in all."""

    def __init__(self, size: int, max_bytes: int = COPIES_BYTES) -> None:
        self.size, self.max_bytes, self.lock = size, max_bytes, threading.Lock()
        self.items = OrderedDict[str, bytes | str]()
        self.bytes = 0

    @staticmethod
    def key(inp: RenderInput, output: str = "pdf") -> str:
        digest = hashlib.sha256(output.encode() + b"\0")
        digest.update(msgspec.json.encode(inp.document))
        digest.update(msgspec.json.encode([inp.kind, inp.seller, inp.settings]))
        digest.update(inp.logo.content if inp.logo else b"")
        return digest.hexdigest()

    def get(self, key: str) -> Any:
        with self.lock:
            if key in self.items:
                self.items.move_to_end(key)
            return self.items.get(key)

    def put(self, key: str, content: bytes | str) -> None:
        if len(content) > self.max_bytes:
            return
        with self.lock:
            if key in self.items:
                self.bytes -= len(self.items.pop(key))
            self.items[key] = content
            self.bytes += len(content)
            while len(self.items) > self.size or self.bytes > self.max_bytes:
                self.bytes -= len(self.items.popitem(last=False)[1])


_copies = _Copies(COPIES_KEPT)


class RenderingService:
    """The caller's documents as PDF and HTML.

    Built from ``db`` rather than the request's session: a document is read, rendered outside any
    transaction (CPU, in a render worker), and an issued one's PDF kept in a short write of its own.
    """

    def __init__(self, db: Database, ctx: Scope, logo_fetcher: LogoFetcher | None) -> None:
        self.db, self.scope, self.fetcher = db, ctx, logo_fetcher

    async def _render(self, doc: Document, fn: Callable[..., Any], *args: Any) -> Any:
        return await in_worker(self.db, doc.entity_id, fn, *args)

    async def _cached(self, inp: RenderInput, doc: Document, output: str) -> Any:
        """``inp`` rendered as ``output`` (``pdf`` or ``html``), from the cache when it was rendered before."""
        key = _copies.key(inp, output)
        content = _copies.get(key)
        if content is None:
            content = await self._render(doc, render_pdf if output == "pdf" else render_html, inp)
            _copies.put(key, content)
        return content

    async def pdf(self, doc_type: str, doc_id: str, *, original: bool = False) -> Rendered:
        """An issued document's current state (its kept original while nothing changed it since, else a
        stamped copy), or with ``original`` the kept original (rendered and kept the first time: what an
        e-mail attaches); a draft's, and an estimate's unless ``original``, as it is now."""
        async with self.db.transaction(write=False) as session:
            doc = await get_document(session, self.scope, doc_id, doc_type)
            kept = None if doc.status == "draft" else await session.get(DocumentFile, doc.id)
        entity = self.scope.bound_entity
        if doc.status == "draft" or (doc.type == "estimate" and not original):  # an offer: rendered as it is now
            content = await self._cached(await render_input(self.db, self.fetcher, entity, doc), doc, "pdf")
            return Rendered(content, filename(doc), False)
        out = document_out(doc)
        if original or as_issued(out) == out:
            if kept is not None:
                return Rendered(kept.content, filename(doc), True)
            content = await self._original(entity, doc)
            return Rendered(await _keep(self.db, doc.id, content), filename(doc), True)
        content = await self._cached(await render_input(self.db, self.fetcher, entity, doc), doc, "pdf")
        return Rendered(content, filename(doc), False)

    async def _original(self, entity: Entity, doc: Document) -> bytes:
        """The issued document's original: its Factur-X when ``settings.einvoice.pdf`` and it can be one."""
        inp = await render_input(self.db, self.fetcher, entity, doc, issued_copy=True)
        inv = None if doc.type == "estimate" else facturx.model_for_pdf(doc, entity, inp.settings)
        if inv is None:
            return await self._render(doc, render_pdf, inp)
        xml = facturx.xml_of(inv)
        return await self._render(doc, facturx.document, inp, xml, inv, doc.locale or entity.locale)

    async def html(self, doc_type: str, doc_id: str) -> str:
        async with self.db.transaction(write=False) as session:
            doc = await get_document(session, self.scope, doc_id, doc_type)
        inp = await render_input(self.db, self.fetcher, self.scope.bound_entity, doc)
        return await self._cached(inp, doc, "html")


def file_out(stored: StoredFile, public_url: str) -> FileOut:
    return FileOut(
        id=stored.id,
        object="file",
        entity_id=stored.entity_id,
        kind=stored.kind,
        content_type=stored.content_type,
        size=len(stored.content),
        url=file_url(public_url, stored.id),
        created_at=stored.created_at,
    )


def _logo_kind(content: bytes, declared: str | None, max_bytes: int) -> str:
    """The uploaded logo's real type; a 422 when it is empty, too big, not an image or not what was declared."""
    if not content:
        raise ValidationFailed.field("file", "is empty: send the image as the request body or as a form field 'file'")
    if len(content) > max_bytes:
        raise ValidationFailed.field("file", f"is {len(content)} bytes; a logo may be at most {max_bytes} bytes")
    kind = sniff(content)
    if kind is None:
        raise ValidationFailed.field("file", "must be a PNG, JPEG or SVG image")
    if declared and declared not in ("application/octet-stream", kind):
        raise ValidationFailed.field("content_type", f"says {declared} but the file is {kind}")
    return kind


class FileService:
    """Uploaded files: an entity's logo, kept by Folio and served from a public, unguessable URL."""

    def __init__(self, session: AsyncSession, settings: AppSettings) -> None:
        self.session, self.public_url = session, settings.public_url
        self.max_bytes = settings.rendering.logo_max_bytes

    async def store_logo(self, scope: Scope, entity_id: str, content: bytes, declared: str | None) -> FileOut:
        """Keep an uploaded logo and point the entity's ``branding.logo_url`` at it."""
        session = self.session
        entity = await get_entity(session, scope, entity_id)
        kind = _logo_kind(content, declared, self.max_bytes)
        stored = StoredFile(id=new_id("file"), entity_id=entity.id, kind="logo", content_type=kind, content=content)
        session.add(stored)
        logo = EntitySettings(branding=Branding(logo_url=file_url(self.public_url, stored.id)))
        entity.settings = merged(entity.settings, logo)
        emit(
            session,
            Scope(scope.principal, entity),
            "entity.updated",
            entity.id,
            {"fields": ["settings.branding.logo_url"]},
        )
        publish(session, entity_out(entity))  # data.object: the entity as GET /v1/entities/{id} answers now
        await session.flush()
        return file_out(stored, self.public_url)

    async def logo(self, file_id: str) -> StoredFile:
        stored = await self.session.get(StoredFile, file_id)
        if stored is None or stored.kind != "logo":
            raise NotFound(f"File {file_id} was not found.")
        return stored

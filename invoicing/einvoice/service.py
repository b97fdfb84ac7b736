"""E-invoice files of issued documents (:class:`EInvoiceService`).

A format is produced the first time it is asked for after the document was issued, from the document as
issued, and kept byte for byte (a ``StoredFile`` of kind ``einvoice`` whose id is ``<document id>.<format>``);
from then on those bytes are served, whatever changes later. A draft has none (409).
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession

from contract.errors import Conflict, ValidationFailed
from invoicing.auth.context import Scope
from invoicing.db import Database
from invoicing.db.models import Document, StoredFile
from invoicing.documents.queries import get_document
from invoicing.einvoice import facturx
from invoicing.einvoice.formats import FORMATS, KNOWN, Format, missing, requirements
from invoicing.einvoice.model import build
from invoicing.einvoice.schemas import EInvoiceFormatOut, Missing
from invoicing.entities.settings import effective, einvoice_pdf
from invoicing.rendering import LogoFetcher
from invoicing.rendering.service import RenderingService, filename, in_worker, render_input

KIND = "einvoice"


@dataclass
class EFile:
    content: bytes
    filename: str
    media_type: str


def format_of(name: str) -> Format:
    fmt = FORMATS.get(name)
    if fmt is None:
        raise ValidationFailed.field("format", f"must be one of: {', '.join(FORMATS)} (got {name!r})")
    return fmt


def file_id(doc: Document, fmt: Format) -> str:
    return f"{doc.id}.{fmt.name}"


def download_name(doc: Document, fmt: Format) -> str:
    return f"{filename(doc).removesuffix('.pdf')}-{fmt.name}.{fmt.extension}"


class EInvoiceService:
    """The caller's issued documents as e-invoices. Built from ``db`` like the PDFs: the document is read,
    the file produced outside any transaction (a Factur-X PDF in the render thread), and kept in a short
    write of its own."""

    def __init__(self, db: Database, ctx: Scope, logo_fetcher: LogoFetcher | None) -> None:
        self.db, self.scope, self.fetcher = db, ctx, logo_fetcher

    async def _issued(self, session: AsyncSession, doc_type: str, doc_id: str) -> Document:
        doc = await get_document(session, self.scope, doc_id, doc_type)
        if doc.status == "draft":
            kind = "invoice" if doc_type == "invoice" else "credit note"
            raise Conflict(f"This {kind} is a draft: e-invoices are made from issued documents; issue it first.")
        return doc

    async def formats(self, doc_type: str, doc_id: str) -> list[EInvoiceFormatOut]:
        """Every known format with what the issued document lacks for it (nothing: available)."""
        async with self.db.transaction(write=False) as session:
            doc = await self._issued(session, doc_type, doc_id)
        entity = self.scope.bound_entity
        inv = build(doc, entity, effective(entity.settings))
        required = (doc.customer or {}).get("einvoice_format")
        out = []
        for name in KNOWN:
            lacks = [Missing(field, term, message) for field, term, message in requirements(name, inv)]
            out.append(EInvoiceFormatOut(name, not lacks, name == required, lacks))
        return out

    async def file(self, doc_type: str, doc_id: str, name: str) -> EFile:
        fmt = format_of(name)
        async with self.db.transaction(write=False) as session:
            doc = await self._issued(session, doc_type, doc_id)
            kept = await session.get(StoredFile, file_id(doc, fmt))
        if kept is not None and kept.entity_id == doc.entity_id and kept.kind == KIND:
            return EFile(kept.content, download_name(doc, fmt), fmt.media_type)
        entity = self.scope.bound_entity
        settings = effective(entity.settings)
        inv = build(doc, entity, settings)
        missing(fmt.name, inv)
        if fmt.pdf and einvoice_pdf(settings, entity.country):
            # the document's kept original PDF is its Factur-X (settings.einvoice.pdf): one file, stored once
            original = await RenderingService(self.db, self.scope, self.fetcher).pdf(doc_type, doc_id, original=True)
            if facturx.is_facturx(original.content):
                return EFile(original.content, download_name(doc, fmt), fmt.media_type)
        content = fmt.write(inv)
        if fmt.pdf:
            inp = await render_input(self.db, self.fetcher, entity, doc, issued_copy=True)
            content = await in_worker(
                self.db, doc.entity_id, facturx.document, inp, content, inv, doc.locale or entity.locale
            )
        return EFile(await self._keep(doc, fmt, content), download_name(doc, fmt), fmt.media_type)

    async def _keep(self, doc: Document, fmt: Format, content: bytes) -> bytes:
        """Store the first production; when another request stored one first, that one wins and is returned."""
        key = file_id(doc, fmt)
        async with self.db.transaction() as session:
            assert session.bind is not None  # Database's sessions are bound to its engines
            insert = pg_insert if session.bind.dialect.name == "postgresql" else sqlite_insert
            await session.execute(
                insert(StoredFile)
                .values(id=key, entity_id=doc.entity_id, kind=KIND, content_type=fmt.media_type, content=content)
                .on_conflict_do_nothing(index_elements=["id"])
            )
            return (await session.execute(select(StoredFile.content).where(StoredFile.id == key))).scalar_one()

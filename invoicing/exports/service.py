"""Export jobs through the API: asking for one (its filters checked and normalised), reading them, and
their files."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from datetime import datetime

import msgspec
from sqlalchemy import Select, select
from sqlalchemy.ext.asyncio import AsyncSession

from contract.errors import Conflict, FolioError, NotFound, ValidationFailed
from invoicing.auth.context import Principal, Scope
from invoicing.auth.guard import check_entity
from invoicing.core.coverage import Period, check_account_entities
from invoicing.core.deps import after_commit
from invoicing.core.ids import new_id
from invoicing.core.paging import page
from invoicing.db import Database
from invoicing.db.models import Entity, Export, ExportChunk
from invoicing.db.types import utcnow
from invoicing.events import emit, publish
from invoicing.exports.schemas import (
    ExportCreate,
    ExportFile,
    ExportFilters,
    ExportList,
    ExportOut,
    ExportProgress,
)


class Gone(FolioError):
    status, title = 410, "Gone"


def export_out(export: Export, now: datetime | None = None) -> ExportOut:
    expired = export.expires_at is not None and export.expires_at <= (now or utcnow())
    file = (
        ExportFile(name=export.file_name, size=export.file_size or 0, content_type=export.content_type or "")
        if export.status == "done" and export.file_name and not expired
        else None
    )
    return ExportOut(
        id=export.id,
        object="export",
        type=export.type,  # type: ignore[arg-type]  # stored from the Literal
        format=export.format,  # type: ignore[arg-type]
        filters=msgspec.convert(export.filters, ExportFilters),
        entity_id=export.entity_id,
        status=export.status,
        progress=ExportProgress(done=export.progress_done, total=export.progress_total),
        error=export.error,
        file=file,
        created_at=export.created_at,
        started_at=export.started_at,
        finished_at=export.finished_at,
        expires_at=export.expires_at,
    )


def system_scope(export: Export) -> Scope:
    """Folio's export worker acting for the export's account (and entity): its events' scope."""
    principal = Principal(
        export.account_id, export.environment, "system", "exports", frozenset(), entity_id=export.entity_id
    )
    return Scope(principal, None)


def visible(principal: Principal) -> Select:
    """An account key sees every export of its account and environment; an entity credential its entity's."""
    stmt = select(Export).where(Export.account_id == principal.account_id, Export.environment == principal.environment)
    if principal.entity_id is not None:
        stmt = stmt.where(Export.entity_id == principal.entity_id)
    return stmt


class ExportService:
    def __init__(self, session: AsyncSession, ctx: Scope) -> None:
        self.session, self.scope = session, ctx

    async def _entity(self, header: str | None) -> Entity | None:
        """The entity the export is limited to: an entity credential's, or the one an account key names."""
        principal = self.scope.principal
        wanted = header or principal.entity_id
        if wanted is None:
            return None
        return check_entity(principal, header, await self.session.get(Entity, wanted))

    async def _filters(self, data: ExportCreate, entity: Entity | None) -> ExportFilters:
        f = data.filters
        period = Period.of(
            f.date_from if f else None, f.date_to if f else None, today=utcnow().date(), prefix="filters."
        )
        status = f.status if f else None
        if status is not None and data.type == "payments":
            raise ValidationFailed.field("filters.status", "is a document status; it does not apply to payments")
        entity_ids = sorted(set(f.entity_ids)) if f and f.entity_ids is not None else None
        if entity_ids is not None:
            if entity is not None:
                raise ValidationFailed.field(
                    "filters.entity_ids", "is only for an account key without X-Entity-Id (this export is one entity's)"
                )
            await check_account_entities(self.session, self.scope.principal, entity_ids, "filters.entity_ids")
        return ExportFilters(
            date_from=period.date_from,
            date_to=period.date_to,
            status=status,
            entity_ids=entity_ids,
            metadata=dict((f.metadata if f else None) or {}),
        )

    async def create(self, data: ExportCreate, entity_header: str | None, wake: Callable[[], None]) -> ExportOut:
        if data.format == "pdf_zip" and data.type != "documents":
            raise ValidationFailed.field("format", "pdf_zip is only for type documents")
        entity = await self._entity(entity_header)
        filters = await self._filters(data, entity)
        principal = self.scope.principal
        export = Export(
            id=new_id("export"),
            account_id=principal.account_id,
            environment=principal.environment,
            entity_id=entity.id if entity is not None else None,
            type=data.type,
            format=data.format,
            filters=msgspec.to_builtins(filters),
            status="queued",
            actor=principal.actor,
        )
        self.session.add(export)
        emit(self.session, Scope(principal, entity), "export.created", export.id)
        after_commit(self.session, wake)
        return publish(self.session, export_out(export))

    async def list(self, limit: int, cursor: str | None) -> ExportList:
        now = utcnow()
        data, next_cursor = await page(
            self.session, visible(self.scope.principal), Export.id, limit, cursor, lambda e: export_out(e, now)
        )
        return ExportList(data=data, next_cursor=next_cursor)

    async def _get(self, export_id: str) -> Export:
        stmt = visible(self.scope.principal).where(Export.id == export_id)
        export = (await self.session.execute(stmt)).scalar_one_or_none()
        if export is None:
            raise NotFound(f"Export {export_id} was not found.")
        return export

    async def get(self, export_id: str) -> ExportOut:
        return export_out(await self._get(export_id))

    async def file(self, export_id: str) -> Export:
        """The export whose file may be served: 409 while it is not done, 410 once it expired."""
        export = await self._get(export_id)
        if export.status != "done":
            raise Conflict(f"Export {export_id} is {export.status}; its file can be fetched once it is done.")
        if export.expires_at is not None and export.expires_at <= utcnow():
            raise Gone(f"Export {export_id} expired at {export.expires_at.isoformat()}; its file was deleted.")
        return export


async def chunks(db: Database, export_id: str) -> AsyncIterator[bytes]:
    """The stored file, a chunk per read (never all of it in memory)."""
    seq = 0
    while True:
        async with db.transaction(write=False) as session:
            content = (
                await session.execute(
                    select(ExportChunk.content).where(ExportChunk.export_id == export_id, ExportChunk.seq == seq)
                )
            ).scalar_one_or_none()
        if content is None:
            return
        yield content
        seq += 1

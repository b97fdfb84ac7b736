"""The export worker: one in every ``folio serve`` process (``FOLIO_EXPORT_WORKER=0`` turns it off).

**Claiming.** A pass takes the oldest export that is ``queued``, or ``running`` with its lease
(``lease_until``) past — a worker that died or was killed — ``FOR UPDATE SKIP LOCKED`` on PostgreSQL
(SQLite: one process), sets it ``running``, bumps ``attempts`` and leases it for
``FOLIO_EXPORT_LEASE_SECONDS``. Every progress update renews the lease and is fenced by ``attempts``: a
worker whose lease was taken over stops writing. An interrupted export starts again from the beginning;
after :data:`MAX_ATTEMPTS` claims it is ``failed``, so none stays ``running`` for ever.

**Running.** The rows are counted in SQL first (``progress.total``), then streamed in keyset batches
(:mod:`invoicing.exports.rows`) into a temporary file (:mod:`invoicing.exports.writers`, the formatting
in a thread so the server's event loop keeps answering), ``progress.done`` updated after every batch.
A ``pdf_zip`` adds each document's kept PDF, rendering (and keeping) the ones never rendered, one at a
time, through the render service and its worker pool. The finished file is copied into
``export_chunks`` (1 MiB each) in the transaction that marks the export ``done`` and records
``export.completed``; a failure records ``export.failed``.

**Purging.** Every ``FOLIO_EXPORT_PURGE_SECONDS`` the worker deletes the chunks of exports past their
``expires_at`` (``FOLIO_EXPORT_RETENTION_DAYS`` after they finished); their file then answers 410.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import tempfile
import time
from collections.abc import AsyncIterator, Callable
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import msgspec
from litestar import Litestar
from sqlalchemy import and_, delete, insert, or_, select, update

from invoicing.auth.context import Scope
from invoicing.config import ExportSettings
from invoicing.core.periodic import running
from invoicing.db import Database
from invoicing.db.models import Document, DocumentFile, Entity, Export, ExportChunk
from invoicing.db.types import utcnow
from invoicing.events import emit, publish
from invoicing.exports.rows import BATCH, Job, keyset, pdf_documents, source
from invoicing.exports.schemas import ExportFilters
from invoicing.exports.service import export_out, system_scope
from invoicing.exports.writers import CONTENT_TYPES, CsvSink, ExportError, Sink, XlsxSink, ZipSink, file_name
from invoicing.rendering import LogoFetcher
from invoicing.rendering.service import RenderingService, filename

log = logging.getLogger("folio.exports")

MAX_ATTEMPTS = 3
CHUNK = 1024 * 1024
Clock = Callable[[], datetime]


class LeaseLost(Exception):
    """Another worker took the export over (this one's lease ran out): stop without writing."""


async def claim(db: Database, now: datetime, lease_seconds: float) -> Export | None:
    """The oldest export due (queued, or running with its lease past), now leased to the caller."""
    due = or_(Export.status == "queued", and_(Export.status == "running", Export.lease_until < now))
    async with db.transaction(write=False) as read:  # most passes find nothing: no write transaction for that
        if (await read.execute(select(Export.id).where(due).limit(1))).first() is None:
            return None
    async with db.transaction() as session:
        while True:
            stmt = select(Export).where(due).order_by(Export.id).limit(1)
            if not db.is_sqlite:
                stmt = stmt.with_for_update(skip_locked=True)
            export = (await session.execute(stmt)).scalar_one_or_none()
            if export is None:
                return None
            if export.attempts >= MAX_ATTEMPTS:
                _finish_failed(session, export, now, f"the export was interrupted {export.attempts} times")
                await session.flush()  # the sessions do not autoflush: the next SELECT must not find it again
                continue
            export.status = "running"
            export.attempts += 1
            export.started_at = now
            export.lease_until = now + timedelta(seconds=lease_seconds)
            export.progress_done, export.progress_total = 0, None
            return export


def _finish_failed(session: Any, export: Export, now: datetime, error: str) -> None:
    export.status, export.error, export.finished_at, export.lease_until = "failed", error[:500], now, None
    emit(session, system_scope(export), "export.failed", export.id)
    publish(session, export_out(export, now))


async def purge_exports(db: Database, now: datetime | None = None) -> int:
    """Delete the files (chunks) of exports past ``expires_at``; how many chunks went."""
    expired = select(Export.id).where(Export.expires_at <= (now or utcnow()))
    async with db.transaction() as session:
        result = await session.execute(delete(ExportChunk).where(ExportChunk.export_id.in_(expired)))
    return int(getattr(result, "rowcount", 0) or 0)


def _sink(format_: str, path: Path, columns: Any, currency_index: int | None) -> Sink:
    return (CsvSink if format_ == "csv" else XlsxSink)(path, columns, currency_index)


class ExportWorker:
    def __init__(
        self,
        db: Database,
        settings: ExportSettings | None = None,
        *,
        logo_fetcher: LogoFetcher | None = None,
        clock: Clock = utcnow,
    ) -> None:
        self.db = db
        self.settings = settings or ExportSettings()
        self.fetcher = logo_fetcher
        self.clock = clock
        self._wake = asyncio.Event()
        self._stopping = False
        self._next_purge = 0.0

    def wake(self) -> None:
        self._wake.set()

    async def close(self) -> None:
        self._stopping = True
        self._wake.set()

    async def run(self) -> None:
        while not self._stopping:
            try:
                if self.settings.purge_seconds > 0 and time.monotonic() >= self._next_purge:
                    self._next_purge = time.monotonic() + self.settings.purge_seconds
                    await purge_exports(self.db, self.clock())
                worked = await self.run_once()
            except asyncio.CancelledError:
                raise
            except Exception:  # the database may be briefly away; try again next round
                log.exception("export pass failed")
                worked = 0
            if worked:
                continue
            self._wake.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), self.settings.poll_seconds)

    async def run_once(self) -> int:
        """Claim one due export and make it; 1 when there was one."""
        export = await claim(self.db, self.clock(), self.settings.lease_seconds)
        if export is None:
            return 0
        await self.make(export)
        return 1

    async def drain(self, rounds: int = 100) -> None:
        for _ in range(rounds):
            if not await self.run_once():
                return

    async def make(self, export: Export) -> None:
        attempt = export.attempts
        filters = msgspec.convert(export.filters, ExportFilters)
        job = Job(export.account_id, export.environment, export.entity_id, filters)
        try:
            with tempfile.TemporaryDirectory(prefix="folio-export-") as tmp:
                path = Path(tmp) / "file"
                if export.format == "pdf_zip":
                    done = await self._pdf_zip(export, attempt, job, path)
                else:
                    done = await self._table(export, attempt, job, path)
                await self._store(export, attempt, job, path, done)
        except LeaseLost:
            log.warning("export %s was taken over by another worker; this one stopped", export.id)
        except asyncio.CancelledError:
            raise  # shutting down: the lease makes it due again
        except Exception as exc:
            if not isinstance(exc, ExportError):
                log.exception("export %s failed", export.id)
            error = str(exc) if isinstance(exc, ExportError) else "an internal error stopped the export; ask again"
            await self._fail(export.id, attempt, error)

    async def _progress(self, export_id: str, attempt: int, done: int, total: int | None) -> None:
        now = self.clock()
        async with self.db.transaction() as session:
            result = await session.execute(
                update(Export)
                .where(Export.id == export_id, Export.attempts == attempt, Export.status == "running")
                .values(
                    progress_done=done,
                    progress_total=total,
                    lease_until=now + timedelta(seconds=self.settings.lease_seconds),
                )
            )
        if not getattr(result, "rowcount", 1):
            raise LeaseLost(export_id)

    async def _table(self, export: Export, attempt: int, job: Job, path: Path) -> int:
        rows = source(export.type, job, sqlite=self.db.is_sqlite)
        total = await rows.total(self.db)
        await self._progress(export.id, attempt, 0, total)
        sink = await asyncio.to_thread(_sink, export.format, path, rows.columns, rows.currency_index)
        done = 0
        writing: asyncio.Future[None] | None = None
        try:
            # the next batch is read while a thread writes the last one
            async for batch in rows.batches(self.db):
                if writing is not None:
                    await writing
                    await self._progress(export.id, attempt, done, max(total, done))
                writing = asyncio.ensure_future(asyncio.to_thread(sink.write, batch))
                done += len(batch)
            if writing is not None:
                await writing
                writing = None
        finally:
            if writing is not None:
                with contextlib.suppress(BaseException):
                    await writing
            await asyncio.to_thread(sink.close)
        await self._progress(export.id, attempt, done, max(total, done))
        return done

    async def _pdf_zip(self, export: Export, attempt: int, job: Job, path: Path) -> int:
        stmt, count = pdf_documents(job)
        async with self.db.transaction(write=False) as session:
            total = int((await session.execute(count)).scalar_one())
        await self._progress(export.id, attempt, 0, total)
        sink = ZipSink(path)
        entities: dict[str, Entity] = {}
        done = 0
        try:
            async for rows in keyset(self.db, stmt, stmt.selected_columns[0], BATCH // 10):
                for row in rows:
                    doc_id, entity_id, doc_type, number = row
                    content = await self._pdf(export, entities, doc_id, entity_id, doc_type)
                    label = filename_of(doc_id, doc_type, number)
                    name = label if export.entity_id is not None else f"{entity_id}/{label}"
                    await asyncio.to_thread(sink.add, name, content)
                    done += 1
                    await self._progress(export.id, attempt, done, max(total, done))
        finally:
            await asyncio.to_thread(sink.close)
        return done

    async def _pdf(
        self, export: Export, entities: dict[str, Entity], doc_id: str, entity_id: str, doc_type: str
    ) -> bytes:
        """The document's kept PDF; rendered (and kept) through the render service when it never was."""
        async with self.db.transaction(write=False) as session:
            kept = (
                await session.execute(select(DocumentFile.content).where(DocumentFile.document_id == doc_id))
            ).scalar_one_or_none()
            if kept is None and entity_id not in entities:
                entity = await session.get(Entity, entity_id)
                assert entity is not None  # documents reference their entity
                entities[entity_id] = entity
        if kept is not None:
            return kept
        entity = entities[entity_id]
        scope = Scope(system_scope(export).principal, entity)
        try:
            rendered = await RenderingService(self.db, scope, self.fetcher).pdf(doc_type, doc_id, original=True)
        except Exception as exc:
            raise ExportError(f"the PDF of {doc_id} could not be rendered") from exc
        return rendered.content

    async def _store(self, export: Export, attempt: int, job: Job, path: Path, done: int) -> None:
        now = self.clock()
        size = path.stat().st_size
        async with self.db.transaction() as session:
            stmt = select(Export).where(Export.id == export.id)
            if not self.db.is_sqlite:
                stmt = stmt.with_for_update()
            row = (await session.execute(stmt)).scalar_one_or_none()
            if row is None or row.status != "running" or row.attempts != attempt:
                raise LeaseLost(export.id)
            await session.execute(delete(ExportChunk).where(ExportChunk.export_id == export.id))
            with path.open("rb") as file:
                seq = 0
                while chunk := file.read(CHUNK):
                    await session.execute(insert(ExportChunk).values(export_id=export.id, seq=seq, content=chunk))
                    seq += 1
            row.status = "done"
            row.progress_done = row.progress_total = done
            row.file_name = file_name(row.type, row.format, job.filters.date_from, job.filters.date_to)
            row.file_size = size
            row.content_type = CONTENT_TYPES[row.format]
            row.finished_at, row.lease_until = now, None
            row.expires_at = now + timedelta(days=self.settings.retention_days)
            emit(session, system_scope(row), "export.completed", row.id)
            publish(session, export_out(row, now))

    async def _fail(self, export_id: str, attempt: int, error: str) -> None:
        now = self.clock()
        async with self.db.transaction() as session:
            row = await session.get(Export, export_id)
            if row is not None and row.status == "running" and row.attempts == attempt:
                _finish_failed(session, row, now, error)


def filename_of(doc_id: str, doc_type: str, number: str | None) -> str:
    """The PDF's name as the PDF endpoints give it (``invoice-2026-00001.pdf``)."""
    return filename(Document(id=doc_id, type=doc_type, number=number))


@contextlib.asynccontextmanager
async def export_lifespan(app: Litestar) -> AsyncIterator[None]:
    """Start the worker task with the app (``app.state.export_worker``) and stop it on shutdown."""
    settings = app.state.settings
    if not settings.exports.worker:
        yield
        return
    worker = ExportWorker(app.state.db, settings.exports, logo_fetcher=getattr(app.state, "logo_fetcher", None))
    app.state.export_worker = worker
    async with running(worker.run(), "folio-export-worker"):
        try:
            yield
        finally:
            await worker.close()

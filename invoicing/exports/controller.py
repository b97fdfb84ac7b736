"""Routes: exports of documents, document lines and payments (CSV, XLSX) and of documents' PDFs (zip)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import quote

from litestar import Controller, Request, get, post
from litestar.di import Provide
from litestar.params import Parameter
from litestar.response import Stream
from litestar.response.base import ASGIResponse

from invoicing.auth import Perm
from invoicing.core.params import Limit
from invoicing.db import Database
from invoicing.exports.schemas import ExportCreate, ExportList, ExportOut
from invoicing.exports.service import ExportService, chunks
from invoicing.exports.writers import CONTENT_TYPES

EXPORTS = {"permission": Perm.EXPORTS_CREATE}
ENTITY_HEADER = Parameter(
    header="X-Entity-Id",
    default=None,
    max_length=40,
    description="With an account key: export this entity only (default: every entity of the account).",
)


class FileStream(Stream):
    """A stream whose own media type wins over the route's (each export's file has its own)."""

    def to_asgi_response(self, *args: Any, **kwargs: Any) -> ASGIResponse:
        kwargs["media_type"] = self.media_type
        return super().to_asgi_response(*args, **kwargs)


def _wake_exports(request: Request) -> Callable[[], None]:
    worker = getattr(request.app.state, "export_worker", None)
    return worker.wake if worker is not None else _nothing


def _nothing() -> None:
    return None


class ExportController(Controller):
    path = "/v1/exports"
    tags = ["Exports"]
    dependencies = {
        "exports": Provide(ExportService, sync_to_thread=False),
        "wake_exports": Provide(_wake_exports, sync_to_thread=False),
    }

    @post(
        operation_id="createExport",
        opt=EXPORTS,
        status_code=202,
        summary="Export documents, document lines or payments (CSV, XLSX) or documents' PDFs (zip)",
        description="Answers at once with the export `queued`; a worker makes the file (follow `status` and "
        "`progress` with `GET /v1/exports/{id}`), kept 7 days. An account key without `X-Entity-Id` exports "
        "every entity of the account (or `filters.entity_ids`), each row carrying its entity's id and name; an "
        "entity credential its entity. The period (`filters.date_from`..`filters.date_to`, inclusive, at most "
        "5 years) defaults to this year until today; documents count by their date, payments and refunds by "
        "theirs. Drafts only when `filters.status` is `draft`.",
    )
    async def create_export(
        self,
        data: ExportCreate,
        exports: ExportService,
        wake_exports: Callable[[], None],
        entity_header: str | None = ENTITY_HEADER,
    ) -> ExportOut:
        return await exports.create(data, entity_header, wake_exports)

    @get(operation_id="listExports", opt=EXPORTS, summary="Exports, newest first")
    async def list_exports(self, exports: ExportService, limit: Limit = 20, cursor: str | None = None) -> ExportList:
        return await exports.list(limit, cursor)

    @get("/{export_id:str}", operation_id="getExport", opt=EXPORTS, summary="One export: status, progress, file")
    async def get_export(self, export_id: str, exports: ExportService) -> ExportOut:
        return await exports.get(export_id)

    @get(
        "/{export_id:str}/file",
        operation_id="getExportFile",
        summary="The export's file (409 until it is done, 410 once expired)",
        description="`text/csv; charset=utf-8`, the XLSX type or `application/zip`, as `file.content_type` "
        "says; `Content-Disposition: attachment` with `file.name`. 409 problem while the export is not done; "
        "410 problem once it expired (`expires_at`: its file was deleted; ask for a new export).",
        media_type="application/octet-stream",
        opt={**EXPORTS, "problems": ("409",), "media_types": list(CONTENT_TYPES.values())},
    )
    async def get_export_file(self, export_id: str, exports: ExportService, db: Database) -> FileStream:
        export = await exports.file(export_id)
        name = export.file_name or f"{export.id}.bin"
        return FileStream(
            chunks(db, export.id),
            media_type=export.content_type or "application/octet-stream",
            headers={
                "Content-Disposition": f"attachment; filename=\"{name}\"; filename*=UTF-8''{quote(name)}",
                "Cache-Control": "private, no-store",
                "X-Content-Type-Options": "nosniff",
            },
        )

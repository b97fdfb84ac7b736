"""Exports as the API takes and shows them."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Literal

from msgspec import Meta, Struct

from invoicing.core.schemas import Ident, Metadata
from invoicing.documents.schemas import InvoiceStatus

ExportType = Literal["documents", "lines", "payments"]
ExportFormat = Literal["csv", "xlsx", "pdf_zip"]
ExportStatus = Literal["queued", "running", "done", "failed"]


class ExportFiltersIn(Struct, forbid_unknown_fields=True):
    date_from: date | None = None
    """Inclusive; default 1 January of the current year. Documents by their date, payments by theirs."""
    date_to: date | None = None
    """Inclusive; default today. At most 5 years after ``date_from``."""
    status: InvoiceStatus | None = None
    """A document status (types ``documents``, ``lines``, ``pdf_zip``); drafts only when asked for."""
    entity_ids: Annotated[list[Ident], Meta(max_length=1000)] | None = None
    """Only these entities of the account (account key only); default: every entity."""
    metadata: Metadata | None = None
    """``{KEY: VALUE}``: exact matches, like the lists' ``metadata[KEY]`` filters."""


class ExportCreate(Struct, forbid_unknown_fields=True):
    type: ExportType
    format: ExportFormat = "csv"
    """``pdf_zip`` only with type ``documents``."""
    filters: ExportFiltersIn | None = None


class ExportFilters(Struct):
    date_from: date
    date_to: date
    status: str | None = None
    entity_ids: list[str] | None = None
    metadata: dict[str, str] = {}


class ExportProgress(Struct):
    done: int
    total: int | None
    """Counted when the export starts; None while queued."""


class ExportFile(Struct):
    name: str
    size: int
    content_type: str


class ExportOut(Struct):
    id: str
    object: Literal["export"]
    type: ExportType
    format: ExportFormat
    filters: ExportFilters
    entity_id: str | None
    """The entity of an entity credential; None: every entity of the account (or ``filters.entity_ids``)."""
    status: ExportStatus
    progress: ExportProgress
    error: str | None
    file: ExportFile | None
    created_at: datetime
    started_at: datetime | None
    finished_at: datetime | None
    expires_at: datetime | None
    """When the file is deleted (set once done)."""


class ExportList(Struct):
    data: list[ExportOut]
    next_cursor: str | None

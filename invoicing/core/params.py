"""Query parameters shared by list endpoints."""

from __future__ import annotations

from typing import Annotated

from litestar.params import Parameter

Limit = Annotated[int, Parameter(ge=1, le=100, description="Page size (1–100, default 20)")]
Search = Annotated[str | None, Parameter(max_length=200, description="Case-insensitive text search")]

"""The one-process server: the API of record plus, when present, the embed BFF and dashboard."""

from __future__ import annotations

from litestar import Litestar

from invoicing.app import create_app
from invoicing.config import Settings


def create_server_app(settings: Settings | None = None, **kwargs) -> Litestar:
    return create_app(settings, **kwargs)

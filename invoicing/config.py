"""Settings: one dataclass per concern, each field read from its environment variable."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _env(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def default_database_url() -> str:
    return f"sqlite:///{ROOT / 'var' / 'folio.db'}"


@dataclass
class DatabaseSettings:
    url: str = field(default_factory=lambda: _env("FOLIO_DATABASE_URL") or default_database_url())
    """``sqlite:///path.db`` or ``postgresql://user@host:port/db`` (``FOLIO_DATABASE_URL``)."""
    echo: bool = field(default_factory=lambda: _env("FOLIO_DATABASE_ECHO") == "1")
    """Log every SQL statement (``FOLIO_DATABASE_ECHO=1``)."""


@dataclass
class EmailSettings:
    smtp_url: str = field(default_factory=lambda: _env("FOLIO_SMTP_URL"))
    """``smtp://host:port`` to deliver e-mail to; empty means every message is captured."""


@dataclass
class Settings:
    database: DatabaseSettings = field(default_factory=DatabaseSettings)
    email: EmailSettings = field(default_factory=EmailSettings)
    public_url: str = field(default_factory=lambda: _env("FOLIO_PUBLIC_URL", "http://127.0.0.1:8000"))
    """The URL browsers reach Folio at (embed URLs and e-mailed links are built from it)."""

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


DEV_SECRET = "folio-development-secret-do-not-use-in-production"


@dataclass
class SecuritySettings:
    secret_keys: list[str] = field(default_factory=lambda: [k.strip() for k in _env("FOLIO_SECRET_KEYS").split(",") if k.strip()])
    """Signing secrets for embed tokens, sessions and sign-in links, newest first (``FOLIO_SECRET_KEYS``,
    comma-separated). Older ones keep verifying, so a secret rotates without breaking live sessions."""
    environment: str = field(default_factory=lambda: _env("FOLIO_ENV", "development"))
    """``development`` (default) or ``production``. Production refuses to start without ``FOLIO_SECRET_KEYS``."""

    def signing_keys(self) -> list[str]:
        if self.secret_keys:
            return self.secret_keys
        if self.environment == "production":
            raise RuntimeError("FOLIO_SECRET_KEYS must be set in production; refusing to start without a signing secret")
        return [DEV_SECRET]


@dataclass
class Settings:
    database: DatabaseSettings = field(default_factory=DatabaseSettings)
    email: EmailSettings = field(default_factory=EmailSettings)
    security: SecuritySettings = field(default_factory=SecuritySettings)
    public_url: str = field(default_factory=lambda: _env("FOLIO_PUBLIC_URL", "http://127.0.0.1:8000"))
    """The URL browsers reach Folio at (embed URLs and e-mailed links are built from it)."""

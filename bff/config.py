"""The BFF's settings, each read from its environment variable. The signing secrets, the environment
and the public URL are read from the same variables as the API's; in one process (``folio serve``)
the composition root hands the BFF the API's values (:func:`folio.server.create_server_app`)."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from contract.signing import secret_keys_from_env, signing_keys

ROOT = Path(__file__).resolve().parent.parent


def _env(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


@dataclass
class BffSettings:
    secret_keys: list[str] = field(default_factory=secret_keys_from_env)
    """Signing secrets, newest first (``FOLIO_SECRET_KEYS``, comma-separated): the API's own list."""
    environment: str = field(default_factory=lambda: _env("FOLIO_ENV", "development"))
    """``development`` (default) or ``production``, which refuses to start without ``FOLIO_SECRET_KEYS``."""
    public_url: str = field(default_factory=lambda: _env("FOLIO_PUBLIC_URL", "http://127.0.0.1:8000"))
    """The URL browsers reach Folio at (``FOLIO_PUBLIC_URL``): embed URLs, the standalone dashboard's origin."""
    api_url: str = field(default_factory=lambda: _env("FOLIO_API_URL").rstrip("/"))
    """Base URL of a separately deployed API (``FOLIO_API_URL``); empty: the API in this process,
    reached through httpx's ASGI transport, no socket."""
    dashboard_dir: Path = field(default_factory=lambda: Path(_env("FOLIO_DASHBOARD_DIR") or ROOT / "frontend" / "dist"))
    """The built dashboard bundle (``FOLIO_DASHBOARD_DIR``, default ``frontend/dist``; ``make frontend`` builds it)."""
    session_ttl_seconds: int = field(default_factory=lambda: int(_env("FOLIO_EMBED_SESSION_TTL", "900")))
    """Lifetime of a dashboard session token (``FOLIO_EMBED_SESSION_TTL``, seconds); the SDK renews it before then."""
    api_timeout: float = field(default_factory=lambda: float(_env("FOLIO_API_TIMEOUT", "30")))
    """Seconds the proxy waits for the API to answer (``FOLIO_API_TIMEOUT``); past it the caller gets 504."""
    api_connect_timeout: float = field(default_factory=lambda: float(_env("FOLIO_API_CONNECT_TIMEOUT", "5")))
    """Seconds to connect to the API or to wait for a pooled connection (``FOLIO_API_CONNECT_TIMEOUT``)."""
    api_max_connections: int = field(default_factory=lambda: int(_env("FOLIO_API_MAX_CONNECTIONS", "100")))
    """Connections the shared client opens to the API at most (``FOLIO_API_MAX_CONNECTIONS``)."""
    limit_sign_in_email: str = field(default_factory=lambda: _env("FOLIO_LIMIT_SIGN_IN_EMAIL", "5/900"))
    """``POST /app/sign-in`` requests per e-mail address (``FOLIO_LIMIT_SIGN_IN_EMAIL``, ``COUNT/SECONDS``,
    ``0`` for none); per process, see :mod:`bff._limits`."""
    limit_sign_in_ip: str = field(default_factory=lambda: _env("FOLIO_LIMIT_SIGN_IN_IP", "20/900"))
    """``POST /app/sign-in`` requests per client IP (``FOLIO_LIMIT_SIGN_IN_IP``)."""
    limit_session_ip: str = field(default_factory=lambda: _env("FOLIO_LIMIT_SESSION_IP", "120/60"))
    """``POST /embed/session`` and, separately, ``POST /app/session`` requests per client IP
    (``FOLIO_LIMIT_SESSION_IP``)."""

    def signing_keys(self) -> list[str]:
        return signing_keys(self.secret_keys, self.environment)

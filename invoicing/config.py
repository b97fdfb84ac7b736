"""Settings: one dataclass per concern, each field read from its environment variable."""

from __future__ import annotations

import ipaddress
import os
from dataclasses import dataclass, field
from pathlib import Path

from contract.signing import DEV_SECRET, secret_keys_from_env, signing_keys

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
    connections: int = field(default_factory=lambda: int(_env("FOLIO_DATABASE_CONNECTIONS", "30")))
    """PostgreSQL: the most connections one ``folio serve`` holds (``FOLIO_DATABASE_CONNECTIONS``, default 30),
    shared by its processes under ``--workers N`` (each gets its part, at least 5)."""


@dataclass
class EmailSettings:
    smtp_url: str = field(default_factory=lambda: _env("FOLIO_SMTP_URL"))
    """``smtp://host:port`` to deliver e-mail to; empty means every message is captured."""
    from_address: str = field(default_factory=lambda: _env("FOLIO_EMAIL_FROM", "invoices@folio.localhost"))
    """The envelope and ``From:`` address (``FOLIO_EMAIL_FROM``); the display name is the entity's sender name."""
    worker: bool = field(default_factory=lambda: _env("FOLIO_EMAIL_WORKER", "1") != "0")
    """Run the delivery worker in this process (``FOLIO_EMAIL_WORKER=0`` to leave delivery to other processes)."""
    max_attempts: int = field(default_factory=lambda: int(_env("FOLIO_EMAIL_MAX_ATTEMPTS", "6")))
    """Delivery attempts before a message is marked ``failed`` (``FOLIO_EMAIL_MAX_ATTEMPTS``)."""
    retry_seconds: float = field(default_factory=lambda: float(_env("FOLIO_EMAIL_RETRY_SECONDS", "30")))
    """First retry delay; it doubles after each failed attempt, up to an hour (``FOLIO_EMAIL_RETRY_SECONDS``)."""
    poll_seconds: float = field(default_factory=lambda: float(_env("FOLIO_EMAIL_POLL_SECONDS", "2")))
    """How often the worker looks for due messages (``FOLIO_EMAIL_POLL_SECONDS``)."""
    smtp_timeout: float = field(default_factory=lambda: float(_env("FOLIO_SMTP_TIMEOUT", "20")))
    """Seconds to connect and talk to the SMTP server (``FOLIO_SMTP_TIMEOUT``)."""


@dataclass
class WebhookDeliverySettings:
    """The webhook delivery worker (:mod:`invoicing.webhooks.delivery`)."""

    worker: bool = field(default_factory=lambda: _env("FOLIO_WEBHOOK_WORKER", "1") != "0")
    """Run the delivery worker in this process (``FOLIO_WEBHOOK_WORKER=0`` to leave delivery to others)."""
    poll_seconds: float = field(default_factory=lambda: float(_env("FOLIO_WEBHOOK_POLL_SECONDS", "1")))
    """How often the worker looks for new events and due attempts when not woken."""
    concurrency: int = field(default_factory=lambda: int(_env("FOLIO_WEBHOOK_CONCURRENCY", "16")))
    """Requests in flight per endpoint, per process (``FOLIO_WEBHOOK_CONCURRENCY``): one endpoint's throughput is
    at most this many per round trip (claim, POST, record), so 4 delivered only ~140/s on a quiet machine."""
    timeout: float = field(default_factory=lambda: float(_env("FOLIO_WEBHOOK_TIMEOUT", "10")))
    """Seconds for each network step of an attempt and for reading its response (``FOLIO_WEBHOOK_TIMEOUT``)."""
    lease_seconds: float = field(default_factory=lambda: float(_env("FOLIO_WEBHOOK_LEASE_SECONDS", "60")))
    """How long a claimed attempt is hidden from other workers: a process killed mid-attempt delays it this
    long (``FOLIO_WEBHOOK_LEASE_SECONDS``; keep it well above three times the timeout)."""
    allow_private: bool | None = None
    """Deliver to loopback and private addresses; None: as ``FOLIO_WEBHOOK_ALLOW_PRIVATE`` says."""


@dataclass
class RenderingSettings:
    logo_timeout: float = field(default_factory=lambda: float(_env("FOLIO_LOGO_TIMEOUT", "2")))
    """Seconds to fetch a remote ``branding.logo_url`` before rendering without it (``FOLIO_LOGO_TIMEOUT``)."""
    logo_max_bytes: int = field(default_factory=lambda: int(_env("FOLIO_LOGO_MAX_BYTES", str(512 * 1024))))
    """Largest logo accepted, uploaded or fetched (``FOLIO_LOGO_MAX_BYTES``)."""
    logo_allow_private_hosts: bool = field(default_factory=lambda: _env("FOLIO_LOGO_ALLOW_PRIVATE_HOSTS") == "1")
    """Fetch logos from loopback and private networks too (``FOLIO_LOGO_ALLOW_PRIVATE_HOSTS=1``; off: no SSRF)."""
    workers: int = field(
        default_factory=lambda: max(1, int(_env("FOLIO_RENDER_WORKERS") or min(2, os.cpu_count() or 1)))
    )
    """Render worker processes per server process (``FOLIO_RENDER_WORKERS``; default: 2, or 1 on one CPU)."""
    timeout: float = field(default_factory=lambda: float(_env("FOLIO_RENDER_TIMEOUT_SECONDS", "30")))
    """Seconds one render may run before its worker is killed and the request answers 422
    (``FOLIO_RENDER_TIMEOUT_SECONDS``)."""


@dataclass
class ViesSettings:
    url: str = field(
        default_factory=lambda: _env("FOLIO_VIES_URL", "https://ec.europa.eu/taxation_customs/vies/rest-api").rstrip(
            "/"
        )
    )
    """The VIES REST API base (``FOLIO_VIES_URL``); Folio posts to ``{url}/check-vat-number``. ``folio demo``
    points it at a local stand-in (:mod:`invoicing.demo.vies`) unless it is set."""
    timeout: float = field(default_factory=lambda: float(_env("FOLIO_VIES_TIMEOUT", "4")))
    """Seconds a VIES check may take before its answer counts as ``unavailable`` (``FOLIO_VIES_TIMEOUT``)."""
    recheck_seconds: float = field(default_factory=lambda: float(_env("FOLIO_VIES_RECHECK_SECONDS", "900")))
    """How often each process asks VIES again about customers whose evidence says ``unavailable``, recording
    the answer and emitting ``customer.vat_number_invalid`` for an ``invalid`` one
    (``FOLIO_VIES_RECHECK_SECONDS``; ``0``: never; :mod:`invoicing.taxes.recheck`)."""


@dataclass
class SecuritySettings:
    secret_keys: list[str] = field(default_factory=secret_keys_from_env)
    """Signing secrets for embed tokens, sessions and sign-in links, newest first (``FOLIO_SECRET_KEYS``,
    comma-separated). Older ones keep verifying, so a secret rotates without breaking live sessions."""
    environment: str = field(default_factory=lambda: _env("FOLIO_ENV", "development"))
    """``development`` (default) or ``production``. Production refuses to start without ``FOLIO_SECRET_KEYS``;
    so does any server that would sign with the public development secret beyond loopback, unless
    ``FOLIO_ENV=development`` is set explicitly (:meth:`refuse_development_secret`)."""
    environment_set: bool = field(default_factory=lambda: bool(_env("FOLIO_ENV")))
    """Whether ``FOLIO_ENV`` was set at all (the default ``development`` is not a choice someone made)."""
    token_purge_seconds: float = field(default_factory=lambda: float(_env("FOLIO_TOKEN_PURGE_SECONDS", "600")))
    """How often each process deletes spent embed tokens and sign-in links that have expired
    (``FOLIO_TOKEN_PURGE_SECONDS``; also once at start; ``0``: never)."""

    def signing_keys(self) -> list[str]:
        return signing_keys(self.secret_keys, self.environment)

    def refuse_development_secret(self, host: str | None) -> None:
        """Raise :class:`InsecureDefaults` when a server bound to ``host`` (None: not known, as in an app
        factory uvicorn calls) would sign with the public development secret without anyone asking for it:
        no ``FOLIO_SECRET_KEYS``, and neither a loopback address nor ``FOLIO_ENV=development``."""
        if self.signing_keys() != [DEV_SECRET]:
            return
        if self.environment_set and self.environment == "development":
            return
        if host is not None and is_loopback(host):
            return
        where = (
            f"listening on {host}, beyond this machine" if host is not None else "listening on an address it cannot see"
        )
        raise InsecureDefaults(
            "Refusing to start: FOLIO_SECRET_KEYS is not set, so embed tokens, sessions and sign-in links would be "
            f"signed with Folio's public development secret, while {where}. Set FOLIO_SECRET_KEYS to a long random "
            "secret of your own (and FOLIO_ENV=production), or set FOLIO_ENV=development to run with the "
            "development secret on purpose."
        )


@dataclass
class EventSettings:
    retention_days: int = field(default_factory=lambda: int(_env("FOLIO_EVENT_RETENTION_DAYS", "30")))
    """How long events are kept (``FOLIO_EVENT_RETENTION_DAYS``, default and minimum 30)."""
    purge_seconds: float = field(default_factory=lambda: float(_env("FOLIO_EVENT_PURGE_SECONDS", "3600")))
    """How often each process deletes events past their retention (``FOLIO_EVENT_PURGE_SECONDS``; ``0``: never)."""


@dataclass
class ExportSettings:
    """The export worker (:mod:`invoicing.exports`)."""

    worker: bool = field(default_factory=lambda: _env("FOLIO_EXPORT_WORKER", "1") != "0")
    """Run the export worker in this process (``FOLIO_EXPORT_WORKER=0`` to leave exports to other processes)."""
    retention_days: float = field(default_factory=lambda: float(_env("FOLIO_EXPORT_RETENTION_DAYS", "7")))
    """How long a finished export's file is kept before the purge deletes it (``FOLIO_EXPORT_RETENTION_DAYS``)."""
    poll_seconds: float = field(default_factory=lambda: float(_env("FOLIO_EXPORT_POLL_SECONDS", "2")))
    """How often the worker looks for queued exports when not woken (``FOLIO_EXPORT_POLL_SECONDS``)."""
    lease_seconds: float = field(default_factory=lambda: float(_env("FOLIO_EXPORT_LEASE_SECONDS", "60")))
    """How long a running export stays claimed without a sign of life from its worker; a worker that died
    leaves it to another after this long (``FOLIO_EXPORT_LEASE_SECONDS``)."""
    purge_seconds: float = field(default_factory=lambda: float(_env("FOLIO_EXPORT_PURGE_SECONDS", "600")))
    """How often each worker deletes the files of expired exports (``FOLIO_EXPORT_PURGE_SECONDS``)."""


@dataclass
class ReminderSettings:
    """The payment reminder job (:mod:`invoicing.reminders`)."""

    interval_seconds: float = field(default_factory=lambda: float(_env("FOLIO_REMINDER_SECONDS", "3600")))
    """How often each process e-mails the reminders that are due (``FOLIO_REMINDER_SECONDS``; first run one
    interval after start; ``0``: never, leave it to other processes)."""


@dataclass
class RecurringSettings:
    """The recurring invoice scheduler (:mod:`invoicing.recurring.scheduler`)."""

    seconds: float = field(default_factory=lambda: float(_env("FOLIO_RECURRING_SECONDS", "60")))
    """How often each process makes the invoices of recurring schedules that are due (``FOLIO_RECURRING_SECONDS``;
    also once at start; ``0``: never in this process)."""
    retry_seconds: float = field(default_factory=lambda: float(_env("FOLIO_RECURRING_RETRY_SECONDS", "300")))
    """The first retry delay after a failed run; it doubles after each failure, up to a day
    (``FOLIO_RECURRING_RETRY_SECONDS``)."""


class InsecureDefaults(RuntimeError):
    """A server that would start with the public development secret where others can reach it."""


def is_loopback(host: str) -> bool:
    """``localhost``, ``127.0.0.0/8`` and ``::1``; an unspecified address (``0.0.0.0``, ``::``) is every address."""
    if host.strip("[]").lower() in ("localhost", "localhost."):
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def _development() -> bool:
    return _env("FOLIO_ENV", "development") == "development"


@dataclass
class WebhookSettings:
    allow_private: bool = field(
        default_factory=lambda: (
            _env("FOLIO_WEBHOOK_ALLOW_PRIVATE", "true" if _development() else "false").lower() in ("1", "true")
        )
    )
    """Let webhook endpoints be on loopback, private, link-local or reserved addresses
    (``FOLIO_WEBHOOK_ALLOW_PRIVATE=true``; default: only when ``FOLIO_ENV`` is ``development``)."""
    require_https: bool = field(default_factory=lambda: _env("FOLIO_ENV") == "production")
    """Webhook endpoint URLs must be ``https`` (always under ``FOLIO_ENV=production``)."""


@dataclass
class Settings:
    database: DatabaseSettings = field(default_factory=DatabaseSettings)
    email: EmailSettings = field(default_factory=EmailSettings)
    webhook_delivery: WebhookDeliverySettings = field(default_factory=WebhookDeliverySettings)
    rendering: RenderingSettings = field(default_factory=RenderingSettings)
    security: SecuritySettings = field(default_factory=SecuritySettings)
    vies: ViesSettings = field(default_factory=ViesSettings)
    webhooks: WebhookSettings = field(default_factory=WebhookSettings)
    events: EventSettings = field(default_factory=EventSettings)
    exports: ExportSettings = field(default_factory=ExportSettings)
    reminders: ReminderSettings = field(default_factory=ReminderSettings)
    recurring: RecurringSettings = field(default_factory=RecurringSettings)
    public_url: str = field(default_factory=lambda: _env("FOLIO_PUBLIC_URL", "http://127.0.0.1:8000"))
    """The URL browsers reach Folio at (embed URLs and e-mailed links are built from it). Unset, ``folio serve``
    uses the address it serves (``--host``, ``--port``) and ``folio demo`` its own port."""

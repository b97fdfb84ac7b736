"""Delivering queued e-mails over SMTP: the worker, the message it builds, and its lifespan.

:class:`EmailWorker` delivers ``Email`` rows whose status is ``queued`` (Folio's e-mail queue is that
table; it does not read the ``events`` table). Any number of processes may run it: a row is claimed
inside a write transaction (``FOR UPDATE SKIP LOCKED`` on PostgreSQL; SQLite serialises writers) by
pushing its ``next_attempt_at`` past a lease, so one message goes to one worker at a time, and a
worker that dies mid-delivery only delays it until the lease ends. Delivery is at least once. The
outcome (``sent``, or ``failed`` after the last attempt) is recorded with its ``email.*`` event.

:func:`delivery_lifespan` runs the worker in the app's process when ``FOLIO_SMTP_URL`` is set and
``FOLIO_EMAIL_WORKER`` is not turned off.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.errors import HeaderParseError
from email.header import Header
from email.headerregistry import Address
from email.message import EmailMessage
from email.policy import EmailPolicy
from email.utils import format_datetime, formataddr, make_msgid
from typing import Any
from urllib.parse import unquote, urlsplit

import aiosmtplib
import msgspec
from litestar import Litestar
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from invoicing.config import EmailSettings
from invoicing.core.ids import new_id
from invoicing.db import Database
from invoicing.db.models import Document, DocumentFile, Email, Entity, Event, StoredFile
from invoicing.db.types import utcnow
from invoicing.einvoice.formats import FORMATS
from invoicing.einvoice.service import download_name, file_id
from invoicing.emails.headers import header_problem
from invoicing.emails.service import email_out

log = logging.getLogger("folio.emails")

LEASE = timedelta(minutes=5)
MAX_BACKOFF = 3600.0
BATCH = 20


@dataclass(frozen=True)
class SmtpTarget:
    """``smtp://[user:password@]host[:port]`` (STARTTLS when offered) or ``smtps://…`` (TLS from the start)."""

    hostname: str
    port: int
    use_tls: bool
    username: str | None
    password: str | None

    @classmethod
    def parse(cls, url: str) -> SmtpTarget:
        parts = urlsplit(url)
        if parts.scheme not in ("smtp", "smtps") or not parts.hostname:
            raise ValueError(f"FOLIO_SMTP_URL must look like smtp://host:port, not {url!r}")
        tls = parts.scheme == "smtps"
        return cls(
            parts.hostname,
            parts.port or (465 if tls else 25),
            tls,
            unquote(parts.username) if parts.username else None,
            unquote(parts.password) if parts.password else None,
        )


ADDRESS_HEADERS = frozenset({"from", "to", "cc", "reply-to", "sender"})


class WirePolicy(EmailPolicy):
    """``email.policy.SMTP`` (CRLF, lines of 78), except how it writes an address header of ASCII addresses
    (all Folio sends): each mailbox as :func:`email.utils.formataddr` writes its :class:`Address`, a display
    name in ASCII quoted and escaped when it must be, one in another script as RFC 2047 encoded words of at
    most 75 characters (:class:`email.header.Header`), one mailbox a line. Python 3.11's folder drops the
    quotes of a quoted name too long for one line (CPython gh-80222: ``"Long …, Ltd; …"`` would reach the
    wire as several mailboxes) and, splitting a long name into encoded words, may leave a blank of the name
    between two of them, where RFC 2047 drops it; a subject not in ASCII is written by ``Header`` too."""

    def fold_binary(self, name: str, value: Any) -> bytes:
        written = self._written(name, value)
        return super().fold_binary(name, value) if written is None else written.encode("ascii")

    def fold(self, name: str, value: Any) -> str:
        written = self._written(name, value)
        return super().fold(name, value) if written is None else written

    def _written(self, name: str, value: Any) -> str | None:
        """The header as this policy writes it, or None for the default folding."""
        if self.utf8 or not hasattr(value, "name"):  # UTF-8 headers, or a header read from a source
            return None
        addresses = getattr(value, "addresses", None)
        if name.lower() in ADDRESS_HEADERS and addresses is not None:
            if all(a.addr_spec.isascii() for a in addresses):
                return self._address_header(name, value)
        elif name.lower() == "subject" and not str(value).isascii():
            words = Header(str(value), "utf-8", header_name=name).encode(linesep=self.linesep)
            return f"{name}: {words}{self.linesep}"
        return None

    def _address_header(self, name: str, value: Any) -> str:
        mailboxes = []
        for address in value.addresses:
            if address.display_name.isascii():
                mailboxes.append(formataddr((address.display_name, address.addr_spec)))
            else:
                words = Header(address.display_name, "utf-8", header_name=name).encode(linesep=self.linesep)
                mailboxes.append(f"{words}{self.linesep} <{address.addr_spec}>")
        return f"{name}: {f',{self.linesep} '.join(mailboxes)}{self.linesep}"


# 7bit: a body that is not ASCII is quoted-printable or base64, so any server takes the message
WIRE = WirePolicy(linesep="\r\n", cte_type="7bit")


class PermanentFailure(Exception):
    """Retrying cannot help (the server refused the recipients or the message with a 5xx, or the message
    cannot be built from what was recorded)."""


def build_message(email: Email, from_address: str, attachment: bytes | list[bytes] | None) -> EmailMessage:
    """The message with ``email.attachments`` (names) and their contents in the same order (one ``bytes``: the
    first one); a name ending in ``.xml`` is an ``application/xml`` e-invoice, the others PDFs.

    Every address header is made of :class:`~email.headerregistry.Address` objects, so a display name is
    quoted or encoded as one unit (``Ärzte GmbH, Berlin`` stays one mailbox, ``Šola <x@bank.example>`` a
    name). A subject or sender name that is not header text (:func:`header_problem`, the rule the API
    applies when it stores them) or an address that does not parse is a :class:`PermanentFailure`."""
    for field, value in (("subject", email.subject), ("sender_name", email.sender_name or "")):
        problem = header_problem(value)
        if problem is not None:
            raise PermanentFailure(f"{field}: {problem}")
    message = EmailMessage(policy=WIRE)
    try:
        message["From"] = Address(display_name=email.sender_name or "", addr_spec=from_address)
        message["To"] = [Address(addr_spec=address) for address in email.to]
        if email.reply_to:
            message["Reply-To"] = Address(addr_spec=email.reply_to)
        message["Subject"] = email.subject
    except (ValueError, TypeError, HeaderParseError) as exc:  # an address the parser does not accept
        raise PermanentFailure(f"the message's headers cannot be written: {exc}") from exc
    message["Date"] = format_datetime(email.created_at)
    message["Message-ID"] = make_msgid(idstring=email.id, domain=from_address.rpartition("@")[2] or None)
    message["X-Folio-Email-Id"] = email.id
    message.set_content(email.text)
    contents = [attachment] if isinstance(attachment, bytes) else attachment or []
    for name, content in zip(email.attachments or [], contents, strict=False):
        subtype = "xml" if name.endswith(".xml") else "pdf"
        message.add_attachment(content, maintype="application", subtype=subtype, filename=name)
    return message


async def attachment_contents(session: AsyncSession, email: Email) -> list[bytes]:
    """The kept bytes of each attachment: the document's PDF, or one of its kept e-invoices (named as
    :func:`~invoicing.einvoice.service.download_name` names them); a missing one is a permanent failure."""
    names = list(email.attachments or [])
    if not names:
        return []
    doc = await session.get(Document, email.document_id) if email.document_id else None
    out: list[bytes] = []
    for name in names:
        kept: DocumentFile | StoredFile | None = None
        if doc is not None:
            fmt = next((f for f in FORMATS.values() if download_name(doc, f) == name), None)
            if fmt is None:
                kept = await session.get(DocumentFile, doc.id)
            else:
                kept = await session.get(StoredFile, file_id(doc, fmt))
                if kept is None and fmt.pdf:  # the kept original PDF is the Factur-X (settings.einvoice.pdf)
                    kept = await session.get(DocumentFile, doc.id)
        if kept is None:
            raise PermanentFailure(f"the attachment {name} is missing")
        out.append(kept.content)
    return out


def backoff(settings: EmailSettings, attempts: int) -> timedelta:
    return timedelta(seconds=min(MAX_BACKOFF, settings.retry_seconds * 2 ** max(0, attempts - 1)))


class EmailWorker:
    def __init__(self, db: Database, settings: EmailSettings):
        self.db = db
        self.settings = settings
        self.target = SmtpTarget.parse(settings.smtp_url)
        self._wake = asyncio.Event()
        self._stopping = False

    def wake(self) -> None:
        self._wake.set()

    def stop(self) -> None:
        self._stopping = True
        self._wake.set()

    async def run(self) -> None:
        """Deliver until stopped: a pass, then wait for the poll interval or a wake-up."""
        while not self._stopping:
            try:
                done = await self.run_once()
            except Exception:  # the database may be briefly away; try again next round
                log.exception("e-mail delivery pass failed")
                done = 0
            if done or self._stopping:
                continue
            self._wake.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), self.settings.poll_seconds)

    async def run_once(self, now: datetime | None = None) -> int:
        """Claim the messages that are due, try each once, record the outcome. Returns how many were tried."""
        claimed = await self._claim(now or utcnow())
        for email_id in claimed:
            await self._deliver(email_id)
        return len(claimed)

    async def _claim(self, now: datetime) -> list[str]:
        async with self.db.transaction() as session:
            stmt = (
                select(Email)
                .where(Email.status == "queued", Email.next_attempt_at <= now)
                .order_by(Email.next_attempt_at, Email.id)
                .limit(BATCH)
            )
            if not self.db.is_sqlite:
                stmt = stmt.with_for_update(skip_locked=True)
            rows = (await session.execute(stmt)).scalars().all()
            for email in rows:
                email.attempts += 1
                email.next_attempt_at = now + LEASE
            return [email.id for email in rows]

    async def _deliver(self, email_id: str) -> None:
        async with self.db.transaction(write=False) as session:
            email = await session.get(Email, email_id)
            assert email is not None  # just claimed by _claim; e-mails are never deleted
            try:
                files: list[bytes] | PermanentFailure = await attachment_contents(session, email)
            except PermanentFailure as exc:
                files = exc
        error: str | None = None
        permanent = False
        try:
            if isinstance(files, PermanentFailure):
                raise files
            message = build_message(email, self.settings.from_address, files)
            await self._send(message)
        except PermanentFailure as exc:
            error, permanent = str(exc), True
        except (aiosmtplib.SMTPRecipientsRefused, aiosmtplib.SMTPSenderRefused, aiosmtplib.SMTPDataError) as exc:
            code = getattr(exc, "code", None) or min((r.code for r in getattr(exc, "recipients", [])), default=0)
            error, permanent = f"{type(exc).__name__}: {exc}", 500 <= code < 600
        except Exception as exc:  # connection refused, timeouts, 4xx: try again later
            error = f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
        await self._record(email_id, error, permanent)

    async def _send(self, message: EmailMessage) -> None:
        """Send the message as :data:`WIRE` writes it (SMTPUTF8, with its headers in UTF-8, only when an
        address needs it); aiosmtplib would write it with ``email.policy.SMTP``."""
        t = self.target
        recipients = [address.addr_spec for address in message["To"].addresses]
        utf8 = not "".join([self.settings.from_address, *recipients]).isascii()
        await aiosmtplib.send(
            message.as_bytes(policy=WIRE.clone(utf8=utf8)),
            recipients=recipients,
            mail_options=["SMTPUTF8"] if utf8 else None,
            hostname=t.hostname,
            port=t.port,
            use_tls=t.use_tls,
            username=t.username,
            password=t.password,
            timeout=self.settings.smtp_timeout,
            sender=self.settings.from_address,
        )

    async def _record(self, email_id: str, error: str | None, permanent: bool) -> None:
        now = utcnow()
        async with self.db.transaction() as session:
            email = await session.get(Email, email_id)
            if email is None or email.status != "queued":
                return
            if error is None:
                email.status, email.sent_at, email.next_attempt_at, email.last_error = "sent", now, None, None
            elif permanent or email.attempts >= self.settings.max_attempts:
                email.status, email.next_attempt_at, email.last_error = "failed", None, error[:2000]
                log.warning("e-mail %s failed after %d attempts: %s", email.id, email.attempts, error)
            else:
                email.next_attempt_at, email.last_error = now + backoff(self.settings, email.attempts), error[:2000]
            if email.status in ("sent", "failed"):
                entity = await session.get(Entity, email.entity_id)
                assert entity is not None  # emails.entity_id references entities.id
                session.add(
                    Event(
                        id=new_id("event"),
                        account_id=entity.account_id,
                        environment=entity.environment,
                        entity_id=entity.id,
                        type=f"email.{email.status}",
                        object_id=email.id,
                        actor=None,
                        data={
                            "object": msgspec.to_builtins(email_out(email)),  # what GET /v1/emails/{id} answers
                            "document_id": email.document_id,
                            "attempts": email.attempts,
                            "last_error": email.last_error,
                        },
                    )
                )


@contextlib.asynccontextmanager
async def delivery_lifespan(app: Litestar) -> AsyncIterator[None]:
    """Start the worker task with the app (``app.state.email_worker``) and stop it on shutdown."""
    settings = app.state.settings
    if not (settings.email.smtp_url and settings.email.worker):
        yield
        return
    worker = EmailWorker(app.state.db, settings.email)
    task = asyncio.create_task(worker.run(), name="folio-email-worker")
    app.state.email_worker = worker
    try:
        yield
    finally:
        worker.stop()
        with contextlib.suppress(asyncio.CancelledError):
            await task

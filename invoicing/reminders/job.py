"""The payment reminder job: overdue invoices e-mailed to the buyer at the days after their due date that the
entity chose (``settings.reminders``: ``{"enabled": true, "days_after_due": [7, 14, 30]}``).

Every ``FOLIO_REMINDER_SECONDS`` (default 3600; ``0``: never) each process runs :func:`send_reminders`::

    entities with reminders on                                    one query
    └── their invoices owing something past a threshold not yet   one query per page of BATCH (index
        dealt with                                                 ix_documents_open, the reminders' key)
        └── per invoice: its kept PDF rendered (outside any write), then ONE write transaction:
              claim the (invoice, day) row ─ the e-mail row (records.record) ─ invoice.reminder_sent

"Today" is the date in UTC (entities have no time zone of their own); the job takes it as a parameter.

**Which invoices.** Those :func:`~invoicing.documents.queries.is_overdue` counts (issued or partially paid,
something due), at ``date_due + N ≤ today`` for a configured ``N``. Only the latest threshold reached is sent:
after downtime an invoice 31 days overdue with ``[7, 14, 30]`` gets the day-30 reminder alone, and 7 and 14 are
recorded as ``passed``. The status is read again in the write transaction, so a payment or credit note
recorded meanwhile stops it.

**Never twice.** ``invoice_reminders`` has one row per (invoice, day), its primary key; the row is claimed by
an ``INSERT … ON CONFLICT DO NOTHING`` in the transaction that records the e-mail, so a concurrent job (another
process, on PostgreSQL) waits for that transaction and then finds the day taken.

**The e-mail** goes to the customer snapshot's address, in the document's language (``locales/emails``,
``reminder.*``: number, amount still due, due date, days overdue), from the entity's sender
(:class:`~invoicing.emails.records.Sender`), with the invoice's kept PDF attached as a sent invoice has it.
Without a usable address the day is recorded ``skipped`` and nothing is sent. Each reminder emits
``invoice.reminder_sent`` (``data.object``: the invoice as ``GET`` answers it; ``days_after_due``,
``email_id``) with the ``email.queued``/``email.captured`` event, both by the actor ``system:reminders``.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import AsyncIterator, Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

from litestar import Litestar
from sqlalchemy import Select, case, exists, literal, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession

from contract.addresses import check_address
from contract.errors import ValidationFailed
from invoicing.auth.context import Principal, Scope
from invoicing.core.i18n import message
from invoicing.core.periodic import periodic
from invoicing.db import Database
from invoicing.db.models import Document, Entity, InvoiceReminder, ReminderStatus
from invoicing.db.types import utcnow
from invoicing.documents.output import invoice_out
from invoicing.documents.queries import OPEN_STATUSES, is_overdue
from invoicing.documents.remainder import fill_creditable
from invoicing.emails.headers import one_line
from invoicing.emails.records import Message, Sender, record
from invoicing.entities.settings import effective
from invoicing.events import emit, publish
from invoicing.rendering import Formatter, LogoFetcher
from invoicing.rendering.service import RenderingService

log = logging.getLogger("folio.reminders")

ACTOR = "reminders"
EVENT = "invoice.reminder_sent"
BATCH = 100
"""Invoices read per query."""


@dataclass
class ReminderRun:
    """What one run did, as (invoice id, days after due)."""

    sent: list[tuple[str, int]] = field(default_factory=list)
    skipped: list[tuple[str, int]] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)


def today_utc() -> date:
    return datetime.now(UTC).date()


def latest_reached(date_due: date, days: Sequence[int], today: date) -> int | None:
    """The largest ``N`` of ``days`` with ``date_due + N ≤ today``, or None."""
    reached = [n for n in days if date_due + timedelta(days=n) <= today]
    return max(reached) if reached else None


def _scope(entity: Entity) -> Scope:
    principal = Principal(entity.account_id, entity.environment, "system", ACTOR, frozenset(), entity_id=entity.id)
    return Scope(principal, entity)


def _due_stmt(entity_id: str, days: Sequence[int], today: date, after: str | None) -> Select[Document]:
    """The entity's invoices owing something at least ``min(days)`` days after their due date with no row yet for
    the latest threshold they reached (nor a later one), ids after ``after``, in id order."""
    first = min(days)
    latest = case(  # the latest threshold reached, largest first
        *[(Document.date_due <= today - timedelta(days=n), literal(n)) for n in sorted(days, reverse=True)],
        else_=literal(first),
    )
    dealt_with = exists().where(InvoiceReminder.invoice_id == Document.id, InvoiceReminder.days_after_due >= latest)
    stmt = (
        select(Document)
        .where(Document.entity_id == entity_id, Document.type == "invoice")
        .where(is_overdue(today - timedelta(days=first - 1)))  # open, something due, date_due + first ≤ today
        .where(~dealt_with)
        .order_by(Document.id)
        .limit(BATCH)
    )
    return stmt if after is None else stmt.where(Document.id > after)


def _insert(session: AsyncSession) -> Callable[..., Any]:
    assert session.bind is not None  # Database's sessions are bound to its engines
    return pg_insert if session.bind.dialect.name == "postgresql" else sqlite_insert


async def _claim(session: AsyncSession, doc: Document, days: int, status: ReminderStatus) -> bool:
    """Insert the (invoice, day) row unless it exists (waiting for a concurrent writer of it); whether it was new."""
    stmt = (
        _insert(session)(InvoiceReminder)
        .values(
            invoice_id=doc.id,
            days_after_due=days,
            entity_id=doc.entity_id,
            status=status,
            email_id=None,
            created_at=utcnow(),
        )
        .on_conflict_do_nothing(index_elements=["invoice_id", "days_after_due"])
        .returning(InvoiceReminder.days_after_due)
    )
    return (await session.execute(stmt)).first() is not None


def address_of(doc: Document) -> str | None:
    """The customer snapshot's e-mail when it is an address mail can go to."""
    raw = (doc.customer or {}).get("email")
    if not raw:
        return None
    try:
        return check_address(raw, "customer.email")
    except ValidationFailed:
        return None


def reminder_text(doc: Document, seller: str, today: date) -> tuple[str, str]:
    """The subject and message in the document's language: number, amount still due, due date, days overdue."""
    assert doc.date_due is not None
    fmt = Formatter(doc.locale, doc.currency_code)
    values = {
        "number": doc.number or "",
        "seller": seller,
        "amount": fmt.money(doc.total_due),
        "due": fmt.date(doc.date_due),
        "days": (today - doc.date_due).days,
    }
    return (
        one_line(message("emails", doc.locale, "reminder.subject", values)),
        message("emails", doc.locale, "reminder.message", values),
    )


class Reminders:
    """One run's collaborators: the database, the logo fetcher for the PDF, whether mail is delivered."""

    def __init__(
        self,
        db: Database,
        *,
        fetcher: LogoFetcher | None = None,
        deliver: bool = False,
        wake: Callable[[], None] | None = None,
    ) -> None:
        self.db, self.fetcher, self.deliver, self.wake = db, fetcher, deliver, wake

    async def run(self, today: date | None = None) -> ReminderRun:
        """Every reminder due at ``today`` (default: today in UTC), for every entity with reminders on."""
        today = today or today_utc()
        result = ReminderRun()
        async with self.db.transaction(write=False) as session:
            entities = (
                await session.scalars(select(Entity).where(Entity.settings["reminders"]["enabled"].as_boolean()))
            ).all()
        for entity in entities:
            settings = effective(entity.settings).reminders
            if settings.enabled and settings.days_after_due:
                await self._entity(entity, settings.days_after_due, today, result)
        if result.sent and self.wake is not None:
            self.wake()
        return result

    async def _entity(self, entity: Entity, days: Sequence[int], today: date, result: ReminderRun) -> None:
        scope, after = _scope(entity), None
        while True:
            async with self.db.transaction(write=False) as session:
                docs = (await session.scalars(_due_stmt(entity.id, days, today, after))).all()
            for doc in docs:
                try:
                    await self._invoice(scope, doc, days, today, result)
                except Exception:
                    log.exception("the payment reminder for invoice %s failed; the next run tries again", doc.id)
                    result.failed.append(doc.id)
            if len(docs) < BATCH:
                return
            after = docs[-1].id

    async def _invoice(
        self, scope: Scope, doc: Document, days: Sequence[int], today: date, result: ReminderRun
    ) -> None:
        assert doc.date_due is not None
        latest = latest_reached(doc.date_due, days, today)
        if latest is None:
            return
        to = address_of(doc)
        attachments: list[str] = []
        if to is not None:  # rendered before the write transaction: on SQLite it holds the one writer
            pdf = await RenderingService(self.db, scope, self.fetcher).pdf("invoice", doc.id, original=True)
            attachments.append(pdf.filename)
        async with self.db.transaction() as session:
            fresh = await session.get(Document, doc.id, populate_existing=True)
            if fresh is None or fresh.status not in OPEN_STATUSES or fresh.total_due <= 0:
                return  # paid, credited or voided since it was read
            if not await _claim(session, fresh, latest, "sent" if to is not None else "skipped"):
                return  # another run took this day
            for earlier in days:
                if earlier < latest:
                    await _claim(session, fresh, earlier, "passed")
            if to is None:
                result.skipped.append((doc.id, latest))
                return
            subject, text = reminder_text(fresh, scope.bound_entity.name, today)
            sender = Sender.of(scope.bound_entity)
            email = record(
                session,
                scope,
                Message(to=[to], subject=subject, text=text, sender=sender, attachments=attachments),
                document_id=fresh.id,
                deliver=self.deliver,
                event={"document_id": fresh.id, "to": [to], "days_after_due": latest},
            )
            await session.flush()
            await session.execute(
                update(InvoiceReminder)
                .where(InvoiceReminder.invoice_id == fresh.id, InvoiceReminder.days_after_due == latest)
                .values(email_id=email.id)
            )
            emit(session, scope, EVENT, fresh.id, {"days_after_due": latest, "email_id": email.id})
            out = invoice_out(fresh)
            await fill_creditable(session, [(out, fresh)])
            publish(session, out)
        result.sent.append((doc.id, latest))


async def send_reminders(
    db: Database,
    *,
    today: date | None = None,
    fetcher: LogoFetcher | None = None,
    deliver: bool = False,
    wake: Callable[[], None] | None = None,
) -> ReminderRun:
    """One run of the job at ``today`` (default: today in UTC)."""
    return await Reminders(db, fetcher=fetcher, deliver=deliver, wake=wake).run(today)


@contextlib.asynccontextmanager
async def reminder_lifespan(app: Litestar) -> AsyncIterator[None]:
    """The reminder job in the app's process every ``FOLIO_REMINDER_SECONDS`` (``0``: none), stopped on shutdown."""
    settings = app.state.settings

    def wake() -> None:
        worker = app.state.get("email_worker")
        if worker is not None:
            worker.wake()

    async def run() -> None:
        result = await send_reminders(
            app.state.db, fetcher=app.state.get("logo_fetcher"), deliver=bool(settings.email.smtp_url), wake=wake
        )
        if result.sent or result.skipped:
            log.info("payment reminders: %d sent, %d skipped (no address)", len(result.sent), len(result.skipped))

    async with periodic(
        run,
        settings.reminders.interval_seconds,
        name="folio-reminders",
        what="sending payment reminders",
        log=log,
    ):
        yield

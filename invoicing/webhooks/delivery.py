"""Delivering events to webhook endpoints: the fan-out from the outbox, the worker, and its lifespan.

**Fan-out** (:func:`fan_out`): events not yet processed (``events.processed_at`` is null) become one
pending ``webhook_deliveries`` row (attempt 1, due now) per endpoint subscribed at that moment (enabled,
same account and environment, the event's type in its ``events`` or ``"*"``, its entity in its
``entity_ids`` or ``entity_ids`` null), and ``processed_at`` is set, in one transaction. On PostgreSQL
the events are claimed ``FOR UPDATE SKIP LOCKED``, so several processes never fan out one event twice;
SQLite serialises writers. ``webhook.test`` events are targeted at one endpoint by whoever records them
(its delivery row is written with the event), so the fan-out only marks them processed.

**Delivery** (:class:`WebhookWorker`): every ``folio serve`` process runs one. A pass claims due rows
(``status = 'pending'`` and ``next_attempt_at <= now``) endpoint by endpoint, up to :data:`CLAIM_BATCH` held
per endpoint in this process, ``FOR UPDATE SKIP LOCKED`` on PostgreSQL, by pushing ``next_attempt_at`` a
lease (``FOLIO_WEBHOOK_LEASE_SECONDS``, 60 s) ahead: a process killed mid-attempt only delays that attempt
until the lease ends (at least once). The claim (one ``UPDATE … RETURNING`` per endpoint) reads the events'
bodies and the endpoints too, in the same transaction. New attempts of an endpoint with nothing due already
are written claimed by the fan-out itself, which reads their bodies and endpoint in its transaction: the
common case (the worker keeps up) costs no claim. Claimed attempts wait in the endpoint's queue in this
process; at most ``concurrency`` (``FOLIO_WEBHOOK_CONCURRENCY``, 16) of them are sent at a time, each as its
own task, and the next one goes as soon as a request is over (no pass per slot). A queued attempt that could
not start while its lease left time for a whole attempt (lease less three timeouts) is dropped: it is due
again when its lease ends. So a slow or dead receiver only ever holds its own endpoint's slots. Outcomes are
written together, in one transaction and a few statements (:meth:`WebhookWorker.record`): when the worker is
busy, those of a whole pass spacing.

**When**: a pass runs right after a commit in this process wrote events
(:func:`invoicing.events.on_events_committed`) and when an endpoint's queue is empty after an attempt,
spaced by :func:`next_spacing`: :data:`PASS_SPACING` after a pass that found nothing, more the more the
last pass found, up to :data:`MAX_PASS_SPACING` (so a busy process pays each pass's transactions over many
deliveries; the most a delivery waits for its pass); otherwise every ``poll_seconds``
(``FOLIO_WEBHOOK_POLL_SECONDS``, 1 s), which finds events other processes wrote and retries that became due.
A pass starts with one read transaction (events to fan out? endpoints with due attempts?).

One attempt (:class:`~invoicing.webhooks.sender.Sender`, httptools in an asyncio protocol, connections kept per
origin): a new connection's host is resolved (the answer kept 10 s, checked again at every use) and every
address checked to be public (unless private addresses are allowed), the connection made to a checked
address, then one ``POST`` with the Standard Webhooks headers (``webhook-id`` = the event
id, ``webhook-timestamp``, ``webhook-signature`` over every secret still signing), no redirects followed,
the 10 s timeout per network step and the whole response read bounded in bytes (:data:`READ_CAP`) and
time, :data:`KEEP` bytes of it recorded. The body is :func:`_body`: the event with its ``data`` as the
database holds it, so every retry sends the same bytes.

**Retries**: every attempt is a row of its own (the delivery log). A 2xx marks it ``succeeded``; anything
else marks it ``failed`` and, while :data:`RETRY_SCHEDULE` lasts, writes the next attempt's row due after
the scheduled delay (± :data:`JITTER`). The last attempt failing is the delivery failing. An endpoint whose
``failing_since`` is older than :data:`DISABLE_AFTER` (no success for 3 days) is disabled and a
``webhook_endpoint.disabled`` event recorded.
"""

from __future__ import annotations

import asyncio
import collections
import contextlib
import logging
import random
import time
from collections import defaultdict
from collections.abc import AsyncIterator, Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, NamedTuple, Protocol, cast

import msgspec
from litestar import Litestar
from sqlalchemy import Integer, Table, Text, bindparam, insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from invoicing.config import Settings, WebhookDeliverySettings
from invoicing.core.ids import new_id
from invoicing.core.netsafety import Address, Resolver, is_public, resolve
from invoicing.core.periodic import running
from invoicing.db import Database
from invoicing.db.engine import Prepared
from invoicing.db.models import Event, WebhookDelivery, WebhookEndpoint
from invoicing.db.types import among, utcnow
from invoicing.events import on_events_committed
from invoicing.webhooks.sender import READ_CAP, Failed, Sender
from invoicing.webhooks.signing import sign, signing_secrets

log = logging.getLogger("folio.webhooks")

RETRY_SCHEDULE: tuple[timedelta, ...] = tuple(
    timedelta(seconds=s) for s in (5, 30, 120, 600, 1800, 3600, 7200, 14400, 28800, 28800, 28800)
)
"""The delay before each retry: attempt 1 goes at once, attempt 2 after 5 s, 3 after 30 s more (the first
three within about a minute: a receiver that blinked during a deploy catches up at once), then 2 min,
10 min, 30 min, 1 h, 2 h, 4 h, 8 h, 8 h, 8 h: 12 attempts over about 31.7 hours (at least 28.5 h with
jitter) before the delivery is ``failed``."""
MAX_ATTEMPTS = len(RETRY_SCHEDULE) + 1
JITTER = 0.1
"""Each delay is multiplied by a random factor in [1 − JITTER, 1 + JITTER], so retries of many deliveries
that failed together do not arrive together."""
DISABLE_AFTER = timedelta(days=3)
"""An endpoint without a single success for this long (``failing_since`` older) is disabled."""
KEEP = 2048
"""Bytes of a response kept in the delivery log."""
FAN_OUT_BATCH = 200
PASS_SPACING = 0.02
"""Seconds at least between the starts of two passes when the last one found little: under load, the
wake-ups of many commits and finished attempts make one pass that takes their work in batches (a few
transactions) rather than a pass each."""
SPACING_PER_ITEM = 0.002
"""Seconds added to the spacing before the next pass per event the last pass fanned out or attempt it
claimed (an attempt the fan-out started counts with its event): the more work a pass finds, the longer the
next one waits, so a busy process pays the per-pass cost (its transactions) over more deliveries. At ``r``
events per second the spacing settles at ``PASS_SPACING / (1 − r × SPACING_PER_ITEM)``: 25 ms at 100/s,
~33 ms at 200/s, 100 ms at 400/s (200 issued invoices per second: each writes ``invoice.created`` and
``invoice.issued``), :data:`MAX_PASS_SPACING` from 450/s."""
MAX_PASS_SPACING = 0.2
"""The longest spacing: the most a pass waits for more work, so at most this much delay added to a delivery
(the latency goals at 200/s: p50 under 200 ms, p99 under 1 s)."""


def next_spacing(found: int) -> float:
    """The spacing before the next pass after one that found ``found`` (:meth:`WebhookWorker.run_once`)."""
    return min(MAX_PASS_SPACING, PASS_SPACING + SPACING_PER_ITEM * found)


CLAIM_BATCH = 200
"""Attempts of one endpoint this process holds at most (claimed or written claimed, in flight or queued to go
when one of its ``concurrency`` slots frees): a busy endpoint's attempts are claimed in batches, not a
pass per slot."""
TARGETED_TYPES = frozenset({"webhook.test"})
"""Event types delivered only to the endpoint their recorder names (it writes the delivery row itself)."""

Clock = Callable[[], datetime]


def allow_private(settings: Settings) -> bool:
    """Whether endpoints on loopback and private addresses are delivered to (the endpoints' own rule)."""
    return settings.webhooks.allow_private


# -- the body ----------------------------------------------------------------------------------------


def _iso(moment: datetime) -> str:
    return moment.isoformat().replace("+00:00", "Z")


def _body(id_: str, type_: str, created_at: datetime, entity_id: str | None, data: str | None) -> bytes:
    """The event as delivered: ``{"created_at", "data", "entity_id", "id", "type"}`` in that order, ``data``
    the JSON text the database holds for it (:data:`_DATA_TEXT`), spliced in as it is: never decoded and
    encoded again. An event's row is never rewritten, so the same event is the same bytes on every attempt
    and in every process."""
    payload = {
        "id": id_,
        "type": type_,
        "created_at": _iso(created_at),
        "entity_id": entity_id,
        "data": msgspec.Raw(data or "{}"),
    }
    return msgspec.json.encode(payload, order="sorted")


# -- fan-out -----------------------------------------------------------------------------------------


class _Subscriber(Protocol):
    @property
    def enabled(self) -> bool: ...
    @property
    def account_id(self) -> str: ...
    @property
    def environment(self) -> str: ...
    @property
    def events(self) -> list[str] | None: ...
    @property
    def entity_ids(self) -> list[str] | None: ...


class _Subscribable(Protocol):
    @property
    def account_id(self) -> str: ...
    @property
    def environment(self) -> str: ...
    @property
    def type(self) -> str: ...
    @property
    def entity_id(self) -> str | None: ...


def subscribed(endpoint: _Subscriber, event: _Subscribable) -> bool:
    """Whether ``endpoint`` (as it is now) takes ``event``."""
    if not endpoint.enabled:
        return False
    if endpoint.account_id != event.account_id or endpoint.environment != event.environment:
        return False
    types = endpoint.events or []
    if "*" not in types and event.type not in types:
        return False
    return endpoint.entity_ids is None or event.entity_id in endpoint.entity_ids


def _delivery_row(endpoint_id: str, event_id: str, now: datetime, attempt: int = 1) -> dict[str, Any]:
    """The columns of a new pending attempt due at ``now``."""
    return {
        "id": new_id("webhook_delivery"),
        "endpoint_id": endpoint_id,
        "event_id": event_id,
        "attempt": attempt,
        "status": "pending",
        "next_attempt_at": now,
        "created_at": now,
    }


_DELIVERIES = cast(Table, WebhookDelivery.__table__)  # declared as FromClause; a declarative class maps a Table
_ENDPOINTS = cast(Table, WebhookEndpoint.__table__)
_EVENTS = cast(Table, Event.__table__)
_NEW_ATTEMPT = Prepared(
    insert(_DELIVERIES), ["id", "endpoint_id", "event_id", "attempt", "status", "next_attempt_at", "created_at"]
)
"""A new attempt's row (:func:`_delivery_row`): executed once per batch (one driver call)."""


# The worker's statements, compiled once per dialect and run by the driver (:class:`Prepared`: none of
# SQLAlchemy's per-statement work, which cost more than the statements); lists of ids are one parameter
# (:func:`among`), so each statement is one SQL text whatever the batch; those that lock have a PostgreSQL
# variant.
_E, _D, _V = _ENDPOINTS, _DELIVERIES, _EVENTS
_ANY_UNPROCESSED = Prepared(select(_V.c.id).where(_V.c.processed_at.is_(None)).limit(1))
_DUE_ENDPOINTS = Prepared(
    select(_D.c.endpoint_id).where(_D.c.status == "pending", _D.c.next_attempt_at <= bindparam("now")).distinct()
)
_UNPROCESSED_SELECT = (
    select(_V.c.id, _V.c.account_id, _V.c.environment, _V.c.entity_id, _V.c.type, _V.c.created_at)
    .where(_V.c.processed_at.is_(None))
    .order_by(_V.c.processed_at, _V.c.id)
    .limit(bindparam("batch", type_=Integer))
)
"""What the fan-out reads of an event: not ``data`` (the object, the bulk of the row)."""
_UNPROCESSED = Prepared(_UNPROCESSED_SELECT, typed_rows=True)
_UNPROCESSED_LOCKED = Prepared(_UNPROCESSED_SELECT.with_for_update(skip_locked=True), typed_rows=True)
_SCOPE_ENDPOINTS = Prepared(
    select(
        _E.c.id,
        _E.c.account_id,
        _E.c.environment,
        _E.c.events,
        _E.c.entity_ids,
        _E.c.enabled,
        _E.c.created_at,
        _E.c.url,
        _E.c.secret,
        _E.c.previous_secret,
        _E.c.previous_secret_expires_at,
    ).where(
        _E.c.account_id == bindparam("account_id"),
        _E.c.environment == bindparam("environment"),
        _E.c.enabled.is_(True),
    ),
    typed_rows=True,
)
_PROCESSED = Prepared(update(_V).where(among(_V.c.id)).values(processed_at=bindparam("now")))
_DATA_TEXT = _V.c.data.cast(Text)
"""An event's ``data`` as the database's JSON text (PostgreSQL's ``jsonb`` output, SQLite's stored text): the
body takes it as it is (:func:`_body`). Decoding it into Python objects (a few hundred per invoice) and
encoding them again cost the worker about a fifth of its CPU per delivery on PostgreSQL, most of it in the
garbage collections those objects set off."""
_DATA = Prepared(select(_V.c.id, _DATA_TEXT).where(among(_V.c.id)), typed_rows=True)
_BODIES = Prepared(
    select(_V.c.id, _V.c.type, _V.c.created_at, _V.c.entity_id, _DATA_TEXT).where(among(_V.c.id)), typed_rows=True
)
_ENDPOINT_STATES = Prepared(
    select(_E.c.id, _E.c.url, _E.c.enabled, _E.c.secret, _E.c.previous_secret, _E.c.previous_secret_expires_at).where(
        among(_E.c.id)
    ),
    typed_rows=True,
)
_DUE = (
    select(_D.c.id)
    .where(
        _D.c.endpoint_id == bindparam("b_endpoint_id"),
        _D.c.status == "pending",
        _D.c.next_attempt_at <= bindparam("now"),
    )
    .order_by(_D.c.next_attempt_at, _D.c.id)
    .limit(bindparam("slots", type_=Integer))
)
_CLAIM = Prepared(
    update(_D).where(_D.c.id.in_(_DUE)).values(next_attempt_at=bindparam("lease")).returning(_D.c.id, _D.c.event_id)
)
_CLAIM_LOCKED = Prepared(
    update(_D)
    .where(_D.c.id.in_(_DUE.with_for_update(skip_locked=True)))
    .values(next_attempt_at=bindparam("lease"))
    .returning(_D.c.id, _D.c.event_id)
)
_ATTEMPTS_SELECT = (
    select(_D.c.id, _D.c.endpoint_id, _D.c.event_id, _D.c.attempt, _D.c.status).where(among(_D.c.id)).order_by(_D.c.id)
)
_ATTEMPTS = Prepared(_ATTEMPTS_SELECT)
_ATTEMPTS_LOCKED = Prepared(_ATTEMPTS_SELECT.with_for_update())


class _EventRow(NamedTuple):
    id: str
    account_id: str
    environment: str
    entity_id: str | None
    type: str
    created_at: datetime


class _EndpointRow(NamedTuple):
    id: str
    account_id: str
    environment: str
    events: list[str] | None
    entity_ids: list[str] | None
    enabled: bool
    created_at: datetime
    url: str
    secret: str
    previous_secret: str | None
    previous_secret_expires_at: datetime | None


class _AttemptRow(NamedTuple):
    id: str
    endpoint_id: str
    event_id: str
    attempt: int
    status: str


def new_delivery(endpoint_id: str, event_id: str, now: datetime, attempt: int = 1) -> WebhookDelivery:
    return WebhookDelivery(**_delivery_row(endpoint_id, event_id, now, attempt))


async def subscribers(session: AsyncSession, event: Event) -> list[WebhookEndpoint]:
    rows = await session.execute(
        select(WebhookEndpoint).where(
            WebhookEndpoint.account_id == event.account_id,
            WebhookEndpoint.environment == event.environment,
            WebhookEndpoint.enabled.is_(True),
        )
    )
    return [e for e in rows.scalars().all() if subscribed(e, event)]


async def fan_out(db: Database, now: datetime | None = None, batch: int = FAN_OUT_BATCH) -> int:
    """Turn up to ``batch`` unprocessed events into pending deliveries; how many events were processed."""
    now = now or utcnow()
    async with db.transaction(write=False) as read:  # cheap look first: most passes find nothing
        if not await _ANY_UNPROCESSED.fetch(read, {}):
            return 0
    return (await _fan_out(db, now, batch))[0]


async def _fan_out(
    db: Database, now: datetime, batch: int, take: _Slots | None = None, lease: datetime | None = None
) -> tuple[int, list[Claimed]]:
    """:func:`fan_out`'s transaction. ``take``: endpoint → attempts the caller will send now: that many of each
    endpoint's new attempts are written claimed (due at ``lease``) and returned with their endpoint and body,
    read in the same transaction (the counts are decremented); the rest are written due ``now``."""
    async with db.transaction(wait_for_flush=False) as session:
        stmt = _UNPROCESSED if db.is_sqlite else _UNPROCESSED_LOCKED
        events = [_EventRow(*row) for row in await stmt.fetch(session, {"batch": batch})]
        if not events:
            return 0, []
        scopes = {(ev.account_id, ev.environment) for ev in events if ev.type not in TARGETED_TYPES}
        endpoints: dict[tuple[str, str], list[_EndpointRow]] = defaultdict(list)
        for account_id, environment in scopes:
            rows = await _SCOPE_ENDPOINTS.fetch(session, {"account_id": account_id, "environment": environment})
            endpoints[(account_id, environment)] = [_EndpointRow(*row) for row in rows]
        rows_to_add = []
        taken: list[tuple[dict[str, Any], _EndpointRow, _EventRow]] = []  # (the row, its endpoint, its event)
        for event in events:
            if event.type in TARGETED_TYPES:
                continue
            for endpoint in endpoints.get((event.account_id, event.environment), []):
                # subscribed when the event happened: an endpoint created later never gets older events
                if endpoint.created_at <= event.created_at and subscribed(endpoint, event):
                    row = _delivery_row(endpoint.id, event.id, now)
                    if take is not None and lease is not None and take[endpoint.id] > 0:
                        take[endpoint.id] -= 1
                        row["next_attempt_at"] = lease
                        taken.append((row, endpoint, event))
                    rows_to_add.append(row)
        await _PROCESSED.fetch(session, {"ids": [ev.id for ev in events], "now": now})
        if rows_to_add:
            await _NEW_ATTEMPT.execute_many(session, rows_to_add)
        claimed = []
        if taken:
            found = await _DATA.fetch(session, {"ids": list({t[2].id for t in taken})})
            data = {event_id: event_data for event_id, event_data in found}
            for row, endpoint, event in taken:
                state = EndpointState(
                    endpoint.id,
                    endpoint.url,
                    endpoint.enabled,
                    endpoint.secret,
                    endpoint.previous_secret,
                    endpoint.previous_secret_expires_at,
                )
                body = _body(event.id, event.type, event.created_at, event.entity_id, data.get(event.id))
                claimed.append(Claimed(row["id"], endpoint.id, state, event.id, body))
        return len(events), claimed


# -- one attempt -------------------------------------------------------------------------------------


@dataclass
class Outcome:
    status_code: int | None = None
    body: str | None = None
    error: str | None = None
    duration_ms: int = 0

    @property
    def ok(self) -> bool:
        return self.status_code is not None and 200 <= self.status_code < 300


@dataclass(frozen=True, slots=True)
class EndpointState:
    """What sending needs of an endpoint, read when its attempts are claimed."""

    id: str
    url: str
    enabled: bool
    secret: str
    previous_secret: str | None
    previous_secret_expires_at: datetime | None


@dataclass(slots=True)
class Claimed:
    """An attempt this process claimed, with what sending it needs (read in the claiming transaction):
    the endpoint as it is now and the event's body (None: the endpoint or the event is gone)."""

    delivery_id: str
    endpoint_id: str
    endpoint: EndpointState | None
    event_id: str
    body: bytes | None


class _Pending(NamedTuple):
    """An outcome waiting for the recorder."""

    delivery_id: str
    endpoint_id: str
    outcome: Outcome
    final: bool


_RECORD = Prepared(
    update(_DELIVERIES)
    .where(_DELIVERIES.c.id == bindparam("delivery_id"), _DELIVERIES.c.status == "pending")
    .values(
        status=bindparam("status"),
        attempted_at=bindparam("attempted_at"),
        response_status=bindparam("response_status"),
        duration_ms=bindparam("duration_ms"),
        response_body=bindparam("response_body"),
        error=bindparam("error"),
        next_attempt_at=bindparam("next_attempt_at"),
    )
)
"""One attempt's outcome, unless it is recorded already: executed once per batch of outcomes (one driver
call)."""
_SUCCEEDED = Prepared(
    update(_ENDPOINTS)
    .where(_ENDPOINTS.c.id == bindparam("endpoint_id"))
    .values(last_success_at=bindparam("now"), failing_since=None)
)
"""An endpoint whose attempts of a batch all succeeded."""


class WebhookWorker:
    def __init__(
        self,
        db: Database,
        settings: WebhookDeliverySettings | None = None,
        *,
        clock: Clock = utcnow,
        rng: random.Random | None = None,
        allow_private: bool = False,
        resolver: Resolver = resolve,
    ) -> None:
        self.db = db
        self.settings = settings or WebhookDeliverySettings()
        self.allow_private = allow_private if self.settings.allow_private is None else self.settings.allow_private
        self.clock = clock
        self.rng = rng or random.Random()
        # each new connection resolves the name (kept a few seconds), checks every address and connects to
        # a checked one
        self.sender = Sender(
            self.settings.timeout,
            allowed=_anywhere if self.allow_private else is_public,
            resolver=resolver,
            max_idle=self.settings.concurrency,
        )
        self.in_flight: dict[str, int] = defaultdict(int)
        """Per endpoint, attempts being sent now (at most ``concurrency``)."""
        self.queued: dict[str, collections.deque[tuple[Claimed, float]]] = {}
        """Per endpoint, attempts claimed by this process that wait for a free slot, each with the
        ``time.monotonic()`` it must start by (:meth:`_start`), else it is left to its lease."""
        self.spacing = PASS_SPACING
        """Seconds before the next pass may start: grows with the work the last pass found."""
        self.tasks: set[asyncio.Task[None]] = set()
        self._wake = asyncio.Event()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._stopping = False
        self._outcomes: list[_Pending] = []
        self._recorder: asyncio.Task[None] | None = None
        self._flush = asyncio.Event()
        """Set when stopping: the outcomes waiting for their batch are written at once."""
        self._swept = time.monotonic()

    def wake(self) -> None:
        """Start a pass now rather than at the next poll. Safe from any thread: a commit that wrote events
        calls it from the thread that committed (:func:`invoicing.events.on_events_committed`)."""
        loop = self._loop
        try:
            here = asyncio.get_running_loop()
        except RuntimeError:
            here = None
        if loop is None or loop is here:
            self._wake.set()
        else:
            with contextlib.suppress(RuntimeError):  # the worker's loop has closed
                loop.call_soon_threadsafe(self._wake.set)

    async def close(self) -> None:
        self._stopping = True
        self._wake.set()
        for task in list(self.tasks):
            task.cancel()
        for task in list(self.tasks):
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task
        if self._recorder is not None:  # the outcomes already in (a pass spacing's, when busy) written now
            self._flush.set()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await asyncio.wait_for(self._recorder, self.settings.timeout)
        await self.sender.aclose()

    async def run(self) -> None:
        """Fan out and start due attempts until stopped; between passes, sleep until woken (a commit in this
        process wrote events, or an attempt ended) or a poll interval has passed."""
        self._loop = asyncio.get_running_loop()
        stop_listening = on_events_committed(self.db.writer.url, self.wake)
        last = -MAX_PASS_SPACING
        try:
            while not self._stopping:
                await asyncio.sleep(last + self.spacing - time.monotonic())
                last = time.monotonic()
                self._wake.clear()  # wakes from here on start another pass
                if last - self._swept >= 1:
                    self._swept = last
                    self.sender.sweep()
                try:
                    found = await self.run_once(wait=False)
                except asyncio.CancelledError:
                    raise
                except Exception:  # the database may be briefly away; try again next round
                    log.exception("webhook delivery pass failed")
                    found = 0
                # the more this pass found, the longer the next waits to find more (bounded)
                self.spacing = next_spacing(found)
                if found:
                    continue
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._wake.wait(), self.settings.poll_seconds)
        finally:
            stop_listening()

    async def run_once(self, *, wait: bool = True) -> int:
        """One pass: fan out new events, claim due attempts and start them (``wait``: and wait for them).
        Returns how many events it fanned out and attempts it claimed: an attempt the fan-out started counts
        with its event, not again (the pass spacing's figure: one per event at a steady rate).

        One read transaction sees whether there are events to fan out and which endpoints have due attempts.
        The fan-out writes the first attempts of an endpoint that had none due already claimed, up to its free
        slots, and they start at once: no claim of their own (an endpoint with a backlog has its oldest
        attempts claimed first)."""
        now = self.clock()
        async with self.db.transaction(write=False) as read:
            unprocessed = bool(await _ANY_UNPROCESSED.fetch(read, {}))
            due_endpoints = [row[0] for row in await _DUE_ENDPOINTS.fetch(read, {"now": now})]
        found = 0
        while unprocessed:
            take = _Slots(self.capacity, self.held, due_endpoints)
            lease = now + timedelta(seconds=self.settings.lease_seconds)
            n, handed = await _fan_out(self.db, now, FAN_OUT_BATCH, take, lease)
            self._start(handed)
            found += n
            unprocessed = n >= FAN_OUT_BATCH
            now = self.clock()
        if due_endpoints:
            claimed = await self.claim(due_endpoints, now)
            self._start(claimed)
            found += len(claimed)
        while wait and self.tasks:  # every attempt started, the queued ones too, sent
            await asyncio.gather(*list(self.tasks), return_exceptions=True)
        if wait:  # and recorded
            await self.recorded()
        return found

    async def drain(self, rounds: int = 50) -> None:
        """Passes until nothing is due (tests; with a clock, retries that are due now are made too)."""
        for _ in range(rounds):
            if not await self.run_once():
                return

    def held(self, endpoint_id: str) -> int:
        """Attempts of ``endpoint_id`` this process holds: being sent or queued for a slot."""
        queued = self.queued.get(endpoint_id)
        return self.in_flight.get(endpoint_id, 0) + (len(queued) if queued else 0)

    @property
    def _queue_seconds(self) -> float:
        """How long a claimed attempt may wait for a slot: its lease less the longest an attempt takes (three
        network steps), so it is never sent after another process could claim it."""
        return self.settings.lease_seconds - 3 * self.settings.timeout

    @property
    def capacity(self) -> int:
        """Attempts of one endpoint this process holds at most: :data:`CLAIM_BATCH`, or only its
        ``concurrency`` when a lease leaves no time to wait for a slot."""
        return CLAIM_BATCH if self._queue_seconds > 0 else self.settings.concurrency

    def _start(self, claimed: Sequence[Claimed]) -> None:
        """Queue claimed attempts on their endpoints and start as many as their free slots allow."""
        if not claimed:
            return
        start_by = time.monotonic() + max(1.0, self._queue_seconds)  # the first go at once, whatever the lease
        endpoints = set()
        for c in claimed:
            self.queued.setdefault(c.endpoint_id, collections.deque()).append((c, start_by))
            endpoints.add(c.endpoint_id)
        for endpoint_id in endpoints:
            self._pump(endpoint_id)

    def _pump(self, endpoint_id: str) -> None:
        """Start the endpoint's queued attempts while it has free slots; one that waited past its start-by time
        is dropped (its row stays claimed until its lease ends, then any worker takes it)."""
        queue = self.queued.get(endpoint_id)
        while queue and not self._stopping and self.in_flight.get(endpoint_id, 0) < self.settings.concurrency:
            claimed, start_by = queue.popleft()
            if time.monotonic() > start_by:
                continue
            self.in_flight[endpoint_id] += 1
            task = asyncio.create_task(self._attempt(claimed))
            self.tasks.add(task)
            task.add_done_callback(self.tasks.discard)
        if not queue:
            self.queued.pop(endpoint_id, None)

    def _free(self, endpoint_id: str, *, pump: bool = True) -> None:
        """One of the endpoint's slots is free (its request is over): its next queued attempt goes; with none
        queued, a pass looks for more (at its spacing)."""
        self.in_flight[endpoint_id] -= 1
        if self.in_flight[endpoint_id] <= 0:
            del self.in_flight[endpoint_id]
        if pump:
            self._pump(endpoint_id)
            if endpoint_id not in self.queued:
                self._wake.set()

    async def claim(self, due_endpoints: Sequence[str], now: datetime) -> list[Claimed]:
        """Claim attempts of ``due_endpoints`` due at ``now``, endpoint by endpoint, each only up to
        :attr:`capacity` held by this process (one ``UPDATE … RETURNING`` each); with the endpoints and the
        events' bodies, read in the same transaction."""
        free = {e: self.capacity - self.held(e) for e in due_endpoints}
        free = {e: n for e, n in free.items() if n > 0}
        if not free:
            return []
        claimed: list[tuple[str, str, str]] = []
        lease = now + timedelta(seconds=self.settings.lease_seconds)
        stmt = _CLAIM if self.db.is_sqlite else _CLAIM_LOCKED
        async with self.db.transaction(wait_for_flush=False) as session:
            for endpoint_id, slots in free.items():
                params = {"b_endpoint_id": endpoint_id, "now": now, "slots": slots, "lease": lease}
                claimed += [(id_, endpoint_id, event_id) for id_, event_id in await stmt.fetch(session, params)]
            if not claimed:
                return []
            found = await _ENDPOINT_STATES.fetch(session, {"ids": list({c[1] for c in claimed})})
            endpoints = {row[0]: EndpointState(*row) for row in found}
            found = await _BODIES.fetch(session, {"ids": list({c[2] for c in claimed})})
            bodies = {row[0]: _body(*row) for row in found}
        return [Claimed(d_, e_, endpoints.get(e_), v_, bodies.get(v_)) for d_, e_, v_ in claimed]

    async def _attempt(self, claimed: Claimed) -> None:
        """Send one claimed attempt (it holds one of its endpoint's slots until its request is over), then hand
        its outcome to the recorder (:meth:`record`)."""
        delivery_id, endpoint, body = claimed.delivery_id, claimed.endpoint, claimed.body
        sending = True
        try:
            if endpoint is None or body is None or not endpoint.enabled:
                why = "the endpoint is disabled" if endpoint is not None and body is not None else "gone"
                outcome, final = Outcome(error=why), True
            else:
                outcome, final = await self.send(endpoint, claimed.event_id, body), False
            sending = False
            self._free(claimed.endpoint_id)
            self.record(delivery_id, claimed.endpoint_id, outcome, final=final)
        except asyncio.CancelledError:
            raise  # shutting down: the lease makes the attempt due again
        except Exception:
            log.exception("webhook attempt %s failed unexpectedly; it is due again when its lease ends", delivery_id)
        finally:
            if sending:
                self._free(claimed.endpoint_id, pump=False)

    async def send(self, endpoint: EndpointState, event_id: str, body: bytes) -> Outcome:
        """One ``POST`` of an event's ``body`` to ``endpoint``; never raises for what the network or receiver
        does."""
        started = time.monotonic()
        outcome = Outcome()
        try:
            now = self.clock()
            timestamp = int(now.timestamp())
            signature = sign(signing_secrets(endpoint, now), event_id, timestamp, body)
            headers = [
                (b"content-type", b"application/json"),
                (b"webhook-id", event_id.encode()),
                (b"webhook-timestamp", b"%d" % timestamp),
                (b"webhook-signature", signature.encode()),
            ]
            answer = await self.sender.post(endpoint.url, headers, body)  # each network step within the timeout
            outcome.status_code = answer.status_code
            outcome.body = answer.body[:KEEP].decode("utf-8", "replace")
            outcome.error = answer.error
        except TimeoutError:
            outcome.error = f"no answer within {self.settings.timeout:g} s"
        except Failed as exc:
            outcome.error = str(exc)
        except (OSError, ValueError) as exc:  # refused, unreachable, or an address not allowed
            outcome.error = f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
        outcome.duration_ms = int((time.monotonic() - started) * 1000)
        if not outcome.ok and outcome.error is None:
            outcome.error = f"HTTP {outcome.status_code}"
        return outcome

    def delay(self, attempt: int) -> timedelta | None:
        """The wait before attempt ``attempt + 1``, or None when ``attempt`` was the last."""
        if attempt >= MAX_ATTEMPTS:
            return None
        return RETRY_SCHEDULE[attempt - 1] * self.rng.uniform(1 - JITTER, 1 + JITTER)

    def record(self, delivery_id: str, endpoint_id: str, outcome: Outcome, *, final: bool = False) -> None:
        """Hand an attempt's outcome (``final``: no retry) to the recorder, which writes the outcomes that came
        in while it was writing the last ones together, in one transaction: under load a batch per pass
        spacing. The attempt does not wait for it (its slot is free already); :meth:`run_once` and
        :meth:`close` do. A batch that cannot be written is logged, and its attempts are due again when their
        leases end (at least once)."""
        self._outcomes.append(_Pending(delivery_id, endpoint_id, outcome, final))
        if self._recorder is None or self._recorder.done():
            self._recorder = asyncio.create_task(self._write_outcomes(), name="folio-webhook-recorder")

    async def recorded(self) -> None:
        """Wait until every outcome handed to :meth:`record` so far is written (or its batch failed)."""
        while self._recorder is not None and not self._recorder.done():
            await asyncio.wait([self._recorder])

    async def _write_outcomes(self) -> None:
        while self._outcomes:
            if self.spacing > PASS_SPACING and not self._stopping:  # busy: a pass spacing's outcomes together
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._flush.wait(), self.spacing)
            batch, self._outcomes = self._outcomes, []
            try:
                await self._write(batch)
            except asyncio.CancelledError:
                raise
            except Exception:
                log.exception(
                    "writing the outcomes of %d webhook attempts failed; they are due again when their leases end",
                    len(batch),
                )

    async def _write(self, batch: list[_Pending]) -> None:
        """A batch of outcomes in one transaction: every outcome written by one statement (an attempt recorded
        already, by another worker after its lease ran out, is left as it is), the retries inserted by another,
        the endpoints updated. Only failures need their attempt's row first (its number, for the retry; locked
        on PostgreSQL): a batch of successes writes without reading."""
        now = self.clock()
        async with self.db.transaction(wait_for_flush=False) as session:
            failed = [p.delivery_id for p in batch if not p.outcome.ok]
            rows: dict[str, _AttemptRow] = {}
            if failed:
                stmt = _ATTEMPTS if self.db.is_sqlite else _ATTEMPTS_LOCKED
                rows = {row[0]: _AttemptRow(*row) for row in await stmt.fetch(session, {"ids": failed})}
            written: list[dict[str, Any]] = []
            retries: list[dict[str, Any]] = []
            outcomes: dict[str, list[bool]] = defaultdict(list)  # endpoint → its attempts' successes, in order
            seen: set[str] = set()
            for p in batch:
                if p.delivery_id in seen:
                    continue  # sent twice (its lease ran out meanwhile): the first outcome stands
                seen.add(p.delivery_id)
                outcome = p.outcome
                values = {
                    "delivery_id": p.delivery_id,
                    "attempted_at": now,
                    "response_status": outcome.status_code,
                    "duration_ms": outcome.duration_ms,
                    "response_body": outcome.body,
                    "error": (outcome.error or None) and outcome.error[:500],
                    "status": "succeeded" if outcome.ok else "failed",
                    "next_attempt_at": now,  # a failure's: shown as the next retry
                }
                if not outcome.ok:
                    row = rows.get(p.delivery_id)
                    if row is None or row.status != "pending":
                        continue  # recorded already (a lease ran out and another worker tried it too)
                    wait = None if p.final else self.delay(row.attempt)
                    if wait is not None:
                        values["next_attempt_at"] = now + wait
                        retries.append(_delivery_row(row.endpoint_id, row.event_id, now + wait, row.attempt + 1))
                    else:
                        log.warning("webhook delivery of %s to %s failed: %s", row.event_id, row.endpoint_id, outcome)
                written.append(values)
                outcomes[p.endpoint_id].append(outcome.ok)
            if written:
                await _RECORD.execute_many(session, written)
            if retries:
                await _NEW_ATTEMPT.execute_many(session, retries)
            succeeded = [{"endpoint_id": e, "now": now} for e, oks in outcomes.items() if all(oks)]
            if succeeded:
                await _SUCCEEDED.execute_many(session, succeeded)
            for endpoint_id, oks in outcomes.items():
                if not all(oks):
                    endpoint = await session.get(WebhookEndpoint, endpoint_id)
                    if endpoint is not None:
                        for ok in oks:
                            _endpoint_after(session, endpoint, ok, now)


class _Slots(dict[str, int]):
    """New attempts per endpoint for the fan-out to write claimed: ``capacity`` less the endpoint's attempts
    this process holds; none for an endpoint in ``due`` (its due attempts go first, by the claim)."""

    def __init__(self, capacity: int, held: Callable[[str], int], due: Sequence[str]) -> None:
        super().__init__()
        self.capacity, self.held, self.due = capacity, held, set(due)

    def __missing__(self, endpoint_id: str) -> int:
        free = 0 if endpoint_id in self.due else max(0, self.capacity - self.held(endpoint_id))
        self[endpoint_id] = free
        return free


def _anywhere(_: Address) -> bool:
    return True


def _endpoint_after(session: AsyncSession, endpoint: WebhookEndpoint, ok: bool, now: datetime) -> None:
    """An endpoint after one of its attempts: a success clears ``failing_since``; a failure starts it, or
    disables the endpoint when it began more than :data:`DISABLE_AFTER` ago."""
    if ok:
        endpoint.last_success_at, endpoint.failing_since = now, None
    elif endpoint.enabled:
        if endpoint.failing_since is None:
            endpoint.failing_since = now
        elif now - endpoint.failing_since > DISABLE_AFTER:
            disable(session, endpoint, now)


def disable(session: AsyncSession, endpoint: WebhookEndpoint, now: datetime) -> None:
    """Disable an endpoint that has not had a success for :data:`DISABLE_AFTER`; record the event."""
    endpoint.enabled = False
    endpoint.disabled_reason = f"no successful delivery since {_iso(endpoint.failing_since or now)}"
    log.warning("webhook endpoint %s disabled: %s", endpoint.id, endpoint.disabled_reason)
    session.add(
        Event(
            id=new_id("event"),
            account_id=endpoint.account_id,
            environment=endpoint.environment,
            entity_id=None,
            type="webhook_endpoint.disabled",
            object_id=endpoint.id,
            actor=None,
            data={"object": {"id": endpoint.id, "url": endpoint.url, "disabled_reason": endpoint.disabled_reason}},
            created_at=now,
        )
    )


@contextlib.asynccontextmanager
async def webhook_lifespan(app: Litestar) -> AsyncIterator[None]:
    """Start the worker task with the app (``app.state.webhook_worker``) and stop it on shutdown."""
    settings = app.state.settings
    if not settings.webhook_delivery.worker:
        yield
        return
    worker = WebhookWorker(app.state.db, settings.webhook_delivery, allow_private=allow_private(settings))
    app.state.webhook_worker = worker
    try:
        async with running(worker.run(), "folio-webhook-worker"):
            yield
    finally:
        await worker.close()


__all__: Sequence[str] = (
    "READ_CAP",
    "RETRY_SCHEDULE",
    "WebhookDeliverySettings",
    "WebhookWorker",
    "fan_out",
    "subscribers",
    "webhook_lifespan",
)

"""Delivering events to webhook endpoints: the fan-out from the outbox, the worker, and its lifespan.

**Fan-out** (:func:`fan_out`): events not yet processed (``events.processed_at`` is null) become one
pending ``webhook_deliveries`` row (attempt 1, due now) per endpoint subscribed at that moment (enabled,
same account and environment, the event's type in its ``events`` or ``"*"``, its entity in its
``entity_ids`` or ``entity_ids`` null), and ``processed_at`` is set, in one transaction. On PostgreSQL
the events are claimed ``FOR UPDATE SKIP LOCKED``, so several processes never fan out one event twice;
SQLite serialises writers. ``webhook.test`` events are targeted at one endpoint by whoever records them
(its delivery row is written with the event), so the fan-out only marks them processed.

**Delivery** (:class:`WebhookWorker`): every ``folio serve`` process runs one. A pass claims due rows
(``status = 'pending'`` and ``next_attempt_at <= now``) endpoint by endpoint, at most ``concurrency``
(``FOLIO_WEBHOOK_CONCURRENCY``, 16) in flight per endpoint in this process, ``FOR UPDATE SKIP LOCKED`` on
PostgreSQL, by pushing ``next_attempt_at`` a lease (``FOLIO_WEBHOOK_LEASE_SECONDS``, 60 s) ahead: a
process killed mid-attempt only delays that attempt until the lease ends (at least once). The claim reads
the events and endpoints too, in the same transaction. Each claimed attempt runs as its own task, so a slow
or dead receiver only ever holds its own endpoint's slots; the outcomes of attempts that finish while one
is being written are written together, in one transaction (:meth:`WebhookWorker.record`).

**When**: a pass runs right after a commit in this process wrote events
(:func:`invoicing.events.on_events_committed`) and whenever an attempt ends (a slot is free); otherwise
every ``poll_seconds`` (``FOLIO_WEBHOOK_POLL_SECONDS``, 1 s), which finds events other processes wrote and
retries that became due.

One attempt: the endpoint's host is resolved and every address checked to be public (unless private
addresses are allowed), then one ``POST`` with the Standard Webhooks headers (``webhook-id`` = the event
id, ``webhook-timestamp``, ``webhook-signature`` over every secret still signing), no redirects followed,
the 10 s timeout per network step and the whole response read bounded in bytes (:data:`READ_CAP`) and
time, :data:`KEEP` bytes of it recorded. The body is :func:`event_body`: the event serialised
deterministically (sorted keys), so every retry sends the same bytes.

**Retries**: every attempt is a row of its own (the delivery log). A 2xx marks it ``succeeded``; anything
else marks it ``failed`` and, while :data:`RETRY_SCHEDULE` lasts, writes the next attempt's row due after
the scheduled delay (± :data:`JITTER`). The last attempt failing is the delivery failing. An endpoint whose
``failing_since`` is older than :data:`DISABLE_AFTER` (no success for 3 days) is disabled and a
``webhook_endpoint.disabled`` event recorded.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
import time
from collections import defaultdict
from collections.abc import AsyncIterator, Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import httpx
import msgspec
from litestar import Litestar
from sqlalchemy import insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import load_only

from invoicing.config import Settings, WebhookDeliverySettings
from invoicing.core.ids import new_id
from invoicing.core.netsafety import public_only_transport
from invoicing.core.periodic import running
from invoicing.db import Database
from invoicing.db.models import Event, WebhookDelivery, WebhookEndpoint
from invoicing.db.types import utcnow
from invoicing.events import on_events_committed
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
READ_CAP = 64 * 1024
"""Bytes of a response read at most (the rest is not read; the connection is closed)."""
KEEP = 2048
"""Bytes of a response kept in the delivery log."""
FAN_OUT_BATCH = 200
PASS_SPACING = 0.02
"""Seconds at least between the starts of two passes: under load, the wake-ups of many commits and finished
attempts make one pass that takes their work in batches (a few transactions) rather than a pass each."""
CLAIM_BATCH = 50
TARGETED_TYPES = frozenset({"webhook.test"})
"""Event types delivered only to the endpoint their recorder names (it writes the delivery row itself)."""

Clock = Callable[[], datetime]


def allow_private(settings: Settings) -> bool:
    """Whether endpoints on loopback and private addresses are delivered to (the endpoints' own rule)."""
    return settings.webhooks.allow_private


# -- the body ----------------------------------------------------------------------------------------


def _iso(moment: datetime) -> str:
    return moment.isoformat().replace("+00:00", "Z")


def event_body(event: Event) -> bytes:
    """The event as delivered: ``{"id", "type", "created_at", "entity_id", "data"}``, keys sorted, so the
    same event is the same bytes on every attempt and in every process."""
    payload = {
        "id": event.id,
        "type": event.type,
        "created_at": _iso(event.created_at),
        "entity_id": event.entity_id,
        "data": event.data or {},
    }
    return msgspec.json.encode(payload, order="sorted")


# -- fan-out -----------------------------------------------------------------------------------------


def subscribed(endpoint: WebhookEndpoint, event: Event) -> bool:
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


_FAN_OUT_COLUMNS = load_only(
    Event.id, Event.account_id, Event.environment, Event.entity_id, Event.type, Event.created_at, raiseload=True
)
"""What the fan-out reads of an event: not ``data`` (the object, the bulk of the row)."""


async def fan_out(db: Database, now: datetime | None = None, batch: int = FAN_OUT_BATCH) -> int:
    """Turn up to ``batch`` unprocessed events into pending deliveries; how many events were processed."""
    now = now or utcnow()
    async with db.transaction(write=False) as read:  # cheap look first: most passes find nothing
        if (await read.execute(select(Event.id).where(Event.processed_at.is_(None)).limit(1))).first() is None:
            return 0
    async with db.transaction() as session:
        stmt = (
            select(Event)
            .options(_FAN_OUT_COLUMNS)
            .where(Event.processed_at.is_(None))
            .order_by(Event.processed_at, Event.id)
            .limit(batch)
        )
        if not db.is_sqlite:
            stmt = stmt.with_for_update(skip_locked=True)
        events = (await session.execute(stmt)).scalars().all()
        if not events:
            return 0
        scopes = {(e.account_id, e.environment) for e in events if e.type not in TARGETED_TYPES}
        endpoints: dict[tuple[str, str], list[WebhookEndpoint]] = defaultdict(list)
        for account_id, environment in scopes:
            rows = await session.execute(
                select(WebhookEndpoint).where(
                    WebhookEndpoint.account_id == account_id,
                    WebhookEndpoint.environment == environment,
                    WebhookEndpoint.enabled.is_(True),
                )
            )
            endpoints[(account_id, environment)] = list(rows.scalars().all())
        rows_to_add = []
        for event in events:
            if event.type in TARGETED_TYPES:
                continue
            for endpoint in endpoints.get((event.account_id, event.environment), []):
                # subscribed when the event happened: an endpoint created later never gets older events
                if endpoint.created_at <= event.created_at and subscribed(endpoint, event):
                    rows_to_add.append(_delivery_row(endpoint.id, event.id, now))
        await session.execute(
            update(Event).where(Event.id.in_([e.id for e in events])).values(processed_at=now),
            execution_options={"synchronize_session": False},
        )
        if rows_to_add:
            await session.execute(insert(WebhookDelivery), rows_to_add)
        return len(events)


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


async def _read_capped(response: httpx.Response) -> bytes:
    body = bytearray()
    async for chunk in response.aiter_raw():
        body += chunk
        if len(body) >= READ_CAP:
            break
    return bytes(body[:READ_CAP])


@dataclass
class Claimed:
    """An attempt this process claimed, with what sending it needs (read in the claiming transaction)."""

    delivery_id: str
    endpoint_id: str
    endpoint: WebhookEndpoint | None
    event: Event | None


@dataclass
class _Pending:
    delivery_id: str
    outcome: Outcome
    final: bool
    written: asyncio.Future[None]


class WebhookWorker:
    def __init__(
        self,
        db: Database,
        settings: WebhookDeliverySettings | None = None,
        *,
        clock: Clock = utcnow,
        rng: random.Random | None = None,
        allow_private: bool = False,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        self.db = db
        self.settings = settings or WebhookDeliverySettings()
        self.allow_private = allow_private if self.settings.allow_private is None else self.settings.allow_private
        self.clock = clock
        self.rng = rng or random.Random()
        limits = httpx.Limits(max_connections=None, max_keepalive_connections=20)
        if transport is None and not self.allow_private:
            # every connection resolves the name once, checks each address and connects to a checked one
            transport = public_only_transport(limits)
        self.client = httpx.AsyncClient(
            timeout=httpx.Timeout(self.settings.timeout),
            follow_redirects=False,
            transport=transport,
            limits=limits,
            headers={"user-agent": "Folio-Webhooks/1"},
        )
        self.in_flight: dict[str, int] = defaultdict(int)
        self.tasks: set[asyncio.Task[None]] = set()
        self._wake = asyncio.Event()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._stopping = False
        self._outcomes: list[_Pending] = []
        self._recorder: asyncio.Task[None] | None = None

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
        if self._recorder is not None:
            self._recorder.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await self._recorder
        await self.client.aclose()

    async def run(self) -> None:
        """Fan out and start due attempts until stopped; between passes, sleep until woken (a commit in this
        process wrote events, or an attempt ended) or a poll interval has passed."""
        self._loop = asyncio.get_running_loop()
        stop_listening = on_events_committed(self.db.writer.url, self.wake)
        last = -PASS_SPACING
        try:
            while not self._stopping:
                await asyncio.sleep(last + PASS_SPACING - time.monotonic())
                last = time.monotonic()
                self._wake.clear()  # wakes from here on start another pass
                try:
                    started = await self.run_once(wait=False)
                except asyncio.CancelledError:
                    raise
                except Exception:  # the database may be briefly away; try again next round
                    log.exception("webhook delivery pass failed")
                    started = 0
                if started:
                    continue
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._wake.wait(), self.settings.poll_seconds)
        finally:
            stop_listening()

    async def run_once(self, *, wait: bool = True) -> int:
        """One pass: fan out new events, claim due attempts and start them (``wait``: and wait for them).
        Returns how many events and attempts it took on."""
        events = 0
        while True:
            n = await fan_out(self.db, self.clock())
            events += n
            if n < FAN_OUT_BATCH:
                break
        claimed = await self.claim()
        tasks = [self._start(c) for c in claimed]
        if wait and tasks:
            await asyncio.gather(*tasks, return_exceptions=True)
        return events + len(claimed)

    async def drain(self, rounds: int = 50) -> None:
        """Passes until nothing is due (tests; with a clock, retries that are due now are made too)."""
        for _ in range(rounds):
            if not await self.run_once():
                return

    def _start(self, claimed: Claimed) -> asyncio.Task[None]:
        endpoint_id = claimed.endpoint_id
        self.in_flight[endpoint_id] += 1
        task = asyncio.create_task(self._attempt(claimed), name=f"folio-webhook-{claimed.delivery_id}")
        self.tasks.add(task)

        def done(t: asyncio.Task[None]) -> None:
            self.tasks.discard(t)
            self.in_flight[endpoint_id] -= 1
            if self.in_flight[endpoint_id] <= 0:
                del self.in_flight[endpoint_id]
            self._wake.set()  # a slot is free: that endpoint's next attempt may go

        task.add_done_callback(done)
        return task

    async def claim(self) -> list[Claimed]:
        """Claim due attempts, endpoint by endpoint, each only up to its free slots in this process; with the
        endpoints and the events, read in the same transaction."""
        now = self.clock()
        async with self.db.transaction(write=False) as read:
            due_endpoints = (
                (
                    await read.execute(
                        select(WebhookDelivery.endpoint_id)
                        .where(WebhookDelivery.status == "pending", WebhookDelivery.next_attempt_at <= now)
                        .distinct()
                    )
                )
                .scalars()
                .all()
            )
        free = {e: self.settings.concurrency - self.in_flight.get(e, 0) for e in due_endpoints}
        free = {e: n for e, n in free.items() if n > 0}
        if not free:
            return []
        claimed: list[tuple[str, str, str]] = []
        async with self.db.transaction() as session:
            for endpoint_id, slots in free.items():
                stmt = (
                    select(WebhookDelivery.id, WebhookDelivery.event_id)
                    .where(
                        WebhookDelivery.endpoint_id == endpoint_id,
                        WebhookDelivery.status == "pending",
                        WebhookDelivery.next_attempt_at <= now,
                    )
                    .order_by(WebhookDelivery.next_attempt_at, WebhookDelivery.id)
                    .limit(min(slots, CLAIM_BATCH))
                )
                if not self.db.is_sqlite:
                    stmt = stmt.with_for_update(skip_locked=True)
                claimed += [(row.id, endpoint_id, row.event_id) for row in await session.execute(stmt)]
            if not claimed:
                return []
            await session.execute(
                update(WebhookDelivery)
                .where(WebhookDelivery.id.in_([c[0] for c in claimed]))
                .values(next_attempt_at=now + timedelta(seconds=self.settings.lease_seconds)),
                execution_options={"synchronize_session": False},
            )
            endpoint_rows = await session.scalars(
                select(WebhookEndpoint).where(WebhookEndpoint.id.in_({c[1] for c in claimed}))
            )
            endpoints = {e.id: e for e in endpoint_rows}
            events = {
                e.id: e for e in await session.scalars(select(Event).where(Event.id.in_({c[2] for c in claimed})))
            }
        return [Claimed(d, e, endpoints.get(e), events.get(v)) for d, e, v in claimed]

    async def _attempt(self, claimed: Claimed) -> None:
        delivery_id, endpoint, event = claimed.delivery_id, claimed.endpoint, claimed.event
        try:
            if endpoint is None or event is None or not endpoint.enabled:
                why = "the endpoint is disabled" if endpoint is not None and event is not None else "gone"
                await self.record(delivery_id, Outcome(error=why), final=True)
                return
            outcome = await self.send(endpoint, event)
            await self.record(delivery_id, outcome)
        except asyncio.CancelledError:
            raise  # shutting down: the lease makes the attempt due again
        except Exception:
            log.exception("webhook attempt %s failed unexpectedly; it is due again when its lease ends", delivery_id)

    async def send(self, endpoint: WebhookEndpoint, event: Event) -> Outcome:
        """One ``POST`` of ``event`` to ``endpoint``; never raises for what the network or receiver does."""
        body = event_body(event)
        started = time.monotonic()
        outcome = Outcome()
        try:
            now = self.clock()
            timestamp = int(now.timestamp())
            headers = {
                "content-type": "application/json",
                "webhook-id": event.id,
                "webhook-timestamp": str(timestamp),
                "webhook-signature": sign(signing_secrets(endpoint, now), event.id, timestamp, body),
            }
            async with asyncio.timeout(self.settings.timeout * 3):  # connect + headers + the bounded body
                async with self.client.stream("POST", endpoint.url, content=body, headers=headers) as response:
                    outcome.status_code = response.status_code
                    try:
                        async with asyncio.timeout(self.settings.timeout):
                            raw = await _read_capped(response)
                    except (TimeoutError, httpx.HTTPError) as exc:
                        raw = b""
                        outcome.error = f"response body not read: {type(exc).__name__}"
                    outcome.body = raw[:KEEP].decode("utf-8", "replace")
        except TimeoutError:
            outcome.error = f"no answer within {self.settings.timeout:g} s"
        except (httpx.HTTPError, OSError, ValueError) as exc:
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

    async def record(self, delivery_id: str, outcome: Outcome, *, final: bool = False) -> None:
        """Write an attempt's outcome (``final``: no retry). Outcomes that come in while others are being
        written wait and are then written together, in one transaction: under load a batch per commit."""
        pending = _Pending(delivery_id, outcome, final, asyncio.get_running_loop().create_future())
        self._outcomes.append(pending)
        if self._recorder is None or self._recorder.done():
            self._recorder = asyncio.create_task(self._write_outcomes(), name="folio-webhook-recorder")
        await pending.written

    async def _write_outcomes(self) -> None:
        while self._outcomes:
            batch, self._outcomes = self._outcomes, []
            try:
                await self._write(batch)
            except Exception as exc:  # every attempt of the batch is due again when its lease ends
                for p in batch:
                    if not p.written.done():
                        p.written.set_exception(exc)
            else:
                for p in batch:
                    if not p.written.done():
                        p.written.set_result(None)

    async def _write(self, batch: list[_Pending]) -> None:
        now = self.clock()
        async with self.db.transaction() as session:
            stmt = (
                select(WebhookDelivery)
                .where(WebhookDelivery.id.in_([p.delivery_id for p in batch]))
                .order_by(WebhookDelivery.id)
            )
            if not self.db.is_sqlite:
                stmt = stmt.with_for_update()
            rows = {d.id: d for d in await session.scalars(stmt)}
            for p in batch:
                delivery = rows.get(p.delivery_id)
                if delivery is None or delivery.status != "pending":
                    continue  # recorded already (a lease ran out and another worker tried it too)
                await self._record_one(session, delivery, p.outcome, p.final, now)

    async def _record_one(
        self, session: AsyncSession, delivery: WebhookDelivery, outcome: Outcome, final: bool, now: datetime
    ) -> None:
        delivery.attempted_at = now
        delivery.response_status = outcome.status_code
        delivery.duration_ms = outcome.duration_ms
        delivery.response_body = outcome.body
        delivery.error = (outcome.error or None) and outcome.error[:500]
        endpoint = await session.get(WebhookEndpoint, delivery.endpoint_id)
        if outcome.ok:
            delivery.status, delivery.next_attempt_at = "succeeded", now
            if endpoint is not None:
                endpoint.last_success_at, endpoint.failing_since = now, None
            return
        delivery.status = "failed"
        wait = None if final else self.delay(delivery.attempt)
        delivery.next_attempt_at = now + wait if wait is not None else now  # shown as the next retry
        if wait is not None:
            session.add(new_delivery(delivery.endpoint_id, delivery.event_id, now + wait, delivery.attempt + 1))
        else:
            log.warning("webhook delivery of %s to %s failed: %s", delivery.event_id, delivery.endpoint_id, outcome)
        if endpoint is not None and endpoint.enabled:
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
    "RETRY_SCHEDULE",
    "WebhookDeliverySettings",
    "WebhookWorker",
    "event_body",
    "fan_out",
    "subscribers",
    "webhook_lifespan",
)

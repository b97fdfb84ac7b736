"""The demo platform's webhook receiver: Folio's events, verified, kept in memory for the page's live feed.

::

    Folio's delivery worker ── POST /folio-webhooks (Standard Webhooks signature) ──▶ this backend
                               verify with the endpoint's secret, de-duplicate by webhook-id, keep the last 100
    page ── GET /folio-webhooks/feed?after=<seq> (every second or so) ──▶ newer events, newest first

:func:`register` runs once at the backend's start: it deletes the endpoints an earlier run left (same URL or
description: their secrets were only ever in that run's memory) and creates one for ``{backend}/folio-webhooks``
with ``events: ["*"]``. Folio answers the secret once; it lives in :class:`Feed` only.
"""

from __future__ import annotations

import asyncio
import logging
import secrets
from collections import OrderedDict, deque
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import httpx
from standardwebhooks import Webhook
from standardwebhooks.webhooks import WebhookVerificationError

log = logging.getLogger("folio.demo")

PATH = "/folio-webhooks"
DESCRIPTION = "Marketly demo"
KEEP = 100
"""Events the feed keeps (the oldest go first)."""
SEEN = 1000
"""webhook-ids remembered for de-duplication (more than :data:`KEEP`: a late retry of a dropped event is
still a duplicate)."""


class Unverified(ValueError):
    """A delivery whose signature does not verify (or that is not signed at all); the message says why."""


@dataclass
class Feed:
    """The received events, newest last, each with a sequence number the page polls after."""

    entity_names: Mapping[str, str] = field(default_factory=dict)
    secret: str | None = None
    """The endpoint's signing secret, once :func:`register` has it (never written anywhere)."""
    endpoint_id: str | None = None
    error: str | None = None
    """Why the endpoint is not registered (yet), for the page."""
    run: str = field(default_factory=lambda: secrets.token_hex(4))
    """This backend run: a page that polled an earlier run starts over."""
    events: deque[dict[str, Any]] = field(default_factory=lambda: deque(maxlen=KEEP))
    seen: OrderedDict[str, None] = field(default_factory=OrderedDict)
    seq: int = 0

    def receive(self, body: bytes, headers: Mapping[str, str]) -> bool:
        """Verify and keep one delivery; False for a duplicate (already kept). :class:`Unverified` otherwise."""
        if self.secret is None:
            raise Unverified("this backend has no webhook secret yet (its endpoint is not registered)")
        headers = {k.lower(): v for k, v in headers.items()}
        try:
            event = Webhook(self.secret).verify(body, headers)
        except (WebhookVerificationError, ValueError) as exc:  # a malformed header or body is a ValueError
            raise Unverified(f"the signature does not verify ({exc or type(exc).__name__})") from None
        if not isinstance(event, dict):
            raise Unverified("the signed body is not an event object")
        webhook_id = headers["webhook-id"]
        if webhook_id in self.seen:
            return False
        self.seen[webhook_id] = None
        while len(self.seen) > SEEN:
            self.seen.popitem(last=False)
        self.seq += 1
        self.events.append(self.summary(self.seq, webhook_id, event))
        return True

    def summary(self, seq: int, webhook_id: str, event: dict[str, Any]) -> dict[str, Any]:
        """What the page shows of an event: its type and times, the entity's name, and the object's number,
        status and amount where it has them."""
        data = event.get("data")
        obj = data.get("object") if isinstance(data, dict) else None
        obj = obj if isinstance(obj, dict) else {}
        entity_id = event.get("entity_id")
        amount = obj.get("total_with_tax", obj.get("amount"))
        return {
            "seq": seq,
            "id": webhook_id,
            "type": event.get("type"),
            "created_at": event.get("created_at"),
            "received_at": datetime.now(UTC).isoformat().replace("+00:00", "Z"),
            "entity_id": entity_id,
            "entity_name": self.entity_names.get(entity_id or "") or entity_id,
            "number": obj.get("number"),
            "status": obj.get("status"),
            "amount": amount if isinstance(amount, str | int | float) else None,
            "currency": obj.get("currency_code"),
            "verified": True,
        }

    def after(self, seq: int) -> list[dict[str, Any]]:
        """The kept events newer than ``seq``, newest first."""
        return [e for e in reversed(self.events) if e["seq"] > seq]

    def state(self, after: int, run: str | None) -> dict[str, Any]:
        since = after if run == self.run else 0
        return {
            "run": self.run,
            "registered": self.secret is not None,
            "error": self.error,
            "events": self.after(since),
        }


def _answer(response: httpx.Response) -> Any:
    """The JSON of a successful answer; RuntimeError saying what Folio answered otherwise."""
    if response.is_error:
        request = response.request
        raise RuntimeError(
            f"Folio answered {request.method} {request.url.path} {response.status_code}: {response.text}"
        )
    return response.json() if response.content else None


async def register(api: httpx.AsyncClient, url: str, feed: Feed) -> None:
    """Replace this demo's endpoint at Folio by a new one for ``url``; keep its secret in ``feed``.

    ``api`` carries the account key. Earlier endpoints with the same URL or the demo's description are
    deleted first: their secrets are gone with the run that created them, and re-runs must not pile them up.
    """
    earlier: list[str] = []
    cursor: str | None = None
    while True:
        params: dict[str, str | int] = {"limit": 100}
        if cursor:
            params["cursor"] = cursor
        listed = _answer(await api.get("/v1/webhook-endpoints", params=params))
        earlier += [e["id"] for e in listed["data"] if e["url"] == url or e.get("description") == DESCRIPTION]
        cursor = listed.get("next_cursor")
        if not cursor:
            break
    for endpoint_id in earlier:
        response = await api.delete(f"/v1/webhook-endpoints/{endpoint_id}")
        if response.status_code != 404:  # gone already (another run cleaned up)
            _answer(response)
    created = _answer(
        await api.post("/v1/webhook-endpoints", json={"url": url, "events": ["*"], "description": DESCRIPTION})
    )
    feed.secret, feed.endpoint_id, feed.error = created["secret"], created["id"], None


async def keep_registering(api: httpx.AsyncClient, url: str, feed: Feed, *, attempts: int = 30) -> None:
    """:func:`register`, retried with backoff (Folio may still be starting beside this backend)."""
    delay = 0.2
    for attempt in range(1, attempts + 1):
        try:
            await register(api, url, feed)
            log.info("webhook endpoint %s registered for %s", feed.endpoint_id, url)
            return
        except (httpx.HTTPError, RuntimeError, KeyError, TypeError, ValueError) as exc:
            feed.error = f"could not register the webhook endpoint at Folio: {exc or type(exc).__name__}"
            if attempt == attempts:
                log.warning("%s; giving up", feed.error)
                return
            await asyncio.sleep(delay)
            delay = min(delay * 2, 5)

"""The account's webhook endpoints: create, list, change, delete, rotate the secret, send a test event.

URL rules (:func:`check_url`, also for the delivery worker to re-check at send time): an absolute
``http``/``https`` URL without credentials; ``https`` only when ``require_https``; unless
``allow_private``, never a host that is, or resolves to, a loopback, private, link-local or reserved
address (:mod:`invoicing.core.netsafety`).
"""

from __future__ import annotations

from datetime import datetime

import httpx
import msgspec
from litestar import Request
from msgspec import UNSET
from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from contract.errors import Conflict, NotFound, ValidationFailed
from invoicing.auth.context import Scope
from invoicing.config import WebhookSettings
from invoicing.core.ids import new_id
from invoicing.core.netsafety import NonPublicAddress, check_public_host
from invoicing.core.paging import page
from invoicing.db.models import Entity, WebhookDelivery, WebhookEndpoint
from invoicing.db.types import utcnow
from invoicing.events import emit
from invoicing.events.schemas import EVENT_TYPES
from invoicing.webhooks.schemas import (
    WebhookEndpointCreate,
    WebhookEndpointList,
    WebhookEndpointOut,
    WebhookEndpointUpdate,
    WebhookEndpointWithSecret,
    WebhookTestOut,
)
from invoicing.webhooks.signing import ROTATION_OVERLAP, generate_secret


class UnsafeUrl(ValueError):
    """A webhook URL the rules refuse; the message says why."""


async def check_url(url: str, settings: WebhookSettings) -> str:
    """``url`` normalised, or :class:`UnsafeUrl` saying why it is refused (see the module docstring)."""
    try:
        parsed = httpx.URL(url)
    except (httpx.InvalidURL, TypeError, ValueError) as exc:
        raise UnsafeUrl(f"is not a valid URL ({exc})") from None
    if parsed.scheme not in ("http", "https") or not parsed.host or not url.lower().startswith(parsed.scheme + "://"):
        raise UnsafeUrl("must be an absolute http or https URL")
    if parsed.userinfo:
        raise UnsafeUrl("must not carry a user name or password")
    if parsed.fragment:
        raise UnsafeUrl("must not carry a #fragment")
    if settings.require_https and parsed.scheme != "https":
        raise UnsafeUrl("must use https")
    if not settings.allow_private:
        try:
            await check_public_host(parsed.host, parsed.port or (443 if parsed.scheme == "https" else 80))
        except NonPublicAddress as exc:
            raise UnsafeUrl(f"is not allowed: {exc} (loopback, private, link-local and reserved are refused)") from None
        except OSError:
            raise UnsafeUrl(f"names a host that does not resolve: {parsed.host}") from None
    return str(parsed)


def provide_webhook_settings(request: Request) -> WebhookSettings:
    return request.app.state.settings.webhooks


def to_out(endpoint: WebhookEndpoint) -> WebhookEndpointOut:
    return WebhookEndpointOut(
        id=endpoint.id,
        object="webhook_endpoint",
        url=endpoint.url,
        description=endpoint.description,
        events=list(endpoint.events),
        entity_ids=list(endpoint.entity_ids) if endpoint.entity_ids is not None else None,
        enabled=endpoint.enabled,
        disabled_reason=endpoint.disabled_reason,
        previous_secret_expires_at=endpoint.previous_secret_expires_at,
        last_success_at=endpoint.last_success_at,
        failing_since=endpoint.failing_since,
        created_at=endpoint.created_at,
        updated_at=endpoint.updated_at,
    )


def with_secret(endpoint: WebhookEndpoint) -> WebhookEndpointWithSecret:
    out = to_out(endpoint)
    return WebhookEndpointWithSecret(**{f: getattr(out, f) for f in out.__struct_fields__}, secret=endpoint.secret)


def _events(events: list[str]) -> list[str]:
    if "*" in events:
        if len(events) > 1:
            index = next(i for i, e in enumerate(events) if e != "*")
            raise ValidationFailed.field(f"events[{index}]", 'use ["*"] alone, or list event types')
        return ["*"]
    for i, event_type in enumerate(events):
        if event_type not in EVENT_TYPES:
            raise ValidationFailed.field(f"events[{i}]", f"{event_type!r} is not a known event type")
    return list(dict.fromkeys(events))


class WebhookService:
    """The calling account key's webhook endpoints (its account and environment), for one request."""

    def __init__(self, session: AsyncSession, ctx: Scope, settings: WebhookSettings) -> None:
        self.session, self.scope, self.principal, self.settings = session, ctx, ctx.principal, settings

    async def _url(self, url: str) -> str:
        try:
            return await check_url(url, self.settings)
        except UnsafeUrl as exc:
            raise ValidationFailed.field("url", str(exc)) from None

    async def _entity_ids(self, entity_ids: list[str] | None) -> list[str] | None:
        if entity_ids is None:
            return None
        unique = list(dict.fromkeys(entity_ids))
        found = set(
            (
                await self.session.execute(
                    select(Entity.id).where(
                        Entity.id.in_(unique),
                        Entity.account_id == self.principal.account_id,
                        Entity.environment == self.principal.environment,
                    )
                )
            ).scalars()
        )
        for i, entity_id in enumerate(entity_ids):
            if entity_id not in found:
                raise ValidationFailed.field(
                    f"entity_ids[{i}]", f"{entity_id} is not an entity of this account and environment"
                )
        return unique

    async def _get(self, endpoint_id: str) -> WebhookEndpoint:
        endpoint = await self.session.get(WebhookEndpoint, endpoint_id)
        if (
            endpoint is None
            or endpoint.account_id != self.principal.account_id
            or endpoint.environment != self.principal.environment
        ):
            raise NotFound(f"Webhook endpoint {endpoint_id} was not found.")
        return endpoint

    async def create(self, data: WebhookEndpointCreate) -> WebhookEndpointWithSecret:
        url = await self._url(data.url)
        events = _events(data.events)
        entity_ids = await self._entity_ids(data.entity_ids)
        now = utcnow()
        endpoint = WebhookEndpoint(
            id=new_id("webhook"),
            account_id=self.principal.account_id,
            environment=self.principal.environment,
            url=url,
            description=data.description,
            events=events,
            entity_ids=entity_ids,
            enabled=True,
            secret=generate_secret(),
            created_at=now,
            updated_at=now,
        )
        self.session.add(endpoint)
        return with_secret(endpoint)

    async def list(self, limit: int, cursor: str | None) -> WebhookEndpointList:
        stmt = select(WebhookEndpoint).where(
            WebhookEndpoint.account_id == self.principal.account_id,
            WebhookEndpoint.environment == self.principal.environment,
        )
        data, next_cursor = await page(self.session, stmt, WebhookEndpoint.id, limit, cursor, to_out)
        return WebhookEndpointList(data=data, next_cursor=next_cursor)

    async def get(self, endpoint_id: str) -> WebhookEndpointOut:
        return to_out(await self._get(endpoint_id))

    async def update(self, endpoint_id: str, data: WebhookEndpointUpdate) -> WebhookEndpointOut:
        endpoint = await self._get(endpoint_id)
        if data.url is not UNSET:
            endpoint.url = await self._url(data.url)
        if data.events is not UNSET:
            endpoint.events = _events(data.events)
        if data.entity_ids is not UNSET:
            endpoint.entity_ids = await self._entity_ids(data.entity_ids)
        if data.description is not UNSET:
            endpoint.description = data.description
        if data.enabled is not UNSET:
            if data.enabled and not endpoint.enabled:  # switched back on: a fresh start
                endpoint.disabled_reason = None
                endpoint.failing_since = None
            endpoint.enabled = data.enabled
        endpoint.updated_at = utcnow()
        return to_out(endpoint)

    async def delete(self, endpoint_id: str) -> None:
        endpoint = await self._get(endpoint_id)
        await self.session.execute(delete(WebhookDelivery).where(WebhookDelivery.endpoint_id == endpoint.id))
        await self.session.delete(endpoint)

    async def rotate_secret(self, endpoint_id: str, now: datetime | None = None) -> WebhookEndpointWithSecret:
        """A new secret; the current one keeps signing alongside it for :data:`ROTATION_OVERLAP`."""
        endpoint = await self._get(endpoint_id)
        now = now or utcnow()
        endpoint.previous_secret = endpoint.secret
        endpoint.previous_secret_expires_at = now + ROTATION_OVERLAP
        endpoint.secret = generate_secret()
        endpoint.updated_at = now
        return with_secret(endpoint)

    async def send_test(self, endpoint_id: str) -> WebhookTestOut:
        """A ``webhook.test`` event for this endpoint only, and its pending delivery (the worker sends it)."""
        endpoint = await self._get(endpoint_id)
        if not endpoint.enabled:
            raise Conflict(f"Webhook endpoint {endpoint_id} is disabled; enable it to send a test event.")
        event_id = emit(
            self.session,
            self.scope,
            "webhook.test",
            endpoint.id,
            {"endpoint_id": endpoint.id, "object": msgspec.to_builtins(to_out(endpoint))},
        )
        delivery = WebhookDelivery(
            id=new_id("webhook_delivery"),
            endpoint_id=endpoint.id,
            event_id=event_id,
            attempt=1,
            status="pending",
            next_attempt_at=utcnow(),
        )
        self.session.add(delivery)
        return WebhookTestOut(object="webhook_test", event_id=event_id, delivery_id=delivery.id)

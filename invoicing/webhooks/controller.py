"""Routes: the account's webhook endpoints (account keys only)."""

from __future__ import annotations

from litestar import Controller, delete, get, patch, post
from litestar.di import Provide

from invoicing.auth import Perm
from invoicing.core.params import Limit
from invoicing.webhooks.schemas import (
    WebhookEndpointCreate,
    WebhookEndpointList,
    WebhookEndpointOut,
    WebhookEndpointUpdate,
    WebhookEndpointWithSecret,
    WebhookTestOut,
)
from invoicing.webhooks.service import WebhookService, provide_webhook_settings

MANAGE = {"permission": Perm.WEBHOOKS_MANAGE}


class WebhookEndpointController(Controller):
    path = "/v1/webhook-endpoints"
    tags = ["Webhooks"]
    dependencies = {
        "webhooks": Provide(WebhookService, sync_to_thread=False),
        "settings": Provide(provide_webhook_settings, sync_to_thread=False),
    }

    @post(operation_id="createWebhookEndpoint", opt=MANAGE, summary="Add a webhook endpoint (its secret shown once)")
    async def create_endpoint(self, data: WebhookEndpointCreate, webhooks: WebhookService) -> WebhookEndpointWithSecret:
        return await webhooks.create(data)

    @get(operation_id="listWebhookEndpoints", opt=MANAGE, summary="List webhook endpoints, newest first")
    async def list_endpoints(
        self, webhooks: WebhookService, limit: Limit = 20, cursor: str | None = None
    ) -> WebhookEndpointList:
        return await webhooks.list(limit, cursor)

    @get("/{endpoint_id:str}", operation_id="getWebhookEndpoint", opt=MANAGE)
    async def get_endpoint(self, endpoint_id: str, webhooks: WebhookService) -> WebhookEndpointOut:
        return await webhooks.get(endpoint_id)

    @patch(
        "/{endpoint_id:str}",
        operation_id="updateWebhookEndpoint",
        opt=MANAGE,
        summary="Change a webhook endpoint's URL, events, entities, description, or switch it on or off",
    )
    async def update_endpoint(
        self, endpoint_id: str, data: WebhookEndpointUpdate, webhooks: WebhookService
    ) -> WebhookEndpointOut:
        return await webhooks.update(endpoint_id, data)

    @delete("/{endpoint_id:str}", operation_id="deleteWebhookEndpoint", opt=MANAGE, status_code=204)
    async def delete_endpoint(self, endpoint_id: str, webhooks: WebhookService) -> None:
        await webhooks.delete(endpoint_id)

    @post(
        "/{endpoint_id:str}/rotate-secret",
        operation_id="rotateWebhookEndpointSecret",
        opt=MANAGE,
        status_code=200,
        summary="A new signing secret; the old one keeps signing alongside it for 24 hours",
    )
    async def rotate_secret(self, endpoint_id: str, webhooks: WebhookService) -> WebhookEndpointWithSecret:
        return await webhooks.rotate_secret(endpoint_id)

    @post(
        "/{endpoint_id:str}/test",
        operation_id="testWebhookEndpoint",
        opt=MANAGE,
        status_code=202,
        summary="Send a webhook.test event to this endpoint now",
    )
    async def send_test(self, endpoint_id: str, webhooks: WebhookService) -> WebhookTestOut:
        return await webhooks.send_test(endpoint_id)

"""The API of record (``/v1``) as a Litestar app."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager

from litestar import Litestar, get
from litestar.connection import ASGIConnection
from litestar.exceptions import ValidationException
from litestar.handlers import BaseRouteHandler
from litestar.openapi import OpenAPIConfig
from litestar.openapi.spec import Components, SecurityScheme
from litestar.types import ControllerRouterHandler, Dependencies, LifespanHook

from contract.errors import EXCEPTION_HANDLERS
from contract.hygiene import input_hygiene
from contract.strict import StrictRequest
from invoicing.accounts.controller import AccountController
from invoicing.audit.controller import AuditLogController
from invoicing.auth import Perm, authorize
from invoicing.config import Settings
from invoicing.core import deps, openapi
from invoicing.core.paging import check_query
from invoicing.core.validate import validation_handler
from invoicing.customers.controller import CustomerController
from invoicing.db import Database
from invoicing.documents.controller import (
    AdvanceInvoiceController,
    CreditNoteController,
    EstimateController,
    InvoiceController,
)
from invoicing.documents.estimates import expiry_lifespan
from invoicing.einvoice.controller import (
    AdvanceInvoiceEInvoiceController,
    CreditNoteEInvoiceController,
    InvoiceEInvoiceController,
)
from invoicing.einvoice.peppol import PeppolController
from invoicing.emails.controller import EmailController, SendController
from invoicing.emails.delivery import delivery_lifespan
from invoicing.entities.controller import EntityController
from invoicing.events.controller import EventController
from invoicing.events.retention import retention_lifespan
from invoicing.exports.controller import ExportController
from invoicing.exports.worker import export_lifespan
from invoicing.items.controller import ItemController
from invoicing.payments.controller import PaymentController, RefundController
from invoicing.recurring.controller import RecurringInvoiceController
from invoicing.recurring.scheduler import recurring_lifespan
from invoicing.reminders import reminder_lifespan
from invoicing.reminders.controller import InvoiceReminderController
from invoicing.rendering import logo_lifespan
from invoicing.rendering.controller import (
    AdvanceInvoiceRenderingController,
    CreditNoteRenderingController,
    EstimateRenderingController,
    FileController,
    InvoiceRenderingController,
)
from invoicing.reports.controller import ReportController
from invoicing.taxes.controller import TaxRateController, VatNumberController
from invoicing.taxes.recheck import recheck_lifespan
from invoicing.taxes.vies import vies_lifespan
from invoicing.users.controller import EntityUserController
from invoicing.webhooks.controller import WebhookEndpointController
from invoicing.webhooks.deliveries_controller import DeliveryController
from invoicing.webhooks.delivery import webhook_lifespan

API_CONTROLLERS = [
    AccountController,
    EntityController,
    CustomerController,
    ItemController,
    InvoiceController,
    CreditNoteController,
    EstimateController,
    AdvanceInvoiceController,
    PaymentController,
    RefundController,
    EntityUserController,
    InvoiceRenderingController,
    CreditNoteRenderingController,
    EstimateRenderingController,
    InvoiceEInvoiceController,
    CreditNoteEInvoiceController,
    AdvanceInvoiceRenderingController,
    AdvanceInvoiceEInvoiceController,
    PeppolController,
    FileController,
    SendController,
    EmailController,
    AuditLogController,
    EventController,
    TaxRateController,
    VatNumberController,
    WebhookEndpointController,
    DeliveryController,
    ReportController,
    ExportController,
    InvoiceReminderController,
    RecurringInvoiceController,
]


@get("/healthz", opt={"permission": Perm.PUBLIC}, operation_id="health", include_in_schema=False)
async def health() -> dict[str, str]:
    return {"status": "ok"}


async def guard(connection: ASGIConnection, handler: BaseRouteHandler) -> None:
    """The app's guards as one async callable: :func:`invoicing.auth.authorize`, then
    :func:`invoicing.core.paging.check_query`. Litestar runs a sync guard in a worker thread (a thread hop
    per request) and copies the route handler for every guard; one async guard does neither twice."""
    await authorize(connection, handler)
    check_query(connection, handler)


def create_app(
    settings: Settings | None = None,
    *,
    database: Database | None = None,
    extra_route_handlers: Sequence[ControllerRouterHandler] = (),
    extra_dependencies: Dependencies | None = None,
    on_startup: Sequence[LifespanHook] = (),
    on_shutdown: Sequence[LifespanHook] = (),
) -> Litestar:
    settings = settings or Settings()
    db = database or Database(
        settings.database.url, echo=settings.database.echo, connections=settings.database.connections
    )

    @asynccontextmanager
    async def lifespan(app: Litestar) -> AsyncIterator[None]:
        app.state.db = db
        app.state.settings = settings
        try:
            yield
        finally:
            if database is None:
                await db.dispose()

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    logging.getLogger("httpx").setLevel(logging.WARNING)  # one line per BFF → API call would drown the rest
    app = Litestar(
        route_handlers=[*API_CONTROLLERS, health, *extra_route_handlers],
        guards=[guard],
        middleware=[input_hygiene],  # control characters, JSON nesting, query lengths: every route's input
        dependencies={**deps.app_dependencies(db), **(extra_dependencies or {})},
        exception_handlers={
            **EXCEPTION_HANDLERS,
            ValidationException: validation_handler,
            **deps.EXCEPTION_HANDLERS,
        },
        response_class=deps.ApiResponse,
        request_class=StrictRequest,  # bodies decoded as strictly as the document describes them
        lifespan=[
            lifespan,
            logo_lifespan,
            vies_lifespan,
            recheck_lifespan,
            delivery_lifespan,
            webhook_lifespan,
            retention_lifespan,
            export_lifespan,
            reminder_lifespan,
            expiry_lifespan,
            recurring_lifespan,
        ],
        on_startup=list(on_startup),
        on_shutdown=list(on_shutdown),
        request_max_body_size=2 * 1024 * 1024,
        openapi_config=OpenAPIConfig(
            title="Folio API",
            version="1.0.0",
            path="/schema",
            description="The invoicing layer platforms embed: entities, documents, numbering, payments, credit notes.",
            components=Components(security_schemes={"bearer": SecurityScheme(type="http", scheme="bearer")}),
            security=[{"bearer": []}],
        ),
        debug=False,
    )
    openapi.install(app)  # the real error answers (422 problem+json, …), metadata filters, exact request schemas
    return app

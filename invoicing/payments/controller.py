"""Routes: payments recorded against issued invoices."""

from __future__ import annotations

from litestar import Controller, Request, get, post
from litestar.di import Provide

from invoicing.auth import Perm
from invoicing.core.paging import METADATA_FILTERS, metadata_filters
from invoicing.core.params import Limit
from invoicing.payments.schemas import PaymentCreate, PaymentList, PaymentOut
from invoicing.payments.service import PaymentService

READ = {"permission": Perm.PAYMENTS_READ, "entity_scoped": True}


class PaymentController(Controller):
    path = "/v1/payments"
    tags = ["Payments"]
    dependencies = {"payments": Provide(PaymentService, sync_to_thread=False)}

    @post(
        operation_id="createPayment",
        opt={"permission": Perm.PAYMENTS_WRITE, "entity_scoped": True},
        summary="Record a payment (partial or full; overpayments are refused)",
    )
    async def create_payment(self, data: PaymentCreate, payments: PaymentService) -> PaymentOut:
        return await payments.create(data)

    @get(
        operation_id="listPayments",
        opt={**READ, **METADATA_FILTERS},
        summary="List payments; filter by reference (your external id)",
    )
    async def list_payments(
        self,
        request: Request,
        payments: PaymentService,
        limit: Limit = 20,
        cursor: str | None = None,
        reference: str | None = None,
        invoice_id: str | None = None,
    ) -> PaymentList:
        return await payments.list(limit, cursor, reference, invoice_id, metadata_filters(request))

    @get("/{payment_id:str}", operation_id="getPayment", opt=READ)
    async def get_payment(self, payment_id: str, payments: PaymentService) -> PaymentOut:
        return await payments.get(payment_id)

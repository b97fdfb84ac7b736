"""Routes: payments recorded against issued invoices, and refunds (money given back)."""

from __future__ import annotations

from litestar import Controller, Request, delete, get, post
from litestar.di import Provide

from invoicing.auth import Perm
from invoicing.core.paging import METADATA_FILTERS, metadata_filters
from invoicing.core.params import Limit
from invoicing.payments.refunds import RefundService
from invoicing.payments.schemas import PaymentCreate, PaymentList, PaymentOut, RefundCreate, RefundList, RefundOut
from invoicing.payments.service import PaymentService

READ = {"permission": Perm.PAYMENTS_READ, "entity_scoped": True}
WRITE = {"permission": Perm.PAYMENTS_WRITE, "entity_scoped": True}


class PaymentController(Controller):
    path = "/v1/payments"
    tags = ["Payments"]
    dependencies = {"payments": Provide(PaymentService, sync_to_thread=False)}

    @post(
        operation_id="createPayment",
        opt=WRITE,
        summary="Record a payment (partial or full; overpayments are refused)",
        description="A `reference` is recorded once per entity: again, it answers 409 with the payment that has it "
        "in `existing_id`, unless both are `split`.",
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

    @delete(
        "/{payment_id:str}",
        operation_id="deletePayment",
        opt=WRITE,
        status_code=204,
        summary="Delete a payment recorded by mistake",
        description="The invoice's `total_paid` and status follow; the deletion is in the audit log "
        "(`payment.deleted`). Money that went back to the customer is a refund instead.",
    )
    async def delete_payment(self, payment_id: str, payments: PaymentService) -> None:
        await payments.delete(payment_id)


class RefundController(Controller):
    path = "/v1/refunds"
    tags = ["Payments"]
    dependencies = {"refunds": Provide(RefundService, sync_to_thread=False)}

    @post(
        operation_id="createRefund",
        opt=WRITE,
        summary="Record a refund: money given back, against a credit note or an invoice",
        description="Never more than was paid and not yet refunded (nor, against a credit note, more than it "
        "credits and was not yet refunded). The invoice's `total_refunded`, `amount_to_refund`, `total_due` "
        "and status follow.",
    )
    async def create_refund(self, data: RefundCreate, refunds: RefundService) -> RefundOut:
        return await refunds.create(data)

    @get(operation_id="listRefunds", opt={**READ, **METADATA_FILTERS}, summary="List refunds")
    async def list_refunds(
        self,
        request: Request,
        refunds: RefundService,
        limit: Limit = 20,
        cursor: str | None = None,
        reference: str | None = None,
        invoice_id: str | None = None,
        credit_note_id: str | None = None,
    ) -> RefundList:
        return await refunds.list(
            limit,
            cursor,
            metadata_filters(request),
            reference=reference,
            invoice_id=invoice_id,
            credit_note_id=credit_note_id,
        )

    @get("/{refund_id:str}", operation_id="getRefund", opt=READ)
    async def get_refund(self, refund_id: str, refunds: RefundService) -> RefundOut:
        return await refunds.get(refund_id)

from __future__ import annotations

from litestar import Controller, Request, Response, get, post
from sqlalchemy import select

from invoicing.auth import Perm, Scope
from invoicing.core.http import database, write
from invoicing.core.paging import apply_metadata, metadata_filters, page
from invoicing.core.params import Limit
from invoicing.db.models import Document, Payment
from invoicing.payments import service
from invoicing.payments.schemas import PaymentCreate, PaymentList, PaymentOut

READ = {"permission": Perm.PAYMENTS_READ, "entity_scoped": True}


class PaymentController(Controller):
    path = "/v1/payments"
    tags = ["Payments"]

    @post(operation_id="createPayment", opt={"permission": Perm.PAYMENTS_WRITE, "entity_scoped": True},
          summary="Record a payment (partial or full; overpayments are refused)")
    async def create_payment(self, request: Request, ctx: Scope, data: PaymentCreate) -> Response[PaymentOut]:
        return await write(request, ctx, lambda s: service.create_payment(s, ctx, data))

    @get(operation_id="listPayments", opt=READ, summary="List payments; filter by reference (your external id)")
    async def list_payments(self, request: Request, ctx: Scope, limit: Limit = 20, cursor: str | None = None,
                            reference: str | None = None, invoice_id: str | None = None) -> PaymentList:
        stmt = apply_metadata(service.list_stmt(ctx, reference, invoice_id), Payment.metadata_, metadata_filters(request))
        async with database(request).transaction(write=False) as session:
            rows, next_cursor = await page(session, stmt, Payment.id, limit, cursor, lambda p: p)
            ids = {p.invoice_id for p in rows}
            statuses = dict((await session.execute(select(Document.id, Document.status).where(Document.id.in_(ids)))).all()) if ids else {}
        return PaymentList(data=[service.to_out(p, statuses.get(p.invoice_id, "")) for p in rows], next_cursor=next_cursor)

    @get("/{payment_id:str}", operation_id="getPayment", opt=READ)
    async def get_payment(self, request: Request, ctx: Scope, payment_id: str) -> PaymentOut:
        async with database(request).transaction(write=False) as session:
            return await service.get_payment(session, ctx, payment_id)

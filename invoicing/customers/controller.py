from __future__ import annotations

from litestar import Controller, Request, Response, delete, get, patch, post

from invoicing.auth import Perm, Scope
from invoicing.core.http import database, page, write
from invoicing.core.params import Limit, Search
from invoicing.customers import service
from invoicing.customers.schemas import CustomerCreate, CustomerList, CustomerOut, CustomerUpdate
from invoicing.db.models import Customer

READ = {"permission": Perm.CUSTOMERS_READ, "entity_scoped": True}
WRITE = {"permission": Perm.CUSTOMERS_WRITE, "entity_scoped": True}


class CustomerController(Controller):
    path = "/v1/customers"
    tags = ["Customers"]

    @post(operation_id="createCustomer", opt=WRITE)
    async def create_customer(self, request: Request, ctx: Scope, data: CustomerCreate) -> Response[CustomerOut]:
        return await write(request, ctx, lambda s: service.create_customer(s, ctx, data))

    @get(operation_id="listCustomers", opt=READ)
    async def list_customers(self, request: Request, ctx: Scope, limit: Limit = 20, cursor: str | None = None,
                             search: Search = None) -> CustomerList:
        async with database(request).transaction(write=False) as session:
            data, next_cursor = await page(session, service.list_stmt(ctx, search), Customer.id, limit, cursor, service.to_out)
        return CustomerList(data=data, next_cursor=next_cursor)

    @get("/{customer_id:str}", operation_id="getCustomer", opt=READ)
    async def get_customer(self, request: Request, ctx: Scope, customer_id: str) -> CustomerOut:
        async with database(request).transaction(write=False) as session:
            return service.to_out(await service.get_customer(session, ctx, customer_id))

    @patch("/{customer_id:str}", operation_id="updateCustomer", opt=WRITE)
    async def update_customer(self, request: Request, ctx: Scope, customer_id: str, data: CustomerUpdate) -> Response[CustomerOut]:
        return await write(request, ctx, lambda s: service.update_customer(s, ctx, customer_id, data), status=200)

    @delete("/{customer_id:str}", operation_id="deleteCustomer", opt=WRITE, status_code=204)
    async def delete_customer(self, request: Request, ctx: Scope, customer_id: str) -> None:
        async with database(request).transaction() as session:
            await service.delete_customer(session, ctx, customer_id)

"""Routes: the entity's customers."""

from __future__ import annotations

from litestar import Controller, Request, delete, get, patch, post
from litestar.di import Provide

from invoicing.auth import Perm
from invoicing.core.paging import METADATA_FILTERS, metadata_filters
from invoicing.core.params import Limit, Search
from invoicing.customers.schemas import CustomerCreate, CustomerList, CustomerOut, CustomerUpdate
from invoicing.customers.service import CustomerService

READ = {"permission": Perm.CUSTOMERS_READ, "entity_scoped": True}
WRITE = {"permission": Perm.CUSTOMERS_WRITE, "entity_scoped": True}


class CustomerController(Controller):
    path = "/v1/customers"
    tags = ["Customers"]
    dependencies = {"customers": Provide(CustomerService, sync_to_thread=False)}

    @post(operation_id="createCustomer", opt=WRITE)
    async def create_customer(self, data: CustomerCreate, customers: CustomerService) -> CustomerOut:
        return await customers.create(data)

    @get(
        operation_id="listCustomers",
        opt={**READ, **METADATA_FILTERS},
        summary="List customers, newest first",
        description="Filter by text (name or e-mail), your `external_id` and metadata[KEY]=VALUE.",
    )
    async def list_customers(
        self,
        request: Request,
        customers: CustomerService,
        limit: Limit = 20,
        cursor: str | None = None,
        search: Search = None,
        external_id: str | None = None,
    ) -> CustomerList:
        return await customers.list(limit, cursor, metadata_filters(request), search=search, external_id=external_id)

    @get("/{customer_id:str}", operation_id="getCustomer", opt=READ)
    async def get_customer(self, customer_id: str, customers: CustomerService) -> CustomerOut:
        return await customers.get(customer_id)

    @patch("/{customer_id:str}", operation_id="updateCustomer", opt=WRITE)
    async def update_customer(self, customer_id: str, data: CustomerUpdate, customers: CustomerService) -> CustomerOut:
        return await customers.update(customer_id, data)

    @delete("/{customer_id:str}", operation_id="deleteCustomer", opt=WRITE, status_code=204)
    async def delete_customer(self, customer_id: str, customers: CustomerService) -> None:
        await customers.delete(customer_id)

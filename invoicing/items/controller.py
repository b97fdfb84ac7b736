from __future__ import annotations

from litestar import Controller, Request, Response, delete, get, patch, post

from invoicing.auth import Perm, Scope
from invoicing.core.http import database, write
from invoicing.core.paging import page
from invoicing.core.params import Limit, Search
from invoicing.items import service
from invoicing.items.schemas import ItemCreate, ItemList, ItemOut, ItemUpdate
from invoicing.db.models import Item

READ = {"permission": Perm.ITEMS_READ, "entity_scoped": True}
WRITE = {"permission": Perm.ITEMS_WRITE, "entity_scoped": True}


class ItemController(Controller):
    path = "/v1/items"
    tags = ["Items"]

    @post(operation_id="createItem", opt=WRITE)
    async def create_item(self, request: Request, ctx: Scope, data: ItemCreate) -> Response[ItemOut]:
        return await write(request, ctx, lambda s: service.create_item(s, ctx, data))

    @get(operation_id="listItems", opt=READ)
    async def list_items(self, request: Request, ctx: Scope, limit: Limit = 20, cursor: str | None = None,
                             search: Search = None) -> ItemList:
        async with database(request).transaction(write=False) as session:
            data, next_cursor = await page(session, service.list_stmt(ctx, search), Item.id, limit, cursor, service.to_out)
        return ItemList(data=data, next_cursor=next_cursor)

    @get("/{item_id:str}", operation_id="getItem", opt=READ)
    async def get_item(self, request: Request, ctx: Scope, item_id: str) -> ItemOut:
        async with database(request).transaction(write=False) as session:
            return service.to_out(await service.get_item(session, ctx, item_id))

    @patch("/{item_id:str}", operation_id="updateItem", opt=WRITE)
    async def update_item(self, request: Request, ctx: Scope, item_id: str, data: ItemUpdate) -> Response[ItemOut]:
        return await write(request, ctx, lambda s: service.update_item(s, ctx, item_id, data), status=200)

    @delete("/{item_id:str}", operation_id="deleteItem", opt=WRITE, status_code=204)
    async def delete_item(self, request: Request, ctx: Scope, item_id: str) -> None:
        async with database(request).transaction() as session:
            await service.delete_item(session, ctx, item_id)

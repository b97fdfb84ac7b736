"""Routes: the entity's items of items."""

from __future__ import annotations

from litestar import Controller, Request, delete, get, patch, post
from litestar.di import Provide

from invoicing.auth import Perm
from invoicing.core.paging import METADATA_FILTERS, metadata_filters
from invoicing.core.params import Limit, Search
from invoicing.items.schemas import ItemCreate, ItemList, ItemOut, ItemUpdate
from invoicing.items.service import ItemService

READ = {"permission": Perm.ITEMS_READ, "entity_scoped": True}
WRITE = {"permission": Perm.ITEMS_WRITE, "entity_scoped": True}


class ItemController(Controller):
    path = "/v1/items"
    tags = ["Items"]
    dependencies = {"items": Provide(ItemService, sync_to_thread=False)}

    @post(operation_id="createItem", opt=WRITE)
    async def create_item(self, data: ItemCreate, items: ItemService) -> ItemOut:
        return await items.create(data)

    @get(operation_id="listItems", opt={**READ, **METADATA_FILTERS})
    async def list_items(
        self, request: Request, items: ItemService, limit: Limit = 20, cursor: str | None = None, search: Search = None
    ) -> ItemList:
        return await items.list(limit, cursor, search, metadata_filters(request))

    @get("/{item_id:str}", operation_id="getItem", opt=READ)
    async def get_item(self, item_id: str, items: ItemService) -> ItemOut:
        return await items.get(item_id)

    @patch("/{item_id:str}", operation_id="updateItem", opt=WRITE)
    async def update_item(self, item_id: str, data: ItemUpdate, items: ItemService) -> ItemOut:
        return await items.update(item_id, data)

    @delete("/{item_id:str}", operation_id="deleteItem", opt=WRITE, status_code=204)
    async def delete_item(self, item_id: str, items: ItemService) -> None:
        await items.delete(item_id)

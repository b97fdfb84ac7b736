from __future__ import annotations

from litestar import Controller, Request, Response, get, patch, post

from invoicing.auth import Perm, Scope
from invoicing.core.http import database, write
from invoicing.core.paging import page
from invoicing.core.params import Limit
from invoicing.db.models import Entity
from invoicing.entities import service
from invoicing.entities.schemas import ApiKeyCreate, ApiKeyOut, EntityCreate, EntityList, EntityOut, EntityUpdate

class EntityController(Controller):
    path = "/v1/entities"
    tags = ["Entities"]

    @post(operation_id="createEntity", opt={"permission": Perm.ENTITIES_CREATE}, summary="Create an entity for a business customer")
    async def create_entity(self, request: Request, ctx: Scope, data: EntityCreate) -> Response[EntityOut]:
        return await write(request, ctx, lambda s: service.create_entity(s, ctx, data))

    @get(operation_id="listEntities", opt={"permission": Perm.ENTITY_READ})
    async def list_entities(self, request: Request, ctx: Scope, limit: Limit = 20, cursor: str | None = None) -> EntityList:
        async with database(request).transaction(write=False) as session:
            stmt = await service.list_entities(session, ctx)
            data, next_cursor = await page(session, stmt, Entity.id, limit, cursor, service.to_out)
        return EntityList(data=data, next_cursor=next_cursor)

    @get("/{entity_id:str}", operation_id="getEntity", opt={"permission": Perm.ENTITY_READ})
    async def get_entity(self, request: Request, ctx: Scope, entity_id: str) -> EntityOut:
        async with database(request).transaction(write=False) as session:
            return service.to_out(await service.get_entity(session, ctx, entity_id))

    @patch("/{entity_id:str}", operation_id="updateEntity", opt={"permission": Perm.ENTITY_WRITE},
           summary="Change an entity; settings merge into the stored ones")
    async def update_entity(self, request: Request, ctx: Scope, entity_id: str, data: EntityUpdate) -> Response[EntityOut]:
        return await write(request, ctx, lambda s: service.update_entity(s, ctx, entity_id, data), status=200)

    @post("/{entity_id:str}/api-keys", operation_id="createEntityApiKey", opt={"permission": Perm.API_KEYS_CREATE},
          summary="Create an entity key (shown once)")
    async def create_api_key(self, request: Request, ctx: Scope, entity_id: str, data: ApiKeyCreate | None = None) -> Response[ApiKeyOut]:
        return await write(request, ctx, lambda s: service.create_entity_key(s, ctx, entity_id, data.name if data else None))

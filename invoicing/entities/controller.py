"""Routes: entities (a business customer's legal identity and settings) and their keys."""

from __future__ import annotations

from litestar import Controller, Request, get, patch, post
from litestar.di import Provide

from invoicing.auth import Perm
from invoicing.core.paging import METADATA_FILTERS, metadata_filters
from invoicing.core.params import Limit
from invoicing.entities.schemas import ApiKeyCreate, ApiKeyOut, EntityCreate, EntityList, EntityOut, EntityUpdate
from invoicing.entities.service import EntityService


class EntityController(Controller):
    path = "/v1/entities"
    tags = ["Entities"]
    dependencies = {"entities": Provide(EntityService, sync_to_thread=False)}

    @post(
        operation_id="createEntity",
        opt={"permission": Perm.ENTITIES_CREATE},
        summary="Create an entity for a business customer",
    )
    async def create_entity(self, data: EntityCreate, entities: EntityService) -> EntityOut:
        return await entities.create(data)

    @get(
        operation_id="listEntities",
        opt={"permission": Perm.ENTITY_READ, **METADATA_FILTERS},
        summary="List entities, newest first",
        description="Filter by metadata[KEY]=VALUE.",
    )
    async def list_entities(
        self, request: Request, entities: EntityService, limit: Limit = 20, cursor: str | None = None
    ) -> EntityList:
        return await entities.list(limit, cursor, metadata_filters(request))

    @get("/{entity_id:str}", operation_id="getEntity", opt={"permission": Perm.ENTITY_READ})
    async def get_entity(self, entity_id: str, entities: EntityService) -> EntityOut:
        return await entities.get(entity_id)

    @patch(
        "/{entity_id:str}",
        operation_id="updateEntity",
        opt={"permission": Perm.ENTITY_WRITE},
        summary="Change an entity; settings merge into the stored ones",
    )
    async def update_entity(self, entity_id: str, data: EntityUpdate, entities: EntityService) -> EntityOut:
        return await entities.update(entity_id, data)

    @post(
        "/{entity_id:str}/api-keys",
        operation_id="createEntityApiKey",
        opt={"permission": Perm.API_KEYS_CREATE},
        summary="Create an entity key (shown once)",
    )
    async def create_api_key(
        self, entity_id: str, entities: EntityService, data: ApiKeyCreate | None = None
    ) -> ApiKeyOut:
        return await entities.create_key(entity_id, data.name if data else None)

from __future__ import annotations

from litestar import Controller, Request, Response, delete, get, patch, post

from invoicing.auth import Perm, Scope
from invoicing.core.http import database, page, write
from invoicing.core.params import Limit
from invoicing.db.models import EntityUser
from invoicing.users import service
from invoicing.users.schemas import EntityUserCreate, EntityUserList, EntityUserOut, EntityUserUpdate, Role

MANAGE = {"permission": Perm.TEAM_MANAGE, "entity_scoped": True}
READ = {"permission": Perm.TEAM_READ, "entity_scoped": True}


class EntityUserController(Controller):
    path = "/v1/entity-users"
    tags = ["Entity users"]

    @post(operation_id="createEntityUser", opt=MANAGE, summary="Add a user to the entity with a role")
    async def create_user(self, request: Request, ctx: Scope, data: EntityUserCreate) -> Response[EntityUserOut]:
        return await write(request, ctx, lambda s: service.create_user(s, ctx, data))

    @get(operation_id="listEntityUsers", opt=READ)
    async def list_users(self, request: Request, ctx: Scope, limit: Limit = 20, cursor: str | None = None,
                         role: Role | None = None, external_id: str | None = None) -> EntityUserList:
        async with database(request).transaction(write=False) as session:
            data, next_cursor = await page(session, service.list_stmt(ctx, role, external_id), EntityUser.id, limit,
                                           cursor, service.to_out)
        return EntityUserList(data=data, next_cursor=next_cursor)

    @get("/{user_id:str}", operation_id="getEntityUser", opt=READ)
    async def get_user(self, request: Request, ctx: Scope, user_id: str) -> EntityUserOut:
        async with database(request).transaction(write=False) as session:
            return service.to_out(await service.get_user(session, ctx, user_id))

    @patch("/{user_id:str}", operation_id="updateEntityUser", opt=MANAGE, summary="Change a user's role or details")
    async def update_user(self, request: Request, ctx: Scope, user_id: str, data: EntityUserUpdate) -> Response[EntityUserOut]:
        return await write(request, ctx, lambda s: service.update_user(s, ctx, user_id, data), status=200)

    @delete("/{user_id:str}", operation_id="deleteEntityUser", opt=MANAGE, status_code=204)
    async def delete_user(self, request: Request, ctx: Scope, user_id: str) -> None:
        async with database(request).transaction() as session:
            await service.delete_user(session, ctx, user_id)

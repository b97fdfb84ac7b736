from __future__ import annotations

from litestar import Controller, Request, Response, delete, get, patch, post

from invoicing.auth import Perm, Scope
from invoicing.core.http import database, write
from invoicing.core.paging import page
from invoicing.core.params import Limit
from invoicing.db.models import EntityUser
from invoicing.signin.mail import Mailer, wake_worker
from invoicing.users import service
from invoicing.users.schemas import EntityUserCreate, EntityUserList, EntityUserOut, EntityUserUpdate, Role

MANAGE = {"permission": Perm.TEAM_MANAGE, "entity_scoped": True}
READ = {"permission": Perm.TEAM_READ, "entity_scoped": True}


class EntityUserController(Controller):
    path = "/v1/entity-users"
    tags = ["Entity users"]

    @post(operation_id="createEntityUser", opt=MANAGE, summary="Add a user to the entity with a role",
          description="With `send_invite: true` the user is `invited` and gets an e-mail (in the entity's language, "
                      "recorded at /v1/emails) with a single-use link to the standalone dashboard, valid 72 hours; "
                      "opening it makes the user `active` and sets `accepted_at`.")
    async def create_user(self, request: Request, ctx: Scope, data: EntityUserCreate) -> Response[EntityUserOut]:
        mailer = Mailer.of(request.app.state.settings)
        response = await write(request, ctx, lambda s: service.create_user(s, ctx, data, mailer))
        if data.send_invite:
            wake_worker(request.app)
        return response

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

    @post("/{user_id:str}/invitation", operation_id="resendEntityUserInvitation", opt=MANAGE, status_code=200,
          summary="Resend a pending invitation",
          description="E-mails a new invitation link; links sent before stop working. A user who already accepted "
                      "answers 409 (they ask for a sign-in link at /app/sign-in instead).")
    async def resend_invitation(self, request: Request, ctx: Scope, user_id: str) -> Response[EntityUserOut]:
        mailer = Mailer.of(request.app.state.settings)
        response = await write(request, ctx, lambda s: service.resend_invitation(s, ctx, user_id, mailer), status=200)
        wake_worker(request.app)
        return response

    @delete("/{user_id:str}/invitation", operation_id="revokeEntityUserInvitation", opt=MANAGE, status_code=204,
            summary="Revoke a pending invitation",
            description="Its links stop working and the invited user is removed. A user who already accepted answers "
                        "409: remove them with DELETE /v1/entity-users/{id}.")
    async def revoke_invitation(self, request: Request, ctx: Scope, user_id: str) -> None:
        async with database(request).transaction() as session:
            await service.revoke_invitation(session, ctx, user_id)

    @delete("/{user_id:str}", operation_id="deleteEntityUser", opt=MANAGE, status_code=204)
    async def delete_user(self, request: Request, ctx: Scope, user_id: str) -> None:
        async with database(request).transaction() as session:
            await service.delete_user(session, ctx, user_id)

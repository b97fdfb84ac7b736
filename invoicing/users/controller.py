"""Routes: the entity's users (the team) and their invitations."""

from __future__ import annotations

from litestar import Controller, delete, get, patch, post
from litestar.di import Provide

from invoicing.auth import Perm
from invoicing.core.deps import SETTINGS
from invoicing.core.params import Limit
from invoicing.users.schemas import EntityUserCreate, EntityUserList, EntityUserOut, EntityUserUpdate, Role
from invoicing.users.service import UserService

MANAGE = {"permission": Perm.TEAM_MANAGE, "entity_scoped": True}
READ = {"permission": Perm.TEAM_READ, "entity_scoped": True}


class EntityUserController(Controller):
    path = "/v1/entity-users"
    tags = ["Entity users"]
    dependencies = {"users": Provide(UserService, sync_to_thread=False), "settings": SETTINGS}

    @post(
        operation_id="createEntityUser",
        opt=MANAGE,
        summary="Add a user to the entity with a role",
        description="With `send_invite: true` the user is `invited` and gets an e-mail (in the entity's language, "
        "recorded at /v1/emails) with a single-use link to the standalone dashboard, valid 72 hours; "
        "opening it makes the user `active` and sets `accepted_at`.",
    )
    async def create_user(self, data: EntityUserCreate, users: UserService) -> EntityUserOut:
        return await users.create(data)

    @get(operation_id="listEntityUsers", opt=READ)
    async def list_users(
        self,
        users: UserService,
        limit: Limit = 20,
        cursor: str | None = None,
        role: Role | None = None,
        external_id: str | None = None,
    ) -> EntityUserList:
        return await users.list(limit, cursor, role, external_id)

    @get("/{user_id:str}", operation_id="getEntityUser", opt=READ)
    async def get_user(self, user_id: str, users: UserService) -> EntityUserOut:
        return await users.get(user_id)

    @patch("/{user_id:str}", operation_id="updateEntityUser", opt=MANAGE, summary="Change a user's role or details")
    async def update_user(self, user_id: str, data: EntityUserUpdate, users: UserService) -> EntityUserOut:
        return await users.update(user_id, data)

    @post(
        "/{user_id:str}/invitation",
        operation_id="resendEntityUserInvitation",
        opt=MANAGE,
        status_code=200,
        summary="Resend a pending invitation",
        description="E-mails a new invitation link; links sent before stop working. A user who already accepted "
        "answers 409 (they ask for a sign-in link at /app/sign-in instead).",
    )
    async def resend_invitation(self, user_id: str, users: UserService) -> EntityUserOut:
        return await users.resend_invitation(user_id)

    @delete(
        "/{user_id:str}/invitation",
        operation_id="revokeEntityUserInvitation",
        opt=MANAGE,
        status_code=204,
        summary="Revoke a pending invitation",
        description="Its links stop working and the invited user is removed. A user who already accepted answers "
        "409: remove them with DELETE /v1/entity-users/{id}.",
    )
    async def revoke_invitation(self, user_id: str, users: UserService) -> None:
        await users.revoke_invitation(user_id)

    @delete("/{user_id:str}", operation_id="deleteEntityUser", opt=MANAGE, status_code=204)
    async def delete_user(self, user_id: str, users: UserService) -> None:
        await users.delete(user_id)

"""Routes: the calling entity user (``/v1/me``) and the BFF-only embed endpoints."""

from __future__ import annotations

from litestar import Controller, get, post
from litestar.di import Provide

from invoicing.auth import Perm
from invoicing.embed.schemas import MeOut, ShellOut, TokenUseIn
from invoicing.embed.service import EmbedService

ENTITY_READ = {"permission": Perm.ENTITY_READ, "entity_scoped": True}
EMBED = {"embed": Provide(EmbedService, sync_to_thread=False)}


class MeController(Controller):
    path = "/v1/me"
    tags = ["Embed"]
    dependencies = EMBED

    @get(operation_id="getMe", opt=ENTITY_READ, summary="The calling entity user: user, entity, role and permissions")
    async def get_me(self, embed: EmbedService) -> MeOut:
        return await embed.me()


class EmbedInternalController(Controller):
    """Called by the BFF only, with the credentials of :mod:`contract.credentials`."""

    path = "/v1/embed"
    include_in_schema = False
    dependencies = EMBED

    @post("/token-uses", operation_id="consumeEmbedToken", opt=ENTITY_READ)
    async def consume_token(self, data: TokenUseIn, embed: EmbedService) -> MeOut:
        return await embed.consume_token(data)

    @get("/shell", operation_id="getEmbedShell", opt=ENTITY_READ)
    async def shell(self, embed: EmbedService) -> ShellOut:
        return await embed.shell()

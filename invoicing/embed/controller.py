from __future__ import annotations

from litestar import Controller, Request, Response, get, post

from invoicing.auth import Perm, Scope
from invoicing.core.http import database
from invoicing.embed import service
from invoicing.embed.schemas import MeOut, ShellOut, TokenUseIn

ENTITY_READ = {"permission": Perm.ENTITY_READ, "entity_scoped": True}


class MeController(Controller):
    path = "/v1/me"
    tags = ["Embed"]

    @get(operation_id="getMe", opt=ENTITY_READ, summary="The calling entity user: user, entity, role and permissions")
    async def get_me(self, request: Request, ctx: Scope) -> MeOut:
        async with database(request).transaction(write=False) as session:
            return await service.me(session, ctx)


class EmbedInternalController(Controller):
    """Called by the BFF only, with the credentials of :mod:`contract.credentials`."""

    path = "/v1/embed"
    include_in_schema = False

    @post("/token-uses", operation_id="consumeEmbedToken", opt=ENTITY_READ)
    async def consume_token(self, request: Request, ctx: Scope, data: TokenUseIn) -> Response[MeOut]:
        async with database(request).transaction() as session:
            result = await service.consume_token(session, ctx, data)
        return Response(result, status_code=201)

    @get("/shell", operation_id="getEmbedShell", opt=ENTITY_READ)
    async def shell(self, request: Request, ctx: Scope) -> ShellOut:
        async with database(request).transaction(write=False) as session:
            return await service.shell(session, ctx)

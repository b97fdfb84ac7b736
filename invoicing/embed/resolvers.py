"""Turn the BFF's credentials (:mod:`contract.credentials`) into principals for the one guard
(:mod:`invoicing.auth.guard`); :func:`register` adds them to its resolvers, once, when the server is built."""

from __future__ import annotations

from litestar.connection import ASGIConnection

from contract import credentials
from contract.errors import Unauthorized
from invoicing.auth.context import Principal
from invoicing.auth.guard import EXTRA_RESOLVERS, user_principal_and_entity
from invoicing.auth.permissions import Perm
from invoicing.db.models import Entity

SHELL_PERMISSIONS = frozenset({Perm.ENTITY_READ})


def _keys(connection: ASGIConnection) -> list[str]:
    return connection.app.state.settings.security.signing_keys()


async def resolve_user(connection: ASGIConnection, token: str, entity_id: str | None) -> tuple[Principal, Entity]:
    """The user's current role and its entity, in one query (a named other entity then answers 404)."""
    account_id, environment, bound, user_id = credentials.read_user(_keys(connection), token)
    return await user_principal_and_entity(connection.app.state.db, account_id, environment, bound, user_id)


async def resolve_shell(connection: ASGIConnection, token: str, entity_id: str | None) -> tuple[Principal, Entity]:
    entity_id = credentials.read_shell(_keys(connection), token)
    async with connection.app.state.db.transaction(write=False) as session:
        entity = await session.get(Entity, entity_id)
    if entity is None:
        raise Unauthorized(f"Entity {entity_id} does not exist.")
    return Principal(
        entity.account_id, entity.environment, "service", "embed-shell", SHELL_PERMISSIONS, entity_id=entity.id
    ), entity


def register() -> None:
    """Route ``embu_…`` and ``embs_…`` bearer credentials to these resolvers."""
    EXTRA_RESOLVERS[credentials.USER_PREFIX] = resolve_user
    EXTRA_RESOLVERS[credentials.SHELL_PREFIX] = resolve_shell

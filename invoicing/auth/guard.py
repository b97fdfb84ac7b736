"""The single guard. It authenticates the bearer credential, checks the permission the route names
in ``opt["permission"]``, and for entity-scoped routes loads the entity (404 outside the caller's
scope, exactly as if it did not exist)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from typing import Any

from litestar import Request
from litestar.connection import ASGIConnection
from litestar.handlers import BaseRouteHandler
from sqlalchemy import String, bindparam, func, select
from sqlalchemy.orm import make_transient_to_detached

from contract.errors import Forbidden, NotFound, Unauthorized, ValidationFailed
from invoicing.auth import keys
from invoicing.auth.context import Principal, Scope
from invoicing.auth.permissions import ACCOUNT_KEY, ENTITY_KEY, PERMISSION_WORDS, ROLES, Perm
from invoicing.db import Database
from invoicing.db.engine import Prepared
from invoicing.db.models import ApiKey, Entity, EntityUser

# Other credential kinds (the BFF's scoped entity-user credential) register a resolver here:
# prefix → async (connection, token, entity_id) → (Principal, the entity named or bound, or None), like
# resolve_key; the connection gives the app's database and settings
EXTRA_RESOLVERS: dict[str, Callable[[ASGIConnection, str, str | None], Awaitable[tuple[Principal, Entity | None]]]] = {}


# The key and the entity it works on (the one named, else the key's own) in one statement on a reader
# connection, run by the driver (Prepared, typed rows): no ORM session, unit of work or per-statement
# machinery for the read every call makes. The key is read on every call, so a revoked key fails at once.
_ENTITY_COLUMNS = tuple(Entity.__table__.columns)
_ENTITY_ATTRIBUTES = tuple(Entity.__mapper__.get_property_by_column(column).key for column in _ENTITY_COLUMNS)
_KEY_AND_ENTITY = Prepared(
    select(ApiKey.id, ApiKey.account_id, ApiKey.environment, ApiKey.entity_id, ApiKey.revoked_at, *_ENTITY_COLUMNS)
    .outerjoin(Entity, Entity.id == func.coalesce(bindparam("entity_id", type_=String), ApiKey.entity_id))
    .where(ApiKey.key_hash == bindparam("key_hash")),
    typed_rows=True,
)
_KEY_FIELDS = 5  # the columns before the entity's


def _key_principal(key_id: str, account_id: str, environment: str, entity_id: str | None) -> Principal:
    if entity_id is None:
        return Principal(account_id, environment, "account", key_id, ACCOUNT_KEY)
    return Principal(account_id, environment, "entity", key_id, ENTITY_KEY, entity_id=entity_id)


def _loaded_entity(values: Sequence[Any]) -> Entity | None:
    """The entity row as an ORM object detached from any session, exactly as a query's result is once its
    session closed (its attributes loaded, no change pending); None for a row without an entity."""
    if values[0] is None:
        return None
    entity: Entity = Entity.__mapper__.class_manager.new_instance()
    entity.__dict__.update(zip(_ENTITY_ATTRIBUTES, values, strict=True))
    make_transient_to_detached(entity)
    return entity


async def resolve_key(db: Database, token: str, entity_id: str | None = None) -> tuple[Principal, Entity | None]:
    """The key's principal, and the entity named by ``entity_id`` (else the key's own entity), read in the
    same statement."""
    if keys.parse(token) is None:
        raise Unauthorized("The API key is malformed; expected sk_<env>_… or ek_<env>_….")
    params = {"key_hash": keys.digest(token), "entity_id": entity_id or None}
    rows = await _KEY_AND_ENTITY.fetch_alone(db.reader, params)
    row = rows[0] if rows else None
    if row is None or row[4] is not None:  # unknown or revoked
        raise Unauthorized("The API key is not valid.")
    return _key_principal(row[0], row[1], row[2], row[3]), _loaded_entity(row[_KEY_FIELDS:])


# An entity user's current status and role with its entity, likewise in one statement.
_USER_AND_ENTITY = Prepared(
    select(EntityUser.status, EntityUser.role, *_ENTITY_COLUMNS)
    .join(Entity, Entity.id == EntityUser.entity_id)
    .where(EntityUser.id == bindparam("user_id"), EntityUser.entity_id == bindparam("entity_id")),
    typed_rows=True,
)
_USER_FIELDS = 2  # the columns before the entity's


async def user_principal_and_entity(
    db: Database, account_id: str, environment: str, entity_id: str, user_id: str
) -> tuple[Principal, Entity]:
    """The current role of an entity user, read on every call so a change applies at once; the user's
    entity comes with it, in the same statement (on a reader connection, like :func:`resolve_key`)."""
    rows = await _USER_AND_ENTITY.fetch_alone(db.reader, {"user_id": user_id, "entity_id": entity_id})
    row = rows[0] if rows else None
    entity = _loaded_entity(row[_USER_FIELDS:]) if row is not None else None
    if (
        row is None
        or row[0] == "removed"
        or entity is None
        or entity.account_id != account_id
        or entity.environment != environment
    ):
        raise Unauthorized("This user no longer has access to the entity.")
    role = row[1]
    principal = Principal(account_id, environment, "user", user_id, ROLES[role], entity_id=entity_id, role=role)
    return principal, entity


async def user_principal(db: Database, account_id: str, environment: str, entity_id: str, user_id: str) -> Principal:
    """The current role of an entity user, read on every call so a change applies at once."""
    return (await user_principal_and_entity(db, account_id, environment, entity_id, user_id))[0]


async def authenticate(connection: ASGIConnection, entity_id: str | None = None) -> tuple[Principal, Entity | None]:
    """The caller's principal and, when asked for, the entity row (possibly outside its scope)."""
    db: Database = connection.app.state.db
    header = connection.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise Unauthorized("Send the credential as 'Authorization: Bearer <key>'.")
    token = token.strip()
    for prefix, resolver in EXTRA_RESOLVERS.items():
        if token.startswith(prefix):
            return await resolver(connection, token, entity_id)
    return await resolve_key(db, token, entity_id)


def check_entity(principal: Principal, entity_id: str | None, entity: Entity | None) -> Entity:
    """The entity an entity-scoped call works on: 404 outside the caller's scope, as if it did not exist."""
    if principal.entity_id is not None and entity_id is not None and entity_id != principal.entity_id:
        raise NotFound(f"Entity {entity_id} was not found.")
    wanted = entity_id or principal.entity_id
    if not wanted:
        raise _missing_entity()
    if (
        entity is None
        or entity.id != wanted
        or entity.account_id != principal.account_id
        or entity.environment != principal.environment
    ):
        raise NotFound(f"Entity {wanted} was not found.")
    return entity


def _missing_entity() -> ValidationFailed:
    return ValidationFailed(
        "This call is entity-scoped: name the entity with the X-Entity-Id header.",
        errors=[{"field": "X-Entity-Id", "message": "is required with an account key"}],
    )


async def authorize(connection: ASGIConnection, handler: BaseRouteHandler) -> None:
    permission = handler.opt.get("permission")
    openapi = connection.app.openapi_config
    if (
        permission is None
        and openapi is not None
        and openapi.path is not None
        and connection.url.path.startswith(openapi.path)
    ):
        return  # the OpenAPI document is public
    if permission is None:
        raise Forbidden(f"Route {handler} declares no permission.")
    if permission == Perm.PUBLIC:
        return
    scoped = bool(handler.opt.get("entity_scoped"))
    entity_id = connection.headers.get("x-entity-id") if scoped else None
    principal, entity = await authenticate(connection, entity_id)
    if permission not in principal.permissions:
        words = PERMISSION_WORDS.get(permission, str(permission))
        who = f"The {principal.role} role" if principal.role else "This key"
        raise Forbidden(f"{who} may not {words}.", permission=str(permission))
    connection.state.scope = Scope(principal, check_entity(principal, entity_id, entity) if scoped else None)


def provide_scope(request: Request) -> Scope | None:
    """The ``ctx`` dependency: the scope set above, or None on a public route."""
    return request.scope["state"].get("scope")

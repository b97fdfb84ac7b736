"""Who is calling (:class:`Principal`) and on which entity (:class:`Scope`)."""

from __future__ import annotations

from dataclasses import dataclass

from contract.schemas import Role
from invoicing.auth.permissions import Perm
from invoicing.db.models import Entity


@dataclass(frozen=True)
class Principal:
    account_id: str
    environment: str
    kind: str  # "account" | "entity" | "user" | "system" (Folio's own background work)
    credential_id: str  # the API key's id, or the entity user's id
    permissions: frozenset[Perm]
    entity_id: str | None = None  # bound entity: entity keys and entity users
    role: Role | None = None

    @property
    def actor(self) -> str:
        if self.kind in ("user", "system"):
            return f"{self.kind}:{self.credential_id}"
        return f"key:{self.credential_id}"


@dataclass(frozen=True)
class Scope:
    principal: Principal
    entity: Entity | None

    @property
    def entity_id(self) -> str:
        assert self.entity is not None
        return self.entity.id

    @property
    def bound_entity(self) -> Entity:
        """The entity of an entity-scoped call (the guard resolved it, as for :attr:`entity_id`)."""
        assert self.entity is not None
        return self.entity

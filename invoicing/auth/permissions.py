"""The one permission table.

Every route names the permission it needs in its ``opt`` (``opt={"permission": Perm.DOCUMENTS_WRITE}``);
the single guard in :mod:`invoicing.auth.guard` checks it against the caller's set. Roles are sets of
permissions; account keys hold everything, entity keys everything inside their one entity.
"""

from __future__ import annotations

from enum import StrEnum


class Perm(StrEnum):
    PUBLIC = "public"
    ACCOUNT_MANAGE = "account:manage"
    ENTITIES_CREATE = "entities:create"
    API_KEYS_CREATE = "api_keys:create"
    ENTITY_READ = "entity:read"
    ENTITY_WRITE = "entity:write"
    CUSTOMERS_READ = "customers:read"
    CUSTOMERS_WRITE = "customers:write"
    ITEMS_READ = "items:read"
    ITEMS_WRITE = "items:write"
    DOCUMENTS_READ = "documents:read"
    DOCUMENTS_WRITE = "documents:write"
    PAYMENTS_READ = "payments:read"
    PAYMENTS_WRITE = "payments:write"
    EMAILS_READ = "emails:read"
    TEAM_READ = "team:read"
    TEAM_MANAGE = "team:manage"
    AUDIT_READ = "audit:read"


VIEWER = frozenset({
    Perm.ENTITY_READ, Perm.CUSTOMERS_READ, Perm.ITEMS_READ, Perm.DOCUMENTS_READ, Perm.PAYMENTS_READ,
    Perm.EMAILS_READ,
})
EDITOR = VIEWER | {Perm.CUSTOMERS_WRITE, Perm.ITEMS_WRITE, Perm.DOCUMENTS_WRITE, Perm.PAYMENTS_WRITE}
ADMIN = EDITOR | {Perm.ENTITY_WRITE, Perm.TEAM_READ, Perm.TEAM_MANAGE, Perm.AUDIT_READ}

ROLES: dict[str, frozenset[Perm]] = {"viewer": VIEWER, "editor": frozenset(EDITOR), "admin": frozenset(ADMIN)}
ENTITY_KEY = frozenset(ADMIN)
ACCOUNT_KEY = frozenset(ADMIN | {Perm.ACCOUNT_MANAGE, Perm.ENTITIES_CREATE, Perm.API_KEYS_CREATE})

PERMISSION_WORDS = {
    Perm.ENTITY_WRITE: "change the entity's settings and branding",
    Perm.CUSTOMERS_WRITE: "manage customers",
    Perm.ITEMS_WRITE: "manage items",
    Perm.DOCUMENTS_WRITE: "create, issue, void or credit documents",
    Perm.PAYMENTS_WRITE: "record payments",
    Perm.TEAM_READ: "see the team",
    Perm.TEAM_MANAGE: "manage the team",
    Perm.AUDIT_READ: "read the audit log",
    Perm.ACCOUNT_MANAGE: "manage the platform account",
    Perm.ENTITIES_CREATE: "create entities",
    Perm.API_KEYS_CREATE: "create API keys",
}

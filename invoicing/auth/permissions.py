"""The one permission table.

Every route names the permission it needs in its ``opt`` (``opt={"permission": Perm.DOCUMENTS_WRITE}``);
the single guard in :mod:`invoicing.auth.guard` checks it against the caller's set (the names,
:class:`~contract.permissions.Perm`, are shared with the BFF). Roles are sets of
permissions; account keys hold everything, entity keys everything inside their one entity.
"""

from __future__ import annotations

from contract.permissions import Perm

VIEWER = frozenset(
    {
        Perm.ENTITY_READ,
        Perm.CUSTOMERS_READ,
        Perm.ITEMS_READ,
        Perm.DOCUMENTS_READ,
        Perm.PAYMENTS_READ,
        Perm.EMAILS_READ,
        Perm.TAX_READ,
        Perm.REPORTS_READ,
        Perm.EXPORTS_CREATE,
    }
)
EDITOR = VIEWER | {Perm.CUSTOMERS_WRITE, Perm.ITEMS_WRITE, Perm.DOCUMENTS_WRITE, Perm.PAYMENTS_WRITE}
ADMIN = EDITOR | {Perm.ENTITY_WRITE, Perm.TEAM_READ, Perm.TEAM_MANAGE, Perm.AUDIT_READ, Perm.EVENTS_READ}

ROLES: dict[str, frozenset[Perm]] = {"viewer": VIEWER, "editor": frozenset(EDITOR), "admin": frozenset(ADMIN)}
ENTITY_KEY = frozenset(ADMIN)
ACCOUNT_KEY = frozenset(
    ADMIN | {Perm.ACCOUNT_MANAGE, Perm.ENTITIES_CREATE, Perm.API_KEYS_CREATE, Perm.WEBHOOKS_MANAGE, Perm.USAGE_READ}
)

PERMISSION_WORDS = {
    Perm.ENTITY_WRITE: "change the entity's settings and branding",
    Perm.CUSTOMERS_WRITE: "manage customers",
    Perm.ITEMS_WRITE: "manage items",
    Perm.DOCUMENTS_WRITE: "create, issue, void or credit documents",
    Perm.PAYMENTS_WRITE: "record payments",
    Perm.TEAM_READ: "see the team",
    Perm.TEAM_MANAGE: "manage the team",
    Perm.AUDIT_READ: "read the audit log",
    Perm.EVENTS_READ: "read the events",
    Perm.TAX_READ: "read VAT rates or check VAT numbers",
    Perm.ACCOUNT_MANAGE: "manage the platform account",
    Perm.ENTITIES_CREATE: "create entities",
    Perm.API_KEYS_CREATE: "create API keys",
    Perm.WEBHOOKS_MANAGE: "manage webhook endpoints",
    Perm.REPORTS_READ: "read reports",
    Perm.EXPORTS_CREATE: "export documents and payments",
    Perm.USAGE_READ: "read the account's usage",
}

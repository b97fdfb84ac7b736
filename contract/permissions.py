"""The permission names every route declares in its ``opt`` (``opt={"permission": Perm.DOCUMENTS_WRITE}``).

The API's one guard checks them (:mod:`invoicing.auth`, which also holds the role table); the BFF's
routes declare :attr:`Perm.PUBLIC` (they check their own credentials), and the dashboard reads the
names in a session's ``permissions``.
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
    EVENTS_READ = "events:read"
    TAX_READ = "tax:read"
    WEBHOOKS_MANAGE = "webhooks:manage"
    REPORTS_READ = "reports:read"
    EXPORTS_CREATE = "exports:create"
    USAGE_READ = "usage:read"

from invoicing.auth.context import Principal, Scope
from invoicing.auth.guard import authorize, provide_scope
from invoicing.auth.permissions import ROLES, Perm

__all__ = ["ROLES", "Perm", "Principal", "Scope", "authorize", "provide_scope"]

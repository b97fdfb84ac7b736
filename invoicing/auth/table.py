"""The permission table as the routes declare it: what the README shows and the role tests walk."""

from __future__ import annotations

from dataclasses import dataclass

from litestar import Litestar
from litestar.routes import HTTPRoute

from invoicing.auth.permissions import ACCOUNT_KEY, ENTITY_KEY, ROLES, Perm


@dataclass(frozen=True)
class RoutePermission:
    method: str
    path: str
    permission: Perm | None
    entity_scoped: bool


def route_permissions(app: Litestar, prefix: str = "/v1/") -> list[RoutePermission]:
    """Every API route with the permission it names (``None`` when it names none: a bug)."""
    rows = []
    for route in app.routes:
        if not isinstance(route, HTTPRoute) or not route.path.startswith(prefix):
            continue
        for handler in route.route_handlers:
            for method in sorted(handler.http_methods - {"HEAD", "OPTIONS"}):
                rows.append(
                    RoutePermission(
                        method, route.path_format, handler.opt.get("permission"), bool(handler.opt.get("entity_scoped"))
                    )
                )
    return sorted(rows, key=lambda r: (r.path, r.method))


def markdown(app: Litestar) -> str:
    """The route × role table in Markdown (``folio permissions``)."""
    who = [
        ("viewer", ROLES["viewer"]),
        ("editor", ROLES["editor"]),
        ("admin", ROLES["admin"]),
        ("entity key", ENTITY_KEY),
        ("account key", ACCOUNT_KEY),
    ]
    lines = ["| route | permission | " + " | ".join(name for name, _ in who) + " |", "|---|---|" + "---|" * len(who)]
    for row in route_permissions(app):
        if row.permission is None:
            continue
        marks = " | ".join("✓" if row.permission == Perm.PUBLIC or row.permission in perms else "" for _, perms in who)
        lines.append(f"| `{row.method} {row.path}` | `{row.permission.value}` | {marks} |")
    return "\n".join(lines)

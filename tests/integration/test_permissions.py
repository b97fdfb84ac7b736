"""The whole route × role table: every API route, called as each role, answers as the table says.

A route that declares no permission fails here, so a new route cannot ship unguarded.
"""

from __future__ import annotations

import re

import pytest

from contract import credentials
from folio.server import create_server_app
from invoicing.auth.permissions import ACCOUNT_KEY, ENTITY_KEY, ROLES, Perm
from invoicing.auth.table import markdown, route_permissions


@pytest.fixture(scope="module")
def routes(server):
    return route_permissions(create_server_app(server.settings))


def test_every_route_in_the_openapi_document_is_in_the_table(server, routes):
    spec = server.client().get("/schema/openapi.json").json()
    documented = {
        (method.upper(), path)
        for path, item in spec["paths"].items()
        if path.startswith("/v1/")
        for method in item
        if method in ("get", "post", "patch", "put", "delete")
    }
    table = {(r.method, r.path) for r in routes}
    assert documented <= table


def _call(client, method: str, path: str):
    concrete = re.sub(r"\{[^}]+\}", "x_missing", path)
    body = {} if method in ("POST", "PATCH", "PUT") else None
    return client.request(method, concrete, json=body)


@pytest.mark.parametrize("role", ["viewer", "editor", "admin"])
def test_each_role_gets_exactly_what_the_table_grants(server, tenant, routes, role):
    user = tenant.api.post("/v1/entity-users", json={"email": f"{role}@example.com", "role": role}).json()
    token = credentials.sign_user(
        server.settings.security.signing_keys(), tenant.account_id, "sandbox", tenant.entity_id, user["id"]
    )
    client = server.client(token)
    wrong = []
    for row in routes:
        if row.path.startswith("/v1/embed/") or row.permission == Perm.PUBLIC:
            continue
        allowed = row.permission in ROLES[role]
        r = _call(client, row.method, row.path.replace("{entity_id}", tenant.entity_id))
        refused = r.status_code == 403
        if allowed == refused or r.status_code >= 500:
            wrong.append(f"{row.method} {row.path}: {r.status_code} (allowed={allowed})")
        if refused:
            assert r.headers["content-type"].startswith("application/problem+json")
            assert role in r.json()["detail"]
    assert not wrong, wrong


@pytest.mark.parametrize(("kind", "perms"), [("entity key", ENTITY_KEY), ("account key", ACCOUNT_KEY)])
def test_keys_keep_full_access_to_their_scope(server, tenant, routes, kind, perms):
    if kind == "entity key":
        key = tenant.account.post(f"/v1/entities/{tenant.entity_id}/api-keys", json={}).json()["key"]
        client = server.client(key)
    else:
        client = tenant.api
    wrong = []
    for row in routes:
        # /v1/me describes the calling entity user; a key is not one
        if row.path.startswith(("/v1/embed/", "/v1/me")) or row.permission == Perm.PUBLIC:
            continue
        r = _call(client, row.method, row.path.replace("{entity_id}", tenant.entity_id))
        if (row.permission in perms) == (r.status_code == 403) or r.status_code >= 500:
            wrong.append(f"{row.method} {row.path}: {r.status_code}")
    assert not wrong, wrong


def test_readme_shows_the_current_table(server, repo_root):
    readme = (repo_root / "README.md").read_text()
    assert markdown(create_server_app(server.settings)) in readme, "refresh it with `.venv/bin/folio permissions`"

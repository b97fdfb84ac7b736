from __future__ import annotations

from tests.integration.conftest import make_entity


def test_entity_users_roles_and_external_ids(server, tenant):
    api = tenant.api
    admin = api.post(
        "/v1/entity-users",
        json={"email": "Owner@Example.com", "name": "Owner", "role": "admin", "external_id": "plat_u_1"},
    )
    assert admin.status_code == 201, admin.text
    admin = admin.json()
    assert admin["email"] == "owner@example.com" and admin["role"] == "admin" and admin["id"].startswith("usr_")
    viewer = api.post(
        "/v1/entity-users", json={"email": "v@example.com", "role": "viewer", "external_id": "plat_u_2"}
    ).json()
    dup = api.post("/v1/entity-users", json={"email": "owner@example.com", "role": "viewer"})
    assert dup.status_code == 422 and dup.json()["errors"][0]["field"] == "email"
    dup_ext = api.post("/v1/entity-users", json={"email": "x@example.com", "role": "viewer", "external_id": "plat_u_1"})
    assert dup_ext.status_code == 422 and dup_ext.json()["errors"][0]["field"] == "external_id"
    found = api.get("/v1/entity-users", params={"external_id": "plat_u_2"}).json()["data"]
    assert [u["id"] for u in found] == [viewer["id"]]
    promoted = api.patch(f"/v1/entity-users/{viewer['id']}", json={"role": "editor"}).json()
    assert promoted["role"] == "editor"
    # the last admin can be neither demoted nor removed
    r = api.patch(f"/v1/entity-users/{admin['id']}", json={"role": "viewer"})
    assert r.status_code == 409 and "last admin" in r.json()["detail"]
    assert api.delete(f"/v1/entity-users/{admin['id']}").status_code == 409
    assert api.delete(f"/v1/entity-users/{viewer['id']}").status_code == 204
    assert api.get(f"/v1/entity-users/{viewer['id']}").status_code == 404
    # users are per entity
    other = make_entity(tenant.account)
    assert server.client(tenant.sandbox_key, other["id"]).get(f"/v1/entity-users/{admin['id']}").status_code == 404


def test_openapi_is_generated_from_the_code(server):
    r = server.client().get("/schema/openapi.json")
    assert r.status_code == 200
    spec = r.json()
    paths = spec["paths"]
    for path in (
        "/v1/account",
        "/v1/entities",
        "/v1/entities/{entity_id}",
        "/v1/entities/{entity_id}/api-keys",
        "/v1/customers",
        "/v1/items",
        "/v1/invoices",
        "/v1/invoices/{invoice_id}/finalize",
        "/v1/invoices/{invoice_id}/void",
        "/v1/credit-notes",
        "/v1/payments",
        "/v1/entity-users",
    ):
        assert path in paths, path
    operation_ids = [
        op["operationId"]
        for item in paths.values()
        for op in item.values()
        if isinstance(op, dict) and "operationId" in op
    ]
    assert len(operation_ids) == len(set(operation_ids))
    assert "createInvoice" in operation_ids and "createCreditNote" in operation_ids
    invoice = spec["components"]["schemas"]["InvoiceOut"]["properties"]
    for field in (
        "number",
        "status",
        "total",
        "total_tax",
        "total_with_tax",
        "total_paid",
        "total_due",
        "credit_note_ids",
    ):
        assert field in invoice

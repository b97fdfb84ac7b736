from __future__ import annotations

from tests.integration.conftest import INVOICE


def test_audit_log_records_who_did_what(server, tenant):
    api = tenant.api
    inv = api.post("/v1/invoices", json=INVOICE).json()
    api.post("/v1/payments", json={"invoice_id": inv["id"], "amount": "10.00"}).raise_for_status()
    user = api.post("/v1/entity-users", json={"email": "bookkeeper@example.com", "role": "editor"}).json()
    api.patch(f"/v1/entity-users/{user['id']}", json={"role": "viewer"}).raise_for_status()
    api.delete(f"/v1/entity-users/{user['id']}").raise_for_status()

    log = api.get("/v1/audit-log", params={"limit": 100}).json()["data"]
    actions = [e["action"] for e in log]
    # newest first
    assert actions[:3] == ["entity_user.removed", "entity_user.updated", "entity_user.created"]
    assert {"invoice.created", "invoice.issued", "payment.created"} <= set(actions)
    issued = next(e for e in log if e["action"] == "invoice.issued")
    assert issued["object_id"] == inv["id"] and issued["object_type"] == "invoice"
    assert issued["data"]["number"] == inv["number"]
    assert issued["actor"]["type"] == "key" and issued["actor"]["id"].startswith("key_")
    demoted = next(e for e in log if e["action"] == "entity_user.updated")
    assert demoted["data"] == {"role": "viewer"}
    removed = log[0]
    assert removed["object_id"] == user["id"] and removed["data"]["email"] == "bookkeeper@example.com"

    only_invoice = api.get("/v1/audit-log", params={"object_id": inv["id"]}).json()["data"]
    assert {e["action"] for e in only_invoice} == {"invoice.created", "invoice.issued", "invoice.partially_paid"}
    team = api.get("/v1/audit-log", params={"action": "entity_user.*"}).json()["data"]
    assert len(team) == 3
    page1 = api.get("/v1/audit-log", params={"limit": 2}).json()
    page2 = api.get("/v1/audit-log", params={"limit": 2, "cursor": page1["next_cursor"]}).json()
    assert [e["id"] for e in page1["data"] + page2["data"]] == [e["id"] for e in log[:4]]
    assert api.get("/v1/audit-log", params={"date_from": "2000-01-01", "date_to": "2000-12-31"}).json()["data"] == []


def test_a_change_that_changes_nothing_is_not_recorded(server, tenant):
    """Sending the business's details or settings again as they are (a platform syncing on every start) writes no
    entry, event or webhook; a change names only the fields that really changed."""
    api = tenant.api
    entity = api.get(f"/v1/entities/{tenant.entity_id}").json()

    def updates() -> list[dict]:
        log = api.get("/v1/audit-log", params={"action": "entity.updated", "limit": 100}).json()["data"]
        return [e["data"] for e in log]

    before = updates()
    same = {"name": entity["name"], "locale": entity["locale"], "settings": {"footer": entity["settings"]["footer"]}}
    assert api.patch(f"/v1/entities/{tenant.entity_id}", json=same).status_code == 200
    assert api.patch(f"/v1/entities/{tenant.entity_id}", json={"metadata": entity["metadata"]}).status_code == 200
    assert updates() == before
    events = api.get("/v1/events", params={"type": "entity.updated", "entity_id": tenant.entity_id}).json()["data"]

    changed = {**same, "settings": {"footer": "Registered at the district court"}}
    r = api.patch(f"/v1/entities/{tenant.entity_id}", json=changed)
    assert r.status_code == 200 and r.json()["settings"]["footer"] == "Registered at the district court"
    assert updates() == [{"fields": ["settings"]}, *before]
    after = api.get("/v1/events", params={"type": "entity.updated", "entity_id": tenant.entity_id}).json()["data"]
    assert len(after) == len(events) + 1


def test_a_customer_or_item_sent_again_as_it_is_records_nothing(server, tenant):
    api = tenant.api
    customer = api.post("/v1/customers", json={"name": "Sync GmbH", "email": "a@sync.example", "country": "DE"}).json()
    item = api.post("/v1/items", json={"name": "Sync widget", "price": "5.00", "taxes": [{"rate": 22}]}).json()

    def actions(object_id: str) -> list[str]:
        return [e["action"] for e in api.get("/v1/audit-log", params={"object_id": object_id}).json()["data"]]

    same = {"name": "Sync GmbH", "email": "a@sync.example", "country": "DE", "metadata": {}}
    assert api.patch(f"/v1/customers/{customer['id']}", json=same).status_code == 200
    assert api.patch(f"/v1/items/{item['id']}", json={"name": "Sync widget", "price": "5.00"}).status_code == 200
    assert actions(customer["id"]) == ["customer.created"] and actions(item["id"]) == ["item.created"]

    assert api.patch(f"/v1/customers/{customer['id']}", json={"email": "b@sync.example"}).status_code == 200
    assert api.patch(f"/v1/items/{item['id']}", json={"price": "5.50"}).status_code == 200
    assert actions(customer["id"]) == ["customer.updated", "customer.created"]
    assert actions(item["id"]) == ["item.updated", "item.created"]

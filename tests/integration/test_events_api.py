"""The events API: every event type of the contract is recorded with its change, carrying ``data.object``
exactly as the object's ``GET`` answered right after that change (not as it is later); filters, cursor
paging, and who sees which events."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import httpx

from invoicing.db import Database
from invoicing.db.models import Event
from invoicing.db.types import utcnow
from invoicing.events.retention import purge_events
from tests.conftest import _free_port
from tests.integration.conftest import (
    INVOICE,
    Tenant,
    _tenant,
    assert_problem,
    invite,
    latest_link,
    make_account,
    make_entity,
)

DRAFT = {**INVOICE, "is_draft": True}
SHAPE = {"id", "type", "created_at", "entity_id", "data"}


def events(client: httpx.Client, **params) -> list[dict]:
    r = client.get("/v1/events", params={"limit": 100, **params})
    assert r.status_code == 200, r.text
    return r.json()["data"]


def event_of(client: httpx.Client, type_: str, object_id: str) -> dict:
    """The one event of ``type_`` for the object, checked against ``GET /v1/events/{id}``."""
    found = [e for e in events(client, type=type_) if e["data"]["object"] and e["data"]["object"]["id"] == object_id]
    assert len(found) == 1, (type_, object_id, found)
    event = found[0]
    assert set(event) == SHAPE and set(event["data"]) == {"object"}
    assert event["id"].startswith("evt_") and event["type"] == type_
    assert client.get(f"/v1/events/{event['id']}").json() == event
    return event


def got(client: httpx.Client, path: str) -> dict:
    r = client.get(path)
    assert r.status_code == 200, r.text
    return r.json()


def test_every_change_records_its_object_as_get_answered_then(server, tenant: Tenant):
    api, account = tenant.api, tenant.account
    seen: dict[tuple[str, str], dict] = {}  # (type, object id) -> what GET answered right after the change

    ent = make_entity(account)
    seen["entity.created", ent["id"]] = got(account, f"/v1/entities/{ent['id']}")
    account.patch(f"/v1/entities/{ent['id']}", json={"name": "Renamed d.o.o."}).raise_for_status()
    seen["entity.updated", ent["id"]] = got(account, f"/v1/entities/{ent['id']}")

    draft = api.post("/v1/invoices", json=DRAFT).json()
    seen["invoice.created", draft["id"]] = got(api, f"/v1/invoices/{draft['id']}")
    assert seen["invoice.created", draft["id"]]["status"] == "draft"
    api.post(f"/v1/invoices/{draft['id']}/finalize").raise_for_status()
    seen["invoice.issued", draft["id"]] = got(api, f"/v1/invoices/{draft['id']}")
    part = api.post("/v1/payments", json={"invoice_id": draft["id"], "amount": "20.00"}).json()
    seen["payment.created", part["id"]] = got(api, f"/v1/payments/{part['id']}")
    seen["invoice.partially_paid", draft["id"]] = got(api, f"/v1/invoices/{draft['id']}")
    rest = api.post("/v1/payments", json={"invoice_id": draft["id"], "amount": "100.78"}).json()
    seen["payment.created", rest["id"]] = got(api, f"/v1/payments/{rest['id']}")
    seen["invoice.paid", draft["id"]] = got(api, f"/v1/invoices/{draft['id']}")
    assert seen["invoice.paid", draft["id"]]["status"] == "paid"

    credited = api.post("/v1/invoices", json=INVOICE).json()
    cn = api.post("/v1/credit-notes", json={"invoice_id": credited["id"]}).json()
    seen["credit_note.issued", cn["id"]] = got(api, f"/v1/credit-notes/{cn['id']}")
    seen["invoice.credited", credited["id"]] = got(api, f"/v1/invoices/{credited['id']}")

    voided = api.post("/v1/invoices", json=INVOICE).json()
    api.post(f"/v1/invoices/{voided['id']}/void", json={"reason": "wrong buyer"}).raise_for_status()
    seen["invoice.voided", voided["id"]] = got(api, f"/v1/invoices/{voided['id']}")

    user = api.post("/v1/entity-users", json={"email": "clerk@example.com", "role": "editor"}).json()
    seen["entity_user.created", user["id"]] = got(api, f"/v1/entity-users/{user['id']}")
    last = got(api, f"/v1/entity-users/{user['id']}")
    api.delete(f"/v1/entity-users/{user['id']}").raise_for_status()
    seen["entity_user.removed", user["id"]] = last  # the member as GET answered it last

    for (type_, object_id), answer in seen.items():
        event = event_of(account, type_, object_id)
        assert event["data"]["object"] == answer, type_
        assert event["entity_id"] == answer.get("entity_id", object_id)
    # the snapshots are of their moment: the same invoice went issued → partially paid → paid
    statuses = [
        event_of(account, t, draft["id"])["data"]["object"]["status"] for t in ("invoice.issued", "invoice.paid")
    ]
    assert statuses == ["issued", "paid"]
    # the audit log reads the same rows and keeps its own fields
    log = api.get("/v1/audit-log", params={"object_id": draft["id"]}).json()["data"]
    assert (
        next(e for e in log if e["action"] == "invoice.issued")["data"]["number"]
        == seen["invoice.issued", draft["id"]]["number"]
    )


def test_an_invoice_created_paid_records_its_payment(server, tenant: Tenant):
    api = tenant.api
    inv = api.post("/v1/invoices", json={**INVOICE, "paid": {"type": "card"}})
    assert inv.status_code == 201, inv.text
    inv = inv.json()
    answer = got(api, f"/v1/invoices/{inv['id']}")
    assert answer["status"] == "paid"
    for type_ in ("invoice.created", "invoice.issued", "invoice.paid"):
        assert event_of(api, type_, inv["id"])["data"]["object"] == answer
    [payment] = [e for e in events(api, type="payment.created") if e["data"]["object"]["invoice_id"] == inv["id"]]
    assert payment["data"]["object"] == got(api, f"/v1/payments/{payment['data']['object']['id']}")


def test_a_deleted_payment_and_a_refund_tell_the_invoices_new_state(server, tenant: Tenant):
    api = tenant.api
    inv = api.post("/v1/invoices", json=INVOICE).json()
    first = api.post("/v1/payments", json={"invoice_id": inv["id"], "amount": "20.00"}).json()
    rest = got(api, f"/v1/invoices/{inv['id']}")["total_due"]
    api.post("/v1/payments", json={"invoice_id": inv["id"], "amount": rest}).raise_for_status()
    assert got(api, f"/v1/invoices/{inv['id']}")["status"] == "paid"

    assert api.delete(f"/v1/payments/{first['id']}").status_code == 204
    after_delete = got(api, f"/v1/invoices/{inv['id']}")
    assert after_delete["status"] == "partially_paid"
    [deleted] = events(api, type="payment.deleted")
    assert deleted["data"]["object"] == {**first, "invoice_status": "partially_paid"}
    [changed] = events(api, type="invoice.payments_changed")
    assert changed["data"]["object"] == after_delete

    refund = api.post("/v1/refunds", json={"invoice_id": inv["id"], "amount": "5.00", "note": "Goodwill"})
    assert refund.status_code == 201, refund.text
    after_refund = got(api, f"/v1/invoices/{inv['id']}")
    assert after_refund["total_due"] == "25.00"  # 20.00 no longer paid, 5.00 given back
    assert event_of(api, "refund.created", refund.json()["id"])["data"]["object"] == got(
        api, f"/v1/refunds/{refund.json()['id']}"
    )
    newest = events(api, type="invoice.payments_changed")[0]
    assert newest["data"]["object"] == after_refund


def test_customers_and_items_carry_their_object(server, tenant: Tenant):
    api = tenant.api
    customer = api.post("/v1/customers", json={"name": "Šola d.o.o.", "country": "SI"}).json()
    assert event_of(api, "customer.created", customer["id"])["data"]["object"] == customer
    updated = api.patch(f"/v1/customers/{customer['id']}", json={"city": "Ljubljana"}).json()
    assert event_of(api, "customer.updated", customer["id"])["data"]["object"] == updated
    item = api.post("/v1/items", json={"name": "Espresso", "price": "1.80"}).json()
    assert event_of(api, "item.created", item["id"])["data"]["object"] == item
    assert api.delete(f"/v1/items/{item['id']}").status_code == 204
    assert event_of(api, "item.deleted", item["id"])["data"]["object"] == item
    # a customer saved from an invoice's inline details
    inv = api.post("/v1/invoices", json={**INVOICE, "customer": {"name": "Inline Kunde GmbH", "country": "DE"}}).json()
    saved = got(api, f"/v1/customers/{inv['customer']['id']}")
    assert event_of(api, "customer.created", saved["id"])["data"]["object"] == saved


def test_every_event_type_is_registered_and_documented():
    """One list: what emit() accepts, what an endpoint may subscribe to, and what the README lists."""
    from pathlib import Path

    from invoicing.events.schemas import CONTRACT_EVENT_TYPES, EVENT_TYPES

    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text()
    section = readme[readme.index("## Webhooks and events") : readme.index("### Webhook endpoints")]
    assert [t for t in EVENT_TYPES if f"`{t}`" not in section] == []
    assert len(CONTRACT_EVENT_TYPES) == 16 and CONTRACT_EVENT_TYPES[-1] == "webhook.test"


def test_invitation_accepted(server, tenant: Tenant):
    user = invite(tenant, "viewer")
    browser = httpx.Client(base_url=server.url, timeout=30)
    r = browser.post("/app/session", json={"token": latest_link(tenant, user["email"])})
    assert r.status_code == 201, r.text
    event = event_of(tenant.api, "entity_user.accepted", user["id"])
    assert event["data"]["object"] == got(tenant.api, f"/v1/entity-users/{user['id']}")
    assert event["data"]["object"]["status"] == "active"


def test_email_sent_and_failed(server, smtp, mailer):
    api, _ = _tenant(server, mailer.url)
    sent_inv = api.post("/v1/invoices", json=INVOICE).json()
    queued = api.post(f"/v1/invoices/{sent_inv['id']}/send", json={}).json()
    assert mailer.run_worker() == 1
    sent = got(api, f"/v1/emails/{queued['id']}")
    assert sent["status"] == "sent"
    assert event_of(api, "email.sent", queued["id"])["data"]["object"] == sent

    failing_inv = api.post("/v1/invoices", json=INVOICE).json()
    queued = api.post(f"/v1/invoices/{failing_inv['id']}/send", json={}).json()
    dead = f"smtp://127.0.0.1:{_free_port()}"  # nothing listens there
    assert mailer.run_worker(dead, max_attempts=1) == 1
    failed = got(api, f"/v1/emails/{queued['id']}")
    assert failed["status"] == "failed"
    assert event_of(api, "email.failed", queued["id"])["data"]["object"] == failed


def test_filters_and_paging(server, tenant: Tenant):
    account = tenant.account
    other = make_entity(account)
    other_api = server.client(tenant.sandbox_key, other["id"])
    start = datetime.now(UTC) - timedelta(seconds=1)
    mine = [tenant.api.post("/v1/invoices", json=INVOICE).json() for _ in range(2)]
    theirs = other_api.post("/v1/invoices", json=DRAFT).json()

    everything = events(account)
    ids = [e["id"] for e in everything]
    assert ids == sorted(ids, reverse=True)  # newest first
    issued = events(account, type="invoice.issued")
    assert [e["data"]["object"]["id"] for e in issued] == [mine[1]["id"], mine[0]["id"]]
    invoice_events = events(account, type="invoice.*")
    assert {e["type"] for e in invoice_events} == {"invoice.created", "invoice.issued"}
    assert len(invoice_events) == 5
    assert [e["entity_id"] for e in events(account, entity_id=other["id"], type="invoice.*")] == [other["id"]]
    assert [e["data"]["object"]["id"] for e in events(account, entity_id=other["id"], type="invoice.*")] == [
        theirs["id"]
    ]
    after = events(account, created_after=start.isoformat())
    # Folio's other events (customer.created, …) are listed too: everything that happened
    assert {e["type"] for e in after} == {"invoice.created", "invoice.issued", "entity.created", "customer.created"}
    assert events(account, created_after=(datetime.now(UTC) + timedelta(hours=1)).isoformat()) == []

    page1 = account.get("/v1/events", params={"limit": 2}).json()
    page2 = account.get("/v1/events", params={"limit": 2, "cursor": page1["next_cursor"]}).json()
    assert [e["id"] for e in page1["data"] + page2["data"]] == ids[:4]


def test_who_sees_which_events(server, tenant: Tenant):
    account = tenant.account
    other = make_entity(account)
    mine = tenant.api.post("/v1/invoices", json=INVOICE).json()
    tenant.api.post("/v1/invoices", json=DRAFT).raise_for_status()
    server.client(tenant.sandbox_key, other["id"]).post("/v1/invoices", json=INVOICE).raise_for_status()

    # an entity key sees its entity's events only, whatever it asks for
    key = account.post(f"/v1/entities/{tenant.entity_id}/api-keys", json={}).json()["key"]
    entity_key = server.client(key)
    seen = events(entity_key)
    assert seen and {e["entity_id"] for e in seen} == {tenant.entity_id}
    assert events(entity_key, entity_id=other["id"]) == []
    theirs = events(account, entity_id=other["id"])[0]
    assert_problem(entity_key.get(f"/v1/events/{theirs['id']}"), 404)
    assert entity_key.get(f"/v1/events/{event_of(account, 'invoice.issued', mine['id'])['id']}").status_code == 200

    # another account, and the live environment of the same account, see none of them
    _, keys = make_account(server)
    stranger = server.client(keys["sandbox"])
    assert events(stranger) == []
    assert_problem(stranger.get(f"/v1/events/{theirs['id']}"), 404)
    assert events(server.client(tenant.live_key)) == []
    assert_problem(account.get("/v1/events/evt_nothing"), 404)


def test_bad_filters_are_422_naming_the_field(server, tenant: Tenant):
    account = tenant.account
    for params, field in (
        ({"type": "invoice*"}, "type"),
        ({"type": "*"}, "type"),
        ({"type": ""}, "type"),
        ({"type": "INVOICE.PAID"}, "type"),
        ({"type": "invoice." + "x" * 60}, "type"),
        ({"created_after": "yesterday"}, "created_after"),
        ({"created_after": "2026-01-01T00:00:00"}, "created_after"),
        ({"cursor": "evt_garbage"}, "cursor"),
        ({"limit": "0"}, "limit"),
        ({"status": "paid"}, "status"),
    ):
        body = assert_problem(account.get("/v1/events", params=params), 422)
        assert field in {e["field"] for e in body["errors"]}, (params, body)


def test_logo_upload_is_an_entity_update(server, tenant: Tenant):
    account = tenant.account
    ent = make_entity(account)
    svg = b'<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"/>'
    r = account.post(f"/v1/entities/{ent['id']}/logo", files={"file": ("logo.svg", svg, "image/svg+xml")})
    assert r.status_code == 201, r.text
    answer = got(account, f"/v1/entities/{ent['id']}")
    assert answer["settings"]["branding"]["logo_url"] == r.json()["url"]
    assert event_of(account, "entity.updated", ent["id"])["data"]["object"] == answer


def test_events_are_kept_30_days_then_purged(server, tenant: Tenant):
    inv = tenant.api.post("/v1/invoices", json=INVOICE).json()
    now = utcnow()
    aged = {"evt_" + "0" * 25 + str(n): now - timedelta(days=days) for n, days in ((1, 40), (2, 29))}

    async def run(days: int) -> int:
        db = Database(server.database_url)
        try:
            if days == 7:  # first pass: write the aged events
                async with db.transaction() as session:
                    for event_id, created_at in aged.items():
                        session.add(
                            Event(
                                id=event_id,
                                account_id=tenant.account_id,
                                environment="sandbox",
                                entity_id=tenant.entity_id,
                                type="invoice.issued",
                                object_id=inv["id"],
                                data={"object": inv},
                                created_at=created_at,
                                processed_at=created_at,  # fanned out to the webhook endpoints
                            )
                        )
            return await purge_events(db, days)
        finally:
            await db.dispose()

    listed = {e["id"] for e in events(tenant.account)}
    assert asyncio.run(run(7)) >= 1  # asked for 7 days, kept 30: only the 40-day-old one goes
    after = {e["id"] for e in events(tenant.account, limit=100)}
    assert "evt_" + "0" * 25 + "1" not in after
    assert after == listed | {"evt_" + "0" * 25 + "2"}  # today's events and the 29-day-old one stay

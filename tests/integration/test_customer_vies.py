"""Customers' VAT numbers and VIES over HTTP on both engines, with the server's ``FOLIO_VIES_URL`` on the
VIES stand-in (``vies`` fixture): the evidence stored on create and update for every VIES outcome, and the
background re-check (:mod:`invoicing.taxes.recheck`) run by a second server on the same database with a
tiny ``FOLIO_VIES_RECHECK_SECONDS``: ``unavailable`` turns ``invalid`` (recorded, event in the audit log,
the issued invoice untouched) or ``valid`` (recorded, no event)."""

from __future__ import annotations

import dataclasses
import time
from datetime import datetime

import pytest

from folio.server import create_server_app
from invoicing.demo.vies import FLIP_INVALID, FLIP_VALID
from tests.conftest import running, server_settings
from tests.integration.conftest import Tenant, make_entity

EVENT = "customer.vat_number_invalid"


def _create(tenant: Tenant, country: str, number: str | None, **fields) -> dict:
    body = {"name": f"Buyer {number}", "country": country, "tax_number": number, **fields}
    r = tenant.api.post("/v1/customers", json=body)
    assert r.status_code == 201, r.text
    assert tenant.api.get(f"/v1/customers/{r.json()['id']}").json()["vies"] == r.json()["vies"]
    return r.json()


@pytest.mark.parametrize(
    ("country", "number", "status", "name"),
    [
        ("DE", "DE811569869", "valid", "Muster Maschinenbau GmbH"),
        ("DE", "DE123456788", "invalid", None),
        ("IT", "IT00743110157", "unavailable", None),
        ("PL", "PL5260250995", "unavailable", None),  # HTTP 500
    ],
)
def test_a_customer_created_with_a_vat_number_keeps_vies_evidence(tenant, vies, country, number, status, name):
    customer = _create(tenant, country, number)
    evidence = customer["vies"]
    assert (evidence["status"], evidence["name"]) == (status, name) and evidence["checked_at"]
    assert bool(evidence["request_identifier"]) is (status == "valid")
    assert customer["tax_number"] and customer["is_business"] is True  # saved whatever VIES says


def test_numbers_vies_is_not_asked_about(server, tenant, vies):
    before = dict(vies.requests)
    assert _create(tenant, "SI", "SI50223054")["vies"] is None  # the entity's own member state
    assert _create(tenant, "DE", "DE811569869", is_business=False)["vies"] is None  # a declared consumer
    assert _create(tenant, "CH", None)["vies"] is None
    off = make_entity(tenant.account, settings={"tax": {"vies_check": False}})
    r = server.client(tenant.sandbox_key, off["id"]).post(
        "/v1/customers", json={"name": "Nobody GmbH", "country": "DE", "tax_number": "DE123456788"}
    )
    assert r.status_code == 201 and r.json()["vies"] is None
    assert vies.requests["SI50223054"] == before.get("SI50223054", 0)


def test_an_update_to_another_number_asks_again_and_a_rename_does_not(tenant, vies):
    customer = _create(tenant, "DE", "DE123456788")
    assert customer["vies"]["status"] == "invalid"
    url = f"/v1/customers/{customer['id']}"
    r = tenant.api.patch(url, json={"tax_number": "DE 811 569 869"})
    assert r.status_code == 200, r.text
    valid = r.json()["vies"]
    assert valid["status"] == "valid" and valid["name"] == "Muster Maschinenbau GmbH"
    assert tenant.api.patch(url, json={"name": "Renamed GmbH"}).json()["vies"] == valid
    r = tenant.api.patch(url, json={"country": "SI", "tax_number": "SI50223054"})
    assert r.status_code == 200 and r.json()["vies"] is None  # domestic now: the old evidence is gone


def _instant(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def _poll(tenant: Tenant, customer_id: str) -> dict:
    """The customer once its evidence is no longer ``unavailable`` (bounded by attempts, not a clock)."""
    for _ in range(400):
        customer = tenant.api.get(f"/v1/customers/{customer_id}").json()
        if customer["vies"]["status"] != "unavailable":
            return customer
        time.sleep(0.05)
    raise AssertionError(f"{customer_id} was never re-checked")


def test_the_background_recheck_records_vies_final_answer_and_raises_an_invalid_one(server, tenant, vies):
    for number in (FLIP_INVALID, FLIP_VALID):
        vies.requests.pop(number, None)  # their first answer is MS_UNAVAILABLE
    invalid = _create(tenant, "CZ", FLIP_INVALID)
    valid = _create(tenant, "DK", FLIP_VALID)
    assert invalid["vies"]["status"] == valid["vies"]["status"] == "unavailable"
    vies.requests.pop(FLIP_INVALID)  # the invoice asks again: MS_UNAVAILABLE once more
    line = {"name": "Consulting", "quantity": 1, "price": "100", "kind": "services"}
    r = tenant.api.post("/v1/invoices", json={"customer_id": invalid["id"], "items": [line]})
    assert r.status_code == 201, r.text
    issued = r.json()
    assert issued["status"] == "issued" and issued["tax_treatment"]["code"] == "reverse_charge"
    assert issued["tax_treatment"]["vies"]["status"] == "unavailable"

    settings = server_settings(server)
    settings.vies = dataclasses.replace(server.settings.vies, recheck_seconds=0.02)
    with running(create_server_app, settings):
        now_invalid, now_valid = _poll(tenant, invalid["id"]), _poll(tenant, valid["id"])

    assert now_invalid["vies"]["status"] == "invalid" and now_invalid["tax_number"] == FLIP_INVALID
    assert now_valid["vies"]["status"] == "valid" and now_valid["vies"]["name"] == "Dansk Handel ApS"
    assert now_valid["vies"]["request_identifier"]
    events = tenant.api.get("/v1/audit-log", params={"action": EVENT, "limit": 100}).json()["data"]
    mine = [e for e in events if e["object_id"] in (invalid["id"], valid["id"])]
    assert [(e["object_id"], e["actor"]) for e in mine] == [
        (invalid["id"], {"type": "system", "id": "vies-recheck", "email": None})
    ]
    data = mine[0]["data"]
    assert (data["customer_id"], data["vat_number"], data["vies"]["status"]) == (invalid["id"], FLIP_INVALID, "invalid")
    assert _instant(data["vies"]["checked_at"]) == _instant(now_invalid["vies"]["checked_at"])
    after = tenant.api.get(f"/v1/invoices/{issued['id']}").json()
    assert after == issued
    assert after["tax_treatment"]["vies"]["status"] == "unavailable"  # issued documents keep their evidence

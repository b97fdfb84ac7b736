"""Bad input on every endpoint: a 4xx problem+json naming the field, and nothing written."""

from __future__ import annotations

import pytest

from tests.integration.conftest import INVOICE

HUGE = "x" * 100_000
LINE = {"name": "A", "price": "10", "taxes": [{"rate": 22}]}


def _counts(tenant) -> dict[str, int]:
    out = {}
    for path in ("/v1/invoices", "/v1/credit-notes", "/v1/payments", "/v1/customers", "/v1/items", "/v1/entity-users"):
        out[path] = len(tenant.api.get(path, params={"limit": 100}).json()["data"])
    out["/v1/entities"] = len(tenant.account.get("/v1/entities", params={"limit": 100}).json()["data"])
    return out


CASES = [
    # (method, path, body, status, field)
    ("POST", "/v1/entities", {"country": "SI"}, 422, "name"),
    ("POST", "/v1/entities", {"name": "X", "country": "XX"}, 422, "country"),
    ("POST", "/v1/entities", {"name": "X", "country": "SI", "currency_code": "ZZZ"}, 422, "currency_code"),
    ("POST", "/v1/entities", {"name": "X", "country": "SI", "tax_number": "SI12345678"}, 422, "tax_number"),
    ("POST", "/v1/entities", {"name": "X", "country": "DE", "tax_number": "SI50223054"}, 422, "tax_number"),
    ("POST", "/v1/entities", {"name": HUGE, "country": "SI"}, 422, "name"),
    ("POST", "/v1/entities", {"name": "X", "country": "SI", "locale": "qq-ZZ"}, 422, "locale"),
    (
        "POST",
        "/v1/entities",
        {"name": "X", "country": "SI", "metadata": {f"k{i}": "v" for i in range(51)}},
        422,
        "metadata",
    ),
    ("POST", "/v1/entities", {"name": "X", "country": "SI", "metadata": {"k": "v" * 501}}, 422, "metadata.k"),
    (
        "POST",
        "/v1/entities",
        {"name": "X", "country": "SI", "settings": {"number_formats": {"invoice": "INV-{yyyy}"}}},
        422,
        "settings.number_formats.invoice",
    ),
    (
        "POST",
        "/v1/entities",
        {"name": "X", "country": "SI", "settings": {"branding": {"primary_color": "blue"}}},
        422,
        "settings.branding.primary_color",
    ),
    (
        "POST",
        "/v1/entities",
        {"name": "X", "country": "SI", "settings": {"bank_account": {"iban": "SI56 1234 5678 9012 345"}}},
        422,
        "settings.bank_account.iban",
    ),
    ("PATCH", "/v1/entities/{entity}", {"country": 7}, 422, "country"),
    ("PATCH", "/v1/entities/{entity}", {"settings": {"payment_terms_days": -1}}, 422, "settings.payment_terms_days"),
    ("PATCH", "/v1/account", {"embed_allowed_origins": "https://a.example"}, 422, "embed_allowed_origins"),
    ("POST", "/v1/customers", {"name": ""}, 422, "name"),
    ("POST", "/v1/customers", {"name": "C", "email": "not-an-email"}, 422, "email"),
    ("POST", "/v1/customers", {"name": "C", "country": "SI", "tax_number": "SI00000001"}, 422, "tax_number"),
    ("PATCH", "/v1/customers/cus_missing", {"name": "C"}, 404, None),
    ("POST", "/v1/items", {"name": "I", "price": "-1"}, 422, "price"),
    ("POST", "/v1/items", {"name": "I", "price": "abc"}, 422, "price"),
    ("POST", "/v1/items", {"name": "I", "price": "1", "taxes": [{"rate": 120}]}, 422, "taxes[0].rate"),
    ("POST", "/v1/invoices", {"customer": {"name": "B"}, "items": []}, 422, "items"),
    ("POST", "/v1/invoices", {"customer": {"name": "B"}}, 422, "items"),
    ("POST", "/v1/invoices", {"items": [LINE]}, 422, "customer"),
    (
        "POST",
        "/v1/invoices",
        {"customer": {"name": "B"}, "items": [{**LINE, "quantity": -1}]},
        422,
        "items",  # a return alone would total below zero
    ),
    ("POST", "/v1/invoices", {"customer": {"name": "B"}, "items": [{**LINE, "quantity": 0}]}, 422, "items[0].quantity"),
    (
        "POST",
        "/v1/invoices",
        {"customer": {"name": "B"}, "items": [{**LINE, "quantity": "two"}]},
        422,
        "items[0].quantity",
    ),
    ("POST", "/v1/invoices", {"customer": {"name": "B"}, "items": [{**LINE, "price": "NaN"}]}, 422, "items[0].price"),
    ("POST", "/v1/invoices", {"customer": {"name": "B"}, "items": [{**LINE, "price": "1e30"}]}, 422, "items[0].price"),
    (
        "POST",
        "/v1/invoices",
        {"customer": {"name": "B"}, "items": [{**LINE, "discount": 101}]},
        422,
        "items[0].discount",
    ),
    ("POST", "/v1/invoices", {"customer": {"name": "B"}, "items": [{"price": 1}]}, 422, "items[0].name"),
    ("POST", "/v1/invoices", {"customer": {"name": "B"}, "items": [{"name": "A"}]}, 422, "items[0].price"),
    ("POST", "/v1/invoices", {"customer": {"name": "B"}, "items": [{"item_id": "itm_nope"}]}, 422, "items[0].item_id"),
    ("POST", "/v1/invoices", {"customer_id": "cus_nope", "items": [LINE]}, 422, "customer_id"),
    (
        "POST",
        "/v1/invoices",
        {"customer": {"name": "B"}, "items": [LINE], "currency_code": "XYZ"},
        422,
        "currency_code",
    ),
    ("POST", "/v1/invoices", {"customer": {"name": "B"}, "items": [LINE], "date": "2026-02-30"}, 422, "date"),
    (
        "POST",
        "/v1/invoices",
        {"customer": {"name": "B"}, "items": [LINE], "date": "2026-05-02", "date_due": "2026-05-01"},
        422,
        "date_due",
    ),
    ("POST", "/v1/invoices", {"customer": {"name": HUGE}, "items": [LINE]}, 422, "customer.name"),
    ("POST", "/v1/invoices", {"customer": {"name": "B"}, "items": [{**LINE, "name": HUGE}]}, 422, "items[0].name"),
    ("POST", "/v1/invoices", {"customer": {"name": "B"}, "items": [LINE], "is_draft": "yes"}, 422, "is_draft"),
    (
        "POST",
        "/v1/invoices",
        {"customer": {"name": "B"}, "items": [LINE], "metadata": {"bad key!": "v"}},
        422,
        "metadata",
    ),
    ("POST", "/v1/invoices", ["not", "an", "object"], 422, None),
    # a misspelt field is refused, never silently ignored (quantity would have defaulted to 1)
    ("POST", "/v1/invoices", {"customer": {"name": "B"}, "items": [{**LINE, "qty": 2}]}, 422, "items[0].qty"),
    ("POST", "/v1/invoices", {"customer": {"name": "B", "vat": "x"}, "items": [LINE]}, 422, "customer.vat"),
    (
        "PATCH",
        "/v1/entities/{entity}",
        {"settings": {"branding": {"colour": "#000000"}}},
        422,
        "settings.branding.colour",
    ),
    ("PATCH", "/v1/invoices/inv_missing", {"note": "x"}, 404, None),
    ("POST", "/v1/invoices/inv_missing/finalize", None, 404, None),
    ("POST", "/v1/invoices/inv_missing/void", {"reason": "x"}, 404, None),
    ("POST", "/v1/credit-notes", {}, 422, "invoice_id"),
    ("POST", "/v1/credit-notes", {"invoice_id": "inv_nope"}, 422, "invoice_id"),
    ("POST", "/v1/payments", {"invoice_id": "inv_nope", "amount": 1}, 422, "invoice_id"),
    ("POST", "/v1/payments", {"invoice_id": "{invoice}", "amount": -5}, 422, "amount"),
    ("POST", "/v1/payments", {"invoice_id": "{invoice}", "amount": "0.001"}, 422, "amount"),
    ("POST", "/v1/payments", {"invoice_id": "{invoice}", "amount": 1, "type": "barter"}, 422, "type"),
    ("POST", "/v1/payments", {"invoice_id": "{invoice}"}, 422, "amount"),
    ("POST", "/v1/entity-users", {"email": "a@example.com", "role": "owner"}, 422, "role"),
    ("POST", "/v1/entity-users", {"email": "nope", "role": "viewer"}, 422, "email"),
    ("PATCH", "/v1/entity-users/usr_missing", {"role": "viewer"}, 404, None),
    ("POST", "/v1/entities/{entity}/api-keys", {"name": 5}, 422, "name"),
    ("GET", "/v1/invoices?limit=0", None, 422, "limit"),
    ("GET", "/v1/invoices?limit=1000", None, 422, "limit"),
    ("GET", "/v1/invoices?status=lost", None, 422, "status"),
    ("GET", "/v1/invoices?date_from=yesterday", None, 422, "date_from"),
    ("GET", "/v1/invoices?metadata[bad key]=1", None, 422, "metadata[bad key]"),
]


@pytest.fixture
def existing(tenant):
    inv = tenant.api.post("/v1/invoices", json=INVOICE).json()
    return {"invoice": inv["id"], "entity": tenant.entity_id}


@pytest.mark.parametrize(
    ("method", "path", "body", "status", "field"), CASES, ids=[f"{c[0]} {c[1]} {c[4] or c[3]}" for c in CASES]
)
def test_bad_input_is_refused_cleanly(tenant, existing, method, path, body, status, field):
    def fill(value):
        if isinstance(value, str):
            return value.format(**existing) if "{" in value and "}" in value and "{yyyy}" not in value else value
        if isinstance(value, dict):
            return {k: fill(v) for k, v in value.items()}
        if isinstance(value, list):
            return [fill(v) for v in value]
        return value

    client = tenant.account if path.startswith(("/v1/entities", "/v1/account")) else tenant.api
    before = _counts(tenant)
    r = client.request(method, fill(path), json=fill(body) if body is not None else None)
    assert r.status_code == status, r.text
    assert r.headers["content-type"].startswith("application/problem+json")
    problem = r.json()
    assert problem["status"] == status and problem["title"] and problem["detail"]
    if field:
        fields = [e["field"] for e in problem["errors"]]
        assert field in fields, problem
    assert _counts(tenant) == before


def test_malformed_json_and_oversized_bodies(tenant):
    for body, said in ((b"{not json", "object keys must be strings"), (b'{"customer": {', "truncated")):
        r = tenant.api.post("/v1/invoices", content=body, headers={"Content-Type": "application/json"})
        assert r.status_code == 400 and r.headers["content-type"].startswith("application/problem+json")
        problem = r.json()
        assert problem["detail"].startswith("The request body is not valid JSON: ") and said in problem["detail"]
        assert [e["field"] for e in problem["errors"]] == ["body"], problem
    r = tenant.api.post("/v1/invoices", content=b"x" * (3 * 1024 * 1024), headers={"Content-Type": "application/json"})
    assert r.status_code == 413 and r.headers["content-type"].startswith("application/problem+json")
    assert tenant.api.get("/v1/invoices").json()["data"] == []


def test_unknown_route_and_method(tenant):
    r = tenant.api.get("/v1/nothing-here")
    assert r.status_code == 404 and r.headers["content-type"].startswith("application/problem+json")
    r = tenant.api.put("/v1/invoices")
    assert r.status_code == 405 and r.headers["content-type"].startswith("application/problem+json")

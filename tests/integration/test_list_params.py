"""List parameters say no when they should: filters a list does not support, malformed or foreign cursors,
limits out of range and metadata of the wrong type are 422s naming the parameter; metadata filters work
on every list that has metadata (entities, customers, items, invoices, credit notes, payments)."""

from __future__ import annotations

import pytest

from tests.integration.conftest import INVOICE, assert_problem, make_entity


def _fields(r) -> list[str]:
    return [e["field"] for e in assert_problem(r, 422)["errors"]]


def test_entities_filter_by_metadata(tenant):
    mine = make_entity(tenant.account, metadata={"seller_id": "s-1"})
    other = make_entity(tenant.account, metadata={"seller_id": "s-2"})
    r = tenant.account.get("/v1/entities", params={"metadata[seller_id]": "s-1"})
    assert r.status_code == 200, r.text
    assert [e["id"] for e in r.json()["data"]] == [mine["id"]]
    r = tenant.account.get("/v1/entities", params={"metadata[seller_id]": "s-2", "limit": 100})
    assert [e["id"] for e in r.json()["data"]] == [other["id"]]
    assert tenant.account.get("/v1/entities", params={"metadata[seller_id]": "s-3"}).json()["data"] == []


def test_customers_and_items_filter_by_metadata(tenant):
    api = tenant.api
    gold = api.post("/v1/customers", json={"name": "Gold", "metadata": {"tier": "gold"}}).json()
    api.post("/v1/customers", json={"name": "Silver", "metadata": {"tier": "silver"}})
    api.post("/v1/customers", json={"name": "Plain"})
    r = api.get("/v1/customers", params={"metadata[tier]": "gold"})
    assert r.status_code == 200, r.text
    assert [c["id"] for c in r.json()["data"]] == [gold["id"]]

    item = api.post("/v1/items", json={"name": "Kava", "price": "2.10", "metadata": {"sku": "K-1"}}).json()
    api.post("/v1/items", json={"name": "Čaj", "price": "1.90", "metadata": {"sku": "T-1"}})
    assert [i["id"] for i in api.get("/v1/items", params={"metadata[sku]": "K-1"}).json()["data"]] == [item["id"]]


def test_documents_and_payments_keep_filtering_by_metadata(tenant):
    api = tenant.api
    first = api.post("/v1/invoices", json={**INVOICE, "metadata": {"order": "o-1"}}).json()
    second = api.post("/v1/invoices", json={**INVOICE, "metadata": {"order": "o-2"}}).json()
    found = api.get("/v1/invoices", params={"metadata[order]": "o-2"}).json()["data"]
    assert [i["id"] for i in found] == [second["id"]]
    pay = api.post(
        "/v1/payments", json={"invoice_id": first["id"], "amount": "10.00", "metadata": {"psp": "stripe"}}
    ).json()
    api.post("/v1/payments", json={"invoice_id": second["id"], "amount": "10.00", "metadata": {"psp": "bank"}})
    assert [p["id"] for p in api.get("/v1/payments", params={"metadata[psp]": "stripe"}).json()["data"]] == [pay["id"]]
    note = api.post("/v1/credit-notes", json={"invoice_id": second["id"], "metadata": {"reason": "r-1"}}).json()
    assert [c["id"] for c in api.get("/v1/credit-notes", params={"metadata[reason]": "r-1"}).json()["data"]] == [
        note["id"]
    ]


def test_invoices_and_advance_invoices_filter_by_several_statuses(tenant):
    """``status`` repeated: any of them (invoices, advance invoices, estimates). The invoices with something
    to pay, largest first, without the draft (whose total is the largest) or the paid one; a status a list
    does not know is named."""
    api = tenant.api

    def invoice(price: str, **extra) -> dict:
        items = [{"name": "Work", "quantity": 1, "price": price, "taxes": [{"rate": 22}]}]
        r = api.post("/v1/invoices", json={**INVOICE, "items": items, **extra})
        assert r.status_code == 201, r.text
        return r.json()

    invoice("900.00", is_draft=True)
    issued = invoice("100.00")
    partly = invoice("300.00")
    paid = invoice("50.00")
    assert api.post("/v1/payments", json={"invoice_id": partly["id"], "amount": "66.00"}).status_code == 201
    assert api.post("/v1/payments", json={"invoice_id": paid["id"], "amount": "61.00"}).status_code == 201
    r = api.get("/v1/invoices", params=[("status", "issued"), ("status", "partially_paid"), ("sort", "-total_due")])
    assert r.status_code == 200, r.text
    assert [(i["id"], i["status"], i["total_due"]) for i in r.json()["data"]] == [
        (partly["id"], "partially_paid", "300.00"),
        (issued["id"], "issued", "122.00"),
    ]
    one = api.get("/v1/invoices", params={"status": "paid"}).json()["data"]
    assert [i["id"] for i in one] == [paid["id"]]
    assert _fields(api.get("/v1/invoices", params=[("status", "issued"), ("status", "unpaid")])) == ["status"]
    # a parameter that takes one value is still refused twice
    twice = api.get("/v1/invoices", params=[("limit", "5"), ("limit", "6")])
    assert _fields(twice) == ["limit"] and "more than once" in twice.json()["detail"]
    estimate = {"customer": {"name": "Kupec d.o.o.", "country": "SI"}, "items": [LINE_100]}
    offered = api.post("/v1/estimates", json=estimate).json()
    taken = api.post("/v1/estimates", json=estimate).json()
    assert api.post(f"/v1/estimates/{taken['id']}/accept").status_code == 200
    api.post("/v1/estimates", json={**estimate, "is_draft": True})
    found = api.get("/v1/estimates", params=[("status", "issued"), ("status", "accepted")]).json()["data"]
    assert {(e["id"], e["status"]) for e in found} == {(offered["id"], "issued"), (taken["id"], "accepted")}

    body = {"customer": {"name": "Kupec d.o.o.", "country": "SI"}}
    lines = [{"name": "Advance", "quantity": 1, "price": "100.00", "taxes": [{"rate": 22}]}]
    open_ = api.post("/v1/advance-invoices", json={**body, "items": lines}).json()
    settled = api.post("/v1/advance-invoices", json={**body, "items": lines, "paid": {"type": "bank_transfer"}}).json()
    assert (open_["status"], settled["status"]) == ("issued", "paid")
    found = api.get("/v1/advance-invoices", params=[("status", "issued"), ("status", "paid")]).json()["data"]
    assert {a["id"] for a in found} == {open_["id"], settled["id"]}
    assert [a["id"] for a in api.get("/v1/advance-invoices", params={"status": "paid"}).json()["data"]] == [
        settled["id"]
    ]


LINE_100 = {"name": "Work", "quantity": 1, "price": "100.00", "taxes": [{"rate": 22}]}

UNSUPPORTED = [
    ("/v1/customers", {"status": "paid"}, "status"),
    ("/v1/customers", {"serach": "acme"}, "serach"),
    ("/v1/items", {"customer_id": "cus_x"}, "customer_id"),
    ("/v1/invoices", {"invoice_id": "inv_x"}, "invoice_id"),
    ("/v1/credit-notes", {"status": "issued"}, "status"),
    ("/v1/payments", {"status": "paid"}, "status"),
    ("/v1/entity-users", {"metadata[team]": "a"}, "metadata[team]"),
    ("/v1/emails", {"search": "x"}, "search"),
    ("/v1/audit-log", {"metadata[x]": "1"}, "metadata[x]"),
]


@pytest.mark.parametrize(("path", "params", "field"), UNSUPPORTED, ids=[f"{p} {f}" for p, _, f in UNSUPPORTED])
def test_a_parameter_a_list_does_not_support_is_refused(tenant, path, params, field):
    r = tenant.api.get(path, params=params)
    assert _fields(r) == [field]
    assert "not a parameter of this endpoint" in r.json()["errors"][0]["message"]


def test_unknown_parameters_are_refused_on_every_route_and_entities_too(tenant):
    inv = tenant.api.post("/v1/invoices", json=INVOICE).json()
    assert _fields(tenant.api.get(f"/v1/invoices/{inv['id']}", params={"expand": "customer"})) == ["expand"]
    assert _fields(tenant.account.get("/v1/entities", params={"search": "Seller"})) == ["search"]
    # what a route declares still passes
    assert tenant.api.get("/v1/invoices", params={"status": "issued", "limit": 5}).status_code == 200
    assert tenant.api.get("/v1/customers", params={"search": "x", "external_id": "c-1"}).status_code == 200


@pytest.mark.parametrize(
    "cursor", ["garbage", "", "inv_", "cus_01jbq3k7d9xw5t2m8r4n6p0c1y", "cus_01jbq3k7d9xw5t2m8r4n6p0c1y.00000000"]
)
def test_a_malformed_cursor_is_refused(tenant, cursor):
    r = tenant.api.get("/v1/customers", params={"cursor": cursor})
    assert _fields(r) == ["cursor"]


def test_cursors_page_through_and_refuse_tampering_and_other_lists(tenant):
    api = tenant.api
    made = [api.post("/v1/customers", json={"name": f"C{i}"}).json()["id"] for i in range(5)]
    seen, cursor = [], None
    while True:
        body = api.get("/v1/customers", params={"limit": 2, **({"cursor": cursor} if cursor else {})}).json()
        seen += [c["id"] for c in body["data"]]
        cursor = body["next_cursor"]
        if not cursor:
            break
        last = cursor
    assert seen == made[::-1]

    # one character changed, in the id or in its check: refused, not an empty or shifted page
    tampered = [
        last[:-1] + ("0" if last[-1] != "0" else "1"),
        last[:10] + ("a" if last[10] != "a" else "b") + last[11:],
    ]
    for bad in tampered:
        assert _fields(api.get("/v1/customers", params={"cursor": bad})) == ["cursor"]

    # a cursor of the customer list is not one of the invoice list
    api.post("/v1/invoices", json=INVOICE)
    assert _fields(api.get("/v1/invoices", params={"cursor": last})) == ["cursor"]


@pytest.mark.parametrize("limit", ["0", "101", "-1", "ten", "2.5"])
def test_limit_out_of_range_is_refused(tenant, limit):
    r = tenant.api.get("/v1/customers", params={"limit": limit})
    assert _fields(r) == ["limit"]
    assert "1 to 100" in r.json()["errors"][0]["message"]


def test_a_bad_metadata_filter_key_or_value_is_named(tenant):
    assert _fields(tenant.api.get("/v1/invoices", params={"metadata[bad key]": "1"})) == ["metadata[bad key]"]
    r = tenant.api.get("/v1/customers", params={"metadata[k]": "v" * 501})
    assert _fields(r) == ["metadata[k]"] and "500" in r.json()["errors"][0]["message"]


METADATA_BODIES = [
    ("/v1/customers", {"name": "A", "metadata": {"order_id": 12345}}, "metadata.order_id", "not a number"),
    ("/v1/customers", {"name": "A", "metadata": {"vip": True}}, "metadata.vip", "not a boolean"),
    ("/v1/customers", {"name": "A", "metadata": {"note": None}}, "metadata.note", "not null"),
    ("/v1/customers", {"name": "A", "metadata": {"k": "v" * 501}}, "metadata.k", "500 characters"),
    ("/v1/customers", {"name": "A", "metadata": {"k" * 41: "v"}}, "metadata", "1 to 40 characters"),
    ("/v1/customers", {"name": "A", "metadata": {f"k{i}": "v" for i in range(51)}}, "metadata", "at most 50"),
    (
        "/v1/invoices",
        {**INVOICE, "customer": {"name": "B", "metadata": {"ok": "yes", "n": 7.5}}},
        "customer.metadata.n",
        "not a number",
    ),
    ("/v1/invoices", {**INVOICE, "metadata": {"order": 42}}, "metadata.order", 'send "42"'),
]


@pytest.mark.parametrize(
    ("path", "body", "field", "words"), METADATA_BODIES, ids=[f"{m[0]} {m[2]} {m[3]}" for m in METADATA_BODIES]
)
def test_metadata_values_are_strings_and_a_wrong_one_is_named_by_its_key(tenant, path, body, field, words):
    r = tenant.api.post(path, json=body)
    problem = assert_problem(r, 422)
    assert [e["field"] for e in problem["errors"]] == [field]
    assert words in problem["errors"][0]["message"]
    assert tenant.api.get("/v1/customers").json()["data"] == []

"""A refused value is explained in plain words naming what the field takes, not in the schema library's terms
(``Expected `str` of length >= 1``, ``Invalid enum value``, a regular expression): in the body and the query,
on both engines."""

from __future__ import annotations

import pytest

from tests.integration.conftest import assert_problem

LINE = {"name": "Work", "quantity": 1, "price": "10.00", "taxes": [{"rate": 22}]}
CUSTOMER = {"name": "Buyer Ltd", "country": "SI"}

BODIES = [
    ({"customer": {**CUSTOMER, "name": ""}, "items": [LINE]}, "customer.name", "must not be empty"),
    ({"customer": CUSTOMER, "items": []}, "items", "must have at least one entry"),
    (
        {"customer": CUSTOMER, "items": [{**LINE, "price": "ten"}]},
        "items[0].price",
        'must be a decimal number, such as "12.50"',
    ),
    (
        {"customer": CUSTOMER, "items": [LINE], "currency_code": "EURO"},
        "currency_code",
        "must be at most 3 characters long",
    ),
    ({"customer": CUSTOMER, "items": [LINE], "date": "2026-13-01"}, "date", "must be a date as YYYY-MM-DD"),
    ({"customer": CUSTOMER, "items": [LINE], "is_draft": "yes"}, "is_draft", "must be true or false, not a string"),
    ({"customer": CUSTOMER, "items": {"name": "Work"}}, "items", "must be a list, not an object"),
    (
        {"customer": {**CUSTOMER, "email": "buyer-at-example"}, "items": [LINE]},
        "customer.email",
        "must be an e-mail address, such as name@example.com",
    ),
    (
        {"customer": CUSTOMER, "items": [{**LINE, "kind": "stuff"}]},
        "items[0].kind",
        "'stuff' is not one of: digital, goods, services",
    ),
]


@pytest.mark.parametrize(("body", "field", "message"), BODIES, ids=[b[1] + ":" + b[2][:20] for b in BODIES])
def test_a_refused_body_value_is_explained_in_plain_words(tenant, body, field, message):
    problem = assert_problem(tenant.api.post("/v1/invoices", json=body), 422)
    assert problem["errors"] == [{"field": field, "message": message}]
    assert problem["detail"] == f"{field}: {message}"


QUERIES = [
    ({"status": "unpaid"}, "status", "'unpaid' is not one of: credited, draft, issued, paid, partially_paid, voided"),
    ({"overdue": "maybe"}, "overdue", "must be true or false, not a string"),
    ({"date_from": "yesterday"}, "date_from", "must be a date as YYYY-MM-DD"),
]


@pytest.mark.parametrize(("params", "field", "message"), QUERIES, ids=[q[1] for q in QUERIES])
def test_a_refused_query_value_is_explained_in_plain_words(tenant, params, field, message):
    problem = assert_problem(tenant.api.get("/v1/invoices", params=params), 422)
    assert problem["errors"] == [{"field": field, "message": message}]


def test_a_payment_type_lists_the_types_and_a_colour_says_its_form(tenant):
    invoice = tenant.api.post("/v1/invoices", json={"customer": CUSTOMER, "items": [LINE]}).json()
    problem = assert_problem(
        tenant.api.post("/v1/payments", json={"invoice_id": invoice["id"], "amount": "1.00", "type": "cheque"}), 422
    )
    [error] = problem["errors"]
    assert error["field"] == "type" and error["message"].startswith("'cheque' is not one of: ")
    assert "bank_transfer" in error["message"] and "cash" in error["message"]

"""The served OpenAPI document describes the errors the API really answers (problem+json: 422 with
``errors[{field, message}]``, 401/403/404/409 where they apply; no Litestar ``400`` validation objects) and
the ``metadata[KEY]=VALUE`` filters of every list that has them; and the answers match it."""

from __future__ import annotations

import pytest

from tests.integration.conftest import assert_problem

PROBLEM = "application/problem+json"
METHODS = ("get", "put", "post", "delete", "patch")
WITH_METADATA = {
    "listEntities",
    "listCustomers",
    "listItems",
    "listInvoices",
    "listCreditNotes",
    "listPayments",
    "listRefunds",
}


@pytest.fixture
def spec(server) -> dict:
    r = server.client().get("/schema/openapi.json")
    assert r.status_code == 200
    return r.json()


def _operations(spec: dict):
    for path, item in spec["paths"].items():
        for method in METHODS:
            if method in item:
                yield path, method, item[method]


def test_errors_are_problem_json_and_validation_is_422_not_400(spec):
    problem = spec["components"]["schemas"]["Problem"]
    assert {"type", "status", "title", "detail"} <= set(problem["required"])
    error = problem["properties"]["errors"]["items"]
    assert error["required"] == ["field", "message"]
    seen = 0
    for path, method, op in _operations(spec):
        responses = op["responses"]
        for code, response in responses.items():
            if int(code) >= 400:
                assert list(response["content"]) == [PROBLEM], (path, method, code)
                assert response["content"][PROBLEM]["schema"] == {"$ref": "#/components/schemas/Problem"}
        # Litestar's "400 Bad request syntax" ValidationException object is gone; a 400 is only the
        # unparseable JSON body of an operation that takes one
        assert "400" not in responses or "requestBody" in op, (path, method)
        if path.startswith("/v1/"):
            seen += 1
            assert "422" in responses, (path, method)
    assert seen > 40


def test_each_operation_names_the_errors_that_apply(spec):
    ops = {op["operationId"]: (path, method, op["responses"]) for path, method, op in _operations(spec)}
    assert {"401", "403", "404", "409", "422"} <= set(ops["createInvoice"][2])  # entity-scoped write
    assert {"401", "403", "404", "422"} <= set(ops["getInvoice"][2]) and "409" not in ops["getInvoice"][2]
    assert {"401", "403", "422"} <= set(ops["listEntities"][2]) and "404" not in ops["listEntities"][2]
    assert "400" in ops["createInvoice"][2] and "400" not in ops["listInvoices"][2]
    assert "401" not in ops["getFile"][2]  # a public route


def test_lists_with_metadata_filters_document_them_as_a_deep_object(spec):
    found = set()
    for _, _, op in _operations(spec):
        params = [p for p in op.get("parameters", []) if p["name"] == "metadata"]
        if params:
            [param] = params
            assert (param["in"], param["style"], param["explode"]) == ("query", "deepObject", True)
            assert param["schema"]["additionalProperties"]["type"] == "string"
            found.add(op["operationId"])
    assert found == WITH_METADATA


def test_the_answers_match_the_document(tenant):
    body = assert_problem(tenant.api.get("/v1/customers", params={"status": "x"}), 422)
    assert body["errors"] == [{"field": "status", "message": body["errors"][0]["message"]}]
    assert_problem(tenant.api.get("/v1/invoices/inv_missing"), 404)
    assert_problem(tenant.api.get("/v1/invoices", headers={"Authorization": "Bearer sk_sandbox_nope"}), 401)

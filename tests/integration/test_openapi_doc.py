"""The served OpenAPI document describes the errors the API really answers (problem+json: 422 with
``errors[{field, message}]``, 401/403/404/409 where they apply; no Litestar ``400`` validation objects) and
the ``metadata[KEY]=VALUE`` filters of every list that has them; and the answers match it."""

from __future__ import annotations

from decimal import Decimal

import pytest

from tests.integration.conftest import assert_problem

PROBLEM = "application/problem+json"
METHODS = ("get", "put", "post", "delete", "patch")
WITH_METADATA = {
    "listEntities",
    "listCustomers",
    "listItems",
    "listEstimates",
    "listInvoices",
    "listRecurringInvoices",
    "listCreditNotes",
    "listAdvanceInvoices",
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


def _resolve(spec: dict, schema: dict) -> dict:
    while "$ref" in schema:
        schema = spec["components"]["schemas"][schema["$ref"].rsplit("/", 1)[-1]]
    return schema


def _objects(spec: dict, schema: dict, seen: set[str]):
    """Every object schema reachable from ``schema`` (through $ref, oneOf/anyOf/allOf, properties, items)."""
    if "$ref" in schema:
        name = schema["$ref"].rsplit("/", 1)[-1]
        if name in seen:
            return
        seen.add(name)
        schema = _resolve(spec, schema)
    if "properties" in schema:
        yield schema
    for key in ("oneOf", "anyOf", "allOf"):
        for sub in schema.get(key, []):
            yield from _objects(spec, sub, seen)
    for sub in schema.get("properties", {}).values():
        yield from _objects(spec, sub, seen)
    if isinstance(schema.get("items"), dict):
        yield from _objects(spec, schema["items"], seen)


def test_request_bodies_forbid_unknown_fields_in_the_document(spec):
    bodies = 0
    for path, method, op in _operations(spec):
        for media in op.get("requestBody", {}).get("content", {}).values():
            bodies += 1
            objects = list(_objects(spec, media["schema"], set()))
            assert objects, (path, method)
            for schema in objects:
                # metadata maps (additionalProperties: string) are the only open objects, and have no properties
                assert schema.get("additionalProperties") is False, (path, method, schema.get("title"))
    assert bodies > 20


def test_decimal_inputs_are_documented_as_a_number_or_a_string(spec):
    schemas = spec["components"]["schemas"]
    price = schemas["ItemCreate"]["properties"]["price"]
    assert [s["type"] for s in price["anyOf"]] == ["number", "string"]
    rate = schemas["TaxIn"]["properties"]["rate"]
    assert [s["type"] for s in rate["anyOf"]] == ["number", "string"]


def test_public_routes_need_no_credential_and_name_their_errors(spec):
    ops = {op["operationId"]: op for _, _, op in _operations(spec)}
    for public in ("getFile", "createEmbedSession", "createAppSession", "getAppSession", "signOutApp"):
        assert ops[public]["security"] == [], public
    assert "security" not in ops["createEmbedToken"]  # the account key, as the document's bearer
    assert {"401", "403", "404", "422"} <= set(ops["createEmbedToken"]["responses"])
    assert {"401", "429"} <= set(ops["createEmbedSession"]["responses"])
    assert ops["createEmbedSession"]["responses"]["429"]["headers"]["Retry-After"]["schema"]["type"] == "integer"
    assert "content" not in ops["signOutApp"]["responses"]["204"]
    assert set(ops["getFile"]["responses"]["200"]["content"]) == {"image/png", "image/jpeg", "image/svg+xml"}


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"name": "Buyer", "is_business": 0}, "is_business"),  # 0 is not a boolean
        ({"name": "Buyer", "is_business": "true"}, "is_business"),
        ({"name": 1}, "name"),  # a number is not a string
        ({"name": "Buyer", "metadata": {"order": 7}}, "metadata.order"),
        ({"name": "Buyer", "nickname": "B"}, "nickname"),  # unknown fields are refused
    ],
)
def test_request_bodies_are_decoded_as_strictly_as_documented(tenant, body, field):
    problem = assert_problem(tenant.api.post("/v1/customers", json=body), 422)
    assert [e["field"] for e in problem["errors"]] == [field], problem


def test_strict_nested_fields_are_named_and_decimals_take_numbers_and_strings(tenant):
    r = tenant.account.patch(f"/v1/entities/{tenant.entity_id}", json={"settings": {"payment_terms_days": "30"}})
    assert [e["field"] for e in assert_problem(r, 422)["errors"]] == ["settings.payment_terms_days"]
    r = tenant.api.post("/v1/items", json={"name": "Hosting", "price": 10, "taxes": [{"rate": "22", "x": 1}]})
    assert [e["field"] for e in assert_problem(r, 422)["errors"]] == ["taxes[0].x"]
    for price in (10.5, "10.50"):
        r = tenant.api.post("/v1/items", json={"name": "Hosting", "price": price, "taxes": [{"rate": 22}]})
        assert r.status_code == 201, r.text
        assert Decimal(r.json()["price"]) == Decimal("10.5")
    r = tenant.account.post("/embed/tokens", json={"entity_id": tenant.entity_id, "user_id": "usr_x", "ttl": 60})
    assert [e["field"] for e in assert_problem(r, 422)["errors"]] == ["ttl"]


def test_a_query_parameter_given_twice_is_refused_not_silently_one_of_them(tenant):
    r = tenant.api.get("/v1/credit-notes", params=[("invoice_id", "inv_a"), ("invoice_id", "inv_b")])
    assert [e["field"] for e in assert_problem(r, 422)["errors"]] == ["invoice_id"]
    r = tenant.api.get("/v1/invoices", params=[("metadata[order]", "1"), ("metadata[order]", "2")])
    assert [e["field"] for e in assert_problem(r, 422)["errors"]] == ["metadata[order]"]
    assert tenant.api.get("/v1/invoices", params=[("metadata[a]", "1"), ("metadata[b]", "2")]).status_code == 200

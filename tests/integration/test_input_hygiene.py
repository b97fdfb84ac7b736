"""Input hygiene at the HTTP boundary (:mod:`contract.hygiene`, :mod:`invoicing.core.paging`), on both
engines: control characters in JSON bodies, query parameters, path parameters and database-bound
headers answer 422 naming the field and store nothing; tab everywhere and line breaks in multi-line
fields are kept verbatim; JSON nested 1000 deep answers 400 on the API and the BFF's public doors
(in one process and with the BFF deployed on its own); more than 20 metadata filters answer 422."""

from __future__ import annotations

import socket
from typing import Any

import httpx
import pytest

from bff.app import create_bff_app
from tests.conftest import bff_settings_of, running
from tests.integration.conftest import INVOICE, assert_problem

LINE = {"name": "A", "price": "10", "taxes": [{"rate": 22}]}
DEEP = ("[" * 1000 + "]" * 1000).encode()
JSON = {"Content-Type": "application/json"}


def _stored(tenant) -> dict[str, list[str]]:
    """The ids of everything a tenant has, per list."""
    out = {}
    for path in ("/v1/customers", "/v1/invoices", "/v1/payments", "/v1/items", "/v1/entity-users"):
        r = tenant.api.get(path, params={"limit": 100})
        assert r.status_code == 200, r.text
        out[path] = [row["id"] for row in r.json()["data"]]
    out["/v1/entities"] = [e["id"] for e in tenant.account.get("/v1/entities", params={"limit": 100}).json()["data"]]
    return out


def _fields(r: httpx.Response, status: int = 422) -> list[str]:
    problem = assert_problem(r, status)
    return [e["field"] for e in problem.get("errors", [])]


@pytest.fixture
def invoice(tenant) -> dict:
    r = tenant.api.post("/v1/invoices", json=INVOICE)
    assert r.status_code == 201, r.text
    return r.json()


BODY_CASES = [
    # (path, body, the field the answer names)
    ("/v1/customers", {"name": "Buyer\x00 Ltd"}, "name"),
    ("/v1/customers", {"name": "Buyer \x1b[31mLtd"}, "name"),
    ("/v1/customers", {"name": "Buyer\nLtd"}, "name"),  # a name is one line
    ("/v1/customers", {"name": "Buyer", "address": "Main 1\x7f"}, "address"),  # multi-line, still no DEL
    ("/v1/customers", {"name": "Buyer", "external_id": "crm-\x00"}, "external_id"),
    ("/v1/customers", {"name": "Buyer", "metadata": {"order": "A-\x00"}}, "metadata.order"),
    ("/v1/customers", {"name": "Buyer", "metadata": {"note": "two\nlines"}}, "metadata.note"),  # metadata: one line
    ("/v1/invoices", {"customer": {"name": "B"}, "items": [LINE, LINE, {**LINE, "description": "a\x00b"}]}, None),
    ("/v1/invoices", {"customer": {"name": "B\x00"}, "items": [LINE]}, "customer.name"),
    ("/v1/invoices", {"customer": {"name": "B"}, "items": [LINE], "note": "paid\x85"}, "note"),  # C1 (NEL)
    ("/v1/payments", {"invoice_id": "{invoice}", "amount": "1", "reference": "ch_\x00"}, "reference"),
    ("/v1/entity-users", {"email": "a@example.com", "role": "viewer", "external_id": "u\x00"}, "external_id"),
]


@pytest.mark.parametrize(("path", "body", "field"), BODY_CASES, ids=[f"{c[0]} {c[2]}" for c in BODY_CASES])
def test_control_characters_in_a_body_are_refused_and_nothing_is_stored(tenant, invoice, path, body, field):
    if path == "/v1/payments":
        body = {**body, "invoice_id": invoice["id"]}
    before = _stored(tenant)
    r = tenant.api.post(path, json=body)
    assert (field or "items[2].description") in _fields(r), r.text
    assert _stored(tenant) == before


def test_control_characters_in_a_patch_are_refused_and_nothing_changes(tenant):
    draft = tenant.api.post("/v1/invoices", json={**INVOICE, "is_draft": True}).json()
    url = f"/v1/invoices/{draft['id']}"
    r = tenant.api.patch(url, json={"footer": "changed", "items": [{**LINE, "name": "x\x00"}]})
    assert _fields(r) == ["items[0].name"]
    assert tenant.api.get(url).json()["footer"] == draft["footer"]
    r = tenant.api.patch(url, json={"footer": "changed", "items": [LINE]})
    assert r.status_code == 200 and r.json()["footer"] == "changed", r.text


@pytest.mark.parametrize(
    ("path", "params", "field"),
    [
        ("/v1/customers", {"search": "Buyer\x00"}, "search"),
        ("/v1/invoices", {"search": "\x0b"}, "search"),
        ("/v1/invoices", {"cursor": "inv_\x00"}, "cursor"),
        ("/v1/customers", {"metadata[order]": "A-\x00"}, "metadata[order]"),
        ("/v1/payments", {"reference": "ch_\x00"}, "reference"),
        ("/v1/invoices", {"customer_id": "cus_\x00"}, "customer_id"),
        ("/v1/invoices", {"customer_id": "c" * 5000}, "customer_id"),  # over-long
        ("/v1/invoices?limit=5&limit=6", None, "limit"),  # repeated
        ("/v1/customers/cus_%00", None, "customer_id"),  # a path parameter
    ],
)
def test_control_characters_in_query_and_path_parameters_are_refused(tenant, invoice, path, params, field):
    r = tenant.api.get(path, params=params)
    assert _fields(r) == [field]


@pytest.mark.parametrize("header", ["Idempotency-Key", "X-Entity-Id"])
def test_control_characters_in_database_bound_headers_are_refused(server, tenant, header):
    """NEL (0x85) passes HTTP/1.1 parsing (obs-text) and reached the database before."""
    before = _stored(tenant)
    headers = {"X-Entity-Id": tenant.entity_id, header: b"key-\x85" if header != "X-Entity-Id" else b"ent_\x85"}
    r = tenant.api.post("/v1/customers", json={"name": "Buyer"}, headers=headers)
    assert _fields(r) == [header]
    assert _stored(tenant) == before


def test_a_nul_byte_in_a_header_never_reaches_the_app(server, tenant):
    """The HTTP server refuses C0 controls in headers itself (400 before the app): nothing stored."""
    before = _stored(tenant)
    host, port = server.url.removeprefix("http://").split(":")
    body = b'{"name": "Buyer"}'
    request = (
        b"POST /v1/customers HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + tenant.sandbox_key.encode() + b"\r\n"
        b"X-Entity-Id: " + tenant.entity_id.encode() + b"\r\nIdempotency-Key: a\x00b\r\n"
        b"Content-Type: application/json\r\nContent-Length: " + str(len(body)).encode() + b"\r\n"
        b"Connection: close\r\n\r\n" + body
    )
    with socket.create_connection((host, int(port)), timeout=30) as s:
        s.sendall(request)
        status_line = s.makefile("rb").readline()
    assert status_line.split()[1] == b"400", status_line
    assert _stored(tenant) == before


def test_tab_and_line_breaks_in_multi_line_fields_are_stored_verbatim(tenant):
    address = "Slovenska 1\nBuilding B\r\n\tFloor 3"
    r = tenant.api.post("/v1/customers", json={"name": "Tab\tSeparated d.o.o.", "address": address})
    assert r.status_code == 201, r.text
    customer = tenant.api.get(f"/v1/customers/{r.json()['id']}").json()
    assert customer["name"] == "Tab\tSeparated d.o.o." and customer["address"] == address

    line = {**LINE, "description": "Hours:\n- design\t10\r\n- build\t20"}
    body = {**INVOICE, "items": [line], "note": "Thank you.\nSee you soon.", "footer": "Bank: X\nIBAN: Y"}
    r = tenant.api.post("/v1/invoices", json=body)
    assert r.status_code == 201, r.text
    stored = tenant.api.get(f"/v1/invoices/{r.json()['id']}").json()
    assert stored["items"][0]["description"] == line["description"]
    assert (stored["note"], stored["footer"]) == (body["note"], body["footer"])


def test_json_nested_1000_deep_answers_400_on_the_api(tenant):
    before = _stored(tenant)
    body = b'{"name": "Buyer", "metadata": {"a": ' + DEEP + b"}}"
    r = tenant.api.post("/v1/customers", content=body, headers=JSON)
    assert _fields(r, 400) == ["body"]
    # within the cap the usual answers come: metadata values are strings
    nested = b'{"name": "Buyer", "metadata": {"a": ' + b"[" * 30 + b"]" * 30 + b"}}"
    assert _fields(tenant.api.post("/v1/customers", content=nested, headers=JSON)) == ["metadata.a"]
    # brackets inside strings are text, not nesting
    r = tenant.api.post("/v1/customers", json={"name": "[{" * 100})
    assert r.status_code == 201, r.text
    assert len(_stored(tenant)["/v1/customers"]) == len(before["/v1/customers"]) + 1


@pytest.mark.parametrize("path", ["/embed/session", "/app/session", "/app/sign-in", "/embed/tokens"])
def test_json_nested_1000_deep_answers_400_on_the_bff(server, path):
    headers = {**JSON, "Origin": server.url}
    assert _fields(httpx.post(server.url + path, content=DEEP, headers=headers, timeout=30), 400) == ["body"]
    r = httpx.post(server.url + path, json={"token": "a\x00", "email": "a\x00@example.com"}, headers=headers)
    assert r.status_code == 422 and r.json()["errors"][0]["field"] in ("token", "email", "entity_id"), r.text


def test_the_bff_deployed_on_its_own_refuses_the_same(server):
    with running(create_bff_app, bff_settings_of(server, api_url=server.url)) as bff:
        for path in ("/embed/session", "/app/session", "/app/sign-in"):
            r = httpx.post(bff + path, content=DEEP, headers={**JSON, "Origin": bff}, timeout=30)
            assert _fields(r, 400) == ["body"], path
        r = httpx.post(bff + "/embed/session", json={"token": "tok\x00"}, timeout=30)
        assert _fields(r) == ["token"]


def test_metadata_filters_are_capped(tenant):
    r = tenant.api.post("/v1/customers", json={"name": "Tagged", "metadata": {"k0": "v"}})
    assert r.status_code == 201, r.text
    r = tenant.api.get("/v1/customers", params={f"metadata[k{i}]": "v" for i in range(1000)})
    assert _fields(r) == ["metadata"]
    assert "at most 20" in r.json()["detail"]
    assert tenant.api.get("/v1/customers", params={f"metadata[k{i}]": "v" for i in range(21)}).status_code == 422
    r = tenant.api.get("/v1/customers", params={"metadata[k0]": "v", **{f"metadata[x{i}]": "" for i in range(19)}})
    assert r.status_code == 200, r.text  # 20 filters are fine (none matches: every x is missing)


# -- generated: every POST/PATCH of the OpenAPI document ------------------------------------------


def _deref(doc: dict, schema: dict) -> dict:
    seen = 0
    while "$ref" in schema and seen < 10:
        node: Any = doc
        for part in schema["$ref"].removeprefix("#/").split("/"):
            node = node[part]
        schema, seen = node, seen + 1
    return schema


def _is_string(doc: dict, schema: dict) -> bool:
    schema = _deref(doc, schema)
    if schema.get("type") == "string" or (isinstance(schema.get("type"), list) and "string" in schema["type"]):
        return True
    return any(_is_string(doc, s) for s in schema.get("oneOf", []) + schema.get("anyOf", []))


def _first_string(doc: dict, schema: dict, depth: int = 0) -> tuple[Any, str] | None:
    """A body whose first string field (depth first, in the document's order) holds a NUL, and its path."""
    schema = _deref(doc, schema)
    for alternative in schema.get("oneOf", []) + schema.get("anyOf", []):
        found = _first_string(doc, alternative, depth)
        if found:
            return found
    for name, prop in (schema.get("properties") or {}).items():
        if _is_string(doc, prop):
            return {name: "x\x00"}, name
        if depth < 3:
            found = _first_string(doc, prop, depth + 1)
            if found:
                return {name: found[0]}, f"{name}.{found[1]}"
    return None


def test_every_post_and_patch_refuses_a_nul_in_its_first_string_field(server, tenant):
    doc = server.client().get("/schema/openapi.json").json()
    checked = 0
    for path, operations in doc["paths"].items():
        for method in ("post", "patch"):
            operation = operations.get(method)
            if operation is None:
                continue
            url = path.replace("{", "").replace("}", "_missing")
            content = (operation.get("requestBody") or {}).get("content", {})
            schema = (content.get("application/json") or {}).get("schema")
            found = _first_string(doc, schema) if schema else None
            body, field = found if found else ({"name": "x\x00"}, None)
            client = tenant.account if path.startswith(("/v1/entities", "/v1/account")) else tenant.api
            r = client.request(method.upper(), url, json=body, headers={"Origin": server.url})
            assert r.status_code < 500, (method, path, r.text)
            if field:
                assert r.status_code == 422 and field in _fields(r), (method, path, r.text)
                checked += 1
    print(f"{checked} operations checked")
    assert checked >= 20  # the document's JSON bodies were found, not skipped

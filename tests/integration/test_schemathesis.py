"""Every operation of the served OpenAPI document (``/schema/openapi.json``), fuzzed by schemathesis against
a real server on each engine: no answer is a 5xx, and each answer's status code, content type, headers and
body are the ones the document gives for that operation.

The calls are authenticated with an account key and ``X-Entity-Id`` of an entity that has one object of each
kind; half of the generated cases get a real id in the path (the other half keep the generated one, a 404 or
a 422). Deterministic (``derandomize``, no example database, no deadline) and bounded: ``EXAMPLES`` cases per
operation and generation mode.
"""

from __future__ import annotations

import base64

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    negative_data_rejection,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from tests.integration.conftest import INVOICE, make_account, make_entity

EXAMPLES = 10
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    negative_data_rejection,
    response_headers_conformance,
    response_schema_conformance,
    negative_data_rejection,
]
PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg=="
)


def _operation_ids() -> list[str]:
    """The operations of the document the server serves (built here from the same app, to name the tests)."""
    from folio.server import create_server_app
    from invoicing.config import Settings

    spec = create_server_app(Settings()).openapi_schema.to_schema()
    return sorted(
        op["operationId"]
        for item in spec["paths"].values()
        for method, op in item.items()
        if method in ("get", "put", "post", "patch", "delete")
    )


OPERATIONS = _operation_ids()


def _ok(r, status: int = 201) -> dict:
    assert r.status_code == status, r.text
    return r.json()


@pytest.fixture(scope="module")
def world(server) -> dict:
    """An account, an entity with one object of each kind, and the schema loaded from the server."""
    _, keys = make_account(server, "Schemathesis")
    account = server.client(keys["sandbox"])
    entity = make_entity(account, email="billing@seller.example")
    api = server.client(keys["sandbox"], entity["id"])
    customer = _ok(api.post("/v1/customers", json={"name": "Buyer d.o.o.", "country": "SI"}))
    item = _ok(api.post("/v1/items", json={"name": "Hosting", "price": "10.00"}))
    draft = _ok(api.post("/v1/invoices", json={**INVOICE, "is_draft": True}))
    issued = _ok(api.post("/v1/invoices", json=INVOICE))
    paid = _ok(api.post("/v1/invoices", json=INVOICE))
    payment = _ok(api.post("/v1/payments", json={"invoice_id": paid["id"], "amount": "50.00"}))
    credit_note = _ok(api.post("/v1/credit-notes", json={"invoice_id": issued["id"]}))
    refund = _ok(api.post("/v1/refunds", json={"amount": "10.00", "invoice_id": paid["id"]}))
    user = _ok(api.post("/v1/entity-users", json={"email": "user@tenant.example", "role": "viewer"}))
    _ok(api.post(f"/v1/invoices/{issued['id']}/send", json={"to": ["buyer@example.com"]}), 202)
    email = api.get("/v1/emails").json()["data"][0]
    logo = _ok(account.post(f"/v1/entities/{entity['id']}/logo", content=PNG, headers={"Content-Type": "image/png"}))
    file_id = logo["url"].rstrip("/").rsplit("/", 1)[-1]
    ids = {
        "entity_id": entity["id"],
        "customer_id": customer["id"],
        "item_id": item["id"],
        "invoice_id": draft["id"],
        "credit_note_id": credit_note["id"],
        "payment_id": payment["id"],
        "refund_id": refund["id"],
        "user_id": user["id"],
        "email_id": email["id"],
        "file_id": file_id,
    }
    schema = schemathesis.openapi.from_url(f"{server.url}/schema/openapi.json")
    # strings without NUL: a NUL in a string is i12-input's boundary check (422), not this document's
    schema.config.generation.update(allow_x00=False)
    headers = {"Authorization": f"Bearer {keys['sandbox']}", "X-Entity-Id": entity["id"]}
    return {"schema": schema, "ids": ids, "headers": headers, "url": server.url}


@pytest.mark.parametrize("operation_id", OPERATIONS)
def test_operation_conforms_to_the_document(world, operation_id):
    operation = world["schema"].find_operation_by_id(operation_id)
    strategies = [operation.as_strategy(generation_mode=mode) for mode in GenerationMode]

    @given(case=st.one_of(strategies), real_ids=st.booleans())
    @settings(
        max_examples=EXAMPLES * len(strategies),
        derandomize=True,
        database=None,
        deadline=None,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    def run(case, real_ids):
        if real_ids:
            for name in case.path_parameters or {}:
                if name in world["ids"]:
                    case.path_parameters[name] = world["ids"][name]
        # set on the case itself, so schemathesis re-validates a negative case against what is really sent
        case.headers = {**(case.headers or {}), **world["headers"]}
        case.call_and_validate(base_url=world["url"], checks=CHECKS)

    run()

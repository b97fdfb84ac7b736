"""Numbering: gapless, unique, assigned at issue inside the issuing transaction."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

import httpx
import pytest
import time_machine

from invoicing.db import Database
from invoicing.db.models import Document, Entity
from invoicing.documents.numbering import assign_number
from tests.integration.conftest import INVOICE, assert_problem


def _numbers(client) -> list[str]:
    out, cursor = [], None
    while True:
        body = client.get("/v1/invoices", params={"limit": 100, **({"cursor": cursor} if cursor else {})}).json()
        out += [i["number"] for i in body["data"] if i["number"]]
        cursor = body["next_cursor"]
        if not cursor:
            return out


def test_fifty_concurrent_issues_get_exactly_one_to_fifty(server, tenant):
    tenant.account.patch(
        f"/v1/entities/{tenant.entity_id}", json={"settings": {"number_formats": {"invoice": "C-{nnn}"}}}
    ).raise_for_status()

    async def issue_all():
        headers = {"Authorization": f"Bearer {tenant.sandbox_key}", "X-Entity-Id": tenant.entity_id}
        limits = httpx.Limits(max_connections=50)
        async with httpx.AsyncClient(base_url=server.url, headers=headers, timeout=60, limits=limits) as client:
            return await asyncio.gather(*(client.post("/v1/invoices", json=INVOICE) for _ in range(50)))

    responses = asyncio.run(issue_all())
    assert [r.status_code for r in responses] == [201] * 50
    numbers = sorted(r.json()["number"] for r in responses)
    assert numbers == [f"C-{n:03d}" for n in range(1, 51)]
    assert sorted(_numbers(tenant.api)) == numbers


def test_an_issue_that_fails_after_taking_its_number_leaves_no_gap(server, tenant):
    """The counter is taken inside the issuing transaction: a failure afterwards rolls it back."""
    entity_id = tenant.entity_id

    async def attempt(fail: bool) -> str:
        db = Database(server.database_url)
        try:
            async with db.transaction() as session:
                entity = await session.get(Entity, entity_id)
                doc = Document(id="inv_probe", entity_id=entity_id, type="invoice", date=datetime.now(UTC).date())
                number = await assign_number(session, doc, entity)
                if fail:
                    raise RuntimeError("the rendering failed after numbering")
                await session.rollback()
                return number
        finally:
            await db.dispose()

    with pytest.raises(RuntimeError):
        asyncio.run(attempt(fail=True))
    first = tenant.api.post("/v1/invoices", json=INVOICE).json()
    assert first["number"].endswith("-00001")


def test_a_duplicate_number_is_refused_and_takes_no_number(server, tenant):
    entity = f"/v1/entities/{tenant.entity_id}"
    year = datetime.now(UTC).year
    tenant.account.patch(entity, json={"settings": {"number_formats": {"invoice": "{yyyy}{n}"}}}).raise_for_status()
    assert tenant.api.post("/v1/invoices", json=INVOICE).json()["number"] == f"{year}1"
    # a format without a year has its own counter, which would produce the same text: refused, rolled back
    tenant.account.patch(entity, json={"settings": {"number_formats": {"invoice": f"{year}{{n}}"}}}).raise_for_status()
    clash = tenant.api.post("/v1/invoices", json=INVOICE)
    assert clash.status_code == 409 and "already taken" in clash.json()["detail"]
    assert len(tenant.api.get("/v1/invoices").json()["data"]) == 1
    tenant.account.patch(entity, json={"settings": {"number_formats": {"invoice": "Z{n}"}}}).raise_for_status()
    assert tenant.api.post("/v1/invoices", json=INVOICE).json()["number"] == "Z1"  # the failed issue consumed nothing


def test_drafts_take_no_number_and_deleted_drafts_leave_no_gap(server, tenant):
    d1 = tenant.api.post("/v1/invoices", json={**INVOICE, "is_draft": True}).json()
    d2 = tenant.api.post("/v1/invoices", json={**INVOICE, "is_draft": True}).json()
    assert d1["number"] is None and d2["number"] is None
    assert tenant.api.delete(f"/v1/invoices/{d1['id']}").status_code == 204
    assert tenant.api.get(f"/v1/invoices/{d1['id']}").status_code == 404
    issued = tenant.api.post(f"/v1/invoices/{d2['id']}/finalize").json()
    assert issued["number"].endswith("-00001")
    assert tenant.api.post("/v1/invoices", json=INVOICE).json()["number"].endswith("-00002")


def test_year_boundary_restarts_the_sequence(server, tenant):
    entity = f"/v1/entities/{tenant.entity_id}"
    formats = {"number_formats": {"invoice": "INV-{yy}-{nnn}"}}
    tenant.account.patch(entity, json={"settings": formats}).raise_for_status()
    with time_machine.travel(datetime(2026, 12, 31, 23, 59, 59, tzinfo=UTC), tick=False):
        a = tenant.api.post("/v1/invoices", json=INVOICE).json()
        b = tenant.api.post("/v1/invoices", json=INVOICE).json()
    with time_machine.travel(datetime(2027, 1, 1, 0, 0, 0, tzinfo=UTC), tick=False):
        c = tenant.api.post("/v1/invoices", json=INVOICE).json()
        # a back-dated invoice belongs to its own year's sequence, which has a later date: refused
        late = tenant.api.post("/v1/invoices", json={**INVOICE, "date": "2026-12-30"})
        assert_problem(late, 409, words="INV-26-002")
        assert late.json()["last_number"] == "INV-26-002" and late.json()["last_date"] == "2026-12-31"
        # allowed by the entity: it continues its year's sequence
        tenant.account.patch(entity, json={"settings": {"numbering": {"allow_backdating": True}}}).raise_for_status()
        d = tenant.api.post("/v1/invoices", json={**INVOICE, "date": "2026-12-30"}).json()
    assert (a["date"], b["date"], c["date"], d["date"]) == ("2026-12-31", "2026-12-31", "2027-01-01", "2026-12-30")
    numbers = (a["number"], b["number"], c["number"], d["number"])
    assert numbers == ("INV-26-001", "INV-26-002", "INV-27-001", "INV-26-003")


def test_credit_notes_have_their_own_sequence(server, tenant):
    inv = tenant.api.post("/v1/invoices", json=INVOICE).json()
    cn = tenant.api.post("/v1/credit-notes", json={"invoice_id": inv["id"]}).json()
    year = datetime.now(UTC).year
    assert inv["number"] == f"{year}-00001" and cn["number"] == f"CN-{year}-00001"


def test_idempotent_retry_consumes_one_number(server, tenant):
    key = {"Idempotency-Key": "order-77-issue"}
    first = tenant.api.post("/v1/invoices", json=INVOICE, headers=key)
    retry = tenant.api.post("/v1/invoices", json=INVOICE, headers=key)
    assert first.status_code == retry.status_code == 201
    assert retry.json()["id"] == first.json()["id"] and retry.json()["number"] == first.json()["number"]
    other = tenant.api.post("/v1/invoices", json={**INVOICE, "note": "different"}, headers=key)
    assert other.status_code == 409 and other.headers["content-type"].startswith("application/problem+json")
    nxt = tenant.api.post("/v1/invoices", json=INVOICE).json()
    assert int(nxt["number"][-5:]) == int(first.json()["number"][-5:]) + 1
    assert len(tenant.api.get("/v1/invoices").json()["data"]) == 2


def test_concurrent_idempotent_retries_create_one_invoice(server, tenant):
    async def burst():
        headers = {
            "Authorization": f"Bearer {tenant.sandbox_key}",
            "X-Entity-Id": tenant.entity_id,
            "Idempotency-Key": "burst-1",
        }
        async with httpx.AsyncClient(base_url=server.url, headers=headers, timeout=60) as client:
            return await asyncio.gather(*(client.post("/v1/invoices", json=INVOICE) for _ in range(10)))

    responses = asyncio.run(burst())
    assert {r.status_code for r in responses} == {201}
    assert len({r.json()["id"] for r in responses}) == 1
    assert len(tenant.api.get("/v1/invoices").json()["data"]) == 1


def test_failed_request_with_idempotency_key_can_be_retried(server, tenant):
    key = {"Idempotency-Key": "retry-after-fix"}
    bad = tenant.api.post("/v1/invoices", json={**INVOICE, "currency_code": "XYZ"}, headers=key)
    assert bad.status_code == 422
    # nothing was stored for the failed attempt, so the corrected request goes through with the same key
    good = tenant.api.post("/v1/invoices", json=INVOICE, headers=key)
    assert good.status_code == 201

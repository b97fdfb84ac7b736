"""Estimates (issue 16): drafts, issuing in their own sequence, the buyer's answer, expiry, converting into an
invoice once, their PDF and e-mail, and that they never count as invoices."""

from __future__ import annotations

import asyncio
import csv
import io
import time
from datetime import UTC, datetime, timedelta

import httpx
import pytest
from sqlalchemy import select

from contract import credentials
from invoicing.db import Database
from invoicing.db.models import Document
from invoicing.documents.estimates import expire_estimates
from tests.integration.conftest import assert_problem
from tests.integration.pdf_helpers import decode_qr_codes, pdf_text

BUYER = {"name": "Kupec d.o.o.", "email": "kupec@example.com", "country": "SI"}
ITEMS = [
    {"name": "Design workshop", "quantity": 2, "price": "450.00", "taxes": [{"rate": 22}]},
    {"name": "Book", "quantity": 1, "price": "30.00", "taxes": [{"rate": 9.5}]},
]
TODAY = datetime.now(UTC).date()


def _estimate(tenant, **extra) -> dict:
    r = tenant.api.post("/v1/estimates", json={"customer": BUYER, "items": ITEMS, **extra})
    assert r.status_code == 201, r.text
    return r.json()


def _actions(tenant, object_id: str) -> set[str]:
    log = tenant.api.get("/v1/audit-log", params={"object_id": object_id, "limit": 100}).json()["data"]
    return {e["action"] for e in log}


def _events(tenant, type_: str) -> list[dict]:
    return tenant.api.get("/v1/events", params={"type": type_, "limit": 100}).json()["data"]


def test_a_draft_is_edited_then_issued_in_its_own_gapless_sequence(tenant):
    invoice = tenant.api.post("/v1/invoices", json={"customer": BUYER, "items": ITEMS})
    assert invoice.status_code == 201 and invoice.json()["number"].endswith("00001")

    draft = _estimate(tenant, is_draft=True)
    assert draft["object"] == "estimate" and draft["id"].startswith("est_")
    assert draft["status"] == "draft" and draft["number"] is None and draft["date_due"] is None
    assert draft["valid_until"] == (TODAY + timedelta(days=30)).isoformat()
    assert draft["total_with_tax"] == "1130.85"  # 900 + 198 VAT, 30 + 2.85 VAT

    changed = tenant.api.patch(
        f"/v1/estimates/{draft['id']}",
        json={"items": ITEMS[:1], "valid_until": (TODAY + timedelta(days=10)).isoformat()},
    )
    assert changed.status_code == 200, changed.text
    assert (
        changed.json()["total_with_tax"] == "1098.00"
        and changed.json()["valid_until"] == (TODAY + timedelta(days=10)).isoformat()
    )

    issued = tenant.api.post(f"/v1/estimates/{draft['id']}/finalize")
    assert issued.status_code == 200, issued.text
    year = TODAY.year
    assert issued.json()["number"] == f"EST-{year}-00001" and issued.json()["status"] == "issued"
    numbers = [_estimate(tenant)["number"] for _ in range(3)]
    assert numbers == [f"EST-{year}-0000{n}" for n in (2, 3, 4)]
    # the invoice sequence is untouched by estimates
    assert tenant.api.post("/v1/invoices", json={"customer": BUYER, "items": ITEMS}).json()["number"].endswith("00002")

    # issued: no more changes, no deleting
    assert_problem(tenant.api.patch(f"/v1/estimates/{draft['id']}", json={"note": "x"}), 409, words="issued")
    assert_problem(tenant.api.delete(f"/v1/estimates/{draft['id']}"), 409)
    assert_problem(tenant.api.post(f"/v1/estimates/{draft['id']}/finalize"), 409, words="already issued")
    # a draft can be deleted
    other = _estimate(tenant, is_draft=True)
    assert tenant.api.delete(f"/v1/estimates/{other['id']}").status_code == 204
    assert tenant.api.get(f"/v1/estimates/{other['id']}").status_code == 404

    assert {"estimate.created", "estimate.updated", "estimate.issued"} <= _actions(tenant, draft["id"])
    event = next(e for e in _events(tenant, "estimate.issued") if e["data"]["object"]["id"] == draft["id"])
    assert event["data"]["object"]["number"] == f"EST-{year}-00001"


def test_the_number_format_is_the_entitys_estimate_format(tenant):
    tenant.account.patch(
        f"/v1/entities/{tenant.entity_id}", json={"settings": {"number_formats": {"estimate": "OFF-{nnn}"}}}
    ).raise_for_status()
    assert [_estimate(tenant)["number"] for _ in range(2)] == ["OFF-001", "OFF-002"]


def test_bad_input_answers_422_naming_the_field(tenant):
    r = tenant.api.post(
        "/v1/estimates",
        json={"customer": BUYER, "items": ITEMS, "date": TODAY.isoformat(), "valid_until": "2000-01-01"},
    )
    assert assert_problem(r, 422)["errors"][0]["field"] == "valid_until"
    draft = _estimate(tenant, is_draft=True)
    r = tenant.api.patch(f"/v1/estimates/{draft['id']}", json={"valid_until": "2000-01-01"})
    assert assert_problem(r, 422)["errors"][0]["field"] == "valid_until"
    r = tenant.api.post("/v1/estimates", json={"customer": BUYER, "items": ITEMS, "date_due": "2030-01-01"})
    assert assert_problem(r, 422)["errors"][0]["field"] == "date_due"  # an offer has no due date
    r = tenant.api.get("/v1/estimates", params={"status": "paid"})
    assert assert_problem(r, 422)["errors"][0]["field"] == "status"
    r = tenant.api.post("/v1/estimates", json={"customer": BUYER, "items": []})
    assert assert_problem(r, 422)["errors"][0]["field"] == "items"
    r = tenant.api.post(f"/v1/estimates/{draft['id']}/convert", json={"is_draft": "maybe"})
    assert assert_problem(r, 422)["errors"][0]["field"] == "is_draft"
    assert tenant.api.get("/v1/estimates/est_missing").status_code == 404


def test_accept_and_decline_only_an_issued_estimate(tenant):
    draft = _estimate(tenant, is_draft=True)
    body = assert_problem(tenant.api.post(f"/v1/estimates/{draft['id']}/accept"), 409, words="draft")
    assert body["status"] == 409

    accepted = _estimate(tenant)
    r = tenant.api.post(f"/v1/estimates/{accepted['id']}/accept")
    assert r.status_code == 200, r.text
    assert r.json()["status"] == "accepted" and r.json()["accepted_at"]
    assert_problem(tenant.api.post(f"/v1/estimates/{accepted['id']}/decline"), 409, words="accepted")

    declined = _estimate(tenant)
    r = tenant.api.post(f"/v1/estimates/{declined['id']}/decline", json={"reason": "Too expensive"})
    assert r.status_code == 200, r.text
    assert (
        r.json()["status"] == "declined" and r.json()["decline_reason"] == "Too expensive" and r.json()["declined_at"]
    )
    assert_problem(tenant.api.post(f"/v1/estimates/{declined['id']}/accept"), 409, words="declined")
    assert_problem(tenant.api.post(f"/v1/estimates/{declined['id']}/convert", json={}), 409, words="declined")

    assert "estimate.accepted" in _actions(tenant, accepted["id"])
    assert "estimate.declined" in _actions(tenant, declined["id"])
    event = next(e for e in _events(tenant, "estimate.declined") if e["data"]["object"]["id"] == declined["id"])
    assert event["data"]["object"]["status"] == "declined"

    by_status = {
        s: [e["id"] for e in tenant.api.get("/v1/estimates", params={"status": s}).json()["data"]]
        for s in ("draft", "accepted", "declined")
    }
    assert by_status == {"draft": [draft["id"]], "accepted": [accepted["id"]], "declined": [declined["id"]]}


def test_an_issued_estimate_past_valid_until_is_expired(server, tenant):
    old = (TODAY - timedelta(days=20)).isoformat()
    past = _estimate(tenant, date=old, valid_until=(TODAY - timedelta(days=1)).isoformat())
    last_day = _estimate(tenant, valid_until=TODAY.isoformat())
    # reads show it at once, before the job stored it
    assert past["status"] == "expired"
    assert tenant.api.get(f"/v1/estimates/{past['id']}").json()["status"] == "expired"
    assert last_day["status"] == "issued"
    listed = {
        s: [e["id"] for e in tenant.api.get("/v1/estimates", params={"status": s}).json()["data"]]
        for s in ("expired", "issued")
    }
    assert listed == {"expired": [past["id"]], "issued": [last_day["id"]]}
    assert_problem(tenant.api.post(f"/v1/estimates/{past['id']}/accept"), 409, words="expired")
    assert_problem(tenant.api.post(f"/v1/estimates/{past['id']}/convert", json={}), 409, words="expired")

    async def run() -> str:
        db = Database(server.database_url)
        try:
            assert await expire_estimates(db) >= 1
            async with db.transaction(write=False) as session:
                return (await session.execute(select(Document.status).where(Document.id == past["id"]))).scalar_one()
        finally:
            await db.dispose()

    assert asyncio.run(run()) == "expired"  # the periodic job stored it
    assert tenant.api.get(f"/v1/estimates/{past['id']}").json()["status"] == "expired"
    assert tenant.api.get(f"/v1/estimates/{last_day['id']}").json()["status"] == "issued"


@pytest.mark.parametrize("is_draft", [False, True])
def test_convert_makes_the_invoice_once(tenant, is_draft):
    estimate = _estimate(
        tenant,
        note="Thank you for the inquiry.",
        allowances=[{"reason": "Loyalty", "percent": 10}],
        charges=[{"reason": "Travel", "amount": "50.00", "taxes": [{"rate": 22}]}],
        metadata={"deal": "42"},
    )
    if not is_draft:
        assert tenant.api.post(f"/v1/estimates/{estimate['id']}/accept").status_code == 200
    r = tenant.api.post(f"/v1/estimates/{estimate['id']}/convert", json={"is_draft": is_draft})
    assert r.status_code == 201, r.text
    invoice = r.json()
    assert invoice["object"] == "invoice" and invoice["estimate_id"] == estimate["id"]
    assert invoice["status"] == ("draft" if is_draft else "issued")
    assert (invoice["number"] is None) == is_draft
    for key in ("items", "taxes", "allowances", "charges", "total", "total_tax", "total_with_tax", "currency_code"):
        assert invoice[key] == estimate[key], key
    assert invoice["note"] == estimate["note"] and invoice["metadata"] == {"deal": "42"}
    assert invoice["customer"]["name"] == BUYER["name"]
    assert tenant.api.get(f"/v1/invoices/{invoice['id']}").json()["estimate_id"] == estimate["id"]

    after = tenant.api.get(f"/v1/estimates/{estimate['id']}").json()
    assert after["status"] == "converted" and after["invoice_id"] == invoice["id"]
    again = assert_problem(tenant.api.post(f"/v1/estimates/{estimate['id']}/convert", json={}), 409, words="already")
    assert again["invoice_id"] == invoice["id"]
    assert "estimate.converted" in _actions(tenant, estimate["id"])
    event = next(e for e in _events(tenant, "estimate.converted") if e["data"]["object"]["id"] == estimate["id"])
    assert event["data"]["object"]["invoice_id"] == invoice["id"]
    assert any(e["data"]["object"]["id"] == invoice["id"] for e in _events(tenant, "invoice.created"))


def test_concurrent_converts_make_one_invoice(server, tenant):
    estimate = _estimate(tenant)

    async def convert_all():
        headers = {"Authorization": f"Bearer {tenant.sandbox_key}", "X-Entity-Id": tenant.entity_id}
        async with httpx.AsyncClient(base_url=server.url, headers=headers, timeout=60) as client:
            url = f"/v1/estimates/{estimate['id']}/convert"
            return await asyncio.gather(*(client.post(url, json={}) for _ in range(8)))

    responses = asyncio.run(convert_all())
    assert sorted(r.status_code for r in responses) == [201] + [409] * 7, [r.text for r in responses]
    made = next(r.json()["id"] for r in responses if r.status_code == 201)
    assert all(r.json()["invoice_id"] == made for r in responses if r.status_code == 409)
    invoices = tenant.api.get("/v1/invoices", params={"limit": 100}).json()["data"]
    assert [i["id"] for i in invoices] == [made]


def test_estimates_are_not_invoices(tenant):
    year = {"date_from": (TODAY - timedelta(days=365)).isoformat(), "date_to": TODAY.isoformat()}
    summary = tenant.api.get("/v1/reports/summary", params=year)
    assert summary.status_code == 200, summary.text
    vat = tenant.api.get("/v1/reports/vat", params=year)
    assert vat.status_code == 200, vat.text
    estimate = _estimate(tenant)
    _estimate(tenant, is_draft=True)
    assert tenant.api.get("/v1/invoices").json()["data"] == []
    assert tenant.api.get("/v1/credit-notes").json()["data"] == []
    assert tenant.api.get(f"/v1/invoices/{estimate['id']}").status_code == 404
    assert tenant.api.get(f"/v1/estimates/{estimate['id']}").status_code == 200
    assert tenant.api.get("/v1/reports/summary", params=year).json() == summary.json()
    assert tenant.api.get("/v1/reports/vat", params=year).json() == vat.json()
    usage = tenant.account.get("/v1/reports/usage", params={"month": TODAY.strftime("%Y-%m")})
    assert usage.status_code == 200, usage.text
    (mine,) = [e for e in usage.json()["data"] if e["entity_id"] == tenant.entity_id]
    assert (mine["invoices_issued"], mine["credit_notes_issued"], mine["estimates_issued"]) == (0, 0, 1)


def _exported(tenant, type_: str) -> list[dict]:
    """A CSV export of the entity's ``type_`` rows, once the worker has written it (asked again until then)."""
    created = tenant.api.post("/v1/exports", json={"type": type_, "format": "csv"})
    assert created.status_code == 202, created.text
    for _ in range(1200):
        body = tenant.api.get(f"/v1/exports/{created.json()['id']}").json()
        if body["status"] in ("done", "failed"):
            break
        time.sleep(0.05)
    assert body["status"] == "done", body
    content = tenant.api.get(f"/v1/exports/{body['id']}/file").content
    return list(csv.DictReader(io.StringIO(content.decode("utf-8-sig"))))


def test_exports_hold_no_estimates(tenant):
    invoice = tenant.api.post("/v1/invoices", json={"customer": BUYER, "items": ITEMS}).json()
    _estimate(tenant)
    for type_ in ("documents", "lines"):
        rows = _exported(tenant, type_)
        assert rows and {tuple(sorted(set(r.values()) & {invoice["number"]})) for r in rows} == {(invoice["number"],)}


def test_a_viewer_reads_but_cannot_create_or_answer(server, tenant):
    estimate = _estimate(tenant)
    user = tenant.api.post("/v1/entity-users", json={"email": "viewer@example.com", "role": "viewer"}).json()
    token = credentials.sign_user(
        server.settings.security.signing_keys(), tenant.account_id, "sandbox", tenant.entity_id, user["id"]
    )
    viewer = server.client(token)
    assert viewer.get(f"/v1/estimates/{estimate['id']}").status_code == 200
    assert viewer.get("/v1/estimates").status_code == 200
    assert_problem(viewer.post("/v1/estimates", json={"customer": BUYER, "items": ITEMS}), 403)
    assert_problem(viewer.post(f"/v1/estimates/{estimate['id']}/accept"), 403)
    assert_problem(viewer.post(f"/v1/estimates/{estimate['id']}/convert", json={}), 403)


def test_list_filters(tenant):
    other = {"name": "Drugi kupec", "country": "SI"}
    a = _estimate(tenant, metadata={"deal": "a"})
    b = tenant.api.post("/v1/estimates", json={"customer": other, "items": ITEMS, "metadata": {"deal": "b"}}).json()

    def ids(**params) -> list[str]:
        r = tenant.api.get("/v1/estimates", params=params)
        assert r.status_code == 200, r.text
        return [e["id"] for e in r.json()["data"]]

    assert ids() == [b["id"], a["id"]]
    assert ids(search="drugi") == [b["id"]]
    assert ids(customer_id=a["customer"]["id"]) == [a["id"]]
    assert ids(**{"metadata[deal]": "a"}) == [a["id"]]
    assert ids(date_from=(TODAY + timedelta(days=1)).isoformat()) == []
    first = tenant.api.get("/v1/estimates", params={"limit": 1}).json()
    assert [e["id"] for e in first["data"]] == [b["id"]] and first["next_cursor"]
    rest = tenant.api.get("/v1/estimates", params={"limit": 1, "cursor": first["next_cursor"]}).json()
    assert [e["id"] for e in rest["data"]] == [a["id"]]


@pytest.mark.parametrize(
    ("locale", "title", "valid", "not_invoice"),
    [
        ("en", "Estimate", "Valid until", "not an invoice"),
        ("de", "Angebot", "Gültig bis", "keine Rechnung"),
        ("sl", "Ponudba", "Velja do", "ne račun"),
    ],
)
def test_the_pdf_says_it_is_an_offer_with_no_payment(tenant, locale, title, valid, not_invoice):
    tenant.account.patch(
        f"/v1/entities/{tenant.entity_id}",
        json={"settings": {"bank_account": {"iban": "SI56 1910 0000 0123 438", "bic": "BAKOSI2X"}}},
    ).raise_for_status()
    estimate = _estimate(tenant, locale=locale)
    r = tenant.api.get(f"/v1/estimates/{estimate['id']}/pdf")
    assert r.status_code == 200 and r.headers["content-type"] == "application/pdf"
    assert estimate["number"] in r.headers["content-disposition"]
    text = pdf_text(r.content)
    assert title in text and valid in text and not_invoice in text and estimate["number"] in text
    assert "IBAN" not in text and decode_qr_codes(r.content) == []
    # the same entity's invoice does ask for payment, with its QR code: the checks above can fail
    invoice = tenant.api.post("/v1/invoices", json={"customer": BUYER, "items": ITEMS, "locale": locale}).json()
    invoice_pdf = tenant.api.get(f"/v1/invoices/{invoice['id']}/pdf").content
    assert "IBAN" in pdf_text(invoice_pdf) and decode_qr_codes(invoice_pdf)

    html = tenant.api.get(f"/v1/estimates/{estimate['id']}/html")
    assert html.status_code == 200 and title in html.text and valid in html.text


def test_the_modern_design_says_so_too(tenant):
    tenant.account.patch(
        f"/v1/entities/{tenant.entity_id}", json={"settings": {"pdf_template": "modern"}}
    ).raise_for_status()
    estimate = _estimate(tenant, locale="fr")
    text = pdf_text(tenant.api.get(f"/v1/estimates/{estimate['id']}/pdf").content)
    assert "Devis" in text and "Valable jusqu" in text and "pas une facture" in text


def test_send_e_mails_the_pdf_in_the_estimates_language(tenant):
    draft = _estimate(tenant, is_draft=True)
    assert_problem(tenant.api.post(f"/v1/estimates/{draft['id']}/send", json={}), 409)
    estimate = _estimate(tenant, locale="de")
    r = tenant.api.post(f"/v1/estimates/{estimate['id']}/send", json={})
    assert r.status_code == 202, r.text
    email = r.json()
    assert email["to"] == [BUYER["email"]]
    assert email["subject"].startswith(f"Angebot {estimate['number']}")
    assert "gültig bis" in email["text"]
    assert email["attachments"] == [f"estimate-{estimate['number']}.pdf"]
    listed = tenant.api.get("/v1/emails", params={"document_id": estimate["id"]}).json()["data"]
    assert [e["id"] for e in listed] == [email["id"]]

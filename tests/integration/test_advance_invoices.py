"""Advance invoices (issue 16): issued and numbered in their own sequence, paid at once or later, deducted
per VAT rate on a final invoice exactly once, released when that invoice is voided."""

from __future__ import annotations

import asyncio
from datetime import date

import httpx
import pytest

from contract import credentials
from tests.integration.conftest import assert_problem, make_entity
from tests.integration.pdf_helpers import pdf_text

BUYER = {"name": "Kupec d.o.o.", "country": "SI", "email": "kupec@example.com"}
YEAR = date.today().year


def _line(name: str, price: str, rate: float) -> dict:
    return {"name": name, "price": price, "taxes": [{"rate": rate}]}


def _advance(tenant, items: list[dict], **extra) -> dict:
    body = {"customer": BUYER, "items": items, **extra}
    r = tenant.api.post("/v1/advance-invoices", json=body)
    assert r.status_code == 201, r.text
    return r.json()


def _final(tenant, advance_ids: list[str], **extra) -> httpx.Response:
    items = [_line("Kitchen", "1000.00", 22), _line("Books", "200.00", 9.5)]
    return tenant.api.post(
        "/v1/invoices", json={"customer": BUYER, "items": items, "advance_invoice_ids": advance_ids, **extra}
    )


def _per_rate(doc: dict) -> dict[str, tuple[str, str]]:
    return {t["rate"]: (t["base"], t["amount"]) for t in doc["taxes"]}


def _two_advances(tenant) -> tuple[dict, dict]:
    first = _advance(tenant, [_line("Deposit", "300.00", 22)], paid={"type": "bank_transfer"})
    second = _advance(tenant, [_line("Deposit kitchen", "100.00", 22), _line("Deposit books", "33.33", 9.5)])
    return first, second


def test_advances_are_numbered_apart_paid_at_once_or_later(tenant):
    first, second = _two_advances(tenant)
    assert first["object"] == "advance_invoice" and first["id"].startswith("adv_")
    assert (first["number"], second["number"]) == (f"ADV-{YEAR}-00001", f"ADV-{YEAR}-00002")
    assert first["status"] == "paid" and first["total_due"] == "0.00" and first["paid_on_issue"] == "366.00"
    # VAT decided like an invoice's: domestic, per rate
    assert first["tax_treatment"]["code"] == "domestic"
    assert _per_rate(second) == {"22": ("100.00", "22.00"), "9.5": ("33.33", "3.17")}
    assert (second["status"], second["total_with_tax"], second["total_due"]) == ("issued", "158.50", "158.50")
    # invoices keep their own sequence
    inv = tenant.api.post("/v1/invoices", json={"customer": BUYER, "items": [_line("X", "1", 22)]}).json()
    assert inv["number"] == f"{YEAR}-00001"
    # paid later, in part and then the rest, through the payments API
    r = tenant.api.post("/v1/payments", json={"invoice_id": second["id"], "amount": "58.50"})
    assert r.status_code == 201, r.text
    assert tenant.api.get(f"/v1/advance-invoices/{second['id']}").json()["total_due"] == "100.00"
    assert_problem(tenant.api.post("/v1/payments", json={"invoice_id": second["id"], "amount": "100.01"}), 422)
    r = tenant.api.post("/v1/payments", json={"invoice_id": second["id"], "amount": "100.00"})
    assert r.json()["invoice_status"] == "paid"
    assert tenant.api.get(f"/v1/advance-invoices/{second['id']}").json()["status"] == "paid"
    # list and filters
    listed = tenant.api.get("/v1/advance-invoices").json()["data"]
    assert [a["number"] for a in listed] == [second["number"], first["number"]]
    assert tenant.api.get("/v1/advance-invoices", params={"status": "issued"}).json()["data"] == []
    assert len(tenant.api.get("/v1/advance-invoices", params={"search": "00002"}).json()["data"]) == 1
    assert tenant.api.get("/v1/invoices").json()["data"][0]["id"] == inv["id"]  # not among the invoices
    # events and audit
    events = tenant.account.get("/v1/events", params={"type": "advance_invoice.issued"}).json()["data"]
    assert {e["data"]["object"]["id"] for e in events} == {first["id"], second["id"]}
    assert events[0]["data"]["object"]["object"] == "advance_invoice"
    audit = tenant.api.get("/v1/audit-log", params={"object_id": first["id"]}).json()["data"]
    issued = next(a for a in audit if a["action"] == "advance_invoice.issued")
    assert (issued["object_type"], issued["label"]) == ("advance_invoice", first["number"])


def test_a_final_invoice_deducts_each_advance_per_rate(tenant):
    first, second = _two_advances(tenant)
    tenant.api.post("/v1/payments", json={"invoice_id": second["id"], "amount": "158.50"}).raise_for_status()
    r = _final(tenant, [first["id"], second["id"]])
    assert r.status_code == 201, r.text
    final = r.json()
    # lines as sold: 1000.00 at 22 % (220.00 VAT), 200.00 at 9.5 % (19.00 VAT), 1439.00 in all; less the
    # advances: 300.00 + 66.00 and 100.00 + 22.00 at 22 %, 33.33 + 3.17 at 9.5 %
    assert [i["total"] for i in final["items"]] == ["1000.00", "200.00"]
    assert _per_rate(final) == {"22": ("600.00", "132.00"), "9.5": ("166.67", "15.83")}
    assert (final["total"], final["total_tax"], final["total_with_tax"]) == ("766.67", "147.83", "914.50")
    assert (final["total_advances"], final["total_due"], final["status"]) == ("524.50", "914.50", "issued")
    assert [(a["number"], a["total_with_tax"]) for a in final["advances"]] == [
        (first["number"], "366.00"),
        (second["number"], "158.50"),
    ]
    assert final["advances"][1]["taxes"][1] | {"name": ""} == {
        "name": "",
        "rate": "9.5",
        "base": "33.33",
        "amount": "3.17",
        "category": "S",
    }
    for advance in (first, second):
        now = tenant.api.get(f"/v1/advance-invoices/{advance['id']}").json()
        assert (now["status"], now["deducted_by_invoice_id"]) == ("deducted", final["id"])
    # an advance is deducted once; a deducted advance cannot be voided
    body = assert_problem(_final(tenant, [second["id"]]), 409)
    assert body["errors"][0]["field"] == "advance_invoice_ids[0]"
    assert_problem(tenant.api.post(f"/v1/advance-invoices/{first['id']}/void", json={}), 409, words="deducted")
    # paid in full: what is left
    r = tenant.api.post("/v1/payments", json={"invoice_id": final["id"], "amount": "914.50"})
    assert r.json()["invoice_status"] == "paid"


def test_voiding_the_final_invoice_releases_its_advances(tenant):
    first, second = _two_advances(tenant)
    final = _final(tenant, [first["id"], second["id"]]).json()
    r = tenant.api.post(f"/v1/invoices/{final['id']}/void", json={"reason": "wrong"})
    assert r.status_code == 200, r.text
    assert [tenant.api.get(f"/v1/advance-invoices/{a['id']}").json()["status"] for a in (first, second)] == [
        "paid",
        "issued",
    ]
    assert tenant.api.get(f"/v1/advance-invoices/{first['id']}").json()["deducted_by_invoice_id"] is None
    again = _final(tenant, [second["id"]])
    assert again.status_code == 201, again.text
    # the unpaid, undeducted one voids; a voided advance cannot be deducted
    tenant.api.post(f"/v1/invoices/{again.json()['id']}/void", json={}).raise_for_status()
    voided = tenant.api.post(f"/v1/advance-invoices/{second['id']}/void", json={"reason": "cancelled"}).json()
    assert (voided["status"], voided["total_due"]) == ("voided", "0.00")
    body = assert_problem(_final(tenant, [first["id"], second["id"]]), 409)
    assert body["errors"][0]["field"] == "advance_invoice_ids[1]"
    # a paid advance cannot be voided (invoice rules)
    assert_problem(tenant.api.post(f"/v1/advance-invoices/{first['id']}/void", json={}), 409, words="payments")


def test_advances_that_do_not_fit_are_refused_naming_them(tenant):
    first = _advance(tenant, [_line("Deposit", "300.00", 22)])
    other_customer = _advance(tenant, [_line("Deposit", "10", 22)], customer={"name": "Someone Else", "country": "SI"})
    in_usd = _advance(tenant, [_line("Deposit", "10", 22)], currency_code="USD")
    at_5 = _advance(tenant, [_line("Deposit", "10", 5)])
    too_much = _advance(tenant, [_line("Deposit", "250.00", 9.5)])
    for advance, status, words in [
        (other_customer, 422, "another customer"),
        (in_usd, 422, "USD"),
        (at_5, 422, "no line of this invoice"),
        (too_much, 422, "left at that rate"),
    ]:
        body = assert_problem(_final(tenant, [first["id"], advance["id"]]), status)
        assert body["errors"][0]["field"] == "advance_invoice_ids[1]", body
        assert words in body["errors"][0]["message"], body
    body = assert_problem(_final(tenant, [first["id"], first["id"]]), 422)
    assert body["errors"][0]["field"] == "advance_invoice_ids[1]"
    body = assert_problem(_final(tenant, ["adv_nothing"]), 422)
    assert body["errors"][0]["field"] == "advance_invoice_ids[0]"
    # another entity's advance is not found
    other = make_entity(tenant.account)
    elsewhere = tenant.account.post(
        "/v1/advance-invoices",
        headers={"X-Entity-Id": other["id"]},
        json={"customer": BUYER, "items": [_line("Deposit", "10", 22)]},
    ).json()
    body = assert_problem(_final(tenant, [elsewhere["id"]]), 422)
    assert body["errors"][0]["field"] == "advance_invoice_ids[0]"
    # nothing was taken: the first advance is still open, no invoice number was used
    assert tenant.api.get(f"/v1/advance-invoices/{first['id']}").json()["status"] == "issued"
    assert tenant.api.get("/v1/invoices").json()["data"] == []


def test_a_draft_deducts_when_it_is_issued(tenant):
    first = _advance(tenant, [_line("Deposit", "300.00", 22)], paid={})
    draft = _final(tenant, [first["id"]], is_draft=True).json()
    assert draft["status"] == "draft" and draft["total_due"] == "1073.00"  # 1439.00 − 366.00
    assert tenant.api.get(f"/v1/advance-invoices/{first['id']}").json()["status"] == "paid"
    r = tenant.api.patch(f"/v1/invoices/{draft['id']}", json={"advance_invoice_ids": []})
    assert r.json()["total_due"] == "1439.00" and r.json()["advances"] == []
    r = tenant.api.patch(f"/v1/invoices/{draft['id']}", json={"advance_invoice_ids": [first["id"]]})
    assert r.json()["total_due"] == "1073.00"
    issued = tenant.api.post(f"/v1/invoices/{draft['id']}/finalize").json()
    assert issued["status"] == "issued" and issued["total_due"] == "1073.00"
    assert tenant.api.get(f"/v1/advance-invoices/{first['id']}").json()["status"] == "deducted"


def test_two_invoices_racing_for_one_advance_one_wins(server, tenant):
    if server.engine != "postgresql":
        pytest.skip("SQLite serialises writers; the race is PostgreSQL's")
    advance = _advance(tenant, [_line("Deposit", "300.00", 22)], paid={})
    body = {
        "customer": BUYER,
        "items": [_line("Kitchen", "1000.00", 22)],
        "advance_invoice_ids": [advance["id"]],
    }

    async def race():
        headers = {"Authorization": f"Bearer {tenant.sandbox_key}", "X-Entity-Id": tenant.entity_id}
        async with httpx.AsyncClient(base_url=server.url, headers=headers, timeout=60) as client:
            return await asyncio.gather(*(client.post("/v1/invoices", json=body) for _ in range(6)))

    responses = asyncio.run(race())
    assert sorted(r.status_code for r in responses) == [201] + [409] * 5, [r.text for r in responses]
    winner = next(r.json() for r in responses if r.status_code == 201)
    for r in responses:
        if r.status_code == 409:
            assert r.json()["errors"][0]["field"] == "advance_invoice_ids[0]"
    assert tenant.api.get(f"/v1/advance-invoices/{advance['id']}").json()["deducted_by_invoice_id"] == winner["id"]
    numbers = [i["number"] for i in tenant.api.get("/v1/invoices").json()["data"]]
    assert numbers == [f"{YEAR}-00001"]  # the losers took no number


def test_a_viewer_reads_but_cannot_issue_or_void(server, tenant):
    advance = _advance(tenant, [_line("Deposit", "300.00", 22)])
    user = tenant.api.post("/v1/entity-users", json={"email": "viewer@example.com", "role": "viewer"}).json()
    token = credentials.sign_user(
        server.settings.security.signing_keys(), tenant.account_id, "sandbox", tenant.entity_id, user["id"]
    )
    viewer = server.client(token)
    assert viewer.get(f"/v1/advance-invoices/{advance['id']}").status_code == 200
    assert_problem(viewer.post("/v1/advance-invoices", json={"customer": BUYER, "items": [_line("D", "1", 22)]}), 403)
    assert_problem(viewer.post(f"/v1/advance-invoices/{advance['id']}/void", json={}), 403)


def _text(tenant, path: str) -> str:
    r = tenant.api.get(path)
    assert r.status_code == 200, r.text
    return " ".join(pdf_text(r.content).replace("\xa0", " ").replace("\u202f", " ").split())


@pytest.mark.parametrize(
    ("locale", "title", "deducted"),
    [
        ("en", "Advance invoice", "Deducted advance invoices"),
        ("de", "Anzahlungsrechnung", "Abgezogene Anzahlungsrechnungen"),
        ("sl", "Avansni račun", "Odšteti avansni računi"),
    ],
)
def test_the_pdfs_show_the_advance_and_the_deductions(tenant, locale, title, deducted):
    first, second = _two_advances(tenant)
    advance = _advance(tenant, [_line("Deposit", "300.00", 22)], locale=locale)
    text = _text(tenant, f"/v1/advance-invoices/{advance['id']}/pdf")
    assert title in text and advance["number"] in text
    final = _final(tenant, [first["id"], second["id"]], locale=locale).json()
    text = _text(tenant, f"/v1/invoices/{final['id']}/pdf")
    assert deducted in text
    assert first["number"] in text and second["number"] in text
    money = {"en": "914.50", "de": "914,50", "sl": "914,50"}[locale]
    assert money in text  # the amount still due
    assert ("−€366.00" if locale == "en" else "−366,00") in text, text
    html = tenant.api.get(f"/v1/advance-invoices/{advance['id']}/html")
    assert html.status_code == 200 and title in html.text


def test_reports_count_the_advances_vat_once(tenant):
    first, second = _two_advances(tenant)
    final = _final(tenant, [first["id"], second["id"]]).json()
    period = {"date_from": date.today().isoformat(), "date_to": date.today().isoformat()}
    vat = tenant.api.get("/v1/reports/vat", params=period).json()
    # the advances' VAT when issued, the final invoice's what was still owed: together the supply's own
    rows = {r["rate"]: (r["net"], r["tax"], r["documents"]) for r in vat["rows"]}
    assert rows == {"22": ("1000.00", "220.00", 3), "9.5": ("200.00", "19.00", 2)}
    assert vat["totals"] == [{"currency_code": "EUR", "net": "1200.00", "tax": "239.00"}]
    figures = tenant.api.get("/v1/reports/summary", params=period).json()["totals"][0]
    assert (figures["issued"], figures["net"], figures["tax"], figures["invoices"]) == (
        "1439.00",
        "1200.00",
        "239.00",
        3,
    )
    assert (figures["paid"], figures["outstanding"]) == ("366.00", "1073.00")  # 158.50 + 914.50 not yet paid
    # voiding the final invoice takes its part out again; the advances stay
    tenant.api.post(f"/v1/invoices/{final['id']}/void", json={}).raise_for_status()
    vat = tenant.api.get("/v1/reports/vat", params=period).json()
    assert vat["totals"] == [{"currency_code": "EUR", "net": "433.33", "tax": "91.17"}]


def test_a_credit_note_on_a_final_invoice_credits_what_was_still_owed(tenant):
    first, second = _two_advances(tenant)
    final = _final(tenant, [first["id"], second["id"]]).json()
    assert [(c["net"], c["tax"]) for c in final["creditable"]] == [("600.00", "132.00"), ("166.67", "15.83")]
    r = tenant.api.post("/v1/credit-notes", json={"invoice_id": final["id"]})
    assert r.status_code == 201, r.text
    note = r.json()
    assert _per_rate(note) == {"22": ("600.00", "132.00"), "9.5": ("166.67", "15.83")}
    assert note["total_with_tax"] == "914.50"
    after = tenant.api.get(f"/v1/invoices/{final['id']}").json()
    assert (after["status"], after["total_due"]) == ("credited", "0.00")


def test_an_advance_invoice_is_sent_with_its_pdf(tenant):
    advance = _advance(tenant, [_line("Deposit", "300.00", 22)], locale="de")
    r = tenant.api.post(f"/v1/advance-invoices/{advance['id']}/send", json={})
    assert r.status_code == 202, r.text
    email = r.json()
    assert email["to"] == ["kupec@example.com"]
    assert email["subject"].startswith(f"Anzahlungsrechnung {advance['number']} von ")
    assert "366,00" in email["text"]
    assert email["attachments"] == [f"advance-invoice-{advance['number']}.pdf"]
    voided = tenant.api.post(f"/v1/advance-invoices/{_advance(tenant, [_line('D', '1', 22)])['id']}/void", json={})
    assert_problem(tenant.api.post(f"/v1/advance-invoices/{voided.json()['id']}/send", json={}), 409, words="voided")

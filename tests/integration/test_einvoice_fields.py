"""The data e-invoices need beyond what documents had: the seller's registration number, Peppol id and
contact, ``settings.einvoice.pdf`` and ``settings.payment_terms_text``; the customer's Peppol id and the
e-invoice format it requires; a document's service period and payment terms and a credit note's reason,
printed on the PDF."""

from __future__ import annotations

from tests.integration.conftest import assert_problem, make_entity
from tests.integration.pdf_helpers import pdf_text

LINE = {"name": "Hosting", "quantity": 1, "price": "100.00", "taxes": [{"rate": 22}]}


def _text(content: bytes) -> str:
    return " ".join(pdf_text(content).split())  # columns may wrap


def _fields(r) -> list[str]:
    return [e["field"] for e in assert_problem(r, 422)["errors"]]


def test_entity_registration_number_peppol_id_and_contact(tenant):
    account = tenant.account
    entity = make_entity(
        account,
        registration_number=" 8123456000 ",
        peppol_id="9949:SI12345678",
        contact={"name": "Ana Novak", "phone": "+386 1 234 5678", "email": "ana@example.com"},
    )
    assert entity["registration_number"] == "8123456000"
    assert entity["peppol_id"] == "9949:SI12345678"
    assert entity["contact"] == {"name": "Ana Novak", "phone": "+386 1 234 5678", "email": "ana@example.com"}
    assert entity["settings"]["einvoice"] == {"pdf": True}  # in the EU
    assert entity["settings"]["payment_terms_text"] is None

    r = account.patch(
        f"/v1/entities/{entity['id']}",
        json={
            "contact": {"name": "Bor Kralj"},
            "peppol_id": "0088:4012345000009",
            "settings": {"einvoice": {"pdf": False}},
        },
    )
    assert r.status_code == 200, r.text
    changed = r.json()
    assert changed["contact"] == {"name": "Bor Kralj", "phone": None, "email": None}  # the contact is replaced
    assert changed["peppol_id"] == "0088:4012345000009"
    assert changed["registration_number"] == "8123456000"
    assert changed["settings"]["einvoice"] == {"pdf": False}
    got = account.get(f"/v1/entities/{entity['id']}").json()
    assert (got["contact"]["name"], got["peppol_id"], got["settings"]["einvoice"]["pdf"]) == (
        "Bor Kralj",
        "0088:4012345000009",
        False,
    )
    cleared = account.patch(f"/v1/entities/{entity['id']}", json={"contact": None, "registration_number": None})
    assert cleared.json()["contact"] == {"name": None, "phone": None, "email": None}
    assert cleared.json()["registration_number"] is None

    outside = make_entity(account, country="CH", address="Bahnhofstrasse 1", city="Zürich", post_code="8001")
    assert outside["settings"]["einvoice"] == {"pdf": False}  # outside the EU
    assert outside["contact"] == {"name": None, "phone": None, "email": None}


def test_bad_entity_fields_are_refused_naming_them(tenant):
    account, entity_id = tenant.account, tenant.entity_id
    assert _fields(account.patch(f"/v1/entities/{entity_id}", json={"peppol_id": "4012345000009"})) == ["peppol_id"]
    r = account.patch(f"/v1/entities/{entity_id}", json={"peppol_id": "1234:4012345000009"})
    assert _fields(r) == ["peppol_id"]
    assert "1234" in r.json()["detail"]
    assert _fields(account.patch(f"/v1/entities/{entity_id}", json={"peppol_id": "0088:"})) == ["peppol_id"]
    r = account.patch(f"/v1/entities/{entity_id}", json={"contact": {"email": "not an address"}})
    assert _fields(r) == ["contact.email"]
    r = account.patch(f"/v1/entities/{entity_id}", json={"contact": {"phone": "call me"}})
    assert _fields(r) == ["contact.phone"]
    r = account.patch(f"/v1/entities/{entity_id}", json={"settings": {"einvoice": {"pdf": "yes"}}})
    assert _fields(r) == ["settings.einvoice.pdf"]
    assert account.get(f"/v1/entities/{entity_id}").json()["peppol_id"] is None


def test_customer_peppol_id_and_einvoice_format(tenant):
    api = tenant.api
    r = api.post(
        "/v1/customers",
        json={
            "name": "Stadt Köln",
            "country": "DE",
            "peppol_id": "0204:05315-12345-67",
            "einvoice_format": "xrechnung",
        },
    )
    assert r.status_code == 201, r.text
    customer = r.json()
    assert (customer["peppol_id"], customer["einvoice_format"]) == ("0204:05315-12345-67", "xrechnung")
    inv = api.post("/v1/invoices", json={"customer_id": customer["id"], "items": [LINE], "is_draft": True}).json()
    assert inv["customer"]["peppol_id"] == "0204:05315-12345-67"
    assert inv["customer"]["einvoice_format"] == "xrechnung"

    changed = api.patch(
        f"/v1/customers/{customer['id']}", json={"peppol_id": "9930:DE123456789", "einvoice_format": None}
    )
    assert changed.status_code == 200, changed.text
    assert (changed.json()["peppol_id"], changed.json()["einvoice_format"]) == ("9930:DE123456789", None)
    got = api.get(f"/v1/customers/{customer['id']}").json()
    assert (got["peppol_id"], got["einvoice_format"]) == ("9930:DE123456789", None)

    assert _fields(api.patch(f"/v1/customers/{customer['id']}", json={"peppol_id": "88:123"})) == ["peppol_id"]
    assert _fields(api.patch(f"/v1/customers/{customer['id']}", json={"einvoice_format": "pdf"})) == ["einvoice_format"]
    r = api.post("/v1/invoices", json={"customer": {"name": "Acme", "peppol_id": "0000:x"}, "items": [LINE]})
    assert _fields(r) == ["customer.peppol_id"]
    inline = api.post(
        "/v1/invoices", json={"customer": {"name": "Acme BV", "peppol_id": "0106:12345678"}, "items": [LINE]}
    )
    assert inline.status_code == 201, inline.text
    assert inline.json()["customer"]["peppol_id"] == "0106:12345678"


def test_invoice_period_and_payment_terms_are_kept_and_printed(tenant):
    api = tenant.api
    body = {
        "customer": {"name": "Buyer Ltd", "country": "SI"},
        "items": [LINE],
        "locale": "en",
        "date": "2026-12-01",
        "period_start": "2026-11-01",
        "period_end": "2026-11-30",
        "payment_terms": "Payable within 30 days. 2 % discount within 10 days.",
        "is_draft": True,
    }
    draft = api.post("/v1/invoices", json=body)
    assert draft.status_code == 201, draft.text
    doc = draft.json()
    assert (doc["period_start"], doc["period_end"]) == ("2026-11-01", "2026-11-30")
    assert doc["payment_terms"] == "Payable within 30 days. 2 % discount within 10 days."
    assert doc["date_service"] is None

    patched = api.patch(f"/v1/invoices/{doc['id']}", json={"period_end": "2026-11-29", "payment_terms": "Net 30"})
    assert patched.status_code == 200, patched.text
    assert (patched.json()["period_end"], patched.json()["payment_terms"]) == ("2026-11-29", "Net 30")
    issued = api.post(f"/v1/invoices/{doc['id']}/finalize")
    assert issued.status_code == 200, issued.text
    assert issued.json()["date_service"] == "2026-11-29"  # the date of supply: the period's end

    text = _text(api.get(f"/v1/invoices/{doc['id']}/pdf").content)
    assert "Service period" in text
    assert "Nov 1, 2026 – Nov 29, 2026" in text
    assert "Date of supply" not in text
    assert "payment terms net 30" in text.lower()  # the heading is in capitals

    plain = api.post("/v1/invoices", json={**INVOICE_EN, "date": "2026-12-01"}).json()
    assert (plain["period_start"], plain["period_end"], plain["payment_terms"]) == (None, None, None)
    text = _text(api.get(f"/v1/invoices/{plain['id']}/pdf").content)
    assert "Date of supply Dec 1, 2026" in text
    assert "Service period" not in text and "payment terms" not in text.lower()


INVOICE_EN = {"customer": {"name": "Buyer Ltd", "country": "SI"}, "items": [LINE], "locale": "en"}


def test_payment_terms_default_to_the_entity_setting_and_print_in_german(tenant):
    api = tenant.api
    r = tenant.account.patch(
        f"/v1/entities/{tenant.entity_id}", json={"settings": {"payment_terms_text": "Zahlbar innerhalb von 14 Tagen."}}
    )
    assert r.json()["settings"]["payment_terms_text"] == "Zahlbar innerhalb von 14 Tagen."
    inv = api.post(
        "/v1/invoices",
        json={
            **INVOICE_EN,
            "locale": "de",
            "date": "2026-12-01",
            "period_start": "2026-11-01",
            "period_end": "2026-11-30",
        },
    ).json()
    assert inv["payment_terms"] == "Zahlbar innerhalb von 14 Tagen."
    text = _text(api.get(f"/v1/invoices/{inv['id']}/pdf").content)
    assert "Leistungszeitraum" in text and "01.11.2026 – 30.11.2026" in text
    assert "zahlungsbedingungen zahlbar innerhalb von 14 tagen." in text.lower()
    own = api.post("/v1/invoices", json={**INVOICE_EN, "payment_terms": "Due on receipt"}).json()
    assert own["payment_terms"] == "Due on receipt"


def test_a_bad_period_is_refused_naming_the_field(tenant):
    api = tenant.api
    r = api.post("/v1/invoices", json={**INVOICE_EN, "period_start": "2026-11-01"})
    assert _fields(r) == ["period_end"]
    r = api.post("/v1/invoices", json={**INVOICE_EN, "period_end": "2026-11-01"})
    assert _fields(r) == ["period_start"]
    r = api.post("/v1/invoices", json={**INVOICE_EN, "period_start": "2026-11-30", "period_end": "2026-11-01"})
    assert _fields(r) == ["period_end"]
    assert _fields(api.post("/v1/invoices", json={**INVOICE_EN, "payment_terms": "x" * 1001})) == ["payment_terms"]
    draft = api.post("/v1/invoices", json={**INVOICE_EN, "is_draft": True}).json()
    assert _fields(api.patch(f"/v1/invoices/{draft['id']}", json={"period_start": "2026-11-01"})) == ["period_end"]
    assert api.get("/v1/invoices", params={"limit": 100}).json()["data"] == [
        api.get(f"/v1/invoices/{draft['id']}").json()
    ]


def test_credit_note_reason_and_period_are_kept_and_printed(tenant):
    api = tenant.api
    inv = api.post(
        "/v1/invoices",
        json={**INVOICE_EN, "date": "2026-12-01", "period_start": "2026-11-01", "period_end": "2026-11-30"},
    ).json()
    r = api.post(
        "/v1/credit-notes", json={"invoice_id": inv["id"], "reason": "Service outage on 14 November & 15 November"}
    )
    assert r.status_code == 201, r.text
    note = r.json()
    assert note["reason"] == "Service outage on 14 November & 15 November"
    assert (note["period_start"], note["period_end"]) == ("2026-11-01", "2026-11-30")
    assert api.get(f"/v1/credit-notes/{note['id']}").json()["reason"] == note["reason"]
    text = _text(api.get(f"/v1/credit-notes/{note['id']}/pdf").content)
    assert "Reason: Service outage on 14 November & 15 November" in text
    assert "Nov 1, 2026 – Nov 30, 2026" in text

    inv2 = api.post("/v1/invoices", json=INVOICE_EN).json()
    r = api.post("/v1/credit-notes", json={"invoice_id": inv2["id"], "reason": "x" * 501})
    assert _fields(r) == ["reason"]
    plain = api.post("/v1/credit-notes", json={"invoice_id": inv2["id"]}).json()
    assert plain["reason"] is None
    assert "Reason:" not in _text(api.get(f"/v1/credit-notes/{plain['id']}/pdf").content)

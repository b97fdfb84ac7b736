"""Documents that tell the truth (issue 10, points 1, 2, 4 and 6b/d), through the API on both engines: the
PDF served by default shows the current state (VOID, PAID, CREDITED, PARTIALLY PAID) and asks for no money
once nothing is due, while ``?original=true`` is the kept original byte for byte; the date of supply is
always printed; prices that include VAT are labelled so; line breaks survive."""

from __future__ import annotations

import pytest

from tests.integration.conftest import make_account, make_entity
from tests.integration.pdf_helpers import decode_qr_codes, pdf_text
from tests.integration.test_pdf import SELLER, get_pdf, issue


@pytest.fixture
def api(server):
    _, keys = make_account(server)
    entity = make_entity(server.client(keys["sandbox"]), **SELLER)
    return server.client(keys["sandbox"], entity["id"])


def _pay(api, invoice: dict, amount: str) -> None:
    body = {"invoice_id": invoice["id"], "amount": amount, "date": "2025-03-05", "type": "bank_transfer"}
    r = api.post("/v1/payments", json=body)
    assert r.status_code == 201, r.text


def _asks_for_money(pdf: bytes, words: tuple[str, ...]) -> bool:
    text = pdf_text(pdf).lower()
    return bool(decode_qr_codes(pdf)) or "iban" in text or any(w.lower() in text for w in words)


def test_a_voided_invoice_says_so_and_asks_for_nothing_but_its_original_is_kept(api):
    inv = issue(api, locale="sl")
    path = f"/v1/invoices/{inv['id']}/pdf"
    first = get_pdf(api, path)  # nothing happened yet: the default is the original, kept
    assert "Za plačilo 1.615,66 €" in pdf_text(first) and len(decode_qr_codes(first)) == 1
    r = api.post(f"/v1/invoices/{inv['id']}/void", json={"reason": "Napačen kupec"})
    assert r.status_code == 200, r.text
    voided = get_pdf(api, path)
    text = pdf_text(voided)
    assert "STORNIRANO" in text and "Razlog: Napačen kupec" in text
    assert not _asks_for_money(voided, ("za plačilo", "skenirajte")), text
    assert "Skupaj z DDV 1.615,66 €" in text  # the figures are still there, none of them labelled "to pay"
    assert get_pdf(api, f"{path}?original=true") == first
    html = api.get(f"/v1/invoices/{inv['id']}/html").text
    assert "STORNIRANO" in html and "IBAN" not in html  # the preview agrees with the PDF


def test_a_paid_invoice_says_paid_without_bank_details_or_qr(api):
    inv = issue(api, locale="en")
    _pay(api, inv, "1615.66")
    pdf = get_pdf(api, f"/v1/invoices/{inv['id']}/pdf")
    text = pdf_text(pdf)
    assert "PAID" in text and "Paid €1,615.66" in text and "Total €1,615.66" in text
    assert "PARTIALLY" not in text
    assert not _asks_for_money(pdf, ("amount due", "scan to pay")), text
    original = get_pdf(api, f"/v1/invoices/{inv['id']}/pdf?original=true")  # first asked for now: as issued
    assert "Amount due €1,615.66" in pdf_text(original) and len(decode_qr_codes(original)) == 1
    assert "PAID" not in pdf_text(original)


def test_a_partly_paid_invoice_shows_what_was_paid_and_what_remains_in_german(api):
    inv = issue(api, locale="de")
    _pay(api, inv, "615.66")
    pdf = get_pdf(api, f"/v1/invoices/{inv['id']}/pdf")
    text = pdf_text(pdf)
    assert "TEILWEISE BEZAHLT" in text
    assert "Bisher bezahlt: 615,66 €" in text and "Restbetrag: 1.000,00 €" in text
    assert "Offener Betrag 1.000,00 €" in text
    [code] = decode_qr_codes(pdf)
    assert code.split("\n")[7] == "EUR1000.00"  # the QR code asks for what remains


def test_a_fully_credited_invoice_says_credited_and_its_credit_note_keeps_its_original(api):
    inv = issue(api, locale="en")
    r = api.post("/v1/credit-notes", json={"invoice_id": inv["id"], "date": "2025-03-10"})
    assert r.status_code == 201, r.text
    note = r.json()
    pdf = get_pdf(api, f"/v1/invoices/{inv['id']}/pdf")
    text = pdf_text(pdf)
    assert "CREDITED" in text and "Credited €1,615.66" in text
    assert not _asks_for_money(pdf, ("amount due", "scan to pay")), text
    cn_path = f"/v1/credit-notes/{note['id']}/pdf"
    kept = get_pdf(api, cn_path)
    assert get_pdf(api, f"{cn_path}?original=true") == kept and "Amount credited €1,615.66" in pdf_text(kept)


def test_original_must_be_a_boolean(api):
    inv = issue(api)
    r = api.get(f"/v1/invoices/{inv['id']}/pdf?original=maybe")
    assert r.status_code == 422 and r.headers["content-type"].startswith("application/problem+json")
    assert r.json()["errors"][0]["field"] == "original"


def test_the_date_of_supply_is_printed_even_when_not_given(api):
    inv = issue(api, locale="sl", date_service=None)
    assert "Datum opravljene storitve 1. mar. 2025" in pdf_text(get_pdf(api, f"/v1/invoices/{inv['id']}/pdf"))


def test_prices_that_include_vat_are_labelled_so(api):
    items = [
        {"name": "Kava", "quantity": 2, "price": "12.20", "taxes": [{"rate": 22}]},
        {"name": "Knjiga", "quantity": 1, "price": "109.50", "taxes": [{"rate": "9.5"}]},
    ]
    inv = issue(api, locale="en", items=items, prices_include_tax=True)
    assert (inv["total"], inv["total_tax"], inv["total_with_tax"]) == ("120.00", "13.90", "133.90")
    text = pdf_text(get_pdf(api, f"/v1/invoices/{inv['id']}/pdf"))
    assert "UNIT PRICE (INCL. VAT)" in text and "AMOUNT (INCL. VAT)" in text
    assert "€12.20 22% €24.40" in text and "€109.50 9.5% €109.50" in text  # the gross amounts, so labelled
    assert "Prices include VAT." in text
    assert "Net total €120.00" in text and "DDV 22% €4.40" in text and "DDV 9.5% €9.50" in text
    assert "Total tax €13.90" in text and "Total €133.90" in text


def test_line_breaks_in_descriptions_and_notes_are_kept(api):
    items = [{"name": "Catering", "description": "Monday: soup\nTuesday: pasta", "price": 10, "taxes": [{"rate": 22}]}]
    inv = issue(api, locale="en", items=items, note="Thank you!\nPay within 14 days.")
    text = pdf_text(get_pdf(api, f"/v1/invoices/{inv['id']}/pdf"))
    assert "Monday: soup\nTuesday: pasta" in text
    assert "Thank you!\nPay within 14 days." in text


def test_the_dashboards_proxy_passes_original_through(embed):
    api = embed.tenant.api
    inv = issue(api, locale="en")
    _pay(api, inv, "100.00")
    path = f"/invoices/{inv['id']}/pdf"
    with embed.dashboard(embed.session("viewer")) as dashboard:
        current, original = dashboard.get(path), dashboard.get(f"{path}?original=true")
    assert current.status_code == 200 and original.status_code == 200
    assert "PARTIALLY PAID" in pdf_text(current.content) and "PARTIALLY PAID" not in pdf_text(original.content)
    assert original.content == get_pdf(api, f"/v1{path}?original=true")

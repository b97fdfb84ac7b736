"""PDF and HTML rendering through the API, on SQLite and PostgreSQL."""

from __future__ import annotations

import io

import pytest
import segno

from tests.integration.conftest import make_account, make_entity
from tests.integration.pdf_helpers import decode_qr_codes, pdf_images, pdf_text

IBAN = "SI56191000000123438"
SELLER = {
    "name": "Sončnica d.o.o.",
    "country": "SI",
    "address": "Slovenska cesta 1",
    "city": "Ljubljana",
    "post_code": "1000",
    "tax_number": "SI50223054",
    "settings": {
        "bank_account": {"iban": IBAN, "bic": "LJBASI2X", "bank_name": "NLB"},
        "footer": "Registered at the Ljubljana district court",
    },
}
LINES = [
    {"name": "Consulting", "quantity": 2, "price": "617.28", "taxes": [{"rate": 22}]},
    {"name": "Handbook", "quantity": 1, "price": "100.00", "taxes": [{"rate": "9.5"}]},
]


@pytest.fixture
def seller(server):
    _, keys = make_account(server)
    account = server.client(keys["sandbox"])
    entity = make_entity(account, **SELLER)
    return server.client(keys["sandbox"], entity["id"]), entity


def issue(api, **extra) -> dict:
    body = {
        "customer": {
            "name": "Buyer GmbH",
            "email": "ap@buyer.example",
            "address": "Hauptstraße 5",
            "city": "Berlin",
            "post_code": "10115",
            "country": "DE",
            "tax_number": "DE136695976",
        },
        "items": LINES,
        "date": "2025-03-01",
        "date_due": "2025-03-15",
        "date_service": "2025-02-28",
        **extra,
    }
    r = api.post("/v1/invoices", json=body)
    assert r.status_code == 201, r.text
    return r.json()


def get_pdf(api, path: str) -> bytes:
    r = api.get(path)
    assert r.status_code == 200, r.text
    assert r.headers["content-type"] == "application/pdf"
    return r.content


def test_invoice_pdf_in_english(seller):
    api, _ = seller
    inv = issue(api, locale="en")
    assert (inv["total"], inv["total_tax"], inv["total_with_tax"]) == ("1334.56", "281.10", "1615.66")
    text = pdf_text(get_pdf(api, f"/v1/invoices/{inv['id']}/pdf"))
    assert "Invoice" in text and inv["number"] in text
    assert "Sončnica d.o.o." in text and "SI50223054" in text and "Slovenska cesta 1" in text
    assert "Buyer GmbH" in text and "DE136695976" in text
    assert "Mar 1, 2025" in text and "Mar 15, 2025" in text and "Date of supply Feb 28, 2025" in text
    assert "Slovenia" in text and "Germany" in text  # countries by name, in the document's language
    assert "DDV 22% €1,234.56 €271.60" in text  # rate, base, amount (the seller's name for VAT: SI)
    assert "DDV 9.5% €100.00 €9.50" in text
    assert "DDV 22% €271.60" in text and "DDV 9.5% €9.50" in text  # the totals, per rate
    assert "Net total €1,334.56" in text and "Total tax €281.10" in text and "Total €1,615.66" in text
    assert "Amount due €1,615.66" in text
    assert "SI56 1910 0000 0123 438" in text and "LJBASI2X" in text
    assert "Registered at the Ljubljana district court" in text
    assert "DRAFT" not in text


def test_invoice_pdf_in_german(seller):
    api, _ = seller
    inv = issue(api, locale="de")
    text = pdf_text(get_pdf(api, f"/v1/invoices/{inv['id']}/pdf"))
    assert "Rechnung" in text and inv["number"] in text
    assert "01.03.2025" in text and "15.03.2025" in text
    assert "Leistungsdatum 28.02.2025" in text and "Slowenien" in text and "Deutschland" in text
    assert "DDV 22 % 1.234,56 € 271,60 €" in text
    assert "DDV 9,5 % 100,00 € 9,50 €" in text
    assert "Nettobetrag 1.334,56 €" in text and "Steuer gesamt 281,10 €" in text
    assert "Gesamtbetrag 1.615,66 €" in text and "Offener Betrag 1.615,66 €" in text


def test_document_locale_falls_back_to_the_entity(server):
    _, keys = make_account(server)
    entity = make_entity(server.client(keys["sandbox"]), locale="sl")
    api = server.client(keys["sandbox"], entity["id"])
    inv = issue(api)
    text = pdf_text(get_pdf(api, f"/v1/invoices/{inv['id']}/pdf"))
    assert "Račun" in text and "Za plačilo 1.615,66 €" in text


def test_the_kept_pdf_is_the_invoice_as_issued_and_the_preview_shows_payments(seller):
    api, _ = seller
    inv = issue(api, locale="en")
    r = api.post(
        "/v1/payments",
        json={"invoice_id": inv["id"], "amount": "615.66", "date": "2025-03-05", "type": "bank_transfer"},
    )
    assert r.status_code == 201, r.text
    # first asked for after a payment, the original is still the invoice as issued: same bytes whenever rendered
    original = get_pdf(api, f"/v1/invoices/{inv['id']}/pdf?original=true")
    text = pdf_text(original)
    assert "Amount due €1,615.66" in text and "Paid" not in text
    assert get_pdf(api, f"/v1/invoices/{inv['id']}/pdf?original=true") == original
    # by default, the current state: what was paid and what remains
    text = pdf_text(get_pdf(api, f"/v1/invoices/{inv['id']}/pdf"))
    assert "PARTIALLY PAID" in text and "Paid so far: €615.66" in text and "Remaining: €1,000.00" in text
    assert "Amount due €1,000.00" in text
    # the live HTML preview shows what was paid and what is left
    html = api.get(f"/v1/invoices/{inv['id']}/html").text.replace("\xa0", " ")
    assert "€615.66" in html and "€1,000.00" in html


def test_girocode_is_a_valid_epc_payload(seller):
    api, entity = seller
    inv = issue(api)
    codes = decode_qr_codes(get_pdf(api, f"/v1/invoices/{inv['id']}/pdf"))
    assert len(codes) == 1
    lines = codes[0].split("\n")
    assert lines[:4] == ["BCD", "002", "1", "SCT"]
    assert lines[4] == "LJBASI2X" and lines[5] == entity["name"] and lines[6] == IBAN
    assert lines[7] == "EUR1615.66"
    assert lines[-1].endswith(inv["number"])
    assert len(codes[0].encode()) <= 331


def test_no_girocode_for_other_currencies_or_without_iban(server, seller):
    api, _ = seller
    inv = issue(api, currency_code="USD")
    assert decode_qr_codes(get_pdf(api, f"/v1/invoices/{inv['id']}/pdf")) == []
    _, keys = make_account(server)
    plain = make_entity(server.client(keys["sandbox"]))
    api2 = server.client(keys["sandbox"], plain["id"])
    inv2 = issue(api2)
    pdf = get_pdf(api2, f"/v1/invoices/{inv2['id']}/pdf")
    assert decode_qr_codes(pdf) == [] and "IBAN" not in pdf_text(pdf)


def test_credit_note_names_the_invoice_it_corrects(seller):
    api, _ = seller
    inv = issue(api, locale="en")
    r = api.post("/v1/credit-notes", json={"invoice_id": inv["id"], "date": "2025-03-10"})
    assert r.status_code == 201, r.text
    cn = r.json()
    text = pdf_text(get_pdf(api, f"/v1/credit-notes/{cn['id']}/pdf"))
    assert "Credit note" in text and cn["number"] in text
    assert f"Corrects invoice {inv['number']} of Mar 1, 2025" in text
    assert "Amount credited €1,615.66" in text
    assert decode_qr_codes(get_pdf(api, f"/v1/credit-notes/{cn['id']}/pdf")) == []


def test_issued_pdf_is_kept_byte_for_byte_after_a_branding_change(server, seller):
    api, entity = seller
    inv = issue(api)
    first = get_pdf(api, f"/v1/invoices/{inv['id']}/pdf")
    assert get_pdf(api, f"/v1/invoices/{inv['id']}/pdf") == first
    account = server.client(api.headers["authorization"].split()[1])
    r = account.patch(
        f"/v1/entities/{entity['id']}",
        json={
            "name": "Renamed d.o.o.",
            "settings": {"branding": {"primary_color": "#ff0000"}, "pdf_template": "modern"},
        },
    )
    assert r.status_code == 200, r.text
    assert get_pdf(api, f"/v1/invoices/{inv['id']}/pdf") == first
    # the change does apply to what is rendered next
    newer = get_pdf(api, f"/v1/invoices/{issue(api)['id']}/pdf")
    assert "Renamed d.o.o." in pdf_text(newer) and "Renamed d.o.o." not in pdf_text(first)


def test_draft_has_a_draft_mark_and_is_not_kept(seller):
    api, _ = seller
    r = api.post("/v1/invoices", json={"customer": {"name": "Buyer"}, "items": LINES, "is_draft": True, "locale": "en"})
    assert r.status_code == 201, r.text
    draft = r.json()
    text = pdf_text(get_pdf(api, f"/v1/invoices/{draft['id']}/pdf"))
    assert "DRAFT" in text
    assert decode_qr_codes(get_pdf(api, f"/v1/invoices/{draft['id']}/pdf")) == []
    assert api.patch(f"/v1/invoices/{draft['id']}", json={"note": "Second thoughts"}).status_code == 200
    assert "Second thoughts" in pdf_text(get_pdf(api, f"/v1/invoices/{draft['id']}/pdf"))
    issued = api.post(f"/v1/invoices/{draft['id']}/finalize").json()
    text = pdf_text(get_pdf(api, f"/v1/invoices/{draft['id']}/pdf"))
    assert "DRAFT" not in text and issued["number"] in text


HOSTILE = "<script>alert('x')</script> & <b>bold</b>"
RTL = "שלום עולם"
LONG = "Aa" * 100


def test_hostile_customer_names_render_as_text(seller):
    api, _ = seller
    for name in (HOSTILE, RTL, LONG):
        inv = issue(api, customer={"name": name, "address": "<img src=x onerror=alert(1)>"})
        text = pdf_text(get_pdf(api, f"/v1/invoices/{inv['id']}/pdf"))
        if name is LONG:
            assert LONG in "".join(text.split())
        elif name is RTL:
            assert "שלום" in text and "עולם" in text
        else:
            flat = " ".join(text.split())  # wrapped lines joined
            assert "<script>alert('x')</script> & <b>bold</b>" in flat.replace("</ script>", "</script>")
            assert "<img src=x onerror=alert(1)>" in flat
        r = api.get(f"/v1/invoices/{inv['id']}/html")
        assert r.status_code == 200 and r.headers["content-type"].startswith("text/html")
        csp = r.headers["content-security-policy"]
        assert "default-src 'none'" in csp and "script-src 'none'" in csp and "sandbox" in csp
        assert "<script" not in r.text and "<img src=x" not in r.text
        if name is HOSTILE:
            assert "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &lt;b&gt;bold&lt;/b&gt;" in r.text


def test_html_preview_matches_the_figures(seller):
    api, _ = seller
    inv = issue(api, locale="de")
    html = api.get(f"/v1/invoices/{inv['id']}/html").text.replace("\xa0", " ")
    assert "1.615,66 €" in html and inv["number"] in html and "<style>" in html


def test_designs_differ(server, seller):
    api, entity = seller
    account = server.client(api.headers["authorization"].split()[1])
    classic = api.get(f"/v1/invoices/{issue(api)['id']}/html").text
    account.patch(f"/v1/entities/{entity['id']}", json={"settings": {"pdf_template": "modern"}})
    modern = api.get(f"/v1/invoices/{issue(api)['id']}/html").text
    assert "design-classic" in classic and "design-modern" in modern


def test_other_entities_documents_are_not_found(server, seller):
    api, _ = seller
    inv = issue(api)
    _, keys = make_account(server)
    other = make_entity(server.client(keys["sandbox"]))
    stranger = server.client(keys["sandbox"], other["id"])
    for path in (
        f"/v1/invoices/{inv['id']}/pdf",
        f"/v1/invoices/{inv['id']}/html",
        "/v1/invoices/inv_nope/pdf",
        f"/v1/credit-notes/{inv['id']}/pdf",
    ):
        r = stranger.get(path)
        assert r.status_code == 404, path
        assert r.headers["content-type"].startswith("application/problem+json")
    assert api.get(f"/v1/credit-notes/{inv['id']}/pdf").status_code == 404  # an invoice is not a credit note


def _png() -> bytes:
    out = io.BytesIO()
    segno.make("logo", micro=False).save(out, kind="png", scale=6)
    return out.getvalue()


def test_logo_upload_is_kept_and_rendered(server, seller):
    api, entity = seller
    account = server.client(api.headers["authorization"].split()[1])
    logo = _png()
    r = account.post(f"/v1/entities/{entity['id']}/logo", content=logo, headers={"Content-Type": "image/png"})
    assert r.status_code == 201, r.text
    file = r.json()
    assert file["id"].startswith("fil_") and file["content_type"] == "image/png" and file["size"] == len(logo)
    settings = account.get(f"/v1/entities/{entity['id']}").json()["settings"]
    assert settings["branding"]["logo_url"] == file["url"]
    served = server.client().get(file["url"].replace(server.url, ""))
    assert (
        served.status_code == 200 and served.content == logo and "sandbox" in served.headers["content-security-policy"]
    )
    inv = issue(api, currency_code="USD")  # no QR code: the only image is the logo
    images = pdf_images(get_pdf(api, f"/v1/invoices/{inv['id']}/pdf"))
    assert len(images) == 1 and images[0].size == (segno.make("logo", micro=False).symbol_size(scale=6))
    # multipart works too (the dashboard's form)
    r = account.post(
        f"/v1/entities/{entity['id']}/logo",
        files={
            "file": ("logo.svg", b'<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"/>', "image/svg+xml")
        },
    )
    assert r.status_code == 201 and r.json()["content_type"] == "image/svg+xml"


def test_logo_upload_rejects_bad_files(server, seller):
    api, entity = seller
    account = server.client(api.headers["authorization"].split()[1])
    r = account.post(f"/v1/entities/{entity['id']}/logo", content=b"GIF89a....", headers={"Content-Type": "image/gif"})
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "file"
    big = _png() + b"\0" * (server.settings.rendering.logo_max_bytes + 1)
    r = account.post(f"/v1/entities/{entity['id']}/logo", content=big, headers={"Content-Type": "image/png"})
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "file"
    r = account.post(f"/v1/entities/{entity['id']}/logo", content=_png(), headers={"Content-Type": "image/jpeg"})
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "content_type"
    _, keys = make_account(server)
    assert (
        server.client(keys["sandbox"])
        .post(f"/v1/entities/{entity['id']}/logo", content=_png(), headers={"Content-Type": "image/png"})
        .status_code
        == 404
    )


def test_an_unreachable_remote_logo_never_fails_a_render(server, seller):
    api, entity = seller
    account = server.client(api.headers["authorization"].split()[1])
    r = account.patch(
        f"/v1/entities/{entity['id']}", json={"settings": {"branding": {"logo_url": "http://127.0.0.1:9/logo.png"}}}
    )
    assert r.status_code == 200, r.text
    inv = issue(api, currency_code="USD")
    pdf = get_pdf(api, f"/v1/invoices/{inv['id']}/pdf")
    assert inv["number"] in pdf_text(pdf) and pdf_images(pdf) == []

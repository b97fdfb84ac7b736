"""E-mails carry the e-invoice the customer asks for, delivered to a real SMTP server on loopback (SQLite and
PostgreSQL, like tests/integration/test_email.py): the kept XML beside the PDF for cii/ubl/xrechnung/peppol,
the Factur-X PDF instead of the plain one for facturx; an explicit `attach_einvoice` / `einvoice_format`
overrides it."""

from __future__ import annotations

from facturx import get_xml_from_pdf
from lxml import etree

from tests.integration.conftest import INVOICE, _tenant, assert_problem
from tests.integration.pdf_helpers import pdf_text

SELLER = {"tax_number": "SI50223054", "settings": {"bank_account": {"iban": "SI56192001234567892"}}}


def _api(server, mailer):
    return _tenant(server, mailer.url, **SELLER)[0]


def _issued(api, einvoice_format: str | None = None) -> dict:
    customer = {**INVOICE["customer"], "einvoice_format": einvoice_format} if einvoice_format else INVOICE["customer"]
    r = api.post("/v1/invoices", json={**INVOICE, "customer": customer})
    assert r.status_code == 201, r.text
    return r.json()


def _deliver(api, mailer, inbox, path: str, body: dict) -> tuple[dict, list]:
    r = api.post(path, json=body)
    assert r.status_code == 202, r.text
    before = len(inbox.messages)
    assert mailer.run_worker() == 1
    sent = api.get(f"/v1/emails/{r.json()['id']}").json()
    assert sent["status"] == "sent", sent
    _, message = inbox.messages[before]
    return sent, list(message.iter_attachments())


def test_the_customers_xml_goes_beside_the_pdf(server, smtp, mailer):
    _, inbox = smtp
    api = _api(server, mailer)
    inv = _issued(api, "ubl")
    sent, files = _deliver(api, mailer, inbox, f"/v1/invoices/{inv['id']}/send", {})
    names = [f.get_filename() for f in files]
    assert names == sent["attachments"] == [f"invoice-{inv['number']}.pdf", f"invoice-{inv['number']}-ubl.xml"]
    pdf, xml = (f.get_content() for f in files)
    assert files[0].get_content_type() == "application/pdf" and inv["number"] in pdf_text(pdf)
    assert files[1].get_content_type() == "application/xml"
    xml = xml if isinstance(xml, bytes) else xml.encode()
    kept = api.get(f"/v1/invoices/{inv['id']}/einvoice", params={"format": "ubl"}).content
    assert etree.tostring(etree.fromstring(xml)) == etree.tostring(etree.fromstring(kept))
    assert inv["number"].encode() in xml and b"<cbc:PayableAmount" in xml and b">120.78<" in xml

    # the credit note of that customer carries its own UBL CreditNote
    cn = api.post("/v1/credit-notes", json={"invoice_id": inv["id"]})
    assert cn.status_code == 201, cn.text
    cn = cn.json()
    sent, files = _deliver(api, mailer, inbox, f"/v1/credit-notes/{cn['id']}/send", {})
    assert len(files) == 2 and files[1].get_filename().endswith("-ubl.xml")
    xml = files[1].get_content()
    xml = xml if isinstance(xml, bytes) else xml.encode()
    assert b"CreditNote" in xml and cn["number"].encode() in xml


def test_facturx_replaces_the_plain_pdf(server, smtp, mailer):
    _, inbox = smtp
    api = _api(server, mailer)
    inv = _issued(api, "facturx")
    _, files = _deliver(api, mailer, inbox, f"/v1/invoices/{inv['id']}/send", {})
    [pdf] = files
    assert pdf.get_filename() == f"invoice-{inv['number']}-facturx.pdf" and pdf.get_content_type() == "application/pdf"
    name, xml = get_xml_from_pdf(pdf.get_content(), check_xsd=False)
    assert name == "factur-x.xml" and inv["number"].encode() in xml
    assert inv["number"] in pdf_text(pdf.get_content())


def test_explicit_choice_overrides_the_customer(server, smtp, mailer):
    _, inbox = smtp
    api = _api(server, mailer)
    plain = _issued(api)
    _, files = _deliver(api, mailer, inbox, f"/v1/invoices/{plain['id']}/send", {})
    assert [f.get_filename() for f in files] == [f"invoice-{plain['number']}.pdf"]  # nobody asked for XML
    _, files = _deliver(api, mailer, inbox, f"/v1/invoices/{plain['id']}/send", {"einvoice_format": "cii"})
    assert [f.get_filename() for f in files] == [f"invoice-{plain['number']}.pdf", f"invoice-{plain['number']}-cii.xml"]
    xml = files[1].get_content()
    assert (xml if isinstance(xml, bytes) else xml.encode()).startswith(b"<?xml")

    wants = _issued(api, "cii")
    _, files = _deliver(api, mailer, inbox, f"/v1/invoices/{wants['id']}/send", {"attach_einvoice": False})
    assert [f.get_filename() for f in files] == [f"invoice-{wants['number']}.pdf"]

    path = f"/v1/invoices/{plain['id']}/send"
    assert_problem(api.post(path, json={"attach_einvoice": True}), 422, words="einvoice_format")
    assert_problem(api.post(path, json={"einvoice_format": "pdf"}), 422, words="einvoice_format")
    body = assert_problem(api.post(path, json={"einvoice_format": "xrechnung"}), 422)
    assert "customer.buyer_reference" in {e["field"] for e in body["errors"]}

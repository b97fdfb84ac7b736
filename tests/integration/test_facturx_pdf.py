"""``settings.einvoice.pdf``, on SQLite and PostgreSQL: an EU entity's issued document's PDF is its
Factur-X PDF/A-3 (the CII of ``…/einvoice?format=cii`` embedded as ``factur-x.xml``), kept once and also
served as ``…/einvoice?format=facturx``; a seller that cannot be identified in the CII (no tax number) gets
the plain PDF; with the setting off, stamped copies and drafts the PDF is plain."""

from __future__ import annotations

from io import BytesIO

from facturx import get_xml_from_pdf
from pypdf import PdfReader

from tests.integration.conftest import INVOICE, make_entity
from tests.integration.pdf_helpers import pdf_text, xmp_properties

FACTURX_XMP = b"urn:factur-x:pdfa:CrossIndustryDocument:invoice:1p0#"


def _seller(tenant, **settings) -> str:
    entity = make_entity(
        tenant.account,
        name="FX Seller d.o.o.",
        tax_number="SI50223054",
        settings={"bank_account": {"iban": "SI56192001234567892"}, **settings},
    )
    return entity["id"]


def _attachments(pdf: bytes) -> dict[str, bytes]:
    return {name: b"".join(data) for name, data in PdfReader(BytesIO(pdf)).attachments.items()}


def _xmp(pdf: bytes) -> bytes:
    root = PdfReader(BytesIO(pdf)).trailer["/Root"]
    return root["/Metadata"].get_object().get_data() if "/Metadata" in root else b""


def test_an_eu_entitys_pdf_is_its_facturx(server, tenant):
    entity_id = _seller(tenant)
    api = server.client(tenant.sandbox_key, entity_id)
    assert api.get(f"/v1/entities/{entity_id}").json()["settings"]["einvoice"]["pdf"] is True  # SI: in the EU
    inv = api.post("/v1/invoices", json=INVOICE).json()

    pdf = api.get(f"/v1/invoices/{inv['id']}/pdf")
    assert pdf.status_code == 200, pdf.text
    assert pdf.headers["content-type"] == "application/pdf"
    cii = api.get(f"/v1/invoices/{inv['id']}/einvoice", params={"format": "cii"})
    assert cii.status_code == 200, cii.text
    assert _attachments(pdf.content) == {"factur-x.xml": cii.content}
    assert get_xml_from_pdf(pdf.content, check_xsd=False) == ("factur-x.xml", cii.content)
    reader = PdfReader(BytesIO(pdf.content))
    assert [f.get_object()["/AFRelationship"] for f in reader.trailer["/Root"]["/AF"]] == ["/Data"]
    xmp = xmp_properties(pdf.content)
    assert xmp["pdfaid:part"] == "3" and xmp["fx:ConformanceLevel"] == "EN 16931"
    text = pdf_text(pdf.content)
    assert inv["number"] in text and ("120,78" in text or "120.78" in text)

    # one file: the kept original, the default answer and the facturx e-invoice are the same bytes
    assert api.get(f"/v1/invoices/{inv['id']}/pdf", params={"original": "true"}).content == pdf.content
    assert api.get(f"/v1/invoices/{inv['id']}/pdf").content == pdf.content
    fx = api.get(f"/v1/invoices/{inv['id']}/einvoice", params={"format": "facturx"})
    assert fx.status_code == 200 and fx.content == pdf.content

    # the stamped current-state copy is not the legal document: a plain PDF
    void = api.post(f"/v1/invoices/{inv['id']}/void", json={"reason": "Wrong buyer"})
    assert void.status_code == 200, void.text
    stamped = api.get(f"/v1/invoices/{inv['id']}/pdf")
    assert stamped.status_code == 200 and stamped.content != pdf.content
    assert "STORNIRANO" in pdf_text(stamped.content)  # VOID, in the document's language (Slovenian)
    assert _attachments(stamped.content) == {} and FACTURX_XMP not in _xmp(stamped.content)
    assert api.get(f"/v1/invoices/{inv['id']}/pdf", params={"original": "true"}).content == pdf.content


def test_the_facturx_asked_first_is_the_pdf_too(server, tenant):
    api = server.client(tenant.sandbox_key, _seller(tenant))
    inv = api.post("/v1/invoices", json=INVOICE).json()
    cn = api.post("/v1/credit-notes", json={"invoice_id": inv["id"]}).json()
    fx = api.get(f"/v1/credit-notes/{cn['id']}/einvoice", params={"format": "facturx"})
    assert fx.status_code == 200, fx.text
    pdf = api.get(f"/v1/credit-notes/{cn['id']}/pdf")
    assert pdf.content == fx.content
    cii = api.get(f"/v1/credit-notes/{cn['id']}/einvoice", params={"format": "cii"}).content
    assert _attachments(pdf.content) == {"factur-x.xml": cii}
    assert b"<ram:TypeCode>381</ram:TypeCode>" in cii


def test_with_the_setting_off_the_pdf_is_plain(server, tenant):
    api = server.client(tenant.sandbox_key, _seller(tenant, einvoice={"pdf": False}))
    inv = api.post("/v1/invoices", json=INVOICE).json()
    pdf = api.get(f"/v1/invoices/{inv['id']}/pdf")
    assert pdf.status_code == 200, pdf.text
    assert _attachments(pdf.content) == {} and FACTURX_XMP not in _xmp(pdf.content)
    assert inv["number"] in pdf_text(pdf.content)
    # the facturx e-invoice is still there, a file of its own
    fx = api.get(f"/v1/invoices/{inv['id']}/einvoice", params={"format": "facturx"})
    assert fx.status_code == 200 and fx.content != pdf.content
    assert list(_attachments(fx.content)) == ["factur-x.xml"]
    assert api.get(f"/v1/invoices/{inv['id']}/pdf").content == pdf.content


def test_without_a_tax_number_and_for_drafts_the_pdf_is_plain(server, tenant):
    # the tenant's entity has no tax number: no CII can identify the seller (BR-CO-26), the PDF is still served
    inv = tenant.api.post("/v1/invoices", json=INVOICE).json()
    pdf = tenant.api.get(f"/v1/invoices/{inv['id']}/pdf")
    assert pdf.status_code == 200, pdf.text
    assert _attachments(pdf.content) == {} and inv["number"] in pdf_text(pdf.content)

    api = server.client(tenant.sandbox_key, _seller(tenant))
    draft = api.post("/v1/invoices", json={**INVOICE, "is_draft": True, "locale": "en"}).json()
    pdf = api.get(f"/v1/invoices/{draft['id']}/pdf")
    assert pdf.status_code == 200, pdf.text
    assert _attachments(pdf.content) == {} and "DRAFT" in pdf_text(pdf.content)


def test_an_original_kept_before_the_setting_was_on_stays_plain(server, tenant):
    entity_id = _seller(tenant, einvoice={"pdf": False})
    api = server.client(tenant.sandbox_key, entity_id)
    inv = api.post("/v1/invoices", json=INVOICE).json()
    plain = api.get(f"/v1/invoices/{inv['id']}/pdf").content
    r = tenant.account.patch(f"/v1/entities/{entity_id}", json={"settings": {"einvoice": {"pdf": True}}})
    assert r.status_code == 200, r.text
    assert api.get(f"/v1/invoices/{inv['id']}/pdf").content == plain
    fx = api.get(f"/v1/invoices/{inv['id']}/einvoice", params={"format": "facturx"})
    assert fx.status_code == 200 and fx.content != plain
    cii = api.get(f"/v1/invoices/{inv['id']}/einvoice", params={"format": "cii"}).content
    assert _attachments(fx.content) == {"factur-x.xml": cii}
    assert api.get(f"/v1/invoices/{inv['id']}/einvoice", params={"format": "facturx"}).content == fx.content

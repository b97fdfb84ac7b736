"""E-invoices through the API, on SQLite and PostgreSQL: an issued invoice's CII and Factur-X are produced
at the first request and then served byte for byte; drafts answer 409, an unknown format 422 naming it, a
format needing data the document lacks 422 naming the field and its business term."""

from __future__ import annotations

from decimal import Decimal
from io import BytesIO

import pytest
from facturx import get_xml_from_pdf
from lxml import etree
from pypdf import PdfReader

from invoicing.einvoice.cii import NSMAP
from tests.integration.conftest import INVOICE, assert_problem, make_entity
from tests.integration.pdf_helpers import pdf_text, xmp_properties
from tests.unit.test_einvoice_cii import Validator


@pytest.fixture(scope="module")
def validator() -> Validator:
    return Validator()


def _seller(tenant) -> str:
    entity = make_entity(
        tenant.account,
        name="E-Seller d.o.o.",
        tax_number="SI50223054",
        settings={"bank_account": {"iban": "SI56192001234567892"}},
    )
    return entity["id"]


def test_cii_and_facturx_are_kept_byte_for_byte(server, tenant, validator):
    api = server.client(tenant.sandbox_key, _seller(tenant))
    inv = api.post("/v1/invoices", json=INVOICE)
    assert inv.status_code == 201, inv.text
    inv = inv.json()

    first = api.get(f"/v1/invoices/{inv['id']}/einvoice", params={"format": "cii"})
    assert first.status_code == 200, first.text
    assert first.headers["content-type"].startswith("application/xml")
    assert "attachment" in first.headers["content-disposition"] and ".xml" in first.headers["content-disposition"]
    root = etree.fromstring(first.content)
    assert root.findtext(".//ram:GrandTotalAmount", namespaces=NSMAP) == "120.78"  # 99.00 + 22 %
    assert root.findtext(".//ram:TaxTotalAmount", namespaces=NSMAP) == inv["total_tax"] == "21.78"
    assert root.findtext("rsm:ExchangedDocument/ram:ID", namespaces=NSMAP) == inv["number"]
    assert api.get(f"/v1/invoices/{inv['id']}/einvoice", params={"format": "cii"}).content == first.content
    assert validator.failures(first.content) == []

    pdf = api.get(f"/v1/invoices/{inv['id']}/einvoice", params={"format": "facturx"})
    assert pdf.status_code == 200, pdf.text
    assert pdf.headers["content-type"] == "application/pdf"
    again = api.get(f"/v1/invoices/{inv['id']}/einvoice", params={"format": "facturx"})
    assert again.content == pdf.content
    name, xml = get_xml_from_pdf(pdf.content, check_xsd=False)
    assert name == "factur-x.xml" and xml == first.content
    assert inv["number"] in pdf_text(pdf.content)
    reader = PdfReader(BytesIO(pdf.content))
    xmp = xmp_properties(pdf.content)
    assert xmp["fx:DocumentType"] == "INVOICE" and xmp["fx:DocumentFileName"] == "factur-x.xml"
    assert xmp["fx:Version"] == "1.0" and xmp["fx:ConformanceLevel"] == "EN 16931"
    # the PDF/A extension schema that declares the fx properties
    assert xmp["pdfaSchema:namespaceURI"] == "urn:factur-x:pdfa:CrossIndustryDocument:invoice:1p0#"
    assert xmp["pdfaSchema:prefix"] == "fx"
    # the XMP and the document information dictionary agree (PDF/A)
    assert xmp["pdf:Producer"] == reader.metadata["/Producer"] and xmp["dc:title"] == reader.metadata["/Title"]
    assert inv["number"] in xmp["dc:title"]
    files = reader.trailer["/Root"]["/AF"]
    assert [f.get_object()["/AFRelationship"] for f in files] == ["/Data"]
    assert files[0].get_object()["/EF"]["/F"].get_object()["/Subtype"] == "/text/xml"
    # PDF/A-3b: the identification in the XMP, an sRGB output intent, every font embedded
    assert xmp["pdfaid:part"] == "3" and xmp["pdfaid:conformance"] == "B"
    intent = reader.trailer["/Root"]["/OutputIntents"][0].get_object()
    assert intent["/S"] == "/GTS_PDFA1" and "sRGB" in intent["/OutputConditionIdentifier"]
    assert "/DestOutputProfile" in intent
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            descendants = font.get("/DescendantFonts")
            descriptor = (descendants[0].get_object() if descendants else font)["/FontDescriptor"]
            assert any(k in descriptor for k in ("/FontFile", "/FontFile2", "/FontFile3")), font["/BaseFont"]
    assert Decimal(inv["total_with_tax"]) == Decimal("120.78")


def test_credit_notes_have_them_too(server, tenant, validator):
    api = server.client(tenant.sandbox_key, _seller(tenant))
    inv = api.post("/v1/invoices", json=INVOICE).json()
    cn = api.post("/v1/credit-notes", json={"invoice_id": inv["id"]})
    assert cn.status_code == 201, cn.text
    cn = cn.json()
    r = api.get(f"/v1/credit-notes/{cn['id']}/einvoice", params={"format": "cii"})
    assert r.status_code == 200, r.text
    root = etree.fromstring(r.content)
    assert root.findtext("rsm:ExchangedDocument/ram:TypeCode", namespaces=NSMAP) == "381"
    assert root.findtext(".//ram:InvoiceReferencedDocument/ram:IssuerAssignedID", namespaces=NSMAP) == inv["number"]
    assert root.findtext(".//ram:GrandTotalAmount", namespaces=NSMAP) == cn["total_with_tax"]
    assert validator.failures(r.content) == []


def test_drafts_unknown_formats_and_missing_fields_are_refused(server, tenant):
    api = server.client(tenant.sandbox_key, _seller(tenant))
    draft = api.post("/v1/invoices", json={**INVOICE, "is_draft": True}).json()
    assert draft["status"] == "draft"
    assert_problem(api.get(f"/v1/invoices/{draft['id']}/einvoice", params={"format": "cii"}), 409)

    issued = api.post("/v1/invoices", json=INVOICE).json()
    body = assert_problem(api.get(f"/v1/invoices/{issued['id']}/einvoice", params={"format": "foo"}), 422)
    assert [e["field"] for e in body["errors"]] == ["format"]
    assert "facturx" in body["errors"][0]["message"] and "cii" in body["errors"][0]["message"]

    # a seller with neither a VAT number nor a registration number cannot be identified (BR-CO-26)
    bare = tenant.api.post("/v1/invoices", json=INVOICE).json()
    body = assert_problem(tenant.api.get(f"/v1/invoices/{bare['id']}/einvoice", params={"format": "cii"}), 422)
    assert body["errors"][0]["field"] == "entity.tax_number"
    assert "BT-31" in body["errors"][0]["message"]


def test_a_reverse_charge_invoice_from_the_api_passes_the_rules(server, tenant, validator):
    api = server.client(tenant.sandbox_key, _seller(tenant))
    body = {
        "customer": {"name": "Kunde GmbH", "country": "AT", "tax_number": "ATU12345675", "city": "Wien"},
        "items": [
            {"name": "Development", "quantity": 10, "price": "95.00", "unit": "h", "discount": 10},
            {"name": "Support", "quantity": 1, "price": "250.00"},
        ],
        "allowances": [{"reason": "Loyalty", "amount": "20.00"}],
    }
    inv = api.post("/v1/invoices", json=body)
    assert inv.status_code == 201, inv.text
    inv = inv.json()
    assert inv["tax_treatment"]["code"] == "reverse_charge"
    r = api.get(f"/v1/invoices/{inv['id']}/einvoice", params={"format": "cii"})
    assert r.status_code == 200, r.text
    assert validator.failures(r.content) == []
    root = etree.fromstring(r.content)
    tax = root.find(".//ram:ApplicableHeaderTradeSettlement/ram:ApplicableTradeTax", NSMAP)
    assert tax.findtext("ram:CategoryCode", namespaces=NSMAP) == "AE"
    assert tax.findtext("ram:ExemptionReasonCode", namespaces=NSMAP) == "VATEX-EU-AE"
    assert tax.findtext("ram:BasisAmount", namespaces=NSMAP) == inv["total"] == "1085.00"  # 855 + 250 − 20
    assert root.find(".//ram:BilledQuantity", NSMAP).get("unitCode") == "HUR"

"""The UBL writer (ubl, xrechnung, peppol): every document of the corpus is valid against the OASIS UBL 2.1
XSDs and our checks of the EN 16931 / XRechnung / Peppol rules (tests/unit/ubl_rules.py), and carries the
document's own figures; what the formats registry requires of a document is what the rules need."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from lxml import etree
from msgspec import structs

from invoicing.einvoice.formats import FORMATS, requirements
from invoicing.einvoice.model import Contact, EInvoice, Endpoint, PaymentMeans, build
from invoicing.einvoice.ubl import CUSTOMIZATION, FLAVOURS, PEPPOL_PROFILE, to_ubl
from invoicing.entities.settings import effective
from tests.unit import ubl_rules
from tests.unit.einvoice_corpus import BUYERS, allowance, corpus, document, entity, line

NS = ubl_rules.NS
CORPUS = corpus()
D = Decimal
PARTIES = "cac:*/cac:Party"  # AccountingSupplierParty, then AccountingCustomerParty


def model_of(doc, seller) -> EInvoice:
    return build(doc, seller, effective(seller.settings))


def completed(model: EInvoice, flavour: str) -> EInvoice:
    """``model`` with what ``flavour`` requires and the corpus document does not give (as its seller would
    fill in: a Leitweg-ID, a seller contact, Peppol ids, cities and post codes, a bank account)."""
    if flavour == "ubl":
        return model
    seller, buyer = model.seller, model.buyer
    seller = structs.replace(
        seller,
        contact=Contact(name="Eva Muster", phone="+386 1 234 5678", email="eva@folio.example"),
        endpoint=seller.endpoint or Endpoint("9949", "SI12345678"),
        address=structs.replace(seller.address, city=seller.address.city or "Ljubljana", post_code="1000"),
    )
    buyer = structs.replace(
        buyer,
        endpoint=buyer.endpoint or Endpoint("0088", "4000001123452"),
        address=structs.replace(buyer.address, city=buyer.address.city or "Town", post_code="12345"),
    )
    payment = model.payment or PaymentMeans(code="58", iban="SI56192001234567892", remittance=model.number)
    return structs.replace(
        model, seller=seller, buyer=buyer, buyer_reference=model.buyer_reference or "991-01234-56", payment=payment
    )


def text(root: etree._Element, path: str) -> str | None:
    return root.findtext(path, namespaces=NS)


@pytest.mark.parametrize("flavour", FLAVOURS)
@pytest.mark.parametrize(("name", "doc", "seller"), CORPUS, ids=[c[0] for c in CORPUS])
def test_corpus_is_schema_valid_and_passes_the_rules(name, doc, seller, flavour):
    model = completed(model_of(doc, seller), flavour)
    if flavour == "xrechnung" and doc.type == "advance_invoice":
        assert [r[1] for r in requirements(flavour, model)] == ["BT-3"]  # BR-DE-17: no type 386
        assert any(p.startswith("BR-DE-17") for p in ubl_rules.problems(to_ubl(model, flavour), flavour))
        return
    xml = to_ubl(model, flavour)
    assert ubl_rules.xsd_errors(xml) == [], name
    assert ubl_rules.problems(xml, flavour) == [], name
    root = etree.fromstring(xml)
    assert text(root, "cbc:CustomizationID") == CUSTOMIZATION[flavour]
    assert text(root, "cbc:ProfileID") == (None if flavour == "ubl" else PEPPOL_PROFILE)
    # the document's own stored figures (a final invoice's before its advances, which are the prepaid amount)
    advances = doc.advances or ()
    net, tax, gross = (sum((getattr(d, k) for d in advances), D(0)) for k in ("total", "total_tax", "total_with_tax"))
    assert D(text(root, "cac:LegalMonetaryTotal/cbc:TaxExclusiveAmount")) == doc.total + net
    assert D(text(root, "cac:LegalMonetaryTotal/cbc:TaxInclusiveAmount")) == doc.total_with_tax + gross
    assert D(text(root, "cac:TaxTotal/cbc:TaxAmount")) == doc.total_tax + tax
    assert D(text(root, "cac:LegalMonetaryTotal/cbc:PayableAmount")) == doc.total_with_tax - (doc.paid_on_issue or 0)
    assert [text(r, "cbc:ID") for r in root.findall("cac:BillingReference/cac:InvoiceDocumentReference", NS)] == [
        *([doc.invoice_number] if doc.type == "credit_note" else []),
        *(d.number for d in advances),
    ]
    assert text(root, "cbc:InvoiceTypeCode") == {"advance_invoice": "386", "invoice": "380"}.get(doc.type)
    credit = doc.type == "credit_note"
    assert etree.QName(root).localname == ("CreditNote" if credit else "Invoice")
    assert len(root.findall("cac:CreditNoteLine" if credit else "cac:InvoiceLine", NS)) == len(doc.items)


@pytest.mark.parametrize("flavour", FLAVOURS)
def test_what_the_format_requires_is_what_the_rules_need(flavour):
    """The formats registry's requirements (a 422 naming the field) and the rules agree: a corpus document as
    it is that they let through passes the rules, one they stop fails them; completed, none is stopped."""
    passed = 0
    for name, doc, seller in CORPUS:
        model = model_of(doc, seller)
        if flavour == "xrechnung" and doc.type == "advance_invoice":
            continue  # never: XRechnung has no prepayment invoice (see above)
        assert requirements(flavour, completed(model, flavour)) == [], name
        problems = ubl_rules.problems(FORMATS[flavour].write(model), flavour)
        if requirements(flavour, model):
            assert problems, name
        else:
            assert problems == [], name
            passed += 1
    assert passed == (len(CORPUS) if flavour == "ubl" else 0)  # (advance invoices skipped for xrechnung)


def test_invoice_figures_to_the_cent():
    doc = document(
        [line("Beratung", "10", "120", "19"), line("Buch", "2", "24.90", "7", discount=D(10))],
        customer={**BUYERS["DE"], "city": "München", "post_code": "80331"},
        adjustments=[allowance("Rabatt", percent="5")],
    )
    seller = entity(
        "DE",
        registration_number="HRB 12345",
        contact={"name": "Eva Muster", "phone": "+49 30 1234", "email": "eva@folio.example"},
    )
    root = etree.fromstring(to_ubl(model_of(doc, seller), "xrechnung"))
    assert etree.QName(root).namespace == "urn:oasis:names:specification:ubl:schema:xsd:Invoice-2"
    assert text(root, "cbc:InvoiceTypeCode") == "380"
    assert text(root, "cbc:DueDate") == "2026-04-01"
    assert text(root, "cbc:BuyerReference") == "04011000-12345-34"
    # lines 1200.00 + 44.82 (2 × 24.90 − 10 %); 5 % off each rate: 60.00 and 2.24; VAT 216.60 + 2.98
    lme = root.find("cac:LegalMonetaryTotal", NS)
    assert [(etree.QName(e).localname, e.text) for e in lme] == [
        ("LineExtensionAmount", "1244.82"),
        ("TaxExclusiveAmount", "1182.58"),
        ("TaxInclusiveAmount", "1402.16"),
        ("AllowanceTotalAmount", "62.24"),
        ("PayableAmount", "1402.16"),
    ]
    subtotals = [
        (text(s, "cbc:TaxableAmount"), text(s, "cbc:TaxAmount"), text(s, "cac:TaxCategory/cbc:ID"),
         text(s, "cac:TaxCategory/cbc:Percent"))
        for s in root.findall("cac:TaxTotal/cac:TaxSubtotal", NS)
    ]  # fmt: skip
    assert subtotals == [("1140.00", "216.60", "S", "19"), ("42.58", "2.98", "S", "7")]
    book = root.findall("cac:InvoiceLine", NS)[1]
    assert book.find("cbc:InvoicedQuantity", NS).get("unitCode") == "C62"
    assert text(book, "cac:Price/cbc:PriceAmount") == "22.41"
    assert text(book, "cac:Price/cac:AllowanceCharge/cbc:Amount") == "2.49"
    assert text(book, "cac:Price/cac:AllowanceCharge/cbc:BaseAmount") == "24.9"
    party = root.find("cac:AccountingSupplierParty/cac:Party", NS)
    assert text(party, "cac:Contact/cbc:Name") == "Eva Muster"
    assert text(party, "cac:PartyTaxScheme/cbc:CompanyID") == "DE123456789"
    assert text(party, "cac:PartyLegalEntity/cbc:CompanyID") == "HRB 12345"
    assert text(root, "cac:PaymentMeans/cbc:PaymentMeansCode") == "58"
    assert text(root, "cac:PaymentMeans/cac:PayeeFinancialAccount/cbc:ID") == "SI56192001234567892"
    assert ubl_rules.problems(etree.tostring(root), "xrechnung") == []


def test_credit_note_refers_to_the_invoice_it_corrects():
    doc, seller = next((d, s) for n, d, s in CORPUS if n == "credit-note")
    root = etree.fromstring(to_ubl(model_of(doc, seller), "ubl"))
    assert etree.QName(root).namespace == "urn:oasis:names:specification:ubl:schema:xsd:CreditNote-2"
    assert text(root, "cbc:CreditNoteTypeCode") == "381"
    assert text(root, "cac:BillingReference/cac:InvoiceDocumentReference/cbc:ID") == "2026-00001"
    assert text(root, "cac:BillingReference/cac:InvoiceDocumentReference/cbc:IssueDate") == "2026-03-01"
    assert text(root, "cbc:Note") == "Wrong quantity"
    assert text(root, "cac:CreditNoteLine/cbc:CreditedQuantity") == "1"
    assert text(root, "cac:LegalMonetaryTotal/cbc:PayableAmount") == "146.40"


def test_peppol_endpoints_carry_their_scheme():
    doc, seller = next((d, s) for n, d, s in CORPUS if n == "peppol-ids")
    model = structs.replace(model_of(doc, seller), buyer_reference="PO-77")
    root = etree.fromstring(to_ubl(model, "peppol"))
    endpoints = [(e.get("schemeID"), e.text) for e in root.iterfind(f"{PARTIES}/cbc:EndpointID", NS)]
    assert endpoints == [("9949", "SI12345678"), ("9949", "SI87654321")]
    assert ubl_rules.problems(to_ubl(model, "peppol"), "peppol") == []


def test_vat_categories_carry_exemption_reasons_and_no_line_rate_for_not_subject():
    doc, seller = next((d, s) for n, d, s in CORPUS if n == "reverse-charge-0")
    root = etree.fromstring(to_ubl(model_of(doc, seller), "ubl"))
    category = root.find("cac:TaxTotal/cac:TaxSubtotal/cac:TaxCategory", NS)
    assert [(etree.QName(e).localname, e.text) for e in category][:4] == [
        ("ID", "AE"),
        ("Percent", "0"),
        ("TaxExemptionReasonCode", "VATEX-EU-AE"),
        ("TaxExemptionReason", "Reverse charge: VAT to be paid by the recipient (Art. 196 Directive 2006/112/EC)."),
    ]
    vat_ids = [e.text for e in root.iterfind(f"{PARTIES}/cac:PartyTaxScheme/cbc:CompanyID", NS)]
    assert vat_ids == ["SI12345678", "ATU12345678"]
    doc, seller = next((d, s) for n, d, s in CORPUS if n == "export-services-0")
    root = etree.fromstring(to_ubl(model_of(doc, seller), "ubl"))
    # BR-O-05: the line has no rate; the breakdown says 0 (XRechnung BR-DE-14, Peppol DE-R-014)
    assert text(root, "cac:InvoiceLine/cac:Item/cac:ClassifiedTaxCategory/cbc:ID") == "O"
    assert root.find("cac:InvoiceLine/cac:Item/cac:ClassifiedTaxCategory/cbc:Percent", NS) is None
    assert text(root, "cac:TaxTotal/cac:TaxSubtotal/cac:TaxCategory/cbc:Percent") == "0"
    # BR-O-2: no VAT ids; the seller's tax number as its identifier (BR-CO-26)
    assert root.find(".//cac:PartyTaxScheme", NS) is None
    assert text(root, "cac:AccountingSupplierParty/cac:Party/cac:PartyIdentification/cbc:ID") == "SI12345678"


def test_intra_community_supply_has_delivery_date_and_country():
    doc, seller = next((d, s) for n, d, s in CORPUS if n == "intra-community-0")
    root = etree.fromstring(to_ubl(model_of(doc, seller), "ubl"))
    assert text(root, "cac:Delivery/cbc:ActualDeliveryDate") == dt.date(2026, 2, 27).isoformat()
    assert text(root, "cac:Delivery/cac:DeliveryLocation/cac:Address/cac:Country/cbc:IdentificationCode") == "AT"
    assert text(root, "cac:TaxTotal/cac:TaxSubtotal/cac:TaxCategory/cbc:TaxExemptionReasonCode") == "VATEX-EU-IC"


def test_jpy_and_bhd_amounts():
    doc, seller = next((d, s) for n, d, s in CORPUS if n == "jpy")
    root = etree.fromstring(to_ubl(model_of(doc, seller), "ubl"))
    assert text(root, "cac:LegalMonetaryTotal/cbc:PayableAmount") == "38034"  # 3 × 12345 + 999
    assert root.find("cac:LegalMonetaryTotal/cbc:PayableAmount", NS).get("currencyID") == "JPY"
    doc, seller = next((d, s) for n, d, s in CORPUS if n == "bhd")
    root = etree.fromstring(to_ubl(model_of(doc, seller), "ubl"))
    assert text(root, "cac:LegalMonetaryTotal/cbc:LineExtensionAmount") == "291.20"
    assert text(root, "cac:LegalMonetaryTotal/cbc:PayableAmount") == "320.32"  # 291.20 + 29.12


def test_special_characters_survive():
    doc, seller = next((d, s) for n, d, s in CORPUS if n == "long-texts")
    root = etree.fromstring(to_ubl(model_of(doc, seller), "ubl"))
    assert text(root, "cac:InvoiceLine/cac:Item/cbc:Name") == doc.items[0].name
    assert (
        text(root, "cac:AccountingCustomerParty/cac:Party/cac:PartyLegalEntity/cbc:RegistrationName")
        == (doc.customer["name"])
    )
    assert text(root, "cbc:Note") == doc.note.strip()


def test_the_rule_checks_catch_broken_documents():
    """Our rule checks are not vacuous: a tampered document fails the rules it breaks."""
    _, doc, seller = CORPUS[0]
    xml = to_ubl(completed(model_of(doc, seller), "xrechnung"), "xrechnung")
    assert ubl_rules.problems(xml, "xrechnung") == []
    root = etree.fromstring(xml)
    root.find("cac:InvoiceLine/cbc:LineExtensionAmount", NS).text = "999.00"
    assert [p[:8] for p in ubl_rules.problems(etree.tostring(root), "xrechnung")][:1] == ["BR-CO-10"]
    no_ref = xml.replace(b"<cbc:BuyerReference>991-01234-56</cbc:BuyerReference>", b"")
    assert [p[:8] for p in ubl_rules.problems(no_ref, "xrechnung")] == ["BR-DE-15"]
    assert [p[:22] for p in ubl_rules.problems(no_ref, "peppol")][-1:] == ["PEPPOL-EN16931-R003: n"]
    root = etree.fromstring(xml)
    contact = root.find("cac:AccountingSupplierParty/cac:Party/cac:Contact", NS)
    contact.getparent().remove(contact)
    assert [p[:8] for p in ubl_rules.problems(etree.tostring(root), "xrechnung")] == ["BR-DE-2:"]
    # Note after DocumentCurrencyCode: the schema's order is broken
    swapped = xml.replace(b"<cbc:BuyerReference>", b"<cbc:Note>x</cbc:Note><cbc:BuyerReference>")
    assert ubl_rules.xsd_errors(swapped)

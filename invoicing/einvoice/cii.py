"""The CII writer: UN/CEFACT Cross Industry Invoice D16B, EN 16931 guideline (``urn:cen.eu:en16931:2017``),
which is also the Factur-X EN 16931 profile. Elements are written in the schema's sequence."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from lxml import etree  # type: ignore[import-untyped]

from invoicing.core.money import quantum
from invoicing.einvoice.model import Address, EInvoice, Line, Party

GUIDELINE = "urn:cen.eu:en16931:2017"
RSM = "urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100"
RAM = "urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100"
UDT = "urn:un:unece:uncefact:data:standard:UnqualifiedDataType:100"
QDT = "urn:un:unece:uncefact:data:standard:QualifiedDataType:100"
NSMAP = {"rsm": RSM, "ram": RAM, "udt": UDT, "qdt": QDT}


def amount(value: Decimal, currency: str) -> str:
    """An amount at the currency's minor unit, without the zeros EN 16931 does not allow past two decimals
    (BR-DEC: a BHD ``10.500`` is written ``10.50``)."""
    text = f"{value.quantize(quantum(currency)):f}"
    while "." in text and len(text.split(".")[1]) > 2 and text.endswith("0"):
        text = text[:-1]
    return text


def number(value: Decimal) -> str:
    """A quantity, price or percent, plainly (``3``, ``7.376667``)."""
    text = f"{value.normalize():f}"
    return "0" if text in ("-0", "") else text


class _W:
    def __init__(self, currency: str) -> None:
        self.currency = currency

    @staticmethod
    def el(parent: etree._Element, tag: str, text: str | None = None, **attrs: str) -> etree._Element:
        prefix, _, name = tag.partition(":")
        node = etree.SubElement(parent, f"{{{NSMAP[prefix]}}}{name}", attrs)
        if text is not None:
            node.text = text
        return node

    def opt(self, parent: etree._Element, tag: str, text: str | None, **attrs: str) -> None:
        if text:
            self.el(parent, tag, text, **attrs)

    def amt(self, parent: etree._Element, tag: str, value: Decimal, **attrs: str) -> None:
        self.el(parent, tag, amount(value, self.currency), **attrs)

    def date(self, parent: etree._Element, tag: str, value: dt.date, kind: str = "udt") -> None:
        self.el(self.el(parent, tag), f"{kind}:DateTimeString", value.strftime("%Y%m%d"), format="102")

    def indicator(self, parent: etree._Element, charge: bool) -> None:
        self.el(self.el(parent, "ram:ChargeIndicator"), "udt:Indicator", "true" if charge else "false")

    def address(self, parent: etree._Element, tag: str, address: Address) -> None:
        node = self.el(parent, tag)
        self.opt(node, "ram:PostcodeCode", address.post_code)
        self.opt(node, "ram:LineOne", address.line1)
        self.opt(node, "ram:LineTwo", address.line2)
        self.opt(node, "ram:CityName", address.city)
        self.el(node, "ram:CountryID", address.country)

    def party(self, parent: etree._Element, tag: str, party: Party) -> None:
        node = self.el(parent, tag)
        self.opt(node, "ram:ID", party.identifier)
        self.el(node, "ram:Name", party.name)
        if party.registration_id:
            self.el(self.el(node, "ram:SpecifiedLegalOrganization"), "ram:ID", party.registration_id)
        contact = party.contact
        if contact and (contact.name or contact.phone or (contact.email and tag == "ram:SellerTradeParty")):
            c = self.el(node, "ram:DefinedTradeContact")
            self.opt(c, "ram:PersonName", contact.name)
            if contact.phone:
                self.el(self.el(c, "ram:TelephoneUniversalCommunication"), "ram:CompleteNumber", contact.phone)
            if contact.email:
                self.el(self.el(c, "ram:EmailURIUniversalCommunication"), "ram:URIID", contact.email)
        self.address(node, "ram:PostalTradeAddress", party.address)
        if party.endpoint:
            self.el(
                self.el(node, "ram:URIUniversalCommunication"),
                "ram:URIID",
                party.endpoint.id,
                schemeID=party.endpoint.scheme,
            )
        if party.vat_id:
            self.el(self.el(node, "ram:SpecifiedTaxRegistration"), "ram:ID", party.vat_id, schemeID="VA")
        if party.tax_registration_id:
            reg = self.el(node, "ram:SpecifiedTaxRegistration")
            self.el(reg, "ram:ID", party.tax_registration_id, schemeID="FC")

    def tax(self, parent: etree._Element, category: str, rate: Decimal | None) -> None:
        self.el(parent, "ram:TypeCode", "VAT")
        self.el(parent, "ram:CategoryCode", category)
        if rate is not None:
            self.el(parent, "ram:RateApplicablePercent", number(rate))

    def line(self, parent: etree._Element, line: Line) -> None:
        item = self.el(parent, "ram:IncludedSupplyChainTradeLineItem")
        doc = self.el(item, "ram:AssociatedDocumentLineDocument")
        self.el(doc, "ram:LineID", line.id)
        if line.note:
            self.el(self.el(doc, "ram:IncludedNote"), "ram:Content", line.note)
        product = self.el(item, "ram:SpecifiedTradeProduct")
        self.el(product, "ram:Name", line.name)
        self.opt(product, "ram:Description", line.description)
        agreement = self.el(item, "ram:SpecifiedLineTradeAgreement")
        if line.gross_price is not None:
            gross = self.el(agreement, "ram:GrossPriceProductTradePrice")
            self.el(gross, "ram:ChargeAmount", number(line.gross_price))
            if line.price_discount:
                allowance = self.el(gross, "ram:AppliedTradeAllowanceCharge")
                self.indicator(allowance, False)
                self.el(allowance, "ram:ActualAmount", number(line.price_discount))
        self.el(self.el(agreement, "ram:NetPriceProductTradePrice"), "ram:ChargeAmount", number(line.net_price))
        delivery = self.el(item, "ram:SpecifiedLineTradeDelivery")
        self.el(delivery, "ram:BilledQuantity", number(line.quantity), unitCode=line.unit)
        settlement = self.el(item, "ram:SpecifiedLineTradeSettlement")
        self.tax(self.el(settlement, "ram:ApplicableTradeTax"), line.category, line.rate)
        if line.period_start or line.period_end:
            period = self.el(settlement, "ram:BillingSpecifiedPeriod")
            if line.period_start:
                self.date(period, "ram:StartDateTime", line.period_start)
            if line.period_end:
                self.date(period, "ram:EndDateTime", line.period_end)
        summation = self.el(settlement, "ram:SpecifiedTradeSettlementLineMonetarySummation")
        self.amt(summation, "ram:LineTotalAmount", line.net_amount)


def to_xml(inv: EInvoice) -> etree._Element:
    w = _W(inv.currency)
    root = etree.Element(f"{{{RSM}}}CrossIndustryInvoice", nsmap=NSMAP)
    context = w.el(root, "rsm:ExchangedDocumentContext")
    w.el(w.el(context, "ram:GuidelineSpecifiedDocumentContextParameter"), "ram:ID", GUIDELINE)

    header = w.el(root, "rsm:ExchangedDocument")
    w.el(header, "ram:ID", inv.number)
    w.el(header, "ram:TypeCode", inv.type_code)
    w.date(header, "ram:IssueDateTime", inv.issue_date)
    for note in inv.notes:
        w.el(w.el(header, "ram:IncludedNote"), "ram:Content", note)

    transaction = w.el(root, "rsm:SupplyChainTradeTransaction")
    for line in inv.lines:
        w.line(transaction, line)

    agreement = w.el(transaction, "ram:ApplicableHeaderTradeAgreement")
    w.opt(agreement, "ram:BuyerReference", inv.buyer_reference)
    w.party(agreement, "ram:SellerTradeParty", inv.seller)
    w.party(agreement, "ram:BuyerTradeParty", inv.buyer)

    delivery = w.el(transaction, "ram:ApplicableHeaderTradeDelivery")
    if inv.delivery and inv.delivery.address:
        w.address(w.el(delivery, "ram:ShipToTradeParty"), "ram:PostalTradeAddress", inv.delivery.address)
    if inv.delivery and inv.delivery.date:
        event = w.el(delivery, "ram:ActualDeliverySupplyChainEvent")
        w.date(event, "ram:OccurrenceDateTime", inv.delivery.date)

    settlement = w.el(transaction, "ram:ApplicableHeaderTradeSettlement")
    if inv.payment:
        w.opt(settlement, "ram:PaymentReference", inv.payment.remittance)
    w.el(settlement, "ram:InvoiceCurrencyCode", inv.currency)
    if inv.payment:
        means = w.el(settlement, "ram:SpecifiedTradeSettlementPaymentMeans")
        w.el(means, "ram:TypeCode", inv.payment.code)
        if inv.payment.iban:
            account = w.el(means, "ram:PayeePartyCreditorFinancialAccount")
            w.el(account, "ram:IBANID", inv.payment.iban)
            w.opt(account, "ram:AccountName", inv.payment.account_name)
        if inv.payment.bic:
            w.el(w.el(means, "ram:PayeeSpecifiedCreditorFinancialInstitution"), "ram:BICID", inv.payment.bic)
    for vat in inv.vat:
        tax = w.el(settlement, "ram:ApplicableTradeTax")
        w.amt(tax, "ram:CalculatedAmount", vat.amount)
        w.el(tax, "ram:TypeCode", "VAT")
        w.opt(tax, "ram:ExemptionReason", vat.exemption_reason)
        w.amt(tax, "ram:BasisAmount", vat.taxable)
        w.el(tax, "ram:CategoryCode", vat.category)
        w.opt(tax, "ram:ExemptionReasonCode", vat.exemption_code)
        if vat.rate is not None:
            w.el(tax, "ram:RateApplicablePercent", number(vat.rate))
    if inv.period_start or inv.period_end:
        period = w.el(settlement, "ram:BillingSpecifiedPeriod")
        if inv.period_start:
            w.date(period, "ram:StartDateTime", inv.period_start)
        if inv.period_end:
            w.date(period, "ram:EndDateTime", inv.period_end)
    for ac in inv.allowance_charges:
        node = w.el(settlement, "ram:SpecifiedTradeAllowanceCharge")
        w.indicator(node, ac.charge)
        if ac.percent is not None and ac.base is not None:
            w.el(node, "ram:CalculationPercent", number(ac.percent))
            w.amt(node, "ram:BasisAmount", ac.base)
        w.amt(node, "ram:ActualAmount", ac.amount)
        w.opt(node, "ram:ReasonCode", ac.reason_code)
        w.opt(node, "ram:Reason", ac.reason)
        w.tax(w.el(node, "ram:CategoryTradeTax"), ac.category, ac.rate)
    if inv.payment_terms or inv.due_date:
        terms = w.el(settlement, "ram:SpecifiedTradePaymentTerms")
        w.opt(terms, "ram:Description", inv.payment_terms)
        if inv.due_date:
            w.date(terms, "ram:DueDateDateTime", inv.due_date)
    t = inv.totals
    summation = w.el(settlement, "ram:SpecifiedTradeSettlementHeaderMonetarySummation")
    w.amt(summation, "ram:LineTotalAmount", t.line_total)
    w.amt(summation, "ram:ChargeTotalAmount", t.charge_total)
    w.amt(summation, "ram:AllowanceTotalAmount", t.allowance_total)
    w.amt(summation, "ram:TaxBasisTotalAmount", t.tax_exclusive)
    w.amt(summation, "ram:TaxTotalAmount", t.tax_total, currencyID=inv.currency)
    w.amt(summation, "ram:RoundingAmount", t.rounding)
    w.amt(summation, "ram:GrandTotalAmount", t.tax_inclusive)
    w.amt(summation, "ram:TotalPrepaidAmount", t.prepaid)
    w.amt(summation, "ram:DuePayableAmount", t.payable)
    preceding = [(inv.preceding_invoice, inv.preceding_invoice_date)] if inv.preceding_invoice else []
    for ref_number, issued in preceding + list(inv.advances):
        ref = w.el(settlement, "ram:InvoiceReferencedDocument")
        w.el(ref, "ram:IssuerAssignedID", ref_number)
        if issued:
            w.date(ref, "ram:FormattedIssueDateTime", issued, kind="qdt")
    return root


def write(inv: EInvoice) -> bytes:
    """The CII XML of ``inv``, UTF-8 with an XML declaration."""
    return etree.tostring(to_xml(inv), xml_declaration=True, encoding="UTF-8", pretty_print=True)

"""The UBL 2.1 writer: an :class:`~invoicing.einvoice.model.EInvoice` as a UBL Invoice (380) or CreditNote
(381), in three flavours that differ in their specification identifier (BT-24) and what they require:

* ``ubl``: plain EN 16931 (``urn:cen.eu:en16931:2017``);
* ``xrechnung``: XRechnung 3.0, the German CIUS (buyer reference BT-10, seller contact BG-6 with name,
  phone and e-mail, seller and buyer city and post code, payment instructions BG-16: BR-DE-1..21);
* ``peppol``: Peppol BIS Billing 3.0 (electronic addresses BT-34/BT-49 with their EAS scheme,
  a buyer reference).

Elements are written in the order of the OASIS UBL 2.1 schema; amounts carry ``currencyID`` and are written
as in the CII (the currency's minor unit: EUR 2, JPY 0, BHD 3 less the zeros EN 16931 forbids past two
decimals), prices with the decimals they have. What each flavour needs of a document, and the 422 naming
what it lacks, is :func:`invoicing.einvoice.formats.requirements`.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Literal

from lxml import etree  # type: ignore[import-untyped]

from invoicing.einvoice.cii import amount, number
from invoicing.einvoice.model import Address, AllowanceCharge, EInvoice, Line, Party

Flavour = Literal["ubl", "xrechnung", "peppol"]
FLAVOURS: tuple[Flavour, ...] = ("ubl", "xrechnung", "peppol")

EN16931 = "urn:cen.eu:en16931:2017"
CUSTOMIZATION: dict[str, str] = {
    "ubl": EN16931,
    "xrechnung": f"{EN16931}#compliant#urn:xeinkauf.de:kosit:xrechnung_3.0",
    "peppol": f"{EN16931}#compliant#urn:fdc:peppol.eu:2017:poacc:billing:3.0",
}
PEPPOL_PROFILE = "urn:fdc:peppol.eu:2017:poacc:billing:01:1.0"
"""BT-23, the Peppol billing process; XRechnung names it too."""

CBC = "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2"
CAC = "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2"
ROOT_NS = {
    "Invoice": "urn:oasis:names:specification:ubl:schema:xsd:Invoice-2",
    "CreditNote": "urn:oasis:names:specification:ubl:schema:xsd:CreditNote-2",
}
MEDIA_TYPE = "application/xml"
TAX_REGISTRATION_SCHEME = "FC"
"""TaxScheme/ID of the seller's tax registration identifier (BT-32), as XRechnung writes it."""


def to_ubl(model: EInvoice, flavour: Flavour = "ubl") -> bytes:
    """The UBL 2.1 document of ``model`` in ``flavour`` (UTF-8, with XML declaration). What a flavour needs
    of the document is checked before, by :func:`invoicing.einvoice.formats.requirements`."""
    return _Writer(model, flavour).document()


class _Writer:
    def __init__(self, model: EInvoice, flavour: Flavour) -> None:
        self.m, self.flavour = model, flavour
        self.credit = model.type_code == "381"
        self.currency = model.currency

    # --- primitives -------------------------------------------------------------------------------

    @staticmethod
    def el(parent: etree._Element, ns: str, name: str, text: str | None = None, **attrs: str) -> etree._Element:
        child = etree.SubElement(parent, f"{{{ns}}}{name}", attrs)
        if text is not None:
            child.text = text
        return child

    def cac(self, parent: etree._Element, name: str) -> etree._Element:
        return self.el(parent, CAC, name)

    def cbc(self, parent: etree._Element, name: str, value: str | date | None, **attrs: str) -> None:
        """A basic element, left out when ``value`` is empty (PEPPOL-EN16931-R008: no empty elements)."""
        if value is None or value == "":
            return
        self.el(parent, CBC, name, value.isoformat() if isinstance(value, date) else value, **attrs)

    def amount(self, parent: etree._Element, name: str, value: Decimal) -> None:
        """An amount in the document's currency at its minor unit, as the CII has it (:func:`cii.amount`)."""
        self.el(parent, CBC, name, amount(value, self.currency), currencyID=self.currency)

    def price(self, parent: etree._Element, name: str, value: Decimal) -> None:
        """A unit price (BT-146/147/148): as many decimals as it has."""
        self.el(parent, CBC, name, number(value), currencyID=self.currency)

    # --- the document -----------------------------------------------------------------------------

    def document(self) -> bytes:
        m = self.m
        kind = "CreditNote" if self.credit else "Invoice"
        root = etree.Element(f"{{{ROOT_NS[kind]}}}{kind}", nsmap={None: ROOT_NS[kind], "cac": CAC, "cbc": CBC})
        self.cbc(root, "CustomizationID", CUSTOMIZATION[self.flavour])
        self.cbc(root, "ProfileID", PEPPOL_PROFILE if self.flavour != "ubl" else None)
        self.cbc(root, "ID", m.number)
        self.cbc(root, "IssueDate", m.issue_date)
        if self.credit:
            self.cbc(root, "TaxPointDate", m.tax_point_date)
            self.cbc(root, "CreditNoteTypeCode", m.type_code)
            self._note(root)
        else:
            self.cbc(root, "DueDate", m.due_date)
            self.cbc(root, "InvoiceTypeCode", m.type_code)
            self._note(root)
            self.cbc(root, "TaxPointDate", m.tax_point_date)
        self.cbc(root, "DocumentCurrencyCode", m.currency)
        self.cbc(root, "BuyerReference", m.buyer_reference)
        if m.period_start or m.period_end:
            period = self.cac(root, "InvoicePeriod")
            self.cbc(period, "StartDate", m.period_start)
            self.cbc(period, "EndDate", m.period_end)
        preceding = [(m.preceding_invoice, m.preceding_invoice_date)] if m.preceding_invoice else []
        for ref_number, issued in preceding + list(m.advances):
            ref = self.cac(self.cac(root, "BillingReference"), "InvoiceDocumentReference")
            self.cbc(ref, "ID", ref_number)
            self.cbc(ref, "IssueDate", issued)
        self._party(self.cac(root, "AccountingSupplierParty"), m.seller, seller=True)
        self._party(self.cac(root, "AccountingCustomerParty"), m.buyer, seller=False)
        self._delivery(root)
        self._payment(root)
        for entry in m.allowance_charges:  # after PaymentTerms in both (no exchange rates are written)
            self._allowance_charge(root, entry)
        self._tax_total(root)
        self._monetary_total(root)
        for line in m.lines:
            self._line(root, line)
        return etree.tostring(root, xml_declaration=True, encoding="UTF-8")

    def _note(self, root: etree._Element) -> None:
        # One note (BT-22): Peppol allows no more than one (PEPPOL-EN16931-R002).
        self.cbc(root, "Note", "\n\n".join(self.m.notes) or None)

    def _address(self, parent: etree._Element, name: str, address: Address) -> None:
        el = self.cac(parent, name)
        self.cbc(el, "StreetName", address.line1)
        self.cbc(el, "AdditionalStreetName", address.line2)
        self.cbc(el, "CityName", address.city)
        self.cbc(el, "PostalZone", address.post_code)
        self.cbc(self.cac(el, "Country"), "IdentificationCode", address.country)

    def _party(self, parent: etree._Element, party: Party, *, seller: bool) -> None:
        el = self.cac(parent, "Party")
        if party.endpoint is not None:
            self.cbc(el, "EndpointID", party.endpoint.id, schemeID=party.endpoint.scheme)
        if party.identifier:
            self.cbc(self.cac(el, "PartyIdentification"), "ID", party.identifier)
        self._address(el, "PostalAddress", party.address)
        if party.vat_id:
            scheme = self.cac(el, "PartyTaxScheme")
            self.cbc(scheme, "CompanyID", party.vat_id)
            self.cbc(self.cac(scheme, "TaxScheme"), "ID", "VAT")
        if seller and party.tax_registration_id:
            scheme = self.cac(el, "PartyTaxScheme")
            self.cbc(scheme, "CompanyID", party.tax_registration_id)
            self.cbc(self.cac(scheme, "TaxScheme"), "ID", TAX_REGISTRATION_SCHEME)
        legal = self.cac(el, "PartyLegalEntity")
        self.cbc(legal, "RegistrationName", party.name)
        self.cbc(legal, "CompanyID", party.registration_id)
        contact = party.contact
        if contact is not None and (contact.name or contact.phone or contact.email):
            c = self.cac(el, "Contact")
            self.cbc(c, "Name", contact.name)
            self.cbc(c, "Telephone", contact.phone)
            self.cbc(c, "ElectronicMail", contact.email)

    def _delivery(self, root: etree._Element) -> None:
        delivery = self.m.delivery
        if delivery is None or (delivery.date is None and delivery.address is None):
            return
        el = self.cac(root, "Delivery")
        self.cbc(el, "ActualDeliveryDate", delivery.date)
        if delivery.address is not None:
            self._address(self.cac(el, "DeliveryLocation"), "Address", delivery.address)

    def _payment(self, root: etree._Element) -> None:
        m = self.m
        if m.payment is not None:
            el = self.cac(root, "PaymentMeans")
            self.cbc(el, "PaymentMeansCode", m.payment.code)
            if self.credit:
                self.cbc(el, "PaymentDueDate", m.due_date)
            self.cbc(el, "PaymentID", m.payment.remittance)
            if m.payment.iban:
                account = self.cac(el, "PayeeFinancialAccount")
                self.cbc(account, "ID", m.payment.iban)
                self.cbc(account, "Name", m.payment.account_name)
                if m.payment.bic:
                    self.cbc(self.cac(account, "FinancialInstitutionBranch"), "ID", m.payment.bic)
        if m.payment_terms:
            self.cbc(self.cac(root, "PaymentTerms"), "Note", m.payment_terms)

    def _category(self, parent: etree._Element, name: str, category: str, rate: Decimal | None) -> etree._Element:
        el = self.cac(parent, name)
        self.cbc(el, "ID", category)
        if category != "O" and rate is not None:  # BR-O-5..7: no rate on "not subject to VAT"
            self.cbc(el, "Percent", number(rate))
        elif parent.tag == f"{{{CAC}}}TaxSubtotal":
            # BT-119 in every breakdown, O too (0): XRechnung BR-DE-14, Peppol DE-R-014; EN 16931 allows it
            self.cbc(el, "Percent", "0")
        return el

    def _scheme(self, category: etree._Element) -> None:
        self.cbc(self.cac(category, "TaxScheme"), "ID", "VAT")

    def _allowance_charge(self, root: etree._Element, entry: AllowanceCharge) -> None:
        el = self.cac(root, "AllowanceCharge")
        self.cbc(el, "ChargeIndicator", "true" if entry.charge else "false")
        self.cbc(el, "AllowanceChargeReasonCode", entry.reason_code)
        self.cbc(el, "AllowanceChargeReason", entry.reason)
        if entry.percent is not None and entry.base is not None:
            self.cbc(el, "MultiplierFactorNumeric", number(entry.percent))
        self.amount(el, "Amount", entry.amount)
        if entry.percent is not None and entry.base is not None:
            self.amount(el, "BaseAmount", entry.base)
        self._scheme(self._category(el, "TaxCategory", entry.category, entry.rate))

    def _tax_total(self, root: etree._Element) -> None:
        m = self.m
        total = self.cac(root, "TaxTotal")
        self.amount(total, "TaxAmount", m.totals.tax_total)
        for vat in m.vat:
            sub = self.cac(total, "TaxSubtotal")
            self.amount(sub, "TaxableAmount", vat.taxable)
            self.amount(sub, "TaxAmount", vat.amount)
            category = self._category(sub, "TaxCategory", vat.category, vat.rate)
            self.cbc(category, "TaxExemptionReasonCode", vat.exemption_code)
            self.cbc(category, "TaxExemptionReason", vat.exemption_reason)
            self._scheme(category)

    def _monetary_total(self, root: etree._Element) -> None:
        t = self.m.totals
        el = self.cac(root, "LegalMonetaryTotal")
        self.amount(el, "LineExtensionAmount", t.line_total)
        self.amount(el, "TaxExclusiveAmount", t.tax_exclusive)
        self.amount(el, "TaxInclusiveAmount", t.tax_inclusive)
        if any(not e.charge for e in self.m.allowance_charges):
            self.amount(el, "AllowanceTotalAmount", t.allowance_total)
        if any(e.charge for e in self.m.allowance_charges):
            self.amount(el, "ChargeTotalAmount", t.charge_total)
        if t.prepaid:
            self.amount(el, "PrepaidAmount", t.prepaid)
        if t.rounding:
            self.amount(el, "PayableRoundingAmount", t.rounding)
        self.amount(el, "PayableAmount", t.payable)

    def _line(self, root: etree._Element, line: Line) -> None:
        el = self.cac(root, "CreditNoteLine" if self.credit else "InvoiceLine")
        self.cbc(el, "ID", line.id)
        self.cbc(el, "Note", line.note)
        tag = "CreditedQuantity" if self.credit else "InvoicedQuantity"
        self.cbc(el, tag, number(line.quantity), unitCode=line.unit)
        self.amount(el, "LineExtensionAmount", line.net_amount)
        if line.period_start or line.period_end:
            period = self.cac(el, "InvoicePeriod")
            self.cbc(period, "StartDate", line.period_start)
            self.cbc(period, "EndDate", line.period_end)
        item = self.cac(el, "Item")
        self.cbc(item, "Description", line.description)
        self.cbc(item, "Name", line.name)
        self._scheme(self._category(item, "ClassifiedTaxCategory", line.category, line.rate))
        price = self.cac(el, "Price")
        self.price(price, "PriceAmount", line.net_price)
        if line.gross_price is not None and line.price_discount is not None:
            discount = self.cac(price, "AllowanceCharge")
            self.cbc(discount, "ChargeIndicator", "false")
            self.price(discount, "Amount", line.price_discount)
            self.price(discount, "BaseAmount", line.gross_price)

"""The e-invoice formats: each name with its writer (:data:`FORMATS`), and what each needs of a document
(:func:`requirements`) beyond what the writer can always produce.

A format's writer turns an :class:`~invoicing.einvoice.model.EInvoice` into bytes; ``facturx`` embeds its
writer's XML (CII) in the document's PDF/A-3 (:mod:`invoicing.einvoice.facturx`). A name not in
:data:`FORMATS` answers 422 naming ``format``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from functools import partial
from typing import Any

from contract.errors import ValidationFailed
from invoicing.einvoice import cii, ubl
from invoicing.einvoice.model import EInvoice, build

KNOWN = ("facturx", "cii", "ubl", "xrechnung", "peppol")
"""Every format the contract names, in its order; :data:`FORMATS` holds those Folio can write."""
CENT = Decimal("0.01")
VAT_CHARGED = frozenset({"S", "Z", "E", "AE", "K", "G", "L", "M"})


@dataclass(frozen=True)
class Format:
    name: str
    write: Callable[[EInvoice], bytes]
    """The XML (for ``pdf`` formats: the XML embedded in the PDF)."""
    media_type: str = "application/xml"
    extension: str = "xml"
    pdf: bool = False
    """The XML goes inside the document's PDF/A-3 (Factur-X)."""


FORMATS: dict[str, Format] = {
    "facturx": Format("facturx", cii.write, "application/pdf", "pdf", pdf=True),
    "cii": Format("cii", cii.write),
    "ubl": Format("ubl", partial(ubl.to_ubl, flavour="ubl")),
    "xrechnung": Format("xrechnung", partial(ubl.to_ubl, flavour="xrechnung")),
    "peppol": Format("peppol", partial(ubl.to_ubl, flavour="peppol")),
}

Requirement = tuple[str, str, str]
"""(the field a request would fill, its business term, why)."""


def _common(inv: EInvoice) -> list[Requirement]:
    out: list[Requirement] = []
    seller, buyer = inv.seller, inv.buyer
    categories = {v.category for v in inv.vat}
    if not inv.lines:
        out.append(("items", "BG-25", "an e-invoice has at least one line (BR-16)"))
    if not (seller.vat_id or seller.registration_id or seller.identifier):
        out.append(
            (
                "entity.tax_number",
                "BT-31",
                "the seller needs a VAT identifier or a registration number (BT-30) to be identified (BR-CO-26)",
            )
        )
    elif categories & VAT_CHARGED and not (seller.vat_id or seller.tax_registration_id):
        out.append(("entity.tax_number", "BT-31", "the seller's VAT identifier or tax number is required (BR-S-2)"))
    if categories & {"K", "G"} and not seller.vat_id:
        out.append(
            ("entity.tax_number", "BT-31", "an intra-Community supply or export needs the seller's VAT identifier")
        )
    if "AE" in categories and not (buyer.vat_id or buyer.registration_id):
        out.append(("customer.tax_number", "BT-48", "reverse charge needs the buyer's VAT identifier (BR-AE-2)"))
    if "K" in categories and not buyer.vat_id:
        out.append(
            ("customer.tax_number", "BT-48", "an intra-Community supply needs the buyer's VAT identifier (BR-IC-2)")
        )
    if not buyer.name:
        out.append(("customer.name", "BT-44", "the buyer's name is required (BR-7)"))
    if inv.totals.payable > 0 and not (inv.due_date or inv.payment_terms):
        out.append(("date_due", "BT-9", "an amount due needs a due date or payment terms (BR-CO-25)"))
    amounts = [inv.totals.tax_inclusive, inv.totals.tax_total, *(line.net_amount for line in inv.lines)]
    amounts += [v.amount for v in inv.vat] + [v.taxable for v in inv.vat]
    if any(a != a.quantize(CENT) for a in amounts):
        out.append(
            ("currency_code", "BT-5", "EN 16931 writes amounts with at most two decimals (BR-DEC) and some have three")
        )
    return out


def _xrechnung(inv: EInvoice) -> list[Requirement]:
    out: list[Requirement] = []
    contact = inv.seller.contact
    if inv.type_code == "386":
        out.append(("type", "BT-3", "XRechnung does not allow a prepayment invoice (type 386, BR-DE-17)"))
    if not inv.buyer_reference:
        out.append(
            ("customer.buyer_reference", "BT-10", "XRechnung requires the buyer reference (Leitweg-ID) (BR-DE-15)")
        )
    if not (contact and contact.name):
        out.append(("entity.contact.name", "BT-41", "XRechnung requires the seller contact's name (BR-DE-5)"))
    if not (contact and contact.phone):
        out.append(("entity.contact.phone", "BT-42", "XRechnung requires the seller contact's phone (BR-DE-6)"))
    if not (contact and contact.email):
        out.append(("entity.contact.email", "BT-43", "XRechnung requires the seller contact's e-mail (BR-DE-7)"))
    if not inv.seller.address.city:
        out.append(("entity.city", "BT-37", "XRechnung requires the seller's city (BR-DE-3)"))
    if not inv.seller.address.post_code:
        out.append(("entity.post_code", "BT-38", "XRechnung requires the seller's post code (BR-DE-4)"))
    if not inv.buyer.address.city:
        out.append(("customer.city", "BT-52", "XRechnung requires the buyer's city (BR-DE-8)"))
    if not inv.buyer.address.post_code:
        out.append(("customer.post_code", "BT-53", "XRechnung requires the buyer's post code (BR-DE-9)"))
    if inv.payment is None and inv.totals.payable > 0:
        out.append(
            ("settings.bank_account.iban", "BT-84", "XRechnung requires the payment instructions (BG-16, BR-DE-1)")
        )
    return out


def _peppol(inv: EInvoice) -> list[Requirement]:
    out: list[Requirement] = []
    if inv.seller.endpoint is None:
        out.append(
            ("entity.peppol_id", "BT-34", "Peppol BIS requires the seller's electronic address (PEPPOL-EN16931-R020)")
        )
    if inv.buyer.endpoint is None:
        out.append(
            ("customer.peppol_id", "BT-49", "Peppol BIS requires the buyer's electronic address (PEPPOL-EN16931-R010)")
        )
    if not inv.buyer_reference:
        out.append(
            (
                "customer.buyer_reference",
                "BT-10",
                "Peppol BIS requires a buyer reference or order reference (PEPPOL-EN16931-R003)",
            )
        )
    return out


EXTRA: dict[str, Callable[[EInvoice], list[Requirement]]] = {"xrechnung": _xrechnung, "peppol": _peppol}


def requirements(format: str, inv: EInvoice) -> list[Requirement]:
    """What ``inv`` lacks for ``format`` (any of :data:`KNOWN`): empty when it can be produced."""
    extra = EXTRA.get(format)
    return _common(inv) + (extra(inv) if extra else [])


def missing(name: str, inv: EInvoice) -> None:
    """A 422 naming every field ``inv`` lacks for the format ``name``, with its business term."""
    found = requirements(name, inv)
    if found:
        errors = [
            {"field": field, "message": f"{message} ({term})", "business_term": term} for field, term, message in found
        ]
        detail = f"The document cannot be produced as {name}: " + "; ".join(
            f"{e['field']}: {e['message']}" for e in errors
        )
        raise ValidationFailed(detail, errors=errors)


def check_issuable(doc: Any, entity: Any, settings: Any) -> None:
    """Before a number is taken: a customer that declared the e-invoice format it requires
    (``einvoice_format``) gets no document that cannot be produced in it (422 naming each missing field)."""
    name = (doc.customer or {}).get("einvoice_format")
    if name in KNOWN:
        missing(name, build(doc, entity, settings))

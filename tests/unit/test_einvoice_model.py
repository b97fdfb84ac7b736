"""The mapping from a stored document to the EN 16931 model: amounts are the stored ones, net prices are
derived from the stored line nets, categories and exemption reasons follow the tax treatment, and each format
names what a document lacks for it."""

from __future__ import annotations

from decimal import Decimal

import pytest

from contract.errors import ValidationFailed
from invoicing.core.totals import Tax
from invoicing.einvoice.formats import requirements
from invoicing.einvoice.model import build, net_price, unit_code
from invoicing.entities.settings import effective
from tests.unit.einvoice_corpus import BUYERS, CORPUS_SELLER, allowance, document, entity, line

D = Decimal


def model(doc, seller=None):
    seller = seller or CORPUS_SELLER
    return build(doc, seller, effective(seller.settings))


def test_amounts_are_the_stored_ones():
    doc = document(
        [line("A", "3", "10.00", "22", discount=D(10)), line("B", "1", "5", "9.5")],
        customer=BUYERS["SI"],
        adjustments=[allowance("Loyalty", amount="2.00"), allowance("Freight", amount="4.10", charge=True)],
    )
    inv = model(doc)
    t = inv.totals
    assert (t.tax_exclusive, t.tax_total, t.tax_inclusive) == (doc.total, doc.total_tax, doc.total_with_tax)
    assert t.line_total == D("32.00")  # 27.00 + 5.00
    assert (t.allowance_total, t.charge_total) == (D("2.00"), D("4.10"))
    assert t.line_total - t.allowance_total + t.charge_total == t.tax_exclusive
    assert [(v.category, v.rate, v.taxable, v.amount) for v in inv.vat] == [
        (tx.category, tx.rate, tx.base, tx.amount) for tx in doc.taxes
    ]
    first = inv.lines[0]
    assert (first.quantity, first.net_price, first.gross_price, first.price_discount, first.net_amount) == (
        D(3),
        D(9),
        D("10.00"),
        D("1.00"),
        D("27.00"),
    )


def test_prices_with_vat_are_expressed_net_and_add_up_to_the_taxable_amount():
    # three lines of 0.01 gross at 22 %: each line's own net rounds to 0.01, the rate's net of 0.03 is 0.02
    doc = document(
        [line("A", "1", "0.01", "22"), line("B", "1", "0.01", "22"), line("C", "1", "0.01", "22")],
        customer=BUYERS["SI_consumer"],
        gross=True,
    )
    inv = model(doc)
    assert [li.total for li in doc.items] == [D("0.01")] * 3  # each line's own net rounds up
    assert doc.taxes[0].base == D("0.02")  # net(0.03) = 0.0246
    assert sum(li.net_amount for li in inv.lines) == D("0.02") == inv.vat[0].taxable
    assert inv.totals.tax_inclusive == D("0.03")
    for li in inv.lines:
        assert li.net_price * li.quantity == li.net_amount


def test_net_price_is_exact_or_six_decimals():
    assert net_price(D("27.00"), D(3)) == D(9)
    assert net_price(D("22.13"), D(3)) == D("7.376667")
    assert net_price(D("10.00"), D(0)) == D(0)


def test_vouchers_have_a_positive_price_and_a_negative_quantity():
    doc = document([line("Order", "1", "200", "22"), line("Voucher", "1", "-20", "22")], customer=BUYERS["SI"])
    voucher = model(doc).lines[1]
    assert (voucher.quantity, voucher.net_price, voucher.net_amount) == (D(-1), D(20), D("-20.00"))


@pytest.mark.parametrize(
    ("unit", "code"),
    [(None, "C62"), ("h", "HUR"), ("Hours", "HUR"), ("kg", "KGM"), ("DAY", "DAY"), ("boxes", "C62"), ("m²", "MTK")],
)
def test_unit_codes(unit, code):
    assert unit_code(unit) == code


def test_categories_and_exemption_reasons_follow_the_treatment():
    note = "Reverse charge (Art. 196)"
    doc = document(
        [line("Dev", "1", "100", "0", "AE")], customer=BUYERS["AT"], treatment="reverse_charge", legal_note=note
    )
    inv = model(doc)
    assert [(v.category, v.exemption_code, v.exemption_reason) for v in inv.vat] == [("AE", "VATEX-EU-AE", note)]
    assert (inv.seller.vat_id, inv.buyer.vat_id) == ("SI12345678", "ATU12345678")

    export = model(document([line("Advice", "1", "100", "0", "O")], customer=BUYERS["US"], treatment="export"))
    assert export.vat[0].rate is None and export.vat[0].exemption_code == "VATEX-EU-O"
    assert (export.seller.vat_id, export.seller.identifier) == (None, "SI12345678")  # BR-O-2, BR-CO-26

    small = entity("SI", tax_number="12345678", is_tax_subject=False)
    untaxed = model(
        document([line("Lesson", "2", "30", None)], customer=BUYERS["SI_consumer"], treatment="not_taxable"), small
    )
    assert [(v.category, v.rate, v.taxable, v.amount) for v in untaxed.vat] == [("E", D(0), D("60.00"), D(0))]
    assert untaxed.lines[0].category == "E"

    intra = model(
        document([line("Machine", "1", "1000", "0", "K")], customer=BUYERS["AT"], treatment="intra_eu_supply")
    )
    assert intra.delivery is not None and intra.delivery.address is not None
    assert (intra.delivery.address.country, intra.delivery.date) == ("AT", intra.issue_date)  # BR-IC-11, BR-IC-12


def test_credit_notes_reference_their_invoice():
    doc = document([line("A", "1", "10", "22")], customer=BUYERS["SI"], credit_note=True, number="CN-1")
    inv = model(doc)
    assert (inv.type_code, inv.preceding_invoice, inv.due_date) == ("381", "2026-00001", doc.date)


def test_a_line_with_two_taxes_is_refused_naming_it():
    doc = document([line("A", "1", "10", "22")], customer=BUYERS["SI"])
    doc.items = [doc.items[0].__class__(**{**_fields(doc.items[0]), "taxes": (Tax(D(22)), Tax(D(5), "Other"))})]
    with pytest.raises(ValidationFailed) as err:
        model(doc)
    assert err.value.errors and err.value.errors[0]["field"] == "items[0].taxes"


def _fields(struct):
    return {f: getattr(struct, f) for f in struct.__struct_fields__}


def test_requirements_name_the_missing_fields_and_business_terms():
    doc = document([line("A", "1", "10", "19")], customer={"name": "Stadt", "country": "DE"})
    inv = model(doc, entity("DE"))
    assert requirements("cii", inv) == []
    assert requirements("facturx", inv) == []
    x = {(field, term) for field, term, _ in requirements("xrechnung", inv)}
    assert x == {
        ("customer.buyer_reference", "BT-10"),
        ("entity.contact.name", "BT-41"),
        ("entity.contact.phone", "BT-42"),
        ("customer.city", "BT-52"),
        ("customer.post_code", "BT-53"),
    }  # the seller's e-mail is its contact e-mail; its bank account is set
    p = {(field, term) for field, term, _ in requirements("peppol", inv)}
    assert p == {("entity.peppol_id", "BT-34"), ("customer.peppol_id", "BT-49"), ("customer.buyer_reference", "BT-10")}

    complete = entity(
        "DE",
        contact={"name": "Eva", "phone": "+49 30 1", "email": "eva@x.example"},
        peppol_id="0204:991-12345-67",
    )
    buyer = {**BUYERS["DE"], "city": "Köln", "post_code": "50667", "peppol_id": "0204:04011000-12345-34"}
    full = model(document([line("A", "1", "10", "19")], customer=buyer), complete)
    assert requirements("xrechnung", full) == [] and requirements("peppol", full) == []

    anonymous = model(doc, entity("DE", tax_number=None))
    assert [(f, t) for f, t, _ in requirements("cii", anonymous)] == [("entity.tax_number", "BT-31")]
    bhd = model(document([line("A", "1", "1.005", "10")], customer=BUYERS["SI"], currency="BHD"))
    assert ("currency_code", "BT-5") in {(f, t) for f, t, _ in requirements("cii", bhd)}

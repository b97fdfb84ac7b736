"""Document-level allowances and charges (EN 16931 BG-20/BG-21) and negative lines: the figures, to the cent."""

from __future__ import annotations

from decimal import Decimal as D

import pytest
from sqlalchemy.dialects import sqlite

from contract.errors import ValidationFailed
from invoicing.core.lines import DocumentLine
from invoicing.core.schemas import TaxIn
from invoicing.core.totals import Adjustment, Line, Tax, compute_totals
from invoicing.db.models import Document
from invoicing.documents.lines import apply_totals
from invoicing.documents.output import invoice_out
from invoicing.documents.schemas import AllowanceChargeIn
from tests.unit.builders import issued_invoice

VAT22 = (Tax(D(22)),)
VAT95 = (Tax(D("9.5")),)
LINES = [
    Line(D(2), D("50.00"), VAT22),  # 100.00
    Line(D(1), D("40.00"), VAT95),  # 40.00
    Line(D(1), D("-10.00"), VAT22),  # a 10 EUR voucher
]
ADJUSTMENTS = [
    Adjustment(index=0, reason="Loyalty 10 %", percent=D(10), taxes=(Tax(D("9.5")),)),
    Adjustment(index=1, reason="Goodwill", amount=D(5)),  # no taxes: spread over both rates
    Adjustment(charge=True, index=0, reason="Shipping", amount=D("4.90"), taxes=(Tax(D(22)),)),
]


def _entries(totals):
    return [(e.charge, e.reason, e.taxes[0].rate, e.amount, e.net) for e in totals.allowance_charges]


def test_net_prices_tax_per_rate_on_lines_less_allowances_plus_charges():
    t = compute_totals(LINES, "EUR", adjustments=ADJUSTMENTS)
    # Goodwill 5.00 spread 90.00 : 40.00 → 3.4615 / 1.5385 → 3.46 / 1.54 (largest remainder)
    assert _entries(t) == [
        (False, "Loyalty 10 %", D("9.5"), D("4.00"), D("4.00")),
        (False, "Goodwill", D(22), D("3.46"), D("3.46")),
        (False, "Goodwill", D("9.5"), D("1.54"), D("1.54")),
        (True, "Shipping", D(22), D("4.90"), D("4.90")),
    ]
    assert t.allowance_charges[0].base == D("40.00")
    # 22 %: 100 − 10 − 3.46 + 4.90 = 91.44 → 20.1168 → 20.12; 9.5 %: 40 − 4 − 1.54 = 34.46 → 3.2737 → 3.27
    assert [(x.rate, x.base, x.amount) for x in t.taxes] == [
        (D(22), D("91.44"), D("20.12")),
        (D("9.5"), D("34.46"), D("3.27")),
    ]
    assert (t.total_lines, t.total_allowances, t.total_charges) == (D("130.00"), D("9.00"), D("4.90"))
    assert (t.total, t.total_tax, t.total_with_tax) == (D("125.90"), D("23.39"), D("149.29"))
    assert [x.total for x in t.lines] == [D("100.00"), D("40.00"), D("-10.00")]
    assert t.lines[2].total_tax == D("-2.20")


def test_gross_prices_take_allowances_off_the_gross_sum_of_their_rate():
    t = compute_totals(LINES, "EUR", prices_include_tax=True, adjustments=ADJUSTMENTS)
    # 22 %: 90.00 − 3.46 + 4.90 = 91.44 gross → 74.95 net; 9.5 %: 40.00 − 4.00 − 1.54 = 34.46 gross → 31.47 net
    assert t.total_with_tax == D("125.90")
    assert [(x.rate, x.base, x.amount) for x in t.taxes] == [
        (D(22), D("74.95"), D("16.49")),
        (D("9.5"), D("31.47"), D("2.99")),
    ]
    # each net is the change it makes to its rate's net: shipping 73.77 → 77.79, goodwill 77.79 → 74.95
    assert _entries(t) == [
        (False, "Loyalty 10 %", D("9.5"), D("4.00"), D("3.65")),
        (False, "Goodwill", D(22), D("3.46"), D("2.84")),
        (False, "Goodwill", D("9.5"), D("1.54"), D("1.41")),
        (True, "Shipping", D(22), D("4.90"), D("4.02")),
    ]
    assert (t.total_lines, t.total_allowances, t.total_charges) == (D("110.30"), D("7.90"), D("4.02"))
    assert t.total == t.total_lines - t.total_allowances + t.total_charges == D("106.42")
    assert t.total + t.total_tax == t.total_with_tax


def test_a_spread_amount_adds_up_exactly_in_minor_units():
    rates = [(Tax(D(r)),) for r in ("22", "9.5", "5")]
    t = compute_totals(
        [Line(D(1), D(10), taxes) for taxes in rates],
        "EUR",
        adjustments=[Adjustment(index=0, reason="Voucher", amount=D("0.10"))],
    )
    assert [e.amount for e in t.allowance_charges] == [D("0.04"), D("0.03"), D("0.03")]
    assert t.total_allowances == D("0.10") and t.total == D("29.90")


def test_without_allowances_the_figures_are_what_they_always_were():
    t = compute_totals(LINES[:2], "EUR")
    assert (t.total_lines, t.total_allowances, t.total_charges, t.allowance_charges) == (D("140.00"), 0, 0, ())
    assert (t.total, t.total_tax, t.total_with_tax) == (D("140.00"), D("25.80"), D("165.80"))


def test_an_allowance_on_a_rate_no_line_carries_is_refused():
    with pytest.raises(ValidationFailed) as exc:
        compute_totals(LINES, "EUR", adjustments=[Adjustment(index=2, reason="X", amount=D(1), taxes=(Tax(D(5)),))])
    assert exc.value.errors == [
        {
            "field": "allowances[2].taxes",
            "message": "no line carries VAT 5 %: an allowance or charge goes on the taxes of some of the document's "
            "lines (leave taxes out to spread it over all of them)",
        }
    ]


def test_an_allowance_finds_its_rate_under_the_seller_s_own_tax_name():
    lines = [Line(D(1), D(100), (Tax(D(22), "DDV"),)), Line(D(1), D(50), (Tax(D("9.5"), "DDV"),))]
    t = compute_totals(lines, "EUR", adjustments=[Adjustment(index=0, reason="V", amount=D(10), taxes=(Tax(D(22)),))])
    assert [(x.rate, x.base) for x in t.taxes] == [(D(22), D("90.00")), (D("9.5"), D("50.00"))]
    assert t.allowance_charges[0].taxes == (Tax(D(22), "DDV"),)


def _line(price: str, taxes=VAT22, quantity: str = "1") -> DocumentLine:
    return DocumentLine(name="L", quantity=D(quantity), price=D(price), taxes=taxes)


def _field(exc: pytest.ExceptionInfo[ValidationFailed]) -> str:
    return exc.value.errors[0]["field"]


def test_a_document_may_total_zero_but_not_less():
    doc = issued_invoice()
    apply_totals(doc, [_line("10.00"), _line("-10.00")])
    assert (doc.total, doc.total_with_tax) == (D("0.00"), D("0.00"))
    with pytest.raises(ValidationFailed) as exc:
        apply_totals(doc, [_line("10.00"), _line("-10.01")])
    assert _field(exc) == "items" and "would total -0.01 EUR with tax" in str(exc.value)


def test_no_rate_s_base_below_zero():
    doc = issued_invoice()
    with pytest.raises(ValidationFailed) as exc:  # the document is positive, the 9.5 % base is not
        apply_totals(doc, [_line("100.00"), _line("-5.00", VAT95, quantity="2"), _line("1.00", VAT95)])
    assert _field(exc) == "items" and "VAT 9.5 % base would be -9.00 EUR" in str(exc.value)
    with pytest.raises(ValidationFailed) as exc:
        apply_totals(
            doc,
            [_line("100.00"), _line("1.00", VAT95)],
            allowances=[AllowanceChargeIn(reason="Too much", amount=D(2), taxes=[TaxIn(rate=D("9.5"))])],
        )
    assert _field(exc) == "allowances" and "VAT 9.5 % base would be -1.00 EUR" in str(exc.value)


@pytest.mark.parametrize(
    ("given", "field"),
    [
        (AllowanceChargeIn(reason="X"), "allowances[0].amount"),
        (AllowanceChargeIn(reason="X", amount=D(1), percent=D(1)), "allowances[0].amount"),
        (AllowanceChargeIn(reason="X", amount=D(0)), "allowances[0].amount"),
        (AllowanceChargeIn(reason="X", percent=D(101)), "allowances[0].percent"),
        (AllowanceChargeIn(reason="X", amount=D(1), reason_code="FC"), "allowances[0].reason_code"),
        (AllowanceChargeIn(reason=" ", amount=D(1)), "allowances[0].reason"),
    ],
)
def test_bad_allowances_name_their_field(given, field):
    with pytest.raises(ValidationFailed) as exc:
        apply_totals(issued_invoice(), [_line("10")], allowances=[given])
    assert _field(exc) == field


def test_a_draft_keeps_its_allowances_and_spreads_them_again_over_new_lines():
    doc = issued_invoice(status="draft")
    apply_totals(
        doc,
        [_line("100.00")],
        allowances=[AllowanceChargeIn(reason="Voucher", amount=D(13), reason_code="95")],
        charges=[AllowanceChargeIn(reason="Packing", percent=D(2), reason_code="abl")],
    )
    assert [(e.amount, e.taxes[0].rate) for e in doc.allowance_charges or []] == [(D(13), D(22)), (D(2), D(22))]
    apply_totals(doc, [_line("100.00"), _line("30.00", VAT95)])  # allowances and charges left out: kept
    out = invoice_out(doc)
    assert [(a.reason, a.reason_code, a.amount, a.taxes[0].rate) for a in out.allowances] == [
        ("Voucher", "95", "10.00", "22"),
        ("Voucher", "95", "3.00", "9.5"),
    ]
    assert [(c.reason, c.reason_code, c.percent, c.base_amount, c.amount) for c in out.charges] == [
        ("Packing", "ABL", "2", "100.00", "2.00"),
        ("Packing", "ABL", "2", "30.00", "0.60"),
    ]
    assert (out.total_lines, out.total_allowances, out.total_charges, out.total) == (
        "130.00",
        "13.00",
        "2.60",
        "119.60",
    )
    apply_totals(doc, [_line("100.00")], allowances=[], charges=None)
    assert doc.allowance_charges is None and invoice_out(doc).total_lines == invoice_out(doc).total == "100.00"


def test_stored_allowances_read_back_typed():
    doc = issued_invoice()
    apply_totals(
        doc, [_line("20.00"), _line("10.00", VAT95)], allowances=[AllowanceChargeIn(reason="V", amount=D("3"))]
    )
    column = Document.__table__.c["allowance_charges"].type
    dialect = sqlite.dialect()
    stored = column.dialect_impl(dialect).process_bind_param(doc.allowance_charges, dialect)
    assert stored[0] == {
        "charge": False,
        "reason": "V",
        "reason_code": None,
        "percent": None,
        "base": None,
        "amount": "2.00",
        "net": "2.00",
        "taxes": [{"rate": "22", "name": "VAT"}],
        "spread": True,
        "source": 0,
    }
    assert column.dialect_impl(dialect).process_result_value(stored, dialect) == doc.allowance_charges


def test_old_documents_show_no_allowances_and_total_lines_equal_to_total():
    doc = issued_invoice()
    apply_totals(doc, [_line("10.00")])
    doc.allowance_charges = None  # a row stored before allowances existed
    out = invoice_out(doc)
    assert (out.allowances, out.charges, out.total_lines, out.total_allowances, out.total) == (
        [],
        [],
        "10.00",
        "0.00",
        "10.00",
    )

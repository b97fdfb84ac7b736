from decimal import Decimal as D

import pytest

from invoicing.core.money import round_money
from invoicing.core.totals import Line, Tax, compute_totals

VAT22 = (Tax(D("22")),)
VAT95 = (Tax(D("9.5")),)


def test_single_line_net():
    t = compute_totals([Line(D("1"), D("99.00"), VAT22)], "EUR")
    assert (t.total, t.total_tax, t.total_with_tax) == (D("99.00"), D("21.78"), D("120.78"))


def test_tax_is_computed_on_the_sum_of_line_nets_per_rate():
    # three lines of 0.10 at 22 %: per-line tax would round 0.022 → 0.02 each (0.06); on the sum 0.30 → 0.07
    t = compute_totals([Line(D("1"), D("0.10"), VAT22)] * 3, "EUR")
    assert t.total == D("0.30")
    assert t.total_tax == D("0.07")
    assert t.taxes[0].base == D("0.30") and t.taxes[0].amount == D("0.07")
    assert t.total_with_tax == t.total + t.total_tax


def test_mixed_rates_breakdown_sorted_by_rate():
    t = compute_totals([Line(D("2"), D("10.555"), VAT22), Line(D("3"), D("4.99"), VAT95), Line(D("1"), D("5"))], "EUR")
    # 2 × 10.555 = 21.11; 3 × 4.99 = 14.97; 5.00 untaxed
    assert [x.total for x in t.lines] == [D("21.11"), D("14.97"), D("5.00")]
    assert [(x.rate, x.base, x.amount) for x in t.taxes] == [
        (D("22"), D("21.11"), D("4.64")),
        (D("9.5"), D("14.97"), D("1.42")),
    ]
    assert t.total == D("41.08") and t.total_tax == D("6.06") and t.total_with_tax == D("47.14")


def test_discount_then_half_up_rounding():
    t = compute_totals([Line(D("3"), D("3.35"), VAT22, discount=D("10"))], "EUR")
    # 10.05 × 0.9 = 9.045 → 9.05 (half up, not banker's 9.04)
    assert t.lines[0].total == D("9.05")
    assert t.total_discount == D("1.00")


@pytest.mark.parametrize(
    ("currency", "amount", "expected"),
    [
        ("EUR", "1.235", "1.24"),
        ("EUR", "1.2349", "1.23"),
        ("JPY", "1.5", "2"),
        ("JPY", "2.4999", "2"),
        ("BHD", "1.2345", "1.235"),
        ("BHD", "1.23449", "1.234"),
    ],
)
def test_rounding_half_up_to_the_currency_minor_unit(currency, amount, expected):
    result = round_money(D(amount), currency)
    assert result == D(expected) and str(result) == expected


def test_jpy_has_no_decimals():
    t = compute_totals([Line(D("3"), D("333.5"), (Tax(D("10")),))], "JPY")
    assert t.total == D("1001") and t.total_tax == D("100") and t.total_with_tax == D("1101")


def test_bhd_three_decimals():
    t = compute_totals([Line(D("1"), D("10.0005"), (Tax(D("10")),))], "BHD")
    assert t.total == D("10.001") and t.total_tax == D("1.000") and t.total_with_tax == D("11.001")


def test_several_taxes_on_one_line():
    t = compute_totals([Line(D("1"), D("100"), (Tax(D("20"), "VAT"), Tax(D("5"), "Excise")))], "EUR")
    assert t.total_tax == D("25.00") and t.total_with_tax == D("125.00")
    assert {(x.name, x.amount) for x in t.taxes} == {("VAT", D("20.00")), ("Excise", D("5.00"))}


def test_gross_prices_keep_the_gross_total_exact():
    # three 10.00 gross lines at 22 %: the buyer paid 30.00, and 30.00 it stays
    t = compute_totals([Line(D("1"), D("10.00"), VAT22)] * 3, "EUR", prices_include_tax=True)
    assert t.total_with_tax == D("30.00")
    assert t.total == D("24.59") and t.total_tax == D("5.41")
    assert t.total + t.total_tax == t.total_with_tax


def test_gross_with_two_taxes_on_a_line_sums_exactly():
    t = compute_totals([Line(D("1"), D("99.99"), (Tax(D("20")), Tax(D("3"), "Eco")))], "EUR", prices_include_tax=True)
    assert t.total_with_tax == D("99.99")
    assert sum(x.amount for x in t.taxes) == t.total_tax
    assert t.total + t.total_tax == D("99.99")


def test_reproducible():
    lines = [Line(D("1.5"), D("19.99"), VAT22, D("7.5")), Line(D("4"), D("0.333"), VAT95)]
    assert compute_totals(lines, "EUR") == compute_totals(list(lines), "EUR")

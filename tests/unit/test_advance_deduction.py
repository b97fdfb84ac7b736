"""The per-rate deduction of advance invoices (invoicing.documents.advances), against figures computed by hand."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from contract.errors import ValidationFailed
from invoicing.core.totals import Deduction, TaxTotal
from invoicing.documents.advances import deduct, undeducted

D = Decimal


def vat(rate: str, base: str, amount: str, category: str = "S") -> TaxTotal:
    return TaxTotal(name="DDV", rate=D(rate), base=D(base), amount=D(amount), category=category)


def advance(number: str, *taxes: TaxTotal) -> Deduction:
    net = sum((t.base for t in taxes), D(0))
    tax = sum((t.amount for t in taxes), D(0))
    return Deduction(
        advance_invoice_id=f"adv_{number}",
        number=number,
        date=dt.date(2026, 3, 1),
        taxes=taxes,
        total=net,
        total_tax=tax,
        total_with_tax=net + tax,
    )


# the final invoice: 1000.00 at 22 % (220.00 VAT) and 200.00 at 9.5 % (19.00 VAT)
FINAL = [vat("22", "1000.00", "220.00"), vat("9.5", "200.00", "19.00")]
ADV_1 = advance("ADV-1", vat("22", "300.00", "66.00"))
ADV_2 = advance("ADV-2", vat("22", "100.00", "22.00"), vat("9.5", "33.33", "3.17"))


def test_two_advances_across_two_rates():
    taxes, net, tax = deduct(FINAL, D("1200.00"), D("239.00"), [ADV_1, ADV_2])
    # 22 %: 1000.00 − 300.00 − 100.00 = 600.00 and 220.00 − 66.00 − 22.00 = 132.00
    # 9.5 %: 200.00 − 33.33 = 166.67 and 19.00 − 3.17 = 15.83 (not 166.67 × 9.5 % recomputed: the advance's
    # own 3.17 comes off, so both documents' VAT adds up to the final supply's 19.00)
    assert taxes == [vat("22", "600.00", "132.00"), vat("9.5", "166.67", "15.83")]
    assert (net, tax, net + tax) == (D("766.67"), D("147.83"), D("914.50"))
    # 1439.00 − 366.00 − 158.50
    assert D("1439.00") - ADV_1.total_with_tax - ADV_2.total_with_tax == net + tax
    assert undeducted(taxes, [ADV_1, ADV_2]) == FINAL


def test_a_rate_is_matched_by_category_and_rate():
    exempt = advance("ADV-3", vat("0", "50.00", "0.00", "E"))
    with pytest.raises(ValidationFailed) as raised:
        deduct([*FINAL, vat("0", "10.00", "0.00", "Z")], D("1210.00"), D("239.00"), [ADV_1, exempt])
    assert raised.value.errors == [{"field": "advance_invoice_ids[1]", "message": raised.value.errors[0]["message"]}]
    assert "no line of this invoice" in raised.value.errors[0]["message"]


@pytest.mark.parametrize(
    "second",
    [
        advance("ADV-4", vat("22", "700.01", "154.00")),  # base over what is left at 22 % (700.00)
        advance("ADV-5", vat("9.5", "150.00", "19.01")),  # tax over what is left at 9.5 % (19.00)
    ],
)
def test_more_than_is_left_at_a_rate_is_refused(second):
    with pytest.raises(ValidationFailed) as raised:
        deduct(FINAL, D("1200.00"), D("239.00"), [ADV_1, second])
    assert raised.value.errors[0]["field"] == "advance_invoice_ids[1]"
    assert "left at that rate" in raised.value.errors[0]["message"]


def test_exactly_what_is_left_leaves_zero():
    rest = advance("ADV-6", vat("22", "700.00", "154.00"), vat("9.5", "200.00", "19.00"))
    taxes, net, tax = deduct(FINAL, D("1200.00"), D("239.00"), [ADV_1, rest])
    assert taxes == [vat("22", "0.00", "0.00"), vat("9.5", "0.00", "0.00")]
    assert (net, tax) == (D("0.00"), D("0.00"))

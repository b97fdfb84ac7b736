from decimal import Decimal as D

import pytest

from invoicing.documents.rules import amount_due, amount_to_refund, creditable, invoice_status, refundable


@pytest.mark.parametrize(
    ("paid", "credited", "status", "due"),
    [
        ("0", "0", "issued", "100"),
        ("40", "0", "partially_paid", "60"),
        ("100", "0", "paid", "0"),
        ("0", "100", "credited", "0"),
        ("40", "60", "credited", "0"),
        ("0", "30", "issued", "70"),
        ("20", "30", "partially_paid", "50"),
        ("100", "30", "paid", "0"),
        ("100", "100", "credited", "0"),  # paid, then cancelled in full: no longer just "paid"
    ],
)
def test_status_follows_payments_and_credits(paid, credited, status, due):
    assert invoice_status("issued", D("100"), D(paid), D(credited)) == status
    assert amount_due(status, D("100"), D(paid), D(credited)) == D(due)


@pytest.mark.parametrize(
    ("paid", "credited", "refunded", "status", "due", "to_refund"),
    [
        # paid in full, credited in full: the whole payment is owed back until it is refunded
        ("100", "100", "0", "credited", "0", "100"),
        ("100", "100", "60", "credited", "0", "40"),
        ("100", "100", "100", "credited", "0", "0"),
        # paid in full, credited in part: the credited part is owed back; refunded, the credit settles it
        ("100", "30", "0", "paid", "0", "30"),
        ("100", "30", "30", "credited", "0", "0"),
        # a refund without a credit note (a chargeback): the invoice is due again
        ("100", "0", "100", "issued", "100", "0"),
        ("100", "0", "40", "partially_paid", "40", "0"),
        # paid again after the chargeback
        ("200", "0", "100", "paid", "0", "0"),
        # a partial payment and a credit for the rest
        ("40", "60", "0", "credited", "0", "0"),
        ("40", "100", "40", "credited", "0", "0"),
    ],
)
def test_refunds_take_money_back(paid, credited, refunded, status, due, to_refund):
    args = (D("100"), D(paid), D(credited), D(refunded))
    assert invoice_status("issued", *args) == status
    assert amount_due(status, *args) == D(due)
    assert amount_to_refund(*args) == D(to_refund)
    # never both: either the customer owes the business or the business owes the customer
    assert amount_due(status, *args) == 0 or amount_to_refund(*args) == 0


def test_draft_and_voided_are_states():
    assert invoice_status("draft", D("100"), D("0"), D("0")) == "draft"
    assert invoice_status("voided", D("100"), D("0"), D("0")) == "voided"
    assert amount_due("voided", D("100"), D("0"), D("0")) == 0
    assert invoice_status("voided", D("100"), D("0"), D("0"), D("0")) == "voided"


def test_never_credit_more_than_the_invoice():
    assert creditable(D("100"), D("70")) == D("30")
    assert creditable(D("100"), D("100")) == 0


def test_never_refund_more_than_was_paid_and_not_yet_refunded():
    assert refundable(D("100"), D("0")) == D("100")
    assert refundable(D("100"), D("70")) == D("30")
    assert refundable(D("100"), D("100")) == 0
    assert refundable(D("0"), D("0")) == 0

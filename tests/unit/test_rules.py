from decimal import Decimal as D

import pytest

from invoicing.documents.rules import amount_due, creditable, invoice_status


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
    ],
)
def test_status_follows_payments_and_credits(paid, credited, status, due):
    assert invoice_status("issued", D("100"), D(paid), D(credited)) == status
    assert amount_due(status, D("100"), D(paid), D(credited)) == D(due)


def test_draft_and_voided_are_states():
    assert invoice_status("draft", D("100"), D("0"), D("0")) == "draft"
    assert invoice_status("voided", D("100"), D("0"), D("0")) == "voided"
    assert amount_due("voided", D("100"), D("0"), D("0")) == 0


def test_never_credit_more_than_the_invoice():
    assert creditable(D("100"), D("70")) == D("30")
    assert creditable(D("100"), D("100")) == 0

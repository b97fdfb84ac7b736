"""The issued original of an invoice created ``paid`` shows it paid; later money does not change it."""

from __future__ import annotations

from decimal import Decimal

from invoicing.core.lines import DocumentLine
from invoicing.core.totals import Tax
from invoicing.documents.lines import apply_totals
from invoicing.documents.output import invoice_out
from invoicing.rendering.service import as_issued
from tests.unit.builders import issued_invoice


def _invoice(**overrides):
    doc = issued_invoice(**overrides)
    line = DocumentLine(
        name="Plan", quantity=Decimal(1), price=Decimal(100), discount=Decimal(0), taxes=(Tax(Decimal(22)),)
    )
    apply_totals(doc, [line])
    return doc


def test_paid_at_issue_is_part_of_the_issued_original():
    doc = _invoice(status="credited", paid_on_issue=Decimal(122), total_paid=Decimal(122))
    doc.total_credited, doc.total_refunded, doc.credit_note_ids = Decimal(122), Decimal(50), ["cre_1"]
    now = invoice_out(doc)
    assert (now.status, now.total_due, now.amount_to_refund, now.total_refunded) == (
        "credited",
        "0.00",
        "72.00",
        "50.00",
    )
    original = as_issued(now)
    assert original.status == "paid"
    assert (original.total_paid, original.total_due, original.total_credited) == ("122.00", "0.00", "0.00")
    assert (original.total_refunded, original.amount_to_refund, original.credit_note_ids) == ("0.00", "0.00", [])


def test_partly_paid_at_issue_leaves_the_rest_due():
    original = as_issued(invoice_out(_invoice(status="paid", paid_on_issue=Decimal(22), total_paid=Decimal(122))))
    assert (original.status, original.total_paid, original.total_due) == ("partially_paid", "22.00", "100.00")


def test_later_payments_are_not_part_of_the_issued_original():
    original = as_issued(invoice_out(_invoice(status="paid", total_paid=Decimal(122))))
    assert (original.status, original.total_paid, original.total_due) == ("issued", "0.00", "122.00")
    assert original.paid_on_issue is None

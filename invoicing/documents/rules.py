"""Pure rules of the document life cycle: status and amount due from the stored aggregates."""

from __future__ import annotations

from decimal import Decimal

ZERO = Decimal(0)


def invoice_status(status: str, total_with_tax: Decimal, total_paid: Decimal, total_credited: Decimal) -> str:
    """``draft`` and ``voided`` are states; the rest follow from what was paid and credited.

    ``credited`` means credit notes brought what is due to zero without full payment.
    """
    if status in ("draft", "voided"):
        return status
    if total_paid >= total_with_tax:
        return "paid"
    if total_credited > ZERO and total_paid + total_credited >= total_with_tax:
        return "credited"
    if total_paid > ZERO:
        return "partially_paid"
    return "issued"


def amount_due(status: str, total_with_tax: Decimal, total_paid: Decimal, total_credited: Decimal) -> Decimal:
    if status == "voided":
        return ZERO
    return max(total_with_tax - total_paid - total_credited, ZERO)


def creditable(total_with_tax: Decimal, total_credited: Decimal) -> Decimal:
    """What credit notes may still credit: never more than the invoice in total."""
    return max(total_with_tax - total_credited, ZERO)

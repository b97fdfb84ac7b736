"""Pure rules of the document life cycle: status and amounts from the stored aggregates.

An invoice's money is four sums: its total ``T``, what was paid ``P`` (payments), what credit notes
took off ``C``, and what went back to the customer ``R`` (refunds). The customer still owes
``T − C − (P − R)`` when that is positive (:func:`amount_due`); the business owes the customer the
opposite, ``(P − R) − (T − C)``, when that is positive (:func:`amount_to_refund`).
"""

from __future__ import annotations

from decimal import Decimal

ZERO = Decimal(0)


def invoice_status(
    status: str,
    total_with_tax: Decimal,
    total_paid: Decimal,
    total_credited: Decimal,
    total_refunded: Decimal = ZERO,
) -> str:
    """``draft`` and ``voided`` are states; the rest follow from what was paid, credited and refunded.

    - ``credited``: credit notes cancelled the whole invoice (whatever was paid is then to be refunded),
      or they brought what is due to zero without the invoice being paid in full;
    - ``paid``: what was paid and not refunded covers the invoice;
    - ``partially_paid``: something paid (net of refunds), something still due;
    - ``issued``: nothing paid (net of refunds) and something still due.
    """
    if status in ("draft", "voided"):
        return status
    net_paid = total_paid - total_refunded
    if total_credited > ZERO and total_credited >= total_with_tax:
        return "credited"
    if net_paid >= total_with_tax:
        return "paid"
    if total_credited > ZERO and net_paid + total_credited >= total_with_tax:
        return "credited"
    if net_paid > ZERO:
        return "partially_paid"
    return "issued"


def amount_due(
    status: str,
    total_with_tax: Decimal,
    total_paid: Decimal,
    total_credited: Decimal,
    total_refunded: Decimal = ZERO,
) -> Decimal:
    """What the customer still owes: the total less credits and the money kept (paid − refunded)."""
    if status == "voided":
        return ZERO
    return max(total_with_tax - total_credited - (total_paid - total_refunded), ZERO)


def amount_to_refund(
    total_with_tax: Decimal, total_paid: Decimal, total_credited: Decimal, total_refunded: Decimal
) -> Decimal:
    """What the business owes the customer: money kept (paid − refunded) beyond what is owed after credits."""
    return max(total_paid - total_refunded - (total_with_tax - total_credited), ZERO)


def refundable(total_paid: Decimal, total_refunded: Decimal) -> Decimal:
    """What refunds may still give back: never more than was paid and not yet refunded."""
    return max(total_paid - total_refunded, ZERO)


def creditable(total_with_tax: Decimal, total_credited: Decimal) -> Decimal:
    """What credit notes may still credit: never more than the invoice in total."""
    return max(total_with_tax - total_credited, ZERO)


def advance_status(status: str, total_with_tax: Decimal, total_paid: Decimal, total_refunded: Decimal) -> str:
    """An advance invoice's status: ``voided`` and ``deducted`` (its final invoice is issued) are states;
    otherwise ``paid`` once what was paid and not refunded covers it, else ``issued``."""
    if status in ("voided", "deducted"):
        return status
    return "paid" if total_paid - total_refunded >= total_with_tax else "issued"

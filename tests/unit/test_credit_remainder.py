"""What is left to credit per rate (:mod:`invoicing.documents.remainder`), on documents built in memory:
partial credits of any size followed by "everything remaining" add up to the invoice exactly, per tax."""

from __future__ import annotations

import random
from decimal import Decimal

import pytest

from invoicing.core.lines import DocumentLine
from invoicing.core.totals import Tax
from invoicing.db.models import Document
from invoicing.documents.credit_notes import remaining_lines
from invoicing.documents.lines import apply_totals
from invoicing.documents.remainder import remainder, settle

VAT22 = Tax(rate=Decimal(22), name="VAT", category="S")
VAT95 = Tax(rate=Decimal("9.5"), name="VAT", category="S")
ECO = Tax(rate=Decimal(1), name="ECO", category="S")
RATES = [(VAT22,), (VAT95,), (VAT22, ECO), ()]


def _line(price: str, taxes: tuple[Tax, ...], quantity: str = "1") -> DocumentLine:
    return DocumentLine(name="x", quantity=Decimal(quantity), price=Decimal(price), taxes=taxes)


def _document(doc_type: str, lines: list[DocumentLine], gross: bool) -> Document:
    doc = Document(type=doc_type, currency_code="EUR", prices_include_tax=gross, number="2026-00002")
    apply_totals(doc, lines)
    return doc


def _credit(invoice: Document, notes: list[Document], lines: list[DocumentLine] | None) -> Document | None:
    left = remainder(invoice, notes)
    lines = lines if lines is not None else remaining_lines(invoice, left, "en")
    note = _document("credit_note", lines, invoice.prices_include_tax)
    if settle(note, left) is not None:
        return None
    notes.append(note)
    return note


def _per_tax(docs: list[Document]) -> dict[tuple, tuple[Decimal, Decimal]]:
    out: dict[tuple, tuple[Decimal, Decimal]] = {}
    for doc in docs:
        for t in doc.taxes:
            base, amount = out.get((t.name, t.rate), (Decimal(0), Decimal(0)))
            out[(t.name, t.rate)] = (base + t.base, amount + t.amount)
    return out


def _assert_credited_exactly(invoice: Document, notes: list[Document], *, bases: bool = True) -> None:
    assert sum(n.total_with_tax for n in notes) == invoice.total_with_tax
    assert sum(n.total for n in notes) == invoice.total
    credited, invoiced = _per_tax(notes), _per_tax([invoice])
    assert {k: amount for k, (_, amount) in credited.items()} == {k: amount for k, (_, amount) in invoiced.items()}
    if bases:
        assert credited == invoiced
    assert all(p.total == 0 for p in remainder(invoice, notes).portions().values())


def test_a_tax_shared_by_two_rates_is_split_so_the_remainder_closes_it():
    invoice = _document(
        "invoice",
        [_line("3.33", (VAT22,), "3"), _line("10.01", (VAT22, ECO)), _line("7.77", (VAT22,), "0.5")],
        gross=False,
    )
    notes: list[Document] = []
    for price, taxes in (("3.33", (VAT22,)), ("3.33", (VAT22,)), ("2.25", (VAT22, ECO))):
        assert _credit(invoice, notes, [_line(price, taxes)]) is not None
    rest = _credit(invoice, notes, None)
    assert rest is not None and [line.name for line in rest.items] == [
        "Credit for invoice 2026-00002 (VAT 22%)",
        "Credit for invoice 2026-00002 (VAT 22% + ECO 1%)",
    ]
    _assert_credited_exactly(invoice, notes)


def test_a_credit_above_what_is_left_at_a_rate_is_refused_naming_it():
    invoice = _document("invoice", [_line("10.00", (VAT22,)), _line("10.00", (VAT95,))], gross=False)
    note = _document("credit_note", [_line("10.01", (VAT95,))], gross=False)
    over = settle(note, remainder(invoice, []))
    assert over is not None and "VAT 9.5 %" in over.detail and "10.00 EUR is left" in over.detail


@pytest.mark.parametrize("gross", [False, True], ids=["net", "gross"])
@pytest.mark.parametrize("seed", range(200))
def test_partial_credits_then_everything_remaining_add_up_to_the_invoice(gross, seed):
    rnd = random.Random(seed)
    lines = [
        _line(f"{rnd.randint(1, 5000) / 100:.2f}", rnd.choice(RATES), rnd.choice(["1", "3", "0.7", "1.5"]))
        for _ in range(rnd.randint(1, 6))
    ]
    invoice = _document("invoice", lines, gross)
    notes: list[Document] = []
    for _ in range(rnd.randint(0, 8)):
        taxes = rnd.choice([line.taxes for line in invoice.items])
        _credit(invoice, notes, [_line(f"{rnd.randint(1, 900) / 100:.2f}", taxes)])  # refused when over
    if any(p.total for p in remainder(invoice, notes).portions().values()):
        assert _credit(invoice, notes, None) is not None
    # with gross prices, a tax carried by two rates (VAT 22 % alone and with ECO 1 %) has one base in the
    # breakdown, and the cent its gross split rounds may move between the rates' bases: amounts stay exact
    shared = {line.taxes for line in invoice.items} >= {(VAT22,), (VAT22, ECO)}
    _assert_credited_exactly(invoice, notes, bases=not (gross and shared))

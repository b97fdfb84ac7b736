"""Stored lines and the tax breakdown: typed in Python, the same JSON in the database as always."""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy.dialects import postgresql, sqlite

from invoicing.core.lines import DocumentLine, StoredLine, checked_taxes, clean_taxes
from invoicing.core.schemas import TaxIn
from invoicing.core.totals import Tax, TaxTotal
from invoicing.db.models import Document
from invoicing.documents.lines import apply_totals
from invoicing.documents.output import invoice_out
from tests.unit.builders import issued_invoice

OLD_ROW = [
    {
        "name": "Work",
        "description": None,
        "item_id": None,
        "quantity": "3",
        "unit": "h",
        "price": "33.333",
        "discount": "10",
        "taxes": [{"rate": "20", "name": "VAT"}],
        "total": "90.00",
        "total_tax": "18.00",
        "total_with_tax": "108.00",
    }
]
OLD_TAXES = [{"name": "VAT", "rate": "20", "base": "90.00", "amount": "18.00"}]
DIALECTS = [sqlite.dialect(), postgresql.dialect()]


def _column(name: str):
    return Document.__table__.c[name].type


def _bind(name: str, value, dialect):
    return _column(name).dialect_impl(dialect).process_bind_param(value, dialect)


def _result(name: str, value, dialect):
    return _column(name).dialect_impl(dialect).process_result_value(value, dialect)


@pytest.mark.parametrize("dialect", DIALECTS, ids=lambda d: d.name)
def test_an_old_row_reads_typed_and_writes_back_unchanged(dialect):
    lines = _result("items", OLD_ROW, dialect)
    assert lines == [
        StoredLine(
            name="Work",
            unit="h",
            quantity=Decimal(3),
            price=Decimal("33.333"),
            discount=Decimal(10),
            taxes=(Tax(Decimal(20)),),
            total=Decimal("90.00"),
            total_tax=Decimal("18.00"),
            total_with_tax=Decimal("108.00"),
        )
    ]
    assert _bind("items", lines, dialect) == OLD_ROW
    taxes = _result("taxes", OLD_TAXES, dialect)
    assert taxes == [TaxTotal(name="VAT", rate=Decimal(20), base=Decimal("90.00"), amount=Decimal("18.00"))]
    assert _bind("taxes", taxes, dialect) == OLD_TAXES


def test_a_row_without_the_optional_fields_takes_their_defaults():
    row = [
        {
            "name": "Old",
            "quantity": "1",
            "price": "5",
            "discount": "0",
            "taxes": [{"rate": "9.5"}],
            "total": "5.00",
            "total_tax": "0.48",
            "total_with_tax": "5.48",
        }
    ]
    [line] = _result("items", row, sqlite.dialect())
    assert (line.description, line.item_id, line.unit) == (None, None, None)
    assert line.taxes == (Tax(Decimal("9.5"), "VAT"),)


def test_decimals_are_stored_without_exponents():
    line = StoredLine(
        name="Bulk", quantity=Decimal("1E+2"), price=Decimal("1E+1"), discount=Decimal(0), taxes=(Tax(Decimal("2E+1")),)
    )
    [stored] = _bind("items", [line], sqlite.dialect())
    assert (stored["quantity"], stored["price"], stored["taxes"]) == ("100", "10", [{"rate": "20", "name": "VAT"}])


def test_apply_totals_stores_typed_lines_and_the_api_shows_the_same_strings():
    doc = issued_invoice()
    apply_totals(
        doc,
        [
            DocumentLine(
                name="Work",
                quantity=Decimal(3),
                unit="h",
                price=Decimal("33.333"),
                discount=Decimal(10),
                taxes=(Tax(Decimal(20)),),
            )
        ],
    )
    assert _bind("items", doc.items, sqlite.dialect()) == OLD_ROW
    assert _bind("taxes", doc.taxes, sqlite.dialect()) == OLD_TAXES
    reread = issued_invoice()
    reread.items, reread.taxes = (
        _result("items", OLD_ROW, sqlite.dialect()),
        _result("taxes", OLD_TAXES, sqlite.dialect()),
    )
    reread.total, reread.total_tax, reread.total_with_tax = doc.total, doc.total_tax, doc.total_with_tax
    reread.total_discount, reread.created_at = doc.total_discount, doc.created_at
    assert invoice_out(reread) == invoice_out(doc)
    [line] = invoice_out(doc).items
    assert (line.quantity, line.price, line.discount, line.total, line.taxes[0].rate) == (
        "3",
        "33.333",
        "10",
        "90.00",
        "20",
    )


def test_tax_rates_are_normalised_and_repeats_refused():
    assert checked_taxes([TaxIn(rate=Decimal("22.0")), TaxIn(rate=Decimal("5"), name="Excise")], "taxes") == (
        Tax(Decimal(22)),
        Tax(Decimal(5), "Excise"),
    )
    assert clean_taxes([TaxIn(rate=Decimal("9.50"))], "taxes") == [{"rate": "9.5", "name": "VAT"}]
    with pytest.raises(Exception, match="repeats a tax"):
        checked_taxes([TaxIn(rate=Decimal("22")), TaxIn(rate=Decimal("22.00"))], "taxes")

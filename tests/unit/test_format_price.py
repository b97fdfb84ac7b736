"""A catalogue price reads the same on both engines: PostgreSQL's NUMERIC(28, 8) gives back 1.80000000 for
1.80, SQLite the text as stored."""

from decimal import Decimal

import pytest

from invoicing.core.money import format_price


@pytest.mark.parametrize(
    ("stored", "shown"),
    [
        ("1.8", "1.80"),
        ("1.80000000", "1.80"),
        ("0.125", "0.125"),
        ("0.12500000", "0.125"),
        ("1E+2", "100.00"),
        ("0", "0.00"),
        ("12.5", "12.50"),
        ("0.00010000", "0.0001"),
    ],
)
def test_a_price_has_two_decimals_or_the_ones_given(stored: str, shown: str):
    assert format_price(Decimal(stored)) == shown

"""EU VAT rates by date: the table's shape, every member state's standard rate (written out here, not read
from the data), each 2023-2026 change the day before and the day it took effect, and the 422s."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal

import pytest

from contract.errors import ValidationFailed
from invoicing.tax.rates import DATA, MEMBER_STATES, TABLE_START, TAX_CLASSES, RateNotFound, rate, rates_for
from tests.unit.eu_vat import STANDARD_2026

D = Decimal


def test_the_27_member_states():
    assert set(STANDARD_2026) == MEMBER_STATES


@pytest.mark.parametrize("country", sorted(STANDARD_2026))
def test_standard_rate_today(country):
    assert rate(country, "standard", date(2026, 12, 1)) == D(STANDARD_2026[country])


def test_the_data_file_is_plausible():
    raw = json.loads(DATA.read_text(encoding="utf-8"))
    assert raw["_sources"] and "2023-01-01" in raw["_format"]
    for country in MEMBER_STATES:
        dates = [entry["from"] for entry in raw[country]]
        assert dates == sorted(dates) and len(set(dates)) == len(dates), country
        assert raw[country][0]["from"] == "2023-01-01" and "standard" in raw[country][0], country
        for day in [date.fromisoformat(d) for d in dates]:
            table = {key: value for key, (value, _) in rates_for(country, day).items()}
            assert D(15) <= table["standard"] <= D(27), (country, day)
            assert all(D(5) <= table[k] < table["standard"] for k in ("reduced", "reduced_2") if k in table), country
            assert "reduced_2" not in table or table["reduced_2"] < table["reduced"], (country, day)
            assert "super_reduced" not in table or D(0) < table["super_reduced"] < D(5), (country, day)
            assert table.get("zero", D(0)) == D(0), country


CHANGES = [
    ("FI", "standard", date(2024, 9, 1), "24", "25.5"),
    ("FI", "reduced", date(2026, 1, 1), "14", "13.5"),
    ("SK", "standard", date(2025, 1, 1), "20", "23"),
    ("SK", "reduced", date(2025, 1, 1), "10", "19"),
    ("SK", "reduced_2", date(2025, 1, 1), "5", "5"),
    ("EE", "standard", date(2024, 1, 1), "20", "22"),
    ("EE", "standard", date(2025, 7, 1), "22", "24"),
    ("EE", "reduced", date(2025, 1, 1), "9", "13"),
    ("EE", "reduced_2", date(2025, 1, 1), "5", "9"),
    ("RO", "standard", date(2025, 8, 1), "19", "21"),
    ("RO", "reduced", date(2025, 8, 1), "9", "11"),
    ("RO", "reduced_2", date(2025, 8, 1), "5", None),
    ("CZ", "reduced", date(2024, 1, 1), "15", "12"),
    ("CZ", "reduced_2", date(2024, 1, 1), "10", None),
    ("CZ", "zero", date(2024, 1, 1), None, "0"),
    ("LU", "standard", date(2024, 1, 1), "16", "17"),
    ("LU", "reduced", date(2024, 1, 1), "13", "14"),
    ("LU", "reduced_2", date(2024, 1, 1), "7", "8"),
    ("LU", "super_reduced", date(2024, 1, 1), "3", "3"),
    ("LT", "reduced", date(2026, 1, 1), "9", "12"),
    ("AT", "super_reduced", date(2026, 7, 1), None, "4.9"),
]


@pytest.mark.parametrize(
    ("country", "tax_class", "day", "before", "after"), CHANGES, ids=[f"{c[0]}-{c[1]}-{c[2]}" for c in CHANGES]
)
def test_a_change_applies_from_its_date(country, tax_class, day, before, after):
    eve = date.fromordinal(day.toordinal() - 1)
    for on, expected in ((eve, before), (day, after)):
        table = rates_for(country, on)
        assert (table[tax_class][0] if tax_class in table else None) == (None if expected is None else D(expected)), on
    if after is not None and before != after:
        assert rates_for(country, day)[tax_class][1] == day


def test_rates_hold_from_their_dates():
    table = rates_for("FI", date(2026, 12, 1))
    assert dict(table) == {
        "standard": (D("25.5"), date(2024, 9, 1)),
        "reduced": (D("13.5"), date(2026, 1, 1)),
        "reduced_2": (D(10), date(2023, 1, 1)),
        "zero": (D(0), date(2023, 1, 1)),
    }
    assert list(rates_for("FR", date(2025, 1, 1))) == ["standard", "reduced", "reduced_2", "super_reduced"]


def test_greece_is_gr_and_el_and_case_does_not_matter():
    assert rates_for("EL", date(2025, 1, 1)) == rates_for("gr", date(2025, 1, 1))
    assert rate("el", "reduced", date(2025, 1, 1)) == D(13)


def test_a_class_the_member_state_lacks_is_a_422_naming_the_field():
    with pytest.raises(RateNotFound) as caught:
        rate("DE", "super_reduced", date(2025, 3, 1), field="lines[2].tax_class")
    error = caught.value
    assert isinstance(error, ValidationFailed) and error.status == 422
    assert error.errors == [
        {
            "field": "lines[2].tax_class",
            "message": "DE has no super_reduced VAT rate on 2025-03-01 (it has: standard, reduced, zero)",
        }
    ]
    with pytest.raises(RateNotFound, match="RO has no reduced_2"):
        rate("RO", "reduced_2", date(2025, 8, 1))
    assert rate("RO", "reduced_2", date(2025, 7, 31)) == D(5)


def test_unknown_class_country_or_date():
    with pytest.raises(RateNotFound) as caught:
        rate("DE", "luxury", date(2025, 1, 1))
    assert caught.value.errors[0]["field"] == "tax_class" and "standard" in caught.value.errors[0]["message"]
    for country in ("US", "CH", "GB", "NO", "XX", ""):
        with pytest.raises(RateNotFound) as caught:
            rates_for(country, date(2025, 1, 1))
        assert caught.value.errors[0]["field"] == "country"
    with pytest.raises(RateNotFound) as caught:
        rates_for("DE", date.fromordinal(TABLE_START.toordinal() - 1))
    assert caught.value.errors[0]["field"] == "date"


def test_every_class_is_known():
    seen = {key for country in MEMBER_STATES for key in rates_for(country, date(2026, 12, 1))}
    assert seen == set(TAX_CLASSES)

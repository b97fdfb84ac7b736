"""Data the dashboard keeps beside the server's, checked against it.

Money is formatted like the PDF: ``frontend/src/lib/format.cases.json`` holds what Babel prints (the
PDF's formatter, :class:`invoicing.rendering.Formatter`), and Vitest (``src/lib/format.test.ts``) checks the
dashboard prints the same strings. This checks the file still says what Babel prints."""

from __future__ import annotations

import json
from decimal import Decimal

import pycountry
import pytest

from invoicing.config import ROOT
from invoicing.rendering import Formatter

CASES = json.loads((ROOT / "frontend" / "src" / "lib" / "format.cases.json").read_text(encoding="utf-8"))


@pytest.mark.parametrize("case", CASES["money"], ids=lambda c: f"{c['locale']}-{c['amount']}")
def test_the_pdf_prints_the_amounts_the_dashboard_is_tested_against(case):
    assert Formatter(case["locale"], case["currency"]).money(Decimal(case["amount"])) == case["text"]


@pytest.mark.parametrize("case", CASES["numbers"], ids=lambda c: c["locale"])
def test_the_pdf_prints_the_numbers_the_dashboard_is_tested_against(case):
    assert Formatter(case["locale"], "EUR").number(Decimal(case["value"])) == case["text"]


def test_every_document_language_is_covered():
    assert {c["locale"] for c in CASES["money"]} == {"en", "de", "sl", "fr", "it", "es", "hr"}


def test_the_dashboards_countries_are_the_ones_the_api_accepts():
    codes = json.loads((ROOT / "frontend" / "src" / "lib" / "countries.json").read_text(encoding="utf-8"))
    assert codes == sorted(country.alpha_2 for country in pycountry.countries)

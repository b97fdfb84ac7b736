"""VAT numbers: syntax and checksum (python-stdnum); a wrong EU number's message says its country's format."""

from __future__ import annotations

import pytest

from contract.errors import ValidationFailed
from invoicing.core.tax_numbers import FORMATS, validate_eu_vat_number, validate_tax_number
from invoicing.tax.rates import MEMBER_STATES, iso_country


def test_every_member_state_has_a_format_in_words():
    assert {iso_country(prefix) for prefix in FORMATS} == MEMBER_STATES


@pytest.mark.parametrize(
    ("number", "compact"),
    [("SI 5022 3054", "SI50223054"), ("gr094259216", "EL094259216"), ("EL-094.259.216", "EL094259216")],
)
def test_a_prefixed_number_is_compacted(number, compact):
    assert validate_eu_vat_number(number, "vat_number") == compact


def test_a_wrong_number_names_the_field_and_the_expected_format():
    with pytest.raises(ValidationFailed) as caught:
        validate_tax_number("123", "AT", "customer.tax_number")
    assert caught.value.errors == [
        {
            "field": "customer.tax_number",
            "message": "is not a valid AT VAT number (the number has an invalid format); expected ATU and 8 digits",
        }
    ]
    with pytest.raises(ValidationFailed, match="expected EL and 9 digits"):
        validate_tax_number("094259217", "GR", "tax_number")
    with pytest.raises(ValidationFailed, match="prefix of an EU member state"):
        validate_eu_vat_number("CHE123456789", "vat_number")

"""msgspec's words for a refused value, in plain ones (:func:`contract.errors.plain`)."""

from __future__ import annotations

import pytest

from contract.errors import plain

CASES = [
    ("Expected `str` of length >= 1", None, "must not be empty"),
    ("Expected `str` of length >= 8", None, "must be at least 8 characters long"),
    ("Expected `str` of length <= 1", None, "must be at most 1 character long"),
    ("Expected `array` of length >= 1", None, "must have at least one entry"),
    ("Expected `array` of length <= 20", None, "must have at most 20 entries"),
    ("Expected `object` of length <= 50", None, "must have at most 50 keys"),
    ("Expected `int` >= 1", None, "must be at least 1"),
    ("Expected `int` < 100", None, "must be less than 100"),
    ("Expected `int | null`, got `str`", None, "must be a whole number, not a string"),
    ("Expected `str | array`, got `bool`", None, "must be a string or a list, not true or false"),
    ("Expected `null`, got `int`", None, "must be null, not a whole number"),
    ("Invalid RFC3339 encoded datetime", None, "must be a date and time as in 2026-12-05T09:30:00Z (RFC 3339)"),
    ("Invalid enum value 'x'", ["a", "b"], "'x' is not one of: a, b"),
    ("Invalid enum value 'x'", None, "'x' is not allowed"),
    ("Expected `str` matching regex '^[a-z]+$'", None, "is not in the expected form (the pattern ^[a-z]+$)"),
    ("must be at least 0", None, "must be at least 0"),  # already plain: as it is
]


@pytest.mark.parametrize(("said", "choices", "plainly"), CASES)
def test_msgspec_words_become_plain(said, choices, plainly):
    assert plain(said, choices) == plainly

from datetime import date

import pytest

from invoicing.core.numbering import DEFAULT_FORMAT, FormatError, NumberFormat


def test_default_format():
    assert NumberFormat.parse(DEFAULT_FORMAT).render(42, date(2026, 3, 1)) == "2026-00042"


@pytest.mark.parametrize(
    ("pattern", "expected"),
    [
        ("INV-{yyyy}-{nnnn}", "INV-2026-0007"),
        ("{yy}/{mm}/{nnn}", "26/03/007"),
        ("R{n}", "R7"),
        ("{nnnnnn}", "000007"),
    ],
)
def test_render(pattern, expected):
    assert NumberFormat.parse(pattern).render(7, date(2026, 3, 1)) == expected


def test_sequence_longer_than_padding_is_not_truncated():
    assert NumberFormat.parse("{nn}").render(12345, date(2026, 1, 1)) == "12345"


def test_yearly_formats_restart_per_year():
    fmt = NumberFormat.parse("INV-{yy}-{nnn}")
    assert fmt.yearly
    assert fmt.period(date(2026, 12, 31)) == "2026"
    assert fmt.period(date(2027, 1, 1)) == "2027"


def test_format_without_year_never_restarts():
    fmt = NumberFormat.parse("INV-{nnnn}")
    assert not fmt.yearly
    assert fmt.period(date(2026, 12, 31)) == fmt.period(date(2027, 1, 1)) == "all"


@pytest.mark.parametrize("pattern", ["INV", "{nnn}-{nn}", "{yyyy}-{x}", "{nnn", "INV-}{nnn}", "", "x" * 61])
def test_invalid_formats(pattern):
    with pytest.raises(FormatError):
        NumberFormat.parse(pattern)

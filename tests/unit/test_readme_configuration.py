"""The README's configuration table lists every ``FOLIO_*`` variable the code reads, and nothing else."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("invoicing", "folio", "contract", "bff")


def _read_by_code() -> set[str]:
    names: set[str] = set()
    for package in PACKAGES:
        for path in (ROOT / package).rglob("*.py"):
            names |= set(re.findall(r"[\"'](FOLIO_[A-Z0-9_]+)[\"']", path.read_text()))
    return names


def _in_readme_table() -> set[str]:
    text = (ROOT / "README.md").read_text()
    section = text.split("\n## Configuration\n", 1)[1].split("\n## ", 1)[0]
    first_cells = [line.split("|")[1] for line in section.splitlines() if line.startswith("| `")]
    return {name for cell in first_cells for name in re.findall(r"`(FOLIO_[A-Z0-9_]+)`", cell)}


def test_every_variable_the_code_reads_is_in_the_readme_table():
    assert sorted(_read_by_code() - _in_readme_table()) == []


def test_the_readme_table_lists_no_variable_the_code_does_not_read():
    assert sorted(_in_readme_table() - _read_by_code()) == []

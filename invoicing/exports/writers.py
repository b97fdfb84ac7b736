"""Writing an export's file as its rows arrive: CSV, XLSX (xlsxwriter, constant memory) or a zip of PDFs.

Every sink writes to a file on disk batch by batch and keeps nothing but the current batch in memory.
Cells have a kind (:data:`Kind`): ``text`` cells are neutralised against formula injection (OWASP: a
leading ``=``, ``+``, ``-``, ``@``, tab or carriage return gets an apostrophe in front), ``money`` and
``number`` cells are decimals (in CSV the decimal string as the API shows it, a negative amount
unchanged; in XLSX a number, money with the row's currency format), ``date`` cells ISO dates (XLSX:
real dates), ``int`` cells integers.
"""

from __future__ import annotations

import csv
import zipfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import Decimal
from pathlib import Path
from typing import Any, Literal, Protocol

import xlsxwriter  # type: ignore[import-untyped]  # no stubs

from invoicing.core.money import quantum

Kind = Literal["text", "date", "int", "number", "money"]
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
XLSX_MAX_ROWS = 1_048_576
CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pdf_zip": "application/zip",
}
EXTENSIONS = {"csv": "csv", "xlsx": "xlsx", "pdf_zip": "zip"}


class ExportError(Exception):
    """Why an export cannot be made, in words for the caller (the export's ``error``)."""


@dataclass(frozen=True)
class Column:
    name: str
    kind: Kind = "text"


def neutralise(text: str) -> str:
    """A text cell a spreadsheet will not read as a formula."""
    return "'" + text if text[:1] in _FORMULA_CHARS else text


_FORMULA_CHARS = frozenset(FORMULA_STARTS)


def _text(value: Any) -> str:
    if value is None:
        return ""
    text = value if isinstance(value, str) else str(value)
    return "'" + text if text[:1] in _FORMULA_CHARS else text


def _decimal(value: Any) -> str:
    return "" if value is None else format(value, "f")  # as format_decimal: no exponent


def _date(value: Any) -> str:
    return "" if value is None else value.isoformat()


def _int(value: Any) -> str:
    return "" if value is None else str(value)


CSV_CELLS: dict[Kind, Callable[[Any], str]] = {
    "text": _text,
    "money": _decimal,
    "number": _decimal,
    "date": _date,
    "int": _int,
}
"""Each kind's CSV cell: one function per column, picked once (the hot loop of a CSV export)."""


def csv_cell(kind: Kind, value: Any) -> str:
    return CSV_CELLS[kind](value)


class Sink(Protocol):
    def write(self, rows: Sequence[Sequence[Any]]) -> None: ...

    def close(self) -> None: ...


class CsvSink:
    """UTF-8 CSV with a header row."""

    def __init__(self, path: Path, columns: Sequence[Column], currency_index: int | None = None) -> None:
        self.cells = [CSV_CELLS[c.kind] for c in columns]
        self.file = path.open("w", encoding="utf-8", newline="")
        self.writer = csv.writer(self.file)
        self.writer.writerow([c.name for c in columns])

    def write(self, rows: Sequence[Sequence[Any]]) -> None:
        cells = self.cells
        self.writer.writerows([[cell(v) for cell, v in zip(cells, row, strict=True)] for row in rows])

    def close(self) -> None:
        self.file.close()


class XlsxSink:
    """One worksheet written row by row in xlsxwriter's constant-memory mode, the header row frozen."""

    def __init__(self, path: Path, columns: Sequence[Column], currency_index: int | None = None) -> None:
        self.kinds = [c.kind for c in columns]
        self.currency_index = currency_index
        self.book = xlsxwriter.Workbook(str(path), {"constant_memory": True, "tmpdir": str(path.parent)})
        self.sheet = self.book.add_worksheet("Export")
        self.sheet.freeze_panes(1, 0)
        bold = self.book.add_format({"bold": True})
        for col, column in enumerate(columns):
            self.sheet.write_string(0, col, column.name, bold)
        self.date = self.book.add_format({"num_format": "yyyy-mm-dd"})
        self.number = self.book.add_format({"num_format": "General"})
        self.money: dict[str, Any] = {}
        self.row = 1

    def _money(self, currency: str | None) -> Any:
        key = currency or ""
        fmt = self.money.get(key)
        if fmt is None:
            places = -int(quantum(currency).as_tuple().exponent) if currency else 2
            pattern = "#,##0" + ("." + "0" * int(places) if places else "")
            if currency and currency.isalpha():
                pattern += f' "{currency}"'
            fmt = self.money[key] = self.book.add_format({"num_format": pattern})
        return fmt

    def write(self, rows: Sequence[Sequence[Any]]) -> None:
        if self.row + len(rows) > XLSX_MAX_ROWS:
            raise ExportError(f"an XLSX worksheet holds at most {XLSX_MAX_ROWS - 1} rows; export as CSV instead")
        sheet, kinds, at = self.sheet, self.kinds, self.currency_index
        for values in rows:
            r = self.row
            currency = values[at] if at is not None else None
            for c, (kind, value) in enumerate(zip(kinds, values, strict=True)):
                if value is None:
                    continue
                if kind == "text":
                    sheet.write_string(r, c, neutralise(str(value)))
                elif kind == "money":
                    sheet.write_number(r, c, float(value), self._money(currency))
                elif kind == "number":
                    sheet.write_number(r, c, float(value), self.number)
                elif kind == "date":
                    sheet.write_datetime(r, c, datetime.combine(value, time()), self.date)
                else:
                    sheet.write_number(r, c, value)
            self.row += 1

    def close(self) -> None:
        self.book.close()


class ZipSink:
    """PDFs added one at a time to a zip (stored: PDFs are compressed already)."""

    def __init__(self, path: Path) -> None:
        self.zip = zipfile.ZipFile(path, "w", zipfile.ZIP_STORED, allowZip64=True)
        self.names: set[str] = set()

    def add(self, name: str, content: bytes) -> None:
        stem, dot, ext = name.rpartition(".")
        unique, n = name, 1
        while unique in self.names:
            n += 1
            unique = f"{stem}-{n}{dot}{ext}"
        self.names.add(unique)
        self.zip.writestr(unique, content)

    def close(self) -> None:
        self.zip.close()


def file_name(type_: str, format_: str, date_from: date, date_to: date) -> str:
    """``documents-2026-01-01-2026-12-03.csv``"""
    return f"{type_}-{date_from.isoformat()}-{date_to.isoformat()}.{EXTENSIONS[format_]}"


def as_decimal(value: Any) -> Decimal:
    return value if isinstance(value, Decimal) else Decimal(value)

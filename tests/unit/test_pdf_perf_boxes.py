"""What keeps a PDF render cheap, checked without a clock (issue "Fast where it counts", PDFs).

- The lines table has fixed layout: WeasyPrint never runs its automatic table layout on it (which measures
  every cell's min- and max-content widths, laying each text out twice more), so the work per line is the
  same for 50 lines as for 200. The renderer computes the column widths; every figure still fits inside
  its own cell, in every language, with prices including VAT (the longest headings), a discount column,
  several rates and large amounts.
- The HTML is read by the XML parser, and reads as the HTML5 parser reads it.
- The user-agent stylesheet (``templates/documents/ua.css``) gives a display to every element the
  templates print (an element it forgets would be laid out inline).
"""

from __future__ import annotations

import io
import re
from decimal import Decimal
from html.parser import HTMLParser
from pathlib import Path
from xml.etree import ElementTree

import pypdf
import pytest
import tinyhtml5
from weasyprint.layout import table as table_layout
from weasyprint.text import line_break

from invoicing.core.lines import DocumentLine
from invoicing.core.locales import SUPPORTED_LANGUAGES
from invoicing.core.totals import Tax
from invoicing.db.models import Document
from invoicing.documents.lines import apply_totals
from invoicing.documents.output import credit_note_out, invoice_out
from invoicing.entities.settings import effective
from invoicing.rendering import Logo, RenderInput, Seller, layout, qr_png, render_html, render_pdf
from tests.unit.builders import issued_invoice

UA = Path(__file__).resolve().parents[2] / "templates" / "documents" / "ua.css"
SETTINGS = {"bank_account": {"iban": "DE89370400440532013000", "bic": "COBADEFFXXX", "bank_name": "Commerzbank"}}
INLINE = {"span", "img"}  # inline by default, as they should be


def _invoice(lines: int, *, big: bool = False, **overrides) -> Document:
    doc = issued_invoice(**overrides)
    apply_totals(
        doc,
        [
            DocumentLine(
                name=f"Service {i + 1}",
                description="Monthly plan" if i % 3 == 0 else None,
                quantity=Decimal("1234.5") if big else Decimal(1 + i % 4),
                unit="Stunden" if big else None,
                price=Decimal("98765.4321") if big else Decimal(f"{19 + i}.90"),
                discount=Decimal("12.5") if big and i == 0 else Decimal(0),
                taxes=(Tax(Decimal("19"), "MwSt."), Tax(Decimal("7.25"), "Sonder")) if big else (Tax(Decimal(19)),),
            )
            for i in range(lines)
        ],
    )
    return doc


def _input(doc: Document, design: str = "classic", kind: str = "invoice") -> RenderInput:
    settings = effective({**SETTINGS, "pdf_template": design, "footer": "Footer"})
    out = invoice_out(doc) if kind == "invoice" else credit_note_out(doc)
    return RenderInput(out, kind, Seller(name="Seller GmbH", country="DE"), settings, Logo(qr_png("logo"), "image/png"))


def _auto_tables(monkeypatch: pytest.MonkeyPatch, inp: RenderInput) -> tuple[list[str], int]:
    """The classes of the tables WeasyPrint sized with its automatic layout, and the characters it set
    into Pango layouts, while laying out ``inp``."""
    tables: list[str] = []
    chars = 0
    auto = table_layout.auto_table_layout
    set_text = line_break.Layout.set_text

    def recording(context, box, containing_block):
        tables.append(box.element.get("class") or box.element_tag)
        return auto(context, box, containing_block)

    def counting(self, text, *args, **kwargs):
        nonlocal chars
        chars += len(text)
        return set_text(self, text, *args, **kwargs)

    with monkeypatch.context() as patch:
        patch.setattr(table_layout, "auto_table_layout", recording)
        patch.setattr(line_break.Layout, "set_text", counting)
        layout(inp)
    return tables, chars


def test_the_lines_table_is_never_sized_by_automatic_table_layout(monkeypatch):
    for design in ("classic", "modern"):
        tables, _ = _auto_tables(monkeypatch, _input(_invoice(30), design))
        assert "lines" not in tables, tables


def test_layout_work_per_line_stays_the_same_from_50_to_200_lines(monkeypatch):
    base = _auto_tables(monkeypatch, _input(_invoice(1)))[1]
    fifty = _auto_tables(monkeypatch, _input(_invoice(50)))[1] - base
    two_hundred = _auto_tables(monkeypatch, _input(_invoice(200)))[1] - base
    assert fifty > 50 * 20  # every line's texts were laid out
    assert 3.6 <= two_hundred / fifty <= 4.4, (fifty, two_hundred)  # linear: 4


def _cells_overflowing(box, cell: tuple[float, float] | None = None) -> list[str]:
    """Boxes inside a table cell of the lines table that reach past that cell's border box."""
    found = []
    if type(box).__name__ == "TableCellBox":
        cell = (box.border_box_x(), box.border_box_x() + box.border_width())
    elif cell and hasattr(box, "border_box_x") and type(box).__name__ == "TextBox":
        x, width = box.border_box_x(), box.border_width()
        if x < cell[0] - 0.01 or x + width > cell[1] + 0.01:
            found.append(f"{box.text!r} {x:.1f}..{x + width:.1f} in a cell {cell[0]:.1f}..{cell[1]:.1f}")
    for child in getattr(box, "children", ()):
        found += _cells_overflowing(child, cell)
    return found


@pytest.mark.parametrize("locale", SUPPORTED_LANGUAGES)
@pytest.mark.parametrize("gross", [False, True], ids=["net", "gross"])
def test_every_figure_and_heading_fits_inside_its_cell(locale, gross):
    for big in (False, True):
        doc = _invoice(3, big=big, locale=locale, prices_include_tax=gross)
        for page in layout(_input(doc, "modern" if gross else "classic")).pages:
            assert _cells_overflowing(page._page_box) == [], (locale, gross, big)


class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: set[str] = set()

    def handle_starttag(self, tag, attrs):
        self.tags.add(tag)


def test_the_user_agent_stylesheet_gives_every_printed_element_its_display():
    css = UA.read_text()
    displayed = set()
    for rule in re.finditer(r"([^{}]+)\{[^}]*display:", re.sub(r"/\*.*?\*/", "", css, flags=re.S)):
        displayed |= {s.strip() for s in rule.group(1).split(",")}
    paid = _invoice(2, status="partially_paid", total_paid=Decimal(10), note="Thanks", payment_terms="30 days")
    voided = _invoice(1, status="voided", void_reason="Wrong")
    draft = _invoice(1, status="draft", number=None)
    credit = _invoice(1, invoice_id="inv_0", invoice_number="2025-00001", invoice_date=paid.date, reason="Return")
    credit.type = "credit_note"
    printed = _Tags()
    for design in ("classic", "modern"):
        for inp in (_input(paid, design), _input(voided, design), _input(draft, design)):
            printed.feed(render_html(inp, preview=False))
        printed.feed(render_html(_input(credit, design, "credit_note"), preview=False))
    missing = printed.tags - displayed - INLINE
    assert not missing, missing
    assert {"table", "td", "figure", "section", "colgroup", "col"} <= printed.tags  # the documents were complete


def _tree(root) -> list[tuple[str, dict[str, str], str, str]]:
    """Every element in document order with its attributes, text and tail (whitespace-only ones as '')."""
    return [
        (e.tag, dict(e.attrib), (e.text or "").strip() and e.text, (e.tail or "").strip() and e.tail)
        for e in root.iter()
    ]


def test_the_printed_html_is_well_formed_xml_and_reads_as_the_html5_parser_reads_it():
    # the PDF reads the templates' HTML with the XML parser (expat, in C; WeasyPrint's HTML5 parser is pure
    # Python): it must be well formed, and give the very tree the HTML5 parser gives
    paid = _invoice(3, status="partially_paid", total_paid=Decimal(10), note="A & B <c>", payment_terms="30 days")
    paid.customer = {"id": None, "name": 'Buyer "Quoted" & Co', "address": "Line 1\nLine 2", "country": "DE"}
    voided = _invoice(2, status="voided", void_reason="Wrong", prices_include_tax=True)
    for design in ("classic", "modern"):
        for inp in (_input(paid, design), _input(voided, design)):
            html = render_html(inp, preview=False)
            assert _tree(ElementTree.fromstring(html)) == _tree(tinyhtml5.parse(html, namespace_html_elements=False))


def test_text_xml_does_not_allow_is_printed_through_the_html5_parser():
    doc = _invoice(1, note="Bell\x07 and form\x0cfeed")
    text = "".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(render_pdf(_input(doc)))).pages)
    text = text.replace("\x00", "")  # pypdf reads the page as UTF-16 once a .notdef glyph (U+0007) is on it
    assert "Bell" in text and "feed" in text and "Service 1" in text

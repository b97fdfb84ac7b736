"""Where things land on the page and which fonts draw them (issue 10, point 6c-e), without HTTP: every box
of both designs lies inside the page's margins (the modern header once ran 14 mm past the right one),
typed line breaks stay separate lines, and Chinese, Japanese and emoji are drawn with real fonts."""

from __future__ import annotations

import io
from decimal import Decimal

import pypdf
import pytest

from invoicing.core.lines import DocumentLine
from invoicing.core.locales import SUPPORTED_LANGUAGES
from invoicing.core.totals import Tax
from invoicing.db.models import Document
from invoicing.documents.lines import apply_totals
from invoicing.documents.output import invoice_out
from invoicing.entities.settings import effective
from invoicing.rendering import RenderInput, Seller, layout, render_pdf
from tests.unit.builders import issued_invoice

LONG = "Aa" * 60
SETTINGS = {"bank_account": {"iban": "DE89370400440532013000", "bic": "COBADEFFXXX", "bank_name": "Commerzbank"}}


def _invoice(name: str = "Work", description: str | None = None, **overrides) -> Document:
    doc = issued_invoice(**overrides)
    taxes = (Tax(Decimal(19), "MwSt."),)
    apply_totals(
        doc,
        [DocumentLine(name=name, description=description, quantity=Decimal(3), price=Decimal("33.33"), taxes=taxes)],
    )
    return doc


def _input(doc: Document, design: str, seller: str = "Bäckerei Sonnenschein GmbH & Co. KG") -> RenderInput:
    settings = effective({**SETTINGS, "pdf_template": design})
    return RenderInput(invoice_out(doc), "invoice", Seller(name=seller, country="DE"), settings)


def _outside(box, left: float, right: float) -> list[str]:
    """``box`` and its descendants whose border box reaches past ``left``..``right``."""
    found = []
    if hasattr(box, "border_box_x"):
        x, width = box.border_box_x(), box.border_width()
        if x < left - 0.01 or x + width > right + 0.01:
            cls = box.element.get("class") if box.element is not None else None
            found.append(f"{type(box).__name__} <{box.element_tag} class={cls}> {x:.1f}..{x + width:.1f}")
    for child in getattr(box, "children", ()):
        found += _outside(child, left, right)
    return found


def _overflowing(inp: RenderInput) -> list[str]:
    """Every box reaching past the page's content area (inside its margins), on every page."""
    found = []
    for page in layout(inp).pages:
        root = page._page_box.children[0]  # the <html> box; margin boxes (footer, page number) are its siblings
        found += _outside(root, root.content_box_x(), root.content_box_x() + root.width)
    return found


@pytest.mark.parametrize("design", ["classic", "modern"])
@pytest.mark.parametrize("seller", ["Bäckerei Sonnenschein GmbH & Co. KG", LONG])
def test_every_box_lies_within_the_margins(design, seller):
    for doc in (_invoice(), _invoice(status="partially_paid", total_paid=Decimal(50)), _invoice(status="voided")):
        inp = _input(doc, design, seller)
        assert _overflowing(inp) == [], (design, doc.status)


@pytest.mark.parametrize("locale", SUPPORTED_LANGUAGES)
def test_every_language_fits_too(locale):
    doc = _invoice(status="partially_paid", total_paid=Decimal(50), prices_include_tax=True, locale=locale)
    for design in ("classic", "modern"):
        assert _overflowing(_input(doc, design)) == [], design


def _text(pdf: bytes) -> str:
    return "\n".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(pdf)).pages)


def _fonts(pdf: bytes) -> set[str]:
    names = set()
    for page in pypdf.PdfReader(io.BytesIO(pdf)).pages:
        for font in page["/Resources"]["/Font"].values():
            names.add(str(font.get_object()["/BaseFont"]).split("+", 1)[-1])
    return names


@pytest.mark.parametrize("design", ["classic", "modern"])
def test_typed_line_breaks_are_separate_lines(design):
    doc = _invoice("Catering", "Monday: soup\nTuesday: pasta", footer="Line one\nLine two")
    text = _text(render_pdf(_input(doc, design)))
    assert "Monday: soup\nTuesday: pasta" in text
    assert "Line one\nLine two" in text


def test_chinese_japanese_and_emoji_are_drawn_with_fonts_that_have_them():
    words = "发票 請求書 🙂"
    doc = _invoice(words, customer={"id": None, "name": f"{words} 株式会社"}, locale="en")
    pdf = render_pdf(_input(doc, "modern"))
    assert words in _text(pdf) and "株式会社" in _text(pdf)
    fonts = _fonts(pdf)
    assert any(f.startswith("Noto-Sans-CJK") for f in fonts), fonts
    assert any(f.startswith("Noto-Color-Emoji") for f in fonts), fonts


def test_digits_are_never_drawn_as_emoji():
    # Noto Color Emoji has digits too (keycaps); named in the CSS it drew every amount as colour bitmaps
    pdf = render_pdf(_input(_invoice(locale="sl", currency_code="USD"), "classic"))
    assert not any("Emoji" in f for f in _fonts(pdf)) and "99,99 $" in _text(pdf).replace("\xa0", " ")

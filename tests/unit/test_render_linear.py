"""Render work grows linearly with the text (issue 12, point 1; issue 15, point 3), measured without a
clock: the characters WeasyPrint hands to Pango to lay out lines, for a description of n and of 4n
characters, with spaces and as one word without any. Under ``overflow-wrap: anywhere`` the 4n case took
about 16 times the work (every character a break opportunity, each laid out with the rest of the text).
And a 5,000-character word still wraps inside the page."""

from __future__ import annotations

import io
from decimal import Decimal

import pypdf
import pytest
from weasyprint.text import line_break

from invoicing.core.lines import DocumentLine
from invoicing.core.totals import Tax
from invoicing.documents.lines import apply_totals
from invoicing.documents.output import invoice_out
from invoicing.entities.settings import effective
from invoicing.rendering import ZWSP, RenderInput, Seller, layout, render_html, render_pdf, soft_breaks
from tests.unit.builders import issued_invoice
from tests.unit.test_render_layout import _overflowing


def _input(description: str | None, design: str = "classic", name: str = "Work", seller: str = "Seller") -> RenderInput:
    doc = issued_invoice()
    taxes = (Tax(Decimal(19), "MwSt."),)
    lines = [DocumentLine(name=name, description=description, quantity=Decimal(1), price=Decimal(10), taxes=taxes)]
    apply_totals(doc, lines)
    settings = effective({"pdf_template": design})
    return RenderInput(invoice_out(doc), "invoice", Seller(name=seller, country="DE"), settings)


def _text(chars: int, spaces: bool) -> str:
    word = ("abcdefghij" * (chars // 10 + 1))[:chars]
    if spaces:  # words of nine letters
        return " ".join(word[i : i + 9] for i in range(0, chars, 10))
    return word


def _pango_work(monkeypatch: pytest.MonkeyPatch, inp: RenderInput) -> int:
    """Characters set into Pango layouts while laying out ``inp``: the line-breaking work."""
    total = 0
    set_text = line_break.Layout.set_text

    def counting(self, text, *args, **kwargs):
        nonlocal total
        total += len(text)
        return set_text(self, text, *args, **kwargs)

    with monkeypatch.context() as patch:
        patch.setattr(line_break.Layout, "set_text", counting)
        layout(inp)
    return total


@pytest.mark.parametrize("spaces", [True, False], ids=["words", "one-word"])
def test_line_breaking_work_is_linear_in_the_text(monkeypatch, spaces):
    base = _pango_work(monkeypatch, _input(None))
    # both run over pages (a row split over pages is laid out again on the next one: a constant factor)
    small = _pango_work(monkeypatch, _input(_text(4000, spaces))) - base
    large = _pango_work(monkeypatch, _input(_text(16000, spaces))) - base
    assert small > 4000  # the description was laid out at all
    assert 2.5 <= large / small <= 5, (small, large)  # linear: ~4 (quadratic: ~16; it was 10 to 100 times more)


def test_soft_breaks_go_only_into_words_too_wide_for_their_box():
    text = "Beratung Dienstleistungsvertrag " + "x" * 60
    out = soft_breaks(text, 27)
    assert out.startswith("Beratung Dienstleistungsvertrag ")  # fits the box: never broken mid-word
    assert out.replace(ZWSP, "") == text and out.count(ZWSP) == 59
    assert soft_breaks("W" * 40, 30) != "W" * 40 and soft_breaks("W" * 40, 60) == "W" * 40
    # a combining mark, an emoji sequence stay with their characters
    assert soft_breaks("e\u0301" * 30, 10).count(ZWSP) == 29
    family = "👩\u200d👩\u200d👧"
    assert family in soft_breaks(family * 20, 5)
    assert soft_breaks(None, 10) is None and soft_breaks("", 10) == ""


@pytest.mark.parametrize("design", ["classic", "modern"])
def test_a_5000_character_word_wraps_inside_the_page(design):
    word = _text(5000, spaces=False)
    name = "N" * 300
    inp = _input(word, design, name=name, seller="S" * 200)
    assert _overflowing(inp) == []  # every box, every line of text, inside the margins, on every page
    pdf = render_pdf(inp)
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    assert len(reader.pages) >= 2
    lines = "\n".join(page.extract_text() for page in reader.pages).replace(ZWSP, "").splitlines()
    # every character printed, in order (the lines of the word run over pages, between page headers)
    assert "".join(line for line in lines if line and set(line) <= set("abcdefghij")) == word
    assert "".join(line for line in lines if line and set(line) == {"N"}) == name
    # and each line of text starts inside the page
    width = float(reader.pages[0].mediabox.width)
    starts: list[float] = []
    for page in reader.pages:
        page.extract_text(  # the text matrix's origin in page space (WeasyPrint draws in px, scaled by cm)
            visitor_text=lambda t, cm, tm, *_: (
                starts.append(tm[4] * cm[0] + tm[5] * cm[2] + cm[4]) if t.strip() else None
            )
        )
    assert starts and all(0 <= x < width for x in starts)


def test_the_html_preview_keeps_long_words_as_typed_and_wraps_them_with_css():
    word = _text(300, spaces=False)
    html = render_html(_input(word, name=word))
    assert ZWSP not in html and html.count(word) == 2
    assert "overflow-wrap: anywhere" in html

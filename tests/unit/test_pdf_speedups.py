"""The faster WeasyPrint internals of ``invoicing/rendering/speedups.py`` change nothing in a PDF: documents
that exercise what they replace (percentage widths, ``auto`` sizes, collapsed borders, both designs, a
credit note, right-to-left and CJK text, page breaks, the 200-line invoice of ``bench/render_pdf.py``) render
to the same bytes with and without them; so does a page of what the invoices do not have but the replacements
hand back to WeasyPrint or treat apart (floats, rounded corners, shadows, background images, decorated text,
font features, ``box-sizing``, ``calc()``, right-to-left tables and blocks, collapsed borders of every kind
meeting in spanned cells, columns and row groups, ties included, logical properties in both directions,
first-line and first-letter styles, a footnote and an absolute box, the same text twice in the same style:
ellipsis, hyphenation, justification)."""

from __future__ import annotations

from decimal import Decimal

import cssselect2
import pytest
import weasyprint
from weasyprint.css import computed_values, functions
from weasyprint.formatting_structure import boxes, build
from weasyprint.layout import background, block, inline, percent, table
from weasyprint.text import line_break
from weasyprint.text.fonts import FontConfiguration

from invoicing.core.lines import DocumentLine
from invoicing.core.totals import Tax
from invoicing.documents.lines import apply_totals
from invoicing.documents.output import credit_note_out, invoice_out
from invoicing.entities.settings import effective
from invoicing.rendering import Logo, RenderInput, Seller, qr_png, render_pdf, speedups
from tests.unit.builders import issued_invoice


def _input(lines: int, design: str, *, kind: str = "invoice", locale: str = "en") -> RenderInput:
    doc = issued_invoice(locale=locale, note="Thank you — شكرا — ありがとう", payment_terms="Net 30")
    apply_totals(
        doc,
        [
            DocumentLine(
                name=f"Service {i + 1} " + ("مرحبا بالعالم" if i % 5 == 1 else "服务" if i % 5 == 2 else "Consulting"),
                description="Monthly plan with a description long enough to wrap over two lines " * (i % 3),
                quantity=Decimal(1 + i % 4),
                price=Decimal(f"{19 + i}.90"),
                discount=Decimal("10") if i % 4 == 3 else Decimal(0),
                taxes=(Tax(Decimal("19" if i % 2 else "7")),),
            )
            for i in range(lines)
        ],
    )
    if kind == "credit_note":
        doc.type = "credit_note"
        doc.invoice_id, doc.invoice_number, doc.invoice_date, doc.reason = "inv_0", "2025-00001", doc.date, "Return"
    bank = {"iban": "DE89370400440532013000", "bic": "COBADEFFXXX"}
    settings = effective({"bank_account": bank, "pdf_template": design, "footer": "Footer"})
    out = invoice_out(doc) if kind == "invoice" else credit_note_out(doc)
    return RenderInput(out, kind, Seller(name="Seller GmbH", country="DE"), settings, Logo(qr_png("logo"), "image/png"))


CASES = [
    pytest.param(_input(3, "classic"), id="one-page-classic"),
    pytest.param(_input(3, "modern", locale="de"), id="one-page-modern-de"),
    pytest.param(_input(45, "modern"), id="three-pages"),
    pytest.param(_input(2, "classic", kind="credit_note", locale="fr"), id="credit-note"),
    pytest.param(_input(200, "classic"), id="eight-pages"),
]


@pytest.fixture
def plain_weasyprint():
    speedups.uninstall()
    yield
    assert speedups.install()


@pytest.mark.skipif(not weasyprint.__version__.startswith(speedups.SUPPORTED), reason="speed-ups not installed")
def test_installed_in_every_module_that_uses_them():
    assert block.resolve_percentages is percent.resolve_percentages is speedups.resolve_percentages
    assert functions.check_math is speedups.check_math
    assert table.resolve_percentages is speedups.resolve_percentages
    assert all(f.__name__ == "physical" for f in computed_values.PHYSICAL_FUNCTIONS.values())
    assert inline.strut is line_break.strut is speedups.strut
    assert inline.split_first_line is line_break.split_first_line is speedups.split_first_line
    assert line_break.Layout.setup is speedups.layout_setup
    assert (
        background.resolve_radii_percentages is percent.resolve_radii_percentages is speedups.resolve_radii_percentages
    )
    assert background.layout_box_backgrounds is speedups.layout_box_backgrounds
    assert block.avoid_collisions is inline.avoid_collisions is speedups.avoid_collisions
    assert build.collapse_table_borders is table.collapse_table_borders is speedups.collapse_table_borders
    assert weasyprint.css.ComputedStyle.__init__ is speedups.computed_init
    assert boxes.Box.is_in_normal_flow is speedups.is_in_normal_flow
    assert boxes.Box.descendants is speedups.descendants
    assert isinstance(vars(cssselect2.ElementWrapper)["classes"], speedups.CachedProperty)
    assert isinstance(vars(weasyprint.css.Style)["anonymous_style"], speedups.CachedProperty)
    assert weasyprint.css.AnonymousStyle.__init__ is speedups.anonymous_init


@pytest.mark.skipif(not weasyprint.__version__.startswith(speedups.SUPPORTED), reason="speed-ups not installed")
@pytest.mark.parametrize("inp", CASES)
def test_the_same_pdf_with_and_without_them(inp, request):
    faster = render_pdf(inp)
    request.getfixturevalue("plain_weasyprint")
    assert percent.resolve_percentages is not speedups.resolve_percentages  # WeasyPrint's own, this time
    plain = render_pdf(inp)
    assert faster[:5] == b"%PDF-" and len(faster) > 10_000
    assert faster == plain


OTHER = """<html lang="de"><style>
@page { size: A5; margin: 10mm }
body { font-family: "DejaVu Sans"; font-size: 9pt }
.f { float: left; width: 30%; height: 20mm; background: #eee; border-radius: 10% / 2mm }
.r { float: right; width: 25mm; border: 1pt solid red; border-radius: 2mm; box-shadow: 1px 1px 2px #000 }
.u { text-decoration: underline; font-variant: small-caps; font-feature-settings: "tnum" }
.x { box-sizing: border-box; width: calc(50% + 3mm); padding: 2% 1mm; border: 2px dotted blue; line-height: 2lh }
table { border-collapse: collapse; width: 80% } td { border: 1px solid #999; padding: 1mm; border-radius: 1mm }
.ofl { overflow: hidden; background: rgba(0,0,0,.1) }
.bi { background-image: linear-gradient(red, blue); height: 5mm }
.hid { visibility: hidden; background: red }
.lo { font-language-override: "TRK"; letter-spacing: 0.1em; word-spacing: 2px }
.li { margin-left: 1mm; margin-inline-start: 5mm; color: initial; font-weight: inherit; padding-inline-end: 2mm;
  border-inline-start: 2px solid; background: #def }
.u::first-line { color: green; text-transform: uppercase } .x::first-letter { font-size: 2em; color: red }
.el { width: 20mm; overflow: hidden; white-space: nowrap; text-overflow: ellipsis } .hy { width: 18mm; hyphens: auto }
.j { width: 40mm; text-align: justify }
</style><body>
<div dir="rtl"><p>مرحبا بالعالم</p><table><colgroup><col style="border: 4px solid olive"><col></colgroup>
<tbody style="border: 1px dashed"><tr><td>واحد</td><td>اثنان</td></tr>
<tr><td rowspan="2" style="border: 3px double green">a</td><td style="border-top: 2px inset">b</td></tr>
<tr><td style="border-left-style: hidden">c</td></tr><tr><td colspan="2" style="border: 2px outset">d</td></tr>
</tbody><tbody></tbody></table>
<img style="display: block; width: 10mm; height: 5mm"
 src="data:image/svg+xml,<svg xmlns='http://www.w3.org/2000/svg' width='10' height='5'/>">
<div class="ofl">formatting context in rtl</div><p class="li">بداية السطر</p></div><p class="li">Inline start</p>
<div class="f">floated left</div><div class="r">floated right with some words to wrap</div>
<p class="u">Underlined small caps 0123456789 next to the floats, long enough to wrap around them a few times over.</p>
<div class="x">box-sizing border-box with calc width</div>
<table style="border: 2px solid"><tr><td style="border-color: red">1</td>
<td rowspan="2" style="border: 3px groove">two</td></tr>
<tr><td style="border-right: 5px hidden">x</td></tr><tr><td colspan="2">three</td></tr></table>

<div class="bi"></div><div class="hid">hidden</div><p class="lo">Language override and spacing</p>
<div class="el">Ellipsis after a few words</div><div class="el">Ellipsis after a few words</div>
<p class="hy">Donaudampfschifffahrtsgesellschaft</p><p class="hy">Donaudampfschifffahrtsgesellschaft</p>
<p class="j">Justified text over a few lines, twice.</p><p class="j">Justified text over a few lines, twice.</p>
<p>A footnote<span style="float: footnote">Down here</span> and a box placed absolutely.</p>
<div style="position: absolute; top: 5mm; right: 5mm">abs</div>
<p lang="ja" style="break-before: page">ありがとう</p><div style="float: right"></div>
</body></html>"""


@pytest.mark.skipif(not weasyprint.__version__.startswith(speedups.SUPPORTED), reason="speed-ups not installed")
def test_the_same_pdf_of_what_invoices_do_not_have(request):
    faster = weasyprint.HTML(string=OTHER).write_pdf()
    request.getfixturevalue("plain_weasyprint")
    plain = weasyprint.HTML(string=OTHER).write_pdf()
    assert faster[:5] == b"%PDF-" and faster == plain


@pytest.mark.skipif(not weasyprint.__version__.startswith(speedups.SUPPORTED), reason="speed-ups not installed")
def test_descendants_in_weasyprint_order(request):
    pages = [page._page_box for page in weasyprint.HTML(string=OTHER).render().pages]
    walks = [list(page.descendants(placeholders)) for page in pages for placeholders in (False, True)]
    request.getfixturevalue("plain_weasyprint")
    assert boxes.Box.descendants is not speedups.descendants
    assert walks == [list(page.descendants(placeholders)) for page in pages for placeholders in (False, True)]
    assert sum(map(len, walks)) > 200


@pytest.mark.skipif(not weasyprint.__version__.startswith(speedups.SUPPORTED), reason="speed-ups not installed")
def test_pango_contexts_are_kept_on_their_font_configuration():
    """A caller that makes a font configuration per render (WeasyPrint's default) must not pile up Pango
    contexts in the process: they are kept on the configuration and go with it."""
    first, second = FontConfiguration(), FontConfiguration()
    for fonts in (first, second, first):
        weasyprint.HTML(string="<p lang=de>Rechnung</p><p dir=rtl lang=ar>فاتورة</p>").write_pdf(font_config=fonts)
    assert sorted(direction for _, direction, _ in first.folio_contexts) == ["ltr", "rtl"]
    assert first.folio_contexts.keys() == second.folio_contexts.keys()
    assert not set(map(id, first.folio_contexts.values())) & set(map(id, second.folio_contexts.values()))


def test_check_math_answers_as_weasyprint_does():
    from tinycss2 import parse_component_value_list

    for css in ("calc(1px + 2%)", "1px", "min(1px, 2px) 3px", "var(--x)", "auto", "clamp(1px)"):
        tokens = tuple(t for t in parse_component_value_list(css) if t.type != "whitespace")
        for value in (tokens, tokens[0]):
            assert bool(speedups.check_math(value)) == bool(speedups._check_math(value)), css

"""The faster WeasyPrint internals of ``invoicing/rendering/speedups.py`` change nothing in a PDF: documents
that exercise what they replace (percentage widths, ``auto`` sizes, collapsed borders, both designs, a
credit note, right-to-left and CJK text, page breaks) render to the same bytes with and without them."""

from __future__ import annotations

from decimal import Decimal

import pytest
import weasyprint
from weasyprint.css import computed_values, functions
from weasyprint.layout import block, percent, table

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


@pytest.mark.skipif(not weasyprint.__version__.startswith(speedups.SUPPORTED), reason="speed-ups not installed")
@pytest.mark.parametrize("inp", CASES)
def test_the_same_pdf_with_and_without_them(inp, request):
    faster = render_pdf(inp)
    request.getfixturevalue("plain_weasyprint")
    assert percent.resolve_percentages is not speedups.resolve_percentages  # WeasyPrint's own, this time
    plain = render_pdf(inp)
    assert faster[:5] == b"%PDF-" and len(faster) > 10_000
    assert faster == plain


def test_check_math_answers_as_weasyprint_does():
    from tinycss2 import parse_component_value_list

    for css in ("calc(1px + 2%)", "1px", "min(1px, 2px) 3px", "var(--x)", "auto", "clamp(1px)"):
        tokens = tuple(t for t in parse_component_value_list(css) if t.type != "whitespace")
        for value in (tokens, tokens[0]):
            assert bool(speedups.check_math(value)) == bool(speedups._check_math(value)), css

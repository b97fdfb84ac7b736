"""Factur-X (ZUGFeRD 2): the document's PDF as PDF/A-3b with its CII XML embedded as ``factur-x.xml``
(``AFRelationship`` ``/Data``) and the Factur-X XMP metadata for the EN 16931 profile, by the ``factur-x``
library. The base PDF is WeasyPrint's PDF/A-3b rendering of the document as issued (fonts embedded, an sRGB
output intent)."""

from __future__ import annotations

from io import BytesIO

from facturx import generate_from_binary  # type: ignore[import-untyped]

from invoicing.einvoice.model import EInvoice
from invoicing.rendering import RenderInput, layout

PDF_VARIANT = "pdf/a-3b"
LEVEL = "en16931"


def base_pdf(inp: RenderInput) -> bytes:
    """The document as PDF/A-3b. CPU-bound and synchronous: call it from the render thread."""
    out = BytesIO()
    layout(inp).write_pdf(out, pdf_variant=PDF_VARIANT)
    return out.getvalue()


def embed(pdf: bytes, xml: bytes, inv: EInvoice, lang: str | None = None) -> bytes:
    """``pdf`` (PDF/A-3) with ``xml`` (CII) attached as the Factur-X EN 16931 invoice."""
    kind = "Credit note" if inv.type_code == "381" else "Invoice"
    metadata = {
        "author": inv.seller.name,
        "keywords": "Factur-X, EN 16931",
        "title": f"{inv.seller.name}: {kind} {inv.number}",
        "subject": f"Factur-X {kind.lower()} {inv.number} of {inv.issue_date.isoformat()} by {inv.seller.name}",
    }
    return generate_from_binary(
        pdf,
        xml,
        flavor="factur-x",
        level=LEVEL,
        check_xsd=False,  # the writer is validated against the XSD and schematrons in the test suite
        pdf_metadata=metadata,
        lang=lang,
        afrelationship="data",
    )

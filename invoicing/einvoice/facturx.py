"""Factur-X (ZUGFeRD 2): the document's PDF as PDF/A-3b with its CII XML embedded as ``factur-x.xml``
(``AFRelationship`` ``/Data``) and the Factur-X XMP metadata for the EN 16931 profile, by the ``factur-x``
library. The base PDF is WeasyPrint's PDF/A-3b rendering of the document as issued (fonts embedded, an sRGB
output intent).

With ``settings.einvoice.pdf`` (default true in the EU) this file is also the document's kept original PDF
(:func:`model_for_pdf` decides; :mod:`invoicing.rendering.service` keeps it once)."""

from __future__ import annotations

from io import BytesIO
from typing import Any

from facturx import generate_from_binary  # type: ignore[import-untyped]
from pypdf import PdfReader

from contract.errors import ValidationFailed
from invoicing.einvoice.formats import FORMATS, requirements
from invoicing.einvoice.model import EInvoice, build
from invoicing.entities.settings import Settings, einvoice_pdf
from invoicing.rendering import RenderInput, render_pdf

PDF_VARIANT = "pdf/a-3b"
LEVEL = "en16931"


def base_pdf(inp: RenderInput) -> bytes:
    """The document as PDF/A-3b. CPU-bound and synchronous: call it from the render thread."""
    return render_pdf(inp, pdf_variant=PDF_VARIANT)


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


def document(inp: RenderInput, xml: bytes, inv: EInvoice, lang: str | None) -> bytes:
    """The Factur-X PDF of ``inp`` (the document as issued) carrying ``xml``. CPU-bound: the render thread."""
    return embed(base_pdf(inp), xml, inv, lang)


def model_for_pdf(doc: Any, entity: Any, settings: Settings) -> EInvoice | None:
    """The EN 16931 model when the document's PDF is to be its Factur-X (``settings.einvoice.pdf``, effective
    value) and the document can be written as CII; None otherwise (then the PDF is the plain one: a PDF is
    never refused because an e-invoice could not be made)."""
    if not einvoice_pdf(settings, entity.country):
        return None
    try:
        inv = build(doc, entity, settings)
    except ValidationFailed:
        return None
    return None if requirements("cii", inv) else inv


def xml_of(inv: EInvoice) -> bytes:
    """The CII embedded in a Factur-X PDF: the same bytes as the ``cii`` format."""
    return FORMATS["cii"].write(inv)


def is_facturx(pdf: bytes) -> bool:
    """Whether a kept PDF is a Factur-X one (its catalogue lists an associated file: ``/AF``). A PDF kept
    before ``settings.einvoice.pdf`` was turned on is a plain one."""
    return "/AF" in PdfReader(BytesIO(pdf)).root_object

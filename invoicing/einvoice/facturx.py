"""Factur-X (ZUGFeRD 2): the document's PDF as PDF/A-3b with its CII XML embedded as ``factur-x.xml``
(``AFRelationship`` ``/Data``) and the Factur-X XMP metadata for the EN 16931 profile, by the ``factur-x``
library. The base PDF is WeasyPrint's PDF/A-3b rendering of the document as issued (fonts embedded, an sRGB
output intent).

With ``settings.einvoice.pdf`` (default true in the EU) this file is also the document's kept original PDF
(:func:`model_for_pdf` decides; :mod:`invoicing.rendering.service` keeps it once)."""

from __future__ import annotations

from datetime import UTC, datetime
from io import BytesIO
from typing import Any

from pypdf import PdfReader
from weasyprint import Attachment

from contract.errors import ValidationFailed
from invoicing.einvoice.formats import FORMATS, requirements
from invoicing.einvoice.model import EInvoice, build
from invoicing.entities.settings import Settings, einvoice_pdf
from invoicing.rendering import RenderInput, render_pdf

PDF_VARIANT = "pdf/a-3b"
LEVEL = "EN 16931"
FILE_NAME = "factur-x.xml"
FX_NAMESPACE = "urn:factur-x:pdfa:CrossIndustryDocument:invoice:1p0#"

# The Factur-X 1.0 XMP (spec, section 6.2.2): the PDF/A extension schema that declares the ``fx`` properties,
# then their values. WeasyPrint writes the rest of the XMP (PDF/A id, title, author, producer, dates) from
# the document's metadata, so the XMP and the document information dictionary agree.
_FX_PROPERTIES = (
    ("DocumentFileName", "The name of the embedded XML document"),
    ("DocumentType", "The type of the hybrid document in capital letters, e.g. INVOICE or ORDER"),
    ("Version", "The actual version of the standard applying to the embedded XML document"),
    ("ConformanceLevel", "The conformance level of the embedded XML document"),
)
FX_XMP = "".join(
    (
        '<rdf:Description xmlns:pdfaExtension="http://www.aiim.org/pdfa/ns/extension/" '
        'xmlns:pdfaSchema="http://www.aiim.org/pdfa/ns/schema#" '
        'xmlns:pdfaProperty="http://www.aiim.org/pdfa/ns/property#" rdf:about="">'
        '<pdfaExtension:schemas><rdf:Bag><rdf:li rdf:parseType="Resource">'
        "<pdfaSchema:schema>Factur-X PDFA Extension Schema</pdfaSchema:schema>"
        f"<pdfaSchema:namespaceURI>{FX_NAMESPACE}</pdfaSchema:namespaceURI>"
        "<pdfaSchema:prefix>fx</pdfaSchema:prefix><pdfaSchema:property><rdf:Seq>",
        *(
            f'<rdf:li rdf:parseType="Resource"><pdfaProperty:name>{name}</pdfaProperty:name>'
            "<pdfaProperty:valueType>Text</pdfaProperty:valueType><pdfaProperty:category>external"
            f"</pdfaProperty:category><pdfaProperty:description>{text}</pdfaProperty:description></rdf:li>"
            for name, text in _FX_PROPERTIES
        ),
        "</rdf:Seq></pdfaSchema:property></rdf:li></rdf:Bag></pdfaExtension:schemas></rdf:Description>",
        f'<rdf:Description xmlns:fx="{FX_NAMESPACE}" rdf:about="">',
        f"<fx:DocumentType>INVOICE</fx:DocumentType><fx:DocumentFileName>{FILE_NAME}</fx:DocumentFileName>",
        f"<fx:Version>1.0</fx:Version><fx:ConformanceLevel>{LEVEL}</fx:ConformanceLevel></rdf:Description>",
    )
).encode()


def base_pdf(inp: RenderInput) -> bytes:
    """The document as plain PDF/A-3b (no attachment). CPU-bound and synchronous: call it from the render
    thread."""
    return render_pdf(inp, pdf_variant=PDF_VARIANT)


def document(inp: RenderInput, xml: bytes, inv: EInvoice, lang: str | None) -> bytes:
    """The Factur-X PDF of ``inp`` (the document as issued) carrying ``xml`` (CII) as ``factur-x.xml``, written
    in WeasyPrint's one PDF/A-3b pass: no second parse and rewrite of the PDF (the ``factur-x`` library's
    way cost 6-13 ms a page, and wrote an XMP whose producer disagreed with the document's). CPU-bound: the
    render thread."""
    return render_pdf(inp, pdf_variant=PDF_VARIANT, prepare=lambda doc: _prepare(doc, xml, inv, lang))


def _prepare(document: Any, xml: bytes, inv: EInvoice, lang: str | None) -> Any:
    """Set a laid-out WeasyPrint document's metadata for Factur-X; answers the finisher for ``write_pdf``."""
    kind = "Credit note" if inv.type_code == "381" else "Invoice"
    now = datetime.now(UTC).replace(microsecond=0)
    metadata = document.metadata
    metadata.title = f"{inv.seller.name}: {kind} {inv.number}"
    metadata.authors = [inv.seller.name]
    metadata.description = f"Factur-X {kind.lower()} {inv.number} of {inv.issue_date.isoformat()} by {inv.seller.name}"
    metadata.keywords = ["Factur-X", LEVEL]
    metadata.created = metadata.modified = now.isoformat()
    if lang:
        metadata.lang = lang
    metadata.attachments = [
        Attachment(
            string=xml, name=FILE_NAME, description="Factur-X XML file", relationship="Data", created=now, modified=now
        )
    ]
    rdf = metadata.generate_rdf_metadata

    def with_fx(variant: str, version: int, conformance: str) -> bytes:
        out: bytes = rdf(variant, version, conformance)
        head, tail = out.rsplit(b"</rdf:RDF>", 1)
        return head + FX_XMP + b"</rdf:RDF>" + tail

    metadata.generate_rdf_metadata = with_fx
    return _finish


def _finish(document: Any, pdf: Any) -> None:
    """WeasyPrint 70 lists each attachment twice in the catalogue's ``/AF`` (once from the name tree, once as
    a file specification): keep each once. The XML is ``text/xml``, as Factur-X asks."""
    if "AF" in pdf.catalog:
        seen = list(dict.fromkeys(pdf.catalog["AF"]))
        pdf.catalog["AF"][:] = seen
    for obj in pdf.objects:
        extra = getattr(obj, "extra", None)
        if isinstance(extra, dict) and extra.get("Type") == "/EmbeddedFile":
            extra["Subtype"] = "/text#2Fxml"


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

"""Reading what a rendered PDF says: its text (pypdf), its GiroCode (zxing-cpp) and its XMP metadata (lxml)."""

from __future__ import annotations

import io

import pypdf
import zxingcpp
from lxml import etree

SPACES = {"\xa0": " ", "\u202f": " ", "\u2009": " "}


def pdf_text(content: bytes) -> str:
    assert content.startswith(b"%PDF-"), content[:40]
    reader = pypdf.PdfReader(io.BytesIO(content))
    text = "\n".join(page.extract_text() or "" for page in reader.pages)
    for char, space in SPACES.items():
        text = text.replace(char, space)
    return text


def pdf_images(content: bytes):
    reader = pypdf.PdfReader(io.BytesIO(content))
    return [image.image for page in reader.pages for image in page.images]


def decode_qr_codes(content: bytes) -> list[str]:
    found = []
    for image in pdf_images(content):
        found += [
            r.text for r in zxingcpp.read_barcodes(image.convert("L")) if r.format == zxingcpp.BarcodeFormat.QRCode
        ]
    return found


XMP_PREFIXES = {
    "http://www.aiim.org/pdfa/ns/id/": "pdfaid",
    "http://ns.adobe.com/pdf/1.3/": "pdf",
    "http://ns.adobe.com/xap/1.0/": "xmp",
    "http://purl.org/dc/elements/1.1/": "dc",
    "urn:factur-x:pdfa:CrossIndustryDocument:invoice:1p0#": "fx",
    "http://www.aiim.org/pdfa/ns/schema#": "pdfaSchema",
}
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"


def xmp_properties(content: bytes) -> dict[str, str]:
    """The simple properties of a PDF's XMP metadata as ``prefix:name`` → text, whether written as an
    attribute of an ``rdf:Description`` or as its child element; a property with an ``rdf:Alt``/``rdf:Seq``
    value gives its first item. Parsing the XML (not searching bytes) also proves the XMP well formed."""
    root = pypdf.PdfReader(io.BytesIO(content)).trailer["/Root"]
    if "/Metadata" not in root:
        return {}
    packet = root["/Metadata"].get_object().get_data()
    tree = etree.fromstring(packet[packet.index(b"<x:xmpmeta") : packet.rindex(b"</x:xmpmeta>") + 12])

    def name(tag: str) -> str | None:
        namespace, _, local = tag[1:].partition("}")
        prefix = XMP_PREFIXES.get(namespace)
        return f"{prefix}:{local}" if prefix else None

    found: dict[str, str] = {}
    for description in tree.iter(f"{{{RDF}}}Description", f"{{{RDF}}}li"):
        for key, value in description.attrib.items():
            if (prop := name(key)) is not None:
                found.setdefault(prop, value)
        for child in description:
            if (prop := name(child.tag)) is not None:
                text = child.text if len(child) == 0 else child.findtext(f".//{{{RDF}}}li")
                found.setdefault(prop, (text or "").strip())
    return found

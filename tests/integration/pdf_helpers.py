"""Reading what a rendered PDF says: its text (pypdf) and its GiroCode (zxing-cpp)."""

from __future__ import annotations

import io

import pypdf
import zxingcpp

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

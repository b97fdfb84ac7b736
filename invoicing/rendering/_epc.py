"""The EPC069-12 "GiroCode": a SEPA credit transfer in a QR code.

The payload is twelve lines joined by ``\\n`` (trailing empty elements left out)::

    BCD            service tag
    002            version (002: BIC optional inside the EEA)
    1              character set, 1 = UTF-8
    SCT            SEPA credit transfer
    BIC            8 or 11 characters, may be empty
    name           beneficiary, at most 70 characters
    IBAN
    EUR123.45      amount: EUR, 0.01 … 999999999.99
    purpose        4 letters, may be empty
    reference      structured creditor reference (RF…), or empty
    text           unstructured remittance text, at most 140 characters (only without a reference)
    information    beneficiary-to-originator note, may be empty

The whole payload is at most 331 bytes; the QR code uses error correction level M.
"""

from __future__ import annotations

import base64
import io
from decimal import Decimal
from functools import lru_cache

import segno
from PIL import Image

MAX_AMOUNT = Decimal("999999999.99")
MAX_BYTES = 331


def _clean(value: str | None) -> str:
    return " ".join((value or "").split())


def epc_payload(
    *,
    name: str,
    iban: str,
    amount: Decimal,
    bic: str | None = None,
    text: str | None = None,
    reference: str | None = None,
) -> str | None:
    """The payload, or None when no valid GiroCode exists for these values (amount out of range, no IBAN)."""
    iban = "".join((iban or "").split()).upper()
    bic = "".join((bic or "").split()).upper()
    name = _clean(name)[:70]
    if not iban or not name or len(iban) > 34 or (bic and len(bic) not in (8, 11)):
        return None
    if amount < Decimal("0.01") or amount > MAX_AMOUNT:
        return None
    amount_str = "EUR" + format(amount.quantize(Decimal("0.01")), "f")
    reference = "".join((reference or "").split()).upper()[:35]
    text = "" if reference else _clean(text)[:140]

    def build(text: str) -> str:
        fields = ["BCD", "002", "1", "SCT", bic, name, iban, amount_str, "", reference, text]
        while not fields[-1]:
            fields.pop()
        return "\n".join(fields)

    payload = build(text)
    while len(payload.encode()) > MAX_BYTES and text:
        text = text[:-1].rstrip()
        payload = build(text)
    return payload if len(payload.encode()) <= MAX_BYTES else None


def qr_png(payload: str, *, scale: int = 4) -> bytes:
    """The QR code as a PNG (each module ``scale`` pixels, 4-module quiet zone)."""
    qr = segno.make(payload, error="m", micro=False, encoding="utf-8")
    out = io.BytesIO()
    qr.save(out, kind="png", scale=scale, border=4)
    return out.getvalue()


@lru_cache(maxsize=512)
def qr_data_uri(payload: str) -> str:
    """The code as a ``data:`` URL for the PDF: one pixel per module, 8-bit greyscale (the page scales it up
    without smoothing, ``image-rendering: pixelated``, so it prints as sharp as a bigger one). WeasyPrint
    decodes and re-encodes every image of every render, and converts a 1-bit PNG (segno's) to RGB first:
    the 164-pixel RGB code cost ~10 % of a one-page render, this one well under 1 %. Kept per payload (a
    string, so immutable): choosing the QR mask costs as much again, and a document is rendered again for
    its preview, its PDF and its Factur-X."""
    image = Image.open(io.BytesIO(qr_png(payload, scale=1))).convert("L")
    out = io.BytesIO()
    image.save(out, format="PNG")
    return "data:image/png;base64," + base64.b64encode(out.getvalue()).decode()

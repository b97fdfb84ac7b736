"""What the e-invoice routes document in the OpenAPI schema."""

from __future__ import annotations

from msgspec import Struct

FORMAT_DOC = (
    "facturx (PDF/A-3 with the CII XML embedded, EN 16931 profile), cii (the same XML alone), ubl (UBL 2.1), "
    "xrechnung (XRechnung 3, UBL syntax), peppol (Peppol BIS Billing 3.0)."
)
EINVOICE_DOC = (
    "The issued document as an EN 16931 e-invoice in `format`, produced at the first request and kept: the same "
    "bytes on every later request. application/pdf for facturx, application/xml for the others. A draft answers "
    "409; an unknown format 422 naming `format`; a format needing data the document lacks 422 naming each "
    "missing field with its business term (e.g. `customer.buyer_reference`, BT-10, for xrechnung)."
)

FORMATS_DOC = (
    "Which e-invoice formats this issued document can be produced in: all five names (facturx, cii, ubl, "
    "xrechnung, peppol) in that order, each `available` or with the `missing` fields (the request field to "
    "fill, its EN 16931 business term, why). `required` marks the format the customer declared "
    "(`einvoice_format`). A draft answers 409."
)


class Missing(Struct):
    field: str
    """The field a request would fill, e.g. ``customer.buyer_reference``."""
    business_term: str
    """Its EN 16931 business term, e.g. ``BT-10``."""
    message: str


class EInvoiceFormatOut(Struct):
    format: str
    available: bool
    required: bool
    """The customer declared this format as the one it requires (``einvoice_format``)."""
    missing: list[Missing]

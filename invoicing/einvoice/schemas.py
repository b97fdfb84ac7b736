"""What the e-invoice routes document in the OpenAPI schema."""

from __future__ import annotations

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

"""Documents people read: invoices and credit notes as PDF and HTML.

::

    RenderInput (API figures + seller + settings + logo bytes)
        └── build_context()  Babel formatting, labels, EPC payload   (pure)
            ├── render_html()  self-contained preview (strict CSP)
            └── render_pdf()   WeasyPrint, data: URLs only            (CPU, in a thread)

:mod:`invoicing.rendering.service` does the I/O around it: loading the document, the logo (an
uploaded file, or a remote ``logo_url`` fetched with a timeout and size cap and cached), and
keeping an issued document's PDF once rendered; :func:`logo_lifespan` gives the app one logo fetcher.
"""

from invoicing.rendering._epc import epc_payload, qr_png
from invoicing.rendering._format import ZWSP, Formatter, soft_breaks
from invoicing.rendering._labels import LABELS, language_of
from invoicing.rendering._logo import LogoFetcher, logo_lifespan, provide_logo_fetcher, sniff
from invoicing.rendering._render import (
    PREVIEW_CSP,
    Logo,
    RenderInput,
    Seller,
    build_context,
    layout,
    render_html,
    render_pdf,
)

__all__ = [
    "LABELS",
    "PREVIEW_CSP",
    "ZWSP",
    "Formatter",
    "Logo",
    "LogoFetcher",
    "RenderInput",
    "Seller",
    "build_context",
    "epc_payload",
    "language_of",
    "layout",
    "logo_lifespan",
    "provide_logo_fetcher",
    "qr_png",
    "render_html",
    "render_pdf",
    "sniff",
    "soft_breaks",
]
